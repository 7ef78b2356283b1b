"""The WebSocket handlers ($connect, $default, $disconnect) called with API Gateway's events."""

from __future__ import annotations

import pytest


@pytest.fixture
def chat(api):
    paula = api.agent("Paula")
    visitor = api.visitor()
    room_id = api.taken(visitor, paula)["room_id"]
    api.pusher.clear()
    return paula, visitor, room_id


def errors(api, connection_id) -> list[dict]:
    return api.pusher.to(connection_id, "error")


def test_a_socket_without_a_ticket_is_refused_at_connect_even_with_a_good_token(api):
    paula = api.agent("Paula", online=False)
    visitor = api.visitor(connect=False)
    refused = [
        api.ws_connect("c-1", None),
        api.ws_connect("c-2", {}),
        api.ws_connect("c-3", {"token": "garbage"}),
        api.ws_connect("c-4", {"token": paula.token}),
        api.ws_connect("c-5", {"visitor_token": visitor.token}),
        api.ws_connect("c-6", {"token": paula.token, "visitor_token": visitor.token}),
    ]

    assert [r["statusCode"] for r in refused] == [401] * 6
    assert "?ticket=" in refused[3]["body"]
    assert all(api.ctx.store.get_connection(f"c-{n}", api.ctx.now()) is None for n in range(1, 7))
    assert api.get("/departments/sales/availability").json["available"] is False


def test_a_logged_out_or_disabled_agents_ticket_opens_nothing(api):
    paula, piet = api.agent("Paula", online=False), api.agent("Piet", online=False)
    tickets = {"c-paula": api.ws_ticket(paula), "c-piet": api.ws_ticket(piet)}
    api.post("/auth/logout", auth=paula.auth)
    api.post(f"/admin/agents/{piet.agent_id}/disable", auth=api.admin.auth)

    for connection_id, ticket in tickets.items():
        assert api.ws_connect(connection_id, {"ticket": ticket})["statusCode"] == 401


def test_connecting_an_online_agent_shows_the_button_and_disconnecting_hides_it(api):
    paula = api.agent("Paula", online=False)
    for path, body in (
        ("/me/availability", {"available": True}),
        ("/me/status", {"status": "online"}),
    ):
        api.put(path, body, auth=paula.auth)
    assert api.get("/departments/sales/availability").json["available"] is False

    assert api.ws_open("c-paula", paula)["statusCode"] == 200
    assert api.get("/departments/sales/availability").json["available"] is True

    assert api.ws_disconnect("c-paula")["statusCode"] == 200
    assert api.get("/departments/sales/availability").json["available"] is False
    assert api.ctx.store.get_connection("c-paula", api.ctx.now()) is None


def test_heartbeats_keep_presence(api):
    paula = api.agent("Paula")
    timeout = api.ctx.settings.presence_timeout_seconds

    for _ in range(4):
        api.clock.advance(60)
        assert api.ws_send(paula.connection_id, {"action": "heartbeat"})["statusCode"] == 200
    assert api.get("/departments/sales/availability").json["available"] is True

    api.clock.advance(timeout + 1)  # silence
    assert api.get("/departments/sales/availability").json["available"] is False
    api.ws_send(paula.connection_id, {"action": "heartbeat"})
    assert api.get("/departments/sales/availability").json["available"] is True
    assert errors(api, paula.connection_id) == []


def test_a_heartbeat_is_acknowledged_to_its_connection_only(api):
    paula, piet = api.agent("Paula"), api.agent("Piet")
    api.pusher.clear()

    api.ws_send(paula.connection_id, {"action": "heartbeat"})

    assert api.pusher.to(paula.connection_id) == [{"type": "heartbeat"}]
    assert api.pusher.to(piet.connection_id) == []


def test_bad_frames_get_an_error_frame_and_the_connection_stays(api, chat):
    paula, visitor, room_id = chat
    before = api.snapshot()
    frames = [
        ("{not json", "invalid_json", None),
        ("", "invalid_json", None),
        ("[1, 2]", "invalid_frame", None),
        ({"action": "dance"}, "invalid_frame", "action"),
        ({"type": "send"}, "invalid_frame", "action"),
        ({"action": "send", "room_id": room_id, "client_id": "c"}, "invalid_frame", "text"),
        ({"action": "send", "room_id": room_id, "text": "x"}, "invalid_frame", "client_id"),
        (
            {"action": "send", "room_id": room_id, "text": 5, "client_id": "c"},
            "invalid_frame",
            "text",
        ),
        ({"action": "typing", "room_id": room_id}, "invalid_frame", "typing"),
        ({"action": "heartbeat", "extra": 1}, "invalid_frame", "extra"),
        (
            {"action": "send", "room_id": "r" * 3000, "text": "x", "client_id": "c"},
            "invalid_frame",
            "room_id",
        ),
    ]
    for frame, code, field in frames:
        api.pusher.clear()
        answer = api.ws_send(visitor.connection_id, frame)
        assert answer["statusCode"] == 200, frame
        [error] = errors(api, visitor.connection_id)
        assert error["code"] == code, (frame, error)
        assert error["message"] and (field is None or field in error["message"]), (frame, error)
    assert api.snapshot() == before
    assert api.ctx.store.get_connection(visitor.connection_id, api.ctx.now()) is not None
    api.pusher.clear()
    api.ws_send(
        visitor.connection_id,
        {"action": "send", "room_id": room_id, "text": "Geht's?", "client_id": "after-errors"},
    )
    assert [p["message"]["text"] for p in api.pushed(paula, "message")] == ["Geht's?"]


def test_send_frames_create_messages_and_a_duplicate_is_echoed_to_its_sender(api, chat):
    paula, visitor, room_id = chat
    frame = {"action": "send", "room_id": room_id, "text": "Hallo per Socket", "client_id": "s-1"}

    api.ws_send(visitor.connection_id, frame)
    first = api.pushed(visitor, "message")
    assert [p["message"]["text"] for p in first] == ["Hallo per Socket"]
    assert api.pushed(paula, "message") == first

    api.ws_send(visitor.connection_id, frame)  # resent after a reconnect: not stored twice

    assert api.pushed(visitor, "message") == first * 2
    assert api.pushed(paula, "message") == first
    stored = api.get(f"/rooms/{room_id}/messages", auth=paula.auth).json["messages"]
    assert [m["client_id"] for m in stored].count("s-1") == 1

    api.ws_send(
        paula.connection_id,
        {"action": "send", "room_id": room_id, "text": "Antwort", "client_id": "a-1"},
    )
    assert api.pushed(visitor, "message")[-1]["message"]["author"]["kind"] == "agent"


def test_send_frames_follow_the_rules_of_the_rest_route(api, chat):
    paula, visitor, room_id = chat
    stranger = api.visitor()
    too_long = "x" * (api.ctx.settings.max_message_length + 1)

    api.ws_send(
        visitor.connection_id,
        {"action": "send", "room_id": room_id, "text": too_long, "client_id": "long"},
    )
    api.ws_send(
        stranger.connection_id,
        {"action": "send", "room_id": room_id, "text": "hi", "client_id": "x"},
    )
    api.ws_send(
        visitor.connection_id,
        {"action": "send", "room_id": "room_nope", "text": "hi", "client_id": "y"},
    )
    api.post(f"/rooms/{room_id}/close", {}, auth=paula.auth)
    api.ws_send(
        visitor.connection_id,
        {"action": "send", "room_id": room_id, "text": "hi", "client_id": "z"},
    )

    assert [e["code"] for e in errors(api, visitor.connection_id)] == [
        "message_too_long",
        "room_not_found",
        "room_closed",
    ]
    assert [e["code"] for e in errors(api, stranger.connection_id)] == ["room_forbidden"]


def test_a_frame_from_a_connection_that_never_signed_in_is_refused(api, chat):
    _paula, _visitor, room_id = chat

    api.ws_send("c-unknown", {"action": "send", "room_id": room_id, "text": "x", "client_id": "c"})

    assert [e["code"] for e in errors(api, "c-unknown")] == ["invalid_token"]


def test_typing_frames_reach_the_other_side(api, chat):
    paula, visitor, room_id = chat

    api.ws_send(visitor.connection_id, {"action": "typing", "room_id": room_id, "typing": True})

    assert api.pushed(paula, "typing") == [
        {
            "type": "typing",
            "room_id": room_id,
            "typing": True,
            "author": {"kind": "visitor", "id": visitor.visitor_id, "name": visitor.name},
        }
    ]
    assert api.pushed(visitor, "typing") == []


def test_status_changes_reach_the_visitor_as_presence(api, chat):
    paula, visitor, _room_id = chat

    api.put("/me/status", {"status": "away"}, auth=paula.auth)

    assert api.pushed(visitor, "presence") == [
        {"type": "presence", "agent_id": paula.agent_id, "status": "away"}
    ]


def test_a_deleted_visitors_socket_is_closed(api, chat):
    _paula, visitor, _room_id = chat

    api.delete("/visitors/me", auth=visitor.auth)

    assert visitor.connection_id in api.pusher.disconnected
    api.ws_send(visitor.connection_id, {"action": "heartbeat"})
    assert api.ctx.store.get_connection(visitor.connection_id, api.ctx.now()) is None
