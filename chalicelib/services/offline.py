"""When nobody can answer (docs/embedding.md, docs/console.md): a department that takes
messages lets visitors leave one with an address; it waits in the queue like a chat, and its
answers are mailed (services/offline_mail.py). And after any chat: its transcript by email."""

from __future__ import annotations

import hashlib
import math

from chalicelib.errors import Conflict, NotFound, TooManyRequests
from chalicelib.services import messages, offline_mail, rooms
from chalicelib.services.access import load_room
from chalicelib.services.context import Context
from chalicelib.services.departments import get as get_department
from chalicelib.services.principals import VisitorPrincipal
from chalicelib.store.base import Changed, Taken

# A few messages an hour: from one visitor, and to one address (someone else's, perhaps).
MESSAGES_PER_HOUR = 3


def _check_hourly(ctx: Context, window: str) -> None:
    hour = int(ctx.now() // 3600)
    count = ctx.store.count_request(f"rate#offline#{window}#{hour}", (hour + 2) * 3600)
    if count > MESSAGES_PER_HOUR:
        raise TooManyRequests(
            f"at most {MESSAGES_PER_HOUR} messages an hour; try again later",
            "rate_limited",
            retry_after=math.ceil((hour + 1) * 3600 - ctx.now()),
        )


def _address_key(email: str) -> str:
    """The address in a rate window's key, hashed: the window outlives no room, but its key
    should not hold the address at all."""
    return hashlib.sha256(email.lower().encode()).hexdigest()[:32]


def leave_message(
    ctx: Context,
    principal: VisitorPrincipal,
    department_id: str,
    text: str,
    email: str,
    name: str | None,
    language: str | None,
) -> dict:
    """The message as a queued room marked `offline`; its address lives as long as the room
    and is never added to Contacts."""
    messages.check_length(ctx, text)
    department = get_department(ctx, department_id)
    if not department.offline_messages:
        raise Conflict("this department takes no messages", "offline_messages_off")
    _check_hourly(ctx, f"visitor#{principal.id}")
    _check_hourly(ctx, f"address#{_address_key(email)}")
    return rooms.enqueue(
        ctx,
        principal,
        department,
        text,
        None,
        visitor_name=name,
        offline_email=email,
        language=language,
    )


def ask_for_transcript(
    ctx: Context, principal: VisitorPrincipal, room_id: str, email: str, language: str | None
) -> dict:
    """Once per room: mailed now when the chat is closed, else at its close; the address is
    not kept after that."""
    room = load_room(ctx, principal, room_id)
    try:
        kept = ctx.store.ask_for_transcript(room.room_id, email, language, ctx.iso())
    except Taken as exc:
        raise Conflict("the transcript was asked for already", "transcript_requested") from exc
    except Changed as exc:
        raise NotFound(f"unknown room_id {room_id!r}", "room_not_found") from exc
    if not kept:
        offline_mail.transcript(ctx, room, email, language or room.language)
    return {"room_id": room.room_id, "sent": not kept}
