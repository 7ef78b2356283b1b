"""No message goes unnoticed (S25): a visitor's message in an open chat that is not in view, or
while the console's tab is hidden, counts on the chat in the sidebar and in the tab's title,
with the sound and a desktop notification; a chat forwarded to an agent alerts them like a new
request; the forward dialog offers only what the server accepts."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.console_support import HIDE_TAB, SHOW_TAB
from tests.browser.support import SCREENSHOTS, Widget, axe_violations
from tests.local.support import new_visitor, start_chat, wait_until, write


def test_unread_messages_and_forwarded_chats_are_counted_heard_and_notified(
    stack, website, page, agent_console
):
    department = stack.new_department([website.origin], name="Studienberatung")
    anna, anna_console = agent_console("Anna", [department])
    ben, ben_console = agent_console("Ben", [department])
    for console in (anna_console, ben_console):
        console.context.grant_permissions(["notifications"], origin=stack.urls.base_url)

    page.goto(website.page(department))
    chat = Widget(page).open()
    chat.send("Hallo, eine Frage.")
    anna_console.page.locator("#queue-list a.room-link").click()
    anna_console.page.locator("#take").click()
    expect(chat.line("Anna hat den Chat übernommen.")).to_be_visible()
    room_id = anna_console.page.locator("#open-list a.room-link").get_attribute("data-room")
    guest = anna_console.open_entry(room_id).locator("strong").inner_text()
    expect(anna_console.page).to_have_title(f"{guest} – Live-Chat")

    # Anna is on another screen: the visitor's messages count on the chat and in the title.
    anna_console.go("account")
    expect(anna_console.page).to_have_title("Mein Konto – Live-Chat")
    sounds = anna_console.sounds()
    chat.send("Sind Sie noch da?")
    badge = anna_console.open_entry(room_id).locator(".unread-badge")
    expect(badge).to_have_attribute("data-unread", "1")
    expect(badge.locator(".visually-hidden")).to_have_text("1 ungelesen")
    expect(anna_console.page).to_have_title("(1) Mein Konto – Live-Chat")
    wait_until(lambda: anna_console.sounds() > sounds, 10, "the message's sound")
    assert f"Neue Nachricht von {guest}" in anna_console.notifications()
    chat.send("Hallo?")
    expect(badge).to_have_attribute("data-unread", "2")
    expect(anna_console.page).to_have_title("(2) Mein Konto – Live-Chat")
    assert axe_violations(anna_console.page) == []
    anna_console.page.locator("nav.sidebar").screenshot(path=SCREENSHOTS / "console-unread.png")

    # Opening the chat reads them.
    anna_console.open_entry(room_id).click()
    expect(anna_console.line("Hallo?")).to_be_visible()
    expect(badge).to_have_count(0)
    expect(anna_console.page).to_have_title(f"{guest} – Live-Chat")

    # The chat is in view but the tab is hidden: counted and heard all the same.
    anna_console.page.evaluate(HIDE_TAB)
    sounds = anna_console.sounds()
    chat.send("Noch eine Frage")
    expect(badge).to_have_attribute("data-unread", "1")
    expect(anna_console.page).to_have_title(re.compile(r"^\(1\) "))
    wait_until(lambda: anna_console.sounds() > sounds, 10, "the message's sound")
    anna_console.page.evaluate(SHOW_TAB)
    expect(badge).to_have_count(0)

    # Anna forwards to Ben; the dialog offers no forward to the chat's own department.
    anna_console.page.locator("#forward").click()
    dialog = anna_console.dialog()
    expect(dialog.locator("#forward-agent option")).to_have_text(["Ben – online, verfügbar"])
    expect(dialog.get_by_role("button", name="An Abteilung weiterleiten")).to_be_disabled()
    expect(dialog.locator("#forward-note")).to_contain_text("schon in dieser Abteilung")
    sounds = ben_console.sounds()
    anna_console.confirm("An anderen Chat-Agenten weiterleiten")

    # Ben hears it and is notified like a new request; the chat is among his open ones.
    wait_until(lambda: ben_console.sounds() > sounds, 10, "the forward's sound")
    assert f"{guest} wurde an Sie weitergeleitet" in ben_console.notifications()
    expect(ben_console.open_entry(room_id)).to_be_visible()
    # And after that agent-to-agent forward, Ben's dialog refuses the same department too.
    ben_console.open_entry(room_id).click()
    ben_console.page.locator("#forward").click()
    expect(
        ben_console.dialog().get_by_role("button", name="An Abteilung weiterleiten")
    ).to_be_disabled()


def test_a_list_of_open_chats_answered_before_a_read_does_not_bring_its_count_back(
    stack, agent_console
):
    """The server counts unread when it answers GET /rooms; an answer that left the server
    before the agent read the chat arrives with the old count, which must not come back."""
    department = stack.new_department(name="Studienberatung")
    anna, console = agent_console("Anna", [department])
    visitor = new_visitor(stack.api)
    room_id = start_chat(stack.api, visitor, department, "Hallo?")
    stack.api.call("POST", f"/rooms/{room_id}/take", token=anna.token, expect=200)
    console.go("account")
    write(stack.api, room_id, "Sind Sie noch da?", "v-1", visitor=visitor.token)
    badge = console.open_entry(room_id).locator(".unread-badge")
    expect(badge).to_have_attribute("data-unread", "1")

    # The next list of open chats is asked for and answered by the server now (one unread) ...
    open_chats = re.compile(r".*/rooms\?state=open.*")
    held = []
    console.page.route(open_chats, lambda route: held.append(route))
    other = start_chat(stack.api, new_visitor(stack.api), department, "Noch jemand")
    with console.page.expect_request(open_chats):
        stack.api.call("POST", f"/rooms/{other}/take", token=anna.token, expect=200)
    expect(console.open_entry(other)).to_be_visible()
    assert len(held) == 1, "the console did not ask for its open chats after the take"
    body = held[0].fetch().json()
    answered = next(room for room in body["rooms"] if room["room_id"] == room_id)
    assert answered["unread"] == 1
    answered["visitor"]["name"] = "Gast-Spät"  # shows once the console has taken the answer

    # ... Anna reads the chat, goes elsewhere, and only then does the list arrive.
    with console.page.expect_response(re.compile(rf".*/rooms/{room_id}/read$")):
        console.open_entry(room_id).click()
    expect(badge).to_have_count(0)
    console.go("account")
    held[0].fulfill(json=body)
    console.page.unroute(open_chats)
    expect(console.open_entry(room_id)).to_contain_text("Gast-Spät")
    expect(badge).to_have_count(0)
    expect(console.page).to_have_title("Mein Konto – Live-Chat")
