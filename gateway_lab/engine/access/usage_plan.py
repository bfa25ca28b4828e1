"""API keys and usage plans (§3.2, §3.3): which plan a key is in, its throttle and its quota window.

Plans and keys are AWS JSON (``CreateUsagePlan`` / ``CreateApiKey`` shapes plus the plan's
``keys`` list, i.e. ``CreateUsagePlanKey``); counters live in the engine's Store so that limits
hold across requests and, live, across processes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any


@dataclass(frozen=True, slots=True, kw_only=True)
class Limit:
    rate: float  # rateLimit: requests per second
    burst: int  # burstLimit


@dataclass(frozen=True, slots=True, kw_only=True)
class Quota:
    limit: int
    period: str  # DAY | WEEK | MONTH
    offset: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class ApiKey:
    id: str
    value: str
    name: str = ""
    enabled: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class UsagePlan:
    id: str
    name: str
    api_stages: tuple[tuple[str, str], ...]  # (apiId, stage)
    key_ids: tuple[str, ...] = ()
    throttle: Limit | None = None
    quota: Quota | None = None
    method_throttles: Mapping[tuple[str, str, str], Limit] = field(
        default_factory=dict
    )  # (api, stage, "/pets/GET")

    def limit_for(self, api_id: str, stage: str, method_key: str) -> tuple[str, Limit | None]:
        """Return (level, limit): a per-method limit of this plan wins over the plan-wide one (§3.2)."""
        per_method = self.method_throttles.get((api_id, stage, method_key))
        return ("method", per_method) if per_method else ("plan", self.throttle)


def _limit(raw: Mapping[str, Any] | None) -> Limit | None:
    if not raw:
        return None
    return Limit(rate=float(raw.get("rateLimit", 0.0)), burst=int(raw.get("burstLimit", 0)))


def load_api_key(raw: Mapping[str, Any]) -> ApiKey:
    value = str(raw["value"])
    return ApiKey(
        id=str(raw.get("id", value[:10])),
        value=value,
        name=str(raw.get("name", "")),
        enabled=bool(raw.get("enabled", True)),
    )


def load_usage_plan(raw: Mapping[str, Any]) -> UsagePlan:
    """Build a plan from ``CreateUsagePlan`` JSON plus ``keys`` (key ids or key objects with ``id``)."""
    stages: list[tuple[str, str]] = []
    method_throttles: dict[tuple[str, str, str], Limit] = {}
    for entry in raw.get("apiStages", ()):
        api_id, stage = str(entry["apiId"]), str(entry["stage"])
        stages.append((api_id, stage))
        for method_key, raw_limit in (entry.get("throttle") or {}).items():
            limit = _limit(raw_limit)
            if limit is not None:  # an empty entry sets nothing: the plan-wide limit applies
                method_throttles[(api_id, stage, str(method_key))] = limit
    quota = raw.get("quota")
    return UsagePlan(
        id=str(raw["id"]),
        name=str(raw.get("name", raw["id"])),
        api_stages=tuple(stages),
        key_ids=tuple(k["id"] if isinstance(k, Mapping) else str(k) for k in raw.get("keys", ())),
        throttle=_limit(raw.get("throttle")),
        quota=Quota(
            limit=int(quota["limit"]),
            period=str(quota.get("period", "DAY")),
            offset=int(quota.get("offset", 0)),
        )
        if quota
        else None,
        method_throttles=method_throttles,
    )


def find_key(keys: Iterable[ApiKey], value: str | None) -> ApiKey | None:
    return next((key for key in keys if value and key.value == value), None)


def find_plan(plans: Iterable[UsagePlan], *, key_id: str, api_id: str, stage: str) -> UsagePlan | None:
    """Return the plan that holds ``key_id`` for this API stage (a key is in at most one plan per stage, §3.3)."""
    return next((p for p in plans if key_id in p.key_ids and (api_id, stage) in p.api_stages), None)


def quota_window(quota: Quota, now_ms: float) -> tuple[float, float]:
    """Return the [start, end) epoch-ms window of the quota period containing ``now_ms`` (UTC).

    ``offset`` moves the start: WEEK 0 = Sunday, 1 = Monday…; MONTH 0 = the 1st, 1 = the 2nd….
    """
    now = datetime.fromtimestamp(now_ms / 1000, tz=UTC)
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if quota.period == "WEEK":
        start_weekday = (quota.offset - 1) % 7  # AWS counts from Sunday, Python from Monday
        start = midnight - timedelta(days=(midnight.weekday() - start_weekday) % 7)
        end = start + timedelta(days=7)
    elif quota.period == "MONTH":
        start = midnight.replace(day=1 + quota.offset)
        if start > now:
            start = _add_months(start, -1)
        end = _add_months(start, 1)
    else:
        start, end = midnight, midnight + timedelta(days=1)
    return start.timestamp() * 1000, end.timestamp() * 1000


def spend_quota(store: Any, key: str, limit: int, *, ttl_ms: float) -> tuple[bool, int]:
    """Count one request against the quota counter ``key`` unless it is spent: (admitted, used).

    ``used`` is the count with this request when admitted, else the count that refused it. A store
    shared by several server processes (the live gateway's Redis store) offers
    ``spend_quota(key, limit, ttl_ms=)``, one atomic step, so two processes never both spend the
    last request; otherwise this is a ``get`` then an ``incr`` (one thread owns the store).
    ``ttl_ms`` (the rest of the quota period) applies when the counter is created.
    """
    atomic = getattr(store, "spend_quota", None)
    if atomic is not None:
        admitted, used = atomic(key, limit, ttl_ms=ttl_ms)
        return bool(admitted), int(used)
    used = int(store.get(key) or 0)
    if used >= limit:
        return False, used
    return True, int(store.incr(key, ttl_ms=ttl_ms))


def _add_months(moment: datetime, months: int) -> datetime:
    index = moment.year * 12 + moment.month - 1 + months
    return moment.replace(year=index // 12, month=index % 12 + 1)


def masked(value: str) -> str:
    """Show a key the way execution logs do: only its last 4 characters."""
    return "****" + value[-4:]
