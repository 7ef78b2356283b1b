"""DynamoDB calls per request, counted on the botocore sessions PynamoDB uses (DESIGN.md: the
availability check is one GetItem; request paths are a handful of key operations, never a Scan)."""

from __future__ import annotations

from pathlib import Path

from tests.integration.conftest import sign_in_at_provider

# Measured: a visitor's message into an open chat whose visitor and agent each have a socket.
#   GetItem 2     the visitor (token check), the room (access and state)
#   TransactWriteItems 1  the room's next seq, the message and its client_id claim, together
#   Query 2       the live connections of the visitor and of the agent (principal index)
MESSAGE_SEND_CALL_BUDGET = 5
# The same message as a `send` frame over the visitor's WebSocket, the widget's way: the
# connection remembers who opened it, so its one GetItem stands for the visitor's.
WEBSOCKET_MESSAGE_SEND_CALL_BUDGET = 5
# A team chat message over the WebSocket, to a channel however large:
#   GetItem 4   the connection, the retention setting, the room, the sender's membership
#   TransactWriteItems 1  the room's next seq, the message and its client_id claim
#   UpdateItem 1  the sender's read marker
#   Query 1     every agent's live connections (kind-index): grows with who is online
#   BatchGetItem 1  the memberships of just those agents
STAFF_MESSAGE_CALL_BUDGET = 8
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


def test_a_visitor_message_stays_within_its_call_budget(api, dynamodb_calls):
    paula = api.agent("Paula")
    visitor = api.visitor()
    room_id = api.taken(visitor, paula)["room_id"]
    path = f"/rooms/{room_id}/messages"

    reply, calls = measured(
        api,
        dynamodb_calls,
        "POST",
        path,
        body={"text": "Wie lange hat die Bibliothek auf?", "client_id": "b1"},
        auth=visitor.auth,
    )

    assert reply.status == 201
    breakdown = {op: calls.count(op) for op in sorted(set(calls))}
    assert len(calls) <= MESSAGE_SEND_CALL_BUDGET, breakdown
    assert breakdown == {"GetItem": 2, "Query": 2, "TransactWriteItems": 1}
    assert [p["message"]["client_id"] for p in api.pushed(paula, "message")][-1] == "b1"


def test_a_visitor_message_over_the_websocket_stays_within_its_call_budget(api, dynamodb_calls):
    paula = api.agent("Paula")
    visitor = api.visitor()
    room_id = api.taken(visitor, paula)["room_id"]
    frame = {"action": "send", "room_id": room_id, "text": "Und am Samstag?", "client_id": "w1"}

    with dynamodb_calls.measure():
        api.ws_send(visitor.connection_id, frame)

    breakdown = dynamodb_calls.count()
    assert len(dynamodb_calls.calls) <= WEBSOCKET_MESSAGE_SEND_CALL_BUDGET, breakdown
    assert breakdown == {"GetItem": 2, "Query": 2, "TransactWriteItems": 1}
    assert [p["message"]["client_id"] for p in api.pushed(paula, "message")][-1] == "w1"


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
    assert sum(breakdowns[0].values()) <= STAFF_MESSAGE_CALL_BUDGET, breakdowns[0]


def test_the_budgets_asserted_here_are_the_documented_ones():
    documented = PERFORMANCE_DOC.read_text(encoding="utf-8")
    for name, budget in (
        ("MESSAGE_SEND_CALL_BUDGET", MESSAGE_SEND_CALL_BUDGET),
        ("WEBSOCKET_MESSAGE_SEND_CALL_BUDGET", WEBSOCKET_MESSAGE_SEND_CALL_BUDGET),
        ("STAFF_MESSAGE_CALL_BUDGET", STAFF_MESSAGE_CALL_BUDGET),
    ):
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
        lars = api.agent("Lars", ("library",))
        admin = api.admin
    ute_id = call(
        "POST",
        "/auth/register",
        body={"email": "ute@uni.example", "name": "Ute", "password": api.password},
    ).json["agent_id"]
    call(
        "POST", f"/admin/agents/{ute_id}/approve", body={"departments": ["sales"]}, auth=admin.auth
    )
    call("POST", "/auth/login", body={"email": "ute@uni.example", "password": api.password})
    started = call("POST", "/auth/sso/start").json["authorization_url"]
    # Mia's first institutional sign-in: a pending registration, approved like Ute's.
    call("GET", sign_in_at_provider(started, "mia"))
    mia_id = call("GET", "/admin/agents?state=pending", auth=admin.auth).json["agents"][0]
    call("POST", f"/admin/agents/{mia_id['agent_id']}/approve", body={}, auth=admin.auth)
    started = call("POST", "/auth/sso/start").json["authorization_url"]
    handed_over = call("GET", sign_in_at_provider(started, "mia")).headers["location"]
    call("POST", "/auth/sso/exchange", body={"code": handed_over.split("#sso_code=", 1)[1]})
    call("GET", "/config")
    call("GET", "/departments/sales/availability")
    visitor_id = call("POST", "/visitors").json
    visitor = {"X-Visitor-Token": visitor_id["token"]}
    call("GET", "/visitors/me", auth=visitor)
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
    call("GET", f"/rooms/{room}/messages?after=0", auth=visitor)
    call("GET", f"/rooms/{room}", auth=visitor)
    call("GET", "/agents?department_id=library", auth=paula.auth)
    call("POST", f"/rooms/{room}/forward", body={"agent_id": lars.agent_id}, auth=paula.auth)
    call("POST", f"/rooms/{room}/return", auth=lars.auth)
    call("POST", f"/rooms/{room}/take", auth=paula.auth)
    call(
        "PUT",
        f"/contacts/{visitor_id['visitor_id']}",
        body={"note": "Erstsemester"},
        auth=paula.auth,
    )
    call("GET", "/contacts", auth=paula.auth)
    call("GET", f"/contacts/{visitor_id['visitor_id']}", auth=paula.auth)
    call("PUT", "/me/status", body={"status": "away"}, auth=paula.auth)
    call("PATCH", "/me", body={"settings": {"sound": False}}, auth=paula.auth)
    call("GET", "/me", auth=paula.auth)
    call("POST", f"/rooms/{room}/close", body={}, auth=visitor)
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
    every_route = {
        (path, method) for path, entries in api.app.app.routes.items() for method in entries
    }
    assert {(route, method) for method, route in succeeded} == every_route
