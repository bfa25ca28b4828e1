// Lessons: the exam countdown, and reading progress recorded as the learner scrolls.
// Both are enhancements: without JavaScript the server's deadline and the "Mark as read" form still work.
(function () {
  // Exam mode: a countdown that mirrors the server's deadline and submits the form when time is up.
  function examTimer() {
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
  }

  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; }
    catch (e) { return ""; }
  }

  var DWELL_MS = 600;

  // A section counts as read once the learner has seen both its heading and its end (the next
  // section's heading, or the end of the lesson) — so jumping past it from the contents does not count.
  function readingTracker() {
    var article = document.querySelector("article[data-read-url]");
    var toc = document.querySelector("[data-testid=lesson-toc]");
    if (!article || !toc || !("IntersectionObserver" in window)) return;
    var items = Array.prototype.slice.call(toc.querySelectorAll("li[data-anchor]"));
    var sections = items.map(function (item) {
      return { anchor: item.dataset.anchor, item: item, heading: document.getElementById(item.dataset.anchor),
               startSeen: false, endSeen: false, sent: item.classList.contains("is-read") };
    }).filter(function (section) { return section.heading; });
    var end = article.querySelector("[data-lesson-end]");
    var roles = new Map();  // observed element -> [{section, edge: "start"|"end"}]

    function watch(element, section, edge) {
      if (!element) return;
      if (!roles.has(element)) roles.set(element, []);
      roles.get(element).push({ section: section, edge: edge });
    }
    sections.forEach(function (section, index) {
      watch(section.heading, section, "start");
      watch(index + 1 < sections.length ? sections[index + 1].heading : end, section, "end");
    });

    // An edge counts as seen only after it has stayed on screen for a moment: a smooth scroll to a
    // far anchor sweeps past every heading in between, and those sections were not read.
    var timers = new Map();
    function seen(element) {
      timers.delete(element);
      roles.get(element).forEach(function (role) {
        var key = role.edge === "start" ? "startSeen" : "endSeen";
        role.section[key] = true;
        role.section.item.dataset[key] = "true";
        if (role.section.startSeen && role.section.endSeen) record(role.section);
      });
    }
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting && !timers.has(entry.target)) {
          timers.set(entry.target, window.setTimeout(seen, DWELL_MS, entry.target));
        } else if (!entry.isIntersecting && timers.has(entry.target)) {
          window.clearTimeout(timers.get(entry.target));
          timers.delete(entry.target);
        }
      });
      document.body.dataset.readingObserved = "true";
    });
    roles.forEach(function (_role, element) { observer.observe(element); });

    function record(section) {
      if (section.sent) return;  // at most one request per section
      section.sent = true;
      var body = new URLSearchParams({ anchor: section.anchor });
      fetch(article.dataset.readUrl, {
        method: "POST", body: body, credentials: "same-origin",
        headers: { "Accept": "application/json", "X-CSRFToken": csrfToken() },
      }).then(function (response) {
        if (!response.ok) throw new Error("mark_read answered " + response.status);
        return response.json();
      }).then(show).catch(function () { section.sent = false; });  // seen again later: try again
    }

    function show(progress) {
      sections.forEach(function (section) {
        if (progress.read.indexOf(section.anchor) < 0 || section.item.classList.contains("is-read")) return;
        section.item.classList.add("is-read");
        section.sent = true;
        var mark = document.createElement("span");
        mark.className = "read-mark";
        mark.innerHTML = '<span aria-hidden="true">✓</span><span class="visually-hidden"></span>';
        mark.lastChild.textContent = toc.dataset.readLabel;
        section.item.querySelector("a").after(" ", mark);
      });
      var status = document.getElementById("read-status");
      if (progress.all_read && status && status.querySelector("form")) {
        var done = document.createElement("p");
        done.textContent = "✓ " + status.dataset.doneText;
        status.replaceChildren(done);
      }
      document.body.dataset.sectionsRead = String(progress.read.length);
    }
    document.body.dataset.readingTracked = "true";
  }

  // Glossary tips open below their term; one near the right edge is moved left to stay on screen.
  function keepTipsOnScreen() {
    function place(event) {
      var term = event.target.closest && event.target.closest(".term");
      var tip = term && term.querySelector(".term__tip");
      if (!tip) return;
      tip.style.left = "";
      var overflow = tip.getBoundingClientRect().right - (document.documentElement.clientWidth - 8);
      if (overflow > 0 && window.getComputedStyle(tip).position === "absolute") tip.style.left = -overflow + "px";
    }
    document.addEventListener("mouseover", place);
    document.addEventListener("focusin", place);
  }

  examTimer();
  readingTracker();
  keepTipsOnScreen();
})();
