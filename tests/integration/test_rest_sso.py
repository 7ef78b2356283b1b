"""Institutional sign-in through the REST API (Chalice test client and moto), against the real
test provider: the handover code works once, races have one winner, bad input is refused."""

from __future__ import annotations

import threading
from urllib.parse import parse_qs, urlsplit

from tests.integration.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, sign_in_at_provider


def fragment_of(reply) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(reply.headers["location"]).fragment).items()}


def handover_code(api, login: str) -> dict[str, str]:
    started = api.post("/auth/sso/start")
    assert started.status == 200, started.body
    callback = sign_in_at_provider(started.json["authorization_url"], login)
    reply = api.get(callback)
    assert reply.status == 302
    assert reply.headers["location"].startswith("http://testserver/console/#")
    return fragment_of(reply)


def test_the_config_says_whether_institutional_sign_in_is_offered(api, sso_api):
    assert api.get("/config").json["sso"] is True


def test_without_a_provider_the_sign_in_cannot_start(api):
    assert api.get("/config").json["sso"] is False
    reply = api.post("/auth/sso/start")
    assert reply.status == 404 and reply.json["error"]["code"] == "sso_not_configured"


def test_a_first_sign_in_leaves_a_pending_registration_with_the_token_claims(sso_api):
    assert handover_code(sso_api, "mia") == {"sso_error": "account_pending"}
    pending = sso_api.get("/admin/agents?state=pending", auth=sso_api.admin.auth).json["agents"]
    (mia,) = [a for a in pending if a["email"] == "mia@uni.example"]
    assert mia["name"] == "Mia Meyer"
    # No password was set: a password sign-in cannot reach the account.
    reply = sso_api.post("/auth/login", {"email": "mia@uni.example", "password": "x" * 12})
    assert reply.status == 401


def approved(api, login: str, email: str) -> str:
    handover_code(api, login)
    pending = api.get("/admin/agents?state=pending", auth=api.admin.auth).json["agents"]
    (agent,) = [a for a in pending if a["email"] == email]
    reply = api.post(
        f"/admin/agents/{agent['agent_id']}/approve",
        {"role": "agent", "departments": ["sales"]},
        auth=api.admin.auth,
    )
    assert reply.status == 200
    return agent["agent_id"]


def test_the_handover_code_gives_one_session_once(sso_api):
    agent_id = approved(sso_api, "mia", "mia@uni.example")
    code = handover_code(sso_api, "mia")["sso_code"]
    signed_in = sso_api.post("/auth/sso/exchange", {"code": code})
    assert signed_in.status == 200
    assert signed_in.json["agent"]["agent_id"] == agent_id
    assert "/session/end?" in signed_in.json["end_session_url"]
    me = sso_api.get("/me", auth={"Authorization": f"Bearer {signed_in.json['token']}"})
    assert me.status == 200
    again = sso_api.post("/auth/sso/exchange", {"code": code})
    assert again.status == 401 and again.json["error"]["code"] == "sso_code_invalid"


def test_two_exchanges_of_one_code_at_once_give_one_session(sso_api):
    approved(sso_api, "ute", "ute.sso@uni.example")
    code = handover_code(sso_api, "ute")["sso_code"]
    from chalicelib.services import sso

    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def exchange() -> None:
        barrier.wait()
        try:
            sso.exchange(sso_api.ctx, code)
            outcomes.append("session")
        except Exception as exc:  # noqa: BLE001 - the loser's refusal is the point
            outcomes.append(getattr(exc, "code", repr(exc)))

    threads = [threading.Thread(target=exchange) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["session", "sso_code_invalid"]


def test_a_handover_code_past_its_two_minutes_is_refused(sso_api, clock):
    approved(sso_api, "mia", "mia@uni.example")
    code = handover_code(sso_api, "mia")["sso_code"]
    clock.advance(121)
    reply = sso_api.post("/auth/sso/exchange", {"code": code})
    assert reply.status == 401 and reply.json["error"]["code"] == "sso_code_invalid"


def test_a_callback_without_a_started_sign_in_goes_back_with_an_error(sso_api):
    reply = sso_api.get("/auth/sso/callback?state=nobody-started-this&code=abc")
    assert reply.status == 302 and fragment_of(reply) == {"sso_error": "sso_state_invalid"}


def test_an_exchange_without_a_code_names_the_field(sso_api):
    reply = sso_api.post("/auth/sso/exchange", {})
    assert reply.status == 400 and "code" in reply.json["error"]["message"]


def test_a_provider_whose_issuer_differs_from_the_configured_one_is_refused(sso_api):
    import dataclasses

    settings = sso_api.ctx.settings
    elsewhere = settings.sso_issuer.replace("127.0.0.1", "localhost")
    sso_api.ctx.settings = dataclasses.replace(settings, sso_issuer=elsewhere)
    reply = sso_api.post("/auth/sso/start")
    assert reply.status == 401 and reply.json["error"]["code"] == "sso_issuer_mismatch"


def test_with_password_sign_in_switched_off_only_admins_use_passwords(sso_api):
    import dataclasses

    agent = sso_api.agent("Paula", ("sales",), online=False)
    sso_api.ctx.settings = dataclasses.replace(sso_api.ctx.settings, password_login=False)
    reply = sso_api.post("/auth/login", {"email": agent.email, "password": sso_api.password})
    assert reply.status == 403 and reply.json["error"]["code"] == "password_login_disabled"
    registration = sso_api.post(
        "/auth/register", {"email": "neu@uni.example", "name": "Neu", "password": "x" * 12}
    )
    assert registration.status == 403
    admin = sso_api.post("/auth/login", {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
    assert admin.status == 200
    assert sso_api.get("/config").json["password_login"] is False
