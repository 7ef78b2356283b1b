"""What the store does with agents, their sessions and their sockets."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable

from chalicelib.store.records import (
    Agent,
    Connection,
    Cursor,
    Session,
    SocketTicket,
)


class AgentsContract(ABC):
    # ---- agents and sessions -------------------------------------------------------------------

    @abstractmethod
    def create_agent(self, agent: Agent) -> None:
        """Store a new account and claim its email together (until the account's `expires_at`,
        if it has one); `Taken` when the email is claimed, even by a registration past its time."""

    @abstractmethod
    def replace_unverified_agent(self, former_id: str, agent: Agent) -> None:
        """Store `agent` in place of the unverified registration `former_id` that claims the
        same email (that registration, its password and its token are gone); `Changed` unless
        the email is still claimed by `former_id` and it is still unverified (or gone)."""

    @abstractmethod
    def verify_agent(self, agent_id: str, verification_hash: str, now: float) -> Agent:
        """Make an unverified registration pending and keep it and its email for good; `Changed`
        unless it is unverified, has not expired and has this hash (so each token works once)."""

    @abstractmethod
    def agent_id_for_email(self, email: str) -> str | None: ...
    @abstractmethod
    def get_agent(self, agent_id: str) -> Agent | None: ...
    @abstractmethod
    def get_agents(self, agent_ids: Iterable[str]) -> list[Agent]: ...
    @abstractmethod
    def agents_by_state(
        self, state: str, limit: int, start: Cursor | None
    ) -> tuple[list[Agent], Cursor | None]:
        """A page of the agents in one state, oldest account first; the cursor has the shape of
        DynamoDB's key of the state index: agent_id, state and created_at, each `{"S": ...}`."""

    @abstractmethod
    def approve_agent(self, agent_id: str, role: str, departments: tuple[str, ...]) -> Agent:
        """Activate a pending registration (toggle green); `Changed` unless still pending."""

    @abstractmethod
    def change_agent(
        self,
        agent_id: str,
        *,
        name: str | None = None,
        settings: dict | None = None,
        role: str | None = None,
        departments: tuple[str, ...] | None = None,
        status: str | None = None,
        available: bool | None = None,
    ) -> Agent:
        """Change what is given; `Changed` when the account is gone."""

    @abstractmethod
    def disable_agent(self, agent_id: str) -> Agent:
        """Stop an account (and its toggle); `Changed` when it is gone."""

    @abstractmethod
    def change_password(
        self, agent_id: str, password_hash: str, stamp: str, kept_session: str, former_hash: str
    ) -> Agent:
        """Store a new password with its stamp and the session it was changed in; `Changed`
        when the account is gone or its password is no longer `former_hash`."""

    @abstractmethod
    def create_session(self, session: Session) -> None: ...
    @abstractmethod
    def get_session(self, session_id: str, now: float) -> Session | None: ...
    @abstractmethod
    def end_session(self, session_id: str) -> None: ...
    @abstractmethod
    def sessions_of(self, agent_id: str, now: float) -> list[Session]:
        """The agent's sessions that have not expired (an index: a session that just began
        may be missing for a moment)."""

    @abstractmethod
    def touch_session(self, session_id: str, last_seen_at: str) -> None:
        """Note a use of the session, if it still exists and was not seen later: never brings
        back a session that ended meanwhile."""

    # ---- connections ---------------------------------------------------------------------------

    @abstractmethod
    def add_connection(self, connection: Connection) -> None: ...
    @abstractmethod
    def get_connection(self, connection_id: str, now: float) -> Connection | None: ...
    @abstractmethod
    def touch_connection(
        self, connection_id: str, last_seen: float, expires_at: int, visible: bool = True
    ) -> Connection | None:
        """Record a heartbeat (and whether the console sending it is seen); returns the
        connection as it was (None when unknown)."""

    @abstractmethod
    def remove_connection(self, connection_id: str) -> Connection | None:
        """Forget a connection; returns what was stored, if anything."""

    @abstractmethod
    def connections_of(self, principal_id: str, now: float) -> list[Connection]:
        """The live connections: alive, and (an agent's) within their session; a socket whose
        session ended counts for nothing."""

    @abstractmethod
    def erase_connections_of(self, principal_id: str) -> None:
        """For erasing a person's data: every stored connection of theirs goes, live or past
        its expiry."""

    @abstractmethod
    def issue_socket_ticket(self, ticket_hash: str, ticket: SocketTicket) -> None: ...
    @abstractmethod
    def take_socket_ticket(self, ticket_hash: str, now: float) -> SocketTicket | None:
        """The ticket of this hash, once: a second take (a replay, or a racing socket) finds
        nothing, as does an expired one."""

    @abstractmethod
    def update_agent_connections(self, agent: Agent, counts: bool, now: float) -> None:
        """The agent's live connections learn their name, role, departments, status and whether
        they count for the chat button."""
