"""Canned responses (texts an agent inserts with `/shortcut` in the composer): a department's,
managed by admins and offered to its agents, and each agent's own."""

from __future__ import annotations

from chalicelib.errors import Conflict, Forbidden, NotFound
from chalicelib.services import messages
from chalicelib.services.context import Context
from chalicelib.services.departments import get as get_department
from chalicelib.services.principals import AgentPrincipal
from chalicelib.store.base import Changed, Taken
from chalicelib.store.records import CannedResponse

# One owner's texts live in one item (DynamoDB: at most 400 KB).
MAX_PER_OWNER = 100


def _department_owner(department_id: str) -> str:
    return f"department#{department_id}"


def _agent_owner(agent_id: str) -> str:
    return f"agent#{agent_id}"


def _view(response: CannedResponse, department_id: str | None) -> dict:
    return {"shortcut": response.shortcut, "text": response.text, "department_id": department_id}


def _list(ctx: Context, owner: str, department_id: str | None) -> list[dict]:
    return [_view(r, department_id) for r in ctx.store.canned_responses(owner)]


def personal(ctx: Context, principal: AgentPrincipal) -> list[dict]:
    return _list(ctx, _agent_owner(principal.id), None)


def of_department(ctx: Context, principal: AgentPrincipal, department_id: str) -> list[dict]:
    """A department's texts, for its agents (and admins)."""
    get_department(ctx, department_id)
    if not principal.serves_department(department_id):
        raise Forbidden("this department's canned responses are its agents'", "other_department")
    return _list(ctx, _department_owner(department_id), department_id)


def _add(ctx: Context, owner: str, shortcut: str, text: str) -> None:
    messages.check_length(ctx, text)
    if len(ctx.store.canned_responses(owner)) >= MAX_PER_OWNER:
        raise Conflict(f"at most {MAX_PER_OWNER} canned responses each", "canned_limit")
    try:
        ctx.store.add_canned_response(owner, CannedResponse(shortcut, text))
    except Taken as exc:
        raise Conflict(f"shortcut: /{shortcut} exists already", "canned_exists") from exc


def _replace(ctx: Context, owner: str, old: str, shortcut: str, text: str) -> None:
    messages.check_length(ctx, text)
    try:
        ctx.store.replace_canned_response(owner, old, CannedResponse(shortcut, text))
    except Changed as exc:
        raise NotFound(f"no canned response /{old}", "canned_not_found") from exc
    except Taken as exc:
        raise Conflict(f"shortcut: /{shortcut} exists already", "canned_exists") from exc


def _delete(ctx: Context, owner: str, shortcut: str) -> None:
    try:
        ctx.store.delete_canned_response(owner, shortcut)
    except Changed as exc:
        raise NotFound(f"no canned response /{shortcut}", "canned_not_found") from exc


def add_personal(ctx: Context, principal: AgentPrincipal, shortcut: str, text: str) -> dict:
    _add(ctx, _agent_owner(principal.id), shortcut, text)
    return _view(CannedResponse(shortcut, text), None)


def replace_personal(
    ctx: Context, principal: AgentPrincipal, old: str, shortcut: str, text: str
) -> dict:
    _replace(ctx, _agent_owner(principal.id), old, shortcut, text)
    return _view(CannedResponse(shortcut, text), None)


def delete_personal(ctx: Context, principal: AgentPrincipal, shortcut: str) -> None:
    _delete(ctx, _agent_owner(principal.id), shortcut)


def add_to_department(ctx: Context, department_id: str, shortcut: str, text: str) -> dict:
    """Admins only (the route says so)."""
    get_department(ctx, department_id)
    _add(ctx, _department_owner(department_id), shortcut, text)
    return _view(CannedResponse(shortcut, text), department_id)


def replace_in_department(
    ctx: Context, department_id: str, old: str, shortcut: str, text: str
) -> dict:
    get_department(ctx, department_id)
    _replace(ctx, _department_owner(department_id), old, shortcut, text)
    return _view(CannedResponse(shortcut, text), department_id)


def delete_from_department(ctx: Context, department_id: str, shortcut: str) -> None:
    get_department(ctx, department_id)
    _delete(ctx, _department_owner(department_id), shortcut)
