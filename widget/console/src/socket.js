// The agent's WebSocket: presence heartbeats, every server event onto the bus, and reconnects
// with backoff. After a reconnect the screens fetch what they missed ("socket-open" with
// `reconnected: true`), so that an agent can work a whole day without reloading.
import { backoffDelay } from "../../common/timing.js";
import { emit, session } from "./core.js";

// Presence runs out 90 s after the last heartbeat; browsers may delay timers of hidden tabs
// by up to a minute, so the beat comes well before that.
const HEARTBEAT_MS = 25000;

let socket = null;
let heartbeat = 0;
let retryTimer = 0;
let attempts = 0;
let wanted = false;
let everOpened = false;

export function startSocket() {
  wanted = true;
  everOpened = false;
  open();
}

export function stopSocket() {
  wanted = false;
  clearTimeout(retryTimer);
  clearInterval(heartbeat);
  if (socket) socket.close(1000);
  socket = null;
}

export function isSocketOpen() {
  return socket !== null && socket.readyState === WebSocket.OPEN;
}

/** Send a frame; false when the socket is not open (callers fall back to REST). */
export function sendFrame(frame) {
  if (!isSocketOpen()) return false;
  socket.send(JSON.stringify(frame));
  return true;
}

function open() {
  clearTimeout(retryTimer);
  const current = new WebSocket(`${session.wsUrl}?token=${encodeURIComponent(session.token)}`);
  socket = current;
  current.addEventListener("open", () => {
    attempts = 0;
    clearInterval(heartbeat);
    heartbeat = setInterval(() => sendFrame({ action: "heartbeat" }), HEARTBEAT_MS);
    emit("socket-open", { reconnected: everOpened });
    everOpened = true;
  });
  current.addEventListener("message", (event) => {
    let data;
    try {
      data = JSON.parse(event.data);
    } catch {
      return;
    }
    if (data && typeof data.type === "string") emit(data.type, data);
  });
  current.addEventListener("close", () => {
    if (socket !== current) return;
    clearInterval(heartbeat);
    socket = null;
    emit("socket-closed", {});
    if (!wanted) return;
    retryTimer = setTimeout(open, backoffDelay(attempts));
    attempts += 1;
  });
}

// Coming back online or to the tab: try at once instead of waiting out the backoff.
for (const [target, name] of [
  [window, "online"],
  [document, "visibilitychange"],
]) {
  target.addEventListener(name, () => {
    if (wanted && socket === null && document.visibilityState === "visible") open();
  });
}
