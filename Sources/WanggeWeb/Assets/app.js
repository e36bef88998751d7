// Wangge pages work without script; this only smooths them on slow networks.
"use strict";
document.addEventListener("submit", function (event) {
  // A second tap while a slow upload is still running would post the form twice.
  var form = event.target;
  if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) { event.preventDefault(); return; }
  window.setTimeout(function () {
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
  }, 0);
});
document.addEventListener("click", function (event) {
  // The contact cards' print button; without script the browser's own print does the same.
  if (event.target.closest && event.target.closest("[data-print]")) { event.preventDefault(); window.print(); }
});
document.addEventListener("submit", function (event) {
  // An import with its progress on the page: the upload's share, then rows done of the rows the
  // file will hold, with the time left; then the result in place of the page. Without script (or
  // on an old browser) the form posts as usual and the page comes back when the import is done.
  var form = event.target;
  if (event.defaultPrevented || !form.matches || !form.matches("form[data-progress]") || !window.FormData || !window.JSON) return;
  var box = form.querySelector(".import-progress");
  if (!box) return;
  event.preventDefault();
  var bar = box.querySelector("progress"), label = box.querySelector("span");
  var xhr = new XMLHttpRequest(), seen = 0, first = null;
  function fill(text, values) { return text.replace(/\{(\d)\}/g, function (_, i) { return values[+i]; }); }
  function left(seconds) {
    return seconds < 90 ? fill(form.dataset.seconds, [Math.max(1, Math.round(seconds))]) : fill(form.dataset.minutes, [Math.round(seconds / 60)]);
  }
  function show(line) {
    if (line.main !== undefined) {
      var main = form.closest("main"), title = main.querySelector("h1");
      main.innerHTML = (title ? title.outerHTML : "") + line.main;
      window.scrollTo(0, 0);
      return;
    }
    if (line.error !== undefined) { label.textContent = line.error; return; }
    var now = Date.now();
    if (!first) first = { at: now, done: line.done };
    var rate = (line.done - first.done) / Math.max(1, now - first.at);
    bar.max = Math.max(1, line.total);
    bar.value = line.done;
    label.textContent = fill(form.dataset.rows, [line.done, line.total, rate > 0 ? left((line.total - line.done) / rate / 1000) : "…"]);
  }
  function read() {
    var text = xhr.responseText, end = text.lastIndexOf("\n");
    if (end < seen) return;
    text.slice(seen, end).split("\n").forEach(function (l) { if (l) { try { show(JSON.parse(l)); } catch (e) { /* a partial line waits */ } } });
    seen = end + 1;
  }
  box.hidden = false;
  xhr.open("POST", form.action);
  xhr.setRequestHeader("X-Import-Progress", "1");
  xhr.upload.onprogress = function (e) {
    if (!e.lengthComputable) return;
    bar.max = e.total;
    bar.value = e.loaded;
    label.textContent = fill(form.dataset.uploading, [Math.round(100 * e.loaded / e.total)]);
  };
  xhr.onprogress = read;
  xhr.onload = function () {
    read();
    if (xhr.status !== 200) { label.textContent = form.dataset.failed; }
  };
  xhr.onerror = function () {
    label.textContent = form.dataset.failed;
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = false; });
  };
  xhr.send(new FormData(form));
});
