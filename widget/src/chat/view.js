// Rendering: the header, the notice line, messages and the live region. User text is only ever
// set with textContent. The bottom of the chat window's parts: it imports none of them, and what
// it shows of the state and the socket is handed to View.
import { textWithLinks } from "../../common/links.js";
import { TheirTyping } from "../../common/typing.js";
import { STRINGS } from "../strings.js";
import { el, HOST, hostOk, isActive, LANG, t, ui } from "./context.js";

/** "Anna is typing …" under the log, hidden by the common timeout. */
export const theirTyping = new TheirTyping((name) => {
  ui.typing.textContent = name ? t("typing", { name }) : "";
});

export function applyStrings() {
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

export function announce(text) {
  const line = el("p", "", text);
  ui.announce.append(line);
  while (ui.announce.children.length > 3) ui.announce.firstChild.remove();
}

function nearBottom() {
  const area = ui.logArea;
  return area.scrollHeight - area.scrollTop - area.clientHeight < 80;
}

/**
 * The log stays at its last line while the reader was there, also when a banner or the notice
 * above it takes room (the log shrinks, nothing scrolls by itself).
 */
export function keepLastLineInView() {
  let atBottom = true;
  ui.logArea.addEventListener("scroll", () => {
    atBottom = nearBottom();
  });
  new ResizeObserver(() => {
    if (atBottom) ui.logArea.scrollTop = ui.logArea.scrollHeight;
  }).observe(ui.logArea);
}

export function scrollDown(force) {
  if (force || nearBottom()) ui.logArea.scrollTop = ui.logArea.scrollHeight;
}

export function timeOf(iso) {
  const node = el("time");
  const date = new Date(iso);
  if (!Number.isNaN(date.getTime())) {
    node.dateTime = iso;
    node.textContent = date.toLocaleTimeString(LANG, { hour: "2-digit", minute: "2-digit" });
  }
  return node;
}

/** System messages carry `event` and, where they name someone, `event_name`. */
export function systemText(message) {
  const key = `sys_${message.event}`;
  if (!message.event || !(key in STRINGS[LANG])) return message.text;
  return t(key, { name: message.event_name ?? "" });
}

/** `fileNode(file)` draws a message's file (chat/files.js). */
export function messageItem(message, fileNode) {
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
  item.append(meta);
  if (message.text) {
    const text = el("p", "text");
    text.append(...textWithLinks(document, message.text));
    item.append(text);
  }
  if (message.file) {
    item.append(fileNode(message.file));
    item.dataset.file = message.file.name; // named in the transcript download
  }
  return item;
}

export function pendingItem(pending) {
  const item = el("li", "msg mine pending");
  item.dataset.clientId = pending.client_id;
  const meta = el("p", "meta");
  meta.append(el("span", "author", t("you")), " · ", el("span", "sending", t("sending")));
  item.append(meta, el("p", "text", pending.text || pending.file?.name || ""));
  return item;
}

/**
 * What shows the state, handed in: `state` is the chat window's state object, `connectionLost()`
 * tells whether the socket dropped after it had been open (the notice says "reconnecting" then),
 * `leavingMessage()` whether the form to leave a message shows instead of the conversation;
 * `roomRendered()` draws what the parts above show of the room (the rating).
 */
export class View {
  constructor(state, { connectionLost, leavingMessage, renderFiles, roomRendered }) {
    this.state = state;
    this.connectionLost = connectionLost;
    this.leavingMessage = leavingMessage;
    this.renderFiles = renderFiles;
    this.roomRendered = roomRendered;
    this.errorTimer = 0;
  }

  /** The loader shows and hides the iframe and the button from this (postMessage to HOST only). */
  report() {
    if (!hostOk) return;
    const { visible, unread, room } = this.state;
    parent.postMessage({ livechat: { open: visible, active: isActive(room), unread } }, HOST);
  }

  renderIdentity() {
    const { name } = this.state.saved;
    ui.identity.textContent = name ? t("anonymousAs", { name }) : t("anonymous");
    ui.privacyText.textContent = name ? t("privacyText1", { name }) : t("privacyText1NoName");
  }

  renderBell() {
    ui.bell.setAttribute("aria-pressed", String(this.state.saved.muted));
  }

  /** The notice line: errors first, then a lost connection, then the queue. */
  renderNotice() {
    const { state } = this;
    const { room } = state;
    let text = "";
    let tone = "error";
    if (state.fatalText || state.errorText) text = state.fatalText || state.errorText;
    else if (isActive(room) && this.connectionLost()) {
      [text, tone] = [t("reconnecting"), "warn"];
    } else if (room?.state === "queued" && !state.nobodyAnswers) {
      tone = "";
      if (room.offline) text = t("leaveSent");
      else if (state.previewing) text = t("preview");
      else if (room.position) text = t("queue", { position: room.position });
      else text = t("queueNoPosition");
    }
    if (ui.notice.textContent !== text) ui.notice.textContent = text;
    ui.notice.className = text && tone ? `notice ${tone}` : "notice";
  }

  /** Header, composer or "ended", and the notice, from the room's state. */
  renderRoom() {
    const { room, fatalText } = this.state;
    const closed = room?.state === "closed";
    // While nobody can answer, a department that takes messages asks for one (chat/offline.js).
    const leaving = !room && !fatalText && this.leavingMessage();
    renderHeader(room);
    ui.welcome.hidden = Boolean(room) || ui.messages.children.length > 0;
    ui.leave.hidden = !leaving;
    ui.logArea.hidden = leaving;
    ui.composer.hidden = closed || Boolean(fatalText) || leaving;
    ui.mailTranscript.setAttribute("aria-disabled", String(!room));
    ui.ended.hidden = !closed;
    ui.endChat.setAttribute("aria-disabled", String(!isActive(room)));
    if (closed) theirTyping.update(null);
    this.renderFiles();
    this.roomRendered();
    this.renderNotice();
  }

  /** A passing error in the notice line (8 s). */
  showError(text) {
    this.state.errorText = text;
    clearTimeout(this.errorTimer);
    this.errorTimer = setTimeout(() => {
      this.state.errorText = "";
      this.renderNotice();
    }, 8000);
    this.renderNotice();
  }
}

function renderHeader(room) {
  const agent = room?.state === "open" ? room.agent : null;
  ui.agent.hidden = !agent;
  ui.tagline.hidden = Boolean(agent);
  if (!agent) return;
  const known = ["online", "away", "busy", "offline"].includes(agent.status);
  const status = known ? agent.status : "offline";
  ui.agentLabel.textContent = `${agent.name} · ${t(`status_${status}`)}`;
  ui.agent.title = ui.agentLabel.textContent;
  ui.agentDot.dataset.status = status;
}
