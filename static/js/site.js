// Site-wide behaviour: the theme toggle. Everything else works without JavaScript.
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
  document.body.dataset.ready = "true";
})();
