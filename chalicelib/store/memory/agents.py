"""The store in memory: agents, their sessions and their sockets."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from chalicelib.store.base import Changed, Taken
from chalicelib.store.memory.core import (
    MemoryCore,
    _alive,
    _in_session,
    _locked,
)
from chalicelib.store.records import (
    Agent,
    Connection,
    Cursor,
    Session,
    SocketTicket,
)


class AgentsDicts(MemoryCore):
    # ---- agents and sessions -------------------------------------------------------------------

    @_locked
    def create_agent(self, agent: Agent) -> None:
        if agent.email in self._emails or agent.agent_id in self._agents:
            raise Taken(agent.email)
        self._emails[agent.email] = agent.agent_id
        self._agents[agent.agent_id] = agent

    @_locked
    def replace_unverified_agent(self, former_id: str, agent: Agent) -> None:
        former = self._agents.get(former_id)
        if self._emails.get(agent.email) != former_id or agent.agent_id in self._agents:
            raise Changed(former_id)
        if former is not None and former.state != "unverified":
            raise Changed(former_id)
        self._agents.pop(former_id, None)
        self._emails[agent.email] = agent.agent_id
        self._agents[agent.agent_id] = agent

    @_locked
    def verify_agent(self, agent_id: str, verification_hash: str, now: float) -> Agent:
        agent = _alive(self._agents.get(agent_id), now)
        if (
            agent is None
            or agent.state != "unverified"
            or agent.verification_hash != verification_hash
        ):
            raise Changed(agent_id)
        agent = replace(agent, state="pending", expires_at=None, verification_hash=None)
        self._agents[agent_id] = agent
        return agent

    @_locked
    def agent_id_for_email(self, email: str) -> str | None:
        return self._emails.get(email)

    @_locked
    def get_agent(self, agent_id: str) -> Agent | None:
        return self._agents.get(agent_id)

    @_locked
    def get_agents(self, agent_ids: Iterable[str]) -> list[Agent]:
        return [self._agents[i] for i in sorted(set(agent_ids)) if i in self._agents]

    @_locked
    def agents_by_state(
        self, state: str, limit: int, start: Cursor | None
    ) -> tuple[list[Agent], Cursor | None]:
        found = sorted(
            (a for a in self._agents.values() if a.state == state),
            key=lambda a: (a.created_at, a.agent_id),
        )
        if start is not None:
            after = (start["created_at"]["S"], start["agent_id"]["S"])
            found = [a for a in found if (a.created_at, a.agent_id) > after]
        page = found[:limit]
        if len(found) <= limit:
            return page, None
        last = page[-1]
        # DynamoDB's LastEvaluatedKey of the state index: one cursor check fits both stores.
        return page, {
            "agent_id": {"S": last.agent_id},
            "state": {"S": state},
            "created_at": {"S": last.created_at},
        }

    def _change(self, agent_id: str, **changes: Any) -> Agent:
        agent = self._agents.get(agent_id)
        if agent is None:
            raise Changed(agent_id)
        agent = replace(agent, **{k: v for k, v in changes.items() if v is not None})
        self._agents[agent_id] = agent
        return agent

    @_locked
    def approve_agent(self, agent_id: str, role: str, departments: tuple[str, ...]) -> Agent:
        agent = self._agents.get(agent_id)
        if agent is None or agent.state != "pending":
            raise Changed(agent_id)
        return self._change(
            agent_id, state="active", role=role, departments=departments, available=True
        )

    @_locked
    def change_agent(
        self,
        agent_id: str,
        *,
        name: str | None = None,
        settings: dict | None = None,
        role: str | None = None,
        departments: tuple[str, ...] | None = None,
        status: str | None = None,
        available: bool | None = None,
    ) -> Agent:
        return self._change(
            agent_id,
            name=name,
            settings=dict(settings) if settings is not None else None,
            role=role,
            departments=departments,
            status=status,
            available=available,
        )

    @_locked
    def disable_agent(self, agent_id: str) -> Agent:
        return self._change(agent_id, state="disabled", available=False)

    @_locked
    def change_password(
        self, agent_id: str, password_hash: str, stamp: str, kept_session: str, former_hash: str
    ) -> Agent:
        agent = self._agents.get(agent_id)
        if agent is None or agent.password_hash != former_hash:
            raise Changed(agent_id)
        return self._change(
            agent_id,
            password_hash=password_hash,
            password_stamp=stamp,
            password_changed_in=kept_session,
        )

    @_locked
    def create_session(self, session: Session) -> None:
        self._sessions[session.session_id] = session

    @_locked
    def get_session(self, session_id: str, now: float) -> Session | None:
        return _alive(self._sessions.get(session_id), now)

    @_locked
    def end_session(self, session_id: str) -> None:
        self._sessions.pop(session_id, None)

    @_locked
    def sessions_of(self, agent_id: str, now: float) -> list[Session]:
        return [s for s in self._sessions.values() if s.agent_id == agent_id and s.expires_at > now]

    @_locked
    def touch_session(self, session_id: str, last_seen_at: str) -> None:
        session = self._sessions.get(session_id)
        if session is not None and session.last_seen_at < last_seen_at:
            self._sessions[session_id] = replace(session, last_seen_at=last_seen_at)

    # ---- connections ---------------------------------------------------------------------------

    @_locked
    def add_connection(self, connection: Connection) -> None:
        self._connections[connection.connection_id] = connection

    @_locked
    def get_connection(self, connection_id: str, now: float) -> Connection | None:
        return _alive(self._connections.get(connection_id), now)

    @_locked
    def touch_connection(
        self, connection_id: str, last_seen: float, expires_at: int, visible: bool = True
    ) -> Connection | None:
        before = self._connections.get(connection_id)
        if before is not None:
            self._connections[connection_id] = replace(
                before, last_seen=last_seen, expires_at=expires_at, visible=visible
            )
        return before

    @_locked
    def remove_connection(self, connection_id: str) -> Connection | None:
        return self._connections.pop(connection_id, None)

    @_locked
    def connections_of(self, principal_id: str, now: float) -> list[Connection]:
        return [
            c
            for c in self._connections.values()
            if c.principal_id == principal_id and c.expires_at > now and _in_session(c, now)
        ]

    @_locked
    def erase_connections_of(self, principal_id: str) -> None:
        for connection_id, connection in list(self._connections.items()):
            if connection.principal_id == principal_id:
                del self._connections[connection_id]

    @_locked
    def issue_socket_ticket(self, ticket_hash: str, ticket: SocketTicket) -> None:
        self._tickets[ticket_hash] = ticket

    @_locked
    def take_socket_ticket(self, ticket_hash: str, now: float) -> SocketTicket | None:
        return _alive(self._tickets.pop(ticket_hash, None), now)

    @_locked
    def update_agent_connections(self, agent: Agent, counts: bool, now: float) -> None:
        for connection in self.connections_of(agent.agent_id, now):
            self._connections[connection.connection_id] = replace(
                connection,
                name=agent.name,
                role=agent.role,
                departments=agent.departments,
                status=agent.status,
                counts=counts,
            )
