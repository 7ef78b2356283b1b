"""What the store does with counters, rate windows and sign-in's one-time grants."""

from __future__ import annotations

from abc import ABC, abstractmethod

from chalicelib.store.records import (
    Agent,
    Handover,
    IdentityLink,
    SignInAttempt,
    SignInFailures,
)


class KeysContract(ABC):
    # ---- counters and rate windows -------------------------------------------------------------

    @abstractmethod
    def count_request(self, window: str, expires_at: int) -> int:
        """Count one more request in a rate window; returns the count so far."""

    @abstractmethod
    def count_sign_in_failure(
        self, email: str, address: str, now: float, expires_at: int
    ) -> SignInFailures:
        """One more failed sign-in of the account of this email from this address, at `now`;
        the failures are forgotten at `expires_at` (later failures count from one again)."""

    @abstractmethod
    def sign_in_failures(self, email: str, address: str, now: float) -> SignInFailures | None:
        """The failures of this account from this address not forgotten yet (one read)."""

    @abstractmethod
    def forget_sign_in_failures(self, email: str, address: str) -> None: ...
    @abstractmethod
    def claim_marker(self, key: str, now: float, expires_at: int) -> bool:
        """Set the marker `key` until `expires_at`; False, changing nothing, while it is set."""

    @abstractmethod
    def next_guest_number(self) -> int:
        """The next number of the Guest-N names."""

    # ---- institutional sign-in -----------------------------------------------------------------

    @abstractmethod
    def remember_sign_in_attempt(self, attempt: SignInAttempt) -> None: ...
    @abstractmethod
    def take_sign_in_attempt(self, state: str, now: float) -> SignInAttempt | None:
        """The attempt of this state, once: a second take (a replay, or a racing request)
        finds nothing, as does an expired one."""

    @abstractmethod
    def remember_handover(self, code_hash: str, handover: Handover) -> None: ...
    @abstractmethod
    def take_handover(self, code_hash: str, now: float) -> Handover | None:
        """The handover of this code, once (as `take_sign_in_attempt`)."""

    @abstractmethod
    def agent_of_identity(self, issuer: str, subject: str) -> str | None:
        """The agent that holds an identity of the provider (issuer and `sub`): it counts as
        linked only while that agent's `identity_links` list it as `linked`."""

    @abstractmethod
    def identity_links(self, agent_id: str, now: float) -> list[IdentityLink]:
        """The agent's linked identities and unexpired link requests, oldest first (one read)."""

    @abstractmethod
    def link_identity(self, agent_id: str, link: IdentityLink) -> None:
        """Link the identity to the agent (listed as `linked`, held by the agent) in one
        transaction; `Taken` when another agent holds it."""

    @abstractmethod
    def request_identity_link(self, agent_id: str, link: IdentityLink, now: float) -> None:
        """Remember (or renew) a request to link, dropping the agent's expired ones; an
        identity linked meanwhile stays linked."""

    @abstractmethod
    def confirm_identity_link(self, agent_id: str, identity_id: str, now: float) -> IdentityLink:
        """The agent's unexpired request, linked (as `link_identity`); `Changed` when there is
        none, `Taken` when another agent holds the identity."""

    @abstractmethod
    def unlink_identity(self, agent_id: str, identity_id: str) -> None:
        """Forget a link or request of the agent (and let go of the identity); `Changed` when
        the agent has none of that id."""

    @abstractmethod
    def take_over_registration(self, agent: Agent, name: str, link: IdentityLink) -> Agent:
        """Turn a waiting registration (`agent` as read) into the identity's own: this name, no
        password, pending, the identity linked; all or nothing. `Changed` when the account's
        state is no longer `agent.state`, `Taken` when another agent holds the identity."""
