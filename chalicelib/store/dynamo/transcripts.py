"""The store in DynamoDB: transcripts asked for by email."""

from __future__ import annotations

import contextlib

from chalicelib.store.base import Changed, Taken
from chalicelib.store.dynamo.core import DynamoCore, _Condition


class TranscriptsTables(DynamoCore):
    def ask_for_transcript(
        self, room_id: str, email: str, language: str | None, asked_at: str
    ) -> bool:
        # The room's version stays: asking is no change of its course that a take or a close
        # should lose to.
        Item = self.m.RoomItem
        first_ask = Item.room_id.exists() & Item.transcript_asked_at.does_not_exist()
        actions = [Item.transcript_asked_at.set(asked_at), Item.transcript_to.set(email)]
        if language:
            actions.append(Item.language.set(language))
        try:
            self._update(Item(room_id), actions, first_ask & (Item.state != "closed"))
            return True
        except _Condition:
            pass
        try:
            self._update(Item(room_id), [Item.transcript_asked_at.set(asked_at)], first_ask)
        except _Condition as exc:
            if self._get(Item, room_id) is None:
                raise Changed(room_id) from exc
            raise Taken(room_id) from exc
        return False

    def forget_transcript_address(self, room_id: str) -> None:
        Item = self.m.RoomItem
        with contextlib.suppress(_Condition):  # deleted meanwhile: nothing to forget
            self._update(Item(room_id), [Item.transcript_to.remove()], Item.room_id.exists())
