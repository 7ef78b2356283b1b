// The console's service worker (scope /console/): keeps the console's shell for an installed
// console that starts offline, shows Web Push notifications of new chats and messages, and of
// team chat's direct messages and mentions, while no console is seen (the server sends them
// only then), and a click opens or focuses the console on that chat. A push carries no
// message's words unless the agent allowed previews.
const SHELL = "livechat-console-shell-v1";
const SHELL_FILES = ["./", "console.css", "console.js", "manifest.webmanifest", "icon.svg"];

const WORDS = {
  de: {
    new_chat: "Neue Chat-Anfrage",
    message: "Neue Nachricht im Chat",
    forwarded: "Ein Chat wurde an Sie weitergeleitet",
    waiting: "Chat-Anfrage wartet zu lange",
    direct: "Direktnachricht",
    mention: "Sie wurden erwähnt",
    test: "Benachrichtigungen sind an",
    other: "Live-Chat",
    open: "Öffnen Sie die Konsole, um zu antworten.",
  },
  en: {
    new_chat: "New chat request",
    message: "New message in a chat",
    forwarded: "A chat was forwarded to you",
    waiting: "Chat request waiting too long",
    direct: "Direct message",
    mention: "You were mentioned",
    test: "Notifications are on",
    other: "Live chat",
    open: "Open the console to answer.",
  },
};

function words() {
  return (self.navigator.language || "de").toLowerCase().startsWith("de") ? WORDS.de : WORDS.en;
}

/** What the notification says: "Neue Chat-Anfrage – Studierendenservice", in team chat
 * "Direktnachricht – Anna". */
export function notificationOf(push) {
  const say = words();
  const what = say[push.kind] || say.other;
  const about = push.department || push.from;
  return {
    title: about ? `${what} – ${about}` : what,
    options: {
      body: push.text || say.open,
      tag: push.room_id ? `room-${push.room_id}` : "livechat",
      renotify: true,
      icon: "icon.svg",
      data: { room_id: push.room_id || null },
    },
  };
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(SHELL)
      .then((cache) => cache.addAll(SHELL_FILES))
      .catch(() => undefined) // a shell not cached only means no offline start
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n !== SHELL).map((n) => caches.delete(n))))
      .then(() => self.clients.claim())
  );
});

// The shell from the network first (a new version at once), the cache when offline; the API
// and everything else are never cached.
self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || !url.href.startsWith(self.registration.scope)) return;
  const file = url.pathname.slice(new URL(self.registration.scope).pathname.length);
  if (!["", "index.html", ...SHELL_FILES].includes(file)) return;
  event.respondWith(
    fetch(request).catch(() =>
      caches.match(request, { ignoreSearch: true }).then((hit) => hit || Response.error())
    )
  );
});

self.addEventListener("push", (event) => {
  let push = {};
  try {
    push = event.data ? event.data.json() : {};
  } catch {
    push = {};
  }
  const { title, options } = notificationOf(push);
  event.waitUntil(self.registration.showNotification(title, options));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const roomId = event.notification.data?.room_id;
  const hash = roomId ? `#room/${encodeURIComponent(roomId)}` : "";
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      const open = windows.find((w) => w.url.startsWith(self.registration.scope));
      if (open) {
        if (roomId) open.postMessage({ type: "open-room", room_id: roomId });
        return open.focus();
      }
      return self.clients.openWindow(`${self.registration.scope}${hash}`);
    })
  );
});
