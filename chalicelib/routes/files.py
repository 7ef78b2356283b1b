"""Files in a chat: a presigned upload into the bucket, and a signed address to fetch one."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib import schemas as s
from chalicelib.routes.adapter import Answer, routes
from chalicelib.services import files
from chalicelib.services.context import Context
from chalicelib.services.principals import Principal

bp = Blueprint(__name__)
route = routes(bp)


@route(
    "/rooms/{room_id}/uploads",
    "POST",
    "A presigned POST for one file of this type and size into the chat (five minutes)",
    auth="any",
    body=s.UploadIn,
    response=s.UploadOut,
    status=201,
    errors=(400, 403, 404, 409, 413, 415, 429),
)
def create_upload(ctx: Context, principal: Principal, body: s.UploadIn, room_id: str) -> Answer:
    return files.request_upload(ctx, principal, room_id, body.name, body.content_type, body.size)


@route(
    "/rooms/{room_id}/files/{upload_id}",
    "GET",
    "A signed address of a file of the chat (fifteen minutes)",
    auth="any",
    response=s.FileUrlOut,
    errors=(403, 404),
)
def get_file(ctx: Context, principal: Principal, room_id: str, upload_id: str) -> Answer:
    return files.download(ctx, principal, room_id, upload_id)
