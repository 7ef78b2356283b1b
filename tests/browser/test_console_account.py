"""My account (S4) in the browser: profile picture, name, availability (the auto-away delay),
messages, sound, visual theme, adaptable layout and language; saved with the agent and kept
after a reload."""

from __future__ import annotations

import base64
import struct
import zlib

from playwright.sync_api import expect

from tests.browser.support import axe_violations


def png(width: int, height: int) -> bytes:
    """A colourful PNG made here, without an image library."""
    rows = b"".join(
        b"\x00" + b"".join(bytes((x * 255 // width, y * 255 // height, 160)) for x in range(width))
        for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def me(stack, agent) -> dict:
    return stack.api.call("GET", "/me", token=agent.token, expect=200).json()


def test_my_account_keeps_name_away_delay_sound_theme_layout_and_language(stack, agent_console):
    department = stack.new_department()
    agent, console = agent_console("Berta Beispiel", [department])
    page = console.page
    console.go("#account")
    expect(console.heading).to_have_text("Mein Konto")
    expect(page.locator("#account-email")).to_have_text(agent.email)
    expect(page.locator("#account-role")).to_have_text("Chat-Agent:in")
    expect(page.get_by_label("Automatisch »abwesend« nach (Minuten)")).to_have_value("5")
    expect(page.locator("#account-away-hint")).to_contain_text("0 = nie")

    # The test sound plays what a new request sounds like.
    before = console.sounds()
    page.get_by_role("button", name="Testton abspielen").click()
    assert console.sounds() > before

    page.get_by_label("Name", exact=True).fill("Berta Neumann")
    page.get_by_label("Automatisch »abwesend« nach (Minuten)").fill("15")
    page.get_by_label("Ton bei neuen Chat-Anfragen abspielen").uncheck()
    page.get_by_label("Dunkel").check()
    page.get_by_label("Kompakt").check()
    page.get_by_label("English").check()
    page.get_by_role("button", name="Speichern").click()

    # The whole console switches at once.
    html = page.locator("html")
    expect(html).to_have_attribute("data-theme", "dark")
    expect(html).to_have_attribute("data-density", "compact")
    expect(html).to_have_attribute("lang", "en")
    expect(console.toast()).to_contain_text("Saved.")
    expect(page.locator("#queue-title")).to_contain_text("Incoming livechats")
    expect(console.heading).to_have_text("My account")
    expect(page.locator(".profile-name")).to_have_text("Berta Neumann")
    expect(page.get_by_role("button", name="Save")).to_be_focused()
    saved = me(stack, agent)
    assert saved["name"] == "Berta Neumann"
    settings = saved["settings"]
    assert (settings["away_after_minutes"], settings["sound"]) == (15, False)
    assert (settings["theme"], settings["density"], settings["language"]) == (
        "dark",
        "compact",
        "en",
    )

    # After a reload everything is kept.
    page.reload()
    expect(page.locator("#livechat-toggle")).to_be_visible()
    expect(html).to_have_attribute("data-theme", "dark")
    expect(html).to_have_attribute("data-density", "compact")
    expect(page.locator("#queue-title")).to_contain_text("Incoming livechats")
    expect(console.heading).to_have_text("My account")
    expect(page.get_by_label("Name", exact=True)).to_have_value("Berta Neumann")
    expect(page.get_by_label("Automatically “away” after (minutes)")).to_have_value("15")
    expect(page.get_by_label("Play a sound for new chat requests")).not_to_be_checked()
    expect(page.get_by_label("Dark")).to_be_checked()
    expect(page.get_by_label("Compact")).to_be_checked()
    expect(page.get_by_label("English")).to_be_checked()

    # 0 switches automatic away off.
    page.get_by_label("Automatically “away” after (minutes)").fill("0")
    page.get_by_role("button", name="Save").click()
    expect(console.toast()).to_contain_text("Saved.")
    assert me(stack, agent)["settings"]["away_after_minutes"] == 0


def test_a_refused_setting_is_explained_next_to_its_field_and_keeps_what_was_typed(
    stack, agent_console
):
    agent, console = agent_console("Emil Eingabe", [stack.new_department()])
    page = console.page
    console.go("#account")
    page.get_by_label("Name", exact=True).fill("Emil Neu")
    away = page.get_by_label("Automatisch »abwesend« nach (Minuten)")
    away.fill("5000")
    page.get_by_role("button", name="Speichern").click()

    # In the console's language, next to the field (described by it), never the server's words.
    error = page.locator("#account-away-error")
    expect(error).to_have_text("Bitte höchstens 1440 eingeben.")
    expect(away).to_have_attribute("aria-describedby", "account-away-hint account-away-error")
    expect(page.locator("#account-error")).to_be_empty()
    expect(away).to_have_attribute("aria-invalid", "true")
    expect(away).to_be_focused()
    expect(away).to_have_value("5000")
    expect(page.get_by_label("Name", exact=True)).to_have_value("Emil Neu")
    assert me(stack, agent)["name"] == "Emil Eingabe"


def test_a_profile_picture_is_uploaded_scaled_down_shown_and_removed(
    stack, agent_console, tmp_path
):
    agent, console = agent_console("Bruno Bild", [stack.new_department()])
    page = console.page
    picture = tmp_path / "portrait.png"
    picture.write_bytes(png(320, 200))
    console.go("#account")
    expect(page.locator("#avatar-preview .avatar")).to_have_text("BB")
    expect(page.get_by_role("button", name="Bild entfernen")).to_be_hidden()

    page.get_by_label("Bild hochladen").set_input_files(str(picture))
    expect(page.locator("#avatar-preview img.avatar")).to_be_visible()
    expect(page.locator("#avatar-note")).to_contain_text("Neues Bild")
    page.get_by_role("button", name="Speichern").click()
    expect(page.locator(".profile-button img.avatar")).to_be_visible()
    expect(console.toast()).to_contain_text("Gespeichert.")

    stored = me(stack, agent)["settings"]["avatar"]
    assert stored.startswith("data:image/") and len(stored) <= 60_000
    data = base64.b64decode(stored.split(",", 1)[1])
    assert data.startswith(b"\x89PNG")
    assert struct.unpack(">II", data[16:24]) == (96, 96)

    # Removing it brings the initials back.
    page.get_by_role("button", name="Bild entfernen").click()
    expect(page.locator("#avatar-preview .avatar")).to_have_text("BB")
    page.get_by_role("button", name="Speichern").click()
    expect(page.locator(".profile-button .avatar")).to_have_text("BB")
    expect(page.locator(".profile-button img")).to_have_count(0)
    assert me(stack, agent)["settings"]["avatar"] is None


def test_a_file_that_is_no_picture_is_refused_in_the_browser(stack, agent_console, tmp_path):
    agent, console = agent_console("Nina Nichtbild", [stack.new_department()])
    page = console.page
    not_a_picture = tmp_path / "notes.png"
    not_a_picture.write_text("no picture at all")
    console.go("#account")
    page.get_by_label("Bild hochladen").set_input_files(str(not_a_picture))
    expect(page.locator("#account-error")).to_have_text(
        "Diese Datei kann der Browser nicht als Bild lesen."
    )
    expect(page.locator("#avatar-preview img")).to_have_count(0)


def test_desktop_notifications_can_be_allowed_from_my_account(stack, agent_console):
    _, console = agent_console("Nils Notiz", [stack.new_department()])
    page = console.page
    console.go("#account")
    expect(page.locator("#notification-state")).to_have_text("noch nicht erlaubt")
    console.context.grant_permissions(["notifications"], origin=stack.urls.base_url)
    page.get_by_role("button", name="Desktop-Benachrichtigungen erlauben").click()
    expect(page.locator("#notification-state")).to_have_text("eingeschaltet")
    expect(page.get_by_role("button", name="Desktop-Benachrichtigungen erlauben")).to_be_hidden()


def test_my_account_has_no_axe_violations_in_light_and_dark_theme(stack, agent_console):
    _, console = agent_console("Lena Licht", [stack.new_department()])
    page = console.page
    console.go("#account")
    page.get_by_label("Hell").check()
    page.get_by_role("button", name="Speichern").click()
    expect(page.locator("html")).to_have_attribute("data-theme", "light")
    expect(console.toast()).to_be_visible()
    assert axe_violations(page) == [], "light"

    page.get_by_label("Dunkel").check()
    page.get_by_role("button", name="Speichern").click()
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    expect(console.toast()).to_be_visible()
    assert axe_violations(page) == [], "dark"

    # With a server error shown, too.
    page.get_by_label("Automatisch »abwesend« nach (Minuten)").fill("-1")
    page.get_by_role("button", name="Speichern").click()
    expect(page.locator("#account-away-error")).to_be_visible()
    assert axe_violations(page) == [], "dark, with an error"
