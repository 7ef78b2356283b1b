"""What the statistics say (`GET /stats`, `GET /stats/agents`): the hourly counters of
services/stats.py summed per hour or day, percentiles read from the summed histograms."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta

from chalicelib.errors import Forbidden, InvalidInput
from chalicelib.services.context import Context
from chalicelib.services.departments import get as get_department
from chalicelib.services.principals import AgentPrincipal
from chalicelib.services.stats import BOUNDS, KEPT_DAYS

SCORES = ("1", "2", "3", "4", "5")


def percentile(counts: Mapping[str, int], histogram: str, q: float) -> int | None:
    """The upper bound of the bucket holding the q-th of the histogram's times (nearest rank);
    None when it holds none."""
    buckets = [counts.get(f"{histogram}#{i:02d}", 0) for i in range(len(BOUNDS) + 1)]
    total = sum(buckets)
    if total == 0:
        return None
    rank = max(1, math.ceil(q * total))
    seen = 0
    for index, n in enumerate(buckets):
        seen += n
        if seen >= rank:
            return BOUNDS[min(index, len(BOUNDS) - 1)]
    return BOUNDS[-1]


def summary(counts: Mapping[str, int]) -> dict:
    return {
        "chats": counts.get("chats", 0),
        "answered": counts.get("answered", 0),
        "missed": counts.get("missed", 0),
        "offline": counts.get("offline", 0),
        "messages": counts.get("messages", 0),
        "wait_p50_s": percentile(counts, "wait", 0.5),
        "wait_p90_s": percentile(counts, "wait", 0.9),
        "first_response_p50_s": percentile(counts, "first", 0.5),
        "first_response_p90_s": percentile(counts, "first", 0.9),
        "duration_p50_s": percentile(counts, "duration", 0.5),
        "ratings": {score: counts.get(f"rating#{score}", 0) for score in SCORES},
    }


def _departments(ctx: Context, principal: AgentPrincipal, department_id: str | None) -> list[str]:
    if department_id is not None:
        if not principal.serves_department(department_id):
            raise Forbidden(
                "department_id: statistics of other departments are for admins",
                "other_department",
            )
        return [get_department(ctx, department_id).department_id]
    if principal.is_admin:
        return [d.department_id for d in ctx.store.all_departments()]
    return list(principal.departments)


def _today(ctx: Context) -> date:
    return datetime.fromtimestamp(ctx.now(), UTC).date()


def _range(first: date | None, last: date | None, today: date) -> tuple[date, date]:
    last = last or today
    first = first or last - timedelta(days=6)
    if first > last:
        raise InvalidInput("from: must not be after to", "invalid_range")
    if (last - first).days >= KEPT_DAYS:
        raise InvalidInput(f"from: at most {KEPT_DAYS} days before to", "range_too_long")
    return first, last


def _hours(
    ctx: Context, departments: Iterable[str], first: date, last: date
) -> dict[str, Counter[str]]:
    """The counters of each hour ("2026-12-07T13") in the range, all departments summed."""
    summed: dict[str, Counter[str]] = {}
    for department_id in departments:
        for hour in ctx.store.stats_of(department_id, f"{first}T00", f"{last}T23"):
            summed.setdefault(hour.hour, Counter()).update(hour.counts)
    return summed


def _starts(first: date, last: date, bucket: str) -> list[str]:
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    if bucket == "day":
        return [day.isoformat() for day in days]
    return [f"{day}T{hour:02d}" for day in days for hour in range(24)]


def report(
    ctx: Context,
    principal: AgentPrincipal,
    department_id: str | None,
    first: date | None,
    last: date | None,
    bucket: str,
) -> dict:
    """Every hour or day from `first` to `last` (UTC; by default the last 7 days), empty ones
    too, and the whole range as `total`."""
    departments = _departments(ctx, principal, department_id)
    first, last = _range(first, last, _today(ctx))
    per_key: dict[str, Counter[str]] = {}
    total: Counter[str] = Counter()
    for hour, counts in _hours(ctx, departments, first, last).items():
        key = hour[:10] if bucket == "day" else hour
        per_key.setdefault(key, Counter()).update(counts)
        total.update(counts)
    buckets = [
        {"start": _start_time(key, bucket), **summary(per_key.get(key, Counter()))}
        for key in _starts(first, last, bucket)
    ]
    return {
        "first_day": first.isoformat(),
        "last_day": last.isoformat(),
        "bucket": bucket,
        "buckets": buckets,
        "total": summary(total),
    }


def _start_time(key: str, bucket: str) -> str:
    return f"{key}T00:00:00Z" if bucket == "day" else f"{key}:00:00Z"


def agents_report(
    ctx: Context,
    principal: AgentPrincipal,
    department_id: str | None,
    first: date | None,
    last: date | None,
) -> dict:
    """Per agent who answered, gave a first response or was rated in the range (admins)."""
    if not principal.is_admin:
        raise Forbidden("statistics per agent are for admins", "admin_only")
    departments = _departments(ctx, principal, department_id)
    first, last = _range(first, last, _today(ctx))
    per_agent: dict[str, Counter[str]] = {}
    for counts in _hours(ctx, departments, first, last).values():
        for name, n in counts.items():
            if name.startswith("agent#"):
                _, agent_id, counter = name.split("#", 2)
                per_agent.setdefault(agent_id, Counter())[counter] += n
    names = {a.agent_id: a.name for a in ctx.store.get_agents(per_agent)}
    agents = [
        {
            "agent_id": agent_id,
            "name": names.get(agent_id, ""),
            "chats": counts.get("chats", 0),
            "first_response_p50_s": percentile(counts, "first", 0.5),
            "ratings": {score: counts.get(f"rating#{score}", 0) for score in SCORES},
        }
        for agent_id, counts in sorted(per_agent.items(), key=lambda p: names.get(p[0], p[0]))
    ]
    return {"first_day": first.isoformat(), "last_day": last.isoformat(), "agents": agents}
