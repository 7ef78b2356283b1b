"""Calls per operation, counted on the running local stack rather than estimated.

The devserver runs in this process (`devserver_in_thread`), so everything the app does is
visible here:
- each Lambda invocation (`LambdaPool.invoke_sync`) is timed and recorded with its handler name;
- each botocore client the app makes reports its calls through botocore's events, and every
  call is attributed to the invocation running on that thread. DynamoDB calls are asked to
  return their consumed capacity (`ReturnConsumedCapacity=TOTAL`, added by a
  `before-parameter-build` hook, so the app's code paths stay as they are); DynamoDB Local
  computes it as DynamoDB does (item sizes rounded up to 4 KB reads and 1 KB writes, index
  writes, transactions counting twice). PostToConnection calls are the WebSocket posts; S3
  calls are the files' (the browsers' own requests to the bucket are counted by the operation
  that makes them, `browser_s3_requests`).

A measurement window collects the invocations of one operation; it closes once the expected
number of invocations has finished, so that pushes and `$disconnect`s that finish after the
client got its answer are counted too.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import math
import os
import re
import struct
import threading
import time
import uuid
import zlib
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field

import botocore.session
import httpx

from bench import cost
from bench.live import Agent, Conversation, People, Rest, Sent, Socket, new_client_id
from bench.team import team_operations
from devserver.lambda_pool import REST_API, LambdaPool
from devserver.testing import devserver_in_thread

SCHEDULED_FUNCTION = "maintenance"
DYNAMODB_READS = frozenset({"GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems"})


@dataclass
class Invocation:
    function: str
    billed_ms: int = 0  # Lambda bills whole milliseconds
    started: float = 0.0  # time.perf_counter()
    dynamodb: Counter[str] = field(default_factory=Counter)
    read_units: float = 0.0
    write_units: float = 0.0
    failed_calls: int = 0
    ws_posts: int = 0
    ws_post_bytes: int = 0
    s3: Counter[str] = field(default_factory=Counter)


@dataclass
class OperationCalls:
    """Everything the invocations of one operation did, summed."""

    invocations: list[Invocation] = field(default_factory=list)
    # What the browsers sent to the bucket themselves (a presigned POST, a signed GET).
    browser_s3_requests: Counter[str] = field(default_factory=Counter)

    def as_json(self) -> dict:
        functions = Counter(i.function for i in self.invocations)
        dynamodb: Counter[str] = Counter()
        s3: Counter[str] = Counter()
        billed_ms: Counter[str] = Counter()
        for invocation in self.invocations:
            dynamodb.update(invocation.dynamodb)
            s3.update(invocation.s3)
            billed_ms[invocation.function] += invocation.billed_ms
        return {
            "lambda_invocations": sum(functions.values()),
            "lambda_invocations_by_function": dict(sorted(functions.items())),
            "lambda_billed_ms_by_function": dict(sorted(billed_ms.items())),
            "rest_requests": functions[REST_API],
            "websocket_frames": sum(n for name, n in functions.items() if name.startswith("ws_")),
            "dynamodb_calls": sum(dynamodb.values()),
            "dynamodb": dict(sorted(dynamodb.items())),
            "read_units": round(sum(i.read_units for i in self.invocations), 2),
            "write_units": round(sum(i.write_units for i in self.invocations), 2),
            "failed_calls": sum(i.failed_calls for i in self.invocations),
            "ws_posts": sum(i.ws_posts for i in self.invocations),
            "ws_post_bytes": sum(i.ws_post_bytes for i in self.invocations),
            "s3_requests": sum(s3.values()),
            "s3": dict(sorted(s3.items())),
            "browser_s3_requests": dict(sorted(self.browser_s3_requests.items())),
        }


def consumed_units(consumed: dict | list | None) -> float:
    """CapacityUnits of a response's ConsumedCapacity (a list for transactions)."""
    if consumed is None:
        return 0.0
    entries = consumed if isinstance(consumed, list) else [consumed]
    return float(sum(entry.get("CapacityUnits", 0.0) for entry in entries))


class CallRecorder:
    """Records every Lambda invocation of the in-process devserver with its AWS calls."""

    def __init__(self) -> None:
        self.finished: list[Invocation] = []
        self._running = threading.local()
        self._in_flight = 0
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def installed(self) -> Iterator[CallRecorder]:
        """Watch every botocore client made and every invocation run while the block runs."""
        create_client = botocore.session.Session.create_client
        invoke_sync = LambdaPool.invoke_sync
        recorder = self

        def watched_create_client(session, *args, **kwargs):
            client = create_client(session, *args, **kwargs)
            recorder._watch(client)
            return client

        def timed_invoke_sync(pool, name, event):
            return recorder._invoke(invoke_sync, pool, name, event)

        botocore.session.Session.create_client = watched_create_client
        LambdaPool.invoke_sync = timed_invoke_sync
        try:
            yield self
        finally:
            botocore.session.Session.create_client = create_client
            LambdaPool.invoke_sync = invoke_sync

    def _invoke(self, invoke_sync: Callable, pool: LambdaPool, name: str, event: dict):
        invocation = Invocation(name, started=time.perf_counter())
        with self._lock:
            self._in_flight += 1
        self._running.invocation = invocation
        try:
            return invoke_sync(pool, name, event)
        finally:
            invocation.billed_ms = math.ceil((time.perf_counter() - invocation.started) * 1000)
            self._running.invocation = None
            with self._lock:
                self.finished.append(invocation)
                self._in_flight -= 1

    def _current(self) -> Invocation | None:
        return getattr(self._running, "invocation", None)

    def _watch(self, client) -> None:
        events = client.meta.events
        events.register("before-parameter-build.dynamodb", self._ask_for_capacity)
        events.register("after-call.dynamodb", self._dynamodb_answered)
        events.register("before-call.apigatewaymanagementapi.PostToConnection", self._posting)
        events.register("after-call.s3", self._s3_answered)

    @staticmethod
    def _ask_for_capacity(params: dict, model, **_kwargs) -> None:
        if "ReturnConsumedCapacity" in model.input_shape.members:
            params.setdefault("ReturnConsumedCapacity", "TOTAL")

    def _dynamodb_answered(self, http_response, parsed: dict, model, **_kwargs) -> None:
        invocation = self._current()
        if invocation is None:
            return  # the devserver's own calls (start-up checks), not the app's
        invocation.dynamodb[model.name] += 1
        if http_response.status_code >= 400:
            invocation.failed_calls += 1
        units = consumed_units(parsed.get("ConsumedCapacity"))
        if model.name in DYNAMODB_READS:
            invocation.read_units += units
        else:
            invocation.write_units += units

    def _s3_answered(self, model, **_kwargs) -> None:
        invocation = self._current()
        if invocation is not None:
            invocation.s3[model.name] += 1

    def _posting(self, params: dict, **_kwargs) -> None:
        invocation = self._current()
        if invocation is not None:
            invocation.ws_posts += 1
            invocation.ws_post_bytes += len(params.get("body") or b"")

    def _settled(self, since: int, count: int, wanted: Callable[[Invocation], bool]) -> bool:
        with self._lock:
            done = sum(1 for invocation in self.finished[since:] if wanted(invocation))
            return done >= count and self._in_flight == 0

    async def _collect(
        self,
        calls: OperationCalls,
        since: int,
        count: Callable[[], int],
        wanted: Callable[[Invocation], bool],
        timeout: float = 60.0,
    ) -> None:
        deadline = time.monotonic() + timeout
        while not self._settled(since, count(), wanted):
            if time.monotonic() > deadline:
                raise TimeoutError(f"expected {count()} invocations within {timeout}s")
            await asyncio.sleep(0.005)
        with self._lock:
            calls.invocations = [i for i in self.finished[since:] if wanted(i)]

    @contextlib.asynccontextmanager
    async def window(self, sent: Sent) -> AsyncIterator[OperationCalls]:
        """The invocations caused by the requests the clients send inside the block (each is
        one invocation); closes once they all finished. The schedule's runs are left out."""
        calls = OperationCalls()
        with self._lock:
            since = len(self.finished)
        sent_before = sent()
        yield calls
        await self._collect(
            calls,
            since,
            lambda: sent() - sent_before,
            lambda invocation: invocation.function != SCHEDULED_FUNCTION,
        )

    @contextlib.asynccontextmanager
    async def next_scheduled_run(self) -> AsyncIterator[OperationCalls]:
        """The first run of the schedule that starts after the block was entered."""
        calls = OperationCalls()
        entered = time.perf_counter()
        with self._lock:
            since = len(self.finished)
        yield calls
        await self._collect(
            calls,
            since,
            lambda: 1,
            lambda invocation: (
                invocation.function == SCHEDULED_FUNCTION and invocation.started > entered
            ),
        )


# ---- the operations, as the widget and the console make them -----------------------------------

CHAT_MESSAGES = 20
# Team chat's channel registers 200 agents from 127.0.0.1, beyond the per-address limit of
# anonymous calls (60 a minute); the limit's counting calls stay, so the counts are the same.
UNLIMITED_RATE = {"RATE_LIMIT_PER_MINUTE": "1000000"}
EVENT_TIMEOUT = 30.0


async def _operations(urls, recorder: CallRecorder) -> tuple[dict[str, OperationCalls], dict]:
    rest = Rest(urls.api_url, connections=4)
    people = await People.signed_in(rest, urls.ws_url, urls.admin_email, urls.admin_password)
    department_id = await people.department(f"calls-{uuid.uuid4().hex[:8]}", urls.base_url)
    # Two agents of the department are online: queue events go to both.
    agent = await people.online_agent("calls-agent", department_id)
    colleague = await people.online_agent("calls-colleague", department_id)
    window = functools.partial(recorder.window, rest.sent)
    found: dict[str, OperationCalls] = {}

    async with window() as found["availability"]:
        answer = await rest.request("GET", f"/departments/{department_id}/availability")
    page_view = {
        # As the devserver sends it; API Gateway and CloudFront add a few headers of their own.
        "availability_response_bytes": len(answer.content)
        + sum(len(name) + len(value) + 4 for name, value in answer.headers.raw),
        "availability_max_age_seconds": int(
            re.search(r"max-age=(\d+)", answer.headers["cache-control"]).group(1)
        ),
    }
    async with window() as found["create_visitor"]:
        visitor = await people.visitor("calls-visitor")
    async with window() as found["start_chat"]:
        room_id = await people.ask(visitor, agent)
    async with window() as found["visitor_connect"]:
        await people.connect_visitor(visitor)
    async with window() as found["take"]:
        await people.take(agent, room_id, EVENT_TIMEOUT)
    async with window() as found["read_chat"]:
        await people.read_chat(agent, room_id)
    async with window() as found["send_message"]:
        await _say(people, visitor.socket, agent.socket, room_id)
    async with window() as found["send_message_agent"]:
        await _say(people, agent.socket, visitor.socket, room_id)
    async with window() as found["typing"]:
        await visitor.socket.send(action="typing", room_id=room_id, typing=True)
    async with window() as found["heartbeat_visitor"]:
        await visitor.socket.send(action="heartbeat")
    async with window() as found["heartbeat_agent"]:
        await agent.socket.send(action="heartbeat")
    async with window() as found["close"]:
        await rest.call("POST", f"/rooms/{room_id}/close", {}, visitor=visitor.token)
    async with window() as found["visitor_disconnect"]:
        await visitor.socket.close()

    async with window() as found["chat_20_messages"]:
        await _whole_chat(people, agent)
    async with window() as found["chat_with_image"]:
        found["chat_with_image"].browser_s3_requests = await _whole_chat(people, agent, image=True)
    found |= await team_operations(people, department_id, window)

    # Everybody leaves; what the schedule then does is what idling costs.
    async with window():
        for leaving in (agent, colleague):
            await rest.call("PUT", "/me/availability", {"available": False}, token=leaving.token)
            await leaving.socket.close()
    async with recorder.next_scheduled_run() as found["maintenance_idle"]:
        pass
    await rest.close()
    return found, page_view


async def _say(people: People, sender: Socket, receiver: Socket, room_id: str) -> None:
    client_id = await people.say(sender, receiver, room_id, "Wie lange hat die Bibliothek auf?")
    await people.delivered(client_id, EVENT_TIMEOUT)


async def _whole_chat(people: People, agent: Agent, image: bool = False) -> Counter[str]:
    """One chat of CHAT_MESSAGES messages, taking turns, from the visitor's arrival to the
    closed socket; each message is typed first, as the widget reports it (one `typing` frame
    at most every 5 s while typing, and no "off"). No visitor heartbeat: over the 10 minutes
    of a chat (bench/cost.py) the visitor's frames come about every 30 s, and the widget beats
    only after 4 minutes without a frame of its own or an hour after its last heartbeat
    (widget/src/chat/connection.js). With `image`, the visitor's second message is a
    screenshot instead of a text. Returns the requests the browsers sent to S3 themselves."""
    chat = await people.open_conversation("chat-visitor", agent, EVENT_TIMEOUT)  # message 1
    visitor = chat.visitor
    to_s3: Counter[str] = Counter()
    for number in range(2, CHAT_MESSAGES + 1):
        sender, receiver = (
            (agent.socket, visitor.socket) if number % 2 == 0 else (visitor.socket, agent.socket)
        )
        await sender.send(action="typing", room_id=chat.room_id, typing=True)
        if image and number == 3:
            to_s3 = await _screenshot(people, chat)
        else:
            await _say(people, sender, receiver, chat.room_id)
    await people.rest.call("POST", f"/rooms/{chat.room_id}/close", {}, visitor=visitor.token)
    await visitor.socket.close()
    return to_s3


def screenshot_png(size: int) -> bytes:
    """A PNG's structure of about `size` bytes (the picture's data is noise: nothing here
    decodes it, and noise does not compress, as a screenshot's pixels barely do)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1280, 800, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", os.urandom(size - 57))
        + chunk(b"IEND", b"")
    )


async def _screenshot(people: People, chat: Conversation) -> Counter[str]:
    """What the window and the console do with a screenshot: the upload asked for (REST), the
    file POSTed straight to the bucket, the message sent over the socket with its upload_id;
    the agent asks for its address (REST) and the browser fetches it."""
    visitor, agent, room_id = chat.visitor, chat.agent, chat.room_id
    image = screenshot_png(cost.SCREENSHOT_BYTES)
    declared = {"name": "screenshot.png", "content_type": "image/png", "size": len(image)}
    upload = await people.rest.call(
        "POST", f"/rooms/{room_id}/uploads", declared, visitor=visitor.token, expect=(201,)
    )
    async with httpx.AsyncClient(timeout=60.0) as browser:
        posted = await browser.post(
            upload["url"], data=upload["fields"], files={"file": ("screenshot.png", image)}
        )
        posted.raise_for_status()
        client_id = new_client_id()
        people.deliveries.expect(client_id, (visitor.socket.name, agent.socket.name))
        await visitor.socket.send(
            action="send",
            room_id=room_id,
            text="",
            client_id=client_id,
            upload_id=upload["upload_id"],
        )
        await people.delivered(client_id, EVENT_TIMEOUT)
        address = await people.rest.call(
            "GET", f"/rooms/{room_id}/files/{upload['upload_id']}", token=agent.token
        )
        (await browser.get(address["url"])).raise_for_status()
    return Counter({"POST": 1, "GET": 1})


def measure_calls(sweep_interval: float = 1.0) -> tuple[dict[str, dict], dict]:
    """Run the operations on an in-process stack, the second time counted (the first makes the
    botocore clients and warms DynamoDB Local up, whose durations would be a cold start's).
    Returns the calls by operation and what a page view's availability answer weighs."""
    recorder = CallRecorder()
    with (
        recorder.installed(),
        devserver_in_thread(
            pool_size=2, sweep_interval=sweep_interval, extra_env=UNLIMITED_RATE
        ) as urls,
    ):
        asyncio.run(_operations(urls, recorder))
        found, page_view = asyncio.run(_operations(urls, recorder))
    return {name: calls.as_json() for name, calls in found.items()}, page_view
