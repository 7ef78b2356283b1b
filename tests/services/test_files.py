"""Files in a chat, on the local S3 server: a presigned POST straight to the bucket, the checks
before a message with a file is accepted, downloads, and files going with their room."""

from __future__ import annotations

import dataclasses
import time

import httpx
import pytest

from chalicelib.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    TooLarge,
    TooManyRequests,
    UnsupportedType,
)
from chalicelib.mail import Mailer
from chalicelib.objects import file_key, upload_key
from chalicelib.services import (
    departments,
    files,
    messages,
    offline,
    rooms,
    staff,
    staff_messages,
    visitors,
)
from chalicelib.services.context import Context
from chalicelib.services.maintenance import run_sweep
from chalicelib.settings import get_settings
from chalicelib.store.memory import MemoryStore
from tests import samples


@pytest.fixture
def ctx(clock, pusher, app_env, fast_passwords, bucket) -> Context:
    """The services' context with a bucket of its own on the local S3."""
    settings = get_settings()
    mailer = Mailer(settings.mail_sender, settings.mail_outbox_dir, settings.region)
    return Context(settings, MemoryStore(), pusher, mailer, clock, files=bucket)


@pytest.fixture
def chat(world):
    paula = world.agent("Paula")
    visitor = world.visitor()
    room_id = world.taken(visitor, paula)["room_id"]
    world.pusher.clear()
    return paula, visitor, room_id


def upload(ctx, principal, room_id, data: bytes, content_type: str, name="datei") -> str:
    """What the browser does: ask for a presigned POST, send the file to the bucket with it."""
    answer = files.request_upload(ctx, principal, room_id, name, content_type, len(data))
    sent = httpx.post(
        answer["url"], data=answer["fields"], files={"file": (name, data, content_type)}
    )
    assert sent.status_code in (200, 204), sent.text
    return answer["upload_id"]


def fetch(ctx, principal, room_id, upload_id) -> httpx.Response:
    answer = files.download(ctx, principal, room_id, upload_id)
    return httpx.get(answer["url"])


def objects_of(ctx, room_id) -> list[str]:
    return ctx.files.keys_under(f"files/{room_id}/") + ctx.files.keys_under(f"uploads/{room_id}/")


def test_a_visitors_screenshot_reaches_the_agent_who_sees_it_inline(world, chat):
    paula, visitor, room_id = chat
    upload_id = upload(world.ctx, visitor.p, room_id, samples.png(), "image/png", "fehler.png")

    message, created = messages.send(world.ctx, visitor.p, room_id, "", "v-1", upload_id)

    assert created and message["text"] == ""
    assert message["file"]["upload_id"] == upload_id
    assert message["file"]["name"] == "fehler.png"
    assert message["file"]["content_type"] == "image/png"
    assert paula.pushed("message")[-1]["message"] == message
    got = fetch(world.ctx, paula.p, room_id, upload_id)
    assert got.status_code == 200
    assert got.headers["content-type"] == "image/png"
    assert got.headers["content-disposition"].startswith("inline")
    assert got.content.startswith(b"\x89PNG")
    assert len(got.content) == message["file"]["size"]


def test_a_pdf_from_the_agent_is_downloaded_by_the_visitor_as_an_attachment(world, chat):
    paula, visitor, room_id = chat
    upload_id = upload(world.ctx, paula.p, room_id, samples.PDF, "application/pdf", "Antrag ü.pdf")

    message, _ = messages.send(world.ctx, paula.p, room_id, "Das Formular", "a-1", upload_id)

    got = fetch(world.ctx, visitor.p, room_id, upload_id)
    assert message["file"]["size"] == len(samples.PDF)
    assert got.content == samples.PDF
    assert got.headers["content-type"] == "application/pdf"
    assert got.headers["content-disposition"] == "attachment; filename*=UTF-8''Antrag%20%C3%BC.pdf"
    assert objects_of(world.ctx, room_id) == [file_key(room_id, upload_id)]


@pytest.mark.parametrize(
    ("content_type", "image"),
    [
        ("image/png", samples.png),
        ("image/jpeg", samples.jpeg),
        ("image/gif", samples.gif),
        ("image/webp", samples.webp),
    ],
)
def test_a_photos_gps_position_is_gone_on_the_other_side(world, chat, content_type, image):
    paula, visitor, room_id = chat
    original = image(with_gps=True)
    upload_id = upload(world.ctx, visitor.p, room_id, original, content_type)

    messages.send(world.ctx, visitor.p, room_id, "", "v-1", upload_id)

    got = fetch(world.ctx, paula.p, room_id, upload_id).content
    assert samples.GPS not in got
    assert got == image(with_gps=False)


def test_html_posing_as_a_png_never_reaches_the_other_side(world, chat):
    paula, visitor, room_id = chat
    upload_id = upload(world.ctx, visitor.p, room_id, samples.HTML_AS_PNG, "image/png")

    with pytest.raises(InvalidInput) as refused:
        messages.send(world.ctx, visitor.p, room_id, "", "v-1", upload_id)

    assert refused.value.code == "file_mismatch"
    assert paula.pushed("message") == []
    with pytest.raises(NotFound):
        files.download(world.ctx, paula.p, room_id, upload_id)


def test_a_file_of_another_size_than_declared_is_refused(world, chat):
    """The local S3 does not enforce the POST's content-length-range: this check does."""
    _paula, visitor, room_id = chat
    answer = files.request_upload(world.ctx, visitor.p, room_id, "a.pdf", "application/pdf", 9)
    httpx.post(answer["url"], data=answer["fields"], files={"file": ("a.pdf", samples.PDF)})

    with pytest.raises(InvalidInput) as refused:
        messages.send(world.ctx, visitor.p, room_id, "", "v-1", answer["upload_id"])

    assert refused.value.code == "file_mismatch"
    assert "not the 9 declared" in refused.value.message


def test_a_message_with_a_file_that_never_arrived_is_refused(world, chat):
    _paula, visitor, room_id = chat
    answer = files.request_upload(world.ctx, visitor.p, room_id, "a.pdf", "application/pdf", 9)

    with pytest.raises(InvalidInput) as refused:
        messages.send(world.ctx, visitor.p, room_id, "", "v-1", answer["upload_id"])

    assert refused.value.code == "file_mismatch"


def test_an_upload_of_someone_else_cannot_be_sent(world, chat):
    paula, visitor, room_id = chat
    upload_id = upload(world.ctx, paula.p, room_id, samples.PDF, "application/pdf")

    with pytest.raises(InvalidInput) as refused:
        messages.send(world.ctx, visitor.p, room_id, "", "v-1", upload_id)

    assert refused.value.code == "unknown_upload"


def test_sending_the_same_message_again_gives_back_the_one_with_the_file(world, chat):
    _paula, visitor, room_id = chat
    upload_id = upload(world.ctx, visitor.p, room_id, samples.PDF, "application/pdf")
    first, _ = messages.send(world.ctx, visitor.p, room_id, "", "v-1", upload_id)

    again, created = messages.send(world.ctx, visitor.p, room_id, "", "v-1", upload_id)

    assert not created and again == first


def test_files_too_large_or_of_a_type_not_taken_are_refused_before_any_upload(world, chat):
    _paula, visitor, room_id = chat
    limit = world.ctx.settings.max_upload_bytes
    assert limit == 10 * 1024 * 1024

    with pytest.raises(TooLarge) as too_large:
        files.request_upload(world.ctx, visitor.p, room_id, "a.pdf", "application/pdf", limit + 1)
    with pytest.raises(UnsupportedType) as wrong_type:
        files.request_upload(world.ctx, visitor.p, room_id, "a.html", "text/html", 10)

    assert too_large.value.code == "file_too_large"
    assert wrong_type.value.status == 415 and wrong_type.value.code == "unsupported_type"


def test_a_closed_chat_takes_no_files(world, chat):
    paula, visitor, room_id = chat
    rooms.close(world.ctx, paula.p, room_id, None)

    with pytest.raises(Conflict) as refused:
        files.request_upload(world.ctx, visitor.p, room_id, "a.pdf", "application/pdf", 9)

    assert refused.value.code == "room_closed"


def test_a_department_can_switch_files_off(world, chat):
    _paula, visitor, room_id = chat
    departments.update(world.ctx, "sales", None, None, None, uploads=False)

    with pytest.raises(Conflict) as refused:
        files.request_upload(world.ctx, visitor.p, room_id, "a.pdf", "application/pdf", 9)

    assert refused.value.code == "uploads_off"


def test_an_agent_who_does_not_serve_the_chat_cannot_send_files_in_it(world, chat):
    _paula, _visitor, room_id = chat
    other = world.agent("Otto")

    with pytest.raises(Forbidden):
        files.request_upload(world.ctx, other.p, room_id, "a.pdf", "application/pdf", 9)


def test_a_visitor_asks_for_at_most_so_many_uploads_a_minute(world, chat):
    _paula, visitor, room_id = chat
    for _ in range(world.ctx.settings.uploads_per_minute):
        files.request_upload(world.ctx, visitor.p, room_id, "a.pdf", "application/pdf", 9)

    with pytest.raises(TooManyRequests):
        files.request_upload(world.ctx, visitor.p, room_id, "a.pdf", "application/pdf", 9)
    world.clock.advance(minutes=1)
    files.request_upload(world.ctx, visitor.p, room_id, "a.pdf", "application/pdf", 9)


def test_another_visitor_cannot_fetch_a_chats_file(world, chat):
    _paula, visitor, room_id = chat
    upload_id = upload(world.ctx, visitor.p, room_id, samples.PDF, "application/pdf")
    messages.send(world.ctx, visitor.p, room_id, "", "v-1", upload_id)
    stranger = world.visitor()

    with pytest.raises(Forbidden):
        files.download(world.ctx, stranger.p, room_id, upload_id)


# ---- lifetime: a file lives as long as its room -------------------------------------------------


def chat_with_files(world, paula, visitor) -> str:
    """A chat with a sent file and an upload asked for but never sent."""
    room_id = world.taken(visitor, paula)["room_id"]
    upload_id = upload(world.ctx, visitor.p, room_id, samples.PDF, "application/pdf")
    messages.send(world.ctx, visitor.p, room_id, "", "v-1", upload_id)
    upload(world.ctx, visitor.p, room_id, samples.png(), "image/png")
    assert len(objects_of(world.ctx, room_id)) == 2
    return room_id


def test_deleting_a_chat_removes_its_files(world):
    paula, visitor = world.agent("Paula"), world.visitor()
    room_id = chat_with_files(world, paula, visitor)
    rooms.close(world.ctx, paula.p, room_id, None)

    rooms.delete(world.ctx, paula.p, room_id)

    assert objects_of(world.ctx, room_id) == []


def test_deleting_all_closed_chats_removes_their_files(world):
    paula = world.agent("Paula")
    room_ids = [chat_with_files(world, paula, world.visitor()) for _ in range(2)]
    for room_id in room_ids:
        rooms.close(world.ctx, paula.p, room_id, None)

    rooms.delete_closed(world.ctx, paula.p)

    assert [objects_of(world.ctx, room_id) for room_id in room_ids] == [[], []]


def test_a_visitors_own_deletion_removes_their_files(world):
    paula, visitor = world.agent("Paula"), world.visitor()
    room_id = chat_with_files(world, paula, visitor)

    visitors.delete(world.ctx, visitor.p)

    assert objects_of(world.ctx, room_id) == []


def test_the_sweep_removes_the_files_of_expired_chats_and_keeps_the_others(world):
    expiring = chat_with_files(world, world.agent("Paula"), world.visitor())
    world.clock.advance(hours=world.ctx.settings.room_idle_hours + 24 + 1)
    alive = chat_with_files(world, world.agent("Anna"), world.visitor())

    found = files.sweep(world.ctx)

    assert objects_of(world.ctx, expiring) == []
    assert len(objects_of(world.ctx, alive)) == 2
    assert found["rooms_with_files_erased"] == 1


def test_uploads_never_sent_are_gone_after_a_day(world, chat):
    _paula, visitor, room_id = chat
    unsent = upload(world.ctx, visitor.p, room_id, samples.PDF, "application/pdf")
    # The bucket dates its objects by the real clock.
    world.clock.at = time.time() + 24 * 3600 + 60

    files.sweep(world.ctx)

    assert not world.ctx.files.keys_under(upload_key(room_id, unsent))


def test_the_bucket_takes_posts_only_from_the_departments_pages_and_the_console(world):
    world.ctx.settings = dataclasses.replace(
        world.ctx.settings, public_origin="https://chat.uni.example"
    )
    departments.update(world.ctx, "sales", None, ["https://www.uni.example"], None)
    departments.create(world.ctx, "museum", "Museum", ["https://museum.uni.example"], 24)

    (rule,) = world.ctx.files.client.get_bucket_cors(Bucket=world.ctx.files.bucket)["CORSRules"]

    assert rule["AllowedMethods"] == ["POST"]
    assert rule["AllowedOrigins"] == [
        "https://chat.uni.example",
        "https://museum.uni.example",
        "https://www.uni.example",
    ]
    departments.delete(world.ctx, "museum")
    (rule,) = world.ctx.files.client.get_bucket_cors(Bucket=world.ctx.files.bucket)["CORSRules"]
    assert "https://museum.uni.example" not in rule["AllowedOrigins"]


def test_the_sweep_looks_at_the_bucket_once_an_hour(world, chat):
    _paula, visitor, room_id = chat
    upload(world.ctx, visitor.p, room_id, samples.PDF, "application/pdf")
    world.clock.at = (int(time.time()) // 3600 + 25) * 3600 + 30  # a day on, an hour's start
    world.ctx.files.client.meta.events.register("before-call.s3", lambda **_: listed.append(1))
    listed: list[int] = []

    world.clock.advance(60)
    run_sweep(world.ctx)
    assert listed == []
    world.clock.advance(3600 - 60)
    run_sweep(world.ctx)
    assert listed and objects_of(world.ctx, room_id) == []


# ---- team chat ---------------------------------------------------------------------------------


@pytest.fixture
def team(world):
    """Anna and Ben in a channel, a private group and their direct room; Carl outside them."""
    anna, ben, carl = world.agent("Anna"), world.agent("Ben"), world.agent("Carl")
    channel = staff.create_channel(world.ctx, anna.p, "channel", "Library", None, [ben.agent_id])
    group = staff.create_channel(world.ctx, anna.p, "group", "Ops", None, [ben.agent_id])
    direct, _ = staff.open_direct(world.ctx, anna.p, [ben.agent_id])
    world.pusher.clear()
    rooms_ = {"channel": channel["room_id"], "group": group["room_id"], "direct": direct["room_id"]}
    return anna, ben, carl, rooms_


@pytest.mark.parametrize("kind", ["channel", "group", "direct"])
def test_members_share_files_in_channels_groups_and_direct_rooms(world, team, kind):
    anna, ben, _carl, rooms_ = team
    room_id = rooms_[kind]
    upload_id = upload(world.ctx, anna.p, room_id, samples.png(), "image/png", "plan.png")

    sent, _ = messages.send(world.ctx, anna.p, room_id, "Der Plan", "a-1", upload_id)

    assert sent["file"] == {
        "upload_id": upload_id,
        "name": "plan.png",
        "content_type": "image/png",
        "size": len(samples.png(with_gps=False)),
    }
    assert ben.pushed("message")[-1]["message"]["file"] == sent["file"]
    listed, _ = messages.page(world.ctx, ben.p, room_id, 0, 10)
    assert listed[-1]["file"] == sent["file"]
    fetched = fetch(world.ctx, ben.p, room_id, upload_id)
    assert fetched.content == samples.png(with_gps=False)  # its GPS position gone


def test_only_members_send_files_in_a_channel_and_outsiders_never_see_a_groups(world, team):
    anna, _ben, carl, rooms_ = team
    upload_id = upload(world.ctx, anna.p, rooms_["group"], samples.PDF, "application/pdf")
    messages.send(world.ctx, anna.p, rooms_["group"], "", "a-1", upload_id)

    with pytest.raises(Forbidden) as not_member:
        files.request_upload(world.ctx, carl.p, rooms_["channel"], "a.pdf", "application/pdf", 9)
    with pytest.raises(NotFound):
        files.request_upload(world.ctx, carl.p, rooms_["group"], "a.pdf", "application/pdf", 9)
    with pytest.raises(NotFound):
        files.download(world.ctx, carl.p, rooms_["group"], upload_id)

    assert not_member.value.code == "not_a_member"


def test_a_visitor_can_neither_upload_to_nor_fetch_from_team_chat(world, team):
    anna, _ben, _carl, rooms_ = team
    upload_id = upload(world.ctx, anna.p, rooms_["channel"], samples.PDF, "application/pdf")
    messages.send(world.ctx, anna.p, rooms_["channel"], "", "a-1", upload_id)
    visitor = world.visitor()

    with pytest.raises(Forbidden):
        files.request_upload(world.ctx, visitor.p, rooms_["channel"], "a", "text/plain", 1)
    with pytest.raises(Forbidden):
        files.download(world.ctx, visitor.p, rooms_["channel"], upload_id)


def test_html_posing_as_a_png_is_refused_in_team_chat_too(world, team):
    anna, ben, _carl, rooms_ = team
    upload_id = upload(world.ctx, anna.p, rooms_["direct"], samples.HTML_AS_PNG, "image/png")

    with pytest.raises(InvalidInput) as refused:
        messages.send(world.ctx, anna.p, rooms_["direct"], "", "a-1", upload_id)

    assert refused.value.code == "file_mismatch"
    assert ben.pushed("message") == []


def test_deleting_a_team_message_or_its_room_removes_its_file(world, team):
    anna, ben, _carl, rooms_ = team
    in_direct = upload(world.ctx, anna.p, rooms_["direct"], samples.PDF, "application/pdf")
    sent, _ = messages.send(world.ctx, anna.p, rooms_["direct"], "", "a-1", in_direct)
    kept = upload(world.ctx, anna.p, rooms_["channel"], samples.PDF, "application/pdf")
    messages.send(world.ctx, anna.p, rooms_["channel"], "", "a-2", kept)

    deleted = staff_messages.change(world.ctx, anna.p, rooms_["direct"], sent["seq"], None)
    staff.delete(world.ctx, anna.p, rooms_["group"])
    files.sweep(world.ctx)  # team rooms are no chats the sweep would miss

    assert deleted["file"] is None
    assert objects_of(world.ctx, rooms_["direct"]) == []
    listed, _ = messages.page(world.ctx, ben.p, rooms_["direct"], 0, 10)
    assert listed[-1]["file"] is None
    assert len(objects_of(world.ctx, rooms_["channel"])) == 1


def test_deleting_a_channel_removes_its_files(world, team):
    anna, _ben, _carl, rooms_ = team
    upload_id = upload(world.ctx, anna.p, rooms_["channel"], samples.PDF, "application/pdf")
    messages.send(world.ctx, anna.p, rooms_["channel"], "", "a-1", upload_id)
    upload(world.ctx, anna.p, rooms_["channel"], samples.PDF, "application/pdf")  # unsent

    staff.delete(world.ctx, anna.p, rooms_["channel"])

    assert objects_of(world.ctx, rooms_["channel"]) == []


def test_the_mailed_transcript_names_the_chats_files(world, chat):
    paula, visitor, room_id = chat
    upload_id = upload(world.ctx, visitor.p, room_id, samples.PDF, "application/pdf", "Antrag.pdf")
    messages.send(world.ctx, visitor.p, room_id, "Hier das Formular", "v-1", upload_id)
    rooms.close(world.ctx, paula.p, room_id, None)

    offline.ask_for_transcript(world.ctx, visitor.p, room_id, "gast@example.org", "de")

    (mail,) = [m for m in world.mails() if m["To"] == "gast@example.org"]
    text = next(p for p in mail.walk() if p.get_content_type() == "text/plain")
    assert "Hier das Formular [Datei: Antrag.pdf]" in text.get_payload(decode=True).decode()
