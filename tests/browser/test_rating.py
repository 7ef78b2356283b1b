"""The visitor rates their chat (issue 23): from the window's menu while it is open, or offered
once it has ended; 1 to 5 stars and an optional comment, once; thanked, and not offered again,
also after a reload. The agent sees the rating in the chat's info in the console."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.support import SCREENSHOTS, Widget, axe_violations, queued_room


def _taken_chat(stack, website, page, staff, lang: str = "de"):
    """A visitor whose chat Anna has taken; returns (department, anna, chat, room_id)."""
    department = stack.new_department([website.origin])
    anna, anna_socket = staff(department)
    page.goto(website.page(department, page_lang=lang))
    chat = Widget(page).open()
    chat.send("Hallo" if lang == "de" else "Hello")
    room_id = queued_room(anna_socket)
    stack.api.call("POST", f"/rooms/{room_id}/take", token=anna.token, expect=200)
    joined = "Anna hat den Chat übernommen." if lang == "de" else "Anna has joined the chat."
    expect(chat.line(joined)).to_be_visible()
    return department, anna, chat, room_id


def _room(stack, anna, room_id: str) -> dict:
    return stack.api.call("GET", f"/rooms/{room_id}", token=anna.token, expect=200).json()


def test_the_visitor_rates_an_open_chat_from_the_menu_once_and_the_agent_sees_it(
    stack, website, page, staff, consoles
):
    _, anna, chat, room_id = _taken_chat(stack, website, page, staff)
    form = chat.frame.locator("#rating")
    expect(form).to_be_hidden()  # an open chat offers it in the menu only

    # By keyboard: the menu opens on "Chat beenden", the arrow leads to "Chat bewerten".
    chat.tool("Optionen").focus()
    page.keyboard.press("Enter")
    expect(chat.frame.get_by_role("menuitem", name="Chat beenden")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(chat.frame.get_by_role("menuitem", name="Chat bewerten")).to_be_focused()
    page.keyboard.press("Enter")
    stars = chat.frame.get_by_role("group", name="Wie zufrieden waren Sie mit dem Chat?")
    expect(stars).to_be_visible()
    expect(chat.frame.get_by_role("radio", name="1 von 5 Sternen")).to_be_focused()
    assert axe_violations(chat.frame) == []
    chat.frame.locator("#card").screenshot(path=SCREENSHOTS / "chat-rating.png")

    # Keyboard: arrows choose the stars as in any radio group.
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(chat.frame.get_by_role("radio", name="4 von 5 Sternen")).to_be_checked()
    expect(chat.frame.locator(".star.lit")).to_have_count(4)
    comment = chat.frame.get_by_label("Kommentar (freiwillig, höchstens 500 Zeichen)")
    expect(comment).to_have_attribute("maxlength", "500")
    comment.fill("Sehr hilfreich, danke!")
    chat.frame.get_by_role("button", name="Bewertung senden").click()

    expect(
        chat.frame.get_by_role("status").filter(has_text="Danke für Ihre Bewertung!")
    ).to_be_visible()
    expect(form).to_be_hidden()
    expect(chat.text).to_be_focused()  # the chat goes on
    assert _room(stack, anna, room_id)["rating"] == {
        "score": 4,
        "comment": "Sehr hilfreich, danke!",
    }
    chat.tool("Optionen").click()
    expect(chat.frame.get_by_role("menuitem", name="Chat bewerten")).to_be_hidden()
    page.keyboard.press("Escape")

    # After a reload the rated chat offers no rating again.
    page.reload()
    chat = Widget(page).open()
    expect(chat.line("Anna hat den Chat übernommen.")).to_be_visible()
    chat.tool("Optionen").click()
    expect(chat.frame.get_by_role("menuitem", name="Chat beenden")).to_be_focused()
    expect(chat.frame.get_by_role("menuitem", name="Chat bewerten")).to_be_hidden()
    expect(chat.frame.locator("#rating")).to_be_hidden()

    # The agent reads the stars and the comment in the chat's info.
    console = consoles().sign_in(anna.email)
    console.go(f"room/{room_id}")
    rating = console.page.locator("#room-rating")
    expect(rating).to_contain_text("4 von 5 Sternen")
    expect(rating).to_contain_text("Sehr hilfreich, danke!")
    assert axe_violations(console.page) == []


def test_an_ended_chat_offers_the_rating_once_in_english(stack, website, page, staff, consoles):
    _, anna, chat, room_id = _taken_chat(stack, website, page, staff, lang="en")
    stack.api.call("POST", f"/rooms/{room_id}/close", {}, token=anna.token, expect=200)
    expect(chat.frame.locator("#ended")).to_contain_text("The chat has ended.")
    form = chat.frame.locator("#rating")
    expect(form).to_be_visible()
    expect(form.get_by_role("group", name="How satisfied were you with the chat?")).to_be_visible()
    assert axe_violations(chat.frame) == []

    # No star chosen: said, nothing sent.
    chat.frame.get_by_role("button", name="Send rating").click()
    expect(chat.notice).to_have_text("Please choose 1 to 5 stars.")
    expect(chat.frame.get_by_role("radio", name="1 of 5 stars")).to_be_focused()
    assert _room(stack, anna, room_id)["rating"] is None

    chat.frame.locator(".star", has_text="2 of 5 stars").click()
    chat.frame.get_by_role("button", name="Send rating").click()
    expect(
        chat.frame.get_by_role("status").filter(has_text="Thank you for your rating!")
    ).to_be_visible()
    expect(form).to_be_hidden()
    expect(chat.frame.get_by_role("button", name="Start a new chat")).to_be_focused()
    assert _room(stack, anna, room_id)["rating"] == {"score": 2, "comment": None}
    # A second rating of the same chat is refused by the server all the same.
    reply = stack.api.call(
        "POST",
        f"/rooms/{room_id}/rating",
        {"score": 5},
        visitor=chat.stored()["token"],
        expect=409,
    )
    assert reply.json()["error"]["code"] == "already_rated"

    console = consoles("en-GB").sign_in(anna.email)
    console.go(f"room/{room_id}")
    rating = console.page.locator("#room-rating")
    expect(rating).to_have_text(re.compile(r"2 of 5 stars"))
    expect(rating).not_to_contain_text("“")  # no comment, no quotes


def test_a_chat_that_nobody_answered_offers_no_rating(stack, website, page, staff):
    department = stack.new_department([website.origin])
    _, anna_socket = staff(department)
    page.goto(website.page(department))
    chat = Widget(page).open()
    chat.send("Hallo?")
    queued_room(anna_socket)
    chat.tool("Optionen").click()
    expect(chat.frame.get_by_role("menuitem", name="Chat bewerten")).to_be_hidden()
    chat.frame.get_by_role("menuitem", name="Chat beenden").click()
    chat.frame.get_by_role("dialog", name="Chat beenden?").get_by_role(
        "button", name="Chat beenden"
    ).click()
    expect(chat.frame.locator("#ended")).to_contain_text("Der Chat ist beendet.")
    expect(chat.frame.locator("#rating")).to_be_hidden()
