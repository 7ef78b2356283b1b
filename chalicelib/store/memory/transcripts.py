"""The store in memory: transcripts asked for by email."""

from __future__ import annotations

from dataclasses import replace

from chalicelib.store.base import Changed, Taken
from chalicelib.store.memory.core import MemoryCore, _locked


class TranscriptsDicts(MemoryCore):
    @_locked
    def ask_for_transcript(
        self, room_id: str, email: str, language: str | None, asked_at: str
    ) -> bool:
        stored = self._rooms.get(room_id)
        if stored is None:
            raise Changed(room_id)
        if stored.transcript_asked_at is not None:
            raise Taken(room_id)
        kept = stored.state != "closed"
        # Not a change of the room's course: its version stays, so no take or close loses to it.
        self._rooms[room_id] = replace(
            stored,
            transcript_asked_at=asked_at,
            transcript_to=email if kept else None,
            language=language or stored.language,
        )
        return kept

    @_locked
    def forget_transcript_address(self, room_id: str) -> None:
        stored = self._rooms.get(room_id)
        if stored is not None:
            self._rooms[room_id] = replace(stored, transcript_to=None)
