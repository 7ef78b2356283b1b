"""A visitor is never left alone with a vanished agent: they see the agent's real presence, an
open chat whose agent has had no live connection for AGENT_GONE_MINUTES goes back to the queue
by itself (telling the visitor whether anyone can answer), and admins can take over any open
chat."""

from __future__ import annotations

import pytest

from chalicelib.errors import Conflict, Forbidden
from chalicelib.services import agents, messages, rooms, stranded
from chalicelib.services.maintenance import run_sweep


def presence_seen(visitor) -> list[str]:
    return [p["status"] for p in visitor.pushed("presence")]


def system_lines(world, visitor, room_id) -> list[str]:
    history, _ = messages.page(world.ctx, visitor.p, room_id, after=0, limit=100)
    return [m["event"] for m in history if m["author"]["kind"] == "system"]


def vanish(agent) -> None:
    """The console tab closes: API Gateway reports the socket's $disconnect."""
    stranded.disconnect(agent.world.ctx, agent.connection_id)
    agent.connection_id = None  # and no more heartbeats


def gone_minutes(world) -> int:
    return world.ctx.settings.agent_gone_minutes


def test_the_visitor_sees_the_agent_offline_as_soon_as_their_last_socket_closes(world):
    paula, visitor = world.agent("Paula"), world.visitor()
    world.taken(visitor, paula)

    vanish(paula)

    assert presence_seen(visitor) == ["offline"]


def test_the_visitor_sees_the_agent_offline_when_the_sweep_notices_heartbeats_stopped(world):
    paula, visitor = world.agent("Paula"), world.visitor()
    world.taken(visitor, paula)
    world.clock.advance(world.ctx.settings.presence_timeout_seconds - 1)
    run_sweep(world.ctx)
    assert presence_seen(visitor) == []  # still within the presence timeout

    world.clock.advance(2)
    run_sweep(world.ctx)

    assert presence_seen(visitor) == ["offline"]


def test_a_chat_whose_agent_is_gone_for_the_set_minutes_returns_to_the_queue(world):
    paula, piet, visitor = world.agent("Paula"), world.agent("Piet"), world.visitor()
    room = world.taken(visitor, paula)
    vanish(paula)
    world.pass_time(minutes=gone_minutes(world) - 1)
    run_sweep(world.ctx)
    assert world.stored_room(room["room_id"]).state == "open"  # not yet

    world.pass_time(minutes=1)
    result = run_sweep(world.ctx)

    assert result["rooms_returned"] == 1
    stored = world.stored_room(room["room_id"])
    assert (stored.state, stored.agent_id) == ("queued", None)
    assert system_lines(world, visitor, room["room_id"])[-1] == "agent_gone"
    assert visitor.room_events()[-2:] == ["returned", "queued"]  # with its place
    assert [p["event"] for p in piet.pushed("queue")][-1] == "added"
    queue = rooms.queue(world.ctx, piet.p, limit=10)
    assert [r["room_id"] for r in queue] == [room["room_id"]]


def test_if_nobody_can_answer_the_visitor_is_told_so_and_can_end_the_chat(world):
    paula, visitor = world.agent("Paula"), world.visitor()
    room = world.taken(visitor, paula)
    vanish(paula)

    world.pass_time(minutes=gone_minutes(world))
    run_sweep(world.ctx)

    history, _ = messages.page(world.ctx, visitor.p, room["room_id"], after=0, limit=100)
    last = history[-1]
    assert (last["event"], last["event_name"]) == ("agent_gone_nobody", "Paula")
    assert "nobody else can answer" in last["text"]
    closed = rooms.close(world.ctx, visitor.p, room["room_id"], None)
    assert closed["state"] == "closed"


def test_the_agent_who_comes_back_in_time_keeps_the_chat_and_is_seen_again(world):
    paula, visitor = world.agent("Paula"), world.visitor()
    room = world.taken(visitor, paula)
    vanish(paula)
    world.pass_time(minutes=1)

    paula.connection_id = "ws-paula-again"
    stranded.presence.connect(world.ctx, paula.connection_id, paula.p)
    world.pass_time(minutes=gone_minutes(world))
    run_sweep(world.ctx)

    assert world.stored_room(room["room_id"]).state == "open"
    assert presence_seen(visitor) == ["offline", "online"]
    assert not world.ctx.store.get_department("sales").gone_agents


def test_the_agent_who_comes_back_late_finds_the_chat_in_the_queue(world):
    paula, visitor = world.agent("Paula"), world.visitor()
    room = world.taken(visitor, paula)
    vanish(paula)
    world.pass_time(minutes=gone_minutes(world))
    run_sweep(world.ctx)

    paula.connection_id = "ws-paula-again"
    stranded.presence.connect(world.ctx, paula.connection_id, paula.p)

    assert [r["room_id"] for r in rooms.queue(world.ctx, paula.p, limit=10)] == [room["room_id"]]
    taken = rooms.take(world.ctx, paula.p, room["room_id"])
    assert taken["agent"]["agent_id"] == paula.agent_id


def test_a_chat_a_colleague_serves_meanwhile_stays_with_them(world):
    paula, piet, visitor = world.agent("Paula"), world.agent("Piet"), world.visitor()
    room = world.taken(visitor, paula)
    rooms.forward_to_agent(world.ctx, paula.p, room["room_id"], piet.agent_id)
    vanish(paula)

    world.pass_time(minutes=gone_minutes(world))
    run_sweep(world.ctx)

    stored = world.stored_room(room["room_id"])
    assert (stored.state, stored.agent_id) == ("open", piet.agent_id)
    assert presence_seen(visitor) == []  # Paula serves nobody: nobody to tell


def test_an_agent_who_signs_off_with_open_chats_has_them_returned_too(world):
    paula, piet, visitor = world.agent("Paula"), world.agent("Piet"), world.visitor()
    room = world.taken(visitor, paula)

    agents.logout(world.ctx, paula.p)
    paula.connection_id = None
    world.pass_time(minutes=gone_minutes(world))
    run_sweep(world.ctx)

    assert presence_seen(visitor) == ["offline"]  # said once, by signing off
    assert world.stored_room(room["room_id"]).state == "queued"
    assert piet.pushed("queue")[-1]["room"]["room_id"] == room["room_id"]


def test_a_chat_closed_meanwhile_is_not_returned(world):
    paula, visitor = world.agent("Paula"), world.visitor()
    room = world.taken(visitor, paula)
    vanish(paula)
    rooms.close(world.ctx, visitor.p, room["room_id"], None)

    world.pass_time(minutes=gone_minutes(world))

    assert run_sweep(world.ctx)["rooms_returned"] == 0
    assert world.stored_room(room["room_id"]).state == "closed"


def test_an_admin_takes_over_an_open_chat_with_a_system_line_saying_so(world):
    paula, visitor = world.agent("Paula"), world.visitor()
    ada = world.agent("Ada", (), role="admin")
    room = world.taken(visitor, paula)

    taken = rooms.takeover(world.ctx, ada.p, room["room_id"])

    assert taken["agent"]["agent_id"] == ada.agent_id
    assert system_lines(world, visitor, room["room_id"])[-1] == "taken_over"
    assert visitor.room_events()[-1] == "taken_over"
    assert paula.pushed("room")[-1]["event"] == "taken_over"
    answer, _ = messages.send(world.ctx, ada.p, room["room_id"], "Ich helfe weiter.", "c-ada")
    assert answer["author"]["id"] == ada.agent_id
    mine = rooms.list_for_agent(world.ctx, ada.p, "open", 10, None)[0]
    assert [r["room_id"] for r in mine] == [room["room_id"]]


def test_only_admins_take_over_and_only_open_chats_not_their_own(world):
    paula, piet, visitor = world.agent("Paula"), world.agent("Piet"), world.visitor()
    ada = world.agent("Ada", (), role="admin")
    room = world.taken(visitor, paula)
    queued = world.ask(world.visitor())

    with pytest.raises(Forbidden):
        rooms.takeover(world.ctx, piet.p, room["room_id"])
    with pytest.raises(Conflict) as not_open:
        rooms.takeover(world.ctx, ada.p, queued["room_id"])
    rooms.takeover(world.ctx, ada.p, room["room_id"])
    with pytest.raises(Conflict) as own:
        rooms.takeover(world.ctx, ada.p, room["room_id"])

    assert (not_open.value.code, own.value.code) == ("room_not_open", "same_agent")
    assert world.stored_room(room["room_id"]).agent_id == ada.agent_id
