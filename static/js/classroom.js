// Classroom screens (presenter and student): keep the page in step with the room over its WebSocket.
// Protocol: gateway_lab/classroom/consumers.py. Public events carry a seq; on (re)connect the page
// sends the last seq it applied and the server replays what it missed, or sends a snapshot.
// Readiness flags for tests: body.dataset.wsConnected, .seq, .position, .frameLoaded, .pollTotal.
(() => {
  "use strict";
  const body = document.body;
  const role = body.dataset.role;
  const T = JSON.parse(document.getElementById("classroom-i18n").textContent);
  const ERR = JSON.parse(document.getElementById("classroom-errors").textContent);
  const lang = document.documentElement.lang || "en";
  const $ = (id) => document.getElementById(id);
  const frame = $("follow-frame");
  const pick = (texts) =>
    typeof texts === "string" ? texts : (texts && (texts[lang] || texts.en || Object.values(texts)[0])) || "";
  const el = (tag, attrs = {}, text = "") => {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
    if (text) node.textContent = text;
    return node;
  };

  const visualizerFrame = "/classroom/frame/visualizer/";
  let keyStep = () => {};
  let driveFromUrl = () => {};
  const state = { seq: 0, position: {}, poll: null, reveal: null, myAnswer: null, tally: null, questions: [],
                  following: true, hand: false };
  let socket = null;
  let retries = 0;

  function send(message) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  }

  function showError(code) {
    const box = $("error");
    box.textContent = ERR[code] || code;
    box.hidden = false;
    body.dataset.lastError = code;
  }

  // --- Position -------------------------------------------------------------------------
  function showPosition(force = false) {
    const position = state.position || {};
    $("waiting").hidden = Boolean(position.frame);
    body.dataset.position = position.frame || "";
    if (role === "student") $("open-link").href = position.open || "#";
    if (role === "presenter") {
      const viz = position.kind === "visualizer";
      $("step").textContent = viz ? position.step : "–";
      $("req").textContent = viz ? position.req + 1 : "–";
      if (document.activeElement !== $("clock")) $("clock").value = viz && position.at != null ? position.at : "";
    }
    if (role === "student" && !state.following) return;
    // force: re-following reloads the frame, which the student may have navigated while detached.
    if (position.frame && (force || frame.getAttribute("src") !== position.frame)) {
      body.dataset.frameLoaded = "";
      frame.setAttribute("src", position.frame);
    }
  }
  frame.addEventListener("load", () => {
    body.dataset.frameLoaded = frame.getAttribute("src") || "";
    // The frame is same-origin: links to pages that refuse framing (everything outside
    // /classroom/frame/, except anchors within the page) open in a new tab, so the room stays open.
    const doc = frame.contentDocument;
    if (!doc) return;
    if (role === "presenter") {
      // The presenter's arrow keys and clicks inside the frame drive the room, not just this frame.
      doc.addEventListener("keydown", (event) => {
        if (event.key !== "ArrowRight" && event.key !== "ArrowLeft") return;
        if (event.target.closest && event.target.closest("input, textarea, select")) return;
        event.preventDefault();
        event.stopImmediatePropagation();
        keyStep(event.key);
      }, true);
    }
    doc.addEventListener("click", (event) => {
      const link = event.target.closest && event.target.closest("a[href]");
      if (!link) return;
      const url = new URL(link.href, doc.baseURI);
      const here = doc.location;
      if (url.origin === location.origin && url.pathname === visualizerFrame) {
        if (role === "presenter") {
          event.preventDefault();
          driveFromUrl(url);
        } else if (state.following) {
          state.following = false; // a student clicking around in the frame is exploring
          renderFollow();
        }
        return;
      }
      if (url.origin === location.origin && url.pathname.startsWith("/classroom/frame/")) return;
      if (url.origin === location.origin && url.pathname === here.pathname && url.search === here.search) return;
      link.target = "_blank";
      link.rel = "noopener";
    });
  });

  function renderFollow() {
    if (role !== "student") return;
    $("follow-state").textContent = state.following ? T.following : T.detached;
    $("follow-toggle").textContent = state.following ? T.detach : T.follow;
    body.dataset.following = String(state.following);
  }

  // --- Poll -----------------------------------------------------------------------------
  function bars(tally, poll, answer) {
    const list = el("ul", { class: "classroom__bars", "data-testid": "poll-chart", "data-total": String(tally.total) });
    const most = Math.max(1, ...tally.bars.map((b) => b.count));
    for (const bar of tally.bars) {
      const choice = poll.choices.find((c) => c.key === bar.key);
      const item = el("li", { "data-choice": bar.key, "data-count": String(bar.count) });
      if (answer !== null && bar.key === answer) item.classList.add("is-right");
      item.append(el("span", { class: "classroom__bar-label" }, pick(choice ? choice.label : bar.key)));
      const track = el("span", { class: "classroom__bar-track" });
      const fill = el("span", { class: "classroom__bar-fill" });
      fill.style.width = `${Math.round((100 * bar.count) / most)}%`;
      track.append(fill);
      item.append(track, el("span", { class: "classroom__bar-count" }, String(bar.count)));
      list.append(item);
    }
    return list;
  }

  function renderPoll() {
    const box = $("poll");
    box.replaceChildren();
    const poll = state.poll;
    if (!poll) {
      box.append(el("p", {}, T.no_poll));
      if (role === "presenter") $("reveal").hidden = true;
      return;
    }
    box.dataset.poll = String(poll.id);
    const reveal = state.reveal && state.reveal.poll === poll.id ? state.reveal : null;
    box.append(el("p", { class: "classroom__question", "data-testid": "poll-question" }, pick(poll.question)));
    if (role === "presenter") {
      $("reveal").hidden = Boolean(reveal);
      const tally = (reveal && reveal.tally) || (state.tally && state.tally.poll === poll.id ? state.tally : null)
        || { poll: poll.id, total: 0, bars: poll.choices.map((c) => ({ key: c.key, count: 0 })) };
      box.append(bars(tally, poll, reveal ? reveal.answer : null));
      box.append(el("p", { "data-testid": "poll-total" }, `${T.answers} ${tally.total}`));
      body.dataset.pollTotal = String(tally.total);
    } else {
      const choices = el("ul", { class: "classroom__choices" });
      for (const choice of poll.choices) {
        const button = el("button", { type: "button", "data-choice": choice.key, "data-testid": `choice-${choice.key}` },
          pick(choice.label));
        if (state.myAnswer !== null || reveal) button.disabled = true;
        if (state.myAnswer === choice.key) button.setAttribute("aria-pressed", "true");
        if (reveal && reveal.answer === choice.key) button.classList.add("is-right");
        button.addEventListener("click", () => send({ command: "answer", poll: poll.id, choice: choice.key }));
        const item = el("li");
        item.append(button);
        choices.append(item);
      }
      box.append(choices);
      if (state.myAnswer !== null && !reveal) box.append(el("p", { "data-testid": "answered" }, T.answered));
      if (reveal) box.append(bars(reveal.tally, poll, reveal.answer));
    }
    if (reveal) {
      const right = poll.choices.find((c) => c.key === reveal.answer);
      const text = el("p", { class: "classroom__reveal", "data-testid": "poll-reveal" });
      text.append(el("strong", {}, `${T.right} ${pick(right ? right.label : reveal.answer)}`), " ", pick(reveal.explanation));
      box.append(text);
    }
    body.dataset.poll = String(poll.id);
    body.dataset.revealed = String(Boolean(reveal));
  }

  // --- Questions and the presenter's private panel --------------------------------------
  function renderQuestions() {
    const list = $("shown");
    list.replaceChildren(...state.questions.map((q) => el("li", { "data-question": String(q.id) }, q.text)));
  }

  function renderPresenter(info) {
    $("participant-count").textContent = String(info.participants);
    body.dataset.participants = String(info.participants);
    $("driver").textContent = info.is_driver ? T.you_drive : `${T.driven_by} ${info.driver}`;
    body.dataset.isDriver = String(info.is_driver);
    const hands = $("hands");
    hands.replaceChildren(...info.hands.map((h) => {
      const item = el("li", {}, `✋ ${h.name} ${T.hand_up} `);
      const lower = el("button", { type: "button" }, T.lower_hand);
      lower.addEventListener("click", () => send({ command: "lower_hand", participant: h.id }));
      item.append(lower);
      return item;
    }));
    const pending = $("pending");
    pending.replaceChildren(...info.pending.map((q) => {
      const item = el("li", { "data-question": String(q.id) });
      item.append(el("strong", {}, `${q.name}: `), q.text, " ");
      const show = el("button", { type: "button", "data-testid": "question-show" }, T.show);
      show.addEventListener("click", () => send({ command: "moderate", question: q.id, show: true }));
      const dismiss = el("button", { type: "button" }, T.dismiss);
      dismiss.addEventListener("click", () => send({ command: "moderate", question: q.id, show: false }));
      item.append(show, dismiss);
      return item;
    }));
    if (info.tally) {
      state.tally = info.tally;
      renderPoll();
    }
  }

  // --- Messages -------------------------------------------------------------------------
  function applyEvent(event) {
    switch (event.type) {
      case "position":
        state.position = event.position;
        showPosition();
        break;
      case "poll":
        Object.assign(state, { poll: event.poll, reveal: null, myAnswer: null, tally: null });
        renderPoll();
        if (role === "student") $("poll").scrollIntoView({ block: "nearest" }); // on a phone it is below the frame
        break;
      case "reveal":
        state.reveal = event.reveal;
        renderPoll();
        break;
      case "question":
        state.questions.push(event.question);
        renderQuestions();
        break;
      case "closed":
        body.dataset.closed = "true";
        $("ws-status").textContent = T.closed;
        break;
      default:
        break;
    }
  }

  function applySnapshot(snapshot) {
    Object.assign(state, {
      seq: snapshot.seq, position: snapshot.position || {}, poll: snapshot.poll, reveal: snapshot.reveal || null,
      questions: snapshot.questions || [],
    });
    if ("my_answer" in snapshot) state.myAnswer = snapshot.my_answer;
    if (snapshot.me) state.hand = snapshot.me.hand;
    showPosition();
    renderPoll();
    renderQuestions();
    renderHand();
    if (snapshot.presenter) renderPresenter(snapshot.presenter);
    body.dataset.seq = String(state.seq);
  }

  function handle(message) {
    switch (message.type) {
      case "snapshot": applySnapshot(message); break;
      case "presenter": renderPresenter(message); break;
      case "tally": state.tally = message.tally; renderPoll(); break;
      case "answered": state.myAnswer = message.choice; renderPoll(); break;
      case "asked": $("ask-status").textContent = T.asked; $("ask-text").value = ""; break;
      case "hand": state.hand = message.raised; renderHand(); break;
      case "error": showError(message.code); break;
      default:
        if (typeof message.seq !== "number" || message.seq <= state.seq) break; // seen already
        if (message.seq > state.seq + 1) { socket.close(); break; } // a gap: reconnect, get the replay
        state.seq = message.seq;
        applyEvent(message);
    }
    body.dataset.seq = String(state.seq);
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const url = `${scheme}//${location.host}${body.dataset.wsPath}?role=${role}&since=${state.seq}`;
    socket = new WebSocket(url);
    socket.addEventListener("open", () => {
      retries = 0;
      $("ws-status").textContent = T.connected;
      body.dataset.wsConnected = "true";
    });
    socket.addEventListener("message", (e) => handle(JSON.parse(e.data)));
    socket.addEventListener("close", (e) => {
      body.dataset.wsConnected = "false";
      if (e.code === 4404 || body.dataset.closed === "true") { $("ws-status").textContent = T.closed; return; }
      if (e.code === 4403) { showError(role === "student" ? "not_participant" : "not_driver"); return; }
      $("ws-status").textContent = T.connecting;
      retries += 1;
      setTimeout(connect, Math.min(5000, 250 * 2 ** Math.min(retries, 5)));
    });
  }

  // --- Controls -------------------------------------------------------------------------
  function renderHand() {
    if (role !== "student") return;
    $("hand").textContent = state.hand ? T.lower : T.raise;
    $("hand").setAttribute("aria-pressed", String(state.hand));
  }

  if (role === "presenter") {
    const drive = (position) => send({ command: "drive", position });
    // Move within the current preset: step, request (a new request starts at step 1) or clock.
    const move = (changes) => {
      const p = state.position.kind === "visualizer" ? state.position : { preset: $("preset").value, step: 1, req: 0 };
      const position = { kind: "visualizer", preset: p.preset, req: p.req || 0, step: p.step || 1, ...changes };
      if (!("at" in changes) && p.at != null) position.at = p.at;
      drive(position);
    };
    const step = (delta) => move({ step: Math.max(1, (state.position.step || 1) + delta) });
    $("req-forward").addEventListener("click", () => move({ req: (state.position.req || 0) + 1, step: 1 }));
    $("req-back").addEventListener("click", () => move({ req: Math.max(0, (state.position.req || 0) - 1), step: 1 }));
    $("clock").addEventListener("change", () => move({ at: $("clock").value === "" ? null : Number($("clock").value) }));
    $("show-preset").addEventListener("click", () => drive({ kind: "visualizer", preset: $("preset").value, step: 1 }));
    $("step-forward").addEventListener("click", () => step(1));
    $("step-back").addEventListener("click", () => step(-1));
    $("show-lesson").addEventListener("click", () => {
      const [slug, anchor] = $("lesson").value.split("#");
      drive({ kind: "lesson", slug, anchor: anchor || "" });
    });
    $("ask-drill").addEventListener("click", () => send({ command: "poll", kind: "drill", drill: $("drill").value }));
    $("ask-predict").addEventListener("click", () => send({ command: "poll", kind: "predict" }));
    $("ask-status").addEventListener("click", () => send({ command: "poll", kind: "status" }));
    $("reveal").addEventListener("click", () => send({ command: "reveal" }));
    $("close-room").addEventListener("click", () => send({ command: "close" }));
    $("handover").addEventListener("submit", (e) => {
      e.preventDefault();
      send({ command: "handover", to: $("handover-to").value.trim() });
    });
    keyStep = (key) => step(key === "ArrowRight" ? 1 : -1);
    driveFromUrl = (url) => {
      const q = url.searchParams;
      const position = { kind: "visualizer", preset: q.get("preset") || state.position.preset || $("preset").value,
                         step: Number(q.get("step") || 1), req: Number(q.get("req") || 0) };
      if (q.get("at")) position.at = q.get("at");
      drive(position);
    };
    document.addEventListener("keydown", (e) => {
      if (e.target.closest("input, textarea, select")) return;
      if (e.key === "ArrowRight" || e.key === "ArrowLeft") keyStep(e.key);
    });
  } else {
    $("follow-toggle").addEventListener("click", () => {
      state.following = !state.following;
      renderFollow();
      if (state.following) showPosition(true);
    });
    $("hand").addEventListener("click", () => send({ command: "hand", raised: !state.hand }));
    $("ask").addEventListener("submit", (e) => {
      e.preventDefault();
      const text = $("ask-text").value.trim();
      if (text) send({ command: "ask", text });
    });
  }

  applySnapshot(JSON.parse(document.getElementById("classroom-snapshot").textContent));
  renderFollow();
  connect();
})();
