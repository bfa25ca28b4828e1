"""Access control (GATEWAY_FACTS.md §3, §7): who may call an API, and how much.

Internal to the engine: front ends import the public names from ``gateway_lab.engine``. What
lives where (tests mirror it in ``tests/engine/access/``):

Identities and credentials
    ``sigv4``            AWS Signature Version 4: ``verify`` (``SigV4Verified | SigV4Refused``), ``sign``;
                         re-exports the two halves below, so ``sigv4.<name>`` is the one import path.
    ``sigv4_signing``    the canonical request, string to sign, signing key, the lab's signer.
    ``sigv4_errors``     every SigV4 failure as data (status, error type, AWS's message).
    ``jwt``              lab Cognito user pools: users, sign-in, ID/access tokens, JWKS.
    ``jwt_check``        checking a token as a Cognito (REST) or JWT (HTTP API) authorizer does.

Policies and authorizers
    ``iam_policy``       policy evaluation (resource, identity and authorizer policies), Tables A/B.
    ``iam_conditions``   ``Condition`` operators and IAM's ``*``/``?`` wildcards (no regex).
    ``authorizers``      Lambda authorizers: identity sources, events, output rules, result cache.
    ``usage_plan``       API keys, usage plans, their throttles and quota windows.
    ``directory``        the account's ``AccessDirectory`` (IAM users, keys, plans, pools),
                         ``access_of(ctx)``, and ``DeploymentAccess``: what access control keeps on
                         a ``Deployment`` (its ``labAccess`` loaded once, authorizer settings, the
                         verdicts a cache hit or a known IAM caller reuses); nothing keyed by id().
    ``manage_auth``      who may call a WebSocket API's ``@connections`` (SigV4 + ManageConnections).

Pipeline stages (``stages/``, in the chain of ``engine.stages.STAGES``)
    ``resource_policy``  the API's resource policy (§7.5).
    ``auth``             picks the method's authorizer and hands over to ``auth_iam`` (SigV4 + IAM),
                         ``auth_tokens`` (Cognito user pools, JWT) or ``auth_lambda`` (Lambda).
    ``api_key``          the API key, its usage plan's throttle and quota (§3.3).
    ``common``           what those stages share: request ARNs, condition keys, the resource-policy
                         join, and the gateway responses that refuse a request (401, 403, 500).
"""
