"""The store in DynamoDB: Web Push subscriptions (one keys item per agent, so that a push reads
them in one GetItem) and the VAPID key of local runs."""

from __future__ import annotations

import contextlib

from pynamodb.expressions.condition import size

from chalicelib.store.base import Changed
from chalicelib.store.dynamo.core import VAPID_KEY, DynamoCore, _Condition, push_key
from chalicelib.store.records import PushSubscription, PushTargets


class PushTables(DynamoCore):
    def push_targets(self, agent_id: str) -> PushTargets:
        item = self._get(self.m.KeyItem, push_key(agent_id))
        if item is None:
            return PushTargets()
        entries = item.entries.as_dict() if item.entries else {}
        subscriptions = sorted(
            (PushSubscription(sub_id, **entry) for sub_id, entry in entries.items()),
            key=lambda s: (s.created_at, s.subscription_id),
        )
        return PushTargets(tuple(subscriptions), bool(item.number))

    def add_push_subscription(
        self, agent_id: str, subscription: PushSubscription, limit: int
    ) -> bool:
        Item = self.m.KeyItem
        item = Item(push_key(agent_id))
        entry = Item.entries[subscription.subscription_id]
        value = {
            "endpoint": subscription.endpoint,
            "p256dh": subscription.p256dh,
            "auth": subscription.auth,
            "created_at": subscription.created_at,
        }
        for _attempt in range(3):
            # Within the limit, counted in the same write: concurrent subscriptions cannot
            # pass it together.
            with contextlib.suppress(_Condition):
                room_left = entry.exists() | (size(Item.entries) < limit)
                self._update(item, [entry.set(value)], Item.entries.exists() & room_left)
                return True
            with contextlib.suppress(_Condition):  # the agent's first: no map yet
                self._update(
                    item,
                    [Item.entries.set({subscription.subscription_id: value})],
                    Item.entries.does_not_exist(),
                )
                return True
            if len(self.push_targets(agent_id).subscriptions) >= limit:
                return False
        return False

    def remove_push_subscription(self, agent_id: str, subscription_id: str) -> None:
        Item = self.m.KeyItem
        entry = Item.entries[subscription_id]
        try:
            self._update(Item(push_key(agent_id)), [entry.remove()], entry.exists())
        except _Condition as exc:
            raise Changed(subscription_id) from exc

    def set_push_previews(self, agent_id: str, previews: bool) -> None:
        Item = self.m.KeyItem
        Item(push_key(agent_id)).update(actions=[Item.number.set(1 if previews else 0)])

    def vapid_private_key(self) -> str | None:
        item = self._get(self.m.KeyItem, VAPID_KEY)
        return item.ref if item is not None else None

    def keep_vapid_private_key(self, pem: str) -> str:
        Item = self.m.KeyItem
        with contextlib.suppress(_Condition):
            self._update(Item(VAPID_KEY), [Item.ref.set(pem)], Item.key.does_not_exist())
            return pem
        kept = self.vapid_private_key()
        assert kept is not None  # the condition failed: a key is kept
        return kept
