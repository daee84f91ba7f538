// Phone notifications on the reminder settings page: turn web push on or off for this browser.
// Without JavaScript, or in a browser without push, the page simply does not offer it.
(function () {
  "use strict";

  function keyBytes(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded), bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { bytes[i] = raw.charCodeAt(i); }
    return bytes;
  }

  function post(box, url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": box.dataset.csrf },
      body: JSON.stringify(body)
    }).then(function (response) {
      if (!response.ok) { throw new Error("The server refused: " + response.status); }
      return response;
    });
  }

  function show(box, state, message) {
    box.querySelector("[data-push-status]").textContent = message;
    box.querySelector("[data-push-on]").hidden = state !== "off";
    box.querySelector("[data-push-off]").hidden = state !== "on";
  }

  function refresh(box, registration) {
    if (Notification.permission === "denied") {
      show(box, "blocked", "Notifications are blocked for this site in the browser's settings.");
      return Promise.resolve();
    }
    return registration.pushManager.getSubscription().then(function (subscription) {
      if (subscription) { show(box, "on", "Notifications are on for this browser."); }
      else { show(box, "off", "Notifications are off for this browser."); }
    });
  }

  function turnOn(box, registration) {
    return Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") { return null; }
      return registration.pushManager.subscribe({
        userVisibleOnly: true, applicationServerKey: keyBytes(box.dataset.vapidKey)
      }).then(function (subscription) {
        return post(box, box.dataset.subscribeUrl, subscription.toJSON());
      });
    });
  }

  function turnOff(box, registration) {
    return registration.pushManager.getSubscription().then(function (subscription) {
      if (!subscription) { return null; }
      var endpoint = subscription.endpoint;
      return subscription.unsubscribe().then(function () {
        return post(box, box.dataset.unsubscribeUrl, { endpoint: endpoint });
      });
    });
  }

  function setUp(box) {
    if (!box || box.dataset.ready) { return; }
    box.dataset.ready = "1";
    if (!("serviceWorker" in navigator && "PushManager" in window && "Notification" in window)) {
      return;  // the card stays hidden: nothing to offer in this browser
    }
    box.hidden = false;
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function (registration) {
      function run(action) {
        return function () {
          action(box, registration).then(function () { return refresh(box, registration); })
            .catch(function () { show(box, "off", "That did not work. Please try again later."); });
        };
      }
      box.querySelector("[data-push-on]").addEventListener("click", run(turnOn));
      box.querySelector("[data-push-off]").addEventListener("click", run(turnOff));
      return refresh(box, registration);
    }).catch(function () { box.hidden = true; });
  }

  setUp(document.getElementById("push-settings"));
  if (!window.braveStepsPushListening) {
    window.braveStepsPushListening = true;
    // After an htmx (boosted) navigation back to the settings page.
    document.addEventListener("htmx:load", function () {
      setUp(document.getElementById("push-settings"));
    });
  }
})();
