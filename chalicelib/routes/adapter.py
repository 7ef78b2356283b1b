"""The adapter between API Gateway's events and the services: `routes(blueprint)` gives each
area's `route` decorator, which parses, authenticates, calls the view, shapes the answer and
maps every error in one place (`error_answer`); CORS for PUBLIC_ORIGIN; cursors."""

from __future__ import annotations

import base64
import copy
import inspect
import json
import logging
import re
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from chalice import Blueprint, Response
from chalice.app import Request
from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from chalicelib import schemas as s
from chalicelib.addresses import viewer_address
from chalicelib.bootstrap import context
from chalicelib.errors import DomainError, Forbidden, InvalidInput, NotFound, TooManyRequests
from chalicelib.openapi import Operation
from chalicelib.services.context import Context
from chalicelib.services.principals import (
    AgentPrincipal,
    Principal,
    authenticate_agent,
    authenticate_visitor,
)

log = logging.getLogger("livechat")

CORS_HEADERS = ["Authorization", "Content-Type", "X-Visitor-Token"]
CORS_MAX_AGE = 600
OPERATIONS: list[Operation] = []
# What a view returns: the answer, a (status, answer) pair, None for 204, or a Response of its
# own (a redirect, a cacheable answer).
Answer = dict[str, Any] | list[Any] | tuple[int, dict[str, Any]] | Response | None
Headers = dict[str, str | list[str]]

# The request being answered. Chalice keeps it on the app object, which blueprints reach only
# through the app they were registered with last; the devserver runs several copies of the app
# (warm containers) with the same blueprints, so each invocation remembers its own here.
_current_request: ContextVar[Request] = ContextVar("current_request")


def remember_request(event: Request, get_response: Callable[[Request], Response]) -> Response:
    """Chalice HTTP middleware (registered by app.py)."""
    token = _current_request.set(event)
    try:
        return get_response(event)
    finally:
        _current_request.reset(token)


def current_request() -> Request:
    return _current_request.get()


# ---- the one error mapper --------------------------------------------------------------------

# The bound a refused value broke, as pydantic names it in the error's context.
_LIMITS = ("max_length", "min_length", "ge", "le", "gt", "lt")


def error_answer(exc: Exception) -> tuple[int, dict[str, Any], Headers | None]:
    """Status, `{"code", "message", ...}` and headers of any error: REST answers, WebSocket
    error frames and refused `$connect`s all say it this way."""
    if isinstance(exc, DomainError):
        headers: Headers | None = (
            {"Retry-After": str(exc.retry_after)} if isinstance(exc, TooManyRequests) else None
        )
        return exc.status, {"code": exc.code, "message": exc.message}, headers
    if isinstance(exc, ValidationError):
        return 400, _invalid_input(exc), None
    log.exception("unexpected error")
    return 500, {"code": "internal_error", "message": "something went wrong"}, None


def _invalid_input(exc: ValidationError) -> dict[str, Any]:
    """The first problem: the field, pydantic's `reason` (e.g. missing, string_too_long) and the
    `limit` it broke, so that clients can say it in their own language next to the input."""
    first = exc.errors()[0]
    answer: dict[str, Any] = {
        "code": "invalid_input",
        "message": describe(exc),
        "field": _where(first),
        "reason": first["type"],
    }
    context_ = first.get("ctx", {})
    limit = next((context_[name] for name in _LIMITS if name in context_), None)
    if isinstance(limit, int | float) and not isinstance(limit, bool):
        answer["limit"] = limit
    return answer


def _where(error: Any) -> str:
    return ".".join(str(part) for part in error["loc"] if part != "frame") or "body"


def describe(exc: ValidationError) -> str:
    first = exc.errors()[0]
    return f"{_where(first)}: {first['msg']}"


def json_response(status: int, body: object, headers: Headers | None = None) -> Response:
    return Response(
        body=json.dumps(body, ensure_ascii=False) if body is not None else "",
        status_code=status,
        headers={"Content-Type": "application/json", **(headers or {})},
    )


def error_response(exc: Exception) -> Response:
    status, error, headers = error_answer(exc)
    return json_response(status, {"error": error}, headers)


# ---- parsing -----------------------------------------------------------------------------------


def parse_json(raw: bytes | str, where: str) -> Any:
    """JSON, or InvalidInput that says what is wrong with it (not JSON, nested too deeply)."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput(f"{where}: not valid JSON ({exc})", "invalid_json") from exc
    except RecursionError as exc:
        raise InvalidInput(f"{where}: JSON nested too deeply", "invalid_json") from exc


def parse_json_object(raw: bytes | str | None, where: str) -> dict[str, Any]:
    """A request body: a JSON object (an empty body is an empty one)."""
    data = parse_json(raw, where) if raw and raw.strip() else {}
    if not isinstance(data, dict):
        raise InvalidInput(f"{where}: must be a JSON object", "invalid_json")
    return data


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
    "identity_id": "identity_not_found",
    "subscription_id": "push_subscription_not_found",
}


def _check_path_ids(path_params: dict[str, str]) -> None:
    for name, value in path_params.items():
        if not _PATH_ID.fullmatch(value):
            raise NotFound(f"{name}: no such id", _NOT_FOUND_CODES.get(name, "not_found"))


def _principal(auth: str, ctx: Context, request: Request) -> Principal:
    headers = request.headers
    bearer = headers.get("authorization", "")
    token = bearer[7:].strip() if bearer.lower().startswith("bearer ") else None
    if auth == "visitor" or (auth == "any" and token is None):
        return authenticate_visitor(ctx, headers.get("x-visitor-token"))
    principal: AgentPrincipal = authenticate_agent(ctx, token)
    if auth == "admin" and not principal.is_admin:
        raise Forbidden("only administrators may do this", "admin_only")
    return principal


def client_ip(request: Request, ctx: Context) -> str:
    """The key of the caller's rate-limit buckets."""
    identity = (request.context or {}).get("identity") or {}
    secret = ctx.settings.origin_verify_secret
    return viewer_address(request.headers, identity.get("sourceIp"), secret)


class Area(Blueprint):
    """A Chalice blueprint that can be registered on more than one app: Chalice takes the route
    options it keeps for a registration apart while registering (it pops `methods`), so a
    second app got every route as GET. The devserver registers each area on each of its app
    copies (warm containers); each registration now gets options of its own."""

    def _register_handler(
        self,
        handler_type: str,
        name: str,
        user_handler: Any,
        wrapped_handler: Any,
        kwargs: dict[str, Any],
        options: dict[Any, Any] | None = None,
    ) -> None:
        def register(app: Any, app_options: dict[Any, Any]) -> None:
            app._register_handler(
                handler_type,
                name,
                user_handler,
                wrapped_handler,
                copy.deepcopy(kwargs),
                app_options,
            )

        self._deferred_registrations.append(register)


# What a view may declare besides its path parameters, each made only when declared.
_INJECTED = {"ctx", "principal", "body", "query", "client_ip", "user_agent", "request"}


def routes(blueprint: Blueprint) -> Callable[..., Callable]:
    """The `route` decorator of one area's blueprint."""

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
        """Register a REST route and its OpenAPI operation. The view declares what it needs of
        `ctx`, `principal`, `body`, `query`, `client_ip`, `user_agent`, `request` and its path
        parameters, and returns the answer's dict, a (status, dict) pair when the status
        depends on the outcome, None for 204, or a Response of its own. Browsers may read the
        answer from any page with `any_origin`, else only from the chat's own origin
        (PUBLIC_ORIGIN)."""

        def register(view: Callable) -> Callable:
            OPERATIONS.append(
                Operation(path, method, summary, auth, status, body, query, response, errors)
            )
            declared = set(inspect.signature(view).parameters) & _INJECTED

            def handler(**path_params: str) -> Response:
                request = current_request()
                return _grant_cors(answer(request, path_params), request, any_origin)

            def answer(request: Request, path_params: dict[str, str]) -> Response:
                try:
                    ctx = context()
                    principal = _principal(auth, ctx, request) if auth else None
                    _check_path_ids(path_params)
                    given: dict[str, Any] = {"ctx": ctx, "principal": principal}
                    if body:
                        given["body"] = body.model_validate(
                            parse_json_object(request.raw_body, "body")
                        )
                    if query:
                        given["query"] = query.model_validate(request.query_params or {})
                    if "client_ip" in declared:
                        given["client_ip"] = client_ip(request, ctx)
                    given["user_agent"] = request.headers.get("user-agent", "")
                    given["request"] = request
                    kwargs = {name: given[name] for name in declared}
                    result = view(**kwargs, **path_params)
                except Exception as exc:  # noqa: BLE001 - the one place that maps every error
                    return error_response(exc)
                if isinstance(result, Response):
                    return result
                code = status
                if isinstance(result, tuple):
                    code, result = result
                if result is None:
                    return Response(body="", status_code=204)
                shaped = (
                    response.model_validate(result).model_dump(mode="json") if response else result
                )
                return json_response(code, shaped)

            handler.__name__ = view.__name__
            # Any content type: the body is parsed as JSON here, so a wrong one gets our 400.
            blueprint.route(path, methods=[method], content_types=["*/*"])(handler)
            _preflight(blueprint, path, method, any_origin)
            return view

        return register

    return route


# ---- CORS: Chalice's is one fixed origin at deploy time; ours is PUBLIC_ORIGIN, read at run time

_PREFLIGHT_METHODS: dict[str, list[str]] = {}


def _allowed_origin(request: Request, any_origin: bool) -> str | None:
    if any_origin:
        return "*"
    origin = request.headers.get("origin")
    public_origin = context().settings.public_origin
    return origin if origin and origin == public_origin else None


def _grant_cors(response: Response, request: Request, any_origin: bool) -> Response:
    allowed = _allowed_origin(request, any_origin)
    if allowed is not None:
        response.headers["Access-Control-Allow-Origin"] = allowed
    if not any_origin:
        response.headers["Vary"] = "Origin"
    return response


def _preflight(blueprint: Blueprint, path: str, method: str, any_origin: bool) -> None:
    """One OPTIONS route per path, answering browsers' preflight requests for its methods."""
    methods = _PREFLIGHT_METHODS.setdefault(path, [])
    methods.append(method)
    if len(methods) > 1:
        return

    def preflight(**_path_params: str) -> Response:
        request = current_request()
        response = Response(body="", status_code=204)
        if _allowed_origin(request, any_origin) is not None:
            response.headers.update(
                {
                    "Access-Control-Allow-Methods": ",".join([*methods, "OPTIONS"]),
                    "Access-Control-Allow-Headers": ",".join(CORS_HEADERS),
                    "Access-Control-Max-Age": str(CORS_MAX_AGE),
                }
            )
        return _grant_cors(response, request, any_origin)

    preflight.__name__ = "preflight_" + re.sub(r"\W+", "_", path).strip("_")
    blueprint.route(path, methods=["OPTIONS"])(preflight)


# ---- cursors -----------------------------------------------------------------------------------


def encode_cursor(value: object | None) -> str | None:
    if value is None:
        return None
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, shape: TypeAdapter[Any]) -> Any:
    """A cursor is checked against the exact shape this API gives out: a forged one is a 400
    `invalid_cursor`, never a key that DynamoDB refuses (a 500)."""
    if not cursor:
        return None
    try:
        value = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return shape.dump_python(shape.validate_python(value))
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:  # ValidationError included
        raise InvalidInput("next: not a cursor this API gave out", "invalid_cursor") from exc


# Built on first use, like the models in chalicelib/schemas/ (AgentsCursor is one of them).
ROOMS_CURSOR = TypeAdapter(s.CreatedKeyCursor, config=ConfigDict(defer_build=True))
AGENTS_CURSOR = TypeAdapter(s.AgentsCursor)
