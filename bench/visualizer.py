"""Visualizer figures: server time for one step partial, for a 1,000-request burst page, and page asset weight.

Run: ``.venv/bin/python bench/visualizer.py``. Prints its figures last, one per line.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gateway_lab.settings")


def _time_ms(client, url: str, **headers: str) -> float:
    start = time.perf_counter()
    response = client.get(url, headers=headers)
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed


def main() -> None:
    import re

    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    step_url = "/visualizer/?preset=lambda-proxy-echo&step={}"
    _time_ms(client, step_url.format(1))  # warm caches and imports
    steps = [
        _time_ms(client, step_url.format(1 + i % 8), HX_Request="true", HX_Target="trace") for i in range(40)
    ]
    burst_url = "/visualizer/?count=1000&over=10&rate=50&burst=100"
    _time_ms(client, burst_url)
    bursts = [_time_ms(client, burst_url) for _ in range(5)]
    html = client.get("/visualizer/").content.decode()
    assets = re.findall(r'(?:src|href)="/static/([^"]+\.(?:js|css))"', html)
    weight = sum((ROOT / "static" / path).stat().st_size for path in assets if "htmx" not in path)
    print(f"assets: {', '.join(a for a in assets if 'htmx' not in a)}")
    print(f"step_ms_median: {statistics.median(steps):.1f} ms")
    print(f"burst_1000_page_ms: {statistics.median(bursts):.1f} ms")
    print(f"page_asset_kb: {weight / 1024:.1f} KB")


if __name__ == "__main__":
    main()
