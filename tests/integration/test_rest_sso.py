"""Institutional sign-in through the REST API (Chalice test client and moto), against the real
test provider: the handover code works once, in the browser that started the sign-in, races have
one winner, bad input is refused; an identity is linked to an account only with a confirmed
address, to an admin only after the admin confirms it."""

from __future__ import annotations

import threading
from urllib.parse import parse_qs, urlsplit

from tests.accounts import store_active_agent
from tests.integration.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, sign_in_at_provider

# What the console keeps in its session storage while the provider's pages are open.
BINDING = "this-browsers-binding-0123456789abcdef"


def fragment_of(reply) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(reply.headers["location"]).fragment).items()}


def handover_code(api, login: str, binding: str = BINDING) -> dict[str, str]:
    started = api.post("/auth/sso/start", {"browser_binding": binding})
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
    reply = api.post("/auth/sso/start", {"browser_binding": BINDING})
    assert reply.status == 404 and reply.json["error"]["code"] == "sso_not_configured"


def test_a_first_sign_in_leaves_a_pending_registration_with_the_token_claims(sso_api):
    assert handover_code(sso_api, "mia") == {"sso_error": "account_pending"}
    pending = sso_api.get("/admin/agents?state=pending", auth=sso_api.admin.auth).json["agents"]
    (mia,) = [a for a in pending if a["email"] == "mia@uni.example"]
    assert mia["name"] == "Mia Meyer"
    # No password was set: a password sign-in cannot reach the account.
    reply = sso_api.post("/auth/login", {"email": "mia@uni.example", "password": "x" * 12})
    assert reply.status == 401


def test_a_first_sign_in_tells_the_admins_that_a_registration_waits(sso_api):
    handover_code(sso_api, "mia")

    (mail,) = sso_api.mails_to(sso_api.admin.email)
    assert "/console/#admin/registrations" in mail.get_content()


def exchange(api, code: str, binding: str = BINDING):
    return api.post("/auth/sso/exchange", {"code": code, "browser_binding": binding})


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
    signed_in = exchange(sso_api, code)
    assert signed_in.status == 200
    assert signed_in.json["agent"]["agent_id"] == agent_id
    assert "/session/end?" in signed_in.json["end_session_url"]
    me = sso_api.get("/me", auth={"Authorization": f"Bearer {signed_in.json['token']}"})
    assert me.status == 200
    again = exchange(sso_api, code)
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
            sso.exchange(sso_api.ctx, code, BINDING)
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
    reply = exchange(sso_api, code)
    assert reply.status == 401 and reply.json["error"]["code"] == "sso_code_invalid"


def test_a_callback_without_a_started_sign_in_goes_back_with_an_error(sso_api):
    reply = sso_api.get("/auth/sso/callback?state=nobody-started-this&code=abc")
    assert reply.status == 302 and fragment_of(reply) == {"sso_error": "sso_state_invalid"}


def test_an_exchange_without_a_code_names_the_field(sso_api):
    reply = sso_api.post("/auth/sso/exchange", {"browser_binding": BINDING})
    assert reply.status == 400 and "code" in reply.json["error"]["message"]


def test_a_provider_whose_issuer_differs_from_the_configured_one_is_refused(sso_api):
    import dataclasses

    settings = sso_api.ctx.settings
    elsewhere = settings.sso_issuer.replace("127.0.0.1", "localhost")
    sso_api.ctx.settings = dataclasses.replace(settings, sso_issuer=elsewhere)
    reply = sso_api.post("/auth/sso/start", {"browser_binding": BINDING})
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


# ---- the handover belongs to the browser that started the sign-in ----------------------------


def test_a_sign_in_cannot_start_without_the_browsers_binding(sso_api):
    reply = sso_api.post("/auth/sso/start")
    assert reply.status == 400 and "browser_binding" in reply.json["error"]["message"]


def test_a_handover_code_taken_to_another_browser_is_refused(sso_api):
    """Login CSRF: someone signs in in their own browser and slips the callback (or the code)
    to another; that browser holds another binding, and the code is spent."""
    approved(sso_api, "mia", "mia@uni.example")
    code = handover_code(sso_api, "mia", binding="the-attackers-own-binding-0123456789")["sso_code"]
    elsewhere = exchange(sso_api, code, binding=BINDING)
    assert elsewhere.status == 401 and elsewhere.error["code"] == "sso_browser_mismatch"
    again = exchange(sso_api, code, binding="the-attackers-own-binding-0123456789")
    assert again.status == 401 and again.error["code"] == "sso_code_invalid"


def test_an_exchange_without_the_binding_names_the_field(sso_api):
    approved(sso_api, "mia", "mia@uni.example")
    code = handover_code(sso_api, "mia")["sso_code"]
    reply = sso_api.post("/auth/sso/exchange", {"code": code})
    assert reply.status == 400 and "browser_binding" in reply.error["message"]


# ---- which accounts an identity is linked to ----------------------------------------------------


def active_agent(api, email: str, name: str = "Agent", role: str = "agent") -> str:
    return store_active_agent(
        api.ctx, email, name, api.password, ("sales",), role=role, available=False, status="offline"
    )


def signed_in_as(api, login: str) -> dict:
    """The agent a sign-in at the provider as `login` opens a session of."""
    fragment = handover_code(api, login)
    assert "sso_code" in fragment, fragment
    reply = exchange(api, fragment["sso_code"])
    assert reply.status == 200, reply.body
    return reply.json["agent"]


def admin_id(api) -> str:
    return api.admin.agent_id


def sso_configured(api, **changes) -> None:
    import dataclasses

    api.ctx.settings = dataclasses.replace(api.ctx.settings, **changes)


def test_an_identity_with_a_confirmed_address_is_linked_to_the_active_agent(sso_api):
    agent_id = active_agent(sso_api, "vera@uni.example")
    assert signed_in_as(sso_api, "vera")["agent_id"] == agent_id
    assert signed_in_as(sso_api, "vera")["agent_id"] == agent_id  # linked: again by `sub`


def test_an_identity_whose_address_is_not_confirmed_is_not_linked_and_signs_in_as_nobody(sso_api):
    agent_id = active_agent(sso_api, "nina@uni.example")
    assert handover_code(sso_api, "nina") == {"sso_error": "sso_email_unverified"}
    assert store_links(sso_api, agent_id) == []
    # Nothing was registered either.
    pending = sso_api.get("/admin/agents?state=pending", auth=sso_api.admin.auth).json["agents"]
    assert [a for a in pending if a["email"] == "nina@uni.example"] == []


def test_an_identity_without_an_email_verified_claim_is_not_linked(sso_api):
    agent_id = active_agent(sso_api, "abel@uni.example")
    assert handover_code(sso_api, "abel") == {"sso_error": "sso_email_unverified"}
    assert store_links(sso_api, agent_id) == []


def test_an_identity_with_the_admins_address_unconfirmed_does_not_become_the_admin(sso_api):
    for login in ("mallory-absent", "mallory-false"):
        assert handover_code(sso_api, login) == {"sso_error": "sso_email_unverified"}
    assert store_links(sso_api, admin_id(sso_api)) == []
    identities = sso_api.get("/me/identities", auth=sso_api.admin.auth)
    assert identities.status == 200 and identities.json == {"identities": []}


def test_a_domain_listed_as_verified_stands_in_for_a_missing_claim(sso_api):
    sso_configured(sso_api, sso_verified_domains=("uni.example",))
    agent_id = active_agent(sso_api, "abel@uni.example")
    assert signed_in_as(sso_api, "abel")["agent_id"] == agent_id
    # An explicit "not confirmed" still counts.
    active_agent(sso_api, "nina@uni.example")
    assert handover_code(sso_api, "nina") == {"sso_error": "sso_email_unverified"}


def test_a_disabled_account_with_the_address_is_refused_and_not_linked(sso_api):
    agent_id = active_agent(sso_api, "vera@uni.example")
    sso_api.post(f"/admin/agents/{agent_id}/disable", auth=sso_api.admin.auth)
    assert handover_code(sso_api, "vera") == {"sso_error": "account_disabled"}
    assert store_links(sso_api, agent_id) == []


def store_links(api, agent_id: str) -> list:
    return api.ctx.store.identity_links(agent_id, api.ctx.now())


# ---- an admin confirms a link in the console -----------------------------------------------------


def test_the_admins_own_identity_is_linked_only_after_the_admin_confirms_it(sso_api):
    admin = sso_api.admin
    assert handover_code(sso_api, "admin-idp") == {"sso_error": "sso_link_unconfirmed"}
    (request,) = sso_api.get("/me/identities", auth=admin.auth).json["identities"]
    assert request["state"] == "requested"
    assert request["email"] == ADMIN_EMAIL and request["subject"] == "admin-idp"
    # Asking again changes nothing until the admin confirms.
    assert handover_code(sso_api, "admin-idp") == {"sso_error": "sso_link_unconfirmed"}

    confirmed = sso_api.post(f"/me/identities/{request['identity_id']}/confirm", auth=admin.auth)
    assert confirmed.status == 200 and confirmed.json["state"] == "linked"
    assert signed_in_as(sso_api, "admin-idp")["agent_id"] == admin.agent_id


def test_a_link_request_lasts_a_day(sso_api, clock):
    handover_code(sso_api, "admin-idp")
    (request,) = sso_api.get("/me/identities", auth=sso_api.admin.auth).json["identities"]
    clock.advance(24 * 3600 + 1)
    login = sso_api.post("/auth/login", {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
    admin = {"Authorization": f"Bearer {login.json['token']}"}  # the first session has ended
    assert sso_api.get("/me/identities", auth=admin).json["identities"] == []
    late = sso_api.post(f"/me/identities/{request['identity_id']}/confirm", auth=admin)
    assert late.status == 404 and late.error["code"] == "identity_not_found"


def test_only_the_account_itself_confirms_or_undoes_its_links(sso_api):
    handover_code(sso_api, "admin-idp")
    (request,) = sso_api.get("/me/identities", auth=sso_api.admin.auth).json["identities"]
    other = sso_api.agent("Otto", online=False)
    path = f"/me/identities/{request['identity_id']}"
    assert sso_api.post(f"{path}/confirm", auth=other.auth).status == 404
    assert sso_api.delete(path, auth=other.auth).status == 404
    assert sso_api.get("/me/identities", auth=other.auth).json == {"identities": []}
    assert sso_api.post(f"{path}/confirm").status == 401


def test_undoing_a_link_ends_sign_in_with_that_identity(sso_api):
    admin = sso_api.admin
    handover_code(sso_api, "admin-idp")
    (request,) = sso_api.get("/me/identities", auth=admin.auth).json["identities"]
    sso_api.post(f"/me/identities/{request['identity_id']}/confirm", auth=admin.auth)
    undone = sso_api.delete(f"/me/identities/{request['identity_id']}", auth=admin.auth)
    assert undone.status == 204
    assert sso_api.get("/me/identities", auth=admin.auth).json == {"identities": []}
    assert handover_code(sso_api, "admin-idp") == {"sso_error": "sso_link_unconfirmed"}
    gone = sso_api.delete("/me/identities/idn_unknown", auth=admin.auth)
    assert gone.status == 404 and gone.error["code"] == "identity_not_found"


def test_an_agents_identity_is_listed_under_their_account(sso_api):
    agent_id = active_agent(sso_api, "vera@uni.example")
    token = exchange(sso_api, handover_code(sso_api, "vera")["sso_code"]).json["token"]
    listed = sso_api.get("/me/identities", auth={"Authorization": f"Bearer {token}"}).json
    (identity,) = listed["identities"]
    assert identity["state"] == "linked" and identity["subject"] == "vera"
    assert store_links(sso_api, agent_id)[0].identity_id == identity["identity_id"]


# ---- a registration that waits is not an account to link ----------------------------------------


def test_a_pending_password_registration_is_replaced_by_the_institutional_one(sso_api):
    registered = sso_api.post(
        "/auth/register",
        {"email": "paul@uni.example", "name": "Someone Else", "password": "a long password 17"},
    )
    assert registered.status == 202
    assert handover_code(sso_api, "paul") == {"sso_error": "account_pending"}
    pending = sso_api.get("/admin/agents?state=pending", auth=sso_api.admin.auth).json["agents"]
    (paul,) = [a for a in pending if a["email"] == "paul@uni.example"]
    assert paul["name"] == "Paul Provider"
    # The other registration's password is gone: once approved, it does not sign in.
    sso_api.post(
        f"/admin/agents/{paul['agent_id']}/approve",
        {"role": "agent", "departments": ["sales"]},
        auth=sso_api.admin.auth,
    )
    login = sso_api.post(
        "/auth/login", {"email": "paul@uni.example", "password": "a long password 17"}
    )
    assert login.status == 401
    assert signed_in_as(sso_api, "paul")["agent_id"] == paul["agent_id"]


def test_an_unconfirmed_address_does_not_take_over_a_pending_registration(sso_api):
    sso_api.post(
        "/auth/register",
        {"email": "nina@uni.example", "name": "Nina Password", "password": "a long password 17"},
    )
    token = sso_api.emailed_token("nina@uni.example")
    assert sso_api.post("/auth/verify-email", {"token": token}).status == 200
    assert handover_code(sso_api, "nina") == {"sso_error": "sso_email_unverified"}
    pending = sso_api.get("/admin/agents?state=pending", auth=sso_api.admin.auth).json["agents"]
    (nina,) = [a for a in pending if a["email"] == "nina@uni.example"]
    assert nina["name"] == "Nina Password"


def test_two_first_sign_ins_of_one_identity_at_once_leave_one_registration(sso_api):
    from urllib.parse import parse_qs as parse

    from chalicelib.services import sso

    callbacks = []
    for _ in range(2):
        started = sso_api.post("/auth/sso/start", {"browser_binding": BINDING})
        callback = sign_in_at_provider(started.json["authorization_url"], "paul")
        callbacks.append({k: v[0] for k, v in parse(urlsplit(callback).query).items()})
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def finish(query: dict) -> None:
        barrier.wait()
        target = sso.finish(sso_api.ctx, query["state"], query["code"], None)
        outcomes.append(parse(urlsplit(target).fragment)["sso_error"][0])

    threads = [threading.Thread(target=finish, args=(query,)) for query in callbacks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes == ["account_pending", "account_pending"]
    pending = sso_api.get("/admin/agents?state=pending", auth=sso_api.admin.auth).json["agents"]
    (paul,) = [a for a in pending if a["email"] == "paul@uni.example"]
    (link,) = store_links(sso_api, paul["agent_id"])
    assert link.subject == "paul" and link.state == "linked"
