// What every screen of the console shares: the API client, the strings, DOM building (user
// text only ever as text nodes), dialogs, the live region, and an event bus for socket events.
import { ApiError, request } from "../../common/api.js";
import { errorText as commonErrorText, fieldOf } from "../../common/errors.js";
import { newClientId as newId } from "../../common/ids.js";
import { playSound } from "../../common/sound.js";

import { ruleText } from "./field-rules.js";
import { germanPasswordFeedback } from "./password-feedback.js";

const dictionaries = { de: {}, en: {} };

export const session = {
  api: `${location.origin}/api`,
  wsUrl: "",
  maxMessageLength: 2000,
  maxUploadBytes: 0,
  uploadTypes: [],
  token: localStorage.getItem("livechat-console:token") || "",
  agent: null,
  lang: "de",
};

// Every screen adds its texts to one dictionary: a key that two screens give different texts
// would silently show one screen's text on the other, so it fails at once (in every test).
export function addStrings(strings) {
  for (const lang of Object.keys(dictionaries)) {
    for (const [key, text] of Object.entries(strings[lang] || {})) {
      if (key in dictionaries[lang] && dictionaries[lang][key] !== text)
        throw new Error(`console text "${key}" (${lang}) is defined twice`);
      dictionaries[lang][key] = text;
    }
  }
}

export function t(key, values = {}) {
  const text = dictionaries[session.lang][key] ?? dictionaries.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
}

export function pickLanguage(preferred) {
  if (preferred === "de" || preferred === "en") return preferred;
  const stored = localStorage.getItem("livechat-console:lang");
  if (stored === "de" || stored === "en") return stored;
  return (navigator.language || "de").toLowerCase().startsWith("en") ? "en" : "de";
}

export function setLanguage(lang) {
  session.lang = lang;
  localStorage.setItem("livechat-console:lang", lang);
  document.documentElement.lang = lang;
}

// ---- the bus ---------------------------------------------------------------------------------

const listeners = new Map();

export function on(type, listener) {
  if (!listeners.has(type)) listeners.set(type, new Set());
  listeners.get(type).add(listener);
  return () => listeners.get(type).delete(listener);
}

export function emit(type, payload) {
  for (const listener of [...(listeners.get(type) || [])]) {
    try {
      listener(payload);
    } catch (error) {
      console.error(error);
    }
  }
}

// ---- the API ---------------------------------------------------------------------------------

export { ApiError };

/** The answer's JSON (null for 204); an ApiError otherwise, after a 401 also "signed-out". */
export async function api(method, path, body) {
  const headers = session.token ? { Authorization: `Bearer ${session.token}` } : {};
  try {
    return (await request(session.api + path, { method, headers, body })).data;
  } catch (error) {
    if (error.status === 401 && session.token) emit("signed-out", { expired: true });
    throw error;
  }
}

/** Every page of a listing that answers `{<key>: [...], next}`. */
export async function apiAll(path, key) {
  const found = [];
  let next = null;
  do {
    const separator = path.includes("?") ? "&" : "?";
    const page = await api(
      "GET",
      next ? `${path}${separator}next=${encodeURIComponent(next)}` : path
    );
    found.push(...page[key]);
    next = page.next;
  } while (next);
  return found;
}

// ---- DOM -------------------------------------------------------------------------------------

/** el("button", {class: "x", onclick: f, "aria-label": "…"}, "text", child, …) */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else if (name in node && typeof value !== "string") node[name] = value;
    else node.setAttribute(name, value === true ? "" : value);
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function replace(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

/** An inline SVG icon from the sprite in index.html. */
export function icon(name) {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("class", `icon icon-${name}`);
  svg.setAttribute("aria-hidden", "true");
  const use = document.createElementNS("http://www.w3.org/2000/svg", "use");
  use.setAttribute("href", `#i-${name}`);
  svg.append(use);
  return svg;
}

export function announce(text) {
  const region = document.getElementById("announce");
  region.textContent = "";
  // A fresh text node in a later task makes screen readers read it even when it repeats.
  setTimeout(() => {
    region.textContent = text;
  }, 30);
}

let toastTimer = 0;
/** A short message at the bottom; errors stay until dismissed or replaced. */
export function toast(text, kind = "info") {
  const box = document.getElementById("toast");
  replace(
    box,
    el("span", { text }),
    el(
      "button",
      { type: "button", class: "link", onclick: () => (box.hidden = true) },
      t("dismiss")
    )
  );
  box.className = `toast toast-${kind}`;
  box.setAttribute("role", kind === "error" ? "alert" : "status");
  box.hidden = false;
  clearTimeout(toastTimer);
  if (kind !== "error") toastTimer = setTimeout(() => (box.hidden = true), 5000);
}

/** An error for people, in the console's language, from its code (never the server's words). */
export function errorText(error) {
  if (!error?.code) return t("failed");
  const text = commonErrorText(error, session.lang);
  return error.code === "weak_password" && session.lang === "de"
    ? germanPasswordFeedback(text)
    : text;
}

export function showError(error) {
  // A 401 has already led back to the sign-in screen, which says why.
  if (error instanceof ApiError && error.status === 401) return;
  toast(errorText(error), "error");
}

/** A form field: the label for `input` (given `id`), and the `hint` under it that describes it. */
export function field(id, label, input, hint) {
  input.id = id;
  if (hint) input.setAttribute("aria-describedby", `${id}-hint`);
  return el(
    "div",
    { class: "field" },
    el("label", { for: id, text: label }),
    input,
    hint && el("small", { class: "hint", id: `${id}-hint`, text: hint })
  );
}

/**
 * A failed form: the error next to the input it names (marked invalid and focused), else in
 * `box`. `inputs` maps the API's field names to inputs.
 */
export function showFormError(failure, inputs, box) {
  clearFormErrors(inputs, box);
  const name = fieldOf(failure);
  const input = inputs[name];
  if (!input) {
    box.textContent = errorText(failure);
    return null;
  }
  const note = el("span", {
    class: "field-error",
    id: `${input.id}-error`,
    text: ruleText(failure, name, input, session.lang) || errorText(failure),
  });
  input.setAttribute("aria-invalid", "true");
  describedBy(input, (ids) => [...ids, note.id]);
  (input.closest(".field, fieldset") || input.parentNode).append(note);
  // The error is about what was there: changing the field takes it away.
  const clear = () => clearFieldError(input);
  input.addEventListener("input", clear, { once: true });
  input.addEventListener("change", clear, { once: true });
  input.focus();
  return input;
}

/** One field's error away. Looked up beside the field, not in the document: a dialog that opens
 * again with the same fields has them out of the document meanwhile. */
function clearFieldError(input) {
  input.removeAttribute("aria-invalid");
  describedBy(input, (ids) => ids.filter((id) => id !== `${input.id}-error`));
  const holder = input.closest(".field, fieldset") || input.parentNode;
  for (const note of holder?.querySelectorAll(".field-error") || []) {
    if (note.id === `${input.id}-error`) note.remove();
  }
}

export function clearFormErrors(inputs, box) {
  box.textContent = "";
  for (const input of Object.values(inputs)) if (input) clearFieldError(input);
}

function describedBy(input, change) {
  const ids = change((input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean));
  if (ids.length) input.setAttribute("aria-describedby", ids.join(" "));
  else input.removeAttribute("aria-describedby");
}

/** A modal dialog (native <dialog>): resolves with the value of the button pressed, or null. */
export function dialog({ title, body = [], actions }) {
  return new Promise((resolve) => {
    const titleId = `dialog-title-${Math.random().toString(36).slice(2)}`;
    const box = el(
      "dialog",
      { class: "dialog", "aria-labelledby": titleId },
      el("h2", { id: titleId, text: title }),
      el("div", { class: "dialog-body" }, body),
      el(
        "div",
        { class: "dialog-actions" },
        actions.map((action) =>
          el("button", {
            type: "button",
            id: action.id,
            class: action.kind || "secondary",
            text: action.label,
            onclick: () => close(action.value),
          })
        )
      )
    );
    let settled = false;
    function close(value) {
      if (settled) return;
      settled = true;
      box.close();
      box.remove();
      resolve(value);
    }
    box.addEventListener("cancel", (event) => {
      event.preventDefault();
      close(null);
    });
    document.body.append(box);
    box.showModal();
  });
}

export async function confirmDialog(title, text, confirmLabel, kind = "danger") {
  const answer = await dialog({
    title,
    body: [el("p", { text })],
    actions: [
      { label: t("cancel"), value: false },
      { label: confirmLabel, value: true, kind },
    ],
  });
  return answer === true;
}

/**
 * A dialog with a form: it opens again with what was typed and the server's message (which names
 * the field) until `submit` succeeds or the user cancels. `submit` returns the answer, or throws.
 */
export async function formDialog({ title, body, confirm, inputs, submit }) {
  const error = el("p", { class: "form-error", role: "alert" });
  let invalid = null;
  for (;;) {
    const pending = dialog({
      title,
      body: [error, ...body],
      actions: [
        { label: t("cancel"), value: false },
        { label: confirm, value: true, kind: "primary" },
      ],
    });
    if (invalid) invalid.focus();
    if (!(await pending)) return null;
    try {
      return await submit();
    } catch (failure) {
      if (failure.status !== 400 && failure.status !== 409) throw failure;
      // Shown again with the error next to the field it names, or above the fields.
      invalid = showFormError(failure, inputs, error);
    }
  }
}

// ---- formats ---------------------------------------------------------------------------------

const locale = () => (session.lang === "de" ? "de-DE" : "en-GB");

export function formatTime(iso) {
  return iso
    ? new Date(iso).toLocaleTimeString(locale(), { hour: "2-digit", minute: "2-digit" })
    : "";
}

export function formatDateTime(iso) {
  return iso
    ? new Date(iso).toLocaleString(locale(), { dateStyle: "medium", timeStyle: "short" })
    : "–";
}

/** A client_id for a send (the chat window's start with "v-"). */
export const newClientId = () => newId("c");

/** Initials of a name for the avatar when there is no picture. */
export function initials(name) {
  const parts = String(name || "?")
    .trim()
    .split(/\s+/);
  return (
    firstCharacter(parts[0]) + (parts.length > 1 ? firstCharacter(parts[parts.length - 1]) : "")
  ).toUpperCase();
}

// What people see as one character: an emoji (with its skin tone or joined family) is several
// UTF-16 units, and half of one draws as a broken box.
const graphemes = Intl.Segmenter ? new Intl.Segmenter() : null;
function firstCharacter(word) {
  if (graphemes) return graphemes.segment(word)[Symbol.iterator]().next().value?.segment ?? "";
  return [...word][0] ?? "";
}

export function avatar(name, picture, size = "small") {
  if (picture) return el("img", { class: `avatar avatar-${size}`, src: picture, alt: "" });
  return el("span", {
    class: `avatar avatar-${size}`,
    "aria-hidden": "true",
    text: initials(name),
  });
}

// ---- the agent's settings, applied to the whole page ----------------------------------------

const darkSystem = window.matchMedia("(prefers-color-scheme: dark)");
let chosenTheme = "system";

/** The colours in use: the chosen theme, or the system's for "system" (followed live). */
function applyScheme() {
  const dark = chosenTheme === "dark" || (chosenTheme === "system" && darkSystem.matches);
  document.documentElement.dataset.scheme = dark ? "dark" : "light";
}
darkSystem.addEventListener("change", applyScheme);

/** Theme, density and language from the agent's settings (S4). */
export function applySettings(settings) {
  const root = document.documentElement;
  chosenTheme = settings.theme || "system";
  root.dataset.theme = chosenTheme;
  applyScheme();
  root.dataset.density = settings.density || "comfortable";
  setLanguage(pickLanguage(settings.language));
}

export { playSound };
