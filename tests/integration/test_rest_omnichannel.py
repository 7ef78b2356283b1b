"""The agent console's routes: queue, preview, take, return, forward, lists, deletion, contacts."""

from __future__ import annotations


def test_the_queue_shows_only_the_agents_departments_oldest_first(api):
    paula = api.agent("Paula", ("sales",))
    lars = api.agent("Lars", ("library",))
    first = api.ask(api.visitor())["room_id"]
    api.clock.advance(5)
    second = api.ask(api.visitor())["room_id"]

    queue = api.get("/queue", auth=paula.auth)

    assert queue.status == 200
    assert [(r["room_id"], r["position"]) for r in queue.json["rooms"]] == [(first, 1), (second, 2)]
    assert api.get("/queue", auth=lars.auth).json == {"rooms": []}
    assert [p["event"] for p in api.pushed(paula, "queue")] == ["added", "added"]
    assert api.pushed(lars, "queue") == []


def test_departments_and_their_agents_for_forwarding(api):
    paula = api.agent("Paula", ("sales",))
    api.agent("Lars", ("library",))

    departments = api.get("/departments", auth=paula.auth)
    agents = api.get("/agents?department_id=library", auth=paula.auth)

    assert departments.status == 200
    assert [(d["department_id"], d["available"]) for d in departments.json["departments"]] == [
        ("library", True),
        ("sales", True),
    ]
    assert agents.status == 200
    assert [(a["name"], a["status"], a["available"]) for a in agents.json["agents"]] == [
        ("Lars", "online", True)
    ]
    assert set(agents.json["agents"][0]) == {"agent_id", "name", "status", "available"}


def test_preview_take_return_and_take_again(api):
    paula, piet = api.agent("Paula"), api.agent("Piet")
    visitor = api.visitor()
    room_id = api.ask(visitor, text="Ich habe eine Frage")["room_id"]

    preview = api.post(f"/rooms/{room_id}/preview", auth=piet.auth)
    assert preview.status == 200 and preview.json["state"] == "queued"
    assert [m["event"] for m in preview.json["messages"]] == [None, "preview"]

    taken = api.post(f"/rooms/{room_id}/take", auth=paula.auth)
    assert taken.status == 200
    assert (taken.json["state"], taken.json["agent"]["agent_id"]) == ("open", paula.agent_id)
    late = api.post(f"/rooms/{room_id}/take", auth=piet.auth)
    assert (late.status, late.error["code"]) == (409, "already_taken")

    returned = api.post(f"/rooms/{room_id}/return", auth=paula.auth)
    assert returned.status == 200
    assert (returned.json["state"], returned.json["agent"]) == ("queued", None)
    assert [p["event"] for p in api.pushed(visitor, "room")][:4] == [
        "queued",
        "preview",
        "taken",
        "returned",
    ]
    again = api.post(f"/rooms/{room_id}/take", auth=piet.auth)
    assert again.status == 200 and again.json["agent"]["agent_id"] == piet.agent_id


def test_forward_to_an_agent_and_to_a_department(api):
    paula, piet = api.agent("Paula", ("sales",)), api.agent("Piet", ("sales",))
    lars = api.agent("Lars", ("library",))
    visitor = api.visitor()
    room_id = api.taken(visitor, paula)["room_id"]

    to_agent = api.post(f"/rooms/{room_id}/forward", {"agent_id": piet.agent_id}, auth=paula.auth)
    assert to_agent.status == 200 and to_agent.json["agent"]["agent_id"] == piet.agent_id

    to_department = api.post(
        f"/rooms/{room_id}/forward", {"department_id": "library"}, auth=piet.auth
    )
    assert to_department.status == 200
    assert (to_department.json["state"], to_department.json["department_id"]) == (
        "queued",
        "library",
    )
    assert [r["room_id"] for r in api.get("/queue", auth=lars.auth).json["rooms"]] == [room_id]
    assert [p["event"] for p in api.pushed(visitor, "room")].count("forwarded") == 2
    assert api.get(f"/rooms/{room_id}", auth=paula.auth).status == 200  # served it before


def test_the_agents_chats_newest_first_with_state_filter_and_cursor(api):
    paula = api.agent("Paula")
    made = []
    for _ in range(3):
        made.append(api.taken(api.visitor(), paula)["room_id"])
        api.clock.advance(10)
        assert api.ws_send(paula.connection_id, {"action": "heartbeat"})["statusCode"] == 200
    assert api.post(f"/rooms/{made[1]}/close", {}, auth=paula.auth).status == 200

    first = api.get("/rooms?limit=2", auth=paula.auth).json
    rest = api.get(f"/rooms?limit=2&next={first['next']}", auth=paula.auth).json
    closed = api.get("/rooms?state=closed", auth=paula.auth).json

    assert [r["room_id"] for r in first["rooms"] + rest["rooms"]] == made[::-1]
    assert first["next"] and rest["next"] is None
    assert [r["room_id"] for r in closed["rooms"]] == [made[1]]


def test_deleting_one_closed_chat_and_all_closed_chats(api):
    paula = api.agent("Paula")
    rooms = [api.taken(api.visitor(), paula)["room_id"] for _ in range(3)]
    for room_id in rooms[:2]:
        assert api.post(f"/rooms/{room_id}/close", {}, auth=paula.auth).status == 200

    one = api.delete(f"/rooms/{rooms[0]}", auth=paula.auth)
    assert one.status == 204 and one.body == b""
    assert api.get(f"/rooms/{rooms[0]}", auth=paula.auth).status == 404

    every = api.delete("/rooms?state=closed", auth=paula.auth)
    assert every.status == 200 and every.json == {"deleted": 1, "more": False}
    assert api.get(f"/rooms/{rooms[1]}", auth=paula.auth).status == 404
    assert api.get(f"/rooms/{rooms[2]}", auth=paula.auth).json["state"] == "open"


def test_contacts_list_and_add_information(api):
    paula = api.agent("Paula")
    erika = api.visitor()
    room_id = api.taken(erika, paula)["room_id"]

    listed = api.get("/contacts", auth=paula.auth)
    assert listed.status == 200 and listed.json["next"] is None
    assert [(c["visitor_id"], c["contact"]) for c in listed.json["contacts"]] == [
        (erika.visitor_id, None)
    ]

    put = api.put(
        f"/contacts/{erika.visitor_id}",
        {"name": "Erika", "email": "erika@x.de", "note": "Erstsemester"},
        auth=paula.auth,
    )
    assert put.status == 200
    got = api.get(f"/contacts/{erika.visitor_id}", auth=paula.auth)
    assert got.status == 200
    assert (got.json["contact"]["email"], got.json["contact"]["note"]) == (
        "erika@x.de",
        "Erstsemester",
    )
    assert [r["room_id"] for r in got.json["rooms"]] == [room_id]
