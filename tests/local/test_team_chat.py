"""Team chat (S22) on the real stack: three agents, real WebSockets, DynamoDB Local; a channel,
a private group and a direct room."""

from __future__ import annotations

import uuid

from tests.local.support import approved_agent, go_online, is_message, open_socket


def is_staff_room_event(event: str, room_id: str):
    return lambda e: (
        e.get("type") == "staff_room" and e["event"] == event and e["room"]["room_id"] == room_id
    )


def three_agents(stack):
    api, ws = stack.api, stack.urls.ws_url
    department = stack.new_department()
    suffix = uuid.uuid4().hex[:4]
    agents = [
        approved_agent(api, stack.admin_token, f"{name} {suffix}", [department])
        for name in ("Anna", "Ben", "Carl")
    ]
    return agents, [go_online(api, ws, agent) for agent in agents]


def test_a_channel_reaches_its_members_and_a_joiner_resumes_without_holes(stack):
    api = stack.api
    (anna, ben, carl), (anna_ws, ben_ws, carl_ws) = three_agents(stack)
    name = f"Bibliothek {uuid.uuid4().hex[:6]}"
    room = api.call(
        "POST",
        "/channels",
        {"kind": "channel", "name": name, "members": [ben.agent_id]},
        token=anna.token,
        expect=201,
    ).json()
    room_id = room["room_id"]
    ben_ws.wait_for(is_staff_room_event("added", room_id))

    anna_ws.send(action="send", room_id=room_id, text="Wer übernimmt?", client_id="a-1")
    ben_ws.wait_for(is_message("Wer übernimmt?"))
    anna_ws.wait_for(is_message("Wer übernimmt?"))  # the echo
    ben_ws.send(action="typing", room_id=room_id, typing=True)
    typing = anna_ws.wait_for(lambda e: e.get("type") == "typing")
    assert typing["room_id"] == room_id and typing["typing"] is True
    ben_ws.send(action="send", room_id=room_id, text="Ich", client_id="b-1")
    anna_ws.wait_for(is_message("Ich"))

    # Carl is no member: he hears nothing, but a public channel is his to read and join.
    api.call("POST", f"/channels/{room_id}/join", token=carl.token, expect=200)
    carl_ws.wait_for(is_staff_room_event("added", room_id))
    missed = api.call(
        "GET", f"/rooms/{room_id}/messages?after=0", token=carl.token, expect=200
    ).json()["messages"]
    assert [m["seq"] for m in missed] == [1, 2]
    assert not any(e.get("type") == "message" for e in carl_ws.events_so_far())
    carl_ws.send(action="send", room_id=room_id, text="Ich auch", client_id="c-1")
    carl_ws.send(action="send", room_id=room_id, text="Ich auch", client_id="c-1")  # a resend
    anna_ws.wait_for(is_message("Ich auch"))
    resumed = api.call(
        "GET", f"/rooms/{room_id}/messages?after=2", token=anna.token, expect=200
    ).json()["messages"]
    assert [(m["seq"], m["client_id"]) for m in resumed] == [(3, "c-1")]


def test_a_group_and_a_direct_room_are_heard_by_their_members_only(stack):
    api = stack.api
    (anna, ben, carl), (anna_ws, ben_ws, carl_ws) = three_agents(stack)
    group = api.call(
        "POST",
        "/channels",
        {"kind": "group", "name": f"Geheim {uuid.uuid4().hex[:6]}", "members": [ben.agent_id]},
        token=anna.token,
        expect=201,
    ).json()["room_id"]
    direct = api.call(
        "POST", "/direct", {"agent_ids": [carl.agent_id]}, token=ben.token, expect=201
    ).json()["room_id"]
    carl_ws.wait_for(is_staff_room_event("added", direct))

    anna_ws.send(action="send", room_id=group, text="Nur für Ben", client_id="g-1")
    ben_ws.wait_for(is_message("Nur für Ben"))
    ben_ws.send(action="send", room_id=direct, text="Hallo Carl", client_id="d-1")
    carl_ws.wait_for(is_message("Hallo Carl"))
    carl_ws.send(action="send", room_id=direct, text="Hallo Ben", client_id="d-2")
    ben_ws.wait_for(is_message("Hallo Ben"))

    api.call("GET", f"/channels/{group}", token=carl.token, expect=404)
    api.call("GET", f"/rooms/{direct}/messages", token=anna.token, expect=404)
    carl_ws.send(action="send", room_id=group, text="Darf ich?", client_id="x-1")
    refused = carl_ws.wait_for(lambda e: e.get("type") == "error")
    assert refused["code"] == "room_not_found"
    texts = [e["message"]["text"] for e in carl_ws.events_so_far() if e.get("type") == "message"]
    assert "Nur für Ben" not in texts
    texts = [e["message"]["text"] for e in anna_ws.events_so_far() if e.get("type") == "message"]
    assert "Hallo Carl" not in texts and "Hallo Ben" not in texts

    unread = {
        r["room_id"]: r["unread"]
        for r in api.call("GET", "/me/rooms", token=ben.token, expect=200).json()["rooms"]
    }
    assert unread == {group: 1, direct: 1}


def test_a_visitor_socket_cannot_write_to_a_staff_room(stack):
    api, ws = stack.api, stack.urls.ws_url
    (anna, _, _), _ = three_agents(stack)
    direct_visitor = api.call("POST", "/visitors", expect=201).json()
    room = api.call(
        "POST",
        "/channels",
        {"kind": "channel", "name": f"Offen {uuid.uuid4().hex[:6]}"},
        token=anna.token,
        expect=201,
    ).json()["room_id"]
    visitor_ws = open_socket(api, ws, visitor=direct_visitor["token"])
    visitor_ws.send(action="send", room_id=room, text="Hallo?", client_id="v-1")
    refused = visitor_ws.wait_for(lambda e: e.get("type") == "error")
    assert refused["code"] == "agents_only"
    visitor_ws.close()


def test_a_colleague_who_left_a_direct_room_hears_nothing_more_of_it(stack):
    api = stack.api
    (anna, ben, carl), (anna_ws, ben_ws, carl_ws) = three_agents(stack)
    direct = api.call(
        "POST",
        "/direct",
        {"agent_ids": [ben.agent_id, carl.agent_id]},
        token=anna.token,
        expect=201,
    ).json()["room_id"]
    carl_ws.wait_for(is_staff_room_event("added", direct))

    api.call("POST", f"/channels/{direct}/leave", token=carl.token, expect=204)
    carl_ws.wait_for(is_staff_room_event("removed", direct))
    anna_ws.send(action="typing", room_id=direct, typing=True)
    anna_ws.send(action="send", room_id=direct, text="Ohne Carl", client_id="a-1")
    ben_ws.wait_for(is_message("Ohne Carl"))

    heard = [e for e in carl_ws.events_so_far() if e.get("type") in ("message", "typing")]
    assert heard == []
