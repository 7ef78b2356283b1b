"""WCAG 2.1 AA with axe-core: the demo page of `make run` with the button, and the chat window in
each of its states; plus keyboard-only use of the window."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.support import Widget, agent_says, axe_violations, queued_room


def test_the_demo_page_with_the_button_and_the_open_window_have_no_axe_violations(
    stack, page, staff
):
    api = stack.api
    anna, anna_socket = staff("demo", "Anna")
    page.goto(stack.urls.base_url + "/")
    widget = Widget(page)
    widget.expect_state("available")
    assert axe_violations(page) == []

    chat = widget.open()
    expect(chat.text).to_be_focused()
    assert axe_violations(chat.frame) == [], "empty window"
    assert axe_violations(page) == [], "page with the open window"

    # A conversation with every kind of line, the agent in the header, the typing indicator.
    chat.send("Guten Tag, ich habe eine Frage.")
    room_id = queued_room(anna_socket)
    expect(chat.notice).to_contain_text("Warteschleife")
    assert axe_violations(chat.frame) == [], "queued"
    api.call("POST", f"/rooms/{room_id}/take", token=anna.token, expect=200)
    agent_says(anna_socket, room_id, "Gerne, worum geht es?", "a1")
    anna_socket.send(action="typing", room_id=room_id, typing=True)
    expect(chat.typing).not_to_be_empty()
    expect(chat.line("Gerne, worum geht es?")).to_be_visible()
    assert axe_violations(chat.frame) == [], "open chat"

    chat.tool("Emoji einfügen").click()
    assert axe_violations(chat.frame) == [], "emoji picker"
    page.keyboard.press("Escape")
    chat.tool("Optionen").click()
    assert axe_violations(chat.frame) == [], "options menu"
    page.keyboard.press("Escape")
    chat.tool("Datenschutz und Löschung Ihrer Daten").click()
    assert axe_violations(chat.frame) == [], "privacy notice"
    chat.frame.get_by_role("button", name="Meine Daten löschen").click()
    assert axe_violations(chat.frame) == [], "confirmation"
    chat.frame.get_by_role("button", name="Ja, alles löschen").click()
    expect(chat.frame.locator("#gone")).to_be_visible()
    assert axe_violations(chat.frame) == [], "data deleted"


def test_the_chat_works_with_the_keyboard_alone(stack, website, page, staff):
    department = stack.new_department([website.origin])
    anna, anna_socket = staff(department)
    page.goto(website.page(department))
    widget = Widget(page)
    widget.expect_state("available")
    widget.button.focus()
    page.keyboard.press("Enter")
    chat = widget.window()
    expect(chat.text).to_be_focused()

    page.keyboard.type("Hallo per Tastatur")
    page.keyboard.press("Enter")
    queued_room(anna_socket)
    expect(chat.line("Hallo per Tastatur")).to_be_visible()

    # Tab reaches the paperclip (there once the chat exists: a file goes to its room), then the
    # emoji picker; arrows move in it, Enter picks, focus returns to the text.
    expect(chat.frame.locator("#attach")).to_be_visible()
    page.keyboard.press("Tab")
    assert chat.focused_id() == "attach"
    page.keyboard.press("Tab")
    assert chat.focused_id() == "emoji"
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    expect(chat.text).to_have_value("😊")
    expect(chat.text).to_be_focused()

    # Escape minimises: focus goes back to the button on the page; Enter opens again.
    page.keyboard.press("Escape")
    widget.expect_state("available")
    assert widget.button_has_focus()
    page.keyboard.press("Enter")
    widget.expect_state("open")
    expect(chat.text).to_be_focused()

    # Shift+Tab walks back through the tools to the options menu; Escape closes the menu.
    for _ in range(6):
        if chat.focused_id() == "options":
            break
        page.keyboard.press("Shift+Tab")
    assert chat.focused_id() == "options"
    page.keyboard.press("Enter")
    expect(chat.frame.get_by_role("menuitem", name="Chat beenden")).to_be_focused()
    page.keyboard.press("Escape")
    assert chat.focused_id() == "options"
