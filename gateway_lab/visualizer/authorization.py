"""Why the builder's "Authorization" choice does not fit the API type, in the page's language.

The configuration the choice writes lives in ``scenarios.authorization`` (no Django); this module
only words the form's refusal (§7).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .scenarios import SUPPORTED_AUTH

UNSUPPORTED = {
    ("HTTP", "api_key"): _("HTTP APIs have no API keys or usage plans; choose a REST API for them."),
    ("HTTP", "cognito"): _(
        "HTTP APIs have no Cognito user pool authorizer; use a JWT authorizer with the pool as its issuer."
    ),
    ("REST", "jwt"): _("REST APIs have no JWT authorizer; use a Cognito user pool authorizer."),
}
OTHER_API_TYPE = _("Choose an authorization for a REST or HTTP API; this scenario is a WebSocket API.")


def unsupported(auth: str, api_type: str) -> str | None:
    """Return why ``api_type`` cannot have ``auth`` (None: it can)."""
    if api_type not in SUPPORTED_AUTH:
        return str(OTHER_API_TYPE)
    if auth in SUPPORTED_AUTH[api_type]:
        return None
    return str(UNSUPPORTED[(api_type, auth)])
