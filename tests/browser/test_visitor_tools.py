"""The visitor's tools in the chat window (S18): bell, options → end chat, trash → privacy
notice and deletion of their own data; and the reconnect after a lost connection (S26)."""

from __future__ import annotations

from pathlib import Path

import httpx
from playwright.sync_api import expect

from tests.browser.support import (
    SCREENSHOTS,
    ChatWindow,
    Widget,
    agent_says,
    axe_violations,
    is_visitor_message,
    queued_room,
)
from tests.local.support import is_room_event, write


def _taken_chat(stack, website, page, staff, first: str = "Hallo") -> tuple:
    """A visitor on the website whose chat Anna has taken; returns (anna, socket, chat, room)."""
    department = stack.new_department([website.origin])
    anna, anna_socket = staff(department)
    page.goto(website.page(department))
    chat = Widget(page).open()
    chat.send(first)
    room_id = queued_room(anna_socket)
    stack.api.call("POST", f"/rooms/{room_id}/take", token=anna.token, expect=200)
    expect(chat.line("Anna hat den Chat übernommen.")).to_be_visible()
    return anna, anna_socket, chat, room_id


def _agent_says(socket, room_id: str, text: str, client_id: str, chat: ChatWindow) -> None:
    agent_says(socket, room_id, text, client_id)
    expect(chat.line(text)).to_be_visible()


def test_the_bell_mutes_the_notification_sound_and_stays_muted(stack, website, page, staff):
    _, anna_socket, chat, room_id = _taken_chat(stack, website, page, staff)
    bell = chat.tool("Benachrichtigungs-Ton ausschalten")
    expect(bell).to_have_attribute("aria-pressed", "false")
    _agent_says(anna_socket, room_id, "Erste Antwort", "a1", chat)
    chat.frame.wait_for_function("() => window.__sounds === 1")

    bell.click()
    expect(bell).to_have_attribute("aria-pressed", "true")
    _agent_says(anna_socket, room_id, "Zweite Antwort", "a2", chat)
    assert chat.frame.evaluate("() => window.__sounds") == 1

    # Muted stays muted after a reload; unmuting brings the sound back.
    page.reload()
    chat = Widget(page).open()
    bell = chat.tool("Benachrichtigungs-Ton ausschalten")
    expect(bell).to_have_attribute("aria-pressed", "true")
    _agent_says(anna_socket, room_id, "Dritte Antwort", "a3", chat)
    assert chat.frame.evaluate("() => window.__sounds") == 0
    bell.click()
    _agent_says(anna_socket, room_id, "Vierte Antwort", "a4", chat)
    chat.frame.wait_for_function("() => window.__sounds === 1")


def test_end_chat_asks_first_offers_the_conversation_as_a_file_and_closes_the_chat(
    stack, website, page, staff
):
    anna, anna_socket, chat, room_id = _taken_chat(stack, website, page, staff)
    _agent_says(anna_socket, room_id, "Worum geht es?", "a1", chat)
    options = chat.tool("Optionen")
    expect(options).to_have_attribute("aria-expanded", "false")
    options.click()
    expect(options).to_have_attribute("aria-expanded", "true")
    end = chat.frame.get_by_role("menuitem", name="Chat beenden")
    expect(end).to_be_focused()
    end.click()

    # "End the chat?": nothing ends yet; the conversation can be saved first, made in the browser.
    dialog = chat.frame.get_by_role("dialog", name="Chat beenden?")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name="Abbrechen")).to_be_focused()
    assert axe_violations(chat.frame) == []
    page.screenshot(path=SCREENSHOTS / "chat-end-confirmation.png")
    with page.expect_download() as download:
        dialog.get_by_role("button", name="Verlauf herunterladen").click()
    assert download.value.suggested_filename.endswith(".txt")
    transcript = Path(download.value.path()).read_text(encoding="utf-8")
    for line in ("Hallo", "— Anna hat den Chat übernommen. —", "Anna · ", "Worum geht es?"):
        assert line in transcript, transcript
    room = stack.api.call("GET", f"/rooms/{room_id}", token=anna.token, expect=200).json()
    assert room["state"] == "open"
    dialog.get_by_role("button", name="Chat beenden").click()

    anna_socket.wait_for(is_room_event("closed", room_id))
    expect(chat.line("Der Chat wurde beendet.")).to_be_visible()
    restart = chat.frame.get_by_role("button", name="Neuen Chat beginnen")
    expect(restart).to_be_focused()
    room = stack.api.call("GET", f"/rooms/{room_id}", token=anna.token, expect=200).json()
    assert room["state"] == "closed" and room["closed_by"] == "visitor"

    # A new chat starts afresh, as the same guest.
    guest = chat.stored()["name"]
    restart.click()
    expect(chat.frame.locator("#welcome")).to_be_visible()
    expect(chat.messages.locator("li")).to_have_count(0)
    expect(chat.text).to_be_focused()
    chat.send("Noch eine Frage")
    second = queued_room(anna_socket)
    assert second != room_id
    expect(chat.identity).to_have_text(f"Sie chatten anonym als {guest}.")


def test_delete_my_data_removes_everything_after_a_confirmation(stack, website, page, staff):
    api = stack.api
    anna, anna_socket, chat, room_id = _taken_chat(
        stack, website, page, staff, "Meine Matrikelnummer"
    )
    stored = chat.stored()
    token = stored["token"]
    assert stored["rooms"] and stored["name"].startswith("Guest-")

    trash = chat.tool("Datenschutz und Löschung Ihrer Daten")
    trash.click()
    dialog = chat.frame.get_by_role("dialog", name="Datenschutz")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(f"Sie erscheinen als {stored['name']}")
    expect(dialog).to_contain_text("ohne Cookies")
    delete = dialog.get_by_role("button", name="Meine Daten löschen")
    expect(delete).to_be_focused()
    # Changing one's mind first: nothing happens.
    delete.click()
    dialog.get_by_role("button", name="Abbrechen").click()
    expect(delete).to_be_focused()
    api.call("GET", "/visitors/me", visitor=token, expect=200)

    delete.click()
    expect(dialog).to_contain_text("Das lässt sich nicht rückgängig machen.")
    dialog.get_by_role("button", name="Ja, alles löschen").click()

    gone = chat.frame.locator("#gone")
    expect(gone).to_be_visible()
    expect(chat.frame.get_by_role("heading", name="Ihre Daten wurden gelöscht.")).to_be_focused()
    expect(chat.messages.locator("li")).to_have_count(0)
    assert chat.stored() == {}
    # The server has nothing left either; Anna was told.
    api.call("GET", "/visitors/me", visitor=token, expect=401)
    api.call("GET", f"/rooms/{room_id}", token=anna.token, expect=404)
    anna_socket.wait_for(
        lambda e: (
            e.get("type") == "room"
            and e["room"]["room_id"] == room_id
            and e["event"] in ("closed", "deleted")
        )
    )

    # Writing again starts a new, anonymous chat as a new guest.
    chat.frame.get_by_role("button", name="Neuen Chat beginnen").click()
    expect(gone).to_be_hidden()
    chat.send("Hallo nochmal")
    assert queued_room(anna_socket) != room_id
    assert chat.stored()["name"] != stored["name"]


def test_a_dropped_connection_loses_no_message_and_sends_what_was_typed_offline(
    stack, website, context, page, staff
):
    api = stack.api
    anna, anna_socket, chat, room_id = _taken_chat(stack, website, page, staff)
    _agent_says(anna_socket, room_id, "Wie kann ich helfen?", "a1", chat)
    visitor_id = chat.stored()["visitorId"]

    def drop_the_visitors_socket() -> None:
        connection_id = stack.connection_id_of(visitor_id)
        httpx.delete(
            f"{stack.urls.management_endpoint}/@connections/{connection_id}"
        ).raise_for_status()

    # 1. The server drops the socket (as API Gateway does); Anna writes right then.
    drop_the_visitors_socket()
    write(api, room_id, "Sind Sie noch da?", "a2", token=anna.token)
    expect(chat.line("Sind Sie noch da?")).to_be_visible()
    expect(chat.notice).to_be_empty()
    chat.send("Ja, bin da.")
    anna_socket.wait_for(is_visitor_message("Ja, bin da."))
    # The echo reaches the visitor after Anna's copy. Chromium holds back frames that arrive
    # while it emulates being offline, and the close frame behind them, so the echo must be in
    # before the network goes away.
    pending = chat.messages.locator(".pending")
    expect(pending).to_have_count(0)

    # 2. The network goes away, and the socket with it: the visitor keeps typing.
    context.set_offline(True)
    drop_the_visitors_socket()
    expect(chat.notice).to_have_text("Verbindung unterbrochen. Neuer Versuch läuft …")
    chat.send("Das hier schreibe ich offline.")
    expect(pending).to_contain_text("wird gesendet …")
    write(api, room_id, "Hallo?", "a3", token=anna.token)
    assert chat.stored()["pending"][0]["text"] == "Das hier schreibe ich offline."

    # Back online: it reconnects, fetches what it missed with after=, sends what was typed.
    context.set_offline(False)
    anna_socket.wait_for(is_visitor_message("Das hier schreibe ich offline."))
    expect(chat.line("Hallo?")).to_be_visible()
    expect(pending).to_have_count(0)
    expect(chat.notice).to_be_empty()

    history = api.call(
        "GET", f"/rooms/{room_id}/messages?after=0", token=anna.token, expect=200
    ).json()["messages"]
    texts = [m["text"] for m in history if m["author"]["kind"] != "system"]
    assert texts == [
        "Hallo",
        "Wie kann ich helfen?",
        "Sind Sie noch da?",
        "Ja, bin da.",
        "Hallo?",
        "Das hier schreibe ich offline.",
    ]
    # On screen: every message exactly once, in the server's order.
    expect(chat.messages.locator("li")).to_have_count(len(history))
    seqs = chat.messages.locator("li").evaluate_all("(items) => items.map((i) => +i.dataset.seq)")
    assert seqs == [m["seq"] for m in history]
    assert chat.stored()["pending"] == []


def test_a_paste_over_the_limit_is_kept_whole_and_refused_with_a_reason(
    stack, website, page, staff
):
    _, _, chat, _ = _taken_chat(stack, website, page, staff)
    too_long = "x" * 2001  # MAX_MESSAGE_LENGTH is 2,000 by default
    chat.text.fill(too_long)
    expect(chat.text).to_have_value(too_long)  # not cut
    expect(chat.text).to_have_attribute("aria-invalid", "true")
    expect(chat.notice).to_have_text("Die Nachricht ist zu lang (höchstens 2000 Zeichen).")
    chat.text.press("Enter")
    expect(chat.messages.locator("li.pending")).to_have_count(0)
    chat.text.press("Backspace")
    expect(chat.text).not_to_have_attribute("aria-invalid", "true")


def test_a_long_agent_name_keeps_its_status_and_the_last_line_stays_in_view(
    stack, website, page, staff
):
    department = stack.new_department([website.origin])
    anna, anna_socket = staff(department, "Anna Agentin (Studienberatung)")
    page.goto(website.page(department))
    chat = Widget(page).open()
    chat.send("Hallo")
    room_id = queued_room(anna_socket)
    stack.api.call("POST", f"/rooms/{room_id}/take", token=anna.token, expect=200)
    label = chat.frame.locator("#agent-label")
    expect(label).to_have_text("Anna Agentin (Studienberatung) · online")
    assert label.evaluate("(node) => node.scrollWidth <= node.clientWidth"), "the status is cut"
    for number in range(12):
        _agent_says(anna_socket, room_id, f"Antwort {number}", f"a{number}", chat)
    # Anna gives the chat back: a notice appears above the log, the last line stays visible.
    stack.api.call("POST", f"/rooms/{room_id}/return", token=anna.token, expect=200)
    returned = chat.line(
        "Der Chat wurde zurück in die Warteschleife gegeben. "
        "Die nächste freie Person antwortet Ihnen."
    )
    expect(returned).to_be_visible()
    expect(chat.notice).not_to_be_empty()
    expect(returned).to_be_in_viewport()
