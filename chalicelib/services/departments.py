"""Departments: configuration by admins, and the availability every page view asks for."""

from __future__ import annotations

from chalicelib.errors import Conflict, NotFound
from chalicelib.services import files
from chalicelib.services.context import Context
from chalicelib.services.office_hours import is_open, normalized
from chalicelib.services.presence import is_available
from chalicelib.services.views import department_view
from chalicelib.store.base import Changed, Taken
from chalicelib.store.records import Department


def _not_found(department_id: str) -> NotFound:
    return NotFound(f"unknown department_id {department_id!r}", "department_not_found")


def get(ctx: Context, department_id: str) -> Department:
    """The department, or 404: what other services check a department id with."""
    department = ctx.store.get_department(department_id)
    if department is None:
        raise _not_found(department_id)
    return department


def _view(ctx: Context, department: Department) -> dict:
    return department_view(department, is_available(department, ctx.now()))


def public_availability(ctx: Context, department_id: str) -> dict:
    """What the loader asks on every page view, from the same one GetItem: whether someone can
    answer, whether it is within the department's office hours (`open`; always without office
    hours: "#livechat-check" tells editors why the button is hidden), and the page origins the
    department allows the chat on (the loader compares its page's origin itself, so that the
    cached answer never varies by Origin)."""
    department = get(ctx, department_id)
    now = ctx.now()
    return {
        "department_id": department_id,
        "available": is_available(department, now),
        "open": is_open(department.office_hours, now),
        "allowed_origins": list(department.allowed_origins),
        # While nobody can answer, the loader offers to leave a message instead (offline.py).
        "offline_messages": department.offline_messages,
        "privacy_url": department.privacy_url,
    }


def list_all(ctx: Context) -> list[dict]:
    return [_view(ctx, d) for d in ctx.store.all_departments()]


def create(
    ctx: Context,
    department_id: str,
    name: str,
    allowed_origins: list[str],
    retention_hours: int,
    offline_messages: bool = False,
    privacy_url: str | None = None,
) -> dict:
    department = Department(
        department_id=department_id,
        name=name,
        allowed_origins=tuple(dict.fromkeys(allowed_origins)),
        retention_hours=retention_hours,
        created_at=ctx.iso(),
        offline_messages=offline_messages,
        privacy_url=privacy_url or None,
    )
    try:
        ctx.store.create_department(department)
    except Taken as exc:
        raise Conflict(
            f"department_id {department_id!r} exists already", "department_exists"
        ) from exc
    files.allow_uploads_from_departments(ctx)
    return _view(ctx, department)


def ensure(
    ctx: Context, department_id: str, name: str, allowed_origins: list[str], retention_hours: int
) -> bool:
    try:
        create(ctx, department_id, name, allowed_origins, retention_hours)
    except Conflict:
        return False
    return True


def update(
    ctx: Context,
    department_id: str,
    name: str | None,
    allowed_origins: list[str] | None,
    retention_hours: int | None,
    office_hours: dict | None = None,
    offline_messages: bool | None = None,
    privacy_url: str | None = None,
    agent_display: str | None = None,
    alert_after_minutes: int | None = None,
    alert_email: str | None = None,
    uploads: bool | None = None,
) -> dict:
    """Change what is given; office hours as a whole (`enabled` False keeps them, unused); an
    empty `privacy_url` or `alert_email` removes it."""
    origins = tuple(dict.fromkeys(allowed_origins)) if allowed_origins is not None else None
    try:
        department = ctx.store.change_department(
            department_id,
            name=name,
            allowed_origins=origins,
            retention_hours=retention_hours,
            office_hours=normalized(office_hours) if office_hours is not None else None,
            offline_messages=offline_messages,
            privacy_url=privacy_url,
            agent_display=agent_display,
            alert_after_minutes=alert_after_minutes,
            alert_email=alert_email,
            uploads=uploads,
        )
    except Changed as exc:
        raise _not_found(department_id) from exc
    if origins is not None:
        files.allow_uploads_from_departments(ctx)
    return _view(ctx, department)


def delete(ctx: Context, department_id: str) -> None:
    try:
        ctx.store.delete_department(department_id)
    except Changed as exc:
        raise _not_found(department_id) from exc
    files.allow_uploads_from_departments(ctx)
