"""Messages in team chat rooms (S22 in docs/features.md): the livechat rules (a `seq` without
holes, idempotent by `client_id`, echoed, typing) plus `@name` mentions, editing and deleting
one's own message for EDIT_WINDOW_MINUTES, and a retention the workspace sets.

A message reaches the members who are online: the agents' live connections (one Query) and a
batch of membership key lookups for just those agents. Its DynamoDB work therefore grows with
the online members, never with all members of a channel.
"""

from __future__ import annotations

import re

from chalicelib.clock import new_id
from chalicelib.errors import Forbidden, NotFound, TooLarge
from chalicelib.services import files, push_notifications, staff
from chalicelib.services.context import Context
from chalicelib.services.principals import Principal
from chalicelib.services.views import message_view
from chalicelib.store.base import Changed
from chalicelib.store.records import Message, MessageDraft, StaffRoom

EDIT_WINDOW_MINUTES = 15
DEFAULT_RETENTION_DAYS = 90
# "Keep" stores the messages with an expiry a century ahead: TTL never reaches them.
KEEP_DAYS = 36500


def retention_days(ctx: Context) -> int | None:
    """The workspace's retention of staff messages in days; None: kept."""
    stored = ctx.store.staff_retention_days()
    if stored is None:
        return DEFAULT_RETENTION_DAYS
    return stored or None


def set_retention_days(ctx: Context, days: int | None) -> int | None:
    """Applies to messages written from now on; `None` keeps them."""
    ctx.store.set_staff_retention_days(days or 0)
    return retention_days(ctx)


def staff_message_view(message: Message) -> dict:
    return {
        **message_view(message),
        "edited_at": message.edited_at,
        "deleted_at": message.deleted_at,
    }


def send(
    ctx: Context,
    principal: Principal,
    room_id: str,
    text: str,
    client_id: str,
    upload_id: str | None = None,
) -> tuple[dict, bool]:
    """Returns (message, created): a client_id sent before gives back the stored message. With
    `upload_id`, the file is checked and cleaned as in a chat (services/files.py)."""
    if len(text) > ctx.settings.max_message_length:
        raise TooLarge(
            f"text: at most {ctx.settings.max_message_length} characters", "message_too_long"
        )
    room, _ = staff.load_member(ctx, principal, room_id)
    days = retention_days(ctx) or KEEP_DAYS
    file = files.accept(ctx, principal, room.room_id, upload_id) if upload_id else None
    draft = MessageDraft(
        message_id=new_id("msg"),
        author_kind="agent",
        author_id=principal.id,
        author_name=principal.name,
        text=text,
        client_id=client_id,
        created_at=ctx.iso(),
        expires_at=ctx.epoch_in(hours=days * 24),
        file=file,
    )
    try:
        appended = ctx.store.append_staff_message(room, draft)
    except Changed as exc:
        raise NotFound(f"unknown room_id {room_id!r}", "room_not_found") from exc
    view = staff_message_view(appended.message)
    if appended.created:
        # One's own message is read; the marker moves with it.
        ctx.store.mark_staff_read(room.room_id, principal.id, appended.message.seq)
        mentioned = _mentioned(ctx, appended.room, text, principal.id)
        for agent_id in mentioned:
            ctx.store.note_staff_mention(room.room_id, agent_id)
        payload = {"type": "message", "message": view, "mentions": sorted(mentioned)}
        addressed = mentioned | _direct_others(appended.room, principal.id)
        online, members = staff.push_to_online_members(
            ctx, appended.room, payload, sender=principal.id, also=addressed
        )
        watching = {c.principal_id for c in online if c.visible}
        push_notifications.team_message(
            ctx, appended.room, appended.message, (addressed & members) - watching
        )
    return view, appended.created


def page(
    ctx: Context, principal: Principal, room_id: str, after: int, limit: int
) -> tuple[list[dict], str | None]:
    room, _ = staff.load(ctx, principal, room_id)
    found = ctx.store.messages_after(room.room_id, after, limit + 1, ctx.now())
    messages = [staff_message_view(m) for m in found[:limit]]
    next_after = str(messages[-1]["seq"]) if len(found) > limit else None
    return messages, next_after


def typing(ctx: Context, principal: Principal, room_id: str, is_typing: bool) -> None:
    room, _ = staff.load_member(ctx, principal, room_id)
    payload = {
        "type": "typing",
        "room_id": room.room_id,
        "author": {"kind": "agent", "id": principal.id, "name": principal.name},
        "typing": is_typing,
    }
    staff.push_to_online_members(ctx, room, payload, skip=principal.id)


def change(ctx: Context, principal: Principal, room_id: str, seq: int, text: str | None) -> dict:
    """Edit (text) or delete (None, with its file) one's own message within EDIT_WINDOW_MINUTES;
    the members online get the message again with `edited_at` or `deleted_at`."""
    if text is not None and len(text) > ctx.settings.max_message_length:
        raise TooLarge(
            f"text: at most {ctx.settings.max_message_length} characters", "message_too_long"
        )
    room, _ = staff.load_member(ctx, principal, room_id)
    if not 1 <= seq <= room.last_seq:
        raise NotFound(f"seq: no message {seq} in this room", "message_not_found")
    not_before = ctx.iso(ctx.now() - EDIT_WINDOW_MINUTES * 60)
    # A deletion takes the message's file along: which one, read before (deleting is rare).
    before = ctx.store.messages_after(room.room_id, seq - 1, 1, ctx.now()) if text is None else []
    try:
        message = ctx.store.change_staff_message(
            room.room_id, seq, principal.id, not_before, text=text, changed_at=ctx.iso()
        )
    except Changed as exc:
        raise Forbidden(
            f"only your own messages, for {EDIT_WINDOW_MINUTES} minutes after sending",
            "message_not_editable",
        ) from exc
    for deleted in before:
        if deleted.file is not None:
            files.erase_file(ctx, room.room_id, deleted.file["upload_id"])
    view = staff_message_view(message)
    staff.push_to_online_members(ctx, room, {"type": "message", "message": view, "mentions": []})
    return view


# ---- who hears it -----------------------------------------------------------------------------

_MENTION = re.compile(r"(?<![\w@])@")


def _direct_others(room: StaffRoom, author_id: str) -> set[str]:
    """In a direct room every message is addressed to the others (those still members)."""
    if room.kind != "direct":
        return set()
    return set(room.direct_members) - {author_id}


def _mentioned(ctx: Context, room: StaffRoom, text: str, author_id: str) -> set[str]:
    """Members named `@Name` (their display name, any case). The members are read only when the
    text holds an `@`."""
    starts = [m.end() for m in _MENTION.finditer(text)]
    if not starts:
        return set()
    if room.kind == "direct":
        names = dict(room.direct_members)
    else:
        names = {m.agent_id: m.agent_name for m in ctx.store.staff_members(room.room_id)}
    folded = text.casefold()
    found = set()
    for agent_id, name in names.items():
        wanted = name.casefold()
        for start in starts:
            end = start + len(wanted)
            if folded.startswith(wanted, start) and not folded[end : end + 1].isalnum():
                found.add(agent_id)
    return found - {author_id}
