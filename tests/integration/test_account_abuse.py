"""Accounts resist abuse: passwords must be hard to guess, registration tells nobody whether an
address has an account, and one account's password cannot be guessed from many addresses."""

from __future__ import annotations

import dataclasses
from email import message_from_bytes

import pytest

from chalicelib.services.signin import FAILURES_ALLOWED, WINDOW_SECONDS


def viewer(n: int) -> dict:
    return {"CloudFront-Viewer-Address": f"198.51.100.{n}:443"}


@pytest.mark.parametrize(
    "password, why",
    [
        ("12345678", "at least 12 characters"),
        ("password1234", "common password"),
        (" " * 8, "at least 12 characters"),
        ("qwertzuiop12", "easy to guess"),
        ("ada@uni.example!", "easy to guess"),  # the address itself
    ],
)
def test_a_weak_password_is_400_saying_why(api, password, why):
    before = api.snapshot()

    reply = api.post(
        "/auth/register", {"email": "ada@uni.example", "name": "Ada", "password": password}
    )

    assert reply.status == 400, reply.body
    assert reply.error["message"].startswith("password")
    assert why in reply.error["message"]
    assert api.snapshot() == before


def test_a_long_uncommon_password_is_accepted(api):
    reply = api.post(
        "/auth/register",
        {"email": "ada@uni.example", "name": "Ada", "password": "Lindenblüte im Oktober"},
    )

    assert (reply.status, reply.json) == (202, {"state": "pending"})


def test_registering_a_taken_address_answers_the_same_and_mails_its_owner(api, app_env):
    paula = api.agent("Paula", online=False)
    fresh = api.post(
        "/auth/register", {"email": "neu@uni.example", "name": "Neu", "password": api.password}
    )
    taken = api.post(
        "/auth/register",
        {"email": paula.email.upper(), "name": "Someone", "password": api.password},
    )

    assert (fresh.status, fresh.json) == (taken.status, taken.json) == (202, {"state": "pending"})
    pending = api.get("/admin/agents?state=pending", auth=api.admin.auth).json["agents"]
    assert [a["email"] for a in pending] == ["neu@uni.example"]
    mails = [message_from_bytes(p.read_bytes()) for p in (app_env / "outbox").glob("*.eml")]
    assert [m["To"] for m in mails] == [paula.email]
    assert api.get("/me", auth=paula.auth).json["name"] == "Paula"  # the account is untouched


def test_after_ten_failed_sign_ins_from_anywhere_even_the_right_password_waits(api):
    paula = api.agent("Paula", online=False)
    sven = api.agent("Sven", online=False)
    wrong = {"email": paula.email, "password": "not her password"}
    right = {"email": paula.email, "password": api.password}

    failures = [api.post("/auth/login", wrong, headers=viewer(n)) for n in range(FAILURES_ALLOWED)]
    locked = api.post("/auth/login", right, headers=viewer(99))
    other = api.post("/auth/login", {"email": sven.email, "password": api.password})

    assert [f.status for f in failures] == [401] * FAILURES_ALLOWED
    assert (locked.status, locked.error["code"]) == (429, "too_many_failed_logins")
    assert 1 <= int(locked.headers["retry-after"]) <= WINDOW_SECONDS
    assert other.status == 200
    api.clock.advance(2 * WINDOW_SECONDS)
    assert api.post("/auth/login", right, headers=viewer(7)).status == 200


def test_failures_spread_over_a_window_boundary_still_count(api):
    paula = api.agent("Paula", online=False)
    wrong = {"email": paula.email, "password": "not her password"}
    to_boundary = WINDOW_SECONDS - api.clock.now() % WINDOW_SECONDS
    api.clock.advance(to_boundary - 60)
    for n in range(FAILURES_ALLOWED // 2):
        api.post("/auth/login", wrong, headers=viewer(n))
    api.clock.advance(120)
    for n in range(FAILURES_ALLOWED - FAILURES_ALLOWED // 2):
        api.post("/auth/login", wrong, headers=viewer(50 + n))

    locked = api.post("/auth/login", {"email": paula.email, "password": api.password})

    assert locked.status == 429


def test_every_429_carries_retry_after(api):
    api.ctx.settings = dataclasses.replace(api.ctx.settings, rate_limit_per_minute=2)
    answers = [api.post("/visitors") for _ in range(3)]
    logins = [
        api.post("/auth/login", {"email": "x@uni.example", "password": "p"}) for _ in range(3)
    ]

    for refused in (answers[-1], logins[-1]):
        assert refused.status == 429
        assert int(refused.headers["retry-after"]) >= 1
