// Site-wide behaviour: the theme toggle, the header search (live panel, "/" to focus) and a
// language switch that keeps your place (#anchor). Everything else works without JavaScript.
(function () {
  var root = document.documentElement;
  var button = document.querySelector("[data-testid=theme-toggle]");
  var media = window.matchMedia("(prefers-color-scheme: dark)");

  function effectiveTheme() {
    var theme = root.dataset.theme;
    if (theme === "light" || theme === "dark") return theme;
    return media.matches ? "dark" : "light";
  }

  function render() {
    var dark = effectiveTheme() === "dark";
    button.setAttribute("aria-pressed", dark ? "true" : "false");
    button.querySelector(".theme-toggle__label").textContent = dark ? button.dataset.labelDark : button.dataset.labelLight;
  }

  if (button) {
    button.addEventListener("click", function () {
      var next = effectiveTheme() === "dark" ? "light" : "dark";
      root.dataset.theme = next;
      try { localStorage.setItem("gateway-lab-theme", next); } catch (e) { /* not saved */ }
      render();
    });
    media.addEventListener("change", render);
    render();
  }
  // Our views answer invalid input with 400 and the form re-rendered with its errors: swap it in
  // (htmx 2 ignores 4xx bodies by default). Server errors still do not replace the page.
  if (window.htmx) {
    htmx.config.responseHandling = [
      { code: "204", swap: false },
      { code: "[23]..", swap: true },
      { code: "4..", swap: true, error: false },
      { code: "...", swap: false, error: true },
    ];
  }
  setupSearch();
  setupLanguageSwitch();
  document.body.dataset.ready = "true";

  function setupSearch() {
    var form = document.querySelector(".site-search");
    if (!form) return;
    var input = form.querySelector("input[type=search]");
    var panel = form.querySelector(".site-search__panel");
    function open(on) { form.classList.toggle("is-open", on && panel.children.length > 0); }
    panel.addEventListener("htmx:afterSwap", function () { open(document.activeElement === input || form.contains(document.activeElement)); });
    form.addEventListener("focusin", function () { open(true); });
    form.addEventListener("focusout", function (event) {
      if (!form.contains(event.relatedTarget)) open(false);
    });
    input.addEventListener("input", function () { if (!input.value.trim()) { panel.innerHTML = ""; open(false); } });
    form.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { open(false); input.focus(); }
      if (event.key === "ArrowDown" && document.activeElement === input) {
        var first = panel.querySelector("a");
        if (first) { event.preventDefault(); open(true); first.focus(); }
      }
    });
    // "/" focuses the search field, unless the reader is typing somewhere else.
    document.addEventListener("keydown", function (event) {
      if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
      var target = event.target;
      var tag = target && target.tagName;
      if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable)) return;
      event.preventDefault();
      input.focus();
      input.select();
    });
  }

  function setupLanguageSwitch() {
    // The server only sees the path; keep the #section the reader is at, and drop a search hit's
    // ?lang= so the page follows the newly chosen language.
    document.querySelectorAll("form.lang-switch").forEach(function (form) {
      form.addEventListener("submit", function () {
        var next = form.querySelector("input[name=next]");
        if (!next) return;
        var url = new URL(next.value || "/", window.location.origin);
        url.searchParams.delete("lang");
        next.value = url.pathname + url.search + window.location.hash;
      });
    });
  }
})();
