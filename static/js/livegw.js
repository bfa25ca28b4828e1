// WebSocket demo page: one socket to the lab's WebSocket API, one to its trace log, plus a polling loop.
// Sets document.body.dataset.wsConnected = "true" once the API socket is open (browser tests wait on it).
(function () {
  "use strict";
  var root = document.getElementById("livegw");
  if (!root) return;
  var scheme = location.protocol === "https:" ? "wss://" : "ws://";
  var $ = function (id) { return document.getElementById(id); };
  var socket = new WebSocket(scheme + location.host + root.dataset.wsPath);
  var stats = { poll: { n: 0, bytes: 0, delay: 0 }, push: { n: 0, bytes: 0, delay: 0 } };
  var subscribed = false, pollTimer = null;
  // Scripted strings come translated from the page (data-text-*), English when a page lacks one.
  var say = function (key, fallback) { return root.dataset[key] || fallback; };

  function send(body) { socket.send(JSON.stringify(body)); }

  function show(stat, side) {
    $(side + "-count").textContent = String(stat.n);
    $(side + "-bytes").textContent = String(stat.bytes);
    $(side + "-delay").textContent = stat.n ? String(Math.round(stat.delay / stat.n)) : "–";
  }

  function addChat(text) {
    var item = document.createElement("li");
    try {
      var data = JSON.parse(text);
      item.textContent = data.name + ": " + data.text;
    } catch (e) { item.textContent = text; }
    $("chat-log").appendChild(item);
  }

  function showTick(tick) {
    var body = $("ticker-body");
    body.textContent = "";
    Object.keys(tick.prices).forEach(function (symbol) {
      var row = body.insertRow();
      row.insertCell().textContent = symbol;
      row.insertCell().textContent = tick.prices[symbol].toFixed(2);
    });
    $("ticker-second").textContent = new Date(tick.second * 1000).toLocaleTimeString();
  }

  socket.addEventListener("open", function () {
    $("ws-status").textContent = say("textConnected", "Connected");
    document.body.dataset.wsConnected = "true";
    send({ action: "whoami" });
  });
  socket.addEventListener("close", function (event) {
    $("ws-status").textContent = say("textClosed", "Closed ({code})").replace("{code}", String(event.code));
    document.body.dataset.wsConnected = "false";
  });
  socket.addEventListener("message", function (event) {
    var data = null;
    try { data = JSON.parse(event.data); } catch (e) { /* plain text: a chat line */ }
    if (data && data.type === "tick") {
      stats.push.n += 1; stats.push.bytes += event.data.length; stats.push.delay += Date.now() - data.sent_ms;
      show(stats.push, "push"); showTick(data);
    } else if (data && data.type === "whoami") {
      $("my-connection").textContent = data.connectionId;
    } else if (data && (data.type === "subscribed" || data.type === "unsubscribed")) {
      subscribed = data.type === "subscribed";
      $("ticker-toggle").textContent = subscribed ? say("textUnsubscribe", "Unsubscribe") : say("textSubscribe", "Subscribe");
    } else if (data && data.message && data.connectionId !== undefined && !data.type) {
      // An error frame in AWS's shape ({"message", "connectionId", "requestId"}): the message was not handled.
      var error = document.createElement("li");
      error.className = "livegw__error"; error.setAttribute("role", "alert"); error.dataset.testid = "chat-error";
      error.textContent = "⚠ " + data.message;
      $("chat-log").appendChild(error);
    } else {
      addChat(event.data);
    }
  });

  $("chat-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var text = $("chat-text").value.trim();
    if (!text) return;
    send({ action: "sendmessage", data: JSON.stringify({ name: $("chat-name").value || "guest", text: text }) });
    $("chat-text").value = "";
  });
  $("ticker-toggle").addEventListener("click", function () {
    send({ action: subscribed ? "unsubscribe" : "subscribe" });
  });
  $("poll-toggle").addEventListener("click", function () {
    if (pollTimer) {
      clearInterval(pollTimer); pollTimer = null;
      $("poll-toggle").textContent = say("textStartPolling", "Start polling");
      return;
    }
    $("poll-toggle").textContent = say("textStopPolling", "Stop polling");
    pollTimer = setInterval(function () {
      fetch(root.dataset.pricesUrl).then(function (r) { return r.text(); }).then(function (text) {
        var tick = JSON.parse(text);
        stats.poll.n += 1; stats.poll.bytes += text.length; stats.poll.delay += Date.now() - tick.sent_ms;
        show(stats.poll, "poll");
      });
    }, 2000);
  });

  var traces = new WebSocket(scheme + location.host + root.dataset.tracesPath);
  traces.addEventListener("message", function (event) {
    var trace = JSON.parse(event.data), item = document.createElement("li");
    var steps = trace.steps.map(function (s) { return s.stage + ":" + s.outcome; }).join(" → ");
    item.textContent = trace.meta.event + " " + (trace.meta.route_key || "") + " [" + trace.meta.connection_id + "] " + steps;
    item.title = trace.steps.map(function (s) { return s.title + " — " + s.reason; }).join("\n");
    var list = $("traces");
    list.insertBefore(item, list.firstChild);
    while (list.children.length > 30) list.removeChild(list.lastChild);
  });
})();
