"""A day at the console (issue 25): Home follows the queue live, unread counts survive a reload,
and a chat forwarded to an agent alerts them like a new request, saying who forwarded it and
their note."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

from tests.browser.console_support import create, named
from tests.browser.support import Widget, axe_violations
from tests.browser.test_office_hours import office_hours_of
from tests.local.support import AGENT_PASSWORD, wait_until


def test_home_lists_waiting_requests_as_they_come_and_go(stack, website, page, agent_console):
    department = stack.new_department([website.origin], name="Prüfungsamt")
    _, console = agent_console("Hanna", [department])
    console.go("")
    waiting = console.main.locator('section[aria-labelledby="home-waiting"]')
    expect(waiting).to_contain_text("Keine wartenden Anfragen")

    page.goto(website.page(department))
    chat = Widget(page).open()
    chat.send("Wann ist die Anmeldefrist?")

    entry = waiting.locator("li a")
    expect(entry).to_have_count(1)
    expect(console.page).to_have_title(re.compile(r"^\(1\) "))
    entry.click()
    console.page.locator("#take").click()
    console.go("")
    expect(waiting).to_contain_text("Keine wartenden Anfragen")
    assert axe_violations(console.page) == []


def test_unread_counts_of_a_livechat_survive_a_reload(stack, website, page, agent_console):
    department = stack.new_department([website.origin], name="Bibliothek")
    _, console = agent_console("Ida", [department])
    page.goto(website.page(department))
    chat = Widget(page).open()
    chat.send("Hallo")
    console.queue.locator("a.room-link").click()
    console.page.locator("#take").click()
    expect(chat.line("Ida hat den Chat übernommen.")).to_be_visible()
    room_id = console.open_chats.locator("a.room-link").get_attribute("data-room")

    console.go("account")
    chat.send("Sind Sie da?")
    chat.send("Hallo?")
    badge = console.open_entry(room_id).locator(".unread-badge")
    expect(badge).to_have_attribute("data-unread", "2")

    console.page.reload()
    expect(badge).to_have_attribute("data-unread", "2")
    expect(console.page).to_have_title(re.compile(r"^\(2\) "))

    # Read, it stays read after another reload.
    read = f"/rooms/{room_id}/read"
    with console.page.expect_response(lambda response: response.url.endswith(read)):
        console.open_entry(room_id).click()
    expect(console.line("Hallo?")).to_be_visible()
    expect(badge).to_have_count(0)
    console.go("account")
    console.page.reload()
    expect(console.open_entry(room_id)).to_be_visible()
    expect(badge).to_have_count(0)


def test_a_forwarded_chat_alerts_like_a_new_one_with_who_forwarded_it_and_their_note(
    stack, website, page, agent_console
):
    department = stack.new_department([website.origin], name="Studierendensekretariat")
    _, jana = agent_console("Jana", [department])
    _, karl = agent_console("Karl", [department])
    page.goto(website.page(department))
    chat = Widget(page).open()
    chat.send("Ich brauche eine Immatrikulationsbescheinigung.")
    jana.queue.locator("a.room-link").click()
    jana.page.locator("#take").click()
    room_id = jana.open_chats.locator("a.room-link").get_attribute("data-room")
    karl.go("account")

    jana.page.locator("#forward").click()
    jana.dialog().get_by_label("Notiz für die Empfänger").fill("Braucht sie heute noch")
    sounds = karl.sounds()
    jana.confirm("An anderen Chat-Agenten weiterleiten")

    wait_until(lambda: karl.sounds() > sounds, 10, "the forward's sound")
    badge = karl.open_entry(room_id).locator(".unread-badge")
    expect(badge).to_have_attribute("data-unread", "1")
    expect(karl.page).to_have_title(re.compile(r"^\(1\) "))
    expect(karl.toast()).to_contain_text("Weitergeleitet von Jana: „Braucht sie heute noch“")
    # The visitor never sees the note.
    expect(chat.line("Der Chat wurde an Karl weitergeleitet.")).to_be_visible()
    assert "Braucht sie" not in page.content()


def test_the_forward_dialog_offers_what_can_work_and_the_view_follows_the_forwarded_chat(
    stack, website, page, agent_console
):
    own = stack.new_department([website.origin], name="Zulassung")
    nobody = stack.new_department([website.origin], name="Auslandsamt")
    other = stack.new_department([website.origin], name="Stipendien")
    _, lena = agent_console("Lena", [own])
    _, max_ = agent_console("Max", [other])
    page.goto(website.page(own))
    chat = Widget(page).open()
    chat.send("Kann ich mich noch bewerben?")
    lena.queue.locator("a.room-link").click()
    lena.page.locator("#take").click()
    expect(lena.page.locator("#forward")).to_be_visible()

    lena.page.locator("#forward").click()
    dialog = lena.dialog()
    to_department = dialog.get_by_role("button", name="An Abteilung weiterleiten")
    dialog.locator("#forward-department").select_option(nobody)
    expect(dialog.locator("#forward-note")).to_contain_text(
        "In Auslandsamt kann gerade niemand antworten"
    )
    expect(to_department).to_be_disabled()
    dialog.locator("#forward-department").select_option(other)
    expect(to_department).to_be_enabled()
    dialog.get_by_label("Notiz für die Empfänger").fill("Frist läuft Freitag ab")
    assert axe_violations(lena.page) == []
    lena.confirm("An Abteilung weiterleiten")

    # Lena does not serve Stipendien: she reads on, but is offered no preview and no take.
    expect(lena.page.locator("#moved-away")).to_contain_text("Weitergeleitet an Stipendien")
    expect(lena.page.locator("#take")).to_have_count(0)
    expect(lena.conversation).to_contain_text("Kann ich mich noch bewerben?")
    # Max sees who sent it and why, with the chat.
    max_.queue.locator("a.room-link").click()
    expect(max_.page.locator("#room-handover")).to_have_text(
        "Weitergeleitet von Lena: „Frist läuft Freitag ab“"
    )


def test_a_dialog_shows_one_current_error_per_field_and_drops_it_when_the_field_changes(
    stack, website, page, agent_console
):
    department = stack.new_department([website.origin], name="Wohnheime")
    _, nora = agent_console("Nora", [department])
    page.goto(website.page(department))
    Widget(page).open().send("Ist noch ein Zimmer frei?")
    nora.queue.locator("a.room-link").click()
    nora.page.locator("#take").click()
    nora.page.get_by_role("button", name="Kontakt hinzufügen").click()
    dialog = nora.dialog()
    email, phone = dialog.locator("#contact-email"), dialog.locator("#contact-phone")

    email.fill("kein-at-zeichen")
    dialog.get_by_role("button", name="Speichern").click()
    expect(nora.dialog().locator(".field-error")).to_have_count(1)
    expect(email).to_have_attribute("aria-invalid", "true")

    email.fill("nora@uni.example")  # corrected: its error is gone at once
    expect(nora.dialog().locator(".field-error")).to_have_count(0)
    expect(email).not_to_have_attribute("aria-invalid", "true")
    phone.fill("+49 (0) 30 abc")
    dialog.get_by_role("button", name="Speichern").click()
    errors = nora.dialog().locator(".field-error")
    expect(errors).to_have_count(1)
    expect(nora.dialog().locator("#contact-phone-error")).to_be_visible()
    expect(email).not_to_have_attribute("aria-invalid", "true")


def test_the_german_console_says_why_a_password_is_easy_to_guess_in_german(consoles):
    console = consoles().open()
    console.page.get_by_role("link", name=re.compile("Registrieren|Konto beantragen")).click()
    console.page.get_by_label("Name").fill("Olga")
    console.page.get_by_label("E-Mail-Adresse").fill("olga@uni.example")
    console.page.get_by_label("Passwort").fill("aaaaaaaaaaaaaa")
    console.page.get_by_role("button", name="Registrieren").click()

    why = console.page.locator("#f-password-error")
    expect(why).to_contain_text("Wiederholungen wie „aaa“ sind leicht zu erraten.")
    expect(why).to_contain_text("Vermeiden Sie wiederholte Wörter und Zeichen.")
    assert "easy to guess" not in why.inner_text() and "Avoid" not in why.inner_text()


def test_the_office_hours_time_zone_is_chosen_from_a_list(stack, website, consoles):
    department = stack.new_department([website.origin], name="Mensa")
    admin = consoles().sign_in(stack.urls.admin_email, stack.urls.admin_password)
    admin.go("#admin/departments")
    card = admin.main.locator(f'[data-department="{department}"]')
    card.get_by_role("button", name="Bearbeiten").click()
    zone = admin.dialog().get_by_label("Zeitzone")

    assert zone.evaluate("(element) => element.tagName") == "SELECT"
    expect(zone).to_have_value("Europe/Berlin")
    expect(zone.locator('option[value="America/New_York"]')).to_have_count(1)
    zone.select_option("Europe/Vienna")
    admin.dialog().get_by_label("Chat-Button nur zu den Sprechzeiten zeigen").check()
    admin.dialog().get_by_label("Montag", exact=True).fill("08:00-12:00")
    admin.confirm("Speichern")

    expect(admin.toast()).to_contain_text("ist gespeichert")
    assert office_hours_of(stack, department)["time_zone"] == "Europe/Vienna"


def test_a_canned_responses_limits_are_stated_where_it_is_written(stack, agent_console):
    department = stack.new_department([], name="Sportzentrum")
    _, pia = agent_console("Pia", [department])
    pia.go("account")

    text = pia.page.locator("#my-canned-text")

    expect(pia.page.locator("#my-canned-text-hint")).to_have_text(
        "Höchstens 2000 Zeichen, wie eine Nachricht; höchstens 100 Textbausteine je Liste."
    )
    expect(text).to_have_attribute("aria-describedby", "my-canned-text-hint")
    expect(text).to_have_attribute("maxlength", "2000")


def test_a_refused_line_is_named_with_the_rule_it_breaks(stack, website, consoles):
    department = stack.new_department([website.origin], name="Rechenzentrum")
    admin = consoles().sign_in(stack.urls.admin_email, stack.urls.admin_password)
    admin.go("#admin/departments")
    card = admin.main.locator(f'[data-department="{department}"]')
    card.get_by_role("button", name="Bearbeiten").click()
    dialog = admin.dialog()
    save = dialog.get_by_role("button", name="Speichern", exact=True)
    dialog.get_by_label("Dienstag", exact=True).fill("08:00-12:00, 18:00-08:00")
    save.click()
    expect(admin.dialog().locator("#office-hours-tue-error")).to_have_text(
        "Eintrag 2 („18:00-08:00“): Das Ende muss nach dem Beginn liegen"
        " (über Mitternacht: zwei Spannen, bis 24:00 und ab 00:00)."
    )

    dialog.get_by_label("Dienstag", exact=True).fill("08:00-12:00")
    dialog.get_by_label("Geschlossene Tage").fill("2026-12-24\n2026-02-30")
    save.click()
    expect(admin.dialog().locator("#office-hours-closed-error")).to_have_text(
        "Zeile 2 („2026-02-30“): Bitte ein Datum, das es gibt, als Jahr-Monat-Tag wie"
        " 2026-12-24 angeben."
    )

    dialog.get_by_label("Geschlossene Tage").fill("")
    origins = dialog.locator("#department-origins")
    origins.fill(f"{website.origin}\nhttps://www.uni.example/studium")
    save.click()
    expect(admin.dialog().locator("#department-origins-error")).to_contain_text(
        "Zeile 2 („https://www.uni.example/studium“): Eine Herkunft ist https:// oder http://"
    )
    expect(admin.dialog().locator(".field-error")).to_have_count(1)
    assert axe_violations(admin.page) == []


def test_home_is_one_link_away_and_the_title_counts_team_chat_unread(stack, website, agent_console):
    department = stack.new_department([website.origin], name="Team Home")
    anna_name, ben_name = named("Anna"), named("Ben")
    _, anna = agent_console(anna_name, [department])
    _, ben = agent_console(ben_name, [department])
    ben.go("account")
    expect(ben.page).to_have_title("Mein Konto – Live-Chat")

    create(anna, "Direktnachricht", [ben_name])
    anna.reply("Hast du kurz Zeit?")
    expect(ben.page).to_have_title("(1) Mein Konto – Live-Chat")

    ben.page.locator(".sidebar").get_by_role("link", name="Home", exact=True).click()
    expect(ben.heading).to_have_text(f"Willkommen, {ben_name}")
    expect(ben.page.locator('.sidebar a[href="#home"]')).to_have_attribute("aria-current", "page")
    ben.go("account")
    ben.go("home")
    expect(ben.heading).to_have_text(f"Willkommen, {ben_name}")
    assert axe_violations(ben.page) == []


def test_admins_see_how_many_registrations_wait_for_them(stack, consoles):
    email = f"wartend-{uuid.uuid4().hex[:6]}@uni.example"
    stack.api.register_confirmed(email, "Wanda Wartend", AGENT_PASSWORD)
    admin = consoles().sign_in(stack.urls.admin_email, stack.urls.admin_password)

    link = admin.page.locator('.sidebar a[href="#admin/registrations"]')
    badge = link.locator(".unread-badge")
    waiting = stack.api.call(
        "GET", "/admin/agents?state=pending&limit=200", token=stack.admin_token, expect=200
    ).json()["agents"]
    expect(badge).to_have_attribute("data-unread", str(len(waiting)))
    expect(link).to_contain_text(f"{len(waiting)} warten")
    assert axe_violations(admin.page) == []


def test_links_in_messages_open_safely_and_nothing_else_is_interpreted(
    stack, website, page, agent_console
):
    department = stack.new_department([website.origin], name="Prüfungsamt Links")
    _, quinn = agent_console("Quinn", [department])
    page.goto(website.page(department))
    chat = Widget(page).open()
    chat.send("Siehe https://www.uni.example/frist?jahr=2027. Und javascript:alert(1) <b>fett</b>")
    quinn.queue.locator("a.room-link").click()
    quinn.page.locator("#take").click()

    line = quinn.line("Siehe")
    link = line.get_by_role("link", name="https://www.uni.example/frist?jahr=2027")
    expect(link).to_have_attribute("href", "https://www.uni.example/frist?jahr=2027")
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    expect(link).to_have_attribute("target", "_blank")
    expect(line.locator("a")).to_have_count(1)  # javascript: stays text
    expect(line).to_contain_text("javascript:alert(1) <b>fett</b>")
    expect(line.locator("b")).to_have_count(0)

    quinn.reply("Das Formular: http://www.uni.example/antrag")
    theirs = chat.line("Das Formular: http://www.uni.example/antrag")
    answer = chat.frame.get_by_role("link", name="http://www.uni.example/antrag")
    expect(theirs).to_be_visible()
    expect(answer).to_have_attribute("rel", "noopener noreferrer")
    expect(answer).to_have_attribute("target", "_blank")
    assert axe_violations(quinn.page) == []
    assert axe_violations(page) == []


def test_team_rooms_have_the_livechats_look_with_mentions_marked(stack, website, agent_console):
    department = stack.new_department([website.origin], name="Team Look")
    anna_name, ben_name = named("Anna"), named("Ben")
    _, ben = agent_console(ben_name, [department])
    _, anna = agent_console(anna_name, [department])

    create(anna, "Kanal", [], name=named("Allein"))
    expect(anna.page.locator("#main .room-head .muted")).to_have_text("1 Mitglied")
    room_id = create(anna, "Direktnachricht", [ben_name])
    ben.go(f"room/{room_id}")
    ben.reply(f"@{anna_name} schau mal: https://www.uni.example/plan")
    anna.go(f"room/{room_id}")

    line = anna.conversation.locator("li.msg", has_text="schau mal")
    expect(line).to_have_class(re.compile(r"\bmsg visitor\b"))
    expect(line.locator("mark.mention")).to_have_text(f"@{anna_name}")
    expect(line.get_by_role("link")).to_have_attribute("rel", "noopener noreferrer")
    assert anna.conversation.evaluate("(list) => getComputedStyle(list).listStyleType") == "none"
    bubble = line.locator(".bubble")
    assert bubble.evaluate("(b) => getComputedStyle(b).borderRadius") != "0px"
    anna.reply("Danke!")
    expect(anna.conversation.locator("li.msg.agent", has_text="Danke!")).to_be_visible()
    assert axe_violations(anna.page) == []


def test_a_skip_link_leads_past_the_sidebar_and_emoji_initials_stay_whole(stack, agent_console):
    department = stack.new_department([], name="Skip")
    _, zoe = agent_console("Zoë Sonne 🌻", [department])
    zoe.go("account")
    expect(zoe.page.locator(".profile-button .avatar")).to_have_text("Z🌻")

    zoe.page.locator("body").focus()
    zoe.page.keyboard.press("Tab")
    skip = zoe.page.get_by_role("link", name="Zum Inhalt springen")
    expect(skip).to_be_focused()
    zoe.page.keyboard.press("Enter")
    expect(zoe.main).to_be_focused()
    expect(zoe.heading).to_have_text("Mein Konto")  # the screen stays
    assert axe_violations(zoe.page) == []


def test_saving_an_empty_contact_says_why_it_is_not_saved(stack, website, page, agent_console):
    department = stack.new_department([website.origin], name="Kontakte leer")
    _, rita = agent_console("Rita", [department])
    page.goto(website.page(department))
    Widget(page).open().send("Hallo")
    rita.queue.locator("a.room-link").click()
    rita.page.locator("#take").click()
    rita.page.get_by_role("button", name="Kontakt hinzufügen").click()
    rita.dialog().get_by_role("button", name="Speichern").click()

    expect(rita.dialog().locator(".form-error")).to_have_text(
        "Nichts zu speichern: Bitte füllen Sie mindestens ein Feld aus"
        " (Name, E-Mail-Adresse, Telefon oder Notiz)."
    )
    expect(rita.dialog().locator("#contact-name")).to_be_focused()


def test_the_directory_tabs_show_which_one_is_chosen(stack, agent_console):
    department = stack.new_department([], name="Verzeichnis Tabs")
    _, sven = agent_console("Sven", [department])
    sven.go("directory")
    channels = sven.main.get_by_role("button", name="Kanäle", exact=True)
    users = sven.main.get_by_role("button", name="Benutzer", exact=True)
    expect(channels).to_have_attribute("aria-pressed", "true")

    def background(tab) -> str:
        return tab.evaluate("(button) => getComputedStyle(button).backgroundColor")

    assert background(channels) != background(users)
    users.click()
    expect(users).to_have_attribute("aria-pressed", "true")
    assert background(users) != background(channels)
    assert axe_violations(sven.page) == []


def test_the_save_bar_of_my_account_covers_nothing_once_scrolled_past(stack, agent_console):
    """The bar keeps Speichern in reach while the form scrolls; where the form ends, it covers
    neither the form's last field nor the section after it."""
    department = stack.new_department([], name="Speichern")
    _, vera = agent_console("Vera", [department])
    vera.page.set_viewport_size({"width": 1280, "height": 800})
    vera.go("account")
    expect(vera.page.locator("#account-save")).to_be_visible()
    covered = vera.page.evaluate(
        """() => {
        const bar = document.querySelector(".account-save");
        const main = document.getElementById("main");
        const seen = [];
        // Each place the bar can be: stuck to the bottom, and where the form ends.
        for (let top = 0; top <= main.scrollHeight; top += 40) {
            main.scrollTop = top;
            const b = bar.getBoundingClientRect();
            const stuck = Math.abs(b.bottom - main.getBoundingClientRect().bottom) < 2;
            if (stuck) continue;  // over the form while it scrolls: the form goes on below
            for (const node of main.querySelectorAll("h2, label, input, select, button, p")) {
                if (bar.contains(node)) continue;
                const r = node.getBoundingClientRect();
                if (r.height && r.bottom > b.top + 1 && r.top < b.bottom - 1)
                    seen.push(node.textContent.trim().slice(0, 40) || node.id);
            }
        }
        return [...new Set(seen)];
    }"""
    )
    assert covered == []
