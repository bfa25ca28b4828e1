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
