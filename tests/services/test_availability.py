"""S3, S10, S24: the chat button shows exactly while someone of the department can answer."""

from __future__ import annotations

import pytest

from chalicelib.errors import Conflict, NotFound
from chalicelib.services import agents, departments, presence, rooms
from chalicelib.services.maintenance import run_sweep


def test_nobody_signed_in_means_no_button(world):
    assert world.available("sales") is False


def test_the_button_shows_as_soon_as_one_agent_of_the_department_is_available(world):
    world.agent("Paula", ("sales",))

    assert world.available("sales") is True
    assert world.available("library") is False


def test_the_button_disappears_when_the_last_agent_turns_busy(world):
    paula, piet = world.agent("Paula"), world.agent("Piet")

    agents.set_status(world.ctx, paula.p, "busy")
    assert world.available("sales") is True  # Piet still answers

    agents.set_status(world.ctx, piet.p, "busy")
    assert world.available("sales") is False

    agents.set_status(world.ctx, piet.p, "online")  # S24: and comes back when someone can answer
    assert world.available("sales") is True


def test_away_still_counts_for_the_button(world):
    paula = world.agent("Paula")

    agents.set_status(world.ctx, paula.p, "away")

    assert world.available("sales") is True


def test_offline_hides_the_button(world):
    paula = world.agent("Paula")

    agents.set_status(world.ctx, paula.p, "offline")

    assert world.available("sales") is False


def test_the_livechat_toggle_counts_as_well_as_the_status(world):
    paula = world.agent("Paula")

    agents.set_availability(world.ctx, paula.p, False)
    assert world.available("sales") is False
    assert world.ctx.store.get_agent(paula.agent_id).status == "online"

    agents.set_availability(world.ctx, paula.p, True)
    assert world.available("sales") is True


def test_an_agent_without_a_connection_does_not_count(world):
    paula = world.agent("Paula", connect=False)
    assert world.available("sales") is False

    principal = paula.p
    presence.connect(world.ctx, "ws-late", principal)
    assert world.available("sales") is True

    presence.disconnect(world.ctx, "ws-late")
    assert world.available("sales") is False


def test_one_of_two_tabs_closing_keeps_the_agent_available(world):
    paula = world.agent("Paula")
    principal = paula.p
    presence.connect(world.ctx, "ws-second-tab", principal)

    presence.disconnect(world.ctx, paula.connection_id)

    assert world.available("sales") is True


def test_logging_out_the_last_agent_hides_the_button(world):
    paula = world.agent("Paula")

    agents.logout(world.ctx, paula.p)

    assert world.available("sales") is False


def test_an_agent_in_two_departments_counts_for_both(world):
    sam = world.agent("Sam", ("sales", "library"))
    assert world.available("sales") and world.available("library")

    agents.set_status(world.ctx, sam.p, "busy")

    assert not world.available("sales") and not world.available("library")


def test_a_silent_agent_stops_counting_once_the_presence_timeout_passes(world):
    world.agent("Paula")

    world.clock.advance(world.ctx.settings.presence_timeout_seconds + 1)

    assert world.available("sales") is False


def test_heartbeats_keep_an_agent_available(world):
    paula = world.agent("Paula")

    for _ in range(5):
        world.clock.advance(60)
        presence.heartbeat(world.ctx, paula.connection_id)

    assert world.available("sales") is True


def test_a_busy_agents_heartbeats_do_not_bring_the_button_back(world):
    paula = world.agent("Paula")
    agents.set_status(world.ctx, paula.p, "busy")

    world.pass_time(minutes=5)  # heartbeats all along

    assert world.available("sales") is False
    agents.set_status(world.ctx, paula.p, "online")
    assert world.available("sales") is True


def test_the_sweep_removes_an_agent_whose_connection_went_silent(world):
    paula, piet = world.agent("Paula"), world.agent("Piet")
    world.clock.advance(world.ctx.settings.presence_timeout_seconds - 10)
    presence.heartbeat(world.ctx, piet.connection_id)  # Piet is alive, Paula's socket went silent
    world.clock.advance(20)

    run_sweep(world.ctx)

    stored = world.ctx.store.get_department("sales")
    assert set(stored.online_agents or ()) == {piet.agent_id}
    assert world.available("sales") is True
    world.pusher.clear()
    visitor = world.visitor()
    world.ask(visitor)
    assert paula.pushed("queue") == []  # nobody pushes to the silent socket any more
    assert [p["event"] for p in piet.pushed("queue")] == ["added"]


def test_the_sweep_hides_the_button_when_every_agent_went_silent(world):
    world.agent("Paula")
    world.clock.advance(world.ctx.settings.presence_timeout_seconds + 1)

    run_sweep(world.ctx)

    stored = world.ctx.store.get_department("sales")
    assert not stored.online_agents
    assert world.available("sales") is False


def test_a_heartbeat_after_silence_brings_the_agent_back(world):
    paula = world.agent("Paula")
    world.clock.advance(world.ctx.settings.presence_timeout_seconds + 1)
    run_sweep(world.ctx)
    assert world.available("sales") is False

    presence.heartbeat(world.ctx, paula.connection_id)

    assert world.available("sales") is True


def test_a_disabled_agent_no_longer_counts(world):
    paula = world.agent("Paula")

    agents.disable(world.ctx, paula.agent_id)

    assert world.available("sales") is False


def test_no_new_chat_can_start_when_nobody_can_answer(world):
    paula = world.agent("Paula")
    agents.set_status(world.ctx, paula.p, "busy")
    visitor = world.visitor()

    with pytest.raises(Conflict) as refused:
        world.ask(visitor)

    assert refused.value.code == "department_unavailable"
    assert world.ctx.store.room_ids_of_visitor(visitor.visitor_id) == []


def test_busy_keeps_ongoing_conversations_going(world):
    paula = world.agent("Paula")
    visitor = world.visitor()
    room = world.taken(visitor, paula)
    agents.set_status(world.ctx, paula.p, "busy")

    from chalicelib.services import messages

    message, _ = messages.send(world.ctx, paula.p, room["room_id"], "Noch da", "c-1")
    assert message["text"] == "Noch da"
    assert rooms.get(world.ctx, visitor.p, room["room_id"])["agent"]["status"] == "busy"


def test_the_availability_of_an_unknown_department_is_not_found(world):
    with pytest.raises(NotFound):
        departments.public_availability(world.ctx, "nope")


def test_a_reload_whose_old_socket_closes_while_the_new_one_opens_keeps_the_agent_counted(world):
    """The old socket's `$disconnect` counts the agent's connections before the new socket is
    stored, and writes its answer (nobody left) after the new socket's `$connect` has written
    its own: the last write must not leave the agent out."""
    paula = world.agent("Paula")
    old, new = paula.connection_id, f"{paula.connection_id}-reloaded"
    store = world.ctx.store
    counted = store.connections_of

    def the_new_socket_opens_meanwhile(principal_id, now):
        found = counted(principal_id, now)  # before the new socket: nobody
        store.connections_of = counted
        presence.connect(world.ctx, new, paula.p)
        return found

    store.connections_of = the_new_socket_opens_meanwhile
    presence.disconnect(world.ctx, old)

    assert world.available("sales") is True
    assert departments.get(world.ctx, "sales").consoles == {paula.agent_id: (new,)}


def test_a_sweep_that_read_the_agent_before_they_switched_the_toggle_on_keeps_them_counted(world):
    """The sweep reads the agent (toggle off), the agent switches it on and that change writes
    its presence, then the sweep writes what it read: the last write must not hide the button."""
    paula = world.agent("Paula")
    agents.set_availability(world.ctx, paula.p, False)
    store = world.ctx.store
    read_agent = store.get_agent

    def the_toggle_goes_on_meanwhile(agent_id):
        found = read_agent(agent_id)  # before the toggle: not available
        store.get_agent = read_agent
        agents.set_availability(world.ctx, paula.p, True)
        return found

    store.get_agent = the_toggle_goes_on_meanwhile
    presence.sweep(world.ctx)

    assert world.available("sales") is True
