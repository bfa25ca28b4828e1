"""The /lab/ page in a real browser: sign up, sign in, read the tokens, create an access key (GATEWAY_FACTS.md §7.1, §7.4)."""

from __future__ import annotations

import uuid

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _ready(page) -> None:
    page.goto("/lab/")
    page.wait_for_selector("body[data-ready=true]")


def test_labaccess_sign_up_then_sign_in_shows_verified_tokens(page):
    """§7.4: through htmx swaps, a new lab user signs in and sees both tokens verified against the JWKS."""
    _ready(page)
    name = f"u{uuid.uuid4().hex[:8]}"
    form = page.get_by_test_id("sign-up-form")
    form.get_by_label("Username").fill(name)
    form.get_by_label("Password").fill("correct horse")
    form.get_by_role("button", name="Sign up").click()
    page.get_by_test_id("sign-up-ok").wait_for()
    form = page.get_by_test_id("sign-in-form")
    form.get_by_label("Username").fill(name)
    form.get_by_label("Password").fill("correct horse")
    form.get_by_role("button", name="Sign in").click()
    page.get_by_test_id("token-access").wait_for()
    assert (
        page.locator("[data-testid=token-id] [data-testid=signature]").get_attribute("data-valid") == "true"
    )
    assert f'"{name}"' in page.get_by_test_id("token-id").get_by_test_id("claims").inner_text()
    assert page.watch.foreign_requests == [] and page.watch.console_errors == []


def test_labaccess_create_credentials_shows_key_and_examples(page):
    """§7.1: creating an access key shows AKIA… and a curl SigV4 example using it (the test server runs with DEBUG)."""
    _ready(page)
    page.get_by_test_id("credentials-form").get_by_role("button").click()
    key = page.get_by_test_id("access-key-id")
    key.wait_for()
    assert key.inner_text().startswith("AKIA")
    assert key.inner_text() in page.get_by_test_id("curl-example").inner_text()


def test_labaccess_layout_fits_a_phone(page):
    """§7.4: the page (with its long ids and tokens) fits a 375 px screen."""
    page.set_viewport_size({"width": 375, "height": 740})
    _ready(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
