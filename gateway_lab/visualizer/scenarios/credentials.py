"""What the client sends to prove who it is: an API key, a bearer token, or a SigV4 signature.

This is the *client's* side (what an SDK or curl would add to the request); whether the gateway
accepts it is decided by the engine's auth and API key stages. Signing uses the engine's own
signer with the scenario's ``labAccess`` IAM user, so a tampered body or a wrong secret fails the
same check a real request would.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from gateway_lab.engine import VIRTUAL_EPOCH_MS, LabCredential, Request, load_access, sign

from .model import Query, Scenario

SIGN_CHOICES = ("sign", "tamper", "wrong-secret", "skew")
SKEW_MS = 10 * 60 * 1000  # beyond SigV4's 5-minute window (§7.1)
NO_IAM_USER = "This scenario defines no lab IAM user to sign with (api.labAccess.iamUsers)."


def lab_credential(scenario: Scenario) -> LabCredential | None:
    """Return the first access key of the scenario's first lab IAM user, if it has one."""
    users = (scenario.api.get("labAccess") or {}).get("iamUsers")
    if not users:
        return None
    credentials = load_access({"iamUsers": users}).credentials
    return next(iter(credentials.values()), None)


def with_credentials(
    spec: Mapping[str, Any], query: Query, *, scenario: Scenario, credential: LabCredential | None
) -> dict[str, Any]:
    """Return the request spec with the builder's API key, token and signature applied."""
    headers = _pairs(spec.get("headers"))
    if query.api_key:
        headers = _set(headers, "x-api-key", query.api_key)
    if query.token:
        headers = _set(headers, "Authorization", query.token)
    result = {**spec, "headers": headers}
    mode = query.sigv4
    if mode and credential is not None:
        result = _signed(result, mode=mode, scenario=scenario, credential=credential)
    return result


def _pairs(headers: Any) -> list[tuple[str, str]]:
    if isinstance(headers, Mapping):
        return [(str(k), str(v)) for k, v in headers.items()]
    return [(str(k), str(v)) for k, v in headers or ()]


def _set(headers: list[tuple[str, str]], name: str, value: str) -> list[tuple[str, str]]:
    return [(k, v) for k, v in headers if k.lower() != name.lower()] + [(name, value)]


def _signed(
    spec: dict[str, Any], *, mode: str, scenario: Scenario, credential: LabCredential
) -> dict[str, Any]:
    """Sign the request as the client sends it: the API's own host and the path with the stage."""
    api, stage = scenario.api, str(scenario.stage.get("stageName") or "prod")
    region = str(api.get("region", "us-east-1"))
    host = f"{api.get('id', 'api')}.execute-api.{region}.amazonaws.com"
    headers = [(k, v) for k, v in spec["headers"] if k.lower() not in ("host", "authorization", "x-amz-date")]
    request = Request.build(
        str(spec.get("method", "GET")),
        str(spec.get("path", "/")),
        query=spec.get("query"),
        headers=[("Host", host), *headers],
        body=str(spec.get("body") or ""),
    )
    path = request.path if stage == "$default" else f"/{stage}{request.path}"
    at_ms = VIRTUAL_EPOCH_MS + float(spec.get("at_ms") or 0)
    if mode == "wrong-secret":
        credential = replace(credential, secret_access_key=credential.secret_access_key[::-1])
    signed = sign(
        request,
        credential=credential,
        region=region,
        time_ms=at_ms - SKEW_MS if mode == "skew" else at_ms,
        raw_path=path,
    )
    body = spec.get("body") or ""
    if (
        mode == "tamper"
    ):  # what a proxy or a bug does after the SDK signed: the payload hash no longer matches
        body = (body + " ") if body else '{"tampered": true}'
    return {**spec, "headers": list(signed.headers.pairs), "body": body}
