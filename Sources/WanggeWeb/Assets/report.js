// The report forms' pickers (ReportPickers.swift): a category from the common ones or by search,
// and a location from the phone or a pin on the grid's map. The form works without this script:
// the category tree and the address field are plain form fields.
"use strict";
(function () {
  function show(el) { if (el) { el.hidden = false; } }
  function text(el, s) { if (el) { el.textContent = s; } }
  // The words come from the localisation table, rendered into the picker as data-l10n.
  function msg(box, key) {
    try { return JSON.parse(box.dataset.l10n || "{}")[key] || key; } catch (e) { return key; }
  }

  // MARK: category
  document.querySelectorAll("[data-category-picker]").forEach(function (box) {
    var select = box.querySelector("select[name=category]");
    var search = box.querySelector("[data-category-search]");
    var results = box.querySelector("[data-category-results]");
    if (!select) { return; }
    box.querySelectorAll("[data-js]").forEach(show);
    var options = Array.prototype.filter.call(select.options, function (o) { return o.value !== ""; });
    function mark() {
      box.querySelectorAll("[data-pick]").forEach(function (b) {
        b.classList.toggle("chosen", b.dataset.pick === select.value);
        b.setAttribute("aria-pressed", b.dataset.pick === select.value ? "true" : "false");
      });
    }
    function pick(key) {
      select.value = key;
      select.dispatchEvent(new Event("change", { bubbles: true }));
      mark();
    }
    box.addEventListener("click", function (event) {
      var b = event.target.closest("[data-pick]");
      if (!b) { return; }
      event.preventDefault();
      pick(b.dataset.pick);
    });
    select.addEventListener("change", mark);
    if (search && results) {
      search.addEventListener("input", function () {
        var q = search.value.trim().toLowerCase();
        results.textContent = "";
        if (!q) { return; }
        var found = options.filter(function (o) {
          return o.textContent.toLowerCase().indexOf(q) >= 0 || o.value.toLowerCase().indexOf(q) >= 0;
        }).slice(0, 8);
        if (found.length === 0) {
          var none = document.createElement("span");
          none.className = "meta";
          none.textContent = msg(box, "no_match");
          results.appendChild(none);
          return;
        }
        found.forEach(function (o) {
          var b = document.createElement("button");
          b.type = "button";
          b.className = "chip";
          b.dataset.pick = o.value;
          b.setAttribute("role", "listitem");
          var group = o.parentNode && o.parentNode.label ? o.parentNode.label + " · " : "";
          b.textContent = group + o.textContent.replace(/^[\u3000└ ]+/, "");
          results.appendChild(b);
        });
        mark();
      });
    }
    mark();
  });

  // MARK: location
  document.querySelectorAll("[data-location-picker]").forEach(function (box) {
    var form = box.closest("form");
    var lon = form.querySelector("input[name=lon]");
    var lat = form.querySelector("input[name=lat]");
    var address = form.querySelector("input[name=address]");
    var list = box.querySelector("datalist");
    var status = box.querySelector("[data-location-status]");
    var canvas = box.querySelector("[data-map-canvas]");
    var locate = box.querySelector("[data-locate]");
    var buildings = [];
    var map = null, pin = null, autoAddress = null;

    function metres(a, b) {
      var k = Math.PI / 180, x = (b.lon - a.lon) * k * Math.cos((a.lat + b.lat) * k / 2), y = (b.lat - a.lat) * k;
      return Math.sqrt(x * x + y * y) * 6371000;
    }
    function nearest(p) {
      var best = null, d = Infinity;
      buildings.forEach(function (b) { var m = metres(p, b); if (m < d) { d = m; best = b; } });
      return best && d <= 80 ? best : null;
    }
    // The point the form will send; the address is filled from the nearest building unless the
    // user typed one of their own.
    function place(p, why) {
      lon.value = p.lon.toFixed(6);
      lat.value = p.lat.toFixed(6);
      var near = nearest(p);
      if (near && (!address.value || address.value === autoAddress)) {
        address.value = near.address;
        autoAddress = near.address;
      }
      text(status, (why ? msg(box, why) + "：" : "") + (near ? msg(box, "near").replace("{0}", near.address) : msg(box, "placed")));
      if (map && window.L) {
        var ll = [p.lat, p.lon];
        if (pin) { pin.setLatLng(ll); } else { addPin(ll); }
      }
    }
    function addPin(ll) {
      pin = window.L.marker(ll, { draggable: true, keyboard: true, title: msg(box, "pin_title"),
        icon: window.L.divIcon({ className: "pin", iconSize: [22, 22], iconAnchor: [11, 11] }) }).addTo(map);
      pin.on("dragend", function () { var q = pin.getLatLng(); place({ lon: q.lng, lat: q.lat }, "moved_pin"); });
    }
    function fill(items) {
      if (!list) { return; }
      list.textContent = "";
      items.forEach(function (b) { var o = document.createElement("option"); o.value = b.address; list.appendChild(o); });
    }
    function drawMap(data) {
      buildings = data.buildings || [];
      if (!window.L || !canvas) {
        text(status, msg(box, "map_unavailable"));
        return;
      }
      show(canvas);
      map = window.L.map(canvas, { zoomControl: true, attributionControl: !!data.tiles });
      if (data.tiles) { window.L.tileLayer(data.tiles, { maxZoom: 19, attribution: data.attribution || "" }).addTo(map); }
      // Leaflet draws vectors only on a map that has a view: find the bounds first, then add.
      var layers = [], bounds = null;
      function grow(b) { bounds = bounds ? bounds.extend(b) : window.L.latLngBounds(b.getSouthWest ? [b.getSouthWest(), b.getNorthEast()] : [b, b]); }
      (data.boundaries || []).forEach(function (g) {
        try {
          var layer = window.L.geoJSON(JSON.parse(g), { style: { color: "#0b5cad", weight: 2, fillOpacity: 0.06 } });
          layers.push(layer);
          grow(layer.getBounds());
        } catch (e) { /* a boundary that cannot be read is left out */ }
      });
      buildings.forEach(function (b) {
        var m = window.L.circleMarker([b.lat, b.lon], { radius: 6, color: "#0b5cad", fillOpacity: 0.7, weight: 1 });
        m.bindTooltip(b.address);
        m.on("click", function () { address.value = b.address; autoAddress = b.address; place(b, "chose_building"); });
        layers.push(m);
        grow(window.L.latLng(b.lat, b.lon));
      });
      if (bounds && bounds.isValid()) { map.fitBounds(bounds, { padding: [10, 10] }); } else { map.setView([39.9, 116.4], 12); }
      layers.forEach(function (l) { l.addTo(map); });
      map.on("click", function (e) { place({ lon: e.latlng.lng, lat: e.latlng.lat }, "clicked_map"); });
      if (lon.value && lat.value) { addPin([parseFloat(lat.value), parseFloat(lon.value)]); }
      if (!box.dataset.suggest) { fill(buildings); }
    }

    if (locate && navigator.geolocation) {
      show(locate);
      locate.addEventListener("click", function () {
        text(status, msg(box, "locating"));
        navigator.geolocation.getCurrentPosition(function (pos) {
          place({ lon: pos.coords.longitude, lat: pos.coords.latitude }, "located_phone");
          if (map) { map.setView([pos.coords.latitude, pos.coords.longitude], Math.max(map.getZoom(), 17)); }
        }, function () {
          text(status, msg(box, "geo_failed"));
        }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
      });
    }

    // An address chosen from the suggestions puts the pin on its building.
    address.addEventListener("change", function () {
      var b = buildings.filter(function (x) { return x.address === address.value.trim(); })[0];
      if (b) { autoAddress = b.address; place(b, "by_address"); }
    });
    if (box.dataset.suggest) {
      var timer = null;
      address.addEventListener("input", function () {
        window.clearTimeout(timer);
        var q = address.value.trim();
        if (q.length < 2) { return; }
        timer = window.setTimeout(function () {
          fetch(box.dataset.suggest + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
            .then(function (r) { return r.ok ? r.json() : []; })
            .then(function (items) {
              items.forEach(function (b) { if (!buildings.some(function (x) { return x.address === b.address; })) { buildings.push(b); } });
              fill(items);
            }).catch(function () {});
        }, 250);
      });
    }

    fetch(box.dataset.map, { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(drawMap)
      .catch(function () { text(status, msg(box, "map_unavailable")); });
  });
})();
