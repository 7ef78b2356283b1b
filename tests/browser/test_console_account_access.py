"""Mein Konto in the browser: the agent sees where they are signed in, signs out another browser
(which leaves at once), and changes the password, which signs out every other one. Two browser
contexts are two devices; keyboard alone, German and English, axe-clean."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.support import axe_violations
from tests.local.support import AGENT_PASSWORD, approved_agent

NEW_PASSWORD = "Lindenblüte im Oktober"


def signed_in_twice(stack, consoles, locale: str = "de-DE"):
    department = stack.new_department()
    agent = approved_agent(stack.api, stack.admin_token, "Berta", [department])
    here = consoles(locale).sign_in(agent.email)
    elsewhere = consoles(locale).sign_in(agent.email)
    return agent, here, elsewhere


def sessions(console):
    return console.page.locator("#session-list li")


def test_an_agent_signs_out_another_browser_and_sees_it_leave(stack, consoles):
    agent, here, elsewhere = signed_in_twice(stack, consoles)
    page = here.page
    here.go("#account")
    expect(page.locator("#account-sessions")).to_have_text("Angemeldet auf")

    # This browser, the other one, and the sign-in of the test's own HTTP client.
    expect(sessions(here)).to_have_count(3)
    this_device = sessions(here).filter(has_text="dieses Gerät")
    expect(this_device).to_have_count(1)
    expect(this_device).to_contain_text("Chrome unter Linux")
    expect(this_device).to_contain_text("Zuletzt aktiv:")
    expect(this_device.get_by_role("button")).to_have_count(0)
    expect(sessions(here).filter(has_text="Unbekanntes Gerät")).to_have_count(1)
    assert axe_violations(page) == [], "sessions"

    other = page.get_by_role("button", name=re.compile("^Chrome unter Linux abmelden"))
    other.focus()
    page.keyboard.press("Enter")

    expect(sessions(here)).to_have_count(2)
    expect(page.locator("#sessions-status")).to_have_text("Chrome unter Linux ist abgemeldet.")
    expect(page.locator("#account-sessions")).to_be_focused()
    # The other browser's socket closed: it is back at the sign-in screen, saying why.
    expect(elsewhere.page.get_by_label("E-Mail-Adresse")).to_be_visible()
    expect(elsewhere.page.locator("#livechat-toggle")).to_have_count(0)

    page.get_by_role("button", name="Überall sonst abmelden").click()

    expect(sessions(here)).to_have_count(1)
    expect(page.locator("#sessions-status")).to_have_text("Alle anderen Geräte sind abgemeldet.")
    expect(page.get_by_role("button", name="Überall sonst abmelden")).to_be_hidden()
    stack.api.call("GET", "/me", token=agent.token, expect=401)


def test_an_agent_changes_the_password_and_every_other_browser_signs_out(stack, consoles):
    agent, here, elsewhere = signed_in_twice(stack, consoles, "en-GB")
    page = here.page
    here.go("#account")
    expect(page.locator("#account-password")).to_have_text("Change password")
    expect(sessions(here)).to_have_count(3)
    current = page.get_by_label("Current password")
    new = page.get_by_label("New password", exact=True)
    repeat = page.get_by_label("Repeat the new password")
    change = page.get_by_role("button", name="Change password")
    # The registration's hint on the new password.
    expect(page.locator("#password-new-hint")).to_have_text("at least 12 characters, hard to guess")

    current.fill("not my password")
    new.fill(NEW_PASSWORD)
    repeat.fill(NEW_PASSWORD)
    repeat.press("Enter")
    expect(page.locator("#password-current-error")).to_have_text(
        "This is not your current password."
    )
    expect(current).to_have_attribute("aria-invalid", "true")
    expect(current).to_be_focused()

    current.fill(AGENT_PASSWORD)
    repeat.fill("something else entirely")
    change.click()
    expect(page.locator("#password-repeat-error")).to_have_text("The two new passwords differ.")
    expect(current).not_to_have_attribute("aria-invalid", "true")

    new.fill("password1234")
    repeat.fill("password1234")
    change.click()
    expect(page.locator("#password-new-error")).to_contain_text("too easy to guess")
    expect(new).to_be_focused()
    assert axe_violations(page) == [], "a refused new password"

    new.fill(NEW_PASSWORD)
    repeat.fill(NEW_PASSWORD)
    change.click()

    expect(page.locator("#password-done")).to_have_text(
        "Your password is changed. Every other device is signed out."
    )
    expect(current).to_have_value("")
    expect(sessions(here)).to_have_count(1)
    expect(sessions(here)).to_contain_text("this device")
    expect(elsewhere.page.get_by_label("Email address")).to_be_visible()
    stack.api.call("GET", "/me", token=agent.token, expect=401)
    stack.api.call(
        "POST", "/auth/login", {"email": agent.email, "password": AGENT_PASSWORD}, expect=401
    )
    stack.api.call(
        "POST", "/auth/login", {"email": agent.email, "password": NEW_PASSWORD}, expect=200
    )
    # This browser stays signed in.
    page.reload()
    expect(page.locator("#livechat-toggle")).to_be_visible()
