"""The site's frame: home page, health check, language switch, accounts."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_renders_in_english(client):
    response = client.get("/", headers={"accept-language": "en"})
    assert response.status_code == 200
    assert b'lang="en"' in response.content
    assert b"Watch Amazon API Gateway work" in response.content


def test_home_renders_in_chinese(client):
    response = client.get("/", headers={"accept-language": "zh-hans"})
    assert response.status_code == 200
    assert b'lang="zh-hans"' in response.content
    assert "观看 Amazon API Gateway 如何工作".encode() in response.content


def test_language_switch_keeps_the_page(client):
    response = client.post(
        reverse("set_language"), {"language": "zh-hans", "next": "/accounts/login/?next=/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"
    page = client.get(response["Location"])
    assert b'lang="zh-hans"' in page.content


def test_base_layout_has_landmarks_and_skip_link(client):
    html = client.get("/").content.decode()
    for marker in ('class="skip-link" href="#main"', "<header", "<nav", '<main id="main"', "<footer"):
        assert marker in html


def test_navigation_links_only_to_pages_that_exist(client):
    html = client.get("/").content.decode()
    from gateway_lab.core.navigation import nav_items

    for item in nav_items("/"):
        assert f'href="{item["url"]}"' in html
        assert client.get(item["url"]).status_code == 200


def test_healthz_checks_database_and_channel_layer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "channel_layer": "ok"}}


def test_healthz_reports_a_broken_channel_layer(client, settings):
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]},
        }
    }
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    try:
        response = client.get("/healthz")
    finally:
        channel_layers.backends.clear()
    assert response.status_code == 503
    assert response.json()["checks"]["channel_layer"].startswith("error")


def test_login_page_uses_the_site_layout(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b'data-testid="login-form"' in response.content
    assert b'class="site-header"' in response.content


def test_sign_in_and_out(client):
    get_user_model().objects.create_user("ada", password="correct horse battery")
    response = client.post(reverse("login"), {"username": "ada", "password": "correct horse battery"})
    assert response.status_code == 302
    assert b"ada" in client.get("/").content
    client.post(reverse("logout"))
    assert b"Sign in" in client.get("/").content


def test_sign_in_with_a_wrong_password_shows_an_error(client):
    get_user_model().objects.create_user("ada", password="correct horse battery")
    response = client.post(reverse("login"), {"username": "ada", "password": "nope"})
    assert response.status_code == 200
    assert b'role="alert"' in response.content


@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/lessons/", "/visualizer/", "/ws-demo/", "/lab/"])
def test_pages_load_scripts_styles_and_images_from_this_origin_only(client, url):
    """No page may load from another origin (classrooms may be offline): htmx is served from /static/."""
    html = client.get(url).content.decode()
    assert "/static/vendor/htmx-2.0.11/htmx.min.js" in html
    loaded = re.findall(r"<(?:script|link|img|iframe|source)\b[^>]*?\b(?:src|href)=[\"']([^\"']+)", html)
    assert loaded
    assert [ref for ref in loaded if re.match(r"^(?:[a-z]+:)?//", ref)] == []


def test_navigation_marks_only_the_most_specific_section_as_current(client):
    html = client.get("/lessons/drills/").content.decode()
    assert html.count('aria-current="page"') == 1
    assert 'href="/lessons/drills/" aria-current="page"' in html
