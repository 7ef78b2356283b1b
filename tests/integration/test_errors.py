"""The API's conventions (docs/features.md): every bad input gets the right status and
`{"error": {"code", "message"}}` (400 naming the field, 401, 403, 404, 409, 413, 429), never a
500, and changes nothing stored."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import pytest

MAX = 2000  # MAX_MESSAGE_LENGTH's default


@pytest.fixture
def scene(api):
    """Paula (sales) serves Erika's open chat; Max waits in the sales queue; Lars is in the
    library; Piet is another sales agent; Ute's registration is pending."""
    paula = api.agent("Paula", ("sales",))
    piet = api.agent("Piet", ("sales",))
    lars = api.agent("Lars", ("library",))
    erika, max_ = api.visitor(), api.visitor()
    open_room = api.taken(erika, paula)["room_id"]
    queued_room = api.ask(max_)["room_id"]
    pending_id, pending_email = api.register("Ute")
    return SimpleNamespace(
        paula=paula,
        piet=piet,
        lars=lars,
        erika=erika,
        max=max_,
        open=open_room,
        queued=queued_room,
        pending=pending_id,
        pending_email=pending_email,
        admin=api.admin,
    )


ERROR_KEYS = {"code", "message", "field", "reason", "limit"}


def check(api, cases, status, before=None):
    """Each case: (method, path, auth, body or raw, expected code or None, words in message)."""
    before = api.snapshot() if before is None else before
    for method, path, auth, payload, code, words in cases:
        kwargs = {"auth": auth}
        if isinstance(payload, str):
            kwargs["raw"] = payload
        elif payload is not None:
            kwargs["body"] = payload
        reply = api.call(method, path, **kwargs)
        where = f"{method} {path} {payload!r}"
        assert reply.status == status, (where, reply.status, reply.body)
        assert reply.headers["content-type"] == "application/json", where
        error = reply.error
        # invalid_input adds the field, the reason and the bound (a contract addition).
        assert {"code", "message"} <= set(error) <= ERROR_KEYS and error["message"], where
        if code is not None:
            assert error["code"] == code, (where, error)
        for word in words:
            assert word in error["message"], (where, error)
    assert api.snapshot() == before, "a refused request changed stored data"


def test_malformed_json_and_wrong_shapes_are_400_naming_the_field(api, scene):
    v, a, admin = scene.erika.auth, scene.paula.auth, scene.admin.auth
    msg = f"/rooms/{scene.open}/messages"
    cases = [
        ("POST", "/rooms", v, "{not json", "invalid_json", ["body"]),
        ("POST", "/rooms", v, "[1, 2]", "invalid_json", ["body"]),
        ("POST", "/rooms", v, "\xff\xfe", None, ["body"]),
        ("POST", "/rooms", v, {}, "invalid_input", ["department_id"]),
        ("POST", "/rooms", v, {"department_id": 5}, "invalid_input", ["department_id"]),
        ("POST", "/rooms", v, {"department_id": "Sales!"}, "invalid_input", ["department_id"]),
        (
            "POST",
            "/rooms",
            v,
            {"department_id": "sales", "colour": "red"},
            "invalid_input",
            ["colour"],
        ),
        ("POST", msg, v, {"text": 5, "client_id": "c1"}, "invalid_input", ["text"]),
        ("POST", msg, v, {"text": "hi"}, "invalid_input", ["client_id"]),
        ("POST", msg, v, {"text": "", "client_id": "c1"}, "invalid_input", ["text"]),
        ("POST", msg, v, {"text": "hi", "client_id": "has spaces"}, "invalid_input", ["client_id"]),
        (
            "POST",
            msg,
            v,
            {"text": "hi", "client_id": "c1", "html": "<b>"},
            "invalid_input",
            ["html"],
        ),
        ("POST", msg, v, "", "invalid_input", ["client_id"]),  # text may go with a file
        ("POST", f"/rooms/{scene.open}/close", v, {"comment": 7}, "invalid_input", ["comment"]),
        (
            "POST",
            "/auth/register",
            None,
            {"email": "no-email", "name": "X", "password": "long enough"},
            "invalid_input",
            ["email"],
        ),
        (
            "POST",
            "/auth/register",
            None,
            {"email": "x@uni.example", "name": "X", "password": "short"},
            "invalid_input",
            ["password"],
        ),
        (
            "POST",
            "/auth/register",
            None,
            {"email": "x@uni.example", "name": " ", "password": "long enough"},
            "invalid_input",
            ["name"],
        ),
        ("POST", "/auth/login", None, {"email": "x@uni.example"}, "invalid_input", ["password"]),
        ("PUT", "/me/status", a, {"status": "sleeping"}, "invalid_input", ["status"]),
        ("PUT", "/me/availability", a, {"available": [True]}, "invalid_input", ["available"]),
        ("PUT", "/me/availability", a, {}, "invalid_input", ["available"]),
        ("PUT", "/me/availability", a, {"available": "yes"}, "invalid_input", ["available"]),
        (
            "PATCH",
            "/me",
            a,
            {"settings": {"away_after_minutes": "5"}},
            "invalid_input",
            ["away_after_minutes"],
        ),
        ("PATCH", "/me", a, {"settings": {"theme": "pink"}}, "invalid_input", ["theme"]),
        (
            "PATCH",
            "/me",
            a,
            {"settings": {"away_after_minutes": -1}},
            "invalid_input",
            ["away_after_minutes"],
        ),
        ("PATCH", "/me", a, {"role": "admin"}, "invalid_input", ["role"]),
        ("POST", f"/rooms/{scene.open}/forward", a, {}, None, ["agent_id", "department_id"]),
        (
            "POST",
            f"/rooms/{scene.open}/forward",
            a,
            {"agent_id": scene.piet.agent_id, "department_id": "library"},
            None,
            ["agent_id", "department_id"],
        ),
        (
            "POST",
            f"/rooms/{scene.open}/forward",
            a,
            {"department_id": "sales"},
            None,
            ["department_id"],
        ),
        (
            "POST",
            f"/rooms/{scene.open}/forward",
            a,
            {"agent_id": scene.paula.agent_id},
            None,
            ["agent_id"],
        ),
        (
            "PUT",
            f"/contacts/{scene.erika.visitor_id}",
            a,
            {"email": "nope"},
            "invalid_input",
            ["email"],
        ),
        (
            "PUT",
            f"/contacts/{scene.erika.visitor_id}",
            a,
            {"phone": "call me"},
            "invalid_input",
            ["phone"],
        ),
        ("PUT", f"/contacts/{scene.erika.visitor_id}", a, {"age": 30}, "invalid_input", ["age"]),
        (
            "POST",
            f"/admin/agents/{scene.pending}/approve",
            admin,
            {"role": "boss"},
            "invalid_input",
            ["role"],
        ),
        (
            "POST",
            f"/admin/agents/{scene.pending}/approve",
            admin,
            {"departments": ["nope"]},
            None,
            ["departments"],
        ),
        (
            "PATCH",
            f"/admin/agents/{scene.piet.agent_id}",
            admin,
            {"departments": "sales"},
            "invalid_input",
            ["departments"],
        ),
        ("POST", "/admin/departments", admin, {"department_id": "new"}, "invalid_input", ["name"]),
        (
            "POST",
            "/admin/departments",
            admin,
            {"department_id": "new", "name": "New", "retention_hours": 0},
            "invalid_input",
            ["retention_hours"],
        ),
        (
            "POST",
            "/admin/departments",
            admin,
            {"department_id": "new", "name": "New", "allowed_origins": ["javascript:alert(1)"]},
            "invalid_input",
            ["allowed_origins"],
        ),
        (
            "PATCH",
            "/admin/departments/sales",
            admin,
            {"retention_hours": "soon"},
            "invalid_input",
            ["retention_hours"],
        ),
    ]
    check(api, cases, 400)


def test_bad_query_parameters_are_400_naming_the_parameter(api, scene):
    v, a, admin = scene.erika.auth, scene.paula.auth, scene.admin.auth
    msg = f"/rooms/{scene.open}/messages"
    cases = [
        ("GET", f"{msg}?after=-1", v, None, "invalid_input", ["after"]),
        ("GET", f"{msg}?after=abc", v, None, "invalid_input", ["after"]),
        ("GET", f"{msg}?limit=0", v, None, "invalid_input", ["limit"]),
        ("GET", f"{msg}?limit=100000", v, None, "invalid_input", ["limit"]),
        ("GET", f"{msg}?since=3", v, None, "invalid_input", ["since"]),
        ("GET", "/rooms?state=deleted", a, None, "invalid_input", ["state"]),
        ("GET", "/rooms?next=%25%25%25", a, None, None, ["next"]),
        ("GET", "/contacts?next=bm90IGpzb24", a, None, None, ["next"]),
        ("GET", "/agents", a, None, "invalid_input", ["department_id"]),
        ("DELETE", "/rooms", a, None, "invalid_input", ["state"]),
        ("DELETE", "/rooms?state=open", a, None, "invalid_input", ["state"]),
        ("GET", "/queue?limit=-5", a, None, "invalid_input", ["limit"]),
        ("GET", "/admin/agents?state=weird", admin, None, "invalid_input", ["state"]),
    ]
    check(api, cases, 400)


@pytest.mark.parametrize(
    ("given", "field", "reason", "limit"),
    [
        ({}, "name", "missing", None),
        ({"name": "x" * 121}, "name", "string_too_long", 120),
        ({"name": "Paula", "password": "kurz"}, "password", "string_too_short", 12),
    ],
)
def test_a_refused_input_says_which_field_why_and_the_bound_it_broke(
    api, given, field, reason, limit
):
    """So that a client can say it in its own language next to the input."""
    refused = api.post(
        "/auth/register", {"email": "p@uni.example", "password": "a-long-password", **given}
    )

    assert refused.status == 400
    error = refused.json["error"]
    assert (error["code"], error["field"], error["reason"]) == ("invalid_input", field, reason)
    assert error.get("limit") == limit
    assert error["message"].startswith(f"{field}: ")


def test_text_over_the_maximum_length_is_413(api, scene):
    too_long = "ü" * (MAX + 1)
    cases = [
        (
            "POST",
            f"/rooms/{scene.open}/messages",
            scene.erika.auth,
            {"text": too_long, "client_id": "long"},
            "message_too_long",
            ["text"],
        ),
        (
            "POST",
            f"/rooms/{scene.open}/messages",
            scene.paula.auth,
            {"text": too_long, "client_id": "long"},
            "message_too_long",
            ["text"],
        ),
        (
            "POST",
            "/rooms",
            api.visitor(connect=False).auth,
            {"department_id": "sales", "text": too_long},
            "message_too_long",
            ["text"],
        ),
    ]
    check(api, cases, 413)
    exact = api.post(
        f"/rooms/{scene.open}/messages",
        {"text": "ü" * MAX, "client_id": "max"},
        auth=scene.erika.auth,
    )
    assert exact.status == 201


def test_unknown_ids_are_404(api, scene):
    v, a, admin = scene.erika.auth, scene.paula.auth, scene.admin.auth
    nope = "room_00000000000000000000"
    cases = [
        ("GET", f"/rooms/{nope}", v, None, "room_not_found", []),
        ("GET", f"/rooms/{nope}", a, None, "room_not_found", []),
        ("GET", f"/rooms/{nope}/messages", v, None, "room_not_found", []),
        ("POST", f"/rooms/{nope}/messages", v, {"text": "x", "client_id": "c"}, None, []),
        ("POST", f"/rooms/{nope}/close", v, {}, None, []),
        ("POST", f"/rooms/{nope}/preview", a, None, None, []),
        ("POST", f"/rooms/{nope}/take", a, None, None, []),
        ("POST", f"/rooms/{nope}/return", a, None, None, []),
        ("POST", f"/rooms/{nope}/forward", a, {"department_id": "library"}, None, []),
        ("DELETE", f"/rooms/{nope}", a, None, None, []),
        ("GET", "/departments/nope/availability", None, None, "department_not_found", []),
        ("POST", "/rooms", v, {"department_id": "nope"}, "department_not_found", []),
        ("GET", "/agents?department_id=nope", a, None, None, []),
        ("POST", f"/rooms/{scene.open}/forward", a, {"agent_id": "agt_nope"}, None, ["agent_id"]),
        ("POST", f"/rooms/{scene.open}/forward", a, {"department_id": "nope"}, None, []),
        ("GET", "/contacts/vis_nope", a, None, None, []),
        ("PUT", "/contacts/vis_nope", a, {"note": "x"}, None, []),
        ("POST", "/admin/agents/agt_nope/approve", admin, {"departments": []}, None, []),
        ("PATCH", "/admin/agents/agt_nope", admin, {"role": "admin"}, None, []),
        ("POST", "/admin/agents/agt_nope/disable", admin, None, None, []),
        ("PATCH", "/admin/departments/nope", admin, {"name": "X"}, None, []),
        ("DELETE", "/admin/departments/nope", admin, None, None, []),
    ]
    check(api, cases, 404)


def test_ids_that_cannot_exist_are_404_and_never_reach_dynamodb(api, scene, dynamodb_calls):
    # DynamoDB refuses keys over 2048 bytes with a ValidationException (moto does not): such an
    # id must be answered before any read, or the real service would make it a 500.
    long_id = "r" * 3000
    cases = [
        ("GET", f"/rooms/{long_id}", scene.erika.auth, None, None, []),
        ("POST", f"/rooms/{long_id}/take", scene.paula.auth, None, None, []),
        ("GET", f"/contacts/{long_id}", scene.paula.auth, None, None, []),
        ("GET", f"/departments/{long_id}/availability", None, None, None, []),
        ("POST", f"/admin/agents/{long_id}/disable", scene.admin.auth, None, None, []),
        ("GET", "/rooms/r%C3%A4um", scene.erika.auth, None, None, []),
    ]
    with dynamodb_calls.measure():
        check(api, cases, 404)
    assert dynamodb_calls.calls  # the tokens were checked
    assert long_id not in repr(dynamodb_calls.params)


def test_illegal_state_changes_are_409_with_their_code(api, scene):
    a = scene.paula.auth
    closed_visitor = api.visitor()
    closed = api.taken(closed_visitor, scene.paula)["room_id"]
    assert api.post(f"/rooms/{closed}/close", {}, auth=a).status == 200
    assert api.put("/me/status", {"status": "busy"}, auth=scene.lars.auth).status == 200
    assert (
        api.post(
            "/admin/departments", {"department_id": "empty", "name": "Leer"}, auth=scene.admin.auth
        ).status
        == 201
    )
    cases = [
        ("POST", f"/rooms/{scene.open}/take", scene.piet.auth, None, "already_taken", []),
        ("DELETE", f"/rooms/{scene.open}", a, None, "room_not_closed", []),
        (
            "POST",
            f"/rooms/{closed}/messages",
            closed_visitor.auth,
            {"text": "noch was", "client_id": "late"},
            "room_closed",
            [],
        ),
        ("POST", f"/rooms/{closed}/close", a, {}, "room_closed", []),
        ("POST", f"/rooms/{closed}/close", closed_visitor.auth, {}, "room_closed", []),
        ("POST", f"/rooms/{closed}/take", a, None, "already_taken", []),
        (
            "POST",
            "/rooms",
            api.visitor(connect=False).auth,
            {"department_id": "library"},
            "department_unavailable",
            [],
        ),
        (
            "POST",
            f"/rooms/{scene.open}/forward",
            a,
            {"department_id": "library"},
            "department_unavailable",
            [],
        ),
        (
            "POST",
            f"/admin/agents/{scene.paula.agent_id}/approve",
            scene.admin.auth,
            {"departments": ["sales"]},
            "not_pending",
            [],
        ),
        (
            "POST",
            "/admin/departments",
            scene.admin.auth,
            {"department_id": "sales", "name": "Again"},
            "department_exists",
            [],
        ),
        ("POST", f"/rooms/{scene.open}/preview", a, None, "room_not_queued", []),
        (
            "POST",
            f"/rooms/{scene.queued}/messages",
            a,
            {"text": "hi", "client_id": "early"},
            "room_not_taken",
            [],
        ),
        ("POST", f"/rooms/{scene.queued}/return", a, None, "room_not_open", []),
        (
            "POST",
            "/rooms",
            api.visitor(connect=False).auth,
            {"department_id": "empty"},
            "department_unavailable",
            [],
        ),
    ]
    check(api, cases, 409)


def test_other_departments_and_other_visitors_rooms_are_403(api, scene):
    lars, max_ = scene.lars.auth, scene.max.auth
    cases = [
        ("GET", f"/rooms/{scene.queued}", lars, None, None, []),
        ("GET", f"/rooms/{scene.queued}/messages", lars, None, None, []),
        ("POST", f"/rooms/{scene.queued}/preview", lars, None, None, []),
        ("POST", f"/rooms/{scene.queued}/take", lars, None, None, []),
        ("POST", f"/rooms/{scene.queued}/close", lars, {}, None, []),
        ("POST", f"/rooms/{scene.open}/messages", lars, {"text": "x", "client_id": "c"}, None, []),
        ("GET", f"/rooms/{scene.open}", max_, None, "room_forbidden", []),
        ("GET", f"/rooms/{scene.open}/messages", max_, None, None, []),
        ("POST", f"/rooms/{scene.open}/messages", max_, {"text": "x", "client_id": "c"}, None, []),
        ("POST", f"/rooms/{scene.open}/close", max_, {}, None, []),
        ("POST", f"/rooms/{scene.open}/return", scene.piet.auth, None, "not_room_agent", []),
        (
            "POST",
            f"/rooms/{scene.open}/forward",
            scene.piet.auth,
            {"agent_id": scene.piet.agent_id},
            "not_room_agent",
            [],
        ),
        ("POST", f"/rooms/{scene.open}/close", scene.piet.auth, {}, "not_room_agent", []),
        (
            "POST",
            f"/rooms/{scene.open}/messages",
            scene.piet.auth,
            {"text": "x", "client_id": "c"},
            "not_room_agent",
            [],
        ),
    ]
    check(api, cases, 403)


def test_non_admins_are_403_on_every_admin_route(api, scene):
    a = scene.paula.auth
    admin_routes = sorted(
        {
            (method, path)
            for path, entries in api.app.app.routes.items()
            for method in entries
            if path.startswith("/admin") and method != "OPTIONS"  # preflights: test_cors
        }
    )
    assert len(admin_routes) == 13
    fill = {"{agent_id}": scene.piet.agent_id, "{department_id}": "library", "{shortcut}": "hi"}
    cases = []
    for method, path in admin_routes:
        for name, value in fill.items():
            path = path.replace(name, value)
        body = {} if method in ("POST", "PATCH", "PUT") else None
        cases.append((method, path, a, body, "admin_only", []))
    check(api, cases, 403)


def test_pending_and_disabled_accounts_get_403_at_sign_in(api, scene):
    before = api.snapshot()
    pending = api.post("/auth/login", {"email": scene.pending_email, "password": api.password})
    assert (pending.status, pending.error["code"]) == (403, "account_pending")
    assert api.snapshot() == before
    assert (
        api.post(f"/admin/agents/{scene.piet.agent_id}/disable", auth=scene.admin.auth).status
        == 200
    )
    disabled = api.post("/auth/login", {"email": scene.piet.email, "password": api.password})
    assert (disabled.status, disabled.error["code"]) == (403, "account_disabled")
    assert api.get("/me", auth=scene.piet.auth).status == 401


def test_missing_forged_and_expired_credentials_are_401(api, scene):
    forged_agent = {"Authorization": f"Bearer {scene.paula.token.split('.')[0]}.forged"}
    forged_visitor = {"X-Visitor-Token": f"{scene.erika.visitor_id}.forged"}
    cases = []
    for method, path, body in (
        ("GET", "/me", None),
        ("GET", "/queue", None),
        ("PUT", "/me/status", {"status": "online"}),
        ("GET", "/rooms", None),
        ("GET", "/admin/agents", None),
        ("POST", "/auth/logout", None),
    ):
        for auth in (
            None,
            forged_agent,
            {"Authorization": "Bearer garbage"},
            {"Authorization": "Basic YWRtaW46YWRtaW4="},
        ):
            cases.append((method, path, auth, body, None, []))
    for method, path, body in (
        ("GET", "/visitors/me", None),
        ("DELETE", "/visitors/me", None),
        ("POST", "/rooms", {"department_id": "sales"}),
        ("GET", f"/rooms/{scene.open}", None),
        ("POST", f"/rooms/{scene.open}/messages", {"text": "x", "client_id": "c"}),
    ):
        for auth in (None, forged_visitor, {"X-Visitor-Token": "garbage"}):
            cases.append((method, path, auth, body, None, []))
    cases.append(
        (
            "POST",
            "/auth/login",
            None,
            {"email": scene.paula.email, "password": "wrong password"},
            "invalid_credentials",
            [],
        )
    )
    cases.append(
        (
            "POST",
            "/auth/login",
            None,
            {"email": "nobody@uni.example", "password": "wrong password"},
            "invalid_credentials",
            [],
        )
    )
    check(api, cases, 401)

    api.clock.advance(hours=api.ctx.settings.session_hours, seconds=1)
    expired = api.get("/me", auth=scene.paula.auth)
    assert (expired.status, expired.error["code"]) == (401, "invalid_token")


def test_a_logged_out_token_and_a_deleted_visitor_are_401_at_once(api, scene):
    assert api.post("/auth/logout", auth=scene.piet.auth).status == 204
    assert api.get("/me", auth=scene.piet.auth).status == 401
    assert api.get("/me", auth=scene.paula.auth).status == 200

    assert api.delete("/visitors/me", auth=scene.max.auth).status == 204
    assert api.get("/visitors/me", auth=scene.max.auth).status == 401
    assert api.get(f"/rooms/{scene.queued}", auth=scene.max.auth).status == 401


def test_too_many_anonymous_requests_are_429(api):
    limit = 5  # RATE_LIMIT_PER_MINUTE, lowered to keep the test short
    api.ctx.settings = dataclasses.replace(api.ctx.settings, rate_limit_per_minute=limit)
    statuses = [api.post("/visitors").status for _ in range(limit + 1)]

    assert statuses[:limit] == [201] * limit
    refused = api.post("/visitors")
    assert (refused.status, refused.error["code"]) == (429, "rate_limited")
    api.clock.advance(60)
    assert api.post("/visitors").status == 201
