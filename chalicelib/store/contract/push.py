"""What the store does for Web Push: agents' subscriptions and the stack's VAPID key."""

from __future__ import annotations

from abc import ABC, abstractmethod

from chalicelib.store.records import PushSubscription, PushTargets


class PushContract(ABC):
    @abstractmethod
    def push_targets(self, agent_id: str) -> PushTargets:
        """The agent's subscriptions, oldest first, and their preview choice (one read)."""

    @abstractmethod
    def add_push_subscription(
        self, agent_id: str, subscription: PushSubscription, limit: int
    ) -> bool:
        """Keep the subscription (replacing one of the same id); False, changing nothing, when
        the agent has `limit` others already, however many subscribe at once."""

    @abstractmethod
    def remove_push_subscription(self, agent_id: str, subscription_id: str) -> None:
        """`Changed` when the agent has none of that id."""

    @abstractmethod
    def set_push_previews(self, agent_id: str, previews: bool) -> None:
        """Remember, next to the subscriptions, whether pushes may carry message text."""

    @abstractmethod
    def vapid_private_key(self) -> str | None:
        """The stack's VAPID private key (PEM) when kept in the store (local runs)."""

    @abstractmethod
    def keep_vapid_private_key(self, pem: str) -> str:
        """Keep this key unless one is kept already; returns the one kept (the first wins)."""
