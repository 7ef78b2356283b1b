// Nothing goes unnoticed (S25): new requests, visitor messages in the agent's open chats that
// are not in view, and chats forwarded to the agent are heard (following the sound setting),
// shown as a desktop notification when allowed, counted per chat in the sidebar, and counted in
// the tab's title together with the waiting requests.
import { addStrings, announce, emit, on, playSound, session, t } from "./core.js";
import { live } from "./live.js";

addStrings({
  de: {
    alertNewMessage: "Neue Nachricht von {name}",
    forwardedToYou: "{name} wurde an Sie weitergeleitet",
    unreadCount: "{count} ungelesen",
  },
  en: {
    alertNewMessage: "New message from {name}",
    forwardedToYou: "{name} was forwarded to you",
    unreadCount: "{count} unread",
  },
});

/** Unread visitor messages per open chat (room_id -> count). */
export const unread = new Map();
let screenTitle = "";

const inView = (roomId) =>
  location.hash === `#room/${roomId}` && document.visibilityState === "visible";

/** The tab's title: "(waiting + unread) screen – Live-Chat" ("Live-Chat" once on its own). */
export function setScreenTitle(title) {
  screenTitle = title;
  renderTitle();
}

export function renderTitle() {
  const app = t("appTitle");
  const base = screenTitle && screenTitle !== app ? `${screenTitle} – ${app}` : app;
  let count = live.queue.length;
  for (const value of unread.values()) count += value;
  document.title = count ? `(${count}) ${base}` : base;
}

/** Sound and desktop notification; a click on the notification opens the chat. */
export function alertAgent(title, body, roomId) {
  if (session.agent.settings.sound) playSound();
  announce(title);
  if (!("Notification" in window) || Notification.permission !== "granted") return;
  const notification = new Notification(title, { body, tag: roomId });
  notification.onclick = () => {
    window.focus();
    location.hash = `#room/${roomId}`;
  };
}

function markRead() {
  for (const roomId of [...unread.keys()]) {
    if (inView(roomId)) unread.delete(roomId);
  }
  emit("unread-changed", unread);
}

export function startAlerts() {
  const offs = [
    on("message", ({ message }) => {
      const chat = live.open.find((room) => room.room_id === message.room_id);
      if (!chat || message.author.kind !== "visitor" || inView(message.room_id)) return;
      unread.set(message.room_id, (unread.get(message.room_id) || 0) + 1);
      emit("unread-changed", unread);
      alertAgent(
        t("alertNewMessage", { name: message.author.name }),
        message.text,
        message.room_id
      );
    }),
    on("room", ({ event, room }) => {
      const mine = room.agent?.agent_id === session.agent.agent_id;
      if (event === "forwarded" && mine && room.state === "open") {
        alertAgent(t("forwardedToYou", { name: room.visitor.name }), "", room.room_id);
      }
      if (room.state !== "open" || !mine) {
        unread.delete(room.room_id);
        emit("unread-changed", unread);
      }
    }),
    on("queue-changed", renderTitle),
    on("unread-changed", renderTitle),
  ];
  window.addEventListener("hashchange", markRead);
  document.addEventListener("visibilitychange", markRead);
  return () => {
    for (const off of offs) off();
    window.removeEventListener("hashchange", markRead);
    document.removeEventListener("visibilitychange", markRead);
    unread.clear();
  };
}
