"""The engine stays pure: no Django, whatever module a front end imports, and no network outside its transport."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

SCRIPT = """
import importlib, json, pkgutil, sys
import gateway_lab.engine as engine
names = [m.name for m in pkgutil.walk_packages(engine.__path__, "gateway_lab.engine.")]
for name in names:
    importlib.import_module(name)
print(json.dumps({"modules": len(names), "django": sorted(m for m in sys.modules if m.split(".")[0] == "django")}))
"""


def test_engine_imports_no_django() -> None:
    """DESIGN.md: importing gateway_lab.engine and every submodule loads no django module."""
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True)
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["modules"] > 10
    assert report["django"] == []


ENGINE = Path(__file__).resolve().parents[2] / "gateway_lab" / "engine"
TRANSPORT = "integrations/http_transport.py"
NETWORK = ("urllib.request", "urllib.error", "http.client", "socket", "ssl", "requests", "httpx")


def _imports() -> dict[str, set[str]]:
    """Return every absolute module each engine file imports, by path relative to the engine package."""
    found: dict[str, set[str]] = {}
    for path in ENGINE.rglob("*.py"):
        names = found.setdefault(path.relative_to(ENGINE).as_posix(), set())
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module)
    return found


def test_engine_network_access_only_in_the_http_transport_adapter() -> None:
    """DESIGN.md: the engine does no I/O; only the HTTP integration's port adapter may open connections."""
    users = {
        path
        for path, names in _imports().items()
        if any(n == m or n.startswith(m + ".") for n in names for m in NETWORK)
    }
    assert users == {TRANSPORT}


def test_engine_urllib_beyond_parse_only_in_the_http_transport_adapter() -> None:
    """DESIGN.md: urllib is the transport's; elsewhere only urllib.parse (pure string functions) is used."""
    users = {
        path
        for path, names in _imports().items()
        if any(n.split(".")[0] == "urllib" and n != "urllib.parse" for n in names)
    }
    assert users <= {TRANSPORT}  # the adapter speaks http.client directly (it pins the checked address)


PACKAGE = ENGINE.parent
PUBLIC = ("gateway_lab.engine", "gateway_lab.engine.websocket")


def _public_names() -> set[str]:
    """The names in ``gateway_lab/engine/__init__.py``'s ``__all__`` (read without importing it)."""
    tree = ast.parse((ENGINE / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "__all__" for t in node.targets):
            return {ast.literal_eval(element) for element in node.value.elts}  # type: ignore[attr-defined]
    return set()


def _front_end_engine_imports() -> dict[str, set[str]]:
    """Return, per file outside the engine (migrations included), the engine modules it imports."""
    found: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        if ENGINE in path.parents:
            continue
        names = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(a.name for a in node.names if a.name.startswith("gateway_lab.engine"))
            elif (
                isinstance(node, ast.ImportFrom)
                and node.level == 0
                and (node.module or "").startswith("gateway_lab.engine")
            ):
                module = node.module or ""
                names.add(module)
                if module == "gateway_lab.engine":  # `from gateway_lab.engine import presets` names a module
                    names.update(
                        f"{module}.{a.name}"
                        for a in node.names
                        if a.name not in _public_names() and (ENGINE / f"{a.name}.py").exists()
                    )
        if names:
            found[path.relative_to(PACKAGE.parent).as_posix()] = names
    return found


def test_front_ends_import_only_the_public_engine_api() -> None:
    """Issue 11: front ends import gateway_lab.engine (and .websocket) only, never engine internals."""
    private = {
        path: sorted(n for n in names if n not in PUBLIC)
        for path, names in _front_end_engine_imports().items()
        if any(n not in PUBLIC for n in names)
    }
    assert private == {}
    assert len(_front_end_engine_imports()) > 10  # the scan sees the front ends


def test_public_engine_api_names_exist_and_are_documented() -> None:
    """Issue 11: every name in gateway_lab.engine.__all__ resolves, and front ends use only those."""
    import gateway_lab.engine as engine
    import gateway_lab.engine.websocket as websocket

    missing = [name for name in engine.__all__ if not hasattr(engine, name)]
    assert missing == []
    assert len(engine.__all__) == len(set(engine.__all__))
    used: set[tuple[str, str]] = set()
    for path in PACKAGE.rglob("*.py"):
        if ENGINE in path.parents:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module in PUBLIC:
                used.update((node.module, a.name) for a in node.names)
    exported = {
        "gateway_lab.engine": set(engine.__all__),
        "gateway_lab.engine.websocket": set(websocket.__all__),
    }
    assert sorted(f"{m}.{n}" for m, n in used if n not in exported[m]) == []


def _is_module(dotted: str) -> bool:
    path = PACKAGE.parent.joinpath(*dotted.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def _engine_module_graph() -> dict[str, set[str]]:
    """Module-level imports between engine modules (relative and absolute), by dotted name."""
    graph: dict[str, set[str]] = {}
    for path in ENGINE.rglob("*.py"):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = list(rel.parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts = parts[:-1]
        name = ".".join(parts)
        package = parts if is_package else parts[:-1]
        edges = graph.setdefault(name, set())
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:  # module level only: TYPE_CHECKING blocks are not imports at run time
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package[: len(package) - node.level + 1]
                    module = ".".join(base + ([node.module] if node.module else []))
                else:
                    module = node.module or ""
                submodules = [f"{module}.{a.name}" for a in node.names if _is_module(f"{module}.{a.name}")]
                targets = submodules if len(submodules) == len(node.names) else [module, *submodules]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                continue
            edges.update(t for t in targets if t.startswith("gateway_lab.engine"))
    return {
        name: {e for e in edges if e in graph or e.rsplit(".", 1)[0] in graph}
        for name, edges in graph.items()
    }


def test_engine_has_no_imports_inside_functions() -> None:
    """Issue 11: no import hides in a function to dodge a circle (TYPE_CHECKING blocks are fine)."""
    hidden = []
    for path in ENGINE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Import | ast.ImportFrom):
                        hidden.append(f"{path.relative_to(ENGINE).as_posix()}:{inner.lineno}")
    assert hidden == []


def test_engine_module_imports_have_no_cycles_through_named_modules() -> None:
    """Issue 11: the circles model <-> model_load and presets -> simulate -> websocket -> presets are gone."""
    graph = _engine_module_graph()

    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), [start]
        while todo:
            current = todo.pop()
            for nxt in graph.get(current, ()):
                target = nxt if nxt in graph else nxt.rsplit(".", 1)[0]
                if target == goal:
                    return True
                if target not in seen:
                    seen.add(target)
                    todo.append(target)
        return False

    engine = "gateway_lab.engine"
    assert not reaches(f"{engine}.model", f"{engine}.model_load")
    assert not reaches(f"{engine}.websocket.scenario", f"{engine}.presets")
    assert not reaches(f"{engine}.websocket.session", f"{engine}.simulate")
    assert not reaches(f"{engine}.stages.routing_ws", f"{engine}.websocket")
