"""Canned responses: an agent's own and a department's (managed by admins)."""

from __future__ import annotations

from chalicelib import schemas as s
from chalicelib.routes.adapter import (
    Answer,
    Area,
    routes,
)
from chalicelib.services import (
    canned,
)
from chalicelib.services.context import Context
from chalicelib.services.principals import (
    AgentPrincipal,
)

bp = Area(__name__)
route = routes(bp)


@route(
    "/me/canned-responses",
    "GET",
    "The agent's own canned responses",
    auth="agent",
    response=s.CannedListOut,
)
def list_my_canned(
    ctx: Context,
    principal: AgentPrincipal,
) -> Answer:
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
    ctx: Context,
    principal: AgentPrincipal,
    body: s.CannedIn,
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
    ctx: Context, principal: AgentPrincipal, body: s.CannedIn, shortcut: str
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
def delete_my_canned(ctx: Context, principal: AgentPrincipal, shortcut: str) -> None:
    canned.delete_personal(ctx, principal, shortcut)


@route(
    "/departments/{department_id}/canned-responses",
    "GET",
    "A department's canned responses, for its agents",
    auth="agent",
    response=s.CannedListOut,
    errors=(403, 404),
)
def list_department_canned(ctx: Context, principal: AgentPrincipal, department_id: str) -> Answer:
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
    body: s.CannedIn,
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
    body: s.CannedIn,
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
    department_id: str,
    shortcut: str,
) -> None:
    canned.delete_from_department(ctx, department_id, shortcut)
