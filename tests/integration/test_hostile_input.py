"""Hostile input is refused with a clear error, never a 500: malformed and oversized tokens,
forged paging cursors, JSON nested far too deep (over REST and over the socket)."""

from __future__ import annotations

import base64
import json

import pytest

DEEP = "[" * 100_000 + "]" * 100_000


def forged(value) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


@pytest.mark.parametrize("token", [".abc", "x" * 5000, "a" * 2500 + "." + "b" * 2500, "é.é"])
def test_a_malformed_or_huge_token_is_401(api, token):
    agent_reply = api.get("/me", auth={"Authorization": f"Bearer {token}"})
    visitor_reply = api.get("/visitors/me", auth={"X-Visitor-Token": token})

    for reply in (agent_reply, visitor_reply):
        assert (reply.status, reply.error["code"]) == (401, "invalid_token"), reply.body


@pytest.mark.parametrize("ticket", [".abc", "x" * 5000, "é" * 43, ""])
def test_a_socket_with_a_malformed_or_huge_ticket_is_refused(api, ticket):
    assert api.ws_connect("ws-bad", {"ticket": ticket})["statusCode"] == 401


@pytest.mark.parametrize(
    "cursor",
    [
        forged("x"),
        forged({"agent_id": {"S": ""}}),
        forged("2026-01-01T00:00:00.000Z#" + "k" * 3000),
        forged(["a", 1]),
        forged({"agent_id": {"S": "agt_1"}, "state": {"S": "pending"}, "created_at": {"N": "1"}}),
        "not base64 at all!",
        forged(json.loads("[" * 500 + "]" * 500)),
    ],
)
def test_a_forged_next_cursor_is_400_invalid_cursor(api, cursor):
    sales = api.agent("Paula", ("sales",), online=False)
    for path, auth in (
        ("/rooms", sales.auth),
        ("/contacts", sales.auth),
        ("/admin/agents", api.admin.auth),
    ):
        reply = api.get(f"{path}?next={cursor}", auth=auth)
        assert (reply.status, reply.error["code"]) == (400, "invalid_cursor"), (path, reply.body)
        assert "next" in reply.error["message"]


def test_a_cursor_of_another_state_is_400_and_a_real_one_pages_on(api):
    for n in range(3):
        api.register(f"Pending{n}")
    first = api.get("/admin/agents?state=pending&limit=2", auth=api.admin.auth)
    cursor = first.json["next"]
    assert cursor is not None

    rest = api.get(f"/admin/agents?state=pending&limit=2&next={cursor}", auth=api.admin.auth)
    other = api.get(f"/admin/agents?state=active&next={cursor}", auth=api.admin.auth)

    assert rest.status == 200 and len(first.json["agents"]) + len(rest.json["agents"]) == 3
    assert (other.status, other.error["code"]) == (400, "invalid_cursor")


def test_a_seq_beyond_any_message_is_400_naming_after(api):
    visitor = api.visitor(connect=False)
    api.agent("Paula", ("sales",))
    room = api.ask(visitor)

    reply = api.get(f"/rooms/{room['room_id']}/messages?after={10**40}", auth=visitor.auth)

    assert reply.status == 400 and "after" in reply.error["message"]


def test_json_nested_100000_deep_is_400_over_rest(api):
    visitor = api.visitor(connect=False)
    before = api.snapshot()

    for method, path, auth in (
        ("POST", "/rooms", visitor.auth),
        ("POST", "/auth/login", None),
        ("POST", "/auth/register", None),
    ):
        reply = api.call(method, path, raw=DEEP, auth=auth)
        assert (reply.status, reply.error["code"]) == (400, "invalid_json"), (path, reply.body)
        assert "body" in reply.error["message"]
    assert api.snapshot() == before


def test_json_nested_100000_deep_over_the_socket_gets_an_error_frame(api):
    visitor = api.visitor()

    api.ws_send(visitor.connection_id, DEEP)

    errors = api.pushed(visitor, "error")
    assert [e["code"] for e in errors] == ["invalid_json"]
    assert "frame" in errors[0]["message"]
