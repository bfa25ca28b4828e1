"""A TOKEN authorizer whose token says what to do; the classic blueprint, cache trap included.

``allow`` → Allow on exactly the ``methodArn`` (so a cached result denies the *other* paths of a
``{proxy+}`` API, §7.2), ``allow-all`` → Allow on the whole stage, ``deny`` → explicit Deny,
``unauthorized`` (or anything else) → the ``Unauthorized`` error (401), ``fail`` → a crash (500).
"""

from __future__ import annotations

from typing import Any

from . import policy, stage_wildcard


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Decide from the token alone."""
    token = str(event.get("authorizationToken", "")).removeprefix("Bearer ").strip().lower()
    arn = event["methodArn"]
    if token == "allow":
        return policy("user-allow", "Allow", arn, {"token": "allow"})
    if token == "allow-all":
        return policy("user-allow-all", "Allow", stage_wildcard(arn), {"token": "allow-all"})
    if token == "deny":
        return policy("user-deny", "Deny", arn)
    if token == "fail":
        raise RuntimeError("the authorizer crashed")
    # Lambda errors whose message is exactly "Unauthorized" make API Gateway answer 401.
    raise Exception("Unauthorized")  # noqa: TRY002 - AWS matches this exact message
