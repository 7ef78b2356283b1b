// The console on this device: its service worker (sw.js: the shell for an installed console,
// push notifications while no console is seen), and a click on a notification that finds the
// console open: it shows that chat.
export function registerConsoleWorker() {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.register("sw.js").catch(() => undefined); // http: no worker, no push
  navigator.serviceWorker.addEventListener("message", (event) => {
    const roomId = event.data?.type === "open-room" ? event.data.room_id : null;
    if (typeof roomId === "string" && /^[A-Za-z0-9_.:-]{1,128}$/.test(roomId)) {
      location.hash = `#room/${roomId}`;
    }
  });
}
