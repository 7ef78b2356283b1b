"""The store in a dict, for the service tests. Each operation holds one lock, as DynamoDB
applies each request atomically; tests/local/test_store_contract.py runs the same cases here and
on DynamoDB."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from copy import deepcopy
from dataclasses import replace
from typing import Any

from chalicelib.store.base import Changed, Closed, Store, Taken
from chalicelib.store.records import (
    Agent,
    AgentRoom,
    Appended,
    CannedResponse,
    Connection,
    Contact,
    Cursor,
    Department,
    Handover,
    IdentityLink,
    Message,
    MessageDraft,
    Room,
    Session,
    SignInAttempt,
    SignInFailures,
    SocketTicket,
    StaffAppended,
    StaffMember,
    StaffRoom,
    Visitor,
)


def _locked[F: Callable[..., Any]](method: F) -> F:
    def run(self: MemoryStore, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            return method(self, *args, **kwargs)

    run.__name__ = method.__name__
    run.__doc__ = method.__doc__
    return run  # type: ignore[return-value]


def _alive[T](item: T | None, now: float) -> T | None:
    if item is None:
        return None
    expires_at = getattr(item, "expires_at", None)
    return None if expires_at is not None and expires_at <= now else item


def _in_session(connection: Connection, now: float) -> bool:
    return connection.session_expires_at is None or connection.session_expires_at > now


class MemoryStore(Store):
    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._counters: dict[str, int] = {}
        # (email, address) -> (failures, expires_at)
        self._sign_in_failures: dict[tuple[str, str], tuple[SignInFailures, int]] = {}
        self._markers: dict[str, int] = {}  # key -> expires_at
        self._emails: dict[str, str] = {}
        self._agents: dict[str, Agent] = {}
        self._sessions: dict[str, Session] = {}
        self._connections: dict[str, Connection] = {}
        self._departments: dict[str, Department] = {}
        self._canned: dict[str, dict[str, str]] = {}
        self._visitors: dict[str, Visitor] = {}
        self._contacts: dict[str, Contact] = {}
        self._rooms: dict[str, Room] = {}
        self._links: dict[tuple[str, str], AgentRoom] = {}
        self._messages: dict[str, dict[int, Message]] = {}
        self._client_ids: dict[tuple[str, str], int] = {}
        self._attempts: dict[str, SignInAttempt] = {}
        self._tickets: dict[str, SocketTicket] = {}
        self._handovers: dict[str, Handover] = {}
        self._identities: dict[tuple[str, str], str] = {}
        self._identity_links: dict[str, dict[str, IdentityLink]] = {}
        self._staff_rooms: dict[str, StaffRoom] = {}
        self._staff_names: dict[str, str] = {}  # lower-case name -> room_id
        self._staff_members: dict[tuple[str, str], StaffMember] = {}
        self._staff_retention: int | None = None

    def create_missing_tables(self) -> list[str]:
        return []

    # ---- counters ------------------------------------------------------------------------------

    @_locked
    def count_request(self, window: str, expires_at: int) -> int:
        self._counters[window] = self._counters.get(window, 0) + 1
        return self._counters[window]

    @_locked
    def count_sign_in_failure(
        self, email: str, address: str, now: float, expires_at: int
    ) -> SignInFailures:
        before = self.sign_in_failures(email, address, now)
        failures = SignInFailures((before.count if before else 0) + 1, now)
        self._sign_in_failures[(email, address)] = (failures, expires_at)
        return failures

    @_locked
    def sign_in_failures(self, email: str, address: str, now: float) -> SignInFailures | None:
        failures, expires_at = self._sign_in_failures.get((email, address), (None, 0))
        return failures if expires_at > now else None

    @_locked
    def forget_sign_in_failures(self, email: str, address: str) -> None:
        self._sign_in_failures.pop((email, address), None)

    @_locked
    def claim_marker(self, key: str, now: float, expires_at: int) -> bool:
        if self._markers.get(key, 0) > now:
            return False
        self._markers[key] = expires_at
        return True

    @_locked
    def next_guest_number(self) -> int:
        self._counters["guest"] = self._counters.get("guest", 0) + 1
        return self._counters["guest"]

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
        self, connection_id: str, last_seen: float, expires_at: int
    ) -> Connection | None:
        before = self._connections.get(connection_id)
        if before is not None:
            self._connections[connection_id] = replace(
                before, last_seen=last_seen, expires_at=expires_at
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

    # ---- departments ---------------------------------------------------------------------------

    @_locked
    def create_department(self, department: Department) -> None:
        if department.department_id in self._departments:
            raise Taken(department.department_id)
        self._departments[department.department_id] = department

    @_locked
    def get_department(self, department_id: str) -> Department | None:
        return self._departments.get(department_id)

    @_locked
    def all_departments(self) -> list[Department]:
        return [self._departments[k] for k in sorted(self._departments)]

    @_locked
    def change_department(
        self,
        department_id: str,
        *,
        name: str | None = None,
        allowed_origins: tuple[str, ...] | None = None,
        retention_hours: int | None = None,
        office_hours: Mapping[str, Any] | None = None,
    ) -> Department:
        department = self._departments.get(department_id)
        if department is None:
            raise Changed(department_id)
        changes: dict[str, Any] = {
            "name": name,
            "allowed_origins": allowed_origins,
            "retention_hours": retention_hours,
            "office_hours": deepcopy(dict(office_hours)) if office_hours is not None else None,
        }
        department = replace(department, **{k: v for k, v in changes.items() if v is not None})
        self._departments[department_id] = department
        return department

    @_locked
    def delete_department(self, department_id: str) -> None:
        if self._departments.pop(department_id, None) is None:
            raise Changed(department_id)

    @_locked
    def mark_agent_gone(self, department_id: str, agent_id: str, since: int | None) -> None:
        department = self._departments.get(department_id)
        if department is None:
            return
        gone = {k: v for k, v in department.gone_agents.items() if k != agent_id}
        if since is not None:
            gone[agent_id] = since
        self._departments[department_id] = replace(department, gone_agents=gone)

    @_locked
    def set_agent_presence(
        self, department_id: str, agent_id: str, ready_until: int | None, consoles: tuple[str, ...]
    ) -> None:
        department = self._departments.get(department_id)
        if department is None:
            return
        ready = dict(department.ready_until)
        if ready_until is None:
            ready.pop(agent_id, None)
        else:
            ready[agent_id] = ready_until
        live = dict(department.consoles)
        if consoles:
            live[agent_id] = consoles
        else:
            live.pop(agent_id, None)
        self._departments[department_id] = replace(department, ready_until=ready, consoles=live)

    @_locked
    def extend_agent_presence(self, department_id: str, agent_id: str, ready_until: int) -> bool:
        department = self._departments.get(department_id)
        if department is None or agent_id not in department.ready_until:
            return False
        ready = {**department.ready_until, agent_id: ready_until}
        self._departments[department_id] = replace(department, ready_until=ready)
        return True

    # ---- visitors and contacts -----------------------------------------------------------------

    @_locked
    def create_visitor(self, visitor: Visitor) -> None:
        self._visitors[visitor.visitor_id] = visitor

    @_locked
    def get_visitor(self, visitor_id: str, now: float) -> Visitor | None:
        return _alive(self._visitors.get(visitor_id), now)

    @_locked
    def extend_visitor(self, visitor_id: str, expires_at: int) -> None:
        visitor = self._visitors.get(visitor_id)
        if visitor is not None:
            self._visitors[visitor_id] = replace(visitor, expires_at=expires_at)

    @_locked
    def delete_visitor(self, visitor_id: str) -> None:
        self._visitors.pop(visitor_id, None)

    @_locked
    def get_contact(self, visitor_id: str, now: float) -> Contact | None:
        return _alive(self._contacts.get(visitor_id), now)

    @_locked
    def get_contacts(self, visitor_ids: Iterable[str], now: float) -> dict[str, Contact]:
        found = {v: _alive(self._contacts.get(v), now) for v in set(visitor_ids)}
        return {v: c for v, c in found.items() if c is not None}

    @_locked
    def save_contact(self, contact: Contact) -> None:
        self._contacts[contact.visitor_id] = contact

    @_locked
    def delete_contact(self, visitor_id: str) -> None:
        self._contacts.pop(visitor_id, None)

    # ---- rooms ---------------------------------------------------------------------------------

    @_locked
    def create_room(self, room: Room, first: MessageDraft | None) -> Appended | None:
        if room.room_id in self._rooms:
            raise Taken(room.room_id)
        self._rooms[room.room_id] = room
        self._messages[room.room_id] = {}
        return self.append_message(room, first, None) if first is not None else None

    @_locked
    def get_room(self, room_id: str, now: float) -> Room | None:
        return _alive(self._rooms.get(room_id), now)

    @_locked
    def get_rooms(self, room_ids: Iterable[str], now: float) -> list[Room]:
        found = (_alive(self._rooms.get(i), now) for i in sorted(set(room_ids)))
        return [room for room in found if room is not None]

    @_locked
    def rooms_to_erase(self, room_ids: Iterable[str]) -> list[Room]:
        return [self._rooms[i] for i in sorted(set(room_ids)) if i in self._rooms]

    def _write_room(self, room: Room, holds: Callable[[Room], bool], **changes: Any) -> Room:
        stored = self._rooms.get(room.room_id)
        if stored is None or not holds(stored):
            raise Changed(room.room_id)
        updated = replace(stored, version=stored.version + 1, **changes)
        self._rooms[room.room_id] = updated
        return updated

    def _served_by_same_agent(self, room: Room) -> Callable[[Room], bool]:
        return lambda stored: stored.state == "open" and stored.agent_id == room.agent_id

    def _link(self, agent_id: str, room: Room) -> None:
        self._links[(agent_id, room.created_key)] = AgentRoom(
            agent_id, room.created_key, room.room_id
        )

    @_locked
    def take_room(
        self,
        room: Room,
        agent_id: str,
        agent_name: str,
        taken_at: str,
        connections: tuple[str, ...],
        link_expires_at: int,
    ) -> Room:
        stored = self._rooms.get(room.room_id, room)
        taken = self._write_room(
            room,
            lambda stored: stored.state == "queued" and stored.version == room.version,
            state="open",
            agent_id=agent_id,
            agent_name=agent_name,
            served_by=room.served_by | {agent_id},
            taken_at=taken_at,
            queued_key=None,
            live={**stored.live, **dict.fromkeys(connections, agent_id)},
        )
        self._link(agent_id, taken)
        return taken

    def _without_agent(self, room: Room) -> dict[str, str]:
        stored = self._rooms.get(room.room_id, room)
        return {c: p for c, p in stored.live.items() if p != room.agent_id}

    @_locked
    def return_room(self, room: Room, queued_at: str) -> Room:
        return self._write_room(
            room,
            self._served_by_same_agent(room),
            state="queued",
            agent_id=None,
            agent_name=None,
            queued_key=room.created_key,
            queued_at=queued_at,
            live=self._without_agent(room),
        )

    @_locked
    def forward_room_to_agent(
        self,
        room: Room,
        agent_id: str,
        agent_name: str,
        connections: tuple[str, ...],
        link_expires_at: int,
        department: Department | None = None,
    ) -> Room:
        stored = self._rooms.get(room.room_id)
        served_by = (stored.served_by if stored else room.served_by) | {agent_id}
        moves = {}
        if department is not None:
            moves = {
                "department_id": department.department_id,
                "retention_hours": department.retention_hours,
            }
        forwarded = self._write_room(
            room,
            self._served_by_same_agent(room),
            agent_id=agent_id,
            agent_name=agent_name,
            served_by=served_by,
            live={**self._without_agent(room), **dict.fromkeys(connections, agent_id)},
            **moves,
        )
        self._link(agent_id, forwarded)
        return forwarded

    @_locked
    def forward_room_to_department(
        self,
        room: Room,
        department_id: str,
        queued_key: str,
        queued_at: str,
        retention_hours: int,
    ) -> Room:
        return self._write_room(
            room,
            self._served_by_same_agent(room),
            state="queued",
            department_id=department_id,
            agent_id=None,
            agent_name=None,
            queued_key=queued_key,
            queued_at=queued_at,
            retention_hours=retention_hours,
            live=self._without_agent(room),
        )

    @_locked
    def close_room(
        self, room: Room, closed_at: str, closed_by: str, comment: str | None, expires_at: int
    ) -> Room:
        changes: dict[str, Any] = {"comment": comment} if comment else {}
        return self._write_room(
            room,
            lambda stored: stored.state == room.state,
            state="closed",
            closed_at=closed_at,
            closed_by=closed_by,
            queued_key=None,
            expires_at=expires_at,
            **changes,
        )

    @_locked
    def listen(self, room_id: str, connection_id: str, principal_id: str) -> None:
        stored = self._rooms.get(room_id)
        if stored is not None:
            live = {**stored.live, connection_id: principal_id}
            self._rooms[room_id] = replace(stored, live=live)

    @_locked
    def stop_listening(self, room_id: str, connection_id: str) -> None:
        stored = self._rooms.get(room_id)
        if stored is not None:
            live = {c: p for c, p in stored.live.items() if c != connection_id}
            self._rooms[room_id] = replace(stored, live=live)

    @_locked
    def delete_room(self, room: Room, only_if_closed: bool) -> None:
        stored = self._rooms.get(room.room_id)
        if stored is None or (only_if_closed and stored.state != "closed"):
            raise Changed(room.room_id)
        del self._rooms[room.room_id]
        self._messages.pop(room.room_id, None)
        for key in [k for k in self._client_ids if k[0] == room.room_id]:
            del self._client_ids[key]
        for agent_id in stored.served_by:
            self._links.pop((agent_id, stored.created_key), None)

    @_locked
    def queued_rooms(self, department_id: str, limit: int, now: float) -> list[Room]:
        queued = [
            r
            for r in self._rooms.values()
            if r.state == "queued" and r.department_id == department_id and r.expires_at > now
        ]
        return sorted(queued, key=lambda r: r.queued_key or "")[:limit]

    @_locked
    def queue_position(self, department_id: str, queued_key: str, now: float) -> int:
        return sum(
            1
            for r in self._rooms.values()
            if r.state == "queued"
            and r.department_id == department_id
            and (r.queued_key or "") <= queued_key
            and r.expires_at > now
        )

    def rooms_of_department(self, department_id: str, before_key: str | None) -> Iterator[Room]:
        with self._lock:
            found = [
                r
                for r in self._rooms.values()
                if r.department_id == department_id
                and (before_key is None or r.created_key < before_key)
            ]
        return iter(sorted(found, key=lambda r: r.created_key, reverse=True))

    @_locked
    def room_ids_of_visitor(self, visitor_id: str) -> list[str]:
        rooms = [r for r in self._rooms.values() if r.visitor_id == visitor_id]
        return [r.room_id for r in sorted(rooms, key=lambda r: r.created_key)]

    @_locked
    def rooms_of_agent(
        self, agent_id: str, before_key: str | None, limit: int | None
    ) -> list[AgentRoom]:
        links = [
            link
            for (owner, key), link in self._links.items()
            if owner == agent_id and (before_key is None or key < before_key)
        ]
        links.sort(key=lambda link: link.created_key, reverse=True)
        return links if limit is None else links[:limit]

    # ---- messages ------------------------------------------------------------------------------

    @_locked
    def append_message(
        self, room: Room, draft: MessageDraft, room_expires_at: int | None
    ) -> Appended:
        stored = self._rooms.get(room.room_id)
        earlier = self._client_ids.get((room.room_id, draft.client_id))
        if earlier is not None and stored is not None:
            return Appended(self._messages[room.room_id][earlier], False, stored)
        if stored is None or (room_expires_at is not None and stored.state == "closed"):
            raise Closed(room.room_id)
        seq = stored.last_seq + 1
        message = Message(room_id=room.room_id, seq=seq, **vars(draft))
        self._messages[room.room_id][seq] = message
        if draft.claims_client_id:
            self._client_ids[(room.room_id, draft.client_id)] = seq
        updated = replace(stored, last_seq=seq)
        if room_expires_at is not None:
            updated = replace(updated, expires_at=room_expires_at)
        self._rooms[room.room_id] = updated
        return Appended(message, True, updated)

    @_locked
    def message_for_client_id(self, room_id: str, client_id: str, now: float) -> Message | None:
        seq = self._client_ids.get((room_id, client_id))
        return _alive(self._messages[room_id][seq], now) if seq is not None else None

    @_locked
    def messages_after(self, room_id: str, after: int, limit: int, now: float) -> list[Message]:
        messages = self._messages.get(room_id, {})
        found = [messages[s] for s in sorted(messages) if s > after][:limit]
        return [m for m in found if _alive(m, now)]

    # ---- canned responses ----------------------------------------------------------------------

    @_locked
    def canned_responses(self, owner: str) -> list[CannedResponse]:
        entries = self._canned.get(owner, {})
        return [CannedResponse(shortcut, entries[shortcut]) for shortcut in sorted(entries)]

    @_locked
    def add_canned_response(self, owner: str, response: CannedResponse) -> None:
        entries = self._canned.setdefault(owner, {})
        if response.shortcut in entries:
            raise Taken(response.shortcut)
        entries[response.shortcut] = response.text

    @_locked
    def replace_canned_response(self, owner: str, shortcut: str, response: CannedResponse) -> None:
        entries = self._canned.get(owner, {})
        if shortcut not in entries:
            raise Changed(shortcut)
        if response.shortcut != shortcut and response.shortcut in entries:
            raise Taken(response.shortcut)
        del entries[shortcut]
        entries[response.shortcut] = response.text

    @_locked
    def delete_canned_response(self, owner: str, shortcut: str) -> None:
        if self._canned.get(owner, {}).pop(shortcut, None) is None:
            raise Changed(shortcut)

    # ---- institutional sign-in -----------------------------------------------------------------

    @_locked
    def remember_sign_in_attempt(self, attempt: SignInAttempt) -> None:
        self._attempts[attempt.state] = attempt

    @_locked
    def take_sign_in_attempt(self, state: str, now: float) -> SignInAttempt | None:
        return _alive(self._attempts.pop(state, None), now)

    @_locked
    def remember_handover(self, code_hash: str, handover: Handover) -> None:
        self._handovers[code_hash] = handover

    @_locked
    def take_handover(self, code_hash: str, now: float) -> Handover | None:
        return _alive(self._handovers.pop(code_hash, None), now)

    @_locked
    def agent_of_identity(self, issuer: str, subject: str) -> str | None:
        return self._identities.get((issuer, subject))

    @_locked
    def identity_links(self, agent_id: str, now: float) -> list[IdentityLink]:
        links = self._identity_links.get(agent_id, {}).values()
        return sorted(
            (link for link in links if _alive(link, now)),
            key=lambda link: (link.created_at, link.identity_id),
        )

    def _hold_identity(self, agent_id: str, link: IdentityLink) -> None:
        holder = self._identities.get((link.issuer, link.subject), agent_id)
        if holder != agent_id:
            raise Taken(f"{link.issuer}#{link.subject}")
        self._identities[(link.issuer, link.subject)] = agent_id
        linked = replace(link, state="linked", expires_at=None)
        self._identity_links.setdefault(agent_id, {})[link.identity_id] = linked

    @_locked
    def link_identity(self, agent_id: str, link: IdentityLink) -> None:
        self._hold_identity(agent_id, link)

    @_locked
    def request_identity_link(self, agent_id: str, link: IdentityLink, now: float) -> None:
        links = self._identity_links.setdefault(agent_id, {})
        for identity_id, known in list(links.items()):
            if not _alive(known, now):
                del links[identity_id]
        if links.get(link.identity_id, link).state != "linked":
            links[link.identity_id] = link

    @_locked
    def confirm_identity_link(self, agent_id: str, identity_id: str, now: float) -> IdentityLink:
        request = _alive(self._identity_links.get(agent_id, {}).get(identity_id), now)
        if request is None or request.state != "requested":
            raise Changed(identity_id)
        self._hold_identity(agent_id, request)
        return self._identity_links[agent_id][identity_id]

    @_locked
    def unlink_identity(self, agent_id: str, identity_id: str) -> None:
        link = self._identity_links.get(agent_id, {}).pop(identity_id, None)
        if link is None:
            raise Changed(identity_id)
        if self._identities.get((link.issuer, link.subject)) == agent_id:
            del self._identities[(link.issuer, link.subject)]

    @_locked
    def take_over_registration(self, agent: Agent, name: str, link: IdentityLink) -> Agent:
        stored = self._agents.get(agent.agent_id)
        if stored is None or stored.state != agent.state:
            raise Changed(agent.agent_id)
        self._hold_identity(agent.agent_id, link)
        taken_over = replace(stored, name=name, password_hash="", state="pending", available=False)
        self._agents[agent.agent_id] = taken_over
        return taken_over

    # ---- team chat (S5-S9, S22) ----------------------------------------------------------------

    @_locked
    def create_staff_room(self, room: StaffRoom, members: Iterable[StaffMember]) -> None:
        claims = room.kind == "channel"
        name_key = room.name.casefold()
        if room.room_id in self._staff_rooms or (claims and name_key in self._staff_names):
            raise Taken(room.name or room.room_id)
        members = list(members)
        self._staff_rooms[room.room_id] = replace(room, members_count=len(members))
        if claims:
            self._staff_names[name_key] = room.room_id
        self._messages[room.room_id] = {}
        for member in members:
            self._staff_members[(room.room_id, member.agent_id)] = member

    @_locked
    def get_staff_room(self, room_id: str) -> StaffRoom | None:
        return self._staff_rooms.get(room_id)

    @_locked
    def get_staff_rooms(self, room_ids: Iterable[str]) -> list[StaffRoom]:
        return [self._staff_rooms[i] for i in sorted(set(room_ids)) if i in self._staff_rooms]

    @_locked
    def public_channels(self) -> list[StaffRoom]:
        channels = (r for r in self._staff_rooms.values() if r.kind == "channel")
        return sorted(channels, key=lambda r: r.name.casefold())

    @_locked
    def change_staff_room(
        self, room_id: str, *, name: str | None = None, topic: str | None = None
    ) -> StaffRoom:
        room = self._staff_rooms.get(room_id)
        if room is None:
            raise Changed(room_id)
        renamed = name is not None and name.casefold() != room.name.casefold()
        if room.kind == "channel" and renamed and name is not None:
            if name.casefold() in self._staff_names:
                raise Taken(name)
            del self._staff_names[room.name.casefold()]
            self._staff_names[name.casefold()] = room_id
        if name is not None:
            room = replace(room, name=name)
        if topic is not None:
            room = replace(room, topic=topic or None)
        self._staff_rooms[room_id] = room
        return room

    @_locked
    def delete_staff_room(self, room_id: str) -> list[str]:
        room = self._staff_rooms.pop(room_id, None)
        if room is None:
            return []
        if self._staff_names.get(room.name.casefold()) == room_id:
            del self._staff_names[room.name.casefold()]
        last = sorted(k for k in self._staff_members if k[0] == room_id)
        for key in last:
            del self._staff_members[key]
        self._messages.pop(room_id, None)
        for key in [k for k in self._client_ids if k[0] == room_id]:
            del self._client_ids[key]
        return [agent_id for _, agent_id in last]

    @_locked
    def staff_member(self, room_id: str, agent_id: str) -> StaffMember | None:
        return self._staff_members.get((room_id, agent_id))

    @_locked
    def staff_members(self, room_id: str) -> list[StaffMember]:
        found = (m for (r, _), m in self._staff_members.items() if r == room_id)
        return sorted(found, key=lambda m: m.agent_id)

    @_locked
    def staff_memberships(self, agent_id: str) -> list[StaffMember]:
        found = (m for (_, a), m in self._staff_members.items() if a == agent_id)
        return sorted(found, key=lambda m: m.room_id)

    @_locked
    def staff_members_among(self, room_id: str, agent_ids: Iterable[str]) -> set[str]:
        return {a for a in agent_ids if (room_id, a) in self._staff_members}

    @_locked
    def add_staff_member(self, member: StaffMember) -> bool:
        room = self._staff_rooms.get(member.room_id)
        if room is None:
            raise Changed(member.room_id)
        if (member.room_id, member.agent_id) in self._staff_members:
            return False
        self._staff_members[(member.room_id, member.agent_id)] = member
        self._staff_rooms[room.room_id] = replace(room, members_count=room.members_count + 1)
        return True

    @_locked
    def remove_staff_member(self, room_id: str, agent_id: str) -> bool:
        if self._staff_members.pop((room_id, agent_id), None) is None:
            return False
        room = self._staff_rooms.get(room_id)
        if room is not None:
            self._staff_rooms[room_id] = replace(room, members_count=room.members_count - 1)
        return True

    @_locked
    def mark_staff_read(self, room_id: str, agent_id: str, seq: int) -> StaffMember | None:
        member = self._staff_members.get((room_id, agent_id))
        if member is None:
            return None
        member = replace(member, read_seq=max(member.read_seq, seq), mentions=0)
        self._staff_members[(room_id, agent_id)] = member
        return member

    @_locked
    def note_staff_mention(self, room_id: str, agent_id: str) -> None:
        member = self._staff_members.get((room_id, agent_id))
        if member is not None:
            self._staff_members[(room_id, agent_id)] = replace(member, mentions=member.mentions + 1)

    @_locked
    def append_staff_message(self, room: StaffRoom, draft: MessageDraft) -> StaffAppended:
        stored = self._staff_rooms.get(room.room_id)
        if stored is None:
            raise Changed(room.room_id)
        earlier = self._client_ids.get((room.room_id, draft.client_id))
        if earlier is not None:
            return StaffAppended(self._messages[room.room_id][earlier], False, stored)
        seq = stored.last_seq + 1
        message = Message(room_id=room.room_id, seq=seq, **vars(draft))
        self._messages[room.room_id][seq] = message
        self._client_ids[(room.room_id, draft.client_id)] = seq
        updated = replace(stored, last_seq=seq, last_message_at=draft.created_at)
        self._staff_rooms[room.room_id] = updated
        return StaffAppended(message, True, updated)

    @_locked
    def change_staff_message(
        self,
        room_id: str,
        seq: int,
        author_id: str,
        not_before: str,
        *,
        text: str | None,
        changed_at: str,
    ) -> Message:
        message = self._messages.get(room_id, {}).get(seq)
        if (
            message is None
            or message.deleted_at is not None
            or message.author_id != author_id
            or message.created_at < not_before
        ):
            raise Changed(f"{room_id}#{seq}")
        if text is None:
            message = replace(message, text="", deleted_at=changed_at)
        else:
            message = replace(message, text=text, edited_at=changed_at)
        self._messages[room_id][seq] = message
        return message

    @_locked
    def online_agent_connections(self, now: float) -> list[Connection]:
        found = (_alive(c, now) for c in self._connections.values() if c.kind == "agent")
        live = (c for c in found if c is not None and _in_session(c, now))
        return sorted(live, key=lambda c: c.connection_id)

    @_locked
    def staff_retention_days(self) -> int | None:
        return self._staff_retention

    @_locked
    def set_staff_retention_days(self, days: int) -> None:
        self._staff_retention = days
