"""Team wiki figures (issue 13): saving a revision, diffing a 2,000-line page, searching 1,000 pages.

    .venv/bin/python bench/wiki.py [--runs 50]                       # temporary SQLite database
    python tests/services.py postgres -- .venv/bin/python bench/wiki.py   # a private PostgreSQL

With ``DATABASE_URL`` set (``tests/services.py postgres`` sets it) the figures are for that
database, else for a temporary SQLite file. Targets (issue 13): save ≤ 50 ms, diff ≤ 100 ms,
search ≤ 50 ms. Prints the medians last.

- ``save_revision_ms_median``: ``lesson_revise`` of a course-sized page (render, search index,
  history row, the optimistic lock), one changed line per save.
- ``diff_ms_median``: GET of the side-by-side diff page between two revisions of a 2,000-line page
  that differ in 40 places (difflib + template), through Django's test client.
- ``search_ms_median``: GET /lessons/search?q=… with 1,000 wiki pages besides the course.
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
QUERIES = ("throttling", "节流", "runbook 42", "缓存", "usage plan")
PAGES = 1_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="gateway-lab-bench-") as folder:
        os.environ.setdefault("DATABASE_URL", f"sqlite:///{folder}/bench.sqlite3")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gateway_lab.settings")
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.db import connection

        engine = connection.vendor
        figures = _run(args.runs)
    print(f"database: {engine}; runs: {args.runs}; pages: {PAGES} besides the course")
    for name, value in figures.items():
        print(f"{name}: {value:.2f} ms")


def _run(runs: int) -> dict[str, float]:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    from gateway_lab.lessons.models import Lesson
    from gateway_lab.lessons.roles import role_set
    from gateway_lab.lessons.services.revisions import lesson_create, lesson_revise

    call_command("migrate", verbosity=0)
    call_command("load_lessons", verbosity=0)
    call_command("setup_roles", verbosity=0)
    user = get_user_model().objects.create_user("bench-editor")
    role_set(actor=None, user=user, roles=["editor"])

    lesson = Lesson.objects.get(slug="performance", language="en")
    samples = []
    for run in range(runs + 3):
        body = f"{lesson.body}\nEdited line {run}.\n"
        started = time.perf_counter()
        lesson_revise(lesson=lesson, body=body, author=user, base_revision=lesson.revision)
        elapsed = time.perf_counter() - started
        lesson.refresh_from_db()
        if run >= 3:  # warm-up saves are not measured
            samples.append(elapsed * 1000)
    save_ms = statistics.median(samples)

    lines = [
        f"Line {i}: API Gateway throttling, caching and usage plans, paragraph {i}." for i in range(2_000)
    ]
    big = lesson_create(
        slug="big-page", language="en", title="Big", body="\n".join(lines) + "\n", author=user
    )
    for i in range(0, 2_000, 50):
        lines[i] = f"Line {i}: changed by a second editor."
    lesson_revise(lesson=big, body="\n".join(lines) + "\n", author=user, base_revision=1)
    client = Client()
    client.force_login(user)
    diff_ms = _time(client, ["/lessons/big-page/diff/?lang=en&a=1&b=2"], runs)

    for i in range(PAGES):
        language = "zh-hans" if i % 2 else "en"
        text = (
            f"## 值班手册 {i}\n\n缓存失效后，先检查节流设置和使用计划。第 {i} 页。\n"
            if language == "zh-hans"
            else f"## Runbook {i}\n\nAfter a cache flush, check throttling and the usage plan. Page {i}.\n"
        )
        lesson_create(slug=f"page-{i}", language=language, title=f"Page {i}", body=text, author=user)
    search_ms = _time(client, [f"/lessons/search?q={q}" for q in QUERIES], runs)
    return {"save_revision_ms_median": save_ms, "diff_ms_median": diff_ms, "search_ms_median": search_ms}


def _time(client, urls: list[str], runs: int) -> float:  # noqa: ANN001
    for url in urls:  # warm up: template loading and caches are not what we measure
        assert client.get(url).status_code == 200, url
    samples = []
    for run in range(runs):
        url = urls[run % len(urls)]
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, url
    return statistics.median(samples)


if __name__ == "__main__":
    main()
