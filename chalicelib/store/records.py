"""What the store hands out and takes in: plain, frozen records, one per kind of thing the
product keeps. Services read and build these; only the store knows how they are kept."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# A page cursor as DynamoDB gives it (the last key read); opaque to everyone but the store.
Cursor = dict[str, Any]


@dataclass(frozen=True)
class Agent:
    agent_id: str
    email: str
    name: str
    password_hash: str
    state: str  # unverified | pending | active | disabled
    role: str = "agent"
    departments: tuple[str, ...] = ()
    status: str = "offline"
    available: bool = False
    settings: Mapping[str, Any] = field(default_factory=dict)
    created_at: str = ""
    # Changing the password gives it a new stamp: sessions signed in under another stamp end,
    # except the one the change was made in ("" for both: accounts from before stamps).
    password_stamp: str = ""
    password_changed_in: str = ""
    # An unverified registration only: when it vanishes, and the hash of its emailed link's token.
    expires_at: int | None = None
    verification_hash: str | None = None


@dataclass(frozen=True)
class Session:
    session_id: str
    agent_id: str
    secret_hash: str
    expires_at: int
    created_at: str = ""  # empty for sessions from before these were kept
    last_seen_at: str = ""  # to within services/principals.py's SEEN_PRECISION_SECONDS
    user_agent: str = ""  # the browser's User-Agent at sign-in, shortened
    password_stamp: str = ""  # the agent's when it signed in


@dataclass(frozen=True)
class Connection:
    """A live WebSocket, remembering who opened it so that a frame needs no other read to know
    its sender: the kind, the principal, their name and (agents) session, role, departments,
    status, whether they count for the chat button, and the moment the session ends."""

    connection_id: str
    kind: str  # agent | visitor
    principal_id: str
    last_seen: float
    expires_at: int
    connected_at: float = 0.0  # when $connect stored it (0: long ago)
    name: str = ""
    session_id: str | None = None
    session_expires_at: int | None = None
    role: str = "agent"
    departments: tuple[str, ...] = ()
    status: str = "offline"
    counts: bool = False  # the agent's heartbeats keep the chat button of its departments
    visible: bool = True  # an agent's console: whether its page is seen (its last heartbeat)


@dataclass(frozen=True)
class Department:
    """Configuration plus the availability the widget reads: `ready_until` maps each agent who
    counts for the button to the moment their presence runs out; `consoles` maps each agent
    with a live console to its connections (queue events go to them)."""

    department_id: str
    name: str
    retention_hours: int
    allowed_origins: tuple[str, ...] = ()
    ready_until: Mapping[str, int] = field(default_factory=dict)
    consoles: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    created_at: str = ""
    office_hours: Mapping[str, Any] | None = None  # services/office_hours.py
    # Agents serving open chats here who lost their last live connection, and since when
    # (services/stranded.py returns those chats to the queue after AGENT_GONE_MINUTES).
    gone_agents: Mapping[str, int] = field(default_factory=dict)
    # While nobody can answer, visitors may leave a message (services/offline.py); the chat
    # window links to the department's privacy notice.
    offline_messages: bool = False
    privacy_url: str | None = None
    agent_display: str = "name"  # how visitors see its agents: name | first_name | department
    # A chat queued longer than this alerts the department's agents on their devices (0: never),
    # and is mailed to the department's address if it has one.
    alert_after_minutes: int = 0
    alert_email: str | None = None
    uploads: bool = True  # visitors and agents may send files in its chats

    @property
    def online_agents(self) -> frozenset[str]:
        return frozenset(self.consoles)


@dataclass(frozen=True)
class CannedResponse:
    """A text an agent inserts with its shortcut (`/hours`), kept per owner: a department's
    (managed by admins) or one agent's own; the shortcut is unique per owner."""

    shortcut: str
    text: str


@dataclass(frozen=True)
class Visitor:
    visitor_id: str
    name: str
    secret_hash: str
    created_at: str
    expires_at: int


@dataclass(frozen=True)
class Contact:
    visitor_id: str
    updated_at: str
    expires_at: int
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Upload:
    """A file a room's visitor or agent was allowed to send (services/files.py): what they
    declared, kept until the message that carries it is accepted, a day at most."""

    upload_id: str
    room_id: str
    uploader_id: str
    name: str
    content_type: str
    size: int
    expires_at: int


@dataclass(frozen=True)
class Room:
    room_id: str
    department_id: str
    state: str  # queued | open | closed
    visitor_id: str
    visitor_name: str
    created_at: str
    created_key: str  # creation time plus a random part: sorts rooms, pages lists
    expires_at: int
    retention_hours: int = 24
    agent_id: str | None = None
    agent_name: str | None = None
    agent_shown: str | None = None  # the agent's name as the visitor sees it (agent_display)
    served_by: frozenset[str] = frozenset()
    taken_at: str | None = None
    closed_at: str | None = None
    closed_by: str | None = None
    comment: str | None = None
    queued_key: str | None = None  # set while queued: the place in the department's queue
    queued_at: str | None = None  # when it last went into a queue (the console's "wartet seit")
    last_seq: int = 0
    version: int = 0
    page: Mapping[str, str] | None = None  # {"url", "title"} where the chat started (agents)
    # The last forward's {"by": agent name, "comment"?}: for the receiving agents, never the visitor
    handover: Mapping[str, str] | None = None
    # For the statistics (services/stats.py): the serving agent's first message, and how many
    # messages visitor and agents wrote (system lines not counted).
    first_response_at: str | None = None
    message_count: int = 0
    file_count: int = 0  # messages with a file (the contact center marks such chats)
    rating: int | None = None  # 1 to 5 stars, given once by the visitor
    rating_comment: str | None = None
    # The live connections of the visitor and of the serving agent (connection id -> principal):
    # a push needs no lookup of whose sockets are open.
    live: Mapping[str, str] = field(default_factory=dict)
    # A message left while nobody could answer: the address its answers are mailed to, kept
    # as long as the room (services/offline.py); the chat's language, for the mails.
    offline_email: str | None = None
    language: str | None = None
    # A transcript asked for (once per room), and its address until it is mailed at the close.
    transcript_asked_at: str | None = None
    transcript_to: str | None = None

    # Those of the agent's live connections whose console is not seen (its last heartbeat
    # said `visible: false`): a message pushes to a device only when none is seen.
    hidden: frozenset[str] = frozenset()

    @property
    def offline(self) -> bool:
        return self.offline_email is not None

    def connections_of(self, *principal_ids: str | None) -> list[str]:
        return [c for c, principal in sorted(self.live.items()) if principal in principal_ids]

    def seen_by(self, agent_id: str) -> bool:
        """A console of the agent that hears this room is open and seen."""
        return any(c not in self.hidden for c in self.connections_of(agent_id))


@dataclass(frozen=True)
class AgentRoom:
    """A room an agent serves or has served (their list of chats, newest first)."""

    agent_id: str
    created_key: str
    room_id: str


@dataclass(frozen=True)
class MessageDraft:
    """A message before the store numbers it."""

    message_id: str
    author_kind: str  # visitor | agent | system
    author_id: str
    author_name: str
    text: str
    client_id: str
    created_at: str
    expires_at: int
    event: str | None = None  # system lines: what happened, for the widget's language
    event_name: str | None = None  # and whom it names (an agent or a department)
    # The agent's name as the visitor sees it, of the author or of the agent a line names
    shown_name: str | None = None
    file: Mapping[str, Any] | None = None  # upload_id, name, content_type, size

    @property
    def claims_client_id(self) -> bool:
        """Clients resend what was not echoed, under its client_id; the server writes a system
        line once, under a new one, so its claim would be written for nobody."""
        return self.author_kind != "system"


@dataclass(frozen=True)
class Message:
    room_id: str
    seq: int
    message_id: str
    author_kind: str
    author_id: str
    author_name: str
    text: str
    client_id: str
    created_at: str
    expires_at: int
    event: str | None = None
    event_name: str | None = None
    shown_name: str | None = None  # the agent's name as the visitor sees it (MessageDraft)
    edited_at: str | None = None  # team chat: the author changed the text then
    deleted_at: str | None = None  # team chat: the author deleted it then (the text is gone)
    file: Mapping[str, Any] | None = None  # upload_id, name, content_type, size


@dataclass(frozen=True)
class Appended:
    """The outcome of appending: the message, whether this call stored it (False: the same
    client_id was sent before), and the room as it is with it."""

    message: Message
    created: bool
    room: Room
    first_response: bool = False  # the serving agent's first message in the chat


@dataclass(frozen=True)
class StatsHour:
    """The counters of one department in one hour (services/stats.py names them): numbers
    only, no person and no text."""

    department_id: str
    hour: str  # "2026-12-07T13", UTC
    counts: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class SocketTicket:
    """A one-time ticket to open a socket, issued to a visitor or to one agent session."""

    kind: str  # agent | visitor
    principal_id: str
    session_id: str | None
    expires_at: int


@dataclass(frozen=True)
class SignInFailures:
    """Failed sign-ins of one account from one address since its failures were last forgotten."""

    count: int
    last_failed_at: float


@dataclass(frozen=True)
class SignInAttempt:
    """An institutional sign-in started and not yet back from the provider."""

    state: str
    nonce: str
    code_verifier: str
    browser_hash: str  # of the value the starting browser keeps: only it may trade the handover
    expires_at: int


@dataclass(frozen=True)
class Handover:
    """A finished institutional sign-in waiting for the console to trade its one-time code."""

    agent_id: str
    end_session_url: str | None
    browser_hash: str  # the attempt's: the exchange must come from the same browser
    expires_at: int


@dataclass(frozen=True)
class IdentityLink:
    """An identity of the provider (issuer and `sub`) under an agent's account: `linked` (it
    signs in as the agent) or `requested` (it asked to, and waits until `expires_at` for the
    account's owner to confirm it)."""

    identity_id: str
    issuer: str
    subject: str
    email: str
    state: str  # linked | requested
    created_at: str
    expires_at: int | None = None


# ---- team chat (S5-S9, S22) ------------------------------------------------------------------


@dataclass(frozen=True)
class StaffRoom:
    """A room of the staff: a public `channel`, a private `group` or a `direct` room. A direct
    room keeps its (at most 8) members' names on itself; channels and groups keep only the
    count, so that reading the room never grows with its members."""

    room_id: str
    kind: str  # channel | group | direct
    name: str  # channels and groups; "" for direct rooms
    created_at: str
    created_by: str
    topic: str | None = None
    members_count: int = 0
    direct_members: Mapping[str, str] = field(default_factory=dict)  # agent_id -> name
    last_seq: int = 0
    last_message_at: str | None = None


@dataclass(frozen=True)
class StaffMember:
    """An agent's membership of a staff room, found by the room (its members) and by the
    agent (their rooms) with one key lookup each."""

    room_id: str
    agent_id: str
    agent_name: str
    kind: str  # the room's kind, so that an agent's list needs no room read to group it
    role: str = "member"  # owner | member
    read_seq: int = 0
    mentions: int = 0  # mentions of this agent since they last read the room
    joined_at: str = ""


@dataclass(frozen=True)
class StaffAppended:
    """A staff message appended: as `Appended`, with the staff room."""

    message: Message
    created: bool
    room: StaffRoom


@dataclass(frozen=True)
class PushSubscription:
    """A browser's Web Push subscription (RFC 8030): where to post, and the keys that encrypt
    the payload for it (RFC 8291). Its id is derived from the endpoint: subscribing the same
    browser again replaces it rather than adding a second."""

    subscription_id: str
    endpoint: str
    p256dh: str
    auth: str
    created_at: str


@dataclass(frozen=True)
class PushTargets:
    """What a push to one agent needs, in one read: their subscriptions and whether they
    allow message text in the notification."""

    subscriptions: tuple[PushSubscription, ...] = ()
    previews: bool = False
