"""Auth stage (§7): IAM SigV4, Cognito user pools, JWT, or a Lambda authorizer, per the method.

Each kind lives in its own module (``auth_iam``, ``auth_tokens``, ``auth_lambda``); this one picks
the authorizer. The kinds share their helpers through ``common`` (the resource-policy join of
Tables A/B, §7.5, and the refusals), so none of them imports this module.
"""

from __future__ import annotations

from ...context import Context
from ...stages.base import stamp, template
from ...text import Text
from ...trace import Outcome, StageName, Step
from .auth_iam import iam_step
from .auth_lambda import lambda_step
from .auth_tokens import cognito_step, jwt_step
from .common import authorizer_error, find_authorizer

OPEN = Text("No authorization")
OPEN_WHY = Text("The method is open (authorizationType NONE).")
# The open method's step says the same for every request: recorded once, stamped with each request's time.
_OPEN_STEP = template(
    StageName.AUTH, Outcome.SKIP, OPEN(), OPEN_WHY(), fact="7", lesson="exam-tips#which-auth"
)
NOT_FOUND = Text("Authorizer not found")
NOT_FOUND_WHY = Text("The method names authorizer {authorizer}, which the API does not define.")


class AuthStage:
    name = StageName.AUTH

    def evaluate(self, ctx: Context) -> Step:
        method = ctx.match.method if ctx.match else None
        kind = (method.authorization_type if method else "NONE").upper()
        if kind == "NONE":
            return stamp(ctx, _OPEN_STEP)
        if kind == "AWS_IAM":
            return iam_step(ctx)
        authorizer_id = method.authorizer_id if method else None
        authorizer = find_authorizer(ctx, authorizer_id)
        if authorizer is None:
            return authorizer_error(
                ctx,
                title=NOT_FOUND(),
                reason=NOT_FOUND_WHY(authorizer=repr(authorizer_id)),
                fact="5.2",
                lesson="security#lambda-authorizers",
            )
        kind = str(authorizer.get("type") or authorizer.get("authorizerType") or "").upper()
        if kind == "COGNITO_USER_POOLS":
            return cognito_step(ctx, authorizer)
        if kind == "JWT":
            return jwt_step(ctx, authorizer)
        return lambda_step(ctx, authorizer)
