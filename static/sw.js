// Brave Steps service worker: the app shell and a family's pages offline, practices and
// check-ins queued on the phone while offline and sent once when back, and the reminders the
// server pushes. Served at /sw.js (not /static/) so that its scope is the whole app;
// views/push.py replaces the BUILD line with the fingerprinted shell of this deploy.
"use strict";

var BUILD = {"version": "dev", "shell": [], "offline": "/offline", "loggedOut": "/offline/logged-out"};
var SHELL_CACHE = "shell-" + BUILD.version;
var PAGES_CACHE = "pages";  // child data: cleared on logout and when the session ends
var DB_NAME = "brave-steps-offline";
var QUEUE = "queue";        // one item per form (its idempotency key), see queueItem()
var META = "meta";          // {name: "account", value: <user id>} of the last signed-in page
var SYNC_TAG = "send-queue";
var LOGOUT_PATH = "/logout";
var LOGOUT_TAG = "finish-logout";
var KEPT_FRESH_MS = 10 * 60 * 1000;  // a kept page younger than this is not fetched again ahead
var GONE = "the step or the child it was for is no longer in the app.";
var SAVED_SHOWN_MS = 60 * 60 * 1000;  // a saved item is shown as saved for an hour, then goes
var FALLBACK_URL = "/inbox";
var OFFLINE_BANNER = "<p class=\"offline-banner\" role=\"status\">You're offline. What you " +
  "log now is kept on this phone and sent when you're back online.</p>";

// The pages a family needs at the school gate, kept for when the network is gone.
var OFFLINE_PAGES = [/^\/$/, /^\/children\/\d+$/, /^\/children\/\d+\/practices\/new$/,
                     /^\/children\/\d+\/checkin$/];
// The forms queued when the network fails: [path pattern, kind].
var QUEUED_FORMS = [[/^\/children\/(\d+)\/practices$/, "practice"],
                    [/^\/children\/(\d+)\/checkin$/, "checkin"]];

// ---- IndexedDB --------------------------------------------------------------------------
function openDb() {
  return new Promise(function (resolve, reject) {
    var request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = function () {
      request.result.createObjectStore(QUEUE, { keyPath: "key" });
      request.result.createObjectStore(META, { keyPath: "name" });
    };
    request.onsuccess = function () { resolve(request.result); };
    request.onerror = function () { reject(request.error); };
  });
}

function inStore(store, mode, work) {
  return openDb().then(function (db) {
    return new Promise(function (resolve, reject) {
      var tx = db.transaction(store, mode), result;
      var request = work(tx.objectStore(store));
      if (request) { request.onsuccess = function () { result = request.result; }; }
      tx.oncomplete = function () { db.close(); resolve(result); };
      tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
    });
  });
}

function allItems() { return inStore(QUEUE, "readonly", function (s) { return s.getAll(); }); }
function putItem(item) { return inStore(QUEUE, "readwrite", function (s) { return s.put(item); }); }
function deleteItem(key) { return inStore(QUEUE, "readwrite", function (s) { return s.delete(key); }); }
function account() {
  return inStore(META, "readonly", function (s) { return s.get("account"); })
    .then(function (row) { return row ? row.value : null; });
}
function rememberAccount(id) {
  return inStore(META, "readwrite", function (s) { return s.put({ name: "account", value: id }); });
}

// ---- Install, activate: a cache per deploy ----------------------------------------------
self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL_CACHE)
    .then(function (cache) { return cache.addAll(BUILD.shell.concat([BUILD.offline, BUILD.loggedOut])); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("shell-") === 0 && name !== SHELL_CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

// ---- Pages ------------------------------------------------------------------------------
function matches(patterns, path) {
  return patterns.some(function (pattern) { return pattern.test(path); });
}

function isWholePage(request) {
  // A boosted htmx request gets the whole page; a request for part of a page does not.
  return request.headers.get("HX-Request") !== "true" || request.headers.get("HX-Boosted") === "true";
}

function randomKey() {
  var bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
}

// The kept page's own security headers go with its offline copy (its CSP above all).
var KEPT_HEADERS = ["Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy",
                    "X-Frame-Options"];

// A kept page as it is shown offline: marked with the banner, each form with a fresh key (as
// a fresh render would have; the kept copy's key may already be used by a form sent online).
function offlineCopy(response, fearBefore) {
  return response.text().then(function (html) {
    if (fearBefore) {
      html = html.replace('name="fear_before" value="' + fearBefore + '"', "$& checked");
    }
    html = html.replace(/(<body\b[^>]*>)/, "$1" + OFFLINE_BANNER)
      .replace(/(name="idempotency_key"[^>]*value=")[0-9a-f]{32}"/g,
               function (_all, start) { return start + randomKey() + "\""; });
    var headers = new Headers({ "Content-Type": "text/html; charset=utf-8" });
    KEPT_HEADERS.forEach(function (name) {
      if (response.headers.has(name)) { headers.set(name, response.headers.get(name)); }
    });
    return new Response(html, { headers: headers });
  });
}

// Counts the times the phone forgot the child's pages (logout, a session that ended). A page
// asked for before one of them and arriving after must not be kept: `since` is the count when
// it was asked for. Checked again once stored, as a forget may land while it is being stored.
var forgotten = 0;

function keepPage(url, response, since) {
  if (!response.ok || response.redirected || since !== forgotten ||
      (response.headers.get("Content-Type") || "").indexOf("text/html") !== 0) { return; }
  var copy = response.clone(), key = new Request(url);
  return caches.open(PAGES_CACHE).then(function (cache) {
    return cache.put(key, copy).then(function () {
      if (since !== forgotten) { return cache.delete(key); }
    });
  });
}

// When a kept page was sent: its Date, read as the first date only. A copy can carry Date
// twice (joined: "Fri, 04 Dec 2026 00:55:17 GMT, Fri, 04 Dec 2026 …"), which no parser takes,
// and every visit to the home then fetched all its pages again. An HTTP date is 29 characters.
function keptAt(kept) {
  return Date.parse((kept.headers.get("Date") || "").slice(0, 29));
}

function cachedPage(request) {
  return caches.match(request.url, { cacheName: PAGES_CACHE, ignoreVary: true });
}

function offlineShell() {
  return caches.match(BUILD.offline, { cacheName: SHELL_CACHE, ignoreVary: true })
    .then(function (page) { return page || Response.error(); });
}

// A fear before tapped on the home card (?step=…&fear_before=N) while offline: the kept form
// for that step, with the rating ticked, so the quick path works at the school gate too.
function quickStartFallback(request) {
  var url = new URL(request.url), before = url.searchParams.get("fear_before");
  if (!/^(10|[0-9])$/.test(before || "")) { return offlineShell(); }
  url.searchParams.delete("fear_before");
  return caches.match(url.href, { cacheName: PAGES_CACHE, ignoreVary: true }).then(function (form) {
    return form ? offlineCopy(form, before) : offlineShell();
  });
}

function offlineFallback(request) {
  return cachedPage(request).then(function (kept) {
    if (kept) { return offlineCopy(kept); }
    return quickStartFallback(request);
  });
}

function pageFromNetwork(event, path) {
  var request = event.request;
  var keep = matches(OFFLINE_PAGES, path) && isWholePage(request), since = forgotten;
  return fetch(request).then(function (response) {
    if (keep) { event.waitUntil(keepPage(request.url, response.clone(), since)); }
    return response;
  }, function () { return offlineFallback(request); });
}

// ---- The queue --------------------------------------------------------------------------
function queuedForm(path) {
  for (var i = 0; i < QUEUED_FORMS.length; i++) {
    var found = QUEUED_FORMS[i][0].exec(path);
    if (found) { return { kind: QUEUED_FORMS[i][1], childId: Number(found[1]) }; }
  }
  return null;
}

function queueItem(request, form, body) {
  var fields = new URLSearchParams(body);
  var now = new Date();
  return account().then(function (owner) {
    return {
      key: fields.get("idempotency_key") || randomKey(),  // the same form twice: one item
      kind: form.kind, childId: form.childId, url: request.url, body: body,
      contentType: request.headers.get("Content-Type") || "application/x-www-form-urlencoded",
      loggedAt: now.toISOString(),
      zone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      account: owner, state: "waiting", error: ""
    };
  });
}

function queueOnFailure(event, form) {
  var request = event.request, copy = request.clone();
  return fetch(request).catch(function () {
    return copy.text().then(function (body) {
      if ((copy.headers.get("Content-Type") || "").indexOf("application/x-www-form-urlencoded") !== 0) {
        return Response.error();  // our forms are url-encoded; anything else is not ours to keep
      }
      return queueItem(request, form, body).then(putItem).then(function () {
        if (self.registration.sync) {
          self.registration.sync.register(SYNC_TAG).catch(function () {});
        }
        tellPages();
        // Like the server's answer to a saved form: back to the child's home, where the
        // queue shows this item waiting.
        return Response.redirect("/children/" + form.childId, 303);
      });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request, url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.method === "POST") {
    if (url.pathname === LOGOUT_PATH) { event.respondWith(logOutOrLater(event.request)); return; }
    var form = queuedForm(url.pathname);
    if (form) { event.respondWith(queueOnFailure(event, form)); }
    return;
  }
  if (request.method !== "GET") { return; }
  if (BUILD.shell.indexOf(url.pathname) !== -1) {
    // Fingerprinted names never change content: the cached copy is always right.
    event.respondWith(caches.match(request, { cacheName: SHELL_CACHE, ignoreVary: true })
      .then(function (hit) { return hit || fetch(request); }));
    return;
  }
  if (request.mode === "navigate" || matches(OFFLINE_PAGES, url.pathname)) {
    // A logout kept from offline goes first: no page opens signed in after it.
    event.respondWith(finishLogout().then(function () {
      return pageFromNetwork(event, url.pathname);
    }));
  }
});

// ---- A logout without signal --------------------------------------------------------------
// The phone forgets the family at once (offline.js cleared it before sending); the server's
// session ends when the kept form (its CSRF token with it) reaches it: before the next page,
// or from Background Sync when the connection returns.
var logoutKept;  // the kept form's body; null for none; undefined until read from IndexedDB

function keptLogout() {
  if (logoutKept !== undefined) { return Promise.resolve(logoutKept); }
  return inStore(META, "readonly", function (s) { return s.get("logout"); }).then(function (row) {
    logoutKept = row ? row.value : null;
    return logoutKept;
  }, function () { return null; });
}

function logOutOrLater(request) {
  var copy = request.clone();
  return fetch(request).catch(function () {
    return copy.text().then(function (body) {
      logoutKept = body;
      return inStore(META, "readwrite", function (s) { return s.put({ name: "logout", value: body }); });
    }).then(forgetPages).then(function () {
      if (self.registration.sync) {
        self.registration.sync.register(LOGOUT_TAG).catch(function () {});
      }
      return caches.match(BUILD.loggedOut, { cacheName: SHELL_CACHE, ignoreVary: true });
    }).then(function (page) { return page || Response.error(); });
  });
}

// Send the kept logout; true when none is left. Any answer from the server settles it (one
// whose session already ended refuses the token, and has nothing left to end).
function finishLogout() {
  return keptLogout().then(function (body) {
    if (body === null) { return true; }
    return fetch(LOGOUT_PATH, {
      method: "POST", credentials: "same-origin", redirect: "manual", body: body,
      headers: { "Content-Type": "application/x-www-form-urlencoded" }
    }).then(function () {
      logoutKept = null;
      return inStore(META, "readwrite", function (s) { return s.delete("logout"); })
        .then(function () { return true; });
    }, function () { return false; });  // still offline: kept for the next try
  });
}

// ---- Sending the queue ------------------------------------------------------------------
var sending = Promise.resolve();

function tellPages() {
  return self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (pages) {
    pages.forEach(function (page) { page.postMessage({ type: "queue-changed" }); });
  });
}

function forgetPages() {
  forgotten += 1;
  return caches.delete(PAGES_CACHE);
}

function sendOne(item, fresh) {
  var body = new URLSearchParams(item.body);
  if (fresh && fresh.csrf && item.account !== null && item.account === fresh.account) {
    // The same person signed in again since: the form's token belongs to the ended session.
    body.set("csrf_token", fresh.csrf);
  }
  return fetch(item.url, {
    method: "POST", credentials: "same-origin", redirect: "manual", body: body.toString(),
    headers: { "Content-Type": item.contentType, "X-Queued-Sync": "1", "X-Queued-At": item.loggedAt }
  }).then(function (response) {
    if (response.status === 201) {
      item.state = "saved"; item.error = ""; item.savedAt = new Date().toISOString();
      return item;
    }
    if (response.status === 401 || response.status === 404 || response.status === 422) {
      return response.json().catch(function () { return {}; }).then(function (answer) {
        item.state = response.status === 401 ? "signin" : "refused";
        item.error = response.status === 404 ? GONE : (answer.error || "The server refused it.");
        return response.status === 401 ? forgetPages().then(function () { return item; }) : item;
      });
    }
    return null;  // anything else: try again later
  }, function () { return null; });
}

// Send every item that waits (and, with a fresh token from a signed-in page, those that
// waited for a sign-in), one at a time; a send already under way finishes first.
function sendQueue(fresh) {
  sending = sending.then(function () {
    return allItems().then(function (items) {
      var old = Date.now() - SAVED_SHOWN_MS;
      items.filter(function (item) { return item.state === "saved" && Date.parse(item.savedAt) < old; })
        .forEach(function (item) { deleteItem(item.key); });
      var due = items.filter(function (item) {
        return item.state === "waiting" || (item.state === "signin" && fresh && item.account === fresh.account);
      });
      return due.reduce(function (previous, item) {
        return previous.then(function () {
          return sendOne(item, fresh).then(function (done) {
            if (done) { return putItem(done).then(tellPages); }
          });
        });
      }, Promise.resolve());
    });
  }).catch(function () {});
  return sending;
}

self.addEventListener("sync", function (event) {
  if (event.tag === SYNC_TAG) { event.waitUntil(sendQueue(null)); }
  if (event.tag === LOGOUT_TAG) {
    event.waitUntil(finishLogout().then(function (done) {
      if (!done) { throw new Error("still offline"); }  // the browser tries again later
    }));
  }
});

// Messages from the pages (static/js/offline.js), answered on the port they came with.
function answer(event, value) { if (event.ports[0]) { event.ports[0].postMessage(value); } }

self.addEventListener("message", function (event) {
  var data = event.data || {};
  var work;
  if (data.type === "signed-in") {
    // A signed-in page: remember whose phone it is now, send what waits with its token.
    var fresh = { account: data.account, csrf: data.csrf };
    work = rememberAccount(data.account).then(function () { return sendQueue(fresh); });
  } else if (data.type === "list") {
    work = allItems();
  } else if (data.type === "delete") {
    work = deleteItem(data.key).then(tellPages);
  } else if (data.type === "signed-out") {
    // Logged out, or the session ended: child data goes; unsent items go only when asked.
    work = forgetPages().then(allItems).then(function (items) {
      return Promise.all(items.filter(function (item) {
        return data.everything || item.state === "saved";
      }).map(function (item) { return deleteItem(item.key); }));
    }).then(function () {
      return data.everything ? inStore(META, "readwrite", function (s) { return s.clear(); }) : null;
    });
  } else if (data.type === "keep") {
    // Pages the child's home leads to, kept now so they open offline later (unless the phone
    // forgets the child's pages before they arrive).
    var since = forgotten;
    work = caches.open(PAGES_CACHE).then(function (cache) {
      return Promise.all((data.urls || []).map(function (path) {
        var url = new URL(path, self.location.origin);
        if (url.origin !== self.location.origin || !matches(OFFLINE_PAGES, url.pathname)) { return null; }
        return cache.match(url.href, { ignoreVary: true }).then(function (kept) {
          var age = kept ? Date.now() - keptAt(kept) : NaN;
          if (age < KEPT_FRESH_MS) { return null; }
          return fetch(url.href, { credentials: "same-origin" }).then(function (response) {
            return keepPage(url.href, response, since);
          }, function () {});
        });
      }));
    });
  }
  if (work) {
    event.waitUntil(work.then(function (value) { answer(event, value === undefined ? null : value); },
                              function () { answer(event, null); }));
  }
});

// ---- Push notifications -----------------------------------------------------------------
// Only our own pages may be opened from a notification.
function sameOriginUrl(path) {
  try {
    var url = new URL(path || FALLBACK_URL, self.location.origin);
    return url.origin === self.location.origin ? url.href : new URL(FALLBACK_URL, self.location.origin).href;
  } catch (e) {
    return new URL(FALLBACK_URL, self.location.origin).href;
  }
}

self.addEventListener("push", function (event) {
  var data = {};
  if (event.data) {
    try { data = event.data.json(); } catch (e) { data = { body: event.data.text() }; }
  }
  event.waitUntil(self.registration.showNotification(data.title || "Brave Steps", {
    body: data.body || "",
    icon: "/static/icons/brave-steps-192.png",
    lang: "en",
    data: { url: sameOriginUrl(data.url) }
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var target = (event.notification.data && event.notification.data.url) || sameOriginUrl();
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true })
    .then(function (windows) {
      for (var i = 0; i < windows.length; i++) {
        if (windows[i].url === target && "focus" in windows[i]) { return windows[i].focus(); }
      }
      return self.clients.openWindow(target);
    }));
});
