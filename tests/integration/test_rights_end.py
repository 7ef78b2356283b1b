"""Rights end when they should: typing comes only from the room's visitor and its current agent;
a chat forwarded to an agent of another department moves there, and the agent who served it
before keeps read access only; forwarding never leaves a state that the next forward refuses."""

from __future__ import annotations


def typing_frame(room_id: str, typing: bool = True) -> dict:
    return {"action": "typing", "room_id": room_id, "typing": typing}


def test_typing_comes_only_from_the_rooms_visitor_and_its_current_agent(api):
    paula = api.agent("Paula", ("sales",))
    piet = api.agent("Piet", ("sales",))
    admin = api.agent("Ada", ("sales",), role="admin")
    visitor = api.visitor()
    room_id = api.taken(visitor, paula)["room_id"]
    api.pusher.clear()

    for other in (piet, admin):
        api.ws_send(other.connection_id, typing_frame(room_id))
    api.ws_send(paula.connection_id, typing_frame(room_id))
    api.ws_send(visitor.connection_id, typing_frame(room_id))

    for other in (piet, admin):
        assert [e["code"] for e in api.pushed(other, "error")] == ["not_room_agent"]
    assert [t["author"]["id"] for t in api.pushed(visitor, "typing")] == [paula.agent_id]
    assert [t["author"]["id"] for t in api.pushed(paula, "typing")] == [visitor.visitor_id]


def test_a_chat_forwarded_to_an_agent_of_another_department_moves_there(api):
    paula = api.agent("Paula", ("sales",))
    lars = api.agent("Lars", ("library",))
    visitor = api.visitor()
    room_id = api.taken(visitor, paula)["room_id"]

    forwarded = api.post(f"/rooms/{room_id}/forward", {"agent_id": lars.agent_id}, auth=paula.auth)

    assert forwarded.status == 200, forwarded.body
    assert forwarded.json["department_id"] == "library"
    assert forwarded.json["agent"]["agent_id"] == lars.agent_id
    library_rooms = api.get("/rooms?state=open", auth=lars.auth).json["rooms"]
    assert [r["room_id"] for r in library_rooms] == [room_id]


def test_the_agent_who_served_it_before_may_only_read_it(api):
    paula = api.agent("Paula", ("sales",))
    lars = api.agent("Lars", ("library",))
    visitor = api.visitor()
    room_id = api.taken(visitor, paula)["room_id"]
    api.post(f"/rooms/{room_id}/forward", {"agent_id": lars.agent_id}, auth=paula.auth)
    api.pusher.clear()

    read_room = api.get(f"/rooms/{room_id}", auth=paula.auth)
    read_messages = api.get(f"/rooms/{room_id}/messages", auth=paula.auth)
    write = api.post(
        f"/rooms/{room_id}/messages", {"text": "Noch da?", "client_id": "p-9"}, auth=paula.auth
    )
    api.ws_send(paula.connection_id, typing_frame(room_id))
    contact = api.put(f"/contacts/{visitor.visitor_id}", {"note": "x"}, auth=paula.auth)
    close = api.post(f"/rooms/{room_id}/close", {}, auth=paula.auth)
    assert api.post(f"/rooms/{room_id}/close", {}, auth=lars.auth).status == 200
    delete = api.delete(f"/rooms/{room_id}", auth=paula.auth)
    delete_all = api.delete("/rooms?state=closed", auth=paula.auth)

    assert read_room.status == 200 and read_messages.status == 200
    assert write.status == 403 and close.status == 403
    assert [e["code"] for e in api.pushed(paula, "error")] == ["not_room_agent"]
    assert api.pushed(visitor, "typing") == []
    assert (contact.status, contact.error["code"]) == (403, "read_only")
    assert (delete.status, delete.error["code"]) == (403, "read_only")
    assert delete_all.json == {"deleted": 0, "more": False}
    assert api.get(f"/rooms/{room_id}", auth=lars.auth).status == 200


def test_forwarding_back_and_forth_is_never_refused(api):
    paula = api.agent("Paula", ("sales",))
    piet = api.agent("Piet", ("sales",))
    lars = api.agent("Lars", ("library",))
    visitor = api.visitor()
    room_id = api.taken(visitor, paula)["room_id"]
    steps = [
        (paula, {"agent_id": lars.agent_id}, "library"),
        (lars, {"department_id": "sales"}, "sales"),
        (None, None, "sales"),  # Piet takes it from the sales queue
        (piet, {"agent_id": lars.agent_id, "department_id": "library"}, "library"),
        (lars, {"agent_id": paula.agent_id}, "sales"),
    ]

    for who, body, department in steps:
        if who is None:
            reply = api.post(f"/rooms/{room_id}/take", auth=piet.auth)
        else:
            reply = api.post(f"/rooms/{room_id}/forward", body, auth=who.auth)
        assert reply.status == 200, (body, reply.body)
        assert reply.json["department_id"] == department


def test_an_agent_and_a_department_they_do_not_serve_is_400(api):
    paula = api.agent("Paula", ("sales",))
    lars = api.agent("Lars", ("library",))
    visitor = api.visitor()
    room_id = api.taken(visitor, paula)["room_id"]

    reply = api.post(
        f"/rooms/{room_id}/forward",
        {"agent_id": lars.agent_id, "department_id": "sales"},
        auth=paula.auth,
    )

    assert (reply.status, reply.error["code"]) == (400, "agent_not_in_department")
    assert api.get(f"/rooms/{room_id}", auth=paula.auth).json["agent"]["agent_id"] == paula.agent_id


def test_a_disabled_or_signed_out_agents_socket_hears_nothing_more(api):
    paula = api.agent("Paula", ("sales",))
    piet = api.agent("Piet", ("sales",))
    api.agent("Sven", ("sales",))  # someone stays available
    assert api.post("/auth/logout", auth=piet.auth).status == 204
    assert api.post(f"/admin/agents/{paula.agent_id}/disable", auth=api.admin.auth).status == 200
    api.pusher.clear()

    api.ask(api.visitor(connect=False))

    assert api.pushed(paula) == [] and api.pushed(piet) == []
    assert {paula.connection_id, piet.connection_id} <= set(api.pusher.disconnected)
