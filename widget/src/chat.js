// The visitor's chat window (S11, S15, S18–S21, S26), in an iframe on the chat's own origin.
//
// Identity and the open chat live in this origin's localStorage (never a cookie): the same
// Guest-N and conversation come back after a reload until the visitor deletes their data.
// Messages go over the WebSocket and are kept as "pending" (also in storage) until the server
// echoes them by client_id; after a lost connection the window reconnects with backoff, fetches
// what it missed with `after=`, and resends what was not confirmed, with the same client_id.
// User text is only ever set with textContent.
import { STRINGS } from "./strings.js";

const params = new URLSearchParams(location.hash.slice(1));
const DEPARTMENT = params.get("d") || "";
const LANG = params.get("l") === "de" ? "de" : "en";
const API = (params.get("a") || `${location.origin}/api`).replace(/\/+$/, "");
const HOST = params.get("o") || "";
// Tokens are kept per API: a page that passes another API base never sees this one's token.
const STORAGE_KEY = `livechat:${API}`;
const RETRY_MAX_MS = 30000;
const RESEND_AFTER_MS = 8000;
const HEARTBEAT_MS = 4 * 60 * 1000; // API Gateway closes idle sockets after 10 minutes
// While typing, the agent is told at most every 5 s; there is no "off": the other side lets it
// run out, and a message ends it.
const TYPING_EVERY_MS = 5000;
const THEIR_TYPING_MS = 7000;
const EMOJIS = [
  "😀", "😊", "🙂", "😉", "😂", "😅", "😍", "🤔", "😮", "😢", "😕", "🙈", "👍", "👎", "👏", "🙏",
  "👋", "🙌", "💪", "👀", "✅", "❌", "❓", "❗", "💡", "🎉", "❤️", "⭐", "☕", "📚", "🎓", "📅",
];

const $ = (id) => document.getElementById(id);
const ui = {
  card: $("card"),
  bar: document.querySelector(".bar"),
  tagline: $("tagline"),
  agent: $("agent"),
  agentDot: $("agent-dot"),
  agentLabel: $("agent-label"),
  bell: $("bell"),
  options: $("options"),
  menu: $("menu"),
  endChat: $("end-chat"),
  trash: $("trash"),
  minimise: $("minimise"),
  notice: $("notice"),
  logArea: $("log-area"),
  welcome: $("welcome"),
  messages: $("messages"),
  typing: $("typing"),
  compose: document.querySelector(".compose"),
  composer: $("composer"),
  text: $("text"),
  emoji: $("emoji"),
  emojiPanel: $("emoji-panel"),
  ended: $("ended"),
  restart: $("restart"),
  identity: $("identity"),
  privacy: $("privacy"),
  privacyText: $("privacy-text"),
  privacyActions: $("privacy-actions"),
  deleteData: $("delete-data"),
  privacyBack: $("privacy-back"),
  confirm: $("confirm"),
  deleteYes: $("delete-yes"),
  deleteNo: $("delete-no"),
  gone: $("gone"),
  goneTitle: $("gone-title"),
  goneRestart: $("gone-restart"),
  announce: $("announce"),
};

function t(key, values = {}) {
  return STRINGS[LANG][key].replace(/\{(\w+)\}/g, (_, name) => values[name] ?? "");
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// ---- storage (this origin only) ---------------------------------------------------------------

function normalise(value) {
  const v = value && typeof value === "object" ? value : {};
  return {
    token: typeof v.token === "string" ? v.token : null,
    visitorId: v.visitorId || null,
    name: v.name || null,
    rooms: v.rooms && typeof v.rooms === "object" ? v.rooms : {},
    muted: v.muted === true,
    pending: Array.isArray(v.pending) ? v.pending : [],
  };
}

const store = {
  load() {
    try {
      return normalise(JSON.parse(localStorage.getItem(STORAGE_KEY)));
    } catch {
      return normalise(null);
    }
  },
  save() {
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(saved));
    } catch {
      // Storage blocked: the chat still works for this page view.
    }
  },
  clear() {
    try {
      localStorage.removeItem(STORAGE_KEY);
    } catch {
      // nothing stored
    }
  },
};

let saved = store.load();

// ---- the REST API -----------------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function call(method, path, body, { anonymous = false } = {}) {
  const headers = {};
  if (saved.token && !anonymous) headers["X-Visitor-Token"] = saved.token;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let reply;
  try {
    reply = await fetch(API + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
      credentials: "omit",
    });
  } catch (error) {
    throw new ApiError(0, "network", String(error));
  }
  const data = reply.status === 204 ? null : await reply.json().catch(() => null);
  if (!reply.ok) {
    const error = data?.error || {};
    throw new ApiError(reply.status, error.code || `http_${reply.status}`, error.message || "");
  }
  return { status: reply.status, data };
}

// ---- state ------------------------------------------------------------------------------------

const hostOk =
  Boolean(HOST) &&
  window.parent !== window &&
  (!location.ancestorOrigins || location.ancestorOrigins[0] === HOST);
let config = null; // GET /config
let room = null; // the visitor's room in this department (the API's Room), or null
// Every message up to `synced` is on screen: the last fetch (after=) covered up to it, and
// since then the socket was open and pushed everything newer. Live messages that arrive while
// a fetch is still running do not move it (an older one may still be missing).
let synced = 0;
let inSync = false;
const seen = new Set(); // seqs on screen
let historyLoaded = false; // later messages are new: sound, unread, announcement
let previewing = false;
let socket = null;
let socketOpen = false;
let everConnected = false;
let attempts = 0;
let retryTimer = 0;
let visible = true; // the window is shown, not minimised
let unread = 0;
let starting = false;
let errorText = "";
let errorTimer = 0;
let fatalText = "";
let typingSentAt = 0;
let theirTypingTimer = 0;
let audio = null;
let lastFocus = null;

const isActive = () => Boolean(room) && room.state !== "closed";

// The loader shows and hides the iframe and the button from this (postMessage to HOST only).
function report() {
  if (!hostOk) return;
  parent.postMessage({ livechat: { open: visible, active: isActive(), unread } }, HOST);
}

window.addEventListener("message", (event) => {
  if (!hostOk || event.origin !== HOST || event.source !== parent) return;
  if (event.data?.livechat === "open") {
    visible = true;
    unread = 0;
    report();
    focusInside();
  }
});

// ---- rendering --------------------------------------------------------------------------------

function applyStrings() {
  document.documentElement.lang = LANG;
  document.title = t("title");
  for (const node of document.querySelectorAll("[data-t]")) node.textContent = t(node.dataset.t);
  for (const node of document.querySelectorAll("[data-label]")) {
    node.setAttribute("aria-label", t(node.dataset.label));
    if (node.tagName === "BUTTON") node.title = t(node.dataset.label);
  }
  for (const node of document.querySelectorAll("[data-placeholder]")) {
    node.placeholder = t(node.dataset.placeholder);
  }
}

function renderIdentity() {
  ui.identity.textContent = saved.name ? t("anonymousAs", { name: saved.name }) : t("anonymous");
  ui.privacyText.textContent = saved.name
    ? t("privacyText1", { name: saved.name })
    : t("privacyText1NoName");
}

function renderBell() {
  ui.bell.setAttribute("aria-pressed", String(saved.muted));
}

function renderNotice() {
  let text = "";
  let tone = "";
  if (fatalText) [text, tone] = [fatalText, "error"];
  else if (errorText) [text, tone] = [errorText, "error"];
  else if (isActive() && everConnected && !socketOpen) [text, tone] = [t("reconnecting"), "warn"];
  else if (room?.state === "queued") {
    if (previewing) text = t("preview");
    else if (room.position) text = t("queue", { position: room.position });
    else text = t("queueNoPosition");
  }
  if (ui.notice.textContent !== text) ui.notice.textContent = text;
  ui.notice.className = `notice ${tone}`.trim();
}

function renderRoom() {
  const agent = room?.state === "open" ? room.agent : null;
  ui.agent.hidden = !agent;
  ui.tagline.hidden = Boolean(agent);
  if (agent) {
    const status = ["online", "away", "busy", "offline"].includes(agent.status)
      ? agent.status
      : "offline";
    ui.agentLabel.textContent = `${agent.name} · ${t(`status_${status}`)}`;
    ui.agentDot.dataset.status = status;
  }
  const closed = room?.state === "closed";
  ui.welcome.hidden = Boolean(room) || ui.messages.children.length > 0;
  ui.composer.hidden = closed || Boolean(fatalText);
  ui.ended.hidden = !closed;
  ui.endChat.setAttribute("aria-disabled", String(!isActive()));
  if (closed) showTheirTyping(null);
  renderNotice();
}

function showError(text) {
  errorText = text;
  clearTimeout(errorTimer);
  errorTimer = setTimeout(() => {
    errorText = "";
    renderNotice();
  }, 8000);
  renderNotice();
}

function announce(text) {
  const line = el("p", "", text);
  ui.announce.append(line);
  while (ui.announce.children.length > 3) ui.announce.firstChild.remove();
}

function nearBottom() {
  const area = ui.logArea;
  return area.scrollHeight - area.scrollTop - area.clientHeight < 80;
}

function scrollDown(force) {
  if (force || nearBottom()) ui.logArea.scrollTop = ui.logArea.scrollHeight;
}

function timeOf(iso) {
  const node = el("time");
  const date = new Date(iso);
  if (!Number.isNaN(date.getTime())) {
    node.dateTime = iso;
    node.textContent = date.toLocaleTimeString(LANG, { hour: "2-digit", minute: "2-digit" });
  }
  return node;
}

function systemText(message) {
  // System messages carry `event` and, where they name someone, `event_name`.
  const key = `sys_${message.event}`;
  if (!message.event || !(key in STRINGS[LANG])) return message.text;
  return t(key, { name: message.event_name ?? "" });
}

function messageItem(message) {
  const item = el("li");
  item.dataset.seq = String(message.seq);
  const kind = message.author?.kind;
  if (kind === "system") {
    item.className = "msg system";
    item.append(el("p", "text", systemText(message)));
    return item;
  }
  const mine = kind === "visitor";
  item.className = `msg ${mine ? "mine" : "theirs"}`;
  const meta = el("p", "meta");
  meta.append(el("span", "author", mine ? t("you") : message.author.name), " · ");
  meta.append(timeOf(message.created_at));
  item.append(meta, el("p", "text", message.text));
  return item;
}

function pendingItem(pending) {
  const item = el("li", "msg mine pending");
  item.dataset.clientId = pending.client_id;
  const meta = el("p", "meta");
  meta.append(el("span", "author", t("you")), " · ", el("span", "sending", t("sending")));
  item.append(meta, el("p", "text", pending.text));
  return item;
}

function addMessage(message, live) {
  if (seen.has(message.seq)) return;
  seen.add(message.seq);
  if (inSync) synced = Math.max(synced, message.seq);
  const kind = message.author?.kind;
  if (kind === "visitor" && message.client_id) resolvePending(message.client_id);
  if (kind === "system" && message.event) {
    previewing = message.event === "preview" && room?.state === "queued";
  }
  // In seq order (a resumed fetch may bring older ones after newer live ones); pending last.
  const later = [...ui.messages.children].find(
    (node) => node.dataset.seq === undefined || Number(node.dataset.seq) > message.seq
  );
  ui.messages.insertBefore(messageItem(message), later || null);
  if (live && kind !== "visitor") {
    announce(kind === "system" ? systemText(message) : `${message.author.name}: ${message.text}`);
    if (kind === "agent") {
      showTheirTyping(null);
      ding();
    }
    if (!visible) {
      unread += 1;
      report();
    }
  }
  renderRoom();
  scrollDown(live || kind === "visitor");
}

function showTheirTyping(event) {
  clearTimeout(theirTypingTimer);
  if (!event?.typing || event.author?.kind === "visitor") {
    ui.typing.textContent = "";
    return;
  }
  ui.typing.textContent = t("typing", { name: event.author.name });
  theirTypingTimer = setTimeout(() => showTheirTyping(null), THEIR_TYPING_MS);
}

// ---- sound (S18: the bell mutes it) -----------------------------------------------------------

function ding() {
  if (saved.muted) return;
  try {
    audio = audio || new (window.AudioContext || window.webkitAudioContext)();
    if (audio.state === "suspended") audio.resume();
    const now = audio.currentTime;
    const tone = audio.createOscillator();
    const gain = audio.createGain();
    tone.type = "sine";
    tone.frequency.setValueAtTime(880, now);
    tone.frequency.setValueAtTime(1320, now + 0.09);
    gain.gain.setValueAtTime(0.0001, now);
    gain.gain.exponentialRampToValueAtTime(0.12, now + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, now + 0.35);
    tone.connect(gain).connect(audio.destination);
    tone.start(now);
    tone.stop(now + 0.36);
  } catch {
    // No audio in this browser: the message is shown and announced anyway.
  }
}

// ---- the room ---------------------------------------------------------------------------------

function setRoom(view, event) {
  const other = room && room.room_id !== view.room_id;
  if (other) forgetRoom();
  room = view;
  if (event === "preview") previewing = view.state === "queued";
  else if (event && event !== "queued") previewing = false;
  if (view.state !== "queued") previewing = false;
  saved.rooms[DEPARTMENT] = view.room_id;
  if (view.state === "closed") dropPending(view.room_id);
  store.save();
  renderRoom();
  report();
}

// Drops the conversation on screen and in memory (not in storage) and closes the socket.
function clearConversation() {
  closeSocket();
  room = null;
  synced = 0;
  inSync = false;
  seen.clear();
  historyLoaded = false;
  previewing = false;
  ui.messages.replaceChildren();
  showTheirTyping(null);
}

function forgetRoom() {
  clearConversation();
  delete saved.rooms[DEPARTMENT];
  saved.pending = [];
  store.save();
  renderRoom();
  report();
}

function forgetIdentity() {
  saved = normalise({ muted: saved.muted });
  store.save();
  renderIdentity();
}

function identityLost() {
  forgetRoom();
  forgetIdentity();
}

async function catchUp() {
  const roomId = room.room_id;
  const openSocket = socketOpen ? socket : null;
  const { data } = await call("GET", `/rooms/${encodeURIComponent(roomId)}`);
  if (room?.room_id !== roomId) return;
  setRoom(data);
  let after = synced;
  for (;;) {
    const { data: page } = await call(
      "GET",
      `/rooms/${encodeURIComponent(roomId)}/messages?after=${after}&limit=100`
    );
    if (room?.room_id !== roomId) return;
    for (const message of page.messages) addMessage(message, historyLoaded);
    if (!page.next) break;
    after = page.next;
  }
  historyLoaded = true;
  if (openSocket && socket === openSocket && socketOpen) {
    // The socket was open before the fetch began, so everything seen so far is complete.
    synced = Math.max(synced, ...seen);
    inSync = true;
  }
  showPending();
}

function roomLost(error) {
  if (error.status === 401) identityLost();
  else if (error.status === 403 || error.status === 404) forgetRoom();
  else return false;
  return true;
}

// ---- the socket -------------------------------------------------------------------------------

function sendFrame(frame) {
  if (socketOpen) socket.send(JSON.stringify(frame));
}

function connect() {
  if (socket || !room || !saved.token || !config) return;
  clearTimeout(retryTimer);
  const ws = new WebSocket(`${config.ws_url}?visitor_token=${encodeURIComponent(saved.token)}`);
  socket = ws;
  ws.onopen = () => {
    if (socket !== ws) return;
    socketOpen = true;
    everConnected = true;
    attempts = 0;
    renderNotice();
    catchUp().then(
      () => flushPending("all"),
      (error) => {
        if (!roomLost(error)) ws.close();
      }
    );
  };
  ws.onmessage = (event) => {
    if (socket !== ws) return;
    let payload;
    try {
      payload = JSON.parse(event.data);
    } catch {
      return;
    }
    onEvent(payload);
  };
  ws.onclose = () => {
    if (socket !== ws) return;
    socket = null;
    socketOpen = false;
    inSync = false;
    renderNotice();
    if (isActive()) scheduleReconnect();
  };
}

function closeSocket() {
  const ws = socket;
  socket = null;
  socketOpen = false;
  inSync = false;
  clearTimeout(retryTimer);
  if (ws) ws.close();
}

function scheduleReconnect() {
  clearTimeout(retryTimer);
  const delay = Math.min(RETRY_MAX_MS, 1000 * 2 ** attempts) * (0.75 + Math.random() * 0.5);
  attempts += 1;
  retryTimer = setTimeout(async () => {
    if (attempts > 2) {
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

window.addEventListener("online", () => {
  if (!socket && isActive()) {
    attempts = 0;
    connect();
  }
});

setInterval(() => sendFrame({ action: "heartbeat" }), HEARTBEAT_MS);
setInterval(() => flushPending("stale"), RESEND_AFTER_MS / 2);

function onEvent(event) {
  switch (event.type) {
    case "message":
      if (room && event.message?.room_id === room.room_id) addMessage(event.message, true);
      break;
    case "room":
      if (!room || event.room?.room_id !== room.room_id) break;
      if (event.event === "deleted") {
        if (room.state !== "closed") forgetRoom();
      } else {
        setRoom(event.room, event.event);
      }
      break;
    case "typing":
      if (room && event.room_id === room.room_id) showTheirTyping(event);
      break;
    case "presence":
      if (room?.agent && room.agent.agent_id === event.agent_id) {
        room.agent.status = event.status;
        renderRoom();
      }
      break;
    case "error":
      if (event.code === "invalid_token") identityLost();
      else if (event.code === "message_too_long") {
        showError(t("tooLong", { max: config.max_message_length }));
      } else if (event.code === "room_closed" && room) {
        catchUp().catch(() => {});
      }
      break;
    default:
      break;
  }
}

// ---- sending ----------------------------------------------------------------------------------

function newClientId() {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return `v-${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

function showPending() {
  for (const pending of saved.pending) {
    if (pending.room_id !== room?.room_id) continue;
    const selector = `[data-client-id="${CSS.escape(pending.client_id)}"]`;
    if (!ui.messages.querySelector(selector)) ui.messages.append(pendingItem(pending));
  }
  renderRoom();
}

function resolvePending(clientId) {
  const before = saved.pending.length;
  saved.pending = saved.pending.filter((pending) => pending.client_id !== clientId);
  if (saved.pending.length !== before) store.save();
  ui.messages.querySelector(`[data-client-id="${CSS.escape(clientId)}"]`)?.remove();
}

// The room closed before these got through: they stay on screen, marked as not sent.
function dropPending(roomId) {
  saved.pending = saved.pending.filter((pending) => pending.room_id !== roomId);
  for (const item of ui.messages.querySelectorAll(".pending .sending")) {
    item.textContent = t("notSent");
  }
}

// "all" after a reconnect, "new" for what was never sent, "stale" for what got no echo in time.
function flushPending(which) {
  if (!socketOpen || !room) return;
  const now = Date.now();
  for (const pending of saved.pending) {
    if (pending.room_id !== room.room_id) continue;
    if (which === "new" && pending.sent_at) continue;
    if (which === "stale" && now - (pending.sent_at || 0) < RESEND_AFTER_MS) continue;
    sendFrame({
      action: "send",
      room_id: pending.room_id,
      text: pending.text,
      client_id: pending.client_id,
    });
    pending.sent_at = now;
  }
}

function queueMessage(text, clientId = newClientId()) {
  const pending = { client_id: clientId, text, room_id: room.room_id, sent_at: 0 };
  saved.pending.push(pending);
  store.save();
  ui.messages.append(pendingItem(pending));
  renderRoom();
  scrollDown(true);
  flushPending("new");
}

async function startChat(text) {
  starting = true;
  const clientId = newClientId();
  const placeholder = pendingItem({ client_id: clientId, text });
  ui.messages.append(placeholder);
  renderRoom();
  setText("");
  try {
    if (!saved.token) {
      const { data } = await call("POST", "/visitors");
      saved.token = data.token;
      saved.visitorId = data.visitor_id;
      saved.name = data.name;
      store.save();
      renderIdentity();
    }
    const { status, data } = await call("POST", "/rooms", {
      department_id: DEPARTMENT,
      text,
      client_id: clientId,
    });
    errorText = "";
    setRoom(data);
    if (status === 200) {
      // The visitor had this chat already (another tab): the text still has to be sent.
      placeholder.remove();
      historyLoaded = false;
      queueMessage(text, clientId);
    } else {
      historyLoaded = true; // a new chat: everything after the first message is news
      // Stored with the chat: no longer "sending"; the fetch after connecting replaces it.
      placeholder.querySelector(".sending").replaceWith(timeOf(new Date().toISOString()));
    }
    connect();
  } catch (error) {
    placeholder.remove();
    renderRoom();
    setText(text);
    if (error.status === 401 && saved.token) {
      forgetIdentity();
      starting = false;
      return startChat(text);
    }
    if (error.code === "department_unavailable") showError(t("unavailable"));
    else if (error.status === 413) showError(t("tooLong", { max: config.max_message_length }));
    else showError(t("failed"));
  } finally {
    starting = false;
  }
}

function submit() {
  const text = ui.text.value.trim();
  if (!text || starting || !config || fatalText) return;
  if (text.length > config.max_message_length) {
    showError(t("tooLong", { max: config.max_message_length }));
    return;
  }
  stopTyping();
  if (!isActive()) {
    startChat(text);
    return;
  }
  setText("");
  queueMessage(text);
}

function setText(value) {
  ui.text.value = value;
  autoGrow();
}

function autoGrow() {
  ui.text.style.height = "auto";
  ui.text.style.height = `${Math.min(ui.text.scrollHeight + 2, 140)}px`;
}

function stopTyping() {
  typingSentAt = 0; // the next keystroke tells the agent at once
}

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
  if (!socketOpen || room?.state !== "open") return;
  if (!ui.text.value) {
    stopTyping();
    return;
  }
  if (Date.now() - typingSentAt >= TYPING_EVERY_MS) {
    sendFrame({ action: "typing", room_id: room.room_id, typing: true });
    typingSentAt = Date.now();
  }
});

// ---- the tools: bell, options, trash, minimise; emojis ----------------------------------------

ui.bell.addEventListener("click", () => {
  saved.muted = !saved.muted;
  store.save();
  renderBell();
});

function toggleMenu(open) {
  ui.menu.hidden = !open;
  ui.options.setAttribute("aria-expanded", String(open));
  if (open) {
    toggleEmoji(false);
    ui.endChat.focus();
  }
}

ui.options.addEventListener("click", () => toggleMenu(ui.menu.hidden));
ui.menu.addEventListener("keydown", (event) => {
  if (event.key === "Tab") toggleMenu(false);
});

ui.endChat.addEventListener("click", async () => {
  toggleMenu(false);
  if (!isActive()) {
    ui.options.focus();
    return;
  }
  try {
    const { data } = await call("POST", `/rooms/${encodeURIComponent(room.room_id)}/close`, {});
    setRoom(data, "closed");
    await catchUp().catch(() => {});
  } catch (error) {
    if (error.code === "room_closed") await catchUp().catch(() => {});
    else if (!roomLost(error)) showError(t("failed"));
  }
  focusInside();
});

ui.restart.addEventListener("click", () => {
  forgetRoom();
  ui.text.focus();
});

function toggleEmoji(open) {
  ui.emojiPanel.hidden = !open;
  ui.emoji.setAttribute("aria-expanded", String(open));
  if (open) {
    toggleMenu(false);
    ui.emojiPanel.querySelector("button").focus();
  }
}

function buildEmojiPanel() {
  for (const emoji of EMOJIS) {
    const button = el("button", "", emoji);
    button.type = "button";
    button.addEventListener("click", () => {
      const start = ui.text.selectionStart ?? ui.text.value.length;
      const end = ui.text.selectionEnd ?? start;
      ui.text.setRangeText(emoji, start, end, "end");
      toggleEmoji(false);
      ui.text.focus();
      ui.text.dispatchEvent(new Event("input"));
    });
    ui.emojiPanel.append(button);
  }
}

ui.emoji.addEventListener("click", () => toggleEmoji(ui.emojiPanel.hidden));
ui.emojiPanel.addEventListener("keydown", (event) => {
  const buttons = [...ui.emojiPanel.querySelectorAll("button")];
  const index = buttons.indexOf(document.activeElement);
  const step = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: 8, ArrowUp: -8 }[event.key];
  if (step && index >= 0) {
    event.preventDefault();
    buttons[(index + step + buttons.length) % buttons.length].focus();
  } else if (event.key === "Tab") {
    toggleEmoji(false);
  }
});

document.addEventListener("pointerdown", (event) => {
  if (!ui.menu.hidden && !event.target.closest(".menu-anchor")) toggleMenu(false);
  if (!ui.emojiPanel.hidden && !event.target.closest("#emoji-panel, #emoji")) toggleEmoji(false);
});

// Sheets cover everything under the header, which is inert meanwhile: the privacy notice is a
// modal dialog (the header too is inert), "your data is gone" keeps the header's tools.
function openSheet(sheet, focusTarget) {
  lastFocus = document.activeElement;
  toggleMenu(false);
  toggleEmoji(false);
  for (const part of [ui.notice, ui.logArea, ui.typing, ui.compose]) part.inert = true;
  ui.bar.inert = sheet === ui.privacy;
  sheet.hidden = false;
  focusTarget.focus();
}

function closeSheet(sheet, restoreFocus = true) {
  sheet.hidden = true;
  for (const part of [ui.bar, ui.notice, ui.logArea, ui.typing, ui.compose]) part.inert = false;
  if (restoreFocus && lastFocus?.isConnected) lastFocus.focus();
}

ui.trash.addEventListener("click", () => {
  renderIdentity();
  ui.confirm.hidden = true;
  ui.privacyActions.hidden = false;
  openSheet(ui.privacy, ui.deleteData);
});
ui.privacyBack.addEventListener("click", () => closeSheet(ui.privacy));
ui.deleteData.addEventListener("click", () => {
  ui.privacyActions.hidden = true;
  ui.confirm.hidden = false;
  ui.deleteYes.focus();
});
ui.deleteNo.addEventListener("click", () => {
  ui.confirm.hidden = true;
  ui.privacyActions.hidden = false;
  ui.deleteData.focus();
});

ui.deleteYes.addEventListener("click", async () => {
  ui.deleteYes.disabled = true;
  try {
    if (saved.token) await call("DELETE", "/visitors/me");
  } catch (error) {
    if (error.status !== 401) {
      ui.deleteYes.disabled = false;
      showError(t("failed"));
      return;
    }
  }
  ui.deleteYes.disabled = false;
  clearConversation();
  saved = normalise(null);
  store.clear(); // everything is gone, the mute setting too
  renderBell();
  renderIdentity();
  renderRoom();
  closeSheet(ui.privacy, false);
  openSheet(ui.gone, ui.goneTitle);
  report();
});

ui.goneRestart.addEventListener("click", () => {
  closeSheet(ui.gone, false);
  ui.text.focus();
});

function minimise() {
  toggleMenu(false);
  toggleEmoji(false);
  visible = false;
  report();
}

ui.minimise.addEventListener("click", minimise);

document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  if (!ui.menu.hidden) {
    toggleMenu(false);
    ui.options.focus();
  } else if (!ui.emojiPanel.hidden) {
    toggleEmoji(false);
    ui.emoji.focus();
  } else if (!ui.privacy.hidden) {
    closeSheet(ui.privacy);
  } else {
    minimise();
  }
});

function focusInside() {
  if (!ui.privacy.hidden) ui.privacy.querySelector("button:not([hidden] *)").focus();
  else if (!ui.gone.hidden) ui.goneTitle.focus();
  else if (!ui.composer.hidden) ui.text.focus();
  else if (!ui.ended.hidden) ui.restart.focus();
  else ui.minimise.focus();
}

// Another tab of the same site deleted the data or changed it.
window.addEventListener("storage", (event) => {
  if (event.key !== STORAGE_KEY) return;
  const fresh = store.load();
  if (saved.token && fresh.token !== saved.token) {
    saved = fresh;
    closeSocket();
    room = null;
    seen.clear();
    synced = 0;
  inSync = false;
    ui.messages.replaceChildren();
    renderIdentity();
    renderRoom();
    report();
  } else {
    saved = fresh;
    renderBell();
  }
});

// ---- start ------------------------------------------------------------------------------------

function fatal(key) {
  fatalText = t(key);
  renderRoom();
}

async function init() {
  let configReply;
  let availability;
  try {
    [configReply, availability] = await Promise.all([
      call("GET", "/config", undefined, { anonymous: true }),
      call("GET", `/departments/${encodeURIComponent(DEPARTMENT)}/availability`, undefined, {
        anonymous: true,
      }),
    ]);
  } catch (error) {
    if (error.status === 404) return fatal("notAllowed");
    showError(t("unreachable"));
    setTimeout(init, 5000);
    return;
  }
  errorText = "";
  // The loader checked this already; a page that frames chat.html by itself is refused here.
  if (!(availability.data.allowed_origins || []).includes(HOST)) return fatal("notAllowed");
  config = configReply.data;
  ui.text.maxLength = config.max_message_length;
  if (saved.token) {
    try {
      const { data } = await call("GET", "/visitors/me");
      saved.name = data.name;
      saved.visitorId = data.visitor_id;
      store.save();
    } catch (error) {
      if (error.status === 401) forgetIdentity();
    }
  }
  renderIdentity();
  const roomId = saved.rooms[DEPARTMENT];
  if (roomId && saved.token) {
    try {
      const { data } = await call("GET", `/rooms/${encodeURIComponent(roomId)}`);
      if (data.state === "closed") forgetRoom();
      else setRoom(data);
    } catch (error) {
      if (!roomLost(error)) room = { room_id: roomId, state: "open", agent: null };
    }
    if (room) {
      showPending();
      connect();
    }
  }
  renderRoom();
  report();
}

applyStrings();
buildEmojiPanel();
renderBell();
renderIdentity();
renderRoom();
ui.card.hidden = false;
if (hostOk) init();
else fatal("notAllowed");
