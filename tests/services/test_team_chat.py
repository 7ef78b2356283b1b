"""Team chat (S5-S9, S22): channels, private groups, direct rooms, their messages, the directory
and the name-only search, on the in-memory store."""

from __future__ import annotations

import pytest

from chalicelib.errors import Conflict, Forbidden, NotFound
from chalicelib.services import messages, staff, staff_messages


def names(rooms: list[dict]) -> list[str]:
    return [r["name"] for r in rooms]


def test_a_channel_is_created_with_its_creator_as_owner_and_channel_names_are_unique(world):
    anna = world.agent("Anna")
    room = staff.create_channel(world.ctx, anna.p, "channel", "Library", "books", [])
    assert (room["kind"], room["name"], room["role"], room["members_count"]) == (
        "channel",
        "Library",
        "owner",
        1,
    )
    with pytest.raises(Conflict) as taken:
        staff.create_channel(world.ctx, anna.p, "channel", "library", None, [])
    assert taken.value.code == "name_taken"


def test_members_of_a_new_group_are_told_they_were_added(world):
    anna, ben = world.agent("Anna"), world.agent("Ben")
    room = staff.create_channel(world.ctx, anna.p, "group", "Ops", None, [ben.agent_id])
    added = ben.pushed("staff_room")
    assert [(p["event"], p["room"]["room_id"]) for p in added] == [("added", room["room_id"])]


def test_a_group_is_invisible_to_a_colleague_outside_it(world):
    anna, ben, carl = world.agent("Anna"), world.agent("Ben"), world.agent("Carl")
    group = staff.create_channel(world.ctx, anna.p, "group", "Secret", None, [ben.agent_id])
    with pytest.raises(NotFound):
        staff.get(world.ctx, carl.p, group["room_id"])
    with pytest.raises(NotFound):
        messages.page(world.ctx, carl.p, group["room_id"], 0, 10)
    assert staff.search(world.ctx, carl.p, "Secret")["rooms"] == []
    assert staff.directory(world.ctx, carl.p, "channels", None)["rooms"] == []
    assert names(staff.directory(world.ctx, ben.p, "channels", None)["rooms"]) == ["Secret"]


def test_nobody_can_join_a_group_member_or_not(world):
    anna, carl = world.agent("Anna"), world.agent("Carl")
    group = staff.create_channel(world.ctx, anna.p, "group", "Ops", None, [])
    for asker in (anna, carl):
        with pytest.raises(Forbidden) as refused:
            staff.join(world.ctx, asker.p, group["room_id"])
        assert refused.value.code == "not_a_channel"
    with pytest.raises(NotFound):
        staff.get(world.ctx, carl.p, group["room_id"])


def test_an_outsider_cannot_join_a_direct_room_nor_learn_of_it(world):
    anna, ben, carl = world.agent("Anna"), world.agent("Ben"), world.agent("Carl")
    direct, _ = staff.open_direct(world.ctx, anna.p, [ben.agent_id])
    with pytest.raises(NotFound):
        staff.join(world.ctx, carl.p, direct["room_id"])


def test_one_direct_room_per_set_of_members(world):
    anna, ben, carl = world.agent("Anna"), world.agent("Ben"), world.agent("Carl")
    first, created = staff.open_direct(world.ctx, anna.p, [ben.agent_id])
    again, created_again = staff.open_direct(world.ctx, ben.p, [anna.agent_id])
    three, _ = staff.open_direct(world.ctx, anna.p, [ben.agent_id, carl.agent_id])
    assert (created, created_again) == (True, False)
    assert first["room_id"] == again["room_id"] != three["room_id"]
    assert (first["name"], again["name"], three["name"]) == ("Ben", "Anna", "Ben, Carl")
    with pytest.raises(NotFound):
        staff.get(world.ctx, carl.p, first["room_id"])


def test_a_direct_room_needs_an_active_colleague(world):
    anna = world.agent("Anna")
    with pytest.raises(NotFound):
        staff.open_direct(world.ctx, anna.p, ["agent_nobody"])
    with pytest.raises(Exception) as alone:
        staff.open_direct(world.ctx, anna.p, [anna.agent_id])
    assert alone.value.code == "no_other_agent"


def test_a_channel_message_reaches_only_the_online_members_with_hole_free_seqs(world):
    anna, ben = world.agent("Anna"), world.agent("Ben")
    outsider = world.agent("Olga")
    offline = world.agent("Dora", connect=False)
    room = staff.create_channel(
        world.ctx, anna.p, "channel", "General", None, [ben.agent_id, offline.agent_id]
    )
    first, created = messages.send(world.ctx, anna.p, room["room_id"], "Hallo", "c1")
    again, created_again = messages.send(world.ctx, anna.p, room["room_id"], "Hallo", "c1")
    second, _ = messages.send(world.ctx, ben.p, room["room_id"], "Hi", "c2")
    assert (created, created_again, again["seq"]) == (True, False, first["seq"])
    assert (first["seq"], second["seq"]) == (1, 2)
    assert [p["message"]["seq"] for p in ben.pushed("message")] == [1, 2]
    assert [p["message"]["seq"] for p in anna.pushed("message")] == [1, 2]
    assert outsider.pushed("message") == []
    found, _ = messages.page(world.ctx, outsider.p, room["room_id"], 1, 10)
    assert [m["text"] for m in found] == ["Hi"]  # a public channel is readable by everyone


def test_the_members_get_a_channel_message_before_its_author_gets_the_echo(world):
    anna, ben, carla = world.agent("Anna"), world.agent("Ben"), world.agent("Carla")
    room = staff.create_channel(
        world.ctx, ben.p, "channel", "General", None, [anna.agent_id, carla.agent_id]
    )
    for author, client_id in ((anna, "from-anna"), (carla, "from-carla")):
        messages.send(world.ctx, author.p, room["room_id"], "Hallo", client_id)
        receivers = [
            c for c, p in world.pusher.sent if p.get("message", {}).get("client_id") == client_id
        ]
        assert len(receivers) == 3
        assert receivers[-1] == author.connection_id


def test_only_members_write_to_a_channel(world):
    anna, ben = world.agent("Anna"), world.agent("Ben")
    room = staff.create_channel(world.ctx, anna.p, "channel", "General", None, [])
    with pytest.raises(Forbidden):
        messages.send(world.ctx, ben.p, room["room_id"], "me too", "c1")
    staff.join(world.ctx, ben.p, room["room_id"])
    assert messages.send(world.ctx, ben.p, room["room_id"], "me too", "c1")[1] is True


def test_a_visitor_never_reaches_a_staff_room(world):
    anna = world.agent("Anna")
    visitor = world.visitor()
    room = staff.create_channel(world.ctx, anna.p, "channel", "General", None, [])
    with pytest.raises(Forbidden):
        messages.page(world.ctx, visitor.p, room["room_id"], 0, 10)
    with pytest.raises(Forbidden):
        messages.send(world.ctx, visitor.p, room["room_id"], "hi", "c1")


def test_unread_counts_drop_with_the_read_marker(world):
    anna, ben = world.agent("Anna"), world.agent("Ben")
    room, _ = staff.open_direct(world.ctx, anna.p, [ben.agent_id])
    for n in range(3):
        messages.send(world.ctx, anna.p, room["room_id"], f"line {n}", f"c{n}")
    assert [r["unread"] for r in staff.my_rooms(world.ctx, ben.p, "activity")] == [3]
    assert [r["unread"] for r in staff.my_rooms(world.ctx, anna.p, "activity")] == [0]
    staff.mark_read(world.ctx, ben.p, room["room_id"], 2)
    staff.mark_read(world.ctx, ben.p, room["room_id"], 1)  # never back
    assert [r["unread"] for r in staff.my_rooms(world.ctx, ben.p, "activity")] == [1]


def test_a_mention_notifies_the_named_member_and_counts_until_read(world):
    anna, ben = world.agent("Anna"), world.agent("Ben Berg")
    room = staff.create_channel(world.ctx, anna.p, "channel", "Help", None, [ben.agent_id])
    messages.send(world.ctx, anna.p, room["room_id"], "can @ben berg take this?", "c1")
    messages.send(world.ctx, anna.p, room["room_id"], "mail to x@ben berg", "c2")
    assert [p["mentions"] for p in ben.pushed("message")] == [[ben.agent_id], []]
    mine = staff.my_rooms(world.ctx, ben.p, "name")[0]
    assert (mine["mentions"], mine["unread"]) == (1, 2)
    staff.mark_read(world.ctx, ben.p, room["room_id"], 2)
    assert staff.my_rooms(world.ctx, ben.p, "name")[0]["mentions"] == 0


def test_one_edits_and_deletes_only_ones_own_message_for_a_while(world):
    anna, ben = world.agent("Anna"), world.agent("Ben")
    room, _ = staff.open_direct(world.ctx, anna.p, [ben.agent_id])
    sent, _ = messages.send(world.ctx, anna.p, room["room_id"], "helo", "c1")
    edited = staff_messages.change(world.ctx, anna.p, room["room_id"], sent["seq"], "hello")
    assert (edited["text"], edited["edited_at"] is not None) == ("hello", True)
    assert ben.pushed("message")[-1]["message"]["text"] == "hello"
    with pytest.raises(Forbidden):
        staff_messages.change(world.ctx, ben.p, room["room_id"], sent["seq"], "mine now")
    world.pass_time(minutes=staff_messages.EDIT_WINDOW_MINUTES + 1)
    with pytest.raises(Forbidden):
        staff_messages.change(world.ctx, anna.p, room["room_id"], sent["seq"], None)
    late, _ = messages.send(world.ctx, anna.p, room["room_id"], "oops", "c2")
    deleted = staff_messages.change(world.ctx, anna.p, room["room_id"], late["seq"], None)
    assert (deleted["text"], deleted["deleted_at"] is not None) == ("", True)


def test_staff_messages_expire_after_the_workspace_retention(world):
    anna, ben = world.agent("Anna"), world.agent("Ben")
    room, _ = staff.open_direct(world.ctx, anna.p, [ben.agent_id])
    assert staff_messages.retention_days(world.ctx) == 90
    staff_messages.set_retention_days(world.ctx, 1)
    messages.send(world.ctx, anna.p, room["room_id"], "short-lived", "c1")
    world.clock.advance(86400 + 1)
    ben.sign_in_again()
    assert messages.page(world.ctx, ben.p, room["room_id"], 0, 10)[0] == []
    assert staff_messages.set_retention_days(world.ctx, None) is None  # keep


def test_owners_and_admins_manage_a_channel_and_everyone_affected_is_told(world):
    anna, ben = world.agent("Anna"), world.agent("Ben")
    admin = world.agent("Ada", role="admin")
    room = staff.create_channel(world.ctx, anna.p, "channel", "General", None, [ben.agent_id])
    with pytest.raises(Forbidden):
        staff.change(world.ctx, ben.p, room["room_id"], "Mine", None)
    staff.change(world.ctx, anna.p, room["room_id"], "Allgemein", "Alles")
    assert ben.pushed("staff_room")[-1]["event"] == "updated"
    assert ben.pushed("staff_room")[-1]["room"]["name"] == "Allgemein"
    staff.remove_member(world.ctx, admin.p, room["room_id"], ben.agent_id)
    assert ben.pushed("staff_room")[-1]["event"] == "removed"
    staff.add_member(world.ctx, admin.p, room["room_id"], ben.agent_id)
    assert ben.pushed("staff_room")[-1]["event"] == "added"
    staff.delete(world.ctx, admin.p, room["room_id"])
    assert [p["event"] for p in anna.pushed("staff_room")][-1] == "removed"
    assert staff.my_rooms(world.ctx, ben.p, "name") == []


def test_losing_a_room_says_whether_one_left_was_removed_or_the_room_was_deleted(world):
    anna, ben, carl = world.agent("Anna"), world.agent("Ben"), world.agent("Carl")
    room = staff.create_channel(
        world.ctx, anna.p, "channel", "General", None, [ben.agent_id, carl.agent_id]
    )

    def lost(agent) -> list[str]:
        return [p["reason"] for p in agent.pushed("staff_room") if p["event"] == "removed"]

    staff.leave(world.ctx, carl.p, room["room_id"])
    staff.remove_member(world.ctx, anna.p, room["room_id"], ben.agent_id)
    staff.add_member(world.ctx, anna.p, room["room_id"], ben.agent_id)
    staff.delete(world.ctx, anna.p, room["room_id"])
    assert (lost(carl), lost(ben), lost(anna)) == (["left"], ["removed", "deleted"], ["deleted"])


def test_the_other_members_hear_the_new_member_count_when_someone_comes_or_goes(world):
    anna, ben, carl = world.agent("Anna"), world.agent("Ben"), world.agent("Carl")
    group = staff.create_channel(world.ctx, anna.p, "group", "Ops", None, [ben.agent_id])
    channel = staff.create_channel(world.ctx, anna.p, "channel", "General", None, [])

    def counts_heard(agent) -> list[tuple[str, int]]:
        return [
            (p["room"]["name"], p["room"]["members_count"])
            for p in agent.pushed("staff_room")
            if p["event"] == "updated"
        ]

    staff.add_member(world.ctx, anna.p, group["room_id"], carl.agent_id)
    staff.remove_member(world.ctx, anna.p, group["room_id"], ben.agent_id)
    staff.leave(world.ctx, carl.p, group["room_id"])
    staff.join(world.ctx, ben.p, channel["room_id"])
    assert counts_heard(anna) == [("Ops", 3), ("Ops", 2), ("Ops", 1), ("General", 2)]
    # Who came or went hears `added` or `removed` instead.
    assert counts_heard(ben) == [("Ops", 3)]
    assert counts_heard(carl) == [("Ops", 2)]


def test_leaving_a_channel_stops_its_messages(world):
    anna, ben = world.agent("Anna"), world.agent("Ben")
    room = staff.create_channel(world.ctx, anna.p, "channel", "General", None, [ben.agent_id])
    staff.leave(world.ctx, ben.p, room["room_id"])
    messages.send(world.ctx, anna.p, room["room_id"], "anyone?", "c1")
    assert ben.pushed("message") == []
    assert staff.get(world.ctx, anna.p, room["room_id"])["members_count"] == 1


def test_search_finds_rooms_and_colleagues_by_name_never_by_message_text(world):
    anna, ben = world.agent("Anna"), world.agent("Ben")
    room = staff.create_channel(world.ctx, anna.p, "channel", "Library", None, [ben.agent_id])
    messages.send(world.ctx, anna.p, room["room_id"], "the word zebrafish is only here", "c1")
    assert staff.search(world.ctx, anna.p, "zebrafish") == {"rooms": [], "users": []}
    assert names(staff.search(world.ctx, anna.p, "libr")["rooms"]) == ["Library"]
    assert [u["name"] for u in staff.search(world.ctx, anna.p, "be")["users"]] == ["Ben"]


def test_search_finds_a_livechat_by_its_guest_name_only_for_who_may_open_it(world):
    anna = world.agent("Anna", ("sales",))
    lena = world.agent("Lena", ("library",))
    visitor = world.visitor()
    world.ask(visitor, "sales")
    found = staff.search(world.ctx, anna.p, visitor.name)["rooms"]
    assert [(r["kind"], r["name"]) for r in found] == [("livechat", visitor.name)]
    assert staff.search(world.ctx, lena.p, visitor.name)["rooms"] == []


def test_the_directory_lists_channels_and_active_colleagues_never_livechats(world):
    anna, ben = world.agent("Anna"), world.agent("Ben")
    world.pending_agent("Pete")
    staff.create_channel(world.ctx, anna.p, "channel", "Library", None, [])
    world.ask(world.visitor(), "sales")
    assert names(staff.directory(world.ctx, ben.p, "channels", None)["rooms"]) == ["Library"]
    users = staff.directory(world.ctx, ben.p, "users", "a")["users"]
    assert [u["name"] for u in users] == ["Anna"]


def test_my_rooms_sort_by_activity_or_name(world):
    anna, ben = world.agent("Anna"), world.agent("Ben")
    alpha = staff.create_channel(world.ctx, anna.p, "channel", "Alpha", None, [])
    world.clock.advance(5)
    staff.create_channel(world.ctx, anna.p, "channel", "Beta", None, [])
    staff.open_direct(world.ctx, anna.p, [ben.agent_id])
    world.clock.advance(5)
    messages.send(world.ctx, anna.p, alpha["room_id"], "news", "c1")
    assert names(staff.my_rooms(world.ctx, anna.p, "name")) == ["Alpha", "Ben", "Beta"]
    assert names(staff.my_rooms(world.ctx, anna.p, "activity"))[0] == "Alpha"
