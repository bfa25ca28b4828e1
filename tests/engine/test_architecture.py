"""The engine stays pure: no Django, whatever module a front end imports."""

from __future__ import annotations

import json
import subprocess
import sys

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
