"""Sockets are bounded and their rights end: one-time tickets instead of tokens in the URL, at
most ten live sockets per visitor and per agent session, and an agent socket whose session
expired hears nothing and keeps no department available."""

from __future__ import annotations

from dataclasses import replace

import pytest

from chalicelib.services.sockets import MAX_SOCKETS
from chalicelib.services.tickets import TICKET_SECONDS


def ticket_for(api, handle) -> str:
    reply = api.post("/ws-ticket", auth=handle.auth)
    assert reply.status == 201, reply.body
    assert reply.json["expires_in"] == TICKET_SECONDS
    return reply.json["ticket"]


@pytest.mark.parametrize("who", ["visitor", "agent"])
def test_a_ticket_opens_one_socket_once(api, who):
    handle = api.visitor(connect=False) if who == "visitor" else api.agent("Paula", online=False)
    ticket = ticket_for(api, handle)

    first = api.ws_connect("ws-ticket-1", {"ticket": ticket})
    again = api.ws_connect("ws-ticket-2", {"ticket": ticket})

    assert first["statusCode"] == 200
    assert again["statusCode"] == 401
    api.ws_send("ws-ticket-1", {"action": "typing", "room_id": "room_x", "typing": True})
    assert [p["code"] for p in api.pusher.to("ws-ticket-1", "error")] == ["room_not_found"]


def test_a_ticket_expires_after_30_seconds_and_a_made_up_one_is_refused(api):
    visitor = api.visitor(connect=False)
    ticket = ticket_for(api, visitor)
    api.clock.advance(TICKET_SECONDS + 1)

    assert api.ws_connect("ws-late", {"ticket": ticket})["statusCode"] == 401
    assert api.ws_connect("ws-made-up", {"ticket": "A" * 43})["statusCode"] == 401
    assert api.ws_connect("ws-odd", {"ticket": "x" * 5000})["statusCode"] == 401


def test_a_ticket_of_a_signed_out_agent_opens_nothing(api):
    paula = api.agent("Paula", online=False)
    ticket = ticket_for(api, paula)
    assert api.post("/auth/logout", auth=paula.auth).status == 204

    assert api.ws_connect("ws-after-logout", {"ticket": ticket})["statusCode"] == 401


def test_a_visitor_gets_at_most_ten_live_sockets(api):
    visitor = api.visitor(connect=False)
    answers = [api.ws_open(f"ws-tab-{n}", visitor) for n in range(MAX_SOCKETS + 3)]

    statuses = [a["statusCode"] for a in answers]
    assert statuses == [200] * MAX_SOCKETS + [429] * 3
    assert "Retry-After" in answers[-1]["headers"]
    api.ws_disconnect("ws-tab-0")
    assert api.ws_open("ws-tab-new", visitor)["statusCode"] == 200


def test_an_agent_gets_ten_sockets_per_session_and_events_reach_only_those(api):
    paula = api.agent("Paula", online=False)
    answers = [api.ws_open(f"ws-paula-{n}", paula) for n in range(MAX_SOCKETS + 2)]
    other_session = api.post("/auth/login", {"email": paula.email, "password": api.password})

    assert [a["statusCode"] for a in answers] == [200] * MAX_SOCKETS + [429] * 2
    other = replace(paula, token=other_session.json["token"])
    second = api.ws_open("ws-paula-other", other)
    assert second["statusCode"] == 200
    api.agent("Sven", ("sales",))  # online, so that a chat can start
    api.ask(api.visitor(connect=False))
    told = {c for c, p in api.pusher.sent if p.get("type") == "queue" and "paula" in c}
    assert told == {f"ws-paula-{n}" for n in range(MAX_SOCKETS)} | {"ws-paula-other"}


def test_an_expired_sessions_socket_hears_nothing_and_keeps_nothing_available(api):
    paula = api.agent("Paula", ("sales",))
    session_end = api.ctx.settings.session_hours * 3600
    # Her console keeps beating until the session runs out, and beyond.
    api.clock.advance(session_end - 30)
    api.ws_send(paula.connection_id, {"action": "heartbeat"})
    api.pusher.clear()
    api.clock.advance(31)
    api.ws_send(paula.connection_id, {"action": "heartbeat"})

    availability = api.get("/departments/sales/availability")
    visitor = api.visitor(connect=False)
    start = api.post("/rooms", {"department_id": "sales"}, auth=visitor.auth)

    assert availability.json["available"] is False
    assert (start.status, start.error["code"]) == (409, "department_unavailable")
    assert paula.connection_id in api.pusher.disconnected
    assert api.pushed(paula) == []


def test_a_socket_whose_session_ran_out_hears_no_team_chat_even_before_its_next_heartbeat(api):
    paula = api.agent("Paula")
    api.clock.advance(api.ctx.settings.session_hours * 3600 - 30)
    api.ws_send(paula.connection_id, {"action": "heartbeat"})
    ben = api.agent("Ben")  # signed in later: his session runs on
    channel = api.post(
        "/channels", {"kind": "channel", "name": "Ops", "members": [paula.agent_id]}, auth=ben.auth
    )
    direct = api.post("/direct", {"agent_ids": [paula.agent_id]}, auth=ben.auth)
    api.clock.advance(31)
    api.pusher.clear()

    for n, room_id in enumerate((channel.json["room_id"], direct.json["room_id"])):
        frame = {"action": "send", "room_id": room_id, "text": "Noch da?", "client_id": f"b{n}"}
        api.ws_send(ben.connection_id, frame)
        api.ws_send(ben.connection_id, {"action": "typing", "room_id": room_id, "typing": True})

    assert len(api.pushed(ben, "message")) == 2  # the echoes: the messages went out
    assert api.pushed(paula) == []


def test_an_expired_session_stops_counting_at_its_end_not_a_timeout_later(api):
    paula = api.agent("Paula", ("sales",))
    session_end = api.ctx.settings.session_hours * 3600
    api.clock.advance(session_end - 30)
    api.ws_send(paula.connection_id, {"action": "heartbeat"})
    assert api.get("/departments/sales/availability").json["available"] is True

    api.clock.advance(31)

    assert api.get("/departments/sales/availability").json["available"] is False
