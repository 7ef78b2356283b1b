"""Leaving a message over REST while nobody can answer, and a chat's transcript by email: the
contract's codes, the outbox, and the address gone with the visitor's deletion."""

from __future__ import annotations

import json

import pytest

ADDRESS = "ratsuchende@example.org"
PRIVACY = "https://uni.example/datenschutz"


@pytest.fixture
def takes_messages(api):
    reply = api.patch(
        "/admin/departments/sales",
        {"offline_messages": True, "privacy_url": PRIVACY},
        auth=api.admin.auth,
    )
    assert reply.status == 200, reply.body
    assert (reply.json["offline_messages"], reply.json["privacy_url"]) == (True, PRIVACY)
    return api


def leave(api, visitor, **body):
    return api.post(
        "/departments/sales/offline-messages",
        {"text": "Wann öffnet ihr?", "email": ADDRESS, **body},
        auth=visitor.auth,
    )


def test_availability_offers_a_message_only_where_the_department_takes_them(api):
    before = api.get("/departments/sales/availability").json
    api.patch("/admin/departments/sales", {"offline_messages": True}, auth=api.admin.auth)

    after = api.get("/departments/sales/availability").json

    assert before["offline_messages"] is False and before["privacy_url"] is None
    assert (after["available"], after["offline_messages"]) == (False, True)


def test_a_department_is_created_taking_messages_with_its_privacy_notice(api):
    reply = api.post(
        "/admin/departments",
        {
            "department_id": "abends",
            "name": "Abends",
            "offline_messages": True,
            "privacy_url": PRIVACY,
        },
        auth=api.admin.auth,
    )

    assert reply.status == 201, reply.body
    listed = api.get("/admin/departments", auth=api.admin.auth).json["departments"]
    abends = next(d for d in listed if d["department_id"] == "abends")
    assert (abends["offline_messages"], abends["privacy_url"]) == (True, PRIVACY)


@pytest.mark.parametrize(
    "privacy_url", ["javascript:alert(1)", 'https://uni.example/"><script>', "datenschutz"]
)
def test_a_privacy_notice_that_is_no_web_address_is_refused_naming_the_field(api, privacy_url):
    reply = api.patch("/admin/departments/sales", {"privacy_url": privacy_url}, auth=api.admin.auth)

    assert reply.status == 400 and "privacy_url" in reply.error["message"]
    assert api.get("/departments/sales/availability").json["privacy_url"] is None


def test_a_message_left_is_a_queued_room_marked_as_a_message(takes_messages):
    api = takes_messages
    visitor = api.visitor()

    reply = leave(api, visitor, name="Alex", language="en")

    assert reply.status == 201, reply.body
    room = reply.json
    assert (room["state"], room["offline"], room["email"]) == ("queued", True, ADDRESS)
    paula = api.agent("Paula")
    queue = api.get("/queue", auth=paula.auth).json
    assert [(r["room_id"], r["offline"]) for r in queue["rooms"]] == [(room["room_id"], True)]


def test_a_department_without_the_option_refuses_a_message_with_409(api):
    reply = leave(api, api.visitor())

    assert reply.status == 409 and reply.error["code"] == "offline_messages_off"


@pytest.mark.parametrize("email", ["no-address", "a@", "", "x" * 300 + "@example.org"])
def test_a_bad_address_is_refused_naming_email(takes_messages, email):
    reply = leave(takes_messages, takes_messages.visitor(), email=email)

    assert reply.status == 400 and "email" in reply.error["message"]


def test_a_message_too_long_is_refused_as_a_chat_line_would_be(takes_messages):
    api = takes_messages
    too_long = "x" * (api.ctx.settings.max_message_length + 1)

    assert leave(api, api.visitor(), text=too_long).status == 413


def test_beyond_a_few_messages_an_hour_the_visitor_gets_429(takes_messages):
    api = takes_messages
    visitor = api.visitor()
    answers = [leave(api, visitor, email=f"p{n}@example.org").status for n in range(4)]

    refused = leave(api, visitor, email="q@example.org")

    assert answers[:3] == [201, 201, 201] and refused.status == 429
    assert int(refused.headers["retry-after"]) <= 3600


def test_the_agents_answer_reaches_the_outbox_and_the_close_says_so(takes_messages):
    api = takes_messages
    visitor = api.visitor()
    room_id = leave(api, visitor).json["room_id"]
    paula = api.agent("Paula")
    assert api.post(f"/rooms/{room_id}/take", auth=paula.auth).status == 200

    sent = api.post(
        f"/rooms/{room_id}/messages", {"text": "Ab 8 Uhr.", "client_id": "a1"}, auth=paula.auth
    )
    closed = api.post(f"/rooms/{room_id}/close", {}, auth=paula.auth)

    assert (sent.status, closed.status) == (201, 200)
    answer, closing = api.mails_to(ADDRESS)
    assert answer["Subject"] == "Antwort auf Ihre Nachricht"
    assert "Ab 8 Uhr." in answer.get_body(("plain",)).get_content()
    assert closing["Subject"] == "Ihre Nachricht ist abgeschlossen"


def test_the_address_goes_with_the_visitors_own_deletion(takes_messages):
    api = takes_messages
    visitor = api.visitor()
    assert leave(api, visitor).status == 201

    assert api.delete("/visitors/me", auth=visitor.auth).status == 204

    assert ADDRESS not in json.dumps(api.snapshot())


def test_a_transcript_is_accepted_once_and_arrives_after_the_close(api):
    visitor = api.visitor()
    paula = api.agent("Paula")
    room_id = api.taken(visitor, paula)["room_id"]

    asked = api.post(f"/rooms/{room_id}/transcript", {"email": ADDRESS}, auth=visitor.auth)
    again = api.post(f"/rooms/{room_id}/transcript", {"email": ADDRESS}, auth=visitor.auth)

    assert asked.status == 202 and asked.json == {"room_id": room_id, "sent": False}
    assert again.status == 409 and again.error["code"] == "transcript_requested"
    assert api.mails_to(ADDRESS) == []
    assert api.post(f"/rooms/{room_id}/close", {}, auth=visitor.auth).status == 200
    (mail,) = api.mails_to(ADDRESS)
    assert "Hallo?" in mail.get_body(("plain",)).get_content()
    assert ADDRESS not in json.dumps(api.snapshot())


def test_a_transcript_needs_a_good_address_and_the_rooms_own_visitor(api):
    visitor = api.visitor()
    room_id = api.taken(visitor, api.agent("Paula"))["room_id"]

    bad = api.post(f"/rooms/{room_id}/transcript", {"email": "nope"}, auth=visitor.auth)
    other = api.post(f"/rooms/{room_id}/transcript", {"email": ADDRESS}, auth=api.visitor().auth)

    assert bad.status == 400 and "email" in bad.error["message"]
    assert other.status == 403


def test_an_answer_sent_over_the_socket_is_refused_there_and_goes_over_rest(takes_messages):
    """The socket handlers may send no mail (their IAM role): the console answers over REST."""
    api = takes_messages
    room_id = leave(api, api.visitor()).json["room_id"]
    paula = api.agent("Paula")
    assert api.post(f"/rooms/{room_id}/take", auth=paula.auth).status == 200
    frame = {"action": "send", "room_id": room_id, "text": "Ab 8 Uhr.", "client_id": "s1"}

    api.ws_send(paula.connection_id, frame)

    (error,) = api.pushed(paula, "error")
    assert error["code"] == "send_over_rest"
    assert api.mails_to(ADDRESS) == []
    sent = api.post(
        f"/rooms/{room_id}/messages", {"text": "Ab 8 Uhr.", "client_id": "s1"}, auth=paula.auth
    )
    assert sent.status == 201 and len(api.mails_to(ADDRESS)) == 1
