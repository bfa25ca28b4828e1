"""Cache rules of §4 (what is cached, for how long, under which key) and the write after a miss."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from ..context import Context
from ..messages import Headers, Response
from ..model import ApiType
from ..state import Store
from ..text import Message, Text

DEFAULT_TTL_S = 300
MAX_ENTRY_BYTES = 1_048_576  # §4: largest cacheable response
WARNING = "199 Cache-control headers were ignored because the caller was unauthorized."  # §4, UNCONFIRMED
_GB = 1024**3


@dataclass(frozen=True, slots=True, kw_only=True)
class Effective:
    enabled: bool
    # Which setting decided ``enabled``: "method" (the method's own), "stage" (``*/*``) or "default"
    # (none: GET only), so the step can say why the cache is off.
    decided_by: str
    ttl_s: int
    require_authorization: bool
    unauthorized_strategy: str


NO_CACHE_FOR_TYPE = Text("{api_type} APIs have no response cache; only REST APIs do.")
NO_CLUSTER = Text("The stage has no cache cluster (cacheClusterEnabled is false).")
CANARY_BYPASS = Text("This canary request bypasses the stage cache (useStageCache is false).")
NO_METHOD = Text("No method matched.")


def not_applicable(ctx: Context) -> Message | None:
    """Return why the cache does not apply to this request at all, or None.

    The same reason is the same message object, request after request (the cache stage keeps its
    step per reason)."""
    if ctx.api.api_type != ApiType.REST:
        return NO_CACHE_FOR_TYPE.cached(api_type=str(ctx.api.api_type))
    if not ctx.stage.cache_cluster_enabled:
        return NO_CLUSTER()
    if ctx.is_canary and ctx.stage.canary is not None and not ctx.stage.canary.use_stage_cache:
        return CANARY_BYPASS()
    if ctx.match is None:
        return NO_METHOD()
    return None


def effective(ctx: Context) -> Effective:
    """Merge the method's own setting over ``*/*`` over the defaults (GET only, 300 s)."""
    assert ctx.match is not None
    own = ctx.stage.method_settings.get(ctx.match.settings_key)
    stage_default = ctx.stage.method_settings.get("*/*")
    is_get = ctx.request.method == "GET"

    def pick(attr: str, default: object) -> object:
        for setting in (own, stage_default):
            value = getattr(setting, attr) if setting is not None else None
            if value is not None:
                return value
        return default

    # Stage-wide settings enable caching for GET only; other methods need their own override (§4).
    if own is not None and own.caching_enabled is not None:
        enabled, decided_by = own.caching_enabled, "method"
    elif stage_default is not None and stage_default.caching_enabled is False:
        enabled, decided_by = False, "stage"
    else:
        enabled, decided_by = is_get, "default"
    return Effective(
        enabled=bool(enabled),
        decided_by=decided_by,
        ttl_s=int(pick("cache_ttl_s", DEFAULT_TTL_S)),  # type: ignore[call-overload]
        require_authorization=bool(pick("require_authorization", True)),
        unauthorized_strategy=str(pick("unauthorized_strategy", "SUCCEED_WITH_RESPONSE_HEADER")),
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class KeyPlan:
    """The parts of a method's cache key fixed by its deployment (namespace, method, parameter names)."""

    prefix: str  # "cache:{api}:{stage}:{partition}|{namespace}|"
    head: str  # "GET /pets/{id}"
    parameters: tuple[tuple[str, str, str], ...]  # (name, location, parameter)
    capacity: int


def key_plan(ctx: Context) -> KeyPlan:
    """Return the fixed parts of this method's cache key (built once per method, see MethodMemo)."""
    assert ctx.match is not None
    integration = ctx.match.method.integration
    namespace = str(integration.get("cacheNamespace") or ctx.match.resource_id)
    # Canary and production keep separate entries when they run different deployments (§4).
    partition = ctx.deployment.id if ctx.deployment.id != ctx.stage.deployment_id else ""
    parameters = []
    for name in integration.get("cacheKeyParameters") or ():
        location, _, param = str(name).removeprefix("method.request.").partition(".")
        parameters.append((str(name), location, param))
    return KeyPlan(
        prefix=f"{cache_prefix(ctx.api.id, ctx.stage.name)}{partition}|{namespace}|",
        head=f"{ctx.request.method} {ctx.match.resource_path}",
        parameters=tuple(parameters),
        capacity=capacity(ctx),
    )


def cache_key(ctx: Context, plan: KeyPlan | None = None) -> tuple[str, list[str]]:
    """Return the store key and its readable parts: namespace, method, and each key parameter's value."""
    plan = plan or key_plan(ctx)
    parts = [plan.head]
    for name, location, param in plan.parameters:
        parts.append(f"{name}={_parameter(ctx, location, param)}")
    return plan.prefix + "|".join(parts), parts


def cache_prefix(api_id: str, stage: str) -> str:
    return f"cache:{api_id}:{stage}:"


def _parameter(ctx: Context, location: str, param: str) -> str:
    if location == "path":
        return (ctx.match.path_parameters if ctx.match else {}).get(param, "")
    if location == "querystring":
        values = ctx.request.query_values(param)
        return values[-1] if values else ""
    if location == "header":
        return ctx.request.headers.get(param, "")
    return ""


def wants_invalidation(ctx: Context) -> bool:
    """True when the client sent ``Cache-Control: max-age=0`` (§4)."""
    value = ctx.request.headers.get("cache-control")
    return value is not None and "max-age=0" in value.replace(" ", "").lower()


def capacity(ctx: Context) -> int:
    return int(float(ctx.stage.cache_cluster_size) * _GB)


def store_response(ctx: Context, response: Response) -> str | None:
    """Write the integration response under the pending key; return why not when it is not stored."""
    if ctx.cache_pending is None:
        return "no pending cache entry"
    key, ttl_ms = ctx.cache_pending
    size = len(response.body) + sum(len(k) + len(v) for k, v in response.headers.pairs)
    if size > MAX_ENTRY_BYTES:
        return f"the response is {size} bytes, more than the 1,048,576 a cache entry may hold"
    if not 200 <= response.status < 300:
        return f"status {response.status} responses are not cached"
    body, is_base64 = response.body_for_json()
    entry = {
        "status": response.status,
        "headers": [list(p) for p in response.headers.pairs],
        "body": body,
        "isBase64Encoded": is_base64,
        "size": size,
        "stored_ms": ctx.now_ms,
        "expires_ms": ctx.now_ms + ttl_ms,
    }
    _make_room(ctx.store, cache_prefix(ctx.api.id, ctx.stage.name), size, capacity(ctx))
    ctx.store.put(key, entry, ttl_ms=ttl_ms)
    return None


def entry_response(entry: dict) -> Response:  # type: ignore[type-arg]
    """Rebuild the response kept in a cache entry."""
    body = base64.b64decode(entry["body"]) if entry["isBase64Encoded"] else entry["body"].encode()
    return Response(status=entry["status"], headers=Headers([tuple(p) for p in entry["headers"]]), body=body)


def _make_room(store: Store, prefix: str, size: int, limit: int) -> None:
    """Evict the oldest entries until ``size`` more bytes fit (the eviction order is a simplification)."""
    used_key = f"cache-used:{prefix}"
    used = (store.get(used_key) or 0) + size
    if used > limit:
        kept = ((k, store.get(k)) for k in store.keys(prefix))
        entries = sorted((entry["stored_ms"], k, entry["size"]) for k, entry in kept if entry is not None)
        used = sum(e[2] for e in entries) + size
        for _, key, entry_size in entries:
            if used <= limit:
                break
            store.delete(key)
            used -= entry_size
    store.put(used_key, used)


def flush_stage_cache(store: Store, *, api_id: str, stage: str) -> int:
    """Delete every entry of a stage's cache (FlushStageCache, §4); return how many were removed."""
    prefix = cache_prefix(api_id, stage)
    keys = store.keys(prefix)
    for key in keys:
        store.delete(key)
    store.delete(f"cache-used:{prefix}")
    return len(keys)
