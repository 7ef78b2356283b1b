"""Office hours (S24) in the browser: the admin sets them in the department's dialog; outside
them the chat button is hidden on the pages although an agent is online; a bad time is
explained next to its weekday and changes nothing."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from tests.browser.support import SCREENSHOTS, Widget, axe_violations

WEEKDAYS = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")


def office_hours_of(stack, department: str) -> dict | None:
    answer = stack.api.call("GET", "/admin/departments", token=stack.admin_token, expect=200)
    listed = {d["department_id"]: d for d in answer.json()["departments"]}
    return listed[department]["office_hours"]


def test_outside_office_hours_the_button_is_hidden_although_an_agent_is_online(
    stack, website, page, consoles, staff
):
    department = stack.new_department([website.origin])
    staff(department, "Anna")
    widget = Widget(page)
    with page.expect_response(lambda r: "/availability" in r.url):
        page.goto(website.page(department))
    widget.expect_state("available")

    admin = consoles().sign_in(stack.urls.admin_email, stack.urls.admin_password)
    admin.go("#admin/departments")
    card = admin.main.locator(f'[data-department="{department}"]')
    expect(card.locator(".button-state")).to_have_text("Chat-Button sichtbar")

    # Open every day, but today is closed (a holiday): the button goes at once.
    card.get_by_role("button", name="Bearbeiten").click()
    dialog = admin.dialog()
    dialog.get_by_label("Chat-Button nur zu den Sprechzeiten zeigen").check()
    expect(dialog.get_by_label("Zeitzone")).to_have_value("Europe/Berlin")
    for weekday in WEEKDAYS:
        dialog.get_by_label(weekday, exact=True).fill("00:00-24:00")
    dialog.get_by_label("Montag", exact=True).fill("08:00 - 12:00, 13:00-18:00")
    today = datetime.now(ZoneInfo("Europe/Berlin")).date().isoformat()
    dialog.get_by_label("Geschlossene Tage").fill(f"{today}\n2026-12-24")
    assert axe_violations(admin.page) == []
    dialog.locator("fieldset.office-hours").screenshot(
        path=SCREENSHOTS / "console-office-hours.png"
    )
    admin.confirm("Speichern")

    expect(admin.toast()).to_contain_text("ist gespeichert")
    expect(card.locator(".button-state")).to_have_text("Chat-Button nicht sichtbar")
    hours = office_hours_of(stack, department)
    assert hours["enabled"] is True
    assert hours["weekly"]["mon"] == ["08:00-12:00", "13:00-18:00"]
    assert hours["closed_dates"] == sorted([today, "2026-12-24"])
    widget.recheck()
    widget.expect_state("hidden")
    expect(widget.button).to_be_hidden()
    # The editor's check says why: not nobody, but no office hours now.
    editor = page.context.new_page()
    editor.goto(website.page(department) + "#livechat-check")
    expect(editor.locator("livechat-check p")).to_have_text(
        "Live-Chat: Alles richtig eingebunden, aber gerade ist keine Sprechzeit: Der Button "
        "erscheint zu den Sprechzeiten, sobald jemand da ist."
    )
    editor.close()

    # Office hours switched off again: Anna's being online shows the button.
    card.get_by_role("button", name="Bearbeiten").click()
    dialog = admin.dialog()
    closed = "\n".join(hours["closed_dates"])
    expect(dialog.get_by_label("Geschlossene Tage")).to_have_value(closed)
    dialog.get_by_label("Chat-Button nur zu den Sprechzeiten zeigen").uncheck()
    admin.confirm("Speichern")
    expect(card.locator(".button-state")).to_have_text("Chat-Button sichtbar")
    widget.recheck()
    widget.expect_state("available")


def test_a_bad_time_is_explained_next_to_its_weekday_and_changes_nothing(stack, consoles):
    department = stack.new_department([])
    admin = consoles().sign_in(stack.urls.admin_email, stack.urls.admin_password)
    admin.go("#admin/departments")
    card = admin.main.locator(f'[data-department="{department}"]')

    card.get_by_role("button", name="Bearbeiten").click()
    dialog = admin.dialog()
    dialog.get_by_label("Chat-Button nur zu den Sprechzeiten zeigen").check()
    dialog.get_by_label("Dienstag").fill("18:00-08:00")
    dialog.get_by_role("button", name="Speichern", exact=True).click()

    tuesday = dialog.get_by_label("Dienstag")
    expect(tuesday).to_have_attribute("aria-invalid", "true")
    expect(tuesday).to_be_focused()
    expect(dialog.locator("#office-hours-tue-error")).to_have_text(
        "Eintrag 1 („18:00-08:00“): Das Ende muss nach dem Beginn liegen (über Mitternacht:"
        " zwei Spannen, bis 24:00 und ab 00:00)."
    )
    assert axe_violations(admin.page) == []
    assert office_hours_of(stack, department) is None
