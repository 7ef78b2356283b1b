"""Everything the product does to its data, as one interface: `DynamoStore` keeps it in
DynamoDB, `MemoryStore` in a dict for fast tests; tests/local/test_store_contract.py runs the
same cases on both.

Reads that can meet an item past its expiry filter it (DynamoDB's TTL deletes late). Writes
that decide a race are conditional and named for what they decide; a lost race raises
`Changed`, a unique key held already `Taken`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from chalicelib.store.records import (
    Agent,
    AgentRoom,
    Appended,
    CannedResponse,
    Connection,
    Contact,
    Cursor,
    Department,
    Handover,
    IdentityLink,
    Message,
    MessageDraft,
    Room,
    Session,
    SignInAttempt,
    SignInFailures,
    SocketTicket,
    StaffAppended,
    StaffMember,
    StaffRoom,
    Visitor,
)


class StoreError(Exception):
    """Base of the store's expected refusals."""


class Taken(StoreError):
    """A unique key is held already (an email, a department id)."""


class Changed(StoreError):
    """The item was gone or not in the state the operation expected: a race was lost."""


class Closed(StoreError):
    """The room is closed: nothing more can be said in it."""


class Store(ABC):
    @abstractmethod
    def create_missing_tables(self) -> list[str]:
        """Make the tables that do not exist yet (local runs and tests; AWS has infra/);
        returns their names."""

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
        self, connection_id: str, last_seen: float, expires_at: int
    ) -> Connection | None:
        """Record a heartbeat; returns the connection as it was (None when unknown)."""

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

    # ---- departments ---------------------------------------------------------------------------

    @abstractmethod
    def create_department(self, department: Department) -> None:
        """`Taken` when the id is."""

    @abstractmethod
    def get_department(self, department_id: str) -> Department | None: ...

    @abstractmethod
    def all_departments(self) -> list[Department]:
        """Every department, by id."""

    @abstractmethod
    def change_department(
        self,
        department_id: str,
        *,
        name: str | None = None,
        allowed_origins: tuple[str, ...] | None = None,
        retention_hours: int | None = None,
        office_hours: Mapping[str, Any] | None = None,
    ) -> Department:
        """Change what is given (office hours as a whole); `Changed` when the department is
        gone."""

    @abstractmethod
    def delete_department(self, department_id: str) -> None:
        """`Changed` when there is none."""

    @abstractmethod
    def mark_agent_gone(self, department_id: str, agent_id: str, since: int | None) -> None:
        """Remember (or, with None, forget) since when an agent serving chats of the department
        has had no live connection; a department deleted meanwhile is left alone."""

    @abstractmethod
    def set_agent_presence(
        self, department_id: str, agent_id: str, ready_until: int | None, consoles: tuple[str, ...]
    ) -> None:
        """Whether the agent counts for the department's button (until when), and the
        connections of its live consoles; a department deleted meanwhile is left alone."""

    @abstractmethod
    def extend_agent_presence(self, department_id: str, agent_id: str, ready_until: int) -> bool:
        """Move the agent's presence deadline forward if it counts for the button now; False
        when it does not."""

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

    # ---- rooms ---------------------------------------------------------------------------------

    @abstractmethod
    def create_room(self, room: Room, first: MessageDraft | None) -> Appended | None:
        """Store a new room, with its first message (seq 1) in the same transaction if given."""

    @abstractmethod
    def get_room(self, room_id: str, now: float) -> Room | None: ...

    @abstractmethod
    def get_rooms(self, room_ids: Iterable[str], now: float) -> list[Room]: ...

    @abstractmethod
    def rooms_to_erase(self, room_ids: Iterable[str]) -> list[Room]:
        """For erasing a person's data: the rooms still stored, including those past their
        expiry that DynamoDB's TTL has not removed yet (it deletes up to days late)."""

    @abstractmethod
    def take_room(
        self,
        room: Room,
        agent_id: str,
        agent_name: str,
        taken_at: str,
        connections: tuple[str, ...],
        link_expires_at: int,
    ) -> Room:
        """Open a queued room for this agent (whose live `connections` the room then pushes
        to) and add it to the agent's chats; `Changed` when anyone changed it since `room` was
        read (another take won)."""

    @abstractmethod
    def return_room(self, room: Room, queued_at: str) -> Room:
        """Back to its department's queue at its old place; `Changed` unless still served by
        the same agent."""

    @abstractmethod
    def forward_room_to_agent(
        self,
        room: Room,
        agent_id: str,
        agent_name: str,
        connections: tuple[str, ...],
        link_expires_at: int,
        department: Department | None = None,
    ) -> Room:
        """To another agent and into their chats, and with `department` into it (its
        retention too); `Changed` unless still open and served by the same agent."""

    @abstractmethod
    def forward_room_to_department(
        self,
        room: Room,
        department_id: str,
        queued_key: str,
        queued_at: str,
        retention_hours: int,
    ) -> Room:
        """Queue the room in another department; `Changed` unless still open and served by
        the same agent."""

    @abstractmethod
    def close_room(
        self, room: Room, closed_at: str, closed_by: str, comment: str | None, expires_at: int
    ) -> Room:
        """`Changed` unless still in the state `room` shows."""

    @abstractmethod
    def listen(self, room_id: str, connection_id: str, principal_id: str) -> None:
        """A new connection of the room's visitor or agent hears its pushes from now on."""

    @abstractmethod
    def stop_listening(self, room_id: str, connection_id: str) -> None:
        """A connection that is gone is no longer pushed to."""

    @abstractmethod
    def delete_room(self, room: Room, only_if_closed: bool) -> None:
        """Remove a room with its messages and agents' links; `Changed` when it is not closed
        but had to be."""

    @abstractmethod
    def queued_rooms(self, department_id: str, limit: int, now: float) -> list[Room]:
        """The department's queue, oldest first."""

    @abstractmethod
    def queue_position(self, department_id: str, queued_key: str, now: float) -> int:
        """1-based place in the department's queue of the room queued at `queued_key`."""

    @abstractmethod
    def rooms_of_department(self, department_id: str, before_key: str | None) -> Iterator[Room]:
        """The department's rooms, newest first, read page by page as the caller goes on."""

    @abstractmethod
    def room_ids_of_visitor(self, visitor_id: str) -> list[str]: ...

    @abstractmethod
    def rooms_of_agent(
        self, agent_id: str, before_key: str | None, limit: int | None
    ) -> list[AgentRoom]:
        """The agent's links, newest first."""

    # ---- messages ------------------------------------------------------------------------------

    @abstractmethod
    def append_message(
        self, room: Room, draft: MessageDraft, room_expires_at: int | None
    ) -> Appended:
        """Number the message with the room's next seq and store both, with the claim of its
        client_id, in one transaction: seqs have no holes and a message is readable as soon as
        any later one is. A client_id sent before gives back that message (`created` False).
        A system line claims none (`MessageDraft.claims_client_id`).
        With `room_expires_at` the room must not be closed (`Closed`) and lives that long;
        without it (the closing line) it may be."""

    @abstractmethod
    def message_for_client_id(self, room_id: str, client_id: str, now: float) -> Message | None:
        """The message sent earlier with this client_id, if any."""

    @abstractmethod
    def messages_after(self, room_id: str, after: int, limit: int, now: float) -> list[Message]:
        """Messages in seq order after `after`."""

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

    # ---- team chat (S5-S9, S22): staff rooms, their members, their messages -------------------
    # A room's members and an agent's rooms are each one Query on a key; a message to a room
    # reaches its online members through the agents' live connections (one Query) and one
    # batch of membership key lookups for those, never a read of every member.

    @abstractmethod
    def create_staff_room(self, room: StaffRoom, members: Iterable[StaffMember]) -> None:
        """Store a room with its first members in one transaction (at most 50); `Taken` when
        the room is a channel and a channel of that name (case-insensitive) exists, or the room
        id does (a direct room's id is made from its set of members). Only channels claim
        their names."""

    @abstractmethod
    def get_staff_room(self, room_id: str) -> StaffRoom | None: ...

    @abstractmethod
    def get_staff_rooms(self, room_ids: Iterable[str]) -> list[StaffRoom]: ...

    @abstractmethod
    def public_channels(self) -> list[StaffRoom]:
        """Every channel (not groups or direct rooms), by name."""

    @abstractmethod
    def change_staff_room(
        self, room_id: str, *, name: str | None = None, topic: str | None = None
    ) -> StaffRoom:
        """Rename (a channel claims the new name: `Taken`) or set the topic ("" clears it);
        `Changed` when the room is gone."""

    @abstractmethod
    def delete_staff_room(self, room_id: str) -> list[str]:
        """Remove the room, its name, its members and its messages; the agent ids of the
        members it removed (none when gone). Once the room is gone nobody joins or leaves it,
        so these are exactly its last members."""

    @abstractmethod
    def staff_member(self, room_id: str, agent_id: str) -> StaffMember | None: ...

    @abstractmethod
    def staff_members(self, room_id: str) -> list[StaffMember]:
        """The room's members, by agent id."""

    @abstractmethod
    def staff_memberships(self, agent_id: str) -> list[StaffMember]:
        """The agent's memberships, by room id."""

    @abstractmethod
    def staff_members_among(self, room_id: str, agent_ids: Iterable[str]) -> set[str]:
        """Which of these agents are members of the room (key lookups for just them)."""

    @abstractmethod
    def add_staff_member(self, member: StaffMember) -> bool:
        """Add a member and count them; False when already one; `Changed` when the room is
        gone."""

    @abstractmethod
    def remove_staff_member(self, room_id: str, agent_id: str) -> bool:
        """False when they were no member."""

    @abstractmethod
    def mark_staff_read(self, room_id: str, agent_id: str, seq: int) -> StaffMember | None:
        """Move the member's read marker forward to `seq` (never back) and clear their
        mentions; None when no member."""

    @abstractmethod
    def note_staff_mention(self, room_id: str, agent_id: str) -> None:
        """One more unread mention of a member (nothing when no member)."""

    @abstractmethod
    def append_staff_message(self, room: StaffRoom, draft: MessageDraft) -> StaffAppended:
        """As `append_message`: the room's next seq without holes, once per client_id;
        `Changed` when the room is gone."""

    @abstractmethod
    def change_staff_message(
        self,
        room_id: str,
        seq: int,
        author_id: str,
        not_before: str,
        *,
        text: str | None,
        changed_at: str,
    ) -> Message:
        """The author edits (`text`) or deletes (None) a message created at or after
        `not_before`; `Changed` when it is gone, deleted, another's or older."""

    @abstractmethod
    def online_agent_connections(self, now: float) -> list[Connection]:
        """The live connections of every agent whose session still runs (one Query, growing
        with who is online): the connection remembers when its session ends."""

    @abstractmethod
    def staff_retention_days(self) -> int | None:
        """The retention of staff messages an admin set, in days (0: kept); None: never set."""

    @abstractmethod
    def set_staff_retention_days(self, days: int) -> None: ...
