"""WCAG 2.1 AA in the console: axe-core on every omnichannel and contact-center screen, in the
light and the dark theme, and a whole request worked with the keyboard alone."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.support import axe_violations
from tests.browser.test_console_omnichannel import room_id_in_queue, visitor_asks
from tests.local.support import new_visitor, start_chat


def test_the_sign_in_registration_and_confirmation_screens_have_no_axe_violations(stack, consoles):
    address = f"paula-a11y-{uuid.uuid4().hex[:6]}@example.org"
    console = consoles().open()
    page = console.page
    expect(page.get_by_role("button", name="Anmelden")).to_be_visible()
    assert axe_violations(page) == [], "sign-in"

    page.get_by_role("link", name="Registrieren").click()
    expect(page.get_by_role("heading", name="Registrierung")).to_be_visible()
    assert axe_violations(page) == [], "registration"

    page.get_by_label("Name").fill("Paula Neu")
    page.get_by_label("E-Mail-Adresse").fill(address)
    page.get_by_label("Passwort").fill("a-long-password")
    page.get_by_role("button", name="Registrieren").click()
    expect(
        page.get_by_role("heading", name="Bitte bestätigen Sie Ihre E-Mail-Adresse")
    ).to_be_visible()
    assert axe_violations(page) == [], "check your mail"

    link = stack.api.emailed_link(address)
    page.goto(link)
    expect(page.get_by_role("heading", name="E-Mail-Adresse bestätigt")).to_be_visible()
    assert axe_violations(page) == [], "address confirmed"

    page.goto(link)
    expect(page.get_by_role("heading", name="Link ungültig")).to_be_visible()
    assert axe_violations(page) == [], "link used"


def test_a_used_confirmation_link_says_so_and_leads_back_to_registering_by_keyboard(
    stack, consoles
):
    address = f"lena-{uuid.uuid4().hex[:6]}@example.org"
    stack.api.register_confirmed(address, "Lena Link", "a-long-password")
    console = consoles("en-GB").open()
    page = console.page

    page.goto(stack.api.emailed_link(address))

    expect(page.get_by_role("heading", level=1)).to_have_text("Invalid link")
    assert "verify" not in page.url
    page.get_by_role("link", name="Register again").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Registration")
    expect(page.get_by_label("Name")).to_be_focused()


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_every_omnichannel_and_contact_center_screen_has_no_axe_violations(
    stack, website, page, agent_console, theme
):
    department = stack.new_department([website.origin], name="Studienberatung")
    anna, console = agent_console("Anna", [department])
    stack.api.call("PATCH", "/me", {"settings": {"theme": theme}}, token=anna.token, expect=200)
    console.page.reload()
    expect(console.page.locator("html")).to_have_attribute("data-theme", theme)
    console.expect_connected([department])
    visitor_asks(page, website, department, "Hallo, eine Frage!")
    room_id = room_id_in_queue(console)

    def check(screen: str) -> None:
        assert axe_violations(console.page) == [], f"{screen} ({theme})"

    check("home with a request in the queue")
    console.page.locator(".profile-button").click()
    expect(console.page.locator("#profile-menu")).to_be_visible()
    check("status menu")
    console.page.keyboard.press("Escape")

    console.queue_entry(room_id).click()
    expect(console.page.locator("#take")).to_be_visible()
    check("preview")
    console.page.locator("#take").click()
    console.reply("Guten Tag!")
    expect(console.line("Guten Tag!")).to_be_visible()
    console.page.get_by_role("button", name="Emoji einfügen").click()
    check("chat with the emoji picker")
    console.page.keyboard.press("Escape")

    console.page.locator("#return").click()
    expect(console.dialog()).to_be_visible()
    check("return dialog")
    console.confirm("Abbrechen")
    console.page.locator("#forward").click()
    expect(console.dialog().locator("#forward-agent")).to_be_attached()
    check("forward dialog")
    console.confirm("Abbrechen")
    console.main.get_by_role("button", name="Kontakt hinzufügen").click()
    check("add contact dialog")
    console.confirm("Abbrechen")

    console.go("#contacts")
    expect(console.main.locator("#contacts-table")).to_be_visible()
    check("contacts")
    console.main.locator("#contacts-table a").first.click()
    expect(console.main.locator("dl.info")).to_be_visible()
    check("one contact")
    console.go(f"#chats/{room_id}")
    console.page.locator("#show-history").click()
    expect(console.page.locator("#history .bubble").first).to_be_visible()
    check("chats with room info and history")
    console.page.locator("#chats-menu-button").click()
    check("chats menu")
    console.page.keyboard.press("Escape")

    console.go("#stats")
    expect(console.main.locator(".stats-summary")).to_be_visible()
    check("statistics with their charts and tables")


def test_an_agent_works_a_request_with_the_keyboard_alone(stack, website, page, agent_console):
    department = stack.new_department([website.origin])
    _, console = agent_console("Anna", [department])
    chat = visitor_asks(page, website, department, "Tastatur?")
    room_id = room_id_in_queue(console)
    keyboard = console.page.keyboard

    console.queue_entry(room_id).focus()
    keyboard.press("Enter")
    expect(console.page.locator("#take")).to_be_visible()
    console.page.locator("#take").focus()
    keyboard.press("Enter")
    expect(console.page.locator("#reply")).to_be_focused()
    keyboard.type("Alles per Tastatur.")
    keyboard.press("Enter")
    expect(chat.line("Alles per Tastatur.")).to_be_visible()

    # The return dialog takes the focus and Escape cancels it without returning the chat.
    console.page.locator("#return").focus()
    keyboard.press("Enter")
    expect(console.dialog()).to_be_visible()
    assert console.page.evaluate("() => document.activeElement.closest('dialog') !== null")
    keyboard.press("Escape")
    expect(console.dialog()).to_have_count(0)
    expect(console.open_entry(room_id)).to_be_visible()

    # The status menu opens on Enter and closes on Escape, giving the focus back.
    console.page.locator(".profile-button").focus()
    keyboard.press("Enter")
    expect(console.page.locator("#profile-menu")).to_be_visible()
    keyboard.press("Escape")
    expect(console.page.locator("#profile-menu")).to_be_hidden()
    expect(console.page.locator(".profile-button")).to_be_focused()


def test_a_queue_entry_keeps_the_focus_when_another_request_arrives(
    stack, website, page, agent_console
):
    """The queue is drawn anew on every change; the entry a keyboard user is on stays focused
    (the focus fell to the page, and their Enter went nowhere)."""
    department = stack.new_department([website.origin])
    _, console = agent_console("Anna", [department])
    visitor_asks(page, website, department, "Tastatur?")
    room_id = room_id_in_queue(console)
    console.queue_entry(room_id).focus()

    start_chat(stack.api, new_visitor(stack.api), department, "Noch jemand.")
    expect(console.queue.locator("a.room-link")).to_have_count(2)
    expect(console.queue_entry(room_id)).to_be_focused()
    console.page.keyboard.press("Enter")
    expect(console.page.locator("#take")).to_be_visible()


def test_the_system_theme_follows_the_computers_light_or_dark_setting(stack, agent_console):
    _, console = agent_console("Anna", [stack.new_department()])
    html = console.page.locator("html")
    expect(html).to_have_attribute("data-theme", "system")

    console.page.emulate_media(color_scheme="light")
    expect(html).to_have_attribute("data-scheme", "light")
    console.page.emulate_media(color_scheme="dark")
    expect(html).to_have_attribute("data-scheme", "dark")
    background = console.page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(20, 23, 28)"
