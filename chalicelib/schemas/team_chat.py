"""Team chat (S5-S9, S22): requests and answers."""

# No `from __future__ import annotations` here: pydantic would have to evaluate each of the
# models' string annotations when a cold start defines them (about 220 ForwardRefs compiled).

from typing import Annotated, Literal

from pydantic import (
    Field,
    PlainValidator,
    StringConstraints,
)

from chalicelib.schemas.base import (
    Id,
    RoomState,
    Schema,
    Status,
    Strict,
    Text,
)

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


class ReadMarkerOut(StaffRoomOut):
    """A staff room as `StaffRoomOut`, or a livechat (its visitor's name) with the marker."""

    kind: Literal["channel", "group", "direct", "livechat"]  # type: ignore[assignment]
    members_count: int | None = None  # type: ignore[assignment]


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
