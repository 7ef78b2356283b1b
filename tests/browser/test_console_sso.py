"""Institutional sign-in in the console, against a real OpenID provider (npm's `oidc-provider`,
devserver/oidc_provider.mjs) and the real local stack, driven through Chromium: the first
sign-in registers, the admin approves, the next sign-in opens the console; forged, replayed,
mis-addressed, expired and out-of-domain answers are refused; the admin's own identity is
linked only once the admin confirms it under Mein Konto; a handover from elsewhere never
replaces a console's session."""

from __future__ import annotations

import re
import socket
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from playwright.sync_api import expect

from devserver.oidc import oidc_provider, redirect_uris_for
from devserver.testing import devserver_process
from tests.browser.console_support import Console
from tests.browser.support import axe_violations
from tests.local.support import Stack

ALLOWED_DOMAIN = "uni.example"
ADMIN_EMAIL = "chefin@uni.example"
ACCOUNTS = [
    {"sub": "admin-idp", "email": ADMIN_EMAIL, "name": "Chefin am Hochschul-Login"},
    {"sub": "ada", "email": "ada@uni.example", "name": "Ada Lovelace"},
    {"sub": "grace", "email": "grace@uni.example", "name": "Grace Hopper"},
    {"sub": "hedy", "email": "hedy@uni.example", "name": "Hedy Lamarr"},
    {"sub": "alan", "email": "alan@uni.example", "name": "Alan Turing"},
    {"sub": "disabled", "email": "dora@uni.example", "name": "Dora Disabled"},
    {"sub": "outsider", "email": "olli@mail.example", "name": "Olli Outsider"},
    {
        "sub": "other-audience",
        "email": "aud@uni.example",
        "name": "Aud",
        "tamper": {"claims": {"aud": "another-client"}},
    },
    {
        "sub": "other-issuer",
        "email": "iss@uni.example",
        "name": "Iss",
        "tamper": {"claims": {"iss": "http://127.0.0.1:9/another-issuer"}},
    },
    {"sub": "expired", "email": "exp@uni.example", "name": "Exp", "tamper": {"expired": True}},
]
EMAIL_OF = {account["sub"]: account["email"] for account in ACCOUNTS}
BINDING = {"browser_binding": "a-test-browsers-binding-0123456789"}
SSO_BUTTON = "Mit Hochschul-Login anmelden"
REFUSED = "Der Hochschul-Login hat die Anmeldung nicht bestätigt"
STALE = "Die Anmeldung war abgelaufen oder wurde schon verwendet"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def sso_stack(widget_built):
    """The stack with institutional sign-in against the test provider (email domain
    uni.example only); the provider must know the app's callback, so the port comes first."""
    port = free_port()
    console_urls = [f"http://127.0.0.1:{port}/console/"]
    with (
        oidc_provider(redirect_uris_for(port), ACCOUNTS, console_urls) as provider,
        devserver_process(
            port=port,
            pool_size=3,
            admin_email=ADMIN_EMAIL,
            extra_env=provider.env(ALLOWED_DOMAIN),
        ) as urls,
    ):
        yield Stack.signed_in(urls)


@pytest.fixture
def sso_console(browser, sso_stack):
    opened = []

    def open_console() -> Console:
        # The console's service worker sees every request of its page, and requests that pass
        # through a service worker escape `page.route`: these tests stop the console's exchange.
        context = browser.new_context(
            viewport={"width": 1280, "height": 800}, locale="de-DE", service_workers="block"
        )
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        console = Console(context, page, sso_stack, "de")
        opened.append(console)
        return console

    yield open_console
    for console in opened:
        errors = console.page.errors
        console.context.close()
        assert errors == [], errors


def at_provider_sign_in_as(console: Console, login: str) -> None:
    """Press the console's button, then sign in on the provider's page (any password). Each
    browser context signs in at the provider once (it keeps a session there)."""
    console.open()
    console.page.get_by_role("button", name=SSO_BUTTON).click()
    console.page.locator('input[name="login"]').fill(login)
    console.page.locator('input[name="password"]').fill("irrelevant")
    console.page.get_by_role("button", name="Sign-in").click()


def refusal(console: Console):
    return console.page.locator("#auth-error")


def pending_agent(stack: Stack, email: str) -> dict | None:
    answer = stack.api.call("GET", "/admin/agents?state=pending", token=stack.admin_token)
    return next((a for a in answer.json()["agents"] if a["email"] == email), None)


def approve(stack: Stack, agent_id: str, departments: list[str]) -> None:
    stack.api.call(
        "POST",
        f"/admin/agents/{agent_id}/approve",
        {"role": "agent", "departments": departments},
        token=stack.admin_token,
        expect=200,
    )


def approved_by_institution(stack: Stack, console: Console, login: str, email: str) -> None:
    """First sign-in (pending), then approval by the admin."""
    at_provider_sign_in_as(console, login)
    expect(console.page.locator(".pending-badge")).to_be_visible()
    approve(stack, pending_agent(stack, email)["agent_id"], [stack.new_department()])


def test_the_sign_in_screen_offers_the_institutions_login_in_both_languages(sso_console):
    console = sso_console().open()
    expect(console.page.get_by_role("button", name=SSO_BUTTON)).to_be_visible()
    assert axe_violations(console.page) == [], "sign-in with the institution's login (de)"
    console.page.locator(".language-switch").click()
    expect(console.page.get_by_role("button", name="Sign in with your institution")).to_be_visible()
    assert axe_violations(console.page) == [], "sign-in with the institution's login (en)"


def test_a_first_sign_in_registers_the_person_and_after_approval_the_next_one_opens_the_console(
    sso_console, sso_stack
):
    console = sso_console()
    at_provider_sign_in_as(console, "ada")
    expect(console.page.locator(".pending-badge")).to_be_visible()
    registration = pending_agent(sso_stack, "ada@uni.example")
    assert registration["name"] == "Ada Lovelace"

    department = sso_stack.new_department()
    approve(sso_stack, registration["agent_id"], [department])
    outbox = httpx.get(
        sso_stack.urls.outbox_url, headers={"Accept": "application/json"}, timeout=10
    ).json()["messages"]
    assert any("ada@uni.example" in mail["to"] for mail in outbox)

    console = sso_console()
    at_provider_sign_in_as(console, "ada")
    expect(console.page.locator("#livechat-toggle")).to_be_visible()
    expect(console.page.locator(".profile-name")).to_have_text("Ada Lovelace")
    assert "sso_code" not in console.page.url and "token" not in console.page.url
    token = console.page.evaluate("localStorage.getItem('livechat-console:token')")
    sso_stack.api.call("GET", "/me", token=token, expect=200)

    # Signing out ends the chat session and offers the provider's sign-out page.
    console.page.locator(".profile-button").click()
    console.page.locator("#sign-out").click()
    provider_sign_out = console.page.get_by_role("link", name="Auch beim Hochschul-Login abmelden")
    expect(provider_sign_out).to_have_attribute("href", re.compile(r"/session/end\?"))
    sso_stack.api.call("GET", "/me", token=token, expect=401)


def test_a_disabled_agent_cannot_sign_in_through_the_institution(sso_console, sso_stack):
    console = sso_console()
    at_provider_sign_in_as(console, "disabled")
    expect(console.page.locator(".pending-badge")).to_be_visible()
    agent_id = pending_agent(sso_stack, "dora@uni.example")["agent_id"]
    sso_stack.api.call(
        "POST", f"/admin/agents/{agent_id}/disable", token=sso_stack.admin_token, expect=200
    )
    console = sso_console()
    at_provider_sign_in_as(console, "disabled")
    expect(refusal(console)).to_have_attribute("data-code", "account_disabled")
    expect(console.page.locator("#livechat-toggle")).to_have_count(0)


def with_query(url: str, **changes: str) -> str:
    query = parse_qs(urlsplit(url).query)
    query.update({name: [value] for name, value in changes.items()})
    return url.split("?")[0] + "?" + urlencode(query, doseq=True)


def test_a_forged_state_is_refused(sso_console):
    """The state the provider sends back is not the one this sign-in started with."""
    console = sso_console()
    console.page.route(
        "**/auth?*",  # the provider's authorization endpoint
        lambda route: route.continue_(url=with_query(route.request.url, state="forged-state")),
    )
    at_provider_sign_in_as(console, "grace")
    expect(refusal(console)).to_have_attribute("data-code", "sso_state_invalid")
    expect(refusal(console)).to_contain_text(STALE)


def test_a_replayed_callback_and_a_replayed_code_are_refused(sso_console, sso_stack):
    approved_by_institution(sso_stack, sso_console(), "grace", "grace@uni.example")
    first = sso_console()
    callbacks = []
    first.page.on(
        "request", lambda r: callbacks.append(r.url) if "/auth/sso/callback" in r.url else None
    )
    at_provider_sign_in_as(first, "grace")
    expect(first.page.locator("#livechat-toggle")).to_be_visible()
    (used_callback,) = callbacks

    # The whole callback again (state and code used): refused.
    replay = sso_console()
    replay.page.goto(used_callback)
    expect(refusal(replay)).to_have_attribute("data-code", "sso_state_invalid")

    # The used code with the state of a sign-in just started: the provider refuses the code.
    started = sso_stack.api.call("POST", "/auth/sso/start", BINDING, expect=200).json()
    fresh_state = parse_qs(urlsplit(started["authorization_url"]).query)["state"][0]
    swapped = sso_console()
    swapped.page.goto(with_query(used_callback, state=fresh_state))
    expect(refusal(swapped)).to_have_attribute("data-code", "sso_code_refused")
    expect(refusal(swapped)).to_contain_text(REFUSED)


@pytest.mark.parametrize("login", ["other-audience", "other-issuer", "expired"])
def test_an_id_token_for_another_client_from_another_issuer_or_expired_is_refused(
    sso_console, sso_stack, login
):
    console = sso_console()
    at_provider_sign_in_as(console, login)
    expect(refusal(console)).to_have_attribute("data-code", "sso_id_token_invalid")
    expect(refusal(console)).to_contain_text(REFUSED)
    assert pending_agent(sso_stack, EMAIL_OF[login]) is None


def test_an_email_outside_the_allowed_domains_is_refused(sso_console, sso_stack):
    console = sso_console()
    at_provider_sign_in_as(console, "outsider")
    expect(refusal(console)).to_have_attribute("data-code", "sso_email_domain_not_allowed")
    expect(refusal(console)).to_contain_text("Mit dieser E-Mail-Adresse ist die Anmeldung")
    assert axe_violations(console.page) == [], "a refused institutional sign-in"
    assert pending_agent(sso_stack, "olli@mail.example") is None


# ---- the admin's own identity -------------------------------------------------------------------


def signed_in_with_password(console: Console, email: str, password: str) -> None:
    console.open()
    console.page.get_by_label("E-Mail").fill(email)
    console.page.get_by_label("Passwort").fill(password)
    console.page.get_by_role("button", name="Anmelden", exact=True).click()
    expect(console.page.locator("#livechat-toggle")).to_be_visible()


def identities_of(stack: Stack) -> list[dict]:
    answer = stack.api.call("GET", "/me/identities", token=stack.admin_token, expect=200)
    return answer.json()["identities"]


def test_the_admin_confirms_the_link_to_the_institutions_login_under_mein_konto_and_undoes_it(
    sso_console, sso_stack
):
    """An identity with the admin's address does not sign in as the admin: the admin, signed
    in with the password, confirms the link under Mein Konto first, and can undo it."""
    console = sso_console()
    at_provider_sign_in_as(console, "admin-idp")
    expect(refusal(console)).to_have_attribute("data-code", "sso_link_unconfirmed")
    expect(refusal(console)).to_contain_text("unter »Mein Konto«")
    expect(console.page.locator("#livechat-toggle")).to_have_count(0)

    signed_in_with_password(console, ADMIN_EMAIL, sso_stack.urls.admin_password)
    console.go("#account")
    request = console.page.locator('.identity[data-state="requested"]')
    expect(request).to_contain_text(ADMIN_EMAIL)
    expect(request).to_contain_text("wartet auf Ihre Bestätigung")
    assert axe_violations(console.page) == [], "Mein Konto with a link request (de)"
    confirm = request.get_by_role("button", name="Verknüpfung bestätigen")
    confirm.focus()
    console.page.keyboard.press("Enter")
    linked = console.page.locator('.identity[data-state="linked"]')
    expect(linked).to_contain_text("verknüpft")
    expect(console.page.locator("#account-identities")).to_be_focused()
    assert axe_violations(console.page) == [], "Mein Konto with a linked identity (de)"

    # Now the institution's login opens the admin's console.
    elsewhere = sso_console()
    at_provider_sign_in_as(elsewhere, "admin-idp")
    expect(elsewhere.page.locator("#livechat-toggle")).to_be_visible()
    expect(elsewhere.page.locator(".profile-name")).to_have_text(
        sso_stack.api.call("GET", "/me", token=sso_stack.admin_token).json()["name"]
    )

    # Undone: the next sign-in through it asks again.
    linked.get_by_role("button", name="Verknüpfung aufheben").click()
    expect(console.page.locator("#identity-list")).to_contain_text("Keine Identität verknüpft")
    assert identities_of(sso_stack) == []
    again = sso_console()
    at_provider_sign_in_as(again, "admin-idp")
    expect(refusal(again)).to_have_attribute("data-code", "sso_link_unconfirmed")
    for identity in identities_of(sso_stack):  # leave no request behind for other tests
        sso_stack.api.call(
            "DELETE", f"/me/identities/{identity['identity_id']}", token=sso_stack.admin_token
        )


# ---- a handover belongs to the tab that started the sign-in ---------------------------------


def handover_of_another_browser(sso_console, login: str) -> tuple[str, str]:
    """A sign-in finished in another browser: its handover code and that browser's binding,
    stopped before that browser's console could use the code."""
    other = sso_console()
    started = []
    other.page.on(
        "request",
        lambda r: started.append(r.post_data_json) if r.url.endswith("/auth/sso/start") else None,
    )
    locations = []
    other.page.on(
        "response",
        lambda r: (
            locations.append(r.headers["location"]) if "/auth/sso/callback" in r.url else None
        ),
    )
    other.open()
    # Redirects cannot be intercepted, the console's exchange can: it never reaches the API.
    other.page.route("**/auth/sso/exchange", lambda route: route.abort())
    other.page.get_by_role("button", name=SSO_BUTTON).click()
    other.page.locator('input[name="login"]').fill(login)
    other.page.locator('input[name="password"]').fill("irrelevant")
    with other.page.expect_event("requestfailed", lambda r: "/auth/sso/exchange" in r.url):
        other.page.get_by_role("button", name="Sign-in").click()
    (location,) = locations
    code = parse_qs(urlsplit(location).fragment)["sso_code"][0]
    return code, started[0]["browser_binding"]


def test_a_handover_arriving_in_a_signed_in_console_does_not_replace_its_session(
    sso_console, sso_stack
):
    approved_by_institution(sso_stack, sso_console(), "hedy", "hedy@uni.example")
    code, binding = handover_of_another_browser(sso_console, "hedy")

    console = sso_console()
    signed_in_with_password(console, ADMIN_EMAIL, sso_stack.urls.admin_password)
    token = console.page.evaluate("localStorage.getItem('livechat-console:token')")
    # The link opens in a new tab of the signed-in browser.
    tab = console.context.new_page()
    tab.on("pageerror", lambda error: console.page.errors.append(str(error)))
    tab.goto(f"{sso_stack.urls.console_url}#sso_code={code}")
    notice = tab.locator("#toast")
    expect(notice).to_contain_text("wurde verworfen: Sie sind hier schon angemeldet")
    expect(tab.locator(".profile-name")).to_have_text("Administrator")
    assert tab.evaluate("localStorage.getItem('livechat-console:token')") == token
    assert "sso_code" not in tab.url
    assert axe_violations(tab) == [], "a discarded handover"
    # The console did not even try the code: its own browser could still trade it.
    sso_stack.api.call(
        "POST", "/auth/sso/exchange", {"code": code, "browser_binding": binding}, expect=200
    )


def test_a_handover_code_slipped_into_another_browser_is_refused(sso_console, sso_stack):
    approved_by_institution(sso_stack, sso_console(), "alan", "alan@uni.example")
    code, _binding = handover_of_another_browser(sso_console, "alan")
    console = sso_console()
    console.page.goto(f"{sso_stack.urls.console_url}#sso_code={code}")
    expect(refusal(console)).to_have_attribute("data-code", "sso_browser_mismatch")
    expect(refusal(console)).to_contain_text("in einem anderen Browser oder Tab begonnen")
    expect(console.page.locator("#livechat-toggle")).to_have_count(0)
