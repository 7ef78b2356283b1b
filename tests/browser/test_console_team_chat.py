"""Team chat in the console (S5–S9, S22): two agents chat live in a direct room and in a private
group that a third agent can neither see nor find; Home, the directory, the display options
and "Create new" have no axe violations."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.console_support import create, named, sidebar_entry
from tests.browser.support import axe_violations
from tests.local.support import wait_until


def test_two_agents_chat_live_in_a_direct_room_with_unread_badges(stack, website, agent_console):
    department = stack.new_department([website.origin], name="Team")
    anna_name, ben_name = named("Anna"), named("Ben")
    _, anna = agent_console(anna_name, [department])
    _, ben = agent_console(ben_name, [department])
    ben.context.grant_permissions(["notifications"], origin=stack.urls.base_url)
    sounds = ben.sounds()

    room_id = create(anna, "Direktnachricht", [ben_name])
    expect(anna.heading).to_have_text(ben_name)
    anna.reply("Kann jemand aus der Bibliothek übernehmen?")
    expect(anna.line("Kann jemand aus der Bibliothek übernehmen?")).to_be_visible()

    entry = sidebar_entry(ben, room_id)
    expect(
        ben.page.locator("#direct-list").locator(f'[data-team-room="{room_id}"]')
    ).to_be_visible()
    expect(entry.locator(".unread-badge")).to_have_attribute("data-unread", "1")
    expect(ben.page.locator("#home-unread")).to_be_visible()
    expect(ben.main.locator("#home-unread + ul")).to_contain_text(anna_name)
    # A direct message is heard (the sound setting is on) and shown on the desktop.
    wait_until(lambda: ben.sounds() > sounds, 10, "the direct message's sound")
    assert f"Direktnachricht von {anna_name}" in ben.notifications()
    entry.click()
    expect(ben.line("Kann jemand aus der Bibliothek übernehmen?")).to_be_visible()
    expect(entry.locator(".unread-badge")).to_have_count(0)

    ben.reply("Ja, ich mache das.")
    expect(anna.line("Ja, ich mache das.")).to_be_visible()
    expect(ben.line("Ja, ich mache das.")).to_have_count(1)


def test_a_private_group_is_invisible_and_unfindable_for_a_third_agent(
    stack, website, agent_console
):
    department = stack.new_department([website.origin], name="Team")
    anna_name, ben_name, carl_name = named("Anna"), named("Ben"), named("Carl")
    _, anna = agent_console(anna_name, [department])
    _, ben = agent_console(ben_name, [department])
    _, carl = agent_console(carl_name, [department])
    ben.context.grant_permissions(["notifications"], origin=stack.urls.base_url)
    group_name = named("Geheimgruppe")

    room_id = create(anna, "Private Gruppe", [ben_name], name=group_name)
    expect(sidebar_entry(ben, room_id)).to_be_visible()
    anna.reply(f"Nur für uns, @{ben_name}")
    expect(sidebar_entry(ben, room_id).locator(".unread-badge")).to_be_visible()
    expect(ben.main.locator("#home-mentions + ul")).to_contain_text(group_name)
    wait_until(
        lambda: f"{anna_name} hat Sie erwähnt" in ben.notifications(), 10, "the mention's alert"
    )
    sidebar_entry(ben, room_id).click()
    expect(ben.line("Nur für uns")).to_be_visible()
    ben.reply("Verstanden.")
    expect(anna.line("Verstanden.")).to_be_visible()

    expect(sidebar_entry(carl, room_id)).to_have_count(0)
    carl.page.locator("#sidebar-search").fill(group_name)
    expect(carl.page.locator("#search-results")).to_contain_text("Nichts gefunden.")
    carl.go(f"#room/{room_id}")
    expect(carl.main).to_contain_text("nicht (mehr) für Sie sichtbar")
    carl.go("#directory")
    expect(carl.heading).to_have_text("Verzeichnis")
    expect(carl.page.locator("#directory-results")).not_to_contain_text(group_name)

    ben.page.locator("#sidebar-search").fill(group_name)
    expect(ben.page.locator("#search-results")).to_contain_text(group_name)


def test_display_options_are_kept_in_the_agents_settings(stack, website, agent_console):
    department = stack.new_department([website.origin], name="Team")
    _, anna = agent_console(named("Anna"), [department])
    channel = named("Aktuelles")
    create(anna, "Kanal", [], name=channel)

    anna.go("#display")
    expect(anna.heading).to_have_text("Anzeige")
    anna.page.get_by_label("Nach Typ gruppieren").uncheck()
    anna.page.get_by_label("Name", exact=True).check()
    anna.page.get_by_role("button", name="Speichern").click()
    expect(anna.page.locator("#team-rooms")).to_contain_text(channel)
    anna.page.reload()
    expect(anna.page.locator("#team-rooms")).to_contain_text(channel)
    expect(anna.page.locator("#channel-list")).to_have_count(0)


def test_the_team_chat_screens_have_no_axe_violations(stack, website, agent_console):
    department = stack.new_department([website.origin], name="Team")
    ben_name = named("Ben")
    anna_agent, anna = agent_console(named("Anna"), [department])
    agent_console(ben_name, [department])
    # A public channel for the directory to list, whatever ran before this test.
    stack.api.call(
        "POST",
        "/channels",
        {"kind": "channel", "name": named("Aushang")},
        token=anna_agent.token,
        expect=201,
    )

    def check(screen: str) -> None:
        assert axe_violations(anna.page) == [], screen

    expect(anna.page.locator("#home-waiting")).to_be_visible()
    check("home")
    anna.page.locator("#sidebar-search").fill(ben_name)
    expect(anna.page.locator("#search-results")).to_contain_text(ben_name)
    check("sidebar search")
    anna.go("#directory")
    expect(anna.page.locator("#directory-results li").first).to_be_visible()
    check("directory")
    anna.go("#display")
    expect(anna.heading).to_have_text("Anzeige")
    check("display options")
    create(anna, "Kanal", [ben_name], name=named("Barrierefrei"))
    anna.reply("Hallo zusammen")
    expect(anna.line("Hallo zusammen")).to_be_visible()
    check("channel")
    anna.page.locator("#create-new").click()
    expect(anna.heading).to_have_text("Neu erstellen")
    check("create new")
