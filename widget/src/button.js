/*
 * The chat button, loaded by loader.js once someone can answer, or a message can be left (then
 * it says so: state `offline`; see loader.js for what the two share). It lives in the loader's element, in a shadow root of its own styles, and loads the
 * chat window (chat.html, next to this file) into an iframe on the first click only.
 * postMessage only to and from the chat's origin, both ways.
 *
 * The chat window reports its state as `{livechat: {open, active, unread}}`: whether it wants to be
 * shown, whether a chat is queued or open (the button then stays while it lasts, even when nobody
 * else could be reached), and how many messages arrived while it was minimised (the badge).
 * This tells it `{livechat: "open"}` when it is shown.
 */
((d, w) => {
  const shared = d.currentScript.livechat;
  const { host, data, here } = shared;
  const chatUrl = new URL(__CHAT__, d.currentScript.src);
  const chatOrigin = chatUrl.origin;
  const lang = /^de/i.test(data.lang || d.documentElement.lang) ? "de" : "en";
  const de = lang === "de";
  const label = de ? "Live-Chat öffnen" : "Open live chat";
  const leave = de ? "Nachricht hinterlassen" : "Leave a message";
  const root = host.attachShadow({ mode: "open" });
  const side = data.position === "left" ? "left" : "right";
  // The iframe is transparent around the chat window, which draws its own card and shadow.
  root.innerHTML =
    `<style>:host{all:initial!important}aside{position:fixed;bottom:20px;${side}:20px;` +
    "z-index:2147483647;font:600 16px system-ui,sans-serif}" +
    "button{all:unset;position:relative;gap:8px;align-items:center;padding:14px 20px;" +
    "border-radius:28px;background:#0a58a8;color:#fff;cursor:pointer;box-shadow:0 4px 16px #0006}" +
    "button:focus-visible{box-shadow:0 0 0 3px #fff,0 0 0 6px #0a58a8}svg{width:22px;fill:#fff}" +
    "i{font-style:normal}" +
    "b{position:absolute;top:-8px;right:-6px;padding:0 7px;border-radius:11px;" +
    "background:#c0262d;font-size:13px;line-height:22px}b:empty,button,iframe{display:none}" +
    `.available button,.offline button{display:flex}.open{bottom:0;${side}:0}.open iframe{display:block;` +
    "width:min(420px,100vw);height:min(680px,100vh);border:0}" +
    "@media(max-width:480px){.open iframe{height:100vh}}</style>" +
    '<aside aria-label="Live-Chat"><button><svg viewBox="0 0 24 24" aria-hidden="true">' +
    '<path d="M2 4c0-1 1-2 2-2h16c1 0 2 1 2 2v11c0 1-1 2-2 2H8l-6 5z"/></svg><i>Chat</i><b></b>' +
    "</button></aside>";
  const [panel, button, caption, badge] = root.querySelectorAll("aside,button,i,b");

  // The badge outlives a reload of the page, in this tab only (sessionStorage, gone with the
  // tab): the window, loaded on the first click, knows nothing before it. Storage may be
  // refused (a blocked or sandboxed page): then the badge starts empty, as before.
  const kept = `livechat-unread-${data.department}`;
  const remember = (count) => {
    try {
      if (count) w.sessionStorage.setItem(kept, count);
      else w.sessionStorage.removeItem(kept);
    } catch {}
  };
  let active, open, frame, unread;
  try {
    unread = +w.sessionStorage.getItem(kept) || 0;
  } catch {}
  const state = () => {
    if (shared.error) return "error";
    if (open) return "open";
    if (shared.available || active) return "available";
    return shared.offline ? "offline" : "hidden";
  };
  const render = () => {
    const now = state();
    host.dataset.livechatState = panel.className = now;
    badge.textContent = unread || "";
    caption.textContent = now === "offline" ? leave : "Chat";
    button.setAttribute(
      "aria-label",
      now === "offline" ? leave : label + (unread ? ` (${unread} ${de ? "neu" : "new"})` : "")
    );
  };
  const show = () => {
    frame.contentWindow.postMessage({ livechat: "open" }, chatOrigin);
    frame.focus();
  };
  button.onclick = () => {
    // Shown first: a hidden iframe cannot take the focus.
    open = true;
    render();
    if (frame) show();
    else {
      frame = d.createElement("iframe");
      frame.title = "Live-Chat";
      const fragment = { d: data.department, l: lang, a: shared.api, o: here };
      frame.src = `${chatUrl}#${new URLSearchParams(fragment)}`;
      frame.onload = show;
      panel.append(frame);
    }
  };
  w.addEventListener("message", (event) => {
    const reported = event.data?.livechat;
    if (event.origin !== chatOrigin || !frame || event.source !== frame.contentWindow) return;
    if (!reported) return;
    const closing = open && !reported.open;
    ({ active, open, unread } = reported);
    remember(unread);
    render();
    if (closing) button.focus();
  });
  shared.render = render;
  render();
})(document, window);
