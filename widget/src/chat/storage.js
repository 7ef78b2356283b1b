// The visitor's identity and open chats in this origin's localStorage (never a cookie): the same
// Guest-N and conversation come back after a reload until the visitor deletes their data.
// Tokens are kept per API: a page that passes another API base never sees this one's token.
import { API } from "./context.js";

export const STORAGE_KEY = `livechat:${API}`;

export function normalise(value) {
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

export function loadStored() {
  try {
    return normalise(JSON.parse(localStorage.getItem(STORAGE_KEY)));
  } catch {
    return normalise(null);
  }
}

export function saveStored(saved) {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(saved));
  } catch {
    // Storage blocked: the chat still works for this page view.
  }
}

export function clearStored() {
  try {
    localStorage.removeItem(STORAGE_KEY);
  } catch {
    // nothing stored
  }
}
