/*
 * The snippet every page view pays for: reads the data- attributes of its own <script> tag and
 * asks the department's availability. Once someone can answer it loads the chat button
 * (button.js next to it: shadow root, styles, badge and the chat window's iframe), which the
 * browser then takes from its cache for the next pages (its address changes with its content);
 * pages where nobody can answer never fetch it. A page opened with `#livechat-check` (or whose
 * address gets it later) also loads check.js, a small box that tells the editor what is wrong.
 *
 * Size: at most 1 KB gzip (asserted by the tests; `node widget/build.mjs` prints raw, gzip and
 * brotli bytes). No framework, no cookies, no globals, no styles outside its own element.
 *
 * The element tells the editor what happens: `data-livechat-state` is hidden, available, offline
 * (nobody can answer, but the department takes messages: the button says "Nachricht
 * hinterlassen"), open or error; with error, `data-livechat-error` says why: department-unknown (also when the snippet
 * has no data-department) or origin-not-allowed (this page's origin is not among the
 * department's allowed origins). `data-livechat-hours` is closed outside the department's
 * office hours, else open. The parts it loads share one object with it, `livechat` on
 * their script element: the element, the snippet's attributes, the API, the page's origin, the
 * availability and the error; the button puts its `render` there.
 */
((d) => {
  const script = d.currentScript;
  if (!script || d.querySelector("livechat-widget")) return;
  const data = script.dataset;
  const department = data.department;
  const here = location.origin;
  const host = d.createElement("livechat-widget");
  const shared = {
    host,
    data,
    here,
    api: (data.api || new URL(script.src).origin + "/api").replace(/\/+$/, ""),
  };
  let button,
    checkBox,
    checks = 0;
  const load = (name) =>
    d.head.appendChild(
      Object.assign(d.createElement("script"), { src: new URL(name, script.src), livechat: shared })
    );
  const update = (error, answer = {}) => {
    if (error) {
      host.dataset.livechatError = shared.error = error;
      console.warn("Livechat: " + error);
    }
    shared.available = answer.available;
    shared.offline = answer.offline_messages;
    host.dataset.livechatHours = answer.open == false ? "closed" : "open";
    if ((shared.available || shared.offline) && !button) button = load(__BUTTON__);
    if (shared.render) shared.render();
    else host.dataset.livechatState = error ? "error" : "hidden";
  };
  const check = () =>
    shared.error ||
    fetch(
      shared.api + "/departments/" + department + "/availability",
      // The first answer may come from the HTTP cache; re-checks revalidate (ETag).
      checks++ ? { cache: "no-cache" } : {}
    )
      .then((reply) =>
        reply.status == 404
          ? update("department-unknown")
          : reply.json().then((answer) =>
              // (An API without allowed_origins leaves the check to the chat window.)
              (answer.allowed_origins || [here]).includes(here)
                ? update(0, answer)
                : update("origin-not-allowed")
            )
      )
      .catch(() => {});

  (d.body || d.documentElement).append(host);
  // Also when the fragment is added to the open page's address (no reload happens then).
  const diagnose = () => {
    if (location.hash == "#livechat-check" && !checkBox) checkBox = load(__CHECK__);
  };
  diagnose();
  addEventListener("hashchange", diagnose);
  if (!department) return update("department-unknown");
  check();
  setInterval(() => d.hidden || check(), 3e4);
  d.addEventListener("visibilitychange", () => d.hidden || check());
})(document);
