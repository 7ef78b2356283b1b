"""The agent console as Playwright sees it: one browser context per agent (the console keeps its
token in localStorage, so two agents never share a context)."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import BrowserContext, Locator, Page, expect

from tests.local.support import AGENT_PASSWORD, Stack

# The console's tab hidden and shown again (a `visibilitychange` as when switching tabs).
HIDE_TAB = """() => {
    Object.defineProperty(document, "visibilityState", {value: "hidden", configurable: true});
    document.dispatchEvent(new Event("visibilitychange"));
}"""
SHOW_TAB = """() => {
    delete document.visibilityState;
    document.dispatchEvent(new Event("visibilitychange"));
}"""

SIGN_IN_LABELS = {
    "de": ("E-Mail-Adresse", "Passwort", "Anmelden"),
    "en": ("Email address", "Password", "Sign in"),
}


class Console:
    def __init__(self, context: BrowserContext, page: Page, stack: Stack, lang: str) -> None:
        self.context = context
        self.page = page
        self.stack = stack
        self.lang = lang

    def open(self) -> Console:
        self.page.goto(self.stack.urls.console_url)
        return self

    def sign_in(self, email: str, password: str = AGENT_PASSWORD) -> Console:
        """Sign in on the sign-in screen and wait for the back office."""
        email_label, password_label, button = SIGN_IN_LABELS[self.lang]
        self.open()
        self.page.get_by_label(email_label).fill(email)
        self.page.get_by_label(password_label).fill(password)
        self.page.get_by_role("button", name=button).click()
        expect(self.page.locator("#livechat-toggle")).to_be_visible()
        return self

    def expect_connected(self, departments: list[str]) -> None:
        """The socket is up: the console says each department's button is visible."""
        for department in departments:
            visibility = self.page.locator(f'#button-visibility li[data-department="{department}"]')
            expect(visibility).to_have_class("visible")

    def go(self, fragment: str) -> None:
        self.page.evaluate("(hash) => { location.hash = hash; }", fragment)

    @property
    def main(self) -> Locator:
        return self.page.locator("#main")

    @property
    def heading(self) -> Locator:
        return self.page.locator("#main h1")

    @property
    def queue(self) -> Locator:
        return self.page.locator("#queue-list")

    @property
    def open_chats(self) -> Locator:
        return self.page.locator("#open-list")

    def queue_entry(self, room_id: str) -> Locator:
        return self.queue.locator(f'a[data-room="{room_id}"]')

    def open_entry(self, room_id: str) -> Locator:
        return self.open_chats.locator(f'a[data-room="{room_id}"]')

    @property
    def conversation(self) -> Locator:
        return self.page.locator("#conversation")

    def line(self, text: str) -> Locator:
        """The line (name, time, bubble, actions) whose bubble holds the text."""
        bubble = self.page.locator(".bubble", has_text=text)
        return self.conversation.locator("li").filter(has=bubble)

    def reply(self, text: str) -> None:
        self.page.locator("#reply").fill(text)
        self.page.locator("#reply").press("Enter")

    def dialog(self) -> Locator:
        return self.page.locator("dialog[open]")

    def confirm(self, button: str) -> None:
        self.dialog().get_by_role("button", name=button, exact=True).click()
        expect(self.dialog()).to_have_count(0)

    def toast(self) -> Locator:
        return self.page.locator("#toast")

    def status_dot(self) -> Locator:
        return self.page.locator(".profile-button .status-dot")

    def choose_status(self, label: str) -> None:
        self.page.locator(".profile-button").click()
        self.page.locator("#profile-menu").get_by_role("button", name=label).click()

    def sounds(self) -> int:
        return self.page.evaluate("() => window.__sounds || 0")

    def notifications(self) -> list[str]:
        return self.page.evaluate("() => window.__notifications || []")


# ---- team chat -------------------------------------------------------------------------------


def named(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:4]}"


def create(console: Console, kind_label: str, members: list[str], name: str | None = None) -> str:
    """ "Neu erstellen" in the sidebar; returns the new room's id from the address."""
    console.page.locator("#create-new").click()
    expect(console.heading).to_have_text("Neu erstellen")
    console.page.get_by_label("Art").select_option(label=kind_label)
    if name:
        console.page.get_by_label("Name", exact=True).fill(name)
    for member in members:
        console.page.get_by_label(member, exact=True).check()
    console.page.get_by_role("button", name="Erstellen").click()
    expect(console.page).to_have_url(re.compile(r"#room/team_"))
    return console.page.url.split("#room/", 1)[1]


def sidebar_entry(console: Console, room_id: str) -> Locator:
    return console.page.locator(f'a[data-team-room="{room_id}"]')
