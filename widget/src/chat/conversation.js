// The visitor's room and its messages: what is on screen, where a resume starts, what arrives on
// the socket, and forgetting a room or the identity.
import { playSound } from "../../common/sound.js";
import { SeqLog } from "../../common/seqs.js";
import { DEPARTMENT, roomPath, t, ui } from "./context.js";
import { normalise, saveStored } from "./storage.js";
import { announce, messageItem, scrollDown, systemText, theirTyping } from "./view.js";

/** The conversation of the chat window's `state`, with the parts it uses handed in. */
export class Conversation {
  constructor(state, { call, connection, files, outbox, view }) {
    Object.assign(this, { state, call, connection, files, outbox, view });
    /** The seqs on screen; resumes start after `log.resumeAfter`. */
    this.log = new SeqLog();
  }

  setRoom(room, event) {
    const { state } = this;
    if (state.room && state.room.room_id !== room.room_id) this.forgetRoom();
    state.room = room;
    if (event === "preview") state.previewing = room.state === "queued";
    else if (event && event !== "queued") state.previewing = false;
    if (room.state !== "queued") state.previewing = false;
    state.saved.rooms[DEPARTMENT] = room.room_id;
    if (room.state === "closed") this.outbox.dropPending(room.room_id);
    saveStored(state.saved);
    this.view.renderRoom();
    this.view.report();
  }

  /** Drops the conversation on screen and in memory (not in storage) and closes the socket. */
  clearConversation() {
    this.connection.closeSocket();
    Object.assign(this.state, {
      room: null,
      historyLoaded: false,
      previewing: false,
      lastSystemSeq: 0,
      nobodyAnswers: false,
    });
    this.log.clear();
    ui.messages.replaceChildren();
    theirTyping.update(null);
  }

  forgetRoom() {
    const { saved } = this.state;
    this.clearConversation();
    delete saved.rooms[DEPARTMENT];
    saved.pending = [];
    saveStored(saved);
    this.view.renderRoom();
    this.view.report();
  }

  forgetIdentity() {
    this.state.saved = normalise({ muted: this.state.saved.muted });
    saveStored(this.state.saved);
    this.view.renderIdentity();
  }

  identityLost() {
    this.forgetRoom();
    this.forgetIdentity();
  }

  /** A 401, 403 or 404 for the room: the identity or the room is gone (true), else false. */
  roomLost(error) {
    if (error.status === 401) this.identityLost();
    else if (error.status === 403 || error.status === 404) this.forgetRoom();
    else return false;
    return true;
  }

  /** The room's state and every message after the last complete point, then unconfirmed sends. */
  async catchUp() {
    const { state } = this;
    const roomId = state.room.room_id;
    const { data } = await this.call("GET", roomPath(roomId));
    if (state.room?.room_id !== roomId) return;
    this.setRoom(data);
    let after = this.log.resumeAfter;
    let last = after;
    for (;;) {
      const query = `/messages?after=${after}&limit=100`;
      const { data: page } = await this.call("GET", roomPath(roomId, query));
      if (state.room?.room_id !== roomId) return;
      for (const message of page.messages) {
        this.addMessage(message, state.historyLoaded);
        last = Math.max(last, message.seq);
      }
      if (!page.next) break;
      after = page.next;
    }
    this.log.fetchedThrough(last);
    state.historyLoaded = true;
    this.outbox.showPending();
  }

  addMessage(message, live) {
    const { state } = this;
    if (!this.log.add(message.seq)) return;
    const kind = message.author?.kind;
    if (kind === "visitor" && message.client_id) this.outbox.resolvePending(message.client_id);
    // Only the newest line counts: a resumed fetch may bring older ones after newer live ones.
    if (kind === "system" && message.event && message.seq > state.lastSystemSeq) {
      state.lastSystemSeq = message.seq;
      state.previewing = message.event === "preview" && state.room?.state === "queued";
      state.nobodyAnswers = message.event === "agent_gone_nobody";
      this.view.renderNotice(); // the line may come before or after its room event
    }
    // In seq order (a resumed fetch may bring older ones after newer live ones); pending last.
    const later = [...ui.messages.children].find(
      (node) => node.dataset.seq === undefined || Number(node.dataset.seq) > message.seq
    );
    ui.messages.insertBefore(
      messageItem(message, (file) => this.files.node(file)),
      later || null
    );
    if (live && kind !== "visitor") this.alertNew(message);
    this.view.renderRoom();
    scrollDown(live || kind === "visitor");
  }

  alertNew(message) {
    const kind = message.author.kind;
    announce(kind === "system" ? systemText(message) : `${message.author.name}: ${message.text}`);
    if (kind === "agent") {
      theirTyping.update(null);
      if (!this.state.saved.muted) playSound();
    }
    if (!this.state.visible) {
      this.state.unread += 1;
      this.view.report();
    }
  }

  /** A frame from the socket. */
  receive(event) {
    const { room } = this.state;
    if (event.type === "message" && room && event.message?.room_id === room.room_id) {
      this.addMessage(event.message, true);
    } else if (event.type === "room" && room && event.room?.room_id === room.room_id) {
      if (event.event !== "deleted") this.setRoom(event.room, event.event);
      else if (room.state !== "closed") this.forgetRoom();
    } else if (event.type === "typing" && room && event.room_id === room.room_id) {
      const theirs = event.typing && event.author?.kind !== "visitor";
      theirTyping.update(theirs ? event.author.name : null);
    } else if (event.type === "presence" && room?.agent?.agent_id === event.agent_id) {
      room.agent.status = event.status;
      this.view.renderRoom();
    } else if (event.type === "error") {
      this.onError(event.code);
    }
  }

  onError(code) {
    if (code === "invalid_token") this.identityLost();
    else if (code === "message_too_long") {
      this.view.showError(t("tooLong", { max: this.state.config.max_message_length }));
    } else if (code === "room_closed" && this.state.room) this.catchUp().catch(() => {});
  }
}
