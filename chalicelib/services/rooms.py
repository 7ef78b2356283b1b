"""Rooms and the queue (S12–S15, S17, S19–S21, S27): start, preview, take, return, forward,
close, list, delete. Every state change that can race is a conditional write."""

from __future__ import annotations

import heapq
from collections.abc import Iterator

from chalicelib.clock import new_id
from chalicelib.errors import Conflict, Forbidden, InvalidInput, NotFound
from chalicelib.services import events, messages, presence
from chalicelib.services.access import is_room_agent, load_room
from chalicelib.services.context import Context
from chalicelib.services.principals import AgentPrincipal, Principal, VisitorPrincipal
from chalicelib.services.views import room_view, room_views
from chalicelib.store import repo
from chalicelib.store.models import AgentItem, AgentRoomItem, RoomItem
from chalicelib.store.repo import ConditionFailed

ACTIVE_STATES = ("queued", "open")


def _department(department_id: str):
    department = repo.get_department(department_id)
    if department is None:
        raise NotFound(f"unknown department_id {department_id!r}", "department_not_found")
    return department


def _require_available(ctx: Context, department) -> None:
    if not presence.is_available(department, ctx.now()):
        raise Conflict("nobody in this department can answer right now", "department_unavailable")


def view_with_position(ctx: Context, room: RoomItem, agent: AgentItem | None = None) -> dict:
    position = None
    if room.state == "queued" and room.queued_key:
        position = repo.queue_position(room.department_id, room.queued_key, ctx.now())
    return room_view(room, agent, position)


def start(
    ctx: Context,
    principal: VisitorPrincipal,
    department_id: str,
    text: str | None,
    client_id: str | None,
) -> tuple[dict, bool]:
    """A visitor asks for a chat (S14). Returns (room, created)."""
    if text is not None:
        messages.check_length(ctx, text)
    department = _department(department_id)
    now = ctx.now()
    for room in repo.get_rooms(repo.room_ids_of_visitor(principal.id), now):
        if room.department_id == department_id and room.state in ACTIVE_STATES:
            agent = repo.get_agent(room.agent_id) if room.agent_id else None
            return view_with_position(ctx, room, agent), False
    _require_available(ctx, department)
    created_at = ctx.iso(now)
    room = RoomItem(
        new_id("room"),
        department_id=department_id,
        state="queued",
        visitor_id=principal.id,
        visitor_name=principal.visitor.name,
        created_at=created_at,
        queued_at=created_at,
        created_key=f"{created_at}#{new_id('k')}",
        queue_department=department_id,
        retention_hours=int(department.retention_hours),
        last_seq=0,
        version=0,
        expires_at=ctx.epoch_in(hours=ctx.settings.room_idle_hours),
    )
    room.queued_key = room.created_key
    repo.create_room(room)
    presence.keep_visitor_alive(ctx, principal.id)
    if text:
        messages.append(ctx, room, messages.author_of(principal), text, client_id or new_id("c"))
    view = view_with_position(ctx, room)
    events.queue_event(ctx, department_id, "added", room)
    events.notify(ctx, [principal.id], {"type": "room", "event": "queued", "room": view})
    return view, True


def get(ctx: Context, principal: Principal, room_id: str) -> dict:
    room = load_room(ctx, principal, room_id)
    agent = repo.get_agent(room.agent_id) if room.agent_id else None
    return view_with_position(ctx, room, agent)


def queue(ctx: Context, principal: AgentPrincipal, limit: int) -> list[dict]:
    """Queued rooms of the agent's departments, oldest first; nothing from other departments."""
    departments = (
        [d.department_id for d in repo.all_departments()]
        if principal.is_admin
        else list(principal.agent.departments or [])
    )
    found: list[RoomItem] = []
    for department_id in departments:
        rooms, _ = repo.queued_rooms(department_id, limit=limit, start=None, now=ctx.now())
        found += [(position, room) for position, room in enumerate(rooms, start=1)]
    found.sort(key=lambda pair: pair[1].queued_key)
    return [room_view(room, position=position) for position, room in found[:limit]]


def _agent_in_department(principal: AgentPrincipal, room: RoomItem) -> None:
    if not principal.serves_department(room.department_id):
        raise Forbidden("this request belongs to another department", "other_department")


def preview(ctx: Context, principal: AgentPrincipal, room_id: str) -> dict:
    """S15: look at a queued request; the visitor is told someone will be with them shortly."""
    room = load_room(ctx, principal, room_id)
    _agent_in_department(principal, room)
    if room.state != "queued":
        raise Conflict("only queued requests can be previewed", "room_not_queued")
    messages.system(ctx, room, "preview")
    events.room_event(ctx, room, "preview")
    history, _ = messages.page(ctx, principal, room_id, after=0, limit=500)
    return {**view_with_position(ctx, room), "messages": history}


def take(ctx: Context, principal: AgentPrincipal, room_id: str) -> dict:
    """S17: exactly one of several concurrent takes wins; the others get 409 already_taken."""
    room = load_room(ctx, principal, room_id)
    _agent_in_department(principal, room)
    if room.state != "queued":
        raise Conflict("someone else has taken this chat", "already_taken")
    agent = principal.agent
    try:
        repo.update_room(
            room,
            [
                RoomItem.state.set("open"),
                RoomItem.agent_id.set(agent.agent_id),
                RoomItem.agent_name.set(agent.name),
                RoomItem.served_by.add({agent.agent_id}),
                RoomItem.taken_at.set(ctx.iso()),
                RoomItem.queue_department.remove(),
                RoomItem.queued_key.remove(),
                RoomItem.version.add(1),
            ],
            condition=(RoomItem.state == "queued") & (RoomItem.version == room.version),
        )
    except ConditionFailed as exc:
        raise Conflict("someone else has taken this chat", "already_taken") from exc
    _link(ctx, agent.agent_id, room)
    messages.system(ctx, room, "taken", agent.name)
    events.room_event(ctx, room, "taken", agent=agent)
    events.queue_event(ctx, room.department_id, "removed", room)
    events.queue_moved(ctx, room.department_id)
    return room_view(room, agent)


def _link(ctx: Context, agent_id: str, room: RoomItem) -> None:
    repo.link_agent_room(
        AgentRoomItem(
            agent_id,
            room.created_key,
            room_id=room.room_id,
            expires_at=ctx.epoch_in(hours=ctx.settings.room_idle_hours + int(room.retention_hours)),
        )
    )


def _serving(ctx: Context, principal: AgentPrincipal, room_id: str) -> RoomItem:
    room = load_room(ctx, principal, room_id)
    if room.state != "open":
        raise Conflict("only open chats can be returned or forwarded", "room_not_open")
    if not is_room_agent(principal, room):
        raise Forbidden("another agent serves this chat", "not_room_agent")
    return room


def return_to_queue(ctx: Context, principal: AgentPrincipal, room_id: str) -> dict:
    """S19: back to the incoming list at its old place; any agent of the department may take it."""
    room = _serving(ctx, principal, room_id)
    former_agent = room.agent_id
    try:
        repo.update_room(
            room,
            [
                RoomItem.state.set("queued"),
                RoomItem.agent_id.remove(),
                RoomItem.agent_name.remove(),
                RoomItem.queue_department.set(room.department_id),
                RoomItem.queued_key.set(room.created_key),
                RoomItem.queued_at.set(ctx.iso()),
                RoomItem.version.add(1),
            ],
            condition=(RoomItem.state == "open") & (RoomItem.agent_id == former_agent),
        )
    except ConditionFailed as exc:
        raise Conflict("this chat changed meanwhile", "room_changed") from exc
    messages.system(ctx, room, "returned")
    events.room_event(
        ctx,
        room,
        "returned",
        also=[former_agent],
        position=repo.queue_position(room.department_id, room.queued_key, ctx.now()),
    )
    events.queue_event(ctx, room.department_id, "added", room)
    events.queue_moved(ctx, room.department_id)
    return view_with_position(ctx, room)


def forward(
    ctx: Context,
    principal: AgentPrincipal,
    room_id: str,
    agent_id: str | None,
    department_id: str | None,
) -> dict:
    """S20: to another agent (stays open) or to a department (queued there)."""
    if (agent_id is None) == (department_id is None):
        raise InvalidInput("give either agent_id or department_id", "invalid_forward_target")
    room = _serving(ctx, principal, room_id)
    former_agent = room.agent_id
    guard = (RoomItem.state == "open") & (RoomItem.agent_id == former_agent)
    if agent_id is not None:
        target = repo.get_agent(agent_id)
        if target is None or target.state != "active":
            raise NotFound(f"agent_id: unknown agent {agent_id!r}", "agent_not_found")
        if target.agent_id == former_agent:
            raise InvalidInput("agent_id: this agent serves the chat already", "same_agent")
        try:
            repo.update_room(
                room,
                [
                    RoomItem.agent_id.set(target.agent_id),
                    RoomItem.agent_name.set(target.name),
                    RoomItem.served_by.add({target.agent_id}),
                    RoomItem.version.add(1),
                ],
                condition=guard,
            )
        except ConditionFailed as exc:
            raise Conflict("this chat changed meanwhile", "room_changed") from exc
        _link(ctx, target.agent_id, room)
        messages.system(ctx, room, "forwarded", target.name)
        events.room_event(ctx, room, "forwarded", also=[former_agent], agent=target)
        return room_view(room, target)
    department = _department(department_id)
    if department_id == room.department_id:
        raise InvalidInput(
            "department_id: the chat is in this department already", "same_department"
        )
    _require_available(ctx, department)
    try:
        repo.update_room(
            room,
            [
                RoomItem.state.set("queued"),
                RoomItem.department_id.set(department_id),
                RoomItem.agent_id.remove(),
                RoomItem.agent_name.remove(),
                RoomItem.queue_department.set(department_id),
                RoomItem.queued_key.set(ctx.iso() + "#" + room.room_id),
                RoomItem.queued_at.set(ctx.iso()),
                RoomItem.retention_hours.set(int(department.retention_hours)),
                RoomItem.version.add(1),
            ],
            condition=guard,
        )
    except ConditionFailed as exc:
        raise Conflict("this chat changed meanwhile", "room_changed") from exc
    messages.system(ctx, room, "forwarded", department.name)
    events.room_event(ctx, room, "forwarded", also=[former_agent])
    events.queue_event(ctx, department_id, "added", room)
    return view_with_position(ctx, room)


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
    actions = [
        RoomItem.state.set("closed"),
        RoomItem.closed_at.set(ctx.iso(closed_at)),
        RoomItem.closed_by.set("visitor" if isinstance(principal, VisitorPrincipal) else "agent"),
        RoomItem.queue_department.remove(),
        RoomItem.queued_key.remove(),
        RoomItem.expires_at.set(int(closed_at + int(room.retention_hours) * 3600)),
        RoomItem.version.add(1),
    ]
    if comment:
        actions.append(RoomItem.comment.set(comment))
    try:
        repo.update_room(room, actions, condition=RoomItem.state == room.state)
    except ConditionFailed as exc:
        raise Conflict("this chat changed meanwhile", "room_changed") from exc
    messages.system(ctx, room, "closed")
    agent = repo.get_agent(room.agent_id) if room.agent_id else None
    events.room_event(ctx, room, "closed", agent=agent)
    if was_queued:
        events.queue_event(ctx, room.department_id, "removed", room)
        events.queue_moved(ctx, room.department_id)
    return room_view(room, agent)


# ---- the agent's chats (S12) and deletion (S13, S27) -------------------------------------------


def accessible_rooms(
    ctx: Context, principal: AgentPrincipal, before_key: str | None
) -> Iterator[RoomItem]:
    """Every room the agent may see, newest first, from its departments and its own chats."""
    departments = (
        [d.department_id for d in repo.all_departments()]
        if principal.is_admin
        else list(principal.agent.departments or [])
    )
    sources = [repo.rooms_of_department(d, before_key, limit=None) for d in departments]
    sources.append(_linked_rooms(ctx, principal.id, before_key))
    now = ctx.now()
    seen: set[str] = set()
    for room in heapq.merge(*sources, key=lambda r: r.created_key, reverse=True):
        if room.room_id in seen or (room.expires_at is not None and room.expires_at <= now):
            continue
        seen.add(room.room_id)
        if principal.can_access(room):
            yield room


def _linked_rooms(ctx: Context, agent_id: str, before_key: str | None) -> Iterator[RoomItem]:
    for link in repo.rooms_of_agent(agent_id, before_key, limit=None):
        room = repo.get_room(link.room_id, ctx.now())
        if room is not None:
            yield room


def list_for_agent(
    ctx: Context, principal: AgentPrincipal, state: str | None, limit: int, before_key: str | None
) -> tuple[list[dict], str | None]:
    chosen: list[RoomItem] = []
    for room in accessible_rooms(ctx, principal, before_key):
        if state is None or room.state == state:
            chosen.append(room)
            if len(chosen) == limit + 1:
                break
    has_more = len(chosen) > limit
    chosen = chosen[:limit]
    return room_views(chosen), (chosen[-1].created_key if has_more else None)


def erase(ctx: Context, room: RoomItem, only_if_closed: bool = False) -> None:
    """Remove a room with its messages and links, telling whoever is still in it."""
    try:
        repo.delete_room(room, RoomItem.state == "closed" if only_if_closed else None)
    except ConditionFailed as exc:
        raise Conflict(
            "only closed chats can be deleted; close it first", "room_not_closed"
        ) from exc
    repo.delete_messages(room.room_id)
    for agent_id in room.served_by or ():
        repo.unlink_agent_room(agent_id, room.created_key)
    events.room_event(ctx, room, "deleted")
    if room.state == "queued":
        events.queue_event(ctx, room.department_id, "removed", room)
        events.queue_moved(ctx, room.department_id)


def delete(ctx: Context, principal: AgentPrincipal, room_id: str) -> None:
    room = load_room(ctx, principal, room_id)
    if room.state != "closed":
        raise Conflict("only closed chats can be deleted; close it first", "room_not_closed")
    erase(ctx, room, only_if_closed=True)


def delete_closed(ctx: Context, principal: AgentPrincipal) -> int:
    closed = [room for room in accessible_rooms(ctx, principal, None) if room.state == "closed"]
    deleted = 0
    for room in closed:
        try:
            erase(ctx, room, only_if_closed=True)
        except Conflict:
            continue  # reopened or deleted meanwhile: not counted
        deleted += 1
    return deleted
