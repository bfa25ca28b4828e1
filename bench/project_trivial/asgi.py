"""The project's ASGI application (HTTP, WebSockets, /healthz) with ``project_trivial.settings``."""

from __future__ import annotations

import os

os.environ["DJANGO_SETTINGS_MODULE"] = "project_trivial.settings"

from gateway_lab.asgi import application  # noqa: E402

__all__ = ["application"]
