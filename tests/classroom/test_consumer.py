"""The room's WebSocket (issue 14): roles, snapshot on join, replay after reconnect, polls, questions."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.utils import timezone

from gateway_lab.asgi import application
from gateway_lab.classroom.models import Answer, Room

from .conftest import (
    DRILL_ID,
    ORIGIN,
    PRESET,
    make_presenter,
    open_socket,
    presenter_socket,
    student_cookie,
    student_socket,
)

pytestmark = pytest.mark.django_db(transaction=True)


def viz(step: int, preset: str = PRESET) -> dict[str, Any]:
    return {"kind": "visualizer", "preset": preset, "step": step}


async def receive_type(communicator: Any, kind: str, *, limit: int = 10) -> dict[str, Any]:
    """Return the next message of type ``kind`` (skipping presenter-panel refreshes and the like)."""
    for _ in range(limit):
        message = await communicator.receive_json_from(timeout=3)
        if message["type"] == kind:
            return message
    raise AssertionError(f"no {kind!r} message")


async def refused_with(communicator: Any) -> int:
    """Return the close code of a refused socket (accepted, then closed at once with the reason)."""
    connected, _ = await communicator.connect()
    assert connected
    message = await communicator.receive_output(timeout=3)
    assert message["type"] == "websocket.close"
    return message["code"]


async def drain(communicator: Any) -> None:
    while not await communicator.receive_nothing(timeout=0.1):
        await communicator.receive_json_from()


async def test_student_drive_is_refused(room: Room) -> None:
    """Issue 14: only the driver's connection moves the room; a student's "drive" is refused."""
    _, student = await student_socket(room, "Ada")
    await receive_type(student, "snapshot")
    _, other = await student_socket(room, "Grace")
    await receive_type(other, "snapshot")
    await student.send_json_to({"command": "drive", "position": viz(3)})
    error = await receive_type(student, "error")
    assert error["code"] == "not_driver"
    assert await other.receive_nothing(timeout=0.2)
    await sync_to_async(room.refresh_from_db)()
    assert room.position == {} and room.seq == 0
    await student.disconnect()
    await other.disconnect()


async def test_presenter_role_claim_without_presenter_account_is_refused(room: Room) -> None:
    """A student's session asking for role=presenter gets no socket at all (4403)."""
    _, cookie = await sync_to_async(student_cookie)(room, "Mallory")
    communicator = WebsocketCommunicator(
        application,
        f"/classroom/ws/{room.code}?role=presenter",
        headers=[ORIGIN, (b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode())],
    )
    assert await refused_with(communicator) == 4403


async def test_non_driving_presenter_cannot_drive_until_handover(room: Room, presenter: Any) -> None:
    """Issue 14: a second presenter is refused until the driver hands the room over explicitly."""
    other = await sync_to_async(make_presenter)("assistant")
    owner_socket = await presenter_socket(room, presenter)
    other_socket = await presenter_socket(room, other)
    await other_socket.send_json_to({"command": "drive", "position": viz(2)})
    assert (await receive_type(other_socket, "error"))["code"] == "not_driver"
    await owner_socket.send_json_to({"command": "handover", "to": "assistant"})
    await drain(owner_socket)
    await other_socket.send_json_to({"command": "drive", "position": viz(2)})
    assert (await receive_type(other_socket, "position"))["position"]["step"] == 2
    await owner_socket.send_json_to({"command": "drive", "position": viz(3)})
    assert (await receive_type(owner_socket, "error"))["code"] == "not_driver"
    await owner_socket.disconnect()
    await other_socket.disconnect()


async def test_drive_reaches_students_with_sequence_numbers(room: Room, presenter: Any) -> None:
    """Each position the presenter sends arrives at every student, numbered."""
    _, student = await student_socket(room, "Ada")
    await receive_type(student, "snapshot")
    teacher = await presenter_socket(room, presenter)
    for step in (1, 2):
        await teacher.send_json_to({"command": "drive", "position": viz(step)})
    first, second = await receive_type(student, "position"), await receive_type(student, "position")
    assert (first["seq"], second["seq"]) == (1, 2)
    assert second["position"]["step"] == 2
    assert second["position"]["frame"].startswith("/classroom/frame/visualizer/?preset=rest-vs-http")
    await student.disconnect()
    await teacher.disconnect()


async def test_invalid_position_is_refused_with_field(room: Room, presenter: Any) -> None:
    """A position naming an unknown preset or a step out of range is refused, never stored."""
    teacher = await presenter_socket(room, presenter)
    await teacher.send_json_to({"command": "drive", "position": viz(1, preset="no-such-preset")})
    assert (await receive_type(teacher, "error"))["field"] == "preset"
    await teacher.send_json_to({"command": "drive", "position": viz(999)})
    assert (await receive_type(teacher, "error"))["code"] == "out_of_range"
    await teacher.send_json_to({"command": "drive", "position": {"kind": "url", "url": "https://evil"}})
    assert (await receive_type(teacher, "error"))["code"] == "bad_position"
    await teacher.disconnect()


async def test_late_joiner_gets_snapshot_at_once(room: Room, presenter: Any) -> None:
    """Issue 14: a student joining after the presenter moved gets the current state, not a start from zero."""
    teacher = await presenter_socket(room, presenter)
    for step in (1, 2, 3):
        await teacher.send_json_to({"command": "drive", "position": viz(step)})
        await receive_type(teacher, "position")
    _, late = await student_socket(room, "Late")
    snapshot = await receive_type(late, "snapshot")
    assert snapshot["seq"] == 3
    assert snapshot["position"]["step"] == 3
    assert "presenter" not in snapshot  # no names, hands or tallies for students
    await late.disconnect()
    await teacher.disconnect()


async def test_reconnect_replays_missed_events_in_order(room: Room, presenter: Any) -> None:
    """Issue 14: a student reconnecting with its last seq gets exactly the events it missed."""
    participant, cookie = await sync_to_async(student_cookie)(room, "Ada")
    student = await open_socket(room, cookie)
    snapshot = await receive_type(student, "snapshot")
    await student.disconnect()
    teacher = await presenter_socket(room, presenter)
    for step in (2, 3, 4):
        await teacher.send_json_to({"command": "drive", "position": viz(step)})
        await receive_type(teacher, "position")
    again = await open_socket(room, cookie, since=snapshot["seq"])
    replayed = [await again.receive_json_from(timeout=3) for _ in range(3)]
    assert [(m["type"], m["seq"], m["position"]["step"]) for m in replayed] == [
        ("position", 1, 2),
        ("position", 2, 3),
        ("position", 3, 4),
    ]
    assert await again.receive_nothing(timeout=0.2)
    await again.disconnect()
    await teacher.disconnect()


async def test_reconnect_past_the_replay_window_gets_a_snapshot(
    room: Room, presenter: Any, settings: Any
) -> None:
    """When the missed events were pruned, the student gets a snapshot instead of a partial replay."""
    settings.GATEWAY_LAB = {**settings.GATEWAY_LAB, "CLASSROOM": {"REPLAY_EVENTS": 5}}
    teacher = await presenter_socket(room, presenter)
    for step in range(1, 22):
        await teacher.send_json_to({"command": "drive", "position": viz(1 + step % 10)})
        await receive_type(teacher, "position")
    _, student = await student_socket(room, "Ada", since=1)
    snapshot = await receive_type(student, "snapshot")
    assert snapshot["seq"] == 21
    await student.disconnect()
    await teacher.disconnect()


async def test_one_answer_per_student_per_poll(room: Room, presenter: Any, drill: Any) -> None:
    """Issue 14: the server keeps one answer per participant per poll; a second one is refused."""
    teacher = await presenter_socket(room, presenter)
    participant, student = await student_socket(room, "Ada")
    await receive_type(student, "snapshot")
    await teacher.send_json_to({"command": "poll", "kind": "drill", "drill": DRILL_ID})
    poll = (await receive_type(student, "poll"))["poll"]
    assert "answer" not in poll and all("correct" not in c for c in poll["choices"])
    await student.send_json_to({"command": "answer", "poll": poll["id"], "choice": "0"})
    assert (await receive_type(student, "answered"))["choice"] == "0"
    tally = (await receive_type(teacher, "tally"))["tally"]
    assert tally["total"] == 1
    await student.send_json_to({"command": "answer", "poll": poll["id"], "choice": "1"})
    assert (await receive_type(student, "error"))["code"] == "already_answered"
    assert await sync_to_async(Answer.objects.filter(participant=participant).count)() == 1
    await student.disconnect()
    await teacher.disconnect()


async def test_answers_and_tally_stay_hidden_from_other_students(
    room: Room, presenter: Any, drill: Any
) -> None:
    """Issue 14: no student sees another's answer, nor the running tally, before the reveal."""
    teacher = await presenter_socket(room, presenter)
    _, ada = await student_socket(room, "Ada")
    _, grace = await student_socket(room, "Grace")
    await teacher.send_json_to({"command": "poll", "kind": "drill", "drill": DRILL_ID})
    poll = (await receive_type(ada, "poll"))["poll"]
    await receive_type(grace, "poll")
    await ada.send_json_to({"command": "answer", "poll": poll["id"], "choice": "2"})
    await receive_type(ada, "answered")
    assert await grace.receive_nothing(timeout=0.3)
    for socket in (ada, grace, teacher):
        await socket.disconnect()


async def test_reveal_pushes_answer_explanation_and_steps_the_visualizer(room: Room, presenter: Any) -> None:
    """Issue 14: a "predict the next stage" poll; reveal sends answer + explanation, then the next step."""
    teacher = await presenter_socket(room, presenter)
    await teacher.send_json_to({"command": "drive", "position": viz(2)})
    _, ada = await student_socket(room, "Ada")
    await receive_type(ada, "snapshot")
    await teacher.send_json_to({"command": "poll", "kind": "predict"})
    poll = (await receive_type(ada, "poll"))["poll"]
    assert poll["kind"] == "predict"
    assert "Resource policy" in poll["question"]["en"]  # the trace's third stage, after step 2
    keys = [c["key"] for c in poll["choices"]]
    assert keys == ["pass", "reject", "skip", "error"]
    await ada.send_json_to({"command": "answer", "poll": poll["id"], "choice": "skip"})
    await receive_type(ada, "answered")
    await ada.send_json_to({"command": "reveal"})  # a student cannot reveal
    assert (await receive_type(ada, "error"))["code"] == "not_driver"
    await teacher.send_json_to({"command": "reveal"})
    reveal = (await receive_type(ada, "reveal"))["reveal"]
    assert reveal["answer"] == "skip"
    assert reveal["explanation"]["en"] and reveal["explanation"]["zh-hans"]
    assert reveal["tally"]["total"] == 1
    stepped = await receive_type(ada, "position")
    assert stepped["position"]["step"] == 3
    await ada.send_json_to({"command": "answer", "poll": poll["id"], "choice": "pass"})
    assert (await receive_type(ada, "error"))["code"] == "poll_closed"
    await ada.disconnect()
    await teacher.disconnect()


async def test_questions_are_moderated_before_anyone_sees_them(room: Room, presenter: Any) -> None:
    """Issue 14: a question reaches the presenter (with the name) only; shown, the class sees its text only."""
    teacher = await presenter_socket(room, presenter)
    await receive_type(teacher, "snapshot")
    _, ada = await student_socket(room, "Ada")
    _, grace = await student_socket(room, "Grace")
    await receive_type(grace, "snapshot")
    await ada.send_json_to({"command": "ask", "text": "Why 429 and not 503?"})
    await receive_type(ada, "asked")
    assert await grace.receive_nothing(timeout=0.3)
    for _ in range(5):
        state = await receive_type(teacher, "presenter")
        if state["pending"]:
            break
    assert state["pending"][0]["name"] == "Ada"
    await teacher.send_json_to({"command": "moderate", "question": state["pending"][0]["id"], "show": True})
    shown = await receive_type(grace, "question")
    assert shown["question"]["text"] == "Why 429 and not 503?"
    assert "Ada" not in str(shown)
    for socket in (ada, grace, teacher):
        await socket.disconnect()


async def test_student_message_rate_is_limited(room: Room) -> None:
    """Per-connection limit: a burst past MESSAGE_BURST gets rate_limited errors."""
    _, ada = await student_socket(room, "Ada")
    await receive_type(ada, "snapshot")
    for _ in range(15):
        await ada.send_json_to({"command": "hand", "raised": True})
    codes = []
    for _ in range(15):
        message = await ada.receive_json_from(timeout=3)
        codes.append(message.get("code") or message["type"])
    assert codes.count("rate_limited") >= 3  # 15 messages, a burst of 10
    await ada.disconnect()


async def test_expired_room_refuses_connections(room: Room, presenter: Any) -> None:
    """Idle rooms expire: past IDLE_MINUTES the socket is refused with 4404."""
    cookie_user = presenter
    await Room.objects.filter(pk=room.pk).aupdate(active_at=timezone.now() - timezone.timedelta(days=2))
    from .conftest import presenter_cookie

    cookie = await sync_to_async(presenter_cookie)(cookie_user)
    communicator = WebsocketCommunicator(
        application,
        f"/classroom/ws/{room.code}?role=presenter",
        headers=[ORIGIN, (b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode())],
    )
    assert await refused_with(communicator) == 4404


async def test_presenter_reload_keeps_the_room(room: Room, presenter: Any, drill: Any) -> None:
    """Issue 14: the presenter disconnecting loses nothing: a new presenter socket gets the same state."""
    teacher = await presenter_socket(room, presenter)
    await teacher.send_json_to({"command": "drive", "position": viz(4)})
    await teacher.send_json_to({"command": "poll", "kind": "drill", "drill": DRILL_ID})
    await receive_type(teacher, "poll")
    await teacher.disconnect()
    again = await presenter_socket(room, presenter)
    snapshot = await receive_type(again, "snapshot")
    assert snapshot["position"]["step"] == 4
    assert snapshot["poll"]["kind"] == "drill"
    assert snapshot["presenter"]["is_driver"] is True
    await again.disconnect()


async def test_presenter_lowers_a_hand_and_the_student_sees_it(room: Room, presenter: Any) -> None:
    """Hands: the student raises, the presenter sees the name and lowers it; the student's page hears."""
    teacher = await presenter_socket(room, presenter)
    participant, ada = await student_socket(room, "Ada")
    await receive_type(ada, "snapshot")
    await ada.send_json_to({"command": "hand", "raised": True})
    assert (await receive_type(ada, "hand"))["raised"] is True
    for _ in range(5):
        state = await receive_type(teacher, "presenter")
        if state["hands"]:
            break
    assert state["hands"] == [{"id": participant.pk, "name": "Ada"}]
    await teacher.send_json_to({"command": "lower_hand", "participant": participant.pk})
    assert (await receive_type(ada, "hand"))["raised"] is False
    await ada.disconnect()
    await teacher.disconnect()


async def test_rate_limit_holds_across_one_students_sockets(room: Room) -> None:
    """Two sockets of one participant share one bucket: opening more tabs buys no more messages."""
    participant, cookie = await sync_to_async(student_cookie)(room, "Ada")
    first, second = await open_socket(room, cookie), await open_socket(room, cookie)
    for socket in (first, second):
        await receive_type(socket, "snapshot")
    for _ in range(7):
        for socket in (first, second):
            await socket.send_json_to({"command": "ask", "text": "?"})
    errors = []
    for socket in (first, second):
        while not await socket.receive_nothing(timeout=0.3):
            message = await socket.receive_json_from()
            if message["type"] == "error":
                errors.append(message["code"])
    assert errors.count("rate_limited") >= 3  # 14 messages, a burst of 10 (per socket: none refused)
    for socket in (first, second):
        await socket.disconnect()


async def test_closed_room_tells_students_and_refuses_new_sockets(room: Room, presenter: Any) -> None:
    """The driver closes the room: students are told, and nobody can reconnect or join."""
    teacher = await presenter_socket(room, presenter)
    participant, cookie = await sync_to_async(student_cookie)(room, "Ada")
    ada = await open_socket(room, cookie)
    await receive_type(ada, "snapshot")
    await ada.send_json_to({"command": "close"})
    assert (await receive_type(ada, "error"))["code"] == "not_driver"
    await teacher.send_json_to({"command": "close"})
    assert (await receive_type(ada, "closed"))["seq"] == 1
    assert (await ada.receive_output(timeout=3)) == {"type": "websocket.close", "code": 4404}
    communicator = WebsocketCommunicator(
        application,
        f"/classroom/ws/{room.code}?role=student",
        headers=[ORIGIN, (b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode())],
    )
    assert await refused_with(communicator) == 4404
    await ada.disconnect()
    await teacher.disconnect()


async def test_position_carries_request_and_virtual_clock(room: Room, presenter: Any) -> None:
    """Issue 14: the position is the visualizer's scenario, request, step and clock, all checked."""
    teacher = await presenter_socket(room, presenter)
    await teacher.send_json_to({"command": "drive", "position": {**viz(3), "req": 4, "at": "1.5"}})
    position = (await receive_type(teacher, "position"))["position"]
    assert (position["req"], position["step"], position["at"]) == (4, 3, 1.5)
    assert "at=1.5" in position["frame"] and "req=4" in position["open"]
    await teacher.send_json_to({"command": "drive", "position": {**viz(3), "at": "nan"}})
    assert (await receive_type(teacher, "error"))["field"] == "at"
    await teacher.disconnect()


async def test_garbage_frames_get_an_error_and_keep_the_socket(room: Room) -> None:
    """Nothing a client sends crashes the room's socket: not JSON, not an object, an unknown command."""
    _, ada = await student_socket(room, "Ada")
    await receive_type(ada, "snapshot")
    for frame in ("not json", "[1, 2]", '{"command": "__init__"}', '{"command": 7}'):
        await ada.send_to(text_data=frame)
        assert (await receive_type(ada, "error"))["code"] == "unknown_command"
    await ada.send_json_to({"command": "hand", "raised": True})
    assert (await receive_type(ada, "hand"))["raised"] is True
    await ada.disconnect()


async def test_lesson_position_names_a_section_of_an_existing_lesson(room: Room, presenter: Any) -> None:
    """Issue 14: the presenter can show a lesson section; unknown lessons and odd anchors are refused."""
    from gateway_lab.lessons.models import Lesson

    await Lesson.objects.acreate(slug="performance", language="en", title="Performance", body="# Performance")
    _, ada = await student_socket(room, "Ada")
    await receive_type(ada, "snapshot")
    teacher = await presenter_socket(room, presenter)
    await teacher.send_json_to(
        {"command": "drive", "position": {"kind": "lesson", "slug": "performance", "anchor": "throttling"}}
    )
    position = (await receive_type(ada, "position"))["position"]
    assert position["frame"] == "/classroom/frame/lessons/performance/#throttling"
    assert position["open"] == "/lessons/performance/#throttling"
    for (slug, anchor), field in (
        (("no-such-lesson", "x"), "slug"),
        (("performance", '"><script>'), "anchor"),
    ):
        await teacher.send_json_to(
            {"command": "drive", "position": {"kind": "lesson", "slug": slug, "anchor": anchor}}
        )
        assert (await receive_type(teacher, "error"))["field"] == field
    await ada.disconnect()
    await teacher.disconnect()


async def test_status_poll_asks_the_engines_status_and_reveal_jumps_to_the_response(
    room: Room, presenter: Any
) -> None:
    """Issue 14: "predict the status code": the answer is the engine's status for this request."""
    teacher = await presenter_socket(room, presenter)
    await teacher.send_json_to({"command": "drive", "position": viz(2)})
    _, ada = await student_socket(room, "Ada")
    await receive_type(ada, "snapshot")
    await teacher.send_json_to({"command": "poll", "kind": "status"})
    poll = (await receive_type(ada, "poll"))["poll"]
    keys = [c["key"] for c in poll["choices"]]
    assert {"200", "403", "429", "502"} <= set(keys) and keys == sorted(keys, key=int)
    await ada.send_json_to({"command": "answer", "poll": poll["id"], "choice": "429"})
    await receive_type(ada, "answered")
    await teacher.send_json_to({"command": "reveal"})
    reveal = (await receive_type(ada, "reveal"))["reveal"]
    assert reveal["answer"] == "200"  # rest-vs-http: the request succeeds
    assert reveal["tally"]["bars"][keys.index("429")]["count"] == 1
    assert (await receive_type(ada, "position"))["position"]["step"] == 10  # the response step
    await ada.disconnect()
    await teacher.disconnect()
