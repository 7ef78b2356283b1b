"""PynamoDB models: one table each. Keys follow the access patterns in docs/data-model.md.

These classes are the tables' schema, bound to no table: each `DynamoStore` makes subclasses
of them bound to its own tables (prefix, endpoint, region), so nothing is read at import and
several stores live side by side. Every item holding personal data carries `expires_at`,
DynamoDB's TTL attribute; reads filter expired items themselves because DynamoDB deletes them late.
"""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, KeysOnlyProjection
from pynamodb.models import Model


class _Meta:
    """Each model's Meta adds `base_name`; a store sets the table name, host and region."""

    table_name = "unbound"
    region: str | None = None
    host: str | None = None
    billing_mode = "PAY_PER_REQUEST"


class TtlNumberAttribute(NumberAttribute):
    """Epoch seconds; DynamoDB TTL is enabled on `expires_at` of every table that has it."""


class KeyItem(Model):
    """Small keyed values: unique emails, client_id idempotency, counters, rate windows, and
    each owner's canned responses (`entries`: shortcut -> text, read in one GetItem)."""

    class Meta(_Meta):
        base_name = "keys"

    key = UnicodeAttribute(hash_key=True)
    ref = UnicodeAttribute(null=True)
    number = NumberAttribute(null=True)
    entries: MapAttribute = MapAttribute(null=True)
    last_at = NumberAttribute(null=True)  # a failed sign-in's time
    expires_at = TtlNumberAttribute(null=True)


class AgentStateIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "state-index"
        projection = AllProjection()

    state = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class AgentItem(Model):
    class Meta(_Meta):
        base_name = "agents"

    agent_id = UnicodeAttribute(hash_key=True)
    email = UnicodeAttribute()
    name = UnicodeAttribute()
    password_hash = UnicodeAttribute()
    state = UnicodeAttribute()  # unverified | pending | active | disabled
    role = UnicodeAttribute(default="agent")
    departments = ListAttribute(of=UnicodeAttribute, default=list)
    status = UnicodeAttribute(default="offline")
    available = BooleanAttribute(default=False)
    settings: MapAttribute = MapAttribute(default=dict)
    created_at = UnicodeAttribute()
    password_stamp = UnicodeAttribute(null=True)
    password_changed_in = UnicodeAttribute(null=True)
    # Unverified registrations only (removed when the owner opens the emailed link).
    expires_at = TtlNumberAttribute(null=True)
    verification_hash = UnicodeAttribute(null=True)
    state_index = AgentStateIndex()


class SessionAgentIndex(GlobalSecondaryIndex):
    """An agent's sessions (Mein Konto lists them; a password change ends the others)."""

    class Meta:
        index_name = "agent-index"
        projection = AllProjection()

    agent_id = UnicodeAttribute(hash_key=True)


class SessionItem(Model):
    class Meta(_Meta):
        base_name = "sessions"

    session_id = UnicodeAttribute(hash_key=True)
    agent_id = UnicodeAttribute()
    secret_hash = UnicodeAttribute()
    expires_at = TtlNumberAttribute()
    created_at = UnicodeAttribute(null=True)
    last_seen_at = UnicodeAttribute(null=True)
    user_agent = UnicodeAttribute(null=True)
    password_stamp = UnicodeAttribute(null=True)
    agent_index = SessionAgentIndex()


class PrincipalIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "principal-index"
        projection = AllProjection()

    principal_id = UnicodeAttribute(hash_key=True)


class ConnectionKindIndex(GlobalSecondaryIndex):
    """The live connections of every agent under one key: a staff channel's message reaches
    its online members from this one Query, not from a read of every member (team chat)."""

    class Meta:
        index_name = "kind-index"
        projection = AllProjection()

    kind = UnicodeAttribute(hash_key=True)


class ConnectionItem(Model):
    """Who opened the socket, so that a frame needs one GetItem to know its sender."""

    class Meta(_Meta):
        base_name = "connections"

    connection_id = UnicodeAttribute(hash_key=True)
    principal_id = UnicodeAttribute()
    kind = UnicodeAttribute()  # agent | visitor
    name = UnicodeAttribute(default="")
    session_id = UnicodeAttribute(null=True)  # agents: logout closes this session's sockets
    session_expires_at = NumberAttribute(null=True)  # agents: frames are refused after it
    role = UnicodeAttribute(default="agent")
    departments = ListAttribute(of=UnicodeAttribute, default=list)
    status = UnicodeAttribute(default="offline")
    counts = BooleanAttribute(default=False)  # agents: heartbeats keep the chat button
    visible = BooleanAttribute(default=True)  # agents: the console's page is seen
    last_seen = NumberAttribute()
    # When $connect stored it: until the handshake completes, API Gateway answers Gone.
    connected_at = NumberAttribute(null=True)
    expires_at = TtlNumberAttribute()
    principal_index = PrincipalIndex()
    kind_index = ConnectionKindIndex()


class DepartmentListingIndex(GlobalSecondaryIndex):
    """Every department under one key, keys only: listing them is a Query, not a Scan, and the
    frequent presence updates of a department never write to this index."""

    class Meta:
        index_name = "listing-index"
        projection = KeysOnlyProjection()

    listing = UnicodeAttribute(hash_key=True)
    department_id = UnicodeAttribute(range_key=True)


class DepartmentItem(Model):
    """Configuration plus the availability the widget reads.

    `ready_until` maps each agent who counts for the button to the moment (epoch seconds) their
    presence runs out unless another heartbeat comes; the button shows while any lies ahead.
    """

    class Meta(_Meta):
        base_name = "departments"

    department_id = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute()
    allowed_origins = ListAttribute(of=UnicodeAttribute, default=list)
    retention_hours = NumberAttribute()
    ready_until: MapAttribute = MapAttribute(default=dict)
    # agent -> their live consoles' connection ids, space-separated: queue events go to them
    consoles: MapAttribute = MapAttribute(default=dict)
    created_at = UnicodeAttribute()
    alert_after_minutes = NumberAttribute(null=True)
    alert_email = UnicodeAttribute(null=True)
    office_hours: MapAttribute = MapAttribute(
        null=True
    )  # on this item: the availability stays one GetItem
    gone_agents: MapAttribute = MapAttribute(
        default=dict
    )  # agent id -> since when they have no connection
    offline_messages = BooleanAttribute(default=False)
    privacy_url = UnicodeAttribute(null=True)
    agent_display = UnicodeAttribute(default="name")  # name | first_name | department
    listing = UnicodeAttribute(default="department")
    uploads = BooleanAttribute(null=True)  # None: on (departments from before the switch)
    listing_index = DepartmentListingIndex()


class VisitorItem(Model):
    class Meta(_Meta):
        base_name = "visitors"

    visitor_id = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute()
    secret_hash = UnicodeAttribute()
    created_at = UnicodeAttribute()
    expires_at = TtlNumberAttribute()


class ContactItem(Model):
    class Meta(_Meta):
        base_name = "contacts"

    visitor_id = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute(null=True)
    email = UnicodeAttribute(null=True)
    phone = UnicodeAttribute(null=True)
    note = UnicodeAttribute(null=True)
    updated_at = UnicodeAttribute()
    expires_at = TtlNumberAttribute()


class RoomQueueIndex(GlobalSecondaryIndex):
    """Sparse: only queued rooms carry `queue_department`."""

    class Meta:
        index_name = "queue-index"
        projection = AllProjection()

    queue_department = UnicodeAttribute(hash_key=True)
    queued_key = UnicodeAttribute(range_key=True)


class RoomVisitorIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "visitor-index"
        projection = KeysOnlyProjection()

    visitor_id = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)


class RoomItem(Model):
    class Meta(_Meta):
        base_name = "rooms"

    room_id = UnicodeAttribute(hash_key=True)
    department_id = UnicodeAttribute()
    state = UnicodeAttribute()  # queued | open | closed
    visitor_id = UnicodeAttribute()
    visitor_name = UnicodeAttribute()
    agent_id = UnicodeAttribute(null=True)
    agent_name = UnicodeAttribute(null=True)
    agent_shown = UnicodeAttribute(null=True)  # the agent's name as the visitor sees it
    served_by = UnicodeSetAttribute(null=True)
    created_at = UnicodeAttribute()
    created_key = UnicodeAttribute()
    taken_at = UnicodeAttribute(null=True)
    queued_at = UnicodeAttribute(null=True)  # when it last went into the queue (None: created_at)
    closed_at = UnicodeAttribute(null=True)
    closed_by = UnicodeAttribute(null=True)
    comment = UnicodeAttribute(null=True)
    queue_department = UnicodeAttribute(null=True)
    queued_key = UnicodeAttribute(null=True)
    last_seq = NumberAttribute(default=0)
    retention_hours = NumberAttribute(default=24)
    version = NumberAttribute(default=0)
    first_response_at = UnicodeAttribute(null=True)
    message_count = NumberAttribute(default=0)
    file_count = NumberAttribute(default=0)
    rating = NumberAttribute(null=True)
    rating_comment = UnicodeAttribute(null=True)
    live: MapAttribute = MapAttribute(default=dict)  # connection id -> visitor or agent id
    offline_email = UnicodeAttribute(null=True)  # a message left: its answers' address
    language = UnicodeAttribute(null=True)
    transcript_asked_at = UnicodeAttribute(null=True)
    transcript_to = UnicodeAttribute(null=True)  # until the transcript is mailed at the close
    page: MapAttribute = MapAttribute(null=True)  # {"url", "title"} where the chat started
    handover: MapAttribute = MapAttribute(null=True)  # the last forward's {"by", "comment"}
    hidden = UnicodeSetAttribute(null=True)  # of those, the agent's consoles not seen
    expires_at = TtlNumberAttribute()
    queue_index = RoomQueueIndex()
    visitor_index = RoomVisitorIndex()


class AgentRoomItem(Model):
    """Rooms an agent serves or has served, newest first (S12's list of an agent's chats), and
    under `department#<id>` the rooms of a department: a link is written when a room enters a
    department, never per message, where an index of the rooms table would be rewritten with
    every change of the room (its `last_seq`, `expires_at`, `live`)."""

    class Meta(_Meta):
        base_name = "agent-rooms"

    agent_id = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)
    room_id = UnicodeAttribute()
    expires_at = TtlNumberAttribute()


class MessageItem(Model):
    class Meta(_Meta):
        base_name = "messages"

    room_id = UnicodeAttribute(hash_key=True)
    seq = NumberAttribute(range_key=True)
    message_id = UnicodeAttribute()
    author_kind = UnicodeAttribute()
    author_id = UnicodeAttribute()
    author_name = UnicodeAttribute()
    text = UnicodeAttribute()
    client_id = UnicodeAttribute()
    event = UnicodeAttribute(null=True)  # system lines: what happened, for the widget's language
    event_name = UnicodeAttribute(null=True)  # and whom it names (an agent or a department)
    shown_name = UnicodeAttribute(null=True)  # the agent's name as the visitor sees it
    edited_at = UnicodeAttribute(null=True)  # team chat: when its author changed it
    deleted_at = UnicodeAttribute(null=True)  # team chat: when its author deleted it
    file: MapAttribute = MapAttribute(null=True)  # upload_id, name, content_type, size
    created_at = UnicodeAttribute()
    expires_at = TtlNumberAttribute()


class SsoGrantItem(Model):
    """Short-lived, single-use items of institutional sign-in: a started sign-in
    (`attempt#<state>`: nonce and PKCE verifier) and a finished one waiting for the console
    (`handover#<hash of the one-time code>`: the agent), each with the hash of the value that the
    starting browser keeps. Minutes long; the store takes each once."""

    class Meta(_Meta):
        base_name = "sso-grants"

    grant_key = UnicodeAttribute(hash_key=True)
    nonce = UnicodeAttribute(null=True)
    code_verifier = UnicodeAttribute(null=True)
    agent_id = UnicodeAttribute(null=True)
    end_session_url = UnicodeAttribute(null=True)
    browser_hash = UnicodeAttribute(null=True)
    expires_at = TtlNumberAttribute()


# ---- team chat (S5-S9, S22) --------------------------------------------------------------------


class StaffChannelIndex(GlobalSecondaryIndex):
    """Sparse: only public channels carry `listing`; the directory lists them by name."""

    class Meta:
        index_name = "channel-index"
        projection = AllProjection()

    listing = UnicodeAttribute(hash_key=True)
    name_key = UnicodeAttribute(range_key=True)


class StaffRoomItem(Model):
    """A staff room. Channels and groups hold only their members' count; a direct room (at
    most 8 members) their names. Its name is claimed in the keys table (`staffname#...`)."""

    class Meta(_Meta):
        base_name = "staff-rooms"

    room_id = UnicodeAttribute(hash_key=True)
    kind = UnicodeAttribute()  # channel | group | direct
    name = UnicodeAttribute(default="")
    name_key = UnicodeAttribute(null=True)  # the name in lower case (channels and groups)
    listing = UnicodeAttribute(null=True)  # "channel" for public channels
    topic = UnicodeAttribute(null=True)
    members_count = NumberAttribute(default=0)
    direct_members: MapAttribute = MapAttribute(default=dict)
    last_seq = NumberAttribute(default=0)
    last_message_at = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    created_by = UnicodeAttribute()
    channel_index = StaffChannelIndex()


class StaffMemberAgentIndex(GlobalSecondaryIndex):
    """An agent's rooms: the other direction of the membership, also one key."""

    class Meta:
        index_name = "agent-index"
        projection = AllProjection()

    agent_id = UnicodeAttribute(hash_key=True)
    room_id = UnicodeAttribute(range_key=True)


class StaffMemberItem(Model):
    """A membership: the room's members by the table's key, the agent's rooms by the index."""

    class Meta(_Meta):
        base_name = "staff-members"

    room_id = UnicodeAttribute(hash_key=True)
    agent_id = UnicodeAttribute(range_key=True)
    agent_name = UnicodeAttribute()
    kind = UnicodeAttribute()
    role = UnicodeAttribute(default="member")
    read_seq = NumberAttribute(default=0)
    mentions = NumberAttribute(default=0)
    joined_at = UnicodeAttribute(default="")
    agent_index = StaffMemberAgentIndex()


ALL_MODELS: tuple[type[Model], ...] = (
    KeyItem,
    AgentItem,
    SessionItem,
    ConnectionItem,
    DepartmentItem,
    VisitorItem,
    ContactItem,
    RoomItem,
    AgentRoomItem,
    MessageItem,
    SsoGrantItem,
    StaffRoomItem,
    StaffMemberItem,
)

TTL_MODELS: tuple[type[Model], ...] = tuple(
    model for model in ALL_MODELS if "expires_at" in model.get_attributes()
)
