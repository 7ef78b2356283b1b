"""Institutional sign-in in the console, against a real OpenID provider (npm's `oidc-provider`,
devserver/oidc_provider.mjs) and the real local stack, driven through Chromium: the first
sign-in registers, the admin approves, the next sign-in opens the console; forged, replayed,
mis-addressed, expired and out-of-domain answers are refused."""

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
ACCOUNTS = [
    {"sub": "ada", "email": "ada@uni.example", "name": "Ada Lovelace"},
    {"sub": "grace", "email": "grace@uni.example", "name": "Grace Hopper"},
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
        devserver_process(port=port, pool_size=3, extra_env=provider.env(ALLOWED_DOMAIN)) as urls,
    ):
        yield Stack.signed_in(urls)


@pytest.fixture
def sso_console(browser, sso_stack):
    opened = []

    def open_console() -> Console:
        context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="de-DE")
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
    started = sso_stack.api.call("POST", "/auth/sso/start", expect=200).json()
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
