// The visitor's WebSocket: opened while a chat is queued or open, reconnected with backoff, and
// after each (re)connect the window fetches what it missed and resends what was not echoed.
import { backoffDelay } from "../../common/timing.js";
import { call, isActive, state, t } from "./context.js";
import {
  addMessage,
  catchUp,
  forgetRoom,
  identityLost,
  roomLost,
  setRoom,
} from "./conversation.js";
import { flushPending } from "./sending.js";
import { renderNotice, renderRoom, showError, theirTyping } from "./view.js";

// A heartbeat only where one is needed: API Gateway closes a socket that carried no frame for 10
// minutes, so the window beats after 4 minutes without a frame of its own; and the server forgets
// a connection 2 hours after its last heartbeat, so the window beats at least hourly.
const SILENCE_BEAT_MS = 4 * 60 * 1000;
const KEEP_BEAT_MS = 60 * 60 * 1000;
const BEAT_CHECK_MS = 60 * 1000;

/** The socket's state as the notice line shows it. */
// `connecting`: a socket ticket is being fetched.
export const connection = {
  socket: null,
  open: false,
  connecting: false,
  everOpened: false,
  attempts: 0,
  retry: 0,
  lastFrameAt: 0, // when the window last sent a frame, or the socket opened
  lastBeatAt: 0, // when it last sent a heartbeat, or the socket opened ($connect stores it)
};

export function sendFrame(frame) {
  if (!connection.open) return false;
  connection.socket.send(JSON.stringify(frame));
  connection.lastFrameAt = Date.now();
  if (frame.action === "heartbeat") connection.lastBeatAt = connection.lastFrameAt;
  return true;
}

function beatIfNeeded() {
  const now = Date.now();
  if (
    now - connection.lastFrameAt >= SILENCE_BEAT_MS ||
    now - connection.lastBeatAt >= KEEP_BEAT_MS
  ) {
    sendFrame({ action: "heartbeat" });
  }
}

// The socket URL carries a one-time ticket (single use, 30 s), never the visitor's token: URLs
// end up in logs.
export function connect() {
  const { saved, room, config } = state;
  if (connection.socket || connection.connecting || !room || !saved.token || !config) return;
  clearTimeout(connection.retry);
  connection.connecting = true;
  call("POST", "/ws-ticket").then(
    ({ data }) => {
      connection.connecting = false;
      if (!connection.socket && isActive()) openSocket(data.ticket);
    },
    (error) => {
      connection.connecting = false;
      if (error.status === 401) identityLost();
      else if (isActive()) scheduleReconnect();
    }
  );
}

function openSocket(ticket) {
  const ws = new WebSocket(`${state.config.ws_url}?ticket=${encodeURIComponent(ticket)}`);
  connection.socket = ws;
  ws.onopen = () => {
    if (connection.socket !== ws) return;
    const now = Date.now();
    Object.assign(connection, {
      open: true,
      everOpened: true,
      attempts: 0,
      lastFrameAt: now,
      lastBeatAt: now,
    });
    renderNotice();
    catchUp().then(
      () => flushPending("all"),
      (error) => roomLost(error) || ws.close()
    );
  };
  ws.onmessage = (event) => {
    if (connection.socket !== ws) return;
    let frame;
    try {
      frame = JSON.parse(event.data);
    } catch {
      return; // not a frame of ours
    }
    onEvent(frame);
  };
  ws.onclose = () => {
    if (connection.socket !== ws) return;
    Object.assign(connection, { socket: null, open: false });
    renderNotice();
    if (isActive()) scheduleReconnect();
  };
}

export function closeSocket() {
  const ws = connection.socket;
  Object.assign(connection, { socket: null, open: false });
  clearTimeout(connection.retry);
  if (ws) ws.close();
}

function scheduleReconnect() {
  clearTimeout(connection.retry);
  const delay = backoffDelay(connection.attempts);
  connection.attempts += 1;
  connection.retry = setTimeout(async () => {
    if (connection.attempts > 2) {
      // Several tries failed: is the identity still there (expired or deleted elsewhere)?
      try {
        await call("GET", "/visitors/me");
      } catch (error) {
        if (error.status === 401) return identityLost();
      }
    }
    if (isActive()) connect();
  }, delay);
}

export function watchConnection() {
  window.addEventListener("online", () => {
    if (!connection.socket && isActive()) {
      connection.attempts = 0;
      connect();
    }
  });
  setInterval(beatIfNeeded, BEAT_CHECK_MS);
}

function onEvent(event) {
  const { room } = state;
  if (event.type === "message" && room && event.message?.room_id === room.room_id) {
    addMessage(event.message, true);
  } else if (event.type === "room" && room && event.room?.room_id === room.room_id) {
    if (event.event !== "deleted") setRoom(event.room, event.event);
    else if (room.state !== "closed") forgetRoom();
  } else if (event.type === "typing" && room && event.room_id === room.room_id) {
    const theirs = event.typing && event.author?.kind !== "visitor";
    theirTyping.update(theirs ? event.author.name : null);
  } else if (event.type === "presence" && room?.agent?.agent_id === event.agent_id) {
    room.agent.status = event.status;
    renderRoom();
  } else if (event.type === "error") {
    onError(event.code);
  }
}

function onError(code) {
  if (code === "invalid_token") identityLost();
  else if (code === "message_too_long") {
    showError(t("tooLong", { max: state.config.max_message_length }));
  } else if (code === "room_closed" && state.room) catchUp().catch(() => {});
}
