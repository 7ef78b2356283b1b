"""The bench's bookkeeping of messages: who had to get each one, who did, how often."""

from __future__ import annotations

import asyncio

from bench.live import Deliveries
from tests.event_loop import run_in_own_thread


def test_deliveries_tell_lost_doubled_and_misrouted_messages():
    async def scenario() -> Deliveries:
        deliveries = Deliveries()
        deliveries.expect("b-1", ("visitor", "agent"))
        deliveries.expect("b-2", ("visitor", "agent"))
        deliveries.expect("b-3", ("agent",))
        for receiver in ("visitor", "agent", "agent"):  # the agent got b-1 twice
            deliveries.arrived("b-1", receiver)
        deliveries.arrived("b-2", "visitor")  # the agent never gets b-2
        deliveries.arrived("b-2", "stranger")  # nor should a stranger
        deliveries.arrived("b-3", "agent")
        deliveries.arrived("sys-1", "visitor")  # a system line: not the bench's
        deliveries.arrived("b-unannounced", "visitor")
        await deliveries.settle(0.01)
        return deliveries

    deliveries = run_in_own_thread(scenario())
    assert deliveries.messages == 3
    assert deliveries.lost() == 1
    assert deliveries.duplicated() == 1
    assert deliveries.stray == 2


def test_the_first_arrival_is_awaited_or_times_out():
    async def scenario() -> tuple[float | None, float | None]:
        deliveries = Deliveries()
        deliveries.expect("b-1", ("agent",))
        asyncio.get_running_loop().call_later(0.01, deliveries.arrived, "b-1", "agent")
        came = await deliveries.first_arrival("b-1", "agent", timeout=5)
        deliveries.expect("b-2", ("agent",))
        missing = await deliveries.first_arrival("b-2", "agent", timeout=0.01)
        return came, missing

    came, missing = run_in_own_thread(scenario())
    assert came is not None and missing is None


def test_a_message_that_could_not_be_sent_is_neither_lost_nor_stray():
    async def scenario() -> Deliveries:
        deliveries = Deliveries()
        deliveries.expect("b-1", ("visitor", "agent"))
        deliveries.withdraw("b-1")  # its socket was closed before it went out
        deliveries.arrived("b-1", "visitor")
        await deliveries.settle(0.01)
        return deliveries

    deliveries = run_in_own_thread(scenario())
    assert (deliveries.messages, deliveries.lost(), deliveries.stray) == (0, 0, 0)


def test_a_queued_rooms_preview_pushes_are_counted_apart_and_the_reading_agent_once():
    async def scenario() -> Deliveries:
        deliveries = Deliveries()
        deliveries.expect_preview("b-first")
        # Pushed to the department's agents while the room waits (before the sender heard back).
        deliveries.arrived("b-first", "agent-1", via_socket=True)
        deliveries.arrived("b-first", "agent-2", via_socket=True)
        deliveries.expect("b-first", ("agent-1",))
        deliveries.arrived("b-first", "agent-1", via_socket=True)
        deliveries.arrived("b-first", "agent-1")  # who took the chat reads it
        await deliveries.settle(0.01)
        return deliveries

    deliveries = run_in_own_thread(scenario())
    assert deliveries.previews == 3 and deliveries.stray == 0
    assert deliveries.lost() == 0 and deliveries.duplicated() == 0
