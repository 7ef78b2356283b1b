// What the chat window knows from the start: the fragment the loader passed, its texts, its
// elements, and the shape of its state (chat.js makes the one state object and hands it to the
// parts that read or change it).
import { request } from "../../common/api.js";
import { STRINGS } from "../strings.js";

const params = new URLSearchParams(location.hash.slice(1));
export const DEPARTMENT = params.get("d") || "";
export const LANG = params.get("l") === "de" ? "de" : "en";
export const API = (params.get("a") || `${location.origin}/api`).replace(/\/+$/, "");
export const HOST = params.get("o") || "";

// Only inside a frame of the page the loader named (postMessage goes to HOST only).
export const hostOk =
  Boolean(HOST) &&
  window.parent !== window &&
  (!location.ancestorOrigins || location.ancestorOrigins[0] === HOST);

export const newState = () => ({
  saved: null, // token, guest name, rooms, mute setting, unconfirmed sends (storage)
  config: null, // GET /config
  availability: null, // the department's: whether a message can be left, its privacy notice
  room: null, // the visitor's room in this department (the API's Room), or null
  historyLoaded: false, // later messages are new: sound, unread, announcement
  previewing: false,
  // The newest system line's seq, and whether it said that nobody can answer now (the chat
  // is queued then, but "please wait in the queue" would contradict that line).
  lastSystemSeq: 0,
  nobodyAnswers: false,
  visible: true, // the window is shown, not minimised
  unread: 0,
  starting: false,
  errorText: "",
  fatalText: "",
});

/** The room is queued or open: the chat goes on. */
export const isActive = (room) => Boolean(room) && room.state !== "closed";

export function t(key, values = {}) {
  return STRINGS[LANG][key].replace(/\{(\w+)\}/g, (_, name) => values[name] ?? "");
}

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** `call(method, path, body, {anonymous})`: the API, with the visitor's token unless `anonymous`. */
export function apiCaller(state) {
  return (method, path, body, { anonymous = false } = {}) => {
    const headers = {};
    if (state.saved.token && !anonymous) headers["X-Visitor-Token"] = state.saved.token;
    return request(API + path, { method, headers, body, cache: "no-store", credentials: "omit" });
  };
}

export const roomPath = (roomId, rest = "") => `/rooms/${encodeURIComponent(roomId)}${rest}`;

const $ = (id) => document.getElementById(id);
export const ui = Object.fromEntries(
  [
    "card",
    "tagline",
    "agent",
    "agent-dot",
    "agent-label",
    "bell",
    "options",
    "menu",
    "end-chat",
    "trash",
    "minimise",
    "notice",
    "log-area",
    "welcome",
    "messages",
    "typing",
    "composer",
    "text",
    "emoji",
    "emoji-panel",
    "attach",
    "file",
    "upload",
    "upload-progress",
    "upload-cancel",
    "ended",
    "restart",
    "rate-chat",
    "rating",
    "stars",
    "rating-comment",
    "rating-send",
    "rating-later",
    "rating-thanks",
    "identity",
    "privacy",
    "privacy-text",
    "privacy-actions",
    "delete-data",
    "privacy-back",
    "confirm",
    "delete-yes",
    "delete-no",
    "gone",
    "gone-title",
    "gone-restart",
    "end-sheet",
    "end-yes",
    "end-no",
    "end-download",
    "ended-download",
    "announce",
    "mail-transcript",
    "privacy-line",
    "privacy-link",
    "leave",
    "leave-text",
    "leave-email",
    "leave-name",
    "leave-send",
    "transcript-sheet",
    "transcript-form",
    "transcript-email",
    "transcript-send",
    "transcript-back",
    "transcript-result",
  ].map((id) => [id.replace(/-(\w)/g, (_, letter) => letter.toUpperCase()), $(id)])
);
ui.bar = document.querySelector(".bar");
ui.compose = document.querySelector(".compose");
