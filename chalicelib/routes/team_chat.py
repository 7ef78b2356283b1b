"""Team chat: channels, groups, direct rooms, members, read markers, edits, directory,
search and the retention of staff messages."""

from __future__ import annotations

import re

from chalicelib import schemas as s
from chalicelib.errors import NotFound
from chalicelib.routes.adapter import (
    Answer,
    Area,
    routes,
)
from chalicelib.services import (
    reads,
    staff,
    staff_messages,
)
from chalicelib.services.context import Context
from chalicelib.services.principals import (
    AgentPrincipal,
)

bp = Area(__name__)
route = routes(bp)


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
) -> Answer:
    room, created = staff.open_direct(ctx, principal, body.agent_ids)
    return (201 if created else 200), room


@route(
    "/me/rooms",
    "GET",
    "The agent's staff rooms with unread counts",
    auth="agent",
    query=s.MyRoomsQuery,
    response=s.StaffRoomListOut,
    errors=(400, 401),
)
def my_staff_rooms(
    ctx: Context,
    principal: AgentPrincipal,
    query: s.MyRoomsQuery,
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
    room_id: str,
    agent_id: str,
) -> None:
    staff.remove_member(ctx, principal, room_id, agent_id)


@route(
    "/rooms/{room_id}/read",
    "POST",
    "Move the agent's read marker of a staff room or a livechat up to a seq",
    auth="agent",
    body=s.ReadIn,
    response=s.ReadMarkerOut,
    errors=(400, 401, 403, 404),
)
def mark_room_read(
    ctx: Context,
    principal: AgentPrincipal,
    body: s.ReadIn,
    room_id: str,
) -> Answer:
    return reads.mark_read(ctx, principal, room_id, body.seq)


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
    room_id: str,
    seq: str,
) -> None:
    staff_messages.change(ctx, principal, room_id, _message_seq(seq), None)


@route(
    "/directory",
    "GET",
    "Public channels (and one's groups) or active colleagues, by name",
    auth="agent",
    query=s.DirectoryQuery,
    response=s.DirectoryOut,
    errors=(400, 401),
)
def get_directory(
    ctx: Context,
    principal: AgentPrincipal,
    query: s.DirectoryQuery,
) -> Answer:
    return staff.directory(ctx, principal, query.type, query.q)


@route(
    "/search",
    "GET",
    "Rooms one may access and colleagues, by name only (never message text)",
    auth="agent",
    query=s.SearchQuery,
    response=s.SearchOut,
    errors=(400, 401),
)
def search(ctx: Context, principal: AgentPrincipal, query: s.SearchQuery) -> Answer:
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
    body: s.StaffRetentionIn,
) -> Answer:
    days = None if body.retention_days == "keep" else body.retention_days
    return {"retention_days": staff_messages.set_retention_days(ctx, days) or "keep"}
