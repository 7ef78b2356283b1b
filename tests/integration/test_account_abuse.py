"""Accounts resist abuse: passwords must be hard to guess, registration tells nobody whether an
address has an account, and one account's password cannot be guessed from many addresses."""

from __future__ import annotations

import dataclasses

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


# ---- registration proves the address ------------------------------------------------------------


def register(api, email: str, password: str | None = None, name: str = "Ada"):
    return api.post(
        "/auth/register", {"email": email, "name": name, "password": password or api.password}
    )


def verify(api, token: str):
    return api.post("/auth/verify-email", {"token": token})


def sign_in(api, email: str, password: str | None = None):
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

    right = sign_in(api, "ada@uni.example")
    wrong = sign_in(api, "ada@uni.example", "not her password")

    assert (right.status, right.error["code"]) == (403, "account_unverified")
    assert (wrong.status, wrong.error["code"]) == (401, "invalid_credentials")


def test_an_unverified_registration_vanishes_after_24_hours(api):
    register(api, "ada@uni.example", name="Mallory")
    stale = api.emailed_token("ada@uni.example")
    api.clock.advance(hours=24)

    late = verify(api, stale)
    signing_in = sign_in(api, "ada@uni.example")
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

    mallory = sign_in(api, "ada@uni.example", "Mallory's own password")
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
    assert sign_in(api, "ada@uni.example", "Mallory's own password").status == 401


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
