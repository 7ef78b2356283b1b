"""What the store does with agents' read markers in livechat rooms (staff rooms keep theirs on
the membership)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable


class ReadsContract(ABC):
    @abstractmethod
    def mark_livechat_read(self, agent_id: str, room_id: str, seq: int, expires_at: int) -> int:
        """Move the agent's read marker in the room up to `seq` (never down: a late, older
        marker from another tab loses); returns the marker as it is now."""

    @abstractmethod
    def forget_livechat_reads(self, room_id: str, agent_ids: Iterable[str]) -> None:
        """Remove these agents' markers in the room (it is being erased)."""

    @abstractmethod
    def livechat_read_seqs(
        self, agent_id: str, room_ids: Iterable[str], now: float
    ) -> dict[str, int]:
        """The agent's markers in these rooms (rooms without one are left out)."""
