"""The API builder's services and selectors: drafts, stage settings, deployments (§8).

A stored API has a *draft* (the definition the builder edits) and stages. **Deploy** freezes the
draft into an ``ApiDeployment`` row that never changes and points a stage (or its canary) at it; the
live gateway serves what each stage points at. A stage can be rolled back to any earlier deployment
of its API, and a canary promoted (its deployment becomes the stage's, its variable overrides the
stage's variables, the canary removed). Every change names what the caller saw (the draft's
revision, the stage's ``etag``): a stale form is refused (409), never silently applied.
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import json
import secrets
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml
from django.db import transaction
from django.utils.translation import gettext as _

from gateway_lab.engine import ApiType, ConfigError, api_type_of, deploy, load_access, load_stage

from .demo_apis import lambda_uri
from .models import ApiDefinitionRecord, ApiDeployment
from .request_log import request_log

MAX_DEFINITION_BYTES = 512 * 1024
MAX_YAML_NODES = 20_000
DRAFT = "draft"
_ID_ALPHABET = string.ascii_lowercase + string.digits
_KEY_ALPHABET = string.ascii_letters + string.digits
KEY_LENGTH = 40  # the length of the values API Gateway generates (§3.3: 20-128 alphanumeric)
MAX_KEYS = 50  # per API in the lab (AWS: 10,000 per account and Region)
MAX_PLANS = 20  # per API in the lab (AWS: 300 per account and Region)
QUOTA_PERIODS = ("DAY", "WEEK", "MONTH")


class BuilderError(Exception):
    """Bad input: ``errors`` is a list of (field, message); the views answer 400 with them."""

    status = 400

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{where}: {why}" for where, why in errors))
        self.errors = errors


class StaleError(BuilderError):
    """The caller's form is older than what is stored (someone else changed it): 409."""

    status = 409


# --- Selectors ----------------------------------------------------------------------------------------


def api_list() -> list[ApiDefinitionRecord]:
    """Return every stored API, by id."""
    return list(ApiDefinitionRecord.objects.order_by("api_id"))


def api_get(api_id: str) -> ApiDefinitionRecord | None:
    return ApiDefinitionRecord.objects.filter(api_id=api_id).first()


def deployment_list(record: ApiDefinitionRecord) -> list[ApiDeployment]:
    """Return the API's deployments, newest first."""
    return list(record.deployment_rows.order_by("-created_at", "-id"))


def api_type(definition: dict[str, Any]) -> str:
    """The definition's API type as the engine reads it ("" for a type the engine refuses)."""
    try:
        return str(api_type_of(definition))
    except ConfigError:
        return ""


def stage_etag(stage: dict[str, Any]) -> str:
    """Return a short digest of a stage's JSON: forms send it back so a stale change is refused."""
    return hashlib.sha256(json.dumps(stage, sort_keys=True).encode()).hexdigest()[:16]


def definition_text(definition: dict[str, Any]) -> str:
    return json.dumps(definition, indent=2, ensure_ascii=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class DiffLine:
    kind: str  # "add", "del", "hunk" or "ctx"
    text: str


def deployment_diff(record: ApiDefinitionRecord, a: str, b: str) -> list[DiffLine]:
    """Return the unified diff between two deployments of ``record`` (or ``draft``), in JSON lines."""
    sides = []
    for where, wanted in (("a", a), ("b", b)):
        if wanted == DRAFT:
            sides.append(record.definition)
            continue
        row = record.deployment_rows.filter(deployment_id=wanted).first()
        if row is None:
            raise BuilderError([(where, _("No deployment %(id)s in this API.") % {"id": wanted})])
        sides.append(row.definition)
    old, new = (json.dumps(side, indent=2, sort_keys=True, ensure_ascii=False).splitlines() for side in sides)
    lines = []
    for text in list(difflib.unified_diff(old, new, a, b, lineterm="", n=3))[2:]:
        kind = {"+": "add", "-": "del", "@": "hunk"}.get(text[:1], "ctx")
        lines.append(DiffLine(kind=kind, text=text))
    return lines


# --- Drafts -------------------------------------------------------------------------------------------


def parse_definition(text: str) -> dict[str, Any]:
    """Return the API JSON in ``text`` (JSON or YAML, bounded, no YAML aliases) or raise BuilderError."""
    if len(text.encode("utf-8")) > MAX_DEFINITION_BYTES:
        raise BuilderError([("definition", _("At most %(n)d bytes.") % {"n": MAX_DEFINITION_BYTES})])
    try:
        data = json.loads(text)
    except ValueError:
        data = _safe_yaml(text)
    if not isinstance(data, dict):
        raise BuilderError([("definition", _("The definition must be a JSON or YAML object."))])
    return data


def _safe_yaml(text: str) -> Any:
    try:
        for nodes, event in enumerate(yaml.parse(text, Loader=yaml.SafeLoader), start=1):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise BuilderError([("definition", _("YAML anchors and aliases are not accepted."))])
            if nodes > MAX_YAML_NODES:
                raise BuilderError([("definition", _("The YAML document is too large."))])
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise BuilderError([("definition", _("Neither JSON nor YAML%(where)s.") % {"where": where})]) from exc


def check_definition(api_id: str, definition: dict[str, Any]) -> dict[str, Any]:
    """Return the definition with its ``id`` set to ``api_id``, checked by the engine (ConfigError → fields)."""
    definition = {**definition, "id": api_id}
    if api_type(definition) not in (ApiType.REST, ApiType.HTTP):
        raise BuilderError([("definition.protocolType", _("The builder edits REST and HTTP APIs."))])
    try:
        deploy(definition)
    except ConfigError as exc:
        raise BuilderError([(f"definition.{where}", why) for where, why in exc.errors]) from exc
    return definition


def starter_definition(api_id: str, kind: str, name: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Return a new API's first draft (one hello route) and its first stage."""
    uri = lambda_uri("gateway_lab.functions.hello.handler")
    if kind == ApiType.HTTP:
        route = {
            "routeKey": "GET /hello",
            "integration": {"type": "AWS_PROXY", "payloadFormatVersion": "2.0", "uri": uri},
        }
        definition = {
            "id": api_id,
            "name": name,
            "protocolType": "HTTP",
            "region": "us-east-1",
            "routes": [route],
        }
        return definition, [{"stageName": "$default", "variables": {}}]
    method = {
        "authorizationType": "NONE",
        "methodIntegration": {"type": "AWS_PROXY", "httpMethod": "POST", "uri": uri},
    }
    definition = {
        "id": api_id, "name": name, "protocolType": "REST", "region": "us-east-1",
        "endpointConfiguration": {"types": ["REGIONAL"]},
        "resources": [{"path": "/hello", "resourceMethods": {"GET": method}}],
    }  # fmt: skip
    return definition, [{"stageName": "prod", "variables": {}}]


def api_create(*, api_id: str, kind: str, name: str) -> ApiDefinitionRecord:
    """Store a new API with a starter draft and one stage (not deployed yet)."""
    if ApiDefinitionRecord.objects.filter(api_id=api_id).exists():
        raise BuilderError([("api_id", _("An API with this id exists."))])
    definition, stages = starter_definition(api_id, kind, name or api_id)
    return ApiDefinitionRecord.objects.create(api_id=api_id, definition=definition, stages=stages)


@transaction.atomic
def api_draft_save(*, api_id: str, text: str, base_revision: int) -> ApiDefinitionRecord:
    """Save a new draft (the live gateway keeps serving the deployments until the next Deploy)."""
    record = _locked(api_id)
    definition = check_definition(api_id, parse_definition(text))
    if record.draft_revision != base_revision:
        raise StaleError([("revision", _("Someone saved this draft since you opened it: reload to see it."))])
    record.definition = definition
    record.draft_revision += 1
    record.save()
    return record


def _locked(api_id: str) -> ApiDefinitionRecord:
    record = ApiDefinitionRecord.objects.select_for_update().filter(api_id=api_id).first()
    if record is None:
        raise BuilderError([("api_id", _("No such API."))])
    return record


# --- Stages -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class StageSettings:
    """The stage settings the builder edits (§3.2 throttling, §4 cache, §8 variables and canary)."""

    throttling_rate: float | None = None
    throttling_burst: int | None = None
    cache_enabled: bool = False
    cache_size: str = "0.5"
    cache_ttl: int | None = None
    variables: dict[str, str] = field(default_factory=dict)
    canary_percent: float | None = None
    canary_overrides: dict[str, str] = field(default_factory=dict)
    canary_use_stage_cache: bool = False


def stage_settings_of(stage: dict[str, Any]) -> StageSettings:
    """Return the builder's view of a stage's JSON."""
    every = (stage.get("methodSettings") or {}).get("*/*") or stage.get("defaultRouteSettings") or {}
    canary = stage.get("canarySettings") or None
    return StageSettings(
        throttling_rate=every.get("throttlingRateLimit"),
        throttling_burst=every.get("throttlingBurstLimit"),
        cache_enabled=bool(stage.get("cacheClusterEnabled")),
        cache_size=str(stage.get("cacheClusterSize", "0.5")),
        cache_ttl=every.get("cacheTtlInSeconds"),
        variables=dict(stage.get("variables") or {}),
        canary_percent=None if canary is None else canary.get("percentTraffic"),
        canary_overrides=dict((canary or {}).get("stageVariableOverrides") or {}),
        canary_use_stage_cache=bool((canary or {}).get("useStageCache")),
    )


def _apply(stage: dict[str, Any], settings: StageSettings, kind: str) -> dict[str, Any]:
    stage = copy.deepcopy(stage)
    stage["variables"] = dict(settings.variables)
    throttle = {
        "throttlingRateLimit": settings.throttling_rate,
        "throttlingBurstLimit": settings.throttling_burst,
    }
    if kind == ApiType.HTTP:
        route = {
            k: v
            for k, v in {**(stage.get("defaultRouteSettings") or {}), **throttle}.items()
            if v is not None
        }
        stage["defaultRouteSettings"] = route
        if not route:
            del stage["defaultRouteSettings"]
        return stage
    every = {
        **((stage.get("methodSettings") or {}).get("*/*") or {}),
        **throttle,
        "cacheTtlInSeconds": settings.cache_ttl,
    }
    every = {k: v for k, v in every.items() if v is not None}
    method_settings = {**(stage.get("methodSettings") or {}), "*/*": every}
    if not every:
        del method_settings["*/*"]
    stage["methodSettings"] = method_settings
    stage["cacheClusterEnabled"] = settings.cache_enabled
    stage["cacheClusterSize"] = settings.cache_size
    if settings.canary_percent is None:
        stage.pop("canarySettings", None)
    else:
        canary = dict(stage.get("canarySettings") or {})
        canary.update(
            percentTraffic=settings.canary_percent,
            stageVariableOverrides=dict(settings.canary_overrides),
            useStageCache=settings.canary_use_stage_cache,
        )
        stage["canarySettings"] = canary
    return stage


def _check_stage(record: ApiDefinitionRecord, stage: dict[str, Any]) -> None:
    try:
        load_stage(stage, deploy(record.definition).api)
    except ConfigError as exc:
        raise BuilderError(list(exc.errors)) from exc


def _replace_stage(record: ApiDefinitionRecord, stage: dict[str, Any]) -> None:
    name = stage["stageName"]
    others = [s for s in record.stages if s.get("stageName") != name]
    record.stages = sorted([*others, stage], key=lambda s: str(s.get("stageName")))
    record.save()


def _stage(record: ApiDefinitionRecord, name: str, etag: str | None) -> dict[str, Any]:
    stage = record.stage(name)
    if stage is None:
        raise BuilderError([("stage", _("No stage %(name)s in this API.") % {"name": name})])
    if etag is not None and stage_etag(stage) != etag:
        raise StaleError(
            [("stage", _("Stage %(name)s changed since you opened this page: reload.") % {"name": name})]
        )
    return stage


@transaction.atomic
def stage_settings_save(
    *, api_id: str, stage_name: str, settings: StageSettings, etag: str | None
) -> dict[str, Any]:
    """Save a stage's settings (they take effect without a redeploy, §8); a new name creates the stage."""
    record = _locked(api_id)
    kind = api_type(record.definition)
    if record.stage(stage_name) is None:
        if etag:
            raise StaleError([("stage", _("Stage %(name)s was deleted.") % {"name": stage_name})])
        stage: dict[str, Any] = {"stageName": stage_name, "variables": {}}
    else:
        stage = _stage(record, stage_name, etag)
    if kind == ApiType.HTTP and (settings.cache_enabled or settings.canary_percent is not None):
        raise BuilderError([("canarySettings", _("HTTP APIs have no cache or canary (REST only, §1)."))])
    updated = _apply(stage, settings, kind)
    _check_stage(record, updated)
    _replace_stage(record, updated)
    return updated


@transaction.atomic
def stage_delete(*, api_id: str, stage_name: str, etag: str | None) -> None:
    """Delete a stage (AWS's DeleteStage): its URL stops answering (other processes notice within a second); deployments stay."""
    record = _locked(api_id)
    _stage(record, stage_name, etag)
    record.stages = [s for s in record.stages if s.get("stageName") != stage_name]
    record.save()


@transaction.atomic
def api_delete(*, api_id: str, confirm: str) -> None:
    """Delete an API with its stages and deployments (DeleteRestApi / DeleteApi); its request log goes too.

    ``confirm`` must repeat the API id: a deletion cannot be undone (a built-in demo API comes back as
    first seeded, on the next ``make run``).
    """
    if confirm.strip() != api_id:
        raise BuilderError([("confirm", _("Type the API id, %(id)s, to delete it.") % {"id": api_id})])
    record = _locked(api_id)
    record.delete()
    transaction.on_commit(lambda: request_log().clear(api_id))


# --- API keys and usage plans (REST, §3.3) ------------------------------------------------------------
#
# In AWS keys and plans are account resources; the lab keeps them with the API, in the draft's
# ``labAccess`` block (gateway_lab.engine.access.directory); the live gateway serves the draft's keys and plans
# at once, without a Deploy, as AWS does (http_app._account_access). apiKeyRequired is a method setting: deployed.


def access_block(record: ApiDefinitionRecord) -> dict[str, list[dict[str, Any]]]:
    """Return the draft's API keys and usage plans (``labAccess.apiKeys`` / ``usagePlans``)."""
    access = record.definition.get("labAccess") or {}
    return {"apiKeys": list(access.get("apiKeys") or []), "usagePlans": list(access.get("usagePlans") or [])}


def _new_id(taken: set[str]) -> str:
    while True:
        candidate = "".join(secrets.choice(_ID_ALPHABET) for _ in range(10))
        if candidate not in taken:
            return candidate


@transaction.atomic
def _edit_access(
    api_id: str,
    base_revision: int,
    change: Callable[[list[dict[str, Any]], dict[str, Any], dict[str, Any]], None],
) -> ApiDefinitionRecord:
    """Apply ``change(stages, definition, labAccess)`` to a copy of the draft, check it, save a new revision."""
    record = _locked(api_id)
    if record.draft_revision != base_revision:
        raise StaleError([("revision", _("Someone saved this draft since you opened it: reload to see it."))])
    if api_type(record.definition) != ApiType.REST:
        raise BuilderError([("labAccess", _("API keys and usage plans belong to REST APIs (§3.3)."))])
    definition = copy.deepcopy(record.definition)
    access = definition.setdefault("labAccess", {})
    access.setdefault("apiKeys", [])
    access.setdefault("usagePlans", [])
    change(record.stages, definition, access)
    try:
        load_access(access)
    except (KeyError, TypeError, ValueError) as exc:
        raise BuilderError([("labAccess", str(exc))]) from exc
    record.definition = check_definition(api_id, definition)
    record.draft_revision += 1
    record.save()
    return record


def api_key_create(
    *, api_id: str, name: str, base_revision: int
) -> tuple[ApiDefinitionRecord, dict[str, Any]]:
    """Add an enabled API key with a generated 40-character value to the draft; return it."""
    created: dict[str, Any] = {}

    def change(stages: list[dict[str, Any]], definition: dict[str, Any], access: dict[str, Any]) -> None:
        keys = access["apiKeys"]
        if len(keys) >= MAX_KEYS:
            raise BuilderError([("name", _("At most %(n)d API keys per API in the lab.") % {"n": MAX_KEYS})])
        value = "".join(secrets.choice(_KEY_ALPHABET) for _ in range(KEY_LENGTH))
        created.update(id=_new_id({str(k.get("id")) for k in keys}), value=value, name=name, enabled=True)
        keys.append(dict(created))

    return _edit_access(api_id, base_revision, change), created


def api_key_toggle(*, api_id: str, key_id: str, base_revision: int) -> ApiDefinitionRecord:
    """Enable a disabled key or disable an enabled one (a disabled key is refused with 403, §3.3)."""

    def change(stages: list[dict[str, Any]], definition: dict[str, Any], access: dict[str, Any]) -> None:
        key = next((k for k in access["apiKeys"] if k.get("id") == key_id), None)
        if key is None:
            raise BuilderError([("key", _("No API key %(id)s in this API.") % {"id": key_id})])
        key["enabled"] = not key.get("enabled", True)

    return _edit_access(api_id, base_revision, change)


def api_key_delete(*, api_id: str, key_id: str, base_revision: int) -> ApiDefinitionRecord:
    """Delete a key from the draft and from every plan that listed it."""

    def change(stages: list[dict[str, Any]], definition: dict[str, Any], access: dict[str, Any]) -> None:
        if not any(k.get("id") == key_id for k in access["apiKeys"]):
            raise BuilderError([("key", _("No API key %(id)s in this API.") % {"id": key_id})])
        access["apiKeys"] = [k for k in access["apiKeys"] if k.get("id") != key_id]
        for plan in access["usagePlans"]:
            plan["keys"] = [k for k in plan.get("keys") or [] if k != key_id]

    return _edit_access(api_id, base_revision, change)


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanSettings:
    """A usage plan as the builder creates it: plan-wide throttle and quota, stages and keys."""

    name: str
    rate: float | None = None
    burst: int | None = None
    quota_limit: int | None = None
    quota_period: str = "DAY"
    stages: tuple[str, ...] = ()
    keys: tuple[str, ...] = ()
    require_key: bool = False  # set apiKeyRequired on every method of the draft


def _require_key_everywhere(definition: dict[str, Any]) -> None:
    for resource in definition.get("resources") or []:
        for method in (resource.get("resourceMethods") or {}).values():
            if isinstance(method, dict):
                method["apiKeyRequired"] = True


def usage_plan_create(*, api_id: str, plan: PlanSettings, base_revision: int) -> ApiDefinitionRecord:
    """Add a usage plan to the draft (§3.3: a key may be in one plan per stage only)."""

    def change(stages: list[dict[str, Any]], definition: dict[str, Any], access: dict[str, Any]) -> None:
        plans, record_stages = access["usagePlans"], {s.get("stageName") for s in stages}
        errors = []
        if len(plans) >= MAX_PLANS:
            errors.append(("name", _("At most %(n)d usage plans per API in the lab.") % {"n": MAX_PLANS}))
        if plan.quota_period not in QUOTA_PERIODS:
            errors.append(("quota_period", _("The period is DAY, WEEK or MONTH.")))
        errors += [
            ("stages", _("No stage %(name)s in this API.") % {"name": s})
            for s in plan.stages
            if s not in record_stages
        ]
        key_ids = {k.get("id") for k in access["apiKeys"]}
        errors += [
            ("keys", _("No API key %(id)s in this API.") % {"id": k}) for k in plan.keys if k not in key_ids
        ]
        for other in plans:  # §3.3: one plan per stage for a key
            shared_stages = set(plan.stages) & {s.get("stage") for s in other.get("apiStages") or []}
            shared_keys = set(plan.keys) & set(other.get("keys") or [])
            if shared_stages and shared_keys:
                errors.append(("keys", _("Key %(key)s is already in plan %(plan)s for stage %(stage)s: a key may be in one plan per stage (§3.3).")
                               % {"key": sorted(shared_keys)[0], "plan": other.get("name"), "stage": sorted(shared_stages)[0]}))  # fmt: skip
        if errors:
            raise BuilderError(errors)
        raw: dict[str, Any] = {
            "id": _new_id({str(p.get("id")) for p in plans}),
            "name": plan.name,
            "apiStages": [{"apiId": api_id, "stage": s} for s in plan.stages],
            "keys": list(plan.keys),
        }
        if plan.rate is not None or plan.burst is not None:
            raw["throttle"] = {
                k: v for k, v in (("rateLimit", plan.rate), ("burstLimit", plan.burst)) if v is not None
            }
        if plan.quota_limit is not None:
            raw["quota"] = {"limit": plan.quota_limit, "period": plan.quota_period}
        plans.append(raw)
        if plan.require_key:
            _require_key_everywhere(definition)

    return _edit_access(api_id, base_revision, change)


def usage_plan_delete(*, api_id: str, plan_id: str, base_revision: int) -> ApiDefinitionRecord:
    def change(stages: list[dict[str, Any]], definition: dict[str, Any], access: dict[str, Any]) -> None:
        if not any(p.get("id") == plan_id for p in access["usagePlans"]):
            raise BuilderError([("plan", _("No usage plan %(id)s in this API.") % {"id": plan_id})])
        access["usagePlans"] = [p for p in access["usagePlans"] if p.get("id") != plan_id]

    return _edit_access(api_id, base_revision, change)


# --- Deployments --------------------------------------------------------------------------------------


def _new_deployment_id(record: ApiDefinitionRecord) -> str:
    taken = set(record.deployment_rows.values_list("deployment_id", flat=True))
    while True:
        candidate = "".join(secrets.choice(_ID_ALPHABET) for _ in range(6))  # AWS ids look like a1b2c3
        if candidate not in taken:
            return candidate


@transaction.atomic
def api_deploy(
    *, api_id: str, stage_name: str, base_revision: int, description: str = "", canary: bool = False,
    created_by: str = "",
) -> ApiDeployment:  # fmt: skip
    """Freeze the draft as a new deployment and point ``stage_name`` (or its canary) at it.

    §8: a canary deployment needs an existing stage with canary settings; while a canary exists the
    stage cannot move to another non-canary deployment (promote or remove the canary first).
    """
    record = _locked(api_id)
    if record.draft_revision != base_revision:
        raise StaleError(
            [("revision", _("The draft changed since you opened this page: reload, then deploy."))]
        )
    definition = check_definition(api_id, record.definition)
    stage = record.stage(stage_name)
    if canary and (stage is None or not stage.get("canarySettings")):
        raise BuilderError(
            [("canary", _("A canary deployment needs an existing stage with canary settings (§8)."))]
        )
    if not canary and stage is not None and stage.get("canarySettings"):
        raise BuilderError([("stage", _("This stage has a canary: promote it or remove it first (§8)."))])
    row = ApiDeployment.objects.create(
        api=record, deployment_id=_new_deployment_id(record), definition=definition,
        description=description[:200], created_by=created_by[:150],
    )  # fmt: skip
    updated = copy.deepcopy(stage) if stage is not None else {"stageName": stage_name, "variables": {}}
    if canary:
        updated["canarySettings"]["deploymentId"] = row.deployment_id
    else:
        updated["deploymentId"] = row.deployment_id
    _check_stage(record, updated)
    _replace_stage(record, updated)
    return row


@transaction.atomic
def stage_rollback(*, api_id: str, stage_name: str, deployment_id: str, etag: str | None) -> dict[str, Any]:
    """Point a stage back at an earlier deployment of the same API."""
    record = _locked(api_id)
    stage = _stage(record, stage_name, etag)
    if not record.deployment_rows.filter(deployment_id=deployment_id).exists():
        raise BuilderError([("deployment", _("No deployment %(id)s in this API.") % {"id": deployment_id})])
    if stage.get("canarySettings"):
        raise BuilderError([("stage", _("This stage has a canary: promote it or remove it first (§8)."))])
    updated = {**stage, "deploymentId": deployment_id}
    _replace_stage(record, updated)
    return updated


@transaction.atomic
def canary_promote(*, api_id: str, stage_name: str, etag: str | None) -> dict[str, Any]:
    """Promote a stage's canary: its deployment and variable overrides become the stage's; the canary goes."""
    record = _locked(api_id)
    stage = _stage(record, stage_name, etag)
    canary = stage.get("canarySettings")
    if not canary:
        raise BuilderError(
            [("stage", _("Promotion not available. Canary does not exist."))]
        )  # §8, AWS's words
    updated = {k: v for k, v in stage.items() if k != "canarySettings"}
    if canary.get("deploymentId"):
        updated["deploymentId"] = canary["deploymentId"]
    updated["variables"] = {**(stage.get("variables") or {}), **(canary.get("stageVariableOverrides") or {})}
    _replace_stage(record, updated)
    return updated


def served_definitions(record: ApiDefinitionRecord) -> list[dict[str, Any]]:
    """Return the deployments the record's stages and canaries point at, as ``{id, definition}``."""
    wanted = set()
    for stage in record.stages:
        wanted.add(stage.get("deploymentId"))
        wanted.add((stage.get("canarySettings") or {}).get("deploymentId"))
    wanted.discard(None)
    wanted.discard("")
    rows = record.deployment_rows.filter(deployment_id__in=wanted).values_list("deployment_id", "definition")
    return [{"id": deployment_id, "definition": definition} for deployment_id, definition in rows]


def deploy_everywhere(record: ApiDefinitionRecord, *, description: str = "") -> ApiDeployment:
    """Deploy the draft to every stage (and canary) of ``record``: seeds and imports start deployed."""
    definition = check_definition(record.api_id, record.definition)
    latest = record.deployment_rows.order_by("-created_at", "-id").first()
    same = latest if latest is not None and latest.definition == definition else None  # seeding twice: one
    row = same or ApiDeployment.objects.create(
        api=record, deployment_id=_new_deployment_id(record), definition=definition, description=description
    )
    stages = []
    for stage in record.stages:
        stage = {**stage, "deploymentId": row.deployment_id}
        if stage.get("canarySettings"):
            stage["canarySettings"] = {**stage["canarySettings"], "deploymentId": row.deployment_id}
        stages.append(stage)
    record.stages = stages
    record.save()
    return row
