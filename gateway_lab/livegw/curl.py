"""What one live gateway stage serves, for the visualizer's "Copy as curl" and "open in visualizer".

``/gw/<api-id>/<stage>/`` runs the definition the stage's deployment holds (the draft when it names
none, and the built-in demo APIs when nothing is stored under that id), as ``http_app`` does.
"""

from __future__ import annotations

from typing import Any

from .builder import api_type, served_definitions
from .demo_apis import DEMO_APIS
from .models import ApiDefinitionRecord

SERVABLE = ("REST", "HTTP")  # the HTTP side's API types (WebSocket APIs are not curl's)


def served_api(
    api_id: str, stage_name: str
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any] | None] | None:
    """Return (API JSON the stage serves, stage JSON, canary's API JSON or None); None if nothing serves it.

    The stage JSON comes without the deployment ids that pick ``served`` (it is the API to run).
    """
    record = ApiDefinitionRecord.objects.filter(api_id=api_id).first()
    if record is not None:
        definition, stages = record.definition, record.stages
        deployments = {str(d["id"]): d["definition"] for d in served_definitions(record)}
    elif api_id in DEMO_APIS:
        definition, stages = DEMO_APIS[api_id]
        deployments = {}
    else:
        return None
    if api_type(definition) not in SERVABLE:
        return None
    stage = next((s for s in stages if s.get("stageName") == stage_name), None)
    if stage is None:
        return None
    served = deployments.get(str(stage.get("deploymentId")), definition)
    canary_id = (stage.get("canarySettings") or {}).get("deploymentId")
    canary = deployments.get(str(canary_id)) if canary_id and canary_id != stage.get("deploymentId") else None
    # The stage runs ``served`` itself; only a canary on another deployment keeps that deployment's id.
    stage = {k: v for k, v in stage.items() if k != "deploymentId"}
    if canary is None and "canarySettings" in stage:
        stage["canarySettings"] = {k: v for k, v in stage["canarySettings"].items() if k != "deploymentId"}
    return served, stage, canary


# Headers a client library adds on its own, or the connection's: a replay leaves them to the visualizer.
TRANSPORT_HEADERS = frozenset(
    {"host", "content-length", "connection", "user-agent", "accept", "accept-encoding", "expect"}
)
MASK = "****"  # engine.redaction's mask: a credential the log does not keep


def replay_params(entry: dict[str, Any]) -> dict[str, str]:
    """Return the visualizer query that replays a request log entry on the stage it reached (``?live=``).

    The log keeps credentials masked, so headers holding a masked value are left out (the replay runs
    without them), as are the transport headers curl or an SDK adds by itself.
    """
    request = entry.get("request") or {}
    headers = [
        f"{name}: {value}"
        for name, value in (request.get("headers") or {}).items()
        if name.lower() not in TRANSPORT_HEADERS
        and not name.lower().startswith("x-forwarded-")
        and MASK not in str(value)
    ]
    params = {
        "live": f"{entry['api_id']}/{entry['stage']}",
        "method": str(entry.get("method") or "GET").upper(),
        "path": str(entry.get("path") or "/"),
        "query": str(entry.get("query") or ""),
        "headers": "\n".join(headers),
        "body": str(request.get("body") or ""),
    }
    return {key: value for key, value in params.items() if value}
