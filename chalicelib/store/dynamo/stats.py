"""The store in DynamoDB: the statistics' hourly counters.

They live in the agent-rooms table under `stats#<department_id>`, one item per hour, each
counter a top-level number attribute: one UpdateItem ADDs any number of them (ADD works only on
top-level attributes, and their names are open: histogram buckets, agents). So they are written
and read through the connection, not a model with fixed attributes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pynamodb.attributes import NumberAttribute
from pynamodb.expressions.operand import Path, Value

from chalicelib.store.dynamo.core import DynamoCore
from chalicelib.store.records import StatsHour


def stats_key(department_id: str) -> str:
    return f"stats#{department_id}"


# The item's own attributes: its key (as the table names them) and its expiry.
_NOT_COUNTERS = frozenset({"agent_id", "created_key", "expires_at"})


def _number(value: int) -> Value:
    return Value(value, attribute=NumberAttribute())


class StatsTables(DynamoCore):
    def _stats_table(self) -> str:
        return str(self.m.AgentRoomItem.Meta.table_name)

    def count_stats(
        self, department_id: str, hour: str, counts: Mapping[str, int], expires_at: int
    ) -> None:
        actions: list[Any] = [Path(["expires_at"]).set(_number(expires_at))]
        actions += [Path([name]).add(_number(n)) for name, n in sorted(counts.items())]
        self._connection.update_item(
            self._stats_table(), stats_key(department_id), hour, actions=actions
        )

    def stats_of(self, department_id: str, first_hour: str, last_hour: str) -> list[StatsHour]:
        found: list[StatsHour] = []
        start: dict | None = None
        while True:
            page = self._connection.query(
                self._stats_table(),
                stats_key(department_id),
                range_key_condition=self.m.AgentRoomItem.created_key.between(first_hour, last_hour),
                exclusive_start_key=start,
            )
            for item in page.get("Items", []):
                counts = {
                    name: int(value["N"])
                    for name, value in item.items()
                    if name not in _NOT_COUNTERS and "N" in value
                }
                found.append(StatsHour(department_id, item["created_key"]["S"], counts))
            start = page.get("LastEvaluatedKey")
            if not start:
                return found
