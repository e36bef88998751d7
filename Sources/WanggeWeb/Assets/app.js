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
