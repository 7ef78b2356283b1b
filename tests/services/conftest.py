"""The services called directly, on the in-memory store, with a recording pusher, a clock the test
moves, and mail written to the test's outbox. `world` builds departments, agents (signed in,
connected, online) and visitors, so that tests read like the features in docs/features.md."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from email import message_from_bytes
from pathlib import Path

import pytest

from chalicelib.mail import Mailer
from chalicelib.services import agents, departments, presence, rooms, visitors
from chalicelib.services.context import Context
from chalicelib.services.principals import (
    AgentPrincipal,
    VisitorPrincipal,
    authenticate_agent,
    authenticate_visitor,
)
from chalicelib.settings import get_settings
from chalicelib.store.memory import MemoryStore
from tests.accounts import store_active_agent

PASSWORD = "correct horse battery"


@dataclass
class Agent:
    world: World
    agent_id: str
    email: str
    name: str
    token: str
    connection_id: str | None

    @property
    def p(self) -> AgentPrincipal:
        """A fresh principal, as a new request would authenticate it."""
        return authenticate_agent(self.world.ctx, self.token)

    def pushed(self, type_: str | None = None) -> list[dict]:
        return self.world.pusher.to(self.connection_id, type_) if self.connection_id else []

    def sign_in_again(self) -> None:
        """A new session (the old one may have expired while the clock moved); a connected
        console opens a new socket with it, as the socket of an ended session is closed."""
        self.token, _ = agents.login(self.world.ctx, self.email, PASSWORD)
        if self.connection_id:
            presence.disconnect(self.world.ctx, self.connection_id)
            self.connection_id = f"{self.connection_id}-again"
            presence.connect(self.world.ctx, self.connection_id, self.p)


@dataclass
class Visitor:
    world: World
    visitor_id: str
    name: str
    token: str
    connection_id: str | None

    @property
    def p(self) -> VisitorPrincipal:
        return authenticate_visitor(self.world.ctx, self.token)

    def pushed(self, type_: str | None = None) -> list[dict]:
        return self.world.pusher.to(self.connection_id, type_) if self.connection_id else []

    def room_events(self) -> list[str]:
        return [p["event"] for p in self.pushed("room")]


class World:
    password = PASSWORD

    def __init__(self, ctx: Context, outbox: Path) -> None:
        self.ctx = ctx
        self.pusher = ctx.pusher
        self.clock = ctx.clock
        self.outbox = outbox
        self._numbers = itertools.count(1)
        self.agents: list[Agent] = []

    def department(self, department_id: str, retention_hours: int = 24, name: str | None = None):
        return departments.create(
            self.ctx, department_id, name or department_id.title(), [], retention_hours
        )

    def pending_agent(self, name: str) -> tuple[str, str]:
        email = f"{name.lower()}{next(self._numbers)}@uni.example"
        agent = agents.register(self.ctx, email, name, PASSWORD)
        return agent["agent_id"], email

    def agent(
        self,
        name: str,
        departments_: tuple[str, ...] = ("sales",),
        *,
        role="agent",
        connect: bool = True,
        available: bool = True,
        status: str = "online",
    ) -> Agent:
        """An active agent who signed in and, by default, is connected, online, toggle green.
        (Registration, approval and the status calls are exercised in test_accounts; here the
        account is stored active at once, which keeps each test to a few DynamoDB calls.)"""
        email = f"{name.lower()}{next(self._numbers)}@uni.example"
        agent_id = store_active_agent(
            self.ctx,
            email,
            name,
            PASSWORD,
            departments_,
            role=role,
            available=available,
            status=status,
        )
        token, _ = agents.login(self.ctx, email, PASSWORD)
        handle = Agent(self, agent_id, email, name, token, None)
        if connect:
            handle.connection_id = f"ws-{name.lower()}-{next(self._numbers)}"
            presence.connect(self.ctx, handle.connection_id, handle.p)
        self.agents.append(handle)
        return handle

    def pass_time(self, seconds: float = 0, *, minutes: float = 0, hours: float = 0) -> None:
        """Move the clock while every connected agent keeps sending heartbeats."""
        total = seconds + minutes * 60 + hours * 3600
        step = 60
        while total > 0:
            self.clock.advance(min(step, total))
            total -= step
            for handle in self.agents:
                if handle.connection_id:
                    presence.heartbeat(self.ctx, handle.connection_id)

    def visitor(self, connect: bool = True, ip: str = "198.51.100.7") -> Visitor:
        created = visitors.create(self.ctx, ip)
        handle = Visitor(self, created["visitor_id"], created["name"], created["token"], None)
        if connect:
            handle.connection_id = f"ws-{handle.visitor_id}"
            presence.connect(self.ctx, handle.connection_id, handle.p)
        return handle

    def ask(
        self,
        visitor: Visitor,
        department_id: str = "sales",
        text: str | None = "Hallo?",
        client_id: str | None = None,
    ) -> dict:
        """The visitor clicks the button and writes their first line: a queued room."""
        room, _created = rooms.start(self.ctx, visitor.p, department_id, text, client_id)
        return room

    def taken(self, visitor: Visitor, agent: Agent, department_id: str = "sales") -> dict:
        room = self.ask(visitor, department_id)
        return rooms.take(self.ctx, agent.p, room["room_id"])

    def available(self, department_id: str) -> bool:
        return departments.public_availability(self.ctx, department_id)["available"]

    def stored_room(self, room_id: str):
        return self.ctx.store.get_room(room_id, self.ctx.now())

    def mails(self) -> list:
        if not self.outbox.exists():
            return []
        return [message_from_bytes(p.read_bytes()) for p in sorted(self.outbox.glob("*.eml"))]


@pytest.fixture
def ctx(clock, pusher, app_env, fast_passwords) -> Context:
    settings = get_settings()
    mailer = Mailer(settings.mail_sender, settings.mail_outbox_dir, settings.region)
    return Context(settings, MemoryStore(), pusher, mailer, clock)


@pytest.fixture
def world(ctx, app_env) -> World:
    w = World(ctx, app_env / "outbox")
    w.department("sales")
    w.department("library")
    return w
