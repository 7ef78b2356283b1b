"""Two agents work in the console while a visitor chats in the widget (S10, S14, S15, S17, S19–S21,
S25): the live queue, preview, take, reply, return, forward, close and delete."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import expect

from tests.browser.support import Widget
from tests.local.support import (
    approved_agent,
    available,
    new_visitor,
    start_chat,
    wait_until,
    write,
)

TAKEN_BY_SOMEONE_ELSE = "Jemand anderes hat diese Anfrage bereits übernommen."
RETURNED_NOTICE = (
    "Der Chat wurde zurück in die Warteschleife gegeben. Die nächste freie Person antwortet Ihnen."
)


def visitor_asks(page, website, department: str, text: str):
    page.goto(website.page(department))
    chat = Widget(page).open()
    chat.send(text)
    return chat


def room_of(stack, agent, room_id: str) -> dict:
    return stack.api.call("GET", f"/rooms/{room_id}", token=agent.token, expect=200).json()


def room_id_in_queue(console, visitor_name: str | None = None) -> str:
    entry = console.queue.locator("a.room-link")
    if visitor_name:
        entry = entry.filter(has_text=visitor_name)
    expect(entry).to_have_count(1)
    return entry.get_attribute("data-room")


def test_a_request_goes_from_two_live_queues_through_take_return_forward_and_close_to_deletion(
    stack, website, page, agent_console
):
    department = stack.new_department([website.origin], name="Studienberatung")
    anna, anna_console = agent_console("Anna", [department])
    ben, ben_console = agent_console("Ben", [department])

    # S14, S25: the request appears in both queues at once, with a sound.
    chat = visitor_asks(page, website, department, "Hallo, ich habe eine Frage zur Bewerbung.")
    room_id = room_id_in_queue(anna_console)
    expect(ben_console.queue_entry(room_id)).to_be_visible()
    guest = anna_console.queue_entry(room_id).locator("strong").inner_text()
    assert re.fullmatch(r"Guest-\d+", guest)
    for console in (anna_console, ben_console):
        expect(console.page.locator("#queue-count")).to_have_text("(1)")
        expect(console.page).to_have_title(re.compile(r"^\(1\) "))
        wait_until(lambda console=console: console.sounds() >= 1, 10, "the request's sound")

    # S15: Anna previews; the visitor is told someone will be with them shortly, and what the
    # visitor adds meanwhile shows up in the preview as it is written.
    anna_console.queue_entry(room_id).click()
    expect(anna_console.heading).to_have_text(guest)
    expect(anna_console.main.locator(".banner")).to_contain_text("Vorschau-Modus")
    expect(anna_console.line("Hallo, ich habe eine Frage zur Bewerbung.")).to_be_visible()
    expect(chat.notice).to_have_text("Jemand ist in Kürze für Sie da.")
    chat.send("Ist jemand da?")
    expect(anna_console.line("Ist jemand da?")).to_be_visible()

    # S17: both try to take it at the same moment; one wins, the other is told.
    ben_console.queue_entry(room_id).click()
    expect(ben_console.page.locator("#take")).to_be_visible()
    for console in (anna_console, ben_console):
        console.page.evaluate("() => document.getElementById('take').click()")
    wait_until(lambda: room_of(stack, anna, room_id)["state"] == "open", 10, "the take")
    winner_id = room_of(stack, anna, room_id)["agent"]["agent_id"]
    by_agent = {anna.agent_id: ("Anna", anna_console), ben.agent_id: ("Ben", ben_console)}
    first, first_console = by_agent.pop(winner_id)
    [(second, second_console)] = by_agent.values()
    expect(first_console.page.locator("#reply")).to_be_focused()
    expect(second_console.page.get_by_text(TAKEN_BY_SOMEONE_ELSE).first).to_be_visible()
    expect(second_console.page.locator("#reply")).to_have_count(0)
    expect(chat.line(f"{first} hat den Chat übernommen.")).to_be_visible()
    expect(first_console.open_entry(room_id)).to_be_visible()
    for console in (anna_console, ben_console):
        expect(console.queue_entry(room_id)).to_have_count(0)

    # Replies with an emoji, and the visitor's typing is shown.
    first_console.page.get_by_role("button", name="Emoji einfügen").click()
    first_console.page.get_by_role("button", name="👋", exact=True).click()
    first_console.page.locator("#reply").press_sequentially(" Guten Tag! Worum geht es?")
    first_console.page.locator("#reply").press("Enter")
    expect(chat.line("👋 Guten Tag! Worum geht es?")).to_be_visible()
    expect(first_console.line("👋 Guten Tag! Worum geht es?")).to_be_visible()
    chat.text.press_sequentially("Um die Frist")
    expect(first_console.main.locator(".typing")).to_have_text(f"{guest} schreibt …")
    chat.text.press("Enter")
    expect(first_console.line("Um die Frist")).to_be_visible()

    # S19: the winner returns it to the queue, behind a confirmation dialog.
    first_console.page.locator("#return").click()
    expect(first_console.dialog()).to_contain_text("Chat zurück in die Warteschleife geben?")
    first_console.confirm("Zurück in die Warteschleife")
    expect(chat.line(RETURNED_NOTICE)).to_be_visible()
    expect(second_console.queue_entry(room_id)).to_be_visible()
    expect(first_console.open_entry(room_id)).to_have_count(0)

    # The other takes it now; S20: and forwards it back, choosing among the department's agents.
    second_console.queue_entry(room_id).click()
    second_console.page.locator("#take").click()
    expect(second_console.page.locator("#reply")).to_be_focused()
    second_console.page.locator("#forward").click()
    agents = second_console.dialog().locator("#forward-agent option")
    expect(agents).to_have_text([f"{first} – online, verfügbar"])
    second_console.confirm("An anderen Chat-Agenten weiterleiten")
    expect(chat.line(f"Der Chat wurde an {first} weitergeleitet.")).to_be_visible()
    expect(first_console.open_entry(room_id)).to_be_visible()
    expect(second_console.open_entry(room_id)).to_have_count(0)
    first_console.open_entry(room_id).click()
    expect(first_console.line(f"Der Chat wurde an {first} weitergeleitet.")).to_be_visible()

    # S21: the first closes it when the conversation is over; S13: and deletes it.
    first_console.page.locator("#close-chat").click()
    first_console.confirm("Chat schließen")
    expect(chat.line("Der Chat wurde beendet.")).to_be_visible()
    expect(first_console.main.locator(".banner")).to_have_text("Der Chat wurde beendet.")
    expect(first_console.open_entry(room_id)).to_have_count(0)
    first_console.page.locator("#delete-chat").click()
    first_console.confirm("Chat löschen")
    expect(first_console.page).to_have_url(re.compile("#chats$"))
    expect(first_console.main.locator(f'tr[data-room="{room_id}"]')).to_have_count(0)
    stack.api.call("GET", f"/rooms/{room_id}", token=anna.token, expect=404)


def test_an_agent_of_another_department_never_sees_the_request(stack, website, page, agent_console):
    library = stack.new_department([website.origin], name="Bibliothek")
    admissions = stack.new_department([website.origin], name="Zulassung")
    _, anna_console = agent_console("Anna", [library])
    _, lars_console = agent_console("Lars", [admissions])

    visitor_asks(page, website, library, "Wann hat die Bibliothek auf?")
    library_room = room_id_in_queue(anna_console)
    # Lars's queue is live too: a request of his own department arrives, the other never does.
    visitor = new_visitor(stack.api)
    start_chat(stack.api, visitor, admissions, "Zulassung?")
    expect(lars_console.queue.locator("a.room-link")).to_have_count(1)
    expect(lars_console.queue_entry(library_room)).to_have_count(0)
    assert lars_console.sounds() == 1

    lars_console.go(f"#room/{library_room}")
    expect(lars_console.heading).to_have_text("Diesen Chat gibt es nicht mehr.")
    expect(lars_console.page.locator("#take")).to_have_count(0)


def test_a_pushed_request_stays_in_the_queue_when_a_fetch_lags_behind_the_push(
    stack, website, page, agent_console
):
    """The queue is read from an index that DynamoDB updates a moment after the write: the
    console's fetch after the push may come back without the new request. Here every fetch of
    the queue answers as such a lagging index would: another request only."""
    department = stack.new_department([website.origin], name="Bibliothek")
    _, console = agent_console("Anna", [department])

    def lagging_index(route) -> None:
        rooms = route.fetch().json()["rooms"]
        stale = [
            {**room, "room_id": "room_stale", "visitor": {"visitor_id": "v", "name": "Guest-Alt"}}
            for room in rooms[:1]
        ]
        route.fulfill(json={"rooms": stale})

    console.page.route(re.compile(r".*/queue$"), lagging_index)
    visitor_asks(page, website, department, "Wann hat die Bibliothek auf?")
    # The lagging answer has been shown (its other request is there) ...
    expect(console.queue_entry("room_stale")).to_be_visible()
    # ... and the pushed request is still there beside it.
    expect(console.queue.locator("a.room-link")).to_have_count(2)


def test_new_requests_are_heard_and_shown_as_desktop_notifications_unless_the_sound_is_off(
    stack, agent_console
):
    department = stack.new_department(name="Bibliothek")
    anna, anna_console = agent_console("Anna", [department])
    ben, ben_console = agent_console("Ben", [department])
    for console in (anna_console, ben_console):
        console.context.grant_permissions(["notifications"], origin=stack.urls.base_url)
    stack.api.call("PATCH", "/me", {"settings": {"sound": False}}, token=ben.token, expect=200)
    ben_console.page.reload()
    ben_console.expect_connected([department])

    visitor = new_visitor(stack.api)
    start_chat(stack.api, visitor, department, "Hallo?")

    title = f"Neue Chat-Anfrage von {visitor.name}"
    for console in (anna_console, ben_console):
        expect(console.queue.locator("a.room-link")).to_have_count(1)
        wait_until(lambda console=console: console.notifications() == [title], 10, "a notification")
    assert anna_console.sounds() == 1
    assert ben_console.sounds() == 0


def test_a_chat_forwarded_to_another_department_waits_in_that_departments_queue(
    stack, website, page, agent_console
):
    advice = stack.new_department([website.origin], name="Studienberatung")
    admissions = stack.new_department([website.origin], name="Zulassung")
    _, anna_console = agent_console("Anna", [advice])
    _, lars_console = agent_console("Lars", [admissions])
    chat = visitor_asks(page, website, advice, "Eigentlich geht es um die Zulassung.")
    room_id = room_id_in_queue(anna_console)
    anna_console.queue_entry(room_id).click()
    anna_console.page.locator("#take").click()

    anna_console.page.locator("#forward").click()
    departments = anna_console.dialog().locator("#forward-department")
    expect(departments.locator(f'option[value="{admissions}"]')).to_have_text(
        "Zulassung – verfügbar"
    )
    departments.select_option(admissions)
    expect(anna_console.dialog().locator("#forward-agent option")).to_have_text(
        ["Lars – online, verfügbar"]
    )
    anna_console.confirm("An Abteilung weiterleiten")

    expect(chat.line("Der Chat wurde an Zulassung weitergeleitet.")).to_be_visible()
    expect(anna_console.open_entry(room_id)).to_have_count(0)
    expect(lars_console.queue_entry(room_id)).to_be_visible()
    lars_console.queue_entry(room_id).click()
    expect(lars_console.line("Eigentlich geht es um die Zulassung.")).to_be_visible()
    lars_console.page.locator("#take").click()
    lars_console.reply("Hier ist die Zulassung, wie kann ich helfen?")
    expect(chat.line("Hier ist die Zulassung, wie kann ich helfen?")).to_be_visible()


def test_the_livechat_toggle_and_busy_hide_the_departments_button_and_the_console_says_so(
    stack, website, page, agent_console
):
    department = stack.new_department([website.origin], name="Prüfungsamt")
    _, console = agent_console("Anna", [department])
    toggle = console.page.locator("#livechat-toggle")
    visibility = console.page.locator(f'#button-visibility li[data-department="{department}"]')
    page.goto(website.page(department))
    widget = Widget(page)

    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(visibility).to_have_text("Prüfungsamt: Chat-Button sichtbar")
    widget.expect_state("available")

    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "false")
    expect(visibility).to_have_text(
        "Prüfungsamt: Chat-Button nicht sichtbar: niemand ist verfügbar (Ihr Livechat ist aus)"
    )
    assert available(stack.api, department) is False
    widget.recheck()
    widget.expect_state("hidden")

    toggle.click()
    expect(visibility).to_have_text("Prüfungsamt: Chat-Button sichtbar")
    console.choose_status("beschäftigt")
    expect(console.status_dot()).to_have_class(re.compile("status-busy"))
    expect(visibility).to_have_text(
        "Prüfungsamt: Chat-Button nicht sichtbar: niemand ist verfügbar (Ihr Status: beschäftigt)"
    )
    assert available(stack.api, department) is False

    console.choose_status("online")
    expect(visibility).to_have_text("Prüfungsamt: Chat-Button sichtbar")
    widget.recheck()
    widget.expect_state("available")

    # Anna counts, yet the day is closed: the line says it is the office hours.
    closed = {"enabled": True, "weekly": {}, "closed_dates": []}
    stack.api.call(
        "PATCH",
        f"/admin/departments/{department}",
        {"office_hours": closed},
        token=stack.admin_token,
        expect=200,
    )
    console.page.reload()
    expect(visibility).to_have_text(
        "Prüfungsamt: Chat-Button nicht sichtbar: außerhalb der Sprechzeiten"
    )


def test_auto_away_after_the_configured_delay_and_back_to_online_on_activity(
    stack, consoles, agent_console
):
    department = stack.new_department()
    anna, console = agent_console("Anna", [department])
    stack.api.call(
        "PATCH", "/me", {"settings": {"away_after_minutes": 2}}, token=anna.token, expect=200
    )
    console.page.clock.install()
    console.page.reload()
    expect(console.status_dot()).to_have_class(re.compile("status-online"))

    console.page.clock.fast_forward("01:30")
    expect(console.status_dot()).to_have_class(re.compile("status-online"))
    console.page.clock.fast_forward("01:00")
    expect(console.status_dot()).to_have_class(re.compile("status-away"))
    me = stack.api.call("GET", "/me", token=anna.token, expect=200).json()
    assert me["status"] == "away"
    # Away still counts for the button (S3: only the colour changes for visitors).
    assert available(stack.api, department) is True

    console.page.mouse.move(200, 300)
    console.page.mouse.move(220, 320)
    expect(console.status_dot()).to_have_class(re.compile("status-online"))
    assert stack.api.call("GET", "/me", token=anna.token).json()["status"] == "online"


def test_a_status_chosen_by_hand_is_not_undone_by_activity(stack, agent_console):
    department = stack.new_department()
    anna, console = agent_console("Anna", [department])
    console.choose_status("abwesend")
    expect(console.status_dot()).to_have_class(re.compile("status-away"))
    console.page.mouse.move(10, 10)
    console.page.mouse.move(300, 300)
    console.page.keyboard.press("Shift")
    expect(console.page.locator("#announce")).to_have_text("Ihr Status ist jetzt: abwesend.")
    assert stack.api.call("GET", "/me", token=anna.token).json()["status"] == "away"


def test_the_console_catches_up_on_what_it_missed_while_its_socket_was_gone(
    stack, website, page, agent_console, staff
):
    department = stack.new_department([website.origin])
    anna, console = agent_console("Anna", [department])
    staff(department, "Ben")  # keeps the department available while Anna's socket is gone
    chat = visitor_asks(page, website, department, "Hallo!")
    room_id = room_id_in_queue(console)
    console.queue_entry(room_id).click()
    console.page.locator("#take").click()
    expect(console.page.locator("#reply")).to_be_focused()

    # API Gateway drops the socket; the visitor writes and a new request arrives meanwhile.
    console.context.set_offline(True)
    httpx.delete(
        f"{stack.urls.management_endpoint}/@connections/{stack.connection_id_of(anna.agent_id)}"
    ).raise_for_status()
    expect(console.page.locator(".connection")).to_have_text(
        "Verbindung unterbrochen. Neuer Versuch läuft …"
    )
    write(stack.api, room_id, "Sind Sie noch da?", "v-missed", visitor=chat.stored()["token"])
    other = new_visitor(stack.api)
    start_chat(stack.api, other, department, "Ich auch")
    console.reply("Ich schreibe offline")
    console.context.set_offline(False)

    expect(console.page.locator(".connection")).to_be_hidden()
    expect(console.line("Sind Sie noch da?")).to_be_visible()
    expect(console.queue.locator("a.room-link")).to_have_count(1)
    expect(chat.line("Ich schreibe offline")).to_have_count(1)
    expect(console.line("Ich schreibe offline")).to_have_count(1)


def test_user_text_is_always_rendered_as_text(stack, website, page, agent_console):
    department = stack.new_department([website.origin])
    _, console = agent_console("Anna", [department])
    markup = '<img src=x onerror="window.__owned=1"><b>fett</b>'
    visitor_asks(page, website, department, markup)
    room_id = room_id_in_queue(console)
    console.queue_entry(room_id).click()

    expect(console.line(markup).locator(".bubble")).to_have_text(markup)
    assert console.main.locator("img[src=x], b").count() == 0
    assert console.page.evaluate("() => window.__owned") is None


def test_the_console_speaks_english_too(stack, consoles):
    department = stack.new_department()
    agent = approved_agent(stack.api, stack.admin_token, "Emma", [department])
    console = consoles(locale="en-GB").sign_in(agent.email)
    expect(console.page.locator("#queue-title")).to_contain_text("Incoming livechats")
    expect(console.page.locator("#open-title")).to_contain_text("Open livechats")
    expect(console.page.locator("html")).to_have_attribute("lang", "en")
