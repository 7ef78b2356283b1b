"""Files in a chat through the API (docs/security.md, "Files"): the presigned POST's policy, the
refusals, messages with a file over REST and the socket, and signed downloads. The browser's
POST to the bucket is played by a PutObject into moto's S3 (tests/services/test_files.py sends
real presigned POSTs to the local S3 server)."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from urllib.parse import parse_qs, urlparse

import pytest

from chalicelib.objects import upload_key
from tests import samples


@pytest.fixture
def chat(api):
    paula = api.agent("Paula")
    visitor = api.visitor()
    room_id = api.taken(visitor, paula)["room_id"]
    return paula, visitor, room_id


def ask_upload(api, handle, room_id, data: bytes, content_type: str, name="datei"):
    return api.post(
        f"/rooms/{room_id}/uploads",
        {"name": name, "content_type": content_type, "size": len(data)},
        auth=handle.auth,
    )


def uploaded(api, handle, room_id, data: bytes, content_type: str, name="datei") -> str:
    """Ask for an upload and put the bytes where the presigned POST would have."""
    reply = ask_upload(api, handle, room_id, data, content_type, name)
    assert reply.status == 201, reply.body
    key = upload_key(room_id, reply.json["upload_id"])
    api.ctx.files.client.put_object(
        Bucket=api.ctx.files.bucket, Key=key, Body=data, ContentType=content_type
    )
    return reply.json["upload_id"]


def seconds_until(iso: str, api) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp() - api.clock.now()


def test_an_upload_is_a_presigned_post_for_exactly_that_type_and_size_for_five_minutes(api, chat):
    _paula, visitor, room_id = chat

    reply = ask_upload(api, visitor, room_id, samples.PDF, "application/pdf", "Antrag.pdf")

    assert reply.status == 201, reply.body
    assert set(reply.json) == {"upload_id", "url", "fields", "expires_at"}
    assert 0 < seconds_until(reply.json["expires_at"], api) <= 300
    policy = json.loads(base64.b64decode(reply.json["fields"]["policy"]))
    assert {"Content-Type": "application/pdf"} in policy["conditions"]
    assert ["content-length-range", len(samples.PDF), len(samples.PDF)] in policy["conditions"]
    assert {"key": upload_key(room_id, reply.json["upload_id"])} in policy["conditions"]
    assert reply.json["fields"]["Content-Type"] == "application/pdf"


def test_uploads_are_refused_when_too_large_of_another_type_or_in_a_closed_chat(api, chat):
    paula, visitor, room_id = chat
    too_large = api.post(
        f"/rooms/{room_id}/uploads",
        {"name": "a.pdf", "content_type": "application/pdf", "size": 10 * 1024 * 1024 + 1},
        auth=visitor.auth,
    )
    wrong_type = ask_upload(api, visitor, room_id, b"<html>", "text/html")
    no_size = api.post(
        f"/rooms/{room_id}/uploads", {"name": "a", "content_type": "text/plain"}, auth=visitor.auth
    )
    api.post(f"/rooms/{room_id}/close", {}, auth=paula.auth)
    closed = ask_upload(api, visitor, room_id, samples.PDF, "application/pdf")

    assert (too_large.status, too_large.json["error"]["code"]) == (413, "file_too_large")
    assert (wrong_type.status, wrong_type.json["error"]["code"]) == (415, "unsupported_type")
    assert no_size.status == 400 and "size" in no_size.json["error"]["message"]
    assert (closed.status, closed.json["error"]["code"]) == (409, "room_closed")


def test_a_visitor_asks_for_at_most_ten_uploads_a_minute(api, chat):
    _paula, visitor, room_id = chat
    answers = [ask_upload(api, visitor, room_id, b"x", "text/plain").status for _ in range(11)]

    assert answers == [201] * 10 + [429]


def test_a_department_with_files_switched_off_takes_none(api, chat):
    _paula, visitor, room_id = chat
    switched = api.patch("/admin/departments/sales", {"uploads": False}, auth=api.admin.auth)

    refused = ask_upload(api, visitor, room_id, samples.PDF, "application/pdf")

    assert switched.status == 200 and switched.json["uploads"] is False
    assert (refused.status, refused.json["error"]["code"]) == (409, "uploads_off")


def test_a_message_with_a_file_over_rest_carries_it_to_the_agent(api, chat):
    paula, visitor, room_id = chat
    upload_id = uploaded(api, visitor, room_id, samples.png(), "image/png", "fehler.png")

    sent = api.post(
        f"/rooms/{room_id}/messages",
        {"client_id": "v-1", "upload_id": upload_id},
        auth=visitor.auth,
    )

    assert sent.status == 201, sent.body
    assert sent.json["text"] == ""
    assert sent.json["file"] == {
        "upload_id": upload_id,
        "name": "fehler.png",
        "content_type": "image/png",
        "size": len(samples.png(with_gps=False)),
    }
    assert api.pushed(paula, "message")[-1]["message"]["file"] == sent.json["file"]
    listed = api.get(f"/rooms/{room_id}/messages", auth=paula.auth).json["messages"]
    assert listed[-1]["file"] == sent.json["file"]


def test_a_message_with_a_file_over_the_socket_carries_it(api, chat):
    paula, visitor, room_id = chat
    upload_id = uploaded(api, paula, room_id, samples.PDF, "application/pdf", "Antrag.pdf")

    api.ws_send(
        paula.connection_id,
        {"action": "send", "room_id": room_id, "client_id": "a-1", "upload_id": upload_id},
    )

    message = api.pushed(visitor, "message")[-1]["message"]
    assert message["file"]["upload_id"] == upload_id and message["file"]["name"] == "Antrag.pdf"


def test_a_message_needs_a_text_or_a_file(api, chat):
    _paula, visitor, room_id = chat

    reply = api.post(f"/rooms/{room_id}/messages", {"client_id": "v-1"}, auth=visitor.auth)

    assert reply.status == 400 and "text" in reply.json["error"]["message"]


def test_html_posing_as_a_png_is_refused_with_file_mismatch(api, chat):
    _paula, visitor, room_id = chat
    upload_id = uploaded(api, visitor, room_id, samples.HTML_AS_PNG, "image/png")

    reply = api.post(
        f"/rooms/{room_id}/messages",
        {"client_id": "v-1", "upload_id": upload_id},
        auth=visitor.auth,
    )

    assert (reply.status, reply.json["error"]["code"]) == (400, "file_mismatch")


def test_a_file_is_fetched_by_a_signed_address_for_fifteen_minutes_as_an_attachment(api, chat):
    paula, visitor, room_id = chat
    upload_id = uploaded(api, paula, room_id, samples.PDF, "application/pdf", "Antrag.pdf")
    api.post(
        f"/rooms/{room_id}/messages", {"client_id": "a-1", "upload_id": upload_id}, auth=paula.auth
    )

    reply = api.get(f"/rooms/{room_id}/files/{upload_id}", auth=visitor.auth)
    unknown = api.get(f"/rooms/{room_id}/files/upl_nothing", auth=visitor.auth)

    assert reply.status == 200, reply.body
    assert 0 < seconds_until(reply.json["expires_at"], api) <= 900
    query = parse_qs(urlparse(reply.json["url"]).query)
    assert int(query["X-Amz-Expires"][0]) <= 900
    assert query["response-content-disposition"] == ["attachment; filename*=UTF-8''Antrag.pdf"]
    assert query["response-content-type"] == ["application/pdf"]
    assert (unknown.status, unknown.json["error"]["code"]) == (404, "file_not_found")


def test_an_image_is_fetched_inline(api, chat):
    paula, visitor, room_id = chat
    upload_id = uploaded(api, visitor, room_id, samples.jpeg(), "image/jpeg", "foto.jpg")
    api.post(
        f"/rooms/{room_id}/messages",
        {"client_id": "v-1", "upload_id": upload_id},
        auth=visitor.auth,
    )

    reply = api.get(f"/rooms/{room_id}/files/{upload_id}", auth=paula.auth)

    query = parse_qs(urlparse(reply.json["url"]).query)
    assert query["response-content-disposition"] == ["inline; filename*=UTF-8''foto.jpg"]


def test_a_file_adds_at_most_two_dynamodb_calls_and_three_s3_requests_to_its_message(
    api, chat, dynamodb_calls
):
    paula, _visitor, room_id = chat
    upload_id = uploaded(api, paula, room_id, samples.png(), "image/png")
    s3_requests: list[str] = []
    api.ctx.files.client.meta.events.register(
        "before-call.s3", lambda model, **_: s3_requests.append(model.name)
    )
    path = f"/rooms/{room_id}/messages"

    with dynamodb_calls.measure():
        assert api.post(path, {"text": "Hier", "client_id": "a-1"}, auth=paula.auth).status == 201
    plain = list(dynamodb_calls.calls)
    with dynamodb_calls.measure():
        with_file = {"client_id": "a-2", "upload_id": upload_id}
        assert api.post(path, with_file, auth=paula.auth).status == 201
    carrying = list(dynamodb_calls.calls)

    assert len(carrying) - len(plain) <= 2, (plain, carrying)
    assert sorted(s3_requests) == ["DeleteObjects", "GetObject", "PutObject"]


def put_straight(api, handle, room_id, declared: bytes, content_type: str, stored: bytes) -> str:
    """An upload declared for `declared`, but what lands in the bucket is `stored` (typed as
    HTML): what a POST that broke its policy would leave where S3 did not enforce it."""
    reply = ask_upload(api, handle, room_id, declared, content_type)
    key = upload_key(room_id, reply.json["upload_id"])
    api.ctx.files.client.put_object(
        Bucket=api.ctx.files.bucket, Key=key, Body=stored, ContentType="text/html"
    )
    return reply.json["upload_id"]


@pytest.mark.parametrize(
    ("content_type", "declared", "stored"),
    [
        ("application/pdf", samples.PDF, samples.PDF + b"x" * 1024),  # larger than declared
        ("application/pdf", samples.PDF, samples.PDF[:-1]),  # smaller
        ("application/pdf", samples.PDF, b"MZ" + bytes(len(samples.PDF) - 2)),  # a program
        ("image/jpeg", samples.jpeg(), b"GIF89a" + bytes(len(samples.jpeg()) - 6)),
        ("text/plain", b"hallo\n", b"\x00\x01\x02\x03\x04\x05"),  # not text
    ],
    ids=["too-large", "too-small", "exe-as-pdf", "gif-as-jpeg", "binary-as-text"],
)
def test_an_object_that_broke_its_posts_policy_is_refused_with_file_mismatch(
    api, chat, content_type, declared, stored
):
    paula, visitor, room_id = chat
    upload_id = put_straight(api, visitor, room_id, declared, content_type, stored)
    api.pusher.clear()

    reply = api.post(
        f"/rooms/{room_id}/messages",
        {"client_id": "v-1", "upload_id": upload_id},
        auth=visitor.auth,
    )
    fetched = api.get(f"/rooms/{room_id}/files/{upload_id}", auth=paula.auth)

    assert (reply.status, reply.json["error"]["code"]) == (400, "file_mismatch")
    assert "upload_id" in reply.json["error"]["message"]
    assert api.pushed(paula, "message") == []
    assert (fetched.status, fetched.json["error"]["code"]) == (404, "file_not_found")


def test_members_of_a_group_share_a_file_over_rest_and_the_socket(api):
    anna, ben, carl = api.agent("Anna"), api.agent("Ben"), api.agent("Carl")
    group = api.post(
        "/channels", {"kind": "group", "name": "Ops", "members": [ben.agent_id]}, auth=anna.auth
    ).json
    room_id = group["room_id"]
    over_rest = uploaded(api, anna, room_id, samples.PDF, "application/pdf", "Dienstplan.pdf")
    over_socket = uploaded(api, ben, room_id, samples.png(), "image/png", "plan.png")

    sent = api.post(
        f"/rooms/{room_id}/messages", {"client_id": "a-1", "upload_id": over_rest}, auth=anna.auth
    )
    api.ws_send(
        ben.connection_id,
        {"action": "send", "room_id": room_id, "client_id": "b-1", "upload_id": over_socket},
    )
    fetched = api.get(f"/rooms/{room_id}/files/{over_socket}", auth=anna.auth)
    outsider = api.get(f"/rooms/{room_id}/files/{over_rest}", auth=carl.auth)
    visitor = ask_upload(api, api.visitor(), room_id, samples.PDF, "application/pdf")

    assert sent.status == 201 and sent.json["file"]["name"] == "Dienstplan.pdf"
    assert api.pushed(anna, "message")[-1]["message"]["file"]["name"] == "plan.png"
    assert fetched.status == 200, fetched.body
    assert outsider.status == 404
    assert visitor.status == 403
