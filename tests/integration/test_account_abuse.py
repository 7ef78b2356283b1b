"""Accounts resist abuse: passwords must be hard to guess, registration tells nobody whether an
address has an account, and an address that guesses an account's password is slowed down while
its owner, elsewhere, signs in."""

from __future__ import annotations

import dataclasses

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


def test_registering_a_taken_address_answers_the_same_and_mails_its_owner(api):
    paula = api.agent("Paula", online=False)
    fresh = api.post(
        "/auth/register", {"email": "neu@uni.example", "name": "Neu", "password": api.password}
    )
    taken = api.post(
        "/auth/register",
        {"email": paula.email.upper(), "name": "Someone", "password": api.password},
    )

    assert (fresh.status, fresh.json) == (taken.status, taken.json) == (202, {"state": "pending"})
    [note] = api.mails_to(paula.email)
    assert "#verify=" not in note.get_content()
    assert len(api.mails_to("neu@uni.example")) == 1
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


# ---- registration proves the address ------------------------------------------------------------


def register(api, email: str, password: str | None = None, name: str = "Ada"):
    return api.post(
        "/auth/register", {"email": email, "name": name, "password": password or api.password}
    )


def verify(api, token: str):
    return api.post("/auth/verify-email", {"token": token})


def sign_in_here(api, email: str, password: str | None = None):
    return api.post("/auth/login", {"email": email, "password": password or api.password})


def pending(api) -> list[tuple[str, str]]:
    agents = api.get("/admin/agents?state=pending", auth=api.admin.auth).json["agents"]
    return [(a["email"], a["name"]) for a in agents]


def test_a_registration_reaches_the_admins_only_after_its_owner_opens_the_emailed_link(api):
    registered = register(api, "ada@uni.example")
    unseen = pending(api)
    [mail] = api.mails_to("ada@uni.example")
    token = api.emailed_token("ada@uni.example")

    verified = verify(api, token)

    assert (registered.status, registered.json) == (202, {"state": "pending"})
    assert unseen == []
    assert f"{api.ctx.settings.public_origin}/console/#verify={token}" in mail.get_content()
    assert (verified.status, verified.json) == (200, {"state": "pending"})
    assert pending(api) == [("ada@uni.example", "Ada")]


def test_the_emailed_link_works_once_and_a_wrong_or_malformed_one_not_at_all(api):
    register(api, "ada@uni.example")
    token = api.emailed_token("ada@uni.example")
    agent_id, secret = token.split(".")

    answers = [
        verify(api, f"{agent_id}.{secret[::-1]}"),
        verify(api, "no token at all"),
        verify(api, token),
        verify(api, token),
    ]

    assert [a.status for a in answers] == [400, 400, 200, 400]
    assert {answers[i].error["code"] for i in (0, 1, 3)} == {"invalid_token"}
    assert answers[0].error["message"].startswith("token")


def test_an_unverified_registration_cannot_sign_in_and_a_wrong_password_still_is_401(api):
    register(api, "ada@uni.example")

    right = sign_in_here(api, "ada@uni.example")
    wrong = sign_in_here(api, "ada@uni.example", "not her password")

    assert (right.status, right.error["code"]) == (403, "account_unverified")
    assert (wrong.status, wrong.error["code"]) == (401, "invalid_credentials")


def test_an_unverified_registration_vanishes_after_24_hours(api):
    register(api, "ada@uni.example", name="Mallory")
    stale = api.emailed_token("ada@uni.example")
    api.clock.advance(hours=24)

    late = verify(api, stale)
    signing_in = sign_in_here(api, "ada@uni.example")
    again = register(api, "ada@uni.example", name="Ada")
    verified = verify(api, api.emailed_token("ada@uni.example"))

    assert (late.status, late.error["code"]) == (400, "invalid_token")
    assert (signing_in.status, signing_in.error["code"]) == (401, "invalid_credentials")
    assert (again.status, verified.status) == (202, 200)
    assert pending(api) == [("ada@uni.example", "Ada")]


def test_registering_an_unverified_address_again_replaces_the_first_with_its_password(api):
    register(api, "ada@uni.example", password="Mallory's own password", name="Mallory")
    first = api.emailed_token("ada@uni.example")
    api.clock.advance(1)
    register(api, "ada@uni.example", name="Ada")
    second = api.emailed_token("ada@uni.example")

    mallory = sign_in_here(api, "ada@uni.example", "Mallory's own password")
    old_link = verify(api, first)
    new_link = verify(api, second)

    assert (mallory.status, mallory.error["code"]) == (401, "invalid_credentials")
    assert (old_link.status, old_link.error["code"]) == (400, "invalid_token")
    assert new_link.status == 200
    assert pending(api) == [("ada@uni.example", "Ada")]


def test_a_confirmed_registration_is_not_replaced_and_its_owner_gets_a_note(api):
    register(api, "ada@uni.example", name="Ada")
    verify(api, api.emailed_token("ada@uni.example"))
    api.clock.advance(1)

    again = register(api, "ada@uni.example", password="Mallory's own password", name="Mallory")

    assert again.status == 202
    assert pending(api) == [("ada@uni.example", "Ada")]
    assert "#verify=" not in api.mails_to("ada@uni.example")[-1].get_content()
    assert sign_in_here(api, "ada@uni.example", "Mallory's own password").status == 401


def test_the_owner_of_an_account_hears_of_registrations_of_it_at_most_once_an_hour(api):
    paula = api.agent("Paula", online=False)

    for _ in range(5):
        assert register(api, paula.email).status == 202
        api.clock.advance(minutes=11)
    in_the_first_hour = len(api.mails_to(paula.email))
    api.clock.advance(minutes=5)
    register(api, paula.email)

    assert in_the_first_hour == 1
    assert len(api.mails_to(paula.email)) == 2


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
