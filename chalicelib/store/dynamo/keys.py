"""The store in DynamoDB: counters, rate windows and sign-in's one-time grants."""

from __future__ import annotations

import contextlib
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from pynamodb.expressions.condition import Condition
from pynamodb.transactions import TransactWrite

from chalicelib.store.base import Changed, Taken
from chalicelib.store.records import (
    Agent,
    Handover,
    IdentityLink,
    SignInAttempt,
    SignInFailures,
)

if TYPE_CHECKING:
    pass
from chalicelib.store.dynamo.core import (
    GUEST_COUNTER,
    DynamoCore,
    _alive,
    _Condition,
    _conditional,
    _identity_entry,
    _identity_link,
    attempt_key,
    handover_key,
    identity_key,
    identity_links_key,
    sign_in_failures_key,
)


class KeysTables(DynamoCore):
    # ---- counters ------------------------------------------------------------------------------

    def _increment(self, key: str, expires_at: int | None) -> int:
        item = self.m.KeyItem(key)
        actions = [self.m.KeyItem.number.add(1)]
        if expires_at is not None:
            actions.append(self.m.KeyItem.expires_at.set(expires_at))
        item.update(actions=actions)
        return int(item.number)

    def count_request(self, window: str, expires_at: int) -> int:
        return self._increment(window, expires_at)

    def count_sign_in_failure(
        self, email: str, address: str, now: float, expires_at: int
    ) -> SignInFailures:
        Key = self.m.KeyItem
        item = Key(sign_in_failures_key(email, address))
        stamp = [Key.last_at.set(now), Key.expires_at.set(expires_at)]
        # Counting on, or (past its expiry, which DynamoDB's TTL deletes late) from one again;
        # whichever condition a concurrent failure made false, the other one holds next time.
        while True:
            try:
                self._update(
                    item,
                    [Key.number.add(1), *stamp],
                    Key.key.does_not_exist() | (Key.expires_at > now),
                )
                break
            except _Condition:
                pass
            try:
                self._update(item, [Key.number.set(1), *stamp], Key.expires_at <= now)
                break
            except _Condition:
                pass
        return SignInFailures(int(item.number), float(item.last_at))

    def sign_in_failures(self, email: str, address: str, now: float) -> SignInFailures | None:
        item = _alive(self._get(self.m.KeyItem, sign_in_failures_key(email, address)), now)
        return SignInFailures(int(item.number), float(item.last_at)) if item else None

    def forget_sign_in_failures(self, email: str, address: str) -> None:
        self.m.KeyItem(sign_in_failures_key(email, address)).delete()

    def claim_marker(self, key: str, now: float, expires_at: int) -> bool:
        Key = self.m.KeyItem
        try:
            with _conditional():
                Key(key, expires_at=expires_at).save(
                    condition=Key.key.does_not_exist() | (Key.expires_at <= now)
                )
        except _Condition:
            return False
        return True

    def next_guest_number(self) -> int:
        return self._increment(GUEST_COUNTER, None)

    # ---- institutional sign-in -----------------------------------------------------------------

    def _take_grant(self, grant_key: str, now: float) -> Any:
        Grant = self.m.SsoGrantItem
        item = _alive(self._get(Grant, grant_key), now)
        if item is None:
            return None
        try:
            with _conditional():
                item.delete(condition=Grant.grant_key.exists())
        except _Condition:
            return None  # another request took it first
        return item

    def _remember_grant(self, grant_key: str, **values: Any) -> None:
        Grant = self.m.SsoGrantItem
        with _conditional():
            Grant(grant_key, **values).save(condition=Grant.grant_key.does_not_exist())

    def remember_sign_in_attempt(self, attempt: SignInAttempt) -> None:
        self._remember_grant(
            attempt_key(attempt.state),
            nonce=attempt.nonce,
            code_verifier=attempt.code_verifier,
            browser_hash=attempt.browser_hash,
            expires_at=attempt.expires_at,
        )

    def take_sign_in_attempt(self, state: str, now: float) -> SignInAttempt | None:
        item = self._take_grant(attempt_key(state), now)
        if item is None:
            return None
        return SignInAttempt(
            state, item.nonce, item.code_verifier, item.browser_hash or "", int(item.expires_at)
        )

    def remember_handover(self, code_hash: str, handover: Handover) -> None:
        self._remember_grant(
            handover_key(code_hash),
            agent_id=handover.agent_id,
            end_session_url=handover.end_session_url,
            browser_hash=handover.browser_hash,
            expires_at=handover.expires_at,
        )

    def take_handover(self, code_hash: str, now: float) -> Handover | None:
        item = self._take_grant(handover_key(code_hash), now)
        if item is None:
            return None
        return Handover(
            item.agent_id, item.end_session_url, item.browser_hash or "", int(item.expires_at)
        )

    def agent_of_identity(self, issuer: str, subject: str) -> str | None:
        item = self._get(self.m.KeyItem, identity_key(issuer, subject))
        return item.ref if item is not None else None

    def _identity_entries(self, agent_id: str) -> dict[str, dict]:
        item = self._get(self.m.KeyItem, identity_links_key(agent_id))
        return item.entries.as_dict() if item is not None and item.entries else {}

    def identity_links(self, agent_id: str, now: float) -> list[IdentityLink]:
        links = (_identity_link(i, e) for i, e in self._identity_entries(agent_id).items())
        return sorted(
            (link for link in links if _alive(link, now)),
            key=lambda link: (link.created_at, link.identity_id),
        )

    def _ensure_identity_map(self, agent_id: str) -> None:
        """An entry can only be set in a map that exists (an agent's first link or request)."""
        Key = self.m.KeyItem
        with contextlib.suppress(_Condition):
            self._update(
                Key(identity_links_key(agent_id)),
                [Key.entries.set({})],
                Key.entries.does_not_exist(),
            )

    def _link_actions(
        self,
        transaction: TransactWrite,
        agent_id: str,
        link: IdentityLink,
        listed: Condition | None = None,
    ) -> None:
        """Hold the identity (unless another agent does) and list it as linked (`listed`: what
        the agent's list must hold for that)."""
        Key = self.m.KeyItem
        transaction.save(
            Key(identity_key(link.issuer, link.subject), ref=agent_id),
            condition=Key.key.does_not_exist() | (Key.ref == agent_id),
        )
        linked = replace(link, state="linked", expires_at=None)
        transaction.update(
            Key(identity_links_key(agent_id)),
            [Key.entries[link.identity_id].set(_identity_entry(linked))],
            condition=listed if listed is not None else Key.entries.exists(),
        )

    def link_identity(self, agent_id: str, link: IdentityLink) -> None:
        self._ensure_identity_map(agent_id)
        try:
            with _conditional(), TransactWrite(connection=self._connection) as transaction:
                self._link_actions(transaction, agent_id, link)
        except _Condition as exc:
            raise Taken(identity_key(link.issuer, link.subject)) from exc

    def request_identity_link(self, agent_id: str, link: IdentityLink, now: float) -> None:
        self._ensure_identity_map(agent_id)
        Key = self.m.KeyItem
        expired = [
            identity_id
            for identity_id, entry in self._identity_entries(agent_id).items()
            if identity_id != link.identity_id
            and not _alive(_identity_link(identity_id, entry), now)
        ]
        entry = Key.entries[link.identity_id]
        actions = [entry.set(_identity_entry(link))]
        actions += [Key.entries[identity_id].remove() for identity_id in expired]
        # A link confirmed since the caller looked stays a link.
        with contextlib.suppress(_Condition):
            self._update(
                Key(identity_links_key(agent_id)),
                actions,
                entry.does_not_exist() | (entry["state"] == "requested"),
            )

    def confirm_identity_link(self, agent_id: str, identity_id: str, now: float) -> IdentityLink:
        Key = self.m.KeyItem
        entry = self._identity_entries(agent_id).get(identity_id)
        request = _alive(_identity_link(identity_id, entry), now) if entry else None
        if request is None or request.state != "requested":
            raise Changed(identity_id)
        try:
            with _conditional(), TransactWrite(connection=self._connection) as transaction:
                # The request must still be there: not undone meanwhile.
                listed = Key.entries[identity_id].exists()
                self._link_actions(transaction, agent_id, request, listed)
        except _Condition as exc:
            if identity_id not in self._identity_entries(agent_id):
                raise Changed(identity_id) from exc
            raise Taken(identity_key(request.issuer, request.subject)) from exc
        return replace(request, state="linked", expires_at=None)

    def unlink_identity(self, agent_id: str, identity_id: str) -> None:
        Key = self.m.KeyItem
        entry = self._identity_entries(agent_id).get(identity_id)
        if entry is None:
            raise Changed(identity_id)
        link = _identity_link(identity_id, entry)
        try:
            with _conditional(), TransactWrite(connection=self._connection) as transaction:
                transaction.update(
                    Key(identity_links_key(agent_id)),
                    [Key.entries[identity_id].remove()],
                    condition=Key.entries[identity_id].exists(),
                )
                # Let go of it unless another agent holds it (a confirmation racing with this
                # undo may have just taken hold of it for this agent).
                if self.agent_of_identity(link.issuer, link.subject) in (None, agent_id):
                    transaction.delete(
                        Key(identity_key(link.issuer, link.subject)),
                        condition=Key.key.does_not_exist() | (Key.ref == agent_id),
                    )
        except _Condition as exc:
            raise Changed(identity_id) from exc

    def take_over_registration(self, agent: Agent, name: str, link: IdentityLink) -> Agent:
        Item = self.m.AgentItem
        self._ensure_identity_map(agent.agent_id)
        changes = {"name": name, "password_hash": "", "state": "pending", "available": False}
        try:
            with _conditional(), TransactWrite(connection=self._connection) as transaction:
                transaction.update(
                    Item(agent.agent_id),
                    [getattr(Item, field).set(value) for field, value in changes.items()],
                    condition=Item.state == agent.state,
                )
                self._link_actions(transaction, agent.agent_id, link)
        except _Condition as exc:
            stored = self.get_agent(agent.agent_id)
            if stored is None or stored.state != agent.state:
                raise Changed(agent.agent_id) from exc
            raise Taken(identity_key(link.issuer, link.subject)) from exc
        return replace(agent, **changes)  # type: ignore[arg-type]
