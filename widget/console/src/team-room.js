// A team chat room (S22): its messages in seq order without holes, the composer (send over the
// socket, REST when it is down; a reconnect fetches what was missed and resends what was not
// echoed, with the same client_id), typing, the read marker, joining and leaving. Editing and
// deleting one's own message is team-message.js's.
import { textWithLinks } from "../../common/links.js";
import { SeqLog } from "../../common/seqs.js";
import {
  api,
  el,
  emit,
  formatTime,
  newClientId,
  on,
  replace,
  session,
  showError,
  t,
} from "./core.js";
import { attachFiles, fileOf } from "./files.js";
import { sendFrame } from "./socket.js";
import { messageActions } from "./team-message.js";
import { forgetRoom, membersText, refreshTeam, team } from "./team.js";
import { mayManage, membersPanel, ownerControls } from "./team-manage.js";

const TYPING_IDLE_MS = 4000;
// As the server's staff_messages.EDIT_WINDOW_MINUTES.
const EDIT_WINDOW_MS = 15 * 60 * 1000;

class TeamRoomScreen {
  constructor(main, roomId) {
    this.main = main;
    this.roomId = roomId;
    this.log = new SeqLog();
    this.pending = new Map(); // client_id -> what was sent, until the server echoes it
    this.room = null;
    this.closed = false;
    this.typingSent = false;
    this.typingTimer = 0;
    // The livechat's look (room.js): bubbles, one's own on the right, no numbers.
    this.list = el("ol", {
      class: "log conversation",
      id: "conversation",
      "aria-live": "polite",
    });
    this.typingLine = el("p", { class: "typing-line", "aria-live": "polite" });
    this.input = el("textarea", { id: "reply", name: "text", rows: 2, required: true });
    this.heading = el("h1", { text: "…" });
    this.topic = el("p", { class: "muted" });
    this.actions = el("div", { class: "room-actions actions" });
    this.members = el("div", { id: "room-members-box", hidden: true });
    this.label = el("label", { for: "reply", class: "visually-hidden" });
    this.form = this.composer();
    main.append(
      el("header", { class: "room-head" }, el("div", {}, this.heading, this.topic), this.actions),
      this.members,
      this.list,
      this.typingLine,
      this.form,
      this.progress
    );
  }

  composer() {
    const form = el("form", { class: "composer", "aria-label": t("send") });
    const files = attachFiles(form, this.roomId, (file) =>
      this.send({ text: "", client_id: newClientId(), upload_id: file.upload_id })
    );
    form.append(
      files.button,
      files.input,
      this.label,
      this.input,
      el("button", { type: "submit", class: "primary", text: t("send") })
    );
    this.progress = files.progress;
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = this.input.value.trim();
      if (!text) return;
      this.input.value = "";
      this.stopTyping();
      this.send({ text, client_id: newClientId() });
    });
    this.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
    this.input.addEventListener("input", () => {
      if (!this.typingSent) sendFrame({ action: "typing", room_id: this.roomId, typing: true });
      this.typingSent = true;
      clearTimeout(this.typingTimer);
      this.typingTimer = setTimeout(() => this.stopTyping(), TYPING_IDLE_MS);
    });
    return form;
  }

  stopTyping() {
    clearTimeout(this.typingTimer);
    if (this.typingSent) sendFrame({ action: "typing", room_id: this.roomId, typing: false });
    this.typingSent = false;
  }

  /** `message`: `{text, client_id, upload_id?}`, kept until the server echoes it. */
  send(message) {
    this.pending.set(message.client_id, message);
    if (sendFrame({ action: "send", room_id: this.roomId, ...message })) return;
    api("POST", `/rooms/${this.roomId}/messages`, message)
      .then((message) => this.show(message))
      .catch(showError);
  }

  line(message) {
    const own = message.author.id === session.agent.agent_id;
    const deleted = Boolean(message.deleted_at);
    const textId = `message-${message.seq}-text`;
    const node = el(
      "li",
      {
        class: `msg ${own ? "agent" : "visitor"}${deleted ? " deleted" : ""}`,
        "data-seq": message.seq,
      },
      el(
        "p",
        { class: "who meta" },
        el("strong", { text: own ? t("you") : message.author.name }),
        " · ",
        el("time", { datetime: message.created_at, text: formatTime(message.created_at) }),
        message.edited_at && !deleted ? ` (${t("edited")})` : ""
      ),
      el(
        "p",
        { class: "bubble text", id: textId },
        deleted ? t("deletedMessage") : textWithLinks(document, message.text, [session.agent.name])
      ),
      message.file && !deleted && fileOf(message)
    );
    const left = EDIT_WINDOW_MS - (Date.now() - Date.parse(message.created_at));
    if (own && !deleted && left > 0) {
      const actions = messageActions(this, message, textId);
      node.append(actions);
      // Past the window the server refuses; the buttons go when it closes.
      setTimeout(() => actions.remove(), left);
    }
    return node;
  }

  /** Shows a message in its place by seq; an edit or deletion replaces the earlier line. */
  show(message) {
    const node = this.line(message);
    const existing = this.list.querySelector(`[data-seq="${message.seq}"]`);
    if (existing) return existing.replaceWith(node);
    this.log.add(message.seq);
    this.pending.delete(message.client_id);
    this.list.querySelector(".empty")?.remove();
    const later = [...this.list.children].find((child) => Number(child.dataset.seq) > message.seq);
    this.list.insertBefore(node, later || null);
  }

  async fetchMissing() {
    let after = this.log.resumeAfter;
    for (;;) {
      const page = await api("GET", `/rooms/${this.roomId}/messages?after=${after}&limit=200`);
      for (const message of page.messages) this.show(message);
      if (!page.next) {
        this.log.fetchedThrough(page.messages.at(-1)?.seq ?? after);
        break;
      }
      after = Number(page.next);
    }
    if (!this.list.children.length)
      this.list.append(el("li", { class: "empty muted", text: t("noMessagesYet") }));
  }

  markRead() {
    if (!this.room || !this.log.resumeAfter || document.visibilityState !== "visible") return;
    api("POST", `/rooms/${this.roomId}/read`, { seq: this.log.resumeAfter })
      .then((read) => {
        const known = team.rooms.find((r) => r.room_id === this.roomId);
        if (known) Object.assign(known, { unread: read.unread, mentions: read.mentions });
        emit("team-changed", team);
      })
      .catch(() => {});
  }

  async load() {
    try {
      this.room = await api("GET", `/channels/${this.roomId}`);
    } catch (error) {
      replace(this.main, el("h1", { text: t("notFound") }), el("p", { text: t("roomGone") }));
      if (error.status !== 404) showError(error);
      return;
    }
    if (this.closed) return;
    const room = this.room;
    this.heading.textContent = room.name;
    document.title = `${room.name} – ${t("appTitle")}`;
    this.topic.textContent = room.topic || membersText(room.members_count);
    this.label.textContent = t("messageTo", { name: room.name });
    const member = room.members.some((m) => m.agent_id === session.agent.agent_id);
    const button = (text, action) =>
      el("button", { type: "button", class: "secondary", text, onclick: () => this.act(action) });
    replace(
      this.actions,
      !member && room.kind === "channel"
        ? button(t("join"), "join")
        : room.kind !== "direct" && button(t("leave"), "leave"),
      this.membersToggle(),
      mayManage(room) && ownerControls(this)
    );
    replace(this.members, membersPanel(this));
    this.form.hidden = !member;
    await this.fetchMissing();
    this.markRead();
  }

  /** "Mitglieder" shows or hides the members (and, for a manager, their controls). */
  membersToggle() {
    return el("button", {
      type: "button",
      class: "secondary",
      id: "members-toggle",
      "aria-controls": "room-members-box",
      "aria-expanded": String(!this.members.hidden),
      text: t("members"),
      onclick: (event) => {
        this.members.hidden = !this.members.hidden;
        // Colleagues who joined the service since the room was drawn can be added too.
        if (!this.members.hidden) this.addMember?.refresh();
        event.target.setAttribute("aria-expanded", String(!this.members.hidden));
      },
    });
  }

  async act(action) {
    // Forgotten first, so that the socket's "removed" reads as one's own doing, not a notice.
    if (action === "leave") forgetRoom(this.roomId);
    try {
      await api("POST", `/channels/${this.roomId}/${action}`);
      if (action === "join") await this.load();
      else location.hash = "";
    } catch (error) {
      showError(error);
    }
    await refreshTeam();
  }

  listen() {
    return [
      on("message", ({ message }) => {
        if (message.room_id !== this.roomId) return;
        this.show(message);
        this.markRead();
      }),
      on("typing", (event) => {
        if (event.room_id !== this.roomId || event.author.id === session.agent.agent_id) return;
        this.typingLine.textContent = event.typing
          ? t("typingOne", { name: event.author.name })
          : "";
      }),
      on("socket-open", ({ reconnected }) => {
        if (!reconnected) return;
        this.fetchMissing()
          .then(() => {
            for (const message of this.pending.values()) this.send(message);
          })
          .catch(() => {});
      }),
      // Renamed, a member added or removed, the room deleted: shown as the server now has it.
      on("staff_room", ({ room }) => {
        if (room.room_id === this.roomId) this.load();
      }),
    ];
  }
}

export function renderTeamRoom(main, roomId) {
  const screen = new TeamRoomScreen(main, roomId);
  const offs = screen.listen();
  screen.load();
  screen.input.focus();
  return () => {
    screen.closed = true;
    screen.stopTyping();
    for (const off of offs) off();
  };
}
