"""The store in memory: Web Push subscriptions and the VAPID key."""

from __future__ import annotations

from chalicelib.store.base import Changed
from chalicelib.store.memory.core import MemoryCore, _locked
from chalicelib.store.records import PushSubscription, PushTargets


class PushDicts(MemoryCore):
    @_locked
    def push_targets(self, agent_id: str) -> PushTargets:
        subscriptions = self._push_subscriptions.get(agent_id, {})
        ordered = sorted(subscriptions.values(), key=lambda s: (s.created_at, s.subscription_id))
        return PushTargets(tuple(ordered), agent_id in self._push_previews)

    @_locked
    def add_push_subscription(
        self, agent_id: str, subscription: PushSubscription, limit: int
    ) -> bool:
        subscriptions = self._push_subscriptions.setdefault(agent_id, {})
        if subscription.subscription_id not in subscriptions and len(subscriptions) >= limit:
            return False
        subscriptions[subscription.subscription_id] = subscription
        return True

    @_locked
    def remove_push_subscription(self, agent_id: str, subscription_id: str) -> None:
        if self._push_subscriptions.get(agent_id, {}).pop(subscription_id, None) is None:
            raise Changed(subscription_id)

    @_locked
    def set_push_previews(self, agent_id: str, previews: bool) -> None:
        if previews:
            self._push_previews.add(agent_id)
        else:
            self._push_previews.discard(agent_id)

    @_locked
    def vapid_private_key(self) -> str | None:
        return self._vapid_private_key

    @_locked
    def keep_vapid_private_key(self, pem: str) -> str:
        if self._vapid_private_key is None:
            self._vapid_private_key = pem
        return self._vapid_private_key
