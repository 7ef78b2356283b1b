"""Who is asking: an agent with a session, or a visitor. Both are resolved from secret tokens."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from chalicelib.errors import Unauthorized
from chalicelib.services.context import Context
from chalicelib.store import repo
from chalicelib.store.models import AgentItem, RoomItem, VisitorItem


def hash_secret(secret: str) -> str:
    # Tokens are 256 random bits, so a plain SHA-256 is enough (argon2 is for passwords).
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def split_token(token: str | None) -> tuple[str, str]:
    if not token or "." not in token:
        raise Unauthorized("missing or malformed token", "invalid_token")
    item_id, secret = token.split(".", 1)
    return item_id, secret


def secret_matches(secret: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_secret(secret), stored_hash)


@dataclass(frozen=True)
class AgentPrincipal:
    agent: AgentItem
    session_id: str

    @property
    def id(self) -> str:
        return self.agent.agent_id

    @property
    def is_admin(self) -> bool:
        return self.agent.role == "admin"

    def serves_department(self, department_id: str) -> bool:
        return self.is_admin or department_id in (self.agent.departments or [])

    def can_access(self, room: RoomItem) -> bool:
        return self.serves_department(room.department_id) or self.id in (room.served_by or set())


@dataclass(frozen=True)
class VisitorPrincipal:
    visitor: VisitorItem

    @property
    def id(self) -> str:
        return self.visitor.visitor_id

    def can_access(self, room: RoomItem) -> bool:
        return room.visitor_id == self.id


Principal = AgentPrincipal | VisitorPrincipal


def authenticate_agent(ctx: Context, token: str | None) -> AgentPrincipal:
    session_id, secret = split_token(token)
    session = repo.get_session(session_id, ctx.now())
    if session is None or not secret_matches(secret, session.secret_hash):
        raise Unauthorized("the token is unknown, expired or revoked", "invalid_token")
    agent = repo.get_agent(session.agent_id)
    if agent is None or agent.state != "active":
        raise Unauthorized("this account can no longer sign in", "invalid_token")
    return AgentPrincipal(agent=agent, session_id=session_id)


def authenticate_visitor(ctx: Context, token: str | None) -> VisitorPrincipal:
    visitor_id, secret = split_token(token)
    visitor = repo.get_visitor(visitor_id, ctx.now())
    if visitor is None or not secret_matches(secret, visitor.secret_hash):
        raise Unauthorized("the visitor token is unknown, expired or deleted", "invalid_token")
    return VisitorPrincipal(visitor=visitor)


def principal_of_connection(ctx: Context, connection_id: str) -> Principal:
    """Who sent a WebSocket frame: the connection remembers it, the token is checked again."""
    connection = repo.get_connection(connection_id, ctx.now())
    if connection is None:
        raise Unauthorized("this connection is not signed in", "invalid_token")
    if connection.kind == "visitor":
        visitor = repo.get_visitor(connection.principal_id, ctx.now())
        if visitor is None:
            raise Unauthorized("the visitor's data was deleted or expired", "invalid_token")
        return VisitorPrincipal(visitor=visitor)
    session = repo.get_session(connection.session_id or "", ctx.now())
    agent = repo.get_agent(connection.principal_id)
    if session is None or agent is None or agent.state != "active":
        raise Unauthorized("the session has ended", "invalid_token")
    return AgentPrincipal(agent=agent, session_id=session.session_id)
