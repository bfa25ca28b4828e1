"""Integration responses picked by ``selectionPattern`` (§6.4), bounded against hostile patterns (issue 16)."""

from __future__ import annotations

import time

from gateway_lab.engine.integrations.integration_response import select

RESPONSES = {"200": {}, "400": {"selectionPattern": "4\\d{2}"}, "500": {"selectionPattern": ".*Error.*"}}


def test_selection_pattern_matches_the_whole_selector() -> None:
    """§6.4: the pattern is matched against the whole status or errorMessage; no match → the default."""
    assert select(RESPONSES, "404")[0] == "400"
    assert select(RESPONSES, "4040")[0] == "200"
    assert select(RESPONSES, "KeyError: id")[0] == "500"


def test_selection_pattern_catastrophic_backtracking_is_time_boxed() -> None:
    """Issue 16: a user's ``(a+)+$`` against a long non-matching selector returns quickly, matching nothing."""
    started = time.perf_counter()
    chosen = select({"200": {}, "502": {"selectionPattern": "(a+)+$"}}, "a" * 5_000 + "!")
    assert chosen[0] == "200"
    assert time.perf_counter() - started < 2.0


def test_selection_pattern_that_does_not_compile_matches_nothing() -> None:
    """A broken pattern never raises into the site (no 500): it simply selects nothing."""
    assert select({"200": {}, "400": {"selectionPattern": "(unclosed"}}, "(unclosed")[0] == "200"
