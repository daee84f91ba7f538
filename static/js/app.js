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

  // htmx sends the CSRF token from hx-headers on <body>, and the token belongs to the session.
  // A boosted swap replaces the body's content but not its attributes, so after a boosted log-in
  // (a new session) keep the new page's token; else requests without a form of their own (a
  // note marked seen) would be refused as expired.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (!event.detail.boosted || !event.detail.shouldSwap) { return; }
    var page = new DOMParser().parseFromString(event.detail.serverResponse, "text/html");
    var headers = page.body && page.body.getAttribute("hx-headers");
    if (headers) { document.body.setAttribute("hx-headers", headers); }
  });
})();
// Errors reach the person. htmx 2 swaps no 4xx/5xx response (a refused form's 422 is swapped on
// purpose, by the htmx-config in base.html) and nothing at all when the network is down, so
// without this a tap that failed would look like a tap that did nothing.
(function () {
  "use strict";

  function show(content) {
    var message = document.getElementById("request-problem-message");
    if (!message) { return; }
    message.replaceChildren(content);
    document.getElementById("request-problem-close").hidden = false;
  }

  function clear() {
    var message = document.getElementById("request-problem-message");
    if (!message) { return; }
    message.replaceChildren();
    document.getElementById("request-problem-close").hidden = true;
  }

  function fromTemplate(id) {
    var content = document.getElementById(id).content.cloneNode(true);
    content.querySelectorAll("a[data-reload]").forEach(function (link) { link.href = location.href; });
    return content;
  }

  // The server's error section, from a fragment or a whole error page; null if the reply is not ours.
  function errorSection(xhr) {
    if ((xhr.getResponseHeader("Content-Type") || "").indexOf("text/html") !== 0) { return null; }
    var section = new DOMParser().parseFromString(xhr.responseText, "text/html").getElementById("error");
    return section && document.importNode(section, true);
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail;
    // A boosted link that fails shows the whole error page, as it would without htmx. A boosted
    // form keeps its page (and what was typed); its error goes to the alert region below.
    if (detail.boosted && detail.isError && detail.requestConfig.verb === "get") {
      detail.shouldSwap = true;
      detail.isError = false;
    }
  });

  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    // A 401 normally comes with HX-Redirect to the login page, which htmx follows itself.
    var section = xhr.status === 401 ? null : errorSection(xhr);
    show(section || fromTemplate(xhr.status === 401 ? "problem-signed-out" : "problem-unreachable"));
  });

  document.addEventListener("htmx:sendError", function () { show(fromTemplate("problem-offline")); });

  // The person trying again clears the last message; a request made in the background does not.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var trigger = event.detail.requestConfig && event.detail.requestConfig.triggeringEvent;
    if (trigger && trigger.isTrusted) { clear(); }
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest("#request-problem-close")) { clear(); }
    if (event.target.closest("[data-print]")) { window.print(); }
  });

  // Keep an old message out of htmx's history snapshot, so going back does not show it again.
  document.addEventListener("htmx:beforeHistorySave", clear);
})();
// Focus stays where the person was. htmx keeps focus on an element that has an id and comes
// back in the swapped part; the buttons in swapped lists (move a step, add one, pause a
// reminder) have none, and focus fell to the top of the page: a keyboard or switch user who
// moved a step down had to find it again from there. The control in use is remembered with the
// parts around it that have an id; after the swap, focus goes to the same control (same kind,
// name, value, address and words) in the nearest of those parts that came back, else to the
// control in the same place there (Pause becomes Resume). Page loads (boosted) are left alone.
(function () {
  "use strict";
  var CONTROLS = "a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), " +
    "select:not([disabled]), textarea:not([disabled])";
  var held = new WeakMap();  // by request: a poll in flight does not take a tap's place

  function signature(control) {
    return [control.tagName, control.getAttribute("name"), control.getAttribute("value"),
      control.getAttribute("formaction") || control.getAttribute("href"),
      control.textContent.trim()].join("\n");
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var config = event.detail.requestConfig;
    var active = document.activeElement;
    if (!config || !active || active === document.body || !active.matches(CONTROLS)) { return; }
    var places = [];
    for (var part = active.parentElement; part; part = part.parentElement) {
      if (part.id) {
        places.push({id: part.id, index: Array.prototype.indexOf.call(part.querySelectorAll(CONTROLS), active)});
      }
    }
    held.set(config, {control: active, signature: signature(active), places: places});
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var config = event.detail.requestConfig;
    var was = config && held.get(config);
    if (!was) { return; }
    held.delete(config);
    if (event.detail.boosted) { return; }
    var active = document.activeElement;
    if (active && active !== document.body && active !== was.control) { return; }  // moved on
    if (document.contains(was.control)) { return; }  // never left
    for (var i = 0; i < was.places.length; i++) {
      var part = document.getElementById(was.places[i].id);
      if (!part) { continue; }
      var controls = Array.prototype.slice.call(part.querySelectorAll(CONTROLS));
      var same = controls.filter(function (c) { return signature(c) === was.signature; })[0];
      var target = same || controls[Math.min(was.places[i].index, controls.length - 1)];
      if (!target) { continue; }
      target.focus();
      if (document.activeElement !== target) {
        // It came back folded away (a saved form's <details>): its summary, then.
        var folded = target.closest("details:not([open])");
        var summary = folded && folded.querySelector("summary");
        if (summary) { summary.focus(); }
      }
      if (document.activeElement && document.activeElement !== document.body) { return; }
    }
  });
})();
