"""Account set-up shared by the moto suites."""

from __future__ import annotations


def store_active_agent(
    ctx,
    email: str,
    name: str,
    password: str,
    departments,
    *,
    role: str,
    available: bool,
    status: str,
):
    """An agent account stored active at once with its toggle and status set: registration and
    approval have tests of their own, and the other tests stay a few DynamoDB calls long."""
    from chalicelib.services import agents
    from chalicelib.store import repo
    from chalicelib.store.models import AgentItem

    item = agents.register(
        ctx, email, name, password, role=role, state="active", departments=list(departments)
    )
    repo.update_agent(item, [AgentItem.available.set(available), AgentItem.status.set(status)])
    return item
