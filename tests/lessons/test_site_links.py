"""Issue 10 "Smaller": the API docs page links back to the site and loads only local assets."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def test_api_docs_link_back_to_the_site(client):
    """/api/v1/docs/ (Swagger UI) has a way home, to the lessons and to the facts page."""
    body = client.get("/api/v1/docs/").content.decode()
    assert 'data-testid="api-docs-home"' in body and 'href="/"' in body
    assert 'href="/lessons/"' in body and 'href="/facts/"' in body
    assert not [url for url in re.findall(r'(?:src|href)="([^"]+)"', body) if "//" in url]


def test_footer_links_the_facts_page(client):
    """Every page's footer opens the fact sheet the citations point into."""
    assert 'href="/facts/" data-testid="facts-link"' in client.get("/").content.decode()
