"""S11, S16, S18: anonymous visitors (Guest-N), deleting one's own data, the contact center."""

from __future__ import annotations

import dataclasses

import pytest

from chalicelib.errors import NotFound, TooManyRequests, Unauthorized
from chalicelib.services import contacts, messages, rooms, visitors
from chalicelib.services.principals import authenticate_visitor


def test_a_visitor_is_anonymous_with_a_guest_number(world):
    visitor = world.visitor()

    assert visitor.name.startswith("Guest-") and visitor.name[6:].isdigit()
    assert visitor.p.name == visitor.name


def test_a_returning_visitor_keeps_their_guest_number(world):
    visitor = world.visitor()
    for _ in range(3):  # comes back every 20 hours, each time within the idle period
        world.clock.advance(hours=20)
        principal = authenticate_visitor(world.ctx, visitor.token)
        visitors.me(world.ctx, principal)

    again = authenticate_visitor(world.ctx, visitor.token)
    assert (again.id, again.name) == (visitor.visitor_id, visitor.name)


def test_a_visitor_who_stays_away_too_long_is_forgotten(world):
    visitor = world.visitor()

    world.clock.advance(hours=world.ctx.settings.visitor_idle_hours, seconds=1)

    with pytest.raises(Unauthorized):
        authenticate_visitor(world.ctx, visitor.token)


def test_guest_numbers_never_repeat(world):
    first = [world.visitor() for _ in range(3)]
    visitors.delete(world.ctx, first[-1].p)  # a deleted visitor's number is not given out again
    world.clock.advance(hours=48)  # nor is an expired one's
    later = [world.visitor() for _ in range(2)]

    numbers = [int(v.name.split("-")[1]) for v in first + later]
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers)


def test_a_forged_visitor_token_is_refused(world):
    visitor = world.visitor()

    for forged in (visitor.visitor_id + ".wrong", "garbage", None, "vis_nobody.secret"):
        with pytest.raises(Unauthorized):
            authenticate_visitor(world.ctx, forged)


def test_creating_visitors_is_rate_limited_per_address(world):
    limit = 5
    world.ctx.settings = dataclasses.replace(world.ctx.settings, rate_limit_per_minute=limit)
    for _ in range(limit):
        visitors.create(world.ctx, "203.0.113.9")

    with pytest.raises(TooManyRequests):
        visitors.create(world.ctx, "203.0.113.9")
    visitors.create(world.ctx, "203.0.113.10")  # another address is not affected
    world.clock.advance(60)
    visitors.create(world.ctx, "203.0.113.9")  # and the next minute starts afresh


def test_deleting_visitor_data_removes_rooms_messages_and_contact_and_tells_the_agent(world):
    paula = world.agent("Paula")
    visitor = world.visitor()
    old_id = world.taken(visitor, paula)["room_id"]
    messages.send(world.ctx, visitor.p, old_id, "Mein Name ist Erika", "v-1")
    rooms.close(world.ctx, paula.p, old_id, None)
    room_id = world.taken(visitor, paula)["room_id"]
    contacts.put(world.ctx, paula.p, visitor.visitor_id, {"name": "Erika", "email": "e@x.de"})
    world.pusher.clear()

    visitors.delete(world.ctx, visitor.p)

    assert world.stored_room(old_id) is None and world.stored_room(room_id) is None
    assert world.ctx.store.messages_after(old_id, 0, 100, 0) == []
    assert world.ctx.store.messages_after(room_id, 0, 100, 0) == []
    assert world.ctx.store.get_contact(visitor.visitor_id, world.ctx.now()) is None
    assert world.ctx.store.room_ids_of_visitor(visitor.visitor_id) == []
    assert world.ctx.store.rooms_of_agent(paula.agent_id, None, 10) == []
    told = {(p["event"], p["room"]["room_id"]) for p in paula.pushed("room")}
    assert told == {("deleted", old_id), ("deleted", room_id)}
    assert visitor.connection_id in world.pusher.disconnected
    with pytest.raises(Unauthorized):
        authenticate_visitor(world.ctx, visitor.token)
    with pytest.raises(NotFound):
        contacts.get(world.ctx, paula.p, visitor.visitor_id)


def test_a_visitor_leaving_the_queue_by_deleting_their_data_moves_the_others_up(world):
    paula = world.agent("Paula")
    leaving, waiting = world.visitor(), world.visitor()
    world.ask(leaving)
    world.clock.advance(5)
    waiting_room = world.ask(waiting)["room_id"]
    world.pusher.clear()

    visitors.delete(world.ctx, leaving.p)

    assert [p["event"] for p in paula.pushed("queue")] == ["removed"]
    assert rooms.get(world.ctx, waiting.p, waiting_room)["position"] == 1
    assert [p["room"]["position"] for p in waiting.pushed("room")] == [1]


def test_contacts_list_the_visitors_of_past_chats_with_their_rooms(world):
    paula = world.agent("Paula")
    erika, max_ = world.visitor(), world.visitor()
    first = world.taken(erika, paula)["room_id"]
    rooms.close(world.ctx, paula.p, first, None)
    world.pass_time(60)
    second = world.taken(erika, paula)["room_id"]
    world.pass_time(60)
    other = world.taken(max_, paula)["room_id"]

    listed, cursor = contacts.list_for_agent(world.ctx, paula.p, 10, None)

    assert cursor is None
    assert [(c["visitor_id"], c["name"]) for c in listed] == [
        (max_.visitor_id, max_.name),
        (erika.visitor_id, erika.name),
    ]
    assert [r["room_id"] for r in listed[1]["rooms"]] == [second, first]
    assert [r["room_id"] for r in listed[0]["rooms"]] == [other]
    assert listed[0]["contact"] is None  # "Contact unknown"


def test_contacts_are_paginated(world):
    paula = world.agent("Paula")
    handles = []
    for _ in range(3):
        handles.append(world.visitor())
        world.taken(handles[-1], paula)
        world.clock.advance(10)

    first, cursor = contacts.list_for_agent(world.ctx, paula.p, 2, None)
    rest, end = contacts.list_for_agent(world.ctx, paula.p, 2, cursor)

    assert [c["visitor_id"] for c in first + rest] == [h.visitor_id for h in reversed(handles)]
    assert cursor is not None and end is None


def test_a_visitor_with_rooms_on_both_sides_of_a_page_is_listed_once(world):
    paula = world.agent("Paula")
    erika, max_ = world.visitor(), world.visitor()
    older = world.taken(erika, paula)["room_id"]
    rooms.close(world.ctx, paula.p, older, None)
    world.clock.advance(10)
    world.taken(max_, paula)
    world.clock.advance(10)
    world.taken(erika, paula)  # Erika's newest room: newest of all

    seen, cursor = [], None
    while True:
        page, cursor = contacts.list_for_agent(world.ctx, paula.p, 1, cursor)
        seen += [c["visitor_id"] for c in page]
        if cursor is None:
            break

    assert seen == [erika.visitor_id, max_.visitor_id]


def test_an_agent_adds_contact_information(world):
    paula = world.agent("Paula")
    visitor = world.visitor()
    world.taken(visitor, paula)

    contacts.put(world.ctx, paula.p, visitor.visitor_id, {"name": "Erika M.", "phone": "+49 1"})
    updated = contacts.put(world.ctx, paula.p, visitor.visitor_id, {"note": "Erstsemester"})

    assert updated["contact"]["name"] == "Erika M."
    assert updated["contact"]["phone"] == "+49 1" and updated["contact"]["note"] == "Erstsemester"
    assert contacts.get(world.ctx, paula.p, visitor.visitor_id)["contact"] == updated["contact"]
    stored = world.ctx.store.get_contact(visitor.visitor_id, world.ctx.now())
    assert stored.expires_at >= world.stored_room(updated["rooms"][0]["room_id"]).expires_at


def test_contacts_of_another_department_stay_hidden(world):
    world.agent("Paula", ("sales",))
    lars = world.agent("Lars", ("library",))
    visitor = world.visitor()
    world.ask(visitor, "sales")

    assert contacts.list_for_agent(world.ctx, lars.p, 10, None) == ([], None)
    with pytest.raises(NotFound):
        contacts.get(world.ctx, lars.p, visitor.visitor_id)
    with pytest.raises(NotFound):
        contacts.put(world.ctx, lars.p, visitor.visitor_id, {"note": "x"})
    assert world.ctx.store.get_contact(visitor.visitor_id, world.ctx.now()) is None


def test_a_contact_shows_only_the_rooms_the_agent_may_see(world):
    paula = world.agent("Paula", ("sales",))
    lars = world.agent("Lars", ("library",))
    visitor = world.visitor()
    sales_room = world.taken(visitor, paula, "sales")["room_id"]
    world.taken(visitor, lars, "library")

    contact = contacts.get(world.ctx, paula.p, visitor.visitor_id)

    assert [r["room_id"] for r in contact["rooms"]] == [sales_room]
