"""Account set-up shared by the suites."""

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
) -> str:
    """An agent account stored active at once with its toggle and status set: registration and
    approval have tests of their own, and the other tests stay a few calls long. Returns its id."""
    from chalicelib.services import agents

    agent = agents.register(
        ctx, email, name, password, role=role, state="active", departments=tuple(departments)
    )
    ctx.store.change_agent(agent["agent_id"], available=available, status=status)
    return agent["agent_id"]
