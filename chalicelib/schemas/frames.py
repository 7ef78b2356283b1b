"""WebSocket frames from clients: one discriminated union on "action"."""

# No `from __future__ import annotations` here: pydantic would have to evaluate each of the
# models' string annotations when a cold start defines them (about 220 ForwardRefs compiled).

from typing import Annotated, Literal

from pydantic import (
    Field,
)

from chalicelib.schemas.base import (
    ClientId,
    Id,
    Schema,
    Strict,
    WithFile,
)


class HeartbeatFrame(Strict):
    action: Literal["heartbeat"]
    # Whether the console's page is seen; without it, it counts as seen (push notifications
    # go only to agents none of whose consoles is).
    visible: bool = True


class SendFrame(WithFile, Strict):
    action: Literal["send"]
    room_id: Id
    text: str = ""
    client_id: ClientId
    upload_id: Id | None = None


class TypingFrame(Strict):
    action: Literal["typing"]
    room_id: Id
    typing: bool


class ClientFrame(Schema):
    frame: Annotated[HeartbeatFrame | SendFrame | TypingFrame, Field(discriminator="action")]
