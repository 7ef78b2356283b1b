"""Team chat (S22) in the bench: a direct message between two online agents, and a message to a
channel of TEAM_CHANNEL_MEMBERS members of whom TEAM_CHANNEL_ONLINE are online.

`make bench` counts both with the other operations (`calls.team_direct_message`,
`calls.team_channel_message`). On its own, `python -m bench.team` counts just these two on an
in-process stack (DynamoDB Local and the devserver, real WebSockets) and prints their calls,
units, posts and what 1,000 such messages cost: the figures in docs/performance.md.
"""

from __future__ import annotations

import asyncio
import functools
import json
import uuid
from collections.abc import Callable

from bench import cost
from bench.live import Agent, People, Rest, new_client_id

TEAM_CHANNEL_MEMBERS = 200
TEAM_CHANNEL_ONLINE = 20
EVENT_TIMEOUT = 30.0
MESSAGES = 1000


async def _offline_member(people: People, name: str, department_id: str) -> str:
    """An active agent who never signs in: a member who is not online."""
    agent_id, _email = await people.approved_agent(name, department_id)
    return agent_id


async def team_operations(people: People, department_id: str, window: Callable) -> dict:
    """Sets up the rooms (not counted), then counts one message to each."""
    prefix = uuid.uuid4().hex[:6]
    online = [
        await people.online_agent(f"team-{prefix}-on-{n}", department_id)
        for n in range(TEAM_CHANNEL_ONLINE)
    ]
    offline = [
        await _offline_member(people, f"team-{prefix}-off-{n}", department_id)
        for n in range(TEAM_CHANNEL_MEMBERS - TEAM_CHANNEL_ONLINE)
    ]
    sender, partner = online[0], online[1]
    direct = await people.rest.call(
        "POST", "/direct", {"agent_ids": [partner.agent_id]}, token=sender.token, expect=(201,)
    )
    channel = await people.rest.call(
        "POST",
        "/channels",
        {
            "kind": "channel",
            "name": f"bench {prefix}",
            "members": [a.agent_id for a in online[1:]],
        },
        token=sender.token,
        expect=(201,),
    )
    for agent_id in offline:
        await people.rest.call(
            "POST",
            f"/channels/{channel['room_id']}/members",
            {"agent_id": agent_id},
            token=sender.token,
        )
    found = {}
    async with window() as found["team_direct_message"]:
        await _say_to(people, sender, [sender, partner], direct["room_id"], "Hallo")
    async with window() as found["team_channel_message"]:
        await _say_to(people, sender, online, channel["room_id"], "Wer übernimmt?")
    for agent in online:
        await agent.socket.close()
    return found


async def _say_to(people: People, sender: Agent, hearers: list[Agent], room_id: str, text: str):
    """Send over the sender's socket; every online member (the sender too: the echo) must get
    it exactly once."""
    client_id = new_client_id()
    people.deliveries.expect(client_id, tuple(agent.name for agent in hearers))
    await sender.socket.send(action="send", room_id=room_id, text=text, client_id=client_id)
    await people.delivered(client_id, EVENT_TIMEOUT)


def per_thousand_messages_usd(calls: dict) -> float:
    memory = cost.load_lambda_memory()
    usage = cost.usage_of(calls, *memory).times(MESSAGES)
    return round(sum(cost.priced(usage, cost.load_prices()["prices"]).values()), 4)


def measure() -> dict[str, dict]:
    """The two operations on an in-process stack, counted as `make bench` counts them."""
    from bench.calls import UNLIMITED_RATE, CallRecorder
    from devserver.testing import devserver_in_thread

    recorder = CallRecorder()

    async def run(urls) -> dict:
        rest = Rest(urls.api_url, connections=4)
        people = await People.signed_in(rest, urls.ws_url, urls.admin_email, urls.admin_password)
        department_id = await people.department(f"team-{uuid.uuid4().hex[:8]}", urls.base_url)
        found = await team_operations(
            people, department_id, functools.partial(recorder.window, rest.sent)
        )
        await rest.close()
        return found

    with (
        recorder.installed(),
        devserver_in_thread(pool_size=2, sweep_interval=0, extra_env=UNLIMITED_RATE) as urls,
    ):
        asyncio.run(run(urls))  # warms the clients and DynamoDB Local up, as bench.calls does
        found = asyncio.run(run(urls))
    results = {}
    for name, calls in found.items():
        figures = calls.as_json()
        figures["usd_per_1000_messages"] = per_thousand_messages_usd(figures)
        results[name] = figures
    return results


if __name__ == "__main__":
    print(json.dumps(measure(), indent=2, sort_keys=True))
