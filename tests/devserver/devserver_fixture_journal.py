"""State shared by every loaded copy of fixture_app.py in one process.

The devserver loads fixture_app.py several times under different module names; this module is
imported normally, so all copies see the same journal and rendezvous points.
"""

from __future__ import annotations

import threading
from typing import Any

_changed = threading.Condition()
_entries: list[dict[str, Any]] = []
_barriers: dict[tuple[str, int], threading.Barrier] = {}


def record(kind: str, **details: Any) -> None:
    with _changed:
        _entries.append({"kind": kind, **details})
        _changed.notify_all()


def entries_after(cursor: int, timeout: float) -> tuple[list[dict[str, Any]], int]:
    """Entries from position `cursor` on, waiting up to `timeout` seconds for the first one."""
    with _changed:
        _changed.wait_for(lambda: len(_entries) > cursor, timeout)
        return _entries[cursor:], len(_entries)


def cursor() -> int:
    with _changed:
        return len(_entries)


def rendezvous(name: str, parties: int, timeout: float) -> bool:
    """True when `parties` callers met here within `timeout` seconds."""
    with _changed:
        barrier = _barriers.setdefault((name, parties), threading.Barrier(parties))
    try:
        barrier.wait(timeout)
    except threading.BrokenBarrierError:
        return False
    return True
