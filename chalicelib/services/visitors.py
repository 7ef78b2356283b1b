"""Anonymous visitors (S11, S18 in docs/features.md): Guest-N identities with a secret token,
and self-deletion."""

from __future__ import annotations

import math

from chalicelib.clock import new_id, new_secret
from chalicelib.errors import TooManyRequests
from chalicelib.services import presence, rooms
from chalicelib.services.context import Context
from chalicelib.services.principals import VisitorPrincipal, hash_secret
from chalicelib.store.records import Visitor


def check_rate(ctx: Context, scope: str, client_ip: str) -> None:
    """At most RATE_LIMIT_PER_MINUTE anonymous calls of one kind per address and minute."""
    count_in_minute(
        ctx,
        f"{scope}#{client_ip}",
        ctx.settings.rate_limit_per_minute,
        "too many requests from this address; try again in a minute",
    )


def count_in_minute(ctx: Context, key: str, limit: int, refusal: str) -> None:
    """Counts one call in the current minute's window of `key`; past `limit`, 429 `rate_limited`
    with the seconds until the next minute."""
    minute = int(ctx.now() // 60)
    count = ctx.store.count_request(f"rate#{key}#{minute}", (minute + 2) * 60)
    if count > limit:
        raise TooManyRequests(
            refusal, "rate_limited", retry_after=math.ceil((minute + 1) * 60 - ctx.now())
        )


def create(ctx: Context, client_ip: str) -> dict:
    """A new Guest-N: its id, name and the token that proves it."""
    check_rate(ctx, "visitors", client_ip)
    number = ctx.store.next_guest_number()
    secret = new_secret()
    visitor = Visitor(
        visitor_id=new_id("vis"),
        name=f"Guest-{number}",
        secret_hash=hash_secret(secret),
        created_at=ctx.iso(),
        expires_at=ctx.epoch_in(hours=ctx.settings.visitor_idle_hours),
    )
    ctx.store.create_visitor(visitor)
    token = f"{visitor.visitor_id}.{secret}"
    return {"visitor_id": visitor.visitor_id, "name": visitor.name, "token": token}


def me(ctx: Context, principal: VisitorPrincipal) -> dict:
    """The visitor's identity; asking for it keeps it alive."""
    presence.keep_visitor_alive(ctx, principal.id)
    return {"visitor_id": principal.id, "name": principal.name}


def delete(ctx: Context, principal: VisitorPrincipal) -> None:
    """Everything of the visitor goes at once; agents of their open rooms are told."""
    visitor_id = principal.id
    # Items past their TTL go too: DynamoDB deletes them up to days late.
    for room in ctx.store.rooms_to_erase(ctx.store.room_ids_of_visitor(visitor_id)):
        rooms.erase(ctx, room)
    ctx.store.delete_contact(visitor_id)
    presence.close_connections(ctx, visitor_id)
    ctx.store.erase_connections_of(visitor_id)
    ctx.store.delete_visitor(visitor_id)
