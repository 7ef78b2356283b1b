"""Live events to the people concerned. A push never undoes the change that caused it.

A room knows the live connections of its visitor and agent, and a department those of its
agents' consoles, so that a push needs no lookup; `notify` looks connections up by person
for the rarer events that concern people rather than a room.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from chalicelib.services.context import Context
from chalicelib.services.views import room_view, visitor_room_view
from chalicelib.store.records import Department, Room

# $connect stores the connection before API Gateway completes the handshake, and until then
# API Gateway answers Gone. Forgetting such a connection would leave its client with an open
# socket that never hears anything again; the client fetches what it missed once it is open.
CONNECTING_GRACE_SECONDS = 10.0


def forget_if_gone(ctx: Context, connection_id: str, connected_at: float | None = None) -> bool:
    """A post answered Gone: forget the connection unless it is still being opened."""
    if connected_at is None:
        connection = ctx.store.get_connection(connection_id, ctx.now())
        connected_at = connection.connected_at if connection is not None else 0.0
    if ctx.now() - connected_at < CONNECTING_GRACE_SECONDS:
        return False
    ctx.store.remove_connection(connection_id)
    return True


def deliver(ctx: Context, targets: Mapping[str, float | None], payload: dict) -> list[str]:
    """Post to each connection (connection id -> when it was opened, None when unknown), in
    this order; forget those gone unless still being opened. Returns the ids forgotten."""
    gone = ctx.pusher.post_all(list(targets), payload)
    return [c for c in gone if forget_if_gone(ctx, c, targets[c])]


def notify(ctx: Context, principal_ids: Iterable[str | None], payload: dict) -> None:
    """Send to every live connection of these agents or visitors (one lookup each)."""
    now = ctx.now()
    targets = {
        connection.connection_id: connection.connected_at
        for principal_id in dict.fromkeys(p for p in principal_ids if p)
        for connection in ctx.store.connections_of(principal_id, now)
    }
    deliver(ctx, targets, payload)


def to_room(
    ctx: Context,
    room: Room,
    payload: dict,
    only: Iterable[str | None] | None = None,
    sender: str | None = None,
) -> list[str]:
    """Send to the room's live connections (of the people in `only`, if given); those of the
    `sender` last: the others wait for their post, the sender only for its echo. Returns the
    connections found gone (the room no longer lists them)."""
    targets = room.connections_of(*only) if only is not None else sorted(room.live)
    targets.sort(key=lambda connection_id: room.live.get(connection_id) == sender)
    gone = deliver(ctx, dict.fromkeys(targets), payload)
    for connection_id in gone:
        ctx.store.stop_listening(room.room_id, connection_id)
    return gone


def to_consoles(ctx: Context, department: Department, payload: dict) -> None:
    """Send to the live consoles of the department's agents."""
    consoles = sorted(c for ids in department.consoles.values() for c in ids)
    deliver(ctx, dict.fromkeys(consoles), payload)


def room_event(
    ctx: Context,
    room: Room,
    event: str,
    agent_status: str | None = None,
    position: int | None = None,
    former: Room | None = None,
) -> None:
    """`room` event to the room's visitor and agent, and to the agent of `former` (the room as
    it was, when an agent just left it). The visitor's leaves out what only agents see."""
    view = room_view(room, agent_status, position)
    payload = {"type": "room", "event": event, "room": view}
    to_room(ctx, room, {**payload, "room": visitor_room_view(view, room)}, only=[room.visitor_id])
    to_room(ctx, room, payload, only=[room.agent_id])
    if former is not None and former.agent_id != room.agent_id:
        to_room(ctx, former, payload, only=[former.agent_id])


def queue_event(ctx: Context, department: Department, event: str, room: Room) -> None:
    """`queue` event to the department's connected agents."""
    to_consoles(ctx, department, {"type": "queue", "event": event, "room": room_view(room)})


def queue_moved(ctx: Context, department_id: str) -> None:
    """Tell each visitor still queued in the department their new position."""
    rooms = ctx.store.queued_rooms(department_id, limit=100, now=ctx.now())
    for position, room in enumerate(rooms, start=1):
        view = visitor_room_view(room_view(room, position=position), room)
        payload = {"type": "room", "event": "queued", "room": view}
        to_room(ctx, room, payload, only=[room.visitor_id])
