"""A console whose connection dies without a close (a sleeping router, a lost Wi-Fi) notices it
within 30 seconds from the missing heartbeat acknowledgement: it says "Verbindung unterbrochen",
stops claiming that the department's chat button is visible, and reconnects by itself."""

from __future__ import annotations

import re

from playwright.sync_api import BrowserContext, WebSocketRoute, expect


class SilenceableSockets:
    """The context's WebSockets through a proxy in the test; `silence()` makes the newest one
    carry nothing more in either direction, without closing it."""

    def __init__(self, context: BrowserContext) -> None:
        self.links: list[dict] = []
        context.route_web_socket(re.compile(".*"), self._connect)

    def _connect(self, page_side: WebSocketRoute) -> None:
        server_side = page_side.connect_to_server()
        link = {"silent": False}
        page_side.on_message(lambda frame: link["silent"] or server_side.send(frame))
        server_side.on_message(lambda frame: link["silent"] or page_side.send(frame))
        self.links.append(link)

    def silence(self) -> None:
        self.links[-1]["silent"] = True


def test_a_silently_dead_connection_is_noticed_within_30_seconds_and_the_console_reconnects(
    stack, agent_console
):
    department = stack.new_department(name="Studienberatung")
    _, console = agent_console("Anna", [department])
    sockets = SilenceableSockets(console.context)
    console.page.clock.install()
    console.page.reload()
    console.expect_connected([department])
    connection = console.page.locator(".connection")
    button_state = console.page.locator(f'#button-visibility li[data-department="{department}"]')
    expect(connection).to_be_hidden()

    # The connection goes silent: the next heartbeat (20 s) hears nothing back for 10 s.
    sockets.silence()
    console.page.clock.run_for(29_000)
    expect(connection).to_be_hidden()
    console.page.clock.run_for(1_500)
    expect(connection).to_have_text("Verbindung unterbrochen. Neuer Versuch läuft …")
    expect(button_state).to_have_class("unknown")
    expect(button_state).to_have_text("Studienberatung: Chat-Button unbekannt (keine Verbindung)")

    # The first retry comes after about a second; the console is back and says so.
    console.page.clock.run_for(1_500)
    console.expect_connected([department])
    expect(connection).to_be_hidden()
    expect(console.toast()).to_be_visible()
    assert len(sockets.links) == 2
