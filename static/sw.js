// Brave Steps service worker: shows the reminders the server pushes, opens the app on a tap.
// Served at /sw.js (not /static/) so that its scope is the whole app.
"use strict";

var FALLBACK_URL = "/inbox";

// Only our own pages may be opened from a notification.
function sameOriginUrl(path) {
  try {
    var url = new URL(path || FALLBACK_URL, self.location.origin);
    return url.origin === self.location.origin ? url.href : new URL(FALLBACK_URL, self.location.origin).href;
  } catch (e) {
    return new URL(FALLBACK_URL, self.location.origin).href;
  }
}

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

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
