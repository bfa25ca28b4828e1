"""Requests and headers as the engine copies them on the hot path (§6.1)."""

from __future__ import annotations

from dataclasses import fields, replace

import pytest

from gateway_lab.engine import cloudfront
from gateway_lab.engine.messages import REQUEST_FIELDS, Client, Headers, Request


def _request() -> Request:
    return Request.build(
        "post",
        "/pets?a=1&a=2",
        headers={"X-A": "1"},
        body="hi",
        client=Client(country="FR"),
        raw_path="/prod/pets",
    )


def test_messages_request_at_equals_replace() -> None:
    """§6.1: Request.at changes the arrival time only."""
    request = _request()
    assert request.at(42.0) == replace(request, time_ms=42.0)


def test_messages_request_with_headers_equals_replace() -> None:
    """§6.1: Request.with_headers changes the headers only."""
    request, headers = _request(), Headers({"Host": "h"})
    assert request.with_headers(headers) == replace(request, headers=headers)


def test_messages_request_build_equals_the_constructor() -> None:
    """§6.1: Request.build normalises its inputs into the same object the constructor builds."""
    built = _request()
    assert built == Request(
        method="POST",
        path="/pets",
        query=(("a", "1"), ("a", "2")),
        headers=Headers({"X-A": "1"}),
        body=b"hi",
        client=Client(country="FR"),
        raw_path="/prod/pets",
        raw_query="a=1&a=2",
    )


def test_messages_request_keeps_the_raw_query_string() -> None:
    """§6.2: rawQueryString is the query as sent: ``q=a%20b&flag`` is not rebuilt as ``q=a+b&flag=``."""
    request = Request.build("GET", "/search?q=a%20b&flag")
    assert request.query_string == "q=a%20b&flag"
    assert request.query == (("q", "a b"), ("flag", ""))
    assert Request.build("GET", "/s", query={"q": "a b"}).query_string == "q=a+b"


def test_messages_request_copy_knows_every_field() -> None:
    """§6.1: the fast copy covers every Request field, so none is dropped."""
    assert tuple(f.name for f in fields(Request)) == REQUEST_FIELDS


def test_messages_headers_to_dict_keeps_first_casing_and_last_value() -> None:
    """§6.1: single-value maps keep the last value, named as the client first wrote it."""
    headers = Headers([("X-Id", "1"), ("x-id", "2"), ("B", "3")])
    assert headers.to_dict() == {"X-Id": "2", "B": "3"}


def test_messages_headers_of_pairs_matches_the_constructor() -> None:
    """§6.1: wrapping ready-made pairs gives the same headers as building them."""
    pairs = (("A", "1"), ("b", "2"))
    assert Headers.of_pairs(pairs) == Headers(pairs)
    assert Headers.of_pairs(pairs)["B"] == "2"


def test_messages_headers_get_is_case_insensitive_with_last_value_and_default() -> None:
    """§6.1: a lookup ignores case, returns the last value, and falls back to the default."""
    headers = Headers([("X-Id", "1"), ("x-id", "2")])
    assert (headers.get("X-ID"), headers.get("missing"), headers.get("missing", "d")) == ("2", None, "d")


def test_messages_cloudfront_ready_index_matches_a_computed_one() -> None:
    """§2: the edge stage's ready-made index of CloudFront's headers is the one Headers would build."""
    pairs = tuple(cloudfront.request_headers(Client(), request_id="r-1", trace_id="t", host="h"))
    assert Headers.of_pairs(pairs, index=cloudfront.ADDED_INDEX)._index == Headers(pairs)._index


@pytest.mark.parametrize(
    "pairs",
    [
        [("Host", "a"), ("X-Api-Key", "k"), ("Accept", "*/*")],  # no repeats: the one-pass shortcut
        [("Host", "a"), ("x-tag", "1"), ("X-Tag", "2"), ("Accept", "*/*")],  # a repeat in another case
        [("Cookie", "a=1"), ("Cookie", "b=2")],
        [],
    ],
)
def test_single_and_multi_equal_to_dict_and_get_all(pairs: list[tuple[str, str]]) -> None:
    """§6.1 (issue 17): the proxy event's headers/multiValueHeaders in one pass equal the two separate views,
    in the same order: the last value per name (first casing) and every value in order."""
    headers = Headers(pairs)
    single, multi = headers.single_and_multi()
    assert list(single.items()) == list(headers.to_dict().items())
    assert list(multi.items()) == [(name, headers.get_all(name)) for name in headers]
