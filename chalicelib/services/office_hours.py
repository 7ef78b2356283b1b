"""Office hours of a department (S24 in docs/features.md): outside them the chat button is hidden
whatever the agents' statuses, since agents forget to go offline at 18:00. They live on the
department item, so that the availability check stays the one GetItem it was; chats that run
already go on.

Stored as plain data: `enabled`, a `time_zone` (IANA name), `weekly` mapping weekday names
(mon…sun) to spans "HH:MM-HH:MM" in that zone, and `closed_dates` (ISO dates closed all day).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_TIME_ZONE = "Europe/Berlin"


def is_open(hours: Mapping[str, Any] | None, now: float) -> bool:
    """Whether the department is within its office hours at `now` (always, without any)."""
    if not hours or not hours.get("enabled"):
        return True
    local = datetime.fromtimestamp(now, ZoneInfo(hours.get("time_zone") or DEFAULT_TIME_ZONE))
    if local.date().isoformat() in hours.get("closed_dates", ()):
        return False
    time_of_day = local.strftime("%H:%M")
    spans = hours.get("weekly", {}).get(WEEKDAYS[local.weekday()], ())
    return any(start <= time_of_day < end for start, end in (s.split("-") for s in spans))


def normalized(hours: Mapping[str, Any]) -> dict[str, Any]:
    """What is stored: every weekday listed, spans and dates sorted and without repeats."""
    weekly = hours.get("weekly", {})
    return {
        "enabled": bool(hours.get("enabled")),
        "time_zone": hours.get("time_zone") or DEFAULT_TIME_ZONE,
        "weekly": {day: sorted(set(weekly.get(day, ()))) for day in WEEKDAYS},
        "closed_dates": sorted(set(hours.get("closed_dates", ()))),
    }
