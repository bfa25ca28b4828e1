"""Gateway Lab's engine: a pure-Python simulation of Amazon API Gateway's request pipeline.

This module is the engine's public API. Front ends (the REST API, the visualizer, the live
gateway, lab access, lessons) import from here, and from ``gateway_lab.engine.websocket`` for the
WebSocket gateway, and from nowhere else in the engine (``tests/engine/test_architecture.py``).
Everything else under ``gateway_lab/engine`` is internal and may move.

The usual path::

    deployment = deploy(definition)               # ConfigError (a 400) for an invalid API
    pipeline = build_pipeline(api=deployment, stage={"stageName": "prod"}, clock=SystemClock(),
                              store=MemoryStore(), runtime=runtime)
    trace = pipeline.run(Request(method="GET", path="/pets"))
    trace_to_dict(trace)                          # the trace schema (DESIGN.md)

or, for a scheduled burst on the virtual clock, ``simulate(...)`` -> ``Simulation``.

No Django here (the architecture test enforces that too).
"""

from __future__ import annotations

from .access.directory import AccessDirectory, load_access
from .access.iam_policy import PolicyDecision
from .access.iam_policy import evaluate as evaluate_policy
from .access.jwt import DEFAULT_SCOPES, LabUser, LabUserPool, Tokens, UserPoolError, generate_private_key
from .access.jwt_check import verify_signature
from .access.sigv4 import LabCredential, create_credential, sign
from .clock import VIRTUAL_EPOCH_MS, Clock, SystemClock, VirtualClock
from .context import DEFAULT_ACCOUNT_ID
from .integrations import IntegrationRuntime
from .integrations.functions import current_invocation
from .integrations.lab_stores import LabServices
from .messages import Client, Headers, Request, Response
from .model import ApiType, ConfigError, Deployment
from .model_load import api_type_of, deploy, load_api, load_stage
from .pipeline import Pipeline, build_pipeline
from .presets import PresetNotFound, key_request, list_presets, load_preset
from .redaction import redact, redact_headers
from .simulate import simulate
from .simulation import (
    MAX_BODY_BYTES,
    MAX_REQUESTS_PER_SIMULATION,
    MAX_VIRTUAL_DURATION_MS,
    Simulation,
)
from .stages import DEFAULT_STAGE_ORDER
from .state import MemoryStore, Store
from .token_bucket import Take, take
from .trace import SCHEMA_VERSION, StageName, Trace, response_to_dict, trace_to_dict, trace_to_json

__all__ = [
    # Loading an API definition and a stage (every validity rule raises ConfigError)
    "ApiType",
    "api_type_of",
    "ConfigError",
    "Deployment",
    "deploy",
    "load_api",
    "load_stage",
    # Running requests: one pipeline, many front ends
    "Client",
    "Headers",
    "Pipeline",
    "Request",
    "Response",
    "build_pipeline",
    "DEFAULT_STAGE_ORDER",
    "IntegrationRuntime",
    "current_invocation",
    "LabServices",
    # Clocks and shared state (token buckets, cache, quotas)
    "Clock",
    "MemoryStore",
    "Store",
    "SystemClock",
    "Take",
    "VIRTUAL_EPOCH_MS",
    "VirtualClock",
    "take",
    # Simulations on the virtual clock, and the presets that feed them
    "MAX_BODY_BYTES",
    "MAX_REQUESTS_PER_SIMULATION",
    "MAX_VIRTUAL_DURATION_MS",
    "PresetNotFound",
    "Simulation",
    "key_request",
    "list_presets",
    "load_preset",
    "simulate",
    # The trace schema (DESIGN.md), redacted before anyone else sees it
    "SCHEMA_VERSION",
    "StageName",
    "Trace",
    "redact",
    "redact_headers",
    "response_to_dict",
    "trace_to_dict",
    "trace_to_json",
    # Lab identities: IAM (SigV4), Cognito-style JWTs, policies
    "AccessDirectory",
    "DEFAULT_ACCOUNT_ID",
    "DEFAULT_SCOPES",
    "LabCredential",
    "LabUser",
    "LabUserPool",
    "PolicyDecision",
    "Tokens",
    "UserPoolError",
    "create_credential",
    "evaluate_policy",
    "generate_private_key",
    "load_access",
    "sign",
    "verify_signature",
]
