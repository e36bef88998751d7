// The patrol page (PatrolPages.swift): "record where I am" takes the phone's position and sends
// the form; "follow me" records a point every minute while the page is open, through the JSON
// API in batches. Nobody types coordinates: without a position nothing is sent.
"use strict";
(function () {
  var form = document.querySelector("[data-patrol-point]");
  if (!form || !navigator.geolocation) { return; }
  var lon = form.querySelector("input[name=lon]");
  var lat = form.querySelector("input[name=lat]");
  var status = form.querySelector("[data-point-status]");
  var follow = form.querySelector("[data-follow]");
  form.querySelectorAll("[data-js]").forEach(function (el) { el.hidden = false; });
  function say(s) { if (status) { status.textContent = s; } }
  function locate(then) {
    say(form.dataset.locating);
    navigator.geolocation.getCurrentPosition(function (pos) {
      then({ lon: pos.coords.longitude, lat: pos.coords.latitude, at: new Date().toISOString() });
    }, function () { say(form.dataset.failed); }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 30000 });
  }
  form.addEventListener("submit", function (event) {
    if (lon.value && lat.value) { return; }
    event.preventDefault();
    locate(function (p) {
      lon.value = p.lon.toFixed(6);
      lat.value = p.lat.toFixed(6);
      form.submit();
    });
  });
  // Following: points are kept and sent together, each batch with its own id, so a batch sent
  // twice over a bad connection is stored once.
  var pending = [], sending = null, timer = null;
  function uuid() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    return "10000000-1000-4000-8000-100000000000".replace(/[018]/g, function (c) {
      return (c ^ (window.crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16);
    });
  }
  function flush() {
    // A batch not yet acknowledged is sent again as it was, under the same id.
    if (!sending) {
      if (pending.length === 0) { return; }
      sending = { client_id: uuid(), points: pending };
      pending = [];
    }
    var batch = sending;
    fetch(form.dataset.api, { method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/json" }, body: JSON.stringify(batch) })
      .then(function (r) { if (r.ok && sending === batch) { sending = null; say(form.dataset.saved + " (" + batch.points.length + ")"); } })
      .catch(function () { /* kept for the next try */ });
  }
  if (follow) {
    follow.addEventListener("change", function () {
      window.clearInterval(timer);
      if (!follow.checked) { flush(); return; }
      function tick() { locate(function (p) { pending.push(p); flush(); }); }
      tick();
      timer = window.setInterval(tick, 60000);
    });
  }
})();
