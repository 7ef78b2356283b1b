"""Files in the chat window: a visitor's photo reaches the agent without its GPS position, the
visitor sees it as a thumbnail and downloads the agent's PDF; files too large or of a type not
allowed are refused in German; the visitor's deletion takes the files off the local S3."""

from __future__ import annotations

import re
from pathlib import Path

import boto3
import httpx
from playwright.sync_api import expect

from tests import samples
from tests.browser.console_support import create, named, sidebar_entry
from tests.browser.support import Widget, queued_room


def open_chat(stack, website, page, staff):
    department = stack.new_department([website.origin])
    anna, anna_socket = staff(department, "Anna")
    page.goto(website.page(department))
    chat = Widget(page).open()
    chat.send("Ich bekomme eine Fehlermeldung.")
    room_id = queued_room(anna_socket)
    stack.api.call("POST", f"/rooms/{room_id}/take", token=anna.token, expect=200)
    expect(chat.tool("Datei anhängen (Bild, PDF oder Text)")).to_be_visible()
    return chat, anna, anna_socket, room_id


def fetched(stack, room_id, upload_id, token) -> httpx.Response:
    answer = stack.api.call("GET", f"/rooms/{room_id}/files/{upload_id}", token=token, expect=200)
    return httpx.get(answer.json()["url"])


def test_a_visitors_photo_reaches_the_agent_without_its_position_and_a_pdf_comes_back(
    stack, website, page, staff
):
    chat, anna, anna_socket, room_id = open_chat(stack, website, page, staff)

    with page.expect_file_chooser() as chooser:
        chat.tool("Datei anhängen (Bild, PDF oder Text)").click()
    photo = {"name": "fehler.png", "mimeType": "image/png", "buffer": samples.png(with_gps=True)}
    chooser.value.set_files(photo)

    event = anna_socket.wait_for(
        lambda e: e.get("type") == "message" and e["message"].get("file") is not None
    )
    file = event["message"]["file"]
    assert (file["name"], file["content_type"]) == ("fehler.png", "image/png")
    got = fetched(stack, room_id, file["upload_id"], anna.token)
    assert got.content == samples.png(with_gps=False) and samples.GPS not in got.content
    thumbnail = chat.messages.get_by_role("link", name="Bild fehler.png groß öffnen")
    expect(thumbnail.locator("img")).to_have_js_property("naturalWidth", 1)
    expect(thumbnail).to_have_attribute("target", "_blank")

    # The agent sends a PDF; the visitor sees a card and downloads it.
    answer = stack.api.call(
        "POST",
        f"/rooms/{room_id}/uploads",
        {"name": "Antrag.pdf", "content_type": "application/pdf", "size": len(samples.PDF)},
        token=anna.token,
        expect=201,
    ).json()
    httpx.post(answer["url"], data=answer["fields"], files={"file": ("Antrag.pdf", samples.PDF)})
    anna_socket.send(
        action="send", room_id=room_id, client_id="a-pdf", upload_id=answer["upload_id"]
    )
    download = chat.messages.get_by_role("link", name="Antrag.pdf herunterladen")
    expect(download).to_be_visible()
    expect(chat.messages.locator(".file-card")).to_contain_text("application/pdf")
    with page.context.expect_event(
        "request", lambda r: "response-content-disposition=attachment" in r.url
    ) as requested:
        download.click()
    assert httpx.get(requested.value.url).content == samples.PDF

    # The transcript the visitor downloads names both files.
    chat.tool("Optionen").click()
    chat.frame.get_by_role("menuitem", name="Chat beenden").click()
    dialog = chat.frame.get_by_role("dialog", name="Chat beenden?")
    with page.expect_download() as saved:
        dialog.get_by_role("button", name="Verlauf herunterladen").click()
    transcript = Path(saved.value.path()).read_text(encoding="utf-8")
    assert "[Datei: fehler.png]" in transcript and "[Datei: Antrag.pdf]" in transcript


def test_a_file_too_large_or_of_a_type_not_allowed_is_refused_in_german(
    stack, website, page, staff
):
    chat, _anna, _socket, _room_id = open_chat(stack, website, page, staff)
    file_input = chat.frame.locator("#file")

    file_input.set_input_files({"name": "seite.html", "mimeType": "text/html", "buffer": b"<p>"})
    expect(chat.notice).to_have_text(
        "Dieser Dateityp ist nicht erlaubt (nur Bilder, PDF und Text)."
    )

    large = b"\x89PNG\r\n\x1a\n" + bytes(10 * 1024 * 1024)
    file_input.set_input_files({"name": "riesig.png", "mimeType": "image/png", "buffer": large})
    expect(chat.notice).to_have_text("Die Datei ist zu groß (höchstens 10 MB).")


def test_deleting_my_data_takes_the_files_off_the_local_s3(stack, website, page, staff):
    chat, anna, anna_socket, room_id = open_chat(stack, website, page, staff)
    chat.frame.locator("#file").set_input_files(
        {"name": "foto.jpg", "mimeType": "image/jpeg", "buffer": samples.jpeg()}
    )
    event = anna_socket.wait_for(
        lambda e: e.get("type") == "message" and e["message"].get("file") is not None
    )
    upload_id = event["message"]["file"]["upload_id"]
    address = stack.api.call(
        "GET", f"/rooms/{room_id}/files/{upload_id}", token=anna.token, expect=200
    ).json()["url"]
    assert httpx.get(address).status_code == 200

    chat.tool("Datenschutz und Löschung Ihrer Daten").click()
    chat.frame.get_by_role("button", name="Meine Daten löschen").click()
    chat.frame.locator("#delete-yes").click()
    anna_socket.wait_for(lambda e: e.get("type") == "room" and e.get("event") == "deleted")

    assert httpx.get(address).status_code != 200
    bucket = boto3.client(
        "s3",
        endpoint_url=stack.urls.s3_endpoint,
        region_name="eu-central-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    for prefix in (f"files/{room_id}/", f"uploads/{room_id}/"):
        listed = bucket.list_objects_v2(Bucket="livechat-files", Prefix=prefix)
        assert listed["KeyCount"] == 0, prefix


def test_a_screenshot_pasted_by_the_visitor_shows_in_the_agents_console_and_opens_large(
    stack, website, page, agent_console
):
    department = stack.new_department([website.origin])
    anna, console = agent_console("Anna", [department])
    page.goto(website.page(department))
    chat = Widget(page).open()
    chat.send("Siehe Bildschirmfoto")
    entry = console.queue.locator("a.room-link")
    expect(entry).to_have_count(1)
    room_id = entry.get_attribute("data-room")
    stack.api.call("POST", f"/rooms/{room_id}/take", token=anna.token, expect=200)
    expect(chat.tool("Datei anhängen (Bild, PDF oder Text)")).to_be_visible()

    # Ctrl+V of a screenshot: the browser hands the window a file in the paste event.
    chat.text.focus()
    chat.frame.evaluate(
        """(bytes) => {
            const data = new DataTransfer();
            data.items.add(new File([new Uint8Array(bytes)], "", { type: "image/png" }));
            const paste = new ClipboardEvent("paste", { clipboardData: data, cancelable: true });
            document.getElementById("text").dispatchEvent(paste);
        }""",
        list(samples.png()),
    )

    console.open_entry(room_id).click()
    thumbnail = console.main.get_by_role(
        "link", name=re.compile(r"^Bild screenshot-.*\.png groß öffnen$")
    )
    expect(thumbnail.locator("img")).to_have_js_property("naturalWidth", 1)  # loaded, 1x1
    expect(thumbnail).to_have_attribute("href", re.compile("^http://127.0.0.1"))
    expect(thumbnail).to_have_attribute("target", "_blank")


def test_the_agent_sends_a_pdf_from_the_console_and_the_visitor_downloads_it(
    stack, website, page, agent_console
):
    department = stack.new_department([website.origin])
    anna, console = agent_console("Anna", [department])
    page.goto(website.page(department))
    chat = Widget(page).open()
    chat.send("Haben Sie das Formular?")
    entry = console.queue.locator("a.room-link")
    expect(entry).to_have_count(1)
    room_id = entry.get_attribute("data-room")
    stack.api.call("POST", f"/rooms/{room_id}/take", token=anna.token, expect=200)
    console.open_entry(room_id).click()

    paperclip = console.main.get_by_role("button", name="Datei anhängen (Bild, PDF oder Text)")
    with console.page.expect_file_chooser() as chooser:
        paperclip.click()
    chooser.value.set_files(
        {"name": "Antrag.pdf", "mimeType": "application/pdf", "buffer": samples.PDF}
    )

    download = chat.messages.get_by_role("link", name="Antrag.pdf herunterladen")
    expect(download).to_be_visible()
    expect(console.main.get_by_role("link", name="Antrag.pdf herunterladen")).to_be_visible()
    console.go("#chats")  # the contact center shows that the chat had a file
    expect(console.main.locator(f'tr[data-room="{room_id}"] .with-files')).to_have_text(
        "mit Dateien (1)"
    )
    with page.context.expect_event(
        "request", lambda r: "response-content-disposition=attachment" in r.url
    ) as requested:
        download.click()
    assert httpx.get(requested.value.url).content == samples.PDF


def test_colleagues_share_a_pasted_screenshot_and_a_pdf_in_a_direct_room(
    stack, website, agent_console
):
    department = stack.new_department([website.origin], name="Team")
    anna_name, ben_name = named("Anna"), named("Ben")
    _, anna = agent_console(anna_name, [department])
    _, ben = agent_console(ben_name, [department])
    room_id = create(anna, "Direktnachricht", [ben_name])
    expect(anna.heading).to_have_text(ben_name)

    # Ctrl+V of a screenshot into the reply box.
    anna.page.locator("#reply").focus()
    anna.page.evaluate(
        """(bytes) => {
            const data = new DataTransfer();
            data.items.add(new File([new Uint8Array(bytes)], "", { type: "image/png" }));
            const paste = new ClipboardEvent(
                "paste", { clipboardData: data, cancelable: true, bubbles: true }
            );
            document.getElementById("reply").dispatchEvent(paste);
        }""",
        list(samples.png()),
    )
    sidebar_entry(ben, room_id).click()
    thumbnail = ben.main.get_by_role(
        "link", name=re.compile(r"^Bild screenshot-.*\.png groß öffnen$")
    )
    expect(thumbnail.locator("img")).to_have_js_property("naturalWidth", 1)

    with ben.page.expect_file_chooser() as chooser:
        ben.main.get_by_role("button", name="Datei anhängen (Bild, PDF oder Text)").click()
    chooser.value.set_files(
        {"name": "Dienstplan.pdf", "mimeType": "application/pdf", "buffer": samples.PDF}
    )
    download = anna.main.get_by_role("link", name="Dienstplan.pdf herunterladen")
    expect(download).to_be_visible()
    with anna.page.context.expect_event(
        "request", lambda r: "response-content-disposition=attachment" in r.url
    ) as requested:
        download.click()
    assert httpx.get(requested.value.url).content == samples.PDF
