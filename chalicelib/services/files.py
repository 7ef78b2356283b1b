"""Files in a chat: a browser sends the file straight to the bucket with a presigned POST that
takes exactly the declared type and size; the message that carries it is accepted only once the
file is there, of that size, with the first bytes of that type, and (images) without metadata.
Files live as long as their room; uploads never sent go within a day (docs/data-model.md)."""

from __future__ import annotations

from chalicelib.clock import new_id
from chalicelib.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    TooLarge,
    UnsupportedType,
)
from chalicelib.objects import FILES, UPLOADS, FileInfo, ObjectStore, file_key, upload_key
from chalicelib.services import media, staff
from chalicelib.services.access import load_room, require_may_write
from chalicelib.services.context import Context
from chalicelib.services.principals import Principal
from chalicelib.services.visitors import count_in_minute
from chalicelib.store.records import Room, Upload

UPLOAD_SECONDS = 300  # a presigned POST is good for five minutes
DOWNLOAD_SECONDS = 900  # a download address for fifteen
UNSENT_HOURS = 24  # an upload no message carried is gone after a day
# The bucket is listed once an hour, in the first minute: every minute would cost listings
# (about $0.50 a month) while nothing is there to remove.
SWEEP_EVERY_SECONDS = 3600
# Read whole to take metadata out.
CLEANED_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})


def _objects(ctx: Context) -> ObjectStore:
    if ctx.files is None:
        raise RuntimeError("this context has no bucket for files (Context.files)")
    return ctx.files


def _mismatch(why: str) -> InvalidInput:
    return InvalidInput(f"upload_id: {why}", "file_mismatch")


def request_upload(
    ctx: Context, principal: Principal, room_id: str, name: str, content_type: str, size: int
) -> dict:
    """A presigned POST for one file of this type and size into the room (a chat, or a team
    room the asker is a member of), for five minutes."""
    settings = ctx.settings
    if size > settings.max_upload_bytes:
        raise TooLarge(f"size: at most {settings.max_upload_bytes} bytes", "file_too_large")
    if content_type not in settings.upload_types:
        raise UnsupportedType(
            f"content_type: one of {', '.join(settings.upload_types)}", "unsupported_type"
        )
    if staff.is_staff_room_id(room_id):
        room_id = staff.load_member(ctx, principal, room_id)[0].room_id
    else:
        room_id = _chat_taking_files(ctx, principal, room_id).room_id
    _count_upload(ctx, principal)
    upload = Upload(
        upload_id=new_id("upl"),
        room_id=room_id,
        uploader_id=principal.id,
        name=name,
        content_type=content_type,
        size=size,
        expires_at=ctx.epoch_in(hours=UNSENT_HOURS),
    )
    ctx.store.save_upload(upload)
    post = _objects(ctx).presigned_post(
        upload_key(room_id, upload.upload_id), content_type, size, UPLOAD_SECONDS
    )
    return {
        "upload_id": upload.upload_id,
        "url": post["url"],
        "fields": post["fields"],
        "expires_at": ctx.iso(ctx.now() + UPLOAD_SECONDS),
    }


def _chat_taking_files(ctx: Context, principal: Principal, room_id: str) -> Room:
    room = load_room(ctx, principal, room_id)
    if room.state == "closed":
        raise Conflict("this chat is closed", "room_closed")
    require_may_write(principal, room)
    department = ctx.store.get_department(room.department_id)
    if department is not None and not department.uploads:
        raise Conflict("this department takes no files", "uploads_off")
    return room


def _count_upload(ctx: Context, principal: Principal) -> None:
    count_in_minute(
        ctx,
        f"uploads#{principal.id}",
        ctx.settings.uploads_per_minute,
        "too many files this minute; try again in a minute",
    )


def accept(ctx: Context, principal: Principal, room_id: str, upload_id: str) -> dict:
    """The file of a message about to be sent in the room (whose access the caller checked),
    checked and kept for it: the `file` the message carries. `file_mismatch` when it is
    missing, of another size or another type."""
    upload = ctx.store.get_upload(upload_id, ctx.now())
    if upload is None or upload.room_id != room_id or upload.uploader_id != principal.id:
        raise InvalidInput("upload_id: no such upload of yours in this room", "unknown_upload")
    objects = _objects(ctx)
    source, target = upload_key(room_id, upload_id), file_key(room_id, upload_id)
    whole = upload.content_type in CLEANED_TYPES
    found = objects.read(source, None if whole else media.TEXT_SAMPLE_BYTES)
    if found is None:
        kept = objects.describe(target)  # a resend of a message whose file was accepted
        if kept is None:
            raise _mismatch("the file has not arrived; upload it first")
        return _file(upload, kept.size)
    if found.size != upload.size:
        raise _mismatch(f"the file has {found.size} bytes, not the {upload.size} declared")
    if not media.is_of_type(upload.content_type, found.data):
        raise _mismatch(f"the file is not of the declared type {upload.content_type}")
    info = FileInfo(upload.name, upload.content_type, upload.size)
    if whole:
        try:
            cleaned = media.strip_metadata(upload.content_type, found.data)
        except media.NotOfType as exc:
            raise _mismatch(f"the file is not a whole {upload.content_type}: {exc}") from exc
        info = FileInfo(upload.name, upload.content_type, len(cleaned))
        objects.put(target, cleaned, info)
    else:
        objects.copy(source, target, info)
    objects.delete([source])
    return _file(upload, info.size)


def _file(upload: Upload, size: int) -> dict:
    return {
        "upload_id": upload.upload_id,
        "name": upload.name,
        "content_type": upload.content_type,
        "size": size,
    }


def download(ctx: Context, principal: Principal, room_id: str, upload_id: str) -> dict:
    """A signed address for a file of the room, good for fifteen minutes; images open in the
    browser, everything else is saved. Team rooms: whoever may read the room."""
    if staff.is_staff_room_id(room_id):
        room_id = staff.load(ctx, principal, room_id)[0].room_id
    else:
        room_id = load_room(ctx, principal, room_id).room_id
    objects = _objects(ctx)
    key = file_key(room_id, upload_id)
    kept = objects.describe(key)
    if kept is None:
        raise NotFound(f"unknown file {upload_id!r} in this room", "file_not_found")
    inline = kept.content_type.startswith("image/")
    url = objects.download_url(key, kept.name, kept.content_type, inline, DOWNLOAD_SECONDS)
    return {"url": url, "expires_at": ctx.iso(ctx.now() + DOWNLOAD_SECONDS)}


def allow_uploads_from_departments(ctx: Context) -> None:
    """The bucket takes browsers' POSTs only from the pages the departments allow and from the
    console: called whenever departments or their origins change."""
    if ctx.files is None:
        return
    origins = {origin for d in ctx.store.all_departments() for origin in d.allowed_origins}
    origins.add(ctx.settings.public_origin)
    ctx.files.allow_posts_from(sorted(origins - {""}))


def erase_file(ctx: Context, room_id: str, upload_id: str) -> None:
    """The kept file of one message (a team chat message its author deleted)."""
    if ctx.files is not None:
        ctx.files.delete([file_key(room_id, upload_id)])


def erase_room(ctx: Context, room_id: str) -> None:
    """Every object of the room, sent or not."""
    if ctx.files is None:
        return
    objects = ctx.files
    objects.delete(
        objects.keys_under(f"{FILES}{room_id}/") + objects.keys_under(f"{UPLOADS}{room_id}/")
    )


def sweep_due(ctx: Context) -> bool:
    return ctx.now() % SWEEP_EVERY_SECONDS < 60


def sweep(ctx: Context) -> dict:
    """The files of chats that expired, and uploads no message took within a day (in AWS the
    bucket's lifecycle rule removes those too; a local S3 server has no lifecycle)."""
    if ctx.files is None:
        return {"rooms_with_files_erased": 0, "unsent_uploads_removed": 0}
    objects = ctx.files
    unsent = objects.keys_under(UPLOADS, modified_before=ctx.now() - UNSENT_HOURS * 3600)
    objects.delete(unsent)
    # Team rooms' files go with their message or room (staff_messages.change, staff.delete).
    room_ids = [r for r in objects.folders_under(FILES) if not staff.is_staff_room_id(r)]
    alive = {room.room_id for room in ctx.store.get_rooms(room_ids, ctx.now())}
    gone = [room_id for room_id in room_ids if room_id not in alive]
    for room_id in gone:
        erase_room(ctx, room_id)
    return {"rooms_with_files_erased": len(gone), "unsent_uploads_removed": len(unsent)}
