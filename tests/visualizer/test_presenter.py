"""The presenter view and "hide skipped stages" (issue 10, §11)."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db

URL = "/visualizer/"


def test_presenter_view_has_no_site_header_and_a_key_legend(client):
    """§11: view=presenter renders diagram and explanation without the sticky site header."""
    html = client.get(URL + "?preset=fragile-backend&view=presenter").content.decode()
    assert 'data-testid="presenter"' in html and "site-header" not in html
    assert 'data-testid="present-diagram"' in html and 'data-testid="present-explanation"' in html
    legend = re.search(r'data-testid="key-legend">(.*?)</p>', html, re.S).group(1)
    for key in ("←", "→", "Space", "H", "Esc"):
        assert f"<kbd>{key}</kbd>" in legend


def test_presenter_view_hides_skipped_stages_by_default(client):
    """§11: the projector shows only the stages that did something; H (hide=none) shows them all."""
    html = client.get(URL + "?preset=fragile-backend&view=presenter").content.decode()
    assert 'data-stage="resource_policy"' not in html and 'data-stage="throttle"' in html
    shown = client.get(URL + "?preset=fragile-backend&view=presenter&hide=none").content.decode()
    assert 'data-stage="resource_policy"' in shown


def test_presenter_stepping_links_skip_hidden_stages(client):
    """§11: → from Routing goes straight to Throttling when skipped stages are hidden."""
    html = client.get(URL + "?preset=fragile-backend&req=6&step=2&view=presenter").content.decode()
    next_href = re.search(r'data-next="([^"]*)"', html).group(1)
    assert "step=6" in next_href.replace("&amp;", "&")


def test_page_hide_skipped_toggle_filters_the_event_list(client):
    """§11: hide=skipped removes skip steps from the list and the diagram on the normal page too."""
    html = client.get(URL + "?preset=fragile-backend&req=6&step=6&hide=skipped").content.decode()
    events = re.search(r'data-testid="event-list">(.*?)</ol>', html, re.S).group(1)
    assert "Resource policy" not in events and "Throttling" in events
    assert 'aria-pressed="true"' in re.search(r'<a [^>]*data-testid="hide-skipped"[^>]*>', html).group(0)


def test_presenter_exit_link_returns_to_the_page_at_the_same_step(client):
    """§11: Esc (the exit link) opens the normal page at the same request and step."""
    html = client.get(URL + "?preset=fragile-backend&req=6&step=6&view=presenter").content.decode()
    exit_href = re.search(r'data-exit="([^"]*)"', html).group(1).replace("&amp;", "&")
    assert "view=" not in exit_href and "req=6" in exit_href and "step=6" in exit_href
