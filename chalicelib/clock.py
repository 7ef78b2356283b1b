"""Time and ids in one place, so that tests can move the clock."""

from __future__ import annotations

import secrets
import time
from datetime import UTC, datetime


class Clock:
    """Wall clock. Tests use a subclass with a settable offset."""

    def now(self) -> float:
        return time.time()

    def iso(self, at: float | None = None) -> str:
        return iso(self.now() if at is None else at)


def iso(epoch: float) -> str:
    moment = datetime.fromtimestamp(epoch, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(10)}"


def new_secret() -> str:
    return secrets.token_urlsafe(32)
