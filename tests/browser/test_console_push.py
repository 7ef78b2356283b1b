"""The installable console: its manifest and icons, and the service worker that shows a Web Push
notification ("Neue Chat-Anfrage – Studierendenservice") while no console is seen. DevTools'
`ServiceWorker.deliverPushMessage` hands the worker a push as a push service would (Chromium
here reaches no real one); the server's side of the push is tests/integration/test_rest_push.py."""

from __future__ import annotations

import json
import re
import threading

from playwright.sync_api import expect

from tests.browser.support import axe_violations
from tests.local.support import new_visitor, start_chat, wait_until

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
    # A push to a worker still installing is lost: delivered once it is active.
    console.page.evaluate("navigator.serviceWorker.ready.then((r) => r.active.state)")
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


# Headless Chromium shows no notification one could click, and DevTools has no command for
# it: the click is dispatched inside the service worker, on the notification it showed. Such an
# event is not trusted: its waitUntil is taken over to follow the handler's work, and focusing
# a window, which a browser allows only after a real click, may be refused.
CLICK_THE_NOTIFICATION = """async () => {
    const [shown] = await self.registration.getNotifications();
    const click = new NotificationEvent("notificationclick", {notification: shown});
    let work = Promise.resolve();
    click.waitUntil = (promise) => { work = promise; };
    self.dispatchEvent(click);
    try { await work; return "done"; } catch (error) { return error.name; }
}"""


def console_worker(console):
    """The console's service worker, to evaluate in."""
    wait_until(
        lambda: console.page.evaluate("true") and console.context.service_workers,
        10,
        "the console's service worker",
    )
    (worker,) = [w for w in console.context.service_workers if w.url.endswith("/console/sw.js")]
    return worker


def test_a_click_on_the_notification_brings_the_console_to_that_chat(stack, agent_console):
    department = stack.new_department(name="Studienberatung")
    _anna, console = agent_console("Anna", [department])
    console.context.grant_permissions(["notifications"], origin=stack.urls.base_url)
    room_id = start_chat(stack.api, new_visitor(stack.api), department, "Hallo?")
    console.go("account")  # the console open, elsewhere

    deliver_push(console, {"kind": "new_chat", "room_id": room_id, "department": "Studienberatung"})
    wait_until(lambda: console.page.evaluate(NOTIFICATIONS), 10, "the notification")
    assert console.page.evaluate(NOTIFICATIONS)[0]["title"] == (
        "Neue Chat-Anfrage – Studienberatung"
    )
    clicked = console_worker(console).evaluate(CLICK_THE_NOTIFICATION)

    expect(console.page).to_have_url(re.compile(f"#room/{room_id}$"))
    expect(console.conversation).to_contain_text("Hallo?")
    assert clicked in ("done", "InvalidAccessError")  # focus() without a real click: refused
    assert console.page.evaluate(NOTIFICATIONS) == []  # the click closed it


def test_a_click_with_no_console_open_opens_one_on_that_chat(stack, agent_console):
    department = stack.new_department(name="Studienberatung")
    _anna, console = agent_console("Anna", [department])
    console.context.grant_permissions(["notifications"], origin=stack.urls.base_url)
    deliver_push(console, {"kind": "waiting", "room_id": "room_9", "department": "Studienberatung"})
    wait_until(lambda: console.page.evaluate(NOTIFICATIONS), 10, "the notification")
    worker = console_worker(console)
    scope = console.page.evaluate("navigator.serviceWorker.ready.then((r) => r.scope)")
    console.page.close()
    # A window opens only after a real click: the worker's openWindow is watched instead.
    worker.evaluate(
        "() => { self.opened = []; self.clients.openWindow = async (url) => "
        "{ self.opened.push(url); return null; }; }"
    )

    assert worker.evaluate(CLICK_THE_NOTIFICATION) == "done"
    assert worker.evaluate("self.opened") == [f"{scope}#room/room_9"]


def test_a_pushed_preview_is_shown_as_the_notifications_text(stack, agent_console):
    department = stack.new_department(name="Studierendenservice")
    _anna, console = agent_console("Anna", [department])
    console.context.grant_permissions(["notifications"], origin=stack.urls.base_url)

    deliver_push(console, {"kind": "message", "room_id": "room_2", "text": "Hallo?"})

    wait_until(lambda: console.page.evaluate(NOTIFICATIONS), 10, "the notification")
    (notification,) = console.page.evaluate(NOTIFICATIONS)
    assert (notification["title"], notification["body"]) == ("Neue Nachricht im Chat", "Hallo?")


def test_a_team_chats_direct_message_says_who_wrote(stack, agent_console):
    department = stack.new_department(name="Studierendenservice")
    _anna, console = agent_console("Anna", [department])
    console.context.grant_permissions(["notifications"], origin=stack.urls.base_url)

    deliver_push(console, {"kind": "direct", "room_id": "team_dm_1", "from": "Ben Berg"})

    wait_until(lambda: console.page.evaluate(NOTIFICATIONS), 10, "the notification")
    (notification,) = console.page.evaluate(NOTIFICATIONS)
    assert (notification["title"], notification["body"]) == (
        "Direktnachricht – Ben Berg",
        "Öffnen Sie die Konsole, um zu antworten.",
    )


# Chromium here reaches no push service, so its subscribe() is played: a subscription at FCM,
# one of the push services the devserver allows (PUSH_SERVICE_ORIGINS by default).
FAKE_PUSH_SERVICE = """(() => {
    let current = null;
    const key = "B" + "A".repeat(86);
    PushManager.prototype.subscribe = async function (options) {
        window.__subscribedWith = options.applicationServerKey.length;
        current = {
            endpoint: "https://fcm.googleapis.com/fcm/send/device-" + Date.now(),
            toJSON() { return {endpoint: this.endpoint, expirationTime: null,
                               keys: {p256dh: key, auth: "A".repeat(22)}}; },
            unsubscribe: async () => { current = null; return true; },
        };
        return current;
    };
    PushManager.prototype.getSubscription = async () => current;
})()"""


def test_my_account_switches_this_devices_notifications_on_and_off(stack, agent_console):
    department = stack.new_department(name="Studierendenservice")
    _anna, console = agent_console("Anna", [department])
    console.context.grant_permissions(["notifications"], origin=stack.urls.base_url)
    console.page.add_init_script(FAKE_PUSH_SERVICE)
    console.page.reload()
    console.go("account")
    fieldset = console.page.locator("#push-fieldset")
    expect(fieldset.locator("legend")).to_have_text("Benachrichtigungen auf diesem Gerät")
    expect(console.page.locator("#push-state")).to_have_text("ausgeschaltet")

    console.page.locator("#push-toggle").click()

    expect(console.page.locator("#push-state")).to_have_text("eingeschaltet")
    expect(console.page.locator("#push-toggle")).to_have_attribute("aria-pressed", "true")
    assert console.page.evaluate("window.__subscribedWith") == 65  # the stack's P-256 key
    assert axe_violations(console.page) == []
    console.page.locator("#push-test").click()
    wait_until(lambda: console.page.evaluate(NOTIFICATIONS), 10, "the test notification")
    assert console.page.evaluate(NOTIFICATIONS)[0]["title"] == "Benachrichtigungen sind an"

    subscription_id = console.page.evaluate(
        "localStorage.getItem('livechat-console:push-subscription')"
    )
    console.page.locator("#push-toggle").click()
    expect(console.page.locator("#push-state")).to_have_text("ausgeschaltet")
    token = console.page.evaluate("localStorage.getItem('livechat-console:token')")
    gone = stack.api.call("DELETE", f"/me/push-subscriptions/{subscription_id}", token=token)
    assert gone.status_code == 404  # the console removed it from the server


def test_blocked_notifications_say_what_to_do(stack, agent_console):
    department = stack.new_department(name="Studierendenservice")
    _anna, console = agent_console("Anna", [department])
    console.page.add_init_script(
        "Object.defineProperty(Notification, 'permission', {get: () => 'denied'})"
    )
    console.page.reload()
    console.go("account")

    expect(console.page.locator("#push-state")).to_have_text("vom Browser blockiert")
    expect(console.page.locator("#push-help")).to_contain_text("erlauben Sie „Benachrichtigungen“")
    expect(console.page.locator("#push-toggle")).to_be_hidden()


def test_an_admin_sets_when_and_where_a_waiting_chat_alerts_in_the_departments_dialog(
    stack, consoles
):
    department = stack.new_department(name="Studierendenservice")
    admin = consoles().sign_in(stack.urls.admin_email, stack.urls.admin_password)
    admin.go("#admin/departments")
    card = admin.main.locator(f'[data-department="{department}"]')
    card.get_by_role("button", name="Bearbeiten").click()
    dialog = admin.dialog()
    minutes = dialog.get_by_label("Alarm nach so vielen Minuten in der Warteschlange")
    expect(minutes).to_have_value("0")
    minutes.fill("2000")
    dialog.get_by_label("E-Mail-Adresse für Alarme").fill("beratung@uni.example")
    dialog.get_by_role("button", name="Speichern").click()

    # Shown again with what was typed, the error next to the minutes, in German.
    dialog = admin.dialog()
    expect(dialog.locator("#department-alert-minutes-error")).to_have_text(
        "Bitte höchstens 1440 eingeben."
    )
    minutes = dialog.get_by_label("Alarm nach so vielen Minuten in der Warteschlange")
    expect(minutes).to_have_attribute("aria-invalid", "true")
    expect(minutes).to_be_focused()
    expect(dialog.get_by_label("E-Mail-Adresse für Alarme")).to_have_value("beratung@uni.example")
    assert axe_violations(admin.page) == []
    minutes.fill("10")
    admin.confirm("Speichern")
    expect(admin.toast()).to_contain_text("gespeichert")

    def saved():
        answer = stack.api.call("GET", "/admin/departments", token=stack.admin_token, expect=200)
        found = {d["department_id"]: d for d in answer.json()["departments"]}[department]
        return found["alert_after_minutes"], found["alert_email"]

    assert saved() == (10, "beratung@uni.example")
    card.get_by_role("button", name="Bearbeiten").click()
    dialog = admin.dialog()
    expect(dialog.get_by_label("Alarm nach so vielen Minuten in der Warteschlange")).to_have_value(
        "10"
    )
    dialog.get_by_label("E-Mail-Adresse für Alarme").fill("")
    admin.confirm("Speichern")
    wait_until(lambda: saved() == (10, None), 10, "the address removed")
