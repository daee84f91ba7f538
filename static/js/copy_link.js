// The copy button beside a link shown once (the calendar link page). Without JavaScript, or
// where the Clipboard API is missing (pages not served over HTTPS), the button stays hidden and
// the link stays in its box, where focusing it selects it to copy by hand.
(function () {
  "use strict";
  function reveal(root) {
    if (!navigator.clipboard || !window.isSecureContext) { return; }
    root.querySelectorAll("[data-copy]").forEach(function (button) { button.hidden = false; });
  }
  reveal(document);
  // A boosted page swap runs this file again: reveal its buttons, but listen only once.
  if (window.braveStepsCopyLink) { return; }
  window.braveStepsCopyLink = true;
  document.addEventListener("htmx:load", function (event) { reveal(event.target); });

  document.addEventListener("focusin", function (event) {
    if (event.target.matches("[data-copy-source]")) { event.target.select(); }
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) { return; }
    var source = document.getElementById(button.getAttribute("data-copy"));
    var status = document.querySelector("[data-copy-status]");
    navigator.clipboard.writeText(source.value).then(function () {
      status.textContent = "Copied. Paste it into your calendar app.";
    }, function () {
      source.focus();
      status.textContent = "Could not copy. The link is selected: copy it from the box.";
    });
  });
})();
