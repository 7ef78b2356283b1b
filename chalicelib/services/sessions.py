"""An agent's own sessions (Mein Konto): where they are signed in, ending one, and changing the
password, which ends every other one."""

from __future__ import annotations

from chalicelib.clock import new_id
from chalicelib.errors import Conflict, NotFound, WrongPassword
from chalicelib.services import agents, passwords
from chalicelib.services.context import Context
from chalicelib.services.principals import AgentPrincipal, still_signed_in
from chalicelib.store.base import Changed
from chalicelib.store.records import Agent, Session


def _usable(ctx: Context, agent: Agent) -> list[Session]:
    return [
        s for s in ctx.store.sessions_of(agent.agent_id, ctx.now()) if still_signed_in(agent, s)
    ]


def _account(ctx: Context, principal: AgentPrincipal) -> Agent:
    agent = ctx.store.get_agent(principal.id)
    if agent is None:
        raise NotFound(f"unknown agent_id {principal.id!r}", "agent_not_found")
    return agent


def list_mine(ctx: Context, principal: AgentPrincipal) -> list[dict]:
    """The current session first, then the others, last used first."""
    found = _usable(ctx, _account(ctx, principal))
    if principal.session_id not in {s.session_id for s in found}:
        # Just signed in: the index may not have it yet.
        current = ctx.store.get_session(principal.session_id, ctx.now())
        found += [current] if current is not None else []
    found.sort(key=lambda s: (s.session_id == principal.session_id, s.last_seen_at), reverse=True)
    return [
        {
            "session_id": s.session_id,
            "created_at": s.created_at or None,
            "last_seen_at": s.last_seen_at or None,
            "current": s.session_id == principal.session_id,
            "user_agent": s.user_agent,
        }
        for s in found
    ]


def end_mine(ctx: Context, principal: AgentPrincipal, session_id: str) -> None:
    """Sign out one of one's sessions (the current one: as logout); another agent's is unknown."""
    session = ctx.store.get_session(session_id, ctx.now())
    if session is None or session.agent_id != principal.id:
        raise NotFound(f"session_id: no session {session_id!r} of yours", "session_not_found")
    agents.end_session(ctx, principal.id, session_id)


def change_password(ctx: Context, principal: AgentPrincipal, current: str, new: str) -> None:
    """A new password (as strong as registration asks); every other session ends, this one
    stays. Whoever signed in with the former password meanwhile is signed out too."""
    agent = _account(ctx, principal)
    if not agent.password_hash:
        raise Conflict(
            "this account signs in through your institution and has no password to change",
            "no_password",
        )
    if not agents.password_matches(agent.password_hash, current):
        raise WrongPassword("current: this is not your current password")
    passwords.check_strength(new, agent.email, agent.name, field="new")
    try:
        changed = ctx.store.change_password(
            agent.agent_id,
            agents.password_hasher().hash(new),
            stamp=new_id("pwd"),
            kept_session=principal.session_id,
            former_hash=agent.password_hash,
        )
    except Changed as exc:
        raise Conflict(
            "the password was changed meanwhile (in another window?); sign in again",
            "password_changed",
        ) from exc
    # The new stamp stops the other sessions already; their items and sockets go now (a
    # session whose sign-in raced the change may be missing from the index, not its sockets).
    others = {s.session_id for s in ctx.store.sessions_of(changed.agent_id, ctx.now())}
    others |= {
        c.session_id for c in ctx.store.connections_of(changed.agent_id, ctx.now()) if c.session_id
    }
    others.discard(principal.session_id)
    for session_id in sorted(others):
        agents.end_session(ctx, changed.agent_id, session_id)
