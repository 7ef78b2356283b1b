"""Chalice app: REST routes and WebSocket handlers. Each handler parses its input with pydantic,
calls one service function and shapes the answer; errors are mapped in `_error_response`."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
from collections.abc import Callable
from typing import Annotated, Any, Literal

from chalice import Chalice, CORSConfig, Rate, Response
from chalice.app import CloudWatchEvent, Request, WebsocketEvent
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from chalicelib import schemas as s
from chalicelib.addresses import source_address, viewer_address
from chalicelib.errors import DomainError, Forbidden, InvalidInput, NotFound, TooManyRequests
from chalicelib.openapi import Operation, build_document
from chalicelib.services import (
    agents,
    canned,
    contacts,
    departments,
    messages,
    presence,
    registration,
    rooms,
    sessions,
    signin,
    sockets,
    sso,
    staff,
    staff_messages,
    stranded,
    tickets,
    visitors,
)
from chalicelib.services.context import Context, build_context
from chalicelib.services.maintenance import run_sweep, setup_stack
from chalicelib.services.principals import (
    AgentPrincipal,
    Principal,
    VisitorPrincipal,
    authenticate_agent,
    authenticate_visitor,
    principal_of_connection,
)
from chalicelib.settings import get_settings

app = Chalice(app_name="livechat")
app.experimental_feature_flags.update(["WEBSOCKETS"])
log = logging.getLogger("livechat")

CORS_HEADERS = ["Authorization", "Content-Type", "X-Visitor-Token"]
CORS_MAX_AGE = 600
# The availability check and the API description: readable from any page.
CORS = CORSConfig(allow_origin="*", allow_headers=CORS_HEADERS, max_age=CORS_MAX_AGE)
OPERATIONS: list[Operation] = []
# What a view returns: the answer, a (status, answer) pair, or None for 204.
Answer = dict[str, Any] | list[Any] | tuple[int, dict[str, Any]] | None
_context: Context | None = None


def context() -> Context:
    """Built on first use, so that importing this module touches neither env nor AWS."""
    global _context
    if _context is None:
        _context = build_context(get_settings())
    return _context


# ---- the adapter: parse, authenticate, call, shape, map errors ---------------------------------


def _json(status: int, body: object, headers: dict[str, str | list[str]] | None = None) -> Response:
    return Response(
        body=json.dumps(body, ensure_ascii=False) if body is not None else "",
        status_code=status,
        headers={"Content-Type": "application/json", **(headers or {})},
    )


def _retry_after(exc: DomainError) -> dict[str, str | list[str]] | None:
    return {"Retry-After": str(exc.retry_after)} if isinstance(exc, TooManyRequests) else None


def _error_response(exc: Exception) -> Response:
    if isinstance(exc, DomainError):
        error = {"error": {"code": exc.code, "message": exc.message}}
        return _json(exc.status, error, _retry_after(exc))
    if isinstance(exc, ValidationError):
        return _json(400, {"error": _invalid_input(exc)})
    log.exception("unexpected error")
    return _json(500, {"error": {"code": "internal_error", "message": "something went wrong"}})


# The bound a refused value broke, as pydantic names it in the error's context.
_LIMITS = ("max_length", "min_length", "ge", "le", "gt", "lt")


def _invalid_input(exc: ValidationError) -> dict[str, Any]:
    """The first problem: the field, pydantic's `reason` (e.g. missing, string_too_long) and the
    `limit` it broke, so that clients can say it in their own language next to the input."""
    first = exc.errors()[0]
    answer: dict[str, Any] = {
        "code": "invalid_input",
        "message": _describe(exc),
        "field": _where(first),
        "reason": first["type"],
    }
    context = first.get("ctx", {})
    limit = next((context[name] for name in _LIMITS if name in context), None)
    if isinstance(limit, int | float) and not isinstance(limit, bool):
        answer["limit"] = limit
    return answer


def _where(error: Any) -> str:
    return ".".join(str(part) for part in error["loc"] if part != "frame") or "body"


def _describe(exc: ValidationError) -> str:
    first = exc.errors()[0]
    return f"{_where(first)}: {first['msg']}"


def _request() -> Request:
    request = app.current_request
    if request is None:  # Chalice sets it before calling a route's view
        raise RuntimeError("no current request")
    return request


def _parse_body(model: type[BaseModel]) -> BaseModel:
    raw = _request().raw_body or b""
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    try:
        data = json.loads(raw.decode("utf-8")) if raw.strip() else {}
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput(f"body: not valid JSON ({exc})", "invalid_json") from exc
    except RecursionError as exc:
        raise InvalidInput("body: JSON nested too deeply", "invalid_json") from exc
    if not isinstance(data, dict):
        raise InvalidInput("body: must be a JSON object", "invalid_json")
    return model.model_validate(data)


# Ids this API gives out (and department ids) are short and plain; anything else in a path can
# name nothing, and must not reach DynamoDB, which refuses keys over 2048 bytes with an error.
_PATH_ID = re.compile(r"[A-Za-z0-9_.:-]{1,128}")
_NOT_FOUND_CODES = {
    "room_id": "room_not_found",
    "agent_id": "agent_not_found",
    "department_id": "department_not_found",
    "visitor_id": "contact_not_found",
    "shortcut": "canned_not_found",
    "session_id": "session_not_found",
}


def _check_path_ids(path_params: dict[str, str]) -> None:
    for name, value in path_params.items():
        if not _PATH_ID.fullmatch(value):
            raise NotFound(f"{name}: no such id", _NOT_FOUND_CODES.get(name, "not_found"))


def _principal(auth: str, ctx: Context) -> Principal:
    headers = _request().headers
    bearer = headers.get("authorization", "")
    token = bearer[7:].strip() if bearer.lower().startswith("bearer ") else None
    if auth == "visitor" or (auth == "any" and token is None):
        return authenticate_visitor(ctx, headers.get("x-visitor-token"))
    principal: AgentPrincipal = authenticate_agent(ctx, token)
    if auth == "admin" and not principal.is_admin:
        raise Forbidden("only administrators may do this", "admin_only")
    return principal


def route(
    path: str,
    method: str,
    summary: str,
    *,
    auth: str | None = None,
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    response: type[BaseModel] | None = None,
    status: int = 200,
    errors: tuple[int, ...] = (400,),
    any_origin: bool = False,
) -> Callable:
    """Register a REST route and its OpenAPI operation. The view function receives
    (ctx, principal, body, query, **path params) and returns the answer's dict, or a
    (status, dict) pair when the status depends on the outcome, or None for 204.
    Browsers may read the answer from any page with `any_origin`, else only from the chat's
    own origin (PUBLIC_ORIGIN)."""

    def register(view: Callable) -> Callable:
        OPERATIONS.append(
            Operation(path, method, summary, auth, status, body, query, response, errors)
        )

        def handler(**path_params: str) -> Response:
            return _grant_cors(answer(**path_params), any_origin)

        def answer(**path_params: str) -> Response:
            try:
                ctx = context()
                principal = _principal(auth, ctx) if auth else None
                _check_path_ids(path_params)
                parsed_body = _parse_body(body) if body else None
                parsed_query = (
                    query.model_validate(_request().query_params or {}) if query else None
                )
                result = view(ctx, principal, parsed_body, parsed_query, **path_params)
            except (DomainError, ValidationError) as exc:
                return _error_response(exc)
            except Exception as exc:  # noqa: BLE001 - the one place that turns bugs into a 500
                return _error_response(exc)
            code = status
            if isinstance(result, tuple):
                code, result = result
            if result is None:
                return Response(body="", status_code=204)
            shaped = response.model_validate(result).model_dump(mode="json") if response else result
            return _json(code, shaped)

        handler.__name__ = view.__name__
        # Any content type: the body is parsed as JSON here, so a wrong one gets our 400.
        app.route(path, methods=[method], content_types=["*/*"])(handler)
        _preflight(path, method, any_origin)
        return view

    return register


# ---- CORS: Chalice's is one fixed origin at deploy time; ours is PUBLIC_ORIGIN, read at run time

_PREFLIGHT_METHODS: dict[str, list[str]] = {}


def _allowed_origin(any_origin: bool) -> str | None:
    if any_origin:
        return "*"
    origin = _request().headers.get("origin")
    public_origin = context().settings.public_origin
    return origin if origin and origin == public_origin else None


def _grant_cors(response: Response, any_origin: bool) -> Response:
    allowed = _allowed_origin(any_origin)
    if allowed is not None:
        response.headers["Access-Control-Allow-Origin"] = allowed
    if not any_origin:
        response.headers["Vary"] = "Origin"
    return response


def _preflight(path: str, method: str, any_origin: bool) -> None:
    """One OPTIONS route per path, answering browsers' preflight requests for its methods."""
    methods = _PREFLIGHT_METHODS.setdefault(path, [])
    methods.append(method)
    if len(methods) > 1:
        return

    def preflight(**_path_params: str) -> Response:
        response = Response(body="", status_code=204)
        if _allowed_origin(any_origin) is not None:
            response.headers.update(
                {
                    "Access-Control-Allow-Methods": ",".join([*methods, "OPTIONS"]),
                    "Access-Control-Allow-Headers": ",".join(CORS_HEADERS),
                    "Access-Control-Max-Age": str(CORS_MAX_AGE),
                }
            )
        return _grant_cors(response, any_origin)

    preflight.__name__ = "preflight_" + re.sub(r"\W+", "_", path).strip("_")
    app.route(path, methods=["OPTIONS"])(preflight)


class Query(s.Schema):
    model_config = ConfigDict(extra="forbid")


Limit = Annotated[int, Field(ge=1, le=200)]


class PageQuery(Query):
    limit: Limit = 50
    next: str | None = None


class RoomsQuery(PageQuery):
    state: s.RoomState | None = None


class DeleteRoomsQuery(Query):
    state: Literal["closed"]


# Larger numbers than any seq can be cannot name a message (and DynamoDB takes 38 digits at most).
Seq = Annotated[int, Field(ge=0, le=2**53)]


class MessagesQuery(Query):
    after: Seq = 0
    limit: Limit = 100


class AgentsQuery(Query):
    department_id: s.DepartmentId


class AdminAgentsQuery(PageQuery):
    state: Literal["pending", "active", "disabled"] = "pending"


def _encode_cursor(value: object | None) -> str | None:
    if value is None:
        return None
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


def _decode_cursor(cursor: str | None, shape: TypeAdapter[Any]) -> Any:
    """A cursor is checked against the exact shape this API gives out: a forged one is a 400
    `invalid_cursor`, never a key that DynamoDB refuses (a 500)."""
    if not cursor:
        return None
    try:
        value = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return shape.dump_python(shape.validate_python(value))
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:  # ValidationError included
        raise InvalidInput("next: not a cursor this API gave out", "invalid_cursor") from exc


# Built on first use, like the models in chalicelib/schemas.py (AgentsCursor is one of them).
ROOMS_CURSOR = TypeAdapter(s.CreatedKeyCursor, config=ConfigDict(defer_build=True))
AGENTS_CURSOR = TypeAdapter(s.AgentsCursor)


def _client_ip() -> str:
    request = _request()
    identity = (request.context or {}).get("identity") or {}
    secret = context().settings.origin_verify_secret
    return viewer_address(request.headers, identity.get("sourceIp"), secret)


def _user_agent() -> str:
    return _request().headers.get("user-agent", "")


# ---- visitor side ------------------------------------------------------------------------------


@route(
    "/config", "GET", "Settings the widget and console need", response=s.ConfigOut, any_origin=True
)
def get_config(ctx: Context, _principal: None, _body: None, _query: None) -> Answer:
    return {
        "ws_url": ctx.settings.ws_url,
        "max_message_length": ctx.settings.max_message_length,
        "languages": list(ctx.settings.languages),
        "sso": ctx.settings.sso_enabled,
        "password_login": ctx.settings.password_login,
    }


@app.route("/departments/{department_id}/availability", methods=["GET"], cors=CORS)
def get_availability(department_id: str) -> Response:
    """The page-view path: one GetItem, cacheable by browsers and the CDN."""
    try:
        _check_path_ids({"department_id": department_id})
        answer = departments.public_availability(context(), department_id)
    except DomainError as exc:
        return _error_response(exc)
    body = json.dumps(answer)
    etag = '"' + hashlib.sha256(body.encode()).hexdigest()[:16] + '"'
    headers: dict[str, str | list[str]] = {"Cache-Control": "public, max-age=15", "ETag": etag}
    if _request().headers.get("if-none-match") == etag:
        return Response(body="", status_code=304, headers=headers)
    return Response(
        body=body, status_code=200, headers={"Content-Type": "application/json", **headers}
    )


OPERATIONS.append(
    Operation(
        "/departments/{department_id}/availability",
        "GET",
        "Whether someone of the department can answer (the chat button)",
        None,
        200,
        response=s.AvailabilityOut,
        errors=(404,),
    )
)


@route(
    "/visitors",
    "POST",
    "Start an anonymous visitor identity (Guest-N)",
    response=s.VisitorCreatedOut,
    status=201,
    errors=(429,),
)
def create_visitor(ctx: Context, _principal: None, _body: None, _query: None) -> Answer:
    return visitors.create(ctx, _client_ip())


@route("/visitors/me", "GET", "The visitor's identity", auth="visitor", response=s.VisitorOut)
def get_visitor_me(ctx: Context, principal: VisitorPrincipal, _body: None, _query: None) -> Answer:
    return visitors.me(ctx, principal)


@route(
    "/visitors/me", "DELETE", "Delete all of the visitor's data at once", auth="visitor", status=204
)
def delete_visitor_me(
    ctx: Context,
    principal: VisitorPrincipal,
    _body: None,
    _query: None,
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
    principal: VisitorPrincipal,
    body: s.StartChatIn,
    _query: None,
) -> Answer:
    visitors.check_rate(ctx, "rooms", _client_ip())
    room, created = rooms.start(ctx, principal, body.department_id, body.text, body.client_id)
    return (201 if created else 200), room


@route("/rooms/{room_id}", "GET", "A room", auth="any", response=s.RoomOut, errors=(404,))
def get_room(ctx: Context, principal: Principal, _body: None, _query: None, room_id: str) -> Answer:
    return rooms.get(ctx, principal, room_id)


@route(
    "/rooms/{room_id}/messages",
    "GET",
    "Messages in seq order, after a seq",
    auth="any",
    query=MessagesQuery,
    response=s.MessagePageOut,
    errors=(400, 404),
)
def list_messages(
    ctx: Context,
    principal: Principal,
    _body: None,
    query: MessagesQuery,
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
    _query: None,
    room_id: str,
) -> Answer:
    message, created = messages.send(ctx, principal, room_id, body.text, body.client_id)
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
def create_ws_ticket(ctx: Context, principal: Principal, _body: None, _query: None) -> Answer:
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
    _query: None,
    room_id: str,
) -> Answer:
    return rooms.close(ctx, principal, room_id, body.comment)


# ---- agent accounts ----------------------------------------------------------------------------


@route(
    "/auth/register",
    "POST",
    "Register as an agent: an email with a link confirms the address, then an admin approves; "
    "the same answer whether or not the address has an account (its owner gets a note)",
    body=s.RegisterIn,
    response=s.RegisteredOut,
    status=202,
    errors=(400, 403, 429),
)
def register(ctx: Context, _principal: None, body: s.RegisterIn, _query: None) -> Answer:
    registration.request_account(ctx, body.email, body.name, body.password, _client_ip())
    return {"state": "pending"}


@route(
    "/auth/verify-email",
    "POST",
    "Confirm the address of a registration with the token of its emailed link; admins see "
    "it from now on",
    body=s.VerifyEmailIn,
    response=s.RegisteredOut,
    errors=(400, 429),
)
def verify_email(ctx: Context, _principal: None, body: s.VerifyEmailIn, _query: None) -> Answer:
    registration.verify_email(ctx, body.token, _client_ip())
    return {"state": "pending"}


@route(
    "/auth/login",
    "POST",
    "Sign in",
    body=s.LoginIn,
    response=s.LoginOut,
    errors=(400, 401, 403, 429),
)
def login(ctx: Context, _principal: None, body: s.LoginIn, _query: None) -> Answer:
    token, agent = signin.login(ctx, body.email, body.password, _client_ip(), _user_agent())
    return {"token": token, "agent": agent}


@route(
    "/auth/logout", "POST", "Sign out; the token stops working at once", auth="agent", status=204
)
def logout(ctx: Context, principal: AgentPrincipal, _body: None, _query: None) -> None:
    agents.logout(ctx, principal)


@route(
    "/me/password",
    "PUT",
    "Change the password (as strong as at registration); the agent's other sessions end",
    auth="agent",
    body=s.PasswordChangeIn,
    status=204,
    errors=(400, 409, 429),
)
def put_password(
    ctx: Context, principal: AgentPrincipal, body: s.PasswordChangeIn, _query: None
) -> None:
    signin.change_password(ctx, principal, body.current, body.new, _client_ip())


@route(
    "/me/sessions",
    "GET",
    "Where the agent is signed in: their sessions, this one first",
    auth="agent",
    response=s.SessionListOut,
)
def get_sessions(ctx: Context, principal: AgentPrincipal, _body: None, _query: None) -> Answer:
    return {"sessions": sessions.list_mine(ctx, principal)}


@route(
    "/me/sessions/{session_id}",
    "DELETE",
    "Sign out one of the agent's sessions: its token stops at once, its sockets close",
    auth="agent",
    status=204,
    errors=(404,),
)
def delete_session(
    ctx: Context, principal: AgentPrincipal, _body: None, _query: None, session_id: str
) -> None:
    sessions.end_mine(ctx, principal, session_id)


@route("/me", "GET", "The signed-in agent", auth="agent", response=s.AgentOut)
def get_me(ctx: Context, principal: AgentPrincipal, _body: None, _query: None) -> Answer:
    return agents.me(ctx, principal)


@route(
    "/me", "PATCH", "Change name and settings", auth="agent", body=s.MePatch, response=s.AgentOut
)
def patch_me(ctx: Context, principal: AgentPrincipal, body: s.MePatch, _query: None) -> Answer:
    settings = body.settings.model_dump(exclude_unset=True) if body.settings else None
    return agents.update_me(ctx, principal, body.name, settings)


@route(
    "/me/status",
    "PUT",
    "Set online, away, busy or offline",
    auth="agent",
    body=s.StatusIn,
    response=s.AgentOut,
)
def put_status(ctx: Context, principal: AgentPrincipal, body: s.StatusIn, _query: None) -> Answer:
    return agents.set_status(ctx, principal, body.status)


@route(
    "/me/availability",
    "PUT",
    "The livechat toggle",
    auth="agent",
    body=s.AvailabilityIn,
    response=s.AgentOut,
)
def put_availability(
    ctx: Context,
    principal: AgentPrincipal,
    body: s.AvailabilityIn,
    _query: None,
) -> Answer:
    return agents.set_availability(ctx, principal, body.available)


# ---- institutional sign-in (OpenID Connect) ----------------------------------------------------


class SsoCallbackQuery(Query):
    model_config = ConfigDict(extra="ignore")  # providers add their own (iss, session_state)
    state: Annotated[str, Field(max_length=512)] | None = None
    code: Annotated[str, Field(max_length=2048)] | None = None
    error: Annotated[str, Field(max_length=256)] | None = None


@route(
    "/auth/sso/start",
    "POST",
    "Start institutional sign-in: the provider's sign-in page to send the browser to",
    body=s.SsoStartIn,
    response=s.SsoStartOut,
    errors=(400, 401, 404, 429),
)
def sso_start(ctx: Context, _principal: None, body: s.SsoStartIn, _query: None) -> Answer:
    visitors.check_rate(ctx, "login", _client_ip())
    return {"authorization_url": sso.start(ctx, body.browser_binding)}


@app.route("/auth/sso/callback", methods=["GET"])
def sso_callback() -> Response:
    """The provider sends the browser here; it goes on to the console with a one-time code (or
    an error code) in the fragment. A redirect, not JSON, hence not the `route` helper."""
    try:
        query = SsoCallbackQuery.model_validate(_request().query_params or {})
        target = sso.finish(context(), query.state, query.code, query.error)
    except ValidationError as exc:
        return _error_response(exc)
    except Exception as exc:  # noqa: BLE001 - the one place that turns bugs into a 500
        return _error_response(exc)
    return Response(
        body="",
        status_code=302,
        headers={"Location": target, "Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
    )


OPERATIONS.append(
    Operation(
        "/auth/sso/callback",
        "GET",
        "The provider's redirect: on to the console with #sso_code=... or #sso_error=...",
        None,
        302,
        query=SsoCallbackQuery,
        errors=(400,),
    )
)


@route(
    "/auth/sso/exchange",
    "POST",
    "Trade the one-time code from the callback for a session",
    body=s.SsoExchangeIn,
    response=s.SsoSignedInOut,
    errors=(400, 401, 403, 429),
)
def sso_exchange(ctx: Context, _principal: None, body: s.SsoExchangeIn, _query: None) -> Answer:
    visitors.check_rate(ctx, "login", _client_ip())
    signed_in = sso.exchange(ctx, body.code, body.browser_binding, _user_agent())
    return {
        "token": signed_in.token,
        "agent": signed_in.agent,
        "end_session_url": signed_in.end_session_url,
    }


@route(
    "/me/identities",
    "GET",
    "The provider identities linked to one's account, and link requests waiting for confirmation",
    auth="agent",
    response=s.IdentitiesOut,
)
def get_my_identities(ctx: Context, principal: AgentPrincipal, _body: None, _query: None) -> Answer:
    return {"identities": sso.identities(ctx, principal)}


@route(
    "/me/identities/{identity_id}/confirm",
    "POST",
    "Confirm a link request: the identity signs in as this account from now on",
    auth="agent",
    response=s.IdentityOut,
    errors=(404, 409),
)
def confirm_my_identity(
    ctx: Context, principal: AgentPrincipal, _body: None, _query: None, identity_id: str
) -> Answer:
    return sso.confirm_identity(ctx, principal, identity_id)


@route(
    "/me/identities/{identity_id}",
    "DELETE",
    "Undo a link (or refuse a link request)",
    auth="agent",
    status=204,
    errors=(404,),
)
def delete_my_identity(
    ctx: Context, principal: AgentPrincipal, _body: None, _query: None, identity_id: str
) -> None:
    sso.unlink_identity(ctx, principal, identity_id)


# ---- agent omnichannel -------------------------------------------------------------------------


class QueueQuery(Query):
    limit: Limit = 100


class QueueOut(s.Schema):
    rooms: list[s.RoomOut]


@route(
    "/queue",
    "GET",
    "Queued rooms of the agent's departments, oldest first",
    auth="agent",
    query=QueueQuery,
    response=QueueOut,
)
def get_queue(ctx: Context, principal: AgentPrincipal, _body: None, query: QueueQuery) -> Answer:
    return {"rooms": rooms.queue(ctx, principal, query.limit)}


@route(
    "/departments",
    "GET",
    "Every department, for forwarding",
    auth="agent",
    response=s.DepartmentListOut,
)
def list_departments(ctx: Context, _principal: AgentPrincipal, _body: None, _query: None) -> Answer:
    return {"departments": departments.list_all(ctx)}


@route(
    "/agents",
    "GET",
    "A department's active agents, for forwarding",
    auth="agent",
    query=AgentsQuery,
    response=s.PublicAgentListOut,
    errors=(400, 404),
)
def list_department_agents(
    ctx: Context,
    _principal: AgentPrincipal,
    _body: None,
    query: AgentsQuery,
) -> Answer:
    return {"agents": agents.colleagues_in(ctx, query.department_id)}


@route(
    "/rooms/{room_id}/preview",
    "POST",
    "Look at a queued request (the visitor is told)",
    auth="agent",
    response=s.RoomWithMessagesOut,
    errors=(404, 409),
)
def preview_room(
    ctx: Context,
    principal: AgentPrincipal,
    _body: None,
    _query: None,
    room_id: str,
) -> Answer:
    return rooms.preview(ctx, principal, room_id)


@route(
    "/rooms/{room_id}/take",
    "POST",
    "Take a queued chat",
    auth="agent",
    response=s.RoomOut,
    errors=(404, 409),
)
def take_room(
    ctx: Context,
    principal: AgentPrincipal,
    _body: None,
    _query: None,
    room_id: str,
) -> Answer:
    return rooms.take(ctx, principal, room_id)


@route(
    "/rooms/{room_id}/return",
    "POST",
    "Return the chat to the queue",
    auth="agent",
    response=s.RoomOut,
    errors=(404, 409),
)
def return_room(
    ctx: Context,
    principal: AgentPrincipal,
    _body: None,
    _query: None,
    room_id: str,
) -> Answer:
    return rooms.return_to_queue(ctx, principal, room_id)


@route(
    "/rooms/{room_id}/forward",
    "POST",
    "Forward to an agent (with `department_id`: into that department of theirs) or to a department",
    auth="agent",
    body=s.ForwardIn,
    response=s.RoomOut,
    errors=(400, 404, 409),
)
def forward_room(
    ctx: Context,
    principal: AgentPrincipal,
    body: s.ForwardIn,
    _query: None,
    room_id: str,
) -> Answer:
    if body.agent_id is not None:
        return rooms.forward_to_agent(ctx, principal, room_id, body.agent_id, body.department_id)
    if body.department_id is not None:
        return rooms.forward_to_department(ctx, principal, room_id, body.department_id)
    raise InvalidInput("give agent_id or department_id", "invalid_forward_target")


# ---- an admin takes over a chat (never strand a visitor) ----------------------------------------


@route(
    "/rooms/{room_id}/takeover",
    "POST",
    "An admin takes over an open chat from whoever serves it (a system line says so)",
    auth="admin",
    response=s.RoomOut,
    errors=(403, 404, 409),
)
def take_over_room(
    ctx: Context, principal: AgentPrincipal, _body: None, _query: None, room_id: str
) -> Answer:
    return rooms.takeover(ctx, principal, room_id)


@route(
    "/rooms",
    "GET",
    "The agent's chats (admins: all), newest first",
    auth="agent",
    query=RoomsQuery,
    response=s.RoomPageOut,
)
def list_rooms(ctx: Context, principal: AgentPrincipal, _body: None, query: RoomsQuery) -> Answer:
    found, last_key = rooms.list_for_agent(
        ctx, principal, query.state, query.limit, _decode_cursor(query.next, ROOMS_CURSOR)
    )
    return {"rooms": found, "next": _encode_cursor(last_key)}


@route(
    "/rooms/{room_id}",
    "DELETE",
    "Delete a closed chat",
    auth="agent",
    status=204,
    errors=(404, 409),
)
def delete_room(
    ctx: Context,
    principal: AgentPrincipal,
    _body: None,
    _query: None,
    room_id: str,
) -> None:
    rooms.delete(ctx, principal, room_id)


@route(
    "/rooms",
    "DELETE",
    "Delete every closed chat the agent may see (at most 200 at once: `more` says to ask again)",
    auth="agent",
    query=DeleteRoomsQuery,
    response=s.DeletedOut,
)
def delete_closed_rooms(
    ctx: Context,
    principal: AgentPrincipal,
    _body: None,
    _query: DeleteRoomsQuery,
) -> Answer:
    deleted, more = rooms.delete_closed(ctx, principal)
    return {"deleted": deleted, "more": more}


@route(
    "/contacts",
    "GET",
    "Visitors who chatted with the agent's departments",
    auth="agent",
    query=PageQuery,
    response=s.ContactListOut,
)
def list_contacts(ctx: Context, principal: AgentPrincipal, _body: None, query: PageQuery) -> Answer:
    found, last_key = contacts.list_for_agent(
        ctx, principal, query.limit, _decode_cursor(query.next, ROOMS_CURSOR)
    )
    return {"contacts": found, "next": _encode_cursor(last_key)}


@route(
    "/contacts/{visitor_id}",
    "GET",
    "One contact with their rooms",
    auth="agent",
    response=s.ContactOut,
    errors=(404,),
)
def get_contact(
    ctx: Context,
    principal: AgentPrincipal,
    _body: None,
    _query: None,
    visitor_id: str,
) -> Answer:
    return contacts.get(ctx, principal, visitor_id)


@route(
    "/contacts/{visitor_id}",
    "PUT",
    "Add contact information",
    auth="agent",
    body=s.ContactIn,
    response=s.ContactOut,
    errors=(400, 404),
)
def put_contact(
    ctx: Context,
    principal: AgentPrincipal,
    body: s.ContactIn,
    _query: None,
    visitor_id: str,
) -> Answer:
    return contacts.put(ctx, principal, visitor_id, body.model_dump(exclude_unset=True))


# ---- admin -------------------------------------------------------------------------------------


@route(
    "/admin/agents",
    "GET",
    "Agents by state",
    auth="admin",
    query=AdminAgentsQuery,
    response=s.AgentListOut,
)
def admin_list_agents(
    ctx: Context,
    _principal: AgentPrincipal,
    _body: None,
    query: AdminAgentsQuery,
) -> Answer:
    start = _decode_cursor(query.next, AGENTS_CURSOR)
    if start is not None and start["state"]["S"] != query.state:
        raise InvalidInput("next: this cursor belongs to another state", "invalid_cursor")
    found, last_key = agents.list_agents(ctx, query.state, query.limit, start)
    return {"agents": found, "next": _encode_cursor(last_key)}


@route(
    "/admin/agents/{agent_id}/approve",
    "POST",
    "Approve a registration",
    auth="admin",
    body=s.ApproveIn,
    response=s.AgentOut,
    errors=(400, 404, 409, 502),
)
def admin_approve(
    ctx: Context,
    _principal: AgentPrincipal,
    body: s.ApproveIn,
    _query: None,
    agent_id: str,
) -> Answer:
    return agents.approve(ctx, agent_id, body.role, body.departments)


@route(
    "/admin/agents/{agent_id}",
    "PATCH",
    "Change role and departments",
    auth="admin",
    body=s.AgentPatchIn,
    response=s.AgentOut,
    errors=(400, 404),
)
def admin_patch_agent(
    ctx: Context,
    _principal: AgentPrincipal,
    body: s.AgentPatchIn,
    _query: None,
    agent_id: str,
) -> Answer:
    return agents.patch_agent(ctx, agent_id, body.role, body.departments)


@route(
    "/admin/agents/{agent_id}/disable",
    "POST",
    "Disable an account at once",
    auth="admin",
    response=s.AgentOut,
    errors=(404,),
)
def admin_disable(
    ctx: Context,
    _principal: AgentPrincipal,
    _body: None,
    _query: None,
    agent_id: str,
) -> Answer:
    return agents.disable(ctx, agent_id)


@route("/admin/departments", "GET", "Every department", auth="admin", response=s.DepartmentListOut)
def admin_list_departments(
    ctx: Context,
    principal: AgentPrincipal,
    body: None,
    query: None,
) -> Answer:
    return list_departments(ctx, principal, body, query)


@route(
    "/admin/departments",
    "POST",
    "Create a department",
    auth="admin",
    body=s.DepartmentIn,
    response=s.DepartmentOut,
    status=201,
    errors=(400, 409),
)
def admin_create_department(
    ctx: Context,
    _principal: AgentPrincipal,
    body: s.DepartmentIn,
    _query: None,
) -> Answer:
    return departments.create(
        ctx, body.department_id, body.name, body.allowed_origins, body.retention_hours
    )


@route(
    "/admin/departments/{department_id}",
    "PATCH",
    "Change a department",
    auth="admin",
    body=s.DepartmentPatchIn,
    response=s.DepartmentOut,
    errors=(400, 404),
)
def admin_patch_department(
    ctx: Context,
    _principal: AgentPrincipal,
    body: s.DepartmentPatchIn,
    _query: None,
    department_id: str,
) -> Answer:
    office_hours = body.office_hours.model_dump() if body.office_hours is not None else None
    return departments.update(
        ctx, department_id, body.name, body.allowed_origins, body.retention_hours, office_hours
    )


@route(
    "/admin/departments/{department_id}",
    "DELETE",
    "Delete a department",
    auth="admin",
    status=204,
    errors=(404,),
)
def admin_delete_department(
    ctx: Context,
    _principal: AgentPrincipal,
    _body: None,
    _query: None,
    department_id: str,
) -> None:
    departments.delete(ctx, department_id)


# ---- canned responses: the agent's own, and a department's (managed by admins) -----------------


@route(
    "/me/canned-responses",
    "GET",
    "The agent's own canned responses",
    auth="agent",
    response=s.CannedListOut,
)
def list_my_canned(ctx: Context, principal: AgentPrincipal, _body: None, _query: None) -> Answer:
    return {"responses": canned.personal(ctx, principal)}


@route(
    "/me/canned-responses",
    "POST",
    "Add a canned response of one's own",
    auth="agent",
    body=s.CannedIn,
    response=s.CannedOut,
    status=201,
    errors=(400, 409, 413),
)
def add_my_canned(
    ctx: Context, principal: AgentPrincipal, body: s.CannedIn, _query: None
) -> Answer:
    return canned.add_personal(ctx, principal, body.shortcut, body.text)


@route(
    "/me/canned-responses/{shortcut}",
    "PUT",
    "Change (or rename) one's own canned response",
    auth="agent",
    body=s.CannedIn,
    response=s.CannedOut,
    errors=(400, 404, 409, 413),
)
def replace_my_canned(
    ctx: Context, principal: AgentPrincipal, body: s.CannedIn, _query: None, shortcut: str
) -> Answer:
    return canned.replace_personal(ctx, principal, shortcut, body.shortcut, body.text)


@route(
    "/me/canned-responses/{shortcut}",
    "DELETE",
    "Delete one's own canned response",
    auth="agent",
    status=204,
    errors=(404,),
)
def delete_my_canned(
    ctx: Context, principal: AgentPrincipal, _body: None, _query: None, shortcut: str
) -> None:
    canned.delete_personal(ctx, principal, shortcut)


@route(
    "/departments/{department_id}/canned-responses",
    "GET",
    "A department's canned responses, for its agents",
    auth="agent",
    response=s.CannedListOut,
    errors=(403, 404),
)
def list_department_canned(
    ctx: Context, principal: AgentPrincipal, _body: None, _query: None, department_id: str
) -> Answer:
    return {"responses": canned.of_department(ctx, principal, department_id)}


@route(
    "/admin/departments/{department_id}/canned-responses",
    "POST",
    "Add a canned response to a department",
    auth="admin",
    body=s.CannedIn,
    response=s.CannedOut,
    status=201,
    errors=(400, 404, 409, 413),
)
def add_department_canned(
    ctx: Context,
    _principal: AgentPrincipal,
    body: s.CannedIn,
    _query: None,
    department_id: str,
) -> Answer:
    return canned.add_to_department(ctx, department_id, body.shortcut, body.text)


@route(
    "/admin/departments/{department_id}/canned-responses/{shortcut}",
    "PUT",
    "Change (or rename) a department's canned response",
    auth="admin",
    body=s.CannedIn,
    response=s.CannedOut,
    errors=(400, 404, 409, 413),
)
def replace_department_canned(
    ctx: Context,
    _principal: AgentPrincipal,
    body: s.CannedIn,
    _query: None,
    department_id: str,
    shortcut: str,
) -> Answer:
    return canned.replace_in_department(ctx, department_id, shortcut, body.shortcut, body.text)


@route(
    "/admin/departments/{department_id}/canned-responses/{shortcut}",
    "DELETE",
    "Delete a department's canned response",
    auth="admin",
    status=204,
    errors=(404,),
)
def delete_department_canned(
    ctx: Context,
    _principal: AgentPrincipal,
    _body: None,
    _query: None,
    department_id: str,
    shortcut: str,
) -> None:
    canned.delete_from_department(ctx, department_id, shortcut)


@app.route("/openapi.json", methods=["GET"], cors=CORS)
def openapi() -> Response:
    return _json(200, build_document(OPERATIONS, "Livechat API", "1"))


OPERATIONS.append(
    Operation(
        "/openapi.json",
        "GET",
        "This API's description (OpenAPI 3.1)",
        None,
        200,
        response=s.OpenApiDocumentOut,
        errors=(),
    )
)


# ---- team chat (S5-S9, S22): channels, groups, direct rooms, directory, search -----------------


class MyRoomsQuery(Query):
    sort: Literal["activity", "name"] = "activity"


NameQuery = Annotated[str, Field(min_length=1, max_length=64)]


class DirectoryQuery(Query):
    type: Literal["channels", "users"] = "channels"
    q: NameQuery | None = None


class SearchQuery(Query):
    q: NameQuery


@route(
    "/channels",
    "POST",
    "Create a public channel or a private group; its creator is the owner",
    auth="agent",
    body=s.CreateChannelIn,
    response=s.StaffRoomOut,
    status=201,
    errors=(400, 401, 404, 409),
)
def create_channel(
    ctx: Context,
    principal: AgentPrincipal,
    body: s.CreateChannelIn,
    _query: None,
) -> Answer:
    return staff.create_channel(ctx, principal, body.kind, body.name, body.topic, body.members)


@route(
    "/direct",
    "POST",
    "Open the direct room of exactly these colleagues and the agent (201 new, 200 existing)",
    auth="agent",
    body=s.OpenDirectIn,
    response=s.StaffRoomOut,
    status=201,
    errors=(400, 401, 404),
)
def open_direct(
    ctx: Context,
    principal: AgentPrincipal,
    body: s.OpenDirectIn,
    _query: None,
) -> Answer:
    room, created = staff.open_direct(ctx, principal, body.agent_ids)
    return (201 if created else 200), room


@route(
    "/me/rooms",
    "GET",
    "The agent's staff rooms with unread counts",
    auth="agent",
    query=MyRoomsQuery,
    response=s.StaffRoomListOut,
    errors=(400, 401),
)
def my_staff_rooms(
    ctx: Context,
    principal: AgentPrincipal,
    _body: None,
    query: MyRoomsQuery,
) -> Answer:
    return {"rooms": staff.my_rooms(ctx, principal, query.sort)}


@route(
    "/channels/{room_id}",
    "GET",
    "A staff room with its members (404 for a group or direct room one is not in)",
    auth="agent",
    response=s.StaffRoomWithMembersOut,
    errors=(401, 404),
)
def get_channel(
    ctx: Context,
    principal: AgentPrincipal,
    _body: None,
    _query: None,
    room_id: str,
) -> Answer:
    return staff.get(ctx, principal, room_id)


@route(
    "/channels/{room_id}",
    "PATCH",
    "Rename or set the topic (owner or admin)",
    auth="agent",
    body=s.ChangeChannelIn,
    response=s.StaffRoomOut,
    errors=(400, 401, 403, 404, 409),
)
def patch_channel(
    ctx: Context,
    principal: AgentPrincipal,
    body: s.ChangeChannelIn,
    _query: None,
    room_id: str,
) -> Answer:
    return staff.change(ctx, principal, room_id, body.name, body.topic)


@route(
    "/channels/{room_id}",
    "DELETE",
    "Delete the room (owner or admin); its members are told",
    auth="agent",
    status=204,
    errors=(401, 403, 404),
)
def delete_channel(
    ctx: Context,
    principal: AgentPrincipal,
    _body: None,
    _query: None,
    room_id: str,
) -> None:
    staff.delete(ctx, principal, room_id)


@route(
    "/channels/{room_id}/join",
    "POST",
    "Join a public channel",
    auth="agent",
    response=s.StaffRoomWithMembersOut,
    errors=(401, 403, 404),
)
def join_channel(
    ctx: Context,
    principal: AgentPrincipal,
    _body: None,
    _query: None,
    room_id: str,
) -> Answer:
    return staff.join(ctx, principal, room_id)


@route(
    "/channels/{room_id}/leave",
    "POST",
    "Leave a room",
    auth="agent",
    status=204,
    errors=(401, 403, 404),
)
def leave_channel(
    ctx: Context,
    principal: AgentPrincipal,
    _body: None,
    _query: None,
    room_id: str,
) -> None:
    staff.leave(ctx, principal, room_id)


@route(
    "/channels/{room_id}/members",
    "POST",
    "Add a member (owner or admin)",
    auth="agent",
    body=s.AddMemberIn,
    response=s.StaffRoomWithMembersOut,
    errors=(400, 401, 403, 404),
)
def add_channel_member(
    ctx: Context,
    principal: AgentPrincipal,
    body: s.AddMemberIn,
    _query: None,
    room_id: str,
) -> Answer:
    return staff.add_member(ctx, principal, room_id, body.agent_id)


@route(
    "/channels/{room_id}/members/{agent_id}",
    "DELETE",
    "Remove a member (owner or admin; anyone themselves)",
    auth="agent",
    status=204,
    errors=(401, 403, 404),
)
def remove_channel_member(
    ctx: Context,
    principal: AgentPrincipal,
    _body: None,
    _query: None,
    room_id: str,
    agent_id: str,
) -> None:
    staff.remove_member(ctx, principal, room_id, agent_id)


@route(
    "/rooms/{room_id}/read",
    "POST",
    "Move the read marker of a staff room up to a seq",
    auth="agent",
    body=s.ReadIn,
    response=s.StaffRoomOut,
    errors=(400, 401, 403, 404),
)
def mark_room_read(
    ctx: Context,
    principal: AgentPrincipal,
    body: s.ReadIn,
    _query: None,
    room_id: str,
) -> Answer:
    return staff.mark_read(ctx, principal, room_id, body.seq)


def _message_seq(seq: str) -> int:
    if not re.fullmatch(r"[1-9][0-9]{0,9}", seq):
        raise NotFound("seq: no such message", "message_not_found")
    return int(seq)


@route(
    "/rooms/{room_id}/messages/{seq}",
    "PATCH",
    f"Edit one's own staff message (for {staff_messages.EDIT_WINDOW_MINUTES} minutes)",
    auth="agent",
    body=s.EditMessageIn,
    response=s.MessageOut,
    errors=(400, 401, 403, 404, 413),
)
def edit_staff_message(
    ctx: Context,
    principal: AgentPrincipal,
    body: s.EditMessageIn,
    _query: None,
    room_id: str,
    seq: str,
) -> Answer:
    return staff_messages.change(ctx, principal, room_id, _message_seq(seq), body.text)


@route(
    "/rooms/{room_id}/messages/{seq}",
    "DELETE",
    f"Delete one's own staff message (for {staff_messages.EDIT_WINDOW_MINUTES} minutes)",
    auth="agent",
    status=204,
    errors=(401, 403, 404),
)
def delete_staff_message(
    ctx: Context,
    principal: AgentPrincipal,
    _body: None,
    _query: None,
    room_id: str,
    seq: str,
) -> None:
    staff_messages.change(ctx, principal, room_id, _message_seq(seq), None)


@route(
    "/directory",
    "GET",
    "Public channels (and one's groups) or active colleagues, by name",
    auth="agent",
    query=DirectoryQuery,
    response=s.DirectoryOut,
    errors=(400, 401),
)
def get_directory(
    ctx: Context,
    principal: AgentPrincipal,
    _body: None,
    query: DirectoryQuery,
) -> Answer:
    return staff.directory(ctx, principal, query.type, query.q)


@route(
    "/search",
    "GET",
    "Rooms one may access and colleagues, by name only (never message text)",
    auth="agent",
    query=SearchQuery,
    response=s.SearchOut,
    errors=(400, 401),
)
def search(ctx: Context, principal: AgentPrincipal, _body: None, query: SearchQuery) -> Answer:
    return staff.search(ctx, principal, query.q)


@route(
    "/admin/team-chat",
    "GET",
    "The retention of staff messages (days, or keep)",
    auth="admin",
    response=s.StaffRetentionOut,
    errors=(401, 403),
)
def get_staff_retention(
    ctx: Context,
    _principal: AgentPrincipal,
    _body: None,
    _query: None,
) -> Answer:
    return {"retention_days": staff_messages.retention_days(ctx) or "keep"}


@route(
    "/admin/team-chat",
    "PUT",
    "Set the retention of staff messages written from now on (days, or keep)",
    auth="admin",
    body=s.StaffRetentionIn,
    response=s.StaffRetentionOut,
    errors=(400, 401, 403),
)
def put_staff_retention(
    ctx: Context,
    _principal: AgentPrincipal,
    body: s.StaffRetentionIn,
    _query: None,
) -> Answer:
    days = None if body.retention_days == "keep" else body.retention_days
    return {"retention_days": staff_messages.set_retention_days(ctx, days) or "keep"}


# ---- WebSocket ---------------------------------------------------------------------------------


@app.on_ws_connect()
def ws_connect(event: WebsocketEvent) -> Response:
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
    except DomainError as exc:
        return Response(body=exc.message, status_code=exc.status, headers=_retry_after(exc))
    return Response(body="", status_code=200)


@app.on_ws_message()
def ws_message(event: WebsocketEvent) -> None:
    ctx = context()
    try:
        frame = s.ClientFrame.model_validate({"frame": json.loads(event.body or "")}).frame
    except (json.JSONDecodeError, UnicodeDecodeError):
        _ws_error(ctx, event.connection_id, InvalidInput("frame: not valid JSON", "invalid_json"))
        return
    except RecursionError:
        _ws_error(
            ctx, event.connection_id, InvalidInput("frame: JSON nested too deeply", "invalid_json")
        )
        return
    except ValidationError as exc:
        _ws_error(ctx, event.connection_id, InvalidInput(_describe(exc), "invalid_frame"))
        return
    try:
        if isinstance(frame, s.HeartbeatFrame):
            # The acknowledgement lets clients notice a connection that died without a close.
            if presence.heartbeat(ctx, event.connection_id):
                ctx.pusher.post(event.connection_id, {"type": "heartbeat"})
            return
        principal = principal_of_connection(ctx, event.connection_id)
        if isinstance(frame, s.SendFrame):
            message, created = messages.send(
                ctx, principal, frame.room_id, frame.text, frame.client_id
            )
            if not created:  # a resend: echo it to the sender, who is matching client_ids
                ctx.pusher.post(event.connection_id, {"type": "message", "message": message})
        else:
            messages.typing(ctx, principal, frame.room_id, frame.typing)
    except DomainError as exc:
        _ws_error(ctx, event.connection_id, exc)


def _ws_error(ctx: Context, connection_id: str, exc: DomainError) -> None:
    ctx.pusher.post(connection_id, {"type": "error", "code": exc.code, "message": exc.message})


@app.on_ws_disconnect()
def ws_disconnect(event: WebsocketEvent) -> None:
    stranded.disconnect(context(), event.connection_id)


# ---- setup and schedule ------------------------------------------------------------------------


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
