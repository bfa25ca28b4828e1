"""Auth stage (§7): IAM SigV4, Cognito user pools, JWT, or a Lambda authorizer, per the method.

Each kind lives in its own module; this one picks the authorizer and joins the verdict with the
resource policy's (Tables A/B, §7.5) for the authorizers that are not IAM.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..context import Context
from ..iam_policy import Effect, combine, not_authorized_message
from ..text import Text
from ..trace import Outcome, StageName, Step
from .access_common import deny, request_arn
from .base import record

POLICY_SILENT = Text(
    "The token is valid, but the resource policy must also explicitly allow this request (§7.5, Cognito row 'silent')."
)
POLICY_NOT_ALLOWED = Text("Resource policy does not allow")
OPEN = Text("No authorization")
OPEN_WHY = Text("The method is open (authorizationType NONE).")
NOT_FOUND = Text("Authorizer not found")
NOT_FOUND_WHY = Text("The method names authorizer {authorizer}, which the API does not define.")


def find_authorizer(ctx: Context, authorizer_id: str | None) -> Mapping[str, Any] | None:
    return next(
        (
            a
            for a in ctx.api.authorizers
            if authorizer_id in (a.get("id"), a.get("authorizerId"), a.get("name"))
        ),
        None,
    )


def combined_with_policy(ctx: Context, auth_effect: Effect) -> Effect:
    """Join the authorizer's verdict with the resource policy's, when the API has one (§7.5 Table A)."""
    policy_effect = ctx.facts.get("resource_policy_effect")
    if policy_effect is None:
        return auth_effect
    return combine(auth=auth_effect, resource_policy=Effect(policy_effect), same_account=True)


def policy_denied(ctx: Context, stage: StageName, *, lesson: str) -> Step:
    """The resource policy gives no Allow while the authenticator (Cognito) grants none either."""
    reason = POLICY_SILENT()
    message = not_authorized_message(user=None, resource=request_arn(ctx), explicit=False)
    return deny(
        ctx,
        stage,
        response_type="ACCESS_DENIED",
        title=POLICY_NOT_ALLOWED(),
        reason=reason,
        message=message,
        capital=True,
        fact="7.5",
        lesson=lesson,
    )


class AuthStage:
    name = StageName.AUTH

    def evaluate(self, ctx: Context) -> Step:
        method = ctx.match.method if ctx.match else None
        kind = (method.authorization_type if method else "NONE").upper()
        if kind == "NONE":
            return record(
                ctx,
                self.name,
                Outcome.SKIP,
                OPEN(),
                OPEN_WHY(),
                fact="7",
                lesson="exam-tips#which-auth",
            )
        # Imported here, past the open-method fast path: these modules import this one.
        from .auth_iam import iam_step
        from .auth_lambda import lambda_step
        from .auth_tokens import cognito_step, jwt_step

        if kind == "AWS_IAM":
            return iam_step(ctx)
        authorizer = find_authorizer(ctx, method.authorizer_id if method else None)
        if authorizer is None:
            return deny(
                ctx,
                self.name,
                response_type="AUTHORIZER_CONFIGURATION_ERROR",
                status=500,
                title=NOT_FOUND(),
                reason=NOT_FOUND_WHY(authorizer=repr(method.authorizer_id if method else None)),
                message="Internal server error",
                fact="5.2",
                lesson="security#lambda-authorizers",
            )
        kind = str(authorizer.get("type") or authorizer.get("authorizerType") or "").upper()
        if kind == "COGNITO_USER_POOLS":
            return cognito_step(ctx, authorizer)
        if kind == "JWT":
            return jwt_step(ctx, authorizer)
        return lambda_step(ctx, authorizer)
