"""The people of the bench: many REST clients and real WebSockets at once, on one asyncio loop.

Every message the bench sends carries a unique client_id. `Deliveries` records which sockets
must receive each one and how often each did, so that a run can say exactly how many messages
were lost, doubled or delivered to the wrong socket.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes
from email.policy import default as email_policy

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, WebSocketException

from devserver.outbox import OUTBOX_PATH
from devserver.rest import API_PREFIX

AGENT_PASSWORD = "a-long-password"
# The bench's own client_ids start with this; system lines and other clients' messages do not.
CLIENT_ID_PREFIX = "b-"


class UnexpectedAnswer(RuntimeError):
    """The API answered with a status the bench did not expect."""

    def __init__(self, method: str, path: str, response: httpx.Response) -> None:
        super().__init__(f"{method} {path}: {response.status_code} {response.text[:300]}")
        try:
            code = response.json()["error"]["code"]
        except (ValueError, KeyError, TypeError):
            code = "no_error_code"
        self.kind = f"{response.status_code} {code}"


class Sent:
    """How many requests the clients made: each REST call, socket opened, frame sent and socket
    closed is one Lambda invocation on the server."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> int:
        return self.count


class Rest:
    """The REST API of one running stack, for many concurrent callers."""

    def __init__(self, api_url: str, connections: int = 32) -> None:
        self.sent = Sent()
        # Idle connections are dropped before uvicorn closes them (after 5 s): a request sent
        # on a connection the server is closing at that moment fails with a ReadError.
        limits = httpx.Limits(
            max_connections=connections,
            max_keepalive_connections=connections,
            keepalive_expiry=2.0,
        )
        # Generous: under load the answer may be slow, and slow is measured, not an error.
        self.http = httpx.AsyncClient(base_url=api_url, timeout=120.0, limits=limits)

    async def request(
        self,
        method: str,
        path: str,
        body: object | None = None,
        *,
        token: str | None = None,
        visitor: str | None = None,
        expect: tuple[int, ...] = (200,),
    ) -> httpx.Response:
        headers = {}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if visitor:
            headers["X-Visitor-Token"] = visitor
        content = json.dumps(body) if body is not None else None
        self.sent.count += 1
        response = await self.http.request(method, path, headers=headers, content=content)
        if response.status_code not in expect:
            raise UnexpectedAnswer(method, path, response)
        return response

    async def call(self, method: str, path: str, body: object | None = None, **kwargs) -> dict:
        """The answer's JSON ({} for an empty answer)."""
        response = await self.request(method, path, body, **kwargs)
        return response.json() if response.content else {}

    async def close(self) -> None:
        await self.http.aclose()


def new_client_id() -> str:
    return CLIENT_ID_PREFIX + uuid.uuid4().hex


class Deliveries:
    """Who must receive each bench message, who did and how often, and when it first came."""

    def __init__(self) -> None:
        self._receivers: dict[str, frozenset[str]] = {}
        self._counts: dict[str, Counter[str]] = {}
        self._first: dict[tuple[str, str], asyncio.Future[float]] = {}
        self._withdrawn: set[str] = set()
        self._previewed: set[str] = set()
        self.stray = 0  # arrivals at a socket that was not meant to get that message
        self.previews = 0  # a queued room's messages pushed to its department's agents

    def expect(self, client_id: str, receivers: tuple[str, ...]) -> None:
        self._receivers[client_id] = frozenset(receivers)
        self._counts[client_id] = Counter()
        for receiver in receivers:
            self._waiter(client_id, receiver)

    def expect_preview(self, client_id: str) -> None:
        """A message written while its room is queued: the app pushes it to every agent of the
        department (the console's live preview). Those socket arrivals are counted apart; who
        takes the chat reads it over REST, and that reading is checked as exactly once."""
        self._previewed.add(client_id)

    def withdraw(self, client_id: str) -> None:
        """The message could not be sent (its socket was closed): not the server's to deliver,
        and the failure is counted where it happened."""
        self._withdrawn.add(client_id)
        for receiver in self._receivers.pop(client_id):
            self._first.pop((client_id, receiver)).cancel()
        del self._counts[client_id]

    def arrived(self, client_id: str, receiver: str, via_socket: bool = False) -> None:
        if via_socket and client_id in self._previewed:
            self.previews += 1
            return
        receivers = self._receivers.get(client_id)
        if receivers is None:
            if client_id.startswith(CLIENT_ID_PREFIX) and client_id not in self._withdrawn:
                self.stray += 1  # one of ours that nobody announced: a bug of the bench or app
            return
        if receiver not in receivers:
            self.stray += 1
            return
        self._counts[client_id][receiver] += 1
        waiter = self._waiter(client_id, receiver)
        if not waiter.done():
            waiter.set_result(time.perf_counter())

    async def first_arrival(self, client_id: str, receiver: str, timeout: float) -> float | None:
        """perf_counter() of the first arrival, or None when it did not come within `timeout`."""
        try:
            return await asyncio.wait_for(
                asyncio.shield(self._waiter(client_id, receiver)), timeout
            )
        except TimeoutError:
            return None

    def _waiter(self, client_id: str, receiver: str) -> asyncio.Future[float]:
        key = (client_id, receiver)
        if key not in self._first:
            self._first[key] = asyncio.get_running_loop().create_future()
        return self._first[key]

    async def all_arrived(self, client_id: str) -> None:
        await asyncio.gather(
            *(self._waiter(client_id, receiver) for receiver in self._receivers[client_id])
        )

    async def settle(self, timeout: float) -> None:
        """Wait until every expected arrival happened, or `timeout` passed: pushes of a send
        may still be on their way when the sender already has what it waited for."""
        pending = [waiter for waiter in self._first.values() if not waiter.done()]
        if pending:
            await asyncio.wait(pending, timeout=timeout)

    @property
    def messages(self) -> int:
        return len(self._receivers)

    def lost(self) -> int:
        """Messages that some receiver never got."""
        return sum(
            1
            for client_id, receivers in self._receivers.items()
            if any(self._counts[client_id][receiver] == 0 for receiver in receivers)
        )

    def duplicated(self) -> int:
        """Messages that some receiver got more than once."""
        return sum(1 for counts in self._counts.values() if any(n > 1 for n in counts.values()))


EventHandler = Callable[[str, dict], None]


class Socket:
    """One real WebSocket; every event goes to `on_event(socket name, event)` in order."""

    def __init__(
        self, name: str, connection: ClientConnection, on_event: EventHandler, sent: Sent
    ) -> None:
        self.name = name
        self._connection = connection
        self._on_event = on_event
        self._sent = sent
        self._reader = asyncio.create_task(self._read(), name=f"read-{name}")

    @classmethod
    async def open(
        cls, ws_url: str, query: str, name: str, on_event: EventHandler, sent: Sent
    ) -> Socket:
        sent.count += 1
        # No client pings: browsers send none either, and a busy server must not lose sockets
        # to the bench's own keep-alive timing.
        connection = await connect(f"{ws_url}?{query}", open_timeout=120, ping_interval=None)
        return cls(name, connection, on_event, sent)

    async def _read(self) -> None:
        try:
            async for frame in self._connection:
                self._on_event(self.name, json.loads(frame))
        except ConnectionClosed:
            pass

    async def send(self, **frame: object) -> None:
        self._sent.count += 1
        await self._connection.send(json.dumps(frame))

    async def close(self) -> None:
        self._sent.count += 1
        await self._connection.close()
        await self._reader


@dataclass
class Agent:
    name: str
    agent_id: str
    token: str
    department_id: str
    socket: Socket | None = None
    # Rooms whose `queue added` event reached this agent, set when it comes.
    queued: dict[str, asyncio.Event] = field(default_factory=dict)

    def queue_event(self, room_id: str) -> asyncio.Event:
        return self.queued.setdefault(room_id, asyncio.Event())


@dataclass
class Visitor:
    name: str
    visitor_id: str
    token: str
    socket: Socket | None = None


@dataclass
class Conversation:
    visitor: Visitor
    agent: Agent
    room_id: str


class People:
    """Creates agents and visitors on one stack and routes their sockets' events."""

    def __init__(self, rest: Rest, ws_url: str, admin_token: str) -> None:
        self.rest = rest
        self.ws_url = ws_url
        self.admin_token = admin_token
        self.deliveries = Deliveries()
        self.agents: dict[str, Agent] = {}
        self.errors: Counter[str] = Counter()  # error frames and unexpected events, by code

    @classmethod
    async def signed_in(cls, rest: Rest, ws_url: str, email: str, password: str) -> People:
        login = await rest.call("POST", "/auth/login", {"email": email, "password": password})
        return cls(rest, ws_url, login["token"])

    async def department(self, department_id: str, origin: str) -> str:
        await self.rest.call(
            "POST",
            "/admin/departments",
            {
                "department_id": department_id,
                "name": department_id,
                "allowed_origins": [origin],
                "retention_hours": 24,
            },
            token=self.admin_token,
            expect=(201,),
        )
        return department_id

    async def approved_agent(self, name: str, department_id: str) -> tuple[str, str]:
        """Register and approve an agent of the department: (agent id, email)."""
        email = f"{name}-{uuid.uuid4().hex[:8]}@bench.example"
        await self.rest.call(
            "POST",
            "/auth/register",
            {"email": email, "name": name, "password": AGENT_PASSWORD},
            expect=(202,),
        )
        await self.rest.call(
            "POST", "/auth/verify-email", {"token": await self._emailed_token(email)}
        )
        # The answer names no account (it must not tell whether the address had one).
        pending = await self.rest.call(
            "GET", "/admin/agents?state=pending&limit=200", token=self.admin_token
        )
        agent_id = next(a["agent_id"] for a in pending["agents"] if a["email"] == email)
        await self.rest.call(
            "POST",
            f"/admin/agents/{agent_id}/approve",
            {"role": "agent", "departments": [department_id]},
            token=self.admin_token,
        )
        return agent_id, email

    async def _emailed_token(self, email: str) -> str:
        """The token of the confirmation link mailed to the address (the devserver's outbox)."""
        origin = str(self.rest.http.base_url).rstrip("/").removesuffix(API_PREFIX)
        outbox = await self.rest.http.get(
            origin + OUTBOX_PATH, headers={"Accept": "application/json"}
        )
        url = next(m["url"] for m in outbox.json()["messages"] if email in m["to"])
        raw = (await self.rest.http.get(origin + url)).content
        text = message_from_bytes(raw, policy=email_policy).get_content()
        return text.split("#verify=", 1)[1].split()[0]

    async def online_agent(self, name: str, department_id: str) -> Agent:
        """Register, approve, sign in, connect, switch the toggle on and go online."""
        agent_id, email = await self.approved_agent(name, department_id)
        login = await self.rest.call(
            "POST", "/auth/login", {"email": email, "password": AGENT_PASSWORD}
        )
        agent = Agent(name, agent_id, login["token"], department_id)
        self.agents[name] = agent
        agent.socket = await self._socket(name, token=agent.token)
        await self.rest.call("PUT", "/me/availability", {"available": True}, token=agent.token)
        await self.rest.call("PUT", "/me/status", {"status": "online"}, token=agent.token)
        return agent

    async def visitor(self, name: str) -> Visitor:
        created = await self.rest.call("POST", "/visitors", expect=(201,))
        return Visitor(name, created["visitor_id"], created["token"])

    async def connect_visitor(self, visitor: Visitor) -> None:
        visitor.socket = await self._socket(visitor.name, visitor=visitor.token)

    async def _socket(
        self, name: str, *, token: str | None = None, visitor: str | None = None
    ) -> Socket:
        """As the console and the widget open one: with a one-time ticket."""
        ticket = await self.rest.call(
            "POST", "/ws-ticket", token=token, visitor=visitor, expect=(201,)
        )
        query = f"ticket={ticket['ticket']}"
        return await Socket.open(self.ws_url, query, name, self._event, self.rest.sent)

    async def ask(self, visitor: Visitor, agent: Agent) -> str:
        """The widget's first step: the room with the first text (the socket comes after).
        `agent` is to find that text when it reads the chat after taking it."""
        client_id = new_client_id()
        self.deliveries.expect_preview(client_id)
        room = await self.rest.call(
            "POST",
            "/rooms",
            {"department_id": agent.department_id, "text": "Hallo?", "client_id": client_id},
            visitor=visitor.token,
            expect=(201,),
        )
        self.deliveries.expect(client_id, (agent.name,))
        return room["room_id"]

    async def take(self, agent: Agent, room_id: str, timeout: float) -> None:
        """Take the room once its `queue added` event came, as an agent in the console does."""
        try:
            await asyncio.wait_for(agent.queue_event(room_id).wait(), timeout)
        except TimeoutError:
            self.errors["queue_event_missing"] += 1
        await self.rest.call("POST", f"/rooms/{room_id}/take", token=agent.token)

    async def read_chat(self, agent: Agent, room_id: str) -> None:
        """The console reads the chat it took: the visitor's first text arrives this way."""
        page = await self.rest.call(
            "GET", f"/rooms/{room_id}/messages?after=0&limit=100", token=agent.token
        )
        for message in page["messages"]:
            self.deliveries.arrived(message["client_id"], agent.name)

    async def open_conversation(
        self, visitor_name: str, agent: Agent, timeout: float
    ) -> Conversation:
        """A visitor arrives and asks; the agent takes the chat and reads it."""
        visitor = await self.visitor(visitor_name)
        room_id = await self.ask(visitor, agent)
        await self.connect_visitor(visitor)
        await self.take(agent, room_id, timeout)
        await self.read_chat(agent, room_id)
        return Conversation(visitor, agent, room_id)

    async def round_trip(self, conversation: Conversation, timeout: float) -> float | None:
        """Milliseconds from the visitor's message to the agent's answer arriving back at the
        visitor; the agent answers as soon as the message reached it. None after `timeout`."""
        visitor, agent = conversation.visitor.socket, conversation.agent.socket
        started = time.perf_counter()
        question = await self.say(visitor, agent, conversation.room_id, "Eine Frage?")
        if await self.deliveries.first_arrival(question, agent.name, timeout) is None:
            return None
        answer = await self.say(agent, visitor, conversation.room_id, "Eine Antwort.")
        answered = await self.deliveries.first_arrival(answer, visitor.name, timeout)
        return None if answered is None else (answered - started) * 1000

    async def say(self, sender: Socket, receiver: Socket, room_id: str, text: str) -> str:
        """Send over the sender's socket; both sockets must get the message exactly once."""
        client_id = new_client_id()
        self.deliveries.expect(client_id, (sender.name, receiver.name))
        try:
            await sender.send(action="send", room_id=room_id, text=text, client_id=client_id)
        except WebSocketException:
            self.deliveries.withdraw(client_id)
            raise
        return client_id

    async def delivered(self, client_id: str, timeout: float) -> None:
        """Until every socket that must get this message got it (or `timeout` passed)."""
        await asyncio.wait_for(self.deliveries.all_arrived(client_id), timeout)

    async def keep_agents_present(self, interval: float) -> None:
        """The agents' heartbeats, as the console sends them; runs until cancelled."""
        while True:
            await asyncio.sleep(interval)
            for agent in list(self.agents.values()):
                if agent.socket is not None:
                    await agent.socket.send(action="heartbeat")

    def _event(self, socket_name: str, event: dict) -> None:
        kind = event.get("type")
        if kind == "message":
            self.deliveries.arrived(
                event["message"].get("client_id") or "", socket_name, via_socket=True
            )
        elif kind == "queue" and event.get("event") == "added":
            agent = self.agents.get(socket_name)
            if agent is not None:
                agent.queue_event(event["room"]["room_id"]).set()
        elif kind == "error" or "message" in event and "connectionId" in event:
            # An error frame of the app, or API Gateway's "Internal server error" answer.
            self.errors[event.get("code") or "internal_error"] += 1
