// The agent's WebSocket: presence heartbeats, every server event onto the bus, and reconnects
// with backoff. After a reconnect the screens fetch what they missed ("socket-open" with
// `reconnected: true`), so that an agent can work a whole day without reloading.
//
// A connection can die without a close (a sleeping router, a lost Wi-Fi): the server
// acknowledges every heartbeat (`{"type": "heartbeat"}`), and a heartbeat that hears nothing
// back within ACK_TIMEOUT_MS counts as a lost connection: "Verbindung unterbrochen", then the
// usual reconnect. So a dead connection shows within HEARTBEAT_MS + ACK_TIMEOUT_MS (30 s).
import { backoffDelay } from "../../common/timing.js";
import { api, emit, session } from "./core.js";

// Presence runs out 90 s after the last heartbeat; browsers may delay timers of hidden tabs
// by up to a minute, so the beat comes well before that.
const HEARTBEAT_MS = 20000;
const ACK_TIMEOUT_MS = 10000;

let socket = null;
let heartbeat = 0;
let ackTimer = 0;
let retryTimer = 0;
let attempts = 0;
let wanted = false;
let opening = false; // a ticket is being fetched
let everOpened = false;
let heardAt = 0; // when the current socket last received anything

function visibilityChanged() {
  if (socket !== null && isSocketOpen()) beat(socket);
}

export function startSocket() {
  document.removeEventListener("visibilitychange", visibilityChanged);
  document.addEventListener("visibilitychange", visibilityChanged);
  wanted = true;
  everOpened = false;
  open();
}

export function stopSocket() {
  wanted = false;
  clearTimeout(retryTimer);
  stopBeating();
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

function stopBeating() {
  clearInterval(heartbeat);
  clearTimeout(ackTimer);
}

// Whether the page is seen: the server pushes to the agent's devices only while none of their
// consoles is, so every change is told at once.
function beat(current) {
  const sentAt = Date.now();
  if (!sendFrame({ action: "heartbeat", visible: document.visibilityState === "visible" })) return;
  clearTimeout(ackTimer);
  ackTimer = setTimeout(() => {
    if (socket === current && heardAt < sentAt) lost(current);
  }, ACK_TIMEOUT_MS);
}

/** The connection is gone (closed, or silent): say so and try again with backoff. */
function lost(current) {
  if (socket !== current) return;
  stopBeating();
  socket = null;
  current.close();
  emit("socket-closed", {});
  if (wanted) retryLater();
}

function retryLater() {
  retryTimer = setTimeout(open, backoffDelay(attempts));
  attempts += 1;
}

// The socket URL carries a one-time ticket (single use, 30 s), never the token: URLs end up in
// logs.
function open() {
  clearTimeout(retryTimer);
  if (opening) return;
  opening = true;
  api("POST", "/ws-ticket").then(
    ({ ticket }) => {
      opening = false;
      if (wanted && socket === null) connect(ticket);
    },
    () => {
      opening = false;
      if (wanted) retryLater();
    }
  );
}

function connect(ticket) {
  const current = new WebSocket(`${session.wsUrl}?ticket=${encodeURIComponent(ticket)}`);
  socket = current;
  current.addEventListener("open", () => {
    attempts = 0;
    heardAt = Date.now();
    stopBeating();
    heartbeat = setInterval(() => beat(current), HEARTBEAT_MS);
    emit("socket-open", { reconnected: everOpened });
    everOpened = true;
  });
  current.addEventListener("message", (event) => {
    heardAt = Date.now();
    let data;
    try {
      data = JSON.parse(event.data);
    } catch {
      return;
    }
    if (data && typeof data.type === "string") emit(data.type, data);
  });
  current.addEventListener("close", () => lost(current));
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
