"""Routing (§10, §5.2, §14.2): REST 403 Missing Authentication Token, HTTP API 404, route priority."""

from __future__ import annotations

from gateway_lab.engine.trace import StageName

from .builders import http_api, make_pipeline, rest_api, send


def _match(trace):  # type: ignore[no-untyped-def]
    return trace.step(StageName.ROUTING).detail


def test_routing_rest_unknown_path_is_403_missing_authentication_token() -> None:
    """§5.2: REST answers an unknown path with 403 {"message":"Missing Authentication Token"}."""
    trace = send(make_pipeline(rest_api({"/pets": {"GET": {}}})), "GET", "/nope")
    assert trace.response.status == 403
    assert trace.response.body == b'{"message":"Missing Authentication Token"}'
    assert trace.response.headers["x-amzn-ErrorType"] == "MissingAuthenticationTokenException"


def test_routing_rest_wrong_method_is_403_too() -> None:
    """§5.2: a wrong method on an existing resource also gets Missing Authentication Token."""
    trace = send(make_pipeline(rest_api({"/pets": {"GET": {}}})), "DELETE", "/pets")
    assert trace.response.status == 403
    assert trace.step(StageName.ROUTING).detail["path_matched"] is True


def test_routing_http_api_unknown_route_is_404_not_found() -> None:
    """§5.3: HTTP APIs answer {"message":"Not Found"} with 404."""
    trace = send(make_pipeline(http_api({"GET /pets": {}}), {"stageName": "$default"}), "GET", "/nope")
    assert trace.response.status == 404
    assert trace.response.body == b'{"message":"Not Found"}'


def test_routing_literal_beats_parameter() -> None:
    """§10: an exact path part wins over a {param}."""
    api = rest_api({"/pets/{id}": {"GET": {}}, "/pets/mine": {"GET": {}}})
    assert _match(send(make_pipeline(api), "GET", "/pets/mine"))["resource_path"] == "/pets/mine"


def test_routing_parameter_captures_value_percent_encoded() -> None:
    """§6.1: path parameters stay percent-encoded as sent."""
    trace = send(make_pipeline(rest_api({"/users/{email}": {"GET": {}}})), "GET", "/users/test%2Balias@x.com")
    assert _match(trace)["path_parameters"] == {"email": "test%2Balias@x.com"}


def test_routing_greedy_proxy_takes_the_rest_of_the_path() -> None:
    """§10/§6.1: {proxy+} matches the remaining segments; a trailing slash is not part of it."""
    trace = send(make_pipeline(rest_api({"/{proxy+}": {"ANY": {}}})), "POST", "/a/b/")
    assert _match(trace)["path_parameters"] == {"proxy": "a/b"}


def test_routing_any_matches_undefined_methods() -> None:
    """§10: ANY matches any method the resource does not define."""
    trace = send(make_pipeline(rest_api({"/pets": {"ANY": {}}})), "PATCH", "/pets")
    assert _match(trace)["method"] == "ANY"


def test_routing_http_exact_route_beats_greedy_and_default() -> None:
    """§10: exact route > greedy route > $default."""
    api = http_api({"GET /pets/{id}": {}, "ANY /{proxy+}": {}, "$default": {}})
    trace = send(make_pipeline(api, {"stageName": "$default"}), "GET", "/pets/7")
    assert _match(trace)["route_key"] == "GET /pets/{id}"


def test_routing_http_greedy_beats_default() -> None:
    """§10: a greedy route wins over $default."""
    api = http_api({"GET /pets/{id}": {}, "ANY /{proxy+}": {}, "$default": {}})
    trace = send(make_pipeline(api, {"stageName": "$default"}), "POST", "/pets/7")
    assert _match(trace)["route_key"] == "ANY /{proxy+}"


def test_routing_http_default_catches_the_rest() -> None:
    """§10: $default catches requests no route matches."""
    api = http_api({"GET /pets": {}, "$default": {}})
    trace = send(make_pipeline(api, {"stageName": "$default"}), "DELETE", "/other")
    assert _match(trace)["route_key"] == "$default"


def test_routing_double_slash_still_matches_literal_resource() -> None:
    """§6.1: a leading // before a hard-coded resource still matches it."""
    trace = send(make_pipeline(rest_api({"/pets": {"GET": {}}})), "GET", "//pets")
    assert trace.response.status == 200
