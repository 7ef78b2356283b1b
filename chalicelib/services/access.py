"""Who may see a room: its visitor, agents of its department, agents who serve(d) it, admins."""

from __future__ import annotations

from chalicelib.errors import Forbidden, NotFound
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
