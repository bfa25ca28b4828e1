"""The account's access-control resources: IAM users' access keys, API keys, usage plans, user pools.

In AWS these live in the account, not in an API. The lab reads them from ``Context.access`` when
the composition root provides one, else from the API JSON's ``labAccess`` block (presets carry it
there), loaded once per deployed API because user pools hold generated RSA keys. Shape::

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

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives import serialization

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


_loaded: dict[int, tuple[Any, AccessDirectory]] = {}


def access_of(ctx: Any) -> AccessDirectory:
    """Return the directory for this request: ``ctx.access`` if the pipeline has one, else the API's ``labAccess``."""
    given = getattr(ctx, "access", None)
    if given is not None:
        return given
    raw = ctx.api.raw.get("labAccess")
    if not raw:
        return EMPTY
    cached = _loaded.get(id(raw))
    if cached is None or cached[0] is not raw:  # id() can be reused once a snapshot is gone
        if len(_loaded) > 64:  # edited APIs leave old snapshots behind; don't keep them all
            _loaded.clear()
        cached = (raw, load_access(raw, account_id=ctx.account.account_id, region=ctx.api.region))
        _loaded[id(raw)] = cached
    return cached[1]
