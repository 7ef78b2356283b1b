"""Changing what is in the team chat, in the console (S22): an author edits and deletes their
own message and the other members see it live."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

from playwright.sync_api import Route, expect

from tests.browser.console_support import Console, create, named, sidebar_entry


def own_message(console: Console, text: str):
    """The message's line by its seq, so that it stays found while its text is being edited."""
    line = console.line(text)
    expect(line).to_be_visible()
    return console.conversation.locator(f'[data-seq="{line.get_attribute("data-seq")}"]')


def group_of(agent_console, website, stack, *others: str):
    """Anna and the named colleagues signed in; Anna creates a private group with them and
    every colleague has it open. Returns (anna, {name: console}, room_id, group name)."""
    department = stack.new_department([website.origin], name="Team")
    _, anna = agent_console(named("Anna"), [department])
    colleagues = {name: agent_console(name, [department])[1] for name in others}
    group = named("Projekt")
    room_id = create(anna, "Private Gruppe", list(others), name=group)
    for console in colleagues.values():
        sidebar_entry(console, room_id).click()
        expect(console.heading).to_have_text(group)
    return anna, colleagues, room_id, group


def test_a_member_sees_a_message_edited_and_then_deleted_by_its_author(
    stack, website, agent_console
):
    ben_name = named("Ben")
    anna, colleagues, _, _ = group_of(agent_console, website, stack, ben_name)
    ben = colleagues[ben_name]
    anna.reply("Treffen um 10 Uhr")
    line = own_message(anna, "Treffen um 10 Uhr")
    expect(ben.line("Treffen um 10 Uhr")).to_be_visible()

    line.get_by_role("button", name="Bearbeiten").click()
    editor = anna.page.get_by_label("Nachricht bearbeiten")
    expect(editor).to_be_focused()
    editor.fill("Treffen um 11 Uhr")
    editor.press("Enter")
    expect(ben.line("Treffen um 11 Uhr")).to_contain_text("(bearbeitet)")
    expect(ben.line("Treffen um 10 Uhr")).to_have_count(0)
    expect(anna.line("Treffen um 11 Uhr")).to_contain_text("(bearbeitet)")
    # Only the author's own messages offer the actions.
    expect(ben.line("Treffen um 11 Uhr").get_by_role("button")).to_have_count(0)

    anna.line("Treffen um 11 Uhr").get_by_role("button", name="Löschen").click()
    expect(anna.dialog()).to_contain_text("Nachricht löschen?")
    anna.confirm("Löschen")
    expect(ben.conversation).to_contain_text("Nachricht gelöscht")
    expect(ben.line("Treffen um 11 Uhr")).to_have_count(0)
    expect(anna.conversation).to_contain_text("Nachricht gelöscht")
    expect(anna.page.locator("#reply")).to_be_focused()


def test_a_message_older_than_fifteen_minutes_offers_no_edit(stack, website, agent_console):
    department = stack.new_department([website.origin], name="Team")
    _, anna = agent_console(named("Anna"), [department])
    create(anna, "Kanal", [], name=named("Ablage"))
    anna.reply("Schon eine Weile her")
    expect(own_message(anna, "Schon eine Weile her").get_by_role("button")).to_have_count(2)

    # The browser's clock 16 minutes on; the page is read again.
    anna.page.clock.set_fixed_time(datetime.now(UTC) + timedelta(minutes=16))
    anna.page.reload()
    expect(own_message(anna, "Schon eine Weile her").get_by_role("button")).to_have_count(0)


def test_an_edit_the_server_refuses_shows_the_reason_next_to_the_message(
    stack, website, agent_console
):
    department = stack.new_department([website.origin], name="Team")
    _, anna = agent_console(named("Anna"), [department])
    create(anna, "Kanal", [], name=named("Spät"))
    anna.reply("Gleich zu spät")
    line = own_message(anna, "Gleich zu spät")

    # The window closes between opening the editor and saving: the server's answer then
    # (its rule is tested in tests/local); the console must show why, beside the message.
    def refuse(route: Route) -> None:
        if route.request.method != "PATCH":
            route.fallback()
            return
        error = {"code": "message_not_editable", "message": "only your own, for 15 minutes"}
        route.fulfill(
            status=403, content_type="application/json", body=json.dumps({"error": error})
        )

    anna.page.route(re.compile(r"/rooms/team_[^/]+/messages/\d+$"), refuse)
    line.get_by_role("button", name="Bearbeiten").click()
    anna.page.get_by_label("Nachricht bearbeiten").fill("Zu spät geändert")
    line.get_by_role("button", name="Speichern").click()
    expect(line.get_by_role("alert")).to_have_text(
        "Eigene Nachrichten lassen sich nur 15 Minuten lang bearbeiten oder löschen."
    )
    expect(anna.page.get_by_label("Nachricht bearbeiten")).to_have_value("Zu spät geändert")
