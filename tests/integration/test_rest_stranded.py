"""A visitor is never left alone with a vanished agent, over the real handlers: $disconnect
tells the visitor, the scheduled sweep returns the chat after AGENT_GONE_MINUTES, and admins
take over open chats with POST /rooms/{id}/takeover."""

from __future__ import annotations

from tests.integration.test_budget import SCHEDULED_EVENT


def test_the_sweep_returns_the_chat_of_an_agent_whose_console_closed(api):
    paula, piet = api.agent("Paula"), api.agent("Piet")
    visitor = api.visitor()
    room = api.taken(visitor, paula)

    api.ws_disconnect(paula.connection_id)
    presence = api.pushed(visitor, "presence")
    assert presence == [{"type": "presence", "agent_id": paula.agent_id, "status": "offline"}]
    for _minute in range(api.ctx.settings.agent_gone_minutes):
        api.clock.advance(60)
        api.ws_send(piet.connection_id, {"action": "heartbeat"})
    result = api.app.maintenance(SCHEDULED_EVENT, None)

    assert result["rooms_returned"] == 1
    reply = api.get(f"/rooms/{room['room_id']}", auth=visitor.auth)
    assert reply.json["state"] == "queued" and reply.json["agent"] is None
    lines = api.get(f"/rooms/{room['room_id']}/messages?after=0", auth=visitor.auth).json
    assert lines["messages"][-1]["event"] == "agent_gone"
    queue = api.get("/queue", auth=piet.auth).json["rooms"]
    assert [r["room_id"] for r in queue] == [room["room_id"]]


def test_an_admin_takes_over_an_open_chat(api):
    paula, visitor = api.agent("Paula"), api.visitor()
    room = api.taken(visitor, paula)

    reply = api.post(f"/rooms/{room['room_id']}/takeover", auth=api.admin.auth)

    assert reply.status == 200, reply.body
    assert reply.json["agent"]["agent_id"] == api.admin.agent_id
    lines = api.get(f"/rooms/{room['room_id']}/messages?after=0", auth=visitor.auth).json
    assert lines["messages"][-1]["event"] == "taken_over"
    assert api.pushed(paula, "room")[-1]["event"] == "taken_over"


def test_an_agent_cannot_take_over_and_a_queued_chat_is_taken_not_taken_over(api):
    paula, piet, visitor = api.agent("Paula"), api.agent("Piet"), api.visitor()
    room = api.taken(visitor, paula)
    queued = api.ask(api.visitor())

    refused = api.post(f"/rooms/{room['room_id']}/takeover", auth=piet.auth)
    not_open = api.post(f"/rooms/{queued['room_id']}/takeover", auth=api.admin.auth)
    unknown = api.post("/rooms/room_nope/takeover", auth=api.admin.auth)

    assert (refused.status, refused.error["code"]) == (403, "admin_only")
    assert (not_open.status, not_open.error["code"]) == (409, "room_not_open")
    assert (unknown.status, unknown.error["code"]) == (404, "room_not_found")
    reply = api.get(f"/rooms/{room['room_id']}", auth=visitor.auth)
    assert reply.json["agent"]["agent_id"] == paula.agent_id
