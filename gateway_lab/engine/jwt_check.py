"""Token validation for the REST Cognito authorizer (§7.4) and the HTTP API JWT authorizer (§7.3).

The signature is checked with PyJWT against the pool's JWKS (RS256 only); every time-based claim is
checked here against the engine clock, never against the wall clock.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import jwt as pyjwt

# Only the audience description is documented (§5.3); the others follow its wording.
UNCONFIRMED_DESCRIPTIONS = (
    "Only the audience error_description is documented; the other wordings are the lab's."
)


@dataclass(frozen=True, slots=True, kw_only=True)
class TokenCheck:
    """A token's verdict: its claims and scopes, or the status, body message and header to answer with."""

    claims: Mapping[str, Any] = field(default_factory=dict)
    scopes: tuple[str, ...] = ()
    status: int = 200
    message: str = ""
    reason: str = ""
    www_authenticate: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == 200


def bearer_token(value: str | None) -> str | None:
    """Return the token from a raw or ``Bearer``-prefixed header value."""
    if not value:
        return None
    scheme, _, rest = value.strip().partition(" ")
    return rest.strip() if scheme.lower() == "bearer" and rest else value.strip()


def verify_signature(token: str, jwks: Mapping[str, Any]) -> dict[str, Any] | str:
    """Return the claims of an RS256 token signed by a key in ``jwks``, or why it is not."""
    try:
        header = pyjwt.get_unverified_header(token)
    except pyjwt.DecodeError:
        return "the token is not a valid JWT"
    if header.get("alg") != "RS256":
        return f"signing method {header.get('alg')} is invalid"
    key = next((k for k in jwks.get("keys", ()) if k.get("kid") == header.get("kid")), None)
    if key is None:
        return f"no key with kid {header.get('kid')!r} in the issuer's JWKS"
    try:
        options = {
            "verify_exp": False,
            "verify_nbf": False,
            "verify_iat": False,
            "verify_aud": False,
            "verify_iss": False,
        }
        return pyjwt.decode(token, pyjwt.PyJWK(key).key, algorithms=["RS256"], options=options)
    except pyjwt.InvalidSignatureError:
        return "the token signature is invalid"
    except pyjwt.PyJWTError as exc:
        return f"the token is invalid: {exc}"


def time_problem(claims: Mapping[str, Any], now_s: float) -> str | None:
    """Check ``exp`` (future), ``nbf`` and ``iat`` (past) against ``now_s``."""
    if not isinstance(claims.get("exp"), int | float) or claims["exp"] <= now_s:
        return "the token has expired"
    if isinstance(claims.get("nbf"), int | float) and claims["nbf"] > now_s:
        return "the token is not valid yet"
    if isinstance(claims.get("iat"), int | float) and claims["iat"] > now_s:
        return "the token was issued in the future"
    return None


def token_scopes(claims: Mapping[str, Any]) -> tuple[str, ...]:
    raw = claims.get("scope", claims.get("scp", ""))
    return tuple(raw.split()) if isinstance(raw, str) else tuple(raw or ())


def _common_problem(
    token: str | None, jwks: Mapping[str, Any], issuer: str, now_s: float
) -> dict[str, Any] | str:
    if not token:
        return "no token in the identity source"
    claims = verify_signature(token, jwks)
    if isinstance(claims, str):
        return claims
    if claims.get("iss") != issuer:
        return "the token does not have a valid issuer"
    return time_problem(claims, now_s) or claims


def check_cognito(
    token: str | None, *, jwks: Mapping[str, Any], issuer: str, scopes: Sequence[str], now_s: float
) -> TokenCheck:
    """Validate a REST Cognito user pool token: no method scopes → ID token; scopes → access token (§7.4)."""
    claims = _common_problem(token, jwks, issuer, now_s)
    if isinstance(claims, str):
        return TokenCheck(status=401, message="Unauthorized", reason=claims)
    if not scopes:
        if claims.get("token_use") != "id":
            return TokenCheck(
                status=401, message="Unauthorized", reason="the method has no scopes, so it needs an ID token"
            )
        return TokenCheck(claims=claims, reason="a valid ID token from the user pool")
    granted = token_scopes(claims)
    if claims.get("token_use") != "access" or not set(granted) & set(scopes):
        why = f"the method needs an access token with one of {list(scopes)}; the token has {list(granted)}"
        return TokenCheck(status=401, message="Unauthorized", reason=why)
    return TokenCheck(
        claims=claims,
        scopes=granted,
        reason=f"a valid access token with scope {sorted(set(granted) & set(scopes))}",
    )


def _challenge(error: str, description: str, scope: str = "") -> str:
    return f'Bearer scope="{scope}" error="{error}" error_description="{description}"'


def check_jwt(
    token: str | None,
    *,
    jwks: Mapping[str, Any],
    issuer: str,
    audience: Sequence[str],
    scopes: Sequence[str],
    now_s: float,
) -> TokenCheck:
    """Validate an HTTP API JWT authorizer token: signature, iss, aud or client_id, exp/nbf/iat, scopes (§7.3)."""
    claims = _common_problem(token, jwks, issuer, now_s)
    if isinstance(claims, str):
        header = _challenge("invalid_token", claims) if token else None
        return TokenCheck(status=401, message="Unauthorized", reason=claims, www_authenticate=header)
    # API Gateway evaluates aud when present and falls back to client_id only without it (§7.3).
    presented = claims["aud"] if "aud" in claims else claims.get("client_id")
    presented_list = presented if isinstance(presented, list | tuple) else [presented]
    if not set(presented_list) & set(audience):
        why = "the token does not have a valid audience"
        return TokenCheck(
            status=401, message="Unauthorized", reason=why, www_authenticate=_challenge("invalid_token", why)
        )
    granted = token_scopes(claims)
    if scopes and not set(granted) & set(scopes):
        why = f"expected scopes: {list(scopes)}"
        header = _challenge("insufficient_scope", why, " ".join(scopes))
        return TokenCheck(status=403, message="Forbidden", reason=why, www_authenticate=header)
    return TokenCheck(
        claims=claims, scopes=granted, reason="signature, issuer, audience, expiry and scopes all check out"
    )


def claims_for_context(claims: Mapping[str, Any]) -> dict[str, str]:
    """Flatten claims to strings, the way API Gateway hands them to the integration (§6.1, §6.2)."""

    def text(value: Any) -> str:
        if isinstance(value, bool):
            return str(value).lower()
        if isinstance(value, list | tuple):
            return ",".join(text(v) for v in value)
        return str(value)

    return {name: text(value) for name, value in claims.items()}
