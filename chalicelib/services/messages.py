"""Messages (S17, S18, S26 in docs/features.md): per room a `seq` without holes, idempotent by
`client_id`, pushed live."""

from __future__ import annotations

from dataclasses import replace

from chalicelib.clock import new_id
from chalicelib.errors import Conflict, Forbidden, TooLarge
from chalicelib.services import (
    events,
    files,
    offline_mail,
    push_notifications,
    staff,
    staff_messages,
    stats,
)
from chalicelib.services.access import load_room, require_may_write
from chalicelib.services.context import Context
from chalicelib.services.principals import AgentPrincipal, Principal
from chalicelib.services.views import message_view
from chalicelib.store.base import Closed
from chalicelib.store.records import Appended, Department, Message, MessageDraft, Room

SYSTEM = ("system", "system", "System")


def draft(
    ctx: Context,
    room: Room,
    author: tuple[str, str, str],
    text: str,
    client_id: str,
    event: str | None = None,
    event_name: str | None = None,
    shown_name: str | None = None,
    file: dict | None = None,
) -> MessageDraft:
    kind, author_id, author_name = author
    return MessageDraft(
        message_id=new_id("msg"),
        author_kind=kind,
        author_id=author_id,
        author_name=author_name,
        text=text,
        client_id=client_id,
        created_at=ctx.iso(),
        expires_at=ctx.epoch_in(hours=ctx.settings.room_idle_hours + room.retention_hours),
        event=event,
        event_name=event_name,
        shown_name=shown_name,
        file=file,
    )


def append(
    ctx: Context,
    room: Room,
    author: tuple[str, str, str],
    text: str,
    client_id: str,
    event: str | None = None,
    event_name: str | None = None,
    department: Department | None = None,
    shown_name: str | None = None,
    file: dict | None = None,
) -> Appended:
    """Store a message once per client_id and push it when new. 409 when closed. The
    department of a queued room may be given when the caller has read it already."""
    line = draft(ctx, room, author, text, client_id, event, event_name, shown_name, file)
    closing_line = room.state == "closed"
    room_expires_at = None if closing_line else ctx.epoch_in(hours=ctx.settings.room_idle_hours)
    try:
        appended = ctx.store.append_message(room, line, room_expires_at)
    except Closed as exc:
        raise Conflict("this chat is closed", "room_closed") from exc
    if appended.first_response:
        stats.first_response(ctx, appended.room, appended.message.author_id, line.created_at)
    if appended.created:
        push(ctx, appended.room, appended.message, department)
    return appended


def push(ctx: Context, room: Room, message: Message, department: Department | None) -> None:
    """A new message to the room's visitor and agent; while the room is queued, to the
    department's agents, who see the request grow in the preview (S15)."""
    payload = {"type": "message", "message": message_view(message)}
    if message.shown_name is None:
        gone = events.to_room(ctx, room, payload, sender=message.author_id)
    else:  # the visitor sees the agent as the department shows them; the sender hears it last
        to_visitor = {"type": "message", "message": visitor_message_view(message)}
        parts = [(to_visitor, room.visitor_id), (payload, room.agent_id)]
        parts.sort(key=lambda part: part[1] == message.author_id)
        gone = []
        for part_payload, person in parts:
            gone += events.to_room(ctx, room, part_payload, only=[person])
    # A console closed since the room last pushed is found gone just now: not watching.
    heard_by = {c: p for c, p in room.live.items() if c not in gone}
    push_notifications.message_for_agent(ctx, replace(room, live=heard_by), message)
    if room.state == "queued":
        department = department or ctx.store.get_department(room.department_id)
        if department is not None:
            events.to_consoles(ctx, department, payload)


SYSTEM_TEXTS = {
    "preview": "Someone will be with you shortly.",
    "taken": "{name} joined the chat.",
    "returned": "The chat was returned to the queue. The next free agent will answer.",
    "forwarded": "The chat was forwarded to {name}.",
    "closed": "The chat was closed.",
    "agent_gone": "{name} is no longer reachable. The next free agent will answer.",
    "agent_gone_nobody": (
        "{name} is no longer reachable, and nobody else can answer right now. "
        "You can end the chat and write to us later."
    ),
    "taken_over": "{name} took over the chat.",
}


def system(
    ctx: Context,
    room: Room,
    event: str,
    name: str | None = None,
    department: Department | None = None,
    shown_name: str | None = None,
) -> Room:
    """A line that tells the visitor what happens; `event` and `event_name` (the agent or
    department it names) let clients say it in their own language; `shown_name` is the named
    agent as the visitor sees them. Returns the room with it."""
    text = SYSTEM_TEXTS[event].format(name=name)
    line = append(ctx, room, SYSTEM, text, new_id("sys"), event, name, department, shown_name)
    return line.room


def visitor_message_view(message: Message) -> dict:
    """A message as the visitor reads it: the agent (its author or the one a line names)
    as the department shows them."""
    view = message_view(message)
    if message.shown_name is None:
        return view
    if message.author_kind == "agent":
        return {**view, "author": {**view["author"], "name": message.shown_name}}
    text = SYSTEM_TEXTS[message.event or ""].format(name=message.shown_name)
    return {**view, "text": text, "event_name": message.shown_name}


def author_of(principal: Principal) -> tuple[str, str, str]:
    kind = "agent" if isinstance(principal, AgentPrincipal) else "visitor"
    return (kind, principal.id, principal.name)


def check_length(ctx: Context, text: str) -> None:
    if len(text) > ctx.settings.max_message_length:
        raise TooLarge(
            f"text: at most {ctx.settings.max_message_length} characters", "message_too_long"
        )


def send(
    ctx: Context,
    principal: Principal,
    room_id: str,
    text: str,
    client_id: str,
    upload_id: str | None = None,
    can_mail: bool = True,
) -> tuple[dict, bool]:
    """Returns (message, created): a client_id sent before gives back the stored message. With
    `upload_id`, the file is checked and cleaned before the message is accepted.
    `can_mail` False (the socket handlers, whose role sends no mail): an agent's answer to a
    message left, which must be mailed, is refused there and goes over REST."""
    if staff.is_staff_room_id(room_id):  # team chat: same path, its own rooms (S22)
        return staff_messages.send(ctx, principal, room_id, text, client_id, upload_id)
    check_length(ctx, text)
    room = load_room(ctx, principal, room_id)
    if room.state == "closed":
        earlier = ctx.store.message_for_client_id(room.room_id, client_id, ctx.now())
        if earlier is not None:
            return message_view(earlier), False
        raise Conflict("this chat is closed", "room_closed")
    require_may_write(principal, room)
    if room.offline and isinstance(principal, AgentPrincipal) and not can_mail:
        raise Conflict(
            "answers to a message left are mailed: send them with POST /rooms/{room_id}/messages",
            "send_over_rest",
        )
    shown_name = room.agent_shown if isinstance(principal, AgentPrincipal) else None
    file = files.accept(ctx, principal, room.room_id, upload_id) if upload_id is not None else None
    appended = append(
        ctx, room, author_of(principal), text, client_id, shown_name=shown_name, file=file
    )
    if appended.created and isinstance(principal, AgentPrincipal):
        offline_mail.answer(ctx, room, appended.message)
    return message_view(appended.message), appended.created


def page(
    ctx: Context, principal: Principal, room_id: str, after: int, limit: int
) -> tuple[list[dict], str | None]:
    if staff.is_staff_room_id(room_id):  # team chat: same path, its own rooms (S22)
        return staff_messages.page(ctx, principal, room_id, after, limit)
    room = load_room(ctx, principal, room_id)
    found = ctx.store.messages_after(room.room_id, after, limit + 1, ctx.now())
    shape = message_view if isinstance(principal, AgentPrincipal) else visitor_message_view
    messages = [shape(m) for m in found[:limit]]
    next_after = str(messages[-1]["seq"]) if len(found) > limit else None
    return messages, next_after


def typing(ctx: Context, principal: Principal, room_id: str, is_typing: bool) -> None:
    """Only from the room's visitor and its current agent."""
    if staff.is_staff_room_id(room_id):  # team chat: same path, its own rooms (S22)
        staff_messages.typing(ctx, principal, room_id, is_typing)
        return
    room = load_room(ctx, principal, room_id)
    if room.state == "closed":
        raise Conflict("this chat is closed", "room_closed")
    if isinstance(principal, AgentPrincipal) and room.agent_id != principal.id:
        raise Forbidden("only the agent who serves this chat types in it", "not_room_agent")
    kind, author_id, name = author_of(principal)
    other = room.agent_id if kind == "visitor" else room.visitor_id
    if kind == "agent":
        name = room.agent_shown or name
    events.to_room(
        ctx,
        room,
        {
            "type": "typing",
            "room_id": room.room_id,
            "author": {"kind": kind, "id": author_id, "name": name},
            "typing": is_typing,
        },
        only=[other],
    )
