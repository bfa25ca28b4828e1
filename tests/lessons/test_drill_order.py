"""Drills follow the course: listed by their lesson's ``order``, never by drill file name (issue 4).

The fixture course gets a lesson ``beta`` that comes *before* ``alpha`` in the course while its drill
file ``beta.yaml`` sorts *after* ``alpha.yaml``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway_lab.lessons import selectors

pytestmark = pytest.mark.django_db

BETA_DRILL = """\
- id: beta-timeout
  lesson: beta
  section: timeouts
  fact: "5.1"
  question: {en: "A function runs for 35 s behind a REST API. What does the client get?", zh-hans: "函数运行 35 秒，客户端收到什么？"}
  options:
    - text: {en: "504", zh-hans: "504"}
      correct: true
      explanation: {en: "The default integration timeout is 29 s.", zh-hans: "默认集成超时是 29 秒。"}
    - text: {en: "200", zh-hans: "200"}
      correct: false
      explanation: {en: "The gateway stops waiting first.", zh-hans: "网关先停止等待。"}
"""


@pytest.fixture
def reordered(db, content_root: Path):  # noqa: ANN001, ANN201
    """The fixture course with lesson beta moved first and a drill file for it."""
    from gateway_lab.lessons.services import lesson_sync_from_files

    path = content_root / "lessons" / "en" / "02-beta.md"
    path.write_text(path.read_text(encoding="utf-8").replace("order: 2", "order: 0"), encoding="utf-8")
    (content_root / "drills" / "beta.yaml").write_text(BETA_DRILL, encoding="utf-8")
    return lesson_sync_from_files(root=content_root)


def _before(body: str, first: str, second: str) -> bool:
    return -1 < body.index(first) < body.index(second)


def test_drill_list_follows_lesson_order(reordered):
    """§5.1 before §3.2 here: beta's drill comes first because beta is first in the course."""
    ids = [drill.drill_id for drill in selectors.drill_list()]
    assert ids == ["beta-timeout", "alpha-fragile", "alpha-rest-only"]


def test_drills_index_lists_sets_in_lesson_order(client, reordered):
    """The drills index shows beta's set before alpha's."""
    body = client.get("/lessons/drills/").content.decode()
    assert _before(body, 'data-testid="drill-set-beta"', 'data-testid="drill-set-alpha"')


def test_exam_lists_drawn_questions_in_lesson_order(client, reordered):
    """Exam mode lists the drawn questions in course order, and the review keeps that order."""
    client.post("/lessons/drills/exam/", {"action": "start"})
    body = client.get("/lessons/drills/exam/").content.decode()
    assert _before(body, 'name="q-beta-timeout"', 'name="q-alpha-fragile"')
    review = client.get(
        client.post("/lessons/drills/exam/", {"action": "submit"})["Location"]
    ).content.decode()
    assert _before(review, 'id="q-beta-timeout"', 'id="q-alpha-fragile"')


def test_mistakes_list_follows_lesson_order(client, reordered):
    """'Review my mistakes' lists beta's wrong answer first, though it was answered last."""
    client.post("/lessons/drills/alpha-fragile/", {"choice": "1"})
    client.post("/lessons/drills/beta-timeout/", {"choice": "1"})
    body = client.get("/lessons/drills/mistakes/").content.decode()
    assert _before(body, "/lessons/drills/beta-timeout/", "/lessons/drills/alpha-fragile/")


def test_mistakes_name_the_lesson_of_each_question(client, reordered):
    """Each mistake says which lesson it belongs to, so the learner knows what to re-read."""
    client.post("/lessons/drills/beta-timeout/", {"choice": "1"})
    body = client.get("/lessons/drills/mistakes/").content.decode()
    assert '<span class="mistakes__lesson">Beta lesson</span>' in body
