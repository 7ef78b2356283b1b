"""The visitor side of the API through the Chalice test client: config, the cacheable availability,
visitors, rooms, messages, closing."""

from __future__ import annotations

import re

from chalicelib import bootstrap
from chalicelib.bootstrap import context


def test_config_tells_the_widget_where_to_connect(api):
    reply = api.get("/config")

    assert reply.status == 200
    assert reply.json == {
        "ws_url": "ws://testserver/ws",
        "max_message_length": 2000,
        "languages": ["de", "en"],
        "sso": False,
        "password_login": True,
        "max_upload_bytes": 10 * 1024 * 1024,
        "upload_types": [
            "image/png",
            "image/jpeg",
            "image/gif",
            "image/webp",
            "application/pdf",
            "text/plain",
        ],
    }


def test_availability_follows_the_agents_and_is_cacheable(api):
    hidden = api.get("/departments/sales/availability")
    assert (hidden.status, hidden.json) == (
        200,
        {
            "department_id": "sales",
            "available": False,
            "open": True,
            "allowed_origins": [],
            "offline_messages": False,
            "privacy_url": None,
        },
    )
    match = re.fullmatch(r"public, max-age=(\d+)", hidden.headers["cache-control"])
    assert match and 0 < int(match.group(1)) <= 30
    assert hidden.headers["content-type"] == "application/json"

    paula = api.agent("Paula", ("sales",))
    shown = api.get("/departments/sales/availability")
    assert shown.json["available"] is True
    assert shown.headers["etag"] != hidden.headers["etag"]

    assert api.put("/me/status", {"status": "busy"}, auth=paula.auth).status == 200
    assert api.get("/departments/sales/availability").headers["etag"] == hidden.headers["etag"]


def test_availability_answers_304_to_a_matching_etag(api):
    first = api.get("/departments/sales/availability")
    etag = first.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"')

    again = api.get("/departments/sales/availability", headers={"If-None-Match": etag})

    assert again.status == 304 and again.body == b""
    assert again.headers["etag"] == etag and "max-age" in again.headers["cache-control"]
    other = api.get("/departments/sales/availability", headers={"If-None-Match": '"stale"'})
    assert other.status == 200 and other.json["available"] is False


def test_availability_of_an_unknown_department_is_404(api):
    reply = api.get("/departments/nope/availability")

    assert reply.status == 404 and reply.error["code"] == "department_not_found"


def test_a_visitor_gets_a_guest_number_and_keeps_it(api):
    created = api.post("/visitors")
    second = api.post("/visitors")

    assert created.status == 201
    assert set(created.json) == {"visitor_id", "name", "token"}
    assert re.fullmatch(r"Guest-\d+", created.json["name"])
    assert int(second.json["name"][6:]) > int(created.json["name"][6:])
    me = api.get("/visitors/me", headers={"X-Visitor-Token": created.json["token"]})
    assert me.json == {"visitor_id": created.json["visitor_id"], "name": created.json["name"]}


def test_a_visitor_starts_a_chat_and_gets_their_room_back_when_asking_again(api):
    api.agent("Paula")
    visitor = api.visitor()

    first = api.post(
        "/rooms", {"department_id": "sales", "text": "Hallo", "client_id": "c1"}, auth=visitor.auth
    )
    again = api.post("/rooms", {"department_id": "sales"}, auth=visitor.auth)

    assert first.status == 201 and again.status == 200
    room = first.json
    assert room["state"] == "queued" and room["position"] == 1 and room["agent"] is None
    assert room["visitor"] == {"visitor_id": visitor.visitor_id, "name": visitor.name}
    assert again.json["room_id"] == room["room_id"]
    got = api.get(f"/rooms/{room['room_id']}", auth=visitor.auth)
    assert got.status == 200 and got.json["room_id"] == room["room_id"]
    listed = api.get(f"/rooms/{room['room_id']}/messages", auth=visitor.auth).json
    assert [(m["text"], m["client_id"]) for m in listed["messages"]] == [("Hallo", "c1")]


def test_no_chat_starts_while_nobody_can_answer(api):
    visitor = api.visitor()

    reply = api.post("/rooms", {"department_id": "sales"}, auth=visitor.auth)

    assert reply.status == 409 and reply.error["code"] == "department_unavailable"


def test_messages_are_sent_once_per_client_id_and_listed_after_a_seq(api):
    paula = api.agent("Paula")
    visitor = api.visitor()
    room_id = api.taken(visitor, paula)["room_id"]
    path = f"/rooms/{room_id}/messages"

    sent = api.post(path, {"text": "Frage", "client_id": "v-1"}, auth=visitor.auth)
    resent = api.post(path, {"text": "Frage", "client_id": "v-1"}, auth=visitor.auth)
    answer = api.post(path, {"text": "Antwort", "client_id": "a-1"}, auth=paula.auth)

    assert (sent.status, resent.status, answer.status) == (201, 200, 201)
    assert resent.json == sent.json
    message = sent.json
    assert set(message) >= {
        "message_id",
        "room_id",
        "seq",
        "author",
        "text",
        "created_at",
        "client_id",
    }
    assert message["author"] == {"kind": "visitor", "id": visitor.visitor_id, "name": visitor.name}
    after = api.get(f"{path}?after={message['seq']}", auth=visitor.auth).json
    assert [m["text"] for m in after["messages"]] == ["Antwort"] and after["next"] is None
    page = api.get(f"{path}?limit=1", auth=paula.auth).json
    assert len(page["messages"]) == 1 and page["next"] == str(page["messages"][0]["seq"])
    assert [p["message"]["text"] for p in api.pushed(paula, "message")][-2:] == ["Frage", "Antwort"]


def test_the_visitor_ends_the_chat(api):
    paula = api.agent("Paula")
    visitor = api.visitor()
    room_id = api.taken(visitor, paula)["room_id"]

    closed = api.post(f"/rooms/{room_id}/close", {"comment": "danke"}, auth=visitor.auth)

    assert closed.status == 200
    assert (closed.json["state"], closed.json["closed_by"]) == ("closed", "visitor")
    assert closed.json["closed_at"] and closed.json["expires_at"]
    assert "closed" in [p["event"] for p in api.pushed(paula, "room")]
    late = api.post(
        f"/rooms/{room_id}/messages", {"text": "x", "client_id": "late"}, auth=visitor.auth
    )
    assert late.status == 409 and late.error["code"] == "room_closed"


def test_a_visitor_deletes_all_their_data_at_once(api):
    paula = api.agent("Paula")
    visitor = api.visitor()
    room_id = api.taken(visitor, paula)["room_id"]
    api.post(
        f"/rooms/{room_id}/messages", {"text": "Privat", "client_id": "v-1"}, auth=visitor.auth
    )
    assert (
        api.put(f"/contacts/{visitor.visitor_id}", {"name": "Erika"}, auth=paula.auth).status == 200
    )

    reply = api.delete("/visitors/me", auth=visitor.auth)

    assert reply.status == 204 and reply.body == b""
    assert api.get("/visitors/me", auth=visitor.auth).status == 401
    assert api.get(f"/rooms/{room_id}", auth=paula.auth).status == 404
    assert api.get(f"/contacts/{visitor.visitor_id}", auth=paula.auth).status == 404
    assert ("deleted", room_id) in [
        (p["event"], p["room"]["room_id"]) for p in api.pushed(paula, "room")
    ]
    stored = api.snapshot()
    assert not any(visitor.visitor_id in item for items in stored.values() for item in items)


def test_the_availability_check_works_as_the_first_request_of_a_fresh_lambda(api, monkeypatch):
    """A cold Lambda's first request is usually a page view: it must bind the tables itself."""
    monkeypatch.setattr(bootstrap, "_context", None)

    reply = api.get("/departments/sales/availability")

    assert reply.status == 200
    assert (reply.json["department_id"], reply.json["available"]) == ("sales", False)
    table_names = context().store.table_names()
    assert all(name.startswith(api.ctx.settings.table_prefix) for name in table_names)


def test_a_body_sent_with_another_content_type_gets_the_same_answers(api):
    visitor = api.visitor(connect=False)
    headers = {"Content-Type": "text/plain;charset=UTF-8"}  # what navigator.sendBeacon sends

    broken = api.post("/rooms", raw="{", auth=visitor.auth, headers=headers)

    assert broken.status == 400 and broken.error["code"] == "invalid_json"
    api.agent("Paula")
    fine = api.post("/rooms", {"department_id": "sales"}, auth=visitor.auth, headers=headers)
    assert fine.status == 201
