"""Decode a JWT the way jwt.io shows it: header, claims (times as dates) and the signature's verdict."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from gateway_lab.engine import verify_signature

TIME_CLAIMS = frozenset({"exp", "iat", "nbf", "auth_time"})


@dataclass(frozen=True, slots=True, kw_only=True)
class Claim:
    name: str
    value: str  # JSON text, so strings show their quotes like jwt.io
    when: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class TokenView:
    """What a token says, and whether the pool's JWKS vouches for it."""

    token: str
    header: Mapping[str, Any] = field(default_factory=dict)
    claims: tuple[Claim, ...] = ()
    signature_valid: bool = False
    reason: str = ""  # why the signature check failed, or why nothing could be decoded


def _claim(name: str, value: Any) -> Claim:
    when = None
    if name in TIME_CLAIMS and isinstance(value, int | float) and not isinstance(value, bool):
        when = datetime.fromtimestamp(value, tz=UTC)
    return Claim(name=name, value=json.dumps(value, ensure_ascii=False), when=when)


def _segment(text: str) -> dict[str, Any]:
    decoded = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    if not isinstance(decoded, dict):
        raise ValueError("a JWT segment must be a JSON object")
    return decoded


def token_view(token: str, *, jwks: Mapping[str, Any]) -> TokenView:
    """Decode ``token`` without trusting it, then check its signature against ``jwks``."""
    token = token.strip()
    # Decoded by hand, not by PyJWT: like jwt.io, show header and claims even when the signature is garbage.
    parts = token.split(".")
    try:
        if len(parts) != 3:
            raise ValueError("a JWT has three dot-separated parts")
        header, claims = _segment(parts[0]), _segment(parts[1])
    except (ValueError, binascii.Error) as exc:
        return TokenView(token=token, reason=f"the token is not a valid JWT: {exc}")
    verdict = verify_signature(token, jwks)
    return TokenView(
        token=token,
        header=header,
        claims=tuple(_claim(name, value) for name, value in claims.items()),
        signature_valid=not isinstance(verdict, str),
        reason=verdict if isinstance(verdict, str) else "",
    )
