/* Faultlines: our scripts for the map, served with Leaflet (no other file is loaded). */

/* A cluster answers a click by zooming in on its events: it is never a feature to select, so
   no other click listener (streamlit-folium's) is let on it; a function marked flOwn is. */
function flQuietOn(types, fn, context) {
  if (types === "click" && !(fn && fn.flOwn)) {
    return this;
  }
  return L.Marker.prototype.on.call(this, types, fn, context);
}

/* MarkerCluster discs hear no clicks of their own: a click goes straight to their group,
   which zooms to the disc's events (MarkerCluster names it "clusterclick"). */
function flQuietClusters() {
  L.MarkerCluster.include({
    on: flQuietOn,
    fire: function (type, data, propagate) {
      if (type !== "click") {
        return L.Marker.prototype.fire.call(this, type, data, propagate);
      }
      this._group.fire("click", L.extend({}, data, {layer: this, propagatedFrom: this}));
      return this;
    }
  });
}

/* A MarkerCluster icon: a disc coloured by each event type's share, counting the events;
   its title lists the counts by type. `styles` maps a type to [label, colour]. */
function flClusterIcon(styles) {
  return function (cluster) {
    var counts = {};
    var total = 0;
    cluster.getAllChildMarkers().forEach(function (marker) {
      counts[marker.options.flType] = (counts[marker.options.flType] || 0) + 1;
      total += 1;
    });
    var kinds = Object.keys(counts).sort(function (a, b) {
      return counts[b] - counts[a] || (a < b ? -1 : 1);
    });
    var at = 0;
    var stops = [];
    var lines = [];
    kinds.forEach(function (kind) {
      var style = styles[kind] || styles[""];
      var turn = 360 * counts[kind] / total;
      stops.push(style[1] + " " + at + "deg " + (at + turn) + "deg");
      lines.push(style[0] + ": " + counts[kind]);
      at += turn;
    });
    var size = Math.round(Math.min(48, 26 + 8 * Math.log10(total)));
    var icon = document.createElement("span");
    icon.className = "fl-cluster fl-cluster-group";
    icon.style.width = icon.style.height = size + "px";
    icon.style.lineHeight = (size - 10) + "px";
    icon.style.background = "conic-gradient(" + stops.join(",") + ")";
    icon.title = total + " events: " + lines.join(", ");
    icon.setAttribute("aria-label", icon.title);
    icon.dataset.flCount = total;
    var count = document.createElement("b");
    count.textContent = total;
    icon.appendChild(count);
    return L.divIcon({html: icon, className: "fl-icon", iconSize: [size, size]});
  };
}

/* Draw place names from a labels file over the offline basemap, more as the map
   zooms in. Each row is [name, lat, lon, smallest zoom, kind]; names are set as text. */
function flLabels(map, url) {
  var pane = map.createPane("fl-labels");
  pane.style.zIndex = 390;
  pane.style.pointerEvents = "none";
  var layer = L.layerGroup().addTo(map);
  var rows = [];
  var most = 350;
  function draw() {
    layer.clearLayers();
    var zoom = map.getZoom();
    var bounds = map.getBounds().pad(0.1);
    var shown = 0;
    for (var i = 0; i < rows.length && shown < most; i++) {
      var row = rows[i];
      if (row[3] > zoom || !bounds.contains([row[1], row[2]])) {
        continue;
      }
      var text = document.createElement("span");
      text.className = "fl-label fl-label-" + row[4];
      text.textContent = row[0];
      L.marker([row[1], row[2]], {
        pane: "fl-labels",
        interactive: false,
        keyboard: false,
        icon: L.divIcon({html: text, className: "fl-label-icon", iconSize: null})
      }).addTo(layer);
      shown += 1;
    }
  }
  fetch(url)
    .then(function (response) { return response.json(); })
    .then(function (labels) {
      rows = labels;
      draw();
      map.on("zoomend moveend", draw);
    });
}
