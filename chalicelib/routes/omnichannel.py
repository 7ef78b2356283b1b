"""Agent omnichannel: the queue, preview, take, return, forward, close, the agent's chats,
deletion, contacts; an admin taking over a chat."""

from __future__ import annotations

from chalicelib import schemas as s
from chalicelib.errors import InvalidInput
from chalicelib.routes.adapter import (
    ROOMS_CURSOR,
    Answer,
    Area,
    decode_cursor,
    encode_cursor,
    routes,
)
from chalicelib.services import (
    agents,
    contacts,
    departments,
    rooms,
)
from chalicelib.services.context import Context
from chalicelib.services.principals import (
    AgentPrincipal,
)

bp = Area(__name__)
route = routes(bp)


@route(
    "/queue",
    "GET",
    "Queued rooms of the agent's departments, oldest first",
    auth="agent",
    query=s.QueueQuery,
    response=s.QueueOut,
)
def get_queue(ctx: Context, principal: AgentPrincipal, query: s.QueueQuery) -> Answer:
    return {"rooms": rooms.queue(ctx, principal, query.limit)}


@route(
    "/departments",
    "GET",
    "Every department, for forwarding",
    auth="agent",
    response=s.DepartmentListOut,
)
def list_departments(
    ctx: Context,
) -> Answer:
    return {"departments": departments.list_all(ctx)}


@route(
    "/agents",
    "GET",
    "A department's active agents, for forwarding",
    auth="agent",
    query=s.AgentsQuery,
    response=s.PublicAgentListOut,
    errors=(400, 404),
)
def list_department_agents(
    ctx: Context,
    query: s.AgentsQuery,
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
    room_id: str,
) -> Answer:
    if body.agent_id is not None:
        return rooms.forward_to_agent(
            ctx, principal, room_id, body.agent_id, body.department_id, body.comment
        )
    if body.department_id is not None:
        return rooms.forward_to_department(
            ctx, principal, room_id, body.department_id, body.comment
        )
    raise InvalidInput("give agent_id or department_id", "invalid_forward_target")


@route(
    "/rooms/{room_id}/takeover",
    "POST",
    "An admin takes over an open chat from whoever serves it (a system line says so)",
    auth="admin",
    response=s.RoomOut,
    errors=(403, 404, 409),
)
def take_over_room(ctx: Context, principal: AgentPrincipal, room_id: str) -> Answer:
    return rooms.takeover(ctx, principal, room_id)


@route(
    "/rooms",
    "GET",
    "The agent's chats (admins: all), newest first",
    auth="agent",
    query=s.RoomsQuery,
    response=s.RoomPageOut,
)
def list_rooms(ctx: Context, principal: AgentPrincipal, query: s.RoomsQuery) -> Answer:
    found, last_key = rooms.list_for_agent(
        ctx, principal, query.state, query.limit, decode_cursor(query.next, ROOMS_CURSOR)
    )
    return {"rooms": found, "next": encode_cursor(last_key)}


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
    room_id: str,
) -> None:
    rooms.delete(ctx, principal, room_id)


@route(
    "/rooms",
    "DELETE",
    "Delete every closed chat the agent may see (at most 200 at once: `more` says to ask again)",
    auth="agent",
    query=s.DeleteRoomsQuery,
    response=s.DeletedOut,
)
def delete_closed_rooms(
    ctx: Context,
    principal: AgentPrincipal,
) -> Answer:
    deleted, more = rooms.delete_closed(ctx, principal)
    return {"deleted": deleted, "more": more}


@route(
    "/contacts",
    "GET",
    "Visitors who chatted with the agent's departments",
    auth="agent",
    query=s.PageQuery,
    response=s.ContactListOut,
)
def list_contacts(ctx: Context, principal: AgentPrincipal, query: s.PageQuery) -> Answer:
    found, last_key = contacts.list_for_agent(
        ctx, principal, query.limit, decode_cursor(query.next, ROOMS_CURSOR)
    )
    return {"contacts": found, "next": encode_cursor(last_key)}


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
    visitor_id: str,
) -> Answer:
    return contacts.put(ctx, principal, visitor_id, body.model_dump(exclude_unset=True))
