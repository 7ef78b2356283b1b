// The console on this device: its service worker (sw.js: the shell for an installed console,
// push notifications while no console is seen), a click on a notification that finds the
// console open (it shows that chat), and under Mein Konto the switch "Benachrichtigungen auf
// diesem Gerät": this browser's push subscription (GET /push/key, POST and DELETE
// /me/push-subscriptions), a test notification, and what to do when the browser blocks them.
import { addStrings, api, el, errorText, t } from "./core.js";

addStrings({
  de: {
    pushLegend: "Benachrichtigungen auf diesem Gerät",
    pushText:
      "Auch wenn die Konsole geschlossen ist oder im Hintergrund liegt, meldet dieses Gerät neue " +
      "Chat-Anfragen, Nachrichten in Ihren Chats und an Sie weitergeleitete Chats.",
    pushStateLabel: "Zustand:",
    pushOn: "eingeschaltet",
    pushOff: "ausgeschaltet",
    pushBlocked: "vom Browser blockiert",
    pushMissing: "von diesem Browser nicht unterstützt",
    pushSwitchOn: "Einschalten",
    pushSwitchOff: "Ausschalten",
    pushTest: "Testbenachrichtigung",
    pushTestTitle: "Benachrichtigungen sind an",
    pushTestBody: "So meldet dieses Gerät neue Chat-Anfragen.",
    pushBlockedHelp:
      "Ihr Browser blockiert Benachrichtigungen für diese Seite. Klicken Sie links neben der " +
      "Adresse auf das Symbol der Website-Einstellungen, erlauben Sie „Benachrichtigungen“ und " +
      "laden Sie die Seite neu.",
    pushFailed: "Benachrichtigungen ließen sich nicht einschalten: {reason}",
    pushPreviews: "Nachrichtentext in Benachrichtigungen zeigen (sonst nur, dass etwas kam)",
  },
  en: {
    pushLegend: "Notifications on this device",
    pushText:
      "Even when the console is closed or in the background, this device tells you of new chat " +
      "requests, messages in your chats and chats forwarded to you.",
    pushStateLabel: "State:",
    pushOn: "on",
    pushOff: "off",
    pushBlocked: "blocked by the browser",
    pushMissing: "not supported by this browser",
    pushSwitchOn: "Switch on",
    pushSwitchOff: "Switch off",
    pushTest: "Test notification",
    pushTestTitle: "Notifications are on",
    pushTestBody: "This is how this device tells you of new chat requests.",
    pushBlockedHelp:
      "Your browser blocks notifications for this site. Click the site settings icon left of " +
      "the address, allow “Notifications” and reload the page.",
    pushFailed: "Notifications could not be switched on: {reason}",
    pushPreviews: "Show the message text in notifications (otherwise only that something came)",
  },
});

const SUBSCRIPTION_KEY = "livechat-console:push-subscription";

export function registerConsoleWorker() {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.register("sw.js").catch(() => undefined); // http: no worker, no push
  navigator.serviceWorker.addEventListener("message", (event) => {
    const roomId = event.data?.type === "open-room" ? event.data.room_id : null;
    if (typeof roomId === "string" && /^[A-Za-z0-9_.:-]{1,128}$/.test(roomId)) {
      location.hash = `#room/${roomId}`;
    }
  });
}

function supported() {
  return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
}

function base64UrlBytes(text) {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const raw = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

async function currentSubscription() {
  const registration = await navigator.serviceWorker.ready;
  return registration.pushManager.getSubscription();
}

async function switchOn() {
  if ((await Notification.requestPermission()) !== "granted") return;
  const { public_key: key } = await api("GET", "/push/key");
  const registration = await navigator.serviceWorker.ready;
  const subscription = await registration.pushManager.subscribe({
    userVisibleOnly: true,
    applicationServerKey: base64UrlBytes(key),
  });
  const { subscription_id: id } = await api(
    "POST",
    "/me/push-subscriptions",
    subscription.toJSON()
  );
  localStorage.setItem(SUBSCRIPTION_KEY, id);
}

async function switchOff() {
  const id = localStorage.getItem(SUBSCRIPTION_KEY);
  localStorage.removeItem(SUBSCRIPTION_KEY);
  if (id) await api("DELETE", `/me/push-subscriptions/${encodeURIComponent(id)}`).catch(() => null);
  const subscription = await currentSubscription();
  if (subscription) await subscription.unsubscribe();
}

/** Mein Konto's fieldset; `previews` is saved with the account's other settings. */
export function deviceNotifications(settings) {
  const state = el("span", { id: "push-state" });
  const toggle = el("button", { type: "button", class: "secondary", id: "push-toggle" });
  const test = el("button", { type: "button", class: "secondary", id: "push-test" });
  test.textContent = t("pushTest");
  const help = el("p", { class: "hint", id: "push-help", text: t("pushBlockedHelp") });
  const failure = el("p", { class: "form-error", role: "alert", id: "push-error" });
  const previews = el("input", {
    id: "account-push-previews",
    name: "push_previews",
    type: "checkbox",
  });
  previews.checked = settings.push_previews === true;
  const show = async () => {
    if (!supported()) {
      state.textContent = t("pushMissing");
      toggle.hidden = test.hidden = help.hidden = true;
      return;
    }
    const blocked = Notification.permission === "denied";
    const subscribed = localStorage.getItem(SUBSCRIPTION_KEY) !== null;
    const on = !blocked && subscribed && (await currentSubscription().catch(() => null)) !== null;
    state.textContent = t(blocked ? "pushBlocked" : on ? "pushOn" : "pushOff");
    toggle.textContent = t(on ? "pushSwitchOff" : "pushSwitchOn");
    toggle.setAttribute("aria-pressed", String(on));
    toggle.hidden = blocked;
    test.hidden = !on;
    help.hidden = !blocked;
  };
  toggle.addEventListener("click", async () => {
    failure.textContent = "";
    toggle.disabled = true;
    try {
      if (toggle.getAttribute("aria-pressed") === "true") await switchOff();
      else await switchOn();
    } catch (error) {
      failure.textContent = t("pushFailed", { reason: errorText(error) });
    } finally {
      toggle.disabled = false;
      await show();
      if (!toggle.hidden) toggle.focus();
    }
  });
  test.addEventListener("click", async () => {
    const registration = await navigator.serviceWorker.ready;
    await registration.showNotification(t("pushTestTitle"), {
      body: t("pushTestBody"),
      icon: "icon.svg",
      tag: "livechat-test",
    });
  });
  show();
  const fieldset = el(
    "fieldset",
    { id: "push-fieldset" },
    el("legend", { text: t("pushLegend") }),
    el("p", { class: "muted", text: t("pushText") }),
    el("p", { class: "account-line", "aria-live": "polite" }, t("pushStateLabel"), " ", state),
    help,
    failure,
    el("div", { class: "actions" }, toggle, test),
    el(
      "div",
      { class: "checks" },
      el("label", { for: "account-push-previews" }, previews, t("pushPreviews"))
    )
  );
  return { fieldset, previews };
}
