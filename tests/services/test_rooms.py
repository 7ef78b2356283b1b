"""S12, S13, S21, S27: closing, the agent's list of chats, deletion, automatic expiry."""

from __future__ import annotations

import dataclasses

import pytest

from chalicelib.errors import Conflict, Forbidden, NotFound
from chalicelib.services import contacts, messages, presence, rooms


def test_the_agent_closes_the_chat_when_the_conversation_is_over(world):
    paula = world.agent("Paula")
    visitor = world.visitor()
    room_id = world.taken(visitor, paula)["room_id"]
    world.clock.advance(minutes=10)

    closed = rooms.close(world.ctx, paula.p, room_id, "Frage beantwortet")

    assert (closed["state"], closed["closed_by"], closed["comment"]) == (
        "closed",
        "agent",
        "Frage beantwortet",
    )
    assert closed["closed_at"] == world.ctx.iso()
    assert closed["expires_at"] == world.ctx.iso(world.ctx.now() + 24 * 3600)
    assert visitor.room_events()[-1] == "closed"
    assert visitor.pushed("message")[-1]["message"]["event"] == "closed"
    history, _ = messages.page(world.ctx, paula.p, room_id, 0, 100)  # S21: still viewable
    assert history[0]["text"] == "Hallo?"
    listed, _ = rooms.list_for_agent(world.ctx, paula.p, "closed", 10, None)
    assert [r["room_id"] for r in listed] == [room_id]


def test_the_visitor_can_end_the_chat(world):
    paula = world.agent("Paula")
    visitor = world.visitor()
    room_id = world.taken(visitor, paula)["room_id"]

    closed = rooms.close(world.ctx, visitor.p, room_id, None)

    assert (closed["state"], closed["closed_by"]) == ("closed", "visitor")
    assert "closed" in [p["event"] for p in paula.pushed("room")]


def test_a_closed_chat_cannot_be_closed_again(world):
    paula = world.agent("Paula")
    room_id = world.taken(world.visitor(), paula)["room_id"]
    rooms.close(world.ctx, paula.p, room_id, None)

    with pytest.raises(Conflict) as again:
        rooms.close(world.ctx, paula.p, room_id, None)

    assert again.value.code == "room_closed"


def test_another_agent_cannot_close_a_chat_they_do_not_serve(world):
    paula, piet = world.agent("Paula"), world.agent("Piet")
    room_id = world.taken(world.visitor(), paula)["room_id"]

    with pytest.raises(Forbidden):
        rooms.close(world.ctx, piet.p, room_id, None)

    assert world.stored_room(room_id).state == "open"


def test_room_info_shows_department_and_times(world):
    paula = world.agent("Paula")
    visitor = world.visitor()
    asked_at = world.ctx.iso()
    room_id = world.ask(visitor)["room_id"]
    world.clock.advance(30)
    rooms.take(world.ctx, paula.p, room_id)

    info = rooms.get(world.ctx, paula.p, room_id)

    assert info["department_id"] == "sales"
    assert info["created_at"] == asked_at
    assert info["taken_at"] == world.ctx.iso()
    assert info["visitor"]["name"] == visitor.name
    assert info["agent"]["name"] == "Paula"


def test_only_closed_chats_can_be_deleted(world):
    paula = world.agent("Paula")
    visitor = world.visitor()
    room_id = world.taken(visitor, paula)["room_id"]
    messages.send(world.ctx, visitor.p, room_id, "Meine Matrikelnummer ist 123", "v-1")

    with pytest.raises(Conflict) as refused:
        rooms.delete(world.ctx, paula.p, room_id)
    assert refused.value.code == "room_not_closed"
    assert world.stored_room(room_id).state == "open"

    rooms.close(world.ctx, paula.p, room_id, None)
    rooms.delete(world.ctx, paula.p, room_id)

    assert world.stored_room(room_id) is None
    assert world.ctx.store.messages_after(room_id, 0, 100, 0) == []
    assert world.ctx.store.message_for_client_id(room_id, "v-1", world.ctx.now()) is None
    assert world.ctx.store.rooms_of_agent(paula.agent_id, None, 10) == []
    assert visitor.room_events()[-1] == "deleted"
    with pytest.raises(NotFound):
        rooms.get(world.ctx, paula.p, room_id)


def test_delete_all_closed_chats_spares_the_open_ones(world):
    paula = world.agent("Paula")
    closed_ids = []
    for _ in range(2):
        room_id = world.taken(world.visitor(), paula)["room_id"]
        rooms.close(world.ctx, paula.p, room_id, None)
        closed_ids.append(room_id)
    open_id = world.taken(world.visitor(), paula)["room_id"]
    queued_id = world.ask(world.visitor())["room_id"]

    assert rooms.delete_closed(world.ctx, paula.p) == (2, False)

    assert [world.stored_room(r) for r in closed_ids] == [None, None]
    assert world.stored_room(open_id).state == "open"
    assert world.stored_room(queued_id).state == "queued"
    assert rooms.delete_closed(world.ctx, paula.p) == (0, False)


def test_more_closed_chats_than_one_request_deletes_are_deleted_by_asking_again(world):
    paula = world.agent("Paula")
    for _ in range(5):
        room_id = world.taken(world.visitor(), paula)["room_id"]
        rooms.close(world.ctx, paula.p, room_id, None)

    world.ctx.settings = dataclasses.replace(world.ctx.settings, delete_closed_at_once=2)

    assert rooms.delete_closed(world.ctx, paula.p) == (2, True)
    assert rooms.delete_closed(world.ctx, paula.p) == (2, True)
    assert rooms.delete_closed(world.ctx, paula.p) == (1, False)
    assert rooms.list_for_agent(world.ctx, paula.p, "closed", 10, None) == ([], None)


def test_delete_all_closed_chats_leaves_other_departments_alone(world):
    paula = world.agent("Paula", ("sales",))
    lars = world.agent("Lars", ("library",))
    sales_room = world.taken(world.visitor(), paula, "sales")["room_id"]
    library_room = world.taken(world.visitor(), lars, "library")["room_id"]
    rooms.close(world.ctx, paula.p, sales_room, None)
    rooms.close(world.ctx, lars.p, library_room, None)

    assert rooms.delete_closed(world.ctx, paula.p) == (1, False)

    assert world.stored_room(library_room).state == "closed"


def test_no_read_returns_an_expired_room(world):
    world.department("short", retention_hours=1)
    anna = world.agent("Anna", ("short",))
    visitor = world.visitor()
    room_id = world.taken(visitor, anna, "short")["room_id"]
    messages.send(world.ctx, visitor.p, room_id, "Bitte löschen", "v-1")
    rooms.close(world.ctx, anna.p, room_id, None)
    world.clock.advance(hours=1, seconds=1)  # past the department's retention; the store keeps it

    for read in (rooms.get, lambda c, p, r: messages.page(c, p, r, 0, 10)):
        with pytest.raises(NotFound):
            read(world.ctx, anna.p, room_id)
    assert rooms.list_for_agent(world.ctx, anna.p, None, 10, None) == ([], None)
    assert contacts.list_for_agent(world.ctx, anna.p, 10, None) == ([], None)
    with pytest.raises(NotFound):
        contacts.get(world.ctx, anna.p, visitor.visitor_id)
    assert rooms.delete_closed(world.ctx, anna.p) == (0, False)


def test_a_queued_request_nobody_takes_expires(world):
    paula = world.agent("Paula")
    visitor = world.visitor()
    stale_id = world.ask(visitor)["room_id"]
    world.clock.advance(hours=world.ctx.settings.room_idle_hours, seconds=1)
    paula.sign_in_again()
    presence.heartbeat(world.ctx, paula.connection_id)
    fresh = world.ask(world.visitor())

    assert rooms.queue(world.ctx, paula.p, 100) == [{**fresh, "position": 1}]
    assert fresh["position"] == 1
    with pytest.raises(NotFound):
        rooms.get(world.ctx, paula.p, stale_id)
    with pytest.raises(NotFound):
        rooms.take(world.ctx, paula.p, stale_id)


def test_a_closed_chat_lives_as_long_as_the_retention_of_its_department(world):
    paula = world.agent("Paula")
    room_id = world.taken(world.visitor(), paula)["room_id"]
    rooms.close(world.ctx, paula.p, room_id, None)

    world.clock.advance(hours=23)
    paula.sign_in_again()
    assert rooms.get(world.ctx, paula.p, room_id)["state"] == "closed"
    world.clock.advance(hours=1)
    with pytest.raises(NotFound):
        rooms.get(world.ctx, paula.p, room_id)


def test_the_list_of_an_agents_chats_is_newest_first_by_state_with_pages(world):
    paula = world.agent("Paula")
    made = []
    for n in range(5):
        room_id = world.taken(world.visitor(), paula)["room_id"]
        if n % 2 == 0:
            rooms.close(world.ctx, paula.p, room_id, None)
        made.append(room_id)
        world.pass_time(60)
    newest_first = list(reversed(made))

    pages, cursor = [], None
    while True:
        page, cursor = rooms.list_for_agent(world.ctx, paula.p, None, 2, cursor)
        pages.append([r["room_id"] for r in page])
        if cursor is None:
            break

    assert pages == [newest_first[0:2], newest_first[2:4], newest_first[4:]]
    closed, cursor = rooms.list_for_agent(world.ctx, paula.p, "closed", 10, None)
    assert [r["room_id"] for r in closed] == [made[4], made[2], made[0]] and cursor is None
    open_, _ = rooms.list_for_agent(world.ctx, paula.p, "open", 10, None)
    assert [r["room_id"] for r in open_] == [made[3], made[1]]
    assert all(r["agent"]["status"] == "online" for r in open_)


def test_the_list_of_chats_shows_nothing_of_other_departments(world):
    paula = world.agent("Paula", ("sales",))
    lars = world.agent("Lars", ("library",))
    world.taken(world.visitor(), lars, "library")

    assert rooms.list_for_agent(world.ctx, paula.p, None, 10, None) == ([], None)


def test_an_admin_lists_the_chats_of_every_department(world):
    paula = world.agent("Paula", ("sales",))
    lars = world.agent("Lars", ("library",))
    admin = world.agent("Root", (), role="admin", connect=False)
    a = world.taken(world.visitor(), paula, "sales")["room_id"]
    world.clock.advance(1)
    b = world.taken(world.visitor(), lars, "library")["room_id"]

    listed, _ = rooms.list_for_agent(world.ctx, admin.p, None, 10, None)

    assert [r["room_id"] for r in listed] == [b, a]
