"""Administration: agents (approve, change, disable) and departments."""

from __future__ import annotations

from chalicelib import schemas as s
from chalicelib.errors import InvalidInput
from chalicelib.routes.adapter import (
    AGENTS_CURSOR,
    Answer,
    Area,
    decode_cursor,
    encode_cursor,
    routes,
)
from chalicelib.services import (
    agents,
    departments,
)
from chalicelib.services.context import Context

bp = Area(__name__)
route = routes(bp)


@route(
    "/admin/agents",
    "GET",
    "Agents by state",
    auth="admin",
    query=s.AdminAgentsQuery,
    response=s.AgentListOut,
)
def admin_list_agents(
    ctx: Context,
    query: s.AdminAgentsQuery,
) -> Answer:
    start = decode_cursor(query.next, AGENTS_CURSOR)
    if start is not None and start["state"]["S"] != query.state:
        raise InvalidInput("next: this cursor belongs to another state", "invalid_cursor")
    found, last_key = agents.list_agents(ctx, query.state, query.limit, start)
    return {"agents": found, "next": encode_cursor(last_key)}


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
    body: s.ApproveIn,
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
    body: s.AgentPatchIn,
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
    agent_id: str,
) -> Answer:
    return agents.disable(ctx, agent_id)


@route("/admin/departments", "GET", "Every department", auth="admin", response=s.DepartmentListOut)
def admin_list_departments(ctx: Context) -> Answer:
    return {"departments": departments.list_all(ctx)}


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
    body: s.DepartmentIn,
) -> Answer:
    return departments.create(
        ctx,
        body.department_id,
        body.name,
        body.allowed_origins,
        body.retention_hours,
        body.offline_messages,
        body.privacy_url,
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
    body: s.DepartmentPatchIn,
    department_id: str,
) -> Answer:
    office_hours = body.office_hours.model_dump() if body.office_hours is not None else None
    return departments.update(
        ctx,
        department_id,
        body.name,
        body.allowed_origins,
        body.retention_hours,
        office_hours,
        body.offline_messages,
        body.privacy_url,
        body.agent_display,
        body.alert_after_minutes,
        body.alert_email,
        body.uploads,
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
    department_id: str,
) -> None:
    departments.delete(ctx, department_id)
