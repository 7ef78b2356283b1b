"""Request bodies."""

# No `from __future__ import annotations` here: pydantic would have to evaluate each of the
# models' string annotations when a cold start defines them (about 220 ForwardRefs compiled).

from datetime import date
from typing import Annotated, Literal
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    Field,
    StringConstraints,
    ValidationError,
    ValidatorFunctionWrapHandler,
    field_validator,
)
from pydantic_core import PydanticCustomError

from chalicelib.schemas.base import (
    ClientId,
    DepartmentId,
    Email,
    EmailOrEmpty,
    Id,
    Name,
    Role,
    Status,
    Strict,
    Text,
    WithFile,
)
from chalicelib.schemas.offline import PrivacyUrl


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
    # Push notifications show the visitor's words only when the agent allows it (off: a
    # locked phone shows no chat content).
    push_previews: bool = False

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
    push_previews: bool | None = None


class MePatch(Strict):
    name: Name | None = None
    settings: AgentSettingsPatch | None = None


class StatusIn(Strict):
    status: Status


class AvailabilityIn(Strict):
    available: bool


def _origin_and_path(url: str) -> str:
    """What agents may see of the page: its origin and path, never a query or fragment (which
    may hold what the visitor typed elsewhere)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("an http(s) address of the page")
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", "", ""))


class PageIn(Strict):
    """The page where the chat started."""

    url: Annotated[str, StringConstraints(max_length=500), AfterValidator(_origin_and_path)]
    title: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""


class StartChatIn(Strict):
    department_id: DepartmentId
    text: Text | None = None
    client_id: ClientId | None = None
    page: PageIn | None = None


class SendMessageIn(WithFile, Strict):
    text: str = ""
    client_id: ClientId
    upload_id: Id | None = None


class CloseIn(Strict):
    comment: Annotated[str, StringConstraints(max_length=1000)] | None = None


class ForwardIn(Strict):
    agent_id: Id | None = None
    department_id: DepartmentId | None = None
    # A handover note for the receiving agents (never shown to the visitor).
    comment: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] | None = None


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


# How a department's agents appear to visitors: their name, their first name, or only the
# department's name.
AgentDisplay = Literal["name", "first_name", "department"]


class DepartmentIn(Strict):
    department_id: DepartmentId
    name: Name
    allowed_origins: list[Origin] = Field(default_factory=list, max_length=100)
    retention_hours: Annotated[int, Field(ge=1, le=24 * 365)] = 24
    offline_messages: bool = False
    privacy_url: PrivacyUrl | None = None


# Office hours (S24): spans of a weekday in the department's time zone, "08:00-12:30"; 24:00 ends
# a day. Dates closed all day as ISO dates.
_TIME = r"([01][0-9]|2[0-3]):[0-5][0-9]"


def _ends_after_it_starts(span: str) -> str:
    start, end = span.split("-")
    if end <= start:  # its own reason, so that the console can say the rule in its language
        raise PydanticCustomError("span_order", "{span} ends before it starts", {"span": span})
    return span


Span = Annotated[
    str,
    StringConstraints(pattern=rf"^{_TIME}-({_TIME}|24:00)$"),
    AfterValidator(_ends_after_it_starts),
]


def _real_date(day: str) -> str:
    try:
        date.fromisoformat(day)
    except ValueError as exc:
        raise PydanticCustomError("no_date", "{day} is no date", {"day": day}) from exc
    return day


# Checked one by one, so that an error names the line it is on.
IsoDate = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"),
    AfterValidator(_real_date),
]


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


class DepartmentPatchIn(Strict):
    name: Name | None = None
    agent_display: AgentDisplay | None = None
    allowed_origins: list[Origin] | None = Field(default=None, max_length=100)
    retention_hours: Annotated[int, Field(ge=1, le=24 * 365)] | None = None
    office_hours: OfficeHours | None = None
    offline_messages: bool | None = None
    privacy_url: PrivacyUrl | Literal[""] | None = None  # "" removes it
    # Minutes a chat may wait in the queue before the department's agents get a push (0: off).
    alert_after_minutes: Annotated[int, Field(ge=0, le=24 * 60)] | None = None
    # Where those chats are mailed too (a team's shared mailbox); "" removes it.
    alert_email: EmailOrEmpty | None = None
    uploads: bool | None = Field(None, description="visitors and agents may send files")
