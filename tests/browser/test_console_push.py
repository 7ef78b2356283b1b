"""The installable console: its manifest and icons, and the service worker that shows a Web Push
notification ("Neue Chat-Anfrage – Studierendenservice") while no console is seen. DevTools'
`ServiceWorker.deliverPushMessage` hands the worker a push as a push service would (Chromium
here reaches no real one); the server's side of the push is tests/integration/test_rest_push.py."""

from __future__ import annotations

import json
import threading

from tests.local.support import wait_until

NOTIFICATIONS = """() => navigator.serviceWorker.ready
    .then((registration) => registration.getNotifications())
    .then((shown) => shown.map((n) => ({title: n.title, body: n.body, data: n.data})))"""


def deliver_push(console, payload: dict) -> None:
    """A push for the console's service worker, through DevTools."""
    cdp = console.context.new_cdp_session(console.page)
    registered = threading.Event()
    registrations: list[str] = []

    def updated(event: dict) -> None:
        for registration in event["registrations"]:
            if registration["scopeURL"].endswith("/console/") and not registration["isDeleted"]:
                registrations.append(registration["registrationId"])
                registered.set()

    cdp.on("ServiceWorker.workerRegistrationUpdated", updated)
    cdp.send("ServiceWorker.enable")
    # Playwright hands events over while it talks to the browser: each check asks it something.
    wait_until(
        lambda: console.page.evaluate("true") and registered.is_set(),
        10,
        "the console's service worker registration",
    )
    origin = console.page.evaluate("location.origin")
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": origin, "registrationId": registrations[-1], "data": json.dumps(payload)},
    )


def test_the_console_is_installable(stack, agent_console):
    department = stack.new_department(name="Studierendenservice")
    _anna, console = agent_console("Anna", [department])

    manifest = console.page.evaluate(
        """() => fetch(document.querySelector('link[rel=manifest]').href).then((r) => r.json())"""
    )
    icons = {icon["sizes"]: icon["src"] for icon in manifest["icons"]}
    for src in icons.values():
        status = console.page.evaluate(f"fetch({json.dumps(src)}).then((r) => r.status)")
        assert status == 200, src

    assert manifest["display"] == "standalone" and manifest["start_url"] == "./"
    assert {"192x192", "512x512"} <= set(icons)
    scope = console.page.evaluate("navigator.serviceWorker.ready.then((r) => r.scope)")
    assert scope.endswith("/console/")


def test_a_push_of_a_new_chat_shows_its_notification_with_the_departments_name(
    stack, agent_console
):
    department = stack.new_department(name="Studierendenservice")
    _anna, console = agent_console("Anna", [department])
    console.context.grant_permissions(["notifications"], origin=stack.urls.base_url)

    deliver_push(
        console,
        {"kind": "new_chat", "room_id": "room_1", "department": "Studierendenservice"},
    )

    def shown():
        return console.page.evaluate(NOTIFICATIONS)

    wait_until(lambda: shown(), 10, "the notification")
    (notification,) = shown()
    assert notification["title"] == "Neue Chat-Anfrage – Studierendenservice"
    assert notification["body"] == "Öffnen Sie die Konsole, um zu antworten."
    assert notification["data"] == {"room_id": "room_1"}


def test_a_pushed_preview_is_shown_as_the_notifications_text(stack, agent_console):
    department = stack.new_department(name="Studierendenservice")
    _anna, console = agent_console("Anna", [department])
    console.context.grant_permissions(["notifications"], origin=stack.urls.base_url)

    deliver_push(console, {"kind": "message", "room_id": "room_2", "text": "Hallo?"})

    wait_until(lambda: console.page.evaluate(NOTIFICATIONS), 10, "the notification")
    (notification,) = console.page.evaluate(NOTIFICATIONS)
    assert (notification["title"], notification["body"]) == ("Neue Nachricht im Chat", "Hallo?")
