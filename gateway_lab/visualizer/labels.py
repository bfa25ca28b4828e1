"""Translated display names of pipeline stages, step outcomes, timeline kinds and bucket levels."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

STAGE_LABELS = {
    "endpoint": _("Endpoint"),
    "routing": _("Routing"),
    "resource_policy": _("Resource policy"),
    "auth": _("Auth"),
    "api_key": _("API key"),
    "throttle": _("Throttling"),
    "validation": _("Validation"),
    "cache": _("Cache"),
    "integration": _("Integration"),
    "response": _("Response"),
}
OUTCOME_LABELS = {
    "pass": _("pass"),
    "reject": _("reject"),
    "hit": _("hit"),
    "miss": _("miss"),
    "skip": _("skip"),
    "error": _("error"),
    "pending": _("next?"),
    "unreached": _("not reached"),
}
KIND_LABELS = {
    "admitted": _("admitted"),
    "cached": _("cached"),
    "throttled": _("throttled (429)"),
    "rejected": _("refused (4xx)"),
    "error": _("error (5xx)"),
}
LEVEL_LABELS = {  # a throttle layer's level, as the engine names it
    "method": _("method"),
    "route": _("route"),
    "stage": _("stage"),
    "account": _("account"),
}
