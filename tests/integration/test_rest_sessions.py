"""An agent's own sessions and password (Mein Konto): they see where they are signed in, sign out
anywhere, and change the password, which signs out everywhere else. Ended sessions stop at once:
their tokens, their socket tickets and their sockets."""

from __future__ import annotations

import pytest

from chalicelib.services import agents, sessions
from chalicelib.services.principals import SEEN_PRECISION_SECONDS, authenticate_agent
from chalicelib.services.signin import FREE_FAILURES
from tests.integration.conftest import AgentHandle

CHROME_ON_LINUX = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
FIREFOX_ON_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
)
NEW_PASSWORD = "Lindenblüte im Oktober"


def signed_in_again(api, agent: AgentHandle, user_agent: str = FIREFOX_ON_WINDOWS) -> dict:
    """The agent's second session (another device): its auth header."""
    reply = api.post(
        "/auth/login",
        {"email": agent.email, "password": api.password},
        headers={"User-Agent": user_agent},
    )
    assert reply.status == 200, reply.body
    return bearer(reply.json["token"])


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def sessions_of(api, auth: dict) -> list[dict]:
    reply = api.get("/me/sessions", auth=auth)
    assert reply.status == 200, reply.body
    return reply.json["sessions"]


def connected(api, auth: dict, connection_id: str) -> str:
    ticket = api.post("/ws-ticket", auth=auth).json["ticket"]
    assert api.ws_connect(connection_id, {"ticket": ticket})["statusCode"] == 200
    return connection_id


# ---- where am I signed in ------------------------------------------------------------------------


def test_an_agent_sees_where_they_are_signed_in_this_session_first(api):
    paula = api.agent("Paula", online=False)
    api.clock.advance(60)
    laptop = signed_in_again(api, paula, CHROME_ON_LINUX)
    api.agent("Piet", online=False)  # someone else's sessions are not listed

    listed = sessions_of(api, laptop)

    assert [(s["current"], s["user_agent"]) for s in listed] == [
        (True, CHROME_ON_LINUX),
        (False, ""),  # the first sign-in sent no User-Agent
    ]
    assert listed[0]["created_at"] == api.ctx.iso()
    assert listed[1]["created_at"] == listed[1]["last_seen_at"] == api.ctx.iso(api.clock.now() - 60)
    assert listed[1]["session_id"] == paula.token.split(".")[0]  # the id, never the secret
    assert all(paula.token.split(".")[1] not in str(s) for s in listed)


def test_a_session_id_alone_opens_nothing(api):
    paula = api.agent("Paula", online=False)
    session_id = sessions_of(api, paula.auth)[0]["session_id"]

    assert api.get("/me", auth=bearer(session_id)).status == 401
    assert api.get("/me", auth=bearer(f"{session_id}.")).status == 401
    assert api.ws_connect("ws-guess", {"token": session_id})["statusCode"] != 200


def test_a_long_user_agent_is_kept_shortened(api):
    paula = api.agent("Paula", online=False)

    auth = signed_in_again(api, paula, "Mozilla/5.0 " + "x" * 5000)

    assert len(sessions_of(api, auth)[0]["user_agent"]) == agents.USER_AGENT_CHARS


def test_last_seen_is_noted_at_most_every_five_minutes_of_requests(api):
    paula = api.agent("Paula", online=False)
    signed_in = api.ctx.iso()

    api.clock.advance(SEEN_PRECISION_SECONDS - 1)
    api.get("/me", auth=paula.auth)
    before_five_minutes = sessions_of(api, paula.auth)[0]["last_seen_at"]
    api.clock.advance(1)
    api.get("/me", auth=paula.auth)

    assert before_five_minutes == signed_in
    assert sessions_of(api, paula.auth)[0]["last_seen_at"] == api.ctx.iso()


def test_an_open_console_keeps_its_session_seen_through_its_heartbeats(api):
    paula = api.agent("Paula")
    phone = signed_in_again(api, paula)

    for _ in range(SEEN_PRECISION_SECONDS // 20 + 1):
        api.clock.advance(20)
        api.ws_send(paula.connection_id, {"action": "heartbeat"})

    listed = {s["current"]: s["last_seen_at"] for s in sessions_of(api, phone)}
    assert listed[False] > api.ctx.iso(api.clock.now() - SEEN_PRECISION_SECONDS)


# ---- signing out elsewhere -----------------------------------------------------------------------


def test_signing_out_another_session_stops_its_token_and_its_socket_at_once(api):
    paula = api.agent("Paula")
    api.agent("Sven")  # someone stays available, so the chat still reaches the queue
    laptop = signed_in_again(api, paula)
    other_id = paula.token.split(".")[0]
    api.pusher.clear()

    reply = api.delete(f"/me/sessions/{other_id}", auth=laptop)
    api.ask(api.visitor(connect=False))

    assert (reply.status, reply.body) == (204, b"")
    assert api.get("/me", auth=paula.auth).status == 401
    assert api.post("/ws-ticket", auth=paula.auth).status == 401
    assert paula.connection_id in api.pusher.disconnected
    assert api.pushed(paula) == []
    assert [s["current"] for s in sessions_of(api, laptop)] == [True]


def test_a_ticket_issued_before_its_session_ended_opens_no_socket(api):
    paula = api.agent("Paula", online=False)
    laptop = signed_in_again(api, paula)
    ticket = api.post("/ws-ticket", auth=paula.auth).json["ticket"]

    api.delete(f"/me/sessions/{paula.token.split('.')[0]}", auth=laptop)

    assert api.ws_connect("ws-late", {"ticket": ticket})["statusCode"] != 200


def test_signing_out_the_current_session_is_a_logout(api):
    paula = api.agent("Paula")
    laptop = signed_in_again(api, paula)

    reply = api.delete(f"/me/sessions/{paula.token.split('.')[0]}", auth=paula.auth)

    assert reply.status == 204
    assert api.get("/me", auth=paula.auth).status == 401
    assert paula.connection_id in api.pusher.disconnected
    assert api.get("/me", auth=laptop).status == 200


@pytest.mark.parametrize("whose", ["another agent's", "unknown", "malformed"])
def test_a_session_not_of_ones_own_is_404(api, whose):
    paula = api.agent("Paula", online=False)
    piet = api.agent("Piet", online=False)
    session_id = {
        "another agent's": piet.token.split(".")[0],
        "unknown": "ses_0123456789abcdef0123",
        "malformed": "ses%20%2F..%2F",
    }[whose]

    reply = api.delete(f"/me/sessions/{session_id}", auth=paula.auth)

    assert (reply.status, reply.error["code"]) == (404, "session_not_found")
    assert api.get("/me", auth=piet.auth).status == 200


def test_using_a_session_while_it_is_signed_out_never_brings_it_back(api, monkeypatch):
    """The request read the session, then it ended, then the request notes its use."""
    paula = api.agent("Paula", online=False)
    laptop = signed_in_again(api, paula)
    store = api.ctx.store
    touch = store.touch_session

    def ended_meanwhile(session_id: str, last_seen_at: str) -> None:
        monkeypatch.setattr(store, "touch_session", touch)
        agents.end_session(api.ctx, paula.agent_id, session_id)
        touch(session_id, last_seen_at)

    monkeypatch.setattr(store, "touch_session", ended_meanwhile)
    api.clock.advance(SEEN_PRECISION_SECONDS)
    api.get("/me", auth=paula.auth)

    assert api.get("/me", auth=paula.auth).status == 401
    assert [s["current"] for s in sessions_of(api, laptop)] == [True]


def test_a_socket_opening_while_its_session_is_signed_out_is_closed(api, monkeypatch):
    """The socket's ticket was checked, then the session ended, then the socket is stored."""
    paula = api.agent("Paula", online=False)
    api.agent("Sven")
    ticket = api.post("/ws-ticket", auth=paula.auth).json["ticket"]
    store = api.ctx.store
    add = store.add_connection

    def ended_meanwhile(connection) -> None:
        monkeypatch.setattr(store, "add_connection", add)
        agents.end_session(api.ctx, paula.agent_id, connection.session_id)
        add(connection)

    monkeypatch.setattr(store, "add_connection", ended_meanwhile)
    answer = api.ws_connect("ws-racing", {"ticket": ticket})
    api.pusher.clear()
    api.ask(api.visitor(connect=False))

    assert answer["statusCode"] != 200
    assert api.pusher.to("ws-racing") == []
    assert store.get_connection("ws-racing", api.clock.now()) is None


# ---- changing the password -----------------------------------------------------------------------


def test_a_new_password_keeps_this_session_and_signs_out_every_other(api):
    paula = api.agent("Paula")
    laptop = signed_in_again(api, paula)

    reply = api.put("/me/password", {"current": api.password, "new": NEW_PASSWORD}, auth=laptop)

    assert (reply.status, reply.body) == (204, b"")
    assert api.get("/me", auth=laptop).status == 200
    assert api.get("/me", auth=paula.auth).status == 401
    assert paula.connection_id in api.pusher.disconnected
    assert [s["current"] for s in sessions_of(api, laptop)] == [True]
    old = api.post("/auth/login", {"email": paula.email, "password": api.password})
    new = api.post("/auth/login", {"email": paula.email, "password": NEW_PASSWORD})
    assert (old.status, new.status) == (401, 200)
    assert api.get("/me", auth=bearer(new.json["token"])).status == 200


def test_a_wrong_current_password_is_400_naming_current_and_changes_nothing(api):
    paula = api.agent("Paula", online=False)
    laptop = signed_in_again(api, paula)
    before = api.snapshot()

    reply = api.put(
        "/me/password", {"current": "not my password", "new": NEW_PASSWORD}, auth=laptop
    )

    assert (reply.status, reply.error["code"]) == (400, "wrong_password")
    assert reply.error["message"].startswith("current:")
    assert api.get("/me", auth=paula.auth).status == 200
    assert {k: v for k, v in api.snapshot().items() if not k.endswith("-keys")} == {
        k: v for k, v in before.items() if not k.endswith("-keys")
    }


def test_guessing_the_current_password_counts_as_failed_sign_ins(api):
    """A stolen session cannot be used to guess the password: the account's limit applies."""
    paula = api.agent("Paula", online=False)
    guesses = [
        api.put("/me/password", {"current": f"guess {n}", "new": NEW_PASSWORD}, auth=paula.auth)
        for n in range(FREE_FAILURES)
    ]

    right = api.put("/me/password", {"current": api.password, "new": NEW_PASSWORD}, auth=paula.auth)
    login = api.post("/auth/login", {"email": paula.email, "password": api.password})

    assert [g.status for g in guesses] == [400] * FREE_FAILURES
    assert (right.status, right.error["code"]) == (429, "too_many_failed_logins")
    assert (login.status, login.error["code"]) == (429, "too_many_failed_logins")
    assert "retry-after" in right.headers


@pytest.mark.parametrize(
    "new, code, why",
    [
        ("kurz", "invalid_input", "at least 12 characters"),
        ("password1234", "weak_password", "common password"),
        ("", "invalid_input", "at least 12 characters"),
    ],
)
def test_a_weak_new_password_is_400_naming_new(api, new, code, why):
    paula = api.agent("Paula", online=False)

    reply = api.put("/me/password", {"current": api.password, "new": new}, auth=paula.auth)

    assert (reply.status, reply.error["code"]) == (400, code)
    assert reply.error["message"].startswith("new")
    assert why in reply.error["message"]
    assert api.post("/auth/login", {"email": paula.email, "password": api.password}).status == 200


def test_a_new_password_like_the_address_is_too_easy_to_guess(api):
    paula = api.agent("Paula", online=False)

    reply = api.put(
        "/me/password", {"current": api.password, "new": f"{paula.email}!"}, auth=paula.auth
    )

    assert (reply.status, reply.error["code"]) == (400, "weak_password")


@pytest.mark.parametrize(
    "body, field",
    [
        ({"new": NEW_PASSWORD}, "current"),
        ({"current": "x"}, "new"),
        ({"current": 1, "new": 2}, "current"),
    ],
)
def test_a_password_change_without_both_passwords_names_the_missing_one(api, body, field):
    paula = api.agent("Paula", online=False)

    reply = api.put("/me/password", body, auth=paula.auth)

    assert (reply.status, reply.error["code"], reply.error["field"]) == (
        400,
        "invalid_input",
        field,
    )


def test_an_account_without_a_password_has_none_to_change(api):
    agent = agents.register(api.ctx, "mia@uni.example", "Mia", None, state="active")
    token = agents.open_session(api.ctx, api.ctx.store.get_agent(agent["agent_id"]))

    reply = api.put("/me/password", {"current": "x", "new": NEW_PASSWORD}, auth=bearer(token))

    assert (reply.status, reply.error["code"]) == (409, "no_password")


def test_a_sign_in_with_the_former_password_racing_the_change_is_signed_out_too(api, monkeypatch):
    """The sign-in checked the former password; the change ends sessions before it is stored."""
    paula = api.agent("Paula", online=False)
    store = api.ctx.store
    create = store.create_session

    def changed_meanwhile(session) -> None:
        monkeypatch.setattr(store, "create_session", create)
        principal = authenticate_agent(api.ctx, paula.token)
        sessions.change_password(api.ctx, principal, api.password, NEW_PASSWORD)
        create(session)

    monkeypatch.setattr(store, "create_session", changed_meanwhile)
    raced = api.post("/auth/login", {"email": paula.email, "password": api.password})

    assert raced.status == 200  # it had checked the password then valid
    late = bearer(raced.json["token"])
    assert api.get("/me", auth=late).status == 401
    assert api.post("/ws-ticket", auth=late).status == 401
    assert api.ws_connect("ws-late", {"token": raced.json["token"]})["statusCode"] != 200
    assert api.get("/me", auth=paula.auth).status == 200
    assert [s["current"] for s in sessions_of(api, paula.auth)] == [True]


def test_of_two_password_changes_at_once_one_wins_the_other_is_told(api, monkeypatch):
    paula = api.agent("Paula", online=False)
    laptop = signed_in_again(api, paula)
    store = api.ctx.store
    change = store.change_password

    def other_first(*args, **kwargs):
        monkeypatch.setattr(store, "change_password", change)
        principal = authenticate_agent(api.ctx, laptop["Authorization"][7:])
        sessions.change_password(api.ctx, principal, api.password, "Kastanien im Novembernebel")
        return change(*args, **kwargs)

    monkeypatch.setattr(store, "change_password", other_first)
    lost = api.put("/me/password", {"current": api.password, "new": NEW_PASSWORD}, auth=paula.auth)

    assert (lost.status, lost.error["code"]) == (409, "password_changed")
    assert api.get("/me", auth=laptop).status == 200
    assert api.get("/me", auth=paula.auth).status == 401
    won = {"email": paula.email, "password": "Kastanien im Novembernebel"}
    assert api.post("/auth/login", won).status == 200


def test_an_institutional_sign_in_remembers_its_browser_too(sso_api):
    from tests.integration.test_rest_sso import BINDING, approved, handover_code

    approved(sso_api, "mia", "mia@uni.example")
    code = handover_code(sso_api, "mia")["sso_code"]

    signed_in = sso_api.post(
        "/auth/sso/exchange",
        {"code": code, "browser_binding": BINDING},
        headers={"User-Agent": CHROME_ON_LINUX},
    )

    listed = sessions_of(sso_api, bearer(signed_in.json["token"]))
    assert [(s["current"], s["user_agent"]) for s in listed] == [(True, CHROME_ON_LINUX)]


def test_the_current_session_is_listed_before_the_index_has_it(api, monkeypatch):
    paula = api.agent("Paula", online=False)
    store = api.ctx.store
    monkeypatch.setattr(store, "sessions_of", lambda agent_id, now: [])

    assert [s["current"] for s in sessions_of(api, paula.auth)] == [True]
