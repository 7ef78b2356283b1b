"""Canned responses in the console: the admin keeps a department's texts, an agent keeps their
own under Mein Konto, and in a chat "/" (or the composer's button) offers both to insert."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.support import SCREENSHOTS, Widget, axe_violations

HOURS = "Wir sind montags bis freitags von 8 bis 18 Uhr für Sie da."


def add_canned(container, shortcut: str, text: str) -> None:
    container.get_by_label("Kürzel").fill(shortcut)
    container.get_by_label("Text", exact=True).fill(text)
    container.get_by_role("button", name="Textbaustein hinzufügen").click()


def test_an_agent_inserts_the_departments_and_their_own_texts_with_a_slash(
    stack, website, page, consoles, agent_console
):
    department = stack.new_department([website.origin], name="Studienberatung")

    # The admin keeps the department's texts (Administration → Abteilungen → Textbausteine).
    admin = consoles().sign_in(stack.urls.admin_email, stack.urls.admin_password)
    admin.go("#admin/departments")
    card = admin.main.locator(f'[data-department="{department}"]')
    card.get_by_role("button", name="Textbausteine").click()
    dialog = admin.dialog()
    expect(dialog).to_contain_text("Noch keine Textbausteine.")
    add_canned(dialog, "zeiten", HOURS)
    expect(dialog.locator(".canned-row")).to_have_count(1)
    add_canned(dialog, "zeiten", "doppelt")  # the same shortcut twice: said next to the field
    expect(dialog.get_by_label("Kürzel")).to_have_attribute("aria-invalid", "true")
    expect(dialog).to_contain_text("Dieses Kürzel gibt es schon.")
    assert axe_violations(admin.page) == []
    dialog.get_by_role("button", name="Schließen").click()

    # Anna keeps her own under Mein Konto.
    _anna, anna_console = agent_console("Anna", [department])
    anna_console.go("#account")
    own = anna_console.main.locator("section[aria-labelledby='account-canned']")
    add_canned(own, "hallo", "Hallo, hier ist Anna aus der Studienberatung.")
    expect(own.locator(".canned-row")).to_have_count(1)
    assert axe_violations(anna_console.page) == []

    # A visitor asks; Anna takes the chat and types "/".
    page.goto(website.page(department))
    chat = Widget(page).open()
    chat.send("Wann haben Sie geöffnet?")
    entry = anna_console.queue.locator("a.room-link")
    expect(entry).to_have_count(1)
    entry.click()
    anna_console.page.locator("#take").click()
    reply = anna_console.page.locator("#reply")
    expect(reply).to_be_focused()
    reply.press_sequentially("/")
    options = anna_console.page.get_by_role("listbox", name="Textbausteine").get_by_role("option")
    expect(options).to_have_count(2)
    expect(options.first).to_contain_text("/zeiten")
    assert axe_violations(anna_console.page) == []
    anna_console.main.screenshot(path=SCREENSHOTS / "console-canned.png")
    reply.press_sequentially("ze")
    expect(options).to_have_count(1)
    reply.press("Enter")  # inserts, does not send
    expect(reply).to_have_value(HOURS)
    reply.press("Enter")  # sends
    expect(chat.line(HOURS)).to_be_visible()

    # The composer's button offers them too, inserting where the cursor is.
    reply.fill("Guten Tag! ")
    anna_console.page.get_by_role("button", name="Textbausteine").click()
    expect(options).to_have_count(2)
    options.filter(has_text="/hallo").click()
    expect(reply).to_have_value("Guten Tag! Hallo, hier ist Anna aus der Studienberatung.")
    expect(reply).to_be_focused()
    reply.press("Escape")
    reply.press("Enter")
    expect(chat.line("Guten Tag! Hallo, hier ist Anna aus der Studienberatung.")).to_be_visible()
