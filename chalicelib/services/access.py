"""Who may see a room: its visitor, agents of its department, agents who serve(d) it, admins."""

from __future__ import annotations

from chalicelib.errors import Conflict, Forbidden, NotFound
from chalicelib.services.context import Context
from chalicelib.services.principals import AgentPrincipal, Principal
from chalicelib.store.records import Room


def load_room(ctx: Context, principal: Principal, room_id: str) -> Room:
    room = ctx.store.get_room(room_id, ctx.now())
    if room is None:
        raise NotFound(f"unknown room_id {room_id!r}", "room_not_found")
    if not principal.can_access(room):
        raise Forbidden("this room belongs to another visitor or department", "room_forbidden")
    return room


def is_room_agent(principal: Principal, room: Room) -> bool:
    """The agent who serves the room now (admins may act on any room)."""
    return isinstance(principal, AgentPrincipal) and (
        principal.is_admin or room.agent_id == principal.id
    )


def may_act(principal: Principal, room: Room) -> bool:
    """Write access: the room's visitor, agents of its current department, its current agent
    and admins. An agent who served the room before it moved to another department keeps
    read access only (`can_access`)."""
    if not isinstance(principal, AgentPrincipal):
        return principal.can_access(room)
    return principal.serves_department(room.department_id) or is_room_agent(principal, room)


def require_may_act(principal: Principal, room: Room) -> None:
    if not may_act(principal, room):
        raise Forbidden("this chat moved to another department; you may still read it", "read_only")


def require_may_write(principal: Principal, room: Room) -> None:
    """The room's visitor, or the agent who serves it, may write in it (and send files)."""
    if isinstance(principal, AgentPrincipal) and not is_room_agent(principal, room):
        if room.state == "queued":
            raise Conflict("take the chat before you reply", "room_not_taken")
        raise Forbidden("another agent serves this chat", "not_room_agent")
