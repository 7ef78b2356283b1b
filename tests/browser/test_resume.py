"""Resume without loss (S26): the real chat window and the real console write at the same time
while their sockets are cut at random; afterwards both screens show every message exactly once,
in seq order. Pushes may arrive out of order (concurrent senders) and a cut loses what was still
on its way, so a client that resumed after the highest seq it had *seen* would skip a message
for good; the clients resume after the highest seq up to which they have *every* message."""

from __future__ import annotations

import random
import re

import pytest
from playwright.sync_api import BrowserContext, WebSocketRoute, expect

from tests.browser.support import Widget

MESSAGES_PER_SIDE = 100
CUTS = 20
EXTRA_MESSAGES = 40
# How often a push from the server is held back and delivered after the next one.
REORDER_CHANCE = 0.3


class UnreliableSockets:
    """Every WebSocket of a browser context through a proxy in the test. While `unreliable`,
    the server's frames arrive now and then out of order (one is held back until the next one
    has passed), and `cut()` ends the newest connection as a network failure would: what was
    still held back is lost, both ends are closed."""

    def __init__(self, context: BrowserContext, rng: random.Random) -> None:
        self.rng = rng
        self.unreliable = False
        self.links: list[dict] = []
        context.route_web_socket(re.compile(".*"), self._connect)

    def _connect(self, page_side: WebSocketRoute) -> None:
        server_side = page_side.connect_to_server()
        link = {"page": page_side, "server": server_side, "held": None, "cut": False, "used": 0}
        page_side.on_message(lambda frame: self._forward(link, frame))
        server_side.on_message(lambda frame: self._deliver(link, frame))
        self.links.append(link)

    def _forward(self, link: dict, frame: str | bytes) -> None:
        if not link["cut"]:
            link["used"] += 1
            link["server"].send(frame)

    def _deliver(self, link: dict, frame: str | bytes) -> None:
        if link["cut"]:
            return
        link["used"] += 1
        held, link["held"] = link["held"], None
        if held is None and self.unreliable and self.rng.random() < REORDER_CHANCE:
            link["held"] = frame
            return
        link["page"].send(frame)
        if held is not None:
            link["page"].send(held)

    def settle(self) -> None:
        """The network is reliable again: what is held back arrives late, nothing else."""
        self.unreliable = False
        for link in self.links:
            held, link["held"] = link["held"], None
            if held is not None and not link["cut"]:
                link["page"].send(held)

    def in_use(self) -> bool:
        """The newest connection is up and has carried frames either way (cutting one that is
        still connecting would only lengthen the client's backoff)."""
        return bool(self.links) and not self.links[-1]["cut"] and self.links[-1]["used"] > 0

    def cut(self) -> None:
        link = self.links[-1]
        link["cut"] = True
        link["page"].close(code=4000, reason="cut")
        link["server"].close()


def all_messages(stack, room_id: str, **who: str) -> list[dict]:
    found, after = [], 0
    while True:
        page = stack.api.call(
            "GET", f"/rooms/{room_id}/messages?after={after}&limit=100", expect=200, **who
        ).json()
        found += page["messages"]
        if not page["next"]:
            return found
        after = page["next"]


def shown(locator) -> list[tuple[int, str]]:
    """(seq, text) of each line on a screen, top to bottom."""
    return locator.evaluate_all(
        """(items) => items.map((item) => [
            Number(item.dataset.seq),
            item.querySelector('.text, .bubble').textContent,
        ])"""
    )


@pytest.mark.timeout(300)  # 200 messages through 20 reconnects on a shared machine
def test_both_sides_writing_through_twenty_socket_cuts_see_every_message_once_in_order(
    stack, website, browser, agent_console
):
    rng = random.Random(2611)
    department = stack.new_department([website.origin], name="Studienberatung")
    anna, console = agent_console("Anna", [department])
    console_sockets = UnreliableSockets(console.context, rng)
    console.page.reload()  # the console's socket now runs through the proxy
    console.expect_connected([department])

    visitor_context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="de-DE")
    visitor_sockets = UnreliableSockets(visitor_context, rng)
    page = visitor_context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(website.page(department))
    chat = Widget(page).open()
    chat.send("Hallo, eine Frage.")
    console.page.locator("#queue-list a.room-link").click()
    console.page.locator("#take").click()
    expect(chat.line("Anna hat den Chat übernommen.")).to_be_visible()
    room_id = console.page.locator("#open-list a.room-link").get_attribute("data-room")

    sides = [("visitor", chat.send, visitor_sockets), ("agent", console.reply, console_sockets)]
    # Cut points spread over the run; a cut falls on a side whose connection is in use, or
    # waits for the next message when both are still reconnecting.
    # On a slow machine both sides may still be reconnecting when the last messages go out:
    # then the sides write on, up to EXTRA_MESSAGES more, until every cut has fallen.
    cut_at = sorted(rng.sample(range(10, 2 * MESSAGES_PER_SIDE - 20), CUTS))
    cuts = 0
    expected: list[str] = []
    for _, _, sockets in sides:
        sockets.unreliable = True
    number = 0
    while number < 2 * MESSAGES_PER_SIDE or (
        cuts < CUTS and number < 2 * MESSAGES_PER_SIDE + EXTRA_MESSAGES
    ):
        name, send, _ = sides[number % 2]
        expected.append(f"{name} {number // 2}")
        send(expected[-1])
        due = cuts < CUTS and number >= cut_at[cuts]
        live = [sockets for _, _, sockets in sides if sockets.in_use()]
        if due and live:
            rng.choice(live).cut()
            cuts += 1
        number += 1
    assert cuts == CUTS
    for _, _, sockets in sides:
        sockets.settle()

    # Every send got its echo in the end (unconfirmed ones are sent again with their client_id).
    expect(chat.messages.locator("li.pending")).to_have_count(0, timeout=60_000)
    expect(console.conversation.locator("li.pending")).to_have_count(0, timeout=60_000)
    stored = all_messages(stack, room_id, token=anna.token)
    texts = [m["text"] for m in stored]
    assert sorted(text for text in texts if text in expected) == sorted(expected)
    seqs = [m["seq"] for m in stored]
    assert seqs == sorted(set(seqs))

    # Both screens show exactly what is stored, each line once, in seq order, nothing pending.
    visitor_token = chat.frame.evaluate(
        "() => JSON.parse(Object.values({...localStorage})[0]).token"
    )
    visitor_view = all_messages(stack, room_id, visitor=visitor_token)
    screens = [
        (chat.messages.locator("li"), visitor_view),
        (console.conversation.locator("li"), stored),
    ]
    for lines, truth in screens:
        expect(lines).to_have_count(len(truth), timeout=30_000)
        on_screen = shown(lines)
        assert [seq for seq, _ in on_screen] == [m["seq"] for m in truth]
        for (_, text), message in zip(on_screen, truth, strict=True):
            if message["author"]["kind"] != "system":
                assert text == message["text"]
    visitor_context.close()
    assert errors == [], errors
