"""pydantic models for every request body, WebSocket frame and answer (the edges only)."""

# No `from __future__ import annotations` here: pydantic would have to evaluate each of the
# models' string annotations when a cold start defines them (about 220 ForwardRefs compiled).

from datetime import date
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    StringConstraints,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WithJsonSchema,
    field_validator,
)

Id = Annotated[str, StringConstraints(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_.:-]+$")]
DepartmentId = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9_-]*$")
]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
ClientId = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")
]


def _email_address(value: str) -> str:
    # pydantic's own check, as its EmailStr does it. Imported on first use: pydantic.networks and
    # email-validator would add some hundredths of a second to importing app.py, and only
    # sign-in, registration and contacts read addresses.
    from pydantic.networks import validate_email

    return validate_email(value)[1]


# pydantic's EmailStr, checked and described alike (normalized; "format": "email").
Email = Annotated[
    str, AfterValidator(_email_address), WithJsonSchema({"type": "string", "format": "email"})
]
Status = Literal["online", "away", "busy", "offline"]
Role = Literal["agent", "admin"]
RoomState = Literal["queued", "open", "closed"]
# Message text: its length is checked by the service against MAX_MESSAGE_LENGTH (413, not 400).
Text = Annotated[str, StringConstraints(min_length=1)]


class Schema(BaseModel):
    """Every model here. pydantic builds a model's validator on first use instead of at class
    definition (`defer_build`): importing app.py would otherwise build all of them, a tenth of a
    second of every cold start, where a request needs two or three (docs/performance.md)."""

    model_config = ConfigDict(defer_build=True)


class Strict(Schema):
    """Request bodies: unknown fields and loose types ("yes" for a bool, "5" for a number) are
    refused with a 400 that names the field."""

    model_config = ConfigDict(extra="forbid", strict=True)


# ---- requests ---------------------------------------------------------------------------------


class RegisterIn(Strict):
    email: Email
    name: Name
    # At least 12 characters and hard to guess (services/passwords.py judges the rest).
    password: Annotated[str, StringConstraints(min_length=12, max_length=256)]


class VerifyEmailIn(Strict):
    # The token of the emailed link, "<agent_id>.<secret>".
    token: Annotated[str, StringConstraints(min_length=1, max_length=300)]


class LoginIn(Strict):
    email: Email
    password: Annotated[str, StringConstraints(min_length=1, max_length=256)]


class PasswordChangeIn(Strict):
    current: Annotated[str, StringConstraints(min_length=1, max_length=256)]
    # As at registration: at least 12 characters and hard to guess.
    new: Annotated[str, StringConstraints(min_length=12, max_length=256)]


# A profile picture is stored inline as a small data URL (the console scales it down), never as
# a link that other people's browsers would fetch.
Avatar = Annotated[
    str,
    StringConstraints(
        max_length=60_000, pattern=r"^data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/]+=*$"
    ),
]


class AgentSettings(Strict):
    away_after_minutes: Annotated[int, Field(ge=0, le=24 * 60)] = 5
    sound: bool = True
    theme: Literal["light", "dark", "system"] = "system"
    avatar: Avatar | None = None
    density: Literal["comfortable", "compact"] = "comfortable"
    language: Literal["de", "en"] | None = None
    # Team chat's display options (S8): the sidebar's order and look.
    room_sort: Literal["activity", "name"] = "activity"
    group_by_type: bool = True
    unread_on_top: bool = False
    show_avatars: bool = True

    @field_validator("avatar", mode="wrap")
    @classmethod
    def _stored_link_is_no_picture(
        cls, value: object, handler: ValidatorFunctionWrapHandler
    ) -> object:
        # A picture stored before only inline images were allowed is left out of the answer;
        # it must not make the agent's every answer fail.
        try:
            return handler(value)
        except ValidationError:
            return None


class AgentSettingsPatch(Strict):
    away_after_minutes: Annotated[int, Field(ge=0, le=24 * 60)] | None = None
    sound: bool | None = None
    theme: Literal["light", "dark", "system"] | None = None
    avatar: Avatar | None = None
    density: Literal["comfortable", "compact"] | None = None
    language: Literal["de", "en"] | None = None
    room_sort: Literal["activity", "name"] | None = None
    group_by_type: bool | None = None
    unread_on_top: bool | None = None
    show_avatars: bool | None = None


class MePatch(Strict):
    name: Name | None = None
    settings: AgentSettingsPatch | None = None


class StatusIn(Strict):
    status: Status


class AvailabilityIn(Strict):
    available: bool


class StartChatIn(Strict):
    department_id: DepartmentId
    text: Text | None = None
    client_id: ClientId | None = None


class SendMessageIn(Strict):
    text: Text
    client_id: ClientId


class CloseIn(Strict):
    comment: Annotated[str, StringConstraints(max_length=1000)] | None = None


class ForwardIn(Strict):
    agent_id: Id | None = None
    department_id: DepartmentId | None = None


# A canned response's shortcut, typed after "/" in the composer.
Shortcut = Annotated[
    str, StringConstraints(min_length=1, max_length=32, pattern=r"^[a-z0-9][a-z0-9_-]*$")
]


class CannedIn(Strict):
    shortcut: Shortcut
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class ContactIn(Strict):
    name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=120)] | None = None
    email: Email | None = None
    phone: Annotated[str, StringConstraints(max_length=40, pattern=r"^[0-9+()./ -]*$")] | None = (
        None
    )
    note: Annotated[str, StringConstraints(max_length=2000)] | None = None


class ApproveIn(Strict):
    role: Role = "agent"
    departments: list[DepartmentId] = Field(default_factory=list, max_length=50)


class AgentPatchIn(Strict):
    role: Role | None = None
    departments: list[DepartmentId] | None = Field(default=None, max_length=50)


Origin = Annotated[
    str, StringConstraints(max_length=200, pattern=r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$")
]


class DepartmentIn(Strict):
    department_id: DepartmentId
    name: Name
    allowed_origins: list[Origin] = Field(default_factory=list, max_length=100)
    retention_hours: Annotated[int, Field(ge=1, le=24 * 365)] = 24


# Office hours (S24): spans of a weekday in the department's time zone, "08:00-12:30"; 24:00 ends
# a day. Dates closed all day as ISO dates.
_TIME = r"([01][0-9]|2[0-3]):[0-5][0-9]"


def _ends_after_it_starts(span: str) -> str:
    start, end = span.split("-")
    if end <= start:
        raise ValueError(f"{span} ends before it starts")
    return span


Span = Annotated[
    str,
    StringConstraints(pattern=rf"^{_TIME}-({_TIME}|24:00)$"),
    AfterValidator(_ends_after_it_starts),
]
IsoDate = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class OfficeHours(Strict):
    enabled: bool
    time_zone: Annotated[str, StringConstraints(min_length=1, max_length=64)] = "Europe/Berlin"
    weekly: dict[Weekday, Annotated[list[Span], Field(max_length=8)]] = Field(default_factory=dict)
    closed_dates: list[IsoDate] = Field(default_factory=list, max_length=400)

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"unknown time zone {value!r} (an IANA name such as Europe/Berlin)"
            ) from exc
        return value

    @field_validator("closed_dates")
    @classmethod
    def _real_dates(cls, value: list[str]) -> list[str]:
        for day in value:
            try:
                date.fromisoformat(day)
            except ValueError as exc:
                raise ValueError(f"{day} is no date") from exc
        return value


class DepartmentPatchIn(Strict):
    name: Name | None = None
    allowed_origins: list[Origin] | None = Field(default=None, max_length=100)
    retention_hours: Annotated[int, Field(ge=1, le=24 * 365)] | None = None
    office_hours: OfficeHours | None = None


# ---- paging cursors: exactly what the API hands out as `next` --------------------------------

IsoTime = Annotated[
    str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
]
# A room's created_key: its creation time and a random suffix (rooms and contacts pages).
CreatedKeyCursor = Annotated[
    str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z#k_[0-9a-f]{20}$")
]


class _StringValue(Strict):
    S: Id


class _TimeValue(Strict):
    S: IsoTime


class _StateValue(Strict):
    S: Literal["pending", "active", "disabled"]


class AgentsCursor(Strict):
    """DynamoDB's LastEvaluatedKey of the agents' state index."""

    agent_id: _StringValue
    state: _StateValue
    created_at: _TimeValue


# ---- WebSocket frames: one discriminated union on "action" --------------------------------------


class HeartbeatFrame(Strict):
    action: Literal["heartbeat"]


class SendFrame(Strict):
    action: Literal["send"]
    room_id: Id
    text: Text
    client_id: ClientId


class TypingFrame(Strict):
    action: Literal["typing"]
    room_id: Id
    typing: bool


class ClientFrame(Schema):
    frame: Annotated[HeartbeatFrame | SendFrame | TypingFrame, Field(discriminator="action")]


# ---- answers ------------------------------------------------------------------------------------


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


class AvailabilityOut(Schema):
    department_id: str
    available: bool
    # Within the department's office hours (always, without office hours): "#livechat-check"
    # tells an editor why the button is hidden.
    open: bool
    # The page origins the loader may show the button on; it checks its page against them.
    allowed_origins: list[str]


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


class AuthorOut(Schema):
    kind: Literal["visitor", "agent", "system"]
    id: str
    name: str


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


# ---- team chat (S5-S9, S22) --------------------------------------------------------------------

StaffRoomName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[^@#]+$")
]
Topic = Annotated[str, StringConstraints(strip_whitespace=True, max_length=250)]


class CreateChannelIn(Strict):
    kind: Literal["channel", "group"]
    name: StaffRoomName
    topic: Topic | None = None
    members: Annotated[list[Id], Field(max_length=49)] = []


class OpenDirectIn(Strict):
    agent_ids: Annotated[list[Id], Field(min_length=1, max_length=7)]


class ChangeChannelIn(Strict):
    name: StaffRoomName | None = None
    topic: Topic | None = None


class AddMemberIn(Strict):
    agent_id: Id


class ReadIn(Strict):
    seq: Annotated[int, Field(ge=0)]


class EditMessageIn(Strict):
    text: Text


def _retention_days(value: object) -> int | Literal["keep"]:
    # One plain check instead of a union, so that a bad value gets one message that names
    # the field alone (a union's error names the member type too: "retention_days.int").
    if value == "keep":
        return "keep"
    if type(value) is int and 1 <= value <= 3650:  # bool is no number of days
        return value
    raise ValueError('a number of days from 1 to 3650, or "keep"')


class StaffRetentionIn(Strict):
    retention_days: Annotated[
        int | Literal["keep"],
        PlainValidator(
            _retention_days,
            json_schema_input_type=Annotated[int, Field(ge=1, le=3650)] | Literal["keep"],
        ),
    ]


class StaffRetentionOut(Schema):
    retention_days: int | Literal["keep"]


class StaffMemberOut(Schema):
    agent_id: str
    name: str
    role: Literal["owner", "member"]


class StaffRoomOut(Schema):
    room_id: str
    kind: Literal["channel", "group", "direct"]
    name: str
    topic: str | None = None
    members_count: int
    created_at: str
    last_message_at: str | None = None
    last_seq: int = 0
    unread: int | None = Field(None, description="messages after the read marker (members)")
    mentions: int | None = Field(None, description="mentions of the agent since last read")
    role: Literal["owner", "member"] | None = None
    read_seq: int | None = None


class StaffRoomWithMembersOut(StaffRoomOut):
    members: list[StaffMemberOut]


class StaffRoomListOut(Schema):
    rooms: list[StaffRoomOut]


class FoundRoomOut(Schema):
    room_id: str
    kind: Literal["channel", "group", "direct", "livechat"]
    name: str
    topic: str | None = None
    members_count: int | None = None
    unread: int | None = None
    state: RoomState | None = Field(None, description="livechats: their state")


class ColleagueOut(Schema):
    agent_id: str
    name: str
    status: Status


class DirectoryOut(Schema):
    rooms: list[FoundRoomOut] | None = None
    users: list[ColleagueOut] | None = None


class SearchOut(Schema):
    rooms: list[FoundRoomOut]
    users: list[ColleagueOut]
