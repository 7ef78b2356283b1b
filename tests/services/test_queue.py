"""S14, S15, S17, S19, S20: the waiting queue, preview, take, return and forward."""

from __future__ import annotations

import threading

import pytest

from chalicelib.errors import Conflict, DomainError, Forbidden, NotFound
from chalicelib.services import agents, messages, presence, rooms
from chalicelib.services.principals import authenticate_agent


def positions(visitor) -> list[int]:
    return [p["room"]["position"] for p in visitor.pushed("room") if p["event"] == "queued"]


def history(world, principal, room_id) -> list[tuple[str, str | None]]:
    found, _ = messages.page(world.ctx, principal, room_id, 0, 100)
    return [(m["author"]["kind"], m["event"]) for m in found]


def test_a_visitor_request_enters_the_queue(world):
    paula = world.agent("Paula")
    visitor = world.visitor()

    room, created = rooms.start(
        world.ctx, visitor.p, "sales", "Wann hat die Bibliothek auf?", "first"
    )

    assert created and room["state"] == "queued" and room["position"] == 1
    assert room["visitor"] == {"visitor_id": visitor.visitor_id, "name": visitor.name}
    assert [r["room_id"] for r in rooms.queue(world.ctx, paula.p, 100)] == [room["room_id"]]
    assert [(p["event"], p["room"]["room_id"]) for p in paula.pushed("queue")] == [
        ("added", room["room_id"])
    ]
    assert visitor.room_events() == ["queued"]
    first, _ = messages.page(world.ctx, visitor.p, room["room_id"], 0, 10)
    assert [(m["text"], m["client_id"]) for m in first] == [
        ("Wann hat die Bibliothek auf?", "first")
    ]


def test_asking_again_returns_the_room_the_visitor_has_already(world):
    world.agent("Paula")
    visitor = world.visitor()
    first = world.ask(visitor)

    again, created = rooms.start(world.ctx, visitor.p, "sales", None, None)

    assert created is False and again["room_id"] == first["room_id"]
    assert len(rooms.queue(world.ctx, world.agent("Piet").p, 100)) == 1


def test_a_socket_opened_while_the_chat_is_being_started_hears_it(world, monkeypatch):
    """$connect looks for the visitor's rooms before the new room is stored: the start, which
    looks for the visitor's sockets after storing it, must find this one."""
    world.agent("Paula")
    visitor = world.visitor(connect=False)
    create_room = world.ctx.store.create_room

    def connect_first(*args, **kwargs):
        visitor.connection_id = "ws-opened-meanwhile"
        presence.connect(world.ctx, visitor.connection_id, visitor.p)
        return create_room(*args, **kwargs)

    monkeypatch.setattr(world.ctx.store, "create_room", connect_first)

    room = world.ask(visitor)

    assert visitor.room_events() == ["queued"]
    assert [p["message"]["text"] for p in visitor.pushed("message")] == ["Hallo?"]
    assert visitor.connection_id in world.stored_room(room["room_id"]).live


def test_an_agent_of_another_department_does_not_see_the_queue(world):
    world.agent("Paula", ("sales",))
    lars = world.agent("Lars", ("library",))
    room = world.ask(world.visitor())

    assert rooms.queue(world.ctx, lars.p, 100) == []
    assert lars.pushed("queue") == []
    for act in (rooms.preview, rooms.take, rooms.get):
        with pytest.raises(Forbidden):
            act(world.ctx, lars.p, room["room_id"])
    assert world.stored_room(room["room_id"]).state == "queued"


def test_an_admin_sees_the_queues_of_every_department(world):
    world.agent("Paula", ("sales",))
    world.agent("Lars", ("library",))
    admin = world.agent("Root", (), role="admin", connect=False, available=False, status="offline")
    sales_room = world.ask(world.visitor(), "sales")
    world.clock.advance(1)
    library_room = world.ask(world.visitor(), "library")

    queued = rooms.queue(world.ctx, admin.p, 100)

    assert [r["room_id"] for r in queued] == [sales_room["room_id"], library_room["room_id"]]


def test_the_queue_lists_the_oldest_request_first_with_positions(world):
    paula = world.agent("Paula")
    room_ids = []
    for _ in range(3):
        room_ids.append(world.ask(world.visitor())["room_id"])
        world.clock.advance(5)

    queued = rooms.queue(world.ctx, paula.p, 100)

    assert [(r["room_id"], r["position"]) for r in queued] == list(
        zip(room_ids, [1, 2, 3], strict=True)
    )


def test_queue_positions_move(world):
    paula = world.agent("Paula")
    visitors = [world.visitor() for _ in range(3)]
    room_ids = []
    for visitor in visitors:
        room_ids.append(world.ask(visitor)["room_id"])
        world.clock.advance(5)
    assert [
        rooms.get(world.ctx, v.p, r)["position"] for v, r in zip(visitors, room_ids, strict=True)
    ] == [1, 2, 3]
    world.pusher.clear()

    rooms.take(world.ctx, paula.p, room_ids[0])
    assert positions(visitors[1]) == [1] and positions(visitors[2]) == [2]

    rooms.close(world.ctx, visitors[1].p, room_ids[1], None)  # the visitor gives up waiting
    assert positions(visitors[2]) == [2, 1]
    assert rooms.get(world.ctx, visitors[2].p, room_ids[2])["position"] == 1


def test_the_preview_notice_tells_the_visitor_someone_will_be_with_them_shortly(world):
    paula = world.agent("Paula")
    visitor = world.visitor()
    room = world.ask(visitor, text="Ich habe eine Frage")

    seen = rooms.preview(world.ctx, paula.p, room["room_id"])

    assert seen["state"] == "queued" and seen["position"] == 1
    assert [m["text"] for m in seen["messages"]][0] == "Ich habe eine Frage"
    notices = [
        p["message"]
        for p in visitor.pushed("message")
        if p["message"]["author"]["kind"] == "system"
    ]
    assert [(n["event"], n["text"]) for n in notices] == [
        ("preview", "Someone will be with you shortly.")
    ]
    assert visitor.room_events()[-1] == "preview"
    assert world.stored_room(room["room_id"]).state == "queued"


def test_while_a_request_waits_its_new_messages_reach_the_departments_agents(world):
    paula, piet = world.agent("Paula"), world.agent("Piet")
    lars = world.agent("Lars", ("library",))
    visitor = world.visitor()
    room = world.ask(visitor, text="Hallo?")
    rooms.preview(world.ctx, paula.p, room["room_id"])
    world.pusher.clear()

    messages.send(world.ctx, visitor.p, room["room_id"], "Noch jemand da?", "second")

    for agent in (paula, piet):
        assert [p["message"]["text"] for p in agent.pushed("message")] == ["Noch jemand da?"]
    assert lars.pushed("message") == []


def test_once_taken_only_the_serving_agent_hears_the_visitor(world):
    paula, piet = world.agent("Paula"), world.agent("Piet")
    visitor = world.visitor()
    room = world.taken(visitor, paula)
    world.pusher.clear()

    messages.send(world.ctx, visitor.p, room["room_id"], "Danke!", "thanks")

    assert [p["message"]["text"] for p in paula.pushed("message")] == ["Danke!"]
    assert piet.pushed("message") == []


def test_any_agent_of_the_department_may_preview_before_taking(world):
    paula, piet = world.agent("Paula"), world.agent("Piet")
    room = world.ask(world.visitor())

    rooms.preview(world.ctx, paula.p, room["room_id"])
    rooms.preview(world.ctx, piet.p, room["room_id"])
    taken = rooms.take(world.ctx, piet.p, room["room_id"])

    assert taken["agent"]["agent_id"] == piet.agent_id
    with pytest.raises(Conflict) as late:
        rooms.preview(world.ctx, paula.p, room["room_id"])
    assert late.value.code == "room_not_queued"


def test_taking_the_chat_opens_it_for_that_agent(world):
    paula, piet = world.agent("Paula"), world.agent("Piet")
    visitor = world.visitor()
    room = world.ask(visitor)
    world.pusher.clear()

    taken = rooms.take(world.ctx, paula.p, room["room_id"])

    assert taken["state"] == "open" and taken["taken_at"]
    assert taken["agent"] == {"agent_id": paula.agent_id, "name": "Paula", "status": "online"}
    assert visitor.room_events() == ["taken"]
    assert [(p["event"], p["room"]["room_id"]) for p in piet.pushed("queue")] == [
        ("removed", room["room_id"])
    ]
    assert history(world, paula.p, room["room_id"])[-1] == ("system", "taken")
    assert rooms.queue(world.ctx, piet.p, 100) == []
    open_rooms, _ = rooms.list_for_agent(world.ctx, paula.p, "open", 10, None)
    assert [r["room_id"] for r in open_rooms] == [room["room_id"]]


def test_a_taken_chat_cannot_be_taken_again(world):
    paula, piet = world.agent("Paula"), world.agent("Piet")
    room = world.ask(world.visitor())
    rooms.take(world.ctx, paula.p, room["room_id"])

    with pytest.raises(Conflict) as late:
        rooms.take(world.ctx, piet.p, room["room_id"])

    assert late.value.code == "already_taken"
    assert world.stored_room(room["room_id"]).agent_id == paula.agent_id


def test_exactly_one_of_two_concurrent_takes_wins(world, monkeypatch):
    paula, piet = world.agent("Paula"), world.agent("Piet")
    room_id = world.ask(world.visitor())["room_id"]
    start, write = threading.Barrier(2, timeout=10), threading.Barrier(2, timeout=10)
    outcomes: dict[str, object] = {}
    take_room = world.ctx.store.take_room

    def take_after_both_read(*args, **kwargs):
        write.wait()  # both agents saw the request queued: the race the store's condition decides
        return take_room(*args, **kwargs)

    monkeypatch.setattr(world.ctx.store, "take_room", take_after_both_read)

    def take(handle) -> None:
        principal = authenticate_agent(world.ctx, handle.token)  # each thread its own objects
        start.wait()
        try:
            outcomes[handle.agent_id] = rooms.take(world.ctx, principal, room_id)
        except DomainError as exc:
            outcomes[handle.agent_id] = exc

    threads = [threading.Thread(target=take, args=(h,)) for h in (paula, piet)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    winners = [a for a, result in outcomes.items() if isinstance(result, dict)]
    losers = [r for r in outcomes.values() if isinstance(r, DomainError)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    assert isinstance(losers[0], Conflict) and losers[0].code == "already_taken"
    stored = world.stored_room(room_id)
    assert stored.state == "open" and stored.agent_id == winners[0]
    taken_lines = [e for _, e in history(world, paula.p, room_id) if e == "taken"]
    assert len(taken_lines) == 1


def test_return_to_queue_tells_the_visitor_and_any_agent_can_take_again(world):
    paula, piet = world.agent("Paula"), world.agent("Piet")
    visitor = world.visitor()
    room_id = world.taken(visitor, paula)["room_id"]
    world.pusher.clear()

    returned = rooms.return_to_queue(world.ctx, paula.p, room_id)

    assert returned["state"] == "queued" and returned["agent"] is None
    assert returned["position"] == 1
    assert visitor.room_events()[0] == "returned"
    assert visitor.pushed("room")[0]["room"]["position"] == 1
    assert [p["message"]["event"] for p in visitor.pushed("message")] == ["returned"]
    assert "returned" in [p["event"] for p in paula.pushed("room")]
    assert [p["event"] for p in piet.pushed("queue")] == ["added"]
    assert [r["room_id"] for r in rooms.queue(world.ctx, piet.p, 100)] == [room_id]

    again = rooms.take(world.ctx, piet.p, room_id)
    assert again["agent"]["agent_id"] == piet.agent_id


def test_a_returned_chat_goes_back_to_its_old_place_in_the_queue(world):
    paula = world.agent("Paula")
    first, second = world.visitor(), world.visitor()
    first_room = world.ask(first)["room_id"]
    world.clock.advance(10)
    second_room = world.ask(second)["room_id"]
    rooms.take(world.ctx, paula.p, first_room)
    world.pusher.clear()

    world.clock.advance(60)
    returned = rooms.return_to_queue(world.ctx, paula.p, first_room)

    assert [r["room_id"] for r in rooms.queue(world.ctx, paula.p, 100)] == [first_room, second_room]
    assert positions(second) == [2]
    # Its place is the old one, but it waits since its return ("wartet seit" in the console).
    assert returned["queued_at"] > returned["created_at"]
    assert returned["queued_at"] == world.ctx.iso()


def test_only_the_serving_agent_can_return_or_forward(world):
    paula, piet = world.agent("Paula"), world.agent("Piet")
    room_id = world.taken(world.visitor(), paula)["room_id"]

    with pytest.raises(Forbidden):
        rooms.return_to_queue(world.ctx, piet.p, room_id)
    with pytest.raises(Forbidden):
        rooms.forward_to_agent(world.ctx, piet.p, room_id, piet.agent_id)

    stored = world.stored_room(room_id)
    assert (stored.state, stored.agent_id) == ("open", paula.agent_id)


def test_forwarding_to_another_agent_tells_the_visitor_who_continues_with_them(world):
    paula, piet = world.agent("Paula"), world.agent("Piet")
    visitor = world.visitor()
    room_id = world.taken(visitor, paula)["room_id"]
    world.pusher.clear()

    forwarded = rooms.forward_to_agent(world.ctx, paula.p, room_id, piet.agent_id)

    assert forwarded["state"] == "open" and forwarded["agent"]["agent_id"] == piet.agent_id
    event = visitor.pushed("room")[-1]
    assert event["event"] == "forwarded" and event["room"]["agent"]["name"] == "Piet"
    notice = visitor.pushed("message")[-1]["message"]
    assert notice["event"] == "forwarded" and "Piet" in notice["text"]
    sent, _ = messages.send(world.ctx, piet.p, room_id, "Hier ist Piet", "p-1")
    assert visitor.pushed("message")[-1]["message"]["message_id"] == sent["message_id"]
    with pytest.raises(Forbidden):
        messages.send(world.ctx, paula.p, room_id, "Ich auch", "q-1")


def test_a_chat_forwarded_to_an_agent_of_another_department_moves_there_with_them(world):
    paula = world.agent("Paula", ("sales",))
    lars = world.agent("Lars", ("library",))
    visitor = world.visitor()
    room_id = world.taken(visitor, paula)["room_id"]

    rooms.forward_to_agent(world.ctx, paula.p, room_id, lars.agent_id)

    assert rooms.get(world.ctx, lars.p, room_id)["department_id"] == "library"
    messages.send(world.ctx, lars.p, room_id, "Die Bibliothek hier", "l-1")
    mine, _ = rooms.list_for_agent(world.ctx, lars.p, None, 10, None)
    assert [r["room_id"] for r in mine] == [room_id]
    closed = rooms.close(world.ctx, lars.p, room_id, "erledigt")
    assert closed["state"] == "closed" and closed["closed_by"] == "agent"
    rooms.delete(world.ctx, lars.p, room_id)
    with pytest.raises(NotFound):
        rooms.get(world.ctx, visitor.p, room_id)


def test_forwarding_to_a_department_queues_the_chat_there(world):
    paula = world.agent("Paula", ("sales",))
    lars = world.agent("Lars", ("library",))
    visitor = world.visitor()
    room_id = world.taken(visitor, paula)["room_id"]
    world.pusher.clear()

    forwarded = rooms.forward_to_department(world.ctx, paula.p, room_id, "library")

    assert (forwarded["state"], forwarded["department_id"]) == ("queued", "library")
    assert forwarded["position"] == 1
    assert visitor.room_events() == ["forwarded"]
    assert [p["event"] for p in lars.pushed("queue")] == ["added"]
    assert [r["room_id"] for r in rooms.queue(world.ctx, lars.p, 100)] == [room_id]
    assert rooms.queue(world.ctx, paula.p, 100) == []
    with pytest.raises(Forbidden):
        rooms.take(world.ctx, paula.p, room_id)
    assert rooms.take(world.ctx, lars.p, room_id)["agent"]["agent_id"] == lars.agent_id


def test_forwarding_to_a_department_nobody_answers_is_refused(world):
    paula = world.agent("Paula", ("sales",))
    room_id = world.taken(world.visitor(), paula)["room_id"]

    with pytest.raises(Conflict) as refused:
        rooms.forward_to_department(world.ctx, paula.p, room_id, "library")

    assert refused.value.code == "department_unavailable"
    stored = world.stored_room(room_id)
    assert (stored.state, stored.department_id, stored.agent_id) == (
        "open",
        "sales",
        paula.agent_id,
    )


def test_forwarding_to_a_disabled_agent_is_refused(world):
    paula, piet = world.agent("Paula"), world.agent("Piet")
    room_id = world.taken(world.visitor(), paula)["room_id"]
    agents.disable(world.ctx, piet.agent_id)

    with pytest.raises(NotFound):
        rooms.forward_to_agent(world.ctx, paula.p, room_id, piet.agent_id)

    assert world.stored_room(room_id).agent_id == paula.agent_id
