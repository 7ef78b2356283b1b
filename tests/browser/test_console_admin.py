"""The console's administration (S1, S10, S27) in the browser: registrations and their
approval with the confirmation email, the chat agents (role, departments, disabling), and the
departments with their website areas, retention and the embed snippet."""

from __future__ import annotations

import re
import uuid
from email import message_from_bytes
from email.policy import default as email_policy

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser.console_support import HIDE_TAB, SHOW_TAB
from tests.browser.support import axe_violations
from tests.local.support import AGENT_PASSWORD, wait_until


def admin_console(consoles, stack):
    return consoles().sign_in(stack.urls.admin_email, stack.urls.admin_password)


def agents_by_id(stack, state: str) -> dict[str, dict]:
    found: dict[str, dict] = {}
    path = f"/admin/agents?state={state}&limit=100"
    next_page = None
    while True:
        url = path + (f"&next={next_page}" if next_page else "")
        page = stack.api.call("GET", url, token=stack.admin_token, expect=200).json()
        found.update({agent["agent_id"]: agent for agent in page["agents"]})
        next_page = page["next"]
        if not next_page:
            return found


def departments_by_id(stack) -> dict[str, dict]:
    answer = stack.api.call("GET", "/admin/departments", token=stack.admin_token, expect=200)
    return {d["department_id"]: d for d in answer.json()["departments"]}


def emails_to(stack, address: str) -> list[dict]:
    answer = httpx.get(stack.urls.outbox_url, headers={"Accept": "application/json"}, timeout=10)
    return [message for message in answer.json()["messages"] if address in message["to"]]


def register(stack, name: str) -> tuple[str, str]:
    address = f"neu-{uuid.uuid4().hex[:8]}@example.org"
    stack.api.register_confirmed(address, name, AGENT_PASSWORD)
    pending = stack.api.call(
        "GET", "/admin/agents?state=pending&limit=200", token=stack.admin_token, expect=200
    ).json()["agents"]
    return next(a["agent_id"] for a in pending if a["email"] == address), address


def unique(name: str) -> str:
    return f"{name} {uuid.uuid4().hex[:4]}"


# ---- registrations (S1, S2) ---------------------------------------------------------------------


def test_a_registered_person_confirms_the_address_waits_for_approval_and_then_signs_in(
    stack, consoles
):
    department_name = unique("Bibliothek")
    department = stack.new_department(name=department_name)
    address = f"neu-{uuid.uuid4().hex[:8]}@example.org"

    # A person registers on the console's registration screen and is asked to open the link.
    person = consoles().open()
    page = person.page
    page.get_by_role("link", name="Registrieren").click()
    page.get_by_label("Name").fill("Nora Neu")
    page.get_by_label("E-Mail-Adresse").fill(address)
    page.get_by_label("Passwort").fill(AGENT_PASSWORD)
    page.get_by_role("button", name="Registrieren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Bitte bestätigen Sie Ihre E-Mail-Adresse"
    )

    # Signing in before confirming asks for the link again; no admin sees the registration.
    person.open()
    page.get_by_label("E-Mail-Adresse").fill(address)
    page.get_by_label("Passwort").fill(AGENT_PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Bitte bestätigen Sie Ihre E-Mail-Adresse"
    )
    assert address not in [a["email"] for a in agents_by_id(stack, "pending").values()]

    # The link in the email confirms the address and leaves the address bar.
    page.goto(stack.api.emailed_link(address))
    expect(page.get_by_role("heading", level=1)).to_have_text("E-Mail-Adresse bestätigt")
    assert "verify" not in page.url

    # Signing in before the approval shows the waiting screen.
    person.open()
    page.get_by_label("E-Mail-Adresse").fill(address)
    page.get_by_label("Passwort").fill(AGENT_PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Warten auf Freischaltung")

    # The admin approves the registration with a department.
    admin = admin_console(consoles, stack)
    admin.go("#admin/registrations")
    expect(admin.heading).to_have_text("Registrierungen")
    row = admin.main.locator("tr", has_text=address)
    expect(row).to_contain_text("Nora Neu")
    row.get_by_role("button", name="Freischalten").click()
    dialog = admin.dialog()
    expect(dialog).to_contain_text("Nora Neu freischalten")
    dialog.get_by_label("Rolle").select_option("agent")
    dialog.locator(f"#approve-department-{department}").check()
    dialog.get_by_role("button", name="Freischalten").click()
    expect(admin.toast()).to_contain_text(
        "Nora Neu ist freigeschaltet; die Bestätigungsmail ist verschickt."
    )
    expect(row).to_have_count(0)

    # The confirmation email names the department.
    wait_until(lambda: len(emails_to(stack, address)) == 2, 10, "the confirmation email")
    mail = emails_to(stack, address)[0]  # newest first
    assert "freigeschaltet" in mail["subject"]
    raw = httpx.get(stack.urls.base_url + mail["url"], timeout=10).content
    text = message_from_bytes(raw, policy=email_policy).get_content()
    assert department in text

    # The new agent signs in and lands in the back office: livechat green, online.
    person.sign_in(address)
    expect(page.locator("#livechat-toggle")).to_have_attribute("aria-pressed", "true")
    expect(person.status_dot()).to_have_class(re.compile("status-online"))
    expect(page.locator(f'#button-visibility [data-department="{department}"]')).to_contain_text(
        department_name
    )


def test_a_rejected_registration_cannot_sign_in(stack, consoles):
    agent_id, address = register(stack, "Rolf Abgelehnt")
    admin = admin_console(consoles, stack)
    admin.go("#admin/registrations")
    row = admin.main.locator(f'tr[data-agent="{agent_id}"]')
    row.get_by_role("button", name="Ablehnen").click()
    expect(admin.dialog()).to_contain_text("Registrierung von Rolf Abgelehnt ablehnen?")
    admin.confirm("Ablehnen")
    expect(admin.toast()).to_contain_text("Die Registrierung von Rolf Abgelehnt ist abgelehnt.")
    expect(row).to_have_count(0)
    assert agent_id in agents_by_id(stack, "disabled")

    person = consoles().open()
    person.page.get_by_label("E-Mail-Adresse").fill(address)
    person.page.get_by_label("Passwort").fill(AGENT_PASSWORD)
    person.page.get_by_role("button", name="Anmelden").click()
    expect(person.page.locator("#auth-error")).to_have_text(
        "Dieser Zugang ist gesperrt. Bitte wenden Sie sich an den Service-Desk."
    )


def test_without_pending_registrations_the_screen_says_so(stack, consoles):
    admin = admin_console(consoles, stack)
    for agent_id in agents_by_id(stack, "pending"):
        stack.api.call(
            "POST", f"/admin/agents/{agent_id}/disable", token=stack.admin_token, expect=200
        )
    admin.go("#admin/registrations")
    expect(admin.main.locator("#no-registrations")).to_have_text(
        "Keine Registrierungen warten auf die Freischaltung."
    )


# ---- agents -------------------------------------------------------------------------------------


def test_the_admin_changes_an_agents_role_and_departments_and_disables_them_at_once(
    stack, consoles, agent_console
):
    first, second = unique("Beratung"), unique("Bibliothek")
    counselling = stack.new_department(name=first)
    library = stack.new_department(name=second)
    agent, agents_view = agent_console("Carla Agentin", [counselling])

    admin = admin_console(consoles, stack)
    admin.go("#admin/agents")
    row = admin.main.locator(f'#agents-active-table tr[data-agent="{agent.agent_id}"]')
    expect(row.locator(".agent-departments")).to_have_text(first)
    expect(row.locator(".agent-role")).to_have_text("Chat-Agent:in")

    row.get_by_role("button", name="Bearbeiten").click()
    dialog = admin.dialog()
    dialog.get_by_label("Rolle").select_option("admin")
    dialog.locator(f"#edit-department-{counselling}").uncheck()
    dialog.locator(f"#edit-department-{library}").check()
    admin.confirm("Speichern")
    expect(admin.toast()).to_contain_text("Die Angaben von Carla Agentin sind gespeichert.")
    expect(row.locator(".agent-role")).to_have_text("Administrator:in")
    expect(row.locator(".agent-departments")).to_have_text(second)
    changed = agents_by_id(stack, "active")[agent.agent_id]
    assert (changed["role"], changed["departments"]) == ("admin", [library])

    # Nobody can disable themself: the admin's own row says why instead of offering it.
    admin_id = stack.api.call("GET", "/me", token=stack.admin_token, expect=200).json()["agent_id"]
    own_row = admin.main.locator(f'#agents-active-table tr[data-agent="{admin_id}"]')
    expect(own_row).to_contain_text("Ihren eigenen Zugang können Sie nicht sperren.")
    expect(own_row.get_by_role("button", name="Sperren")).to_have_count(0)

    row.get_by_role("button", name="Sperren").click()
    expect(admin.dialog()).to_contain_text("Zugang von Carla Agentin sperren?")
    admin.confirm("Sperren")
    expect(admin.toast()).to_contain_text("Der Zugang von Carla Agentin ist gesperrt.")
    expect(row).to_have_count(0)
    expect(
        admin.main.locator(f'#agents-disabled-table tr[data-agent="{agent.agent_id}"]')
    ).to_be_visible()

    # The agent's open console is signed out at once: its socket closes and the session is gone.
    expect(agents_view.page.locator("#auth-error")).to_contain_text("Ihre Sitzung ist abgelaufen")
    expect(agents_view.page.get_by_role("button", name="Anmelden")).to_be_visible()


def test_the_agents_list_shows_status_changes_without_a_reload(stack, consoles, agent_console):
    """A status chosen elsewhere shows when the admin comes back to the tab, and while the
    screen stays open within a gentle poll, in place: the admin's focus stays where it was."""
    agent, _ = agent_console("Carla Agentin", [stack.new_department(name=unique("Beratung"))])
    admin = admin_console(consoles, stack)
    admin.go("#admin/agents")
    row = admin.main.locator(f'#agents-active-table tr[data-agent="{agent.agent_id}"]')
    expect(row.locator(".agent-status")).to_have_text("online, Livechat an")

    stack.api.call("PUT", "/me/status", {"status": "away"}, token=agent.token, expect=200)
    admin.page.evaluate(HIDE_TAB)
    admin.page.evaluate(SHOW_TAB)
    expect(row.locator(".agent-status")).to_have_text("abwesend, Livechat an")

    edit = row.get_by_role("button", name="Bearbeiten")
    edit.focus()
    stack.api.call("PUT", "/me/availability", {"available": False}, token=agent.token, expect=200)
    expect(row.locator(".agent-status")).to_have_text("abwesend, Livechat aus", timeout=25000)
    expect(edit).to_be_focused()


# ---- departments (S10, S27) ---------------------------------------------------------------------


def test_the_admin_creates_edits_and_deletes_a_department_with_its_snippet(stack, consoles, staff):
    department = f"bib-{uuid.uuid4().hex[:6]}"
    name = unique("Bibliothek")
    admin = admin_console(consoles, stack)
    page = admin.page
    admin.go("#admin/departments")
    expect(admin.heading).to_have_text("Abteilungen")

    page.get_by_role("button", name="Neue Abteilung").click()
    dialog = admin.dialog()
    dialog.get_by_label("Abteilungs-ID").fill(department)
    dialog.get_by_label("Name").fill(name)
    dialog.get_by_label("Webseitenbereiche").fill(
        "https://www.uni-example.de\nhttps://uni-example.de/\n"
    )
    expect(dialog.get_by_label("Aufbewahrung in Stunden")).to_have_value("24")
    dialog.get_by_label("Aufbewahrung in Stunden").fill("48")
    admin.confirm("Anlegen")
    expect(admin.toast()).to_contain_text(f"Die Abteilung {name} ist angelegt.")

    card = admin.main.locator(f'[data-department="{department}"]')
    expect(card.get_by_role("heading", level=2)).to_have_text(name)
    expect(card.locator(".department-origins li")).to_have_text(
        ["https://www.uni-example.de", "https://uni-example.de"]
    )
    expect(card.locator(".department-retention")).to_have_text("48 Stunden")
    expect(card.locator(".button-state")).to_have_text("Chat-Button nicht sichtbar")
    created = departments_by_id(stack)[department]
    assert created["allowed_origins"] == ["https://www.uni-example.de", "https://uni-example.de"]
    assert created["retention_hours"] == 48

    # The snippet, ready to copy.
    snippet = (
        f'<script async src="{stack.urls.base_url}/widget/loader.js" '
        f'data-department="{department}" data-lang="de"></script>'
    )
    expect(card.get_by_label("Snippet für die Webseite")).to_have_value(snippet)
    admin.context.grant_permissions(
        ["clipboard-read", "clipboard-write"], origin=stack.urls.base_url
    )
    card.get_by_role("button", name="Snippet kopieren").click()
    expect(admin.toast()).to_contain_text("Das Snippet ist in der Zwischenablage.")
    assert page.evaluate("() => navigator.clipboard.readText()") == snippet

    # Once an agent of the department is available, its button shows.
    staff(department, "Anna")
    admin.go("#admin/agents")
    expect(admin.heading).to_have_text("Chat-Agenten")
    admin.go("#admin/departments")
    expect(card.locator(".button-state")).to_have_text("Chat-Button sichtbar")

    card.get_by_role("button", name="Bearbeiten").click()
    dialog = admin.dialog()
    expect(dialog).to_contain_text(f"Abteilungs-ID: {department}")
    dialog.get_by_label("Name").fill(name + " (Zentrale)")
    dialog.get_by_label("Aufbewahrung in Stunden").fill("12")
    admin.confirm("Speichern")
    expect(card.get_by_role("heading", level=2)).to_have_text(name + " (Zentrale)")
    expect(card.locator(".department-retention")).to_have_text("12 Stunden")
    edited = departments_by_id(stack)[department]
    assert (edited["name"], edited["retention_hours"]) == (name + " (Zentrale)", 12)
    assert edited["allowed_origins"] == created["allowed_origins"]

    card.get_by_role("button", name="Löschen").click()
    expect(admin.dialog()).to_contain_text(f'data-department="{department}"')
    admin.confirm("Löschen")
    expect(admin.toast()).to_contain_text("ist gelöscht")
    expect(card).to_have_count(0)
    assert department not in departments_by_id(stack)


def test_a_bad_department_id_is_explained_next_to_it_and_creates_nothing(stack, consoles):
    name = unique("Falsch")
    admin = admin_console(consoles, stack)
    admin.go("#admin/departments")
    admin.page.get_by_role("button", name="Neue Abteilung").click()
    dialog = admin.dialog()
    dialog.get_by_label("Abteilungs-ID").fill("Meine Abteilung!")
    dialog.get_by_label("Name").fill(name)
    dialog.get_by_role("button", name="Anlegen").click()

    # The dialog is open again with what was typed, the error next to the field, in German.
    dialog = admin.dialog()
    expect(dialog.locator("#department-id-error")).to_have_text("Bitte prüfen Sie diese Eingabe.")
    field = dialog.get_by_label("Abteilungs-ID")
    expect(field).to_have_value("Meine Abteilung!")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_be_focused()
    expect(dialog.get_by_label("Name")).to_have_value(name)
    admin.confirm("Abbrechen")
    assert all(d["name"] != name for d in departments_by_id(stack).values())


# ---- accessibility ------------------------------------------------------------------------------


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_administration_screens_and_their_dialogs_have_no_axe_violations(
    stack, consoles, agent_console, theme
):
    department = stack.new_department(name=unique("Beratung"))
    agent_console("Dora Dienst", [department])
    agent_id, _ = register(stack, "Paula Wartend")
    admin = admin_console(consoles, stack)
    page = admin.page
    # The theme as the admin's settings would set it (without changing the shared admin).
    page.evaluate("(theme) => { document.documentElement.dataset.theme = theme; }", theme)

    admin.go("#admin/registrations")
    expect(admin.main.locator(f'tr[data-agent="{agent_id}"]')).to_be_visible()
    assert axe_violations(page) == [], "registrations"
    admin.main.locator(f'tr[data-agent="{agent_id}"]').get_by_role(
        "button", name="Freischalten"
    ).click()
    expect(admin.dialog()).to_be_visible()
    assert axe_violations(page) == [], "approval dialog"
    admin.confirm("Abbrechen")

    admin.go("#admin/agents")
    expect(admin.main.locator("#agents-active-table")).to_be_visible()
    assert axe_violations(page) == [], "agents"
    admin.main.locator("#agents-active-table tbody tr").first.get_by_role(
        "button", name="Bearbeiten"
    ).click()
    expect(admin.dialog()).to_be_visible()
    assert axe_violations(page) == [], "agent dialog"
    admin.confirm("Abbrechen")

    admin.go("#admin/departments")
    expect(admin.main.locator(f'[data-department="{department}"]')).to_be_visible()
    assert axe_violations(page) == [], "departments"
    page.get_by_role("button", name="Neue Abteilung").click()
    expect(admin.dialog()).to_be_visible()
    assert axe_violations(page) == [], "department dialog"
    admin.confirm("Abbrechen")


def test_the_administration_works_with_the_keyboard(stack, consoles):
    """Enter opens the approval, Escape closes it, Space ticks a department, Enter approves."""
    agent_id, address = register(stack, "Karl Tastatur")
    department = stack.new_department(name=unique("Tastatur"))
    admin = admin_console(consoles, stack)
    page = admin.page
    admin.go("#admin/registrations")
    approve = admin.main.locator(f'tr[data-agent="{agent_id}"]').get_by_role(
        "button", name="Freischalten"
    )
    expect(approve).to_be_visible()
    approve.focus()
    page.keyboard.press("Enter")
    dialog = admin.dialog()
    expect(dialog.get_by_label("Rolle")).to_be_focused()
    page.keyboard.press("Escape")
    expect(admin.dialog()).to_have_count(0)

    approve.focus()
    page.keyboard.press("Enter")
    checkbox = admin.dialog().locator(f"#approve-department-{department}")
    checkbox.focus()
    page.keyboard.press("Space")
    expect(checkbox).to_be_checked()
    admin.dialog().get_by_role("button", name="Freischalten").focus()
    page.keyboard.press("Enter")
    expect(admin.toast()).to_contain_text("Karl Tastatur ist freigeschaltet")
    assert agents_by_id(stack, "active")[agent_id]["departments"] == [department]
    wait_until(lambda: len(emails_to(stack, address)) == 2, 10, "the confirmation email")
