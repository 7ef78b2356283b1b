"""Contact center (S11, S12, S16): visitors who chatted with the agent's departments."""

from __future__ import annotations

from chalicelib.errors import NotFound
from chalicelib.services.context import Context
from chalicelib.services.principals import AgentPrincipal
from chalicelib.services.rooms import accessible_rooms
from chalicelib.services.views import room_views
from chalicelib.store import repo
from chalicelib.store.models import ContactItem, RoomItem

CONTACT_FIELDS = ("name", "email", "phone", "note")


def _info(contact: ContactItem | None) -> dict | None:
    if contact is None:
        return None
    return {field: getattr(contact, field) for field in (*CONTACT_FIELDS, "updated_at")}


def _rooms_of(ctx: Context, principal: AgentPrincipal, visitor_id: str) -> list[RoomItem]:
    rooms = repo.get_rooms(repo.room_ids_of_visitor(visitor_id), ctx.now())
    visible = [room for room in rooms if principal.can_access(room)]
    return sorted(visible, key=lambda r: r.created_key, reverse=True)


def _contact(
    ctx: Context,
    principal: AgentPrincipal,
    visitor_id: str,
    contact: ContactItem | None,
    rooms: list[RoomItem] | None = None,
) -> dict:
    rooms = _rooms_of(ctx, principal, visitor_id) if rooms is None else rooms
    return {
        "visitor_id": visitor_id,
        "name": rooms[0].visitor_name if rooms else visitor_id,
        "contact": _info(contact),
        "rooms": room_views(rooms),
    }


def list_for_agent(
    ctx: Context, principal: AgentPrincipal, limit: int, before_key: str | None
) -> tuple[list[dict], str | None]:
    """Newest contact first: one entry per visitor, found through the rooms the agent may see.
    A visitor whose newest room lies before the cursor was listed on an earlier page."""
    seen: set[str] = set()
    chosen: list[tuple[str, list[RoomItem]]] = []
    last_key = None
    has_more = False
    for room in accessible_rooms(ctx, principal, before_key):
        if room.visitor_id in seen:
            last_key = room.created_key
            continue
        if len(chosen) == limit:
            has_more = True
            break
        seen.add(room.visitor_id)
        last_key = room.created_key
        rooms = _rooms_of(ctx, principal, room.visitor_id)
        if before_key and rooms and rooms[0].created_key >= before_key:
            continue
        chosen.append((room.visitor_id, rooms))
    infos = repo.get_contacts((v for v, _ in chosen), ctx.now())
    contacts = [_contact(ctx, principal, v, infos.get(v), rooms) for v, rooms in chosen]
    return contacts, (last_key if has_more else None)


def get(ctx: Context, principal: AgentPrincipal, visitor_id: str) -> dict:
    contact = _contact(ctx, principal, visitor_id, repo.get_contact(visitor_id, ctx.now()))
    if not contact["rooms"]:
        raise NotFound(f"unknown visitor_id {visitor_id!r}", "contact_not_found")
    return contact


def put(ctx: Context, principal: AgentPrincipal, visitor_id: str, fields: dict) -> dict:
    """S16: add what the agent knows of the visitor; it expires with the visitor's data."""
    rooms = _rooms_of(ctx, principal, visitor_id)
    if not rooms:
        raise NotFound(f"unknown visitor_id {visitor_id!r}", "contact_not_found")
    visitor = repo.get_visitor(visitor_id, ctx.now())
    expires_at = max([r.expires_at for r in rooms] + ([visitor.expires_at] if visitor else []))
    existing = repo.get_contact(visitor_id, ctx.now())
    merged = {f: getattr(existing, f) for f in CONTACT_FIELDS} if existing else {}
    merged.update({k: v for k, v in fields.items() if k in CONTACT_FIELDS})
    repo.save_contact(
        ContactItem(visitor_id, updated_at=ctx.iso(), expires_at=int(expires_at), **merged)
    )
    return get(ctx, principal, visitor_id)
