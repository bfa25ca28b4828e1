"""Issue 11: no fallback hides a missing part. Without the visualizer's URLs, links to it fail loudly."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import NoReverseMatch, reverse

from gateway_lab.core.navigation import nav_items
from gateway_lab.lessons.rendering.links import preset_url

MISSING = override_settings(ROOT_URLCONF="tests.visualizer.urls_without_visualizer")


def test_preset_url_names_the_visualizer_page():
    """DESIGN.md: a preset opens at /visualizer/?preset=<name>."""
    assert preset_url("fragile-backend") == reverse("visualizer:page") + "?preset=fragile-backend"


def test_nav_items_link_every_section():
    """Every section of the header resolves (none is silently left out)."""
    assert [item["url"] for item in nav_items("/")].count(reverse("visualizer:page")) == 1


@MISSING
def test_preset_url_without_the_visualizer_raises_instead_of_guessing():
    with pytest.raises(NoReverseMatch):
        preset_url("fragile-backend")


@MISSING
def test_nav_items_without_a_section_raise_instead_of_hiding_it():
    with pytest.raises(NoReverseMatch):
        nav_items("/")
