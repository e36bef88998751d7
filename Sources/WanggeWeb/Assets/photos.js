// Shrinks photos on the phone before upload, for grid workers and residents on poor signal:
// each chosen image is redrawn at most 1600 px on its longer side as a JPEG and put back into
// the file input. Without canvas or DataTransfer the files go as chosen; the server checks
// type, size and count either way.
"use strict";
(function () {
  if (window.wanggePhotos) { return; }
  window.wanggePhotos = true;
  var MAX_SIDE = 1600, QUALITY = 0.82;

  function shrink(file) {
    return new Promise(function (resolve) {
      if (!/^image\/(jpeg|png|webp)$/.test(file.type) || !window.createImageBitmap) { resolve(file); return; }
      createImageBitmap(file).then(function (image) {
        var scale = Math.min(1, MAX_SIDE / Math.max(image.width, image.height));
        var canvas = document.createElement("canvas");
        canvas.width = Math.max(1, Math.round(image.width * scale));
        canvas.height = Math.max(1, Math.round(image.height * scale));
        var context = canvas.getContext("2d");
        context.fillStyle = "#fff"; // transparent PNG areas would turn black in a JPEG
        context.fillRect(0, 0, canvas.width, canvas.height);
        context.drawImage(image, 0, 0, canvas.width, canvas.height);
        canvas.toBlob(function (blob) {
          if (!blob || (scale === 1 && blob.size >= file.size)) { resolve(file); return; }
          var name = file.name.replace(/\.[^.]*$/, "") + ".jpg";
          resolve(new File([blob], name, { type: "image/jpeg", lastModified: Date.now() }));
        }, "image/jpeg", QUALITY);
      }).catch(function () { resolve(file); });
    });
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[type=file][data-photos]") || !window.DataTransfer || !window.Promise) { return; }
    var form = input.form;
    var buttons = form ? form.querySelectorAll("button[type=submit]") : [];
    buttons.forEach(function (b) { b.disabled = true; });
    function done() { buttons.forEach(function (b) { b.disabled = false; }); }
    Promise.all(Array.prototype.map.call(input.files, shrink)).then(function (files) {
      var transfer = new DataTransfer();
      files.forEach(function (f) { transfer.items.add(f); });
      input.files = transfer.files;
    }).then(done, done); // not .finally: older phone browsers lack it
  });
}());
