// The visitor's room and its messages: what is on screen, where a resume starts, and forgetting
// a room or the identity.
import { playSound } from "../../common/sound.js";
import { SeqLog } from "../../common/seqs.js";
import { call, DEPARTMENT, roomPath, state, ui } from "./context.js";
import { closeSocket } from "./connection.js";
import { dropPending, resolvePending, showPending } from "./sending.js";
import { normalise, saveStored } from "./storage.js";
import {
  announce,
  messageItem,
  renderIdentity,
  renderNotice,
  renderRoom,
  report,
  scrollDown,
  systemText,
  theirTyping,
} from "./view.js";

/** The seqs on screen; resumes start after `log.resumeAfter`. */
export const log = new SeqLog();

export function setRoom(view, event) {
  if (state.room && state.room.room_id !== view.room_id) forgetRoom();
  state.room = view;
  if (event === "preview") state.previewing = view.state === "queued";
  else if (event && event !== "queued") state.previewing = false;
  if (view.state !== "queued") state.previewing = false;
  state.saved.rooms[DEPARTMENT] = view.room_id;
  if (view.state === "closed") dropPending(view.room_id);
  saveStored(state.saved);
  renderRoom();
  report();
}

/** Drops the conversation on screen and in memory (not in storage) and closes the socket. */
export function clearConversation() {
  closeSocket();
  state.room = null;
  log.clear();
  state.historyLoaded = false;
  state.previewing = false;
  state.lastSystemSeq = 0;
  state.nobodyAnswers = false;
  ui.messages.replaceChildren();
  theirTyping.update(null);
}

export function forgetRoom() {
  clearConversation();
  delete state.saved.rooms[DEPARTMENT];
  state.saved.pending = [];
  saveStored(state.saved);
  renderRoom();
  report();
}

export function forgetIdentity() {
  state.saved = normalise({ muted: state.saved.muted });
  saveStored(state.saved);
  renderIdentity();
}

export function identityLost() {
  forgetRoom();
  forgetIdentity();
}

/** A 401, 403 or 404 for the room: the identity or the room is gone (true), else false. */
export function roomLost(error) {
  if (error.status === 401) identityLost();
  else if (error.status === 403 || error.status === 404) forgetRoom();
  else return false;
  return true;
}

/** The room's state and every message after the last complete point, then unconfirmed sends. */
export async function catchUp() {
  const roomId = state.room.room_id;
  const { data } = await call("GET", roomPath(roomId));
  if (state.room?.room_id !== roomId) return;
  setRoom(data);
  let after = log.resumeAfter;
  let last = after;
  for (;;) {
    const query = `/messages?after=${after}&limit=100`;
    const { data: page } = await call("GET", roomPath(roomId, query));
    if (state.room?.room_id !== roomId) return;
    for (const message of page.messages) {
      addMessage(message, state.historyLoaded);
      last = Math.max(last, message.seq);
    }
    if (!page.next) break;
    after = page.next;
  }
  log.fetchedThrough(last);
  state.historyLoaded = true;
  showPending();
}

export function addMessage(message, live) {
  if (!log.add(message.seq)) return;
  const kind = message.author?.kind;
  if (kind === "visitor" && message.client_id) resolvePending(message.client_id);
  // Only the newest line counts: a resumed fetch may bring older ones after newer live ones.
  if (kind === "system" && message.event && message.seq > state.lastSystemSeq) {
    state.lastSystemSeq = message.seq;
    state.previewing = message.event === "preview" && state.room?.state === "queued";
    state.nobodyAnswers = message.event === "agent_gone_nobody";
    renderNotice(); // the line may come before or after its room event
  }
  // In seq order (a resumed fetch may bring older ones after newer live ones); pending last.
  const later = [...ui.messages.children].find(
    (node) => node.dataset.seq === undefined || Number(node.dataset.seq) > message.seq
  );
  ui.messages.insertBefore(messageItem(message), later || null);
  if (live && kind !== "visitor") alertNew(message);
  renderRoom();
  scrollDown(live || kind === "visitor");
}

function alertNew(message) {
  const kind = message.author.kind;
  announce(kind === "system" ? systemText(message) : `${message.author.name}: ${message.text}`);
  if (kind === "agent") {
    theirTyping.update(null);
    if (!state.saved.muted) playSound();
  }
  if (!state.visible) {
    state.unread += 1;
    report();
  }
}
