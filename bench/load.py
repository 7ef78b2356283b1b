"""Load: 500 visitors and 50 agents on one devserver for two minutes, every message checked.

Each of the VISITORS slots is a browser tab with the widget: a visitor arrives, asks, the next
agent of the department takes the chat and reads it, and the two take turns at a person's pace
until the chat's messages are said; the visitor closes the chat and leaves, and the slot's next
visitor arrives. The first chats stop after a random share of their messages, as if they had
begun before the run, so that chats start and end throughout. At most SETUPS_AT_ONCE chats are
being started at any moment, so that the ramp goes as fast as the stack allows without piling
up work; the two minutes count once every slot's first visitor is connected. Then the slots
finish the message they are on, close their chats and leave, and the bench waits for what is
still on its way before it counts: every message must have reached both sockets of its chat
exactly once.
"""

from __future__ import annotations

import asyncio
import os
import random
import time
import uuid
from collections import Counter
from pathlib import Path

import httpx
from websockets.exceptions import ConnectionClosed, WebSocketException

from bench.live import Agent, People, UnexpectedAnswer
from bench.stats import summary

VISITORS = 500
AGENTS = 50
AGENTS_PER_DEPARTMENT = 2  # a new chat's queue events go to both
HOLD_SECONDS = 120.0
SETUPS_AT_ONCE = 8
THINK_SECONDS = (40.0, 80.0)
MESSAGES_PER_CHAT = (10, 20)
HEARTBEAT_SECONDS = 30.0
EVENT_TIMEOUT = 120.0
SETTLE_SECONDS = 60.0
PROGRESS_SECONDS = 30.0
FAILURE_PAUSE_SECONDS = 5.0
# What ends a chat early as a failure, counted; the slot goes on with its next visitor.
CHAT_FAILURES = (UnexpectedAnswer, OSError, TimeoutError, httpx.HTTPError, WebSocketException)


def process_tree(root: int) -> list[int]:
    """`root` and every process below it (Linux /proc)."""
    found, pending = [], [root]
    while pending:
        pid = pending.pop()
        found.append(pid)
        for task in Path(f"/proc/{pid}/task").glob("*"):
            try:
                pending += [int(child) for child in (task / "children").read_text().split()]
            except OSError:
                continue  # the thread or the process ended meanwhile
    return found


def rss_mb(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def process_name(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return "?"


class MemoryWatch:
    """The largest resident memory of the stack (the devserver, which runs the app copies,
    and DynamoDB Local below it), sampled every second."""

    def __init__(self) -> None:
        self.peak_total = 0.0
        self.peak_by_name: Counter[str] = Counter()

    def sample(self) -> None:
        by_name: Counter[str] = Counter()
        for pid in process_tree(os.getpid())[1:]:  # not the bench's own process
            by_name[process_name(pid)] += rss_mb(pid)
        self.peak_total = max(self.peak_total, sum(by_name.values()))
        for name, mb in by_name.items():
            self.peak_by_name[name] = max(self.peak_by_name[name], mb)

    async def run(self) -> None:
        while True:
            self.sample()
            await asyncio.sleep(1.0)


def failure_kind(error: Exception) -> str:
    if isinstance(error, UnexpectedAnswer):
        return error.kind
    if isinstance(error, ConnectionClosed):
        code = error.rcvd.code if error.rcvd is not None else "none"
        return f"socket closed ({code})"
    return type(error).__name__


class LoadRun:
    def __init__(
        self,
        people: People,
        agents: list[Agent],
        visitors: int,
        think_seconds: tuple[float, float],
    ) -> None:
        self.people = people
        self.visitors = visitors
        self.think_seconds = think_seconds
        self.by_department: dict[str, list[Agent]] = {}
        for agent in agents:
            self.by_department.setdefault(agent.department_id, []).append(agent)
        self.departments = sorted(self.by_department)
        self.setups = asyncio.Semaphore(SETUPS_AT_ONCE)
        self.stopping = asyncio.Event()
        self.first_connected = 0
        self.all_connected = asyncio.Event()
        self.open_visitors = 0
        self.peak_visitors = 0
        self.chats_started = 0
        self.chats_closed = 0
        self.delivery_ms: list[float] = []
        self.failures: Counter[str] = Counter()

    async def slot(self, index: int) -> None:
        colleagues = self.by_department[self.departments[index % len(self.departments)]]
        chat_number = 0
        while not self.stopping.is_set():
            agent = colleagues[(index + chat_number) % len(colleagues)]
            try:
                await self._chat(f"load-{index}-{chat_number}", agent, first=chat_number == 0)
            except CHAT_FAILURES as error:
                kind = failure_kind(error)
                if not self.failures[kind]:
                    print(f"load: first failure of its kind: {error!r}", flush=True)
                self.failures[kind] += 1
                if chat_number == 0:
                    self._connected()  # counted all the same, so that the run goes on
                await self._stopped_within(
                    FAILURE_PAUSE_SECONDS
                )  # a person would not retry at once
            chat_number += 1

    def _connected(self) -> None:
        self.first_connected += 1
        if self.first_connected == self.visitors:
            self.all_connected.set()

    async def _chat(self, name: str, agent: Agent, first: bool) -> None:
        people = self.people
        async with self.setups:
            conversation = await people.open_conversation(name, agent, EVENT_TIMEOUT)
        self.chats_started += 1
        self.open_visitors += 1
        self.peak_visitors = max(self.peak_visitors, self.open_visitors)
        if first:
            self._connected()
        visitor = conversation.visitor.socket
        messages = random.randint(*MESSAGES_PER_CHAT)
        if first:
            messages = random.randint(1, messages)
        try:
            for number in range(messages):
                if await self._stopped_within(random.uniform(*self.think_seconds)):
                    break
                sender, receiver = (
                    (visitor, agent.socket) if number % 2 == 0 else (agent.socket, visitor)
                )
                started = time.perf_counter()
                client_id = await people.say(sender, receiver, conversation.room_id, "Text")
                arrived = await people.deliveries.first_arrival(
                    client_id, receiver.name, EVENT_TIMEOUT
                )
                if arrived is None:
                    self.failures["message_timeout"] += 1
                else:
                    self.delivery_ms.append((arrived - started) * 1000)
            await people.rest.call(
                "POST",
                f"/rooms/{conversation.room_id}/close",
                {},
                visitor=conversation.visitor.token,
            )
            self.chats_closed += 1
        finally:
            await visitor.close()
            self.open_visitors -= 1

    async def _stopped_within(self, seconds: float) -> bool:
        try:
            await asyncio.wait_for(self.stopping.wait(), seconds)
        except TimeoutError:
            return False
        return True

    async def report_progress(self, started: float) -> None:
        while True:
            await asyncio.sleep(PROGRESS_SECONDS)
            print(
                f"load: {time.monotonic() - started:.0f} s, {self.open_visitors} visitors "
                f"connected, {self.chats_started} chats started, "
                f"{self.people.deliveries.messages} messages, "
                f"{sum(self.failures.values())} failures",
                flush=True,
            )


async def _agents(people: People, base_url: str, count: int) -> list[Agent]:
    departments = [
        await people.department(f"load-{n}-{uuid.uuid4().hex[:6]}", base_url)
        for n in range(max(1, count // AGENTS_PER_DEPARTMENT))
    ]
    return list(
        await asyncio.gather(
            *(
                people.online_agent(f"load-agent-{n}", departments[n % len(departments)])
                for n in range(count)
            )
        )
    )


async def run_load(
    urls,
    people: People,
    visitors: int = VISITORS,
    agents: int = AGENTS,
    hold_seconds: float = HOLD_SECONDS,
    think_seconds: tuple[float, float] = THINK_SECONDS,
) -> dict:
    """The `load` figures."""
    memory = MemoryWatch()
    watching = asyncio.create_task(memory.run())
    online = await _agents(people, urls.base_url, agents)
    heartbeats = asyncio.create_task(people.keep_agents_present(HEARTBEAT_SECONDS))
    run = LoadRun(people, online, visitors, think_seconds)
    started = time.monotonic()
    progress = asyncio.create_task(run.report_progress(started))
    slots = [asyncio.create_task(run.slot(index)) for index in range(visitors)]
    await run.all_connected.wait()
    ramp = time.monotonic() - started
    await asyncio.sleep(hold_seconds)
    run.stopping.set()
    await asyncio.gather(*slots)
    await people.deliveries.settle(SETTLE_SECONDS)
    for task in (progress, heartbeats, watching):
        task.cancel()
    memory.sample()
    deliveries = people.deliveries
    return {
        "visitors": visitors,
        "agents": len(online),
        "peak_visitor_connections": run.peak_visitors,
        "ramp_seconds": round(ramp, 1),
        "hold_seconds": hold_seconds,
        "chats_started": run.chats_started,
        "chats_closed": run.chats_closed,
        "messages": deliveries.messages,
        "errors": sum(run.failures.values()) + sum(people.errors.values()) + deliveries.stray,
        "error_kinds": dict(run.failures + people.errors, stray_deliveries=deliveries.stray),
        "preview_deliveries": deliveries.previews,
        "lost_messages": deliveries.lost(),
        "duplicated_messages": deliveries.duplicated(),
        "message_delivery_ms": summary(run.delivery_ms) if run.delivery_ms else {},
        "devserver_rss_mb": round(memory.peak_total, 1),
        "rss_mb_by_process": {name: round(mb, 1) for name, mb in memory.peak_by_name.items()},
    }
