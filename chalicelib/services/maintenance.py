"""Setup of a fresh stack and the scheduled sweep."""

from __future__ import annotations

from chalicelib.services import agents, departments, files, push_notifications, rooms, stranded
from chalicelib.services.context import Context


def setup_stack(
    ctx: Context,
    create_tables: bool,
    admin_email: str | None,
    admin_password: str | None,
    department_specs: list[dict],
) -> dict:
    created_tables = ctx.store.create_missing_tables() if create_tables else []
    # Locally the tables' setup makes the bucket too; in AWS the stack makes it.
    created_bucket = create_tables and ctx.files is not None and ctx.files.create_bucket()
    created_departments = [
        spec["department_id"]
        for spec in department_specs
        if departments.ensure(
            ctx,
            spec["department_id"],
            spec.get("name", spec["department_id"]),
            spec.get("allowed_origins", []),
            int(spec.get("retention_hours", ctx.settings.default_retention_hours)),
        )
    ]
    files.allow_uploads_from_departments(ctx)  # PUBLIC_ORIGIN may have changed since
    admin_created = bool(admin_email and admin_password) and agents.ensure_admin(
        ctx, admin_email or "", admin_password or ""
    )
    return {
        "created_tables": created_tables,
        "created_bucket": created_bucket,
        "created_departments": created_departments,
        "admin_created": admin_created,
    }


def run_sweep(ctx: Context) -> dict:
    # Expired chats close first: a chat the sweep closes alerts nobody.
    swept = {**stranded.sweep(ctx), "rooms_expired": rooms.close_expired(ctx)}
    swept["chats_escalated"] = push_notifications.escalate(ctx)
    if files.sweep_due(ctx):
        swept.update(files.sweep(ctx))
    return swept
