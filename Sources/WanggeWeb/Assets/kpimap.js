// The KPI map drawn with Leaflet (Debian's libjs-leaflet, served by Wangge) when it is installed:
// the units coloured by the class the server chose, the case points on top, tiles only when a tile
// server is configured. The server's SVG map stays in the page and is shown again if anything fails.
"use strict";
(function () {
  document.querySelectorAll("[data-kpi-map]").forEach(function (box) {
    var canvas = box.querySelector(".kpi-leaflet");
    var svg = box.querySelector("figure.map");
    if (!canvas || !window.L) { return; }
    var data;
    try { data = JSON.parse(box.getAttribute("data-kpi-map")); } catch (e) { return; }
    canvas.hidden = false;
    var map;
    try {
      // Layers first, then the view, then the layers on it: Leaflet draws nothing before it has a view.
      var layers = [], bounds = null;
      function grow(b) { bounds = bounds ? bounds.extend(b) : window.L.latLngBounds(b.getSouthWest ? [b.getSouthWest(), b.getNorthEast()] : [b, b]); }
      (data.units || []).forEach(function (u) {
        var layer = window.L.geoJSON(JSON.parse(u.geojson), { style: { className: "kpi-unit " + u.cls, weight: 1.5, fillOpacity: 0.75 } });
        layer.bindTooltip(u.label);
        layer.on("click", function () { window.location.href = u.url; });
        layers.push(layer);
        grow(layer.getBounds());
      });
      (data.points || []).forEach(function (p) {
        var m = window.L.circleMarker([p.lat, p.lon], { radius: 5, className: "kpi-point " + p.cls, weight: 1, fillOpacity: 0.9 });
        m.bindTooltip(p.title);
        layers.push(m);
        grow(m.getLatLng());
      });
      if (!bounds) { throw new Error("nothing to draw"); }
      map = window.L.map(canvas, { zoomControl: true, attributionControl: !!data.tiles });
      if (data.tiles) { window.L.tileLayer(data.tiles, { maxZoom: 19, attribution: data.attribution || "" }).addTo(map); }
      map.fitBounds(bounds, { padding: [8, 8] });
      layers.forEach(function (l) { l.addTo(map); });
      if (svg) { svg.hidden = true; }
    } catch (e) {
      try { if (map) { map.remove(); } } catch (ignored) { /* the SVG map stands */ }
      canvas.hidden = true;
    }
  });
})();
