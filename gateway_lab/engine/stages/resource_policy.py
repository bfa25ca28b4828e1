"""Resource policy stage (§7.5): the API's own policy, checked before and with authentication.

With no authorization on the method the policy alone decides, so it must explicitly allow. With an
authorizer, an explicit Deny stops the request before the authorizer runs; otherwise the result is
kept and combined with the authorizer's by the auth stage (Tables A/B). IAM callers are judged by
the auth stage, once the signature says who they are.
"""

from __future__ import annotations

from ..context import Context
from ..iam_policy import ANONYMOUS, Effect, evaluate, not_authorized_message
from ..model import ApiType, EndpointType
from ..trace import Outcome, StageName, Step
from .access_common import ACCESS_MS, api_arn, condition_keys, deny, request_arn
from .base import record

LESSON = "security#resource-policies"


class ResourcePolicyStage:
    name = StageName.RESOURCE_POLICY

    def evaluate(self, ctx: Context) -> Step:
        api = ctx.api
        if api.api_type != ApiType.REST:
            return record(
                ctx,
                self.name,
                Outcome.SKIP,
                "No resource policy",
                f"{api.api_type} APIs have no resource policies.",
                fact="1.1",
                lesson=LESSON,
            )
        if not api.policy:
            if api.endpoint_type == EndpointType.PRIVATE:
                reason = "A private API needs a resource policy; AWS refuses to deploy one without it."
                return deny(
                    ctx,
                    self.name,
                    response_type="ACCESS_DENIED",
                    title="Private API without a policy",
                    reason=reason,
                    message=not_authorized_message(user=None, resource=request_arn(ctx), explicit=False),
                    capital=True,
                    fact="2",
                    lesson="security#private-apis",
                )
            return record(
                ctx,
                self.name,
                Outcome.SKIP,
                "No resource policy",
                "The API has no resource policy attached.",
                fact="7.5",
                lesson=LESSON,
            )
        method = ctx.match.method if ctx.match else None
        auth_type = method.authorization_type if method else "NONE"
        if auth_type == "AWS_IAM":
            return record(
                ctx,
                self.name,
                Outcome.PASS,
                "Policy waits for the caller's identity",
                "The method uses IAM: the policy is evaluated together with the caller's identity after the signature check.",
                fact="7.5",
                lesson=LESSON,
            )
        arn = request_arn(ctx)
        decision = evaluate(
            api.policy,
            action="execute-api:Invoke",
            resource=arn,
            caller=ANONYMOUS,
            keys=condition_keys(ctx),
            api_arn=api_arn(ctx),
        )
        ctx.facts["resource_policy_effect"] = str(decision.effect)
        detail = {"resource": arn, "condition_keys": condition_keys(ctx), **decision.to_dict()}
        deciding = decision.deciding
        why = (
            f"statement {deciding.index} ({deciding.sid or 'no Sid'}): {deciding.why}"
            if deciding
            else "no statement applies"
        )
        if decision.effect == Effect.DENY or (decision.effect == Effect.SILENT and auth_type == "NONE"):
            explicit = decision.effect == Effect.DENY
            title = "Explicit deny in the resource policy" if explicit else "Resource policy does not allow"
            reason = (
                f"{why}."
                if explicit
                else "No statement allows this caller, and the method has no authorizer that could."
            )
            return deny(
                ctx,
                self.name,
                response_type="ACCESS_DENIED",
                title=title,
                reason=reason,
                capital=True,
                message=not_authorized_message(user=None, resource=arn, explicit=explicit),
                detail=detail,
                fact="7.5",
                lesson=LESSON,
            )
        later = "" if auth_type == "NONE" else " The authorizer's result is combined with it next (Table A)."
        title = "Resource policy allows" if decision.effect == Effect.ALLOW else "No explicit deny"
        return record(
            ctx,
            self.name,
            Outcome.PASS,
            title,
            f"{why}.{later}",
            detail=detail,
            duration_ms=ACCESS_MS,
            fact="7.5",
            lesson=LESSON,
        )
