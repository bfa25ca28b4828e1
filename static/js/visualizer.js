// Visualizer keyboard shortcuts and play/pause. Stepping itself is plain links (htmx-boosted),
// so the page works without this file; it only adds → ← Space ? and a timer.
(function () {
  var timer = null;
  var reduced = window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function trace() { return document.getElementById("trace"); }
  function go(which) {
    var link = document.querySelector(which === "next" ? "[data-testid=step-forward]" : "[data-testid=step-back]");
    if (link) { link.click(); return true; }
    return false;
  }
  function speed() {
    var select = document.querySelector("[data-testid=speed]");
    return select ? parseInt(select.value, 10) : 800;
  }
  function setPlaying(on) {
    var button = document.querySelector("[data-testid=play]");
    if (timer) { clearInterval(timer); timer = null; }
    if (on) timer = setInterval(function () { if (!go("next")) setPlaying(false); }, reduced ? Math.max(speed(), 1500) : speed());
    if (button) {
      button.setAttribute("aria-pressed", on ? "true" : "false");
      button.textContent = on ? button.dataset.pause : button.dataset.play;
    }
    document.body.dataset.playing = on ? "true" : "false";
  }
  function wire() {
    var button = document.querySelector("[data-testid=play]");
    if (button && !button.dataset.wired) {
      button.dataset.wired = "1";
      button.dataset.play = button.dataset.play || button.textContent;
      button.dataset.pause = button.dataset.pauseLabel || "❚❚";
      button.hidden = false;
      document.querySelector(".viz__speed").hidden = false;
      button.addEventListener("click", function () { setPlaying(!timer); });
      if (timer) { button.setAttribute("aria-pressed", "true"); button.textContent = button.dataset.pause; }
    }
    var copy = document.querySelector("[data-testid=copy-curl]");
    if (copy) copy.hidden = false;  // copying needs this script: without it the command is still shown
    var t = trace();
    if (t) document.body.dataset.step = t.dataset.step;
    document.body.dataset.vizReady = "true";
  }
  // The presenter view (view=presenter) is keyboard only: ← → step, Space reveals (the next
  // stage in predict mode, else the response), H hides skipped stages, Esc goes back to the page.
  function follow(name) {
    var t = trace();
    var href = t && t.dataset[name];
    if (href) { window.location.assign(href); return true; }
    return false;
  }
  function presenterKey(event) {
    var keys = { ArrowRight: "next", ArrowLeft: "prev", " ": "reveal", h: "hideToggle", H: "hideToggle", Escape: "exit" };
    var name = keys[event.key];
    if (!name) return;
    event.preventDefault();
    if (name === "reveal") { if (!follow("reveal")) follow("last"); } else follow(name);
  }
  document.addEventListener("keydown", function (event) {
    var tag = (event.target.tagName || "").toLowerCase();
    if (event.altKey || event.ctrlKey || event.metaKey || tag === "input" || tag === "textarea" || tag === "select") return;
    if (document.body.dataset.present === "true") { presenterKey(event); return; }
    if (event.key === "h" || event.key === "H") {
      var toggle = document.querySelector("[data-testid=hide-skipped]");
      if (toggle) { toggle.click(); event.preventDefault(); }
    }
    else if (event.key === "ArrowRight") { go("next"); event.preventDefault(); }
    else if (event.key === "ArrowLeft") { go("prev"); event.preventDefault(); }
    else if (event.key === " " && tag !== "button" && tag !== "a") { setPlaying(!timer); event.preventDefault(); }
    else if (event.key === "?") { var d = document.getElementById("shortcuts"); if (d && d.showModal) d.showModal(); }
  });
  // Opening the builder is part of what is on screen: keep it in the URL (build=1), so a shared
  // link opens it too. The server renders it open for build=1 or for field errors.
  document.addEventListener("toggle", function (event) {
    if (!event.target.matches || !event.target.matches("[data-testid=builder]")) return;
    var url = new URL(window.location.href);
    if (event.target.open) url.searchParams.set("build", "1"); else url.searchParams.delete("build");
    history.replaceState(history.state, "", url);
  }, true);
  // "Copy as curl": the button carries the exact command; the status line says whether it was copied.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-testid=copy-curl]");
    if (!button) return;
    var status = document.querySelector("[data-testid=curl-status]");
    function say(text, copied) { if (status) { status.textContent = text; status.dataset.copied = copied ? "true" : "false"; } }
    function selectCommand() {
      var code = document.querySelector("[data-testid=curl-command]");
      if (code) { var range = document.createRange(); range.selectNodeContents(code); var sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range); }
      say(button.dataset.copyFailed, false);
    }
    if (!navigator.clipboard || !navigator.clipboard.writeText) { selectCommand(); return; }
    navigator.clipboard.writeText(button.dataset.curl).then(function () { say(button.dataset.copied, true); }, selectCommand);
  });
  document.addEventListener("htmx:afterSettle", wire);
  document.addEventListener("input", function (event) {
    if (event.target.matches("[data-testid=scrub]")) event.target.nextElementSibling.textContent = "#" + (parseInt(event.target.value, 10) + 1);
  });
  wire();
})();
