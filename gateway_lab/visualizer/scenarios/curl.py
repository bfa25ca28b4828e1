""" "Copy as curl": the exact command that sends a live scenario's request to the live gateway.

Only a scenario the live gateway serves as it is gets a command: a ``?live=<api-id>/<stage>`` run
with no builder change (the live API has no such change), no client fields curl cannot send (Region,
source IP, VPC endpoint) and no signature mode curl cannot reproduce. The command carries the
request's method, headers and body and the absolute URL on the page's host; credentials appear only
when the learner typed them (API key, token). A SigV4 request is signed by curl itself
(``--aws-sigv4``) with the keys read from the shell's environment, never written out.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from urllib.parse import quote

from .model import Query, Run
from .run import composed_request

# Why a live run has no command (the page says it, in its language): keys of ``NOT_LIVE_REASONS``.
CHANGED = "changed"  # builder fields change the definition
CLIENT = "client"  # Region, source IP or VPC endpoint
SIGNATURE = "signature"  # a tampered, wrong-secret or skewed signature
SIGV4_USER = '"$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY"'


@dataclass(frozen=True, slots=True, kw_only=True)
class Curl:
    """The command (``command``) or why there is none (``blocked``: CHANGED, CLIENT or SIGNATURE)."""

    command: str = ""
    url: str = ""
    blocked: str = ""


def gateway_url(run: Run, query: Query, *, base_url: str) -> str:
    """Return the absolute ``/gw/…`` URL of the live run's request on ``base_url`` (``http://host:port``)."""
    live = run.scenario.live
    if live is None:
        raise ValueError("not a live run")
    request = composed_request(run.scenario, query)
    path = str(request.get("path") or "/")
    stage = "" if live.stage_name == "$default" else "/" + quote(live.stage_name, safe="$")
    url = f"{base_url.rstrip('/')}/gw/{live.api_id}{stage}{_as_sent(path)}"
    query_string = str(request.get("query") or "").lstrip("?")
    return f"{url}?{query_string}" if query_string else url


def curl_for(run: Run, query: Query, *, base_url: str) -> Curl | None:
    """Return the curl command of a live run's request (None: not a live run)."""
    if run.scenario.live is None:
        return None
    if query.overrides:
        return Curl(blocked=CHANGED)
    if query.region or query.source_ip or query.vpce:
        return Curl(blocked=CLIENT)
    if query.sigv4 not in ("", "sign"):
        return Curl(blocked=SIGNATURE)
    request = composed_request(run.scenario, query)
    url = gateway_url(run, query, base_url=base_url)
    method = str(request.get("method") or "GET").upper()
    headers = [(str(k), str(v)) for k, v in _pairs(request.get("headers"))]
    if query.api_key:
        headers = _set(headers, "x-api-key", query.api_key)
    if query.token:
        headers = _set(headers, "Authorization", query.token)
    body = str(request.get("body") or "")
    words = ["curl", "-i"]
    if method == "HEAD":
        words.append("--head")
    elif method != "GET" or body:
        words += ["-X", method]
    words.append(url)
    for name, value in headers:
        words += ["-H", f"{name}: {value}"]
    if body:
        if not any(name.lower() == "content-type" for name, _v in headers):
            words += ["-H", "Content-Type:"]  # curl would add a form content type the run did not send
        words += ["--data-raw", body]
    command = " ".join(shlex.quote(word) for word in words)
    if query.sigv4 == "sign":
        region = str(run.scenario.api.get("region") or "us-east-1")
        command += f" --aws-sigv4 {shlex.quote(f'aws:amz:{region}:execute-api')} --user {SIGV4_USER}"
    return Curl(command=command, url=url)


def _as_sent(path: str) -> str:
    """Return ``path`` as curl puts it on the wire: printable ASCII as is, anything else percent-encoded."""
    return "".join(c if 32 < ord(c) < 127 else quote(c) for c in path)


def _pairs(headers: object) -> list[tuple[object, object]]:
    if isinstance(headers, dict):
        return list(headers.items())
    return [tuple(pair) for pair in headers or ()]  # type: ignore[attr-defined]


def _set(headers: list[tuple[str, str]], name: str, value: str) -> list[tuple[str, str]]:
    return [(k, v) for k, v in headers if k.lower() != name.lower()] + [(name, value)]
