"""Integration responses for non-proxy integrations: ``selectionPattern``, templates, parameters (§6.4)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from .. import bounded_regex
from ..messages import Headers, Response
from . import errors, jsonpath, mapping
from .request_mapping import vtl_context, vtl_params
from .types import IntegrationCall, IntegrationError


def select(responses: Mapping[str, Any], selector: str) -> tuple[str, Mapping[str, Any]] | None:
    """Return the integration response whose ``selectionPattern`` matches ``selector``, else the default one.

    The pattern is a regex matched against the whole selector: Lambda's ``errorMessage``, or the
    backend's status code for HTTP integrations. The default response has no pattern.
    """
    default = None
    for status, config in responses.items():
        pattern = config.get("selectionPattern")
        if not pattern:
            default = default or (status, config)
        elif selector and _matches(str(pattern), selector):
            return status, config
    return default


def _matches(pattern: str, selector: str) -> bool:
    """Whole-string match of ``selectionPattern``; a broken or runaway pattern selects nothing (issue 16)."""
    return bounded_regex.fullmatch(pattern, selector) is True


def _parameter(
    source: str,
    *,
    body: str,
    headers: Headers,
    context: Mapping[str, Any],
    stage_variables: Mapping[str, str],
) -> str:
    if source.startswith("'") and source.endswith("'"):
        return source[1:-1]
    if source.startswith("integration.response.header."):
        return headers.get(source.removeprefix("integration.response.header."), "")
    if source == "integration.response.body":
        return body
    if source.startswith("integration.response.body."):
        value = jsonpath.evaluate(
            json.loads(body or "null"), "$." + source.removeprefix("integration.response.body.")
        )
        return value if isinstance(value, str) else json.dumps(value)
    if source.startswith("stageVariables."):
        return stage_variables.get(source.removeprefix("stageVariables."), "")
    if source.startswith("context."):
        return str(context.get(source.removeprefix("context."), ""))
    return ""


def apply(
    call: IntegrationCall,
    *,
    responses: Mapping[str, Any],
    selector: str,
    body: str,
    headers: Headers | None = None,
) -> tuple[Response, dict[str, Any]] | IntegrationError:
    """Map the backend's answer to the method response, or 500 when no integration response matches."""
    chosen = select(responses, selector)
    if chosen is None:
        return errors.configuration("No match for output mapping and no default output mapping configured")
    status, config = chosen
    templates = {k.lower(): v for k, v in (config.get("responseTemplates") or {}).items()}
    ctype = "application/json" if not templates or "application/json" in templates else next(iter(templates))
    template = templates.get(ctype)
    context = vtl_context(call)
    if template:
        body = mapping.render(
            template,
            body=body,
            params=vtl_params(call),
            context=context,
            stage_variables=call.stage_variables,
        )
    out = [("Content-Type", ctype)]
    for target, source in (config.get("responseParameters") or {}).items():
        name = target.removeprefix("method.response.header.")
        value = _parameter(
            source,
            body=body,
            headers=headers or Headers(),
            context=context,
            stage_variables=call.stage_variables,
        )
        out = [(k, v) for k, v in out if k.lower() != name.lower()] + [(name, value)]
    detail = {
        "status_key": status,
        "selection_pattern": config.get("selectionPattern"),
        "selector": selector,
        "template": template,
    }
    return Response(status=int(status), headers=Headers(out), body=body.encode("utf-8")), detail
