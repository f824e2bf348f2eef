// The shop's service worker, served from the site root as /sw.js (its scope is the whole site).
// It only shows browser notifications about orders: the push's JSON payload carries the title,
// the text, the page to open and a tag (a later step of the same order replaces the earlier
// notification). It caches nothing and answers no fetch.
"use strict";

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

self.addEventListener("push", function (event) {
  var data = {};
  if (event.data) {
    try {
      data = event.data.json();
    } catch (error) {
      data = { body: event.data.text() };
    }
  }
  var options = { body: data.body || "", data: { url: data.url || "/" } };
  if (data.tag) options.tag = data.tag;
  event.waitUntil(self.registration.showNotification(data.title || self.location.hostname, options));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  // Only a page of this site opens: the path of the link, on the worker's own origin.
  var link = new URL((event.notification.data && event.notification.data.url) || "/", self.location.origin);
  var target = new URL(link.pathname + link.search, self.location.origin).href;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
      for (var i = 0; i < windows.length; i++) {
        if (windows[i].url === target && "focus" in windows[i]) return windows[i].focus();
      }
      return self.clients.openWindow(target);
    })
  );
});
