// Exam mode: a countdown that mirrors the server's deadline and submits the form when time is up.
(function () {
  var timer = document.querySelector("[data-testid=exam-timer]");
  var form = document.getElementById("exam-form");
  if (!timer || !form) return;
  var value = timer.querySelector(".exam-timer__value");
  var deadline = Date.now() + Number(timer.dataset.secondsLeft) * 1000;

  function tick() {
    var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    var minutes = Math.floor(left / 60), seconds = left % 60;
    value.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
    if (left === 0) { form.submit(); return; }
    window.setTimeout(tick, 1000);
  }
  tick();
  document.body.dataset.examReady = "true";
})();
