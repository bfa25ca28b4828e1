"""``simulate`` plays WEBSOCKET APIs as sessions through the WebSocket gateway (GATEWAY_FACTS.md §9)."""

from __future__ import annotations

import pytest

from gateway_lab.engine.model import ConfigError
from gateway_lab.engine.presets import load_preset
from gateway_lab.engine.simulate import simulate

PRESET = load_preset("websocket-chat")


def _run(events: list[dict] | None = None):  # type: ignore[no-untyped-def, type-arg]
    return simulate(api=PRESET["api"], stage=PRESET["stage"], requests=events or PRESET["requests"])


def test_session_gives_one_trace_per_event() -> None:
    """§9: every event (connects, messages, disconnect, the backend's post) has a trace."""
    result = _run()
    assert len(result.traces) == len(result.timeline) == len(PRESET["requests"])


def test_session_timeline_names_the_selected_route() -> None:
    """§9: sendmessage selects its route, non-JSON goes to $default, closing runs $disconnect."""
    routes = [entry["route_key"] for entry in _run().timeline]
    assert routes == PRESET["websocket"]["expect"]["routes"]


def test_session_timeline_lists_deliveries_per_recipient() -> None:
    """§9: Alice's sendmessage is pushed through @connections to both connected clients."""
    entry = _run().timeline[2]
    assert sorted(d["to"] for d in entry["deliveries"]) == ["alice", "bob"]


def test_session_post_to_a_closed_connection_is_410_gone() -> None:
    """§9: POST @connections to a connection that left answers 410 GoneException."""
    entry = _run().timeline[-1]
    assert (entry["event"], entry["status"], entry["kind"]) == ("post", 410, "rejected")


def test_session_connect_trace_runs_the_connect_route() -> None:
    """§9: a connect event's trace is the $connect route through the engine's stages."""
    trace = _run().traces[0]
    assert trace.step("routing").detail["route_key"] == "$connect" and trace.meta["event"] == "CONNECT"


def test_session_unknown_event_is_a_field_error() -> None:
    """A malformed session script is a ConfigError naming the event, never a crash."""
    with pytest.raises(ConfigError) as exc:
        _run([{"client": "a", "event": "dance"}])
    assert exc.value.errors[0][0] == "requests[0].event"


def test_session_events_play_in_time_order() -> None:
    """§9: events are played by at_ms whatever their order in the script."""
    events = [
        {"client": "a", "event": "message", "at_ms": 100, "body": "{}"},
        {"client": "a", "event": "connect", "at_ms": 0},
    ]
    assert [entry["event"] for entry in _run(events).timeline] == ["connect", "message"]
