"""Who is asking: an agent with a session, or a visitor. Both are resolved from secret tokens,
and a WebSocket frame from the connection that remembers who opened it."""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

from chalicelib.errors import Unauthorized
from chalicelib.services.context import Context
from chalicelib.store.records import Agent, Room, Session


def hash_secret(secret: str) -> str:
    # Tokens are 256 random bits, so a plain SHA-256 is enough (argon2 is for passwords).
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


# A token is "<id>.<secret>": an id this API gave out and a URL-safe secret. Anything else is
# refused before it reaches DynamoDB, which fails on empty keys and keys over 2048 bytes.
_TOKEN = re.compile(r"([A-Za-z0-9_:-]{1,128})\.([A-Za-z0-9_-]{1,128})")


def split_token(token: str | None) -> tuple[str, str]:
    match = _TOKEN.fullmatch(token or "")
    if match is None:
        raise Unauthorized("missing or malformed token", "invalid_token")
    return match.group(1), match.group(2)


def secret_matches(secret: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_secret(secret), stored_hash)


COUNTING_STATUSES = ("online", "away")


def counts_for_button(agent: Agent) -> bool:
    """Whether the agent, while connected, makes its departments' chat button show (S10)."""
    return agent.state == "active" and agent.available and agent.status in COUNTING_STATUSES


@dataclass(frozen=True)
class AgentPrincipal:
    id: str
    name: str
    role: str
    departments: tuple[str, ...]
    session_id: str
    session_expires_at: int
    status: str = "offline"
    counts: bool = False  # see counts_for_button

    @classmethod
    def of(cls, agent: Agent, session_id: str, session_expires_at: int) -> AgentPrincipal:
        return cls(
            agent.agent_id,
            agent.name,
            agent.role,
            agent.departments,
            session_id,
            session_expires_at,
            agent.status,
            counts_for_button(agent),
        )

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def serves_department(self, department_id: str) -> bool:
        return self.is_admin or department_id in self.departments

    def can_access(self, room: Room) -> bool:
        return self.serves_department(room.department_id) or self.id in room.served_by


@dataclass(frozen=True)
class VisitorPrincipal:
    id: str
    name: str

    def can_access(self, room: Room) -> bool:
        return room.visitor_id == self.id


Principal = AgentPrincipal | VisitorPrincipal


# A session's `last_seen_at` is noted at most this often: at most one more write per session
# in five minutes of requests, and per socket in five minutes of heartbeats.
SEEN_PRECISION_SECONDS = 300


def still_signed_in(agent: Agent, session: Session) -> bool:
    """A password change ends the sessions signed in before it, except the one it was made in
    (also those whose sign-in raced the change: they read the former password's stamp)."""
    return (
        session.password_stamp == agent.password_stamp
        or session.session_id == agent.password_changed_in
    )


def authenticate_agent(ctx: Context, token: str | None) -> AgentPrincipal:
    session_id, secret = split_token(token)
    session = ctx.store.get_session(session_id, ctx.now())
    if session is None or not secret_matches(secret, session.secret_hash):
        raise Unauthorized("the token is unknown, expired or revoked", "invalid_token")
    agent = ctx.store.get_agent(session.agent_id)
    if agent is None or agent.state != "active":
        raise Unauthorized("this account can no longer sign in", "invalid_token")
    if not still_signed_in(agent, session):
        raise Unauthorized("the password was changed since this sign-in", "invalid_token")
    if session.last_seen_at <= ctx.iso(ctx.now() - SEEN_PRECISION_SECONDS):
        ctx.store.touch_session(session_id, ctx.iso())
    return AgentPrincipal.of(agent, session_id, session.expires_at)


def session_holds(ctx: Context, principal: AgentPrincipal) -> bool:
    """Whether the principal's session is still signed in, read again now."""
    session = ctx.store.get_session(principal.session_id, ctx.now())
    agent = ctx.store.get_agent(principal.id)
    return (
        session is not None
        and agent is not None
        and agent.state == "active"
        and still_signed_in(agent, session)
    )


def authenticate_visitor(ctx: Context, token: str | None) -> VisitorPrincipal:
    visitor_id, secret = split_token(token)
    visitor = ctx.store.get_visitor(visitor_id, ctx.now())
    if visitor is None or not secret_matches(secret, visitor.secret_hash):
        raise Unauthorized("the visitor token is unknown, expired or deleted", "invalid_token")
    return VisitorPrincipal(visitor.visitor_id, visitor.name)


def principal_of_connection(ctx: Context, connection_id: str) -> Principal:
    """Who sent a WebSocket frame: one read, the connection that remembers it. Signing out,
    disabling and deleting close the connections; a session that runs out refuses frames."""
    connection = ctx.store.get_connection(connection_id, ctx.now())
    if connection is None:
        raise Unauthorized("this connection is not signed in", "invalid_token")
    if connection.kind == "visitor":
        return VisitorPrincipal(connection.principal_id, connection.name)
    expires_at = connection.session_expires_at or 0
    if connection.session_id is None or expires_at <= ctx.now():
        raise Unauthorized("the session has ended", "invalid_token")
    return AgentPrincipal(
        connection.principal_id,
        connection.name,
        connection.role,
        connection.departments,
        connection.session_id,
        expires_at,
        connection.status,
        connection.counts,
    )
