"""The chat window's heartbeats go out only where one is needed: after 4 minutes without a
frame of its own (API Gateway closes a socket idle for 10), never while the visitor chats."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from playwright.sync_api import BrowserContext, Page, WebSocketRoute, expect

from tests.browser.support import Widget, queued_room

MINUTE_MS = 60_000


class SentFrames:
    """The actions of the frames the page sends over its WebSockets (through a proxy)."""

    def __init__(self, context: BrowserContext) -> None:
        self.actions: list[str] = []
        context.route_web_socket(re.compile(".*"), self._connect)

    def _connect(self, page_side: WebSocketRoute) -> None:
        server_side = page_side.connect_to_server()
        page_side.on_message(lambda frame: self._sent(server_side, frame))
        server_side.on_message(page_side.send)

    def _sent(self, server_side: WebSocketRoute, frame: str | bytes) -> None:
        self.actions.append(json.loads(frame).get("action", ""))
        server_side.send(frame)

    def heartbeats(self) -> int:
        return self.actions.count("heartbeat")


def _wait_for(page: Page, condition: Callable[[], bool]) -> None:
    """Frames pass the proxy while Playwright waits; two seconds of real time are plenty."""
    for _ in range(20):
        if condition():
            return
        page.wait_for_timeout(100)
    assert condition()


def test_the_window_beats_only_after_four_minutes_without_a_frame(stack, website, page, staff):
    department = stack.new_department([website.origin])
    anna, anna_socket = staff(department, "Anna")
    frames = SentFrames(page.context)
    page.clock.install()
    page.goto(website.page(department))
    chat = Widget(page).open()
    chat.send("Hallo, eine Frage.")
    room_id = queued_room(anna_socket)
    stack.api.call("POST", f"/rooms/{room_id}/take", token=anna.token, expect=200)
    expect(chat.agent).to_have_text(re.compile("^Anna"))

    # The visitor types after 3 minutes: the typing frame keeps the socket busy, so 3 minutes
    # later (6 after the socket opened) there was still no heartbeat.
    page.clock.run_for(3 * MINUTE_MS)
    chat.text.press_sequentially("Und")
    _wait_for(page, lambda: "typing" in frames.actions)
    page.clock.run_for(3 * MINUTE_MS)
    page.wait_for_timeout(500)
    assert frames.heartbeats() == 0, frames.actions

    # 4 minutes of silence (checked every minute): one heartbeat; the next only 4 minutes later.
    page.clock.run_for(2 * MINUTE_MS)
    _wait_for(page, lambda: frames.heartbeats() == 1)
    page.clock.run_for(2 * MINUTE_MS)
    page.wait_for_timeout(500)
    assert frames.heartbeats() == 1, frames.actions
    page.clock.run_for(2 * MINUTE_MS)
    _wait_for(page, lambda: frames.heartbeats() == 2)
