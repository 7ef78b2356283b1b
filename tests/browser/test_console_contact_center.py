"""The contact center (S11–S13, S16): contacts with what agents added, the agent's chats with room
info and history, a trash icon per closed chat, and "delete all closed chats"."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_console_omnichannel import room_id_in_queue, visitor_asks
from tests.local.support import new_visitor, start_chat

# Whether the element itself is what a click at its centre reaches.
UNCOVERED = """(node) => {
    const box = node.getBoundingClientRect();
    const hit = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
    return node === hit || node.contains(hit);
}"""


def take_in_console(console, room_id: str) -> None:
    console.queue_entry(room_id).click()
    console.page.locator("#take").click()
    expect(console.page.locator("#reply")).to_be_focused()


def closed_chat(stack, agent, department: str) -> str:
    """A chat that a visitor began and the agent took and closed, all over the API."""
    visitor = new_visitor(stack.api)
    room_id = start_chat(stack.api, visitor, department, "Kurze Frage")
    stack.api.call("POST", f"/rooms/{room_id}/take", token=agent.token, expect=200)
    stack.api.call("POST", f"/rooms/{room_id}/close", {}, token=agent.token, expect=200)
    return room_id


def test_an_agent_adds_contact_information_and_finds_it_in_the_contacts(
    stack, website, page, agent_console
):
    department = stack.new_department([website.origin], name="Studienberatung")
    _, console = agent_console("Anna", [department])
    visitor_asks(page, website, department, "Ich bin Erika, eine Frage zum Studium.")
    room_id = room_id_in_queue(console)
    take_in_console(console, room_id)
    guest = console.heading.inner_text()

    # S16: "Contact unknown" -> "Add contact"; a wrong email is refused and nothing is stored.
    contact_line = console.main.locator(".contact-line")
    expect(contact_line).to_contain_text("Kontakt unbekannt")
    contact_line.get_by_role("button", name="Kontakt hinzufügen").click()
    dialog = console.dialog()
    dialog.get_by_label("Name").fill("Erika Muster")
    dialog.get_by_label("E-Mail-Adresse").fill("keine-adresse")
    dialog.get_by_role("button", name="Speichern").click()
    # Said next to the field, in German, not in the server's words.
    expect(console.dialog().locator("#contact-email-error")).to_have_text(
        "Eine E-Mail-Adresse wie name@uni.example: ein Name, ein @ und eine Domain mit Punkt."
    )
    expect(console.dialog().get_by_label("E-Mail-Adresse")).to_have_attribute(
        "aria-invalid", "true"
    )
    expect(console.dialog().get_by_label("Name")).to_have_value("Erika Muster")
    console.dialog().get_by_label("E-Mail-Adresse").fill("erika@example.org")
    console.dialog().get_by_label("Notiz").fill("Fragt nach dem Master")
    console.confirm("Speichern")
    expect(contact_line).to_contain_text("Erika Muster · erika@example.org")

    # S11: the contacts list the guest by their counter, with what was added.
    console.page.locator(".nav-links").get_by_role("link", name="Contact-Center").click()
    row = console.main.locator("#contacts-table tbody tr").filter(has_text=guest)
    expect(row).to_contain_text("Erika Muster · erika@example.org")
    row.get_by_role("link", name=guest).click()
    expect(console.heading).to_have_text(guest)
    expect(console.main.locator("dl.info")).to_contain_text("Fragt nach dem Master")
    expect(console.main.locator(f'tr[data-room="{room_id}"]')).to_contain_text("offen")


def test_chats_show_room_info_and_history_and_only_closed_ones_can_be_deleted(
    stack, website, page, agent_console
):
    department = stack.new_department([website.origin], name="Prüfungsamt")
    anna, console = agent_console("Anna", [department])
    visitor_asks(page, website, department, "Wann ist die Prüfung?")
    open_room = room_id_in_queue(console)
    take_in_console(console, open_room)
    console.reply("Am Montag um 9 Uhr.")
    expect(console.line("Am Montag um 9 Uhr.")).to_be_visible()
    closed = [closed_chat(stack, anna, department) for _ in range(2)]

    # S12: the chats, and a click shows the room info; another shows the history.
    console.go("#chats")
    expect(console.main.locator("tbody tr")).to_have_count(3)
    console.main.locator(f'tr[data-room="{open_room}"] a').click()
    info = console.page.locator("#room-info")
    expect(info.locator("dl.info")).to_contain_text("Prüfungsamt")
    expect(info.locator("dl.info")).to_contain_text("Anna")
    expect(info.locator("dl.info")).to_contain_text("offen")
    info.get_by_role("button", name="Chatverlauf anzeigen").click()
    expect(info.locator("#history .bubble", has_text="Am Montag um 9 Uhr.")).to_be_visible()
    expect(info.locator("#history")).to_contain_text("Wann ist die Prüfung?")

    # At 1280 × 800 the room info beside the list covers none of the rows' buttons.
    for trash in console.main.locator("tbody button.trash").all():
        trash.scroll_into_view_if_needed()
    assert trash.evaluate(UNCOVERED), "the room info covers a trash icon"

    # S13: an open chat cannot be deleted, and the console says why.
    open_trash = console.main.locator(f'tr[data-room="{open_room}"] button.trash')
    expect(open_trash).to_be_disabled()
    expect(open_trash).to_have_accessible_name(
        "Offene Chats können nicht gelöscht werden – schließen Sie den Chat zuerst."
    )
    open_trash.press("Enter")
    expect(console.toast()).to_contain_text("Offene Chats können nicht gelöscht werden")
    expect(console.main.locator(f'tr[data-room="{open_room}"]')).to_be_visible()

    # The trash icon of one closed chat, behind a confirmation.
    console.main.locator(f'tr[data-room="{closed[0]}"] button.trash').click()
    console.confirm("Chat löschen")
    expect(console.main.locator(f'tr[data-room="{closed[0]}"]')).to_have_count(0)

    # "Delete all closed chats" (behind the three dots and a confirmation) leaves the open one.
    console.page.locator("#chats-menu-button").click()
    console.page.locator("#delete-all-closed").click()
    expect(console.dialog()).to_contain_text("Alle geschlossenen Chats löschen?")
    console.confirm("Alle geschlossenen Chats löschen")
    expect(console.toast()).to_contain_text("1 Chats gelöscht.")
    expect(console.main.locator("tbody tr")).to_have_count(1)
    expect(console.main.locator(f'tr[data-room="{open_room}"]')).to_be_visible()
    for room_id in closed:
        stack.api.call("GET", f"/rooms/{room_id}", token=anna.token, expect=404)


def test_the_state_filter_lists_only_chats_in_that_state(stack, agent_console):
    department = stack.new_department()
    anna, console = agent_console("Anna", [department])
    closed = closed_chat(stack, anna, department)
    visitor = new_visitor(stack.api)
    queued = start_chat(stack.api, visitor, department, "Hallo")

    console.go("#chats")
    expect(console.main.locator("tbody tr")).to_have_count(2)
    console.main.get_by_label("Status", exact=True).select_option("closed")
    expect(console.main.locator("tbody tr")).to_have_count(1)
    expect(console.main.locator(f'tr[data-room="{closed}"]')).to_contain_text(
        re.compile("geschlossen")
    )
    console.main.get_by_label("Status", exact=True).select_option("queued")
    expect(console.main.locator("tbody tr")).to_have_count(1)
    expect(console.main.locator(f'tr[data-room="{queued}"]')).to_be_visible()


# What sticks out: the list wider than its box (it would scroll, and the sticky trash column
# would hide what scrolls under it), or a badge or trash icon wider than its cell.
OVERFLOWING = """() => {
    const list = document.querySelector(".chat-list");
    const out = [];
    if (list.scrollWidth > list.clientWidth) out.push(`list ${list.scrollWidth}px wide`);
    for (const node of document.querySelectorAll(".rooms-table .state, .rooms-table .trash")) {
        const box = node.getBoundingClientRect();
        const cell = node.closest("td").getBoundingClientRect();
        if (box.left < cell.left - 0.5 || box.right > cell.right + 0.5) out.push(node.className);
    }
    return out;
}"""


@pytest.mark.parametrize("width, height", [(1280, 800), (390, 844)])
def test_the_chats_badges_and_trash_icons_stay_in_the_table(stack, agent_console, width, height):
    department = stack.new_department(name="Studierendensekretariat und Prüfungsverwaltung")
    anna, console = agent_console("Anna Langername-Beispielhaft", [department])
    closed = closed_chat(stack, anna, department)
    start_chat(stack.api, new_visitor(stack.api), department, "Hallo")
    console.page.set_viewport_size({"width": width, "height": height})

    console.go(f"#chats/{closed}")
    expect(console.main.locator("tbody tr")).to_have_count(2)
    expect(console.page.locator("#room-info")).to_be_visible()
    assert console.page.evaluate(OVERFLOWING) == []
    trash = console.main.locator(f'tr[data-room="{closed}"] .trash')
    trash.scroll_into_view_if_needed()
    assert trash.evaluate(UNCOVERED)
