"""Read markers: staff rooms keep theirs on the membership (services/staff.py); in livechat
rooms each agent has one, so that unread counts survive a reload or a new sign-in."""

from __future__ import annotations

from chalicelib.errors import InvalidInput
from chalicelib.services import staff
from chalicelib.services.access import load_room
from chalicelib.services.context import Context
from chalicelib.services.principals import AgentPrincipal
from chalicelib.store.records import Room


def _marker_expiry(room: Room) -> int:
    """As long as the room may still be read: its idle expiry plus its retention once closed."""
    return room.expires_at + room.retention_hours * 3600


def start_reading(ctx: Context, agent_id: str, room: Room, seq: int) -> None:
    """The agent who now serves the room has read it up to `seq` (what they saw before)."""
    ctx.store.mark_livechat_read(agent_id, room.room_id, seq, _marker_expiry(room))


def mark_read(ctx: Context, principal: AgentPrincipal, room_id: str, seq: int) -> dict:
    if staff.is_staff_room_id(room_id):
        return staff.mark_read(ctx, principal, room_id, seq)
    room = load_room(ctx, principal, room_id)
    if seq > room.last_seq:
        raise InvalidInput(f"seq: the room's last seq is {room.last_seq}", "seq_ahead")
    # Kept for the agents who serve or served the chat (theirs are the counts; erasing the room
    # finds their markers by `served_by`); another agent reading along keeps none.
    if principal.id in room.served_by:
        read_seq = ctx.store.mark_livechat_read(
            principal.id, room.room_id, seq, _marker_expiry(room)
        )
    else:
        read_seq = seq
    return {
        "room_id": room.room_id,
        "kind": "livechat",
        "name": room.visitor_name,
        "created_at": room.created_at,
        "last_seq": room.last_seq,
        "read_seq": read_seq,
        "unread": max(room.last_seq - read_seq, 0),
    }


def forget(ctx: Context, room: Room) -> None:
    """The room is erased: its agents' markers go with it."""
    ctx.store.forget_livechat_reads(room.room_id, room.served_by)


def with_unread(ctx: Context, principal: AgentPrincipal, views: list[dict]) -> list[dict]:
    """`unread` on the open chats the agent serves (a chat without a marker has none unread)."""
    serving = [v for v in views if v["state"] == "open" and _agent_id(v) == principal.id]
    markers = ctx.store.livechat_read_seqs(principal.id, [v["room_id"] for v in serving], ctx.now())
    for view in serving:
        read_seq = markers.get(view["room_id"], view["last_seq"])
        view["unread"] = max(view["last_seq"] - read_seq, 0)
    return views


def _agent_id(view: dict) -> str | None:
    return view["agent"]["agent_id"] if view["agent"] else None
