// One chat (S15, S17, S19–S21): the preview of a queued request with "take", the conversation
// with reply, emojis and typing, and return, forward and close. Messages arrive over the socket;
// after a reconnect the screen fetches what it missed (`after=`) and resends unconfirmed sends
// with the same client_id, so that nothing is lost or doubled.
import {
  addStrings,
  api,
  announce,
  confirmDialog,
  dialog,
  el,
  errorText,
  field,
  formatDateTime,
  formatTime,
  icon,
  newClientId,
  on,
  replace,
  session,
  showError,
  t,
  toast,
} from "./core.js";
import { handoverText, setScreenTitle } from "./alerts.js";
import { editContact } from "./contact-form.js";
import { attachFiles, fileOf } from "./files.js";
import { live } from "./live.js";
import { sendFrame } from "./socket.js";
import { textWithLinks } from "../../common/links.js";
import { SeqLog } from "../../common/seqs.js";
import { RESEND_AFTER_MS } from "../../common/timing.js";
import { TheirTyping, TypingSignal } from "../../common/typing.js";
import { cannedPicker } from "./canned.js";

addStrings({
  de: {
    offlineMessageTo:
      "Nachricht, hinterlassen als niemand antworten konnte: Ihre Antworten gehen auch per " +
      "E-Mail an {email}; das Schließen ebenfalls.",
    previewMode: "Vorschau-Modus",
    previewNotice:
      "Der/die Chat-Teilnehmer:in erhält die Info, dass jemand in Kürze für ihn/sie da ist.",
    take: "Übernehmen",
    taken: "Sie haben den Chat übernommen.",
    alreadyTaken: "Jemand anderes hat diese Anfrage bereits übernommen.",
    noLongerQueued: "Diese Anfrage ist nicht mehr in der Warteschleife.",
    returnToQueue: "Zurück in die Warteschleife",
    returnTitle: "Chat zurück in die Warteschleife geben?",
    returnText:
      "Der Chat geht zurück in die Liste der eingehenden Livechats. Die anderen Chat-Agenten der " +
      "Abteilung können ihn erneut annehmen; der/die Chat-Teilnehmende erhält eine Info.",
    returned: "Der Chat ist zurück in der Warteschleife.",
    forward: "Weiterleiten",
    forwardTitle: "Chat weiterleiten",
    forwardDepartment: "An Abteilung weiterleiten",
    forwardAgent: "An anderen Chat-Agenten weiterleiten",
    forwardComment: "Notiz für die Empfänger",
    forwardCommentHint: "Freiwillig, höchstens 500 Zeichen. Der Besucher sieht sie nicht.",
    department: "Abteilung",
    agent: "Chat-Agent:in",
    available: "verfügbar",
    unavailable: "nicht verfügbar",
    noAgents: "In dieser Abteilung gibt es keine anderen Chat-Agenten.",
    sameDepartment:
      "Der Chat ist schon in dieser Abteilung: Wählen Sie eine andere Abteilung oder eine Person.",
    forwardedTo: "Der Chat wurde an {name} weitergeleitet.",
    departmentNobody:
      "In {department} kann gerade niemand antworten: An die Abteilung weiterleiten geht erst wieder, wenn dort jemand verfügbar ist.",
    forwardFailed_department_unavailable:
      "Weiterleiten nicht möglich: In dieser Abteilung kann gerade niemand antworten. Der Chat bleibt bei Ihnen.",
    forwardFailed_room_changed:
      "Weiterleiten nicht möglich: Der Chat hat sich inzwischen geändert. Er bleibt, wie er jetzt ist.",
    forwardFailed_agent_not_in_department:
      "Weiterleiten nicht möglich: Diese Person arbeitet nicht in der gewählten Abteilung.",
    movedAway:
      "Weitergeleitet an {department}. Sie können den Verlauf weiter lesen; antworten kann dort jemand anderes.",
    startedOn: "Begonnen auf",
    closeChat: "Chat schließen",
    closeTitle: "Chat schließen?",
    closeText:
      "Schließen Sie den Chat, wenn das Gespräch beendet ist. Der Verlauf bleibt im " +
      "Contact-Center unter »Chats« einsehbar, bis er gelöscht wird.",
    closed: "Der Chat ist beendet.",
    closedBy_visitor: "Der/die Chat-Teilnehmende hat den Chat beendet.",
    closedBy_agent: "Der Chat wurde beendet.",
    deleteChat: "Chat löschen",
    deleteTitle: "Chat löschen?",
    deleteText: "Der Chat und sein Verlauf werden endgültig gelöscht.",
    deleted: "Der Chat wurde gelöscht.",
    servedBy: "{name} betreut diesen Chat.",
    goneRoom: "Diesen Chat gibt es nicht mehr.",
    conversation: "Chatverlauf",
    message: "Nachricht",
    placeholder: "Nachricht schreiben … (Enter sendet, Umschalt+Enter neue Zeile)",
    send: "Senden",
    emoji: "Emoji einfügen",
    emojis: "Emojis",
    typing: "{name} schreibt …",
    sending: "wird gesendet …",
    notSent: "nicht gesendet",
    tooLong: "Die Nachricht ist zu lang (höchstens {max} Zeichen).",
    charactersLeft: "noch {count} Zeichen",
    newMessage: "Neue Nachricht von {name}: {text}",
    contactUnknown: "Kontakt unbekannt",
    addContact: "Kontakt hinzufügen",
    editContact: "Kontakt bearbeiten",
    state_queued: "in der Warteschleife",
    state_open: "offen",
    state_closed: "geschlossen",
    createdAt: "Erstellt {time}",
    you: "Sie",
    sys_preview: "Jemand ist in Kürze für Sie da.",
    sys_taken: "{name} hat den Chat übernommen.",
    sys_returned: "Der Chat wurde zurück in die Warteschleife gegeben.",
    sys_forwarded: "Der Chat wurde an {name} weitergeleitet.",
    sys_closed: "Der Chat wurde beendet.",
    sys_agent_gone: "{name} war nicht mehr erreichbar; der Chat ist zurück in der Warteschleife.",
    sys_agent_gone_nobody:
      "{name} war nicht mehr erreichbar; der Chat ist zurück in der Warteschleife, und niemand " +
      "sonst konnte antworten.",
    sys_taken_over: "{name} hat den Chat als Admin übernommen.",
    takeOver: "Übernehmen",
    takeOverTitle: "Chat übernehmen?",
    takeOverText:
      "Sie beantworten den Chat ab jetzt selbst statt {name}. Der Gast liest, dass Sie übernommen " +
      "haben.",
    tookOver: "Sie haben den Chat übernommen.",
    roomRating: "Bewertung",
    roomRatingStars: "{n} von 5 Sternen",
    roomRatingComment: "„{text}“",
  },
  en: {
    offlineMessageTo:
      "Message left while nobody could answer: your replies also go by email to {email}; so " +
      "does closing it.",
    previewMode: "Preview mode",
    previewNotice: "The visitor is told that someone will be with them shortly.",
    take: "Take",
    taken: "You have taken the chat.",
    alreadyTaken: "Someone else has taken this request already.",
    noLongerQueued: "This request is no longer in the queue.",
    returnToQueue: "Return to queue",
    returnTitle: "Return the chat to the queue?",
    returnText:
      "The chat goes back to the incoming livechats. The other agents of the department can " +
      "take it again; the visitor is told.",
    returned: "The chat is back in the queue.",
    forward: "Forward",
    forwardTitle: "Forward the chat",
    forwardDepartment: "Forward to department",
    forwardAgent: "Forward to another agent",
    forwardComment: "Note for the receiving agents",
    forwardCommentHint: "Optional, at most 500 characters. The visitor never sees it.",
    department: "Department",
    agent: "Agent",
    available: "available",
    unavailable: "unavailable",
    noAgents: "This department has no other agents.",
    sameDepartment:
      "The chat is in this department already: choose another department or a person.",
    forwardedTo: "The chat was forwarded to {name}.",
    departmentNobody:
      "Nobody in {department} can answer right now: forwarding to the department works again once someone there is available.",
    forwardFailed_department_unavailable:
      "Not forwarded: nobody in this department can answer right now. The chat stays with you.",
    forwardFailed_room_changed: "Not forwarded: the chat changed meanwhile. It stays as it is now.",
    forwardFailed_agent_not_in_department:
      "Not forwarded: this person does not work in the chosen department.",
    movedAway:
      "Forwarded to {department}. You can still read the conversation; someone there answers.",
    startedOn: "Started on",
    closeChat: "Close chat",
    closeTitle: "Close the chat?",
    closeText:
      "Close the chat when the conversation is over. Its history stays in the contact center " +
      "under “Chats” until it is deleted.",
    closed: "The chat has ended.",
    closedBy_visitor: "The visitor ended the chat.",
    closedBy_agent: "The chat was closed.",
    deleteChat: "Delete chat",
    deleteTitle: "Delete the chat?",
    deleteText: "The chat and its history are deleted for good.",
    deleted: "The chat was deleted.",
    servedBy: "{name} serves this chat.",
    goneRoom: "This chat no longer exists.",
    conversation: "Conversation",
    message: "Message",
    placeholder: "Write a message … (Enter sends, Shift+Enter new line)",
    send: "Send",
    emoji: "Insert emoji",
    emojis: "Emojis",
    typing: "{name} is typing …",
    sending: "sending …",
    notSent: "not sent",
    tooLong: "The message is too long (at most {max} characters).",
    charactersLeft: "{count} characters left",
    newMessage: "New message from {name}: {text}",
    contactUnknown: "Contact unknown",
    addContact: "Add contact",
    editContact: "Edit contact",
    state_queued: "queued",
    state_open: "open",
    state_closed: "closed",
    createdAt: "Created {time}",
    you: "You",
    sys_preview: "Someone will be with you shortly.",
    sys_taken: "{name} joined the chat.",
    sys_returned: "The chat was returned to the queue.",
    sys_forwarded: "The chat was forwarded to {name}.",
    sys_closed: "The chat was closed.",
    sys_agent_gone: "{name} was no longer reachable; the chat is back in the queue.",
    sys_agent_gone_nobody:
      "{name} was no longer reachable; the chat is back in the queue, and nobody else could answer.",
    sys_taken_over: "{name} took over the chat as an admin.",
    takeOver: "Take over",
    roomRating: "Rating",
    roomRatingStars: "{n} of 5 stars",
    roomRatingComment: "“{text}”",
    takeOverTitle: "Take over the chat?",
    takeOverText:
      "From now on you answer the chat instead of {name}. The guest reads that you took over.",
    tookOver: "You took over the chat.",
  },
});

const EMOJIS = [
  "😀",
  "😊",
  "🙂",
  "😉",
  "😂",
  "😅",
  "🤔",
  "😮",
  "😢",
  "🙈",
  "👍",
  "👎",
  "👏",
  "🙏",
  "👋",
  "🙌",
  "💪",
  "👀",
  "✅",
  "❌",
  "❓",
  "❗",
  "💡",
  "🎉",
  "❤️",
  "⭐",
  "☕",
  "📚",
  "🎓",
  "📅",
  "📧",
  "📞",
];
// A request is previewed once per console session; the visitor hears "someone will be with you"
// once, not on every click.
const previewed = new Set();

export function renderRoom(main, roomId) {
  const screen = new RoomScreen(main, roomId);
  screen.load();
  return () => screen.leave();
}

/** The text of a message for people: system lines in the console's language. */
export function messageText(message) {
  if (message.author.kind === "system" && message.event) {
    return t(`sys_${message.event}`, { name: message.event_name || "" });
  }
  return message.text;
}

/** One line of a conversation; user text as text only. */
export function messageLine(message) {
  const kind = message.author.kind;
  const me = session.agent && message.author.id === session.agent.agent_id;
  return el(
    "li",
    { class: `msg ${kind}`, "data-seq": message.seq, "data-client-id": message.client_id },
    kind !== "system" &&
      el("span", {
        class: "who",
        text: `${me ? t("you") : message.author.name} · ${formatTime(message.created_at)}`,
      }),
    // A person's text with its links made clickable (system lines are the console's own).
    el(
      "span",
      { class: "bubble" },
      kind === "system" ? messageText(message) : textWithLinks(document, message.text)
    ),
    message.file && fileOf(message)
  );
}

/** The counter under the reply: shown from 200 characters left, and when the text is too long. */
function charactersLeft(left, max) {
  if (left >= 200) return "";
  return left < 0 ? t("tooLong", { max }) : t("charactersLeft", { count: left });
}

/** The emoji button and its panel, inserting into `text`; Escape closes the panel. */
function emojiPicker(text) {
  const button = el("button", {
    type: "button",
    class: "icon-button",
    "aria-label": t("emoji"),
    "aria-expanded": "false",
  });
  button.append(icon("smile"));
  const panel = el("div", { class: "emoji-panel", role: "group", "aria-label": t("emojis") });
  panel.hidden = true;
  const toggle = (open) => {
    panel.hidden = !open;
    button.setAttribute("aria-expanded", String(open));
  };
  for (const emoji of EMOJIS) {
    const choice = el("button", { type: "button", text: emoji, "aria-label": emoji });
    choice.addEventListener("click", () => {
      insertAtCursor(text, emoji);
      toggle(false);
      text.focus();
    });
    panel.append(choice);
  }
  button.addEventListener("click", () => {
    toggle(panel.hidden);
    if (!panel.hidden) panel.querySelector("button").focus();
  });
  panel.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    toggle(false);
    button.focus();
  });
  return { button, panel };
}

/**
 * Where to forward a chat: a department, then one of its agents. Only what the server accepts is
 * offered: "to the department" only for another department than the chat's own, "to the agent"
 * only when there is one. Resolves with `{body, name}` or null.
 */
async function forwardDialog(departments, currentDepartment) {
  const departmentSelect = el("select", { id: "forward-department", name: "department" });
  for (const d of departments) {
    const availability = d.available ? t("available") : t("unavailable");
    const option = el("option", { value: d.department_id, text: `${d.name} – ${availability}` });
    option.selected = d.department_id === currentDepartment;
    departmentSelect.append(option);
  }
  const agentSelect = el("select", { id: "forward-agent", name: "agent" });
  const note = el("p", { class: "muted", id: "forward-note", "aria-live": "polite" });
  const update = async () => {
    const sameDepartment = departmentSelect.value === currentDepartment;
    const chosen = departments.find((d) => d.department_id === departmentSelect.value);
    const nobody = !sameDepartment && chosen && !chosen.available;
    setDisabled("forward-to-department", sameDepartment || nobody);
    setDisabled("forward-to-agent", true);
    note.textContent = t("loading");
    const others = await agentsToForwardTo(
      departmentSelect.value,
      agentSelect,
      note,
      () => departmentSelect.value
    );
    if (others === null) return; // another department was picked meanwhile
    setDisabled("forward-to-agent", others === 0);
    if (sameDepartment && note.textContent === "") note.textContent = t("sameDepartment");
    if (nobody) note.textContent = t("departmentNobody", { department: chosen.name });
  };
  departmentSelect.addEventListener("change", update);
  const agentField = field("forward-agent", t("agent"), agentSelect);
  agentField.append(note);
  const comment = el("textarea", {
    id: "forward-comment",
    name: "comment",
    maxlength: "500",
    rows: "2",
  });
  const chosen = dialog({
    title: t("forwardTitle"),
    body: [
      field("forward-department", t("department"), departmentSelect),
      agentField,
      field("forward-comment", t("forwardComment"), comment, t("forwardCommentHint")),
    ],
    actions: [
      { label: t("cancel"), value: null },
      { label: t("forwardDepartment"), value: "department", id: "forward-to-department" },
      { label: t("forwardAgent"), value: "agent", kind: "primary", id: "forward-to-agent" },
    ],
  });
  update();
  const choice = await chosen;
  const handover = comment.value.trim() ? { comment: comment.value.trim() } : {};
  if (choice === "agent") {
    const name = agentSelect.selectedOptions[0].dataset.name;
    // Into the department picked for them: the chat moves there with them.
    const body = {
      agent_id: agentSelect.value,
      department_id: departmentSelect.value,
      ...handover,
    };
    return { body, name };
  }
  if (choice !== "department") return null;
  const department = departments.find((d) => d.department_id === departmentSelect.value);
  return { body: { department_id: department.department_id, ...handover }, name: department.name };
}

function setDisabled(id, disabled) {
  const button = document.getElementById(id);
  if (button) button.disabled = disabled;
}

/**
 * Fills the select with the department's other agents; returns how many there are, or null when
 * `current()` is another department by the time they arrive (a stale list is ignored).
 */
async function agentsToForwardTo(departmentId, select, note, current) {
  replace(select);
  try {
    const { agents } = await api(
      "GET",
      `/agents?department_id=${encodeURIComponent(departmentId)}`
    );
    if (current() !== departmentId) return null;
    const others = agents.filter((a) => a.agent_id !== session.agent.agent_id);
    for (const a of others) {
      const availability = a.available ? t("available") : t("unavailable");
      const text = `${a.name} – ${t(`status_${a.status}`)}, ${availability}`;
      select.append(el("option", { value: a.agent_id, text, "data-name": a.name }));
    }
    note.textContent = others.length ? "" : t("noAgents");
    return others.length;
  } catch (error) {
    note.textContent = errorText(error);
    return 0;
  }
}

/** The visitor's stars and comment, in the chat's info. */
function ratingLine({ score, comment }) {
  return el(
    "p",
    { class: "room-meta", id: "room-rating" },
    `${t("roomRating")}: `,
    el("span", {
      class: "rating-stars",
      "aria-hidden": "true",
      text: "★".repeat(score) + "☆".repeat(5 - score),
    }),
    ` ${t("roomRatingStars", { n: score })}`,
    comment && ` – ${t("roomRatingComment", { text: comment })}`
  );
}

class RoomScreen {
  constructor(main, roomId) {
    this.main = main;
    this.roomId = roomId;
    this.room = null;
    this.contact = null;
    this.messages = new Map(); // seq -> message
    this.log = new SeqLog(); // where a fetch resumes
    this.pending = new Map(); // client_id -> {text, timer, failed}
    this.lostQueue = false;
    this.offs = [];
    this.typing = new TypingSignal((typing) =>
      sendFrame({ action: "typing", room_id: this.roomId, typing })
    );
    this.theirTyping = new TheirTyping((name) => {
      if (this.ui) this.ui.typing.textContent = name ? t("typing", { name }) : "";
    });
    this.left = false;
    replace(main, el("p", { role: "status", text: t("loading") }));
  }

  async load() {
    try {
      const room = await api("GET", `/rooms/${this.roomId}`);
      if (room.state === "queued" && !previewed.has(room.room_id)) {
        const shown = await api("POST", `/rooms/${this.roomId}/preview`);
        previewed.add(room.room_id);
        this.room = shown;
        for (const message of shown.messages) this.addMessage(message);
      } else {
        this.room = room;
        await this.fetchMissed();
      }
      if (this.left) return;
      this.fetchContact();
      this.listen();
      this.render();
    } catch (error) {
      if (this.left) return;
      replace(this.main, el("h1", { text: t("goneRoom") }), el("p", { text: errorText(error) }));
    }
  }

  leave() {
    this.left = true;
    this.typing.stop();
    for (const off of this.offs) off();
    for (const entry of this.pending.values()) clearTimeout(entry.timer);
    this.theirTyping.update(null);
  }

  get mine() {
    return (
      this.room.state === "open" &&
      this.room.agent &&
      this.room.agent.agent_id === session.agent.agent_id
    );
  }

  /** Every message after the point up to which this screen has all (S26). */
  async fetchMissed() {
    let after = this.log.resumeAfter;
    let last = after;
    for (;;) {
      const page = await api("GET", `/rooms/${this.roomId}/messages?after=${after}&limit=200`);
      for (const message of page.messages) {
        this.addMessage(message);
        last = Math.max(last, message.seq);
      }
      if (!page.next) break;
      after = Number(page.next);
    }
    this.log.fetchedThrough(last);
  }

  async fetchContact() {
    try {
      this.contact = await api("GET", `/contacts/${this.room.visitor.visitor_id}`);
    } catch {
      this.contact = null; // no contact record (yet): shown as unknown
    }
    if (!this.left && this.ui) this.renderHead();
  }

  listen() {
    this.offs.push(
      on("message", ({ message }) => {
        if (message.room_id !== this.roomId) return;
        this.addMessage(message);
        if (message.author.kind === "visitor") {
          this.theirTyping.update(null);
          announce(t("newMessage", { name: message.author.name, text: message.text }));
        }
      }),
      on("room", ({ event, room }) => {
        if (room.room_id !== this.roomId) return;
        if (event === "deleted") return this.gone();
        this.room = { ...this.room, ...room };
        this.lostQueue = false;
        this.renderHead();
        this.renderComposer();
        this.fetchMissed().catch(() => {});
      }),
      // Taken by someone else, or back in the queue: another agent's change reaches this screen
      // through the department's queue events.
      on("queue", ({ room }) => {
        if (room.room_id === this.roomId) this.refreshRoom();
      }),
      on("typing", (event) => {
        if (event.room_id === this.roomId && event.author.kind === "visitor") {
          this.theirTyping.update(event.typing ? event.author.name : null);
        }
      }),
      on("socket-open", ({ reconnected }) => {
        if (!reconnected) return;
        this.refreshRoom();
        this.fetchMissed()
          .then(() => this.resendPending())
          .catch(() => {});
      })
    );
  }

  async refreshRoom() {
    try {
      const room = await api("GET", `/rooms/${this.roomId}`);
      this.lostQueue =
        this.room.state === "queued" &&
        room.state !== "queued" &&
        !(room.agent && room.agent.agent_id === session.agent.agent_id);
      this.room = room;
      this.renderHead();
      this.renderComposer();
      this.fetchMissed().catch(() => {});
    } catch (error) {
      if (error.status === 404 || error.status === 403) this.gone();
    }
  }

  gone() {
    if (!this.ui) return;
    replace(this.ui.head, el("h1", { text: t("goneRoom") }));
    replace(this.ui.composer);
  }

  addMessage(message) {
    if (!this.log.add(message.seq)) return;
    this.messages.set(message.seq, message);
    const entry = this.pending.get(message.client_id);
    if (entry) {
      clearTimeout(entry.timer);
      this.pending.delete(message.client_id);
    }
    if (this.ui) this.renderLog();
  }

  // ---- rendering --------------------------------------------------------------------------------

  render() {
    const head = el("div", { class: "room-head" });
    const banner = el("div", { class: "room-banner" });
    const log = el("ol", {
      class: "log",
      id: "conversation",
      "aria-label": t("conversation"),
      tabindex: "0",
    });
    const typing = el("p", { class: "typing", "aria-live": "polite" });
    const composer = el("div", { class: "room-composer" });
    this.ui = { head, banner, log, typing, composer };
    setScreenTitle(this.room.visitor.name);
    replace(this.main, head, banner, log, typing, composer);
    this.renderHead();
    this.renderLog();
    this.renderComposer();
  }

  renderHead() {
    if (!this.ui) return;
    // A keyboard user keeps the focus on an action when the head is drawn anew (a contact
    // fetched, a room event) while it is focused.
    const focused = this.ui.head.contains(document.activeElement) && document.activeElement.id;
    this.drawHead();
    if (focused) document.getElementById(focused)?.focus();
  }

  drawHead() {
    const room = this.room;
    const department = live.departments.find((d) => d.department_id === room.department_id);
    const info = this.contact?.contact;
    const known = info && (info.name || info.email || info.phone);
    replace(
      this.ui.head,
      el(
        "div",
        {},
        el("h1", { text: room.visitor.name }),
        el(
          "p",
          { class: "room-meta" },
          `${department ? department.name : room.department_id} · `,
          el("span", { class: `state state-${room.state}`, text: t(`state_${room.state}`) }),
          ` · ${t("createdAt", { time: formatDateTime(room.created_at) })}`
        ),
        room.offline &&
          el("p", {
            class: "room-meta offline-message",
            text: t("offlineMessageTo", { email: room.email }),
          }),
        room.page &&
          el(
            "p",
            { class: "room-meta", id: "room-page" },
            `${t("startedOn")}: `,
            el("a", {
              href: room.page.url,
              target: "_blank",
              rel: "noopener noreferrer",
              text: room.page.title || room.page.url,
            })
          ),
        room.handover &&
          el("p", { class: "room-meta", id: "room-handover", text: handoverText(room) }),
        el(
          "p",
          { class: "room-meta contact-line" },
          known
            ? [info.name, info.email, info.phone].filter(Boolean).join(" · ")
            : t("contactUnknown"),
          " ",
          el("button", {
            type: "button",
            class: "link",
            text: known ? t("editContact") : t("addContact"),
            onclick: () => this.editContact(),
          })
        ),
        room.rating && ratingLine(room.rating)
      ),
      el("div", { class: "actions" }, this.actions())
    );
    replace(this.ui.banner, this.bannerText());
  }

  /** A queued chat in a department the agent does not serve (they forwarded it there). */
  get movedAway() {
    const room = this.room;
    return (
      room.state === "queued" &&
      session.agent.role !== "admin" &&
      !(session.agent.departments || []).includes(room.department_id)
    );
  }

  actions() {
    const room = this.room;
    const button = (label, iconName, onclick, kind = "secondary", id) =>
      el("button", { type: "button", class: kind, id, onclick }, icon(iconName), label);
    if (this.movedAway) return [];
    if (room.state === "queued") {
      return button(t("take"), "check", () => this.take(), "primary", "take");
    }
    if (this.mine) {
      return [
        button(t("returnToQueue"), "undo", () => this.returnToQueue(), "secondary", "return"),
        button(t("forward"), "forward", () => this.forward(), "secondary", "forward"),
        button(t("closeChat"), "close", () => this.close(), "danger", "close-chat"),
      ];
    }
    if (room.state === "closed") {
      return button(t("deleteChat"), "trash", () => this.remove(), "danger", "delete-chat");
    }
    // Admins can take over any open chat, e.g. one whose agent vanished.
    if (session.agent.role === "admin") {
      return button(t("takeOver"), "check", () => this.takeOver(), "primary", "take-over");
    }
    return [];
  }

  bannerText() {
    const room = this.room;
    if (this.lostQueue)
      return el("p", { class: "banner warning", role: "alert", text: t("alreadyTaken") });
    if (this.movedAway) {
      const department = live.departments.find((d) => d.department_id === room.department_id);
      const name = department ? department.name : room.department_id;
      return el("p", {
        class: "banner",
        id: "moved-away",
        text: t("movedAway", { department: name }),
      });
    }
    if (room.state === "queued") {
      return el(
        "p",
        { class: "banner" },
        el("strong", { text: `${t("previewMode")}: ` }),
        t("previewNotice")
      );
    }
    if (room.state === "closed") {
      return el("p", {
        class: "banner",
        text: room.closed_by ? t(`closedBy_${room.closed_by}`) : t("closed"),
      });
    }
    if (!this.mine && room.agent)
      return el("p", { class: "banner", text: t("servedBy", { name: room.agent.name }) });
    return null;
  }

  renderLog() {
    const log = this.ui.log;
    const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
    const lines = [...this.messages.values()].sort((a, b) => a.seq - b.seq).map(messageLine);
    for (const [clientId, entry] of this.pending) {
      const line = el(
        "li",
        { class: "msg agent pending", "data-client-id": clientId },
        el("span", { class: "who", text: entry.failed ? t("notSent") : t("sending") }),
        el("span", { class: "bubble", text: entry.text })
      );
      lines.push(line);
    }
    replace(log, lines);
    if (atBottom || this.pending.size) log.scrollTop = log.scrollHeight;
  }

  renderComposer() {
    if (!this.ui) return;
    if (!this.mine) {
      replace(this.ui.composer);
      this.ui.typing.textContent = "";
      return;
    }
    if (this.ui.composer.querySelector("form")) return;
    const max = session.maxMessageLength;
    const text = el("textarea", {
      id: "reply",
      name: "text",
      rows: 2,
      placeholder: t("placeholder"),
      "aria-label": t("message"),
      "aria-describedby": "reply-counter",
    });
    const counter = el("span", { class: "counter", id: "reply-counter", "aria-live": "polite" });
    const emojis = emojiPicker(text);
    const canned = cannedPicker(text, this.room.department_id);
    const send = el("button", { type: "submit", class: "primary", "aria-label": t("send") });
    send.append(icon("send"));
    const form = el("form", { class: "composer", "aria-label": t("message") });
    const files = attachFiles(form, this.roomId, (file) => this.send("", file));
    form.append(
      canned.panel,
      emojis.panel,
      emojis.button,
      canned.button,
      files.button,
      files.input,
      text,
      send
    );
    const updateCounter = () => {
      counter.textContent = charactersLeft(max - text.value.length, max);
    };
    text.addEventListener("input", () => {
      updateCounter();
      this.typing.input(text.value.length > 0);
    });
    text.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const value = text.value.trim();
      if (!value) return;
      if (value.length > max) return toast(t("tooLong", { max }), "error");
      text.value = "";
      updateCounter();
      this.typing.stop();
      this.send(value);
    });
    replace(this.ui.composer, form, counter, files.progress);
  }

  // ---- sending ---------------------------------------------------------------------------------

  /** `file`: `{upload_id, name}` of a file in the bucket that this message carries. */
  send(text, file = null) {
    const clientId = newClientId();
    const entry = { text: text || file?.name, failed: false, timer: 0, file };
    this.pending.set(clientId, entry);
    this.renderLog();
    // Answers to a message left go over REST, which mails them (the socket's handler cannot).
    const frame = { action: "send", room_id: this.roomId, text, client_id: clientId };
    if (file) frame.upload_id = file.upload_id;
    if (this.room?.offline || !sendFrame(frame)) {
      this.sendOverRest(clientId);
      return;
    }
    // No echo in time (a socket that died quietly): the same client_id over REST, no double.
    entry.timer = setTimeout(() => this.sendOverRest(clientId), RESEND_AFTER_MS);
  }

  async sendOverRest(clientId) {
    const entry = this.pending.get(clientId);
    if (!entry) return;
    try {
      const body = entry.file
        ? { text: "", client_id: clientId, upload_id: entry.file.upload_id }
        : { text: entry.text, client_id: clientId };
      const message = await api("POST", `/rooms/${this.roomId}/messages`, body);
      this.addMessage(message);
    } catch (error) {
      entry.failed = true;
      if (this.ui) this.renderLog();
      showError(error);
    }
  }

  resendPending() {
    for (const clientId of this.pending.keys()) this.sendOverRest(clientId);
  }

  // ---- actions ---------------------------------------------------------------------------------

  async take() {
    try {
      this.room = await api("POST", `/rooms/${this.roomId}/take`);
      this.lostQueue = false;
      announce(t("taken"));
      this.renderHead();
      this.renderComposer();
      this.ui.composer.querySelector("textarea")?.focus();
      await this.fetchMissed();
    } catch (error) {
      if (error.code === "already_taken") {
        this.lostQueue = true;
        toast(t("alreadyTaken"), "error");
        await this.refreshRoom();
        this.lostQueue = true;
        this.renderHead();
      } else {
        showError(error);
      }
    }
  }

  async takeOver() {
    const name = this.room.agent?.name || "";
    if (
      !(await confirmDialog(
        t("takeOverTitle"),
        t("takeOverText", { name }),
        t("takeOver"),
        "primary"
      ))
    )
      return;
    try {
      this.room = await api("POST", `/rooms/${this.roomId}/takeover`);
      toast(t("tookOver"));
      this.renderHead();
      this.renderComposer();
      this.ui.composer.querySelector("textarea")?.focus();
      await this.fetchMissed();
    } catch (error) {
      showError(error);
    }
  }

  async returnToQueue() {
    if (!(await confirmDialog(t("returnTitle"), t("returnText"), t("returnToQueue"), "primary")))
      return;
    try {
      this.room = await api("POST", `/rooms/${this.roomId}/return`);
      previewed.add(this.roomId);
      toast(t("returned"));
      this.renderHead();
      this.renderComposer();
    } catch (error) {
      showError(error);
    }
  }

  async forward() {
    let departments;
    try {
      departments = (await api("GET", "/departments")).departments;
    } catch (error) {
      return showError(error);
    }
    const choice = await forwardDialog(departments, this.room.department_id);
    if (!choice) return;
    try {
      const room = await api("POST", `/rooms/${this.roomId}/forward`, choice.body);
      this.room = room;
      previewed.add(this.roomId);
      toast(t("forwardedTo", { name: choice.name }));
      this.renderHead();
      this.renderComposer();
    } catch (error) {
      const key = `forwardFailed_${error.code}`;
      if (t(key) !== key) toast(t(key), "error");
      else showError(error);
    }
  }

  async close() {
    if (!(await confirmDialog(t("closeTitle"), t("closeText"), t("closeChat")))) return;
    try {
      this.room = await api("POST", `/rooms/${this.roomId}/close`, {});
      announce(t("closed"));
      this.renderHead();
      this.renderComposer();
    } catch (error) {
      showError(error);
    }
  }

  async remove() {
    if (!(await confirmDialog(t("deleteTitle"), t("deleteText"), t("deleteChat")))) return;
    try {
      await api("DELETE", `/rooms/${this.roomId}`);
      toast(t("deleted"));
      location.hash = "#chats";
    } catch (error) {
      showError(error);
    }
  }

  async editContact() {
    const saved = await editContact(this.room.visitor, this.contact?.contact);
    if (saved) {
      this.contact = saved;
      this.renderHead();
    }
  }
}

function insertAtCursor(input, text) {
  const start = input.selectionStart ?? input.value.length;
  const end = input.selectionEnd ?? input.value.length;
  input.value = input.value.slice(0, start) + text + input.value.slice(end);
  input.selectionStart = input.selectionEnd = start + text.length;
  input.dispatchEvent(new Event("input"));
}
