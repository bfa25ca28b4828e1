"""The Content-Security-Policy in a real browser (Debian's Chromium): pages work under it.

A policy that broke a page would show as a console error ("Refused to load/execute/apply …"); these
pages must render, run their scripts (``body[data-ready]`` is set by site.js) and log nothing.
"""

from __future__ import annotations

import pytest

from gateway_lab.lessons.services import notes_import

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTE = b"""---
title: CSP check
---

## Limits {#limits}

| Limit | Value |
|:------|------:|
| Timeout | 29 s |

![diagram](/static/img/favicon.svg) ![pixel](https://tracker.example/p.gif)

<img src="/static/img/favicon.svg" onload="document.body.dataset.pwned='1'">
"""


@pytest.mark.parametrize("path", ["/", "/lessons/", "/visualizer/", "/lab/", "/facts/", "/ws-demo/"])
def test_site_pages_run_under_the_policy_without_violations(page, path: str):
    """Issue 16: scripts from /static/ run (site.js marks the body ready); nothing is refused."""
    page.goto(path)
    page.wait_for_selector("body[data-ready=true]")
    assert page.watch.console_errors == [] and page.watch.foreign_requests == []


def test_lesson_with_table_alignment_and_images_renders_under_the_policy(page):
    """A table's text-align (style attribute) applies; the foreign pixel was dropped; no handler ran."""
    result = notes_import(name="csp.md", data=NOTE)
    assert result.ok, result.error
    page.goto(f"/lessons/{result.slug}/")
    page.wait_for_selector("body[data-ready=true]")
    align = page.locator(".lesson-body td, article td").last.evaluate(
        "cell => getComputedStyle(cell).textAlign"
    )
    assert align == "right"
    assert page.locator("img[src*='tracker.example']").count() == 0
    assert page.evaluate("document.body.dataset.pwned") is None
    assert page.watch.console_errors == [] and page.watch.foreign_requests == []


def test_swagger_ui_renders_under_its_policy(page):
    """/api/v1/docs/: vendored Swagger UI starts from its same-origin script and lists the API."""
    page.goto("/api/v1/docs/")
    page.wait_for_selector(".swagger-ui .opblock", timeout=15_000)
    assert page.locator(".swagger-ui .opblock").count() >= 3
    assert page.watch.console_errors == [] and page.watch.foreign_requests == []
