"""Request validation stage (REST, §5.2, §6.4): required parameters and JSON Schema draft-4 body models."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any

from jsonschema import Draft4Validator, ValidationError, validators

from .. import bounded_regex
from ..context import Context, GatewayError
from ..model import ApiType
from ..text import Text
from ..trace import Outcome, StageName, Step
from .base import record, stamp, template

VALIDATION_MS = 0.3
LESSON = "integrations#request-validation"

NOT_REST = Text("No request validation")
NOT_REST_WHY = Text("Only REST APIs validate requests against method settings and models.")
NO_VALIDATOR = Text("No validator on this method")
NO_VALIDATOR_WHY = Text("The method has no request validator, so nothing is checked here.")
MISSING = Text("Missing required parameters")
MISSING_WHY = Text(
    "The method requires {missing}; the request lacks them, so API Gateway answers 400 without calling the backend."
)
BAD_BODY = Text("Body does not match the model")
BAD_BODY_WHY = Text(
    'The body fails the method\'s model: {error}. API Gateway answers 400 "Invalid request body" '
    "without calling the backend."
)
NOT_JSON = "the body is not valid JSON"
NOT_JSON_TEXT = Text(NOT_JSON)
VALID = Text("Request is valid")
CHECKED = {
    ("parameters",): Text("Validator {name} checked the parameters; all good."),
    ("body",): Text("Validator {name} checked the body; all good."),
    ("parameters", "body"): Text("Validator {name} checked the parameters and body; all good."),
    (): Text("Validator {name} checked nothing; all good."),
}


# The two skips say the same for every request: recorded once, stamped with each request's time.
_NOT_REST_STEP = template(
    StageName.VALIDATION, Outcome.SKIP, NOT_REST(), NOT_REST_WHY(), fact="1.1", lesson=LESSON
)
_NO_VALIDATOR_STEP = template(
    StageName.VALIDATION, Outcome.SKIP, NO_VALIDATOR(), NO_VALIDATOR_WHY(), fact="6.4", lesson=LESSON
)


class ValidationStage:
    name = StageName.VALIDATION

    def evaluate(self, ctx: Context) -> Step:
        if ctx.api.api_type != ApiType.REST or ctx.match is None:
            return stamp(ctx, _NOT_REST_STEP)
        method = ctx.match.method
        validator = ctx.api.request_validators.get(method.request_validator_id or "")
        if validator is None:
            return stamp(ctx, _NO_VALIDATOR_STEP)
        checked = []
        if validator.get("validateRequestParameters"):
            checked.append("parameters")
            missing = missing_parameters(ctx, method.request_parameters)
            if missing:
                message = f"Missing required request parameters: [{', '.join(missing)}]"
                ctx.error = GatewayError(response_type="BAD_REQUEST_PARAMETERS", message=message)
                return record(
                    ctx,
                    self.name,
                    Outcome.REJECT,
                    MISSING(),
                    MISSING_WHY(missing=tuple(missing)),
                    detail={"missing": missing},
                    duration_ms=VALIDATION_MS,
                    fact="5.2",
                    lesson=LESSON,
                )
        if validator.get("validateRequestBody"):
            checked.append("body")
            errors = body_errors(ctx)
            if errors:
                ctx.error = GatewayError(response_type="BAD_REQUEST_BODY")
                ctx.facts["validation_errors"] = errors
                return record(
                    ctx,
                    self.name,
                    Outcome.REJECT,
                    BAD_BODY(),
                    BAD_BODY_WHY(error=NOT_JSON_TEXT() if errors[0] == NOT_JSON else errors[0]),
                    detail={"errors": errors},
                    duration_ms=VALIDATION_MS,
                    fact="5.2",
                    lesson=LESSON,
                )
        return record(
            ctx,
            self.name,
            Outcome.PASS,
            VALID(),
            CHECKED[tuple(checked)](name=repr(validator.get("name", ""))),
            detail={"checked": checked},
            duration_ms=VALIDATION_MS,
            fact="6.4",
            lesson=LESSON,
        )


def missing_parameters(ctx: Context, declared: Mapping[str, bool]) -> list[str]:
    """Return the names of required ``method.request.*`` parameters the request does not carry."""
    request, missing = ctx.request, []
    for name, required in declared.items():
        if not required:
            continue
        location, _, param = name.removeprefix("method.request.").partition(".")
        if location == "querystring":
            present = bool(request.query_values(param))
        elif location == "header":
            present = param in request.headers
        elif location == "path":
            present = bool(ctx.match and ctx.match.path_parameters.get(param))
        else:
            present = True
        if not present:
            missing.append(param)
    return missing


def body_errors(ctx: Context) -> list[str]:
    """Return schema errors of the body against the model for its content type (empty when valid)."""
    models = ctx.match.method.request_models if ctx.match else {}
    content_type = ctx.request.headers.get("content-type", "application/json").split(";")[0].strip()
    model_name = models.get(content_type) or models.get("$default")
    model = ctx.api.models.get(model_name or "")
    if model is None:
        return []
    try:
        body: Any = json.loads(ctx.request.body or b"null")
    except ValueError:
        return [NOT_JSON]
    schema = model.get("schema") or {}
    # AWS stores a model's schema as a JSON string; the lab also accepts it inline.
    schema_json = schema if isinstance(schema, str) else json.dumps(schema, sort_keys=True)
    return [_describe(error) for error in _validator(schema_json).iter_errors(body)]


def _bounded_pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[ValidationError]:
    """JSON Schema ``pattern`` with a time limit: a runaway pattern fails validation (issue 16)."""
    if validator.is_type(instance, "string") and bounded_regex.search(pattern, instance) is not True:
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


# Draft 4 (§6.4) with the one keyword that runs a user's regular expression bounded in time.
_BoundedDraft4 = validators.extend(Draft4Validator, {"pattern": _bounded_pattern})


@lru_cache(maxsize=256)
def _validator(schema_json: str) -> Draft4Validator:
    schema = json.loads(schema_json)
    return _BoundedDraft4(schema)


def _describe(error: Any) -> str:
    where = "/".join(str(p) for p in error.absolute_path)
    return f"{where}: {error.message}" if where else error.message
