"""@connections callers signed with SigV4 and authorized for execute-api:ManageConnections (§7.1, §9).

Requests are signed by botocore's own ``SigV4Auth`` (what boto3's ``apigatewaymanagementapi`` client
uses) and sent to a real uvicorn server, so the signed path and Host are the ones on the wire.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from gateway_lab.livegw.demo_apis import DEMO_WS_API
from gateway_lab.livegw.models import ApiDefinitionRecord
from tests.conftest import AsgiServer

pytestmark = pytest.mark.django_db(transaction=True)

API_ID = "signed-ws"
ARN = f"arn:aws:execute-api:us-east-1:123456789012:{API_ID}/prod"
PUSHER = Credentials("AKIAPUSHER0000000001", "pusher-secret-0123456789abcdefghijklmnop")
READER = Credentials("AKIAREADER0000000001", "reader-secret-0123456789abcdefghijklmnop")


def _user(name: str, credentials: Credentials, action: str) -> dict[str, Any]:
    statement = {"Effect": "Allow", "Action": action, "Resource": f"{ARN}/*/@connections/*"}
    return {
        "userName": name,
        "accessKeys": [{"accessKeyId": credentials.access_key, "secretAccessKey": credentials.secret_key}],
        "policy": {"Version": "2012-10-17", "Statement": [statement]},
    }


@pytest.fixture
def signed_api() -> None:
    """A WebSocket API like demo-ws whose lab IAM users are a pusher (ManageConnections) and a reader (Invoke)."""
    users = [
        _user("pusher", PUSHER, "execute-api:ManageConnections"),
        _user("reader", READER, "execute-api:Invoke"),
    ]
    definition = {**DEMO_WS_API, "id": API_ID, "labAccess": {"iamUsers": users}}
    ApiDefinitionRecord.objects.create(api_id=API_ID, definition=definition, stages=[{"stageName": "prod"}])


@pytest.fixture
def client_socket(asgi_server: AsgiServer, signed_api: None) -> Iterator[tuple[ClientConnection, str]]:
    """A client connected to the signed API, with its connection id."""
    with connect(
        f"{asgi_server.ws_url}/gw/{API_ID}/prod", origin="http://localhost", open_timeout=10
    ) as socket:
        socket.send(json.dumps({"action": "whoami"}))
        yield socket, json.loads(socket.recv(timeout=10))["connectionId"]


def _call(server: AsgiServer, method: str, connection_id: str, credentials: Credentials, body: bytes = b""):
    """Send a SigV4-signed @connections call; return (status, headers, JSON body or None)."""
    encoded = connection_id.replace("=", "%3D")  # as botocore encodes the ConnectionId URI label
    url = f"{server.url}/gw/{API_ID}/prod/@connections/{encoded}"
    signed = AWSRequest(method=method, url=url, data=body)
    SigV4Auth(credentials, "execute-api", "us-east-1").add_auth(signed)
    request = urllib.request.Request(
        url, data=body or None, method=method, headers=dict(signed.headers.items())
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            raw, status, headers = response.read(), response.status, response.headers
    except urllib.error.HTTPError as error:
        raw, status, headers = error.read(), error.code, error.headers
    return status, headers, json.loads(raw) if raw else None


def test_sigv4_post_with_manage_connections_pushes(asgi_server: AsgiServer, client_socket) -> None:
    """§9, §7.1: a call signed by a user allowed execute-api:ManageConnections pushes to the client."""
    socket, connection_id = client_socket
    status, _, _ = _call(asgi_server, "POST", connection_id, PUSHER, b"signed push")
    assert status == 200
    assert socket.recv(timeout=10) == "signed push"


def test_sigv4_get_with_manage_connections_describes(asgi_server: AsgiServer, client_socket) -> None:
    """§9, §7.1: a signed GET returns the connection's connectedAt, identity and lastActiveAt."""
    _, connection_id = client_socket
    status, _, body = _call(asgi_server, "GET", connection_id, PUSHER)
    assert (status, set(body)) == (200, {"connectedAt", "identity", "lastActiveAt"})


def test_sigv4_wrong_secret_is_403(asgi_server: AsgiServer, client_socket) -> None:
    """§7.1, §5.3: a signature made with the wrong secret is refused with 403 InvalidSignatureException."""
    _, connection_id = client_socket
    forged = Credentials(PUSHER.access_key, "not-the-secret-0123456789abcdefghijklmno")
    status, headers, body = _call(asgi_server, "POST", connection_id, forged, b"x")
    assert (status, headers["x-amzn-ErrorType"]) == (403, "InvalidSignatureException")
    assert body["message"].startswith("The request signature we calculated does not match")


def test_sigv4_policy_without_manage_connections_is_403(asgi_server: AsgiServer, client_socket) -> None:
    """§9, §7.1: a valid signature whose policy lacks execute-api:ManageConnections gets 403 ForbiddenException."""
    socket, connection_id = client_socket
    status, headers, body = _call(asgi_server, "POST", connection_id, READER, b"x")
    assert (status, headers["x-amzn-ErrorType"]) == (403, "ForbiddenException")
    assert "not authorized to perform: execute-api:ManageConnections" in body["message"]


def test_sigv4_unknown_access_key_is_403(asgi_server: AsgiServer, client_socket) -> None:
    """§5.3: an access key the lab doesn't know: 403 "The security token included in the request is invalid."."""
    _, connection_id = client_socket
    stranger = Credentials("AKIASTRANGER00000001", PUSHER.secret_key)
    status, _, body = _call(asgi_server, "GET", connection_id, stranger)
    assert (status, body["message"]) == (403, "The security token included in the request is invalid.")


def test_sigv4_delete_closes_client(asgi_server: AsgiServer, client_socket) -> None:
    """§9: a signed DELETE answers 204 and closes the client's socket."""
    socket, connection_id = client_socket
    status, _, _ = _call(asgi_server, "DELETE", connection_id, PUSHER)
    assert status == 204
    with pytest.raises(ConnectionClosed) as closed:
        socket.recv(timeout=10)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1000


def test_sigv4_botocore_management_client_posts(asgi_server: AsgiServer, client_socket) -> None:
    """§9: botocore's own apigatewaymanagementapi client (what boto3 backends use) works unchanged."""
    import botocore.session

    socket, connection_id = client_socket
    client = botocore.session.get_session().create_client(
        "apigatewaymanagementapi",
        endpoint_url=f"{asgi_server.url}/gw/{API_ID}/prod",
        region_name="us-east-1",
        aws_access_key_id=PUSHER.access_key,
        aws_secret_access_key=PUSHER.secret_key,
    )
    client.post_to_connection(ConnectionId=connection_id, Data=b"from boto")
    assert socket.recv(timeout=10) == "from boto"
