// The calm-first timer on a live session's screen: a countdown the therapist starts, shown
// large for a shared screen. Without JavaScript its buttons stay hidden.
(function () {
  "use strict";
  function reveal(root) {
    root.querySelectorAll("[data-calm-timer] [data-timer-controls]").forEach(function (controls) {
      controls.hidden = false;
    });
  }
  reveal(document);
  // A boosted page swap runs this file again: reveal its buttons, but listen only once.
  if (window.braveStepsCalmTimer) { return; }
  window.braveStepsCalmTimer = true;
  document.addEventListener("htmx:load", function (event) { reveal(event.target); });

  var ticking = null;

  function show(box, seconds) {
    var minutes = Math.floor(seconds / 60);
    var rest = seconds % 60;
    box.querySelector("[data-timer-clock]").textContent = minutes + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function stop() {
    if (ticking) { clearInterval(ticking); ticking = null; }
  }

  document.addEventListener("click", function (event) {
    var box = event.target.closest("[data-calm-timer]");
    if (!box) { return; }
    var status = box.querySelector("[data-timer-status]");
    var start = event.target.closest("[data-timer-start]");
    if (event.target.closest("[data-timer-stop]")) {
      stop();
      status.textContent = "Timer stopped.";
      return;
    }
    if (!start) { return; }
    stop();
    var endsAt = Date.now() + parseInt(start.getAttribute("data-timer-start"), 10) * 1000;
    status.textContent = "Breathe in slowly, and out slowly.";
    box.classList.add("running");
    var tick = function () {
      var left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
      if (!document.body.contains(box)) { stop(); return; }
      show(box, left);
      if (left === 0) {
        stop();
        box.classList.remove("running");
        status.textContent = "Calm time is over. Try when ready, or breathe a little longer.";
      }
    };
    tick();
    ticking = setInterval(tick, 250);
  });
})();
