// The visitor's chat window (S11, S15, S18–S21, S26), in an iframe on the chat's own origin.
// Its parts live in chat/: context (fragment, texts, elements, the state's shape), storage, view
// (rendering, at the bottom), connection (socket), sending (pending sends and the composer),
// conversation (room, messages, resume), tools (header, sheets), offline (leaving a message,
// the transcript by email; it uses the sheets of tools) and rating (stars and comment; it uses
// the tools' menu). None of them imports another of connection, sending, conversation and
// tools: this file makes the one state object
// and wires the parts together, handing each the state and the parts it calls.
import { apiCaller, DEPARTMENT, HOST, hostOk, newState, roomPath, t, ui } from "./chat/context.js";
import { Connection } from "./chat/connection.js";
import { Conversation } from "./chat/conversation.js";
import { Attachments } from "./chat/files.js";
import { Composer, Outbox } from "./chat/sending.js";
import { Rating } from "./chat/rating.js";
import { loadStored, saveStored, STORAGE_KEY } from "./chat/storage.js";
import { leavingMessage, Offline } from "./chat/offline.js";
import { focusInside, Tools } from "./chat/tools.js";
import { applyStrings, keepLastLineInView, View } from "./chat/view.js";

const state = newState();
const call = apiCaller(state);
// The socket and the rest call each other both ways (frames come in; a forgotten room closes the
// socket), so the view and the socket reach the parts made after them through these callbacks.
const view = new View(state, {
  connectionLost: () => connection.isLost(),
  leavingMessage: () => leavingMessage(state),
  renderFiles: () => files.render(),
  roomRendered: () => rating.render(),
});
const connection = new Connection(state, call, {
  onOpen: () =>
    conversation.catchUp().then(
      () => outbox.flushPending("all"),
      (error) => {
        if (!conversation.roomLost(error)) throw error;
      }
    ),
  onEvent: (frame) => conversation.receive(frame),
  onChange: () => view.renderNotice(),
  onIdentityLost: () => conversation.identityLost(),
});
const outbox = new Outbox(state, { connection, view });
const files = new Attachments(state, { call, outbox, view });
const conversation = new Conversation(state, { call, connection, files, outbox, view });
const composer = new Composer(state, { call, connection, conversation, outbox, view });
const tools = new Tools(state, { call, conversation, view });
const offline = new Offline(state, { call, composer, connection, conversation, view });
const rating = new Rating(state, { call, conversation, view });

function fatal(key) {
  state.fatalText = t(key);
  view.renderRoom();
}

/** Config and availability; false (and a notice) when the chat cannot run on this page. */
async function loadConfig() {
  const availabilityPath = `/departments/${encodeURIComponent(DEPARTMENT)}/availability`;
  let replies;
  try {
    replies = await Promise.all([
      call("GET", "/config", undefined, { anonymous: true }),
      call("GET", availabilityPath, undefined, { anonymous: true }),
    ]);
  } catch (error) {
    if (error.status === 404) return fatal("notAllowed") ?? false;
    view.showError(t("unreachable"));
    setTimeout(init, 5000);
    return false;
  }
  state.errorText = "";
  // The loader checked this already; a page that frames chat.html by itself is refused here.
  if (!(replies[1].data.allowed_origins || []).includes(HOST)) return fatal("notAllowed") ?? false;
  state.config = replies[0].data;
  state.availability = replies[1].data;
  offline.showPrivacyLink();
  return true;
}

async function refreshIdentity() {
  if (!state.saved.token) return;
  try {
    const { data } = await call("GET", "/visitors/me");
    Object.assign(state.saved, { name: data.name, visitorId: data.visitor_id });
    saveStored(state.saved);
  } catch (error) {
    if (error.status === 401) conversation.forgetIdentity();
  }
}

async function resumeRoom() {
  const roomId = state.saved.rooms[DEPARTMENT];
  if (!roomId || !state.saved.token) return;
  try {
    const { data } = await call("GET", roomPath(roomId));
    if (data.state === "closed") conversation.forgetRoom();
    else conversation.setRoom(data);
  } catch (error) {
    if (!conversation.roomLost(error)) state.room = { room_id: roomId, state: "open", agent: null };
  }
  if (state.room) {
    outbox.showPending();
    connection.connect();
  }
}

async function init() {
  if (!(await loadConfig())) return;
  await refreshIdentity();
  view.renderIdentity();
  await resumeRoom();
  view.renderRoom();
  view.report();
  composer.sendHeld();
}

function listenToHost() {
  window.addEventListener("message", (event) => {
    if (event.origin !== HOST || event.source !== parent) return;
    if (event.data?.livechat === "open") {
      state.visible = true;
      state.unread = 0;
      view.report();
      focusInside();
    }
  });
}

// Another tab of the same site deleted the data or changed it.
function listenToOtherTabs() {
  window.addEventListener("storage", (event) => {
    if (event.key !== STORAGE_KEY) return;
    const fresh = loadStored();
    const otherIdentity = state.saved.token && fresh.token !== state.saved.token;
    state.saved = fresh;
    if (!otherIdentity) return view.renderBell();
    connection.closeSocket();
    state.room = null;
    conversation.log.clear();
    ui.messages.replaceChildren();
    view.renderIdentity();
    view.renderRoom();
    view.report();
  });
}

state.saved = loadStored();
applyStrings();
keepLastLineInView();
tools.setupTools();
offline.setup();
rating.setup();
composer.setupComposer();
files.setup();
view.renderBell();
view.renderIdentity();
view.renderRoom();
ui.card.hidden = false;
if (hostOk) {
  listenToHost();
  listenToOtherTabs();
  connection.watchConnection();
  init();
} else fatal("notAllowed");
