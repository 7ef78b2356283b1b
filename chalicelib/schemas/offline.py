"""Leaving a message while nobody can answer, and a chat's transcript by email."""

# No `from __future__ import annotations` here (see chalicelib/schemas/base.py).

from typing import Annotated, Literal

from pydantic import StringConstraints

from chalicelib.schemas.base import Email, Name, Schema, Strict, Text

# A department's privacy notice, which the chat window links to: a web address only (never
# `javascript:`), without anything that could leave an attribute.
PrivacyUrl = Annotated[
    str, StringConstraints(max_length=500, pattern=r"""^https?://[^\s"'<>\\`]+$""")
]

# The chat's language, for the mails (German unless English).
Language = Literal["de", "en"]


class OfflineMessageIn(Strict):
    text: Text
    email: Email
    name: Name | None = None
    language: Language | None = None


class TranscriptIn(Strict):
    email: Email
    language: Language | None = None


class TranscriptOut(Schema):
    room_id: str
    # Mailed already (the chat was closed); else it goes out when the chat is closed.
    sent: bool
