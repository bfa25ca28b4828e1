"""The README's "engine from Python" example runs as written and prints what the README says (§3.1, §11)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SECTION = (ROOT / "README.md").read_text(encoding="utf-8").split("### The engine from Python", 1)[1]


def test_readme_engine_example_prints_the_readme_output(tmp_path: Path) -> None:
    """A burst of 1 admits one request and throttles the next with 429 (§3.1), stage by stage (§11)."""
    code = re.search(r"```python\n(.*?)```", SECTION, re.S)
    printed = re.search(r"```text\n(.*?)```", SECTION, re.S)
    assert code and printed
    script = tmp_path / "pets.py"
    script.write_text(code.group(1), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout == printed.group(1)
    assert result.stdout.splitlines()[1].startswith("429 ")
