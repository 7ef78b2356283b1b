// "Mein Konto": the password and where the account is signed in. Changing the password (PUT
// /me/password) signs out every other session; the list (GET /me/sessions) names each device
// from its browser's User-Agent, and each other session can be signed out (DELETE
// /me/sessions/{id}), one at a time or all at once.
import {
  addStrings,
  api,
  clearFormErrors,
  el,
  formatDateTime,
  replace,
  showError,
  showFormError,
  t,
  toast,
} from "./core.js";

addStrings({
  de: {
    accPasswordTitle: "Passwort ändern",
    accPasswordIntro:
      "Nach der Änderung bleiben Sie nur auf diesem Gerät angemeldet; alle anderen werden " +
      "abgemeldet.",
    accPasswordCurrent: "Aktuelles Passwort",
    accPasswordNew: "Neues Passwort",
    accPasswordRepeat: "Neues Passwort wiederholen",
    accPasswordSubmit: "Passwort ändern",
    accPasswordChanging: "Wird geändert …",
    accPasswordChanged: "Ihr Passwort ist geändert. Alle anderen Geräte sind abgemeldet.",
    accSessionsTitle: "Angemeldet auf",
    accSessionsIntro:
      "Hier sind Sie angemeldet. Kennen Sie ein Gerät nicht, melden Sie es ab und ändern Sie " +
      "Ihr Passwort.",
    accSessionsThis: "dieses Gerät",
    accSessionsSince: "Angemeldet: {time}",
    accSessionsSeen: "Zuletzt aktiv: {time}",
    accSessionsEnd: "Abmelden",
    accSessionsEndLabel: "{device} abmelden (angemeldet: {time})",
    accSessionsEndOthers: "Überall sonst abmelden",
    accSessionsEnded: "{device} ist abgemeldet.",
    accSessionsAllEnded: "Alle anderen Geräte sind abgemeldet.",
    accSessionsOnlyThis: "Sie sind nur auf diesem Gerät angemeldet.",
    accDevice: "{browser} unter {os}",
    accDeviceBrowser: "{browser}",
    accDeviceSystem: "Browser unter {os}",
    accDeviceUnknown: "Unbekanntes Gerät",
  },
  en: {
    accPasswordTitle: "Change password",
    accPasswordIntro:
      "After the change you stay signed in on this device only; every other one is signed out.",
    accPasswordCurrent: "Current password",
    accPasswordNew: "New password",
    accPasswordRepeat: "Repeat the new password",
    accPasswordSubmit: "Change password",
    accPasswordChanging: "Changing …",
    accPasswordChanged: "Your password is changed. Every other device is signed out.",
    accSessionsTitle: "Where you are signed in",
    accSessionsIntro:
      "You are signed in here. If you do not know a device, sign it out and change your " +
      "password.",
    accSessionsThis: "this device",
    accSessionsSince: "Signed in: {time}",
    accSessionsSeen: "Last active: {time}",
    accSessionsEnd: "Sign out",
    accSessionsEndLabel: "Sign out {device} (signed in: {time})",
    accSessionsEndOthers: "Sign out everywhere else",
    accSessionsEnded: "{device} is signed out.",
    accSessionsAllEnded: "Every other device is signed out.",
    accSessionsOnlyThis: "You are signed in on this device only.",
    accDevice: "{browser} on {os}",
    accDeviceBrowser: "{browser}",
    accDeviceSystem: "Browser on {os}",
    accDeviceUnknown: "Unknown device",
  },
});

// Checked in this order: Edge and Opera say "Chrome" too, Chrome says "Safari", iPhones say
// "like Mac OS X".
const BROWSERS = [
  [/Edg(e|A|iOS)?\//, "Edge"],
  [/OPR\/|Opera/, "Opera"],
  [/SamsungBrowser\//, "Samsung Internet"],
  [/Firefox\/|FxiOS\//, "Firefox"],
  [/Chrome\/|CriOS\/|Chromium\//, "Chrome"],
  [/Version\/[\d.]+.*Safari\//, "Safari"],
];
const SYSTEMS = [
  [/Windows/, "Windows"],
  [/iPhone|iPad|iPod/, "iOS"],
  [/Android/, "Android"],
  [/CrOS/, "ChromeOS"],
  [/Mac OS X|Macintosh/, "macOS"],
  [/Linux|X11/, "Linux"],
];

/** A device in words from a User-Agent ("Chrome unter Linux"). */
export function deviceName(userAgent) {
  const found = (list) => list.find(([pattern]) => pattern.test(userAgent || ""))?.[1];
  const browser = found(BROWSERS);
  const os = found(SYSTEMS);
  if (browser && os) return t("accDevice", { browser, os });
  if (browser) return t("accDeviceBrowser", { browser });
  if (os) return t("accDeviceSystem", { os });
  return t("accDeviceUnknown");
}

/** "Passwort ändern" and "Angemeldet auf", each a section of the account screen. */
export function accessSections(section) {
  const sessions = sessionsSection(section);
  const password = passwordSection(section, sessions.refresh);
  return [password, sessions.element];
}

function passwordSection(section, changed) {
  const input = (id, name, autocomplete) =>
    el("input", { id, name, type: "password", autocomplete, required: true });
  const current = input("password-current", "current", "current-password");
  const fresh = input("password-new", "new", "new-password");
  fresh.setAttribute("aria-describedby", "password-new-hint");
  fresh.minLength = 12;
  const repeat = input("password-repeat", "repeat", "new-password");
  const error = el("p", { class: "form-error", role: "alert", id: "password-error" });
  const done = el("p", { class: "muted", role: "status", id: "password-done" });
  const submit = el("button", { type: "submit", class: "primary", id: "password-submit" });
  submit.textContent = t("accPasswordSubmit");
  const inputs = { current, new: fresh, repeat };
  const field = (label, control, hint) =>
    el(
      "div",
      { class: "field" },
      el("label", { for: control.id, text: label }),
      control,
      hint && el("small", { class: "hint", id: `${control.id}-hint`, text: hint })
    );
  const form = el(
    "form",
    { class: "account-form", id: "password-form", novalidate: true },
    error,
    field(t("accPasswordCurrent"), current),
    // The registration's rules, in its words: its hint here, its refusal (weak_password) below.
    field(t("accPasswordNew"), fresh, t("passwordHint")),
    field(t("accPasswordRepeat"), repeat),
    el("div", { class: "actions" }, submit),
    done
  );
  form.setAttribute("aria-labelledby", "account-password");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearFormErrors(inputs, error);
    done.textContent = "";
    if (fresh.value !== repeat.value) {
      showFormError({ code: "passwords_differ", field: "repeat" }, inputs, error);
      return;
    }
    submit.disabled = true;
    submit.textContent = t("accPasswordChanging");
    try {
      await api("PUT", "/me/password", { current: current.value, new: fresh.value });
      for (const each of Object.values(inputs)) each.value = "";
      done.textContent = t("accPasswordChanged");
      toast(t("accPasswordChanged"));
      changed();
    } catch (failure) {
      if (failure.status !== 401) showFormError(failure, inputs, error);
    } finally {
      submit.disabled = false;
      submit.textContent = t("accPasswordSubmit");
    }
  });
  return section(
    "account-password",
    t("accPasswordTitle"),
    el("p", { class: "muted", text: t("accPasswordIntro") }),
    form
  );
}

function sessionsSection(section) {
  const list = el("ul", { class: "session-list", id: "session-list", "aria-busy": "true" });
  const status = el("p", { class: "muted", role: "status", id: "sessions-status" });
  const endOthers = el("button", { type: "button", class: "secondary", id: "sessions-end-others" });
  endOthers.textContent = t("accSessionsEndOthers");
  endOthers.hidden = true;
  const element = section(
    "account-sessions",
    t("accSessionsTitle"),
    el("p", { class: "muted", text: t("accSessionsIntro") }),
    list,
    el("div", { class: "actions" }, endOthers),
    status
  );
  // Where the focus goes when the button it was on leaves with its session.
  const heading = element.querySelector("h2");
  heading.tabIndex = -1;
  const view = { list, status, endOthers, others: [] };
  view.refresh = () => showSessions(view);
  /** Sign out these sessions; then the list again, `done` in the status line. */
  view.end = async (sessions, done) => {
    try {
      for (const session of sessions) {
        await api("DELETE", `/me/sessions/${encodeURIComponent(session.session_id)}`).catch(
          (failure) => {
            // Signed out elsewhere meanwhile: it is gone all the same.
            if (failure.code !== "session_not_found") throw failure;
          }
        );
      }
    } catch (failure) {
      showError(failure);
      return false;
    }
    await view.refresh();
    status.textContent = done;
    heading.focus();
    return true;
  };
  endOthers.addEventListener("click", async () => {
    endOthers.disabled = true;
    await view.end(view.others, t("accSessionsAllEnded"));
    endOthers.disabled = false;
  });
  view.refresh();
  return { element, refresh: view.refresh };
}

async function showSessions(view) {
  view.list.setAttribute("aria-busy", "true");
  try {
    const { sessions } = await api("GET", "/me/sessions");
    view.others = sessions.filter((s) => !s.current);
    replace(
      view.list,
      sessions.map((session) => sessionItem(session, view))
    );
    view.endOthers.hidden = view.others.length === 0;
    if (!view.others.length) view.status.textContent = t("accSessionsOnlyThis");
  } catch (failure) {
    showError(failure);
  } finally {
    view.list.removeAttribute("aria-busy");
  }
}

function sessionItem(session, view) {
  const device = deviceName(session.user_agent);
  const since = formatDateTime(session.created_at);
  const item = el(
    "li",
    { class: "session", "data-session": session.session_id },
    el(
      "div",
      { class: "session-what" },
      el("strong", { text: device }),
      session.current && el("span", { class: "session-this", text: t("accSessionsThis") }),
      el("span", { class: "muted", text: t("accSessionsSince", { time: since }) }),
      el("span", {
        class: "muted",
        text: t("accSessionsSeen", { time: formatDateTime(session.last_seen_at) }),
      })
    )
  );
  if (!session.current) {
    const end = el("button", {
      type: "button",
      class: "secondary",
      text: t("accSessionsEnd"),
      "aria-label": t("accSessionsEndLabel", { device, time: since }),
      onclick: async () => {
        end.disabled = true;
        if (!(await view.end([session], t("accSessionsEnded", { device })))) end.disabled = false;
      },
    });
    item.append(end);
  }
  return item;
}
