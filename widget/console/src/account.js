// "Mein Konto" (S4): profile picture and name; availability (the auto-away delay, S3), messages
// (desktop notifications) and sound; visual theme, adaptable layout and language. One PATCH /me
// saves it all; the shell then applies theme, density and language and shows this screen again.
import {
  addStrings,
  api,
  avatar,
  clearFormErrors,
  el,
  emit,
  on,
  playSound,
  replace,
  session,
  showFormError,
  t,
  toast,
} from "./core.js";
import { live } from "./live.js";
import { cannedManager } from "./canned.js";
import { accessSections } from "./account-access.js";
import { identitiesSection } from "./sso.js";
import { deviceNotifications } from "./device.js";

addStrings({
  de: {
    accTitle: "Mein Konto",
    accIntro:
      "Einige Einstellungen können Sie für Ihre Rolle als Chat-Agent:in nach Ihren Bedürfnissen " +
      "anpassen. Änderungen gelten, sobald Sie sie speichern.",
    accProfile: "Profil",
    accPreferences: "Einstellungen",
    accAppearance: "Barrierefreiheit & Erscheinungsbild",
    accPicture: "Profilbild",
    accPictureUpload: "Bild hochladen",
    accPictureHint: "JPEG, PNG, GIF oder WebP; es wird auf 96 × 96 Pixel verkleinert.",
    accPictureRemove: "Bild entfernen",
    accPictureCurrent: "Ihr Profilbild.",
    accPictureNone: "Kein Bild: Ihre Initialen werden gezeigt.",
    accPictureNew: "Neues Bild – es wird mit »Speichern« übernommen.",
    accPictureRemoved: "Bild entfernt – mit »Speichern« werden wieder Ihre Initialen gezeigt.",
    accPictureUnreadable: "Diese Datei kann der Browser nicht als Bild lesen.",
    accPictureTooLarge:
      "Das Bild lässt sich nicht klein genug speichern. Bitte wählen Sie ein anderes.",
    accName: "Name",
    accEmail: "E-Mail-Adresse",
    accRole: "Rolle",
    accDepartments: "Abteilungen",
    accNoDepartments: "noch keine",
    accReadOnly: "Diese Angaben ändert ein Administrator.",
    accAvailability: "Verfügbarkeit",
    accAwayAfter: "Automatisch »abwesend« nach (Minuten)",
    accAwayHint:
      "Ohne Aktivität wechselt Ihr Status nach so vielen Minuten auf »abwesend« (Standard: 5). " +
      "0 = nie: die automatische Abwesenheit ist deaktiviert. Auf den Live-Chat hat »abwesend« " +
      "keine Auswirkung, nur die Farbe ändert sich für Chat-Teilnehmende.",
    accMessages: "Nachrichten",
    accNotificationsText: "Desktop-Benachrichtigungen bei neuen Chat-Anfragen:",
    accNotificationsOn: "eingeschaltet",
    accNotificationsOff: "noch nicht erlaubt",
    accNotificationsBlocked: "im Browser blockiert – erlauben Sie sie in den Website-Einstellungen",
    accNotificationsMissing: "von diesem Browser nicht unterstützt",
    accNotificationsAsk: "Desktop-Benachrichtigungen erlauben",
    accSound: "Ton",
    accSoundOn: "Ton bei neuen Chat-Anfragen abspielen",
    accSoundTest: "Testton abspielen",
    accTheme: "Visuelles Theme",
    accTheme_light: "Hell",
    accTheme_dark: "Dunkel",
    accTheme_system: "Wie das Betriebssystem",
    accDensity: "Anpassbares Layout",
    accDensity_comfortable: "Großzügig",
    accDensity_compact: "Kompakt",
    accLanguage: "Sprache",
    accSave: "Speichern",
    accSaving: "Wird gespeichert …",
    role_agent: "Chat-Agent:in",
    role_admin: "Administrator:in",
  },
  en: {
    accTitle: "My account",
    accIntro:
      "Some settings can be adapted to your needs as a chat agent. Changes apply once you save " +
      "them.",
    accProfile: "Profile",
    accPreferences: "Preferences",
    accAppearance: "Accessibility & appearance",
    accPicture: "Profile picture",
    accPictureUpload: "Upload a picture",
    accPictureHint: "JPEG, PNG, GIF or WebP; it is scaled down to 96 × 96 pixels.",
    accPictureRemove: "Remove picture",
    accPictureCurrent: "Your profile picture.",
    accPictureNone: "No picture: your initials are shown.",
    accPictureNew: "New picture – it is used once you save.",
    accPictureRemoved: "Picture removed – once you save, your initials are shown again.",
    accPictureUnreadable: "The browser cannot read this file as a picture.",
    accPictureTooLarge: "This picture cannot be stored small enough. Please choose another one.",
    accName: "Name",
    accEmail: "Email address",
    accRole: "Role",
    accDepartments: "Departments",
    accNoDepartments: "none yet",
    accReadOnly: "An administrator changes these.",
    accAvailability: "Availability",
    accAwayAfter: "Automatically “away” after (minutes)",
    accAwayHint:
      "Without activity your status changes to “away” after this many minutes (default: 5). " +
      "0 = never: automatic away is switched off. “Away” does not affect the live chat; visitors " +
      "only see another colour.",
    accMessages: "Messages",
    accNotificationsText: "Desktop notifications for new chat requests:",
    accNotificationsOn: "on",
    accNotificationsOff: "not allowed yet",
    accNotificationsBlocked: "blocked in the browser – allow them in the site settings",
    accNotificationsMissing: "not supported by this browser",
    accNotificationsAsk: "Allow desktop notifications",
    accSound: "Sound",
    accSoundOn: "Play a sound for new chat requests",
    accSoundTest: "Play test sound",
    accTheme: "Visual theme",
    accTheme_light: "Light",
    accTheme_dark: "Dark",
    accTheme_system: "Like the operating system",
    accDensity: "Adaptable layout",
    accDensity_comfortable: "Comfortable",
    accDensity_compact: "Compact",
    accLanguage: "Language",
    accSave: "Save",
    accSaving: "Saving …",
    role_agent: "Chat agent",
    role_admin: "Administrator",
  },
});

// The API stores at most 60,000 characters; a 96 × 96 picture stays far below that.
const AVATAR_SIZE = 96;
const AVATAR_MAX_CHARS = 60000;
const THEMES = ["light", "dark", "system"];
const DENSITIES = ["comfortable", "compact"];
const LANGUAGES = [
  ["de", "Deutsch"],
  ["en", "English"],
];

// Set just before the shell re-renders this screen after a save: focus goes back to "Save".
let refocusSave = false;

export function renderAccount(main) {
  const agent = session.agent;
  const settings = agent.settings || {};
  const error = el("p", { class: "form-error", role: "alert", id: "account-error" });
  const picture = pictureField(agent, error);
  const profile = profileSection(agent, picture);
  const preferences = preferencesSection(settings);
  const appearance = appearanceSection(settings);
  const save = el("button", { type: "submit", class: "primary", id: "account-save" });
  save.textContent = t("accSave");
  const inputs = {
    name: profile.name,
    avatar: picture.file,
    ...preferences.inputs,
    ...appearance.inputs,
  };
  const form = el(
    "form",
    { class: "account-form", id: "account-form", novalidate: true },
    error,
    profile.section,
    preferences.section,
    appearance.section,
    el("div", { class: "actions account-save" }, save)
  );
  form.setAttribute("aria-labelledby", "account-title");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearFormErrors(inputs, error);
    const changes = { ...preferences.values(), ...appearance.values(), ...picture.changes() };
    await saveAccount({ name: profile.name.value.trim(), settings: changes }, save, inputs, error);
  });
  main.append(
    el("h1", { id: "account-title", text: t("accTitle") }),
    el("p", { class: "muted", text: t("accIntro") }),
    form,
    // Outside the form: each canned response is saved on its own.
    accountSection(
      "account-canned",
      t("cannedMyTitle"),
      el("p", { class: "muted", text: t("cannedMyIntro") }),
      cannedManager({
        listPath: "/me/canned-responses",
        base: "/me/canned-responses",
        idPrefix: "my-canned",
      })
    ),
    // Outside the form too: the password and the sessions change at once, not with "Save".
    ...accessSections(accountSection),
    identitiesSection() // sso.js: where institutional sign-in is offered
  );
  if (refocusSave) {
    refocusSave = false;
    save.focus();
  }
  const offDepartments = on("departments-changed", profile.showDepartments);
  return () => offDepartments();
}

async function saveAccount(changes, save, inputs, error) {
  save.disabled = true;
  save.textContent = t("accSaving");
  try {
    session.agent = await api("PATCH", "/me", changes);
    refocusSave = true;
    // The shell applies theme, density and language and shows this screen again.
    emit("agent-changed");
    toast(t("saved"));
  } catch (failure) {
    if (failure.status === 401) return; // signed out; the shell shows the sign-in screen
    // What the agent typed stays; the error stands next to the field it names.
    showFormError(failure, inputs, error);
    save.disabled = false;
    save.textContent = t("accSave");
  }
}

/** The picture: a preview, an upload (cropped and shrunk here) and "remove". */
function pictureField(agent, error) {
  let picture = agent.settings?.avatar || null; // what the form would save
  let changed = false;
  const preview = el("div", { class: "account-avatar", id: "avatar-preview" });
  const note = el("p", { class: "muted", id: "avatar-note", "aria-live": "polite" });
  const file = el("input", { id: "account-avatar", name: "avatar", type: "file" });
  file.accept = "image/*";
  file.setAttribute("aria-describedby", "account-avatar-hint");
  const remove = el("button", { type: "button", class: "secondary", id: "avatar-remove" });
  remove.textContent = t("accPictureRemove");
  const field = { file, preview, note, remove, name: agent.name };
  field.show = (text) => {
    replace(preview, avatar(field.name, picture, "large"));
    remove.hidden = !picture;
    note.textContent = text ?? (picture ? t("accPictureCurrent") : t("accPictureNone"));
  };
  field.rename = (name) => {
    field.name = name || agent.name;
    if (!picture) replace(preview, avatar(field.name, null, "large"));
  };
  field.changes = () => (changed ? { avatar: picture } : {});
  file.addEventListener("change", async () => {
    const chosen = file.files?.[0];
    if (!chosen) return;
    clearFormErrors({ avatar: file }, error);
    try {
      picture = await shrinkPicture(chosen);
      changed = true;
      field.show(t("accPictureNew"));
    } catch (failure) {
      error.textContent = failure.message; // our own words (shrinkPicture)
      file.setAttribute("aria-invalid", "true");
    }
    file.value = "";
  });
  remove.addEventListener("click", () => {
    picture = null;
    changed = true;
    field.show(t("accPictureRemoved"));
    file.focus();
  });
  field.show();
  return field;
}

function profileSection(agent, picture) {
  const name = el("input", { id: "account-name", name: "name", autocomplete: "name" });
  Object.assign(name, { maxLength: 120, value: agent.name });
  name.addEventListener("input", () => picture.rename(name.value));
  const departmentsText = el("dd", { id: "account-departments" });
  const showDepartments = () => {
    const names = (agent.departments || []).map(
      (id) => live.departments.find((d) => d.department_id === id)?.name || id
    );
    departmentsText.textContent = names.length ? names.join(", ") : t("accNoDepartments");
  };
  showDepartments();
  const pictureRow = el(
    "div",
    { class: "account-avatar-row" },
    picture.preview,
    el(
      "div",
      { class: "stack" },
      el(
        "div",
        { class: "field" },
        el("label", { for: "account-avatar", text: t("accPictureUpload") }),
        picture.file,
        el("small", { class: "hint", id: "account-avatar-hint", text: t("accPictureHint") })
      ),
      el("div", { class: "actions" }, picture.remove),
      picture.note
    )
  );
  const section = accountSection(
    "account-profile",
    t("accProfile"),
    el("fieldset", {}, el("legend", { text: t("accPicture") }), pictureRow),
    el("div", { class: "field" }, el("label", { for: "account-name", text: t("accName") }), name),
    readOnlyFacts(agent, departmentsText),
    el("p", { class: "muted", id: "account-readonly", text: t("accReadOnly") })
  );
  return { section, name, showDepartments };
}

function readOnlyFacts(agent, departmentsText) {
  return el(
    "dl",
    { class: "info", "aria-describedby": "account-readonly" },
    el("dt", { text: t("accEmail") }),
    el("dd", { id: "account-email", text: agent.email }),
    el("dt", { text: t("accRole") }),
    el("dd", { id: "account-role", text: t(`role_${agent.role}`) }),
    el("dt", { text: t("accDepartments") }),
    departmentsText
  );
}

function accountSection(id, title, ...children) {
  return el(
    "section",
    { class: "account-section", "aria-labelledby": id },
    el("h2", { id, text: title }),
    children
  );
}

function preferencesSection(settings) {
  const away = el("input", { id: "account-away", name: "away_after_minutes", type: "number" });
  Object.assign(away, { min: 0, max: 1440, step: 1 });
  away.value = String(settings.away_after_minutes ?? 5);
  away.setAttribute("aria-describedby", "account-away-hint");
  const sound = el("input", { id: "account-sound", name: "sound", type: "checkbox" });
  sound.checked = settings.sound !== false;
  const device = deviceNotifications(settings);
  const testSound = el("button", { type: "button", class: "secondary", id: "sound-test" });
  testSound.textContent = t("accSoundTest");
  testSound.addEventListener("click", () => playSound());
  const section = accountSection(
    "account-preferences",
    t("accPreferences"),
    el(
      "fieldset",
      {},
      el("legend", { text: t("accAvailability") }),
      el(
        "div",
        { class: "field" },
        el("label", { for: "account-away", text: t("accAwayAfter") }),
        away,
        el("small", { class: "hint", id: "account-away-hint", text: t("accAwayHint") })
      )
    ),
    notificationsFieldset(),
    device.fieldset,
    el(
      "fieldset",
      {},
      el("legend", { text: t("accSound") }),
      el("div", { class: "checks" }, el("label", { for: "account-sound" }, sound, t("accSoundOn"))),
      el("div", { class: "actions account-line" }, testSound)
    )
  );
  const values = () => ({
    away_after_minutes: numberOrText(away),
    sound: sound.checked,
    push_previews: device.previews.checked,
  });
  return {
    section,
    inputs: { away_after_minutes: away, sound, push_previews: device.previews },
    values,
  };
}

/** Desktop notifications: their state in this browser, and the button that asks for them. */
function notificationsFieldset() {
  const state = el("span", { id: "notification-state" });
  const ask = el("button", { type: "button", class: "secondary", id: "notification-ask" });
  ask.textContent = t("accNotificationsAsk");
  const show = () => {
    if (!("Notification" in window)) {
      state.textContent = t("accNotificationsMissing");
      ask.hidden = true;
      return;
    }
    const permission = Notification.permission;
    const key = { granted: "accNotificationsOn", denied: "accNotificationsBlocked" }[permission];
    state.textContent = t(key || "accNotificationsOff");
    ask.hidden = permission !== "default";
  };
  const line = el(
    "p",
    { class: "account-line", id: "notification-line", tabindex: "-1", "aria-live": "polite" },
    t("accNotificationsText"),
    " ",
    state
  );
  ask.addEventListener("click", async () => {
    try {
      await Notification.requestPermission();
    } finally {
      show();
      // The button is gone once the browser has an answer: focus stays near it.
      if (ask.hidden) line.focus();
    }
  });
  show();
  return el(
    "fieldset",
    {},
    el("legend", { text: t("accMessages") }),
    line,
    el("div", { class: "actions" }, ask)
  );
}

function appearanceSection(settings) {
  const choices = (name, values) => values.map((value) => [value, t(`acc${name}_${value}`)]);
  const theme = radios("theme", choices("Theme", THEMES), settings.theme || "system");
  const density = radios(
    "density",
    choices("Density", DENSITIES),
    settings.density || "comfortable"
  );
  const language = radios("language", LANGUAGES, settings.language || session.lang, true);
  const group = (legend, radio) =>
    el("fieldset", {}, el("legend", { text: t(legend) }), radio.group);
  const section = accountSection(
    "account-appearance",
    t("accAppearance"),
    group("accTheme", theme),
    group("accDensity", density),
    group("accLanguage", language)
  );
  const values = () => ({
    theme: theme.value(),
    density: density.value(),
    language: language.value(),
  });
  const inputs = { theme: theme.first, density: density.first, language: language.first };
  return { section, inputs, values };
}

/** A group of radio buttons; `value()` is the chosen one. */
function radios(name, choices, current, withLang = false) {
  const inputs = choices.map(([value]) =>
    el("input", {
      type: "radio",
      name,
      value,
      id: `account-${name}-${value}`,
      checked: value === current,
    })
  );
  const group = el(
    "div",
    { class: "checks" },
    choices.map(([value, label], index) =>
      el(
        "label",
        { for: `account-${name}-${value}`, lang: withLang ? value : undefined },
        inputs[index],
        label
      )
    )
  );
  return {
    group,
    first: inputs.find((input) => input.checked) || inputs[0],
    value: () => (inputs.find((input) => input.checked) || inputs[0]).value,
  };
}

/** A number field's number; what was typed otherwise, so that the server names the field. */
function numberOrText(input) {
  return Number.isFinite(input.valueAsNumber) ? input.valueAsNumber : input.value;
}

/** The picture, cropped to a square and scaled to at most 96 × 96, as a data URL. */
async function shrinkPicture(file) {
  let image;
  try {
    image = await loadImage(file);
  } catch {
    throw new Error(t("accPictureUnreadable"));
  }
  const width = image.naturalWidth || image.width;
  const height = image.naturalHeight || image.height;
  if (!width || !height) throw new Error(t("accPictureUnreadable"));
  const side = Math.min(width, height);
  const size = Math.min(AVATAR_SIZE, side);
  const canvas = document.createElement("canvas");
  canvas.width = size;
  canvas.height = size;
  const context = canvas.getContext("2d");
  const draw = (background) => {
    context.clearRect(0, 0, size, size);
    if (background) {
      context.fillStyle = background;
      context.fillRect(0, 0, size, size);
    }
    context.drawImage(image, (width - side) / 2, (height - side) / 2, side, side, 0, 0, size, size);
  };
  // PNG keeps transparency; when it is too long, JPEG (on white) in falling qualities.
  draw(null);
  let url = canvas.toDataURL("image/png");
  if (url.length <= AVATAR_MAX_CHARS) return url;
  draw("#ffffff");
  for (const quality of [0.9, 0.8, 0.6, 0.4]) {
    url = canvas.toDataURL("image/jpeg", quality);
    if (url.length <= AVATAR_MAX_CHARS) return url;
  }
  throw new Error(t("accPictureTooLarge"));
}

function loadImage(file) {
  return new Promise((resolve, reject) => {
    const url = URL.createObjectURL(file);
    const image = new Image();
    image.onload = () => {
      URL.revokeObjectURL(url);
      resolve(image);
    };
    image.onerror = () => {
      URL.revokeObjectURL(url);
      reject(new Error("unreadable"));
    };
    image.src = url;
  });
}
