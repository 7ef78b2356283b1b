/*
 * "#livechat-check": a small box in the corner that tells an editor what the snippet on this
 * page finds, loaded by loader.js only for a page opened with that fragment. It follows the
 * loader's element: department unknown, origin not allowed, outside the office hours, nobody
 * available, or all fine.
 */
((d) => {
  const { host, data, here } = d.currentScript.livechat;
  const de = /^de/i.test(data.lang || d.documentElement.lang);
  const department = data.department || "";
  const texts = {
    checking: ["Live-Chat-Prüfung läuft …", "Checking the live chat …"],
    "department-unknown": [
      `Abteilung „${department}“ unbekannt: data-department im Snippet prüfen.`,
      `Department "${department}" unknown: check data-department in the snippet.`,
    ],
    "origin-not-allowed": [
      `${here} ist für die Abteilung „${department}“ nicht freigegeben (erlaubte Origins).`,
      `${here} is not an allowed origin of department "${department}".`,
    ],
    hidden: [
      "Alles richtig eingebunden, aber gerade ist niemand erreichbar: Der Button erscheint, sobald jemand da ist.",
      "Set up correctly, but nobody is available right now: the button appears once someone is.",
    ],
    closed: [
      "Alles richtig eingebunden, aber gerade ist keine Sprechzeit: Der Button erscheint zu den Sprechzeiten, sobald jemand da ist.",
      "Set up correctly, but outside the office hours: the button appears within them once someone is available.",
    ],
    available: [
      "Alles in Ordnung: Der Chat-Button ist sichtbar.",
      "All fine: the chat button is shown.",
    ],
  };
  const box = d.createElement("livechat-check");
  const root = box.attachShadow({ mode: "open" });
  root.innerHTML =
    "<style>:host{all:initial!important}p{position:fixed;top:12px;left:12px;z-index:2147483647;" +
    "max-width:min(420px,90vw);margin:0;padding:12px 16px;border-radius:8px;background:#fff;" +
    "color:#1b1b1b;border:3px solid #0a58a8;font:15px/1.4 system-ui,sans-serif;" +
    "box-shadow:0 4px 16px #0004}.error{border-color:#c0262d}</style>" +
    '<p role="status"></p>';
  const line = root.querySelector("p");
  const show = () => {
    const state = host.dataset.livechatState;
    const closed = state === "hidden" && host.dataset.livechatHours === "closed";
    const key =
      state === "error"
        ? host.dataset.livechatError
        : state === "open"
          ? "available"
          : closed
            ? "closed"
            : state;
    line.textContent = `${de ? "Live-Chat" : "Live chat"}: ${(texts[key] || texts.checking)[de ? 0 : 1]}`;
    line.className = state === "error" ? "error" : "";
    box.dataset.livechatCheck = key || "checking";
  };
  new MutationObserver(show).observe(host, { attributes: true });
  d.body.append(box);
  show();
})(document);
