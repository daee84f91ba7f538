// The Copy and Share buttons beside a link shown once (the calendar link, a family invitation).
// Without JavaScript the buttons stay hidden and the link stays in its box, where focusing it
// selects it to copy by hand. Copy shows where the Clipboard API works (pages served over
// HTTPS); Share where the browser has the Web Share API (most phones).
(function () {
  "use strict";
  function reveal(root) {
    if (navigator.clipboard && window.isSecureContext) {
      root.querySelectorAll("[data-copy]").forEach(function (button) { button.hidden = false; });
    }
    if (navigator.share) {
      root.querySelectorAll("[data-share]").forEach(function (button) { button.hidden = false; });
    }
  }
  reveal(document);
  // A boosted page swap runs this file again: reveal its buttons, but listen only once.
  if (window.braveStepsCopyLink) { return; }
  window.braveStepsCopyLink = true;
  document.addEventListener("htmx:load", function (event) { reveal(event.target); });

  document.addEventListener("focusin", function (event) {
    if (event.target.matches("[data-copy-source]")) { event.target.select(); }
  });

  function say(words) {
    var status = document.querySelector("[data-copy-status]");
    if (status) { status.textContent = words; }
  }

  function copy(button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    navigator.clipboard.writeText(source.value).then(function () {
      say(button.getAttribute("data-copied") || "Copied.");
    }, function () {
      source.focus();
      say("Could not copy. The link is selected: copy it from the box.");
    });
  }

  function share(button) {
    var source = document.getElementById(button.getAttribute("data-share"));
    navigator.share({ title: button.getAttribute("data-share-title") || document.title,
                      text: button.getAttribute("data-share-text") || "",
                      url: source.value }).then(function () {
      say("Shared.");
    }, function (error) {
      if (error && error.name === "AbortError") { return; } // closed the share sheet
      source.focus();
      say("Could not share. The link is selected: copy it from the box.");
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy], [data-share]");
    if (!button) { return; }
    if (button.hasAttribute("data-copy")) { copy(button); } else { share(button); }
  });
})();
