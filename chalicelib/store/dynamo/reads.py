"""The store in DynamoDB: agents' read markers in livechat rooms, one small keyed item each."""

from __future__ import annotations

from collections.abc import Iterable

from chalicelib.store.dynamo.core import DynamoCore, _alive, _Condition, livechat_read_key


class ReadsTables(DynamoCore):
    def mark_livechat_read(self, agent_id: str, room_id: str, seq: int, expires_at: int) -> int:
        Key = self.m.KeyItem
        item = Key(livechat_read_key(agent_id, room_id))
        try:
            self._update(
                item,
                [Key.number.set(seq), Key.expires_at.set(expires_at)],
                Key.number.does_not_exist() | (Key.number < seq),
            )
        except _Condition:  # as far or further already
            stored = self._get(Key, livechat_read_key(agent_id, room_id))
            return int(stored.number)
        return seq

    def forget_livechat_reads(self, room_id: str, agent_ids: Iterable[str]) -> None:
        with self.m.KeyItem.batch_write() as batch:
            for agent_id in sorted(set(agent_ids)):
                batch.delete(self.m.KeyItem(livechat_read_key(agent_id, room_id)))

    def livechat_read_seqs(
        self, agent_id: str, room_ids: Iterable[str], now: float
    ) -> dict[str, int]:
        keys = {livechat_read_key(agent_id, room_id): room_id for room_id in set(room_ids)}
        found = self.m.KeyItem.batch_get(sorted(keys)) if keys else []
        return {keys[item.key]: int(item.number) for item in found if _alive(item, now)}
