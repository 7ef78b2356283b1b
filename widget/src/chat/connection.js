// The visitor's WebSocket: opened while a chat is queued or open, reconnected with backoff. It
// knows nothing of the conversation: each (re)connect and each frame go to the callbacks chat.js
// hands in (there the window fetches what it missed and resends what was not echoed).
import { backoffDelay } from "../../common/timing.js";
import { isActive } from "./context.js";

// A heartbeat only where one is needed: API Gateway closes a socket that carried no frame for 10
// minutes, so the window beats after 4 minutes without a frame of its own; and the server forgets
// a connection 2 hours after its last heartbeat, so the window beats at least hourly.
const SILENCE_BEAT_MS = 4 * 60 * 1000;
const KEEP_BEAT_MS = 60 * 60 * 1000;
const BEAT_CHECK_MS = 60 * 1000;

/**
 * The socket of the chat window's `state` (its room, identity and config), with `call` for the
 * API. Callbacks: `onOpen()` after each (re)connect, a promise whose rejection closes the socket
 * (to be opened again); `onEvent(frame)` for each frame; `onChange()` when it opened or closed;
 * `onIdentityLost()` when the API no longer knows the visitor's token.
 */
export class Connection {
  constructor(state, call, callbacks) {
    this.state = state;
    this.call = call;
    this.callbacks = callbacks;
    this.socket = null;
    this.open = false;
    this.connecting = false; // a socket ticket is being fetched
    this.everOpened = false;
    this.attempts = 0;
    this.retry = 0;
    this.lastFrameAt = 0; // when the window last sent a frame, or the socket opened
    this.lastBeatAt = 0; // when it last sent a heartbeat, or the socket opened ($connect stores it)
  }

  /** It had been open and is not now: the window is reconnecting. */
  isLost() {
    return this.everOpened && !this.open;
  }

  sendFrame(frame) {
    if (!this.open) return false;
    this.socket.send(JSON.stringify(frame));
    this.lastFrameAt = Date.now();
    if (frame.action === "heartbeat") this.lastBeatAt = this.lastFrameAt;
    return true;
  }

  beatIfNeeded() {
    const now = Date.now();
    if (now - this.lastFrameAt >= SILENCE_BEAT_MS || now - this.lastBeatAt >= KEEP_BEAT_MS) {
      this.sendFrame({ action: "heartbeat" });
    }
  }

  // The socket URL carries a one-time ticket (single use, 30 s), never the visitor's token: URLs
  // end up in logs.
  connect() {
    const { saved, room, config } = this.state;
    if (this.socket || this.connecting || !room || !saved.token || !config) return;
    clearTimeout(this.retry);
    this.connecting = true;
    this.call("POST", "/ws-ticket").then(
      ({ data }) => {
        this.connecting = false;
        if (!this.socket && isActive(this.state.room)) this.openSocket(data.ticket);
      },
      (error) => {
        this.connecting = false;
        if (error.status === 401) this.callbacks.onIdentityLost();
        else if (isActive(this.state.room)) this.scheduleReconnect();
      }
    );
  }

  openSocket(ticket) {
    const ws = new WebSocket(`${this.state.config.ws_url}?ticket=${encodeURIComponent(ticket)}`);
    this.socket = ws;
    ws.onopen = () => {
      if (this.socket !== ws) return;
      const now = Date.now();
      Object.assign(this, {
        open: true,
        everOpened: true,
        attempts: 0,
        lastFrameAt: now,
        lastBeatAt: now,
      });
      this.callbacks.onChange();
      this.callbacks.onOpen().catch(() => ws.close());
    };
    ws.onmessage = (event) => {
      if (this.socket !== ws) return;
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return; // not a frame of ours
      }
      this.callbacks.onEvent(frame);
    };
    ws.onclose = () => {
      if (this.socket !== ws) return;
      Object.assign(this, { socket: null, open: false });
      this.callbacks.onChange();
      if (isActive(this.state.room)) this.scheduleReconnect();
    };
  }

  closeSocket() {
    const ws = this.socket;
    Object.assign(this, { socket: null, open: false });
    clearTimeout(this.retry);
    if (ws) ws.close();
  }

  scheduleReconnect() {
    clearTimeout(this.retry);
    const delay = backoffDelay(this.attempts);
    this.attempts += 1;
    this.retry = setTimeout(async () => {
      if (this.attempts > 2) {
        // Several tries failed: is the identity still there (expired or deleted elsewhere)?
        try {
          await this.call("GET", "/visitors/me");
        } catch (error) {
          if (error.status === 401) return this.callbacks.onIdentityLost();
        }
      }
      if (isActive(this.state.room)) this.connect();
    }, delay);
  }

  watchConnection() {
    window.addEventListener("online", () => {
      if (!this.socket && isActive(this.state.room)) {
        this.attempts = 0;
        this.connect();
      }
    });
    setInterval(() => this.beatIfNeeded(), BEAT_CHECK_MS);
  }
}
