"""Read, from the engine's source, which outcomes each pipeline stage can record.

A stage module (``engine/stages/<stage>*.py``, ``engine/access/stages/<stage>*.py``) records its steps with ``record(ctx, STAGE, Outcome.X, …)``
or refuses with ``deny(…)`` (``access_common``: reject, or error for a 5xx). WebSocket modules build
``Step(stage=S.X, outcome=…)`` directly. This walks the syntax tree, so it reads what the code says
rather than what a hand-written table claims.
"""

from __future__ import annotations

import ast
from pathlib import Path

from gateway_lab.engine.trace import StageName

ENGINE = Path(__file__).resolve().parents[2] / "gateway_lab" / "engine"
MODULE_STAGE = {"access_common": None, "common": None, "base": None, "__init__": None}
# Pipeline stage modules: the general ones, and access control's (``engine/access/stages``, issue 11).
STAGE_DIRS = (ENGINE / "stages", ENGINE / "access" / "stages")


def _module_stage(path: Path) -> str | None:
    stem = path.stem
    if stem in MODULE_STAGE:
        return MODULE_STAGE[stem]
    for stage in sorted(StageName, key=lambda s: -len(s.value)):
        if stem == stage.value or stem.startswith(stage.value + "_"):
            return stage.value
    return None


def _outcomes_in(node: ast.AST) -> set[str]:
    return {
        n.attr.lower()
        for n in ast.walk(node)
        if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == "Outcome"
    }


def _stage_keyword(call: ast.Call) -> str | None:
    for keyword in call.keywords:
        if keyword.arg == "stage" and isinstance(keyword.value, ast.Attribute):
            return keyword.value.attr.lower()
    return None


def _denying_helpers() -> set[str]:
    """Return ``deny`` and the shared helpers that end in it (``unauthorized``, ``access_denied``…)."""
    names = {"deny"}
    for path in (folder / name for folder in STAGE_DIRS for name in ("common.py", "access_common.py")):
        if not path.is_file():
            continue
        for func in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(func, ast.FunctionDef) and any(
                isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "deny"
                for n in ast.walk(func)
            ):
                names.add(func.name)
    return names


def engine_stage_outcomes() -> dict[str, set[str]]:
    """Return {stage: outcomes its modules can record}, read from the engine's source."""
    found: dict[str, set[str]] = {stage.value: set() for stage in StageName}
    denying = _denying_helpers()
    for path in sorted(p for folder in STAGE_DIRS for p in folder.glob("*.py")):
        stage = _module_stage(path)
        if stage is None:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found[stage] |= _outcomes_in(tree)
        calls_deny = any(
            isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in denying
            for n in ast.walk(tree)
        )
        if calls_deny:  # common.deny (or a helper ending in it): 5xx → error, else reject
            found[stage] |= {"reject", "error"}
    for path in sorted((ENGINE / "websocket").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
            stage = _stage_keyword(call)
            if stage in found:
                found[stage] |= _outcomes_in(call)
    return found
