"""The API builder's services (issue 12, GATEWAY_FACTS §8): deploy, diff, rollback, promote, stale and immutable cases."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from gateway_lab.engine import Client, Request
from gateway_lab.livegw import builder
from gateway_lab.livegw.builder import BuilderError, StageSettings, StaleError
from gateway_lab.livegw.http_app import _build
from gateway_lab.livegw.models import ApiDeployment, DeploymentImmutableError

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages are matched in English, whatever language an earlier test left active in this thread."""
    with translation.override("en"):
        yield


def _api(api_id: str = "pets") -> builder.ApiDefinitionRecord:
    return builder.api_create(api_id=api_id, kind="REST", name="Pets")


def _with_mock(record: builder.ApiDefinitionRecord, path: str, body: str) -> str:
    """Return the draft's JSON text with a mock ``GET path`` answering ``body``."""
    definition = dict(record.definition)
    mock = {"authorizationType": "NONE", "methodIntegration": {
        "type": "MOCK", "requestTemplates": {"application/json": "{\"statusCode\": 200}"},
        "integrationResponses": {"200": {"statusCode": "200", "responseTemplates": {"application/json": body}}}}}  # fmt: skip
    definition["resources"] = [*definition["resources"], {"path": path, "resourceMethods": {"GET": mock}}]
    return builder.definition_text(definition)


def _served(api_id: str, path: str) -> tuple[int, bytes]:
    """Run ``GET /prod<path>`` through the pipeline the live gateway builds for the stored record."""
    record = builder.api_get(api_id)
    pipeline = _build((record.definition, record.stages, builder.served_definitions(record)), "prod")
    if pipeline is None:
        return 403, b""
    response = pipeline.run(Request.build("GET", path, client=Client(source_ip="127.0.0.1"))).response
    return response.status, response.body


def test_a_new_api_serves_nothing_but_its_draft_until_deployed() -> None:
    _api()
    record = builder.api_get("pets")
    assert record is not None and record.stage("prod") == {"stageName": "prod", "variables": {}}
    assert builder.deployment_list(record) == []


def test_saving_the_draft_changes_nothing_served_until_deploy_8() -> None:
    """§8: changes to resources need a redeploy; the stage keeps serving its deployment."""
    record = _api()
    first = builder.api_deploy(api_id="pets", stage_name="prod", base_revision=record.draft_revision)
    record = builder.api_draft_save(api_id="pets", text=_with_mock(record, "/v", '{"v": 2}'), base_revision=1)
    assert _served("pets", "/v")[0] == 403  # not deployed yet: Missing Authentication Token
    second = builder.api_deploy(api_id="pets", stage_name="prod", base_revision=record.draft_revision)
    assert second.deployment_id != first.deployment_id
    assert _served("pets", "/v") == (200, b'{"v": 2}')
    assert builder.api_get("pets").stage("prod")["deploymentId"] == second.deployment_id


def test_a_stale_draft_save_is_refused_409() -> None:
    record = _api()
    text = builder.definition_text(record.definition)
    builder.api_draft_save(api_id="pets", text=text, base_revision=1)
    with pytest.raises(StaleError) as caught:
        builder.api_draft_save(api_id="pets", text=text, base_revision=1)
    assert caught.value.status == 409 and caught.value.errors[0][0] == "revision"


def test_deploying_a_stale_revision_is_refused() -> None:
    """Deploy freezes what the user saw: a draft saved meanwhile by someone else is not deployed blindly."""
    record = _api()
    builder.api_draft_save(api_id="pets", text=builder.definition_text(record.definition), base_revision=1)
    with pytest.raises(StaleError):
        builder.api_deploy(api_id="pets", stage_name="prod", base_revision=1)
    assert not ApiDeployment.objects.exists()


def test_a_bad_definition_names_the_engine_field() -> None:
    """Bad input → field errors from the engine's ConfigError (never a 500)."""
    record = _api()
    text = builder.definition_text({**record.definition, "resources": [{"path": "/x", "resourceMethods": {"GET": {
        "authorizationType": "NONE", "methodIntegration": {"type": "NOPE"}}}}]})  # fmt: skip
    with pytest.raises(BuilderError) as caught:
        builder.api_draft_save(api_id="pets", text=text, base_revision=1)
    assert caught.value.status == 400
    assert all(where.startswith("definition.") for where, _ in caught.value.errors)
    assert "type" in " ".join(where for where, _ in caught.value.errors)


def test_yaml_is_accepted_and_aliases_are_not() -> None:
    assert builder.parse_definition("name: pets\nprotocolType: REST\n") == {
        "name": "pets",
        "protocolType": "REST",
    }
    with pytest.raises(BuilderError, match="anchors"):
        builder.parse_definition("a: &x [1]\nb: *x\n")
    with pytest.raises(BuilderError, match="line 2"):
        builder.parse_definition("a: [1\nb: {")


def test_deployments_are_immutable_in_model_queryset_and_database_8() -> None:
    """§8: a deployment is an immutable snapshot: save, update() and a raw UPDATE all fail."""
    record = _api()
    row = builder.api_deploy(api_id="pets", stage_name="prod", base_revision=record.draft_revision)
    row.definition = {"changed": True}
    with pytest.raises(DeploymentImmutableError):
        row.save()
    with pytest.raises(DeploymentImmutableError):
        ApiDeployment.objects.filter(pk=row.pk).update(description="x")
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE livegw_apideployment SET description = 'x' WHERE id = %s", [row.pk])
    assert ApiDeployment.objects.get(pk=row.pk).definition == record.definition


def test_diff_between_any_two_deployments_and_the_draft() -> None:
    record = _api()
    first = builder.api_deploy(api_id="pets", stage_name="prod", base_revision=1)
    record = builder.api_draft_save(api_id="pets", text=_with_mock(record, "/v", '{"v": 2}'), base_revision=1)
    second = builder.api_deploy(api_id="pets", stage_name="prod", base_revision=record.draft_revision)
    lines = builder.deployment_diff(record, first.deployment_id, second.deployment_id)
    added = [line.text for line in lines if line.kind == "add"]
    assert any('"/v"' in text for text in added) and not [line for line in lines if line.kind == "del"]
    backwards = builder.deployment_diff(record, second.deployment_id, first.deployment_id)
    assert [line.kind for line in backwards if line.kind in ("add", "del")] == ["del"] * len(added)
    assert builder.deployment_diff(record, second.deployment_id, builder.DRAFT) == []
    with pytest.raises(BuilderError) as caught:
        builder.deployment_diff(record, "nope00", first.deployment_id)
    assert caught.value.errors[0][0] == "a"


def test_rollback_serves_the_earlier_deployment_and_refuses_a_stale_stage() -> None:
    record = _api()
    first = builder.api_deploy(api_id="pets", stage_name="prod", base_revision=1)
    record = builder.api_draft_save(api_id="pets", text=_with_mock(record, "/v", '{"v": 2}'), base_revision=1)
    builder.api_deploy(api_id="pets", stage_name="prod", base_revision=record.draft_revision)
    assert _served("pets", "/v")[0] == 200
    stale = builder.stage_etag(record.stage("prod"))  # the form was opened before the second deploy
    with pytest.raises(StaleError):
        builder.stage_rollback(
            api_id="pets", stage_name="prod", deployment_id=first.deployment_id, etag=stale
        )
    current = builder.stage_etag(builder.api_get("pets").stage("prod"))
    builder.stage_rollback(api_id="pets", stage_name="prod", deployment_id=first.deployment_id, etag=current)
    assert _served("pets", "/v")[0] == 403 and _served("pets", "/hello")[0] == 200
    with pytest.raises(BuilderError) as caught:
        builder.stage_rollback(api_id="pets", stage_name="prod", deployment_id="zzzzzz", etag=None)
    assert caught.value.errors[0][0] == "deployment"


def test_rollback_to_another_apis_deployment_is_refused() -> None:
    _api("one")
    other = _api("two")
    theirs = builder.api_deploy(api_id="two", stage_name="prod", base_revision=other.draft_revision)
    with pytest.raises(BuilderError):
        builder.stage_rollback(api_id="one", stage_name="prod", deployment_id=theirs.deployment_id, etag=None)


def test_canary_deploy_and_promote_8() -> None:
    """§8: a canary deployment needs an existing stage with canary settings; promote moves it to the stage."""
    record = _api()
    stable = builder.api_deploy(api_id="pets", stage_name="prod", base_revision=1)
    with pytest.raises(BuilderError) as caught:
        builder.api_deploy(api_id="pets", stage_name="prod", base_revision=1, canary=True)
    assert caught.value.errors[0][0] == "canary"
    etag = builder.stage_etag(builder.api_get("pets").stage("prod"))
    builder.stage_settings_save(
        api_id="pets", stage_name="prod", etag=etag,
        settings=StageSettings(variables={"version": "v1"}, canary_percent=100.0, canary_overrides={"version": "v2"}),
    )  # fmt: skip
    record = builder.api_draft_save(api_id="pets", text=_with_mock(record, "/v", '{"v": 2}'), base_revision=1)
    canary = builder.api_deploy(
        api_id="pets", stage_name="prod", base_revision=record.draft_revision, canary=True
    )
    stage = builder.api_get("pets").stage("prod")
    assert stage["deploymentId"] == stable.deployment_id
    assert stage["canarySettings"]["deploymentId"] == canary.deployment_id
    assert _served("pets", "/v") == (200, b'{"v": 2}')  # 100 % to the canary
    with pytest.raises(BuilderError):  # §8: no other non-canary deployment while the canary exists
        builder.stage_rollback(
            api_id="pets", stage_name="prod", deployment_id=stable.deployment_id, etag=None
        )
    promoted = builder.canary_promote(api_id="pets", stage_name="prod", etag=builder.stage_etag(stage))
    assert promoted["deploymentId"] == canary.deployment_id and "canarySettings" not in promoted
    assert promoted["variables"] == {"version": "v2"}
    assert _served("pets", "/v") == (200, b'{"v": 2}')
    with pytest.raises(BuilderError, match="Canary does not exist"):
        builder.canary_promote(api_id="pets", stage_name="prod", etag=None)


def test_promote_with_a_stale_stage_is_refused() -> None:
    _api()
    builder.api_deploy(api_id="pets", stage_name="prod", base_revision=1)
    etag = builder.stage_etag(builder.api_get("pets").stage("prod"))
    builder.stage_settings_save(
        api_id="pets", stage_name="prod", etag=etag, settings=StageSettings(canary_percent=10.0)
    )
    with pytest.raises(StaleError):
        builder.canary_promote(api_id="pets", stage_name="prod", etag=etag)


def test_stage_settings_throttle_and_bad_values_name_the_field_3_2() -> None:
    """Stage settings take effect without a redeploy (§8); the engine's ConfigError names the bad field."""
    _api()
    builder.api_deploy(api_id="pets", stage_name="prod", base_revision=1)
    etag = builder.stage_etag(builder.api_get("pets").stage("prod"))
    stage = builder.stage_settings_save(
        api_id="pets",
        stage_name="prod",
        etag=etag,
        settings=StageSettings(throttling_rate=1, throttling_burst=1),
    )
    assert stage["methodSettings"]["*/*"] == {"throttlingRateLimit": 1, "throttlingBurstLimit": 1}
    assert [_served("pets", "/hello")[0] for _ in range(3)][1:] == [429, 429]
    with pytest.raises(BuilderError) as caught:
        builder.stage_settings_save(
            api_id="pets",
            stage_name="prod",
            etag=builder.stage_etag(stage),
            settings=StageSettings(cache_size="3"),
        )
    assert caught.value.errors[0][0] == "stage.cacheClusterSize"
    with pytest.raises(BuilderError) as caught:
        builder.stage_settings_save(
            api_id="pets", stage_name="prod", etag=None, settings=StageSettings(variables={"bad name": "x"})
        )
    assert caught.value.errors[0][0].startswith("stage.variables")


def test_a_new_stage_is_created_and_deploy_can_target_it() -> None:
    _api()
    builder.stage_settings_save(api_id="pets", stage_name="dev", etag=None, settings=StageSettings())
    row = builder.api_deploy(api_id="pets", stage_name="dev", base_revision=1)
    assert builder.api_get("pets").stage("dev")["deploymentId"] == row.deployment_id


def test_http_apis_have_no_cache_or_canary() -> None:
    builder.api_create(api_id="h", kind="HTTP", name="h")
    with pytest.raises(BuilderError):
        builder.stage_settings_save(
            api_id="h", stage_name="$default", etag=None, settings=StageSettings(canary_percent=5.0)
        )
    stage = builder.stage_settings_save(
        api_id="h",
        stage_name="$default",
        etag=None,
        settings=StageSettings(throttling_rate=2, throttling_burst=3),
    )
    assert stage["defaultRouteSettings"] == {"throttlingRateLimit": 2, "throttlingBurstLimit": 3}


def test_seed_demo_deploys_once_and_is_idempotent() -> None:
    from django.core.management import call_command

    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    record = builder.api_get("demo-rest")
    assert record.deployment_rows.count() == 1
    only = record.deployment_rows.get().deployment_id
    assert {s["deploymentId"] for s in record.stages} == {only}
    assert _served("demo-rest", "/hello")[0] == 200


def test_an_http_api_deploys_to_default_and_serves_its_deployment() -> None:
    """An HTTP API's $default stage serves the deployment it points at (the draft may differ)."""
    record = builder.api_create(api_id="h2", kind="HTTP", name="h2")
    row = builder.api_deploy(api_id="h2", stage_name="$default", base_revision=1)
    draft = {**record.definition, "routes": []}
    record = builder.api_draft_save(api_id="h2", text=builder.definition_text(draft), base_revision=1)
    assert record.stage("$default")["deploymentId"] == row.deployment_id
    pipeline = _build((record.definition, record.stages, builder.served_definitions(record)), "$default")
    response = pipeline.run(Request.build("GET", "/hello", client=Client(source_ip="127.0.0.1"))).response
    assert response.status == 200  # the deployment's GET /hello, not the draft's empty routes
