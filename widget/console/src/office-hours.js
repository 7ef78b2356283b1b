// Office hours of a department (S24), set by admins in the department's dialog: outside them
// the chat button is hidden whatever the agents' statuses; chats that run go on.
import { addStrings, el, field, t } from "./core.js";

const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

addStrings({
  de: {
    ohLegend: "Sprechzeiten",
    ohEnabled: "Chat-Button nur zu den Sprechzeiten zeigen",
    ohHint:
      "Außerhalb der Sprechzeiten ist der Chat-Button ausgeblendet, auch wenn jemand noch " +
      "online ist; laufende Chats gehen weiter. Zeiten je Wochentag wie 08:00-12:00, " +
      "13:00-18:00; leer heißt geschlossen.",
    ohTimeZone: "Zeitzone",
    ohClosedDates: "Geschlossene Tage",
    ohClosedDatesHint: "Ein Datum pro Zeile, z. B. 2026-12-24.",
    ohDay_mon: "Montag",
    ohDay_tue: "Dienstag",
    ohDay_wed: "Mittwoch",
    ohDay_thu: "Donnerstag",
    ohDay_fri: "Freitag",
    ohDay_sat: "Samstag",
    ohDay_sun: "Sonntag",
  },
  en: {
    ohLegend: "Office hours",
    ohEnabled: "Show the chat button only within office hours",
    ohHint:
      "Outside office hours the chat button is hidden, even if someone is still online; chats " +
      "that run go on. Times per weekday like 08:00-12:00, 13:00-18:00; empty means closed.",
    ohTimeZone: "Time zone",
    ohClosedDates: "Days closed",
    ohClosedDatesHint: "One date per line, e.g. 2026-12-24.",
    ohDay_mon: "Monday",
    ohDay_tue: "Tuesday",
    ohDay_wed: "Wednesday",
    ohDay_thu: "Thursday",
    ohDay_fri: "Friday",
    ohDay_sat: "Saturday",
    ohDay_sun: "Sunday",
  },
});

/** The office hours fieldset of a department; `value()` is the `office_hours` to send and
 * `inputs` maps the names the server's errors use to their inputs. */
export function officeHoursFields(current) {
  const hours = current || { enabled: false, time_zone: "Europe/Berlin", weekly: {} };
  const enabled = el("input", { type: "checkbox", id: "office-hours-enabled" });
  enabled.checked = Boolean(hours.enabled);
  // Chosen from the browser's list of time zones (the server knows the same IANA names), so
  // that no typo can make it refuse; one stored before that the list lacks stays offered.
  const chosen = hours.time_zone || "Europe/Berlin";
  const zones = Intl.supportedValuesOf ? Intl.supportedValuesOf("timeZone") : [];
  const zone = el(
    "select",
    { name: "time_zone" },
    [...new Set([chosen, ...zones])].sort().map((name) => el("option", { value: name, text: name }))
  );
  zone.value = chosen;
  const days = Object.fromEntries(
    WEEKDAYS.map((day) => {
      const input = el("input", { name: day, autocomplete: "off", placeholder: "08:00-18:00" });
      input.value = (hours.weekly?.[day] || []).join(", ");
      return [day, input];
    })
  );
  const closed = el("textarea", { name: "closed_dates", rows: 3, spellcheck: "false" });
  closed.value = (hours.closed_dates || []).join("\n");
  const fieldset = el(
    "fieldset",
    { class: "office-hours" },
    el("legend", { text: t("ohLegend") }),
    el("p", { class: "hint", id: "office-hours-hint", text: t("ohHint") }),
    el(
      "div",
      { class: "checks" },
      el("label", { for: "office-hours-enabled" }, enabled, t("ohEnabled"))
    ),
    field("office-hours-zone", t("ohTimeZone"), zone),
    el(
      "div",
      { class: "weekdays" },
      WEEKDAYS.map((day) => field(`office-hours-${day}`, t(`ohDay_${day}`), days[day]))
    ),
    field("office-hours-closed", t("ohClosedDates"), closed, t("ohClosedDatesHint"))
  );
  const list = (text, separator) =>
    text
      .split(separator)
      .map((part) => part.trim().replace(/\s*-\s*/, "-"))
      .filter(Boolean);
  const value = () => ({
    enabled: enabled.checked,
    time_zone: zone.value.trim(),
    weekly: Object.fromEntries(WEEKDAYS.map((day) => [day, list(days[day].value, /[,;]/)])),
    closed_dates: list(closed.value, /[\n,]/),
  });
  return {
    fieldset,
    value,
    inputs: { enabled, time_zone: zone, closed_dates: closed, ...days },
  };
}
