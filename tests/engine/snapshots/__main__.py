"""Re-record the trace digests: ``.venv/bin/python -m tests.engine.snapshots``."""

from __future__ import annotations

from . import record

record()
