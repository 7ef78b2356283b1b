"""The store in memory: canned responses: an agent's own and a department's."""

from __future__ import annotations

from chalicelib.store.base import Changed, Taken
from chalicelib.store.memory.core import (
    MemoryCore,
    _locked,
)
from chalicelib.store.records import (
    CannedResponse,
)


class CannedDicts(MemoryCore):
    # ---- canned responses ----------------------------------------------------------------------

    @_locked
    def canned_responses(self, owner: str) -> list[CannedResponse]:
        entries = self._canned.get(owner, {})
        return [CannedResponse(shortcut, entries[shortcut]) for shortcut in sorted(entries)]

    @_locked
    def add_canned_response(self, owner: str, response: CannedResponse) -> None:
        entries = self._canned.setdefault(owner, {})
        if response.shortcut in entries:
            raise Taken(response.shortcut)
        entries[response.shortcut] = response.text

    @_locked
    def replace_canned_response(self, owner: str, shortcut: str, response: CannedResponse) -> None:
        entries = self._canned.get(owner, {})
        if shortcut not in entries:
            raise Changed(shortcut)
        if response.shortcut != shortcut and response.shortcut in entries:
            raise Taken(response.shortcut)
        del entries[shortcut]
        entries[response.shortcut] = response.text

    @_locked
    def delete_canned_response(self, owner: str, shortcut: str) -> None:
        if self._canned.get(owner, {}).pop(shortcut, None) is None:
            raise Changed(shortcut)
