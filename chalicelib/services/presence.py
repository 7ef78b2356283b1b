"""Presence and availability (S3, S10, S24 in docs/features.md).

A department is available while at least one active agent of it is available (the livechat
toggle), online or away, and has a live connection (a heartbeat within the presence timeout).
The department maps each such agent to the moment their presence runs out, so that the
widget's check is one GetItem and turns false by itself when heartbeats stop, even if no
`$disconnect` ever comes. Every change that can flip an agent's readiness, and every agent
heartbeat, calls `refresh_agent`; the scheduled sweep tidies entries that ran out.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import replace

from chalicelib.services.context import Context
from chalicelib.services.events import notify
from chalicelib.services.office_hours import is_open
from chalicelib.services.principals import (
    SEEN_PRECISION_SECONDS,
    AgentPrincipal,
    Principal,
    counts_for_button,
)
from chalicelib.store.base import Changed
from chalicelib.store.records import Agent, Connection, Department, Room

# How often one refresh writes at most: a reload changes the sockets once or twice.
PRESENCE_RECOUNTS = 3


def refresh_agent(ctx: Context, agent_id: str, former_departments: Iterable[str] = ()) -> bool:
    """Recompute whether the agent counts for its departments and which of its consoles are
    live; returns whether it counts."""
    agent = ctx.store.get_agent(agent_id)
    connections = ctx.store.connections_of(agent_id, ctx.now())
    # A socket that opens or closes meanwhile (a reload: the old one's `$disconnect` beside the
    # new one's `$connect`), or a change of the agent (the toggle, the status, beside a sweep),
    # recomputes too, and the last write wins: so after writing, read both again, and write
    # again if either changed. The last writer thus wrote what it saw after every write before.
    for _ in range(PRESENCE_RECOUNTS):
        ready = _write_presence(ctx, agent, agent_id, connections, former_departments)
        recounted = ctx.store.connections_of(agent_id, ctx.now())
        reread = ctx.store.get_agent(agent_id)
        if _ids(recounted) == _ids(connections) and reread == agent:
            break
        connections, agent = recounted, reread
    return ready


def _ids(connections: list[Connection]) -> set[str]:
    return {c.connection_id for c in connections}


def _write_presence(
    ctx: Context,
    agent: Agent | None,
    agent_id: str,
    connections: list[Connection],
    former_departments: Iterable[str],
) -> bool:
    now = ctx.now()
    timeout = ctx.settings.presence_timeout_seconds
    last_seen = max((c.last_seen for c in connections), default=0)
    online = agent is not None and agent.state == "active" and last_seen > now - timeout
    ready = online and agent is not None and counts_for_button(agent)
    ready_until = int(max(_presence_end(c, timeout) for c in connections)) if ready else None
    consoles = tuple(sorted(c.connection_id for c in connections)) if online else ()
    current = set(agent.departments) if agent is not None else set()
    for department_id in sorted(current | set(former_departments)):
        member = department_id in current
        ctx.store.set_agent_presence(
            department_id, agent_id, ready_until if member else None, consoles if member else ()
        )
    return ready


def _presence_end(connection: Connection, timeout: int) -> float:
    """A socket's presence runs out `timeout` after its last heartbeat, or when its session
    ends, whichever comes first."""
    end = connection.last_seen + timeout
    if connection.session_expires_at is not None:
        end = min(end, connection.session_expires_at)
    return end


def agent_changed(ctx: Context, agent: Agent, former_departments: Iterable[str] = ()) -> None:
    """After a change of the account: its connections and its departments learn of it."""
    ctx.store.update_agent_connections(agent, counts_for_button(agent), ctx.now())
    refresh_agent(ctx, agent.agent_id, former_departments)


def connect(ctx: Context, connection_id: str, principal: Principal) -> None:
    """A socket opens. Its connection remembers who opened it, so that frames need no more;
    the person's active rooms push to it from now on."""
    now = ctx.now()
    connection = Connection(
        connection_id=connection_id,
        kind="visitor",
        principal_id=principal.id,
        name=principal.name,
        last_seen=now,
        connected_at=now,
        expires_at=_connection_expiry(ctx),
    )
    if isinstance(principal, AgentPrincipal):
        connection = replace(
            connection,
            kind="agent",
            session_id=principal.session_id,
            session_expires_at=principal.session_expires_at,
            role=principal.role,
            departments=principal.departments,
            status=principal.status,
            counts=principal.counts,
        )
    ctx.store.add_connection(connection)
    for room in _active_rooms(ctx, principal):
        ctx.store.listen(room.room_id, connection_id, principal.id)
    if isinstance(principal, AgentPrincipal):
        refresh_agent(ctx, principal.id)
    else:
        keep_visitor_alive(ctx, principal.id)


def _active_rooms(ctx: Context, principal: Principal) -> list[Room]:
    """The rooms whose pushes concern this person: a visitor's queued and open ones, the
    open ones an agent serves."""
    now = ctx.now()
    if isinstance(principal, AgentPrincipal):
        links = ctx.store.rooms_of_agent(principal.id, before_key=None, limit=50)
        rooms = ctx.store.get_rooms((link.room_id for link in links), now)
        return [r for r in rooms if r.state == "open" and r.agent_id == principal.id]
    rooms = ctx.store.get_rooms(ctx.store.room_ids_of_visitor(principal.id), now)
    return [r for r in rooms if r.state != "closed"]


def keep_visitor_alive(ctx: Context, visitor_id: str) -> None:
    """A visitor who is active keeps their identity for another idle period."""
    ctx.store.extend_visitor(visitor_id, ctx.epoch_in(hours=ctx.settings.visitor_idle_hours))


def sign_off(ctx: Context, agent_id: str, session_id: str | None = None) -> None:
    """Close the agent's sockets (of one session, or all); with none left the agent is offline,
    and the visitors they serve see it."""
    close_connections(ctx, agent_id, session_id)
    if not ctx.store.connections_of(agent_id, ctx.now()):
        with contextlib.suppress(Changed):  # the account is gone: nothing to mark
            ctx.store.change_agent(agent_id, status="offline")
        announce_status(ctx, agent_id, "offline")
    refresh_agent(ctx, agent_id)


def heartbeat(ctx: Context, connection_id: str, visible: bool = True) -> bool:
    """Keep the connection live; an agent's heartbeat moves their `ready_until` forward (one
    write per department), or counts them anew when their presence had run out. A socket
    whose session ended is closed instead (False): it hears nothing more."""
    now = ctx.now()
    timeout = ctx.settings.presence_timeout_seconds
    before = ctx.store.touch_connection(connection_id, now, _connection_expiry(ctx), visible)
    if before is None or before.kind != "agent":
        return True
    if before.session_expires_at is not None and before.session_expires_at <= now:
        ctx.pusher.disconnect(connection_id)
        disconnect(ctx, connection_id)
        return False
    if before.visible != visible:
        _note_visibility(ctx, before, visible)
    if before.session_id and _window(before.last_seen) != _window(now):
        # An open console is a use of its session (Mein Konto's "last seen").
        ctx.store.touch_session(before.session_id, ctx.iso(now))
    if before.last_seen <= now - timeout:
        refresh_agent(ctx, before.principal_id)
        return True
    if before.counts:
        ready_until = int(_presence_end(replace(before, last_seen=now), timeout))
        for department_id in before.departments:
            if not ctx.store.extend_agent_presence(department_id, before.principal_id, ready_until):
                refresh_agent(ctx, before.principal_id)
                return True
    return True


def is_connected(ctx: Context, agent_id: str) -> bool:
    """The agent has a live console: a socket heard within the presence timeout."""
    now = ctx.now()
    timeout = ctx.settings.presence_timeout_seconds
    return any(c.last_seen > now - timeout for c in ctx.store.connections_of(agent_id, now))


def _note_visibility(ctx: Context, connection: Connection, visible: bool) -> None:
    """The chats this console hears learn whether it is seen, so that a message decides on a
    push without a read (a few writes, only when the console is shown or hidden)."""
    links = ctx.store.rooms_of_agent(connection.principal_id, before_key=None, limit=50)
    for room in ctx.store.get_rooms((link.room_id for link in links), ctx.now()):
        if connection.connection_id in room.live:
            ctx.store.mark_hidden(room.room_id, connection.connection_id, not visible)


def _window(moment: float) -> int:
    return int(moment // SEEN_PRECISION_SECONDS)


def disconnect(ctx: Context, connection_id: str) -> Connection | None:
    """Forget a closed socket; returns what it was."""
    gone = ctx.store.remove_connection(connection_id)
    if gone is not None and gone.kind == "agent":
        refresh_agent(ctx, gone.principal_id)
    return gone


def close_connections(ctx: Context, principal_id: str, session_id: str | None = None) -> None:
    """Close the sockets of an agent (or of one of its sessions) or of a visitor."""
    for connection in ctx.store.connections_of(principal_id, ctx.now()):
        if session_id is None or connection.session_id == session_id:
            ctx.pusher.disconnect(connection.connection_id)
            ctx.store.remove_connection(connection.connection_id)


def announce_status(ctx: Context, agent_id: str, status: str) -> None:
    """`presence` to the visitors whose open rooms this agent serves."""
    now = ctx.now()
    links = ctx.store.rooms_of_agent(agent_id, before_key=None, limit=50)
    rooms = ctx.store.get_rooms((link.room_id for link in links), now)
    visitors = [r.visitor_id for r in rooms if r.state == "open" and r.agent_id == agent_id]
    notify(ctx, visitors, {"type": "presence", "agent_id": agent_id, "status": status})


def sweep(ctx: Context) -> int:
    """Tidy what lost `$disconnect`s left behind: re-count every agent listed as present."""
    agents: set[str] = set()
    for department in ctx.store.all_departments():
        agents |= set(department.ready_until) | set(department.online_agents)
    for agent_id in sorted(agents):
        refresh_agent(ctx, agent_id)
    return len(agents)


def is_available(department: Department, now: float) -> bool:
    """Someone counts for the button, within the department's office hours (if it has any)."""
    ready = any(until > now for until in department.ready_until.values())
    return ready and is_open(department.office_hours, now)


def _connection_expiry(ctx: Context) -> int:
    # A connection item outlives its last heartbeat a little; TTL then removes leftovers.
    return ctx.epoch_in(hours=2)
