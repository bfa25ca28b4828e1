"""Route selection expressions (GATEWAY_FACTS.md §9)."""

from __future__ import annotations

from gateway_lab.engine.websocket import evaluate, resolve_route, select_route_key

ROUTES = {"$connect", "$disconnect", "$default", "sendmessage", "chat/join"}


def test_selection_reads_body_action() -> None:
    """§9: $request.body.action selects the action field."""
    assert select_route_key("$request.body.action", '{"action": "sendmessage"}') == "sendmessage"


def test_selection_follows_nested_path() -> None:
    """§9: the expression is $request.body.<JSONPath>."""
    assert select_route_key("$request.body.meta.kind", '{"meta": {"kind": "join"}}') == "join"


def test_selection_follows_list_index() -> None:
    """§9: JSONPath steps include list indexes."""
    assert select_route_key("$request.body.ops[1]", '{"ops": ["a", "b"]}') == "b"


def test_selection_combines_braced_variables() -> None:
    """§9: ${request.body.service}/${request.body.action} gives chat/join."""
    body = '{"service": "chat", "action": "join"}'
    assert select_route_key("${request.body.service}/${request.body.action}", body) == "chat/join"


def test_selection_missing_path_gives_empty_string() -> None:
    """§9: a missing path evaluates to an empty string."""
    assert select_route_key("$request.body.action", '{"other": 1}') == ""


def test_selection_non_json_selects_default() -> None:
    """§9: a message that is not JSON goes to $default."""
    assert select_route_key("$request.body.action", "hello there") == "$default"


def test_selection_escaped_dollar_is_literal() -> None:
    """§9: \\$default escapes the dollar, giving the static value $default."""
    assert select_route_key("\\$default", '{"action": "x"}') == "$default"


def test_selection_stringifies_numbers_and_booleans() -> None:
    """§9: the result is stringified (JSON spelling)."""
    assert select_route_key("${request.body.a}-${request.body.b}", '{"a": 2, "b": true}') == "2-true"


def test_selection_records_variables() -> None:
    """§9: the evaluation keeps each variable's value for the trace."""
    assert evaluate("$request.body.action", '{"action": "go"}').variables == {"request.body.action": "go"}


def test_resolve_unknown_key_falls_back_to_default() -> None:
    """§9: unmatched messages go to $default."""
    assert resolve_route(ROUTES, "nope") == "$default"


def test_resolve_without_default_is_none() -> None:
    """§9: with no $default route an unmatched message is an error."""
    assert resolve_route({"sendmessage"}, "nope") is None


def test_resolve_never_selects_connect() -> None:
    """§9: a message cannot run the $connect route by naming it."""
    assert resolve_route(ROUTES, "$connect") == "$default"
