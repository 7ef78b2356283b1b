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


def test_with_office_hours_the_availability_check_is_still_one_getitem(api, dynamodb_calls):
    api.agent("Paula")
    hours = {"enabled": True, "weekly": {"mon": ["00:00-24:00"]}}  # the clock is on a Monday
    api.patch("/admin/departments/sales", {"office_hours": hours}, auth=api.admin.auth)

    reply, calls = measured(api, dynamodb_calls, "GET", "/departments/sales/availability")

    assert reply.status == 200 and reply.json["available"] is True
    assert calls == ["GetItem"]


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


def test_the_budgets_asserted_here_are_the_documented_ones():
    documented = PERFORMANCE_DOC.read_text(encoding="utf-8")
    for name, budget in (
        ("MESSAGE_SEND_CALL_BUDGET", MESSAGE_SEND_CALL_BUDGET),
        ("WEBSOCKET_MESSAGE_SEND_CALL_BUDGET", WEBSOCKET_MESSAGE_SEND_CALL_BUDGET),
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
