// The wiki editor: "who else is editing this page" over the presence WebSocket
// (gateway_lab/lessons/consumers.py). The server sends {"editors": [...]}: the other editors' names.
// Readiness flag for tests: the presence element's data-connected and data-editors.
(() => {
  "use strict";
  const box = document.getElementById("wiki-presence");
  if (!box || !("WebSocket" in window)) return;
  let retries = 0;
  const show = (names) => {
    box.dataset.editors = names.join(",");
    box.textContent = names.length ? `${box.dataset.label} ${names.join(", ")}` : box.dataset.alone;
    box.classList.toggle("is-shared", names.length > 0);
  };
  const connect = () => {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const socket = new WebSocket(`${scheme}//${location.host}${box.dataset.presenceUrl}`);
    socket.addEventListener("open", () => { retries = 0; box.dataset.connected = "true"; });
    socket.addEventListener("message", (event) => {
      const data = JSON.parse(event.data);
      if (Array.isArray(data.editors)) show(data.editors.map(String));
    });
    socket.addEventListener("close", (event) => {
      box.dataset.connected = "false";
      if (event.code === 4403) return;  // not an editor: nothing to retry
      retries += 1;
      if (retries <= 5) setTimeout(connect, Math.min(1000 * 2 ** retries, 15000));
    });
  };
  connect();
})();
