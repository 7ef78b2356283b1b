// Sending: the first message starts the chat (POST /rooms); later ones go over the socket and
// stay "pending" (also in storage) until the server echoes them by client_id. What got no echo
// is sent again with the same client_id, so the server keeps it once.
import { errorText } from "../../common/errors.js";
import { newClientId } from "../../common/ids.js";
import { RESEND_AFTER_MS } from "../../common/timing.js";
import { TypingSignal } from "../../common/typing.js";
import { DEPARTMENT, isActive, LANG, t, ui } from "./context.js";
import { saveStored } from "./storage.js";
import { pendingItem, scrollDown, timeOf } from "./view.js";

const itemOf = (clientId) =>
  ui.messages.querySelector(`[data-client-id="${CSS.escape(clientId)}"]`);

/** The pending sends of the chat window's `state`: shown in the log, sent over `connection`. */
export class Outbox {
  constructor(state, { connection, view }) {
    Object.assign(this, { state, connection, view });
  }

  showPending() {
    for (const pending of this.state.saved.pending) {
      if (pending.room_id !== this.state.room?.room_id) continue;
      if (!itemOf(pending.client_id)) ui.messages.append(pendingItem(pending));
    }
    this.view.renderRoom();
  }

  resolvePending(clientId) {
    const { saved } = this.state;
    const before = saved.pending.length;
    saved.pending = saved.pending.filter((pending) => pending.client_id !== clientId);
    if (saved.pending.length !== before) saveStored(saved);
    itemOf(clientId)?.remove();
  }

  /** The room closed before these got through: they stay on screen, marked as not sent. */
  dropPending(roomId) {
    const { saved } = this.state;
    saved.pending = saved.pending.filter((pending) => pending.room_id !== roomId);
    for (const item of ui.messages.querySelectorAll(".pending .sending")) {
      item.textContent = t("notSent");
    }
  }

  /** "all" after a reconnect, "new" for what was never sent, "stale" for what got no echo in time. */
  flushPending(which) {
    const { room, saved } = this.state;
    if (!this.connection.open || !room) return;
    const now = Date.now();
    for (const pending of saved.pending) {
      if (pending.room_id !== room.room_id) continue;
      if (which === "new" && pending.sent_at) continue;
      if (which === "stale" && now - (pending.sent_at || 0) < RESEND_AFTER_MS) continue;
      const { room_id, text, client_id, file } = pending;
      const frame = { action: "send", room_id, text, client_id };
      if (file) frame.upload_id = file.upload_id;
      this.connection.sendFrame(frame);
      pending.sent_at = now;
    }
  }

  /** `file`: `{upload_id, name}` of a file sent to the bucket, carried by this message. */
  queueMessage(text, clientId = newClientId("v"), file = null) {
    const room_id = this.state.room.room_id;
    const pending = { client_id: clientId, text, room_id, sent_at: 0, file };
    this.state.saved.pending.push(pending);
    saveStored(this.state.saved);
    ui.messages.append(pendingItem(pending));
    this.view.renderRoom();
    scrollDown(true);
    this.flushPending("new");
  }
}

/** The composer of the chat window's `state`: what the visitor types, and sending it. */
export class Composer {
  constructor(state, { call, connection, conversation, outbox, view }) {
    Object.assign(this, { state, call, connection, conversation, outbox, view });
    this.typing = new TypingSignal((on) =>
      connection.sendFrame({ action: "typing", room_id: state.room.room_id, typing: on })
    );
    // Enter pressed while the window still loads its config (the composer shows at once): the
    // message goes out when the window has loaded (sendHeld), instead of being ignored.
    this.held = false;
  }

  async ensureIdentity() {
    const { saved } = this.state;
    if (saved.token) return;
    const { data } = await this.call("POST", "/visitors");
    Object.assign(saved, { token: data.token, visitorId: data.visitor_id, name: data.name });
    saveStored(saved);
    this.view.renderIdentity();
  }

  async startChat(text) {
    const { state } = this;
    state.starting = true;
    const clientId = newClientId("v");
    const placeholder = pendingItem({ client_id: clientId, text });
    ui.messages.append(placeholder);
    this.view.renderRoom();
    this.setText("");
    try {
      await this.ensureIdentity();
      const body = { department_id: DEPARTMENT, text, client_id: clientId };
      const { status, data } = await this.call("POST", "/rooms", body);
      state.errorText = "";
      this.conversation.setRoom(data);
      if (status === 200) {
        // The visitor had this chat already (another tab): the text still has to be sent.
        placeholder.remove();
        state.historyLoaded = false;
        this.outbox.queueMessage(text, clientId);
      } else {
        state.historyLoaded = true; // a new chat: everything after the first message is news
        // Stored with the chat: no longer "sending"; the fetch after connecting replaces it.
        placeholder.querySelector(".sending").replaceWith(timeOf(new Date().toISOString()));
      }
      this.connection.connect();
    } catch (error) {
      placeholder.remove();
      this.startFailed(error, text);
    } finally {
      state.starting = false;
    }
  }

  startFailed(error, text) {
    this.view.renderRoom();
    this.setText(text);
    if (error.status === 401 && this.state.saved.token) {
      this.conversation.forgetIdentity();
      this.state.starting = false;
      this.startChat(text);
    } else if (error.code === "department_unavailable") this.view.showError(t("unavailable"));
    else if (error.status === 413) this.view.showError(this.tooLong());
    else this.view.showError(errorText(error, LANG));
  }

  tooLong() {
    return t("tooLong", { max: this.state.config.max_message_length });
  }

  submit() {
    const { state } = this;
    const text = ui.text.value.trim();
    if (!text || state.starting || state.fatalText) return;
    if (!state.config) {
      this.held = true;
      return;
    }
    if (text.length > state.config.max_message_length) return this.view.showError(this.tooLong());
    this.typing.stop();
    if (!isActive(state.room)) return this.startChat(text);
    this.setText("");
    this.outbox.queueMessage(text);
  }

  /** The window has loaded (config, identity, room): what the visitor sent meanwhile goes out. */
  sendHeld() {
    if (!this.held) return;
    this.held = false;
    this.submit();
  }

  /** A text over the limit (typed or pasted) is kept whole and marked; sending waits for a cut. */
  checkLength() {
    const { config } = this.state;
    const tooLongNow = Boolean(config) && ui.text.value.length > config.max_message_length;
    const was = ui.text.getAttribute("aria-invalid") === "true";
    if (tooLongNow) ui.text.setAttribute("aria-invalid", "true");
    else ui.text.removeAttribute("aria-invalid");
    if (tooLongNow && !was) this.view.showError(this.tooLong());
  }

  setText(value) {
    ui.text.value = value;
    autoGrow();
    this.checkLength();
  }

  setupComposer() {
    ui.composer.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
    ui.text.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.submit();
      }
    });
    ui.text.addEventListener("input", () => {
      autoGrow();
      this.checkLength();
      if (this.connection.open && this.state.room?.state === "open") {
        this.typing.input(Boolean(ui.text.value));
      }
    });
    setInterval(() => this.outbox.flushPending("stale"), RESEND_AFTER_MS / 2);
  }
}

function autoGrow() {
  ui.text.style.height = "auto";
  ui.text.style.height = `${Math.min(ui.text.scrollHeight + 2, 140)}px`;
}
