"""Opening a socket (`$connect`): rate-limited per viewer address like the other anonymous
calls, authenticated by a one-time ticket only (a token in the URL would end up in logs), and
at most MAX_SOCKETS live sockets per visitor and per agent session."""

from __future__ import annotations

from chalicelib.errors import TooManyRequests, Unauthorized
from chalicelib.services import presence, tickets, visitors
from chalicelib.services.context import Context
from chalicelib.services.principals import AgentPrincipal, Principal, session_holds

MAX_SOCKETS = 10


def open_socket(ctx: Context, connection_id: str, address: str, ticket: str | None) -> Principal:
    """`ticket` from `?ticket=`; the older `?token=` and `?visitor_token=` are not read at all,
    so a URL with one is refused as having no ticket."""
    visitors.check_rate(ctx, "connect", address)
    principal = tickets.redeem(ctx, ticket)
    presence.connect(ctx, connection_id, principal)
    # Stored first, checked again after: a sign-out (or a password change, or disabling) that
    # ran meanwhile either finds this socket to close or is seen here.
    if isinstance(principal, AgentPrincipal) and not session_holds(ctx, principal):
        presence.disconnect(ctx, connection_id)
        raise Unauthorized("the session ended while the socket opened", "invalid_token")
    # Stored first, counted after: of concurrent sockets over the limit none stays, so the
    # count never exceeds it.
    if _live_sockets(ctx, principal) > MAX_SOCKETS:
        presence.disconnect(ctx, connection_id)
        raise TooManyRequests(
            f"at most {MAX_SOCKETS} open connections per visitor or sign-in; close another tab",
            "too_many_connections",
            retry_after=30,
        )
    return principal


def _live_sockets(ctx: Context, principal: Principal) -> int:
    connections = ctx.store.connections_of(principal.id, ctx.now())
    if isinstance(principal, AgentPrincipal):
        connections = [c for c in connections if c.session_id == principal.session_id]
    return len(connections)
