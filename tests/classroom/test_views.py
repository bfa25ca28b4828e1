"""Classroom pages (issue 14): opening a room, the QR code, joining without an account, framing rules."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from gateway_lab.classroom import services
from gateway_lab.classroom.models import Participant, Room
from gateway_lab.classroom.sessions import SESSION_KEY

from .conftest import make_presenter

pytestmark = pytest.mark.django_db


def test_open_room_gives_unambiguous_six_character_code(client: Client, presenter: Any) -> None:
    """A presenter opens a room and lands on its projector screen with the join code."""
    client.force_login(presenter)
    response = client.post(reverse("classroom:open"), {"title": "3B"})
    room = Room.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "classroom:present", args=[room.code]
    )
    assert len(room.code) == 6 and set(room.code) <= set(services.CODE_ALPHABET)
    assert not set(room.code) & set("0O1IL")
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert room.code in page.content.decode() and 'data-testid="participant-count"' in page.content.decode()


def test_open_room_refused_without_presenter_role(client: Client, django_user_model: Any) -> None:
    """Only staff or the "presenter" group may open rooms."""
    client.force_login(django_user_model.objects.create_user(username="student", password="x"))
    assert client.post(reverse("classroom:open"), {}).status_code == 403
    assert not Room.objects.exists()


def test_qr_code_is_server_side_svg_of_the_join_url(client: Client, room: Room, presenter: Any) -> None:
    client.force_login(presenter)
    response = client.get(reverse("classroom:qr", args=[room.code]))
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert response.content.lstrip().startswith(b"<svg")


def test_join_creates_participant_and_remembers_it_in_the_session(client: Client, room: Room) -> None:
    """Students join with code and name, no account: the session names their participant."""
    response = client.post(reverse("classroom:join"), {"code": room.code.lower(), "name": "  Ada  L. "})
    assert response.status_code == 302 and response["Location"] == reverse(
        "classroom:student", args=[room.code]
    )
    participant = Participant.objects.get()
    assert participant.name == "Ada L."
    assert client.session[SESSION_KEY] == {room.code: participant.pk}
    assert client.get(response["Location"]).status_code == 200


def test_join_with_unknown_code_is_400_with_field_error(client: Client, db: None) -> None:
    response = client.post(reverse("classroom:join"), {"code": "ZZZZZZ", "name": "Ada"})
    assert response.status_code == 400
    assert "No open room has this code." in response.content.decode()
    assert not Participant.objects.exists()


def test_join_refused_when_room_is_full(client: Client, room: Room, settings: Any) -> None:
    """Per-room participant limit (MAX_PARTICIPANTS)."""
    settings.GATEWAY_LAB = {**settings.GATEWAY_LAB, "CLASSROOM": {"MAX_PARTICIPANTS": 1}}
    assert client.post(reverse("classroom:join"), {"code": room.code, "name": "Ada"}).status_code == 302
    response = Client().post(reverse("classroom:join"), {"code": room.code, "name": "Grace"})
    assert response.status_code == 400 and Participant.objects.count() == 1


def test_student_page_without_joining_redirects_to_join(client: Client, room: Room) -> None:
    response = client.get(reverse("classroom:student", args=[room.code]))
    assert response.status_code == 302 and response["Location"].endswith(f"?code={room.code}")


def test_presenter_screen_is_404_for_others(client: Client, room: Room, django_user_model: Any) -> None:
    client.force_login(django_user_model.objects.create_user(username="student", password="x"))
    assert client.get(reverse("classroom:present", args=[room.code])).status_code == 404


def test_frame_views_allow_same_origin_framing_only(client: Client, db: None) -> None:
    """The embedded visualizer may be framed by this site only; the visualizer itself stays DENY."""
    framed = client.get(
        reverse("classroom:frame_visualizer"), {"preset": "rest-vs-http", "step": 2, "view": "presenter"}
    )
    assert framed.status_code == 200
    assert framed["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in framed["Content-Security-Policy"]
    plain = client.get(reverse("visualizer:page"), {"preset": "rest-vs-http"})
    assert plain["X-Frame-Options"] == "DENY"


def test_second_presenter_sees_room_but_not_as_driver(client: Client, room: Room) -> None:
    other = make_presenter("assistant")
    client.force_login(other)
    assert client.get(reverse("classroom:present", args=[room.code])).status_code == 200


FRAME = {"preset": "rest-vs-http", "req": 0, "step": 2, "view": "presenter", "hide": "none"}


def _student(room: Room, name: str) -> Client:
    client = Client()
    assert client.post(reverse("classroom:join"), {"code": room.code, "name": name}).status_code == 302
    return client


def test_frame_limit_is_per_student_not_per_shared_address(room: Room, settings: Any) -> None:
    """A class behind one school address: each student gets the visualizer's limit, not a share of it."""
    settings.GATEWAY_LAB = {**settings.GATEWAY_LAB, "RATE_LIMITS": {"visualizer": "2/min"}}
    ada, grace = _student(room, "Ada"), _student(room, "Grace")
    url = reverse("classroom:frame_visualizer")
    for student in (ada, grace):
        for step in (1, 2):
            assert student.get(url, {**FRAME, "step": step}).status_code == 200
    assert ada.get(url, {**FRAME, "step": 3}).status_code == 429  # still a limit, per student
    outsider = Client()  # not in a room: the visualizer's per-address limit applies
    assert outsider.get(url, FRAME).status_code == 200
    assert outsider.get(url, FRAME).status_code == 200
    assert outsider.get(url, FRAME).status_code == 429


def test_frame_for_a_room_position_is_rendered_once_and_shared(room: Room) -> None:
    """Every student asks for the same step: the page is rendered once, then served from the cache."""
    from django.core.cache import cache

    ada, grace = _student(room, "Ada"), _student(room, "Grace")
    url = reverse("classroom:frame_visualizer")
    first = ada.get(url, FRAME)
    query = first.wsgi_request.GET.urlencode()
    assert cache.get(f"classroom:frame:en:{query}") == first.content
    second = grace.get(url, FRAME)
    assert second.content == first.content
    assert second["X-Frame-Options"] == "SAMEORIGIN"
    explored = ada.get(url, {**FRAME, "count": 5})  # a student's own exploration is not cached
    assert explored.status_code == 200
    assert cache.get(f"classroom:frame:en:{explored.wsgi_request.GET.urlencode()}") is None


def test_lesson_frame_is_framable_by_this_site_only(client: Client, db: None) -> None:
    from gateway_lab.lessons.models import Lesson

    Lesson.objects.create(slug="performance", language="en", title="Performance", body="# Performance")
    response = client.get(reverse("classroom:frame_lesson", args=["performance"]))
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    assert client.get(reverse("lessons:detail", args=["performance"]))["X-Frame-Options"] == "DENY"
