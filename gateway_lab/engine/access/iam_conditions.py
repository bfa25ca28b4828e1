"""IAM ``Condition`` blocks: string, IP and boolean operators with ``…IfExists`` (§7.5).

Keys are case-insensitive (``aws:SourceIp`` = ``aws:sourceip``). Within one block every operator
and every key must hold (AND); the values listed for one key are alternatives (OR). When the
request lacks a key, positive operators fail and negated ones hold, as IAM documents.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping
from typing import Any

from ..text import Joined, Message, Text


def glob_match(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    """Match IAM wildcards: ``*`` any run of characters, ``?`` one character.

    Greedy matching that backtracks only to the last ``*``: at most len(pattern) × len(value) steps,
    whatever the pattern (a regex built from ``*a*a*a*…b`` backtracks exponentially, and a policy is
    user input, issue 16). It never gives up, so a Deny condition can never be skipped by a timeout.
    """
    if ignore_case:
        pattern, value = pattern.lower(), value.lower()
    if "?" not in pattern:  # the usual policy: literals and ``*`` only, matched with str methods
        return pattern == value if "*" not in pattern else _stars_match(pattern.split("*"), value)
    p = v = 0
    star, resume = -1, 0
    while v < len(value):
        if p < len(pattern) and pattern[p] in ("?", value[v]) and pattern[p] != "*":
            p += 1
            v += 1
        elif p < len(pattern) and pattern[p] == "*":
            star, resume = p, v
            p += 1
        elif star >= 0:
            p, resume = star + 1, resume + 1
            v = resume
        else:
            return False
    return all(c == "*" for c in pattern[p:])


def _stars_match(parts: list[str], value: str) -> bool:
    """Match ``parts`` (a pattern split at its ``*``s, at least two) against ``value``.

    The value must start with the first part and end with the last; the parts between are found
    left to right, each as early as possible, which is the match whenever one exists.
    """
    head, tail = parts[0], parts[-1]
    end = len(value) - len(tail)
    if end < len(head) or not value.startswith(head) or not value.endswith(tail):
        return False
    at = len(head)
    for part in parts[1:-1]:
        found = value.find(part, at, end)
        if found < 0:
            return False
        at = found + len(part)
    return True


def _glob(pattern: str, value: str) -> bool:
    return glob_match(pattern, value)


def _ip_in(cidr: str, value: str) -> bool:
    try:
        return ipaddress.ip_address(value) in ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return False


_POSITIVE: dict[str, Callable[[str, str], bool]] = {
    "StringEquals": lambda expected, actual: expected == actual,
    "StringEqualsIgnoreCase": lambda expected, actual: expected.lower() == actual.lower(),
    "StringLike": _glob,
    "IpAddress": _ip_in,
    "Bool": lambda expected, actual: expected.lower() == actual.lower(),
    "ArnEquals": lambda expected, actual: expected == actual,
    "ArnLike": _glob,
}
_NEGATED = {
    "StringNotEquals": "StringEquals",
    "StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
    "StringNotLike": "StringLike",
    "NotIpAddress": "IpAddress",
    "ArnNotEquals": "ArnEquals",
    "ArnNotLike": "ArnLike",
}


def _lookup(keys: Mapping[str, Any], name: str) -> list[str] | None:
    for key, value in keys.items():
        if key.lower() == name.lower():
            if value is None:
                return None
            return [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]
    return None


UNSUPPORTED = Text("unsupported condition operator {operator}")
ABSENT_HOLDS = Text("{name} is absent, so {operator} holds")
ABSENT_FAILS = Text("{name} is absent, so {operator} fails")
SATISFIES = Text("{name} = {actual} satisfies {operator} {wanted}")
FAILS = Text("{name} = {actual} fails {operator} {wanted}")
CONDITION_FAILS = Text("condition fails: {why}")
CONDITIONS_HOLD = Text("conditions hold: {whys}")
NO_CONDITIONS = Text("no conditions")


def key_holds(operator: str, name: str, expected: Any, keys: Mapping[str, Any]) -> tuple[bool, Message]:
    """Evaluate one ``operator: {key: values}`` entry; return (holds, why)."""
    if_exists = operator.endswith("IfExists")
    base = operator.removesuffix("IfExists")
    negated = base in _NEGATED
    test = _POSITIVE.get(_NEGATED.get(base, base))
    if test is None:
        return False, UNSUPPORTED(operator=operator)
    actual = _lookup(keys, name)
    wanted = [
        str(v).lower() if isinstance(v, bool) else str(v)
        for v in (expected if isinstance(expected, list | tuple) else [expected])
    ]
    if actual is None:
        holds = if_exists or negated
        return holds, (ABSENT_HOLDS if holds else ABSENT_FAILS)(name=name, operator=operator)
    hit = any(test(w, a) for w in wanted for a in actual)
    holds = not hit if negated else hit
    shown = actual[0] if len(actual) == 1 else actual
    return holds, (SATISFIES if holds else FAILS)(
        name=name, actual=repr(shown), operator=operator, wanted=str(wanted)
    )


def conditions_hold(condition: Mapping[str, Any], keys: Mapping[str, Any]) -> tuple[bool, Message]:
    """Evaluate a whole ``Condition`` block; return (holds, why) naming the first failing test."""
    reasons: list[Message] = []
    for operator, entries in condition.items():
        for name, expected in entries.items():
            holds, why = key_holds(operator, name, expected, keys)
            if not holds:
                return False, CONDITION_FAILS(why=why)
            reasons.append(why)
    return True, CONDITIONS_HOLD(whys=Joined(tuple(reasons))) if reasons else NO_CONDITIONS()
