"""Messages (S17, S18, S26): per-room increasing `seq`, idempotent by `client_id`, pushed live."""

from __future__ import annotations

from chalicelib.clock import new_id
from chalicelib.errors import Conflict, Forbidden, TooLarge
from chalicelib.services import events
from chalicelib.services.access import is_room_agent, load_room
from chalicelib.services.context import Context
from chalicelib.services.principals import AgentPrincipal, Principal
from chalicelib.services.views import message_view
from chalicelib.store import repo
from chalicelib.store.models import KeyItem, MessageItem, RoomItem
from chalicelib.store.repo import ConditionFailed, client_key


def append(
    ctx: Context,
    room: RoomItem,
    author: tuple[str, str, str],
    text: str,
    client_id: str,
    event: str | None = None,
    event_name: str | None = None,
) -> tuple[dict, bool]:
    """Store a message once per client_id; returns (message, created). 409 when closed."""
    kind, author_id, author_name = author
    key = client_key(room.room_id, client_id)
    try:
        idle_until = (
            None if room.state == "closed" else ctx.epoch_in(hours=ctx.settings.room_idle_hours)
        )
        seq = repo.next_seq(room, idle_until)
    except ConditionFailed as exc:
        earlier = _earlier_send(ctx, room.room_id, key)
        if earlier is not None:
            return earlier, False
        raise Conflict("this chat is closed", "room_closed") from exc
    expires_at = ctx.epoch_in(hours=ctx.settings.room_idle_hours + int(room.retention_hours or 24))
    message = MessageItem(
        room.room_id,
        seq,
        message_id=new_id("msg"),
        author_kind=kind,
        author_id=author_id,
        author_name=author_name,
        text=text,
        client_id=client_id,
        event=event,
        event_name=event_name,
        created_at=ctx.iso(),
        expires_at=expires_at,
    )
    try:
        repo.save_message_once(
            message, KeyItem(key, ref=room.room_id, number=seq, expires_at=expires_at)
        )
    except ConditionFailed:
        # The same client_id was sent before (a retry): answer with the stored message.
        earlier = _earlier_send(ctx, room.room_id, key)
        if earlier is not None:
            return earlier, False
        raise
    view = message_view(message)
    # A queued request has no agent yet: the department's agents see it grow in the preview (S15).
    agents = (
        events.department_agents(room.department_id) if room.state == "queued" else [room.agent_id]
    )
    events.notify(ctx, [room.visitor_id, *agents], {"type": "message", "message": view})
    return view, True


def _earlier_send(ctx: Context, room_id: str, key: str) -> dict | None:
    claimed = repo.get_key(key, ctx.now())
    if claimed is None:
        return None
    message = repo.get_message(room_id, int(claimed.number))
    return message_view(message) if message is not None else None


SYSTEM_TEXTS = {
    "preview": "Someone will be with you shortly.",
    "taken": "{name} joined the chat.",
    "returned": "The chat was returned to the queue. The next free agent will answer.",
    "forwarded": "The chat was forwarded to {name}.",
    "closed": "The chat was closed.",
}


def system(ctx: Context, room: RoomItem, event: str, name: str | None = None) -> dict:
    """A line that tells the visitor what happens; `event` and `event_name` (the agent or
    department it names) let clients say it in their own language."""
    text = SYSTEM_TEXTS[event].format(name=name)
    view, _ = append(ctx, room, ("system", "system", "System"), text, new_id("sys"), event, name)
    return view


def author_of(principal: Principal) -> tuple[str, str, str]:
    if isinstance(principal, AgentPrincipal):
        return ("agent", principal.id, principal.agent.name)
    return ("visitor", principal.id, principal.visitor.name)


def check_length(ctx: Context, text: str) -> None:
    if len(text) > ctx.settings.max_message_length:
        raise TooLarge(
            f"text: at most {ctx.settings.max_message_length} characters", "message_too_long"
        )


def send(
    ctx: Context, principal: Principal, room_id: str, text: str, client_id: str
) -> tuple[dict, bool]:
    check_length(ctx, text)
    room = load_room(ctx, principal, room_id)
    if room.state == "closed":
        earlier = _earlier_send(ctx, room.room_id, client_key(room.room_id, client_id))
        if earlier is not None:
            return earlier, False
        raise Conflict("this chat is closed", "room_closed")
    if isinstance(principal, AgentPrincipal) and not is_room_agent(principal, room):
        if room.state == "queued":
            raise Conflict("take the chat before you reply", "room_not_taken")
        raise Forbidden("another agent serves this chat", "not_room_agent")
    return append(ctx, room, author_of(principal), text, client_id)


def page(
    ctx: Context, principal: Principal, room_id: str, after: int, limit: int
) -> tuple[list[dict], str | None]:
    room = load_room(ctx, principal, room_id)
    found = repo.messages_after(room.room_id, after, limit + 1, ctx.now())
    messages = [message_view(m) for m in found[:limit]]
    next_after = str(messages[-1]["seq"]) if len(found) > limit else None
    return messages, next_after


def typing(ctx: Context, principal: Principal, room_id: str, is_typing: bool) -> None:
    room = load_room(ctx, principal, room_id)
    if room.state == "closed":
        raise Conflict("this chat is closed", "room_closed")
    kind, author_id, name = author_of(principal)
    other = room.agent_id if kind == "visitor" else room.visitor_id
    events.notify(
        ctx,
        [other],
        {
            "type": "typing",
            "room_id": room.room_id,
            "author": {"kind": kind, "id": author_id, "name": name},
            "typing": is_typing,
        },
    )
