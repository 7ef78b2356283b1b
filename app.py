"""Chalice app: one blueprint per area (chalicelib/routes/), the setup function and the sweep.

Each route parses its input with pydantic, calls one service function and shapes the answer;
`chalicelib/routes/adapter.py` does the parsing, authentication, CORS and error mapping for all.
"""

from __future__ import annotations

from typing import Any

from chalice import Chalice, Rate, Response
from chalice.app import CloudWatchEvent, WebsocketEvent

from chalicelib.bootstrap import context
from chalicelib.routes import (
    accounts,
    admin,
    canned,
    description,
    files,
    offline,
    omnichannel,
    push,
    stats,
    team_chat,
    visitor,
    websocket,
)
from chalicelib.routes.adapter import remember_request
from chalicelib.services.maintenance import run_sweep, setup_stack

app = Chalice(app_name="livechat")
app.experimental_feature_flags.update(["WEBSOCKETS"])
app.register_middleware(remember_request, "http")
for area in (
    visitor,
    accounts,
    omnichannel,
    admin,
    canned,
    stats,
    offline,
    team_chat,
    push,
    files,
    description,
):
    app.register_blueprint(area.bp)


# The WebSocket handlers stay on the app: Chalice wraps a blueprint's `on_ws_*` handler for
# Lambda only when registered on the app itself (a blueprint's would get the raw function).
@app.on_ws_connect()
def ws_connect(event: WebsocketEvent) -> Response:
    return websocket.connect(event)


@app.on_ws_message()
def ws_message(event: WebsocketEvent) -> None:
    websocket.message(event)


@app.on_ws_disconnect()
def ws_disconnect(event: WebsocketEvent) -> None:
    websocket.disconnect(event)


@app.lambda_function(name="setup")
def setup(event: dict[str, Any], _context: object) -> dict:
    return setup_stack(
        context(),
        create_tables=bool(event.get("create_tables")),
        admin_email=event.get("admin_email"),
        admin_password=event.get("admin_password"),
        department_specs=event.get("departments", []),
    )


@app.schedule(Rate(1, unit=Rate.MINUTES))
def maintenance(_event: CloudWatchEvent) -> dict:
    return run_sweep(context())
