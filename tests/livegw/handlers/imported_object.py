"""A module that only imports another module's handler object: that object is not this module's handler."""

from __future__ import annotations

from .mangum_notes import handler as routed

__all__ = ["routed"]
