"""Web Push for agents: the stack's key and the browsers' subscriptions."""

# No `from __future__ import annotations` here: pydantic would have to evaluate each of the
# models' string annotations when a cold start defines them.

from typing import Annotated

from pydantic import Field, StringConstraints

from chalicelib.schemas.base import Schema, Strict

# The browser's keys, base64url as PushSubscription.toJSON() gives them: a P-256 public key
# (65 bytes uncompressed: 87 characters) and a 16-byte secret (22 characters).
_Base64Url = r"^[A-Za-z0-9_-]+={0,2}$"
P256dh = Annotated[str, StringConstraints(min_length=86, max_length=90, pattern=_Base64Url)]
AuthSecret = Annotated[str, StringConstraints(min_length=21, max_length=26, pattern=_Base64Url)]


class PushKeysIn(Strict):
    p256dh: P256dh
    auth: AuthSecret


class PushSubscriptionIn(Strict):
    """The browser's PushSubscription JSON."""

    endpoint: Annotated[str, StringConstraints(min_length=1, max_length=1000)]
    keys: PushKeysIn
    expirationTime: float | None = None  # noqa: N815 - the browser's own name


class PushKeyOut(Schema):
    public_key: str = Field(description="the VAPID application server key (base64url)")


class PushSubscriptionOut(Schema):
    subscription_id: str
