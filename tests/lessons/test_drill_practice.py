"""Practice mode (issue 10 "Smaller", issue 15): "question n of N", a summary, filters, exam review."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def progress(body: str) -> str:
    match = re.search(r'data-testid="drill-progress">\s*<span>(.*?)</span>', body, re.S)
    return match.group(1).strip() if match else ""


def test_drill_shows_question_n_of_n_within_its_lesson(client, loaded):
    """The fixture lesson has two drills: the first is 1 of 2, the second 2 of 2."""
    assert progress(client.get("/lessons/drills/alpha-fragile/").content.decode()) == "Question 1 of 2"
    assert progress(client.get("/lessons/drills/alpha-rest-only/").content.decode()) == "Question 2 of 2"


def test_drill_progress_in_chinese(zh_client, loaded):
    """The counter is translated (zh-Hans is the primary audience)."""
    assert progress(zh_client.get("/lessons/drills/alpha-fragile/").content.decode()) == "第 1 题，共 2 题"


def test_next_link_keeps_the_practice_set(client, loaded):
    """The next question's link carries the set's filters."""
    body = client.get(
        "/lessons/drills/alpha-fragile/", {"lesson": "alpha", "difficulty": ""}
    ).content.decode()
    assert 'href="/lessons/drills/alpha-rest-only/?lesson=alpha&amp;difficulty="' in body


def test_last_answer_offers_the_summary(client, loaded):
    """After answering the last question, the card links to the set's summary (no "next")."""
    body = client.post("/lessons/drills/alpha-rest-only/?lesson=alpha&difficulty=", {"choice": ["0"]}).content
    body = body.decode()
    assert 'data-testid="drill-summary-link"' in body and 'data-testid="next-drill"' not in body
    assert 'href="/lessons/drills/summary/?lesson=alpha&amp;difficulty="' in body


def test_summary_counts_right_wrong_and_unanswered(client, loaded):
    """§3.2: one right, one not answered: the summary says so, drill by drill."""
    client.post("/lessons/drills/alpha-fragile/", {"choice": "0"})
    body = client.get("/lessons/drills/summary/", {"lesson": "alpha"}).content.decode()
    assert "1 of 2 right" in body and "1 right · 0 wrong · 1 not answered" in body
    assert re.findall(r'data-status="(\w+)"', body) == ["right", "unanswered"]


def test_practice_filters_by_difficulty(client, loaded):
    """``difficulty=hard`` opens the set of hard drills only: alpha-rest-only is 1 of 1."""
    response = client.get("/lessons/drills/practice/", {"lesson": "", "difficulty": "hard"})
    assert response.status_code == 302
    assert response["Location"] == "/lessons/drills/alpha-rest-only/?lesson=&difficulty=hard"
    body = client.get(response["Location"]).content.decode()
    assert progress(body) == "Question 1 of 1" and 'data-testid="drill-difficulty">Hard<' in body


def test_practice_filter_without_matches_says_so(client, loaded):
    """No easy drills in the fixture: the drills page says no drill matches (200, not an error)."""
    response = client.get("/lessons/drills/practice/", {"lesson": "alpha", "difficulty": "easy"})
    assert response.status_code == 200 and b'data-testid="practice-empty"' in response.content


@pytest.mark.parametrize(("field", "value"), [("difficulty", "extreme"), ("lesson", "no-such-lesson")])
def test_practice_filter_rejects_bad_values_with_400(client, loaded, field, value):
    """Bad input → 400 naming the field's error, never a 500."""
    response = client.get("/lessons/drills/practice/", {field: value})
    assert response.status_code == 400 and b'class="form-error"' in response.content


def test_drills_page_offers_the_lesson_and_difficulty_filters(client, loaded):
    body = client.get("/lessons/drills/").content.decode()
    assert 'action="/lessons/drills/practice/"' in body
    assert 'name="lesson"' in body and 'name="difficulty"' in body and 'value="hard"' in body


def test_exam_review_marks_unanswered_questions(client, loaded):
    """Issue 10: a question left blank is "Not answered", not "Not quite"."""
    client.post("/lessons/drills/exam/", {"action": "start"})
    client.post("/lessons/drills/exam/", {"action": "submit", "q-alpha-fragile": "1"})
    body = client.get("/lessons/drills/exam/review/").content.decode()
    assert re.findall(r'data-verdict="(\w+)"', body) == ["wrong", "unanswered"]
    assert "0 right · 1 wrong · 1 not answered" in body
