"""Resource policy stage (§7.5): the API's own policy, checked before and with authentication.

With no authorization on the method the policy alone decides, so it must explicitly allow. With an
authorizer, an explicit Deny stops the request before the authorizer runs; otherwise the result is
kept and combined with the authorizer's by the auth stage (Tables A/B). IAM callers are judged by
the auth stage, once the signature says who they are.
"""

from __future__ import annotations

from ...context import Context
from ...model import ApiType, EndpointType
from ...stages.base import record, stamp, template
from ...text import Text
from ...trace import Outcome, StageName, Step
from ..iam_policy import ANONYMOUS, Effect, evaluate, not_authorized_message
from .common import ACCESS_MS, access_denied, api_arn, condition_keys, request_arn

LESSON = "security#resource-policies"

NO_POLICY = Text("No resource policy")
NONE_FOR_TYPE = Text("{api_type} APIs have no resource policies.")
PRIVATE_NEEDS_POLICY_TITLE = Text("Private API without a policy")
PRIVATE_NEEDS_POLICY = Text("A private API needs a resource policy; AWS refuses to deploy one without it.")
NONE_ATTACHED = Text("The API has no resource policy attached.")
# The skips say the same for every request of an API: recorded once, stamped with each request's time.
_NONE_ATTACHED_STEP = template(
    StageName.RESOURCE_POLICY, Outcome.SKIP, NO_POLICY(), NONE_ATTACHED(), fact="7.5", lesson=LESSON
)
_NONE_FOR_TYPE_STEPS = {
    api_type: template(
        StageName.RESOURCE_POLICY,
        Outcome.SKIP,
        NO_POLICY(),
        NONE_FOR_TYPE(api_type=str(api_type)),
        fact="1.1",
        lesson=LESSON,
    )
    for api_type in ApiType
    if api_type != ApiType.REST
}
WAITS_FOR_IAM = Text("Policy waits for the caller's identity")
WAITS_FOR_IAM_WHY = Text(
    "The method uses IAM: the policy is evaluated together with the caller's identity after the signature check."
)
STATEMENT = Text("statement {index} ({sid}): {why}")
STATEMENT_NO_SID = Text("statement {index} (no Sid): {why}")
NO_STATEMENT = Text("no statement applies")
EXPLICIT_DENY = Text("Explicit deny in the resource policy")
NOT_ALLOWED = Text("Resource policy does not allow")
SENTENCE = Text("{why}.")
NOT_ALLOWED_WHY = Text("No statement allows this caller, and the method has no authorizer that could.")
ALLOWS = Text("Resource policy allows")
NO_EXPLICIT_DENY = Text("No explicit deny")
ALLOWS_COMBINED = Text("{why}. The authorizer's result is combined with it next (Table A).")


class ResourcePolicyStage:
    name = StageName.RESOURCE_POLICY

    def evaluate(self, ctx: Context) -> Step:
        api = ctx.api
        if api.api_type != ApiType.REST:
            return stamp(ctx, _NONE_FOR_TYPE_STEPS[api.api_type])
        if not api.policy:
            if api.endpoint_type == EndpointType.PRIVATE:
                reason = PRIVATE_NEEDS_POLICY()
                return access_denied(
                    ctx,
                    self.name,
                    title=PRIVATE_NEEDS_POLICY_TITLE(),
                    reason=reason,
                    message=not_authorized_message(user=None, resource=request_arn(ctx), explicit=False),
                    fact="2",
                    lesson="security#private-apis",
                )
            return stamp(ctx, _NONE_ATTACHED_STEP)
        method = ctx.match.method if ctx.match else None
        auth_type = method.authorization_type if method else "NONE"
        if auth_type == "AWS_IAM":
            return record(
                ctx,
                self.name,
                Outcome.PASS,
                WAITS_FOR_IAM(),
                WAITS_FOR_IAM_WHY(),
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
        if deciding is None:
            why = NO_STATEMENT()
        else:
            decided = deciding.why_msg or deciding.why
            if deciding.sid:
                why = STATEMENT(index=deciding.index, sid=deciding.sid, why=decided)
            else:
                why = STATEMENT_NO_SID(index=deciding.index, why=decided)
        if decision.effect == Effect.DENY or (decision.effect == Effect.SILENT and auth_type == "NONE"):
            explicit = decision.effect == Effect.DENY
            title = EXPLICIT_DENY() if explicit else NOT_ALLOWED()
            reason = SENTENCE(why=why) if explicit else NOT_ALLOWED_WHY()
            return access_denied(
                ctx,
                self.name,
                title=title,
                reason=reason,
                message=not_authorized_message(user=None, resource=arn, explicit=explicit),
                detail=detail,
                detail_msgs=decision.why_messages(),
                fact="7.5",
                lesson=LESSON,
            )
        title = ALLOWS() if decision.effect == Effect.ALLOW else NO_EXPLICIT_DENY()
        return record(
            ctx,
            self.name,
            Outcome.PASS,
            title,
            SENTENCE(why=why) if auth_type == "NONE" else ALLOWS_COMBINED(why=why),
            detail=detail,
            duration_ms=ACCESS_MS,
            fact="7.5",
            lesson=LESSON,
            detail_msgs=decision.why_messages(),
        )
