"""Issue 13: an XSS corpus (OWASP filter-evasion style) typed into the wiki editor runs nothing in Chromium.

Each payload goes through the live preview (htmx swaps the server's sanitised HTML into the page),
and the whole corpus is then saved and the lesson page opened. Nothing may run: no dialog, no
``window.__xss``, and the swapped DOM holds no script-capable element, no ``on*``/``hx-*``
attribute and no ``javascript:`` URL, so the test does not lean on the site's CSP alone.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model

from gateway_lab.lessons.roles import role_set, roles_ensure
from gateway_lab.lessons.services.revisions import lesson_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "wiki-xss-browser-test"
RUN = "window.__xss=1"
CORPUS = [
    f"<script>{RUN}</script>",
    f'<img src=x onerror="{RUN}">',
    f'<IMG SRC="javascript:{RUN};">',
    f"<IMG SRC=JaVaScRiPt:{RUN}>",
    f"<svg onload={RUN}>",
    f"<svg><script>{RUN}</script></svg>",
    f'<iframe src="javascript:{RUN}"></iframe>',
    f'<a href="jav&#x09;ascript:{RUN}">tab</a>',
    f'<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;{RUN}">entities</a>',
    f"[md link](javascript:{RUN})",
    f"[md upper](JAVASCRIPT:{RUN})",
    f"[md entity](&#106;avascript:{RUN})",
    '<a href="data:text/html,<script>parent.__xss=1</script>">data</a>',
    f"<body onload={RUN}>",
    f"<details open ontoggle={RUN}>x</details>",
    f"<math><mtext><table><mglyph><style><img src=x onerror={RUN}>",
    f"<style>@import 'javascript:{RUN}';</style>",
    f'<object data="javascript:{RUN}"></object>',
    f'<embed src="javascript:{RUN}">',
    f'<form action="javascript:{RUN}"><button>go</button></form>',
    f"<input autofocus onfocus={RUN}>",
    f'<video><source onerror="{RUN}"></video>',
    f'<div style="background:url(javascript:{RUN})">style</div>',
    f"<<script>script>{RUN}<</script>/script>",
    f'<noscript><p title="</noscript><img src=x onerror={RUN}>">',
    f'<meta http-equiv="refresh" content="0;url=javascript:{RUN}">',
    f'<base href="javascript:{RUN}//">',
    f'![img](x" onerror="{RUN})',
    f"<img src=x:x onerror={RUN} />",
    f'<div hx-on:load="{RUN}" hx-get="/lessons/" hx-trigger="load">htmx</div>',
    f'<a hx-on::click="{RUN}" id="clickme">hx-on</a>',
    f'<a href="#" onclick="{RUN}" id="clickme2">click</a>',
    f"<scr<script>ipt>{RUN}</scr</script>ipt>",
    f'<svg><a xlink:href="javascript:{RUN}"><text x="20" y="20">svg</text></a></svg>',
    f"<isindex type=image src=1 onerror={RUN}>",
    f'<table background="javascript:{RUN}"><tr><td>t</td></tr></table>',
]

AUDIT = """(root) => {
  const bad = [];
  for (const el of root.querySelectorAll('*')) {
    const tag = el.tagName.toLowerCase();
    if (['script', 'iframe', 'object', 'embed', 'base', 'meta', 'form', 'style', 'link', 'svg', 'math'].includes(tag)) {
      bad.push(tag);
    }
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value.replace(/[\\s\\u0000-\\u001f]/g, '').toLowerCase();
      if (name.startsWith('on') || name.startsWith('hx-') || name.startsWith('data-hx') || name === 'style') {
        bad.push(tag + '[' + name + ']');
      }
      if (value.startsWith('javascript:') || value.startsWith('data:text')) bad.push(tag + '[' + name + ']=' + value);
    }
  }
  return bad;
}"""


def _editor_and_page() -> None:
    roles_ensure()
    user = get_user_model().objects.create_user("xss-editor", password=PASSWORD)
    role_set(actor=None, user=user, roles=["editor"])
    lesson_create(slug="xss-lab", language="en", title="XSS lab", body="Start.\n", author=user)


def _sign_in(page: Any) -> None:
    page.goto("/accounts/login/?next=/lessons/xss-lab/edit/%3Flang%3Den")
    page.fill("input[name=username]", "xss-editor")
    page.fill("input[name=password]", PASSWORD)
    page.locator("[data-testid=login-form] [type=submit]").click()
    page.get_by_test_id("wiki-edit-form").wait_for()


def test_xss_corpus_runs_nothing_in_preview_or_saved_page(page: Any) -> None:
    """Issue 13 (security): sanitised rendering against OWASP-style payloads — none runs in Chromium."""
    _editor_and_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    _sign_in(page)
    preview = page.get_by_test_id("wiki-preview")
    preview.get_by_text("Start.").wait_for()
    for index, payload in enumerate(CORPUS):
        marker = f"marker-{index}-done"
        page.get_by_test_id("wiki-body").fill(f"{marker}\n\n{payload}\n")
        preview.get_by_text(marker).wait_for()
        for target in ("#clickme", "#clickme2"):
            if page.locator(f"#wiki-preview {target}").count():
                page.locator(f"#wiki-preview {target}").first.click()
        assert page.evaluate("() => window.__xss") is None, payload
        assert preview.evaluate(AUDIT) == [], payload
    page.get_by_test_id("wiki-body").fill("all-payloads-end\n\n" + "\n\n".join(CORPUS) + "\n")
    preview.get_by_text("all-payloads-end").wait_for()
    page.get_by_test_id("wiki-save").click()
    page.get_by_test_id("lesson").wait_for()
    page.evaluate("() => new Promise(r => setTimeout(r, 300))")  # any onload/onerror would have fired
    assert page.evaluate("() => window.__xss") is None
    assert page.locator(".lesson__body").evaluate(AUDIT) == []
    assert dialogs == []
    assert page.locator(".lesson__body").get_by_text("all-payloads-end").count() == 1
