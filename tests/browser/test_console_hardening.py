"""The console under attack: another site cannot frame it; its Content-Security-Policy (only its
own scripts) costs it nothing, as it signs in and connects its socket (with a one-time ticket)
without a single violation; and its registration screen says why a password is refused."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.local.support import approved_agent

FRAMER = "http://framer.example/"


def test_another_site_cannot_frame_the_console(page, stack):
    page.route(
        FRAMER,
        lambda route: route.fulfill(
            content_type="text/html",
            body="<!doctype html><title>Fremd</title>"
            f'<iframe src="{stack.urls.console_url}" onload="document.title = \'geladen\'">'
            "</iframe>",
        ),
    )

    page.goto(FRAMER)
    expect(page).to_have_title("geladen")  # the frame finished loading, whatever it shows

    frame = page.frames[1]
    assert frame.url.startswith("chrome-error://"), frame.url  # Chromium refused the console


def test_the_console_works_under_its_policy(consoles, stack):
    agent = approved_agent(stack.api, stack.admin_token, "Clara Richtlinie", ["demo"])
    console = consoles()
    violations = []
    console.page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    sockets = []
    console.page.on("websocket", lambda socket: sockets.append(socket.url))

    console.sign_in(agent.email)
    console.expect_connected(["demo"])

    assert violations == []
    assert sockets and all("ticket=" in url and "token=" not in url for url in sockets)
    expect(console.page.locator("#livechat-toggle")).to_be_visible()


def test_the_registration_screen_says_why_a_password_is_refused(consoles):
    person = consoles().open()
    page = person.page
    page.get_by_role("link", name="Registrieren").click()
    expect(page.get_by_text("mindestens 12 Zeichen, schwer zu erraten")).to_be_visible()
    page.get_by_label("Name").fill("Rita Raten")
    page.get_by_label("E-Mail-Adresse").fill("rita@example.org")
    page.get_by_label("Passwort").fill("password1234")
    page.get_by_role("button", name="Registrieren").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Registrierung")
    # zxcvbn's feedback, in the console's German (widget/console/src/password-feedback.js).
    expect(page.get_by_text("Das ist ein sehr häufiges Passwort", exact=False)).to_be_visible()
