"""The WebSocket API: connect with a ticket, frames (heartbeat, send, typing), disconnect."""

from __future__ import annotations

from chalice import Response
from chalice.app import WebsocketEvent
from pydantic import ValidationError

from chalicelib import schemas as s
from chalicelib.addresses import source_address
from chalicelib.bootstrap import context
from chalicelib.errors import InvalidInput
from chalicelib.routes.adapter import (
    describe,
    error_answer,
    parse_json,
)
from chalicelib.services import (
    messages,
    presence,
    sockets,
    stranded,
)
from chalicelib.services.context import Context
from chalicelib.services.principals import (
    principal_of_connection,
)


def connect(event: WebsocketEvent) -> Response:
    """`$connect`: a socket opens only with a ticket; refused with the mapped status."""
    raw = event.to_dict()
    query = raw.get("queryStringParameters") or {}
    identity = (raw.get("requestContext") or {}).get("identity") or {}
    try:
        sockets.open_socket(
            context(),
            event.connection_id,
            source_address(identity.get("sourceIp")),  # sockets come without CloudFront
            query.get("ticket"),
        )
    except Exception as exc:  # noqa: BLE001 - refused with the mapped status and message
        status, error, headers = error_answer(exc)
        return Response(body=error["message"], status_code=status, headers=headers)
    return Response(body="", status_code=200)


def message(event: WebsocketEvent) -> None:
    """`$default`: one frame; every error is answered with an error frame."""
    ctx = context()
    try:
        _answer_frame(ctx, event.connection_id, event.body)
    except Exception as exc:  # noqa: BLE001 - every error becomes an error frame; the socket stays
        _, error, _ = error_answer(exc)
        ctx.pusher.post(event.connection_id, {"type": "error", **error})


def _parse_frame(body: str | None) -> s.HeartbeatFrame | s.SendFrame | s.TypingFrame:
    try:
        return s.ClientFrame.model_validate({"frame": parse_json(body or "", "frame")}).frame
    except ValidationError as exc:
        raise InvalidInput(describe(exc), "invalid_frame") from exc


def _answer_frame(ctx: Context, connection_id: str, body: str | None) -> None:
    frame = _parse_frame(body)
    if isinstance(frame, s.HeartbeatFrame):
        # The acknowledgement lets clients notice a connection that died without a close.
        if presence.heartbeat(ctx, connection_id, frame.visible):
            ctx.pusher.post(connection_id, {"type": "heartbeat"})
        return
    principal = principal_of_connection(ctx, connection_id)
    if isinstance(frame, s.SendFrame):
        message, created = messages.send(
            ctx,
            principal,
            frame.room_id,
            frame.text,
            frame.client_id,
            frame.upload_id,
            can_mail=False,
        )
        if not created:  # a resend: echo it to the sender, who is matching client_ids
            ctx.pusher.post(connection_id, {"type": "message", "message": message})
    else:
        messages.typing(ctx, principal, frame.room_id, frame.typing)


def disconnect(event: WebsocketEvent) -> None:
    stranded.disconnect(context(), event.connection_id)
