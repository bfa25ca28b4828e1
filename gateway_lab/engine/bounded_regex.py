"""Regular expressions from API definitions, matched with a time limit (issue 16).

API definitions come from anyone who can reach the simulate API, so their patterns
(``selectionPattern``, ``identityValidationExpression``, a model's JSON Schema ``pattern``) may be built
to backtrack catastrophically (``(a+)+$``). Python's ``re`` cannot be interrupted; the ``regex`` package
takes a timeout. A pattern that does not compile or runs out of time counts as *not matching*, and each
caller picks the safe reading of that: no integration response selected, 401 for an authorizer token,
a validation error for a request body.
"""

from __future__ import annotations

import regex

TIMEOUT_S = 0.05
MAX_SUBJECT = 10_000  # characters of the subject a pattern is tried against


def fullmatch(pattern: str, text: str) -> bool | None:
    """Return whether ``pattern`` matches all of ``text``; None when it does not compile or times out."""
    try:
        return regex.fullmatch(pattern, text[:MAX_SUBJECT], timeout=TIMEOUT_S) is not None
    except (regex.error, TimeoutError, RecursionError):
        return None


def search(pattern: str, text: str) -> bool | None:
    """Return whether ``pattern`` occurs in ``text``; None when it does not compile or times out."""
    try:
        return regex.search(pattern, text[:MAX_SUBJECT], timeout=TIMEOUT_S) is not None
    except (regex.error, TimeoutError, RecursionError):
        return None
