// The offline app's service worker. It keeps the app shell and its assets in a cache named after
// the app version, answers from it when the network is gone, and on activation runs the local
// store's migrations so queued writes and drafts move to the new version intact. Writes are not
// replayed from here: the page syncs on open, on `online`, on becoming visible and every few
// minutes (the Background Sync API is missing in Safari, Firefox and in-app browsers).
"use strict";
var VERSION = "__APP_VERSION__";
var CACHE = "wangge-app-" + VERSION;
var SHELL = "/app";
var FILES = [SHELL, "/assets/app.css", "/assets/offline.css", "/assets/offline-app.js", "/assets/offline-db.js", "/assets/offline-icon.svg",
  "/assets/offline-icon-192.png", "/app/manifest.webmanifest"];

importScripts("/assets/offline-db.js");

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.addAll(FILES.map(function (f) { return new Request(f, { cache: "reload", credentials: "same-origin" }); }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    WanggeDB.open().then(function (db) { db.close(); }).catch(function () {})
      .then(function () { return caches.keys(); })
      .then(function (keys) {
        return Promise.all(keys.filter(function (k) { return k.indexOf("wangge-app-") === 0 && k !== CACHE; }).map(function (k) { return caches.delete(k); }));
      })
      .then(function () { return self.clients.claim(); })
      .then(function () { return self.clients.matchAll(); })
      .then(function (clients) { clients.forEach(function (c) { c.postMessage({ type: "version", version: VERSION }); }); }));
});

self.addEventListener("message", function (event) {
  if (event.data && event.data.type === "version?") { event.source.postMessage({ type: "version", version: VERSION }); }
});

self.addEventListener("fetch", function (event) {
  var req = event.request;
  var url = new URL(req.url);
  if (req.method !== "GET" || url.origin !== self.location.origin || url.pathname.indexOf("/api/") === 0) { return; }
  if (req.mode === "navigate" && url.pathname === SHELL) {
    // The shell from the network when there is one (fresh session token), else the copy.
    event.respondWith(fetch(req).then(function (res) {
      if (res.ok && !res.redirected) {
        var copy = res.clone();
        caches.open(CACHE).then(function (cache) { cache.put(SHELL, copy); });
      }
      return res;
    }).catch(function () { return caches.match(SHELL); }));
    return;
  }
  if (FILES.indexOf(url.pathname) >= 0) {
    event.respondWith(caches.match(url.pathname).then(function (hit) { return hit || fetch(req); }));
  }
});
