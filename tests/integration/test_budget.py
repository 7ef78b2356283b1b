"""DynamoDB calls per request, counted on the store's botocore client (the availability check
is one GetItem; request paths are a handful of key operations, never a Scan)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chalicelib.objects import upload_key
from tests import samples
from tests.integration.conftest import sign_in_at_provider

# DynamoDB calls per operation (docs/performance.md keeps the same numbers). Each counted
# in an open chat whose visitor and agent have a socket, with a colleague online too.
BUDGETS = {
    # GetItem the visitor (token), GetItem the room, TransactWriteItems (the room's next seq,
    # the message, its client_id claim); the room knows whom to push to.
    "MESSAGE_SEND_CALL_BUDGET": 3,
    # Over the socket, the connection's record stands for the token: the same three calls.
    "WEBSOCKET_MESSAGE_SEND_CALL_BUDGET": 4,
    "WEBSOCKET_AGENT_MESSAGE_CALL_BUDGET": 4,
    # GetItem the connection, GetItem the room; nothing written.
    "TYPING_CALL_BUDGET": 2,
    # visitor, rate window, department, the visitor's rooms, the room with its first message,
    # the visitor's sockets and the room's note of the one open, the visitor kept alive, the
    # place in the queue, the statistics' count; for push notifications, the department's
    # available agents and who watches a console (then one read of the subscriptions of each
    # who does not).
    "START_CHAT_CALL_BUDGET": 12,
    # session, agent, room, the agent's sockets, the take (with the agent's list of chats),
    # the statistics' count, the "joined" line, the taker's read marker, the department (its
    # consoles), the queue (its visitors' places).
    "TAKE_CALL_BUDGET": 10,
    # visitor, room, the close, the statistics' count, the closing line, the agent and their
    # live sockets (their status in the answer follows presence).
    "CLOSE_CALL_BUDGET": 7,
    # UpdateItem the connection, UpdateItem the department's presence deadline.
    "AGENT_HEARTBEAT_CALL_BUDGET": 2,
    # From the visitor's arrival to the closed socket, as bench/calls.py has it.
    "WHOLE_CHAT_CALL_BUDGET": 150,
    # The WebSocket posts of that chat (billed as WebSocket messages, as the frames in are).
    "WHOLE_CHAT_POST_BUDGET": 73,
    # A team chat message over the WebSocket, to a channel however large: GetItem the
    # connection, the retention setting, the room, the sender's membership; TransactWriteItems
    # (the room's next seq, the message, its client_id claim); UpdateItem the sender's read
    # marker; Query every agent's live connections (kind-index: grows with who is online);
    # BatchGetItem the memberships of just those agents.
    "STAFF_MESSAGE_CALL_BUDGET": 8,
}
WRITES = {"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem"}

PERFORMANCE_DOC = Path(__file__).resolve().parents[2] / "docs" / "performance.md"

SCHEDULED_EVENT = {
    "version": "0",
    "id": "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
    "detail-type": "Scheduled Event",
    "source": "aws.events",
    "account": "123456789012",
    "time": "2026-02-02T02:40:00Z",
    "region": "eu-central-1",
    "resources": ["arn:aws:events:eu-central-1:123456789012:rule/livechat-maintenance"],
    "detail": {},
}


def measured(api, counter, method, path, **kwargs):
    with counter.measure():
        reply = api.call(method, path, **kwargs)
    return reply, list(counter.calls)


def within(name: str, calls: list[str]) -> None:
    breakdown = {op: calls.count(op) for op in sorted(set(calls))}
    assert len(calls) <= BUDGETS[name], (name, breakdown)


def test_the_availability_check_is_exactly_one_getitem(api, dynamodb_calls):
    api.agent("Paula")

    for department_id, available in (("sales", True), ("library", False)):
        reply, calls = measured(
            api, dynamodb_calls, "GET", f"/departments/{department_id}/availability"
        )
        assert reply.status == 200 and reply.json["available"] is available
        assert calls == ["GetItem"]
    reply, calls = measured(api, dynamodb_calls, "GET", "/departments/nope/availability")
    assert reply.status == 404 and calls == ["GetItem"]


def test_with_office_hours_the_availability_check_is_still_one_getitem(api, dynamodb_calls):
    api.agent("Paula")
    hours = {"enabled": True, "weekly": {"mon": ["00:00-24:00"]}}  # the clock is on a Monday
    api.patch("/admin/departments/sales", {"office_hours": hours}, auth=api.admin.auth)

    reply, calls = measured(api, dynamodb_calls, "GET", "/departments/sales/availability")

    assert reply.status == 200 and reply.json["available"] is True
    assert calls == ["GetItem"]


@pytest.fixture
def open_chat(api):
    paula = api.agent("Paula")
    api.agent("Piet")  # a colleague online: queue events go to both
    visitor = api.visitor()
    room_id = api.taken(visitor, paula)["room_id"]
    return paula, visitor, room_id


def test_a_visitor_message_stays_within_its_call_budget(api, dynamodb_calls, open_chat):
    paula, visitor, room_id = open_chat

    reply, calls = measured(
        api,
        dynamodb_calls,
        "POST",
        f"/rooms/{room_id}/messages",
        body={"text": "Wie lange hat die Bibliothek auf?", "client_id": "b1"},
        auth=visitor.auth,
    )

    assert reply.status == 201
    within("MESSAGE_SEND_CALL_BUDGET", calls)
    assert sorted(calls) == ["GetItem", "GetItem", "TransactWriteItems"]
    assert [p["message"]["client_id"] for p in api.pushed(paula, "message")][-1] == "b1"


def test_reading_messages_after_a_seq_is_one_strongly_consistent_query(
    api, dynamodb_calls, open_chat
):
    """A message is readable as soon as any later one is: a reconnecting client fetches after
    the highest seq it has, and an eventually consistent read could miss what was just written."""
    _, visitor, room_id = open_chat
    api.call(
        "POST",
        f"/rooms/{room_id}/messages",
        body={"text": "Hallo", "client_id": "r1"},
        auth=visitor.auth,
    )

    with dynamodb_calls.measure():
        reply = api.call("GET", f"/rooms/{room_id}/messages?after=0", auth=visitor.auth)

    assert reply.status == 200 and reply.json["messages"][-1]["client_id"] == "r1"
    queries = [
        p for c, p in zip(dynamodb_calls.calls, dynamodb_calls.params, strict=True) if c == "Query"
    ]
    assert len(queries) == 1
    assert json.loads(queries[0]["body"]).get("ConsistentRead") is True


def test_messages_over_the_websocket_stay_within_their_call_budgets(api, dynamodb_calls, open_chat):
    paula, visitor, room_id = open_chat

    for name, sender, receiver, client_id in (
        ("WEBSOCKET_MESSAGE_SEND_CALL_BUDGET", visitor, paula, "w1"),
        ("WEBSOCKET_AGENT_MESSAGE_CALL_BUDGET", paula, visitor, "w2"),
    ):
        frame = {"action": "send", "room_id": room_id, "text": "Und?", "client_id": client_id}
        with dynamodb_calls.measure():
            api.ws_send(sender.connection_id, frame)
        within(name, dynamodb_calls.calls)
        assert [p["message"]["client_id"] for p in api.pushed(receiver, "message")][-1] == client_id


def test_typing_writes_nothing(api, dynamodb_calls, open_chat):
    paula, visitor, room_id = open_chat

    with dynamodb_calls.measure():
        api.ws_send(visitor.connection_id, {"action": "typing", "room_id": room_id, "typing": True})

    within("TYPING_CALL_BUDGET", dynamodb_calls.calls)
    assert not WRITES & set(dynamodb_calls.calls)
    assert api.pushed(paula, "typing")[-1]["typing"] is True


def test_start_take_and_close_stay_within_their_call_budgets(api, dynamodb_calls):
    paula = api.agent("Paula")
    api.agent("Piet")
    visitor = api.visitor()

    started, calls = measured(
        api,
        dynamodb_calls,
        "POST",
        "/rooms",
        body={"department_id": "sales", "text": "Hallo?"},
        auth=visitor.auth,
    )
    within("START_CHAT_CALL_BUDGET", calls)
    room_id = started.json["room_id"]
    taken, calls = measured(api, dynamodb_calls, "POST", f"/rooms/{room_id}/take", auth=paula.auth)
    within("TAKE_CALL_BUDGET", calls)
    closed, calls = measured(
        api, dynamodb_calls, "POST", f"/rooms/{room_id}/close", body={}, auth=visitor.auth
    )
    within("CLOSE_CALL_BUDGET", calls)

    assert (started.status, taken.status, closed.status) == (201, 200, 200)
    assert api.pushed(paula, "message")[0]["message"]["text"] == "Hallo?"
    assert "taken" in [p["event"] for p in api.pushed(visitor, "room")]
    assert api.pushed(paula, "room")[-1]["event"] == "closed"


def test_an_agent_heartbeat_stays_within_its_call_budget(api, dynamodb_calls):
    paula = api.agent("Paula")
    api.clock.advance(30)

    with dynamodb_calls.measure():
        api.ws_send(paula.connection_id, {"action": "heartbeat"})

    within("AGENT_HEARTBEAT_CALL_BUDGET", dynamodb_calls.calls)
    assert api.get("/departments/sales/availability").json["available"] is True


def test_a_whole_chat_of_twenty_messages_stays_within_its_call_budget(api, dynamodb_calls):
    """As bench/calls.py: the visitor arrives, asks, is taken; twenty messages taking turns,
    each typed first (a chatting visitor's window sends no heartbeat); the visitor closes and
    leaves. Its WebSocket posts are counted too: each is a billed WebSocket message."""
    paula = api.agent("Paula")
    api.agent("Piet")
    posts_before = len(api.pusher.sent)
    with dynamodb_calls.measure():
        visitor = api.visitor()
        room_id = api.ask(visitor)["room_id"]
        assert api.post(f"/rooms/{room_id}/take", auth=paula.auth).status == 200
        for number in range(2, 21):
            sender = paula if number % 2 == 0 else visitor
            typing = {"action": "typing", "room_id": room_id, "typing": True}
            api.ws_send(sender.connection_id, typing)
            text = f"Nachricht {number}"
            api.ws_send(
                sender.connection_id,
                {"action": "send", "room_id": room_id, "text": text, "client_id": f"m{number}"},
            )
        assert api.post(f"/rooms/{room_id}/close", {}, auth=visitor.auth).status == 200
        api.ws_disconnect(visitor.connection_id)

    within("WHOLE_CHAT_CALL_BUDGET", dynamodb_calls.calls)
    posts = [p["type"] for _, p in api.pusher.sent[posts_before:]]
    # Each message to both sides (the sender's echo stays: clients resume by it), the first to
    # the visitor and both consoles while queued, the "joined" and closing lines to both sides;
    # each typing frame relayed once;
    # `room` queued (the visitor's socket is open here before the first message), taken and
    # closed to both; the queue's added and removed to both consoles.
    assert {kind: posts.count(kind) for kind in sorted(set(posts))} == {
        "message": 45,
        "queue": 4,
        "room": 5,
        "typing": 19,
    }
    assert len(posts) <= BUDGETS["WHOLE_CHAT_POST_BUDGET"]
    texts = [p["message"]["text"] for p in api.pushed(paula, "message")]
    assert [t for t in texts if t.startswith("Nachricht")] == [
        f"Nachricht {n}" for n in range(2, 21)
    ]


def _channel_with_members(api, owner, online, offline_count: int) -> str:
    """A channel of the owner, the online agents and `offline_count` members who are not
    signed in (stored as members directly: only their number matters here)."""
    from chalicelib.store.records import StaffMember

    reply = api.post(
        "/channels",
        {
            "kind": "channel",
            "name": f"Budget {offline_count}",
            "members": [a.agent_id for a in online],
        },
        auth=owner.auth,
    )
    room_id = reply.json["room_id"]
    for n in range(offline_count):
        api.ctx.store.add_staff_member(
            StaffMember(room_id, f"agt_offline_{n}", f"Offline {n}", "channel")
        )
    return room_id


def test_a_channel_message_costs_the_same_however_many_members_are_offline(api, dynamodb_calls):
    owner, ben = api.agent("Olga"), api.agent("Ben")
    breakdowns = []
    for offline_count in (0, 120):
        room_id = _channel_with_members(api, owner, [ben], offline_count)
        frame = {"action": "send", "room_id": room_id, "text": "Hallo", "client_id": "c1"}
        with dynamodb_calls.measure():
            api.ws_send(owner.connection_id, frame)
        breakdowns.append(dynamodb_calls.count())
        assert api.pushed(ben, "message")[-1]["message"]["room_id"] == room_id

    assert breakdowns[0] == breakdowns[1], breakdowns
    assert breakdowns[0] == {
        "BatchGetItem": 1,
        "GetItem": 4,
        "Query": 1,
        "TransactWriteItems": 1,
        "UpdateItem": 1,
    }
    assert sum(breakdowns[0].values()) <= BUDGETS["STAFF_MESSAGE_CALL_BUDGET"], breakdowns[0]


def test_the_budgets_asserted_here_are_the_documented_ones():
    documented = PERFORMANCE_DOC.read_text(encoding="utf-8")
    for name, budget in BUDGETS.items():
        assert f"**{budget}** (`{name}`)" in documented, name


def test_no_request_path_scans(sso_api, dynamodb_calls):
    """Every route of a whole day's work, as agents, visitors and admins use them (with
    institutional sign-in configured, against the test provider)."""
    api = sso_api
    scans = {}

    def call(method, path, **kwargs):
        reply, calls = measured(api, dynamodb_calls, method, path, **kwargs)
        assert reply.status < 400, (method, path, reply.body)
        route = api.log[-1][1]
        if "Scan" in calls:
            scans[(method, route)] = calls.count("Scan")
        return reply

    with dynamodb_calls.measure():
        paula = api.agent("Paula", ("sales",))
        lars = api.agent("Lars", ("library", "sales"))  # a forward keeps the chat in sales
        admin = api.admin
    call(
        "POST",
        "/auth/register",
        body={"email": "ute@uni.example", "name": "Ute", "password": api.password},
    )
    call("POST", "/auth/verify-email", body={"token": api.emailed_token("ute@uni.example")})
    ute_id = api.pending_agent_id("ute@uni.example")
    call(
        "POST", f"/admin/agents/{ute_id}/approve", body={"departments": ["sales"]}, auth=admin.auth
    )
    ute = call("POST", "/auth/login", body={"email": "ute@uni.example", "password": api.password})
    binding = {"browser_binding": "the-browsers-binding-0123456789"}
    started = call("POST", "/auth/sso/start", body=binding).json["authorization_url"]
    # Mia's first institutional sign-in: a pending registration, approved like Ute's.
    call("GET", sign_in_at_provider(started, "mia"))
    mia_id = call("GET", "/admin/agents?state=pending", auth=admin.auth).json["agents"][0]
    call("POST", f"/admin/agents/{mia_id['agent_id']}/approve", body={}, auth=admin.auth)
    started = call("POST", "/auth/sso/start", body=binding).json["authorization_url"]
    handed_over = call("GET", sign_in_at_provider(started, "mia")).headers["location"]
    code = handed_over.split("#sso_code=", 1)[1]
    call("POST", "/auth/sso/exchange", body={"code": code, **binding})
    # The admin's identity asks to be linked; the admin confirms it, and undoes it.
    started = call("POST", "/auth/sso/start", body=binding).json["authorization_url"]
    call("GET", sign_in_at_provider(started, "admin-idp"))
    (request,) = call("GET", "/me/identities", auth=admin.auth).json["identities"]
    call("POST", f"/me/identities/{request['identity_id']}/confirm", auth=admin.auth)
    call("DELETE", f"/me/identities/{request['identity_id']}", auth=admin.auth)
    call("GET", "/config")
    call("GET", "/departments/sales/availability")
    visitor_id = call("POST", "/visitors").json
    visitor = {"X-Visitor-Token": visitor_id["token"]}
    call("GET", "/visitors/me", auth=visitor)
    call("POST", "/ws-ticket", auth=visitor)
    room = call(
        "POST", "/rooms", body={"department_id": "sales", "text": "Hallo"}, auth=visitor
    ).json["room_id"]
    call("GET", "/queue", auth=paula.auth)
    call("POST", f"/rooms/{room}/preview", auth=paula.auth)
    call("POST", f"/rooms/{room}/take", auth=paula.auth)
    call(
        "POST",
        f"/rooms/{room}/messages",
        body={"text": "Guten Tag", "client_id": "a1"},
        auth=paula.auth,
    )
    pdf = {"name": "Antrag.pdf", "content_type": "application/pdf", "size": len(samples.PDF)}
    upload_id = call("POST", f"/rooms/{room}/uploads", body=pdf, auth=paula.auth).json["upload_id"]
    api.ctx.files.client.put_object(  # the browser's POST to the bucket
        Bucket=api.ctx.files.bucket, Key=upload_key(room, upload_id), Body=samples.PDF
    )
    with_file = {"client_id": "a2", "upload_id": upload_id}
    call("POST", f"/rooms/{room}/messages", body=with_file, auth=paula.auth)
    call("GET", f"/rooms/{room}/files/{upload_id}", auth=visitor)
    call("GET", f"/rooms/{room}/messages?after=0", auth=visitor)
    call("GET", f"/rooms/{room}", auth=visitor)
    call("GET", "/agents?department_id=library", auth=paula.auth)
    call("POST", f"/rooms/{room}/forward", body={"agent_id": lars.agent_id}, auth=paula.auth)
    call("POST", f"/rooms/{room}/return", auth=lars.auth)
    call("POST", f"/rooms/{room}/take", auth=paula.auth)
    call("POST", f"/rooms/{room}/takeover", auth=admin.auth)
    call("POST", f"/rooms/{room}/forward", body={"agent_id": paula.agent_id}, auth=admin.auth)
    call(
        "PUT",
        f"/contacts/{visitor_id['visitor_id']}",
        body={"note": "Erstsemester"},
        auth=paula.auth,
    )
    call("GET", "/contacts", auth=paula.auth)
    call("GET", f"/contacts/{visitor_id['visitor_id']}", auth=paula.auth)
    call("GET", "/push/key", auth=paula.auth)
    device = {
        "endpoint": "https://fcm.googleapis.com/fcm/send/device-1",
        "keys": {"p256dh": "B" + "A" * 86, "auth": "A" * 22},
    }
    subscribed = call("POST", "/me/push-subscriptions", body=device, auth=paula.auth).json
    call("DELETE", f"/me/push-subscriptions/{subscribed['subscription_id']}", auth=paula.auth)
    call("PUT", "/me/status", body={"status": "away"}, auth=paula.auth)
    call("PATCH", "/me", body={"settings": {"sound": False}}, auth=paula.auth)
    call("GET", "/me", auth=paula.auth)
    # Ute, signed in twice, signs out her first session and changes her password.
    again = call("POST", "/auth/login", body={"email": "ute@uni.example", "password": api.password})
    ute_auth = {"Authorization": f"Bearer {again.json['token']}"}
    call("GET", "/me/sessions", auth=ute_auth)
    call("DELETE", f"/me/sessions/{ute.json['token'].split('.')[0]}", auth=ute_auth)
    new_password = {"current": api.password, "new": "Lindenblüte im Oktober"}
    call("PUT", "/me/password", body=new_password, auth=ute_auth)
    call("POST", f"/rooms/{room}/transcript", body={"email": "gast@example.org"}, auth=visitor)
    call("POST", f"/rooms/{room}/close", body={}, auth=visitor)
    call("PATCH", "/admin/departments/sales", body={"offline_messages": True}, auth=admin.auth)
    left = {"text": "Später bitte", "email": "gast@example.org"}
    call("POST", "/departments/sales/offline-messages", body=left, auth=visitor)
    call("POST", f"/rooms/{room}/rating", body={"score": 5, "comment": "Danke"}, auth=visitor)
    call("GET", "/rooms?state=closed", auth=paula.auth)
    call("DELETE", f"/rooms/{room}", auth=paula.auth)
    call("DELETE", "/rooms?state=closed", auth=paula.auth)
    call("GET", "/admin/agents?state=active", auth=admin.auth)
    call(
        "PATCH",
        f"/admin/agents/{lars.agent_id}",
        body={"departments": ["library", "sales"]},
        auth=admin.auth,
    )
    call("POST", "/admin/departments", body={"department_id": "it", "name": "IT"}, auth=admin.auth)
    call("PATCH", "/admin/departments/it", body={"name": "IT-Service"}, auth=admin.auth)
    canned = "/admin/departments/it/canned-responses"
    call("POST", canned, body={"shortcut": "hi", "text": "Hallo"}, auth=admin.auth)
    call("PUT", f"{canned}/hi", body={"shortcut": "moin", "text": "Moin"}, auth=admin.auth)
    call("DELETE", f"{canned}/moin", auth=admin.auth)
    call("POST", "/me/canned-responses", body={"shortcut": "a", "text": "A"}, auth=paula.auth)
    call("PUT", "/me/canned-responses/a", body={"shortcut": "a", "text": "B"}, auth=paula.auth)
    call("GET", "/me/canned-responses", auth=paula.auth)
    call("DELETE", "/me/canned-responses/a", auth=paula.auth)
    call("GET", "/departments/sales/canned-responses", auth=paula.auth)
    call("DELETE", "/admin/departments/it", auth=admin.auth)
    call("GET", "/departments", auth=paula.auth)
    call("GET", "/admin/departments", auth=admin.auth)
    # Team chat (S5-S9, S22).
    channel = call(
        "POST", "/channels", body={"kind": "channel", "name": "Library"}, auth=paula.auth
    ).json["room_id"]
    call("POST", "/direct", body={"agent_ids": [lars.agent_id]}, auth=paula.auth)
    call("GET", "/me/rooms?sort=name", auth=paula.auth)
    call("GET", f"/channels/{channel}", auth=paula.auth)
    call("PATCH", f"/channels/{channel}", body={"topic": "Books"}, auth=paula.auth)
    call("POST", f"/channels/{channel}/join", auth=lars.auth)
    call("POST", f"/channels/{channel}/leave", auth=lars.auth)
    call("POST", f"/channels/{channel}/members", body={"agent_id": lars.agent_id}, auth=paula.auth)
    call("DELETE", f"/channels/{channel}/members/{lars.agent_id}", auth=paula.auth)
    call(
        "POST",
        f"/rooms/{channel}/messages",
        body={"text": "Hallo @Lars", "client_id": "t1"},
        auth=paula.auth,
    )
    call("PATCH", f"/rooms/{channel}/messages/1", body={"text": "Hallo"}, auth=paula.auth)
    call("DELETE", f"/rooms/{channel}/messages/1", auth=paula.auth)
    call("POST", f"/rooms/{channel}/read", body={"seq": 1}, auth=paula.auth)
    call("GET", "/directory?type=users&q=la", auth=paula.auth)
    call("GET", "/search?q=lib", auth=paula.auth)
    call("PUT", "/admin/team-chat", body={"retention_days": "keep"}, auth=admin.auth)
    call("GET", "/admin/team-chat", auth=admin.auth)
    call("DELETE", f"/channels/{channel}", auth=paula.auth)
    call("PUT", "/me/availability", body={"available": False}, auth=paula.auth)
    call("GET", "/stats?bucket=hour", auth=paula.auth)
    call("GET", "/stats/agents", auth=admin.auth)
    call("DELETE", "/visitors/me", auth=visitor)
    call("POST", "/auth/logout", auth=lars.auth)
    call("POST", f"/admin/agents/{lars.agent_id}/disable", auth=admin.auth)
    call("GET", "/openapi.json")
    with dynamodb_calls.measure():
        for connection_id in (paula.connection_id, lars.connection_id):
            api.ws_send(connection_id, {"action": "heartbeat"})
            api.ws_disconnect(connection_id)
        api.app.maintenance(SCHEDULED_EVENT, None)  # the sweep lists departments by their index
    assert "Scan" not in dynamodb_calls.calls

    assert scans == {}
    succeeded = {(method, route) for method, route, status in api.log if status < 400}
    every_route = {  # preflight answers (OPTIONS) read no table; test_cors calls them
        (path, method)
        for path, entries in api.app.app.routes.items()
        for method in entries
        if method != "OPTIONS"
    }
    assert {(route, method) for method, route in succeeded} == every_route
