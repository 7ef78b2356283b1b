"""/ws and /@connections behave like API Gateway's WebSocket API and management API."""

from __future__ import annotations

import json
from datetime import datetime

import httpx
import pytest
from devserver_support import WAIT_SECONDS, Journal
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import ClientConnection, connect

from devserver.testing import DevServerURLs


def open_socket(
    server: DevServerURLs, query: str = "token=let-me-in&room=1&room=2", **options
) -> ClientConnection:
    return connect(f"{server.ws_url}?{query}", open_timeout=WAIT_SECONDS, **options)


def own_connection_id(socket: ClientConnection) -> str:
    socket.send("who am i")
    return json.loads(socket.recv(timeout=WAIT_SECONDS))["connection_id"]


def test_connect_is_refused_when_the_handler_says_so(server: DevServerURLs, journal: Journal):
    with pytest.raises(InvalidStatus) as refused:
        open_socket(server, query="token=wrong")

    assert refused.value.response.status_code == 403
    connect_entry = journal.wait_for("connect")
    assert connect_entry["query"] == {"token": "wrong"}


def test_connect_event_carries_query_string_and_headers(server: DevServerURLs, journal: Journal):
    with open_socket(
        server, additional_headers={"X-Custom": "yes"}, user_agent_header="pytest-agent"
    ) as socket:
        connection_id = own_connection_id(socket)

    entry = journal.wait_for("connect", lambda e: e["connection_id"] == connection_id)
    assert entry["query"] == {"token": "let-me-in", "room": "2"}
    assert entry["headers"]["x-custom"] == "yes"
    context = entry["request_context"]
    assert context["routeKey"] == "$connect"
    assert context["eventType"] == "CONNECT"
    assert context["stage"] == "api"
    assert context["apiId"] == "local"
    assert context["identity"]["sourceIp"] == "127.0.0.1"
    assert context["domainName"] == server.base_url.removeprefix("http://")
    assert connection_id.endswith("=") and len(connection_id) == 16


def test_frames_reach_default_and_the_app_answers_through_the_management_api(
    server: DevServerURLs, journal: Journal
):
    with open_socket(server) as socket:
        socket.send('{"action": "heartbeat"}')
        reply = json.loads(socket.recv(timeout=WAIT_SECONDS))

    assert reply["echo"] == '{"action": "heartbeat"}'
    assert reply["route_key"] == "$default"
    entry = journal.wait_for("message", lambda e: e["connection_id"] == reply["connection_id"])
    assert entry["body"] == '{"action": "heartbeat"}'


def test_a_failing_handler_answers_with_api_gateways_error_frame(server: DevServerURLs):
    with open_socket(server) as socket:
        socket.send("fail")
        error = json.loads(socket.recv(timeout=WAIT_SECONDS))
        assert error["message"] == "Internal server error"
        socket.send("still open?")
        assert json.loads(socket.recv(timeout=WAIT_SECONDS))["echo"] == "still open?"


def test_rest_handler_pushes_to_a_socket_through_the_same_server(
    server: DevServerURLs, http: httpx.Client
):
    with open_socket(server) as socket:
        connection_id = own_connection_id(socket)
        response = http.post(f"/api/push/{connection_id}", content="Hallo vom REST-Handler")

        assert response.json() == {"pushed": True}
        assert socket.recv(timeout=WAIT_SECONDS) == "Hallo vom REST-Handler"


def test_boto3_post_get_and_gone(server: DevServerURLs, management):
    with open_socket(server, user_agent_header="pytest-agent") as socket:
        connection_id = own_connection_id(socket)

        management.post_to_connection(ConnectionId=connection_id, Data=b'{"type": "ping"}')
        assert socket.recv(timeout=WAIT_SECONDS) == '{"type": "ping"}'

        info = management.get_connection(ConnectionId=connection_id)
        assert isinstance(info["ConnectedAt"], datetime)
        assert info["LastActiveAt"] >= info["ConnectedAt"]
        assert info["Identity"] == {"SourceIp": "127.0.0.1", "UserAgent": "pytest-agent"}

    # botocore URL-encodes the id into /@connections/{id}; '/' and '=' must survive that.
    for unknown in ("c29tZXRoaW5nIGVsc2U=", "with/slash+plus="):
        with pytest.raises(management.exceptions.GoneException):
            management.post_to_connection(ConnectionId=unknown, Data=b"x")
        with pytest.raises(management.exceptions.GoneException):
            management.get_connection(ConnectionId=unknown)
        with pytest.raises(management.exceptions.GoneException):
            management.delete_connection(ConnectionId=unknown)


def test_posting_after_the_client_left_is_gone(server: DevServerURLs, management, journal: Journal):
    with open_socket(server) as socket:
        connection_id = own_connection_id(socket)
    journal.wait_for("disconnect", lambda e: e["connection_id"] == connection_id)

    with pytest.raises(management.exceptions.GoneException):
        management.post_to_connection(ConnectionId=connection_id, Data=b"late")


def test_oversized_post_is_rejected(server: DevServerURLs, management):
    with open_socket(server) as socket:
        connection_id = own_connection_id(socket)
        with pytest.raises(management.exceptions.PayloadTooLargeException):
            management.post_to_connection(ConnectionId=connection_id, Data=b"x" * (128 * 1024 + 1))


def test_delete_closes_the_socket_and_runs_disconnect(
    server: DevServerURLs, management, journal: Journal
):
    with open_socket(server) as socket:
        connection_id = own_connection_id(socket)

        management.delete_connection(ConnectionId=connection_id)

        with pytest.raises(ConnectionClosed):
            socket.recv(timeout=WAIT_SECONDS)
        with pytest.raises(management.exceptions.GoneException):
            management.get_connection(ConnectionId=connection_id)

    entry = journal.wait_for("disconnect", lambda e: e["connection_id"] == connection_id)
    assert entry["request_context"]["routeKey"] == "$disconnect"
    assert entry["request_context"]["eventType"] == "DISCONNECT"


def test_client_close_runs_disconnect(server: DevServerURLs, journal: Journal):
    with open_socket(server) as socket:
        connection_id = own_connection_id(socket)
        socket.close(code=4000, reason="bye")

    entry = journal.wait_for("disconnect", lambda e: e["connection_id"] == connection_id)
    assert entry["request_context"]["disconnectStatusCode"] == 4000
    assert entry["request_context"]["disconnectReason"] == "bye"
