"""The store in memory: agents' read markers in livechat rooms."""

from __future__ import annotations

from collections.abc import Iterable

from chalicelib.store.memory.core import MemoryCore, _locked


class ReadsDicts(MemoryCore):
    @_locked
    def mark_livechat_read(self, agent_id: str, room_id: str, seq: int, expires_at: int) -> int:
        markers = self._livechat_reads
        before, _ = markers.get((agent_id, room_id), (0, 0))
        markers[(agent_id, room_id)] = (max(before, seq), expires_at)
        return markers[(agent_id, room_id)][0]

    @_locked
    def forget_livechat_reads(self, room_id: str, agent_ids: Iterable[str]) -> None:
        for agent_id in agent_ids:
            self._livechat_reads.pop((agent_id, room_id), None)

    @_locked
    def livechat_read_seqs(
        self, agent_id: str, room_ids: Iterable[str], now: float
    ) -> dict[str, int]:
        found = {room_id: self._livechat_reads.get((agent_id, room_id)) for room_id in room_ids}
        return {room_id: m[0] for room_id, m in found.items() if m is not None and m[1] > now}
