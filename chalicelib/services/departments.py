"""Departments: configuration by admins, and the availability every page view asks for."""

from __future__ import annotations

from chalicelib.errors import Conflict, NotFound
from chalicelib.services.context import Context
from chalicelib.services.presence import is_available
from chalicelib.services.views import department_view
from chalicelib.store import repo
from chalicelib.store.models import DepartmentItem
from chalicelib.store.repo import ConditionFailed


def get(department_id: str) -> DepartmentItem:
    department = repo.get_department(department_id)
    if department is None:
        raise NotFound(f"unknown department_id {department_id!r}", "department_not_found")
    return department


def public_availability(ctx: Context, department_id: str) -> dict:
    """What the loader asks on every page view, from the same one GetItem: whether someone can
    answer, and the page origins the department allows the chat on (the loader compares its
    page's origin itself, so that the cached answer never varies by Origin)."""
    department = get(department_id)
    return {
        "department_id": department_id,
        "available": is_available(department, ctx.now()),
        "allowed_origins": list(department.allowed_origins or []),
    }


def list_all() -> list[DepartmentItem]:
    return repo.all_departments()


def view(ctx: Context, department: DepartmentItem) -> dict:
    return department_view(department, is_available(department, ctx.now()))


def create(
    ctx: Context, department_id: str, name: str, allowed_origins: list[str], retention_hours: int
) -> DepartmentItem:
    department = DepartmentItem(
        department_id,
        name=name,
        allowed_origins=list(dict.fromkeys(allowed_origins)),
        retention_hours=retention_hours,
        created_at=ctx.iso(),
    )
    try:
        repo.create_department(department)
    except ConditionFailed as exc:
        raise Conflict(
            f"department_id {department_id!r} exists already", "department_exists"
        ) from exc
    return department


def ensure(
    ctx: Context, department_id: str, name: str, allowed_origins: list[str], retention_hours: int
) -> bool:
    try:
        create(ctx, department_id, name, allowed_origins, retention_hours)
    except Conflict:
        return False
    return True


def update(
    department_id: str,
    name: str | None,
    allowed_origins: list[str] | None,
    retention_hours: int | None,
) -> DepartmentItem:
    department = get(department_id)
    actions = []
    if name is not None:
        actions.append(DepartmentItem.name.set(name))
    if allowed_origins is not None:
        actions.append(DepartmentItem.allowed_origins.set(list(dict.fromkeys(allowed_origins))))
    if retention_hours is not None:
        actions.append(DepartmentItem.retention_hours.set(retention_hours))
    if actions:
        try:
            repo.update_department(department, actions)
        except ConditionFailed as exc:
            raise NotFound(
                f"unknown department_id {department_id!r}", "department_not_found"
            ) from exc
    return department


def delete(department_id: str) -> None:
    try:
        repo.delete_department(department_id)
    except ConditionFailed as exc:
        raise NotFound(f"unknown department_id {department_id!r}", "department_not_found") from exc
