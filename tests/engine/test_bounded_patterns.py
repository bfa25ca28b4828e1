"""Patterns from API definitions cannot stall a worker (issue 16): authorizer regexes, JSON Schema
``pattern`` (§6.4 request validation) and IAM wildcards (§7.5 resource-policy conditions)."""

from __future__ import annotations

import random
import re
import time

from gateway_lab.engine import bounded_regex
from gateway_lab.engine.access.iam_conditions import glob_match
from gateway_lab.engine.stages.validation import _validator

EVIL = "(a+)+$"
SUBJECT = "a" * 5_000 + "!"


def test_bounded_regex_runaway_pattern_gives_up_quickly() -> None:
    """Issue 16: ``(a+)+$`` against a long non-matching string answers None within the time limit."""
    started = time.perf_counter()
    assert bounded_regex.fullmatch(EVIL, SUBJECT) is None
    assert bounded_regex.search(EVIL, SUBJECT) is None
    assert time.perf_counter() - started < 2.0


def test_bounded_regex_plain_patterns_answer_normally() -> None:
    """Ordinary patterns match as ``re`` would; a pattern that does not compile gives None."""
    assert bounded_regex.fullmatch(r"^Bearer [\w.-]+$", "Bearer abc.def") is True
    assert bounded_regex.fullmatch(r"\d+", "12a") is False
    assert bounded_regex.fullmatch("(unclosed", "x") is None


def test_json_schema_runaway_pattern_fails_validation_fast() -> None:
    """§6.4: a model whose ``pattern`` backtracks catastrophically rejects the body instead of hanging."""
    validator = _validator(
        '{"type": "object", "properties": {"name": {"type": "string", "pattern": "(a+)+$"}}}'
    )
    started = time.perf_counter()
    errors = list(validator.iter_errors({"name": SUBJECT}))
    assert errors and time.perf_counter() - started < 2.0
    assert list(validator.iter_errors({"name": "aaa"})) == []


def _reference(pattern: str, value: str) -> bool:
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, re.DOTALL) is not None


def test_iam_glob_match_agrees_with_the_regex_definition() -> None:
    """§7.5: ``*`` matches any run and ``?`` one character, exactly as the regex reading (5,000 random cases)."""
    rng = random.Random(7)
    for _ in range(5_000):
        pattern = "".join(rng.choice("ab*?") for _ in range(rng.randint(0, 6)))
        value = "".join(rng.choice("ab") for _ in range(rng.randint(0, 8)))
        assert glob_match(pattern, value) == _reference(pattern, value), (pattern, value)


def test_iam_glob_match_many_stars_stay_fast() -> None:
    """Issue 16: ``*a*a…*b`` against 5,000 a's (exponential for a backtracking regex) answers at once."""
    started = time.perf_counter()
    assert glob_match("*a" * 30 + "b", "a" * 5_000) is False
    assert time.perf_counter() - started < 1.0
