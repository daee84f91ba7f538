// The offline side of the pages (static/sw.js does the work): registers the worker, hands it
// this page's sign-in so it sends what waits on the phone, shows that queue on the child's
// home, and clears child data from the phone at logout. Every page works without this file.
(function () {
  "use strict";
  if (!("serviceWorker" in navigator) || !window.MessageChannel) { return; }

  // htmx's copies of visited pages (Back restores them, offline too): htmx 1 kept them in
  // localStorage, htmx 2 in sessionStorage. They go at logout and when the session ended, so
  // Back on a shared phone shows no child's page; a therapist's pages are never kept (base.html).
  var HTMX_HISTORY = "htmx-history-cache";
  var ASK_TIMEOUT_MS = 4000;
  var KINDS = { practice: "Practice", checkin: "Day check-in" };
  var STATES = {
    waiting: "Waiting: saved on this phone, it will be sent when you're back online.",
    saved: "Saved.",
    signin: "Not sent yet: sign in again, then it will be sent.",
    refused: "Not saved: "
  };

  var shownAt = new Date().toISOString();  // when this page's lists came from the server

  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});

  // Ask the worker something; null if it cannot answer in time.
  function ask(message) {
    return new Promise(function (resolve) {
      var channel = new MessageChannel();
      var timer = setTimeout(function () { resolve(null); }, ASK_TIMEOUT_MS);
      channel.port1.onmessage = function (event) { clearTimeout(timer); resolve(event.data); };
      navigator.serviceWorker.ready.then(function (registration) {
        registration.active.postMessage(message, [channel.port2]);
      });
    });
  }

  function isOfflineCopy() {
    return Boolean(document.querySelector("body > .offline-banner, body.offline-page"));
  }

  function signedIn() {
    var account = document.body.getAttribute("data-account");
    if (!account) { return null; }
    var token = "";
    try { token = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; }
    catch (e) { token = ""; }
    return { account: account, csrf: token };
  }

  // ---- The queue on the child's home -----------------------------------------------------
  function when(item) {
    try {
      return new Date(item.loggedAt).toLocaleString(undefined, {
        timeZone: item.zone || undefined, weekday: "short", day: "numeric", month: "short",
        hour: "2-digit", minute: "2-digit"
      });
    } catch (e) { return item.loggedAt; }
  }

  // What tells two items apart: the fears of a practice, the day of a check-in.
  function summary(item) {
    var fields = new URLSearchParams(item.body);
    if (item.kind === "practice" && fields.get("fear_before") && fields.get("fear_after")) {
      return " · fear " + fields.get("fear_before") + " → " + fields.get("fear_after");
    }
    return item.kind === "checkin" && fields.get("day") ? " · for " + fields.get("day") : "";
  }

  function row(item) {
    var li = document.createElement("li");
    li.className = "queued-item queued-" + item.state;
    li.setAttribute("data-state", item.state);
    var title = document.createElement("strong");
    title.textContent = (KINDS[item.kind] || "Form") + ", logged " + when(item) + summary(item);
    var state = document.createElement("p");
    state.className = "queued-state";
    state.textContent = (STATES[item.state] || "") + (item.state === "refused" ? item.error : "");
    li.append(title, state);
    if (item.state === "refused" || item.state === "signin") {
      if (item.state === "refused") {
        var hint = document.createElement("p");
        hint.className = "hint";
        hint.textContent = "Log it again from the form if you still want it kept, then delete this copy.";
        li.append(hint);
      }
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "danger small";
      remove.setAttribute("data-queue-delete", item.key);
      remove.textContent = "Delete from this phone";
      li.append(remove);
    }
    return li;
  }

  // The child's home shows that child's items; the offline page (no child) shows them all.
  function showQueue() {
    var box = document.getElementById("offline-queue");
    if (!box) { return Promise.resolve(); }
    var child = box.hasAttribute("data-child") ? Number(box.getAttribute("data-child")) : null;
    return ask({ type: "list" }).then(function (items) {
      var mine = (items || []).filter(function (item) { return child === null || item.childId === child; })
        .sort(function (a, b) { return a.loggedAt < b.loggedAt ? 1 : -1; });
      box.querySelector("ul").replaceChildren.apply(box.querySelector("ul"), mine.map(row));
      // Saved since this page came: its lists do not show them yet.
      box.querySelector("[data-queue-reload]").hidden = !mine.some(function (item) {
        return item.state === "saved" && item.savedAt > shownAt;
      });
      box.hidden = mine.length === 0;
      if (mine.some(function (item) { return item.state !== "saved"; })) { keepStorage(); }
    });
  }

  // Something waits on this phone only: ask the browser not to clear the site's storage when
  // space runs short (it may, unless told the data matters). Asked once, when first needed;
  // Chromium answers without a prompt, from how the site is used (installed, bookmarked).
  var keepAsked = false;
  function keepStorage() {
    if (keepAsked || !navigator.storage || !navigator.storage.persist) { return; }
    keepAsked = true;
    navigator.storage.persisted().then(function (kept) {
      if (!kept) { return navigator.storage.persist(); }
    }).catch(function () {});
  }

  // This page, the child's home and the pages it leads to, kept by the worker so they open
  // offline later. This page too: one that arrived redirected (a save's answer, a boosted
  // log-in) was not kept on its way, and an offline save lands on the child's home. The worker
  // fetches only what it has not kept in the last minutes.
  function keepLinkedPages() {
    var box = document.getElementById("offline-queue");
    if (!box || isOfflineCopy()) { return; }
    var urls = [location.pathname, "/children/" + box.getAttribute("data-child")];
    document.querySelectorAll("main a[href*='/practices/new'], main a[href$='/checkin']")
      .forEach(function (link) { urls.push(link.getAttribute("href")); });
    ask({ type: "keep", urls: urls });
  }

  // A kept check-in form opened on a later day: the check-in is for today, in the family's zone.
  function checkinForToday() {
    if (!isOfflineCopy()) { return; }
    document.querySelectorAll("input[data-family-zone]").forEach(function (input) {
      var today;
      try {
        today = new Intl.DateTimeFormat("en-CA", { timeZone: input.getAttribute("data-family-zone"),
          year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
      } catch (e) { return; }
      if (input.value && input.value === input.max && today > input.max) {
        input.max = today;
        input.value = today;
      }
    });
  }

  // ---- Every page ------------------------------------------------------------------------
  function forgetChildData(everything) {
    ["localStorage", "sessionStorage"].forEach(function (store) {
      try { window[store].removeItem(HTMX_HISTORY); } catch (e) { /* storage unavailable */ }
    });
    return ask({ type: "signed-out", everything: everything });
  }

  // Tell the worker whose page this is: it sends what waits, with this sign-in's token.
  function sendWaiting(me) {
    return ask({ type: "signed-in", account: me.account, csrf: me.csrf }).then(showQueue);
  }

  function onPage() {
    checkinForToday();
    if (isOfflineCopy()) { return showQueue(); }
    if (document.querySelector("[data-child-mode]")) {
      // The phone is in a child's hands: Back and no signal must not bring back the
      // grown-ups' pages, so the copies go (what waits to be sent stays, for the grown-ups).
      return forgetChildData(false);
    }
    var me = signedIn();
    if (me) {
      keepLinkedPages();
      showQueue();
      return sendWaiting(me);
    }
    if (navigator.onLine) {
      // A page from the server for nobody signed in: the session ended. Child data goes;
      // what was not sent stays for the next sign-in.
      return forgetChildData(false);
    }
  }

  // A boosted navigation swaps the body's content, not its attributes: carry over whose page
  // it is (a boosted log-in, or a page for nobody after the session ended).
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (!event.detail.boosted || !event.detail.shouldSwap) { return; }
    var tag = /<body\b[^>]*>/.exec(event.detail.serverResponse || "");
    var account = tag && /\sdata-account="(\d+)"/.exec(tag[0]);
    if (!tag) { return; }
    if (account) { document.body.setAttribute("data-account", account[1]); }
    else { document.body.removeAttribute("data-account"); }
  });

  // Signal back on a page the phone showed from its own copy. The offline page holds nothing
  // to lose: it reloads into the page asked for, once the server answers (the "online" event
  // can come before requests get through; a reload then would show the offline page again).
  // A kept copy may hold a form being filled in: it stays, says it is a copy, and what waits
  // is sent with its sign-in.
  function reloadOnceReachable(tries) {
    fetch(location.href, { method: "HEAD", cache: "no-store", credentials: "same-origin" })
      .then(function () { location.reload(); }, function () {
        if (tries > 1) { setTimeout(function () { reloadOnceReachable(tries - 1); }, 1500); }
      });
  }

  function backOnline() {
    if (document.body.classList.contains("offline-page")) { reloadOnceReachable(20); return; }
    var banner = document.querySelector("body > .offline-banner");
    if (banner) { banner.textContent = "Back online. This page is the copy kept on this phone: reload it for the newest."; }
    var me = signedIn();
    if (me) { sendWaiting(me); }
  }

  document.addEventListener("DOMContentLoaded", onPage);
  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.detail && event.detail.boosted) {
      shownAt = new Date().toISOString();
      onPage();
    }
  });
  window.addEventListener("online", function () {
    if (isOfflineCopy()) { backOnline(); } else { onPage(); }
  });
  // The offline page draws nothing of its own, and no htmx runs on it: Back or Forward from it
  // changed only the address. Load the page it comes to (the worker's kept copy, or this page).
  window.addEventListener("popstate", function () {
    if (document.body.classList.contains("offline-page")) { location.reload(); }
  });
  navigator.serviceWorker.addEventListener("message", function (event) {
    if (event.data && event.data.type === "queue-changed") { showQueue(); }
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-queue-delete]");
    if (!button) { return; }
    ask({ type: "delete", key: button.getAttribute("data-queue-delete") }).then(showQueue);
  });

  // Without signal no server answers "Tap how scared your child was after.": a form missing a
  // required choice would be queued, then refused once back, when the numbers are forgotten.
  // Its message (data-required, from the form's own validator) shows here instead, as the
  // server shows it.
  function showMissing(group) {
    var id = group.id.replace(/-group$/, "") + "-error";
    var error = document.getElementById(id);
    if (!error) {
      error = document.createElement("p");
      error.className = "field-error";
      error.id = id;
      group.append(error);
    }
    error.textContent = group.getAttribute("data-required");
    group.classList.add("has-error");
    var described = (group.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    if (described.indexOf(id) === -1) { group.setAttribute("aria-describedby", described.concat(id).join(" ")); }
  }

  document.addEventListener("submit", function (event) {
    if (navigator.onLine) { return; }
    var missing = Array.prototype.filter.call(
      event.target.querySelectorAll("fieldset[data-required]"),
      function (group) { return !group.querySelector("input:checked"); });
    if (!missing.length) { return; }
    event.preventDefault();
    event.stopPropagation();
    missing.forEach(showMissing);
    missing[0].querySelector("input").focus();
  }, true);

  // The next person on a shared phone gets none of this account's notifications: the form
  // names this phone's push address for the server to forget, and the browser unsubscribes.
  function stopThisPhonesPush(form) {
    if (!("serviceWorker" in navigator) || !("PushManager" in window)) { return Promise.resolve(); }
    return navigator.serviceWorker.getRegistration().then(function (registration) {
      return registration && registration.pushManager.getSubscription();
    }).then(function (subscription) {
      if (!subscription) { return; }
      var field = document.createElement("input");
      field.type = "hidden";
      field.name = "push_endpoint";
      field.value = subscription.endpoint;
      form.appendChild(field);
      return subscription.unsubscribe();
    }).catch(function () { /* no push here: nothing to stop */ });
  }

  // Logging out on a shared phone: ask before unsent items go, then leave nothing behind.
  var leaving = false;
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (leaving || !form.matches("form[data-logout]")) { return; }
    event.preventDefault();
    event.stopPropagation();
    ask({ type: "list" }).then(function (items) {
      var unsent = (items || []).filter(function (item) { return item.state !== "saved"; });
      if (unsent.length && !window.confirm(
        unsent.length + (unsent.length === 1 ? " practice or check-in is" : " practices or check-ins are") +
        " saved on this phone but not sent yet. Logging out deletes " +
        (unsent.length === 1 ? "it" : "them") + " from this phone. Log out anyway?")) {
        return;
      }
      return forgetChildData(true).then(function () {
        return stopThisPhonesPush(form);
      }).then(function () {
        leaving = true;
        form.submit();
      });
    });
  }, true);
})();
