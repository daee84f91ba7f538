// Small enhancements; every page works without this file.
(function () {
  "use strict";
  // Fill hidden time zone fields from the browser, so a family's reminders use its local time.
  function fillTimezones(root) {
    var zone = "";
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { return; }
    root.querySelectorAll("[data-browser-timezone]").forEach(function (input) {
      if (!input.value || input.value === "UTC") { input.value = zone; }
    });
  }
  document.addEventListener("DOMContentLoaded", function () { fillTimezones(document); });
  document.addEventListener("htmx:load", function (event) { fillTimezones(event.target); });
})();
