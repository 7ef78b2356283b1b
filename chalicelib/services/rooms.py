"""Rooms and the queue (S12–S15, S17, S19–S21, S27 in docs/features.md): start, preview, take,
return, forward, close, list, delete. The store decides every race; a lost one is a 409."""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from dataclasses import replace

from chalicelib.clock import new_id
from chalicelib.errors import Conflict, Forbidden, InvalidInput, NotFound
from chalicelib.services import (
    events,
    files,
    messages,
    offline_mail,
    presence,
    push_notifications,
    reads,
    stats,
)
from chalicelib.services.access import is_room_agent, load_room, may_act, require_may_act
from chalicelib.services.context import Context
from chalicelib.services.departments import get as get_department
from chalicelib.services.principals import AgentPrincipal, Principal, VisitorPrincipal
from chalicelib.services.views import room_view, shown_agent_name, visitor_room_view
from chalicelib.store.base import Changed
from chalicelib.store.records import Agent, Department, Room

ACTIVE_STATES = ("queued", "open")


def _require_available(ctx: Context, department: Department) -> None:
    if not presence.is_available(department, ctx.now()):
        raise Conflict("nobody in this department can answer right now", "department_unavailable")


def _status_of_agent(ctx: Context, room: Room) -> str | None:
    """The status of the agent who serves the room, for its view: offline without a live
    console, as the visitor's `presence` event said when it vanished."""
    agent = ctx.store.get_agent(room.agent_id) if room.agent_id else None
    if agent is None:
        return None
    return agent.status if presence.is_connected(ctx, agent.agent_id) else "offline"


def _view(ctx: Context, room: Room, agent_status: str | None = None) -> dict:
    """The room with its place in the queue while queued."""
    position = None
    if room.state == "queued" and room.queued_key:
        position = ctx.store.queue_position(room.department_id, room.queued_key, ctx.now())
    return room_view(room, agent_status, position)


def start(
    ctx: Context,
    principal: VisitorPrincipal,
    department_id: str,
    text: str | None,
    client_id: str | None,
    page: dict[str, str] | None = None,
) -> tuple[dict, bool]:
    """A visitor asks for a chat (S14) on `page` ({"url", "title"}, for agents). Returns
    (room, created)."""
    if text is not None:
        messages.check_length(ctx, text)
    department = get_department(ctx, department_id)
    now = ctx.now()
    for room in ctx.store.get_rooms(ctx.store.room_ids_of_visitor(principal.id), now):
        if room.department_id == department_id and room.state in ACTIVE_STATES:
            return visitor_room_view(_view(ctx, room, _status_of_agent(ctx, room)), room), False
    _require_available(ctx, department)
    return enqueue(ctx, principal, department, text, client_id, page=page), True


def enqueue(
    ctx: Context,
    principal: VisitorPrincipal,
    department: Department,
    text: str | None,
    client_id: str | None,
    visitor_name: str | None = None,
    offline_email: str | None = None,
    language: str | None = None,
    page: dict[str, str] | None = None,
) -> dict:
    """A new room in the department's queue, with the visitor's first line if any; a message
    left while nobody could answer (services/offline.py) has an address, maybe a name."""
    now = ctx.now()
    created_at = ctx.iso(now)
    created_key = f"{created_at}#{new_id('k')}"
    room = Room(
        room_id=new_id("room"),
        department_id=department.department_id,
        state="queued",
        visitor_id=principal.id,
        visitor_name=visitor_name or principal.name,
        created_at=created_at,
        created_key=created_key,
        queued_at=created_at,
        queued_key=created_key,
        retention_hours=department.retention_hours,
        expires_at=ctx.epoch_in(hours=ctx.settings.room_idle_hours),
        offline_email=offline_email,
        language=language,
        page=page,
    )
    first = None
    if text:
        author = ("visitor", principal.id, room.visitor_name)
        first = messages.draft(ctx, room, author, text, client_id or new_id("c"))
    appended = ctx.store.create_room(room, first)
    if appended is not None:
        room = appended.room
    # The visitor's sockets hear the room from now on. Looked up after the room is stored, as
    # $connect looks up the rooms after storing the socket: one of the two sees the other.
    sockets = [c.connection_id for c in ctx.store.connections_of(principal.id, now)]
    for connection_id in sockets:
        ctx.store.listen(room.room_id, connection_id, principal.id)
    room = replace(room, live=dict.fromkeys(sockets, principal.id))
    stats.chat_started(ctx, room)
    presence.keep_visitor_alive(ctx, principal.id)
    if appended is not None:
        messages.push(ctx, room, appended.message, department)
    view = visitor_room_view(_view(ctx, room), room)
    events.queue_event(ctx, department, "added", room)
    events.to_room(ctx, room, {"type": "room", "event": "queued", "room": view})
    push_notifications.new_chat(ctx, department, room)
    return view


def get(ctx: Context, principal: Principal, room_id: str) -> dict:
    room = load_room(ctx, principal, room_id)
    view = _view(ctx, room, _status_of_agent(ctx, room))
    return visitor_room_view(view, room) if isinstance(principal, VisitorPrincipal) else view


def _departments_of(ctx: Context, principal: AgentPrincipal) -> list[str]:
    if principal.is_admin:
        return [d.department_id for d in ctx.store.all_departments()]
    return list(principal.departments)


def queue(ctx: Context, principal: AgentPrincipal, limit: int) -> list[dict]:
    """Queued rooms of the agent's departments, oldest first; nothing from other departments."""
    found: list[tuple[int, Room]] = []
    for department_id in _departments_of(ctx, principal):
        rooms = ctx.store.queued_rooms(department_id, limit=limit, now=ctx.now())
        found += list(enumerate(rooms, start=1))
    found.sort(key=lambda pair: pair[1].queued_key or "")
    return [room_view(room, position=position) for position, room in found[:limit]]


def _agent_in_department(principal: AgentPrincipal, room: Room) -> None:
    if not principal.serves_department(room.department_id):
        raise Forbidden("this request belongs to another department", "other_department")


def preview(ctx: Context, principal: AgentPrincipal, room_id: str) -> dict:
    """S15: look at a queued request; the visitor is told someone will be with them shortly."""
    room = load_room(ctx, principal, room_id)
    _agent_in_department(principal, room)
    if room.state != "queued":
        raise Conflict("only queued requests can be previewed", "room_not_queued")
    room = messages.system(ctx, room, "preview")
    events.room_event(ctx, room, "preview")
    history, _ = messages.page(ctx, principal, room_id, after=0, limit=500)
    return {**_view(ctx, room), "messages": history}


def _link_expiry(ctx: Context, room: Room) -> int:
    return ctx.epoch_in(hours=ctx.settings.room_idle_hours + room.retention_hours)


def _connection_ids(ctx: Context, agent_id: str) -> tuple[str, ...]:
    return tuple(c.connection_id for c in ctx.store.connections_of(agent_id, ctx.now()))


def _queue_changed(
    ctx: Context, room: Room, event: str, department: Department | None = None
) -> None:
    """The department's agents see the queue change; its queued visitors, their places."""
    department = department or ctx.store.get_department(room.department_id)
    if department is not None:
        events.queue_event(ctx, department, event, room)
    events.queue_moved(ctx, room.department_id)


def take(ctx: Context, principal: AgentPrincipal, room_id: str) -> dict:
    """S17: exactly one of several concurrent takes wins; the others get 409 already_taken."""
    former = load_room(ctx, principal, room_id)
    _agent_in_department(principal, former)
    if former.state != "queued":
        raise Conflict("someone else has taken this chat", "already_taken")
    department = ctx.store.get_department(former.department_id)
    shown = shown_agent_name(department, principal.name)
    try:
        room = ctx.store.take_room(
            former,
            principal.id,
            principal.name,
            ctx.iso(),
            _connection_ids(ctx, principal.id),
            _link_expiry(ctx, former),
            agent_shown=shown,
        )
    except Changed as exc:
        raise Conflict("someone else has taken this chat", "already_taken") from exc
    stats.chat_taken(ctx, former, room)
    room = messages.system(ctx, room, "taken", principal.name, shown_name=shown)
    reads.start_reading(ctx, principal.id, room, room.last_seq)  # they previewed it
    events.room_event(ctx, room, "taken", agent_status=principal.status)
    _queue_changed(ctx, room, "removed", department)
    return room_view(room, principal.status)


def _serving(ctx: Context, principal: AgentPrincipal, room_id: str) -> Room:
    room = load_room(ctx, principal, room_id)
    if room.state != "open":
        raise Conflict("only open chats can be returned or forwarded", "room_not_open")
    if not is_room_agent(principal, room):
        raise Forbidden("another agent serves this chat", "not_room_agent")
    return room


def _changed_meanwhile(exc: Changed) -> Conflict:
    return Conflict("this chat changed meanwhile", "room_changed")


def return_to_queue(ctx: Context, principal: AgentPrincipal, room_id: str) -> dict:
    """S19: back to the incoming list at its old place; any agent of the department may take it."""
    former = _serving(ctx, principal, room_id)
    try:
        room = ctx.store.return_room(former, ctx.iso())
    except Changed as exc:
        raise _changed_meanwhile(exc) from exc
    room = messages.system(ctx, room, "returned")
    view = _view(ctx, room)
    events.room_event(ctx, room, "returned", position=view.get("position"), former=former)
    _queue_changed(ctx, room, "added")
    return view


def forward_to_agent(
    ctx: Context,
    principal: AgentPrincipal,
    room_id: str,
    agent_id: str,
    department_id: str | None = None,
    comment: str | None = None,
) -> dict:
    """S20: to another agent; the chat stays open and moves into the department given with
    them, or one they serve (their agent keeps only read access to it there). The `comment`
    goes with it to the receiving agent, never to the visitor."""
    former = _serving(ctx, principal, room_id)
    target = ctx.store.get_agent(agent_id)
    if target is None or target.state != "active":
        raise NotFound(f"agent_id: unknown agent {agent_id!r}", "agent_not_found")
    if target.agent_id == former.agent_id:
        raise InvalidInput("agent_id: this agent serves the chat already", "same_agent")
    moves_to = _department_for(ctx, former, target, department_id)
    shown = shown_agent_name(
        moves_to or ctx.store.get_department(former.department_id), target.name
    )
    try:
        room = ctx.store.forward_room_to_agent(
            former,
            target.agent_id,
            target.name,
            _connection_ids(ctx, target.agent_id),
            _link_expiry(ctx, former),
            department=moves_to,
            handover=_handover(principal, comment),
            agent_shown=shown,
        )
    except Changed as exc:
        raise _changed_meanwhile(exc) from exc
    # What the former agent saw is read; from the forward on, the chat is new to the target.
    reads.start_reading(ctx, target.agent_id, room, former.last_seq)
    room = messages.system(ctx, room, "forwarded", target.name, shown_name=shown)
    events.room_event(ctx, room, "forwarded", agent_status=target.status, former=former)
    push_notifications.forwarded_to(ctx, room, target.agent_id)
    return room_view(room, target.status)


def _handover(principal: AgentPrincipal, comment: str | None) -> dict[str, str]:
    return {"by": principal.name, **({"comment": comment} if comment else {})}


def _department_for(
    ctx: Context, room: Room, target: Agent, department_id: str | None
) -> Department | None:
    """The department the chat moves into when `target` serves it (None: it stays): the one
    given (which the target must serve), else none if the target serves the chat's own, else
    the target's first one."""
    is_admin = target.role == "admin"
    if department_id is not None:
        department = get_department(ctx, department_id)
        if not is_admin and department_id not in target.departments:
            raise InvalidInput(
                f"department_id: the agent of agent_id {target.agent_id!r} does not serve it",
                "agent_not_in_department",
            )
        return department if department_id != room.department_id else None
    if is_admin or room.department_id in target.departments:
        return None
    if not target.departments:
        raise InvalidInput("agent_id: this agent serves no department", "agent_without_department")
    return get_department(ctx, target.departments[0])


def forward_to_department(
    ctx: Context,
    principal: AgentPrincipal,
    room_id: str,
    department_id: str,
    comment: str | None = None,
) -> dict:
    """S20: to another department, queued there for its agents (who see the `comment`)."""
    former = _serving(ctx, principal, room_id)
    department = get_department(ctx, department_id)
    if department_id == former.department_id:
        raise InvalidInput(
            "department_id: the chat is in this department already", "same_department"
        )
    _require_available(ctx, department)
    queued_key = ctx.iso() + "#" + former.room_id
    try:
        room = ctx.store.forward_room_to_department(
            former,
            department_id,
            queued_key,
            ctx.iso(),
            department.retention_hours,
            handover=_handover(principal, comment),
        )
    except Changed as exc:
        raise _changed_meanwhile(exc) from exc
    room = messages.system(ctx, room, "forwarded", department.name, department)
    events.room_event(ctx, room, "forwarded", former=former)
    events.queue_event(ctx, department, "added", room)
    push_notifications.new_chat(ctx, department, room)
    return _view(ctx, room)


def close(ctx: Context, principal: Principal, room_id: str, comment: str | None) -> dict:
    """S21: the visitor, the serving agent (any agent of the department while queued), admins."""
    room = load_room(ctx, principal, room_id)
    if room.state == "closed":
        raise Conflict("this chat is closed already", "room_closed")
    if isinstance(principal, AgentPrincipal) and not is_room_agent(principal, room):
        if room.state == "open":
            raise Forbidden("another agent serves this chat", "not_room_agent")
        _agent_in_department(principal, room)
    was_queued = room.state == "queued"
    closed_at = ctx.now()
    closed_by = "visitor" if isinstance(principal, VisitorPrincipal) else "agent"
    expires_at = int(closed_at + room.retention_hours * 3600)
    try:
        room = ctx.store.close_room(room, ctx.iso(closed_at), closed_by, comment, expires_at)
    except Changed as exc:
        raise _changed_meanwhile(exc) from exc
    stats.chat_ended(ctx, room)
    room = messages.system(ctx, room, "closed")
    if isinstance(principal, AgentPrincipal) and principal.id == room.agent_id:
        status: str | None = principal.status
    else:
        status = _status_of_agent(ctx, room)
    events.room_event(ctx, room, "closed", agent_status=status)
    if was_queued:
        _queue_changed(ctx, room, "removed")
    offline_mail.after_close(ctx, room)  # after the pushes: nobody waits for the mail
    view = room_view(room, status)
    return visitor_room_view(view, room) if closed_by == "visitor" else view


# ---- chats whose agent vanished, and admins taking over (services/stranded.py) ----------------


def requeue_stranded(ctx: Context, former: Room, answerable: bool) -> bool:
    """Back to the queue at its old place, telling the visitor that their agent is gone and
    whether anyone can answer now; False when it was served, returned or closed meanwhile."""
    try:
        room = ctx.store.return_room(former, ctx.iso())
    except Changed:
        return False
    event = "agent_gone" if answerable else "agent_gone_nobody"
    room = messages.system(ctx, room, event, former.agent_name, shown_name=former.agent_shown)
    view = _view(ctx, room)
    events.room_event(ctx, room, "returned", position=view.get("position"), former=former)
    _queue_changed(ctx, room, "added")
    return True


def takeover(ctx: Context, principal: AgentPrincipal, room_id: str) -> dict:
    """An admin serves an open chat from now on, whoever served it (as a forward to them)."""
    if not principal.is_admin:
        raise Forbidden("only admins can take over a chat", "admin_only")
    former = load_room(ctx, principal, room_id)
    if former.state != "open":
        raise Conflict("only open chats can be taken over", "room_not_open")
    if former.agent_id == principal.id:
        raise Conflict("you serve this chat already", "same_agent")
    shown = shown_agent_name(ctx.store.get_department(former.department_id), principal.name)
    try:
        room = ctx.store.forward_room_to_agent(
            former,
            principal.id,
            principal.name,
            _connection_ids(ctx, principal.id),
            _link_expiry(ctx, former),
            agent_shown=shown,
        )
    except Changed as exc:
        raise _changed_meanwhile(exc) from exc
    reads.start_reading(ctx, principal.id, room, former.last_seq)
    room = messages.system(ctx, room, "taken_over", principal.name, shown_name=shown)
    events.room_event(ctx, room, "taken_over", agent_status=principal.status, former=former)
    return room_view(room, principal.status)


# ---- the agent's chats (S12) and deletion (S13, S27) -------------------------------------------


def accessible_rooms(
    ctx: Context, principal: AgentPrincipal, before_key: str | None
) -> Iterator[Room]:
    """Every room the agent may see, newest first, from its departments and its own chats."""
    sources = [
        ctx.store.rooms_of_department(d, before_key) for d in _departments_of(ctx, principal)
    ]
    sources.append(_linked_rooms(ctx, principal.id, before_key))
    now = ctx.now()
    seen: set[str] = set()
    for room in heapq.merge(*sources, key=lambda r: r.created_key, reverse=True):
        if room.room_id in seen or room.expires_at <= now:
            continue
        seen.add(room.room_id)
        if principal.can_access(room):
            yield room


def _linked_rooms(ctx: Context, agent_id: str, before_key: str | None) -> Iterator[Room]:
    for link in ctx.store.rooms_of_agent(agent_id, before_key, limit=None):
        room = ctx.store.get_room(link.room_id, ctx.now())
        if room is not None:
            yield room


def views_of(ctx: Context, rooms: list[Room]) -> list[dict]:
    """Several rooms with their agents' statuses, fetched in one batch."""
    agents = {a.agent_id: a for a in ctx.store.get_agents(r.agent_id for r in rooms if r.agent_id)}
    statuses = {agent_id: agent.status for agent_id, agent in agents.items()}
    return [room_view(room, statuses.get(room.agent_id or "")) for room in rooms]


def list_for_agent(
    ctx: Context, principal: AgentPrincipal, state: str | None, limit: int, before_key: str | None
) -> tuple[list[dict], str | None]:
    chosen: list[Room] = []
    for room in accessible_rooms(ctx, principal, before_key):
        if state is None or room.state == state:
            chosen.append(room)
            if len(chosen) == limit + 1:
                break
    has_more = len(chosen) > limit
    chosen = chosen[:limit]
    views = reads.with_unread(ctx, principal, views_of(ctx, chosen))
    return views, (chosen[-1].created_key if has_more else None)


def erase(ctx: Context, room: Room, only_if_closed: bool = False) -> None:
    """Remove a room with its messages and links, telling whoever is still in it."""
    try:
        ctx.store.delete_room(room, only_if_closed)
    except Changed as exc:
        raise Conflict(
            "only closed chats can be deleted; close it first", "room_not_closed"
        ) from exc
    reads.forget(ctx, room)
    files.erase_room(ctx, room.room_id)
    if room.state != "closed":  # it ends here (the visitor deleted their data)
        stats.chat_ended(ctx, room)
    events.room_event(ctx, room, "deleted")
    if room.state == "queued":
        _queue_changed(ctx, room, "removed")


def close_expired(ctx: Context) -> int:
    """The sweep: queued chats past their expiry (the visitor went quiet) close as missed
    before DynamoDB's TTL deletes them unseen; returns how many."""
    closed = 0
    for department in ctx.store.all_departments():
        for room in ctx.store.expired_queued_rooms(department.department_id, ctx.now(), 100):
            try:
                ended = ctx.store.close_room(room, ctx.iso(), "expired", None, room.expires_at)
            except Changed:
                continue  # taken or closed meanwhile
            stats.chat_ended(ctx, ended)
            closed += 1
    return closed


def delete(ctx: Context, principal: AgentPrincipal, room_id: str) -> None:
    room = load_room(ctx, principal, room_id)
    require_may_act(principal, room)
    if room.state != "closed":
        raise Conflict("only closed chats can be deleted; close it first", "room_not_closed")
    erase(ctx, room, only_if_closed=True)


def delete_closed(ctx: Context, principal: AgentPrincipal) -> tuple[int, bool]:
    """(chats deleted, whether closed chats are left for another request): one request deletes
    at most `delete_closed_at_once`, and the console asks again."""
    at_most = ctx.settings.delete_closed_at_once
    closed = [
        room
        for room in accessible_rooms(ctx, principal, None)
        if room.state == "closed" and may_act(principal, room)
    ]
    deleted = 0
    for room in closed[:at_most]:
        try:
            erase(ctx, room, only_if_closed=True)
        except Conflict:
            continue  # reopened or deleted meanwhile: not counted
        deleted += 1
    return deleted, len(closed) > at_most
