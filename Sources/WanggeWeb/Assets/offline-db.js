// The offline app's local store (IndexedDB), shared by the page and the service worker so that
// either can run the migrations: a new app version opens the database at a higher version and
// every step between the old and new one runs, moving queued writes and drafts forward. No step
// ever deletes a queued write.
"use strict";
var WanggeDB = (function () {
  var NAME = "wangge-offline";
  var VERSION = 3;
  var STORES = ["households", "residents", "buildings", "needs", "cases"];

  // Each step takes the database from version i to i + 1.
  var steps = [
    // 0 → 1: the copy, the queue, drafts and settings.
    function (db) {
      ["households", "residents", "buildings", "needs"].forEach(function (s) { db.createObjectStore(s, { keyPath: "id" }); });
      db.createObjectStore("queue", { keyPath: "client_id" });
      db.createObjectStore("drafts", { keyPath: "id" });
      db.createObjectStore("meta");
    },
    // 1 → 2: queued writes get an attempt count and an index by state (for the badge).
    function (db, tx) {
      var queue = tx.objectStore("queue");
      queue.createIndex("status", "status");
      queue.openCursor().onsuccess = function (e) {
        var c = e.target.result;
        if (!c) { return; }
        var item = c.value;
        if (item.attempts === undefined) { item.attempts = 0; }
        if (!item.status) { item.status = "waiting"; }
        c.update(item);
        c.continue();
      };
    },
    // 2 → 3: the open cases of the grid join the copy (filled by the next sync).
    function (db) {
      db.createObjectStore("cases", { keyPath: "id" });
    }
  ];

  function open() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(NAME, VERSION);
      req.onupgradeneeded = function (e) {
        for (var v = e.oldVersion; v < VERSION; v++) { steps[v](req.result, req.transaction); }
      };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
      req.onblocked = function () { reject(new Error("blocked")); };
    });
  }

  function run(db, stores, mode, body) {
    return new Promise(function (resolve, reject) {
      var tx = db.transaction(stores, mode);
      var out;
      Promise.resolve(body(tx)).then(function (v) { out = v; });
      tx.oncomplete = function () { resolve(out); };
      tx.onerror = function () { reject(tx.error); };
      tx.onabort = function () { reject(tx.error); };
    });
  }

  function all(db, store) {
    return new Promise(function (resolve, reject) {
      var req = db.transaction(store).objectStore(store).getAll();
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  function get(db, store, key) {
    return new Promise(function (resolve, reject) {
      var req = db.transaction(store).objectStore(store).get(key);
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  function put(db, store, value, key) {
    return run(db, [store], "readwrite", function (tx) {
      if (key === undefined) { tx.objectStore(store).put(value); } else { tx.objectStore(store).put(value, key); }
    });
  }

  return { open: open, run: run, all: all, get: get, put: put, STORES: STORES, VERSION: VERSION, NAME: NAME };
}());
