"""Response cache (REST only, §4): TTLs, GET-only default, key parameters, invalidation, capacity."""

from __future__ import annotations

from gateway_lab.engine.stages.cache_policy import flush_stage_cache
from gateway_lab.engine.trace import StageName

from .builders import http_api, lambda_integration, make_pipeline, rest_api, send

CACHED = {"cacheClusterEnabled": True}


def _api(**integration_extra):  # type: ignore[no-untyped-def]
    integration = lambda_integration(**integration_extra)
    return rest_api(
        {
            "/pets/{id}": {
                "GET": {"methodIntegration": integration},
                "POST": {"methodIntegration": integration},
            }
        }
    )


def _outcome(trace) -> str:  # type: ignore[no-untyped-def]
    return str(trace.step(StageName.CACHE).outcome)


def test_cache_second_get_is_a_hit() -> None:
    """§4: with the stage cache on, a repeated GET is served from the cache."""
    pipeline = make_pipeline(_api(), CACHED)
    first, second = send(pipeline, "GET", "/pets/1"), send(pipeline, "GET", "/pets/1", at_ms=1000)
    assert (_outcome(first), _outcome(second)) == ("miss", "hit")
    assert second.step(StageName.INTEGRATION) is None
    assert second.response.body == first.response.body


def test_cache_default_ttl_is_300_seconds() -> None:
    """§4: the default TTL is 300 s; an entry is gone after it."""
    pipeline = make_pipeline(_api(), CACHED)
    send(pipeline, "GET", "/pets/1")
    assert _outcome(send(pipeline, "GET", "/pets/1", at_ms=299_000)) == "hit"
    # The entry is stored when the backend answers (~15 ms after arrival), so it lives until ~300.015 s.
    assert _outcome(send(pipeline, "GET", "/pets/1", at_ms=300_100)) == "miss"


def test_cache_ttl_zero_disables_caching() -> None:
    """§4: a TTL of 0 turns caching off."""
    stage = {**CACHED, "methodSettings": {"*/*": {"cacheTtlInSeconds": 0}}}
    assert _outcome(send(make_pipeline(_api(), stage), "GET", "/pets/1")) == "skip"


def test_cache_only_get_by_default() -> None:
    """§4: only GET methods cache by default."""
    assert _outcome(send(make_pipeline(_api(), CACHED), "POST", "/pets/1")) == "skip"


def test_cache_off_step_names_the_setting_that_turned_it_off() -> None:
    """§4 (GET only by default; per-method overrides over */*): the skip says which setting decided.

    A GET is off because of the stage-wide ``*/*`` setting or its own override, never because it
    "needs a per-method override" as a POST does.
    """
    stage_off = {**CACHED, "methodSettings": {"*/*": {"cachingEnabled": False}}}
    method_off = {**CACHED, "methodSettings": {"/pets/{id}/GET": {"cachingEnabled": False}}}
    by_stage = send(make_pipeline(_api(), stage_off), "GET", "/pets/1").step(StageName.CACHE)
    by_method = send(make_pipeline(_api(), method_off), "GET", "/pets/1").step(StageName.CACHE)
    post = send(make_pipeline(_api(), CACHED), "POST", "/pets/1").step(StageName.CACHE)
    assert [str(s.outcome) for s in (by_stage, by_method, post)] == ["skip"] * 3
    assert "stage-wide setting (*/*)" in by_stage.reason
    assert "own setting (/pets/{id}/GET)" in by_method.reason
    assert post.reason == "Only GET methods cache by default; POST needs a per-method override."
    assert "per-method override" not in by_stage.reason + by_method.reason


def test_cache_method_override_turns_on_what_the_stage_default_turns_off() -> None:
    """§4: a method's own ``cachingEnabled`` wins over the stage-wide ``*/*`` setting."""
    stage = {
        **CACHED,
        "methodSettings": {"*/*": {"cachingEnabled": False}, "/pets/{id}/GET": {"cachingEnabled": True}},
    }
    pipeline = make_pipeline(_api(), stage)
    send(pipeline, "GET", "/pets/1")
    assert _outcome(send(pipeline, "GET", "/pets/1", at_ms=1000)) == "hit"


def test_cache_method_override_enables_post() -> None:
    """§4: a per-method override can cache other methods."""
    stage = {**CACHED, "methodSettings": {"/pets/{id}/POST": {"cachingEnabled": True}}}
    pipeline = make_pipeline(_api(), stage)
    send(pipeline, "POST", "/pets/1")
    assert _outcome(send(pipeline, "POST", "/pets/1")) == "hit"


def test_cache_key_ignores_parameters_not_in_key() -> None:
    """§4: without key parameters, /pets/1 and /pets/2 share the resource's entry."""
    pipeline = make_pipeline(_api(), CACHED)
    send(pipeline, "GET", "/pets/1")
    assert _outcome(send(pipeline, "GET", "/pets/2")) == "hit"


def test_cache_key_parameters_separate_entries() -> None:
    """§4: cacheKeyParameters put the parameter's value in the key."""
    pipeline = make_pipeline(_api(cacheKeyParameters=["method.request.path.id"]), CACHED)
    send(pipeline, "GET", "/pets/1")
    assert _outcome(send(pipeline, "GET", "/pets/2")) == "miss"


def test_cache_query_key_parameter_ignores_other_query_parameters() -> None:
    """§4: ?type=admin&department=A and ?type=admin&department=B share an entry when only type is a key."""
    pipeline = make_pipeline(_api(cacheKeyParameters=["method.request.querystring.type"]), CACHED)
    send(pipeline, "GET", "/pets/1", query="type=admin&department=A")
    assert _outcome(send(pipeline, "GET", "/pets/1", query="type=admin&department=B")) == "hit"


def test_cache_max_age_zero_without_permission_is_ignored_with_warning() -> None:
    """§4: an unauthorized invalidation is served from cache with a Warning (default strategy)."""
    pipeline = make_pipeline(_api(), CACHED)
    send(pipeline, "GET", "/pets/1")
    trace = send(pipeline, "GET", "/pets/1", headers={"Cache-Control": "max-age=0"})
    assert _outcome(trace) == "hit"
    assert trace.response.headers["Warning"].startswith("199 ")


def test_cache_max_age_zero_fail_with_403() -> None:
    """§4: FAIL_WITH_403 refuses an unauthorized invalidation."""
    stage = {**CACHED, "methodSettings": {"*/*": {"unauthorizedCacheControlHeaderStrategy": "FAIL_WITH_403"}}}
    trace = send(make_pipeline(_api(), stage), "GET", "/pets/1", headers={"Cache-Control": "max-age=0"})
    assert trace.response.status == 403


def test_cache_max_age_zero_succeed_without_header() -> None:
    """§4: SUCCEED_WITHOUT_RESPONSE_HEADER serves silently."""
    stage = {
        **CACHED,
        "methodSettings": {
            "*/*": {"unauthorizedCacheControlHeaderStrategy": "SUCCEED_WITHOUT_RESPONSE_HEADER"}
        },
    }
    trace = send(make_pipeline(_api(), stage), "GET", "/pets/1", headers={"Cache-Control": "max-age=0"})
    assert trace.response.status == 200
    assert "Warning" not in trace.response.headers


def test_cache_max_age_zero_invalidates_when_authorization_not_required() -> None:
    """§4: with "require authorization" off anyone may invalidate; the backend answers again."""
    stage = {**CACHED, "methodSettings": {"*/*": {"requireAuthorizationForCacheControl": False}}}
    pipeline = make_pipeline(_api(), stage)
    send(pipeline, "GET", "/pets/1")
    trace = send(pipeline, "GET", "/pets/1", headers={"Cache-Control": "max-age=0"})
    assert trace.step(StageName.INTEGRATION) is not None
    assert _outcome(send(pipeline, "GET", "/pets/1")) == "hit"


def test_cache_http_api_has_no_cache() -> None:
    """§1.1: HTTP APIs have no response cache."""
    trace = send(make_pipeline(http_api({"GET /x": {}}), {"stageName": "$default"}), "GET", "/x")
    assert _outcome(trace) == "skip"


def test_cache_capacity_follows_cluster_size() -> None:
    """§4: capacity comes from cacheClusterSize (GB)."""
    trace = send(make_pipeline(_api(), {**CACHED, "cacheClusterSize": "1.6"}), "GET", "/pets/1")
    assert trace.step(StageName.CACHE).detail["capacity_bytes"] == int(1.6 * 1024**3)


def test_cache_flush_removes_every_entry() -> None:
    """§4: FlushStageCache empties the stage cache."""
    pipeline = make_pipeline(_api(), CACHED)
    send(pipeline, "GET", "/pets/1")
    assert flush_stage_cache(pipeline.store, api_id="testapi", stage="prod") == 1
    assert _outcome(send(pipeline, "GET", "/pets/1")) == "miss"


def test_cache_canary_bypasses_stage_cache_unless_use_stage_cache() -> None:
    """§4/§8: canary requests use the stage cache only with useStageCache."""
    stage = {**CACHED, "canarySettings": {"percentTraffic": 100, "useStageCache": False}}
    pipeline = make_pipeline(_api(), stage)
    send(pipeline, "GET", "/pets/1")
    assert _outcome(send(pipeline, "GET", "/pets/1")) == "skip"
