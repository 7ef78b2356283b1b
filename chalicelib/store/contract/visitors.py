"""What the store does with visitors and their contact records."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable

from chalicelib.store.records import (
    Contact,
    Visitor,
)


class VisitorsContract(ABC):
    # ---- visitors and contacts -----------------------------------------------------------------

    @abstractmethod
    def create_visitor(self, visitor: Visitor) -> None: ...
    @abstractmethod
    def get_visitor(self, visitor_id: str, now: float) -> Visitor | None: ...
    @abstractmethod
    def extend_visitor(self, visitor_id: str, expires_at: int) -> None:
        """Keep an active visitor for another idle period (nothing if deleted meanwhile)."""

    @abstractmethod
    def delete_visitor(self, visitor_id: str) -> None: ...
    @abstractmethod
    def get_contact(self, visitor_id: str, now: float) -> Contact | None: ...
    @abstractmethod
    def get_contacts(self, visitor_ids: Iterable[str], now: float) -> dict[str, Contact]: ...
    @abstractmethod
    def save_contact(self, contact: Contact) -> None: ...
    @abstractmethod
    def delete_contact(self, visitor_id: str) -> None: ...
