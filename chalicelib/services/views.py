"""Shapes stored items into the public contract's dicts (validated by schemas in app.py)."""

from __future__ import annotations

from chalicelib.clock import iso
from chalicelib.store import repo
from chalicelib.store.models import AgentItem, DepartmentItem, MessageItem, RoomItem


def room_view(room: RoomItem, agent: AgentItem | None = None, position: int | None = None) -> dict:
    view = {
        "room_id": room.room_id,
        "department_id": room.department_id,
        "state": room.state,
        "visitor": {"visitor_id": room.visitor_id, "name": room.visitor_name},
        "agent": None,
        "created_at": room.created_at,
        "taken_at": room.taken_at,
        "queued_at": room.queued_at or room.created_at,
        "closed_at": room.closed_at,
        "expires_at": iso(room.expires_at) if room.state == "closed" else None,
        "closed_by": room.closed_by,
        "comment": room.comment,
        "last_seq": int(room.last_seq or 0),
    }
    if room.agent_id:
        view["agent"] = {
            "agent_id": room.agent_id,
            "name": room.agent_name or (agent.name if agent else ""),
            "status": agent.status if agent else "offline",
        }
    if position is not None:
        view["position"] = position
    return view


def room_views(rooms: list[RoomItem]) -> list[dict]:
    """Several rooms with their agents' statuses, fetched in one batch."""
    agents = {a.agent_id: a for a in repo.get_agents(r.agent_id for r in rooms if r.agent_id)}
    return [room_view(room, agents.get(room.agent_id)) for room in rooms]


def message_view(message: MessageItem) -> dict:
    return {
        "message_id": message.message_id,
        "room_id": message.room_id,
        "seq": int(message.seq),
        "author": {
            "kind": message.author_kind,
            "id": message.author_id,
            "name": message.author_name,
        },
        "text": message.text,
        "created_at": message.created_at,
        "client_id": message.client_id,
        "event": message.event,
        "event_name": message.event_name,
    }


def agent_view(agent: AgentItem) -> dict:
    settings = dict(
        agent.settings.as_dict() if hasattr(agent.settings, "as_dict") else agent.settings or {}
    )
    return {
        "agent_id": agent.agent_id,
        "email": agent.email,
        "name": agent.name,
        "role": agent.role,
        "state": agent.state,
        "departments": list(agent.departments or []),
        "status": agent.status,
        "available": bool(agent.available),
        "settings": settings,
        "created_at": agent.created_at,
    }


def public_agent_view(agent: AgentItem) -> dict:
    return {
        "agent_id": agent.agent_id,
        "name": agent.name,
        "status": agent.status,
        "available": bool(agent.available),
    }


def department_view(department: DepartmentItem, available: bool) -> dict:
    return {
        "department_id": department.department_id,
        "name": department.name,
        "allowed_origins": list(department.allowed_origins or []),
        "retention_hours": int(department.retention_hours),
        "available": available,
    }
