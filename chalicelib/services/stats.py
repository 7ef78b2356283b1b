"""Statistics counted as things happen (issue 23; docs/data-model.md, "Statistics"): per
department and hour, numbers only. Each event adds its counters in one write; percentiles come
from fixed histogram buckets, so no time of any single chat is kept.

A chat is counted where it is when the event happens: started, answered (its first take; a
returned chat taken again is not answered twice), missed (it left the queue never taken: the
visitor ended it or deleted their data, an agent closed it unanswered, or it expired), its
waiting time (queued -> first taken), first response time (taken -> the agent's first message),
duration (first taken -> ended), its messages (counted once, when it ends) and its rating.
"""

from __future__ import annotations

import bisect
import time
from collections.abc import Mapping
from datetime import datetime

from chalicelib.services.context import Context
from chalicelib.store.records import Room

# Upper bounds (seconds) of the histogram buckets; one more bucket holds everything longer. A
# percentile reads as the upper bound of its bucket: at most 5 s high up to half a minute, at
# most 50 % high up to 6 hours, at most double up to a day; beyond a day it reads as a day.
BOUNDS = (
    5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 300, 450, 600, 900, 1200, 1800, 2700,
    3600, 5400, 7200, 10800, 14400, 21600, 43200, 86400,
)  # fmt: skip
KEPT_DAYS = 400
HISTOGRAMS = ("wait", "first", "duration")


def bucket(seconds: float) -> int:
    return bisect.bisect_left(BOUNDS, max(seconds, 0))


def bucket_name(histogram: str, seconds: float) -> str:
    return f"{histogram}#{bucket(seconds):02d}"


def agent_name(agent_id: str, counter: str) -> str:
    return f"agent#{agent_id}#{counter}"


def hour_of(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H", time.gmtime(epoch))


def _epoch(iso_time: str) -> float:
    return datetime.fromisoformat(iso_time).timestamp()


def _count(ctx: Context, room: Room, counts: Mapping[str, int]) -> None:
    now = ctx.now()
    expires_at = int(now) + KEPT_DAYS * 86400
    ctx.store.count_stats(room.department_id, hour_of(now), counts, expires_at)


def chat_started(ctx: Context, room: Room) -> None:
    _count(ctx, room, {"chats": 1})


def chat_taken(ctx: Context, former: Room, taken: Room) -> None:
    """After a take: the chat's first take counts it answered, with its waiting time."""
    if former.taken_at is not None or taken.taken_at is None or taken.agent_id is None:
        return
    waited = _epoch(taken.taken_at) - _epoch(former.queued_at or former.created_at)
    _count(
        ctx,
        taken,
        {"answered": 1, bucket_name("wait", waited): 1, agent_name(taken.agent_id, "chats"): 1},
    )


def first_response(ctx: Context, room: Room, agent_id: str, answered_at: str) -> None:
    if room.taken_at is None:
        return
    seconds = _epoch(answered_at) - _epoch(room.taken_at)
    name = bucket_name("first", seconds)
    _count(ctx, room, {name: 1, agent_name(agent_id, name): 1})


def chat_ended(ctx: Context, room: Room) -> None:
    """The chat closed, expired or was deleted before it closed (`room` as it was before):
    missed when never taken, else its duration; its messages either way."""
    counts = {"messages": room.message_count}
    if room.taken_at is None:
        counts["missed"] = 1
    else:
        counts[bucket_name("duration", ctx.now() - _epoch(room.taken_at))] = 1
    _count(ctx, room, counts)


def rated(ctx: Context, room: Room, score: int) -> None:
    counts = {f"rating#{score}": 1}
    if room.agent_id:
        counts[agent_name(room.agent_id, f"rating#{score}")] = 1
    _count(ctx, room, counts)
