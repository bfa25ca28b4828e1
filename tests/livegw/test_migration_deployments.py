"""Migration 0002 (issue 12): the JSON list of deployment snapshots becomes immutable rows, one per id."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)
BEFORE, AFTER = [("livegw", "0001_initial")], [("livegw", "0002_deployments")]


def test_json_deployments_become_rows_and_the_trigger_guards_them() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("livegw", "ApiDefinitionRecord")
    definition = {"id": "pets", "protocolType": "REST", "resources": []}
    old.objects.create(
        api_id="pets", definition=definition, stages=[{"stageName": "prod", "deploymentId": "abc123"}],
        deployments=[{"id": "abc123", "definition": definition}, {"id": "abc123", "definition": {}}, "junk"],
    )  # fmt: skip
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps.get_model("livegw", "ApiDeployment")
    rows = list(new.objects.values_list("api__api_id", "deployment_id", "definition"))
    assert rows == [("pets", "abc123", definition)]
    with pytest.raises(Exception, match="immutable"), connection.cursor() as cursor:
        cursor.execute("UPDATE livegw_apideployment SET description = 'changed'")
