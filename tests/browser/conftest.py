"""The browser suite: Debian's Chromium through Playwright against the real local stack
(python -m devserver on DynamoDB Local, real WebSockets), with the widget built from widget/src
at the start of the session, and "another website" on a second local port."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.browser.console_support import Console
from tests.browser.support import REPO_ROOT, running_stack, served_website
from tests.local.support import Agent, approved_agent, go_online

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Counts the notification sounds the chat window starts (it synthesises them with Web Audio).
SOUND_SPY = """
(() => {
  const Context = window.AudioContext;
  if (!Context) return;
  window.__sounds = 0;
  const create = Context.prototype.createOscillator;
  Context.prototype.createOscillator = function () {
    window.__sounds += 1;
    return create.call(this);
  };
})();
"""

# Records the desktop notifications the console shows (their titles), keeping the real API.
NOTIFICATION_SPY = """
(() => {
  const Real = window.Notification;
  if (!Real) return;
  window.__notifications = [];
  window.Notification = class extends Real {
    constructor(title, options) {
      super(title, options);
      window.__notifications.push(title);
    }
  };
})();
"""

expect.set_options(timeout=10_000)


@pytest.fixture(scope="session")
def widget_built() -> None:
    """Build the widget from its sources, as `make` does, so that the suite tests them."""
    subprocess.run(["node", "widget/build.mjs"], cwd=REPO_ROOT, check=True)


@pytest.fixture(scope="session")
def stack(widget_built):
    yield from running_stack(pool_size=6)


@pytest.fixture(scope="session")
def website(stack):
    yield from served_website(stack)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (make setup does it as root)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="de-DE")
    context.add_init_script(SOUND_SPY)
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    assert page.errors == [], page.errors


@pytest.fixture
def staff(stack):
    """Agents who go online (socket, livechat toggle, status) for a department; their sockets
    close when the test ends."""
    sockets = []

    def on_duty(department: str, name: str = "Anna"):
        agent = approved_agent(stack.api, stack.admin_token, name, [department])
        socket = go_online(stack.api, stack.urls.ws_url, agent)
        sockets.append(socket)
        return agent, socket

    yield on_duty
    for socket in sockets:
        socket.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test, so that fixtures can tell a failed test."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def _describe_consoles(opened: list[Console]) -> str:
    """What each console showed when its test failed: where it was, its main area's text and the
    browser's console messages (a failure in CI says more than its timeout)."""
    parts = []
    for number, console in enumerate(opened):
        page = console.page
        main = page.locator("main").first.inner_text(timeout=2_000) if not page.is_closed() else ""
        parts.append(
            f"console {number} at {page.url}:\n{main[:800]}\nmessages: {page.messages[-20:]}"
        )
    return "\n".join(parts)


@pytest.fixture
def consoles(browser, stack, request):
    """Open the console for an agent, each in a browser context of its own (German locale
    unless told otherwise); no page may throw a script error. When the test fails, each
    console's state is printed with its report."""
    opened: list[Console] = []

    def open_console(locale: str = "de-DE") -> Console:
        context = browser.new_context(viewport={"width": 1280, "height": 800}, locale=locale)
        context.add_init_script(SOUND_SPY)
        context.add_init_script(NOTIFICATION_SPY)
        page = context.new_page()
        page.errors = []
        page.messages = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.on("console", lambda message: page.messages.append(f"{message.type}: {message.text}"))
        console = Console(context, page, stack, locale[:2])
        opened.append(console)
        return console

    yield open_console
    call = getattr(request.node, "report_call", None)
    if call is not None and call.failed:
        print(_describe_consoles(opened))
    for console in opened:
        errors = console.page.errors
        console.context.close()
        assert errors == [], errors


@pytest.fixture
def agent_console(consoles, stack):
    """An approved agent of the given departments, signed in to the console (online, the
    livechat toggle green)."""

    def sign_in(name: str, departments: list[str], role: str = "agent") -> tuple[Agent, Console]:
        agent = approved_agent(stack.api, stack.admin_token, name, departments, role=role)
        console = consoles().sign_in(agent.email)
        expect(console.status_dot()).to_have_class(re.compile("status-online"))
        console.expect_connected(departments)
        return agent, console

    return sign_in
