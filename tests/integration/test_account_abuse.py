"""Accounts resist abuse: passwords must be hard to guess, registration tells nobody whether an
address has an account, and an address that guesses an account's password is slowed down while
its owner, elsewhere, signs in."""

from __future__ import annotations

import dataclasses
from email import message_from_bytes

import pytest

from chalicelib.services.signin import FORGET_SECONDS, FREE_FAILURES
from tests.integration.conftest import ADMIN_EMAIL, ADMIN_PASSWORD

ORIGIN_SECRET = "origin-secret-of-the-test-stack"


@pytest.fixture(autouse=True)
def behind_cloudfront(api):
    api.ctx.settings = dataclasses.replace(api.ctx.settings, origin_verify_secret=ORIGIN_SECRET)


def viewer(n: int) -> dict:
    """What the stack's CloudFront forwards of a request from viewer n."""
    return {"CloudFront-Viewer-Address": f"198.51.100.{n}:443", "X-Origin-Verify": ORIGIN_SECRET}


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


@pytest.mark.parametrize(
    "password",
    [
        # among the most common of leaked lists: zxcvbn knows them
        *("password1234", "123456789012", "qwerty123456", "1q2w3e4r5t6y", "iloveyou1234"),
        *("Passwort1234", "P@ssw0rd1234", "Password123!", "letmein12345", "Welcome12345"),
        # the seasons, the place and the product with a year: zxcvbn scores them 3 or 4
        *("Sommer2024!!", "Winter2025!!", "Frühling2026!", "Wintersemester2026"),
        *("Hochschule2026", "Universität1!", "Livechat2026!", "!!Herbst2026"),
    ],
)
def test_the_most_common_passwords_are_refused(api, password):
    reply = api.post(
        "/auth/register", {"email": "ada@uni.example", "name": "Ada", "password": password}
    )

    assert (reply.status, reply.error["code"]) == (400, "weak_password"), password


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


def sign_in(api, email: str, password: str, address: int):
    return api.post("/auth/login", {"email": email, "password": password}, headers=viewer(address))


def test_fifty_wrong_passwords_from_one_address_never_keep_the_right_one_from_another_out(api):
    paula = api.agent("Paula", online=False)

    flood = [sign_in(api, paula.email, "not her password", 66) for _ in range(50)]
    elsewhere = sign_in(api, paula.email, api.password, 7)

    statuses = [f.status for f in flood]
    assert statuses == [401] * FREE_FAILURES + [429] * (50 - FREE_FAILURES)
    assert flood[-1].error["code"] == "too_many_failed_logins"
    assert elsewhere.status == 200


def test_an_address_that_keeps_failing_waits_twice_as_long_each_time_up_to_fifteen_minutes(api):
    paula = api.agent("Paula", online=False)
    waits = []
    for _ in range(FREE_FAILURES + 8):
        reply = sign_in(api, paula.email, "not her password", 66)
        if reply.status == 429:  # waited out: the next try counts again
            waits.append(int(reply.headers["retry-after"]))
            api.clock.advance(waits[-1])
            reply = sign_in(api, paula.email, "not her password", 66)
        assert reply.status == 401

    assert waits == [30, 60, 120, 240, 480, 900, 900, 900]
    assert sign_in(api, paula.email, api.password, 7).status == 200


def test_after_the_wait_the_address_signs_in_and_its_failures_are_forgotten(api):
    paula = api.agent("Paula", online=False)
    for _ in range(FREE_FAILURES):
        sign_in(api, paula.email, "not her password", 66)

    waiting = sign_in(api, paula.email, api.password, 66)
    api.clock.advance(int(waiting.headers["retry-after"]))
    signed_in = sign_in(api, paula.email, api.password, 66)
    mistyped = [sign_in(api, paula.email, "not her password", 66) for _ in range(FREE_FAILURES)]

    assert (waiting.status, waiting.error["code"]) == (429, "too_many_failed_logins")
    assert int(waiting.headers["retry-after"]) == 30
    assert signed_in.status == 200
    assert [m.status for m in mistyped] == [401] * FREE_FAILURES


def test_an_addresss_failures_are_forgotten_an_hour_after_its_last(api):
    paula = api.agent("Paula", online=False)
    for _ in range(FREE_FAILURES):
        sign_in(api, paula.email, "not her password", 66)
    api.clock.advance(FORGET_SECONDS)

    again = [sign_in(api, paula.email, "not her password", 66) for _ in range(FREE_FAILURES)]

    assert [a.status for a in again] == [401] * FREE_FAILURES


def test_failures_with_one_account_slow_no_other_account_from_that_address(api):
    paula = api.agent("Paula", online=False)
    sven = api.agent("Sven", online=False)
    for _ in range(FREE_FAILURES):
        sign_in(api, paula.email, "not her password", 66)

    assert sign_in(api, sven.email, api.password, 66).status == 200


def test_the_break_glass_admin_is_never_locked_out(api):
    flood = [sign_in(api, ADMIN_EMAIL, "not the admin password", 66) for _ in range(50)]
    elsewhere = sign_in(api, ADMIN_EMAIL, ADMIN_PASSWORD, 7)
    api.clock.advance(int(flood[-1].headers["retry-after"]))
    same_address_later = sign_in(api, ADMIN_EMAIL, ADMIN_PASSWORD, 66)

    assert flood[-1].status == 429
    assert elsewhere.status == 200
    assert same_address_later.status == 200


def test_every_429_carries_retry_after(api):
    api.ctx.settings = dataclasses.replace(api.ctx.settings, rate_limit_per_minute=2)
    answers = [api.post("/visitors") for _ in range(3)]
    logins = [
        api.post("/auth/login", {"email": "x@uni.example", "password": "p"}) for _ in range(3)
    ]

    for refused in (answers[-1], logins[-1]):
        assert refused.status == 429
        assert int(refused.headers["retry-after"]) >= 1
