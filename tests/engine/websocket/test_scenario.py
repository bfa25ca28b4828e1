"""The websocket-chat preset played as a WebSocket session on a virtual clock (GATEWAY_FACTS.md §9)."""

from __future__ import annotations

from gateway_lab.engine.presets import load_preset
from gateway_lab.engine.trace import trace_to_dict
from gateway_lab.engine.websocket.scenario import SessionEvent, connection_id_for, run_events
from tests.engine.test_presets import _lesson_anchors


def run_websocket_preset(name: str) -> list[SessionEvent]:
    """Play the session script (``requests``) of the WebSocket preset ``name``."""
    data = load_preset(name)
    return run_events(api=data["api"], stage=data["stage"], events=data["requests"])


PRESET = "websocket-chat"


def _expect() -> dict:  # type: ignore[type-arg]
    return load_preset(PRESET)["websocket"]["expect"]


def test_scenario_statuses_match_preset() -> None:
    """§9: connects and messages answer 200; a post to a client that left is 410 GoneException."""
    assert [e.status for e in run_websocket_preset(PRESET)] == _expect()["statuses"]


def test_scenario_routes_follow_selection_expression() -> None:
    """§9: sendmessage selects its route; a non-JSON message goes to $default; closing runs $disconnect."""
    events = run_websocket_preset(PRESET)
    assert [e.trace.meta["route_key"] if e.trace else None for e in events] == _expect()["routes"]


def test_scenario_fan_out_reaches_connected_clients_only() -> None:
    """§9: sendmessage pushes to every stored connection; after Bob's $disconnect only Alice receives."""
    events = run_websocket_preset(PRESET)
    received = {
        str(i): sorted(d["to"] for d in events[i].deliveries) for i in map(int, _expect()["received"])
    }
    assert received == _expect()["received"]


def test_scenario_default_route_replies_to_sender() -> None:
    """§9: the two-way $default route's response goes back to the sender only."""
    default = run_websocket_preset(PRESET)[3]
    assert default.reply is not None and '"received": "hello?"' in default.reply and not default.deliveries


def test_scenario_replays_identically() -> None:
    """Determinism: the same script and seed give the same traces (virtual clock, seeded ids)."""

    def traces() -> list[dict]:  # type: ignore[type-arg]
        return [trace_to_dict(e.trace) for e in run_websocket_preset(PRESET) if e.trace]

    assert traces() == traces()


def test_scenario_steps_link_existing_lessons() -> None:
    """§11: every step of the session's traces links a lesson section that exists."""
    linked = {s.lesson for e in run_websocket_preset(PRESET) if e.trace for s in e.trace.steps}
    assert linked - {None} <= _lesson_anchors()


def test_scenario_connection_ids_are_aws_shaped() -> None:
    """§9: connection ids look like AWS's: 16 characters ending in '='."""
    connection_id = connection_id_for("alice")
    assert (len(connection_id), connection_id[-1]) == (16, "=")


def test_scenario_rejected_connect_creates_no_connection() -> None:
    """§9: a $connect answered 403 refuses the upgrade, so a later post to that client is 410."""
    preset = load_preset(PRESET)
    gatekeeper = preset["api"]["routes"][0]["integration"]["uri"].replace(
        "chat.on_connect", "gatekeeper.handler"
    )
    preset["api"]["routes"][0]["integration"]["uri"] = gatekeeper
    events = [
        {"client": "eve", "event": "connect"},
        {"client": "backend", "event": "post", "to": "eve", "body": "x", "at_ms": 10},
    ]
    played = run_events(api=preset["api"], stage=preset["stage"], events=events)
    assert [e.status for e in played] == [403, 410]
