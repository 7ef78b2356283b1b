"""One-time socket tickets (`POST /ws-ticket`): the socket URL carries a ticket that works once
and for 30 seconds, never the long-lived token, so that URLs written to logs hold no secret."""

from __future__ import annotations

import re

from chalicelib.clock import new_secret
from chalicelib.errors import Unauthorized
from chalicelib.services.context import Context
from chalicelib.services.principals import (
    AgentPrincipal,
    Principal,
    VisitorPrincipal,
    hash_secret,
    still_signed_in,
)
from chalicelib.store.records import SocketTicket

TICKET_SECONDS = 30
_TICKET = re.compile(r"[A-Za-z0-9_-]{20,128}")


def issue(ctx: Context, principal: Principal) -> str:
    ticket = new_secret()
    expires_at = ctx.epoch_in(seconds=TICKET_SECONDS)
    if isinstance(principal, AgentPrincipal):
        holder = SocketTicket("agent", principal.id, principal.session_id, expires_at)
    else:
        holder = SocketTicket("visitor", principal.id, None, expires_at)
    ctx.store.issue_socket_ticket(hash_secret(ticket), holder)
    return ticket


def redeem(ctx: Context, ticket: str | None) -> Principal:
    """Who the ticket was issued to, checked again now; the ticket is gone afterwards."""
    if ticket is None:
        raise Unauthorized(
            "ticket: open the socket with ?ticket= from POST /ws-ticket", "invalid_ticket"
        )
    refused = Unauthorized("the ticket is unknown, used or expired", "invalid_ticket")
    if not _TICKET.fullmatch(ticket):
        raise refused
    now = ctx.now()
    holder = ctx.store.take_socket_ticket(hash_secret(ticket), now)
    if holder is None:
        raise refused
    if holder.kind == "visitor":
        visitor = ctx.store.get_visitor(holder.principal_id, now)
        if visitor is None:
            raise refused
        return VisitorPrincipal(visitor.visitor_id, visitor.name)
    session = ctx.store.get_session(holder.session_id or "", now)
    agent = ctx.store.get_agent(holder.principal_id)
    if session is None or agent is None or agent.state != "active":
        raise refused
    if not still_signed_in(agent, session):
        raise refused
    return AgentPrincipal.of(agent, session.session_id, session.expires_at)
