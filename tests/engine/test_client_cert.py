"""A client certificate described by its subject and issuer only gets the lab's defaults (§6.1, §6.2)."""

from __future__ import annotations

from gateway_lab.engine.messages import ClientCert


def test_client_cert_from_json_fills_missing_fields_with_the_defaults() -> None:
    """§6.1: identity.clientCert carries serialNumber, validity and the PEM even when the client named
    only its subject and issuer; from_json gives the same defaults as the constructor (not the slots)."""
    described = ClientCert.from_json({"subjectDN": "CN=client", "issuerDN": "CN=Lab CA"})
    assert described == ClientCert(subject_dn="CN=client", issuer_dn="CN=Lab CA")
    event = described.to_event()
    assert event["serialNumber"] == "a1:b2:c3:d4:e5:f6:07:18"
    assert event["validity"] == {
        "notBefore": "Jan  1 00:00:00 2026 GMT",
        "notAfter": "Jan  1 00:00:00 2028 GMT",
    }
    assert event["clientCertPem"].startswith("-----BEGIN CERTIFICATE-----")
    assert described.signature_algorithm == "SHA256withRSA"
