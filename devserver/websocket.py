"""The WebSocket side of API Gateway: the /ws endpoint and the @connections management API."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.websockets import WebSocket, WebSocketDisconnect

from devserver import events
from devserver.lambda_pool import LambdaPool

log = logging.getLogger("devserver.websocket")

MAX_POST_BYTES = 128 * 1024  # API Gateway's limit for one WebSocket message
CLOSED_BY_CLIENT_WITHOUT_CODE = 1005
# What API Gateway answers a client whose message made the integration fail.
INTERNAL_ERROR_MESSAGE = "Internal server error"


def new_connection_id() -> str:
    """An id shaped like API Gateway's: 16 characters of base64, the last one '='."""
    return base64.urlsafe_b64encode(secrets.token_bytes(11)).decode("ascii")


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class Connection:
    connection_id: str
    websocket: WebSocket
    source_ip: str
    user_agent: str
    connected_at: datetime
    last_active_at: datetime
    # Sends come from the management API and from error frames; one at a time per socket.
    send_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def send(self, data: bytes | str) -> None:
        async with self.send_lock:
            if isinstance(data, bytes):
                await self.websocket.send_bytes(data)
            else:
                await self.websocket.send_text(data)

    async def close(self) -> None:
        async with self.send_lock:
            await self.websocket.close(code=1000)


class WebSocketGateway:
    """Turns WebSocket connections into $connect/$default/$disconnect invocations of the app,
    and serves POST/GET/DELETE /@connections/{id} like API Gateway's management API."""

    def __init__(self, pool: LambdaPool, domain_name: str) -> None:
        self._pool = pool
        self._domain_name = domain_name
        self._connections: dict[str, Connection] = {}
        handlers = pool.app.websocket_handlers
        self._handler_names = {route_key: config.name for route_key, config in handlers.items()}

    # -- the client side ------------------------------------------------------------------

    async def endpoint(self, websocket: WebSocket) -> None:
        connection_id = new_connection_id()
        connected_at = datetime.now(UTC)
        source_ip = websocket.client.host if websocket.client else "127.0.0.1"
        user_agent = websocket.headers.get("user-agent", "")

        def base_event(route_key: str) -> dict[str, Any]:
            return events.websocket_event(
                route_key=route_key,
                connection_id=connection_id,
                connected_at_ms=int(connected_at.timestamp() * 1000),
                source_ip=source_ip,
                user_agent=user_agent or None,
                domain_name=self._domain_name,
            )

        raw_headers = [
            (k.decode("latin-1"), v.decode("latin-1")) for k, v in websocket.scope["headers"]
        ]
        connect = events.connect_event(
            base_event("$connect"), websocket.scope["query_string"].decode("latin-1"), raw_headers
        )
        accepted, subprotocol = await self._run_connect(connect)
        if not accepted:
            await websocket.close()  # before accept: the handshake is answered with 403
            return
        await websocket.accept(subprotocol=subprotocol)
        connection = Connection(
            connection_id=connection_id,
            websocket=websocket,
            source_ip=source_ip,
            user_agent=user_agent,
            connected_at=connected_at,
            last_active_at=connected_at,
        )
        self._connections[connection_id] = connection
        close_code, close_reason = CLOSED_BY_CLIENT_WITHOUT_CODE, ""
        try:
            while True:
                message = await websocket.receive()
                if message["type"] == "websocket.disconnect":
                    close_code = message.get("code", CLOSED_BY_CLIENT_WITHOUT_CODE)
                    close_reason = message.get("reason") or ""
                    break
                connection.last_active_at = datetime.now(UTC)
                text = message.get("text")
                data = text if text is not None else message.get("bytes") or b""
                # One frame at a time per connection keeps local runs easy to follow.
                message_event = events.message_event(base_event("$default"), data)
                await self._run_message(connection, message_event)
        finally:
            self._connections.pop(connection_id, None)
            await self._run_disconnect(
                events.disconnect_event(base_event("$disconnect"), close_code, close_reason)
            )

    async def _run_connect(self, event: dict[str, Any]) -> tuple[bool, str | None]:
        name = self._handler_names.get("$connect")
        if name is None:
            return True, None
        try:
            result = await self._pool.invoke(name, event)
        except Exception:
            log.exception("$connect handler failed; refusing the connection")
            return False, None
        if not isinstance(result, dict):
            return True, None
        headers = {k.lower(): v for k, v in (result.get("headers") or {}).items()}
        return result.get("statusCode", 200) == 200, headers.get("sec-websocket-protocol")

    async def _run_message(self, connection: Connection, event: dict[str, Any]) -> None:
        name = self._handler_names.get("$default")
        if name is None:
            return
        try:
            await self._pool.invoke(name, event)
        except Exception:
            log.exception("$default handler failed")
            error = {
                "message": INTERNAL_ERROR_MESSAGE,
                "connectionId": connection.connection_id,
                "requestId": event["requestContext"]["requestId"],
            }
            # If the client is gone already, $disconnect follows anyway.
            with contextlib.suppress(RuntimeError, OSError, WebSocketDisconnect):
                await connection.send(json.dumps(error))

    async def _run_disconnect(self, event: dict[str, Any]) -> None:
        name = self._handler_names.get("$disconnect")
        if name is None:
            return
        try:
            await self._pool.invoke(name, event)
        except Exception:
            log.exception("$disconnect handler failed")

    # -- the management API ----------------------------------------------------------------

    async def management(self, request: Request) -> Response:
        connection = self._connections.get(request.path_params["connection_id"])
        if connection is None:
            return _gone()
        if request.method == "GET":
            return JSONResponse(
                {
                    "connectedAt": _iso(connection.connected_at),
                    "identity": {
                        "sourceIp": connection.source_ip,
                        "userAgent": connection.user_agent,
                    },
                    "lastActiveAt": _iso(connection.last_active_at),
                }
            )
        try:
            if request.method == "DELETE":
                # Gone at once for the API; the receive loop then sees the close handshake
                # finish and runs $disconnect.
                self._connections.pop(connection.connection_id, None)
                await connection.close()
                return Response(status_code=204)
            data = await request.body()
            if len(data) > MAX_POST_BYTES:
                return _error(413, "PayloadTooLargeException", "Message too long")
            try:
                await connection.send(data.decode("utf-8"))
            except UnicodeDecodeError:
                await connection.send(data)
        except (RuntimeError, OSError, WebSocketDisconnect):
            return _gone()  # closed while we were sending
        return Response(status_code=200)


def _error(status: int, error_type: str, message: str) -> Response:
    # botocore reads the error code from x-amzn-ErrorType (rest-json protocol).
    return JSONResponse(
        {"message": message}, status_code=status, headers={"x-amzn-ErrorType": error_type}
    )


def _gone() -> Response:
    return _error(410, "GoneException", "The connection is gone")
