// What a refused input breaks, said with the rule and the line: the server names the field
// ("office_hours.weekly.tue.1", "allowed_origins.2") and pydantic's `reason`
// (string_pattern_mismatch, value_error, or the server's own span_order and no_date); the
// console knows the rule each field follows. Lists are numbered from 1 as people count lines.
const SPAN = [
  "Bitte Zeiten als Spanne im 24-Stunden-Format wie 08:00-12:00 angeben (24:00 beendet den Tag).",
  "Please give times as a span in 24-hour format like 08:00-12:00 (24:00 ends the day).",
];
const DATE = [
  "Bitte ein Datum, das es gibt, als Jahr-Monat-Tag wie 2026-12-24 angeben.",
  "Please give a date that exists as year-month-day like 2026-12-24.",
];
const RULES = {
  span: {
    string_pattern_mismatch: SPAN,
    span_order: [
      "Das Ende muss nach dem Beginn liegen (über Mitternacht: zwei Spannen, bis 24:00 und ab 00:00).",
      "The end must come after the start (past midnight: two spans, to 24:00 and from 00:00).",
    ],
  },
  closed_dates: { string_pattern_mismatch: DATE, no_date: DATE },
  allowed_origins: {
    string_pattern_mismatch: [
      "Eine Herkunft ist https:// oder http://, der Rechnername und vielleicht ein Port – ohne Pfad, z. B. https://www.uni.example.",
      "An origin is https:// or http://, the host name and maybe a port – no path, e.g. https://www.uni.example.",
    ],
  },
  email: {
    value_error: [
      "Eine E-Mail-Adresse wie name@uni.example: ein Name, ein @ und eine Domain mit Punkt.",
      "An email address like name@uni.example: a name, an @ and a domain with a dot.",
    ],
  },
  phone: {
    string_pattern_mismatch: [
      "Eine Telefonnummer enthält nur Ziffern, Leerzeichen und + ( ) . / -.",
      "A phone number holds only digits, spaces and + ( ) . / -.",
    ],
  },
  time_zone: {
    value_error: [
      "Bitte eine Zeitzone aus der Liste wählen, z. B. Europe/Berlin.",
      "Please choose a time zone from the list, e.g. Europe/Berlin.",
    ],
  },
};
const SPAN_FIELDS = new Set(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]);
const LINE = ["Zeile {n} („{value}“): ", "Line {n} (“{value}”): "];
const ENTRY = ["Eintrag {n} („{value}“): ", "Entry {n} (“{value}”): "];

/** The rule the input broke, with its line when the field is a list; null when the console
 * knows no rule for it. `name` is the input's field name, `input` the input itself. */
export function ruleText(failure, name, input, lang) {
  if (failure?.code !== "invalid_input") return null;
  const rules = RULES[SPAN_FIELDS.has(name) ? "span" : name];
  const rule = rules?.[failure.reason];
  if (!rule) return null;
  const index = Number(
    String(failure.field || "")
      .split(".")
      .pop()
  );
  const text = rule[lang === "de" ? 0 : 1];
  if (!Number.isInteger(index) || !input) return text;
  // The same split the form made: one entry per line in a text area, else comma-separated.
  const multiline = input.tagName === "TEXTAREA";
  const entries = input.value
    .split(multiline ? /\n/ : /[,;]/)
    .map((entry) => entry.trim())
    .filter(Boolean);
  const where = (multiline ? LINE : ENTRY)[lang === "de" ? 0 : 1]
    .replace("{n}", String(index + 1))
    .replace("{value}", entries[index] ?? "");
  return where + text;
}
