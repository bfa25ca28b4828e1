"""Lesson pages, search, drills and import views (Django's test client, our fixture content).

Drills check answers that GATEWAY_FACTS.md backs (§3.2 throttling for a fragile backend).
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from gateway_lab.lessons.models import DrillAnswer, Lesson, SectionRead

from .conftest import NOTES

pytestmark = pytest.mark.django_db


def test_course_lists_lessons_with_progress(client, loaded):
    """The overview lists each lesson with its reading time and progress."""
    response = client.get("/lessons/")
    assert response.status_code == 200
    assert (
        b'data-testid="course-item-alpha"' in response.content and b"0 of 2 sections read" in response.content
    )


def test_course_uses_the_readers_language(zh_client, loaded):
    """A Chinese reader sees Chinese titles, and English-only lessons are flagged."""
    body = zh_client.get("/lessons/").content.decode()
    assert "阿尔法课" in body and "Beta lesson" in body


def test_lesson_page_has_toc_anchors_reading_time_and_preset_link(client, loaded):
    """§3.2: the lesson page has a contents list, section anchors, reading time and the preset link."""
    body = client.get("/lessons/alpha/").content.decode()
    assert 'data-testid="lesson-toc"' in body and 'href="#throttling"' in body and 'id="caching"' in body
    assert 'data-testid="reading-time"' in body
    assert 'data-testid="preset-fragile-backend" href' not in body
    assert (
        '<a class="preset-link" href="/visualizer/?preset=fragile-backend" data-testid="preset-fragile-backend"'
        ' data-preset="fragile-backend">A fragile backend protected by throttling</a>'
    ) in body


def test_preset_link_shows_the_scenario_title_in_the_readers_language(zh_client, loaded):
    """Issue 10: "See it in the visualizer" names the scenario by its title, not its slug."""
    from gateway_lab.engine.presets import load_preset

    body = zh_client.get("/lessons/alpha/").content.decode()
    title = load_preset("fragile-backend")["title"]["zh-hans"]
    assert f'data-preset="fragile-backend">{title}</a>' in body


def test_lesson_page_links_previous_and_next(client, loaded):
    """Lessons link to their neighbours in course order."""
    body = client.get("/lessons/alpha/").content.decode()
    assert 'rel="next" href="/lessons/beta/"' in body and 'rel="prev"' not in body


def test_lesson_page_in_chinese(zh_client, loaded):
    """The Chinese reader gets the zh-hans version, without the fallback notice."""
    body = zh_client.get("/lessons/alpha/").content.decode()
    assert "阿尔法课" in body and 'lang="zh-hans"' in body and "not-translated" not in body


def test_missing_translation_falls_back_with_a_notice(zh_client, loaded):
    """A lesson with no Chinese version shows the English one with a "not yet translated" notice."""
    body = zh_client.get("/lessons/beta/").content.decode()
    assert (
        'data-testid="not-translated"' in body
        and "Beta lesson" in body
        and '<article class="lesson" lang="en"' in body
    )


def test_unknown_lesson_is_404(client, loaded):
    """An unknown slug is a 404."""
    assert client.get("/lessons/no-such-lesson/").status_code == 404


def test_mark_read_records_progress_shown_on_the_overview(client, loaded):
    """Marking a lesson read records its sections for this browser; the overview shows it."""
    response = client.post("/lessons/alpha/read")
    assert response.status_code == 302
    assert SectionRead.objects.count() == 2
    assert b"2 of 2 sections read" in client.get("/lessons/").content


def test_mark_read_answers_htmx_with_the_fragment(client, loaded):
    """With htmx, marking read returns only the status fragment."""
    response = client.post("/lessons/alpha/read", headers={"HX-Request": "true"})
    assert b'id="read-status"' in response.content and b"<html" not in response.content


def test_search_finds_english_sections_with_marked_snippets(client, loaded):
    """Search returns sections with the query marked in the snippet."""
    body = client.get("/lessons/search", {"q": "repeated GET"}).content.decode()
    assert 'href="/lessons/alpha/#caching"' in body and "<mark>repeated</mark>" in body


def test_search_finds_a_two_character_chinese_query(client, loaded):
    """§3.1: 节流 (throttling) finds the Chinese throttling section."""
    body = client.get("/lessons/search", {"q": "节流"}).content.decode()
    assert 'href="/lessons/alpha/#throttling"' in body and "<mark>节流</mark>" in body


def test_search_escapes_before_marking(client, loaded):
    """Snippets are escaped first, then marked: a query cannot inject HTML."""
    Lesson.objects.filter(slug="beta").first().sections.update(text="a <script>x</script> 504 here")
    body = client.get("/lessons/search", {"q": "504"}).content.decode()
    assert "&lt;script&gt;x&lt;/script&gt; <mark>504</mark>" in body


def test_search_answers_htmx_with_the_results_fragment(client, loaded):
    """An htmx request gets only the results fragment (no page frame)."""
    response = client.get("/lessons/search", {"q": "缓存"}, headers={"HX-Request": "true"})
    assert b'id="search-results"' in response.content and b"<html" not in response.content


def test_search_without_results_says_so(client, loaded):
    """A query that matches nothing says so."""
    assert b"Nothing found" in client.get("/lessons/search", {"q": "zzzqqq"}).content


def test_drill_page_shows_question_and_options(client, loaded):
    """§3.2: the drill shows its question and radio options."""
    body = client.get("/lessons/drills/alpha-fragile/").content.decode()
    assert "legacy database" in body and 'type="radio"' in body and 'data-testid="choice-1"' in body


def test_wrong_answer_shows_every_explanation_and_links(client, loaded):
    """§3.2: after answering, every option's explanation shows, with the lesson and preset links."""
    body = client.post("/lessons/drills/alpha-fragile/", {"choice": "1"}).content.decode()
    assert (
        "Not quite." in body
        and "Excess requests get a fast 429." in body
        and "Writes are not cached." in body
    )
    assert (
        'href="/lessons/alpha/#throttling"' in body and 'href="/visualizer/?preset=fragile-backend"' in body
    )
    assert DrillAnswer.objects.get().correct is False


def test_multiple_choice_needs_exactly_the_right_set(client, loaded):
    """A multiple-choice drill is right only with all correct options and no wrong one."""
    client.post("/lessons/drills/alpha-rest-only/", {"choice": ["0"]})
    client.post("/lessons/drills/alpha-rest-only/", {"choice": ["0", "1"]})
    assert list(DrillAnswer.objects.order_by("id").values_list("correct", flat=True)) == [False, True]


def test_drill_answer_over_htmx_returns_the_card(client, loaded):
    """With htmx, answering returns only the drill card."""
    response = client.post("/lessons/drills/alpha-fragile/", {"choice": "0"}, headers={"HX-Request": "true"})
    assert (
        b'id="drill-card"' in response.content
        and b"Right!" in response.content
        and b"<html" not in response.content
    )


def test_drill_without_a_choice_asks_for_one(client, loaded):
    """Submitting nothing re-shows the question with an error and records nothing."""
    body = client.post("/lessons/drills/alpha-fragile/", {}).content.decode()
    assert 'role="alert"' in body and DrillAnswer.objects.count() == 0


def test_mistakes_lists_drills_last_answered_wrong(client, loaded):
    """'Review my mistakes' lists wrong answers until they are answered right."""
    client.post("/lessons/drills/alpha-fragile/", {"choice": "1"})
    assert b"legacy database" in client.get("/lessons/drills/mistakes/").content
    client.post("/lessons/drills/alpha-fragile/", {"choice": "0"})
    assert b'data-testid="no-mistakes"' in client.get("/lessons/drills/mistakes/").content


def test_exam_start_submit_and_review(client, loaded):
    """Exam mode: start a timed set, submit, and see the score with every explanation."""
    client.post("/lessons/drills/exam/", {"action": "start"})
    body = client.get("/lessons/drills/exam/").content.decode()
    assert 'data-testid="exam-timer"' in body and 'name="q-alpha-fragile"' in body
    response = client.post(
        "/lessons/drills/exam/", {"action": "submit", "q-alpha-fragile": "0", "q-alpha-rest-only": ["0", "1"]}
    )
    assert response.status_code == 302
    review = client.get(response["Location"]).content.decode()
    assert "Score: 2 of 2" in review and "Writes are not cached." in review


def test_exam_answers_after_the_deadline_do_not_count(client, loaded):
    """The server enforces the exam's time limit."""
    client.post("/lessons/drills/exam/", {"action": "start"})
    session = client.session
    session["lessons_exam"]["deadline"] = 0
    session.save()
    client.post("/lessons/drills/exam/", {"action": "submit", "q-alpha-fragile": "0"})
    assert b"Score: 0 of 2" in client.get("/lessons/drills/exam/review/").content


def test_progress_moves_to_the_account_at_sign_in(client, loaded):
    """Progress made before signing in belongs to the account afterwards."""
    client.post("/lessons/drills/alpha-fragile/", {"choice": "0"})
    user = get_user_model().objects.create_user("learner", password="pw-123-long-enough")
    client.post("/accounts/login/", {"username": "learner", "password": "pw-123-long-enough"})
    assert DrillAnswer.objects.get().user == user


def test_import_form_is_staff_only(client, loaded):
    """Anonymous visitors are sent to sign in."""
    assert client.get("/lessons/import/").status_code == 302


def test_import_form_reports_each_file(admin_client, loaded):
    """Staff upload two notes; the report shows one imported and one failed (nothing saved)."""
    files = [
        SimpleUploadedFile("serverless-queues.md", (NOTES / "serverless-queues.md").read_bytes()),
        SimpleUploadedFile("no-title.md", (NOTES / "no-title.md").read_bytes()),
    ]
    body = admin_client.post("/lessons/import/", {"files": files}).content.decode()
    assert 'data-testid="import-report"' in body and "2 headings, 3 table rows, 2 callouts" in body
    assert "Line 1:" in body and not Lesson.objects.filter(title="").exists()
    assert Lesson.objects.filter(slug="serverless-queues").exists()


def test_drill_answer_without_a_choice_is_a_400_with_the_field_error(client, settings):
    """Bad input gets a clear error: 400 with field errors, never a 500 or a silent 200."""
    from gateway_lab.lessons.models import Drill

    drill = Drill.objects.first()
    if drill is None:
        from django.core.management import call_command

        call_command("load_lessons", verbosity=0)
        drill = Drill.objects.first()
    response = client.post(f"/lessons/drills/{drill.drill_id}/", {})
    assert response.status_code == 400
    assert b"errorlist" in response.content or b'role="alert"' in response.content
