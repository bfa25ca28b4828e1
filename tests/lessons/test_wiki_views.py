"""Issue 13, team wiki views: status codes per role, CSRF on every form, conflicts, diff, restore, login limit."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from gateway_lab.lessons.models import AuditEntry, Lesson, LessonRevision
from gateway_lab.lessons.roles import role_set, roles_ensure

pytestmark = pytest.mark.django_db

PASSWORD = "pw-Wiki-2026!"
EDIT = "/lessons/alpha/edit/?lang=en"


def _user(name: str, roles: list[str], *, staff: bool = False):  # noqa: ANN202
    user = get_user_model().objects.create_user(name, password=PASSWORD, is_staff=staff)
    role_set(actor=None, user=user, roles=roles)
    return user


@pytest.fixture
def people(loaded) -> dict[str, Client]:  # noqa: ANN001
    """A client per role (plus anonymous)."""
    roles_ensure()
    clients = {"anonymous": Client()}
    for role in ("reader", "editor", "presenter", "admin"):
        client = Client()
        client.force_login(_user(role, [role]))
        clients[role] = client
    return clients


def _alpha() -> Lesson:
    return Lesson.objects.get(slug="alpha", language="en")


def _save(client: Client, body: str, base: int, **extra: str):  # noqa: ANN202
    data = {"title": "Alpha lesson", "body": body, "base_revision": str(base), "message": "m", **extra}
    return client.post(EDIT, data)


@pytest.mark.parametrize(
    ("role", "read", "edit_page", "history", "new", "export"),
    [
        ("anonymous", 200, 302, 200, 302, 302),
        ("reader", 200, 403, 200, 403, 403),
        ("presenter", 200, 403, 200, 403, 403),
        ("editor", 200, 200, 200, 200, 200),
        ("admin", 200, 200, 200, 200, 200),
    ],
)
def test_status_codes_per_role(people, role, read, edit_page, history, new, export):
    """Issue 13: roles reader / editor / presenter / admin; anonymous may read (the default)."""
    client = people[role]
    assert client.get("/lessons/alpha/").status_code == read
    assert client.get(EDIT).status_code == edit_page
    assert client.get("/lessons/alpha/history/?lang=en").status_code == history
    assert client.get("/lessons/wiki/new/").status_code == new
    assert client.get("/lessons/wiki/export/?slug=alpha").status_code == export
    saved = _save(client, "changed\n", _alpha().revision)
    assert saved.status_code == (302 if edit_page == 200 else edit_page)
    assert (_alpha().body == "changed\n") == (edit_page == 200)


def test_anonymous_reading_off_sends_visitors_to_sign_in(people, settings):
    """GATEWAY_LAB_ANONYMOUS_READ=false: the lessons need a signed-in reader."""
    settings.GATEWAY_LAB = {**settings.GATEWAY_LAB, "ANONYMOUS_READ": False}
    response = people["anonymous"].get("/lessons/alpha/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert people["anonymous"].get("/lessons/").status_code == 302
    assert people["reader"].get("/lessons/alpha/").status_code == 200
    nobody = Client()
    nobody.force_login(get_user_model().objects.create_user("nobody", password=PASSWORD))
    assert nobody.get("/lessons/alpha/").status_code == 403


def test_editor_page_shows_the_text_and_the_revision_to_lock_on(people):
    page = people["editor"].get(EDIT).content.decode()
    alpha = _alpha()
    assert f'name="base_revision" value="{alpha.revision}"' in page
    assert "Throttling basics" in page and 'hx-post="/lessons/wiki/preview/"' in page


def test_stale_save_gets_409_and_the_merge_view_with_the_editors_text_kept(people):
    """Issue 13: a save based on an older revision is refused, the text kept, theirs vs yours shown."""
    base = _alpha().revision
    assert _save(people["admin"], "line one\ntheirs\n", base).status_code == 302
    response = _save(people["editor"], "line one\nmine: keep me\n", base)
    body = response.content.decode()
    assert response.status_code == 409
    assert "mine: keep me" in body and "theirs" in body and 'data-testid="wiki-merge"' in body
    assert f'name="base_revision" value="{base + 1}"' in body  # saving again is a deliberate choice
    assert _alpha().body == "line one\ntheirs\n"
    again = _save(people["editor"], "line one\nmine: keep me\n", base + 1)
    assert again.status_code == 302 and _alpha().revision == base + 2


def test_clean_merge_is_offered_when_changes_do_not_overlap(people):
    alpha = _alpha()
    base, lines = alpha.revision, alpha.body.splitlines(keepends=True)
    theirs = "".join(["THEIRS\n", *lines[1:]])
    yours = "".join([*lines[:-1], "YOURS\n"])
    _save(people["admin"], theirs, base)
    response = _save(people["editor"], yours, base)
    assert response.status_code == 409
    assert 'data-testid="wiki-merged-form"' in response.content.decode()


def test_bad_body_is_a_400_with_the_field_error(people):
    response = _save(people["editor"], "[x](lesson:a/b)\n", _alpha().revision)
    assert response.status_code == 400 and "is not a lesson" in response.content.decode()
    assert _save(people["editor"], "body", -3).status_code == 400  # base_revision must be ≥ 0


def test_preview_renders_and_sanitises(people):
    response = people["editor"].post(
        "/lessons/wiki/preview/",
        {
            "body": "## Hi\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)>\n\n<script>alert(1)</script>",
            "lang": "en",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<h2" in html
    assert "<script" not in html and 'href="javascript' not in html and "onerror" not in html
    assert people["reader"].post("/lessons/wiki/preview/", {"body": "x"}).status_code == 403


def test_history_diff_any_two_revisions_and_view_old_revision(people):
    """Issue 13: history; diff between any two revisions (side by side or unified, htmx partial)."""
    base = _alpha().revision
    for number, text in enumerate(["one\n", "one\ntwo\n", "one\ntwo\nthree\n"]):
        assert _save(people["editor"], text, base + number).status_code == 302
    history = people["reader"].get("/lessons/alpha/history/?lang=en").content.decode()
    assert all(f'data-revision="{n}"' in history for n in range(base, base + 4))
    side = people["reader"].get(f"/lessons/alpha/diff/?lang=en&a={base + 1}&b={base + 3}")
    assert side.status_code == 200 and 'data-mode="side"' in side.content.decode()
    assert "three" in side.content.decode()
    unified = people["reader"].get(
        f"/lessons/alpha/diff/?lang=en&a={base + 3}&b={base + 1}&mode=unified", headers={"HX-Request": "true"}
    )
    html = unified.content.decode()
    assert (
        unified.status_code == 200 and "<html" not in html and '<span class="diff-del">-three</span>' in html
    )
    assert people["reader"].get("/lessons/alpha/diff/?lang=en&a=x&b=1").status_code == 400
    assert people["reader"].get("/lessons/alpha/diff/?lang=en&a=1&b=99").status_code == 404
    old = people["reader"].get(f"/lessons/alpha/revisions/{base}/?lang=en").content.decode()
    assert "Throttling basics" in old and 'data-testid="wiki-old-revision"' in old


def test_restore_from_history(people):
    base = _alpha().revision
    original = _alpha().body
    _save(people["editor"], "spam\n", base)
    url = f"/lessons/alpha/revisions/{base}/restore?lang=en"
    assert people["reader"].post(url, {"base_revision": base + 1}).status_code == 403
    assert people["editor"].post(url, {"base_revision": base}).status_code == 409  # stale history page
    assert people["editor"].post(url, {"base_revision": base + 1}).status_code == 302
    assert _alpha().body == original and _alpha().revision == base + 2
    assert AuditEntry.objects.filter(action=AuditEntry.RESTORE, actor__username="editor").exists()


def test_new_page_and_translation(people):
    data = {"slug": "runbook", "language": "zh-hans", "title": "值班手册", "body": "## 步骤\n\n重启。\n"}
    response = people["editor"].post("/lessons/wiki/new/", data)
    assert response.status_code == 302
    page = people["editor"].get("/lessons/wiki/new/?translation_of=runbook&lang=en").content.decode()
    assert 'value="runbook"' in page
    en = {**data, "language": "en", "title": "Runbook", "body": "## Steps\n\nRestart.\n"}
    assert people["editor"].post("/lessons/wiki/new/", en).status_code == 302
    assert people["editor"].post("/lessons/wiki/new/", en).status_code == 400  # exists
    assert people["anonymous"].get("/lessons/runbook/?lang=en").status_code == 200
    assert LessonRevision.objects.filter(lesson__slug="runbook").count() == 2


@pytest.mark.parametrize(
    ("url", "data"),
    [
        (EDIT, {"title": "t", "body": "b", "base_revision": "1"}),
        ("/lessons/wiki/preview/", {"body": "b"}),
        ("/lessons/wiki/new/", {"slug": "s", "language": "en", "title": "t", "body": "b"}),
        ("/lessons/alpha/revisions/1/restore?lang=en", {"base_revision": "1"}),
        ("/lessons/wiki/import/", {}),
    ],
)
def test_every_wiki_form_needs_the_csrf_token(loaded, url, data):  # noqa: ANN001
    """Issue 13: CSRF on every form; the pages carry the token for the real forms."""
    roles_ensure()
    client = Client(enforce_csrf_checks=True)
    client.force_login(_user("csrf-editor", ["editor"]))
    assert client.post(url, data).status_code == 403
    page = client.get(EDIT).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert client.post(url, {**data, "csrfmiddlewaretoken": token}).status_code != 403


def test_login_is_rate_limited(db, settings):
    """Issue 13: past the rate, sign-in answers 429 without checking the password."""
    settings.GATEWAY_LAB = {**settings.GATEWAY_LAB, "LOGIN_RATE": "3/hour"}
    get_user_model().objects.create_user("carol", password=PASSWORD)
    client = Client()
    codes = [
        client.post("/accounts/login/", {"username": "carol", "password": "wrong"}).status_code
        for _ in range(3)
    ]
    assert codes == [200, 200, 200]
    limited = client.post("/accounts/login/", {"username": "carol", "password": PASSWORD})
    assert limited.status_code == 429 and int(limited["Retry-After"]) >= 1
    other = Client(REMOTE_ADDR="10.0.0.9")  # another address, same account: still limited
    assert other.post("/accounts/login/", {"username": "Carol", "password": PASSWORD}).status_code == 429


def test_admin_lists_wiki_models_with_search(people):
    admin = Client()
    admin.force_login(get_user_model().objects.create_superuser("root", password=PASSWORD))
    for url in (
        "/admin/lessons/lesson/?q=alpha&language__exact=en",
        "/admin/lessons/lessonrevision/",
        "/admin/lessons/lessonsection/?q=throttling",
        "/admin/lessons/drill/",
        "/admin/lessons/glossaryterm/?q=throttl",
        "/admin/lessons/auditentry/",
    ):
        assert admin.get(url).status_code == 200, url
    assert "alpha" in admin.get("/admin/lessons/lesson/?q=alpha").content.decode()


def test_admin_cannot_change_own_groups_unless_superuser(people):
    """Editors cannot raise their own role; a staff admin neither through the user form."""
    staff = get_user_model().objects.get(username="admin")
    client = Client()
    client.force_login(staff)
    page = client.get(f"/admin/auth/user/{staff.pk}/change/")
    assert page.status_code == 200
    assert 'name="groups"' not in page.content.decode()


def test_lesson_page_links_to_edit_for_editors_and_history_for_all(people):
    assert 'data-testid="lesson-edit"' in people["editor"].get("/lessons/alpha/?lang=en").content.decode()
    reader_page = people["reader"].get("/lessons/alpha/?lang=en").content.decode()
    assert 'data-testid="lesson-edit"' not in reader_page and 'data-testid="lesson-history"' in reader_page


def test_admin_shows_translations_side_by_side(people):
    admin = Client()
    admin.force_login(get_user_model().objects.create_superuser("root", password=PASSWORD))
    page = admin.get(f"/admin/lessons/lesson/{_alpha().pk}/change/").content.decode()
    zh = Lesson.objects.get(slug="alpha", language="zh-hans")
    assert "Translations side by side" in page and zh.title in page and "Alpha lesson" in page
