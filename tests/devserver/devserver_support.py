"""Helpers shared by the devserver tests."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

FIXTURE_APP = Path(__file__).resolve().parent / "fixture_app.py"
POOL_SIZE = 4
WAIT_SECONDS = 10.0


class Journal:
    """What the fixture app's handlers recorded, read through its long-polling /journal route."""

    def __init__(self, http: httpx.Client, *, from_start: bool = False) -> None:
        self._http = http
        self.cursor = 0 if from_start else http.get("/api/journal/cursor").json()["next"]

    def wait_for(
        self,
        kind: str,
        matches: Callable[[dict[str, Any]], bool] = lambda e: True,
        timeout: float = WAIT_SECONDS,
    ) -> dict[str, Any]:
        """The next entry of `kind` that `matches`, recorded after this journal was opened."""
        deadline = time.monotonic() + timeout
        while (remaining := deadline - time.monotonic()) > 0:
            answer = self._http.get(
                "/api/journal", params={"after": self.cursor, "timeout": remaining}
            ).json()
            for position, entry in enumerate(answer["entries"], start=self.cursor):
                if entry["kind"] == kind and matches(entry):
                    self.cursor = position + 1
                    return entry
            self.cursor = answer["next"]
        raise AssertionError(f"no {kind!r} entry within {timeout} s")
