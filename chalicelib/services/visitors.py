"""Anonymous visitors (S11, S18): Guest-N identities with a secret token, and self-deletion."""

from __future__ import annotations

from chalicelib.clock import new_id, new_secret
from chalicelib.errors import TooManyRequests
from chalicelib.services import presence, rooms
from chalicelib.services.context import Context
from chalicelib.services.principals import VisitorPrincipal, hash_secret
from chalicelib.store import repo
from chalicelib.store.models import VisitorItem

GUEST_COUNTER = "counter#guest"


def check_rate(ctx: Context, scope: str, client_ip: str) -> None:
    """At most RATE_LIMIT_PER_MINUTE anonymous calls of one kind per address and minute."""
    minute = int(ctx.now() // 60)
    count = repo.increment_counter(
        f"rate#{scope}#{client_ip}#{minute}", expires_at=(minute + 2) * 60
    )
    if count > ctx.settings.rate_limit_per_minute:
        raise TooManyRequests(
            "too many requests from this address; try again in a minute", "rate_limited"
        )


def create(ctx: Context, client_ip: str) -> tuple[VisitorItem, str]:
    check_rate(ctx, "visitors", client_ip)
    number = repo.increment_counter(GUEST_COUNTER)
    secret = new_secret()
    visitor = VisitorItem(
        new_id("vis"),
        name=f"Guest-{number}",
        secret_hash=hash_secret(secret),
        created_at=ctx.iso(),
        expires_at=ctx.epoch_in(hours=ctx.settings.visitor_idle_hours),
    )
    repo.save_visitor(visitor)
    return visitor, f"{visitor.visitor_id}.{secret}"


def keep_alive(ctx: Context, principal: VisitorPrincipal) -> None:
    presence.keep_visitor_alive(ctx, principal.id)


def delete(ctx: Context, principal: VisitorPrincipal) -> None:
    """Everything of the visitor goes at once; agents of their open rooms are told."""
    visitor_id = principal.id
    for room in repo.get_rooms(repo.room_ids_of_visitor(visitor_id), ctx.now()):
        rooms.erase(ctx, room)
    repo.delete_contact(visitor_id)
    presence.close_connections(ctx, visitor_id)
    repo.delete_visitor(visitor_id)
