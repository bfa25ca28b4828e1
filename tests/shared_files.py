"""Where the team's shared material lives: ``shared/`` beside the repository (CI lays it there too).

Set ``GATEWAY_LAB_SHARED`` to point elsewhere.
"""

from __future__ import annotations

import os
from pathlib import Path

SHARED = Path(os.environ.get("GATEWAY_LAB_SHARED") or Path(__file__).resolve().parents[2] / "shared")
FACTS_FILE = SHARED / "GATEWAY_FACTS.md"
REFERENCE = SHARED / "reference"
SAMPLES = REFERENCE / "samples"
REFERENCE_NOTE = REFERENCE / "000_92027130cd0244f3.txt"
