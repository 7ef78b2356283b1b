"""The store in DynamoDB: visitors and their contact records."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from typing import TYPE_CHECKING

from chalicelib.store.records import (
    Contact,
    Visitor,
)

if TYPE_CHECKING:
    pass
from chalicelib.store.dynamo.core import (
    DynamoCore,
    _alive,
    _Condition,
    _record,
    _values,
)


class VisitorsTables(DynamoCore):
    # ---- visitors and contacts -----------------------------------------------------------------

    def create_visitor(self, visitor: Visitor) -> None:
        self.m.VisitorItem(**_values(visitor)).save()

    def get_visitor(self, visitor_id: str, now: float) -> Visitor | None:
        item = _alive(self._get(self.m.VisitorItem, visitor_id), now)
        return _record(Visitor, item) if item is not None else None

    def extend_visitor(self, visitor_id: str, expires_at: int) -> None:
        Item = self.m.VisitorItem
        with contextlib.suppress(_Condition):  # deleted meanwhile: nothing to extend
            self._update(
                Item(visitor_id), [Item.expires_at.set(expires_at)], Item.visitor_id.exists()
            )

    def delete_visitor(self, visitor_id: str) -> None:
        self.m.VisitorItem(visitor_id).delete()

    def get_contact(self, visitor_id: str, now: float) -> Contact | None:
        item = _alive(self._get(self.m.ContactItem, visitor_id), now)
        return _record(Contact, item) if item is not None else None

    def get_contacts(self, visitor_ids: Iterable[str], now: float) -> dict[str, Contact]:
        ids = sorted(set(visitor_ids))
        found = self.m.ContactItem.batch_get(ids) if ids else []
        return {item.visitor_id: _record(Contact, item) for item in found if _alive(item, now)}

    def save_contact(self, contact: Contact) -> None:
        self.m.ContactItem(**_values(contact)).save()

    def delete_contact(self, visitor_id: str) -> None:
        self.m.ContactItem(visitor_id).delete()
