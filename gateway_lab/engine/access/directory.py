"""The account's access-control resources: IAM users' access keys, API keys, usage plans, user pools.

In AWS these live in the account, not in an API. The lab reads them from ``Context.access`` when
the composition root provides one, else from the API JSON's ``labAccess`` block (presets carry it
there), loaded once per deployed API because user pools hold generated RSA keys (on the
``Deployment``, see ``DeploymentAccess``). Shape::

    "labAccess": {
      "iamUsers": [{"userName": "svc", "accessKeys": [{"accessKeyId": "AKIA…", "secretAccessKey": "…"}],
                    "policy": {"Version": "2012-10-17", "Statement": […]}}],
      "apiKeys": [{"id": "k1", "value": "…20+ chars…", "name": "acme", "enabled": true}],
      "usagePlans": [{"id": "p1", "apiStages": [{"apiId": "…", "stage": "prod"}], "keys": ["k1"],
                      "throttle": {"rateLimit": 5, "burstLimit": 10}, "quota": {"limit": 100, "period": "DAY"}}],
      "userPools": [{"id": "us-east-1_Lab", "clientIds": ["…"], "users": [{"username": "…", "password": "…"}]}]
    }
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives import serialization

from ..context import Context
from ..model import Deployment
from .jwt import LabUserPool
from .sigv4 import LabCredential
from .usage_plan import ApiKey, UsagePlan, load_api_key, load_usage_plan


@dataclass(frozen=True, slots=True, kw_only=True)
class AccessDirectory:
    account_id: str = "123456789012"
    credentials: Mapping[str, LabCredential] = field(default_factory=dict)  # by access key id
    api_keys: tuple[ApiKey, ...] = ()
    usage_plans: tuple[UsagePlan, ...] = ()
    user_pools: Mapping[str, LabUserPool] = field(default_factory=dict)  # by pool id

    def pool_for_issuer(self, issuer: str) -> LabUserPool | None:
        return next((p for p in self.user_pools.values() if p.issuer == issuer.rstrip("/")), None)

    def pool_for_arn(self, arn: str) -> LabUserPool | None:
        return self.user_pools.get(arn.rpartition("/")[2])


EMPTY = AccessDirectory()


def _credentials(users: Any, account_id: str) -> dict[str, LabCredential]:
    found = {}
    for user in users or ():
        arn = f"arn:aws:iam::{account_id}:user/{user['userName']}"
        for key in user.get("accessKeys") or ():
            found[key["accessKeyId"]] = LabCredential(
                access_key_id=key["accessKeyId"],
                secret_access_key=key["secretAccessKey"],
                user_arn=arn,
                account_id=str(user.get("accountId", account_id)),
                session_token=key.get("sessionToken"),
                policy=user.get("policy"),
            )
    return found


def _pool(raw: Mapping[str, Any], region: str) -> LabUserPool:
    # A preset may pin the key (privateKeyPem) so that its pre-issued tokens verify; otherwise one is generated.
    pem = raw.get("privateKeyPem")
    key = serialization.load_pem_private_key(pem.encode(), password=None) if pem else None
    pool = LabUserPool(
        private_key=key,  # type: ignore[arg-type]
        pool_id=str(raw["id"]),
        region=str(raw.get("region", region)),
        client_ids=raw.get("clientIds") or ("labclient",),
    )
    for user in raw.get("users") or ():
        pool.sign_up(
            user["username"],
            user["password"],
            attributes=user.get("attributes"),
            groups=user.get("groups") or (),
        )
    return pool


def load_access(
    raw: Mapping[str, Any] | None, *, account_id: str = "123456789012", region: str = "us-east-1"
) -> AccessDirectory:
    """Build a directory from ``labAccess`` JSON (see the module docstring)."""
    if not raw:
        return EMPTY
    return AccessDirectory(
        account_id=account_id,
        credentials=_credentials(raw.get("iamUsers"), account_id),
        api_keys=tuple(load_api_key(k) for k in raw.get("apiKeys") or ()),
        usage_plans=tuple(load_usage_plan(p) for p in raw.get("usagePlans") or ()),
        user_pools={str(p["id"]): _pool(p, region) for p in raw.get("userPools") or ()},
    )


class DeploymentAccess:
    """What access control derives from one deployed snapshot, kept on it (``Deployment.derived``).

    The ``labAccess`` directory per account (loaded once: user pools generate RSA keys, and every
    request must see the same keys), the Lambda authorizers' checked settings and cached verdicts
    (``stages.auth_lambda``), and IAM callers' identity-policy verdicts per method ARN
    (``stages.auth_iam``). Safe for threads: the directory is built under a lock; the other dicts
    only take complete, immutable entries (a full one is emptied, never trimmed), and an entry
    built twice by two threads is the same verdict. A copy in another process (pickle) starts
    empty and builds its own.
    """

    __slots__ = ("_directories", "_lock", "authorizers", "identities", "verdicts")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._directories: dict[str, AccessDirectory] = {}
        self.authorizers: dict[str, Any] = {}  # authorizer id -> settings
        self.verdicts: dict[tuple[str, str], Any] = {}  # (result-cache key, method ARN) -> verdict
        self.identities: dict[tuple[str, str], Any] = {}  # (access key id, method ARN) -> verdict

    def __reduce__(self) -> tuple[type[DeploymentAccess], tuple[()]]:
        return (DeploymentAccess, ())

    def directory(self, raw: Mapping[str, Any], *, account_id: str, region: str) -> AccessDirectory:
        """Return the directory of ``raw`` (this snapshot's ``labAccess``) for ``account_id``."""
        found = self._directories.get(account_id)
        if found is None:
            with self._lock:  # two threads must not build two pools with different keys
                found = self._directories.get(account_id)
                if found is None:
                    found = load_access(raw, account_id=account_id, region=region)
                    self._directories[account_id] = found
        return found


def deployment_access(deployment: Deployment) -> DeploymentAccess:
    """Return what access control keeps on ``deployment``, creating it on first use."""
    found: DeploymentAccess | None = deployment.derived.get("access")
    if found is None:
        found = deployment.derived.setdefault("access", DeploymentAccess())  # atomic: one wins
    return found


def access_of(ctx: Context) -> AccessDirectory:
    """Return the directory for this request: ``ctx.access`` if the pipeline has one, else the API's ``labAccess``."""
    given = ctx.access
    if given is not None:
        return given
    raw = ctx.api.raw.get("labAccess")
    if not raw:
        return EMPTY
    access = deployment_access(ctx.deployment)
    return access.directory(raw, account_id=ctx.account.account_id, region=ctx.api.region)
