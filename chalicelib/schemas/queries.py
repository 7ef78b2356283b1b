"""Query strings: every route's `query` model, unknown parameters refused."""

# No `from __future__ import annotations` here: pydantic would have to evaluate each of the
# models' string annotations when a cold start defines them (about 220 ForwardRefs compiled).

from typing import Annotated, Literal

from pydantic import (
    ConfigDict,
    Field,
)

from chalicelib.schemas.answers import (
    RoomOut,
)
from chalicelib.schemas.base import (
    DepartmentId,
    RoomState,
    Schema,
)


class Query(Schema):
    model_config = ConfigDict(extra="forbid")


Limit = Annotated[int, Field(ge=1, le=200)]


class PageQuery(Query):
    limit: Limit = 50
    next: str | None = None


class RoomsQuery(PageQuery):
    state: RoomState | None = None


class DeleteRoomsQuery(Query):
    state: Literal["closed"]


# Larger numbers than any seq can be cannot name a message (and DynamoDB takes 38 digits at most).
Seq = Annotated[int, Field(ge=0, le=2**53)]


class MessagesQuery(Query):
    after: Seq = 0
    limit: Limit = 100


class AgentsQuery(Query):
    department_id: DepartmentId


class AdminAgentsQuery(PageQuery):
    state: Literal["pending", "active", "disabled"] = "pending"


class SsoCallbackQuery(Query):
    model_config = ConfigDict(extra="ignore")  # providers add their own (iss, session_state)
    state: Annotated[str, Field(max_length=512)] | None = None
    code: Annotated[str, Field(max_length=2048)] | None = None
    error: Annotated[str, Field(max_length=256)] | None = None


class QueueQuery(Query):
    limit: Limit = 100


class QueueOut(Schema):
    rooms: list[RoomOut]


class MyRoomsQuery(Query):
    sort: Literal["activity", "name"] = "activity"


NameQuery = Annotated[str, Field(min_length=1, max_length=64)]


class DirectoryQuery(Query):
    type: Literal["channels", "users"] = "channels"
    q: NameQuery | None = None


class SearchQuery(Query):
    q: NameQuery
