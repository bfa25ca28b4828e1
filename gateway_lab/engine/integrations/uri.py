"""Integration URIs: stage-variable substitution (§8) and the parts of Lambda and AWS service ARNs (§6.4)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from .types import IntegrationConfigError

_STAGE_VARIABLE = re.compile(r"\$\{stageVariables\.([A-Za-z0-9_]+)\}")
_LAMBDA_URI = re.compile(r":lambda:path/[^/]+/functions/(?P<arn>.+?)/invocations$")
_AWS_URI = re.compile(
    r"^arn:aws:apigateway:(?P<region>[^:]*):(?P<service>[^:]+):(?P<kind>path|action)/(?P<rest>.+)$"
)


def substitute_stage_variables(text: str, stage_variables: Mapping[str, str]) -> str:
    """Replace ``${stageVariables.name}``; a missing variable becomes an empty string (§6.4, §8)."""
    return _STAGE_VARIABLE.sub(lambda m: stage_variables.get(m.group(1), ""), text)


def lambda_function_name(uri: str) -> str:
    """Return the function name in a Lambda invocation URI (``...:function:NAME[:alias]/invocations``)."""
    match = _LAMBDA_URI.search(uri)
    if not match:
        raise IntegrationConfigError(f"Invalid Lambda integration URI: {uri!r}")
    arn = match["arn"]
    if ":function:" in arn:
        return arn.split(":function:", 1)[1].split(":", 1)[0]
    return arn  # a bare function name


def aws_service_target(uri: str) -> tuple[str, str, str]:
    """Return (service, "path"|"action", rest) of an ``arn:aws:apigateway:{region}:{service}:...`` URI."""
    match = _AWS_URI.match(uri)
    if not match:
        raise IntegrationConfigError(f"Invalid AWS service integration URI: {uri!r}")
    return match["service"], match["kind"], match["rest"]
