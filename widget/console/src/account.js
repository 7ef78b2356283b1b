// "Mein Konto" (S4): profile picture and name; availability (the auto-away delay, S3), messages
// (desktop notifications) and sound; visual theme, adaptable layout and language. One PATCH /me
// saves it all; the shell then applies theme, density and language and shows this screen again.
import {
  addStrings,
  api,
  avatar,
  el,
  emit,
  on,
  playSound,
  replace,
  session,
  t,
  toast,
} from "./core.js";
import { live } from "./live.js";

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
  let picture = settings.avatar || null; // what the form would save
  let pictureChanged = false;

  const error = el("p", { class: "form-error", role: "alert", id: "account-error" });

  // ---- profile --------------------------------------------------------------------------------
  const name = el("input", {
    id: "account-name",
    name: "name",
    autocomplete: "name",
    maxLength: 120,
    value: agent.name,
  });
  const preview = el("div", { class: "account-avatar", id: "avatar-preview" });
  const pictureNote = el("p", { class: "muted", id: "avatar-note", "aria-live": "polite" });
  const file = el("input", {
    id: "account-avatar",
    name: "avatar",
    type: "file",
    accept: "image/*",
    "aria-describedby": "account-avatar-hint",
  });
  const removePicture = el("button", {
    type: "button",
    class: "secondary",
    id: "avatar-remove",
    text: t("accPictureRemove"),
  });
  const showPicture = (note) => {
    replace(preview, avatar(name.value || agent.name, picture, "large"));
    removePicture.hidden = !picture;
    pictureNote.textContent = note ?? (picture ? t("accPictureCurrent") : t("accPictureNone"));
  };
  name.addEventListener("input", () => {
    if (!picture) replace(preview, avatar(name.value || agent.name, null, "large"));
  });
  file.addEventListener("change", async () => {
    const chosen = file.files && file.files[0];
    if (!chosen) return;
    error.textContent = "";
    file.removeAttribute("aria-invalid");
    try {
      picture = await shrinkPicture(chosen);
      pictureChanged = true;
      showPicture(t("accPictureNew"));
    } catch (failure) {
      error.textContent = failure.message;
      file.setAttribute("aria-invalid", "true");
    }
    file.value = "";
  });
  removePicture.addEventListener("click", () => {
    picture = null;
    pictureChanged = true;
    showPicture(t("accPictureRemoved"));
    file.focus();
  });
  showPicture();

  const departmentsText = el("dd", { id: "account-departments" });
  const showDepartments = () => {
    const names = (agent.departments || []).map(
      (id) => live.departments.find((d) => d.department_id === id)?.name || id
    );
    departmentsText.textContent = names.length ? names.join(", ") : t("accNoDepartments");
  };
  showDepartments();

  // ---- preferences ----------------------------------------------------------------------------
  const away = el("input", {
    id: "account-away",
    name: "away_after_minutes",
    type: "number",
    min: 0,
    max: 1440,
    step: 1,
    value: String(settings.away_after_minutes ?? 5),
    "aria-describedby": "account-away-hint",
  });
  const notificationState = el("span", { id: "notification-state" });
  const notificationAsk = el("button", {
    type: "button",
    class: "secondary",
    id: "notification-ask",
    text: t("accNotificationsAsk"),
  });
  const showNotifications = () => {
    if (!("Notification" in window)) {
      notificationState.textContent = t("accNotificationsMissing");
      notificationAsk.hidden = true;
      return;
    }
    const state = Notification.permission;
    notificationState.textContent =
      state === "granted"
        ? t("accNotificationsOn")
        : state === "denied"
          ? t("accNotificationsBlocked")
          : t("accNotificationsOff");
    notificationAsk.hidden = state !== "default";
  };
  const notificationLine = el(
    "p",
    { class: "account-line", id: "notification-line", tabindex: "-1", "aria-live": "polite" },
    t("accNotificationsText"),
    " ",
    notificationState
  );
  notificationAsk.addEventListener("click", async () => {
    try {
      await Notification.requestPermission();
    } finally {
      showNotifications();
      // The button is gone once the browser has an answer: focus stays near it.
      if (notificationAsk.hidden) notificationLine.focus();
    }
  });
  showNotifications();
  const sound = el("input", {
    id: "account-sound",
    name: "sound",
    type: "checkbox",
    checked: settings.sound !== false,
  });
  const testSound = el("button", {
    type: "button",
    class: "secondary",
    id: "sound-test",
    text: t("accSoundTest"),
    onclick: () => playSound(),
  });

  // ---- appearance -----------------------------------------------------------------------------
  const theme = radios(
    "theme",
    THEMES.map((value) => [value, t(`accTheme_${value}`)]),
    settings.theme || "system"
  );
  const density = radios(
    "density",
    DENSITIES.map((value) => [value, t(`accDensity_${value}`)]),
    settings.density || "comfortable"
  );
  const language = radios("language", LANGUAGES, settings.language || session.lang, true);

  const save = el("button", {
    type: "submit",
    class: "primary",
    id: "account-save",
    text: t("accSave"),
  });
  const inputs = {
    name,
    avatar: file,
    away_after_minutes: away,
    sound,
    theme: theme.first,
    density: density.first,
    language: language.first,
  };

  const form = el(
    "form",
    {
      class: "account-form",
      id: "account-form",
      novalidate: true,
      "aria-labelledby": "account-title",
    },
    error,
    el(
      "section",
      { class: "account-section", "aria-labelledby": "account-profile" },
      el("h2", { id: "account-profile", text: t("accProfile") }),
      el(
        "fieldset",
        {},
        el("legend", { text: t("accPicture") }),
        el(
          "div",
          { class: "account-avatar-row" },
          preview,
          el(
            "div",
            { class: "stack" },
            el(
              "div",
              { class: "field" },
              el("label", { for: "account-avatar", text: t("accPictureUpload") }),
              file,
              el("small", { class: "hint", id: "account-avatar-hint", text: t("accPictureHint") })
            ),
            el("div", { class: "actions" }, removePicture),
            pictureNote
          )
        )
      ),
      el("div", { class: "field" }, el("label", { for: "account-name", text: t("accName") }), name),
      el(
        "dl",
        { class: "info", "aria-describedby": "account-readonly" },
        el("dt", { text: t("accEmail") }),
        el("dd", { id: "account-email", text: agent.email }),
        el("dt", { text: t("accRole") }),
        el("dd", { id: "account-role", text: t(`role_${agent.role}`) }),
        el("dt", { text: t("accDepartments") }),
        departmentsText
      ),
      el("p", { class: "muted", id: "account-readonly", text: t("accReadOnly") })
    ),
    el(
      "section",
      { class: "account-section", "aria-labelledby": "account-preferences" },
      el("h2", { id: "account-preferences", text: t("accPreferences") }),
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
      el(
        "fieldset",
        {},
        el("legend", { text: t("accMessages") }),
        notificationLine,
        el("div", { class: "actions" }, notificationAsk)
      ),
      el(
        "fieldset",
        {},
        el("legend", { text: t("accSound") }),
        el(
          "div",
          { class: "checks" },
          el("label", { for: "account-sound" }, sound, t("accSoundOn"))
        ),
        el("div", { class: "actions account-line" }, testSound)
      )
    ),
    el(
      "section",
      { class: "account-section", "aria-labelledby": "account-appearance" },
      el("h2", { id: "account-appearance", text: t("accAppearance") }),
      el("fieldset", {}, el("legend", { text: t("accTheme") }), theme.group),
      el("fieldset", {}, el("legend", { text: t("accDensity") }), density.group),
      el("fieldset", {}, el("legend", { text: t("accLanguage") }), language.group)
    ),
    el("div", { class: "actions account-save" }, save)
  );

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    for (const input of Object.values(inputs)) input.removeAttribute("aria-invalid");
    const changes = {
      away_after_minutes: numberOrText(away),
      sound: sound.checked,
      theme: theme.value(),
      density: density.value(),
      language: language.value(),
    };
    if (pictureChanged) changes.avatar = picture;
    save.disabled = true;
    save.textContent = t("accSaving");
    try {
      const answer = await api("PATCH", "/me", { name: name.value.trim(), settings: changes });
      session.agent = answer;
      refocusSave = true;
      // The shell applies theme, density and language and shows this screen again.
      emit("agent-changed");
      toast(t("saved"));
    } catch (failure) {
      if (failure.status === 401) return; // signed out; the shell shows the sign-in screen
      // What the agent typed stays; the server's message names the field.
      error.textContent = failure.message;
      const input = inputs[fieldOf(failure.message)];
      if (input) {
        input.setAttribute("aria-invalid", "true");
        input.focus();
      }
      save.disabled = false;
      save.textContent = t("accSave");
    }
  });

  main.append(
    el("h1", { id: "account-title", text: t("accTitle") }),
    el("p", { class: "muted", text: t("accIntro") }),
    form
  );
  if (refocusSave) {
    refocusSave = false;
    save.focus();
  }
  const offDepartments = on("departments-changed", showDepartments);
  return () => offDepartments();
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

/** "settings.away_after_minutes: Input should be …" -> "away_after_minutes" */
function fieldOf(message) {
  const path = String(message).split(":")[0].split(".");
  return path[0] === "settings" ? path[1] : path[0];
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
