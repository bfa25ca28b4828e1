"""Mutual TLS at the endpoint: the client's certificate against the API's truststore (§1.1, §6.1, §6.2).

AWS configures mutual TLS on a custom domain name (a truststore of CA certificates in S3) for REST and
HTTP APIs, not WebSocket APIs. The lab puts the truststore on the API definition:

    "mutualTlsAuthentication": {"truststore": ["CN=Gateway Lab Root CA,O=Gateway Lab"]}

and a client *describes* its certificate (``Client.cert``). API Gateway refuses the TLS connection with
403 when it cannot find the certificate's issuer in the truststore, when the certificate is self-signed,
or when it uses an insecure signature algorithm; REST execution logs say why with the messages kept
verbatim below (AWS Knowledge Center, "api-gateway-mutual-tls-403-errors"). An accepted certificate
reaches Lambda as ``requestContext.identity.clientCert`` (REST, payload 1.0) or
``requestContext.authentication.clientCert`` (HTTP API payload 2.0).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..context import Context, GatewayError
from ..messages import ClientCert
from ..text import Text
from ..trace import Outcome, StageName, Step
from .base import record

NO_ISSUER = "Access denied. Reason: Could not find issuer for certificate"
SELF_SIGNED = "Access denied. Reason: self signed certificate"
INSECURE = "Access denied. Reason: Client cert using an insecure Signature Algorithm"
INSECURE_ALGORITHMS = ("md5", "md2", "sha1")

REFUSED = Text("Mutual TLS: certificate refused")
REFUSED_WHY = Text(
    "The API requires a client certificate trusted by its truststore ({trusted}). {problem}. "
    "API Gateway ends the TLS connection with 403; the execution log says: {log}"
)
NO_CERT = Text("The client presented no certificate")
UNTRUSTED = Text("The certificate's issuer {issuer} is not in the truststore")
SELF_SIGNED_PROBLEM = Text("The certificate is self-signed (its issuer is its own subject, {issuer})")
INSECURE_PROBLEM = Text("The certificate is signed with {algorithm}, an insecure signature algorithm")
FIDELITY = Text(
    "AWS sets the truststore on a custom domain name and checks a real TLS handshake; "
    "the lab keeps it on the API and checks the certificate the client describes."
)


def truststore(api_raw: Mapping[str, Any]) -> tuple[str, ...] | None:
    """Return the trusted issuer DNs, or None when the API does not require mutual TLS."""
    config = api_raw.get("mutualTlsAuthentication")
    if not isinstance(config, Mapping):
        return None
    return tuple(str(dn) for dn in config.get("truststore") or ())


def problem(cert: ClientCert | None, trusted: Sequence[str]) -> tuple[Any, str] | None:
    """Return (why, execution-log message) when API Gateway would refuse ``cert``, else None."""
    if cert is None:
        return NO_CERT(), NO_ISSUER
    if cert.signature_algorithm.lower().startswith(INSECURE_ALGORITHMS):
        return INSECURE_PROBLEM(algorithm=cert.signature_algorithm), INSECURE
    if cert.issuer_dn == cert.subject_dn and cert.issuer_dn not in trusted:
        return SELF_SIGNED_PROBLEM(issuer=cert.issuer_dn), SELF_SIGNED
    if cert.issuer_dn not in trusted:
        return UNTRUSTED(issuer=cert.issuer_dn), NO_ISSUER
    return None


def check(ctx: Context, host: str) -> Step | None:
    """Refuse the request (a final endpoint step) when mutual TLS is required and the certificate fails.

    On success the certificate is recorded for the Lambda event and None is returned, so the
    endpoint stage goes on as usual.
    """
    trusted = truststore(ctx.api.raw)
    if trusted is None:
        return None
    cert = ctx.request.client.cert
    found = problem(cert, trusted)
    if found is None:
        assert cert is not None
        ctx.identity["clientCert"] = cert.to_event()
        return None
    why, log = found
    ctx.error = GatewayError(
        response_type="ACCESS_DENIED", status=403, body=b'{"message":"Forbidden"}', log=log
    )
    return record(
        ctx,
        StageName.ENDPOINT,
        Outcome.REJECT,
        REFUSED(),
        REFUSED_WHY(trusted=list(trusted) or "—", problem=why, log=log),
        detail={
            "mutual_tls": True,
            "host": host,
            "truststore": list(trusted),
            "log": log,
            "client_cert": cert.to_event() if cert else None,
        },  # fmt: skip
        fact="6.1",
        lesson="security#mutual-tls",
        fidelity=FIDELITY(),
    )
