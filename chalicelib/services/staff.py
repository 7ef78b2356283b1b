"""Team chat rooms (S5-S9, S22 in docs/features.md): public channels, private groups and direct
rooms of the staff; who is in them, the directory and the name-only search.

Channels are open to every active agent (to find, read and join); groups and direct rooms exist
only for their members: everyone else gets 404, administrators included. Owners and
administrators rename, set the topic, add and remove members and delete channels and groups.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from chalicelib.clock import new_id
from chalicelib.errors import Conflict, Forbidden, InvalidInput, NotFound
from chalicelib.services import events, files
from chalicelib.services.context import Context
from chalicelib.services.principals import AgentPrincipal, Principal
from chalicelib.services.views import room_view
from chalicelib.store.base import Changed, Taken
from chalicelib.store.records import Agent, Connection, StaffMember, StaffRoom

ROOM_ID_PREFIX = "team_"
DIRECT_MAX_MEMBERS = 8
FIRST_MEMBERS_MAX = 50  # a room is created in one transaction with its first members
LIVECHAT_SEARCH_LIMIT = 100


def is_staff_room_id(room_id: str) -> bool:
    return room_id.startswith(ROOM_ID_PREFIX)


def direct_room_id(agent_ids: Iterable[str]) -> str:
    """One direct room per set of members: its id is made from the set."""
    digest = hashlib.sha256("\n".join(sorted(set(agent_ids))).encode()).hexdigest()
    return f"{ROOM_ID_PREFIX}dm_{digest[:24]}"


def require_agent(principal: Principal) -> AgentPrincipal:
    """Visitors never reach team chat."""
    if not isinstance(principal, AgentPrincipal):
        raise Forbidden("team chat is for agents only", "agents_only")
    return principal


def staff_room_view(room: StaffRoom, agent_id: str, member: StaffMember | None = None) -> dict:
    """The contract's staff room as `agent_id` sees it (a direct room is named after the
    others); with their membership, `unread`, `mentions` and `role`."""
    name = room.name
    if room.kind == "direct":
        others = sorted(n for a, n in room.direct_members.items() if a != agent_id)
        name = ", ".join(others) or room.direct_members.get(agent_id, "")
    view: dict = {
        "room_id": room.room_id,
        "kind": room.kind,
        "name": name,
        "topic": room.topic,
        "members_count": room.members_count,
        "created_at": room.created_at,
        "last_message_at": room.last_message_at,
        "last_seq": room.last_seq,
    }
    if member is not None:
        view["unread"] = max(room.last_seq - member.read_seq, 0)
        view["mentions"] = member.mentions
        view["role"] = member.role
        view["read_seq"] = member.read_seq
    return view


def tell(
    ctx: Context, agent_ids: Iterable[str], event: str, room: StaffRoom, reason: str | None = None
) -> None:
    """`staff_room` event to each agent, with the room as they see it; a `removed` says why
    (`left`, `removed` by its owner or an admin, or `deleted`), so that a console can say so."""
    for agent_id in dict.fromkeys(agent_ids):
        payload = {"type": "staff_room", "event": event, "room": staff_room_view(room, agent_id)}
        if reason is not None:
            payload["reason"] = reason
        events.notify(ctx, [agent_id], payload)


def push_to_online_members(
    ctx: Context,
    room: StaffRoom,
    payload: dict,
    skip: str | None = None,
    sender: str | None = None,
    also: Iterable[str] = (),
) -> tuple[list[Connection], set[str]]:
    """Send to the live connections of the room's online members, the `sender`'s last (the
    others wait for their post, the sender only for its echo); forget gone connections.
    Membership is read now, for every kind: a direct room's `direct_members` name the room
    and outlive a leave. The same read tells which of `also` are members (whom a message
    may push to). Returns the online connections and the members found."""
    online = [c for c in ctx.store.online_agent_connections(ctx.now()) if c.principal_id != skip]
    wanted = {c.principal_id for c in online} | set(also)
    members = ctx.store.staff_members_among(room.room_id, wanted)
    receivers = [c for c in online if c.principal_id in members]
    receivers.sort(key=lambda connection: connection.principal_id == sender)
    events.deliver(ctx, {c.connection_id: c.connected_at for c in receivers}, payload)
    return online, members


def tell_the_others(ctx: Context, room: StaffRoom | None, changed_member: str) -> None:
    """The room's other online members hear its new member count (`updated`)."""
    if room is not None:
        payload = {"type": "staff_room", "event": "updated", "room": staff_room_view(room, "")}
        push_to_online_members(ctx, room, payload, skip=changed_member)


# ---- reading a room with the asker's rights ------------------------------------------------------


def load(ctx: Context, principal: Principal, room_id: str) -> tuple[StaffRoom, StaffMember | None]:
    """The room and the asker's membership; 404 for a group or direct room they are not in."""
    agent = require_agent(principal)
    room = _existing(ctx, room_id)
    member = ctx.store.staff_member(room_id, agent.id)
    if room.kind != "channel" and member is None:
        raise NotFound(f"unknown room_id {room_id!r}", "room_not_found")
    return room, member


def _existing(ctx: Context, room_id: str) -> StaffRoom:
    room = ctx.store.get_staff_room(room_id) if is_staff_room_id(room_id) else None
    if room is None:
        raise NotFound(f"unknown room_id {room_id!r}", "room_not_found")
    return room


def load_member(ctx: Context, principal: Principal, room_id: str) -> tuple[StaffRoom, StaffMember]:
    """As `load`, for what only members do (write, read markers)."""
    room, member = load(ctx, principal, room_id)
    if member is None:
        raise Forbidden("join the channel first", "not_a_member")
    return room, member


def _load_managed(ctx: Context, principal: Principal, room_id: str) -> tuple[StaffRoom, bool]:
    """A channel or group the asker may manage (its owner, or an admin); 403 otherwise."""
    room, member = load(ctx, principal, room_id)
    if room.kind == "direct":
        raise Forbidden("a direct room has no owner", "direct_room")
    agent = require_agent(principal)
    if not agent.is_admin and (member is None or member.role != "owner"):
        raise Forbidden("only the owner or an administrator may do this", "not_room_owner")
    return room, member is not None


def _active_agents(ctx: Context, agent_ids: Iterable[str]) -> dict[str, Agent]:
    wanted = set(agent_ids)
    found = {a.agent_id: a for a in ctx.store.get_agents(wanted) if a.state == "active"}
    missing = sorted(wanted - set(found))
    if missing:
        raise NotFound(f"agent_ids: no active agent {missing[0]!r}", "agent_not_found")
    return found


def _member(ctx: Context, room: StaffRoom, agent_id: str, name: str, role: str) -> StaffMember:
    return StaffMember(
        room_id=room.room_id,
        agent_id=agent_id,
        agent_name=name,
        kind=room.kind,
        role=role,
        read_seq=room.last_seq,
        joined_at=ctx.iso(),
    )


# ---- create -------------------------------------------------------------------------------------


def create_channel(
    ctx: Context,
    principal: Principal,
    kind: str,
    name: str,
    topic: str | None,
    member_ids: Iterable[str],
) -> dict:
    """A channel or group, its creator the owner; 409 `name_taken` for a channel's name taken
    by another channel. Group names need not be unique: refusing one would tell of a group
    the asker cannot see."""
    agent = require_agent(principal)
    others = _active_agents(ctx, set(member_ids) - {agent.id})
    if len(others) + 1 > FIRST_MEMBERS_MAX:
        raise InvalidInput(
            f"members: at most {FIRST_MEMBERS_MAX - 1} at first (add more afterwards)",
            "too_many_members",
        )
    room = StaffRoom(
        room_id=new_id(ROOM_ID_PREFIX.rstrip("_")),
        kind=kind,
        name=name,
        topic=topic or None,
        created_at=ctx.iso(),
        created_by=agent.id,
    )
    members = [_member(ctx, room, agent.id, agent.name, "owner")]
    members += [_member(ctx, room, a.agent_id, a.name, "member") for a in others.values()]
    try:
        ctx.store.create_staff_room(room, members)
    except Taken as exc:
        raise Conflict(f"name: a channel {name!r} exists", "name_taken") from exc
    created = ctx.store.get_staff_room(room.room_id) or room
    tell(ctx, others, "added", created)
    return staff_room_view(created, agent.id, members[0])


def open_direct(ctx: Context, principal: Principal, agent_ids: Iterable[str]) -> tuple[dict, bool]:
    """The direct room of exactly the asker and these agents: (room, created)."""
    agent = require_agent(principal)
    others = _active_agents(ctx, set(agent_ids) - {agent.id})
    if not others:
        raise InvalidInput("agent_ids: name at least one other agent", "no_other_agent")
    if len(others) + 1 > DIRECT_MAX_MEMBERS:
        raise InvalidInput(
            f"agent_ids: a direct room has at most {DIRECT_MAX_MEMBERS} members", "too_many_members"
        )
    names = {agent.id: agent.name} | {a.agent_id: a.name for a in others.values()}
    room = StaffRoom(
        room_id=direct_room_id(names),
        kind="direct",
        name="",
        created_at=ctx.iso(),
        created_by=agent.id,
        direct_members=names,
    )
    members = [_member(ctx, room, a, n, "member") for a, n in sorted(names.items())]
    try:
        ctx.store.create_staff_room(room, members)
    except Taken:
        existing, member = load(ctx, principal, room.room_id)
        return staff_room_view(existing, agent.id, member), False
    created = ctx.store.get_staff_room(room.room_id) or room
    tell(ctx, others, "added", created)
    own = next(m for m in members if m.agent_id == agent.id)
    return staff_room_view(created, agent.id, own), True


# ---- read ---------------------------------------------------------------------------------------


def my_rooms(ctx: Context, principal: Principal, sort: str) -> list[dict]:
    """The agent's staff rooms with `unread`; by last activity (newest first) or by name."""
    agent = require_agent(principal)
    memberships = {m.room_id: m for m in ctx.store.staff_memberships(agent.id)}
    rooms = ctx.store.get_staff_rooms(memberships)
    views = [staff_room_view(r, agent.id, memberships[r.room_id]) for r in rooms]
    if sort == "name":
        views.sort(key=lambda v: v["name"].casefold())
    else:
        views.sort(key=lambda v: v["last_message_at"] or v["created_at"], reverse=True)
    return views


def get(ctx: Context, principal: Principal, room_id: str) -> dict:
    """The room with its members."""
    room, member = load(ctx, principal, room_id)
    view = staff_room_view(room, principal.id, member)
    view["members"] = [
        {"agent_id": m.agent_id, "name": m.agent_name, "role": m.role}
        for m in ctx.store.staff_members(room.room_id)
    ]
    return view


# ---- manage -------------------------------------------------------------------------------------


def change(
    ctx: Context, principal: Principal, room_id: str, name: str | None, topic: str | None
) -> dict:
    room, _ = _load_managed(ctx, principal, room_id)
    try:
        changed = ctx.store.change_staff_room(room.room_id, name=name, topic=topic)
    except Taken as exc:
        raise Conflict(f"name: a channel {name!r} exists", "name_taken") from exc
    except Changed as exc:
        raise NotFound(f"unknown room_id {room_id!r}", "room_not_found") from exc
    member_ids = [m.agent_id for m in ctx.store.staff_members(room.room_id)]
    tell(ctx, member_ids, "updated", changed)
    return staff_room_view(changed, principal.id, ctx.store.staff_member(room_id, principal.id))


def delete(ctx: Context, principal: Principal, room_id: str) -> None:
    room, _ = _load_managed(ctx, principal, room_id)
    last_members = ctx.store.delete_staff_room(room.room_id)
    files.erase_room(ctx, room.room_id)
    tell(ctx, last_members, "removed", room, reason="deleted")


def join(ctx: Context, principal: Principal, room_id: str) -> dict:
    require_agent(principal)
    # A group answers 403 to anyone who tries to join it, member or not, so that the answer
    # does not tell who is in it; direct rooms stay 404 to outsiders, as everywhere.
    if _existing(ctx, room_id).kind == "group":
        raise Forbidden("only public channels can be joined", "not_a_channel")
    room, member = load(ctx, principal, room_id)
    if room.kind != "channel":
        raise Forbidden("only public channels can be joined", "not_a_channel")
    if member is None:
        _add(ctx, room, principal.id, principal.name)
    return get(ctx, principal, room_id)


def leave(ctx: Context, principal: Principal, room_id: str) -> None:
    room, _ = load_member(ctx, principal, room_id)
    ctx.store.remove_staff_member(room.room_id, principal.id)
    tell(ctx, [principal.id], "removed", room, reason="left")
    tell_the_others(ctx, ctx.store.get_staff_room(room.room_id), principal.id)


def add_member(ctx: Context, principal: Principal, room_id: str, agent_id: str) -> dict:
    room, _ = _load_managed(ctx, principal, room_id)
    added = _active_agents(ctx, [agent_id])[agent_id]
    _add(ctx, room, added.agent_id, added.name)
    return get(ctx, principal, room_id)


def remove_member(ctx: Context, principal: Principal, room_id: str, agent_id: str) -> None:
    if agent_id == principal.id:
        leave(ctx, principal, room_id)
        return
    room, _ = _load_managed(ctx, principal, room_id)
    if not ctx.store.remove_staff_member(room.room_id, agent_id):
        raise NotFound(f"agent_id: {agent_id!r} is no member", "member_not_found")
    tell(ctx, [agent_id], "removed", room, reason="removed")
    tell_the_others(ctx, ctx.store.get_staff_room(room.room_id), agent_id)


def _add(ctx: Context, room: StaffRoom, agent_id: str, name: str) -> None:
    try:
        added = ctx.store.add_staff_member(_member(ctx, room, agent_id, name, "member"))
    except Changed as exc:
        raise NotFound(f"unknown room_id {room.room_id!r}", "room_not_found") from exc
    if added:
        now_with_them = ctx.store.get_staff_room(room.room_id) or room
        tell(ctx, [agent_id], "added", now_with_them)
        tell_the_others(ctx, now_with_them, agent_id)


def mark_read(ctx: Context, principal: Principal, room_id: str, seq: int) -> dict:
    room, _ = load_member(ctx, principal, room_id)
    if seq > room.last_seq:
        raise InvalidInput(f"seq: the room's last seq is {room.last_seq}", "seq_ahead")
    member = ctx.store.mark_staff_read(room.room_id, principal.id, seq)
    if member is None:  # left meanwhile
        raise Forbidden("join the channel first", "not_a_member")
    return staff_room_view(room, principal.id, member)


# ---- directory and search (names only) ---------------------------------------------------------


def _matches(name: str, query: str | None) -> bool:
    return not query or query.casefold() in name.casefold()


def _active_agents_named(ctx: Context, query: str | None) -> list[dict]:
    found, cursor = [], None
    while True:
        page, cursor = ctx.store.agents_by_state("active", 200, cursor)
        found += [a for a in page if _matches(a.name, query)]
        if cursor is None:
            break
    found.sort(key=lambda a: a.name.casefold())
    return [{"agent_id": a.agent_id, "name": a.name, "status": a.status} for a in found]


def _visible_rooms_named(ctx: Context, agent: AgentPrincipal, query: str | None) -> list[dict]:
    """Public channels and the agent's own rooms whose name matches."""
    memberships = {m.room_id: m for m in ctx.store.staff_memberships(agent.id)}
    rooms = {r.room_id: r for r in ctx.store.public_channels()}
    rooms |= {r.room_id: r for r in ctx.store.get_staff_rooms(set(memberships) - set(rooms))}
    views = [staff_room_view(r, agent.id, memberships.get(r.room_id)) for r in rooms.values()]
    return sorted(
        (v for v in views if _matches(v["name"], query)), key=lambda v: v["name"].casefold()
    )


def directory(ctx: Context, principal: Principal, kind: str, query: str | None) -> dict:
    """Public channels (and the agent's groups), or active colleagues; never livechats."""
    agent = require_agent(principal)
    if kind == "users":
        return {"users": _active_agents_named(ctx, query)}
    rooms = _visible_rooms_named(ctx, agent, query)
    return {"rooms": [v for v in rooms if v["kind"] in ("channel", "group")]}


def search(ctx: Context, principal: Principal, query: str) -> dict:
    """Rooms the agent may access and colleagues, by name only: channel and group names, the
    members of a direct room, the Guest-N of livechats. Message text is never searched."""
    agent = require_agent(principal)
    rooms = _visible_rooms_named(ctx, agent, query)
    rooms += [
        {**view, "kind": "livechat", "name": view["visitor"]["name"]}
        for view in _livechats(ctx, agent)
        if _matches(view["visitor"]["name"], query)
    ]
    return {"rooms": rooms, "users": _active_agents_named(ctx, query)}


def _livechats(ctx: Context, agent: AgentPrincipal) -> list[dict]:
    """Livechats the agent may open: those they serve(d) and their departments' queues."""
    now = ctx.now()
    links = ctx.store.rooms_of_agent(agent.id, before_key=None, limit=LIVECHAT_SEARCH_LIMIT)
    found = {r.room_id: r for r in ctx.store.get_rooms((link.room_id for link in links), now)}
    for department_id in agent.departments:
        for room in ctx.store.queued_rooms(department_id, LIVECHAT_SEARCH_LIMIT, now):
            found[room.room_id] = room
    return [room_view(r) for r in found.values() if agent.can_access(r)]
