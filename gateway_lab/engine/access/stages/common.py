"""What the access-control stages share: ARNs, condition keys, the resource-policy join, and refusals.

The auth stage (``auth``) and the authorizer kinds it hands over to (``auth_iam``, ``auth_tokens``,
``auth_lambda``) all import from here and never from each other, except ``auth`` importing the
three kinds. A refusal is a gateway response (§5.2) plus the reject step: ``deny`` in general,
``unauthorized`` for the 401 every token and Lambda authorizer answers, ``access_denied`` for a
policy's 403 and ``authorizer_error`` for the 500 of a misconfigured or failing authorizer.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ...context import Context, GatewayError
from ...model import ApiType, EndpointType
from ...stages.base import record
from ...text import Message, Text
from ...trace import Outcome, StageName, Step
from ..authorizers import authorizer_of, method_arn, route_arn
from ..iam_policy import Effect, combine, not_authorized_message

ACCESS_MS = 0.3  # modelled time of a policy evaluation or signature check

POLICY_SILENT = Text(
    "The token is valid, but the resource policy must also explicitly allow this request (§7.5, Cognito row 'silent')."
)
POLICY_NOT_ALLOWED = Text("Resource policy does not allow")


def request_arn(ctx: Context) -> str:
    """The execute-api ARN of this request: ``…:{api-id}/{stage}/{METHOD}/{path}`` (§7.1).

    A WebSocket route has no method: its ARN ends in the route key, ``…/{stage}/$connect`` (§9).
    """
    if ctx.api.api_type == ApiType.WEBSOCKET and ctx.match is not None:
        return route_arn(
            region=ctx.api.region,
            account_id=ctx.account.account_id,
            api_id=ctx.api.id,
            stage=ctx.stage.name,
            route_key=ctx.match.route_key,
        )
    return method_arn(
        region=ctx.api.region,
        account_id=ctx.account.account_id,
        api_id=ctx.api.id,
        stage=ctx.stage.name,
        method=ctx.request.method,
        path=ctx.request.path,
    )


def api_arn(ctx: Context) -> str:
    return f"arn:aws:execute-api:{ctx.api.region}:{ctx.account.account_id}:{ctx.api.id}"


def condition_keys(ctx: Context) -> dict[str, Any]:
    """Global condition keys of the request; aws:SourceVpc/aws:SourceVpce exist only for private APIs (§2)."""
    client = ctx.request.client
    keys: dict[str, Any] = {"aws:SourceIp": client.source_ip, "aws:UserAgent": client.user_agent}
    if ctx.api.endpoint_type == EndpointType.PRIVATE:
        keys |= {"aws:SourceVpc": client.vpc_id, "aws:SourceVpce": client.vpce_id}
    return keys


def find_authorizer(ctx: Context, authorizer_id: str | None) -> Mapping[str, Any] | None:
    """Return the API's authorizer named by ``authorizer_id`` (its id, or its name), or None."""
    return authorizer_of(ctx.api, authorizer_id)


def combined_with_policy(ctx: Context, auth_effect: Effect) -> Effect:
    """Join the authorizer's verdict with the resource policy's, when the API has one (§7.5 Table A)."""
    policy_effect = ctx.facts.get("resource_policy_effect")
    if policy_effect is None:
        return auth_effect
    return combine(auth=auth_effect, resource_policy=Effect(policy_effect), same_account=True)


def copied_policy_detail(policy: Mapping[str, Any]) -> dict[str, Any]:
    """A fresh copy of a kept ``PolicyDecision.to_dict()`` for one step (the verdict is shared between
    requests, each step's detail is its own)."""
    statements = policy.get("statements")
    if statements is None:
        return dict(policy)
    return {**policy, "statements": [dict(statement) for statement in statements]}


def capital_message(text: str | None) -> bytes:
    """Policy denials arrive as ``{"Message": …}`` with a capital M (§2, §14.11)."""
    return json.dumps({"Message": text}, separators=(",", ":")).encode()


def deny(
    ctx: Context,
    stage: StageName,
    *,
    response_type: str,
    title: str | Message,
    reason: str | Message,
    message: str | None,
    status: int | None = None,
    capital: bool = False,
    headers: tuple[tuple[str, str], ...] = (),
    detail: Mapping[str, Any] | None = None,
    fact: str,
    lesson: str,
    fidelity: str | Message | None = None,
    duration_ms: float = ACCESS_MS,
    body: bytes | None = None,
    detail_msgs: Mapping[str, Message] | None = None,
) -> Step:
    """Refuse the request with a gateway response and return the reject step (an error step for a 5xx)."""
    body = capital_message(message) if capital else body
    ctx.error = GatewayError(
        response_type=response_type,
        status=status,
        message=message,
        headers=headers,
        body=body,
        log=str(reason),
    )
    outcome = Outcome.ERROR if (status or 0) >= 500 else Outcome.REJECT
    return record(
        ctx,
        stage,
        outcome,
        title,
        reason,
        detail=detail or {},
        duration_ms=duration_ms,
        fact=fact,
        lesson=lesson,
        fidelity=fidelity,
        detail_msgs=detail_msgs,
    )


def unauthorized(
    ctx: Context,
    *,
    title: Message,
    reason: Message,
    fact: str,
    lesson: str,
    detail: Mapping[str, Any] | None = None,
    duration_ms: float = ACCESS_MS,
) -> Step:
    """401 ``{"message":"Unauthorized"}`` (UNAUTHORIZED, §5.2): no identity, a rejected token, or a
    Lambda authorizer that raised ``Unauthorized`` (§7.2, §7.4)."""
    return deny(
        ctx,
        StageName.AUTH,
        response_type="UNAUTHORIZED",
        status=401,
        message="Unauthorized",
        title=title,
        reason=reason,
        detail=detail,
        duration_ms=duration_ms,
        fact=fact,
        lesson=lesson,
    )


def access_denied(
    ctx: Context,
    stage: StageName,
    *,
    title: Message,
    reason: Message,
    message: str,
    fact: str,
    lesson: str,
    status: int | None = None,
    capital: bool = True,
    detail: Mapping[str, Any] | None = None,
    detail_msgs: Mapping[str, Message] | None = None,
    duration_ms: float = ACCESS_MS,
) -> Step:
    """403 ACCESS_DENIED (§5.2): a policy does not allow the request. REST answers a policy's
    denial as ``{"Message": …}`` with a capital M (``capital``, §2, §14.11)."""
    return deny(
        ctx,
        stage,
        response_type="ACCESS_DENIED",
        status=status,
        message=message,
        capital=capital,
        title=title,
        reason=reason,
        detail=detail,
        detail_msgs=detail_msgs,
        duration_ms=duration_ms,
        fact=fact,
        lesson=lesson,
    )


def authorizer_error(
    ctx: Context,
    *,
    title: Message,
    reason: Message,
    fact: str,
    lesson: str,
    message: str = "Internal server error",
    body: bytes | None = None,
    detail: Mapping[str, Any] | None = None,
    fidelity: str | Message | None = None,
    duration_ms: float = ACCESS_MS,
) -> Step:
    """500 AUTHORIZER_CONFIGURATION_ERROR (§5.2): the authorizer is missing, misconfigured or failed."""
    return deny(
        ctx,
        StageName.AUTH,
        response_type="AUTHORIZER_CONFIGURATION_ERROR",
        status=500,
        message=message,
        body=body,
        title=title,
        reason=reason,
        detail=detail,
        duration_ms=duration_ms,
        fact=fact,
        lesson=lesson,
        fidelity=fidelity,
    )


def policy_denied(ctx: Context, *, lesson: str) -> Step:
    """The resource policy gives no Allow while the authenticator (Cognito) grants none either (§7.5)."""
    message = not_authorized_message(user=None, resource=request_arn(ctx), explicit=False)
    return access_denied(
        ctx,
        StageName.AUTH,
        title=POLICY_NOT_ALLOWED(),
        reason=POLICY_SILENT(),
        message=message,
        fact="7.5",
        lesson=lesson,
    )
