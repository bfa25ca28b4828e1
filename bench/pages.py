"""Server time of a lesson page and of a search, through Django's test client.

    .venv/bin/python bench/pages.py [--runs 200]

Uses a temporary SQLite database, loads content/ into it, then times GET /lessons/performance/
and GET /lessons/search?q=… (alternating English and Chinese queries). Prints the medians last.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ("throttling", "节流", "cache key", "缓存", "504")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="gateway-lab-bench-") as folder:
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gateway_lab.settings")
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.core.management import call_command
        from django.test import Client

        call_command("migrate", verbosity=0)
        call_command("load_lessons", verbosity=0)
        client = Client()
        lesson_ms = _time(client, ["/lessons/performance/"], args.runs)
        search_ms = _time(client, [f"/lessons/search?q={q}" for q in QUERIES], args.runs)
    print(f"runs: {args.runs} requests")
    print(f"lesson_page_ms_median: {lesson_ms:.2f} ms")
    print(f"search_ms_median: {search_ms:.2f} ms")


def _time(client, urls: list[str], runs: int) -> float:  # noqa: ANN001
    for url in urls:  # warm up: template loading and caches are not what we measure
        assert client.get(url).status_code == 200, url
    samples = []
    for index in range(runs):
        started = time.perf_counter()
        response = client.get(urls[index % len(urls)])
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return statistics.median(samples)


if __name__ == "__main__":
    main()
