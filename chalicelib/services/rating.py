"""The visitor rates their chat (issue 23): 1 to 5 stars and a comment, once per chat, while it
is open or after it closed. The comment stays with the room and goes with it; the statistics
count only the stars."""

from __future__ import annotations

from chalicelib.errors import Conflict
from chalicelib.services import events, stats
from chalicelib.services.access import load_room
from chalicelib.services.context import Context
from chalicelib.services.principals import VisitorPrincipal
from chalicelib.services.rooms import views_of
from chalicelib.store.base import Changed
from chalicelib.store.records import Room


def _refuse(room: Room | None) -> Conflict:
    if room is not None and room.state == "queued":
        return Conflict("a chat can be rated once an agent has answered", "room_queued")
    return Conflict("this chat is rated already", "already_rated")


def rate(
    ctx: Context, principal: VisitorPrincipal, room_id: str, score: int, comment: str | None
) -> dict:
    room = load_room(ctx, principal, room_id)
    if room.state == "queued" or room.rating is not None:
        raise _refuse(room)
    try:
        rated = ctx.store.rate_room(room, score, comment or None)
    except Changed as exc:
        raise _refuse(ctx.store.get_room(room_id, ctx.now())) from exc
    stats.rated(ctx, rated, score)
    view = views_of(ctx, [rated])[0]
    events.to_room(ctx, rated, {"type": "room", "event": "rated", "room": view})
    return view
