"""Helpers of the browser suite: "another website" serving pages with the snippet, the widget
and its chat window as seen through Playwright, and the agent's side through the API."""

from __future__ import annotations

import html
import http.server
import json
import os
import re
import tempfile
import threading
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from playwright.sync_api import Frame, Locator, Page, expect

from devserver.testing import devserver_process
from tests.local.support import Agent, Socket, Stack, approved_agent

REPO_ROOT = Path(__file__).resolve().parents[2]
AXE_SOURCE = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
# The docs' pictures are taken by the tests that reach each screen. A run writes them into
# docs/screenshots only when asked (`UPDATE_SCREENSHOTS=1`), so that a test run leaves the
# work tree as it found it; otherwise they go to a temporary folder.
SCREENSHOTS = (
    REPO_ROOT / "docs" / "screenshots"
    if os.environ.get("UPDATE_SCREENSHOTS") == "1"
    else Path(tempfile.mkdtemp(prefix="livechat-screenshots-"))
)


# ---- another website ----------------------------------------------------------------------------

_PAGE = """<!doctype html>
<html lang="{page_lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Bibliothek – Öffnungszeiten</title>
<link rel="icon" href="data:,">
<style>
  body {{ margin: 0; font: 17px/1.6 Georgia, serif; color: #222; background: #fff; }}
  header, main, footer {{ max-width: 46rem; margin: 0 auto; padding: 1rem 1.5rem; }}
  a {{ color: #0645ad; }}
{hostile}
</style>
</head>
<body>
<header><nav aria-label="Navigation"><a href="#a">Start</a> · <a href="#b">Bibliothek</a></nav>
</header>
<main>
  <h1>Öffnungszeiten der Bibliothek</h1>
  <p>Montag bis Freitag 8–20 Uhr. Fragen? Unten rechts erscheint der Chat, sobald jemand da ist.</p>
  <p><button type="button" class="page-button">Ein Knopf der Seite</button></p>
</main>
<footer><a href="#c">Impressum</a></footer>
{snippet}
</body>
</html>
"""

# CSS a careless CMS theme might have: none of it may reach the widget, none of ours the page.
_HOSTILE_CSS = """
  * { font-family: "Comic Sans MS", cursive !important; letter-spacing: 3px !important; }
  button { background: #ff0 !important; color: #f00 !important; padding: 0 !important; }
  aside, livechat-widget { display: none !important; }
  div, aside { position: static !important; }
"""


class _PageHandler(http.server.BaseHTTPRequestHandler):
    chat_origin = ""

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        if url.path == "/page":
            body = self._page(query)
        elif url.path == "/framed-chat":
            # A page that frames the chat window by itself, claiming origin `o`.
            fragment = urllib.parse.urlencode(
                {
                    "d": query["department"],
                    "l": "de",
                    "a": self.chat_origin + "/api",
                    "o": query["o"],
                }
            )
            body = (
                '<!doctype html><html lang="de"><title>x</title><body><iframe title="chat" '
                f'src="{self.chat_origin}/widget/chat.html#{html.escape(fragment)}" '
                'width="420" height="600"></iframe></body></html>'
            )
        else:
            self.send_error(404)
            return
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)

    def _page(self, query: dict[str, str]) -> str:
        attributes = {"data-department": query.get("department")}
        for name in ("lang", "api", "position"):
            if name in query:
                attributes[f"data-{name}"] = query[name]
        snippet = ""
        if query.get("snippet", "1") == "1":
            rendered = "".join(
                f' {name}="{html.escape(value)}"'
                for name, value in attributes.items()
                if value is not None
            )
            snippet = f'<script async src="{self.chat_origin}/widget/loader.js"{rendered}></script>'
        return _PAGE.format(
            page_lang=html.escape(query.get("page_lang", "de")),
            hostile=_HOSTILE_CSS if query.get("hostile") == "1" else "",
            snippet=snippet,
        )

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


class OtherWebsite:
    """A plain HTTP server on another port: its pages are of another origin than the chat.

    `http://127.0.0.1:PORT` is another origin of the same site as the chat (like
    www.example.org and chat.example.org); `http://localhost:PORT` is another site altogether,
    where browsers that block third-party storage give the chat window none."""

    def __init__(self, chat_origin: str) -> None:
        handler = type("Handler", (_PageHandler,), {"chat_origin": chat_origin})
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        port = self.server.server_address[1]
        self.origin = f"http://127.0.0.1:{port}"
        self.cross_site_origin = f"http://localhost:{port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def page(self, department: str | None, *, cross_site: bool = False, **options: str) -> str:
        origin = self.cross_site_origin if cross_site else self.origin
        query = {"department": department, **options} if department else dict(options)
        return f"{origin}/page?{urllib.parse.urlencode(query)}"

    def framed_chat(self, department: str, claimed_origin: str) -> str:
        query = urllib.parse.urlencode({"department": department, "o": claimed_origin})
        return f"{self.origin}/framed-chat?{query}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def running_stack(**devserver_options: Any) -> Iterator[Stack]:
    """For a stack fixture: a devserver (`devserver_process` options) with the admin signed in."""
    with devserver_process(**devserver_options) as urls:
        yield Stack.signed_in(urls)


def served_website(stack: Stack) -> Iterator[OtherWebsite]:
    """For a website fixture: pages of another origin that embed `stack`'s chat."""
    site = OtherWebsite(stack.urls.base_url)
    yield site
    site.close()


# ---- the widget through Playwright ------------------------------------------------------------


class ChatWindow:
    """The chat window inside the iframe."""

    def __init__(self, frame: Frame) -> None:
        self.frame = frame
        self.messages = frame.locator("#messages")
        self.text = frame.locator("#text")
        self.notice = frame.locator("#notice")
        self.identity = frame.locator("#identity")
        self.typing = frame.locator("#typing")
        self.agent = frame.locator("#agent")

    def send(self, text: str) -> None:
        self.text.fill(text)
        self.text.press("Enter")

    def line(self, text: str) -> Locator:
        """The messages and system lines with exactly this text."""
        return self.messages.locator(".text").filter(
            has_text=re.compile("^" + re.escape(text) + "$")
        )

    def texts(self) -> list[str]:
        return self.messages.locator(".text").all_inner_texts()

    def tool(self, name: str) -> Locator:
        return self.frame.get_by_role("button", name=name, exact=True)

    def stored(self) -> dict:
        """What the window keeps in its origin's localStorage (one key per API)."""
        raw = self.frame.evaluate(
            "() => Object.keys(localStorage).map((k) => localStorage.getItem(k))"
        )
        assert len(raw) <= 1, raw
        return json.loads(raw[0]) if raw else {}

    def focused_id(self) -> str | None:
        return self.frame.evaluate(
            "() => document.hasFocus() && document.activeElement ? document.activeElement.id : null"
        )


class Widget:
    """What the loader put on the page: one element, in its shadow root the button and iframe."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.host = page.locator("livechat-widget")
        self.button = page.locator("livechat-widget button")
        self.badge = page.locator("livechat-widget b")
        self.iframe = page.locator("livechat-widget iframe")

    def expect_state(self, state: str) -> None:
        expect(self.host).to_have_attribute("data-livechat-state", state)

    def recheck(self) -> None:
        """The tab becomes visible again: the loader re-checks the availability."""
        with self.page.expect_response(lambda r: "/availability" in r.url):
            self.page.evaluate("() => document.dispatchEvent(new Event('visibilitychange'))")

    def open(self) -> ChatWindow:
        self.button.click()
        return self.window()

    def window(self) -> ChatWindow:
        expect(self.iframe).to_be_visible()
        frame = self.iframe.element_handle().content_frame()
        assert frame is not None
        chat = ChatWindow(frame)
        expect(frame.locator("#card")).to_be_visible()
        return chat

    def button_has_focus(self) -> bool:
        return self.page.evaluate(
            """() => {
                const host = document.querySelector('livechat-widget');
                return document.activeElement === host
                    && host.shadowRoot.activeElement?.tagName === 'BUTTON';
            }"""
        )


def agent_named(stack: Stack, name: str, departments: list[str]) -> Agent:
    """An approved, signed-in agent whose display name is `name` (anything, even markup)."""
    return approved_agent(stack.api, stack.admin_token, name, departments)


def queued_room(agent_socket: Socket) -> str:
    """The room a visitor just asked for, as the department's agent sees it arrive."""
    event = agent_socket.wait_for(lambda e: e.get("type") == "queue" and e["event"] == "added")
    return event["room"]["room_id"]


def agent_says(socket: Socket, room_id: str, text: str, client_id: str) -> dict:
    """The agent writes over their socket; returns the stored message (their own echo)."""
    socket.send(action="send", room_id=room_id, text=text, client_id=client_id)
    event = socket.wait_for(
        lambda e: (
            e.get("type") == "error"
            or (e.get("type") == "message" and e["message"]["client_id"] == client_id)
        )
    )
    assert event["type"] == "message", event
    return event["message"]


def is_visitor_message(text: str):
    return lambda e: (
        e.get("type") == "message"
        and e["message"]["text"] == text
        and e["message"]["author"]["kind"] == "visitor"
    )


def axe_violations(frame: Frame | Page) -> list[dict]:
    """Run axe-core in one document (frames are checked one by one)."""
    if not frame.evaluate("() => typeof window.axe === 'object'"):
        frame.evaluate(AXE_SOURCE.read_text(encoding="utf-8"))
    result = frame.evaluate(
        "() => axe.run(document, {iframes: false, resultTypes: ['violations']})"
    )
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "nodes": [node["target"] for node in violation["nodes"]],
        }
        for violation in result["violations"]
    ]
