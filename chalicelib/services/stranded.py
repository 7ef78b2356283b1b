"""Never strand a visitor with a vanished agent (S19, S24 in docs/features.md).

When an agent serving open chats loses their last live connection (the socket closes, they
sign off, or their heartbeats stop and the sweep notices), their visitors see them offline at
once, and each department of those chats remembers since when the agent is gone. The scheduled
sweep forgets agents who came back and returns the open chats of those gone for
AGENT_GONE_MINUTES to their department's queue, telling the visitor (and whether anyone can
answer now). Admins can also take over any open chat themselves.

Rooms are found by key only: the agent's links to their chats, and the departments' items.
"""

from __future__ import annotations

from chalicelib.services import events, presence, rooms
from chalicelib.services.context import Context
from chalicelib.store.records import Department, Room

# An agent serves at most this many chats at once in practice; their newest links suffice.
OPEN_ROOMS_LOOKED_AT = 50


def open_rooms_of(ctx: Context, agent_id: str) -> list[Room]:
    """The open chats the agent serves now, from their links (newest first)."""
    links = ctx.store.rooms_of_agent(agent_id, before_key=None, limit=OPEN_ROOMS_LOOKED_AT)
    found = ctx.store.get_rooms((link.room_id for link in links), ctx.now())
    return [r for r in found if r.state == "open" and r.agent_id == agent_id]


def agent_went_offline(ctx: Context, agent_id: str, announced: bool = False) -> None:
    """If the agent has no live connection any more, their visitors see it (unless `announced`
    already), and the departments of their open chats remember since when."""
    if presence.is_connected(ctx, agent_id):
        return
    serving = open_rooms_of(ctx, agent_id)
    if not serving:
        return
    since = int(ctx.now())
    for department_id in sorted({r.department_id for r in serving}):
        ctx.store.mark_agent_gone(department_id, agent_id, since)
    if not announced:
        payload = {"type": "presence", "agent_id": agent_id, "status": "offline"}
        events.notify(ctx, sorted({r.visitor_id for r in serving}), payload)


def disconnect(ctx: Context, connection_id: str) -> None:
    """A socket closed ($disconnect): with the agent's last one gone, their visitors see it."""
    gone = presence.disconnect(ctx, connection_id)
    if gone is not None and gone.kind == "agent":
        agent_went_offline(ctx, gone.principal_id)


def sweep(ctx: Context) -> dict:
    """The scheduled sweep: re-count presence, then notice agents whose heartbeats stopped,
    welcome back those who returned, and requeue the chats of those gone too long."""
    before = {d.department_id: d for d in ctx.store.all_departments()}
    checked = presence.sweep(ctx)
    after = ctx.store.all_departments()
    vanished = set()
    for department in after:
        former = before.get(department.department_id)
        if former is not None:
            vanished |= set(former.online_agents) - set(department.online_agents)
    for agent_id in sorted(vanished):
        agent_went_offline(ctx, agent_id)
    returned = 0
    for department in ctx.store.all_departments() if vanished else after:
        returned += _settle_gone_agents(ctx, department)
    return {"agents_checked": checked, "rooms_returned": returned}


def _settle_gone_agents(ctx: Context, department: Department) -> int:
    deadline = ctx.now() - ctx.settings.agent_gone_minutes * 60
    returned = 0
    for agent_id, since in sorted(department.gone_agents.items()):
        if presence.is_connected(ctx, agent_id):
            ctx.store.mark_agent_gone(department.department_id, agent_id, None)
            _announce_back(ctx, agent_id)
        elif since <= deadline:
            answerable = presence.is_available(department, ctx.now())
            for room in open_rooms_of(ctx, agent_id):
                if room.department_id == department.department_id:
                    returned += rooms.requeue_stranded(ctx, room, answerable)
            ctx.store.mark_agent_gone(department.department_id, agent_id, None)
    return returned


def _announce_back(ctx: Context, agent_id: str) -> None:
    agent = ctx.store.get_agent(agent_id)
    if agent is not None:
        presence.announce_status(ctx, agent_id, agent.status)
