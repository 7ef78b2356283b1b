"""What the store does with statistics: counters per department and hour (services/stats.py)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping

from chalicelib.store.records import StatsHour


class StatsContract(ABC):
    @abstractmethod
    def count_stats(
        self, department_id: str, hour: str, counts: Mapping[str, int], expires_at: int
    ) -> None:
        """Add `counts` to the department's counters of that hour: one write, however many."""

    @abstractmethod
    def stats_of(self, department_id: str, first_hour: str, last_hour: str) -> list[StatsHour]:
        """The department's hours from `first_hour` to `last_hour` (both included) that counted
        anything, oldest first."""
