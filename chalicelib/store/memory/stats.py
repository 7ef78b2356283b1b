"""The store in memory: the statistics' hourly counters."""

from __future__ import annotations

from collections.abc import Mapping

from chalicelib.store.memory.core import MemoryCore, _locked
from chalicelib.store.records import StatsHour


class StatsDicts(MemoryCore):
    @_locked
    def count_stats(
        self, department_id: str, hour: str, counts: Mapping[str, int], expires_at: int
    ) -> None:
        kept, _ = self._stats.get((department_id, hour), ({}, 0))
        added = {name: kept.get(name, 0) + n for name, n in counts.items()}
        self._stats[(department_id, hour)] = ({**kept, **added}, expires_at)

    @_locked
    def stats_of(self, department_id: str, first_hour: str, last_hour: str) -> list[StatsHour]:
        return [
            StatsHour(department_id, hour, dict(counts))
            for (department, hour), (counts, _) in sorted(self._stats.items())
            if department == department_id and first_hour <= hour <= last_hour
        ]
