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

/* Open the popup of the selected feature `layer` (id `id`) once the map is at rest. The first
   time a selection is shown in this map, the map then pans just enough for the whole popup to
   show, as Leaflet does for a click; when the same selection is drawn again after the map was
   moved, its popup opens where it is, and the map stays where the user put it. */
function flOpenSelected(layer, id) {
  var first = window.flShownSelection !== id;
  window.flShownSelection = id;
  var open = function () {
    var map = layer._map;
    if (!map) {
      layer.once("add", open);
      return;
    }
    if (flMoving(map)) {
      map.once("moveend", open);
      return;
    }
    map.invalidateSize();  // the frame may have been sized after the map was drawn
    layer.getPopup().options.autoPan = false;
    layer.openPopup();
    flKeepInView(map, layer.getPopup(), first);
  };
  window.setTimeout(open, 0);  // after the app's own move of the map, never before it
}

function flMoving(map) {
  return Boolean(map._animatingZoom || (map._panAnim && map._panAnim._inProgress));
}

/* Once the map's frame has settled (its stylesheets loaded, its size unchanged for a few
   frames, the map at rest), lay `popup` out again (it may have opened before the styles
   arrived) and, with `pan`, pan `map` just enough for the popup to show whole, as measured on
   the screen: a frame still being sized or styled would make any earlier measure wrong. */
function flKeepInView(map, popup, pan) {
  var last = "";
  var still = 0;
  var until = Date.now() + 10000;
  var check = function () {
    var element = popup.getElement();
    if (!popup.isOpen() || !element || !map.getContainer().isConnected) {
      return;
    }
    var box = map.getContainer().getBoundingClientRect();
    var size = box.width + "x" + box.height;
    var ready = box.width > 0 && box.height > 0 && flStyled() && !flMoving(map);
    still = ready && size === last ? still + 1 : 0;
    last = size;
    if (still < 3) {
      if (Date.now() < until) {
        window.requestAnimationFrame(check);
      }
      return;
    }
    map.invalidateSize();
    popup.update();
    if (!pan) {
      return;
    }
    var shown = element.getBoundingClientRect();
    var pad = popup.options.autoPanPadding || [5, 5];
    var dx = Math.min(0, shown.left - box.left - pad[0])
      || Math.max(0, shown.right - box.right + pad[0]);
    var dy = Math.min(0, shown.top - box.top - pad[1])
      || Math.max(0, shown.bottom - box.bottom + pad[1]);
    if (dx || dy) {
      map.panBy([dx, dy]);
    }
  };
  window.requestAnimationFrame(check);
}

/* Whether every stylesheet the page links to has arrived (streamlit-folium adds Leaflet's and
   ours without waiting for them). */
function flStyled() {
  return Array.prototype.every.call(
    document.querySelectorAll("link[rel='stylesheet']"),
    function (link) { return Boolean(link.sheet); }
  );
}

/* Keep Leaflet's idea of the map's size right when a stylesheet resizes the map after it was
   drawn (the dashboard's shorter map on a phone): no window resize tells Leaflet so. The
   centre stays where it was. */
function flTrackSize(map) {
  if (window.ResizeObserver) {
    new ResizeObserver(function () { map.invalidateSize(); }).observe(map.getContainer());
  }
}
