"""Team chat over HTTP and the WebSocket handlers (S5-S9, S22), on moto's DynamoDB."""

from __future__ import annotations

import pytest


def create(api, agent, kind="channel", name="Library", members=()):
    reply = api.post(
        "/channels", {"kind": kind, "name": name, "members": list(members)}, auth=agent.auth
    )
    assert reply.status == 201, reply.body
    return reply.json


def send(api, agent, room_id, text, client_id):
    return api.post(
        f"/rooms/{room_id}/messages", {"text": text, "client_id": client_id}, auth=agent.auth
    )


def test_visitors_never_reach_team_chat(api):
    anna = api.agent("Anna")
    room = create(api, anna)
    visitor = api.visitor()
    assert api.get("/me/rooms", auth=visitor.auth).status == 401
    assert api.post("/channels", {"kind": "channel", "name": "x"}, auth=visitor.auth).status == 401
    assert api.get("/search?q=lib").status == 401
    assert api.get(f"/rooms/{room['room_id']}/messages", auth=visitor.auth).status == 403
    reply = send(api, visitor, room["room_id"], "hi", "v1")
    assert (reply.status, reply.error["code"]) == (403, "agents_only")


def test_a_channel_name_is_taken_once_case_insensitively(api):
    anna = api.agent("Anna")
    create(api, anna, name="Library")
    reply = api.post("/channels", {"kind": "channel", "name": "LIBRARY"}, auth=anna.auth)
    assert (reply.status, reply.error["code"]) == (409, "name_taken")
    assert reply.error["message"].startswith("name: ")


def test_a_private_group_never_reveals_its_name_to_a_colleague_outside_it(api):
    anna, ben, carl = api.agent("Anna"), api.agent("Ben"), api.agent("Carl")
    groups = [create(api, anna, "group", n, [ben.agent_id]) for n in ("Betriebsrat", "Vorstand")]
    other = create(api, carl, "channel", "Neuigkeiten")

    channel = api.post("/channels", {"kind": "channel", "name": "BETRIEBSRAT"}, auth=carl.auth)
    renamed = api.patch(f"/channels/{other['room_id']}", {"name": "vorstand"}, auth=carl.auth)
    twin = api.post("/channels", {"kind": "group", "name": "Betriebsrat"}, auth=carl.auth)

    assert (channel.status, renamed.status, twin.status) == (201, 200, 201)
    names = {r["room_id"]: r["name"] for r in api.get("/me/rooms", auth=ben.auth).json["rooms"]}
    assert names == {g["room_id"]: g["name"] for g in groups}


def test_a_group_may_share_its_name_with_a_channel_or_a_group_and_keeps_none(api):
    anna = api.agent("Anna")
    channel = create(api, anna, "channel", "Team")
    groups = [create(api, anna, "group", name) for name in ("team", "TEAM", "Intern")]
    renamed = api.patch(f"/channels/{groups[2]['room_id']}", {"name": "Team"}, auth=anna.auth)
    assert renamed.status == 200

    for group in groups:  # deleting a group frees no channel's name
        assert api.delete(f"/channels/{group['room_id']}", auth=anna.auth).status == 204
    again = api.post("/channels", {"kind": "channel", "name": "team"}, auth=anna.auth)
    assert (again.status, again.error["code"]) == (409, "name_taken")
    assert api.delete(f"/channels/{channel['room_id']}", auth=anna.auth).status == 204
    assert create(api, anna, "channel", "team")["name"] == "team"


def test_a_group_stored_when_groups_still_claimed_names_gives_its_name_up(api):
    """Groups created before 2026-12-07 hold a name claim; a channel of that name takes it over,
    and renaming or deleting such a group never frees a channel's name."""
    anna, carl = api.agent("Anna"), api.agent("Carl")
    old = create(api, anna, "group", "Vorstand")
    older = create(api, anna, "group", "Archiv")
    keys = api.ctx.store.m.KeyItem
    for room in (old, older):
        keys(f"staffname#{room['name'].casefold()}", ref=room["room_id"]).save()

    channel = api.post("/channels", {"kind": "channel", "name": "Vorstand"}, auth=carl.auth)
    assert channel.status == 201
    assert api.patch(f"/channels/{old['room_id']}", {"name": "Alt"}, auth=anna.auth).status == 200
    assert api.delete(f"/channels/{old['room_id']}", auth=anna.auth).status == 204
    taken = api.post("/channels", {"kind": "channel", "name": "vorstand"}, auth=carl.auth)
    assert (taken.status, taken.error["code"]) == (409, "name_taken")

    assert (
        api.patch(f"/channels/{older['room_id']}", {"name": "Ablage"}, auth=anna.auth).status == 200
    )
    assert create(api, carl, "channel", "Archiv")["name"] == "Archiv"


def test_bad_input_names_the_field(api):
    anna = api.agent("Anna")
    reply = api.post("/channels", {"kind": "livechat", "name": "x"}, auth=anna.auth)
    assert reply.status == 400 and "kind" in reply.error["message"]
    reply = api.post("/direct", {"agent_ids": []}, auth=anna.auth)
    assert reply.status == 400 and "agent_ids" in reply.error["message"]
    reply = api.get("/me/rooms?sort=size", auth=anna.auth)
    assert reply.status == 400 and "sort" in reply.error["message"]
    reply = api.get("/search", auth=anna.auth)
    assert reply.status == 400 and "q" in reply.error["message"]


def test_a_direct_room_is_created_once_per_set_of_members(api):
    anna, ben = api.agent("Anna"), api.agent("Ben")
    first = api.post("/direct", {"agent_ids": [ben.agent_id]}, auth=anna.auth)
    again = api.post("/direct", {"agent_ids": [anna.agent_id]}, auth=ben.auth)
    assert (first.status, again.status) == (201, 200)
    assert first.json["room_id"] == again.json["room_id"]
    assert (first.json["name"], again.json["name"]) == ("Ben", "Anna")


def test_a_group_is_404_to_a_colleague_outside_it_and_never_found(api):
    anna, ben, carl = api.agent("Anna"), api.agent("Ben"), api.agent("Carl")
    group = create(api, anna, "group", "Secret", [ben.agent_id])
    room_id = group["room_id"]
    for reply in (
        api.get(f"/channels/{room_id}", auth=carl.auth),
        api.get(f"/rooms/{room_id}/messages", auth=carl.auth),
        send(api, carl, room_id, "let me in", "c1"),
    ):
        assert reply.status == 404, reply.body
    joining = api.post(f"/channels/{room_id}/join", auth=carl.auth)
    assert (joining.status, joining.error["code"]) == (403, "not_a_channel")
    assert api.get("/search?q=secret", auth=carl.auth).json["rooms"] == []
    assert api.get("/directory?type=channels", auth=carl.auth).json["rooms"] == []
    assert [r["name"] for r in api.get("/search?q=secret", auth=ben.auth).json["rooms"]] == [
        "Secret"
    ]


def test_messages_are_idempotent_echoed_and_resumed_after_a_seq(api):
    anna, ben = api.agent("Anna"), api.agent("Ben")
    room_id = create(api, anna, members=[ben.agent_id])["room_id"]
    first = send(api, anna, room_id, "eins", "a1")
    again = send(api, anna, room_id, "eins", "a1")
    frame = {"action": "send", "room_id": room_id, "text": "zwei", "client_id": "b1"}
    api.ws_send(ben.connection_id, frame)
    api.ws_send(ben.connection_id, frame)  # a resend: echoed to the sender only

    assert (first.status, again.status, again.json["seq"]) == (201, 200, first.json["seq"])
    assert [p["message"]["client_id"] for p in api.pushed(ben, "message")] == ["a1", "b1", "b1"]
    assert [p["message"]["client_id"] for p in api.pushed(anna, "message")] == ["a1", "b1"]
    resumed = api.get(f"/rooms/{room_id}/messages?after=1", auth=anna.auth).json["messages"]
    assert [(m["seq"], m["text"]) for m in resumed] == [(2, "zwei")]


def test_typing_reaches_the_other_members_only(api):
    anna, ben, carl = api.agent("Anna"), api.agent("Ben"), api.agent("Carl")
    room_id = api.post("/direct", {"agent_ids": [ben.agent_id]}, auth=anna.auth).json["room_id"]
    api.ws_send(anna.connection_id, {"action": "typing", "room_id": room_id, "typing": True})
    assert [p["author"]["name"] for p in api.pushed(ben, "typing")] == ["Anna"]
    assert api.pushed(anna, "typing") == [] and api.pushed(carl, "typing") == []


def test_unread_drops_with_the_read_marker(api):
    anna, ben = api.agent("Anna"), api.agent("Ben")
    room_id = create(api, anna, members=[ben.agent_id])["room_id"]
    for n in range(3):
        send(api, anna, room_id, f"line {n}", f"c{n}")
    assert [r["unread"] for r in api.get("/me/rooms", auth=ben.auth).json["rooms"]] == [3]
    read = api.post(f"/rooms/{room_id}/read", {"seq": 2}, auth=ben.auth)
    assert (read.status, read.json["unread"]) == (200, 1)
    ahead = api.post(f"/rooms/{room_id}/read", {"seq": 9}, auth=ben.auth)
    assert ahead.status == 400 and "seq" in ahead.error["message"]


def test_a_word_found_only_in_messages_finds_nothing(api):
    anna, ben = api.agent("Anna"), api.agent("Ben")
    room_id = create(api, anna, name="Library", members=[ben.agent_id])["room_id"]
    send(api, anna, room_id, "the quokka is only in this message", "c1")
    assert api.get("/search?q=quokka", auth=anna.auth).json == {"rooms": [], "users": []}
    found = api.get("/search?q=libr", auth=anna.auth).json
    assert [r["name"] for r in found["rooms"]] == ["Library"]


def test_owners_manage_a_channel_others_get_403_and_members_are_told(api):
    anna, ben = api.agent("Anna"), api.agent("Ben")
    room_id = create(api, anna, members=[ben.agent_id])["room_id"]
    assert api.patch(f"/channels/{room_id}", {"name": "Mine"}, auth=ben.auth).status == 403
    assert api.delete(f"/channels/{room_id}", auth=ben.auth).status == 403
    renamed = api.patch(f"/channels/{room_id}", {"name": "Bibliothek"}, auth=anna.auth)
    assert renamed.json["name"] == "Bibliothek"
    assert api.pushed(ben, "staff_room")[-1]["event"] == "updated"
    assert api.delete(f"/channels/{room_id}", auth=anna.auth).status == 204
    assert api.pushed(ben, "staff_room")[-1]["event"] == "removed"
    assert api.get(f"/channels/{room_id}", auth=anna.auth).status == 404


def test_one_edits_and_deletes_ones_own_message(api):
    anna, ben = api.agent("Anna"), api.agent("Ben")
    room_id = create(api, anna, members=[ben.agent_id])["room_id"]
    send(api, anna, room_id, "helo", "c1")
    edited = api.patch(f"/rooms/{room_id}/messages/1", {"text": "hello"}, auth=anna.auth)
    assert (edited.status, edited.json["text"]) == (200, "hello")
    assert api.patch(f"/rooms/{room_id}/messages/1", {"text": "x"}, auth=ben.auth).status == 403
    assert api.delete(f"/rooms/{room_id}/messages/1", auth=anna.auth).status == 204
    assert api.delete(f"/rooms/{room_id}/messages/nine", auth=anna.auth).status == 404
    stored = api.get(f"/rooms/{room_id}/messages", auth=ben.auth).json["messages"]
    assert (stored[0]["text"], stored[0]["deleted_at"] is not None) == ("", True)


def test_the_admin_sets_the_staff_retention_and_others_may_not(api):
    anna = api.agent("Anna")
    assert api.get("/admin/team-chat", auth=api.admin.auth).json == {"retention_days": 90}
    assert api.put("/admin/team-chat", {"retention_days": 30}, auth=anna.auth).status == 403
    kept = api.put("/admin/team-chat", {"retention_days": "keep"}, auth=api.admin.auth)
    assert kept.json == {"retention_days": "keep"}
    for wrong in (0, 3651, "forever", True, 1.5, None):
        bad = api.put("/admin/team-chat", {"retention_days": wrong}, auth=api.admin.auth)
        assert bad.status == 400, wrong
        assert bad.error["message"].startswith("retention_days: "), bad.error
    assert api.get("/admin/team-chat", auth=api.admin.auth).json == {"retention_days": "keep"}


def test_a_bad_frame_to_a_staff_room_gets_an_error_and_the_socket_stays(api):
    anna = api.agent("Anna")
    frame = {"action": "send", "room_id": "team_nope", "text": "x", "client_id": "c1"}
    api.ws_send(anna.connection_id, frame)
    assert api.pushed(anna, "error")[-1]["code"] == "room_not_found"


def _room_of(api, kind, owner, members):
    if kind == "direct":
        reply = api.post("/direct", {"agent_ids": [m.agent_id for m in members]}, auth=owner.auth)
        return reply.json["room_id"]
    return create(api, owner, kind, f"Room {kind}", [m.agent_id for m in members])["room_id"]


@pytest.mark.parametrize("kind", ["direct", "group", "channel"])
def test_a_colleague_who_left_a_room_hears_none_of_its_messages_or_typing(api, kind):
    anna, ben, carl = api.agent("Anna"), api.agent("Ben"), api.agent("Carl")
    room_id = _room_of(api, kind, anna, [ben, carl])
    assert api.post(f"/channels/{room_id}/leave", auth=carl.auth).status == 204

    send(api, anna, room_id, "without Carl", "a1")
    api.ws_send(anna.connection_id, {"action": "typing", "room_id": room_id, "typing": True})
    edited = api.patch(f"/rooms/{room_id}/messages/1", {"text": "still without"}, auth=anna.auth)

    assert edited.status == 200
    assert [p["message"]["text"] for p in api.pushed(ben, "message")] == [
        "without Carl",
        "still without",
    ]
    assert len(api.pushed(ben, "typing")) == 1
    assert api.pushed(carl, "message") == [] and api.pushed(carl, "typing") == []


@pytest.mark.parametrize("kind", ["direct", "group"])
def test_a_leave_that_lands_while_a_message_is_being_sent_stops_that_message_too(
    api, monkeypatch, kind
):
    """The leave completes after the sender's message is stored and before it is pushed: the
    push reads who is a member then, so the leaver's socket gets nothing."""
    anna, ben, carl = api.agent("Anna"), api.agent("Ben"), api.agent("Carl")
    room_id = _room_of(api, kind, anna, [ben, carl])
    store = api.ctx.store
    append = store.append_staff_message

    def append_while_carl_leaves(room, draft):
        appended = append(room, draft)
        assert api.post(f"/channels/{room_id}/leave", auth=carl.auth).status == 204
        return appended

    monkeypatch.setattr(store, "append_staff_message", append_while_carl_leaves)
    frame = {"action": "send", "room_id": room_id, "text": "x", "client_id": "a1"}
    api.ws_send(anna.connection_id, frame)

    assert [p["message"]["text"] for p in api.pushed(ben, "message")] == ["x"]
    assert api.pushed(carl, "message") == []
    assert ("removed", "left") in [(p["event"], p.get("reason")) for p in api.pushed(carl)]


def test_a_colleague_who_leaves_while_the_room_is_deleted_hears_only_of_the_leave(api, monkeypatch):
    anna, ben, carl = api.agent("Anna"), api.agent("Ben"), api.agent("Carl")
    room_id = create(api, anna, "group", "Closing", [ben.agent_id, carl.agent_id])["room_id"]
    store = api.ctx.store
    delete = store.delete_staff_room

    def carl_leaves_first(deleted_id):
        assert api.post(f"/channels/{room_id}/leave", auth=carl.auth).status == 204
        return delete(deleted_id)

    monkeypatch.setattr(store, "delete_staff_room", carl_leaves_first)
    assert api.delete(f"/channels/{room_id}", auth=anna.auth).status == 204

    told = [(p["event"], p.get("reason")) for p in api.pushed(carl, "staff_room")]
    assert told[-1] == ("removed", "left") and ("removed", "deleted") not in told
    assert api.pushed(ben, "staff_room")[-1]["reason"] == "deleted"
