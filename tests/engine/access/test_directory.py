"""The account's access resources, loaded once per deployed snapshot (GATEWAY_FACTS.md §7.4; issue 11).

The directory of an API's ``labAccess`` lives on its ``Deployment`` (no module-level cache keyed by
``id()``): every pipeline of one snapshot sees the same user pools, from any thread, and a copy of
the snapshot in another process builds its own.
"""

from __future__ import annotations

import pickle
import threading

from gateway_lab.engine.access.directory import EMPTY, AccessDirectory, access_of
from gateway_lab.engine.clock import VIRTUAL_EPOCH_MS, VirtualClock
from gateway_lab.engine.integrations import IntegrationRuntime
from gateway_lab.engine.messages import Request
from gateway_lab.engine.model import Deployment
from gateway_lab.engine.model_load import deploy
from gateway_lab.engine.pipeline import Pipeline, build_pipeline
from gateway_lab.engine.state import MemoryStore

from .pipelines import rest_api

POOL = "us-east-1_Directory"


def _cognito_api() -> dict:
    authorizer = {
        "id": "cog",
        "type": "COGNITO_USER_POOLS",
        "providerARNs": [f"arn:aws:cognito-idp:us-east-1:123456789012:userpool/{POOL}"],
    }
    access = {
        "userPools": [
            {
                "id": POOL,
                "clientIds": ["app"],
                "users": [{"username": "maria", "password": "correct horse battery"}],
            }
        ]
    }
    method = {"authorizationType": "COGNITO_USER_POOLS", "authorizerId": "cog"}
    return rest_api(method, extra={"authorizers": [authorizer], "labAccess": access})


def _pipeline(deployment: Deployment) -> Pipeline:
    clock = VirtualClock()
    return build_pipeline(
        api=deployment,
        stage={"stageName": "prod"},
        clock=clock,
        store=MemoryStore(clock),
        runtime=IntegrationRuntime.default(clock=clock),
    )


def _directory(pipeline: Pipeline) -> AccessDirectory:
    return access_of(pipeline.start(Request.build("GET", "/pets")))


def test_pipelines_of_one_deployment_share_its_user_pools() -> None:
    """§7.4: a token from the pool one pipeline loaded verifies through another pipeline of the same snapshot."""
    deployment = deploy(_cognito_api())
    first, second = _pipeline(deployment), _pipeline(deployment)
    assert _directory(first) is _directory(second)
    tokens = (
        _directory(first)
        .user_pools[POOL]
        .sign_in("maria", "correct horse battery", client_id="app", now_s=int(VIRTUAL_EPOCH_MS / 1000))
    )
    trace = second.run(Request.build("GET", "/pets", headers={"Authorization": tokens.id_token}))
    assert (trace.step("auth").outcome, trace.response.status) == ("pass", 200)


def test_two_deployments_of_the_same_definition_have_their_own_pools() -> None:
    """Issue 11: the directory belongs to the snapshot, never to whatever object once had the same id()."""
    one, other = deploy(_cognito_api()), deploy(_cognito_api())
    assert _directory(_pipeline(one)) is not _directory(_pipeline(other))


def test_threads_loading_one_deployment_get_one_directory() -> None:
    """Issue 11: eight threads asking at once build one set of pool keys, not one each."""
    deployment = deploy(_cognito_api())
    pipeline = _pipeline(deployment)
    start, found = threading.Barrier(8), []

    def load() -> None:
        ctx = pipeline.start(Request.build("GET", "/pets"))
        start.wait()
        found.append(access_of(ctx))

    threads = [threading.Thread(target=load) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(found) == 8 and all(directory is found[0] for directory in found)


def test_a_pickled_deployment_builds_its_own_directory() -> None:
    """Issue 11: a snapshot sent to another process carries no lock and no keys; it loads its own there."""
    deployment = deploy(_cognito_api())
    loaded = _directory(_pipeline(deployment))
    copy = pickle.loads(pickle.dumps(deployment))
    assert copy == deployment
    again = _directory(_pipeline(copy))
    assert set(again.user_pools) == {POOL} and again is not loaded


def test_an_api_without_lab_access_has_the_empty_directory() -> None:
    """No ``labAccess`` block: nothing is loaded and nothing is kept on the deployment."""
    deployment = deploy(rest_api({}))
    assert _directory(_pipeline(deployment)) is EMPTY
    assert "access" not in deployment.derived
