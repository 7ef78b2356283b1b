// Sending: the first message starts the chat (POST /rooms); later ones go over the socket and
// stay "pending" (also in storage) until the server echoes them by client_id. What got no echo
// is sent again with the same client_id, so the server keeps it once.
import { errorText } from "../../common/errors.js";
import { newClientId } from "../../common/ids.js";
import { RESEND_AFTER_MS } from "../../common/timing.js";
import { TypingSignal } from "../../common/typing.js";
import { connection, connect, sendFrame } from "./connection.js";
import { call, DEPARTMENT, isActive, LANG, state, t, ui } from "./context.js";
import { forgetIdentity, setRoom } from "./conversation.js";
import { saveStored } from "./storage.js";
import { pendingItem, renderIdentity, renderRoom, scrollDown, showError, timeOf } from "./view.js";

const typing = new TypingSignal((on) =>
  sendFrame({ action: "typing", room_id: state.room.room_id, typing: on })
);

const itemOf = (clientId) =>
  ui.messages.querySelector(`[data-client-id="${CSS.escape(clientId)}"]`);

export function showPending() {
  for (const pending of state.saved.pending) {
    if (pending.room_id !== state.room?.room_id) continue;
    if (!itemOf(pending.client_id)) ui.messages.append(pendingItem(pending));
  }
  renderRoom();
}

export function resolvePending(clientId) {
  const before = state.saved.pending.length;
  state.saved.pending = state.saved.pending.filter((pending) => pending.client_id !== clientId);
  if (state.saved.pending.length !== before) saveStored(state.saved);
  itemOf(clientId)?.remove();
}

/** The room closed before these got through: they stay on screen, marked as not sent. */
export function dropPending(roomId) {
  state.saved.pending = state.saved.pending.filter((pending) => pending.room_id !== roomId);
  for (const item of ui.messages.querySelectorAll(".pending .sending")) {
    item.textContent = t("notSent");
  }
}

/** "all" after a reconnect, "new" for what was never sent, "stale" for what got no echo in time. */
export function flushPending(which) {
  if (!connection.open || !state.room) return;
  const now = Date.now();
  for (const pending of state.saved.pending) {
    if (pending.room_id !== state.room.room_id) continue;
    if (which === "new" && pending.sent_at) continue;
    if (which === "stale" && now - (pending.sent_at || 0) < RESEND_AFTER_MS) continue;
    const { room_id, text, client_id } = pending;
    sendFrame({ action: "send", room_id, text, client_id });
    pending.sent_at = now;
  }
}

function queueMessage(text, clientId = newClientId("v")) {
  const pending = { client_id: clientId, text, room_id: state.room.room_id, sent_at: 0 };
  state.saved.pending.push(pending);
  saveStored(state.saved);
  ui.messages.append(pendingItem(pending));
  renderRoom();
  scrollDown(true);
  flushPending("new");
}

async function ensureIdentity() {
  if (state.saved.token) return;
  const { data } = await call("POST", "/visitors");
  Object.assign(state.saved, { token: data.token, visitorId: data.visitor_id, name: data.name });
  saveStored(state.saved);
  renderIdentity();
}

async function startChat(text) {
  state.starting = true;
  const clientId = newClientId("v");
  const placeholder = pendingItem({ client_id: clientId, text });
  ui.messages.append(placeholder);
  renderRoom();
  setText("");
  try {
    await ensureIdentity();
    const body = { department_id: DEPARTMENT, text, client_id: clientId };
    const { status, data } = await call("POST", "/rooms", body);
    state.errorText = "";
    setRoom(data);
    if (status === 200) {
      // The visitor had this chat already (another tab): the text still has to be sent.
      placeholder.remove();
      state.historyLoaded = false;
      queueMessage(text, clientId);
    } else {
      state.historyLoaded = true; // a new chat: everything after the first message is news
      // Stored with the chat: no longer "sending"; the fetch after connecting replaces it.
      placeholder.querySelector(".sending").replaceWith(timeOf(new Date().toISOString()));
    }
    connect();
  } catch (error) {
    placeholder.remove();
    startFailed(error, text);
  } finally {
    state.starting = false;
  }
}

function startFailed(error, text) {
  renderRoom();
  setText(text);
  if (error.status === 401 && state.saved.token) {
    forgetIdentity();
    state.starting = false;
    startChat(text);
  } else if (error.code === "department_unavailable") showError(t("unavailable"));
  else if (error.status === 413) showError(tooLong());
  else showError(errorText(error, LANG));
}

const tooLong = () => t("tooLong", { max: state.config.max_message_length });

// Enter pressed while the window still loads its config (the composer shows at once): the
// message goes out when the window has loaded (sendHeld), instead of being ignored.
let held = false;

function submit() {
  const text = ui.text.value.trim();
  if (!text || state.starting || state.fatalText) return;
  if (!state.config) {
    held = true;
    return;
  }
  if (text.length > state.config.max_message_length) return showError(tooLong());
  typing.stop();
  if (!isActive()) return startChat(text);
  setText("");
  queueMessage(text);
}

/** The window has loaded (config, identity, room): what the visitor sent meanwhile goes out. */
export function sendHeld() {
  if (!held) return;
  held = false;
  submit();
}

/** A text over the limit (typed or pasted) is kept whole and marked; sending waits for a cut. */
function checkLength() {
  const tooLongNow =
    Boolean(state.config) && ui.text.value.length > state.config.max_message_length;
  const was = ui.text.getAttribute("aria-invalid") === "true";
  if (tooLongNow) ui.text.setAttribute("aria-invalid", "true");
  else ui.text.removeAttribute("aria-invalid");
  if (tooLongNow && !was) showError(tooLong());
}

function setText(value) {
  ui.text.value = value;
  autoGrow();
  checkLength();
}

function autoGrow() {
  ui.text.style.height = "auto";
  ui.text.style.height = `${Math.min(ui.text.scrollHeight + 2, 140)}px`;
}

export function setupComposer() {
  ui.composer.addEventListener("submit", (event) => {
    event.preventDefault();
    submit();
  });
  ui.text.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submit();
    }
  });
  ui.text.addEventListener("input", () => {
    autoGrow();
    checkLength();
    if (connection.open && state.room?.state === "open") typing.input(Boolean(ui.text.value));
  });
  setInterval(() => flushPending("stale"), RESEND_AFTER_MS / 2);
}
