"""Changing what is in the team chat, in the console (S22): an author edits and deletes their
own message and the other members see it live; the owner of a group renames it, adds, removes
and deletes, and everyone affected sees it live; a member who is not the owner gets none of
the owner's controls; an administrator sets the retention of staff messages. Every new screen
and dialog has no axe violations."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

from playwright.sync_api import Route, expect

from tests.browser.console_support import Console, create, named, sidebar_entry
from tests.browser.support import axe_violations
from tests.local.support import approved_agent


def own_message(console: Console, text: str):
    """The message's line by its seq, so that it stays found while its text is being edited."""
    line = console.line(text)
    expect(line).to_be_visible()
    return console.conversation.locator(f'[data-seq="{line.get_attribute("data-seq")}"]')


def open_members(console: Console) -> None:
    console.page.locator("#members-toggle").click()
    expect(console.page.locator("#room-members")).to_be_visible()


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


def test_an_author_edits_and_deletes_in_english_and_a_german_member_sees_it_in_german(
    stack, website, agent_console, consoles
):
    department = stack.new_department([website.origin], name="Team")
    _, anna = agent_console(named("Anna"), [department])
    ben_name = named("Ben")
    ben_agent = approved_agent(stack.api, stack.admin_token, ben_name, [department])
    ben = consoles("en-GB").sign_in(ben_agent.email)
    ben.expect_connected([department])
    room_id = create(anna, "Private Gruppe", [ben_name], name=named("Zweisprachig"))
    sidebar_entry(ben, room_id).click()
    expect(ben.page.locator("#reply")).to_be_visible()

    ben.reply("See you at 10")
    line = own_message(ben, "See you at 10")
    line.get_by_role("button", name="Edit").click()
    ben.page.get_by_label("Edit message").fill("See you at 11")
    line.get_by_role("button", name="Save").click()
    expect(ben.line("See you at 11")).to_contain_text("(edited)")
    expect(anna.line("See you at 11")).to_contain_text("(bearbeitet)")

    line.get_by_role("button", name="Delete").click()
    expect(ben.dialog()).to_contain_text("Delete message?")
    ben.confirm("Delete")
    expect(ben.conversation).to_contain_text("Message deleted")
    expect(anna.conversation).to_contain_text("Nachricht gelöscht")


def test_an_edit_neither_counts_as_unread_nor_moves_the_room_back_in_the_sidebar(
    stack, website, agent_console
):
    department = stack.new_department([website.origin], name="Team")
    _, anna = agent_console(named("Anna"), [department])
    ben_name = named("Ben")
    _, ben = agent_console(ben_name, [department])
    first, second, third = named("Erste"), named("Zweite"), named("Dritte")
    rooms = {
        name: create(anna, "Private Gruppe", [ben_name], name=name)
        for name in (first, second, third)
    }

    def write(room: str, text: str) -> None:
        sidebar_entry(anna, rooms[room]).click()
        expect(anna.heading).to_have_text(room)
        anna.reply(text)
        expect(anna.line(text)).to_be_visible()

    write(first, "Früh geschrieben")
    write(second, "Dazwischen")
    write(first, "Zuletzt geschrieben")
    badge = sidebar_entry(ben, rooms[first]).locator(".unread-badge")
    expect(badge).to_have_attribute("data-unread", "2")

    sidebar_entry(anna, rooms[first]).click()
    own_message(anna, "Früh geschrieben").get_by_role("button", name="Bearbeiten").click()
    anna.page.get_by_label("Nachricht bearbeiten").fill("Früh geschrieben, korrigiert")
    anna.page.get_by_label("Nachricht bearbeiten").press("Enter")
    expect(anna.line("Früh geschrieben, korrigiert")).to_contain_text("(bearbeitet)")
    # A message after the edit, over the same socket: once it is shown, so is the edit.
    write(third, "Danach")
    expect(sidebar_entry(ben, rooms[third]).locator(".unread-badge")).to_be_visible()

    order = [re.compile(re.escape(name)) for name in (third, first, second)]
    expect(ben.page.locator("#channel-list a[data-team-room]")).to_have_text(order)
    expect(badge).to_have_attribute("data-unread", "2")


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


def test_a_member_sees_the_group_renamed_by_its_owner_live(stack, website, agent_console):
    ben_name = named("Ben")
    anna, colleagues, room_id, group = group_of(agent_console, website, stack, ben_name)
    ben = colleagues[ben_name]
    renamed = named("Neuer Name")

    anna.page.get_by_role("button", name="Raum bearbeiten").click()
    dialog = anna.dialog()
    expect(dialog).to_contain_text(f"„{group}“ bearbeiten")
    dialog.get_by_label("Name").fill(renamed)
    dialog.get_by_label("Thema").fill("Alles zur Einführungswoche")
    anna.confirm("Speichern")

    expect(ben.heading).to_have_text(renamed)
    expect(ben.main.locator(".room-head")).to_contain_text("Alles zur Einführungswoche")
    expect(sidebar_entry(ben, room_id)).to_contain_text(renamed)
    expect(anna.heading).to_have_text(renamed)
    expect(sidebar_entry(anna, room_id)).to_contain_text(renamed)


def test_renaming_to_a_taken_name_shows_the_error_next_to_the_name(stack, website, agent_console):
    department = stack.new_department([website.origin], name="Team")
    _, anna = agent_console(named("Anna"), [department])
    taken = named("Vergeben")
    create(anna, "Kanal", [], name=taken)
    create(anna, "Kanal", [], name=named("Umbenennen"))

    anna.page.get_by_role("button", name="Raum bearbeiten").click()
    anna.dialog().get_by_label("Name").fill(taken)
    anna.dialog().get_by_role("button", name="Speichern").click()
    name = anna.dialog().get_by_label("Name")
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(anna.dialog().locator(".field-error")).to_have_text(
        "Einen Kanal oder eine Gruppe mit diesem Namen gibt es schon."
    )


def test_a_removed_member_loses_the_group_and_an_added_one_gets_it(stack, website, agent_console):
    ben_name, carl_name = named("Ben"), named("Carl")
    anna, colleagues, room_id, group = group_of(agent_console, website, stack, ben_name)
    ben = colleagues[ben_name]
    _, carl = agent_console(carl_name, [stack.new_department([website.origin], name="Team")])

    open_members(anna)
    member = anna.page.locator("#room-member-list li", has_text=ben_name)
    member.get_by_role("button", name="Entfernen").click()
    expect(anna.dialog()).to_contain_text(f"{ben_name} aus „{group}“ entfernen?")
    anna.confirm("Entfernen")
    expect(anna.page.locator("#room-member-list")).not_to_contain_text(ben_name)

    expect(sidebar_entry(ben, room_id)).to_have_count(0)
    expect(ben.toast()).to_contain_text(f"Sie sind nicht mehr Mitglied von „{group}“.")
    expect(ben.main).to_contain_text("nicht (mehr) für Sie sichtbar")

    anna.page.get_by_label("Person hinzufügen").select_option(label=carl_name)
    anna.page.get_by_role("button", name="Hinzufügen").click()
    expect(anna.page.locator("#room-member-list")).to_contain_text(carl_name)
    expect(sidebar_entry(carl, room_id)).to_be_visible()
    expect(carl.toast()).to_contain_text(f"Sie sind jetzt Mitglied von „{group}“.")


def test_a_colleague_leaving_while_the_owner_picks_someone_to_add_keeps_the_choice(
    stack, website, agent_console
):
    """The member list is drawn anew when it changes (here Ben leaves): the person the owner
    chose stays chosen, and "Hinzufügen" adds them."""
    ben_name, carl_name = named("Ben"), named("Carl")
    anna, colleagues, room_id, _ = group_of(agent_console, website, stack, ben_name)
    carl, _ = agent_console(carl_name, [stack.new_department([website.origin], name="Team")])
    open_members(anna)
    picker = anna.page.get_by_label("Person hinzufügen")
    picker.select_option(label=carl_name)

    colleagues[ben_name].page.get_by_role("button", name="Verlassen").click()
    expect(anna.page.locator("#room-member-list")).not_to_contain_text(ben_name)

    expect(picker).to_have_value(carl.agent_id)
    anna.page.get_by_role("button", name="Hinzufügen").click()
    expect(anna.page.locator("#room-member-list")).to_contain_text(carl_name)


def test_a_member_watching_the_member_list_sees_a_colleague_removed_live(
    stack, website, agent_console
):
    ben_name, dora_name = named("Ben"), named("Dora")
    anna, colleagues, _, _ = group_of(agent_console, website, stack, ben_name, dora_name)
    dora = colleagues[dora_name]
    open_members(dora)
    expect(dora.page.locator("#room-member-list")).to_contain_text(ben_name)

    open_members(anna)
    member = anna.page.locator("#room-member-list li", has_text=ben_name)
    member.get_by_role("button", name="Entfernen").click()
    anna.confirm("Entfernen")

    expect(dora.page.locator("#room-member-list")).not_to_contain_text(ben_name)
    expect(dora.page.locator("#room-member-list li")).to_have_count(2)


def test_a_deleted_group_disappears_for_every_member_who_reads_that_it_was_deleted(
    stack, website, agent_console
):
    ben_name = named("Ben")
    anna, colleagues, room_id, group = group_of(agent_console, website, stack, ben_name)
    ben = colleagues[ben_name]

    anna.page.get_by_role("button", name="Raum löschen").click()
    expect(anna.dialog()).to_contain_text(f"„{group}“ löschen?")
    anna.confirm("Raum löschen")
    expect(anna.toast()).to_contain_text(f"„{group}“ ist gelöscht.")
    expect(sidebar_entry(anna, room_id)).to_have_count(0)

    expect(sidebar_entry(ben, room_id)).to_have_count(0)
    expect(ben.toast()).to_contain_text(f"„{group}“ wurde gelöscht.")
    expect(ben.main).to_contain_text("nicht (mehr) für Sie sichtbar")


def test_a_member_who_is_not_the_owner_sees_no_owner_controls(stack, website, agent_console):
    ben_name = named("Ben")
    anna, colleagues, _, _ = group_of(agent_console, website, stack, ben_name)
    ben = colleagues[ben_name]

    open_members(ben)
    expect(ben.page.locator("#room-member-list")).to_contain_text("(Besitzer:in)")
    expect(ben.page.get_by_role("button", name="Raum bearbeiten")).to_have_count(0)
    expect(ben.page.get_by_role("button", name="Raum löschen")).to_have_count(0)
    expect(ben.page.locator("#room-members").get_by_role("button")).to_have_count(0)
    expect(ben.page.get_by_label("Person hinzufügen")).to_have_count(0)
    expect(ben.page.get_by_role("button", name="Verlassen")).to_be_visible()


def test_a_colleague_joins_a_public_channel_and_leaves_it(stack, website, agent_console):
    department = stack.new_department([website.origin], name="Team")
    _, anna = agent_console(named("Anna"), [department])
    _, ben = agent_console(named("Ben"), [department])
    channel = named("Offen")
    room_id = create(anna, "Kanal", [], name=channel)

    ben.go(f"#room/{room_id}")
    expect(ben.heading).to_have_text(channel)
    expect(ben.page.locator("#reply")).to_be_hidden()
    ben.page.get_by_role("button", name="Beitreten").click()
    expect(sidebar_entry(ben, room_id)).to_be_visible()
    ben.reply("Hallo, ich bin neu hier")
    expect(anna.line("Hallo, ich bin neu hier")).to_be_visible()

    ben.page.get_by_role("button", name="Verlassen").click()
    expect(sidebar_entry(ben, room_id)).to_have_count(0)


def test_an_admin_sets_the_retention_and_a_bad_value_shows_an_error_next_to_the_field(
    stack, consoles
):
    admin = consoles().sign_in(stack.urls.admin_email, stack.urls.admin_password)
    before = stack.api.call("GET", "/admin/team-chat", token=stack.admin_token, expect=200).json()
    try:
        admin.page.get_by_role("link", name="Team-Chat").click()
        expect(admin.heading).to_have_text("Team-Chat")
        days = admin.page.get_by_label("Tage", exact=True)
        expect(days).not_to_have_value("")

        days.fill("0")
        admin.page.get_by_role("button", name="Speichern").click()
        expect(days).to_have_attribute("aria-invalid", "true")
        expect(days).to_be_focused()
        expect(admin.page.locator("#retention-days-error")).to_have_text(
            "Bitte prüfen Sie diese Eingabe."
        )
        assert axe_violations(admin.page) == [], "retention with an error"

        days.fill("30")
        admin.page.get_by_role("button", name="Speichern").click()
        expect(admin.toast()).to_contain_text("nach 30 Tagen gelöscht")
        expect(days).not_to_have_attribute("aria-invalid", "true")
        saved = stack.api.call("GET", "/admin/team-chat", token=stack.admin_token, expect=200)
        assert saved.json() == {"retention_days": 30}

        admin.page.get_by_label("Unbegrenzt aufbewahren").check()
        expect(days).to_be_disabled()
        admin.page.get_by_role("button", name="Speichern").click()
        expect(admin.toast()).to_contain_text("bleiben unbegrenzt")
        saved = stack.api.call("GET", "/admin/team-chat", token=stack.admin_token, expect=200)
        assert saved.json() == {"retention_days": "keep"}
        assert axe_violations(admin.page) == [], "retention"
    finally:
        stack.api.call("PUT", "/admin/team-chat", before, token=stack.admin_token, expect=200)


def test_the_screens_and_dialogs_for_changes_have_no_axe_violations(stack, website, agent_console):
    ben_name = named("Ben")
    anna, _, _, _ = group_of(agent_console, website, stack, ben_name)

    def check(screen: str) -> None:
        assert axe_violations(anna.page) == [], screen

    anna.reply("Zum Prüfen")
    line = own_message(anna, "Zum Prüfen")
    check("own message with its actions")
    line.get_by_role("button", name="Bearbeiten").click()
    expect(anna.page.get_by_label("Nachricht bearbeiten")).to_be_focused()
    check("message editor")
    anna.page.get_by_label("Nachricht bearbeiten").press("Escape")
    expect(line.get_by_role("button", name="Bearbeiten")).to_be_focused()
    line.get_by_role("button", name="Löschen").click()
    expect(anna.dialog()).to_be_visible()
    check("delete message dialog")
    anna.confirm("Abbrechen")
    open_members(anna)
    expect(anna.page.get_by_label("Person hinzufügen")).to_be_visible()
    check("members with the owner's controls")
    anna.page.get_by_role("button", name="Raum bearbeiten").click()
    expect(anna.dialog()).to_be_visible()
    check("edit room dialog")
    anna.confirm("Abbrechen")
    anna.page.get_by_role("button", name="Raum löschen").click()
    expect(anna.dialog()).to_be_visible()
    check("delete room dialog")
    anna.confirm("Abbrechen")
