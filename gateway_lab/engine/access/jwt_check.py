"""Token validation for the REST Cognito authorizer (§7.4) and the HTTP API JWT authorizer (§7.3).

The signature is checked with PyJWT against the pool's JWKS (RS256 only); every time-based claim is
checked here against the engine clock, never against the wall clock.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import jwt as pyjwt
from jwt.types import Options

from ..text import Message, Text

NOT_A_JWT = Text("the token is not a valid JWT")
BAD_ALG = Text("signing method {alg} is invalid")
NO_KID = Text("no key with kid {kid} in the issuer's JWKS")
BAD_SIGNATURE = Text("the token signature is invalid")
INVALID = Text("the token is invalid: {error}")
EXPIRED = Text("the token has expired")
NOT_YET = Text("the token is not valid yet")
FUTURE = Text("the token was issued in the future")
NO_TOKEN = Text("no token in the identity source")
BAD_ISSUER = Text("the token does not have a valid issuer")
NEEDS_ID_TOKEN = Text("the method has no scopes, so it needs an ID token")
VALID_ID_TOKEN = Text("a valid ID token from the user pool")
NEEDS_SCOPE = Text("the method needs an access token with one of {scopes}; the token has {granted}")
VALID_ACCESS_TOKEN = Text("a valid access token with scope {scopes}")
BAD_AUDIENCE = Text("the token does not have a valid audience")
EXPECTED_SCOPES = Text("expected scopes: {scopes}")
ALL_CHECK_OUT = Text("signature, issuer, audience, expiry and scopes all check out")

# Only the audience description is documented (§5.3); the others follow its wording.
UNCONFIRMED_DESCRIPTIONS = Text(
    "Only the audience error_description is documented; the other wordings are the lab's."
)()


@dataclass(frozen=True, slots=True, kw_only=True)
class TokenCheck:
    """A token's verdict: its claims and scopes, or the status, body message and header to answer with."""

    claims: Mapping[str, Any] = field(default_factory=dict)
    scopes: tuple[str, ...] = ()
    status: int = 200
    message: str = ""
    reason: str = ""
    reason_msg: Message | None = None  # ``reason`` as a message (engine.text)
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


def _check(*, reason: Message, **fields: Any) -> TokenCheck:
    return TokenCheck(reason=str(reason), reason_msg=reason, **fields)


def verify_signature(token: str, jwks: Mapping[str, Any]) -> dict[str, Any] | str:
    """Return the claims of an RS256 token signed by a key in ``jwks``, or why it is not (in English)."""
    verdict = signature_claims(token, jwks)
    return str(verdict) if isinstance(verdict, Message) else verdict


def signature_claims(token: str, jwks: Mapping[str, Any]) -> dict[str, Any] | Message:
    """Return the claims of an RS256 token signed by a key in ``jwks``, or why it is not."""
    try:
        header = pyjwt.get_unverified_header(token)
    except pyjwt.DecodeError:
        return NOT_A_JWT()
    if header.get("alg") != "RS256":
        return BAD_ALG(alg=str(header.get("alg")))
    key = next((k for k in jwks.get("keys", ()) if k.get("kid") == header.get("kid")), None)
    if key is None:
        return NO_KID(kid=repr(header.get("kid")))
    try:
        options: Options = {
            "verify_exp": False,
            "verify_nbf": False,
            "verify_iat": False,
            "verify_aud": False,
            "verify_iss": False,
        }
        return pyjwt.decode(token, pyjwt.PyJWK(key).key, algorithms=["RS256"], options=options)
    except pyjwt.InvalidSignatureError:
        return BAD_SIGNATURE()
    except pyjwt.PyJWTError as exc:
        return INVALID(error=str(exc))


def time_problem(claims: Mapping[str, Any], now_s: float) -> Message | None:
    """Check ``exp`` (future), ``nbf`` and ``iat`` (past) against ``now_s``."""
    if not isinstance(claims.get("exp"), int | float) or claims["exp"] <= now_s:
        return EXPIRED()
    if isinstance(claims.get("nbf"), int | float) and claims["nbf"] > now_s:
        return NOT_YET()
    if isinstance(claims.get("iat"), int | float) and claims["iat"] > now_s:
        return FUTURE()
    return None


def token_scopes(claims: Mapping[str, Any]) -> tuple[str, ...]:
    raw = claims.get("scope", claims.get("scp", ""))
    return tuple(raw.split()) if isinstance(raw, str) else tuple(raw or ())


def _common_problem(
    token: str | None, jwks: Mapping[str, Any], issuer: str, now_s: float
) -> dict[str, Any] | Message:
    if not token:
        return NO_TOKEN()
    claims = signature_claims(token, jwks)
    if isinstance(claims, Message):
        return claims
    if claims.get("iss") != issuer:
        return BAD_ISSUER()
    return time_problem(claims, now_s) or claims


def check_cognito(
    token: str | None, *, jwks: Mapping[str, Any], issuer: str, scopes: Sequence[str], now_s: float
) -> TokenCheck:
    """Validate a REST Cognito user pool token: no method scopes → ID token; scopes → access token (§7.4)."""
    claims = _common_problem(token, jwks, issuer, now_s)
    if isinstance(claims, Message):
        return _check(status=401, message="Unauthorized", reason=claims)
    if not scopes:
        if claims.get("token_use") != "id":
            return _check(status=401, message="Unauthorized", reason=NEEDS_ID_TOKEN())
        return _check(claims=claims, reason=VALID_ID_TOKEN())
    granted = token_scopes(claims)
    if claims.get("token_use") != "access" or not set(granted) & set(scopes):
        why = NEEDS_SCOPE(scopes=str(list(scopes)), granted=str(list(granted)))
        return _check(status=401, message="Unauthorized", reason=why)
    return _check(
        claims=claims,
        scopes=granted,
        reason=VALID_ACCESS_TOKEN(scopes=str(sorted(set(granted) & set(scopes)))),
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
    if isinstance(claims, Message):
        header = _challenge("invalid_token", str(claims)) if token else None
        return _check(status=401, message="Unauthorized", reason=claims, www_authenticate=header)
    # API Gateway evaluates aud when present and falls back to client_id only without it (§7.3).
    presented = claims["aud"] if "aud" in claims else claims.get("client_id")
    presented_list = presented if isinstance(presented, list | tuple) else [presented]
    if not set(presented_list) & set(audience):
        why = BAD_AUDIENCE()
        return _check(
            status=401,
            message="Unauthorized",
            reason=why,
            www_authenticate=_challenge("invalid_token", str(why)),
        )
    granted = token_scopes(claims)
    if scopes and not set(granted) & set(scopes):
        why = EXPECTED_SCOPES(scopes=str(list(scopes)))
        header = _challenge("insufficient_scope", str(why), " ".join(scopes))
        return _check(status=403, message="Forbidden", reason=why, www_authenticate=header)
    return _check(claims=claims, scopes=granted, reason=ALL_CHECK_OUT())


def claims_for_context(claims: Mapping[str, Any]) -> dict[str, str]:
    """Flatten claims to strings, the way API Gateway hands them to the integration (§6.1, §6.2)."""

    def text(value: Any) -> str:
        if isinstance(value, bool):
            return str(value).lower()
        if isinstance(value, list | tuple):
            return ",".join(text(v) for v in value)
        return str(value)

    return {name: text(value) for name, value in claims.items()}
