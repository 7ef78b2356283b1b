// The Statistik screen (issue 23): chats, waiting times, missed chats and ratings of a date range
// and department (admins: any; agents: their own), per day or hour, and a weekday × hour heat
// map of chats against answered for planning shifts. Each chart is SVG drawn here, with a table
// beside it for screen readers; the CSV comes from the same query with Accept: text/csv.
import { ApiError } from "../../common/api.js";
import {
  addStrings,
  api,
  clearFormErrors,
  el,
  field,
  on,
  replace,
  session,
  showError,
  showFormError,
  t,
} from "./core.js";
import { live } from "./live.js";

addStrings({
  de: {
    statistics: "Statistik",
    statsIntro:
      "Gezählt wird, während es geschieht, ohne personenbezogene Daten; Zeiten in UTC, die " +
      "Heatmap in Ihrer Ortszeit. Wartezeiten sind obere Grenzen ihrer Klasse.",
    statsFrom: "Von",
    statsTo: "Bis",
    statsDepartment: "Abteilung",
    statsAllDepartments: "Alle Abteilungen",
    statsMyDepartments: "Alle meine Abteilungen",
    statsBucket: "Einteilung",
    statsPerDay: "pro Tag",
    statsPerHour: "pro Stunde",
    statsShow: "Anzeigen",
    statsCsv: "CSV herunterladen",
    statsSummary: "Überblick",
    statsChats: "Chats",
    statsAnswered: "beantwortet",
    statsMissed: "verpasst",
    statsOffline: "Nachrichten hinterlassen",
    statsMessages: "Nachrichten",
    statsWaitP50: "Wartezeit (Median)",
    statsWaitP90: "Wartezeit (90 %)",
    statsFirstP50: "Erste Antwort (Median)",
    statsRatings: "Bewertungen",
    statsAverage: "Durchschnitt {value} von 5",
    statsStart: "Beginn",
    statsChatsChart: "Chats, beantwortet und verpasst",
    statsRatingsChart: "Bewertungen nach Sternen",
    statsStars: "{n} Sterne",
    statsHeatmap: "Chats nach Wochentag und Stunde",
    statsHeatmapHint:
      "Je dunkler, desto mehr Chats; ein roter Rand heißt: nicht alle beantwortet. In der " +
      "Tabelle: Chats / beantwortet.",
    statsWeekday: "Wochentag",
    statsHour: "Stunde",
    statsNone: "–",
    statsSeconds: "{value} s",
    statsMinutes: "{value} min",
    statsDays: ["So", "Mo", "Di", "Mi", "Do", "Fr", "Sa"].join(","),
  },
  en: {
    statistics: "Statistics",
    statsIntro:
      "Counted as things happen, without personal data; times in UTC, the heat map in your " +
      "local time. Waiting times are the upper bounds of their class.",
    statsFrom: "From",
    statsTo: "To",
    statsDepartment: "Department",
    statsAllDepartments: "All departments",
    statsMyDepartments: "All my departments",
    statsBucket: "Per",
    statsPerDay: "day",
    statsPerHour: "hour",
    statsShow: "Show",
    statsCsv: "Download CSV",
    statsSummary: "Overview",
    statsChats: "Chats",
    statsAnswered: "answered",
    statsMissed: "missed",
    statsOffline: "messages left",
    statsMessages: "Messages",
    statsWaitP50: "Waiting time (median)",
    statsWaitP90: "Waiting time (90 %)",
    statsFirstP50: "First response (median)",
    statsRatings: "Ratings",
    statsAverage: "average {value} of 5",
    statsStart: "Start",
    statsChatsChart: "Chats, answered and missed",
    statsRatingsChart: "Ratings by stars",
    statsStars: "{n} stars",
    statsHeatmap: "Chats by weekday and hour",
    statsHeatmapHint:
      "The darker, the more chats; a red border means not all were answered. In the table: " +
      "chats / answered.",
    statsWeekday: "Weekday",
    statsHour: "Hour",
    statsNone: "–",
    statsSeconds: "{value} s",
    statsMinutes: "{value} min",
    statsDays: ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"].join(","),
  },
});

const SVG = "http://www.w3.org/2000/svg";
const SCORES = ["1", "2", "3", "4", "5"];
// Monday first, as the university's week runs; values are Date.getDay() numbers.
const WEEK = [1, 2, 3, 4, 5, 6, 0];

function svg(tag, attributes = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

/** A chart: the picture for the eye (named, not read out twice) beside its table. */
function chart(id, title, picture, table) {
  picture.setAttribute("role", "img");
  picture.setAttribute("aria-label", title);
  return el(
    "section",
    { class: "stats-chart", "aria-labelledby": `${id}-title` },
    el("h2", { id: `${id}-title`, text: title }),
    el(
      "div",
      { class: "stats-pair" },
      el("div", { class: "stats-picture" }, picture),
      el("div", { class: "stats-table", tabindex: "0", "aria-labelledby": `${id}-title` }, table)
    )
  );
}

function table(caption, head, rows) {
  return el(
    "table",
    {},
    el("caption", { class: "visually-hidden", text: caption }),
    el(
      "thead",
      {},
      el(
        "tr",
        {},
        head.map((text) => el("th", { scope: "col", text }))
      )
    ),
    el(
      "tbody",
      {},
      rows.map(([first, ...cells]) =>
        el(
          "tr",
          {},
          el("th", { scope: "row", text: first }),
          cells.map((text) => el("td", { text }))
        )
      )
    )
  );
}

const seconds = (value) =>
  value === null || value === undefined
    ? t("statsNone")
    : value < 120
      ? t("statsSeconds", { value })
      : t("statsMinutes", { value: Math.round(value / 60) });

const locale = () => (session.lang === "de" ? "de-DE" : "en-GB");

function bucketLabel(start, bucket) {
  const date = new Date(start);
  const options =
    bucket === "day"
      ? { timeZone: "UTC", day: "2-digit", month: "2-digit" }
      : { timeZone: "UTC", day: "2-digit", month: "2-digit", hour: "2-digit", minute: "2-digit" };
  return date.toLocaleString(locale(), options);
}

/** Bars per bucket: chats (answered in the accent colour, missed in red, on top of each other). */
function chatsChart(report) {
  const { buckets, bucket } = report;
  const high = Math.max(1, ...buckets.map((b) => b.chats));
  const width = Math.max(240, buckets.length * 12);
  const bars = buckets.map((b, index) => {
    const x = index * (width / buckets.length);
    const w = Math.max(2, width / buckets.length - 2);
    const h = (value) => (value / high) * 100;
    return svg(
      "g",
      {},
      svg("rect", { class: "bar-chats", x, y: 110 - h(b.chats), width: w, height: h(b.chats) }),
      svg("rect", {
        class: "bar-answered",
        x,
        y: 110 - h(b.answered),
        width: w,
        height: h(b.answered),
      }),
      svg("rect", { class: "bar-missed", x, y: 110 - h(b.chats), width: w, height: h(b.missed) })
    );
  });
  const picture = svg(
    "svg",
    { viewBox: `0 0 ${width} 112`, preserveAspectRatio: "none", class: "stats-bars" },
    svg("line", { x1: 0, x2: width, y1: 110.5, y2: 110.5, class: "axis" }),
    ...bars
  );
  const head = [
    t("statsStart"),
    t("statsChats"),
    t("statsAnswered"),
    t("statsMissed"),
    t("statsWaitP50"),
    t("statsWaitP90"),
  ];
  const rows = buckets.map((b) => [
    bucketLabel(b.start, bucket),
    b.chats,
    b.answered,
    b.missed,
    seconds(b.wait_p50_s),
    seconds(b.wait_p90_s),
  ]);
  return chart(
    "stats-chats",
    t("statsChatsChart"),
    picture,
    table(t("statsChatsChart"), head, rows)
  );
}

function ratingsChart(ratings) {
  const high = Math.max(1, ...SCORES.map((score) => ratings[score]));
  const picture = svg(
    "svg",
    { viewBox: "0 0 220 110", class: "stats-ratings" },
    ...SCORES.map((score, index) => {
      const w = (ratings[score] / high) * 170;
      const y = index * 22;
      return svg(
        "g",
        {},
        svg("text", { x: 0, y: y + 14, class: "label" }, `${score} ★`),
        svg("rect", { x: 34, y: y + 3, width: Math.max(w, 1), height: 14, class: "bar-answered" }),
        svg("text", { x: 38 + w, y: y + 14, class: "label" }, String(ratings[score]))
      );
    })
  );
  const rows = SCORES.map((score) => [t("statsStars", { n: score }), ratings[score]]);
  return chart(
    "stats-ratings",
    t("statsRatingsChart"),
    picture,
    table(t("statsRatingsChart"), [t("statsRatings"), t("statsChats")], rows)
  );
}

/** Weekday × hour (the viewer's local time) from hourly buckets: [chats, answered] per cell. */
function heatCells(hourly) {
  const cells = WEEK.map(() => Array.from({ length: 24 }, () => [0, 0]));
  for (const b of hourly) {
    if (!b.chats && !b.answered) continue;
    const date = new Date(b.start);
    const cell = cells[WEEK.indexOf(date.getDay())][date.getHours()];
    cell[0] += b.chats;
    cell[1] += b.answered;
  }
  return cells;
}

function heatmap(hourly) {
  const cells = heatCells(hourly);
  const days = t("statsDays").split(",");
  const high = Math.max(1, ...cells.flat().map(([chats]) => chats));
  const picture = svg(
    "svg",
    { viewBox: "0 0 520 170", class: "stats-heat" },
    ...WEEK.map((day, row) => svg("text", { x: 0, y: row * 22 + 30, class: "label" }, days[day])),
    ...[0, 6, 12, 18].map((hour) =>
      svg("text", { x: 40 + hour * 20, y: 10, class: "label" }, String(hour))
    ),
    ...cells.flatMap((hours, row) =>
      hours.map(([chats, answered], hour) =>
        svg("rect", {
          x: 40 + hour * 20,
          y: row * 22 + 16,
          width: 18,
          height: 20,
          rx: 3,
          class: answered < chats ? "heat unanswered" : "heat",
          "fill-opacity": String(chats ? 0.15 + (0.85 * chats) / high : 0.04),
        })
      )
    )
  );
  const head = [t("statsWeekday"), ...Array.from({ length: 24 }, (_, hour) => String(hour))];
  const rows = WEEK.map((day, row) => [
    days[day],
    ...cells[row].map(([chats, answered]) => (chats ? `${chats} / ${answered}` : "0")),
  ]);
  const section = chart(
    "stats-heatmap",
    t("statsHeatmap"),
    picture,
    table(t("statsHeatmap"), head, rows)
  );
  section.querySelector("h2").after(el("p", { class: "hint", text: t("statsHeatmapHint") }));
  return section;
}

function summary(total) {
  const rated = SCORES.reduce((sum, score) => sum + total.ratings[score], 0);
  const average = rated
    ? (
        SCORES.reduce((sum, score) => sum + Number(score) * total.ratings[score], 0) / rated
      ).toLocaleString(locale(), { minimumFractionDigits: 1, maximumFractionDigits: 1 })
    : null;
  const items = [
    ["chats", t("statsChats"), total.chats],
    ["answered", t("statsAnswered"), total.answered],
    ["missed", t("statsMissed"), total.missed],
    ["offline", t("statsOffline"), total.offline],
    ["wait-p50", t("statsWaitP50"), seconds(total.wait_p50_s)],
    ["wait-p90", t("statsWaitP90"), seconds(total.wait_p90_s)],
    ["first-p50", t("statsFirstP50"), seconds(total.first_response_p50_s)],
    [
      "ratings",
      t("statsRatings"),
      average ? `${rated} (${t("statsAverage", { value: average })})` : rated,
    ],
  ];
  return el(
    "section",
    { "aria-labelledby": "stats-summary-title" },
    el("h2", { id: "stats-summary-title", text: t("statsSummary") }),
    el(
      "dl",
      { class: "stats-summary" },
      items.map(([key, label, value]) =>
        el(
          "div",
          { "data-stat": key },
          el("dt", { text: label }),
          el("dd", { text: String(value) })
        )
      )
    )
  );
}

const isoDay = (date) =>
  `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, "0")}-${String(date.getDate()).padStart(2, "0")}`;

/** The query of the form: department (empty: all one may see), from, to, bucket. */
function query({ department, from, to }, bucket) {
  const params = new URLSearchParams({ from: from.value, to: to.value, bucket });
  if (department.value) params.set("department_id", department.value);
  return `/stats?${params}`;
}

/** The same statistics as CSV, saved as a file. */
async function downloadCsv(inputs) {
  const reply = await fetch(session.api + query(inputs, inputs.bucket.value), {
    headers: { Accept: "text/csv", Authorization: `Bearer ${session.token}` },
  }).catch((error) => {
    throw new ApiError(0, "network", String(error));
  });
  if (!reply.ok) {
    const error = (await reply.json().catch(() => null))?.error || {};
    throw new ApiError(reply.status, error.code || `http_${reply.status}`, error.message || "");
  }
  const name = /filename="([^"]+)"/.exec(reply.headers.get("Content-Disposition") || "");
  const link = el("a", {
    href: URL.createObjectURL(await reply.blob()),
    download: name ? name[1] : "statistics.csv",
  });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

/** The department to show: admins any (or all), agents their own (or all of theirs). The
 * departments arrive with the live lists, maybe after the screen: `fill()` keeps it current. */
function departmentSelect() {
  const agent = session.agent;
  const admin = agent.role === "admin";
  const select = el("select", { name: "department_id" });
  const fill = () => {
    const chosen = select.value;
    const shown = admin
      ? live.departments
      : live.departments.filter((d) => agent.departments.includes(d.department_id));
    replace(
      select,
      el("option", { value: "", text: admin ? t("statsAllDepartments") : t("statsMyDepartments") }),
      shown.map((d) => el("option", { value: d.department_id, text: d.name }))
    );
    select.value = shown.some((d) => d.department_id === chosen) ? chosen : "";
  };
  fill();
  return { select, fill };
}

/** The form's inputs: the last 7 days, all departments one may see, per day. */
function filterInputs(department) {
  const today = new Date();
  const weekAgo = new Date(today.getTime() - 6 * 86400000);
  return {
    from: el("input", { type: "date", name: "from", value: isoDay(weekAgo), required: true }),
    to: el("input", { type: "date", name: "to", value: isoDay(today), required: true }),
    department,
    bucket: el(
      "select",
      { name: "bucket" },
      el("option", { value: "day", text: t("statsPerDay") }),
      el("option", { value: "hour", text: t("statsPerHour") })
    ),
  };
}

/** The report of the chosen range, and the hours of it for the heat map. */
async function fetchReport(inputs) {
  const bucket = inputs.bucket.value;
  const [report, hourly] = await Promise.all([
    api("GET", query(inputs, bucket)),
    bucket === "hour" ? null : api("GET", query(inputs, "hour")),
  ]);
  return [
    summary(report.total),
    chatsChart(report),
    heatmap((hourly || report).buckets),
    ratingsChart(report.total.ratings),
  ];
}

export function renderStats(main) {
  const departments = departmentSelect();
  const inputs = filterInputs(departments.select);
  const error = el("p", { class: "form-error", role: "alert" });
  const results = el("div", { class: "stats-results", "aria-busy": "false" });
  const form = el(
    "form",
    { class: "toolbar stats-form", "aria-label": t("statistics") },
    field("stats-from", t("statsFrom"), inputs.from),
    field("stats-to", t("statsTo"), inputs.to),
    field("stats-department", t("statsDepartment"), inputs.department),
    field("stats-bucket", t("statsBucket"), inputs.bucket),
    el("button", { type: "submit", class: "primary", text: t("statsShow") }),
    el("button", {
      type: "button",
      class: "secondary",
      id: "stats-csv",
      text: t("statsCsv"),
      onclick: () => downloadCsv(inputs).catch(showError),
    })
  );
  let shownAt = 0; // only the newest request's answer is shown
  async function show() {
    const asked = ++shownAt;
    const named = { from: inputs.from, to: inputs.to, department_id: inputs.department };
    clearFormErrors(named, error);
    results.setAttribute("aria-busy", "true");
    try {
      const parts = await fetchReport(inputs);
      if (asked === shownAt) replace(results, parts);
    } catch (failure) {
      // A range the server refuses is said next to the date it names.
      if (asked === shownAt) showFormError(failure, named, error);
    } finally {
      if (asked === shownAt) results.setAttribute("aria-busy", "false");
    }
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    show();
  });
  main.append(
    el("h1", { text: t("statistics") }),
    el("p", { class: "hint", text: t("statsIntro") }),
    form,
    error,
    results
  );
  show();
  return on("departments-changed", departments.fill);
}
