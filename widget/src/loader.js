/*
 * The snippet every page view pays for: reads the data- attributes of its own <script> tag, asks
 * the department's availability, and shows a chat button while someone can answer. The chat
 * window itself (chat.html, next to this file) is loaded into an iframe on the first click only.
 *
 * Size: the goal is 1 KB gzip, the hard limit 2 KB (asserted by the tests; `node widget/build.mjs`
 * prints raw, gzip and brotli bytes). No framework, no cookies, no globals, no styles outside its
 * own shadow root. postMessage only to and from the chat's origin, both ways.
 *
 * The chat window reports its state as `{livechat: {open, active, unread}}`: whether it wants to be
 * shown, whether a chat is queued or open (the button then stays while it lasts, even when nobody
 * else could be reached), and how many messages arrived while it was minimised (the badge).
 * The loader tells it `{livechat: "open"}` when it is shown.
 */
((d, w) => {
  const script = d.currentScript;
  if (!script || d.querySelector("livechat-widget")) return;
  const data = script.dataset;
  const chatUrl = new URL(__CHAT__, script.src);
  const chatOrigin = chatUrl.origin;
  const api = (data.api || chatOrigin + "/api").replace(/\/+$/, "");
  const department = data.department;
  const lang = /^de/i.test(data.lang || d.documentElement.lang) ? "de" : "en";
  const de = lang == "de";
  const label = de ? "Live-Chat öffnen" : "Open live chat";
  const here = location.origin;

  const host = d.createElement("livechat-widget");
  const root = host.attachShadow({ mode: "open" });
  const side = data.position == "left" ? "left" : "right";
  // The iframe is transparent around the chat window, which draws its own card and shadow.
  root.innerHTML =
    `<style>:host{all:initial!important}aside{position:fixed;bottom:20px;${side}:20px;` +
    "z-index:2147483647;font:600 16px system-ui,sans-serif}" +
    "button{all:unset;position:relative;gap:8px;align-items:center;padding:14px 20px;" +
    "border-radius:28px;background:#0a58a8;color:#fff;cursor:pointer;box-shadow:0 4px 16px #0006}" +
    "button:focus-visible{box-shadow:0 0 0 3px #fff,0 0 0 6px #0a58a8}svg{width:22px;fill:#fff}" +
    "b{position:absolute;top:-8px;right:-6px;padding:0 7px;border-radius:11px;" +
    "background:#c0262d;font-size:13px;line-height:22px}b:empty,button,iframe{display:none}" +
    `.available button{display:flex}.open{bottom:0;${side}:0}.open iframe{display:block;` +
    "width:min(420px,100vw);height:min(680px,100vh);border:0}" +
    "@media(max-width:480px){.open iframe{height:100vh}}</style>" +
    '<aside aria-label="Live-Chat"><button><svg viewBox="0 0 24 24" aria-hidden="true">' +
    '<path d="M2 4c0-1 1-2 2-2h16c1 0 2 1 2 2v11c0 1-1 2-2 2H8l-6 5z"/></svg>Chat<b></b>' +
    "</button></aside>";
  const [panel, button, badge] = root.querySelectorAll("aside,button,b");
  (d.body || d.documentElement).append(host);

  let available,
    active,
    open,
    stopped,
    frame,
    checks = 0;
  const render = (unread) => {
    host.dataset.livechatState = panel.className = open
      ? "open"
      : available || active
        ? "available"
        : "hidden";
    badge.textContent = unread || "";
    button.setAttribute("aria-label", label + (unread ? ` (${unread} ${de ? "neu" : "new"})` : ""));
  };
  const stop = (text) => {
    stopped = 1;
    console.warn("Livechat: " + text);
  };
  const check = () =>
    stopped ||
    fetch(
      api + "/departments/" + department + "/availability",
      // The first answer may come from the HTTP cache; re-checks revalidate (ETag).
      checks++ ? { cache: "no-cache" } : {}
    )
      .then((reply) =>
        reply.status == 404
          ? stop(`unknown department "${department}"`)
          : reply.json().then((answer) => {
              // (An API without allowed_origins leaves the check to the chat window.)
              if (!(answer.allowed_origins || [here]).includes(here))
                return stop(`${here} is not an allowed origin of department "${department}"`);
              available = answer.available;
              render(badge.textContent);
            })
      )
      .catch(() => {});

  const show = () => {
    frame.contentWindow.postMessage({ livechat: "open" }, chatOrigin);
    frame.focus();
  };
  button.onclick = () => {
    if (frame) show();
    else {
      frame = d.createElement("iframe");
      frame.title = "Live-Chat";
      frame.src = chatUrl + "#" + new URLSearchParams({ d: department, l: lang, a: api, o: here });
      frame.onload = show;
      panel.append(frame);
    }
    open = 1;
    render();
  };
  w.addEventListener("message", (event) => {
    const state = event.data?.livechat;
    if (event.origin == chatOrigin && frame && event.source == frame.contentWindow && state) {
      const closing = open && !state.open;
      active = state.active;
      open = state.open;
      render(state.unread);
      if (closing) button.focus();
    }
  });

  render();
  if (!department) return stop("no data-department");
  check();
  setInterval(() => d.hidden || check(), 30000);
  d.addEventListener("visibilitychange", () => d.hidden || check());
})(document, window);
