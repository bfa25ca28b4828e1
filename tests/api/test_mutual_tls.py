"""Mutual TLS through POST /api/v1/simulations (§1.1, §6.1): the truststore is validated when the API is
loaded, and a client's certificate travels in the request spec."""

from __future__ import annotations

URL = "/api/v1/simulations"
TRUSTED = "CN=Partner Root CA"


def _api(rest_api, **extra):  # noqa: ANN001, ANN003, ANN202
    return {**rest_api, "mutualTlsAuthentication": {"truststore": [TRUSTED]}, **extra}


def test_mutual_tls_certificate_from_the_truststore_passes(api_client, rest_api) -> None:  # noqa: ANN001
    """§6.1: a trusted certificate gets through; the Lambda event carries identity.clientCert."""
    cert = {"subjectDN": "CN=partner.example", "issuerDN": TRUSTED}
    body = {"api": _api(rest_api), "requests": [{"method": "GET", "path": "/pets", "client": {"cert": cert}}]}
    result = api_client.post(URL, body, format="json").json()["results"][0]
    assert result["status"] == 200
    event = next(s for s in result["trace"]["steps"] if s["stage"] == "integration")["detail"]["event"]
    assert event["requestContext"]["identity"]["clientCert"]["subjectDN"] == "CN=partner.example"


def test_mutual_tls_untrusted_certificate_is_a_403(api_client, rest_api) -> None:  # noqa: ANN001
    """§6.1 (mutual TLS): an issuer outside the truststore ends at the endpoint with 403 Forbidden."""
    cert = {"subjectDN": "CN=x", "issuerDN": "CN=Elsewhere"}
    body = {"api": _api(rest_api), "requests": [{"method": "GET", "path": "/pets", "client": {"cert": cert}}]}
    result = api_client.post(URL, body, format="json").json()["results"][0]
    assert result["status"] == 403
    assert result["trace"]["steps"][0]["stage"] == "endpoint"
    assert "Could not find issuer for certificate" in result["trace"]["steps"][0]["reason"]


def test_mutual_tls_on_a_websocket_api_is_a_field_error(api_client) -> None:  # noqa: ANN001
    """§1.1: WebSocket APIs have no mutual TLS: the definition is refused with a 400 naming the field."""
    api = {
        "id": "ws",
        "protocolType": "WEBSOCKET",
        "routes": [],
        "mutualTlsAuthentication": {"truststore": [TRUSTED]},
    }
    response = api_client.post(URL, {"api": api, "requests": [{"path": "/"}]}, format="json")
    assert response.status_code == 400
    assert "mutualTlsAuthentication" in str(response.json())


def test_mutual_tls_bad_certificate_spec_is_a_field_error(api_client, rest_api) -> None:  # noqa: ANN001
    """A certificate without its issuer is a 400 with a field error, never a 500."""
    body = {"api": _api(rest_api), "requests": [{"path": "/pets", "client": {"cert": {"subjectDN": "CN=x"}}}]}
    response = api_client.post(URL, body, format="json")
    assert response.status_code == 400
    assert "issuerDN" in str(response.json())
