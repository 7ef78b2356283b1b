"""Deleting all closed chats ("Alle geschlossenen Chats löschen") when there are more than one
request deletes (S13): the console asks again until none is left, says how far it got, and ends
with the whole count.
On a stack of its own where one request deletes at most two chats (DELETE_CLOSED_AT_ONCE)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.support import running_stack, served_website
from tests.browser.test_console_contact_center import closed_chat


@pytest.fixture(scope="module")
def stack(widget_built):
    yield from running_stack(pool_size=4, extra_env={"DELETE_CLOSED_AT_ONCE": "2"})


@pytest.fixture(scope="module")
def website(stack):
    yield from served_website(stack)


def test_deleting_more_closed_chats_than_one_request_deletes_deletes_them_all(
    stack, website, agent_console
):
    department = stack.new_department([website.origin], name="Studienberatung")
    agent, console = agent_console("Anna", [department])
    closed = [closed_chat(stack, agent, department) for _ in range(5)]
    console.go("#chats")
    expect(console.main.locator("tbody tr")).to_have_count(5)

    console.page.locator("#chats-menu-button").click()
    console.page.locator("#delete-all-closed").click()
    console.confirm("Alle geschlossenen Chats löschen")

    expect(console.toast()).to_have_text("5 Chats gelöscht.Schließen")
    expect(console.main.locator("tbody tr")).to_have_count(0)
    for room_id in closed:
        stack.api.call("GET", f"/rooms/{room_id}", token=agent.token, expect=404)
