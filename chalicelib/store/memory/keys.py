"""The store in memory: counters, rate windows and sign-in's one-time grants."""

from __future__ import annotations

from dataclasses import replace

from chalicelib.store.base import Changed, Taken
from chalicelib.store.memory.core import (
    MemoryCore,
    _alive,
    _locked,
)
from chalicelib.store.records import (
    Agent,
    Handover,
    IdentityLink,
    SignInAttempt,
    SignInFailures,
)


class KeysDicts(MemoryCore):
    # ---- counters ------------------------------------------------------------------------------

    @_locked
    def count_request(self, window: str, expires_at: int) -> int:
        self._counters[window] = self._counters.get(window, 0) + 1
        return self._counters[window]

    @_locked
    def count_sign_in_failure(
        self, email: str, address: str, now: float, expires_at: int
    ) -> SignInFailures:
        before = self.sign_in_failures(email, address, now)
        failures = SignInFailures((before.count if before else 0) + 1, now)
        self._sign_in_failures[(email, address)] = (failures, expires_at)
        return failures

    @_locked
    def sign_in_failures(self, email: str, address: str, now: float) -> SignInFailures | None:
        failures, expires_at = self._sign_in_failures.get((email, address), (None, 0))
        return failures if expires_at > now else None

    @_locked
    def forget_sign_in_failures(self, email: str, address: str) -> None:
        self._sign_in_failures.pop((email, address), None)

    @_locked
    def claim_marker(self, key: str, now: float, expires_at: int) -> bool:
        if self._markers.get(key, 0) > now:
            return False
        self._markers[key] = expires_at
        return True

    @_locked
    def next_guest_number(self) -> int:
        self._counters["guest"] = self._counters.get("guest", 0) + 1
        return self._counters["guest"]

    # ---- institutional sign-in -----------------------------------------------------------------

    @_locked
    def remember_sign_in_attempt(self, attempt: SignInAttempt) -> None:
        self._attempts[attempt.state] = attempt

    @_locked
    def take_sign_in_attempt(self, state: str, now: float) -> SignInAttempt | None:
        return _alive(self._attempts.pop(state, None), now)

    @_locked
    def remember_handover(self, code_hash: str, handover: Handover) -> None:
        self._handovers[code_hash] = handover

    @_locked
    def take_handover(self, code_hash: str, now: float) -> Handover | None:
        return _alive(self._handovers.pop(code_hash, None), now)

    @_locked
    def agent_of_identity(self, issuer: str, subject: str) -> str | None:
        return self._identities.get((issuer, subject))

    @_locked
    def identity_links(self, agent_id: str, now: float) -> list[IdentityLink]:
        links = self._identity_links.get(agent_id, {}).values()
        return sorted(
            (link for link in links if _alive(link, now)),
            key=lambda link: (link.created_at, link.identity_id),
        )

    def _hold_identity(self, agent_id: str, link: IdentityLink) -> None:
        holder = self._identities.get((link.issuer, link.subject), agent_id)
        if holder != agent_id:
            raise Taken(f"{link.issuer}#{link.subject}")
        self._identities[(link.issuer, link.subject)] = agent_id
        linked = replace(link, state="linked", expires_at=None)
        self._identity_links.setdefault(agent_id, {})[link.identity_id] = linked

    @_locked
    def link_identity(self, agent_id: str, link: IdentityLink) -> None:
        self._hold_identity(agent_id, link)

    @_locked
    def request_identity_link(self, agent_id: str, link: IdentityLink, now: float) -> None:
        links = self._identity_links.setdefault(agent_id, {})
        for identity_id, known in list(links.items()):
            if not _alive(known, now):
                del links[identity_id]
        if links.get(link.identity_id, link).state != "linked":
            links[link.identity_id] = link

    @_locked
    def confirm_identity_link(self, agent_id: str, identity_id: str, now: float) -> IdentityLink:
        request = _alive(self._identity_links.get(agent_id, {}).get(identity_id), now)
        if request is None or request.state != "requested":
            raise Changed(identity_id)
        self._hold_identity(agent_id, request)
        return self._identity_links[agent_id][identity_id]

    @_locked
    def unlink_identity(self, agent_id: str, identity_id: str) -> None:
        link = self._identity_links.get(agent_id, {}).pop(identity_id, None)
        if link is None:
            raise Changed(identity_id)
        if self._identities.get((link.issuer, link.subject)) == agent_id:
            del self._identities[(link.issuer, link.subject)]

    @_locked
    def take_over_registration(self, agent: Agent, name: str, link: IdentityLink) -> Agent:
        stored = self._agents.get(agent.agent_id)
        if stored is None or stored.state != agent.state:
            raise Changed(agent.agent_id)
        self._hold_identity(agent.agent_id, link)
        taken_over = replace(stored, name=name, password_hash="", state="pending", available=False)
        self._agents[agent.agent_id] = taken_over
        return taken_over
