"""Files in a chat: asking to upload one, and where to fetch it."""

# No `from __future__ import annotations` here: pydantic would have to evaluate each of the
# models' string annotations when a cold start defines them.

from typing import Annotated

from pydantic import Field, StringConstraints

from chalicelib.schemas.base import Schema, Strict

# A file's name as the browser gives it; only shown and used as the download's name.
FileName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
ContentType = Annotated[str, StringConstraints(min_length=1, max_length=100)]


class UploadIn(Strict):
    name: FileName
    content_type: ContentType
    size: int = Field(ge=1, description="bytes; at most `max_upload_bytes` of GET /config")


class UploadOut(Schema):
    upload_id: str
    url: str = Field(description="send `fields` and then the file as multipart form data here")
    fields: dict[str, str]
    expires_at: str


class FileUrlOut(Schema):
    url: str = Field(description="a signed download address")
    expires_at: str
