"""The Statistik screen (issue 23): after a few chats (one missed, two rated) an agent reads their
department's numbers, an admin reads the same in English and downloads them as CSV; each chart
has its table, the heat map counts chats against answered by weekday and hour."""

from __future__ import annotations

import csv
import io

from playwright.sync_api import expect

from tests.browser.support import SCREENSHOTS, axe_violations, queued_room
from tests.local.support import new_visitor, start_chat, write


def _chats(stack, staff, department: str):
    """Three chats: two answered and rated (5 with a comment, and 3), one left unanswered."""
    anna, anna_socket = staff(department)
    for score, comment in ((5, "Sehr hilfreich"), (3, None)):
        visitor = new_visitor(stack.api)
        room_id = start_chat(stack.api, visitor, department, "Hallo")
        queued_room(anna_socket)
        stack.api.call("POST", f"/rooms/{room_id}/take", token=anna.token, expect=200)
        write(stack.api, room_id, "Guten Tag!", f"a-{room_id}", token=anna.token)
        body = {"score": score, **({"comment": comment} if comment else {})}
        stack.api.call("POST", f"/rooms/{room_id}/rating", body, visitor=visitor.token, expect=200)
        stack.api.call("POST", f"/rooms/{room_id}/close", {}, token=anna.token, expect=200)
    missed = new_visitor(stack.api)
    room_id = start_chat(stack.api, missed, department, "Ist jemand da?")
    queued_room(anna_socket)
    stack.api.call("POST", f"/rooms/{room_id}/close", {}, visitor=missed.token, expect=200)
    return anna


def _stat(console, key: str):
    return console.page.locator(f'.stats-summary [data-stat="{key}"] dd')


def test_the_statistik_screen_reads_the_departments_numbers_and_saves_them_as_csv(
    stack, staff, consoles
):
    department = stack.new_department(name="Studienberatung")
    anna = _chats(stack, staff, department)
    # Waiting times are histogram buckets of real seconds: read the bucket the server counted
    # (a slow machine may take longer than the first one), the screen must show that one.
    total = stack.api.call(
        "GET", f"/stats?department_id={department}", token=anna.token, expect=200
    ).json()["total"]
    wait_p50, wait_p90 = (f"{total[key]} s" for key in ("wait_p50_s", "wait_p90_s"))

    # Anna, an agent, sees her own department.
    console = consoles().sign_in(anna.email)
    console.page.get_by_role("link", name="Statistik").click()
    expect(console.heading).to_have_text("Statistik")
    options = console.page.get_by_label("Abteilung").locator("option")
    expect(options).to_have_text(["Alle meine Abteilungen", "Studienberatung"])
    console.page.get_by_label("Abteilung").select_option(label="Studienberatung")
    console.page.get_by_role("button", name="Anzeigen").click()
    expect(_stat(console, "chats")).to_have_text("3")
    expect(_stat(console, "answered")).to_have_text("2")
    expect(_stat(console, "missed")).to_have_text("1")
    expect(_stat(console, "wait-p50")).to_have_text(wait_p50)
    expect(_stat(console, "ratings")).to_have_text("2 (Durchschnitt 4,0 von 5)")

    # Each chart is a picture beside its table; the table is what a screen reader reads.
    chats = console.page.get_by_role("region", name="Chats, beantwortet und verpasst")
    expect(chats.get_by_role("img", name="Chats, beantwortet und verpasst")).to_be_visible()
    today = chats.get_by_role("row").last  # the range ends today
    expect(today.get_by_role("cell")).to_have_text(["3", "2", "1", wait_p50, wait_p90])
    heat = console.page.get_by_role("region", name="Chats nach Wochentag und Stunde")
    expect(heat.get_by_role("img")).to_be_visible()
    expect(heat.get_by_role("cell", name="3 / 2", exact=True)).to_have_count(1)
    ratings = console.page.get_by_role("region", name="Bewertungen nach Sternen")
    expect(ratings.get_by_role("row", name="5 Sterne")).to_contain_text("1")
    expect(ratings.get_by_role("row", name="3 Sterne")).to_contain_text("1")
    assert axe_violations(console.page) == []
    console.main.screenshot(path=SCREENSHOTS / "console-stats.png")
    heat.screenshot(path=SCREENSHOTS / "console-stats-heatmap.png")

    # Per hour: the same numbers in the hour they happened.
    console.page.get_by_label("Einteilung").select_option(label="pro Stunde")
    console.page.get_by_role("button", name="Anzeigen").click()
    expect(chats.locator("tbody tr")).to_have_count(7 * 24)
    per_hour = [int(n) for n in chats.locator("tbody tr td:nth-of-type(1)").all_inner_texts()]
    assert sum(per_hour) == 3 and max(per_hour) > 0  # in the hour (or two) they happened

    # A range the server refuses is said at the date it names.
    console.page.get_by_label("Von").fill("2026-12-31")
    console.page.get_by_label("Bis").fill("2026-12-01")
    console.page.get_by_role("button", name="Anzeigen").click()
    expect(console.page.get_by_label("Von")).to_have_attribute("aria-invalid", "true")
    expect(console.page.locator("#stats-from-error")).to_have_text(
        "Das Startdatum liegt nach dem Enddatum."
    )

    # An admin, in English: any department, and the CSV.
    admin = consoles("en-GB").sign_in(stack.urls.admin_email, stack.urls.admin_password)
    admin.go("stats")
    expect(admin.heading).to_have_text("Statistics")
    # By its id: the shared stack holds other departments of the same name (names need not be
    # unique), and the admin sees them all.
    admin.page.get_by_label("Department").select_option(value=department)
    admin.page.get_by_role("button", name="Show").click()
    expect(_stat(admin, "missed")).to_have_text("1")
    expect(_stat(admin, "ratings")).to_have_text("2 (average 4.0 of 5)")
    assert axe_violations(admin.page) == []
    with admin.page.expect_download() as download:
        admin.page.get_by_role("button", name="Download CSV").click()
    assert download.value.suggested_filename.startswith("stats-")
    text = download.value.path().read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    last = rows[-1]
    assert (last["chats"], last["answered"], last["missed"]) == ("3", "2", "1")
    assert (last["rating_5"], last["rating_3"]) == ("1", "1")
