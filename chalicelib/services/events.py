"""Live events to the people concerned. A push never undoes the change that caused it."""

from __future__ import annotations

from collections.abc import Iterable

from chalicelib.services.context import Context
from chalicelib.services.views import room_view
from chalicelib.store.records import Agent, Room

# $connect stores the connection before API Gateway completes the handshake, and until then
# API Gateway answers Gone. Forgetting such a connection would leave its client with an open
# socket that never hears anything again; the client fetches what it missed once it is open.
CONNECTING_GRACE_SECONDS = 10.0


def notify(ctx: Context, principal_ids: Iterable[str | None], payload: dict) -> None:
    """Send to every live connection of these agents or visitors; forget gone connections."""
    now = ctx.now()
    for principal_id in dict.fromkeys(p for p in principal_ids if p):
        for connection in ctx.store.connections_of(principal_id, now):
            if ctx.pusher.post(connection.connection_id, payload):
                continue
            if now - connection.connected_at >= CONNECTING_GRACE_SECONDS:
                ctx.store.remove_connection(connection.connection_id)


def room_event(
    ctx: Context,
    room: Room,
    event: str,
    also: Iterable[str | None] = (),
    agent: Agent | None = None,
    position: int | None = None,
) -> None:
    """`room` event to the room's visitor, its current agent and anyone in `also`."""
    payload = {"type": "room", "event": event, "room": room_view(room, agent, position)}
    notify(ctx, [room.visitor_id, room.agent_id, *also], payload)


def department_agents(ctx: Context, department_id: str) -> list[str]:
    """The department's agents with a live console."""
    department = ctx.store.get_department(department_id)
    return sorted(department.online_agents) if department is not None else []


def queue_event(ctx: Context, department_id: str, event: str, room: Room) -> None:
    """`queue` event to the department's connected agents."""
    payload = {"type": "queue", "event": event, "room": room_view(room)}
    notify(ctx, department_agents(ctx, department_id), payload)


def queue_moved(ctx: Context, department_id: str) -> None:
    """Tell each visitor still queued in the department their new position."""
    rooms = ctx.store.queued_rooms(department_id, limit=100, now=ctx.now())
    for position, room in enumerate(rooms, start=1):
        notify(
            ctx,
            [room.visitor_id],
            {"type": "room", "event": "queued", "room": room_view(room, position=position)},
        )
