// Applied before the stylesheet paints: the saved theme, or "auto" (follow the system).
(function () {
  try {
    var saved = localStorage.getItem("gateway-lab-theme");
    if (saved === "light" || saved === "dark") document.documentElement.dataset.theme = saved;
  } catch (e) { /* storage may be disabled: follow the system */ }
})();
