"""The contract's additions for the console: unread counts of livechats kept on the server,
handover notes with a forward, and the page where a chat started (docs/console.md)."""

from __future__ import annotations


def _say(api, handle, room_id: str, text: str, client_id: str) -> None:
    reply = api.post(
        f"/rooms/{room_id}/messages", {"text": text, "client_id": client_id}, auth=handle.auth
    )
    assert reply.status == 201, reply.body


def _open_rooms(api, agent) -> dict[str, dict]:
    reply = api.get("/rooms?state=open", auth=agent.auth)
    assert reply.status == 200, reply.body
    return {room["room_id"]: room for room in reply.json["rooms"]}


def test_a_livechats_unread_count_is_kept_on_the_server_until_the_agent_reads_it(api):
    paula = api.agent("Paula")
    visitor = api.visitor()
    room_id = api.taken(visitor, paula)["room_id"]
    assert _open_rooms(api, paula)[room_id]["unread"] == 0

    _say(api, visitor, room_id, "Sind Sie da?", "c1")
    _say(api, visitor, room_id, "Hallo?", "c2")
    room = _open_rooms(api, paula)[room_id]
    assert room["unread"] == 2

    read = api.post(f"/rooms/{room_id}/read", {"seq": room["last_seq"] - 1}, auth=paula.auth)
    assert read.status == 200, read.body
    assert (read.json["kind"], read.json["unread"]) == ("livechat", 1)
    api.post(f"/rooms/{room_id}/read", {"seq": room["last_seq"]}, auth=paula.auth)
    api.post(f"/rooms/{room_id}/read", {"seq": 1}, auth=paula.auth)  # a late tab: no step back
    assert _open_rooms(api, paula)[room_id]["unread"] == 0


def test_a_read_marker_ahead_of_the_chat_or_in_a_chat_of_another_department_is_refused(api):
    paula, lars = api.agent("Paula"), api.agent("Lars", ("library",))
    room = api.taken(api.visitor(), paula)

    ahead = api.post(f"/rooms/{room['room_id']}/read", {"seq": 99}, auth=paula.auth)
    foreign = api.post(f"/rooms/{room['room_id']}/read", {"seq": 1}, auth=lars.auth)

    assert (ahead.status, ahead.error["code"]) == (400, "seq_ahead")
    assert "seq" in ahead.error["message"]
    assert (foreign.status, foreign.error["code"]) == (403, "room_forbidden")


def test_a_forwarded_chat_is_unread_for_its_new_agent_from_the_forward_on(api):
    paula, piet = api.agent("Paula"), api.agent("Piet")
    visitor = api.visitor()
    room_id = api.taken(visitor, paula)["room_id"]
    _say(api, visitor, room_id, "Eine Frage", "c1")

    api.post(f"/rooms/{room_id}/forward", {"agent_id": piet.agent_id}, auth=paula.auth)

    assert _open_rooms(api, piet)[room_id]["unread"] == 1  # the line that says it was forwarded
    assert _open_rooms(api, paula).get(room_id, {}).get("unread") is None  # no longer hers


def test_a_handover_note_reaches_the_receiving_agents_and_never_the_visitor(api):
    paula, piet = api.agent("Paula"), api.agent("Piet")
    lars = api.agent("Lars", ("library",))
    visitor = api.visitor()
    room_id = api.taken(visitor, paula)["room_id"]

    to_piet = api.post(
        f"/rooms/{room_id}/forward",
        {"agent_id": piet.agent_id, "comment": "Fragt nach dem Semesterbeitrag"},
        auth=paula.auth,
    )
    assert to_piet.status == 200, to_piet.body
    assert to_piet.json["handover"] == {"by": "Paula", "comment": "Fragt nach dem Semesterbeitrag"}
    assert api.pushed(piet, "room")[-1]["room"]["handover"]["comment"].startswith("Fragt")

    api.post(
        f"/rooms/{room_id}/forward",
        {"department_id": "library", "comment": "Bitte Ausleihe prüfen"},
        auth=piet.auth,
    )
    queued = api.get("/queue", auth=lars.auth).json["rooms"]
    assert queued[0]["handover"] == {"by": "Piet", "comment": "Bitte Ausleihe prüfen"}
    assert api.pushed(lars, "queue")[-1]["room"]["handover"]["by"] == "Piet"

    seen_by_visitor = api.get(f"/rooms/{room_id}", auth=visitor.auth).json
    assert seen_by_visitor["handover"] is None
    assert all("handover" not in event["room"] for event in api.pushed(visitor, "room"))
    messages = api.get(f"/rooms/{room_id}/messages", auth=visitor.auth).json["messages"]
    assert not any("Semesterbeitrag" in m["text"] or "Ausleihe" in m["text"] for m in messages)


def test_a_handover_note_longer_than_500_characters_is_refused_and_nothing_moves(api):
    paula, piet = api.agent("Paula"), api.agent("Piet")
    room_id = api.taken(api.visitor(), paula)["room_id"]

    reply = api.post(
        f"/rooms/{room_id}/forward",
        {"agent_id": piet.agent_id, "comment": "x" * 501},
        auth=paula.auth,
    )

    assert reply.status == 400 and "comment" in reply.error["message"]
    assert api.get(f"/rooms/{room_id}", auth=paula.auth).json["agent"]["agent_id"] == paula.agent_id


def test_agents_see_the_page_where_the_chat_started_without_query_or_fragment(api):
    paula = api.agent("Paula")
    visitor = api.visitor()
    page = {"url": "https://uni.example/studium/bafoeg?name=Eva#antrag", "title": "BAföG"}

    started = api.post("/rooms", {"department_id": "sales", "page": page}, auth=visitor.auth)

    assert started.status == 201, started.body
    assert started.json["page"] is None  # not shown back to the visitor
    room_id = started.json["room_id"]
    shown = {"url": "https://uni.example/studium/bafoeg", "title": "BAföG"}
    assert api.get("/queue", auth=paula.auth).json["rooms"][0]["page"] == shown
    assert api.pushed(paula, "queue")[-1]["room"]["page"] == shown
    taken = api.post(f"/rooms/{room_id}/take", auth=paula.auth).json
    assert taken["page"] == shown
    assert api.get(f"/rooms/{room_id}", auth=visitor.auth).json["page"] is None
    assert all("page" not in event["room"] for event in api.pushed(visitor, "room"))


def test_a_page_that_is_no_http_address_is_refused_by_name(api):
    visitor = api.visitor()

    reply = api.post(
        "/rooms",
        {"department_id": "sales", "page": {"url": "javascript:alert(1)"}},
        auth=visitor.auth,
    )

    assert reply.status == 400 and "page.url" in reply.error["message"]


def _agent_named(api, name: str):
    """An agent whose display name is `name` (which may hold spaces or an address)."""
    agent = api.agent(name.split()[0].split("@")[0].replace(".", ""))
    reply = api.patch("/me", {"name": name}, auth=agent.auth)
    assert reply.status == 200, reply.body
    return agent


def _shown_to_visitor(api, visitor, room_id: str) -> str:
    """Everything the visitor got about the chat, REST and events, as one text."""
    import json

    seen = [
        api.get(f"/rooms/{room_id}", auth=visitor.auth).json,
        api.get(f"/rooms/{room_id}/messages", auth=visitor.auth).json,
        api.pusher.to(visitor.connection_id),
    ]
    return json.dumps(seen, ensure_ascii=False)


def test_a_department_that_shows_itself_never_shows_its_agents_names_to_visitors(api):
    api.patch("/admin/departments/sales", {"agent_display": "department"}, auth=api.admin.auth)
    paula, piet = _agent_named(api, "Paula Schmidt"), _agent_named(api, "Piet Jansen")
    visitor = api.visitor()
    room_id = api.taken(visitor, paula)["room_id"]
    _say(api, paula, room_id, "Guten Tag!", "p1")
    api.ws_send(paula.connection_id, {"action": "typing", "room_id": room_id, "typing": True})
    api.post(f"/rooms/{room_id}/forward", {"agent_id": piet.agent_id}, auth=paula.auth)
    _say(api, piet, room_id, "Ich übernehme.", "p2")

    seen = _shown_to_visitor(api, visitor, room_id)

    assert "Paula" not in seen and "Piet" not in seen and "Jansen" not in seen
    room = api.get(f"/rooms/{room_id}", auth=visitor.auth).json
    assert room["agent"]["name"] == "Studienberatung"
    messages = api.get(f"/rooms/{room_id}/messages", auth=visitor.auth).json["messages"]
    assert [m["author"]["name"] for m in messages if m["author"]["kind"] == "agent"] == [
        "Studienberatung",
        "Studienberatung",
    ]
    assert "The chat was forwarded to Studienberatung." in [m["text"] for m in messages]
    # The agents still see who is who.
    for_piet = api.get(f"/rooms/{room_id}/messages", auth=piet.auth).json["messages"]
    assert {m["author"]["name"] for m in for_piet if m["author"]["kind"] == "agent"} == {
        "Paula Schmidt",
        "Piet Jansen",
    }
    assert api.get(f"/rooms/{room_id}", auth=piet.auth).json["agent"]["name"] == "Piet Jansen"


def test_a_department_that_shows_first_names_shows_only_those(api):
    api.patch("/admin/departments/sales", {"agent_display": "first_name"}, auth=api.admin.auth)
    paula = _agent_named(api, "Paula Schmidt")
    visitor = api.visitor()
    room_id = api.taken(visitor, paula)["room_id"]
    _say(api, paula, room_id, "Guten Tag!", "p1")

    seen = _shown_to_visitor(api, visitor, room_id)

    assert "Schmidt" not in seen and "Paula" in seen
    assert api.get(f"/rooms/{room_id}", auth=visitor.auth).json["agent"]["name"] == "Paula"


def test_an_agent_named_by_their_email_address_is_never_shown_to_visitors_by_it(api):
    agent = _agent_named(api, "eva.mueller@uni.example")
    visitor = api.visitor()
    room_id = api.taken(visitor, agent)["room_id"]
    _say(api, agent, room_id, "Hallo", "e1")

    seen = _shown_to_visitor(api, visitor, room_id)

    assert "@" not in seen and "eva.mueller" not in seen


def test_the_agent_display_is_one_of_three_and_shown_to_admins(api):
    wrong = api.patch("/admin/departments/sales", {"agent_display": "nick"}, auth=api.admin.auth)
    right = api.patch(
        "/admin/departments/sales", {"agent_display": "first_name"}, auth=api.admin.auth
    )

    assert wrong.status == 400 and "agent_display" in wrong.error["message"]
    assert right.status == 200 and right.json["agent_display"] == "first_name"
