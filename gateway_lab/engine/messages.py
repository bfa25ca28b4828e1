"""Requests, responses and clients as the engine sees them, whatever the transport."""

from __future__ import annotations

import base64
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar, overload
from urllib.parse import parse_qsl, urlencode

from .speedups import fast_constructor

T = TypeVar("T")


class Headers(Mapping[str, str]):
    """An immutable, case-insensitive, multi-valued header collection that keeps the original case.

    ``headers["x-api-key"]`` returns the *last* value (API Gateway's single-value maps keep the
    last one, GATEWAY_FACTS.md §6.1); ``get_all`` returns every value in order; ``items()`` yields
    the original (name, value) pairs once per name with the last value.
    """

    __slots__ = ("_pairs", "_index_cache")

    def __init__(self, pairs: Iterable[tuple[str, str]] | Mapping[str, str] | None = None) -> None:
        # Built on first lookup: the engine's hot path creates many header sets that nobody searches.
        self._index_cache: dict[str, list[int]] | None = None
        if pairs is None:
            self._pairs: tuple[tuple[str, str], ...] = ()
            return
        if isinstance(pairs, Mapping):
            pairs = pairs.items()
        self._pairs = tuple((str(k), str(v)) for k, v in pairs)

    @property
    def _index(self) -> dict[str, list[int]]:
        index = self._index_cache
        if index is None:
            index = {}
            for i, (name, _) in enumerate(self._pairs):
                index.setdefault(name.lower(), []).append(i)
            self._index_cache = index
        return index

    @classmethod
    def of_pairs(
        cls, pairs: tuple[tuple[str, str], ...], *, index: dict[str, list[int]] | None = None
    ) -> Headers:
        """Wrap a tuple of ``(str, str)`` pairs as is (the engine's hot path builds many; no copy).

        ``index`` may give the lookup table ready-made (lower-case name → positions, never mutated);
        callers that add a fixed set of headers know it in advance.
        """
        headers = cls.__new__(cls)
        headers._pairs = pairs
        headers._index_cache = index
        return headers

    # Mapping protocol ---------------------------------------------------------------
    def __getitem__(self, name: str) -> str:
        positions = self._index.get(name.lower())
        if not positions:
            raise KeyError(name)
        return self._pairs[positions[-1]][1]

    @overload
    def get(self, name: str, default: None = None) -> str | None: ...

    @overload
    def get(self, name: str, default: str) -> str: ...

    @overload
    def get(self, name: str, default: T) -> str | T: ...

    def get(self, name: str, default: object = None) -> object:
        """Return the last value of ``name``, or ``default`` (Mapping.get without its extra calls)."""
        positions = self._index.get(name.lower())
        return self._pairs[positions[-1]][1] if positions else default

    def __iter__(self) -> Iterator[str]:
        for positions in self._index.values():
            yield self._pairs[positions[0]][0]

    def __len__(self) -> int:
        return len(self._index)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._index

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Headers):
            return self._pairs == other._pairs
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._pairs)

    def __repr__(self) -> str:
        return f"Headers({list(self._pairs)!r})"

    # Extras -----------------------------------------------------------------------
    @property
    def pairs(self) -> tuple[tuple[str, str], ...]:
        """Every (name, value) pair in arrival order, duplicates included."""
        return self._pairs

    def get_all(self, name: str) -> list[str]:
        """Return every value sent for ``name``, in order."""
        return [self._pairs[i][1] for i in self._index.get(name.lower(), ())]

    def with_header(self, name: str, value: str) -> Headers:
        """Return a copy with ``name`` set to ``value`` (earlier values of that name removed)."""
        kept = [(k, v) for k, v in self._pairs if k.lower() != name.lower()]
        return Headers([*kept, (name, value)])

    def without(self, name: str) -> Headers:
        """Return a copy with every value of ``name`` removed."""
        return Headers([(k, v) for k, v in self._pairs if k.lower() != name.lower()])

    def single_and_multi(self) -> tuple[dict[str, str], dict[str, list[str]]]:
        """Return ``(to_dict(), {name: get_all(name)})`` in one pass: a proxy event carries both (§6.1)."""
        pairs = self._pairs
        index = self._index
        if len(index) == len(pairs):  # no name repeats (in any case): one value each, in order
            return dict(pairs), {name: [value] for name, value in pairs}
        single: dict[str, str] = {}
        multi: dict[str, list[str]] = {}
        for positions in index.values():
            name = pairs[positions[0]][0]
            values = [pairs[i][1] for i in positions]
            single[name] = values[-1]
            multi[name] = values
        return single, multi

    def to_dict(self) -> dict[str, str]:
        """Single-value view with original casing (last value wins)."""
        pairs = self._pairs
        return {pairs[positions[0]][0]: pairs[positions[-1]][1] for positions in self._index.values()}


# A slotted dataclass's class attributes are its slots, not its defaults: from_json reads them here.
_CERT_DEFAULTS = {
    "serial_number": "a1:b2:c3:d4:e5:f6:07:18",
    "not_before": "Jan  1 00:00:00 2026 GMT",
    "not_after": "Jan  1 00:00:00 2028 GMT",
    "signature_algorithm": "SHA256withRSA",
    "pem": "-----BEGIN CERTIFICATE-----\n(lab certificate: no key material)\n-----END CERTIFICATE-----",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class ClientCert:
    """The certificate a client presents for mutual TLS, as API Gateway reports it to Lambda (§6.1, §6.2).

    The lab does not run a TLS handshake: a client *describes* its certificate, and the endpoint
    stage checks it against the truststore the way API Gateway does (issuer, self-signed, algorithm).
    """

    subject_dn: str
    issuer_dn: str
    serial_number: str = _CERT_DEFAULTS["serial_number"]
    not_before: str = _CERT_DEFAULTS["not_before"]
    not_after: str = _CERT_DEFAULTS["not_after"]
    signature_algorithm: str = _CERT_DEFAULTS["signature_algorithm"]
    pem: str = _CERT_DEFAULTS["pem"]

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ClientCert:
        """Build from AWS's event shape (``subjectDN``, ``issuerDN``, ``validity``…) or snake_case keys."""
        validity = data.get("validity") or {}
        return cls(
            subject_dn=str(data.get("subjectDN", data.get("subject_dn", ""))),
            issuer_dn=str(data.get("issuerDN", data.get("issuer_dn", ""))),
            serial_number=str(
                data.get("serialNumber", data.get("serial_number", _CERT_DEFAULTS["serial_number"]))
            ),
            not_before=str(validity.get("notBefore", data.get("not_before", _CERT_DEFAULTS["not_before"]))),
            not_after=str(validity.get("notAfter", data.get("not_after", _CERT_DEFAULTS["not_after"]))),
            signature_algorithm=str(
                data.get(
                    "signatureAlgorithm",
                    data.get("signature_algorithm", _CERT_DEFAULTS["signature_algorithm"]),
                )
            ),
            pem=str(data.get("clientCertPem", data.get("pem", _CERT_DEFAULTS["pem"]))),
        )

    def to_event(self) -> dict[str, Any]:
        """Return ``clientCert`` as REST (``identity.clientCert``) and HTTP APIs
        (``authentication.clientCert``) send it to Lambda."""
        return {
            "clientCertPem": self.pem,
            "subjectDN": self.subject_dn,
            "issuerDN": self.issuer_dn,
            "serialNumber": self.serial_number,
            "validity": {"notBefore": self.not_before, "notAfter": self.not_after},
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Client:
    """Who sends the request and from where (drives endpoint latency, IP and VPC conditions).

    ``cert`` is the client certificate for mutual TLS (a ``ClientCert``; a JSON mapping is converted).
    """

    source_ip: str = "203.0.113.10"
    region: str = "us-east-1"  # the client's nearest AWS Region (edge POP / latency model)
    country: str = "US"
    user_agent: str = "curl/8.5.0"
    vpc_id: str | None = None  # set when the request arrives through an interface VPC endpoint
    vpce_id: str | None = None
    cert: ClientCert | None = None

    def __post_init__(self) -> None:
        if isinstance(self.cert, Mapping):
            object.__setattr__(self, "cert", ClientCert.from_json(self.cert))


_DEFAULT_CLIENT = Client()  # immutable, so every request without a client may share it


@dataclass(frozen=True, slots=True, kw_only=True)
class Request:
    """An HTTP request as it reaches the gateway.

    ``path`` is the path *after* the stage (``/pets/1``), without the query string. ``query`` keeps
    every (name, value) pair in order so that multi-value parameters survive (§6.1).
    ``time_ms`` is when the request arrives on the engine's clock (virtual or system).
    ``raw_path`` is the path exactly as the client sent it (stage and any front-end prefix
    included), when a front end knows it: SigV4 signatures cover that path (§7.1).
    ``raw_query`` is the query string exactly as sent (``q=a%20b&flag``), when the request was built
    from one: HTTP APIs pass it on unchanged as ``rawQueryString`` (§6.2).
    """

    method: str = "GET"
    path: str = "/"
    query: tuple[tuple[str, str], ...] = ()
    headers: Headers = field(default_factory=Headers)
    body: bytes = b""
    client: Client = field(default_factory=Client)
    protocol: str = "HTTP/1.1"
    time_ms: float | None = None
    raw_path: str | None = None
    raw_query: str | None = None

    @classmethod
    def build(
        cls,
        method: str = "GET",
        path: str = "/",
        *,
        query: Mapping[str, str] | Iterable[tuple[str, str]] | str | None = None,
        headers: Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
        body: bytes | str | None = None,
        client: Client | None = None,
        time_ms: float | None = None,
        raw_path: str | None = None,
    ) -> Request:
        """Build a request from loose inputs (a query string, a dict of headers, a text body)."""
        if "?" in path and query is None:
            path, _, query = path.partition("?")
        raw_query = None
        if query is None:
            query_pairs: tuple[tuple[str, str], ...] = ()
        elif isinstance(query, str):
            raw_query = query
            query_pairs = tuple(parse_qsl(query, keep_blank_values=True))
        elif isinstance(query, Mapping):
            query_pairs = tuple((str(k), str(v)) for k, v in query.items())
        else:
            query_pairs = tuple((str(k), str(v)) for k, v in (query or ()))
        if isinstance(body, str):
            body = body.encode("utf-8")
        make = _make_request if cls is Request else cls  # a subclass keeps its own constructor
        return make(
            method=method.upper(),
            path=path or "/",
            query=query_pairs,
            headers=Headers(headers),
            body=body or b"",
            client=client or _DEFAULT_CLIENT,
            time_ms=time_ms,
            raw_path=raw_path,
            raw_query=raw_query,
        )

    @property
    def query_string(self) -> str:
        """The query string as the client sent it, else rebuilt from ``query``."""
        return self.raw_query if self.raw_query is not None else urlencode(self.query)

    def query_values(self, name: str) -> list[str]:
        """Every value of query parameter ``name``, in order."""
        return [v for k, v in self.query if k == name]

    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def at(self, time_ms: float) -> Request:
        """Return a copy arriving at ``time_ms``."""
        return _copy_request(self, self.headers, time_ms)

    def with_headers(self, headers: Headers) -> Request:
        """Return a copy carrying ``headers`` instead (the gateway adds and rewrites headers)."""
        return _copy_request(self, headers, self.time_ms)


# The engine copies every request two or three times: fast_constructor builds the same object
# as Request(...) without the frozen __init__'s per-field object.__setattr__ (see speedups).
REQUEST_FIELDS = (
    "method", "path", "query", "headers", "body", "client", "protocol", "time_ms", "raw_path", "raw_query",
)  # fmt: skip
_make_request = fast_constructor(Request)


def _copy_request(request: Request, headers: Headers, time_ms: float | None) -> Request:
    return _make_request(
        request.method,
        request.path,
        request.query,
        headers,
        request.body,
        request.client,
        request.protocol,
        time_ms,
        request.raw_path,
        request.raw_query,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class Response:
    """What the gateway sends back to the client."""

    status: int
    headers: Headers = field(default_factory=Headers)
    body: bytes = b""

    @classmethod
    def build(
        cls,
        status: int,
        *,
        headers: Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
        body: bytes | str = b"",
    ) -> Response:
        if isinstance(body, str):
            body = body.encode("utf-8")
        return cls(status=status, headers=Headers(headers), body=body)

    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def body_for_json(self) -> tuple[str, bool]:
        """Return (body, is_base64) so any body survives a JSON round trip."""
        try:
            return self.body.decode("utf-8"), False
        except UnicodeDecodeError:
            return base64.b64encode(self.body).decode("ascii"), True
