"""What the store does with a chat's transcript asked for by email (services/offline.py)."""

from __future__ import annotations

from abc import ABC, abstractmethod


class TranscriptsContract(ABC):
    @abstractmethod
    def ask_for_transcript(
        self, room_id: str, email: str, language: str | None, asked_at: str
    ) -> bool:
        """Mark the room's transcript as asked for, once (`Taken` the second time, `Changed`
        when the room is gone). While the room is not closed its address is kept for the close
        to mail (True); once it is closed, it is not kept and the caller mails it (False). The
        close reads the room in the same write that closes it: either it sees the address or
        this sees the room closed. A `language` given becomes the chat's (for the mail)."""

    @abstractmethod
    def forget_transcript_address(self, room_id: str) -> None:
        """The transcript is mailed: its address goes (a room gone meanwhile is left alone)."""
