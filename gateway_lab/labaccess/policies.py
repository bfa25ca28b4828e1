"""Identity-policy documents for lab credentials: the default one and a shape check before saving.

The engine evaluates policies (``iam_policy``) but trusts their shape; IAM rejects malformed
documents when they are attached, so the lab does the same here and then dry-runs the engine on them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from gateway_lab.engine import evaluate_policy

DEFAULT_POLICY: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "arn:aws:execute-api:*:*:*/*/GET/*"}
    ],
}
MAX_POLICY_CHARS = 6144  # IAM's size limit for a managed policy document
VERSIONS = ("2012-10-17", "2008-10-17")
_PROBE_ARN = "arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/pets"


def _strings(value: Any) -> bool:
    items = value if isinstance(value, list) else [value]
    return bool(items) and all(isinstance(v, str) and v for v in items)


def _pair_error(statement: Mapping[str, Any], name: str, where: str) -> str | None:
    """Exactly one of ``name`` / ``Not<name>``, holding a string or a list of strings."""
    present = [k for k in (name, f"Not{name}") if k in statement]
    if len(present) != 1:
        return _("%(where)s needs exactly one of %(name)s or Not%(name)s.") % {"where": where, "name": name}
    if not _strings(statement[present[0]]):
        return _("%(where)s: %(key)s must be a string or a list of strings.") % {
            "where": where,
            "key": present[0],
        }
    return None


def _statement_errors(statement: Any, where: str) -> list[str]:
    if not isinstance(statement, Mapping):
        return [_("%(where)s must be an object.") % {"where": where}]
    errors = []
    if statement.get("Effect") not in ("Allow", "Deny"):
        errors.append(_("%(where)s: Effect must be Allow or Deny.") % {"where": where})
    if "Principal" in statement or "NotPrincipal" in statement:
        # IAM: "Policy document should not specify a principal." (identity policies name no principal)
        errors.append(_("%(where)s: an identity policy must not name a Principal.") % {"where": where})
    if "Condition" in statement and not isinstance(statement["Condition"], Mapping):
        errors.append(_("%(where)s: Condition must be an object.") % {"where": where})
    errors += [e for e in (_pair_error(statement, n, where) for n in ("Action", "Resource")) if e]
    return errors


def policy_errors(document: Any) -> list[str]:
    """Return what is wrong with an identity policy document (empty when IAM would accept it)."""
    if not isinstance(document, Mapping):
        return [_("The policy must be a JSON object.")]
    errors = []
    if document.get("Version") not in VERSIONS:
        errors.append(_("Version must be 2012-10-17."))
    statements = document.get("Statement")
    if isinstance(statements, Mapping):
        statements = [statements]
    if not isinstance(statements, list) or not statements:
        return [*errors, _("Statement must be an object or a non-empty list of objects.")]
    for index, statement in enumerate(statements):
        errors += _statement_errors(statement, f"Statement[{index}]")
    if not errors:
        try:  # the engine must be able to evaluate whatever we store
            evaluate_policy(document, action="execute-api:Invoke", resource=_PROBE_ARN)
        except (TypeError, ValueError, AttributeError, KeyError) as exc:
            errors.append(_("The policy cannot be evaluated: %(error)s") % {"error": exc})
    return errors
