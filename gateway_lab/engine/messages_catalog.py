"""Every message the engine can put in a step: import each engine module, read ``text.CATALOG``.

Step text is built from ``engine.text.Text`` templates declared as module constants next to the
stage that uses them; declaring one registers it. Importing the whole package therefore yields the
complete list of message ids a front end may have to translate (tests check each has zh-Hans).
"""

from __future__ import annotations

import importlib
import pkgutil

from . import text


def engine_modules() -> list[str]:
    """Return the dotted names of every module of the engine package."""
    package = importlib.import_module(__package__ or "gateway_lab.engine")
    return sorted(
        info.name for info in pkgutil.walk_packages(package.__path__, prefix=f"{package.__name__}.")
    )


def message_ids() -> list[str]:
    """Return every message id (English template) the engine declares, sorted."""
    for name in engine_modules():
        importlib.import_module(name)
    return sorted(text.CATALOG)
