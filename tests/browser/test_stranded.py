"""A visitor is never left alone with a vanished agent, in the browser: the chat window shows
the agent offline as soon as their console's socket closes; the sweep returns the chat to the
queue (here after 0 minutes, so that the test waits on the sweep's event, not on the clock:
the minutes themselves are tested in tests/services/test_stranded.py) with a line saying
whether anyone can answer, and the visitor can end it; admins take over chats in the console."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.support import (
    SCREENSHOTS,
    Widget,
    axe_violations,
    queued_room,
    running_stack,
    served_website,
)
from tests.local.support import is_room_event


@pytest.fixture(scope="module")
def stack(widget_built):
    """A stack of its own whose sweep runs every second and requeues at once."""
    yield from running_stack(pool_size=4, sweep_interval=1, extra_env={"AGENT_GONE_MINUTES": "0"})


@pytest.fixture(scope="module")
def website(stack):
    yield from served_website(stack)


def taken_chat(stack, website, page, staff, department):
    anna, anna_socket = staff(department, "Anna")
    page.goto(website.page(department))
    chat = Widget(page).open()
    chat.send("Ist jemand da?")
    room_id = queued_room(anna_socket)
    stack.api.call("POST", f"/rooms/{room_id}/take", token=anna.token, expect=200)
    expect(chat.agent).to_have_text("Anna · online")
    return anna_socket, chat, room_id


def test_a_visitor_whose_agent_vanished_is_told_nobody_can_answer_and_ends_the_chat(
    stack, website, page, staff
):
    department = stack.new_department([website.origin])
    anna_socket, chat, room_id = taken_chat(stack, website, page, staff, department)

    anna_socket.close()  # Anna's console tab closes

    expect(chat.agent).to_have_text("Anna · offline")
    expect(
        chat.line(
            "Anna ist nicht mehr erreichbar, und gerade kann niemand sonst antworten. Sie "
            "können den Chat beenden und uns später noch einmal schreiben."
        )
    ).to_be_visible()
    # The chat is queued again, but nobody is there: no "please wait in the queue" beside it.
    expect(chat.notice).to_have_text("")
    room = stack.api.call("GET", f"/rooms/{room_id}", token=stack.admin_token, expect=200).json()
    assert (room["state"], room["agent"]) == ("queued", None)
    assert axe_violations(chat.frame) == []
    page.screenshot(path=SCREENSHOTS / "chat-agent-gone.png")

    chat.tool("Optionen").click()
    chat.frame.get_by_role("menuitem", name="Chat beenden").click()
    chat.frame.get_by_role("dialog", name="Chat beenden?").get_by_role(
        "button", name="Chat beenden"
    ).click()
    expect(chat.line("Der Chat wurde beendet.")).to_be_visible()


def test_the_chat_of_a_vanished_agent_goes_to_a_colleague_through_the_queue(
    stack, website, page, staff
):
    department = stack.new_department([website.origin])
    anna_socket, chat, room_id = taken_chat(stack, website, page, staff, department)
    ben, ben_socket = staff(department, "Ben")

    anna_socket.close()

    expect(
        chat.line(
            "Anna ist nicht mehr erreichbar. Ihre Anfrage ist zurück in der Warteschleife; "
            "die nächste freie Person antwortet Ihnen."
        )
    ).to_be_visible()
    ben_socket.wait_for(lambda e: e.get("type") == "queue" and e["room"]["room_id"] == room_id)
    stack.api.call("POST", f"/rooms/{room_id}/take", token=ben.token, expect=200)
    expect(chat.agent).to_have_text("Ben · online")


def test_an_admin_takes_over_an_open_chat_in_the_console(stack, website, page, staff, consoles):
    department = stack.new_department([website.origin])
    anna_socket, chat, room_id = taken_chat(stack, website, page, staff, department)
    admin = consoles().sign_in(stack.urls.admin_email, stack.urls.admin_password)

    admin.go(f"#room/{room_id}")
    expect(admin.main).to_contain_text("Ist jemand da?")
    admin.page.get_by_role("button", name="Übernehmen").click()
    expect(admin.dialog()).to_contain_text("statt Anna")
    assert axe_violations(admin.page) == []
    admin.confirm("Übernehmen")

    expect(admin.toast()).to_contain_text("Sie haben den Chat übernommen.")
    anna_socket.wait_for(is_room_event("taken_over", room_id))
    admin_name = stack.api.call("GET", "/me", token=stack.admin_token, expect=200).json()["name"]
    expect(chat.line(f"{admin_name} hat den Chat übernommen.")).to_be_visible()
    expect(chat.agent).to_have_text(re.compile(f"^{re.escape(admin_name)} · "))
    admin.reply("Ich übernehme, Anna ist in einer Besprechung.")
    expect(chat.line("Ich übernehme, Anna ist in einer Besprechung.")).to_be_visible()
