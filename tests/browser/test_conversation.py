"""A visitor chats through the widget while agents work through the API (S11, S15, S17–S21)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.support import Widget, agent_named, agent_says, is_visitor_message, queued_room
from tests.local.support import go_online, is_room_event, write


def test_a_whole_conversation_from_the_first_message_to_the_agent_closing_it(
    stack, website, page, staff
):
    api = stack.api
    department = stack.new_department([website.origin])
    anna, anna_socket = staff(department, "Anna")
    ben, ben_socket = staff(department, "Ben")
    page.goto(website.page(department))
    widget = Widget(page)
    chat = widget.open()
    widget.expect_state("open")
    expect(chat.text).to_be_focused()  # focus moves into the window
    expect(chat.frame.locator("#welcome")).to_be_visible()

    # S14: the first message starts the chat; the visitor learns the queue position.
    chat.send("Hallo, ich habe eine Frage zur Bewerbung.")
    room_id = queued_room(anna_socket)
    expect(chat.line("Hallo, ich habe eine Frage zur Bewerbung.")).to_be_visible()
    expect(chat.notice).to_have_text(re.compile(r"Warteschleife \(Position 1\)"))
    expect(chat.identity).to_have_text(re.compile(r"^Sie chatten anonym als Guest-\d+\.$"))

    # S15: Anna previews; the visitor is told someone will be with them shortly.
    api.call("POST", f"/rooms/{room_id}/preview", token=anna.token, expect=200)
    expect(chat.notice).to_have_text("Jemand ist in Kürze für Sie da.")
    expect(chat.line("Jemand ist in Kürze für Sie da.")).to_be_visible()

    # S17: Anna takes it; the visitor sees her name and the colour of her status.
    api.call("POST", f"/rooms/{room_id}/take", token=anna.token, expect=200)
    expect(chat.line("Anna hat den Chat übernommen.")).to_be_visible()
    expect(chat.agent).to_have_text("Anna · online")
    dot = chat.frame.locator("#agent-dot")
    expect(dot).to_have_css("background-color", "rgb(46, 160, 67)")
    expect(chat.notice).to_be_empty()

    # Typing, and messages both ways in real time; new messages are announced.
    anna_socket.send(action="typing", room_id=room_id, typing=True)
    expect(chat.typing).to_have_text("Anna schreibt …")
    agent_says(anna_socket, room_id, "Guten Tag! Worum geht es?", "a1")
    expect(chat.line("Guten Tag! Worum geht es?")).to_be_visible()
    expect(chat.typing).to_be_empty()
    expect(chat.frame.locator("#announce")).to_contain_text("Anna: Guten Tag! Worum geht es?")
    expect(chat.frame.locator("#announce")).to_have_attribute("aria-live", "polite")

    # An emoji from the picker (no external service), then the text.
    chat.text.fill("Um die Frist ")
    typing = anna_socket.wait_for(lambda e: e.get("type") == "typing")
    assert typing["typing"] is True and typing["author"]["kind"] == "visitor"
    chat.tool("Emoji einfügen").click()
    chat.frame.get_by_role("group", name="Emojis").get_by_role("button", name="📅").click()
    expect(chat.text).to_have_value("Um die Frist 📅")
    expect(chat.text).to_be_focused()
    chat.text.press("Enter")
    anna_socket.wait_for(is_visitor_message("Um die Frist 📅"))
    expect(chat.line("Um die Frist 📅")).to_be_visible()

    # The agent's status colour follows presence (S3: away only changes the colour).
    api.call("PUT", "/me/status", {"status": "away"}, token=anna.token, expect=200)
    expect(chat.agent).to_have_text("Anna · abwesend")
    expect(dot).to_have_css("background-color", "rgb(240, 163, 10)")

    # S19, S20: return to the queue, Ben takes it, forwards it to Anna: clear system lines.
    api.call("POST", f"/rooms/{room_id}/return", token=anna.token, expect=200)
    expect(
        chat.line(
            "Der Chat wurde zurück in die Warteschleife gegeben. "
            "Die nächste freie Person antwortet Ihnen."
        )
    ).to_be_visible()
    expect(chat.agent).to_be_hidden()
    expect(chat.notice).to_contain_text("Warteschleife")
    ben_socket.wait_for(lambda e: e.get("type") == "queue" and e["event"] == "added")
    api.call("POST", f"/rooms/{room_id}/take", token=ben.token, expect=200)
    expect(chat.agent).to_have_text("Ben · online")
    api.call(
        "POST",
        f"/rooms/{room_id}/forward",
        {"agent_id": anna.agent_id},
        token=ben.token,
        expect=200,
    )
    expect(chat.line("Der Chat wurde an Anna weitergeleitet.")).to_be_visible()
    expect(chat.agent).to_have_text("Anna · abwesend")

    # Minimise: the conversation goes on; an unread badge on the button, focus back on it.
    chat.tool("Chat schließen (das Fenster minimiert sich)").click()
    widget.expect_state("available")
    expect(widget.iframe).to_be_hidden()
    assert widget.button_has_focus()
    write(api, room_id, "Die Frist ist der 15. Juli.", "a2", token=anna.token)
    expect(widget.badge).to_have_text("1")
    expect(widget.button).to_have_accessible_name("Live-Chat öffnen (1 neu)")
    widget.button.click()
    widget.expect_state("open")
    expect(widget.badge).to_be_hidden()
    expect(chat.line("Die Frist ist der 15. Juli.")).to_be_visible()
    expect(chat.text).to_be_focused()

    # S21: Anna closes the chat; the window says so and offers a new one.
    api.call("POST", f"/rooms/{room_id}/close", {}, token=anna.token, expect=200)
    expect(chat.line("Der Chat wurde beendet.")).to_be_visible()
    expect(chat.frame.get_by_role("button", name="Neuen Chat beginnen")).to_be_visible()
    expect(chat.text).to_be_hidden()
    # Every message once, in order.
    assert chat.texts() == [
        "Hallo, ich habe eine Frage zur Bewerbung.",
        "Jemand ist in Kürze für Sie da.",
        "Anna hat den Chat übernommen.",
        "Guten Tag! Worum geht es?",
        "Um die Frist 📅",
        "Der Chat wurde zurück in die Warteschleife gegeben. "
        "Die nächste freie Person antwortet Ihnen.",
        "Ben hat den Chat übernommen.",
        "Der Chat wurde an Anna weitergeleitet.",
        "Die Frist ist der 15. Juli.",
        "Der Chat wurde beendet.",
    ]


def test_a_message_sent_while_the_window_still_loads_goes_out_once_it_has_loaded(
    stack, website, page, staff
):
    """Enter before the window has its settings (a slow network, a cold server) is not lost:
    the message goes out as soon as the window can send it (it was silently ignored)."""
    department = stack.new_department([website.origin])
    anna, anna_socket = staff(department, "Anna")
    config = re.compile(r".*/api/config$")
    held = []  # the window's GET /config, answered only after the visitor pressed Enter
    page.route(config, lambda route: held.append(route))
    with page.expect_request(config):
        page.goto(website.page(department))
        chat = Widget(page).open()

    chat.send("Hallo, ich bin schnell.")
    assert len(held) == 1, "the window had its config before the visitor pressed Enter"
    held[0].continue_()

    room_id = queued_room(anna_socket)
    expect(chat.line("Hallo, ich bin schnell.")).to_be_visible()
    expect(chat.text).to_have_value("")
    room = stack.api.call("GET", f"/rooms/{room_id}", token=stack.admin_token, expect=200).json()
    assert room["state"] == "queued"


def test_html_and_script_in_messages_and_names_stay_text(stack, website, page):
    api = stack.api
    department = stack.new_department([website.origin])
    mallory = agent_named(stack, "<b>Mallory</b>", [department])
    socket = go_online(api, stack.urls.ws_url, mallory)
    try:
        page.goto(website.page(department))
        chat = Widget(page).open()
        visitor_text = "<i>kursiv</i> & <script>window.__injected = 'visitor'</script>"
        chat.send(visitor_text)
        room_id = queued_room(socket)
        api.call("POST", f"/rooms/{room_id}/take", token=mallory.token, expect=200)
        agent_texts = [
            '<img src="x" onerror="window.__injected = \'img\'">',
            "<script>window.__injected = 'script'</script><b>fett</b>",
            '<a href="javascript:window.__injected=1">Link</a>',
        ]
        for number, text in enumerate(agent_texts):
            agent_says(socket, room_id, text, f"m{number}")
            expect(chat.line(text)).to_be_visible()
        expect(chat.line(visitor_text)).to_be_visible()
        expect(chat.agent).to_contain_text("<b>Mallory</b>")
        expect(chat.line("<b>Mallory</b> hat den Chat übernommen.")).to_be_visible()
        markup = chat.messages.locator("img, b, i, script, a")
        expect(markup).to_have_count(0)
        expect(chat.agent.locator("b")).to_have_count(0)
        assert chat.frame.evaluate("() => window.__injected") is None
        assert page.evaluate("() => window.__injected") is None
    finally:
        socket.close()


def test_a_reload_and_a_return_visit_bring_back_the_same_guest_and_conversation(
    stack, website, context, page, staff
):
    api = stack.api
    department = stack.new_department([website.origin])
    anna, anna_socket = staff(department)
    page.goto(website.page(department))
    chat = Widget(page).open()
    chat.send("Hallo!")
    room_id = queued_room(anna_socket)
    api.call("POST", f"/rooms/{room_id}/take", token=anna.token, expect=200)
    agent_says(anna_socket, room_id, "Hallo, hier ist Anna.", "a1")
    expect(chat.line("Hallo, hier ist Anna.")).to_be_visible()
    # Caught up: the first line is confirmed and the resume fetch brought the system line.
    expect(chat.messages.locator(".pending")).to_have_count(0)
    expect(chat.line("Anna hat den Chat übernommen.")).to_be_visible()
    guest = chat.stored()["name"]
    expect(chat.identity).to_have_text(f"Sie chatten anonym als {guest}.")
    before = chat.texts()

    page.reload()
    widget = Widget(page)
    widget.expect_state("available")
    chat = widget.open()
    expect(chat.identity).to_have_text(f"Sie chatten anonym als {guest}.")
    expect(chat.agent).to_have_text("Anna · online")
    expect(chat.line("Hallo, hier ist Anna.")).to_be_visible()
    expect(chat.messages.locator(".text")).to_have_text(before)
    chat.send("Ich bin wieder da.")
    echoed = anna_socket.wait_for(is_visitor_message("Ich bin wieder da."))
    assert echoed["message"]["room_id"] == room_id

    # A return visit: a new tab of the same browser, another page of the site.
    page.close()
    later = context.new_page()
    later.goto(website.page(department))
    chat = Widget(later).open()
    expect(chat.identity).to_have_text(f"Sie chatten anonym als {guest}.")
    expect(chat.line("Ich bin wieder da.")).to_be_visible()
    expect(chat.messages.locator(".text")).to_have_text([*before, "Ich bin wieder da."])
    assert chat.frame.locator(".pending").count() == 0


def test_a_page_of_another_site_chats_with_an_agent_as_docs_embedding_describes(
    stack, website, page, staff
):
    """docs/embedding.md: the snippet on a plain page of another site, its origin allowed."""
    api = stack.api
    department = stack.new_department([website.cross_site_origin])
    anna, anna_socket = staff(department)
    page.goto(website.page(department, cross_site=True))
    widget = Widget(page)
    widget.expect_state("available")
    chat = widget.open()
    chat.send("Guten Tag, ist die Bibliothek morgen offen?")
    room_id = queued_room(anna_socket)
    preview = api.call("POST", f"/rooms/{room_id}/preview", token=anna.token, expect=200).json()
    assert [m["text"] for m in preview["messages"] if m["author"]["kind"] == "visitor"] == [
        "Guten Tag, ist die Bibliothek morgen offen?"
    ]
    expect(chat.notice).to_have_text("Jemand ist in Kürze für Sie da.")
    api.call("POST", f"/rooms/{room_id}/take", token=anna.token, expect=200)
    agent_says(anna_socket, room_id, "Ja, von 8 bis 20 Uhr.", "a1")
    expect(chat.line("Ja, von 8 bis 20 Uhr.")).to_be_visible()
    chat.send("Danke!")
    anna_socket.wait_for(is_visitor_message("Danke!"))
    api.call("POST", f"/rooms/{room_id}/close", {}, token=anna.token, expect=200)
    anna_socket.wait_for(is_room_event("closed", room_id))
    expect(chat.line("Der Chat wurde beendet.")).to_be_visible()


def test_the_visitors_unread_badge_survives_a_reload_of_the_page(stack, website, page, staff):
    api = stack.api
    department = stack.new_department([website.origin])
    anna, anna_socket = staff(department, "Anna")
    page.goto(website.page(department))
    widget = Widget(page)
    chat = widget.open()
    chat.send("Wie lange hat die Bibliothek heute offen?")
    room_id = queued_room(anna_socket)
    api.call("POST", f"/rooms/{room_id}/take", token=anna.token, expect=200)
    expect(chat.agent).to_have_text("Anna · online")
    chat.tool("Chat schließen (das Fenster minimiert sich)").click()
    write(api, room_id, "Bis 22 Uhr.", "a1", token=anna.token)
    write(api, room_id, "Am Samstag bis 18 Uhr.", "a2", token=anna.token)
    expect(widget.badge).to_have_text("2")

    page.reload()
    expect(widget.badge).to_have_text("2")
    expect(widget.button).to_have_accessible_name("Live-Chat öffnen (2 neu)")
    chat = widget.open()
    expect(chat.line("Am Samstag bis 18 Uhr.")).to_be_visible()
    expect(widget.badge).to_be_hidden()
    page.reload()  # read is read
    widget.expect_state("available")
    expect(widget.badge).to_be_hidden()
