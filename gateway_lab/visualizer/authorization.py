"""Why the builder's "Authorization" choice cannot be configured, in the page's language.

The configuration the choice writes lives in ``scenarios.authorization`` (no Django). Whether an API
type can have an authorizer is the engine's rule: the definition the choice writes is loaded by the
engine, and its ``ConfigError`` (the same 400 the REST API and the live gateway give) is shown,
translated. Only the builder's own limits are worded here (§7).
"""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gateway_lab.engine import ConfigError, deploy

from .scenarios import MODELLED_API_TYPES, WITHOUT_EFFECT, Query, api_type_of, scenario_for

WITHOUT_EFFECT_WHY = _("HTTP APIs have no API keys or usage plans; choose a REST API for them.")
OTHER_API_TYPE = _("Choose an authorization for a REST or HTTP API; this scenario is a WebSocket API.")


def refusal(query: Query) -> str | None:
    """Return why the query's auth choice cannot be configured (None: it can, or there is none)."""
    auth = dict(query.overrides).get("auth")
    if not auth:
        return None
    api_type = api_type_of(query)
    if api_type not in MODELLED_API_TYPES:
        return str(OTHER_API_TYPE)
    if (api_type, auth) in WITHOUT_EFFECT:
        return str(WITHOUT_EFFECT_WHY)
    try:
        deploy(scenario_for(query).api)
    except ConfigError as exc:
        about_auth = [message for field, message in exc.errors if "authoriz" in field.lower()]
        return " ".join(gettext(message) for message in dict.fromkeys(about_auth)) or None
    return None
