"""Visitor side: configuration, availability, the visitor's identity, starting a chat and
its messages, socket tickets, closing."""

from __future__ import annotations

import hashlib
import json

from chalice import Response
from chalice.app import Request

from chalicelib import schemas as s
from chalicelib.routes.adapter import (
    Answer,
    Area,
    routes,
)
from chalicelib.services import (
    departments,
    messages,
    rooms,
    tickets,
    visitors,
)
from chalicelib.services.context import Context
from chalicelib.services.principals import (
    Principal,
    VisitorPrincipal,
)

bp = Area(__name__)
route = routes(bp)


@route(
    "/config", "GET", "Settings the widget and console need", response=s.ConfigOut, any_origin=True
)
def get_config(
    ctx: Context,
) -> Answer:
    return {
        "ws_url": ctx.settings.ws_url,
        "max_message_length": ctx.settings.max_message_length,
        "languages": list(ctx.settings.languages),
        "sso": ctx.settings.sso_enabled,
        "password_login": ctx.settings.password_login,
        "max_upload_bytes": ctx.settings.max_upload_bytes,
        "upload_types": list(ctx.settings.upload_types),
    }


@route(
    "/departments/{department_id}/availability",
    "GET",
    "Whether someone of the department can answer (the chat button)",
    response=s.AvailabilityOut,
    errors=(404,),
    any_origin=True,
)
def get_availability(ctx: Context, request: Request, department_id: str) -> Answer:
    """The page-view path: one GetItem, cacheable by browsers and the CDN."""
    body = json.dumps(departments.public_availability(ctx, department_id))
    etag = '"' + hashlib.sha256(body.encode()).hexdigest()[:16] + '"'
    headers: dict[str, str | list[str]] = {"Cache-Control": "public, max-age=15", "ETag": etag}
    if request.headers.get("if-none-match") == etag:
        return Response(body="", status_code=304, headers=headers)
    return Response(
        body=body, status_code=200, headers={"Content-Type": "application/json", **headers}
    )


@route(
    "/visitors",
    "POST",
    "Start an anonymous visitor identity (Guest-N)",
    response=s.VisitorCreatedOut,
    status=201,
    errors=(429,),
)
def create_visitor(
    ctx: Context,
    client_ip: str,
) -> Answer:
    return visitors.create(ctx, client_ip)


@route("/visitors/me", "GET", "The visitor's identity", auth="visitor", response=s.VisitorOut)
def get_visitor_me(
    ctx: Context,
    principal: VisitorPrincipal,
) -> Answer:
    return visitors.me(ctx, principal)


@route(
    "/visitors/me", "DELETE", "Delete all of the visitor's data at once", auth="visitor", status=204
)
def delete_visitor_me(
    ctx: Context,
    principal: VisitorPrincipal,
) -> None:
    visitors.delete(ctx, principal)


@route(
    "/rooms",
    "POST",
    "Ask for a chat in a department",
    auth="visitor",
    body=s.StartChatIn,
    response=s.RoomOut,
    status=201,
    errors=(400, 404, 409, 413, 429),
)
def start_chat(
    ctx: Context,
    client_ip: str,
    principal: VisitorPrincipal,
    body: s.StartChatIn,
) -> Answer:
    visitors.check_rate(ctx, "rooms", client_ip)
    page = body.page.model_dump() if body.page else None
    room, created = rooms.start(ctx, principal, body.department_id, body.text, body.client_id, page)
    return (201 if created else 200), room


@route("/rooms/{room_id}", "GET", "A room", auth="any", response=s.RoomOut, errors=(404,))
def get_room(ctx: Context, principal: Principal, room_id: str) -> Answer:
    return rooms.get(ctx, principal, room_id)


@route(
    "/rooms/{room_id}/messages",
    "GET",
    "Messages in seq order, after a seq",
    auth="any",
    query=s.MessagesQuery,
    response=s.MessagePageOut,
    errors=(400, 404),
)
def list_messages(
    ctx: Context,
    principal: Principal,
    query: s.MessagesQuery,
    room_id: str,
) -> Answer:
    found, next_after = messages.page(ctx, principal, room_id, query.after, query.limit)
    return {"messages": found, "next": next_after}


@route(
    "/rooms/{room_id}/messages",
    "POST",
    "Send a message (idempotent by client_id)",
    auth="any",
    body=s.SendMessageIn,
    response=s.MessageOut,
    status=201,
    errors=(400, 404, 409, 413),
)
def send_message(
    ctx: Context,
    principal: Principal,
    body: s.SendMessageIn,
    room_id: str,
) -> Answer:
    message, created = messages.send(
        ctx, principal, room_id, body.text, body.client_id, body.upload_id
    )
    return (201 if created else 200), message


@route(
    "/ws-ticket",
    "POST",
    "A one-time ticket for the socket URL (`{WS}?ticket=`): single use, 30 seconds",
    auth="any",
    response=s.TicketOut,
    status=201,
    errors=(),
)
def create_ws_ticket(
    ctx: Context,
    principal: Principal,
) -> Answer:
    return {"ticket": tickets.issue(ctx, principal), "expires_in": tickets.TICKET_SECONDS}


@route(
    "/rooms/{room_id}/close",
    "POST",
    "Close the chat",
    auth="any",
    body=s.CloseIn,
    response=s.RoomOut,
    errors=(400, 404, 409),
)
def close_room(
    ctx: Context,
    principal: Principal,
    body: s.CloseIn,
    room_id: str,
) -> Answer:
    return rooms.close(ctx, principal, room_id, body.comment)
