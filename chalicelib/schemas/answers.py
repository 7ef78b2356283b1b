"""Answers."""

# No `from __future__ import annotations` here: pydantic would have to evaluate each of the
# models' string annotations when a cold start defines them (about 220 ForwardRefs compiled).

from typing import Annotated, Literal

from pydantic import (
    ConfigDict,
    Field,
    StringConstraints,
)

from chalicelib.schemas.base import (
    Role,
    RoomState,
    Schema,
    Status,
    Strict,
)
from chalicelib.schemas.requests import (
    AgentDisplay,
    AgentSettings,
    OfficeHours,
)


class ErrorBody(Schema):
    code: str
    message: str
    # invalid_input: the field, pydantic's reason (missing, string_too_long, ...) and the bound
    # it broke, for clients to say it in their own language.
    field: str | None = None
    reason: str | None = None
    limit: int | float | None = None


class ErrorOut(Schema):
    error: ErrorBody


class ConfigOut(Schema):
    ws_url: str
    max_message_length: int
    languages: list[str]
    sso: bool = Field(False, description="institutional sign-in (OpenID Connect) is offered")
    password_login: bool = Field(True, description="agents may sign in with a password")
    max_upload_bytes: int = Field(description="the largest file a chat takes")
    upload_types: list[str] = Field(description="the content types a chat takes")


class AvailabilityOut(Schema):
    department_id: str
    available: bool
    # Within the department's office hours (always, without office hours): "#livechat-check"
    # tells an editor why the button is hidden.
    open: bool
    # The page origins the loader may show the button on; it checks its page against them.
    allowed_origins: list[str]
    # While nobody can answer: whether the loader offers to leave a message instead.
    offline_messages: bool = False
    privacy_url: str | None = None


class VisitorCreatedOut(Schema):
    visitor_id: str
    name: str
    token: str


class TicketOut(Schema):
    ticket: str
    expires_in: int


class VisitorOut(Schema):
    visitor_id: str
    name: str


class RoomAgentOut(Schema):
    agent_id: str
    name: str
    status: str


class CannedOut(Schema):
    shortcut: str
    text: str
    department_id: str | None  # None: the agent's own


class CannedListOut(Schema):
    responses: list[CannedOut]


class PageOut(Schema):
    url: str
    title: str = ""


class HandoverOut(Schema):
    by: str = Field(description="the agent who forwarded the chat")
    comment: str | None = None


class RatingOut(Schema):
    score: int = Field(ge=1, le=5)
    comment: str | None = None


class RoomOut(Schema):
    room_id: str
    department_id: str
    state: RoomState
    visitor: VisitorOut
    agent: RoomAgentOut | None
    position: int | None = None
    created_at: str
    taken_at: str | None = None
    queued_at: str | None = None  # when it last went into the queue ("wartet seit")
    closed_at: str | None = None
    expires_at: str | None = None
    closed_by: str | None = None
    comment: str | None = None
    last_seq: int = 0
    # A message left while nobody could answer, and the address its answers are mailed to.
    offline: bool = False
    email: str | None = None
    # For agents only (None for visitors): where the chat started, the last forward's note,
    # and (open chats the agent serves, in their list) the messages after their read marker.
    page: PageOut | None = None
    handover: HandoverOut | None = None
    unread: int | None = None
    rating: RatingOut | None = Field(None, description="the visitor's stars and comment")
    files: int = Field(0, description="how many of its messages carry a file")


class AuthorOut(Schema):
    kind: Literal["visitor", "agent", "system"]
    id: str
    name: str


class FileOut(Schema):
    upload_id: str
    name: str
    content_type: str
    size: int


class MessageOut(Schema):
    message_id: str
    room_id: str
    seq: int
    author: AuthorOut
    text: str
    created_at: str
    client_id: str
    event: str | None = None
    event_name: str | None = None
    edited_at: str | None = Field(None, description="team chat: when its author changed it")
    deleted_at: str | None = Field(None, description="team chat: when its author deleted it")
    file: FileOut | None = None


class MessagePageOut(Schema):
    messages: list[MessageOut]
    next: str | None


class RoomWithMessagesOut(RoomOut):
    messages: list[MessageOut]


class RoomPageOut(Schema):
    rooms: list[RoomOut]
    next: str | None


class AgentOut(Schema):
    agent_id: str
    email: str
    name: str
    role: Role
    state: str
    departments: list[str]
    status: Status
    available: bool
    settings: AgentSettings
    created_at: str


class AgentListOut(Schema):
    agents: list[AgentOut]
    next: str | None = None


class RegisteredOut(Schema):
    state: Literal["pending"]


class LoginOut(Schema):
    token: str
    agent: AgentOut


class SessionOut(Schema):
    session_id: str = Field(description="names the session; it opens nothing without its token")
    created_at: str | None = Field(description="the sign-in (unknown for older sessions)")
    last_seen_at: str | None = Field(
        description="its last request or socket heartbeat, to within five minutes"
    )
    current: bool = Field(description="the session of this request")
    user_agent: str = Field(description="the browser's User-Agent at sign-in (shortened)")


class SessionListOut(Schema):
    sessions: list[SessionOut]


class SsoStartOut(Schema):
    authorization_url: str


# A random value the console keeps in its session storage for one sign-in: only the browser
# (tab) that started the sign-in can trade its handover code.
BrowserBinding = Annotated[
    str,
    StringConstraints(min_length=22, max_length=128, pattern=r"^[A-Za-z0-9_-]+$"),
    Field(description="a random value (URL-safe, at least 22 characters) the browser keeps"),
]


class SsoStartIn(Strict):
    browser_binding: BrowserBinding


class SsoExchangeIn(Strict):
    code: Annotated[str, StringConstraints(min_length=1, max_length=128)]
    browser_binding: BrowserBinding


class IdentityOut(Schema):
    identity_id: str
    issuer: str
    subject: str
    email: str
    state: Literal["linked", "requested"] = Field(
        description="linked: signs in as this account; requested: waits for its confirmation"
    )
    created_at: str
    expires_at: str | None = Field(None, description="until when a request can be confirmed")


class IdentitiesOut(Schema):
    identities: list[IdentityOut]


class SsoSignedInOut(LoginOut):
    end_session_url: str | None = Field(
        None, description="the provider's sign-out page, where it has one"
    )


class DepartmentOut(Schema):
    department_id: str
    name: str
    allowed_origins: list[str]
    retention_hours: int
    available: bool
    office_hours: OfficeHours | None = None
    offline_messages: bool = False
    privacy_url: str | None = None
    agent_display: AgentDisplay = "name"
    alert_after_minutes: int = 0
    alert_email: str | None = None
    uploads: bool = True


class DepartmentListOut(Schema):
    departments: list[DepartmentOut]


class PublicAgentOut(Schema):
    agent_id: str
    name: str
    status: Status
    available: bool


class PublicAgentListOut(Schema):
    agents: list[PublicAgentOut]


class ContactInfoOut(Schema):
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    note: str | None = None
    updated_at: str | None = None


class ContactOut(Schema):
    visitor_id: str
    name: str
    contact: ContactInfoOut | None
    rooms: list[RoomOut]


class ContactListOut(Schema):
    contacts: list[ContactOut]
    next: str | None


class DeletedOut(Schema):
    deleted: int
    # Closed chats are left that this request did not get to: ask again.
    more: bool


class OpenApiDocumentOut(Schema):
    """This API's own description (OpenAPI 3.1); only its frame is fixed here."""

    model_config = ConfigDict(extra="allow")
    openapi: str
    info: dict
    paths: dict
    components: dict
