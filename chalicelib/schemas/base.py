"""The models' common ground: constrained types, the base models, paging cursors."""

# No `from __future__ import annotations` here: pydantic would have to evaluate each of the
# models' string annotations when a cold start defines them (about 220 ForwardRefs compiled).

from typing import Annotated, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    StringConstraints,
    WithJsonSchema,
    model_validator,
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

# An address, or "" where that removes one (one type: an error names just the field).
EmailOrEmpty = Annotated[
    str,
    AfterValidator(lambda value: _email_address(value) if value else value),
    WithJsonSchema({"anyOf": [{"type": "string", "format": "email"}, {"const": ""}]}),
]


Status = Literal["online", "away", "busy", "offline"]


Role = Literal["agent", "admin"]


RoomState = Literal["queued", "open", "closed"]


# Message text: its length is checked by the service against MAX_MESSAGE_LENGTH (413, not 400).
Text = Annotated[str, StringConstraints(min_length=1)]


class WithFile:
    """A message's text, its file (`upload_id`), or both: never neither."""

    text: str
    upload_id: str | None

    @model_validator(mode="after")
    def _text_or_file(self) -> Self:
        if not self.text and self.upload_id is None:
            raise ValueError("text: give a text, an upload_id or both")
        return self


class Schema(BaseModel):
    """Every model here. pydantic builds a model's validator on first use instead of at class
    definition (`defer_build`): importing app.py would otherwise build all of them, a tenth of a
    second of every cold start, where a request needs two or three (docs/performance.md)."""

    model_config = ConfigDict(defer_build=True)


class Strict(Schema):
    """Request bodies: unknown fields and loose types ("yes" for a bool, "5" for a number) are
    refused with a 400 that names the field."""

    model_config = ConfigDict(extra="forbid", strict=True)


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
