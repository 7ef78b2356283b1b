"""The store in memory: visitors and their contact records."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from chalicelib.store.memory.core import (
    MemoryCore,
    _alive,
    _locked,
)
from chalicelib.store.records import (
    Contact,
    Visitor,
)


class VisitorsDicts(MemoryCore):
    # ---- visitors and contacts -----------------------------------------------------------------

    @_locked
    def create_visitor(self, visitor: Visitor) -> None:
        self._visitors[visitor.visitor_id] = visitor

    @_locked
    def get_visitor(self, visitor_id: str, now: float) -> Visitor | None:
        return _alive(self._visitors.get(visitor_id), now)

    @_locked
    def extend_visitor(self, visitor_id: str, expires_at: int) -> None:
        visitor = self._visitors.get(visitor_id)
        if visitor is not None:
            self._visitors[visitor_id] = replace(visitor, expires_at=expires_at)

    @_locked
    def delete_visitor(self, visitor_id: str) -> None:
        self._visitors.pop(visitor_id, None)

    @_locked
    def get_contact(self, visitor_id: str, now: float) -> Contact | None:
        return _alive(self._contacts.get(visitor_id), now)

    @_locked
    def get_contacts(self, visitor_ids: Iterable[str], now: float) -> dict[str, Contact]:
        found = {v: _alive(self._contacts.get(v), now) for v in set(visitor_ids)}
        return {v: c for v, c in found.items() if c is not None}

    @_locked
    def save_contact(self, contact: Contact) -> None:
        self._contacts[contact.visitor_id] = contact

    @_locked
    def delete_contact(self, visitor_id: str) -> None:
        self._contacts.pop(visitor_id, None)
