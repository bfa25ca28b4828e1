"""Issue 13: the admin's lesson edit is guarded like the wiki editor — concurrent edits never overwrite silently.

The admin opens a lesson, someone saves it in the wiki meanwhile, the admin saves: refused, nothing
saved, the admin's text kept in the form; saving again from that form (after seeing what changed)
replaces the wiki's revision knowingly.
"""

from __future__ import annotations

import threading
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models.signals import pre_save
from django.test import Client

from gateway_lab.lessons.models import Lesson, LessonRevision
from gateway_lab.lessons.services.revisions import lesson_revise

pytestmark = pytest.mark.django_db


class _FormFields(HTMLParser):
    """The values a browser would post back from the admin's change form."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, str] = {}
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        name = a.get("name", "")
        if tag == "input" and name and a.get("type") not in ("submit", "checkbox", "file"):
            self.data[name] = a.get("value", "")
        elif tag == "input" and a.get("type") == "checkbox" and "checked" in a:
            self.data[name] = a.get("value", "on")
        elif tag == "textarea":
            self._textarea = name
            self.data[name] = ""
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea] += data


def _form(client: Client, url: str) -> dict[str, str]:
    parser = _FormFields()
    parser.feed(client.get(url).content.decode())
    data = parser.data
    # Django's Textarea starts with a newline the browser drops.
    return {k: v.removeprefix("\n") if k == "body" else v for k, v in data.items()}


@pytest.fixture
def page(loaded) -> Lesson:  # noqa: ANN001
    return Lesson.objects.get(slug="alpha", language="en")


@pytest.fixture
def admin_user(db):  # noqa: ANN001, ANN201
    return get_user_model().objects.create_superuser("boss", "boss@example.org", "pw-Boss-12345")


@pytest.fixture
def boss(admin_user) -> Client:  # noqa: ANN001
    client = Client()
    client.force_login(admin_user)
    return client


def _url(lesson: Lesson) -> str:
    return f"/admin/lessons/lesson/{lesson.pk}/change/"


def test_stale_admin_save_is_refused_and_keeps_the_admins_text(boss, page):
    """Issue 13: a save based on an older revision is refused with a clear message; nothing is lost."""
    data = _form(boss, _url(page))
    assert data["base_revision"] == str(page.revision)
    wiki_body = page.body + "\nA wiki editor's sentence.\n"
    lesson_revise(lesson=page, body=wiki_body, author=None, base_revision=page.revision, message="wiki")
    page.refresh_from_db()

    data["body"] = data["body"] + "\nThe admin's own paragraph.\n"
    response = boss.post(_url(page), data)
    assert response.status_code == 200  # the form again, not a redirect
    html = response.content.decode()
    assert "after you opened it" in html and "Nothing was saved" in html
    assert "The admin&#x27;s own paragraph." in html or "The admin's own paragraph." in html
    assert f"/lessons/alpha/diff/?lang=en&amp;a={page.revision - 1}&amp;b={page.revision}" in html
    page.refresh_from_db()
    assert page.body == wiki_body  # the wiki's save stands

    again = _form_from_html(html)
    assert again["base_revision"] == str(page.revision)  # the refused form now knows the current one
    assert boss.post(_url(page), again).status_code == 302
    page.refresh_from_db()
    assert page.body.rstrip().endswith("The admin's own paragraph.")
    assert LessonRevision.objects.filter(lesson=page).order_by("-number")[0].message == "edited in the admin"


def _form_from_html(html: str) -> dict[str, str]:
    parser = _FormFields()
    parser.feed(html)
    return {k: v.removeprefix("\n") if k == "body" else v for k, v in parser.data.items()}


def test_stale_admin_save_of_other_fields_does_not_bring_back_the_old_text(boss, page):
    """A stale form that changes only the order would write its old body back: refused too."""
    data = _form(boss, _url(page))
    wiki_body = page.body + "\nNewer text.\n"
    lesson_revise(lesson=page, body=wiki_body, author=None, base_revision=page.revision)
    data["order"] = "7"
    assert boss.post(_url(page), data).status_code == 200
    page.refresh_from_db()
    assert (page.body, page.order) == (wiki_body, Lesson.objects.get(pk=page.pk).order)
    assert page.order != 7


def test_up_to_date_admin_save_is_a_new_revision(boss, page):
    data = _form(boss, _url(page))
    before = page.revision
    data["body"] = data["body"] + "\nFixed a typo.\n"
    assert boss.post(_url(page), data).status_code == 302
    page.refresh_from_db()
    assert page.revision == before + 1 and page.body.rstrip().endswith("Fixed a typo.")


def _wiki_save(pk: int, seen: int, outcome: list[int]) -> threading.Thread:
    """Another worker's wiki save based on revision ``seen``, with lesson_revise's lock, on its own
    database connection; ``outcome`` gets the rows it changed (0: refused as stale)."""

    def save() -> None:
        try:
            rows = Lesson.objects.filter(pk=pk, revision=seen).update(
                revision=seen + 1, body="The other editor's text.\n"
            )
            outcome.append(rows)
        finally:
            connection.close()

    worker = threading.Thread(target=save)
    worker.start()
    return worker


@pytest.mark.django_db(transaction=True)
def test_a_wiki_save_during_the_admins_save_never_overwrites_silently(boss, page):
    """The race: a wiki save starts while the admin's save is being written. Exactly one of them wins
    and the other is told; no error page. On PostgreSQL the admin holds the row, so the wiki save
    waits and is refused; on SQLite the wiki save commits first and the admin's form is refused.
    """
    data = _form(boss, _url(page))
    data["body"] = data["body"] + "\nAdmin text.\n"
    workers: list[threading.Thread] = []
    outcome: list[int] = []

    def wiki_save_starts(sender, instance, **kwargs):  # noqa: ANN001, ANN202
        if not workers:  # once
            workers.append(_wiki_save(instance.pk, page.revision, outcome))
            workers[0].join(timeout=2)  # it commits now, or waits for the admin's lock

    pre_save.connect(wiki_save_starts, sender=Lesson)
    try:
        response = boss.post(_url(page), data)
    finally:
        pre_save.disconnect(wiki_save_starts, sender=Lesson)
    workers[0].join(timeout=30)
    assert outcome in ([0], [1])
    page.refresh_from_db()
    if outcome == [1]:  # the wiki's save won: the admin sees the refused form, with its text
        assert response.status_code == 200
        html = response.content.decode()
        assert "Nothing was saved" in html and "Admin text." in html
        assert page.body == "The other editor's text.\n"
    else:  # the admin's save won: the wiki's save was refused by its lock
        assert response.status_code == 302
        assert page.body.rstrip().endswith("Admin text.")
