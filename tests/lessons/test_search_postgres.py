"""Search on PostgreSQL: full-text for Latin text plus substring matching for Chinese.

Run by the lead's second pass: tests/services.py postgres -- pytest -m postgres.
"""

from __future__ import annotations

import pytest
from django.db import connection

from gateway_lab.lessons.search import search_sections

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_database_is_postgresql():
    """This pass really runs on PostgreSQL."""
    assert connection.vendor == "postgresql"


def test_postgres_full_text_finds_english_words(loaded):
    """§4: full-text search finds 'repeated GET' in the caching section."""
    hits = search_sections(query="repeated requests", language="en")
    assert [(h.lesson_slug, h.anchor) for h in hits][:1] == [("alpha", "caching")]


def test_postgres_search_finds_two_chinese_characters(loaded):
    """§3.1: 节流 has no word boundary; the substring fallback still finds it."""
    hits = search_sections(query="节流", language="zh-hans")
    assert ("alpha", "throttling", "zh-hans") in [(h.lesson_slug, h.anchor, h.language) for h in hits]
