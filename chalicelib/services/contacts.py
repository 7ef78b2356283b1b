"""Contact center (S11, S12, S16 in docs/features.md): visitors who chatted with the agent's
departments."""

from __future__ import annotations

from chalicelib.errors import NotFound
from chalicelib.services.access import may_act, require_may_act
from chalicelib.services.context import Context
from chalicelib.services.principals import AgentPrincipal
from chalicelib.services.rooms import accessible_rooms, views_of
from chalicelib.services.views import CONTACT_FIELDS, contact_info_view
from chalicelib.store.records import Contact, Room


def _rooms_of(ctx: Context, principal: AgentPrincipal, visitor_id: str) -> list[Room]:
    rooms = ctx.store.get_rooms(ctx.store.room_ids_of_visitor(visitor_id), ctx.now())
    visible = [room for room in rooms if principal.can_access(room)]
    return sorted(visible, key=lambda r: r.created_key, reverse=True)


def _contact(ctx: Context, visitor_id: str, contact: Contact | None, rooms: list[Room]) -> dict:
    return {
        "visitor_id": visitor_id,
        "name": rooms[0].visitor_name if rooms else visitor_id,
        "contact": contact_info_view(contact),
        "rooms": views_of(ctx, rooms),
    }


def list_for_agent(
    ctx: Context, principal: AgentPrincipal, limit: int, before_key: str | None
) -> tuple[list[dict], str | None]:
    """Newest contact first: one entry per visitor, found through the rooms the agent may see.
    A visitor whose newest room lies before the cursor was listed on an earlier page."""
    seen: set[str] = set()
    chosen: list[tuple[str, list[Room]]] = []
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
    infos = ctx.store.get_contacts((v for v, _ in chosen), ctx.now())
    contacts = [_contact(ctx, v, infos.get(v), rooms) for v, rooms in chosen]
    return contacts, (last_key if has_more else None)


def get(ctx: Context, principal: AgentPrincipal, visitor_id: str) -> dict:
    rooms = _rooms_of(ctx, principal, visitor_id)
    if not rooms:
        raise NotFound(f"unknown visitor_id {visitor_id!r}", "contact_not_found")
    return _contact(ctx, visitor_id, ctx.store.get_contact(visitor_id, ctx.now()), rooms)


def put(ctx: Context, principal: AgentPrincipal, visitor_id: str, fields: dict) -> dict:
    """S16: add what the agent knows of the visitor; it expires with the visitor's data."""
    rooms = _rooms_of(ctx, principal, visitor_id)
    if not rooms:
        raise NotFound(f"unknown visitor_id {visitor_id!r}", "contact_not_found")
    if not any(may_act(principal, room) for room in rooms):
        require_may_act(principal, rooms[0])
    visitor = ctx.store.get_visitor(visitor_id, ctx.now())
    expires_at = max([r.expires_at for r in rooms] + ([visitor.expires_at] if visitor else []))
    existing = ctx.store.get_contact(visitor_id, ctx.now())
    merged = {f: getattr(existing, f) for f in CONTACT_FIELDS} if existing else {}
    merged.update({k: v for k, v in fields.items() if k in CONTACT_FIELDS})
    contact = Contact(visitor_id, updated_at=ctx.iso(), expires_at=int(expires_at), **merged)
    ctx.store.save_contact(contact)
    return _contact(ctx, visitor_id, contact, rooms)
