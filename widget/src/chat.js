// The visitor's chat window (S11, S15, S18–S21, S26), in an iframe on the chat's own origin.
// Its parts live in chat/: context (fragment, texts, elements, state), storage, view,
// conversation (room, messages, resume), connection (socket), sending and tools.
import { connect, watchConnection, closeSocket } from "./chat/connection.js";
import { call, DEPARTMENT, HOST, hostOk, roomPath, state, t, ui } from "./chat/context.js";
import { forgetIdentity, forgetRoom, log, roomLost, setRoom } from "./chat/conversation.js";
import { sendHeld, setupComposer, showPending } from "./chat/sending.js";
import { loadStored, saveStored, STORAGE_KEY } from "./chat/storage.js";
import { focusInside, setupTools } from "./chat/tools.js";
import {
  applyStrings,
  renderBell,
  renderIdentity,
  keepLastLineInView,
  renderRoom,
  report,
  showError,
} from "./chat/view.js";

function fatal(key) {
  state.fatalText = t(key);
  renderRoom();
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
    showError(t("unreachable"));
    setTimeout(init, 5000);
    return false;
  }
  state.errorText = "";
  // The loader checked this already; a page that frames chat.html by itself is refused here.
  if (!(replies[1].data.allowed_origins || []).includes(HOST)) return fatal("notAllowed") ?? false;
  state.config = replies[0].data;
  return true;
}

async function refreshIdentity() {
  if (!state.saved.token) return;
  try {
    const { data } = await call("GET", "/visitors/me");
    Object.assign(state.saved, { name: data.name, visitorId: data.visitor_id });
    saveStored(state.saved);
  } catch (error) {
    if (error.status === 401) forgetIdentity();
  }
}

async function resumeRoom() {
  const roomId = state.saved.rooms[DEPARTMENT];
  if (!roomId || !state.saved.token) return;
  try {
    const { data } = await call("GET", roomPath(roomId));
    if (data.state === "closed") forgetRoom();
    else setRoom(data);
  } catch (error) {
    if (!roomLost(error)) state.room = { room_id: roomId, state: "open", agent: null };
  }
  if (state.room) {
    showPending();
    connect();
  }
}

async function init() {
  if (!(await loadConfig())) return;
  await refreshIdentity();
  renderIdentity();
  await resumeRoom();
  renderRoom();
  report();
  sendHeld();
}

function listenToHost() {
  window.addEventListener("message", (event) => {
    if (event.origin !== HOST || event.source !== parent) return;
    if (event.data?.livechat === "open") {
      state.visible = true;
      state.unread = 0;
      report();
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
    if (!otherIdentity) return renderBell();
    closeSocket();
    state.room = null;
    log.clear();
    ui.messages.replaceChildren();
    renderIdentity();
    renderRoom();
    report();
  });
}

state.saved = loadStored();
applyStrings();
keepLastLineInView();
setupTools();
setupComposer();
renderBell();
renderIdentity();
renderRoom();
ui.card.hidden = false;
if (hostOk) {
  listenToHost();
  listenToOtherTabs();
  watchConnection();
  init();
} else fatal("notAllowed");
