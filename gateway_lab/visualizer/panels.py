"""View data for each stage's detail panel, read from the step's ``detail`` as the engine wrote it.

Nothing here decides: a statement "applies" because the engine's policy evaluation said so, a
signature mismatches because the auth stage computed both. These functions only pick the parts a
learner should see first (gauges, policy statements, canonical request, claims) and label them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

PANELS = {
    "throttle": "throttle",
    "cache": "cache",
    "integration": "integration",
    "response": "response",
    "auth": "auth",
    "resource_policy": "auth",
    "api_key": "auth",
}
INTEGRATION_KEYS = ("event", "result", "request_mapping", "response_mapping", "template", "log")
POLICY_SOURCES = (  # where each auth stage puts policy evaluations (engine iam_policy.Evaluation.to_dict)
    ("identity_policy", _("Identity policy of the caller")),
    ("resource_policy", _("Resource policy")),
    ("policy", _("Policy the authorizer returned")),
)
SIGV4_KEYS = ("canonical_request", "string_to_sign")
SIGV4_FACTS = ("access_key_id", "amz_date", "credential_scope", "signed_headers")
TOKEN_CHECKS = ("user_pool", "issuer", "audience", "method_scopes", "route_scopes", "ttl_s", "cache")
TIME_CLAIMS = ("exp", "iat", "auth_time", "nbf")
LAMBDA_AUTH_KEYS = ("event", "handler", "result", "condition_keys", "context")
SHOWN = {
    *SIGV4_KEYS,
    *SIGV4_FACTS,
    *TOKEN_CHECKS,
    *LAMBDA_AUTH_KEYS,
    "claims",
    "statements",
    "effect",
    "policy",
    "identity_policy",
    "resource_policy",
    "signature_provided",
    "signature_expected",
}


def pretty(value: Any) -> str:
    """Return ``value`` as indented JSON for a <pre> block."""
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=False, default=str)


def extras(panel: str, detail: Mapping[str, Any], response: Mapping[str, Any]) -> dict[str, Any]:
    """Return what the ``panel`` template needs beyond the step's own fields."""
    if panel == "throttle":
        return {"gauges": [gauge(layer) for layer in detail.get("layers", [])]}
    if panel == "integration":
        return {
            "blocks": [(key, pretty(detail[key])) for key in INTEGRATION_KEYS if detail.get(key) is not None]
        }
    if panel == "auth":
        return auth(detail)
    if panel == "cache":
        return {"key_parts": detail.get("key_parts") or []}
    if panel == "response":
        return {"response": response, "body": _body_text(response)}
    return {}


def gauge(layer: Mapping[str, Any]) -> dict[str, Any]:
    """Return a token bucket layer with its levels as percentages of the burst."""
    burst = float(layer.get("burst") or 0) or 1.0
    before, after = float(layer.get("tokens_before", 0)), float(layer.get("tokens_after", 0))
    return {
        **layer,
        "before_pct": round(min(before / burst, 1) * 100, 1),
        "after_pct": round(min(after / burst, 1) * 100, 1),
    }


def auth(detail: Mapping[str, Any]) -> dict[str, Any]:
    """Return the access-control panel: policy statements, SigV4 strings, token claims, the rest as facts."""
    return {
        "policies": _policies(detail),
        "sigv4": _sigv4(detail),
        "checks": [
            (key, _text(detail[key])) for key in TOKEN_CHECKS if detail.get(key) not in (None, "", [])
        ],
        "claims": [
            (name, _text(value), _when(name, value)) for name, value in (detail.get("claims") or {}).items()
        ],
        "blocks": [(key, pretty(detail[key])) for key in LAMBDA_AUTH_KEYS if detail.get(key) is not None],
        "facts": [
            (key, _text(value)) for key, value in detail.items() if key not in SHOWN and value is not None
        ],
    }


def _policies(detail: Mapping[str, Any]) -> list[dict[str, Any]]:
    found = []
    if (
        detail.get("statements") is not None
    ):  # the resource-policy stage reports its evaluation at the top level
        found.append(
            {"label": str(POLICY_SOURCES[1][1]), "effect": detail.get("effect"), "rows": detail["statements"]}
        )
    for key, label in POLICY_SOURCES:
        value = detail.get(key)
        if isinstance(value, Mapping) and "statements" in value:
            found.append({"label": str(label), "effect": value.get("effect"), "rows": value["statements"]})
    return found


def _sigv4(detail: Mapping[str, Any]) -> dict[str, Any] | None:
    if not any(detail.get(key) for key in SIGV4_KEYS):
        return None
    provided, expected = detail.get("signature_provided"), detail.get("signature_expected")
    return {
        "facts": [(key, _text(detail[key])) for key in SIGV4_FACTS if detail.get(key)],
        "canonical_request": detail.get("canonical_request", ""),
        "string_to_sign": detail.get("string_to_sign", ""),
        "provided": provided,
        "expected": expected,
        "match": provided is not None and provided == expected,
    }


def _text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or "—"
    if isinstance(value, Mapping):
        return pretty(value)
    return str(value)


def _when(name: str, value: Any) -> str:
    """Spell out epoch-second claims (exp, iat, …) as UTC times."""
    if name not in TIME_CLAIMS or not isinstance(value, int | float):
        return ""
    return datetime.fromtimestamp(value, tz=UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _body_text(response: Mapping[str, Any]) -> str:
    body = response.get("body", "")
    try:
        return pretty(json.loads(body))
    except (TypeError, ValueError):
        return str(body)
