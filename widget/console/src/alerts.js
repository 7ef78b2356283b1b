// Nothing goes unnoticed (S25): new requests, visitor messages in the agent's open chats that
// are not in view, and chats forwarded to the agent are heard (following the sound setting),
// shown as a desktop notification when allowed, counted per chat in the sidebar, and counted in
// the tab's title together with the waiting requests.
import { addStrings, announce, api, emit, on, playSound, session, t, toast } from "./core.js";
import { live } from "./live.js";

addStrings({
  de: {
    alertNewMessage: "Neue Nachricht von {name}",
    forwardedToYou: "{name} wurde an Sie weitergeleitet",
    forwardedBy: "Weitergeleitet von {name}.",
    forwardedWithNote: "Weitergeleitet von {name}: „{comment}“",
    unreadCount: "{count} ungelesen",
  },
  en: {
    alertNewMessage: "New message from {name}",
    forwardedToYou: "{name} was forwarded to you",
    forwardedBy: "Forwarded by {name}.",
    forwardedWithNote: "Forwarded by {name}: “{comment}”",
    unreadCount: "{count} unread",
  },
});

/** Unread visitor messages per open chat (room_id -> count). */
export const unread = new Map();
let screenTitle = "";
// Unread team-chat messages (team.js counts them per room): in the title too.
let teamUnread = 0;

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
  let count = live.queue.length + teamUnread;
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

/** Who forwarded the chat, and their note, as one sentence ("" when it was not forwarded). */
export function handoverText(room) {
  const handover = room.handover;
  if (!handover) return "";
  return handover.comment
    ? t("forwardedWithNote", { name: handover.by, comment: handover.comment })
    : t("forwardedBy", { name: handover.by });
}

// The last seq of each open chat the console has seen: the server keeps the read marker there,
// so that unread counts survive a reload or a new sign-in.
const lastSeq = new Map();
// The last seq of each open chat read here: a list of open chats the server answered before
// that read landed still counts those lines, and must not bring them back.
const readSeq = new Map();

function readUpTo(roomId, seq) {
  if (!(seq > 0)) return;
  readSeq.set(roomId, Math.max(readSeq.get(roomId) || 0, seq));
  api("POST", `/rooms/${roomId}/read`, { seq }).catch(() => {});
}

function markRead() {
  for (const room of live.open) {
    if (!inView(room.room_id)) continue;
    if (unread.delete(room.room_id))
      readUpTo(room.room_id, lastSeq.get(room.room_id) || room.last_seq);
  }
  emit("unread-changed", unread);
}

/** The counts the server kept (after a reload, a sign-in, a reconnect): never fewer than seen,
 * and none of the lines already read here (the answer may have left before the read landed). */
function takeServerCounts(rooms) {
  for (const room of rooms) {
    lastSeq.set(room.room_id, Math.max(lastSeq.get(room.room_id) || 0, room.last_seq));
    if (typeof room.unread !== "number") continue;
    if (inView(room.room_id)) {
      readUpTo(room.room_id, room.last_seq);
      continue;
    }
    const notReadHere = room.last_seq - (readSeq.get(room.room_id) || 0);
    const count = Math.min(room.unread, notReadHere);
    if (count > 0) unread.set(room.room_id, Math.max(unread.get(room.room_id) || 0, count));
  }
  emit("unread-changed", unread);
}

export function startAlerts() {
  const offs = [
    on("message", ({ message }) => {
      const chat = live.open.find((room) => room.room_id === message.room_id);
      if (!chat) return;
      lastSeq.set(message.room_id, Math.max(lastSeq.get(message.room_id) || 0, message.seq));
      if (inView(message.room_id)) return readUpTo(message.room_id, message.seq);
      if (message.author.kind !== "visitor") return;
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
        // Like a new request: heard, counted on the chat and in the title, and a visible notice
        // that says who forwarded it and why.
        const title = t("forwardedToYou", { name: room.visitor.name });
        const why = handoverText(room);
        if (!inView(room.room_id)) unread.set(room.room_id, (unread.get(room.room_id) || 0) + 1);
        emit("unread-changed", unread);
        alertAgent(title, why, room.room_id);
        toast([title, why].filter(Boolean).join(". "));
      }
      if (room.state !== "open" || !mine) {
        unread.delete(room.room_id);
        emit("unread-changed", unread);
      }
    }),
    on("open-fetched", takeServerCounts),
    on("queue-changed", renderTitle),
    on("unread-changed", renderTitle),
    on("team-changed", (team) => {
      teamUnread = team.rooms.reduce((sum, room) => sum + (room.unread || 0), 0);
      renderTitle();
    }),
  ];
  window.addEventListener("hashchange", markRead);
  document.addEventListener("visibilitychange", markRead);
  return () => {
    for (const off of offs) off();
    window.removeEventListener("hashchange", markRead);
    document.removeEventListener("visibilitychange", markRead);
    unread.clear();
    lastSeq.clear();
    readSeq.clear();
    teamUnread = 0;
  };
}
