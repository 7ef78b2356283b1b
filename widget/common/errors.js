// What a failed call means for people, in the screen's language (de, en), chosen from the
// error's `code`: a server's own message is English and for developers, never shown, except the
// reason why a password is too easy to guess (zxcvbn's, only in English). An error that names an
// input (`field`) is shown next to that input.

const TEXTS = {
  network: [
    "Keine Verbindung zum Server. Bitte prüfen Sie Ihre Verbindung.",
    "No connection to the server. Please check your connection.",
  ],
  invalid_input: ["Bitte prüfen Sie diese Eingabe.", "Please check this entry."],
  invalid_json: [
    "Die Anfrage war fehlerhaft. Bitte laden Sie die Seite neu.",
    "The request was malformed. Please reload the page.",
  ],
  invalid_cursor: [
    "Die Liste hat sich geändert. Bitte laden Sie sie neu.",
    "The list changed. Please load it again.",
  ],
  invalid_credentials: [
    "E-Mail-Adresse oder Passwort ist falsch.",
    "Wrong email address or password.",
  ],
  invalid_token: [
    "Ihre Sitzung ist abgelaufen. Bitte melden Sie sich neu an.",
    "Your session has expired. Please sign in again.",
  ],
  unauthorized: ["Bitte melden Sie sich an.", "Please sign in."],
  account_pending: [
    "Ihre Registrierung wartet noch auf die Freigabe durch einen Admin.",
    "Your registration is still waiting for an admin's approval.",
  ],
  account_disabled: ["Dieses Konto ist gesperrt.", "This account is disabled."],
  forbidden: ["Dafür fehlen Ihnen die Rechte.", "You are not allowed to do this."],
  admin_only: ["Das dürfen nur Admins.", "Only admins may do this."],
  room_forbidden: ["Auf diesen Chat haben Sie keinen Zugriff.", "You have no access to this chat."],
  not_room_agent: ["Diesen Chat betreut jemand anderes.", "Someone else serves this chat."],
  invalid_range: [
    "Das Startdatum liegt nach dem Enddatum.",
    "The start date is after the end date.",
  ],
  range_too_long: ["Bitte höchstens 400 Tage auf einmal.", "At most 400 days at a time, please."],
  already_rated: ["Dieser Chat ist schon bewertet.", "This chat is rated already."],
  other_department: [
    "Dieser Chat gehört zu einer anderen Abteilung.",
    "This chat belongs to another department.",
  ],
  not_found: ["Das gibt es nicht (mehr).", "This does not exist (any more)."],
  room_not_found: ["Diesen Chat gibt es nicht mehr.", "This chat no longer exists."],
  agent_not_found: ["Diese Person gibt es nicht (mehr).", "This person does not exist (any more)."],
  contact_not_found: [
    "Diesen Kontakt gibt es nicht (mehr).",
    "This contact does not exist (any more).",
  ],
  department_not_found: ["Diese Abteilung gibt es nicht.", "This department does not exist."],
  unknown_department: ["Diese Abteilung gibt es nicht.", "This department does not exist."],
  department_exists: [
    "Eine Abteilung mit dieser Kennung gibt es schon.",
    "A department with this ID exists already.",
  ],
  email_taken: [
    "Für diese E-Mail-Adresse gibt es schon ein Konto.",
    "An account with this email address exists already.",
  ],
  email_not_sent: [
    "Die E-Mail konnte nicht verschickt werden. Bitte versuchen Sie es später noch einmal.",
    "The email could not be sent. Please try again later.",
  ],
  delivery_failed: [
    "Die Änderung ist gespeichert, die Benachrichtigung konnte aber nicht verschickt werden.",
    "The change is saved, but the notification could not be sent.",
  ],
  not_pending: [
    "Diese Registrierung wurde schon bearbeitet.",
    "This registration has been handled already.",
  ],
  department_unavailable: [
    "Im Moment ist leider niemand erreichbar. Bitte versuchen Sie es später noch einmal.",
    "Sorry, nobody is available right now. Please try again later.",
  ],
  already_taken: [
    "Jemand anderes hat diese Anfrage bereits übernommen.",
    "Someone else has taken this request already.",
  ],
  room_changed: [
    "Der Chat hat sich inzwischen geändert. Bitte versuchen Sie es noch einmal.",
    "The chat changed meanwhile. Please try again.",
  ],
  room_closed: ["Der Chat ist beendet.", "The chat has ended."],
  room_not_open: [
    "Nur offene Chats lassen sich zurückgeben oder weiterleiten.",
    "Only open chats can be returned or forwarded.",
  ],
  room_not_queued: ["Die Anfrage wartet nicht mehr.", "The request is no longer waiting."],
  room_not_taken: [
    "Übernehmen Sie den Chat, bevor Sie antworten.",
    "Take the chat before you reply.",
  ],
  room_not_closed: [
    "Nur beendete Chats lassen sich löschen. Bitte schließen Sie ihn zuerst.",
    "Only ended chats can be deleted. Please close it first.",
  ],
  same_agent: ["Diese Person betreut den Chat schon.", "This person serves the chat already."],
  same_department: [
    "Der Chat ist schon in dieser Abteilung.",
    "The chat is in this department already.",
  ],
  invalid_forward_target: [
    "Bitte wählen Sie eine Person oder eine Abteilung.",
    "Please choose a person or a department.",
  ],
  message_too_long: ["Die Nachricht ist zu lang.", "The message is too long."],
  canned_exists: ["Dieses Kürzel gibt es schon.", "This shortcut exists already."],
  canned_not_found: [
    "Diesen Textbaustein gibt es nicht mehr.",
    "This canned response no longer exists.",
  ],
  canned_limit: [
    "Es sind schon 100 Textbausteine; löschen Sie zuerst einen.",
    "There are 100 canned responses already; delete one first.",
  ],
  message_not_editable: [
    "Eigene Nachrichten lassen sich nur 15 Minuten lang bearbeiten oder löschen.",
    "Your own messages can only be edited or deleted for 15 minutes.",
  ],
  message_not_found: ["Diese Nachricht gibt es nicht.", "This message does not exist."],
  not_room_owner: [
    "Das dürfen nur die Besitzer:in des Raums und Admins.",
    "Only the room's owner and admins may do this.",
  ],
  name_taken: [
    "Einen Kanal oder eine Gruppe mit diesem Namen gibt es schon.",
    "A channel or group with this name exists already.",
  ],
  member_not_found: [
    "Diese Person ist nicht (mehr) Mitglied.",
    "This person is not (or no longer) a member.",
  ],
  not_a_member: ["Treten Sie dem Kanal zuerst bei.", "Join the channel first."],
  too_large: ["Das ist zu groß.", "This is too large."],
  weak_password: [
    "Dieses Passwort ist zu leicht zu erraten (mindestens 12 Zeichen, keine gängigen Wörter).",
    "This password is too easy to guess (at least 12 characters, no common words).",
  ],
  wrong_password: ["Das ist nicht Ihr aktuelles Passwort.", "This is not your current password."],
  no_password: [
    "Sie melden sich über Ihre Einrichtung an; Ihr Konto hat kein Passwort, das sich ändern ließe.",
    "You sign in through your institution; your account has no password to change.",
  ],
  password_changed: [
    "Das Passwort wurde inzwischen anderswo geändert. Bitte melden Sie sich neu an.",
    "The password was changed elsewhere meanwhile. Please sign in again.",
  ],
  // The console's own check before it asks the server.
  passwords_differ: [
    "Die beiden neuen Passwörter stimmen nicht überein.",
    "The two new passwords differ.",
  ],
  session_not_found: ["Diese Anmeldung gibt es nicht mehr.", "This sign-in no longer exists."],
  too_many_failed_logins: [
    "Zu viele fehlgeschlagene Anmeldungen für dieses Konto. Bitte versuchen Sie es später.",
    "Too many failed sign-ins for this account. Please try again later.",
  ],
  too_many_connections: [
    "Zu viele offene Fenster. Bitte schließen Sie eines.",
    "Too many open windows. Please close one.",
  ],
  read_only: [
    "Dieser Chat ist in eine andere Abteilung gewechselt; Sie können ihn nur noch lesen.",
    "This chat moved to another department; you can only read it now.",
  ],
  agent_not_in_department: [
    "Diese Person arbeitet nicht in der gewählten Abteilung.",
    "This person does not work in the chosen department.",
  ],
  rate_limited: [
    "Zu viele Versuche. Bitte warten Sie einen Moment.",
    "Too many attempts. Please wait a moment.",
  ],
  too_many_requests: [
    "Zu viele Versuche. Bitte warten Sie einen Moment.",
    "Too many attempts. Please wait a moment.",
  ],
};
const FALLBACK = [
  "Das hat nicht geklappt. Bitte versuchen Sie es noch einmal.",
  "That did not work. Please try again.",
];

/** The error's meaning in `lang` ("de" or "en"); a generic sentence for an unknown code. */
export function errorText(error, lang) {
  const reason = error?.code === "invalid_input" && REASONS[error.reason];
  if (reason && (error.limit !== undefined || !reason[0].includes("{limit}")))
    return reason[lang === "de" ? 0 : 1].replace("{limit}", String(error.limit));
  const texts =
    TEXTS[error?.code] || (error?.status >= 500 ? FALLBACK : TEXTS[statusCode(error)]) || FALLBACK;
  const text = texts[lang === "de" ? 0 : 1];
  return error?.code === "weak_password" ? `${text} ${passwordReason(error.message)}`.trim() : text;
}

// Why an input was refused (the server's `reason`, pydantic's names), with the bound it broke;
// any other reason reads "Bitte prüfen Sie diese Eingabe." and the input's hint says the rules.
const WHOLE_NUMBER = ["Bitte geben Sie eine ganze Zahl ein.", "Please enter a whole number."];
const REASONS = {
  missing: ["Bitte füllen Sie dieses Feld aus.", "Please fill this in."],
  string_too_long: ["Bitte höchstens {limit} Zeichen.", "At most {limit} characters, please."],
  string_too_short: ["Bitte mindestens {limit} Zeichen.", "At least {limit} characters, please."],
  too_long: ["Bitte höchstens {limit} Einträge.", "At most {limit} entries, please."],
  greater_than_equal: ["Bitte mindestens {limit} eingeben.", "Please enter at least {limit}."],
  less_than_equal: ["Bitte höchstens {limit} eingeben.", "Please enter at most {limit}."],
  int_parsing: WHOLE_NUMBER,
  int_type: WHOLE_NUMBER,
  int_from_float: WHOLE_NUMBER,
};

// "password: too easy to guess. <zxcvbn's warning and advice>" -> the warning and advice (the
// field is "new" when a password is changed).
function passwordReason(message) {
  return (message || "").replace(/^(password|new): (too easy to guess\.\s*)?/, "");
}

function statusCode(error) {
  return {
    400: "invalid_input",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    413: "too_large",
    429: "too_many_requests",
  }[error?.status];
}

// Errors about one input that do not name it in their message.
const FIELD_OF_CODE = {
  department_exists: "department_id",
  email_taken: "email",
  name_taken: "name",
  message_too_long: "text",
};

/** The input an error names ("settings.sound" -> "sound", "office_hours.weekly.mon.0" ->
 * "mon"), if any. */
export function fieldOf(error) {
  const path = String(error?.field || FIELD_OF_CODE[error?.code] || "").split(".");
  if (path[0] === "office_hours") return path[1] === "weekly" ? path[2] : path[1];
  return path[0] === "settings" ? path[1] : path[0] || undefined;
}
