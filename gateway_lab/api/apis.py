"""REST API views: one APIView per operation, nested Input/Output serializers (HackSoft style).

Validate → call a service → serialize. Every invalid input is a 400 with field errors: DRF's
validation for shapes and bounds, the engine's ``ConfigError`` for definitions it refuses.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from gateway_lab.engine import ConfigError

from . import services
from .parsers import BoundedJSONParser, body_too_big_message
from .ratelimit import SimulationRateThrottle
from .services import LIMITS

logger = logging.getLogger(__name__)
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
MAX_REQUEST_SPECS = 100


def config_error_detail(error: ConfigError) -> dict[str, list[str]]:
    """Return the engine's ``(field, message)`` pairs as DRF-style field errors."""
    detail: dict[str, list[str]] = {}
    for field_path, message in error.errors:
        detail.setdefault(field_path or "non_field_errors", []).append(message)
    return detail


class JsonApiView(APIView):
    """An APIView whose body problems are JSON 400s: too large (Django's check) or too deeply nested."""

    parser_classes = (BoundedJSONParser,)

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, RequestDataTooBig):
            return Response(
                {"non_field_errors": [body_too_big_message()]}, status=status.HTTP_400_BAD_REQUEST
            )
        return super().handle_exception(exc)


class ClientCertSerializer(serializers.Serializer):
    """The certificate a client presents for mutual TLS, in AWS's event field names (§6.1)."""

    subjectDN = serializers.CharField(max_length=512)  # noqa: N815 -- AWS's field name
    issuerDN = serializers.CharField(max_length=512)  # noqa: N815
    serialNumber = serializers.CharField(max_length=128, required=False)  # noqa: N815
    signatureAlgorithm = serializers.CharField(max_length=64, required=False)  # noqa: N815


class ClientSerializer(serializers.Serializer):
    source_ip = serializers.IPAddressField(required=False)
    region = serializers.RegexField(r"^[a-z]{2}(-[a-z]+)+-\d$", max_length=30, required=False)
    country = serializers.RegexField(r"^[A-Z]{2}$", required=False)
    user_agent = serializers.CharField(max_length=512, required=False)
    vpc_id = serializers.RegexField(r"^vpc-[0-9a-z]{1,40}$", required=False, allow_null=True)
    vpce_id = serializers.RegexField(r"^vpce-[0-9a-z]{1,40}$", required=False, allow_null=True)
    cert = ClientCertSerializer(required=False, allow_null=True)


class RequestSpecSerializer(serializers.Serializer):
    """One request, or ``count`` copies spread evenly over ``over_ms`` from ``at_ms`` (virtual ms)."""

    method = serializers.ChoiceField(choices=METHODS, default="GET")
    path = serializers.RegexField(r"^/[^?#\s]*$", max_length=2048, default="/")
    query = serializers.CharField(
        max_length=8192,
        allow_blank=True,
        required=False,
        help_text="Query string without '?', e.g. 'type=admin&type=user'.",
    )
    headers = serializers.DictField(
        child=serializers.CharField(max_length=8192, allow_blank=True), required=False
    )
    body = serializers.CharField(
        max_length=LIMITS["max_body_bytes"], allow_blank=True, trim_whitespace=False, required=False
    )
    client = ClientSerializer(required=False)
    at_ms = serializers.FloatField(min_value=0, max_value=LIMITS["max_virtual_duration_ms"], default=0.0)
    count = serializers.IntegerField(min_value=1, max_value=LIMITS["max_requests"], default=1)
    over_ms = serializers.FloatField(min_value=0, max_value=LIMITS["max_virtual_duration_ms"], default=0.0)
    label = serializers.CharField(max_length=100, allow_blank=True, required=False)
    # WebSocket APIs play a session (§9): each spec is an event of a named client's connection.
    event = serializers.ChoiceField(
        choices=("connect", "message", "disconnect", "post"),
        required=False,
        help_text="WEBSOCKET APIs only: the event (method, path and count do not apply).",
    )
    connection = serializers.RegexField(
        r"^[A-Za-z0-9_-]{1,64}$", required=False, help_text="WEBSOCKET APIs only: the client's name."
    )
    to = serializers.RegexField(
        r"^[A-Za-z0-9_-]{1,64}$", required=False, help_text="WEBSOCKET post: the client to push to."
    )
    code = serializers.IntegerField(min_value=1000, max_value=4999, required=False)

    def validate_headers(self, value: dict[str, str]) -> dict[str, str]:
        if len(value) > 100 or any(not name or len(name) > 256 for name in value):
            raise ValidationError("At most 100 headers, each name 1–256 characters.")
        return value


class SimulationCreateApi(JsonApiView):
    """Run requests through an API definition on a virtual clock and return every trace.

    Rate-limited per client (``SimulationRateThrottle``: 429 with ``Retry-After``); the body is
    JSON of bounded size and nesting (``BoundedJSONParser``); a definition or a run beyond the
    engine's bounds is a 400 with field errors.
    """

    throttle_classes = (SimulationRateThrottle,)

    @extend_schema_serializer(component_name="SimulationInput")
    class InputSerializer(serializers.Serializer):
        preset = serializers.SlugField(
            max_length=80,
            required=False,
            help_text="Start from a preset; api/stage/requests given here override it.",
        )
        api = serializers.JSONField(
            required=False, help_text="API definition in AWS JSON (see gateway_lab/engine/model_load.py)."
        )
        stage = serializers.JSONField(
            required=False,
            help_text="Stage JSON: stageName, methodSettings, ... Without it: $default for HTTP APIs, else prod.",
        )
        canary_api = serializers.JSONField(required=False, help_text="API JSON of the canary's deployment.")
        requests = RequestSpecSerializer(
            many=True, required=False, max_length=MAX_REQUEST_SPECS, min_length=1
        )
        client = ClientSerializer(required=False, help_text="The default client of requests that name none.")
        seed = serializers.IntegerField(min_value=0, max_value=2**32 - 1, default=0)
        include_traces = serializers.BooleanField(default=True)

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            if "preset" in attrs:
                try:
                    attrs = {**services.simulation_from_preset(name=attrs["preset"]), **attrs}
                except services.UnknownPreset as exc:
                    raise ValidationError({"preset": [f"No preset named {attrs['preset']!r}."]}) from exc
            missing = [name for name in ("api", "requests") if name not in attrs]
            if missing:
                raise ValidationError(
                    {name: ["This field is required without a preset."] for name in missing}
                )
            for name in ("api", "stage", "canary_api"):
                if name in attrs and not isinstance(attrs[name], dict):
                    raise ValidationError({name: ["Expected a JSON object."]})
            return attrs

    @extend_schema_serializer(component_name="Simulation")
    class OutputSerializer(serializers.Serializer):
        schema = serializers.IntegerField()
        results = serializers.ListField(
            child=serializers.JSONField(),
            help_text="Per request: t_ms, status, kind, buckets, response, trace.",
        )
        summary = serializers.JSONField()
        traces_truncated = serializers.BooleanField()
        limits = serializers.JSONField()

    @extend_schema(
        operation_id="simulations_create",
        request=InputSerializer,
        responses={
            200: OutputSerializer,
            400: OpenApiResponse(description="Field errors"),
            429: OpenApiResponse(description="Too many simulations from this client; see Retry-After"),
        },
        examples=[
            OpenApiExample(
                "A burst against a preset",
                value={
                    "preset": "fragile-backend",
                    "requests": [{"method": "GET", "path": "/orders", "count": 30, "over_ms": 1000}],
                },
                request_only=True,
            ),
            OpenApiExample(
                "Refused: a REST API with a JWT authorizer (400, as AWS refuses it at creation)",
                value={
                    "api": {
                        "id": "restjwt",
                        "protocolType": "REST",
                        "authorizers": [
                            {
                                "id": "jwt1",
                                "type": "JWT",
                                "identitySource": "$request.header.Authorization",
                                "jwtConfiguration": {
                                    "issuer": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Lab",
                                    "audience": ["lab-client"],
                                },
                            }
                        ],
                        "resources": [
                            {"path": "/", "resourceMethods": {"GET": {"authorizationType": "JWT"}}}
                        ],
                    },
                    "requests": [{"method": "GET", "path": "/"}],
                },
                request_only=True,
            ),
        ],
    )
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            result = services.simulation_run(
                api=data["api"],
                stage=data.get("stage"),
                requests=data["requests"],
                seed=data["seed"],
                canary_api=data.get("canary_api"),
                client=data.get("client"),
                include_traces=data["include_traces"],
            )
        except ConfigError as exc:
            return Response(config_error_detail(exc), status=status.HTTP_400_BAD_REQUEST)
        # The service writes the JSON itself (OutputSerializer documents its shape): 10,000 results
        # as small objects, then copied by a serializer, would leave a worker holding far more.
        return HttpResponse(result, content_type="application/json")


class PresetListApi(JsonApiView):
    """List the scenario presets the lessons and the visualizer share."""

    @extend_schema_serializer(component_name="PresetSummary")
    class OutputSerializer(serializers.Serializer):
        name = serializers.CharField()
        title = serializers.JSONField()
        description = serializers.JSONField(required=False)
        api_type = serializers.CharField()
        lessons = serializers.JSONField(required=False)
        facts = serializers.JSONField(required=False)

    @extend_schema(operation_id="presets_list", responses={200: OutputSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return Response(self.OutputSerializer(services.preset_list(), many=True).data)


class PresetDetailApi(JsonApiView):
    """Return one preset: its API and stage definitions, requests and what to notice."""

    @extend_schema(
        operation_id="presets_retrieve",
        responses={200: OpenApiResponse(description="The preset JSON"), 404: OpenApiResponse()},
    )
    def get(self, request: Request, name: str) -> Response:
        try:
            return Response(services.preset_get(name=name))
        except services.UnknownPreset as exc:
            raise NotFound(f"No preset named {name!r}.") from exc
