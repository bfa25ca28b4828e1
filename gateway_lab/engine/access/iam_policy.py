"""IAM-style policy evaluation for resource policies, identity policies and authorizer policies (§7.5).

``evaluate`` says which statements apply to a request and why; ``combine`` joins the auth result
with the resource policy exactly as AWS's Tables A and B do. Conditions live in ``iam_conditions``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ..text import Message, Text
from .iam_conditions import conditions_hold, glob_match

PRINCIPAL_MISSES = Text("Principal does not name {caller}")
PRINCIPAL_MISSES_ANONYMOUS = Text("Principal does not name anonymous")
ACTION_MISSES = Text("Action does not cover {action}")
RESOURCE_MISSES = Text("Resource does not cover {resource}")
ALL_MATCH = Text("Principal, Action and Resource match; {why}")


class Effect(StrEnum):
    ALLOW = "Allow"
    DENY = "Deny"
    SILENT = "silent"  # no statement applies: an implicit deny unless something else allows


@dataclass(frozen=True, slots=True, kw_only=True)
class StatementResult:
    """How one statement judged the request: does it apply, and why (or why not)."""

    index: int
    sid: str | None
    effect: str
    applies: bool
    why: str
    why_msg: Message | None = None  # the same sentence as a message (engine.text)


@dataclass(frozen=True, slots=True, kw_only=True)
class PolicyDecision:
    effect: Effect
    statements: tuple[StatementResult, ...]

    @property
    def deciding(self) -> StatementResult | None:
        """The statement that decided: the first applying Deny, else the first applying Allow."""
        applying = [s for s in self.statements if s.applies]
        denies = [s for s in applying if s.effect == Effect.DENY]
        first = denies or applying
        return first[0] if first else None

    def why_messages(self, prefix: str = "") -> dict[str, Message]:
        """Return each statement's "why" as a message, keyed by its path in ``to_dict()`` under ``prefix``."""
        return {f"{prefix}statements.{i}.why": s.why_msg for i, s in enumerate(self.statements) if s.why_msg}

    def to_dict(self) -> dict[str, Any]:
        return {
            "effect": str(self.effect),
            "statements": [
                {"index": s.index, "sid": s.sid, "effect": s.effect, "applies": s.applies, "why": s.why}
                for s in self.statements
            ],
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Caller:
    """Who asks: an IAM principal ARN and account, or anonymous (``arn`` None)."""

    arn: str | None = None
    account_id: str | None = None


ANONYMOUS = Caller()


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def expand_resource(pattern: str, api_arn: str) -> str:
    """Expand the short form ``execute-api:/stage/GET/path`` against ``arn:aws:execute-api:region:acct:api-id``."""
    return api_arn + pattern.removeprefix("execute-api:") if pattern.startswith("execute-api:/") else pattern


def principal_matches(principal: Any, caller: Caller) -> bool:
    """Match ``Principal``: ``*`` is anyone (anonymous too); an account id or ``:root`` ARN is the whole account."""
    if principal == "*":
        return True
    values = _as_list(principal.get("AWS")) if isinstance(principal, Mapping) else _as_list(principal)
    for value in values:
        if value == "*":
            return True
        if caller.arn is None:
            continue
        if value == caller.arn or value in (caller.account_id, f"arn:aws:iam::{caller.account_id}:root"):
            return True
    return False


def _action_applies(statement: Mapping[str, Any], action: str) -> bool:
    if "NotAction" in statement:
        return not any(glob_match(p, action, ignore_case=True) for p in _as_list(statement["NotAction"]))
    return any(glob_match(p, action, ignore_case=True) for p in _as_list(statement.get("Action")))


def _resource_applies(statement: Mapping[str, Any], resource: str, api_arn: str) -> bool:
    key = "NotResource" if "NotResource" in statement else "Resource"
    hit = any(glob_match(expand_resource(p, api_arn), resource) for p in _as_list(statement.get(key)))
    return not hit if key == "NotResource" else hit


def judge_statement(
    statement: Mapping[str, Any],
    *,
    index: int,
    action: str,
    resource: str,
    caller: Caller | None,
    keys: Mapping[str, Any],
    api_arn: str,
) -> StatementResult:
    """Decide whether one statement applies; ``caller`` None skips the Principal check (identity policies)."""

    def result(applies: bool, why: Message) -> StatementResult:
        return StatementResult(
            index=index,
            sid=statement.get("Sid"),
            effect=statement.get("Effect", ""),
            applies=applies,
            why=str(why),
            why_msg=why,
        )

    if (
        caller is not None
        and "Principal" in statement
        and not principal_matches(statement["Principal"], caller)
    ):
        if caller.arn:
            return result(False, PRINCIPAL_MISSES(caller=caller.arn))
        return result(False, PRINCIPAL_MISSES_ANONYMOUS())
    if not _action_applies(statement, action):
        return result(False, ACTION_MISSES(action=action))
    if not _resource_applies(statement, resource, api_arn):
        return result(False, RESOURCE_MISSES(resource=resource))
    held, why = conditions_hold(statement.get("Condition") or {}, keys)
    return result(held, why if not held else ALL_MATCH(why=why))


def evaluate(
    policy: Mapping[str, Any] | None,
    *,
    action: str,
    resource: str,
    caller: Caller | None = None,
    keys: Mapping[str, Any] | None = None,
    api_arn: str = "",
) -> PolicyDecision:
    """Evaluate a policy document: an applying Deny wins, else an applying Allow, else silent."""
    statements: Sequence[Mapping[str, Any]] = _as_list((policy or {}).get("Statement"))
    results = tuple(
        judge_statement(
            s, index=i, action=action, resource=resource, caller=caller, keys=keys or {}, api_arn=api_arn
        )
        for i, s in enumerate(statements)
    )
    effects = {r.effect for r in results if r.applies}
    effect = Effect.DENY if "Deny" in effects else Effect.ALLOW if "Allow" in effects else Effect.SILENT
    return PolicyDecision(effect=effect, statements=results)


def combine(*, auth: Effect, resource_policy: Effect, same_account: bool = True) -> Effect:
    """Join the IAM/authorizer result with the resource-policy result (§7.5 Tables A and B)."""
    if Effect.DENY in (auth, resource_policy):
        return Effect.DENY
    if auth == Effect.ALLOW and resource_policy == Effect.ALLOW:
        return Effect.ALLOW
    if same_account and Effect.ALLOW in (auth, resource_policy):
        return Effect.ALLOW
    return Effect.SILENT


def not_authorized_message(
    *, user: str | None, resource: str, explicit: bool, identity_policy: bool = False
) -> str:
    """AWS's 403 text for IAM and resource-policy denials (§2, §5.3)."""
    text = f"User: {user or 'anonymous'} is not authorized to perform: execute-api:Invoke on resource: {resource}"
    if explicit:
        return text + " with an explicit deny"
    if identity_policy:
        return text + " because no identity-based policy allows the execute-api:Invoke action"
    return text
