"""When nobody can answer (issue 22) in the browser: the admin lets a department take messages in
its dialog; the button then says "Nachricht hinterlassen", the visitor leaves one with an
address, an agent answers it from the console and the outbox holds the answer. And a chat's
transcript asked for in the window's menu arrives once the chat is closed."""

from __future__ import annotations

import uuid

import httpx
from playwright.sync_api import expect

from tests.browser.support import Widget, axe_violations
from tests.local.support import wait_until

PRIVACY = "https://www.uni-example.de/datenschutz"


def mails_to(stack, address: str) -> list[dict]:
    answer = httpx.get(stack.urls.outbox_url, headers={"Accept": "application/json"}, timeout=10)
    return [message for message in answer.json()["messages"] if address in message["to"]]


def mail_text(stack, mail: dict) -> str:
    return httpx.get(stack.urls.outbox_url.split("/dev/")[0] + mail["url"], timeout=10).text


def test_a_message_left_while_nobody_can_answer_is_answered_by_email(
    stack, website, page, consoles, agent_console
):
    department = stack.new_department([website.origin], name="Studienberatung")
    address = f"ratsuchende-{uuid.uuid4().hex[:8]}@example.org"
    admin = consoles().sign_in(stack.urls.admin_email, stack.urls.admin_password)
    admin.go("#admin/departments")
    card = admin.main.locator(f'[data-department="{department}"]')
    card.get_by_role("button", name="Bearbeiten").click()
    dialog = admin.dialog()
    dialog.get_by_label("Nachrichten annehmen, wenn niemand antworten kann").check()
    dialog.get_by_label("Datenschutzhinweis (Adresse)").fill(PRIVACY)
    assert axe_violations(admin.page) == []
    admin.confirm("Speichern")
    expect(admin.toast()).to_contain_text("ist gespeichert")
    admin.context.close()

    # Nobody is online: the button offers to leave a message.
    widget = Widget(page)
    page.goto(website.page(department))
    widget.expect_state("offline")
    expect(widget.button).to_have_text("Nachricht hinterlassen")
    chat = widget.open()
    form = chat.frame.locator("#leave")
    expect(form.get_by_role("heading", name="Nachricht hinterlassen")).to_be_visible()
    expect(chat.frame.get_by_role("link", name="Datenschutzhinweis")).to_have_attribute(
        "href", PRIVACY
    )
    expect(chat.text).to_be_hidden()
    assert axe_violations(chat.frame) == []
    form.get_by_label("Ihre Nachricht").fill("Wann ist die Bewerbungsfrist?")
    form.get_by_label("Ihre E-Mail-Adresse").fill("keine-adresse")
    form.get_by_role("button", name="Nachricht senden").click()
    expect(chat.notice).to_have_text("Bitte geben Sie eine gültige E-Mail-Adresse an.")
    expect(form.get_by_label("Ihre E-Mail-Adresse")).to_be_focused()
    form.get_by_label("Ihre E-Mail-Adresse").fill(address)
    form.get_by_label("Ihr Name (freiwillig)").fill("Alex")
    form.get_by_role("button", name="Nachricht senden").click()
    expect(chat.line("Wann ist die Bewerbungsfrist?")).to_be_visible()
    expect(chat.notice).to_contain_text("Ihre Nachricht ist angekommen.")
    expect(chat.frame.get_by_role("link", name="Datenschutzhinweis")).to_be_visible()

    # An agent comes: the message waits in Incoming with its own label, and is answered.
    _anna, console = agent_console("Anna", [department])
    entry = console.queue.locator("a.room-link").filter(has_text="Alex")
    expect(entry).to_contain_text("Nachricht per E-Mail")
    entry.click()
    expect(console.main).to_contain_text(address)
    console.page.locator("#take").click()
    expect(console.page.locator("#reply")).to_be_focused()
    console.reply("Bis zum 15. Juli.")
    expect(chat.line("Bis zum 15. Juli.")).to_be_visible()

    wait_until(lambda: mails_to(stack, address), 10, "the answer's mail")
    (answer,) = mails_to(stack, address)
    assert answer["subject"] == "Antwort auf Ihre Nachricht"
    assert "Bis zum 15. Juli." in mail_text(stack, answer)


def test_a_transcript_asked_for_in_the_menu_arrives_once_the_chat_is_closed(
    stack, website, page, staff
):
    department = stack.new_department([website.origin])
    staff(department, "Anna")
    address = f"verlauf-{uuid.uuid4().hex[:8]}@example.org"
    page.goto(website.page(department))
    chat = Widget(page).open()
    chat.send("Hallo, eine Frage.")
    expect(chat.notice).to_contain_text("Warteschleife")

    chat.tool("Optionen").click()
    chat.frame.get_by_role("menuitem", name="Chat beenden").press("ArrowDown")
    expect(chat.frame.get_by_role("menuitem", name="Verlauf per E-Mail senden")).to_be_focused()
    chat.frame.get_by_role("menuitem", name="Verlauf per E-Mail senden").press("Enter")
    sheet = chat.frame.get_by_role("dialog", name="Verlauf per E-Mail senden")
    expect(sheet.get_by_label("Ihre E-Mail-Adresse")).to_be_focused()
    assert axe_violations(chat.frame) == []
    sheet.get_by_label("Ihre E-Mail-Adresse").fill(address)
    sheet.get_by_role("button", name="Verlauf senden").click()
    expect(sheet.get_by_role("status")).to_have_text(
        "Der Verlauf kommt per E-Mail, sobald der Chat beendet ist."
    )
    sheet.get_by_role("button", name="Zurück").click()
    assert mails_to(stack, address) == []

    chat.tool("Optionen").click()
    chat.frame.get_by_role("menuitem", name="Chat beenden").click()
    chat.frame.locator("#end-yes").click()
    expect(chat.frame.locator("#ended")).to_be_visible()
    wait_until(lambda: mails_to(stack, address), 10, "the transcript's mail")
    (transcript,) = mails_to(stack, address)
    assert transcript["subject"] == "Ihr Chatverlauf"
    assert "Hallo, eine Frage." in mail_text(stack, transcript)


def test_an_english_page_offers_to_leave_a_message_in_english_and_gets_english_mail(
    stack, website, page, staff
):
    department = stack.new_department([website.origin])
    stack.api.call(
        "PATCH",
        f"/admin/departments/{department}",
        {"offline_messages": True},
        token=stack.admin_token,
        expect=200,
    )
    address = f"visitor-{uuid.uuid4().hex[:8]}@example.org"
    widget = Widget(page)
    page.goto(website.page(department, lang="en"))
    widget.expect_state("offline")
    expect(widget.button).to_have_accessible_name("Leave a message")
    chat = widget.open()
    form = chat.frame.locator("#leave")
    expect(chat.frame.get_by_role("link", name="Privacy notice")).to_be_hidden()  # none given
    form.get_by_label("Your message").fill("When do you open?")
    form.get_by_label("Your email address").fill(address)
    form.get_by_role("button", name="Send message").click()
    expect(chat.notice).to_have_text("Your message has arrived. The reply comes by email and here.")

    agent, _socket = staff(department, "Anna")
    room_id = chat.stored()["rooms"][department]
    stack.api.call("POST", f"/rooms/{room_id}/take", token=agent.token, expect=200)
    stack.api.call(
        "POST",
        f"/rooms/{room_id}/messages",
        {"text": "At eight.", "client_id": "a1"},
        token=agent.token,
        expect=201,
    )
    expect(chat.line("At eight.")).to_be_visible()
    wait_until(lambda: mails_to(stack, address), 10, "the answer's mail")
    assert mails_to(stack, address)[0]["subject"] == "Reply to your message"
