// Browser notifications for a customer's orders (templates/notifications/_push_toggle.html):
// registers the service worker (/sw.js), asks the browser's permission, subscribes with the
// shop's VAPID public key and tells the shop about the subscription (or that it ended).
(function () {
  "use strict";

  function base64UrlToBytes(value) {
    var padded = (value + "===".slice((value.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = window.atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function post(section, url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": section.dataset.csrfToken },
      body: JSON.stringify(body),
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) throw new Error(data.error || section.dataset.textFailed);
        return data;
      });
    });
  }

  function setup(section) {
    var button = section.querySelector("[data-web-push-toggle]");
    var status = section.querySelector("#web-push-status");
    var controls = section.querySelector(".web-push-controls");
    var source = section.dataset.source;
    var on = false;

    function show(isOn, text) {
      on = isOn;
      section.dataset.state = isOn ? "on" : "off";
      button.textContent = isOn ? section.dataset.textTurnOff : section.dataset.textTurnOn;
      button.setAttribute("aria-pressed", isOn ? "true" : "false");
      status.textContent = text === undefined ? (isOn ? section.dataset.textOn : "") : text;
    }

    if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
      status.textContent = section.dataset.textUnsupported;
      return;
    }
    controls.hidden = false;
    show(false);
    var registration = navigator.serviceWorker.register(section.dataset.serviceWorker);
    section.webPushReady = registration.then(function () { return navigator.serviceWorker.ready; });

    section.webPushReady
      .then(function (ready) { return ready.pushManager.getSubscription(); })
      .then(function (subscription) {
        if (!subscription) return;
        return post(section, section.dataset.statusUrl, { endpoint: subscription.endpoint }).then(
          function (data) { show(Boolean(data.subscribed)); }
        );
      })
      .catch(function () { /* the button still works */ });

    function turnOn() {
      return Notification.requestPermission().then(function (permission) {
        if (permission !== "granted") throw new Error(section.dataset.textDenied);
        return section.webPushReady;
      }).then(function (ready) {
        return ready.pushManager.getSubscription().then(function (existing) {
          return existing || ready.pushManager.subscribe({
            userVisibleOnly: true,
            applicationServerKey: base64UrlToBytes(section.dataset.publicKey),
          });
        }).catch(function () {
          throw new Error(section.dataset.textFailed);
        });
      }).then(function (subscription) {
        return post(section, section.dataset.subscribeUrl, {
          subscription: subscription.toJSON(),
          source: source,
        });
      }).then(function (data) { show(true, data.message); });
    }

    function turnOff() {
      return section.webPushReady.then(function (ready) {
        return ready.pushManager.getSubscription();
      }).then(function (subscription) {
        if (!subscription) return { message: section.dataset.textOff };
        return post(section, section.dataset.unsubscribeUrl, {
          endpoint: subscription.endpoint,
          source: source,
        }).catch(function () { return { message: section.dataset.textOff }; }).then(function (data) {
          return subscription.unsubscribe().then(function () { return data; });
        });
      }).then(function (data) { show(false, data.message || section.dataset.textOff); });
    }

    button.addEventListener("click", function () {
      button.disabled = true;
      (on ? turnOff() : turnOn())
        .catch(function (error) { status.textContent = error.message || section.dataset.textFailed; })
        .then(function () { button.disabled = false; });
    });
  }

  document.querySelectorAll("[data-web-push]").forEach(setup);
})();
