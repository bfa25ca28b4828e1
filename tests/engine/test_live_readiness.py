"""What a live front end needs from the engine: the client's own Host and path, the account's access directory."""

from __future__ import annotations

from gateway_lab.engine.access import sigv4
from gateway_lab.engine.access.directory import load_access
from gateway_lab.engine.clock import VIRTUAL_EPOCH_MS, VirtualClock
from gateway_lab.engine.integrations import IntegrationRuntime
from gateway_lab.engine.messages import Request
from gateway_lab.engine.pipeline import Pipeline, build_pipeline
from gateway_lab.engine.state import MemoryStore
from gateway_lab.engine.trace import StageName

from .builders import make_pipeline, rest_api

KEY = {"accessKeyId": "AKIALIVEFRONTEND0001", "secretAccessKey": "live/front/end/secret/0000000000000001"}
ALLOW = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "*"}],
}
LAB_ACCESS = {"iamUsers": [{"userName": "svc", "accessKeys": [KEY], "policy": ALLOW}]}
CREDENTIAL = sigv4.LabCredential(
    access_key_id=KEY["accessKeyId"], secret_access_key=KEY["secretAccessKey"], user_arn="svc"
)


def _iam_pipeline() -> Pipeline:
    return make_pipeline(rest_api({"/pets": {"GET": {"authorizationType": "AWS_IAM"}}}, labAccess=LAB_ACCESS))


def _signed_through_front_end(*, raw_path: str | None) -> Request:
    """A request signed for the lab server's host and URL (``/gw/<api>/<stage>/pets``), as curl --aws-sigv4 would."""
    request = Request.build("GET", "/pets", headers={"Host": "localhost:8000"})
    signed = sigv4.sign(
        request,
        credential=CREDENTIAL,
        region="us-east-1",
        time_ms=VIRTUAL_EPOCH_MS,
        raw_path="/gw/testapi/prod/pets",
    )
    return Request.build(
        "GET", "/pets", headers=signed.headers.pairs, raw_path=raw_path, time_ms=VIRTUAL_EPOCH_MS
    )


def test_live_iam_verifies_the_host_and_path_the_client_signed() -> None:
    """§7.1: SigV4 covers the Host and path the client used, though the endpoint stage rewrites Host."""
    trace = _iam_pipeline().run(_signed_through_front_end(raw_path="/gw/testapi/prod/pets"))
    assert trace.step(StageName.AUTH).outcome == "pass"
    assert trace.response.status == 200


def test_live_iam_without_the_raw_path_is_a_signature_mismatch() -> None:
    """§7.1/§5.3: checked against /prod/pets instead, the same signature no longer matches (403)."""
    trace = _iam_pipeline().run(_signed_through_front_end(raw_path=None))
    assert trace.response.status == 403
    assert trace.step(StageName.AUTH).title == "SigV4: InvalidSignatureException"


def test_live_endpoint_keeps_the_client_host_before_replacing_it() -> None:
    """§2: the integration sees the API's execute-api Host, while the client's Host is kept for SigV4."""
    pipeline = make_pipeline(rest_api({"/pets": {"GET": {}}}))
    ctx = pipeline.start(Request.build("GET", "/pets", headers={"Host": "localhost:8000"}, raw_path="/gw/x"))
    pipeline._stages[0].evaluate(ctx)
    assert ctx.facts["client_host"] == "localhost:8000" and ctx.facts["client_path"] == "/gw/x"
    assert ctx.request.headers["Host"] == "testapi.execute-api.us-east-1.amazonaws.com"


def test_live_pipeline_reads_api_keys_from_the_account_directory() -> None:
    """§3.3: API keys and usage plans live in the account; a pipeline given a directory uses it."""
    access = load_access(
        {
            "apiKeys": [{"id": "k1", "value": "a-very-long-lab-api-key-0001", "name": "acme"}],
            "usagePlans": [
                {"id": "p1", "apiStages": [{"apiId": "testapi", "stage": "prod"}], "keys": ["k1"]}
            ],
        }
    )
    clock = VirtualClock()
    pipeline = build_pipeline(
        api=rest_api({"/pets": {"GET": {"apiKeyRequired": True}}}),
        stage={"stageName": "prod"},
        clock=clock,
        store=MemoryStore(clock),
        runtime=IntegrationRuntime.default(clock=clock),
        access=access,
    )
    with_key = pipeline.run(
        Request.build("GET", "/pets", headers={"x-api-key": "a-very-long-lab-api-key-0001"})
    )
    without = pipeline.run(Request.build("GET", "/pets"))
    assert (with_key.response.status, without.response.status) == (200, 403)
