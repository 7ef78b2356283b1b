"""What the store does with canned responses: an agent's own and a department's."""

from __future__ import annotations

from abc import ABC, abstractmethod

from chalicelib.store.records import (
    CannedResponse,
)


class CannedContract(ABC):
    # ---- canned responses ----------------------------------------------------------------------

    @abstractmethod
    def canned_responses(self, owner: str) -> list[CannedResponse]:
        """The owner's canned responses ("department#<id>" or "agent#<id>"), by shortcut."""

    @abstractmethod
    def add_canned_response(self, owner: str, response: CannedResponse) -> None:
        """`Taken` when the owner has one with this shortcut."""

    @abstractmethod
    def replace_canned_response(self, owner: str, shortcut: str, response: CannedResponse) -> None:
        """Put `response` in the place of the one at `shortcut` (which may change): `Changed`
        when there is none, `Taken` when the new shortcut is another's."""

    @abstractmethod
    def delete_canned_response(self, owner: str, shortcut: str) -> None:
        """`Changed` when there is none."""
