"""When nobody can answer: leaving a message; after a chat: its transcript by email."""

from __future__ import annotations

from chalicelib import schemas as s
from chalicelib.routes.adapter import Answer, Area, routes
from chalicelib.services import offline, visitors
from chalicelib.services.context import Context
from chalicelib.services.principals import VisitorPrincipal

bp = Area(__name__)
route = routes(bp)


@route(
    "/departments/{department_id}/offline-messages",
    "POST",
    "Leave a message while nobody can answer; its answers are mailed",
    auth="visitor",
    body=s.OfflineMessageIn,
    response=s.RoomOut,
    status=201,
    errors=(400, 404, 409, 413, 429),
)
def leave_message(
    ctx: Context,
    client_ip: str,
    principal: VisitorPrincipal,
    body: s.OfflineMessageIn,
    department_id: str,
) -> Answer:
    visitors.check_rate(ctx, "rooms", client_ip)
    return offline.leave_message(
        ctx, principal, department_id, body.text, body.email, body.name, body.language
    )


@route(
    "/rooms/{room_id}/transcript",
    "POST",
    "Mail the chat's transcript (now if closed, else at its close); once per room",
    auth="visitor",
    body=s.TranscriptIn,
    response=s.TranscriptOut,
    status=202,
    errors=(400, 403, 404, 409),
)
def ask_for_transcript(
    ctx: Context,
    principal: VisitorPrincipal,
    body: s.TranscriptIn,
    room_id: str,
) -> Answer:
    return offline.ask_for_transcript(ctx, principal, room_id, body.email, body.language)
