"""The store in DynamoDB: canned responses: an agent's own and a department's."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from chalicelib.store.base import Changed, Taken
from chalicelib.store.records import (
    CannedResponse,
)

if TYPE_CHECKING:
    pass
from chalicelib.store.dynamo.core import (
    DynamoCore,
    _Condition,
    canned_key,
)


class CannedTables(DynamoCore):
    # ---- canned responses ----------------------------------------------------------------------

    def canned_responses(self, owner: str) -> list[CannedResponse]:
        item = self._get(self.m.KeyItem, canned_key(owner))
        entries = item.entries.as_dict() if item is not None and item.entries else {}
        return [CannedResponse(shortcut, entries[shortcut]) for shortcut in sorted(entries)]

    def _has_canned(self, owner: str, shortcut: str) -> bool:
        return any(r.shortcut == shortcut for r in self.canned_responses(owner))

    def add_canned_response(self, owner: str, response: CannedResponse) -> None:
        Item = self.m.KeyItem
        item = Item(canned_key(owner))
        entry = Item.entries[response.shortcut]
        for _attempt in range(2):
            with contextlib.suppress(_Condition):
                self._update(
                    item, [entry.set(response.text)], Item.entries.exists() & entry.does_not_exist()
                )
                return
            with contextlib.suppress(_Condition):  # the owner's first: no map yet
                first = {response.shortcut: response.text}
                self._update(item, [Item.entries.set(first)], Item.entries.does_not_exist())
                return
            if self._has_canned(owner, response.shortcut):
                break
        raise Taken(response.shortcut)

    def replace_canned_response(self, owner: str, shortcut: str, response: CannedResponse) -> None:
        Item = self.m.KeyItem
        old, new = Item.entries[shortcut], Item.entries[response.shortcut]
        if shortcut == response.shortcut:
            actions, condition = [old.set(response.text)], old.exists()
        else:
            actions = [old.remove(), new.set(response.text)]
            condition = old.exists() & new.does_not_exist()
        try:
            self._update(Item(canned_key(owner)), actions, condition)
        except _Condition as exc:
            if not self._has_canned(owner, shortcut):
                raise Changed(shortcut) from exc
            raise Taken(response.shortcut) from exc

    def delete_canned_response(self, owner: str, shortcut: str) -> None:
        Item = self.m.KeyItem
        entry = Item.entries[shortcut]
        try:
            self._update(Item(canned_key(owner)), [entry.remove()], entry.exists())
        except _Condition as exc:
            raise Changed(shortcut) from exc
