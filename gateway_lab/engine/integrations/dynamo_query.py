"""The slice of DynamoDB's KeyConditionExpression the lab supports: ``k = :v [AND <range condition>]``."""

from __future__ import annotations

import re
from typing import Any

_CLAUSE = re.compile(
    r"^\s*(?:(?P<fn>begins_with)\s*\(\s*(?P<fattr>[#\w]+)\s*,\s*(?P<fval>:\w+)\s*\)"
    r"|(?P<attr>[#\w]+)\s*(?:(?P<op><=|>=|<>|=|<|>)\s*(?P<val>:\w+)"
    r"|BETWEEN\s+(?P<low>:\w+)\s+AND\s+(?P<high>:\w+)))\s*$",
    re.IGNORECASE,
)


def _scalar(typed: Any) -> Any:
    """Return the comparable value of a DynamoDB typed value ({"S": "a"} → "a", {"N": "1"} → 1.0)."""
    if not isinstance(typed, dict) or len(typed) != 1:
        return typed
    ((kind, value),) = typed.items()
    return float(value) if kind == "N" else value


def _split(condition: str) -> list[str]:
    # "AND" also appears inside BETWEEN; split on top-level ANDs not preceded by a BETWEEN operand.
    parts = re.split(r"\s+AND\s+", condition, flags=re.IGNORECASE)
    merged: list[str] = []
    for part in parts:
        if merged and re.search(r"BETWEEN\s+:\w+\s*$", merged[-1], re.IGNORECASE):
            merged[-1] = f"{merged[-1]} AND {part}"
        else:
            merged.append(part)
    return merged


def _clause_matches(item: dict[str, Any], clause: str, values: dict[str, Any], names: dict[str, str]) -> bool:
    match = _CLAUSE.match(clause)
    if not match:
        raise ValueError(f"Unsupported KeyConditionExpression: {clause!r}")
    attr = names.get(match["attr"] or match["fattr"], match["attr"] or match["fattr"])
    if attr not in item:
        return False
    have = _scalar(item[attr])
    if match["fn"]:
        return str(have).startswith(str(_scalar(values[match["fval"]])))
    if match["low"]:
        return bool(_scalar(values[match["low"]]) <= have <= _scalar(values[match["high"]]))
    want = _scalar(values[match["val"]])
    ops = {
        "=": have == want,
        "<>": have != want,
        "<": have < want,
        "<=": have <= want,
        ">": have > want,
        ">=": have >= want,
    }
    return bool(ops[match["op"]])


def matches_key_condition(
    item: dict[str, Any], condition: str, values: dict[str, Any], names: dict[str, str]
) -> bool:
    """Return True when ``item`` satisfies every clause of ``condition``."""
    return all(_clause_matches(item, clause, values, names) for clause in _split(condition))
