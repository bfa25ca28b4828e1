"""Reading progress: the "Mark as read" form (no JavaScript) and the scroll tracker's JSON answers."""

from __future__ import annotations

import pytest

from gateway_lab.lessons.models import SectionRead

pytestmark = pytest.mark.django_db

JSON = {"Accept": "application/json"}


def test_lesson_page_keeps_the_mark_read_form(client, loaded):
    """Without JavaScript the learner can still mark the lesson read with a plain form."""
    body = client.get("/lessons/alpha/").content.decode()
    assert 'action="/lessons/alpha/read"' in body and 'data-read-url="/lessons/alpha/read"' in body


def test_mark_read_one_anchor_answers_json_with_sections_read(client, loaded):
    """The scroll tracker posts one anchor and learns which sections are read so far."""
    response = client.post("/lessons/alpha/read", {"anchor": "caching"}, headers=JSON)
    assert response.json() == {"read": ["caching"], "all_read": False}
    assert list(SectionRead.objects.values_list("anchor", flat=True)) == ["caching"]


def test_mark_read_json_says_when_every_section_is_read(client, loaded):
    """After the last section, the answer says the whole lesson is read."""
    client.post("/lessons/alpha/read", {"anchor": "caching"}, headers=JSON)
    response = client.post("/lessons/alpha/read", {"anchor": "throttling"}, headers=JSON)
    assert response.json() == {"read": ["throttling", "caching"], "all_read": True}


def test_mark_read_same_anchor_twice_records_it_once(client, loaded):
    """A repeated post for a section does not add a second row."""
    for _ in range(2):
        client.post("/lessons/alpha/read", {"anchor": "caching"}, headers=JSON)
    assert SectionRead.objects.count() == 1


def test_mark_read_unknown_anchor_is_rejected_and_records_nothing(client, loaded):
    """An anchor that is not a section of the lesson is a 400, not "mark everything"."""
    response = client.post("/lessons/alpha/read", {"anchor": "no-such-section"}, headers=JSON)
    assert response.status_code == 400 and SectionRead.objects.count() == 0


def test_read_sections_are_ticked_in_the_contents(client, loaded):
    """The table of contents ticks the sections this browser has read."""
    client.post("/lessons/alpha/read", {"anchor": "caching"}, headers=JSON)
    body = client.get("/lessons/alpha/").content.decode()
    assert '<li data-anchor="caching" class="is-read">' in body
    assert '<li data-anchor="throttling">' in body
