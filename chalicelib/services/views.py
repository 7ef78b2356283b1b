"""Shapes stored records into the public contract's dicts (validated by schemas in app.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib.clock import iso
from chalicelib.store.records import Agent, Contact, Department, Message, Room

DEFAULT_SETTINGS: Mapping[str, Any] = {
    "away_after_minutes": 5,
    "sound": True,
    "theme": "system",
    "avatar": None,
    "density": "comfortable",
    "language": None,
    "room_sort": "activity",
    "group_by_type": True,
    "unread_on_top": False,
    "show_avatars": True,
    "push_previews": False,
}


def room_view(room: Room, agent_status: str | None = None, position: int | None = None) -> dict:
    """`agent_status` is the serving agent's status (offline when not known)."""
    view: dict[str, Any] = {
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
        "last_seq": room.last_seq,
    }
    if room.agent_id:
        view["agent"] = {
            "agent_id": room.agent_id,
            "name": room.agent_name or "",
            "status": agent_status or "offline",
        }
    if position is not None:
        view["position"] = position
    if room.offline:  # a message left while nobody could answer, and where answers go
        view["offline"] = True
        view["email"] = room.offline_email
    if room.page:
        view["page"] = dict(room.page)
    if room.handover:
        view["handover"] = dict(room.handover)
    if room.file_count:
        view["files"] = room.file_count
    if room.rating is not None:
        view["rating"] = {"score": room.rating, "comment": room.rating_comment}
    return view


FOR_AGENTS_ONLY = ("page", "handover", "unread")
AGENT_DISPLAYS = ("name", "first_name", "department")


def shown_agent_name(department: Department | None, name: str) -> str | None:
    """The agent's name as visitors see it under the department's `agent_display` (None: the
    name itself). An email address is never shown: such a name shows the department's."""
    mode = department.agent_display if department is not None else "name"
    if mode == "department" or "@" in name:
        shown = department.name if department is not None else name.split("@", 1)[0]
    elif mode == "first_name":
        shown = name.split()[0] if name.split() else name
    else:
        shown = name
    return None if shown == name else shown


def visitor_room_view(view: dict, room: Room) -> dict:
    """A room view as its visitor may read it: without what only agents see, its agent named
    as the department shows them."""
    shown = {key: value for key, value in view.items() if key not in FOR_AGENTS_ONLY}
    if shown["agent"] is not None and room.agent_shown:
        shown["agent"] = {**shown["agent"], "name": room.agent_shown}
    return shown


def message_view(message: Message) -> dict:
    return {
        "message_id": message.message_id,
        "room_id": message.room_id,
        "seq": message.seq,
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
        "file": dict(message.file) if message.file is not None else None,
    }


def agent_view(agent: Agent) -> dict:
    """An agent as they and admins see them, settings filled in with the defaults."""
    return {
        "agent_id": agent.agent_id,
        "email": agent.email,
        "name": agent.name,
        "role": agent.role,
        "state": agent.state,
        "departments": list(agent.departments),
        "status": agent.status,
        "available": agent.available,
        "settings": {**DEFAULT_SETTINGS, **agent.settings},
        "created_at": agent.created_at,
    }


def colleague_view(agent: Agent) -> dict:
    """An agent as other agents see them (forwarding): no email, no settings."""
    return {
        "agent_id": agent.agent_id,
        "name": agent.name,
        "status": agent.status,
        "available": agent.available,
    }


def department_view(department: Department, available: bool) -> dict:
    return {
        "department_id": department.department_id,
        "name": department.name,
        "allowed_origins": list(department.allowed_origins),
        "retention_hours": department.retention_hours,
        "available": available,
        "office_hours": dict(department.office_hours) if department.office_hours else None,
        "offline_messages": department.offline_messages,
        "privacy_url": department.privacy_url,
        "agent_display": department.agent_display,
        "alert_after_minutes": department.alert_after_minutes,
        "alert_email": department.alert_email,
        "uploads": department.uploads,
    }


CONTACT_FIELDS = ("name", "email", "phone", "note")


def contact_info_view(contact: Contact | None) -> dict | None:
    if contact is None:
        return None
    return {field: getattr(contact, field) for field in (*CONTACT_FIELDS, "updated_at")}
