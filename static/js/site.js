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
  document.body.dataset.ready = "true";
})();
