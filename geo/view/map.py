"""Build the folium map of events, offices, zones and places for a view, fully offline.

The map never loads anything from the network unless the view asks for a tile basemap:

- Leaflet is served from the app's own static folder (:func:`ensure_static_assets` copies it
  from the ``xstatic-leaflet`` packages, with our ``assets/``); the map's ``default_js`` and
  ``default_css`` name only those local files, so folium's CDN links (jQuery, Bootstrap, Font
  Awesome, awesome-markers) never reach the HTML. :func:`standalone_html` inlines the same files
  for a single page that opens offline.
- Markers are our SVG icons drawn through CSS classes on a ``DivIcon``; zones are shaded with a
  ramp computed in :mod:`geo.view.styles`. No ``folium.Icon``, ``folium.Popup`` (it needs jQuery) or
  branca colormap (streamlit-folium adds a d3 CDN link for those) is used.
- The default ``vector`` basemap draws land polygons over a plain sea colour; ``osm``,
  ``carto-light`` and ``carto-dark`` add a tile layer for people who are online.

Every string that came from an article goes through :func:`html.escape` before it becomes
HTML, and popups and tooltips reach JavaScript as JSON string literals. Article links are links
only when they are ``http(s)``. Each feature carries its id for scripts and browser tests:
markers as ``data-fl-id`` on their icon element (classes ``fl-event fl-type-<type>`` and
``fl-office fl-status-<status>``), polygons as ``feature.properties.id`` with the path classes
``fl-zone``, ``fl-place`` and ``fl-id-<id>`` (characters other than letters, digits, ``_``
and ``-`` replaced by ``-``). The selected feature gets the class ``fl-selected`` and its popup
open; a searched place is outlined with the class ``fl-highlight``.

For streamlit-folium, :func:`base_map` is the stable part (basemap only) and
:func:`feature_groups` the changing layers to pass as ``feature_group_to_add``;
:func:`build_map` puts both together.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import os
import re
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import folium
import geopandas as gpd
import numpy as np
import pandas as pd  # type: ignore[import-untyped]
import shapely
import xstatic.pkg.leaflet
import xstatic.pkg.leaflet_markercluster
from folium.template import Template
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from geo.layers.intervals import covered_intervals
from geo.view.popups import (
    event_popup,
    event_tooltip,
    office_popup,
    office_tooltip,
    place_popup,
    place_tooltip,
    read_number,
    read_text,
    zone_popup,
    zone_tooltip,
)
from geo.view.state import MAX_ZOOM, ViewState
from geo.view.styles import (
    ASSETS_DIR,
    EVENT_STYLES,
    FALLBACK_EVENT_STYLE,
    ICONS_DIR,
    PLACE_STYLE,
    ZoneStyle,
    event_style,
    office_style,
    zone_style,
)

if TYPE_CHECKING:
    from geopandas import GeoDataFrame

__all__ = [
    "LEAFLET_CSS",
    "LEAFLET_JS",
    "MARKERCLUSTER_CSS",
    "MARKERCLUSTER_JS",
    "OWN_CSS",
    "TILE_PROVIDERS",
    "MapLayers",
    "MapViewError",
    "TileProvider",
    "base_map",
    "build_map",
    "ensure_static_assets",
    "feature_groups",
    "filter_events",
    "standalone_html",
    "undated_hidden",
]

LEAFLET_JS: str = "leaflet/leaflet.js"
"""Leaflet's script, relative to the static folder."""

LEAFLET_CSS: str = "leaflet/leaflet.css"
"""Leaflet's stylesheet (its ``images/`` sit beside it)."""

OWN_CSS: str = "faultlines/faultlines.css"
"""Our marker and popup styles (``icons/`` sit beside it)."""

MARKERCLUSTER_JS: str = "markercluster/leaflet.markercluster.js"
"""The MarkerCluster plugin's script."""

MARKERCLUSTER_CSS: tuple[str, ...] = (
    "markercluster/MarkerCluster.css",
    "markercluster/MarkerCluster.Default.css",
)
"""The MarkerCluster plugin's stylesheets."""

VECTOR_ATTRIBUTION: str = "Land: Natural Earth (public domain)"
"""Attribution shown with the offline vector basemap."""

_LEAFLET_DIR = Path(xstatic.pkg.leaflet.BASE_DIR)
_MARKERCLUSTER_DIR = Path(xstatic.pkg.leaflet_markercluster.BASE_DIR)
_OWN_CSS_FILE = ASSETS_DIR / "faultlines.css"

_LAND_STYLE: Mapping[str, Any] = {
    "color": "#b9b2a3",
    "weight": 0.6,
    "fill_color": "#f4f1ea",
    "fill_opacity": 1.0,
}
_HIGHLIGHT_STYLE: Mapping[str, Any] = {
    "color": "#111111",
    "weight": 3,
    "dash_array": "6 4",
    "fill": False,
}
_SELECTED_PLACE_STYLE = ZoneStyle("#1a1a1a", 3.5, PLACE_STYLE.fill_color, 0.12, "")
_EVENT_ICON_SIZE = 22
_OFFICE_ICON_SIZE = 24
_POPUP_MAX_WIDTH = 340
_POINT_DECIMALS = 5
_SPREAD_PIXELS = 16
#: Most events drawn one by one; beyond it the viewport's events are grouped into cells.
MAX_EVENT_MARKERS = 600
#: Most zones, and most places, drawn as shapes (the most severe / most mentioned in view).
MAX_SHAPES = 150
#: Detail of the world basemap file, in degrees (about 10 km), and its smallest islands.
BASEMAP_TOLERANCE = 0.1
BASEMAP_MIN_AREA = 0.01
#: Width of a cluster cell, in screen pixels.
CLUSTER_PIXELS = 56
#: Markers closer than this on screen are drawn as one MarkerCluster disc.
MARKER_CLUSTER_PIXELS = 40
#: Approximate size of the map in the page, in pixels.
VIEWPORT_PIXELS = (1100, 700)
_SHAPE_DECIMALS = 4
_CLASS_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_CSS_URL = re.compile(r"""url\(\s*(["']?)([^"')]+)\1\s*\)""")
_MIME = {".png": "image/png", ".svg": "image/svg+xml", ".gif": "image/gif"}


class MapViewError(ValueError):
    """The map cannot be built as asked (an online asset base, a missing static file)."""


@dataclass(frozen=True, slots=True)
class TileProvider:
    """A tile basemap for people who are online.

    Attributes
    ----------
    key
        The ``basemap`` value of a view.
    url
        Leaflet URL template.
    attribution
        Attribution HTML (required by the providers' terms).
    max_zoom
        Deepest zoom level served.
    subdomains
        Values of ``{s}`` in `url`.
    """

    key: str
    url: str
    attribution: str
    max_zoom: int
    subdomains: str = "abc"


_OSM_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)
_CARTO_ATTRIBUTION = f'{_OSM_ATTRIBUTION} &copy; <a href="https://carto.com/attributions">CARTO</a>'

TILE_PROVIDERS: Mapping[str, TileProvider] = MappingProxyType(
    {
        "osm": TileProvider(
            "osm", "https://tile.openstreetmap.org/{z}/{x}/{y}.png", _OSM_ATTRIBUTION, 19
        ),
        "carto-light": TileProvider(
            "carto-light",
            "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",
            _CARTO_ATTRIBUTION,
            20,
            "abcd",
        ),
        "carto-dark": TileProvider(
            "carto-dark",
            "https://{s}.basemaps.cartocdn.com/dark_all/{z}/{x}/{y}{r}.png",
            _CARTO_ATTRIBUTION,
            20,
            "abcd",
        ),
    }
)
"""Tile basemaps by key; every basemap of :data:`geo.view.state.BASEMAPS` but ``vector``."""


@dataclass(frozen=True, slots=True, eq=False)
class MapLayers:
    """The GeoDataFrames (EPSG:4326) a map is drawn from; ``None`` means an empty layer.

    Attributes
    ----------
    events
        Event records plus the article's ``title``, ``outlet``, ``published`` and ``url``.
    offices
        Office records plus ``host_name``.
    zones
        Zone records.
    places
        Places mentioned, with their real shapes.
    basemap
        Land polygons for the offline vector basemap.
    """

    events: GeoDataFrame | None = None
    offices: GeoDataFrame | None = None
    zones: GeoDataFrame | None = None
    places: GeoDataFrame | None = None
    basemap: GeoDataFrame | None = None


# ---------------------------------------------------------------------------------------------
# static assets


def _static_files() -> Iterator[tuple[Path, str]]:
    """Yield every (source file, path inside the static folder) the map may load."""
    yield _LEAFLET_DIR / "leaflet.js", LEAFLET_JS
    yield _LEAFLET_DIR / "leaflet.css", LEAFLET_CSS
    for image in sorted((_LEAFLET_DIR / "images").glob("*.png")):
        yield image, f"leaflet/images/{image.name}"
    yield _MARKERCLUSTER_DIR / "leaflet.markercluster.js", MARKERCLUSTER_JS
    for css in MARKERCLUSTER_CSS:
        yield _MARKERCLUSTER_DIR / Path(css).name, css
    yield _OWN_CSS_FILE, OWN_CSS
    for icon in sorted(ICONS_DIR.glob("*.svg")):
        yield icon, f"faultlines/icons/{icon.name}"


def ensure_static_assets(static_dir: Path) -> Path:
    """Copy Leaflet, MarkerCluster and our CSS and icons into `static_dir`; return it.

    Files already there with the same bytes are left alone, so calling this on every app start
    is cheap; changed files are replaced atomically. Streamlit serves ``<app>/static/*`` at
    ``/app/static/*`` (``server.enableStaticServing``), so pass ``asset_base="/app/static"`` to
    :func:`build_map` when `static_dir` is the app's ``static`` folder.

    Raises
    ------
    MapViewError
        If a source file is missing (a broken ``xstatic`` install or checkout).
    """
    for source, relative in _static_files():
        if not source.is_file():
            msg = f"static asset {str(source)!r} is missing; reinstall the xstatic packages"
            raise MapViewError(msg)
        target = static_dir / relative
        data = source.read_bytes()
        if target.is_file() and target.read_bytes() == data:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            Path(temporary).chmod(0o644)
            Path(temporary).replace(target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    return static_dir


def _asset_links(asset_base: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Return the map's ``default_js`` and ``default_css`` under `asset_base`."""
    base = asset_base.rstrip("/")
    parts = urlsplit(base)
    if parts.scheme or parts.netloc or base.startswith("//"):
        msg = f"asset_base must be a path on this server, not {asset_base!r}"
        raise MapViewError(msg)
    js = [("leaflet", f"{base}/{LEAFLET_JS}"), ("markercluster", f"{base}/{MARKERCLUSTER_JS}")]
    css = [("leaflet_css", f"{base}/{LEAFLET_CSS}")]
    css += [
        (f"markercluster_css_{i}", f"{base}/{name}") for i, name in enumerate(MARKERCLUSTER_CSS)
    ]
    css.append(("faultlines_css", f"{base}/{OWN_CSS}"))
    return js, css


def _data_uri(path: Path) -> str:
    mime = _MIME.get(path.suffix.lower(), "application/octet-stream")
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _inline_css(path: Path) -> str:
    """Return the stylesheet at `path` without comments, its ``url(...)`` files as data URIs."""

    def replace(match: re.Match[str]) -> str:
        target = match.group(2).strip()
        if target.startswith(("#", "data:")) or urlsplit(target).scheme:
            return match.group(0)
        return f'url("{_data_uri(path.parent / target)}")'

    text = _CSS_COMMENT.sub("", path.read_text(encoding="utf-8"))
    return _CSS_URL.sub(replace, text).replace("</", "<\\/")


def _inline_script(code: str) -> str:
    """Make `code` safe inside ``<script>``: no ``</script`` or ``<!--`` can end it early."""
    return re.sub(r"</(script)", r"<\\/\1", code, flags=re.IGNORECASE).replace("<!--", "<\\!--")


# ---------------------------------------------------------------------------------------------
# filtering


def _involves(column: Any, wanted: frozenset[str]) -> np.ndarray:
    """Return which rows of a list column hold at least one of `wanted`."""
    cells = pd.Series(column.to_numpy(), dtype=object).explode()
    hits: np.ndarray = cells.isin(sorted(wanted)).groupby(level=0).any().to_numpy(dtype=bool)
    return hits


def filter_events(events: GeoDataFrame, view: ViewState) -> GeoDataFrame:
    """Return the rows of `events` the view shows, in their order (a GeoDataFrame slice).

    An event is shown when its type is in ``view.types`` (``None`` means every type), one of
    its actors is in ``view.actors`` and one of its ``countries`` in ``view.countries`` (each
    ``None`` for no filter), and its date interval
    (:func:`geo.layers.intervals.covered_intervals`: month and year precision cover their whole
    period) overlaps ``[view.date_from, view.date_to]``, a side being open when ``None``.
    Events whose dates are unknown are shown when the view sets no date, or when
    ``view.undated`` asks for them. Columnar throughout, so a hundred thousand events filter in
    milliseconds.
    """
    if events is None or len(events) == 0:
        return events
    keep = np.ones(len(events), dtype=bool)
    if view.types is not None:
        keep &= events["type"].isin(sorted(view.types)).to_numpy(dtype=bool)
    if view.actors is not None and "actors" in events:
        keep &= _involves(events["actors"], view.actors)
    if view.countries is not None:
        if "countries" in events:
            keep &= _involves(events["countries"], view.countries)
        else:
            keep[:] = False
    if view.date_from is not None or view.date_to is not None:
        first, last = covered_intervals(events)
        known = ~(np.isnat(first) | np.isnat(last))
        within = known.copy()
        if view.date_to is not None:
            within &= first <= np.datetime64(view.date_to, "D")
        if view.date_from is not None:
            within &= last >= np.datetime64(view.date_from, "D")
        keep &= within | (~known if view.undated else False)
    return events[keep]


def undated_hidden(events: GeoDataFrame, view: ViewState) -> int:
    """Return how many events the view's date window hides only because they have no date."""
    if events is None or len(events) == 0 or view.undated:
        return 0
    if view.date_from is None and view.date_to is None:
        return 0
    first, _ = covered_intervals(events)
    without_window = view.replace(date_from=None, date_to=None)
    undated = events[np.isnat(first)]
    return len(filter_events(undated, without_window))


def _rows(frame: Any) -> list[dict[str, Any]]:
    if frame is None or len(frame) == 0:
        return []
    rows: list[dict[str, Any]] = frame.to_dict("records")
    return rows


# ---------------------------------------------------------------------------------------------
# geometry for display


def _tolerance(zoom: int) -> float:
    """One screen pixel at `zoom`, in degrees: finer detail would not be seen."""
    return 360.0 / (256.0 * 2.0**zoom)


def _display_shape(geometry: object, tolerance: float) -> dict[str, Any] | None:
    """Return `geometry` simplified by `tolerance` and rounded, as a GeoJSON mapping."""
    if not isinstance(geometry, BaseGeometry) or geometry.is_empty:
        return None
    shape = geometry
    decimals = _POINT_DECIMALS
    if geometry.geom_type in {"Polygon", "MultiPolygon", "LineString", "MultiLineString"}:
        simplified = geometry.simplify(tolerance, preserve_topology=True)
        shape = geometry if simplified.is_empty else simplified
        decimals = _SHAPE_DECIMALS
    rounded = shapely.transform(shape, lambda xy: np.round(xy, decimals))
    return dict(mapping(rounded))


def _location(geometry: object) -> list[float] | None:
    """Return ``[lat, lon]`` of a point (or a representative point of another shape)."""
    if not isinstance(geometry, BaseGeometry) or geometry.is_empty:
        return None
    point = geometry if geometry.geom_type == "Point" else geometry.representative_point()
    return [round(float(point.y), _POINT_DECIMALS), round(float(point.x), _POINT_DECIMALS)]


def _area(record: Mapping[str, Any]) -> float:
    geometry = record.get("geometry")
    return float(geometry.area) if isinstance(geometry, BaseGeometry) else 0.0


# ---------------------------------------------------------------------------------------------
# folium elements

_MacroElement: Any = folium.MacroElement

_SETUP_TEMPLATE = Template(
    """
    {% macro script(this, kwargs) %}
    {%- if this.image_path %}
        L.Icon.Default.imagePath = {{ this.image_path|tojson }};
    {%- endif %}
        {{ this._parent.get_name() }}.getContainer().classList.add(
            {{ this.container_class|tojson }});
    {% endmacro %}
    """
)


_BASEMAP_FETCH_TEMPLATE = Template(
    """
    {% macro script(this, kwargs) %}
        fetch({{ this.url|tojson }})
            .then(function (response) { return response.json(); })
            .then(function (land) {
                L.geoJSON(land, {
                    interactive: false,
                    className: "fl-land",
                    attribution: {{ this.attribution|tojson }},
                    style: {{ this.style|tojson }}
                }).addTo({{ this._parent.get_name() }}).bringToBack();
            });
    {% endmacro %}
    """
)


def basemap_geojson(basemap_frame: Any) -> str:
    """Return land polygons as compact GeoJSON for a world basemap (about 1 km detail).

    Simplified to :data:`BASEMAP_TOLERANCE` degrees, coordinates to two decimals, islets
    under :data:`BASEMAP_MIN_AREA` square degrees left out (each country keeps its largest
    part): small enough to send once and let the browser cache.
    """
    features = []
    for geometry in basemap_frame.geometry:
        if geometry is None or geometry.is_empty:
            continue
        simple = shapely.simplify(geometry, BASEMAP_TOLERANCE, preserve_topology=True)
        parts = list(getattr(simple, "geoms", [simple]))
        kept = [part for part in parts if part.area >= BASEMAP_MIN_AREA] or [
            max(parts, key=lambda part: part.area)
        ]
        shape = shapely.MultiPolygon(kept) if len(kept) > 1 else kept[0]
        rounded = shapely.transform(shape, lambda xy: np.round(xy, 2))
        features.append({"type": "Feature", "properties": {}, "geometry": mapping(rounded)})
    collection = {"type": "FeatureCollection", "features": features}
    return json.dumps(collection, separators=(",", ":"))


def write_basemap(static_dir: Path, basemap_frame: Any, *, name: str | None = None) -> str:
    """Write the basemap GeoJSON into `static_dir` (once per name) and return its name.

    The name carries a hash of the content unless given, so a browser may cache it for good.
    """
    text = basemap_geojson(basemap_frame)
    if name is None:
        name = f"faultlines/basemap-{hashlib.sha256(text.encode()).hexdigest()[:12]}.geojson"
    target = static_dir / name
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(target)
    return name


_MARKERS_TEMPLATE = Template(
    """
    {% macro script(this, kwargs) %}
        (function (group) {
            // a cluster answers a click by zooming in on its events: it is never a feature
            // to select, so other click listeners (streamlit-folium's) are not let on it
            var quietOn = function (types, fn, context) {
                if (types === "click" && !(fn && fn.flOwn)) { return this; }
                return L.Marker.prototype.on.call(this, types, fn, context);
            };
        {%- if this.cluster %}
            L.MarkerCluster.include({
                on: quietOn,
                fire: function (type, data, propagate) {
                    if (type !== "click") {
                        return L.Marker.prototype.fire.call(this, type, data, propagate);
                    }
                    // straight to its own group, which zooms: no layer above hears a click
                    this._group.fire("click", L.extend({}, data, {  // it calls it "clusterclick"
                        layer: this, propagatedFrom: this
                    }));
                    return this;
                }
            });
            var styles = {{ this.styles|tojson }};
            var clusters = L.markerClusterGroup({
                maxClusterRadius: {{ this.cluster_pixels }},
                showCoverageOnHover: false,
                iconCreateFunction: function (cluster) {
                    var counts = {}, total = 0;
                    cluster.getAllChildMarkers().forEach(function (m) {
                        counts[m.options.flType] = (counts[m.options.flType] || 0) + 1;
                        total += 1;
                    });
                    var kinds = Object.keys(counts).sort(function (a, b) {
                        return counts[b] - counts[a] || (a < b ? -1 : 1);
                    });
                    var at = 0, stops = [], lines = [];
                    kinds.forEach(function (kind) {
                        var style = styles[kind] || styles[""], turn = 360 * counts[kind] / total;
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
                }
            }).addTo(group);
        {%- endif %}
            {{ this.items }}.forEach(function (item) {
                var half = item.size / 2;
                var marker = L.marker([item.lat, item.lon], {
                    icon: L.divIcon({
                        html: item.icon,
                        className: "fl-icon",
                        iconSize: [item.size, item.size],
                        iconAnchor: [half, half],
                        popupAnchor: [0, -half]
                    }),
                    flId: item.id,
                    flType: item.type,
                    zIndexOffset: item.selected ? 1000 : 0
                });
            {%- if this.cluster %}
                marker.addTo(item.selected || item.cell ? group : clusters);
            {%- else %}
                marker.addTo(group);
            {%- endif %}
                if (item.cell) {  // a cell of many events: a click zooms in on it
                    var zoomIn = function () {
                        var map = marker._map;
                        map.setView(marker.getLatLng(), Math.min(map.getZoom() + 2, 18));
                    };
                    zoomIn.flOwn = true;
                    marker.on = quietOn;
                    marker.on("click", zoomIn);
                    marker.bindTooltip(item.tooltip, {className: "fl-tooltip-frame"});
                    return;
                }
                marker.bindPopup(item.popup, {
                    maxWidth: {{ this.max_width }},
                    className: "fl-popup-frame",
                    autoPan: !item.selected
                });
                marker.bindTooltip(item.tooltip, {className: "fl-tooltip-frame"});
            {%- if this.has_selected %}
                if (item.selected) {
                    var open = function () { marker.openPopup(); };
                    if (marker._map) { open(); } else { marker.once("add", open); }
                }
            {%- endif %}
            });
        })({{ this._parent.get_name() }});
    {% endmacro %}
    """
)


_SHAPES_TEMPLATE = Template(
    """
    {% macro script(this, kwargs) %}
        (function (group) {
            L.geoJSON({{ this.collection }}, {
                style: function (feature) { return feature.properties.style; },
                pointToLayer: function (feature, latlng) {
                    return L.circleMarker(latlng, Object.assign({radius: 7},
                        feature.properties.style));
                },
                onEachFeature: function (feature, layer) {
                    var p = feature.properties;
                    layer.bindPopup(p.popup, {
                        maxWidth: {{ this.max_width }},
                        className: "fl-popup-frame",
                        autoPan: !p.selected
                    });
                    layer.bindTooltip(p.tooltip, {sticky: true, className: "fl-tooltip-frame"});
                {%- if this.has_selected %}
                    if (p.selected) {
                        var open = function () { layer.openPopup(); };
                        if (layer._map) { open(); } else { layer.once("add", open); }
                    }
                {%- endif %}
                }
            }).addTo(group);
        })({{ this._parent.get_name() }});
    {% endmacro %}
    """
)


def _shape_feature(
    record: Mapping[str, Any],
    classes: str,
    style: ZoneStyle,
    tolerance: float,
    *,
    popup: str,
    tooltip: str,
    selected: bool,
) -> dict[str, Any] | None:
    """Return one zone or place as a GeoJSON feature carrying its style and popup."""
    feature_id = read_text(record.get("id"))
    shape = _display_shape(record.get("geometry"), tolerance)
    if shape is None:
        return None
    options: dict[str, Any] = {
        "className": f"{classes} {_id_class(feature_id)}",
        "color": style.color,
        "weight": style.weight,
        "fillColor": style.fill_color,
        "fillOpacity": style.fill_opacity,
        "fill": True,
    }
    if style.dash_array:
        options["dashArray"] = style.dash_array
    return {
        "type": "Feature",
        "id": feature_id,
        "properties": {
            "id": feature_id,
            "style": options,
            "popup": popup,
            "tooltip": tooltip,
            "selected": selected,
        },
        "geometry": shape,
    }


def _shape_batch(features: list[dict[str, Any]]) -> Any:
    """Return one element that draws many zones or places as a single GeoJSON layer."""
    return _script_element(
        "Shapes",
        _SHAPES_TEMPLATE,
        collection=_js_string_of({"type": "FeatureCollection", "features": features}),
        has_selected=any(f["properties"]["selected"] for f in features),
        max_width=_POPUP_MAX_WIDTH,
    )


def _marker_batch(items: list[dict[str, Any]], *, cluster: bool = False) -> Any:
    """Return one element that draws many markers with a single loop in the browser.

    Each item holds ``id``, ``type``, ``lat``, ``lon``, ``size``, ``icon`` (our markup,
    escaped), ``popup``, ``tooltip`` (escaped HTML) and ``selected``; a grid cell of many events
    (:func:`cluster_events`) has ``cell`` set and zooms in when clicked. One template for all
    of them keeps building and sending the map fast with hundreds of markers. With `cluster`,
    markers close together on screen (within :data:`CLUSTER_PIXELS`) are drawn as one
    MarkerCluster disc, coloured by the share of each event type and counting them; a click
    on it zooms to its events. The selected marker is never clustered.
    """
    styles = {key: (style.label, style.colour) for key, style in EVENT_STYLES.items()}
    styles[""] = (FALLBACK_EVENT_STYLE.label, FALLBACK_EVENT_STYLE.colour)
    return _script_element(
        "Markers",
        _MARKERS_TEMPLATE,
        items=_js_string_of(items),
        has_selected=any(item["selected"] for item in items),
        max_width=_POPUP_MAX_WIDTH,
        cluster=cluster,
        cluster_pixels=MARKER_CLUSTER_PIXELS,
        styles=styles,
    )


def _script_element(name: str, template: Template, **values: Any) -> Any:
    """Return a folium element rendering `template` with `values` as its attributes."""
    element = _MacroElement()
    element._name = name
    element._template = template
    for key, value in values.items():
        setattr(element, key, value)
    return element


def _js_string_of(value: Any) -> str:
    """Return `value` as a JavaScript literal (JSON) that cannot end its ``<script>``."""
    literal = json.dumps(value, ensure_ascii=False)
    return literal.replace("</", "<\\/").replace("<!--", "<\\!--")


def _js_string(markup: str) -> str:
    """Return `markup` as a JavaScript string literal that cannot end its ``<script>``."""
    return _js_string_of(markup)


def _esc(value: str) -> str:
    return html.escape(value, quote=True)


def _id_class(feature_id: str) -> str:
    return "fl-id-" + _CLASS_UNSAFE.sub("-", feature_id)


def _feature(feature_id: str, shape: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "Feature",
        "id": feature_id,
        "properties": {"id": feature_id},
        "geometry": shape,
    }


def _is_selected(record: Mapping[str, Any], view: ViewState) -> bool:
    return view.selected is not None and read_text(record.get("id")) == view.selected


def marker_positions(frame: Any, zoom: int) -> dict[str, tuple[float, float]]:
    """Return where each point feature's marker is drawn, as ``id → (lat, lon)``.

    Features at the same spot (several events "in the Sea of Japan") are spread on a small
    circle around it, about one icon apart at `zoom`, so every marker can be seen and clicked.
    """
    groups: dict[tuple[float, float], list[tuple[str, float, float]]] = {}
    for record in _rows(frame):
        location = _location(record.get("geometry"))
        if location is not None:
            key = (round(location[0], 3), round(location[1], 3))
            groups.setdefault(key, []).append(
                (read_text(record.get("id")), location[0], location[1])
            )
    degrees_per_pixel = 360.0 / (256 * 2 ** min(max(zoom, 1), 18))
    positions: dict[str, tuple[float, float]] = {}
    for members in groups.values():
        count = len(members)
        radius = 0.0 if count == 1 else _SPREAD_PIXELS * degrees_per_pixel * max(1.0, count / 6)
        for k, (feature_id, lat, lon) in enumerate(sorted(members)):
            angle = 2 * math.pi * k / count
            positions[feature_id] = (
                round(lat + radius * math.sin(angle), _POINT_DECIMALS),
                round(lon + radius * math.cos(angle), _POINT_DECIMALS),
            )
    return positions


def _marker_item(
    record: Mapping[str, Any],
    classes: str,
    label: str,
    size: int,
    view: ViewState,
    positions: Mapping[str, tuple[float, float]] | None = None,
) -> dict[str, Any] | None:
    """Return one marker for :func:`_marker_batch`: a ``<span>`` with our classes and id."""
    location: Any = _location(record.get("geometry"))
    if location is None:
        return None
    if positions is not None:
        location = list(positions.get(read_text(record.get("id")), location))
    selected = _is_selected(record, view)
    return {
        "id": read_text(record.get("id")),
        "type": read_text(record.get("type")),
        "lat": location[0],
        "lon": location[1],
        "size": size,
        "icon": (
            f'<span class="{_esc(classes)}{" fl-selected" if selected else ""}" '
            f'data-fl-id="{_esc(read_text(record.get("id")))}" role="img" '
            f'aria-label="{_esc(label)}"></span>'
        ),
        "selected": selected,
    }


def viewport(view: ViewState, *, margin: float = 0.5) -> tuple[float, float, float, float]:
    """Return the view's approximate bounds ``(minx, miny, maxx, maxy)``, widened by `margin`.

    The map is about :data:`VIEWPORT_PIXELS` wide and tall; Web Mercator stretches latitude,
    which the cosine of the centre's latitude accounts for well enough to choose what to send.
    """
    degrees = 360.0 / (256 * 2**view.zoom) * (1 + margin)
    half_width = VIEWPORT_PIXELS[0] / 2 * degrees
    half_height = VIEWPORT_PIXELS[1] / 2 * degrees * max(math.cos(math.radians(view.lat)), 0.2)
    return (
        view.lon - half_width,
        max(view.lat - half_height, -90.0),
        view.lon + half_width,
        min(view.lat + half_height, 90.0),
    )


def cluster_events(events: Any, zoom: int) -> Any:
    """Group located events into grid cells about :data:`CLUSTER_PIXELS` wide at `zoom`.

    Returns one row per cell: ``id`` (``cell-z-x-y``), ``count``, the most common ``type``,
    ``types`` (a "label: count" summary) and the cell's mean position as geometry.
    """
    if events is None or len(events) == 0:
        return gpd.GeoDataFrame({"id": [], "count": [], "type": [], "types": []}, geometry=[])
    size = CLUSTER_PIXELS * 360.0 / (256 * 2 ** min(max(zoom, 1), 18))
    xs, ys = events.geometry.x.to_numpy(), events.geometry.y.to_numpy()
    frame = pd.DataFrame(
        {
            "cx": np.floor(xs / size).astype(np.int64),
            "cy": np.floor(ys / size).astype(np.int64),
            "x": xs,
            "y": ys,
            "type": events["type"].astype(str).to_numpy(),
        }
    )
    grouped = frame.groupby(["cx", "cy"], sort=True)
    counts = grouped.size()
    means = grouped[["x", "y"]].mean()
    by_type = frame.groupby(["cx", "cy", "type"], sort=True).size()
    rows = []
    for (cx, cy), count in counts.items():
        kinds = by_type.loc[(cx, cy)].sort_values(ascending=False, kind="stable")
        summary = ", ".join(f"{event_style(k).label}: {n}" for k, n in kinds.head(4).items())
        rows.append(
            {
                "id": f"cell-{zoom}-{cx}-{cy}",
                "count": int(count),
                "type": str(kinds.index[0]),
                "types": summary,
                "geometry": shapely.Point(means.at[(cx, cy), "x"], means.at[(cx, cy), "y"]),
            }
        )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


def _cluster_item(record: Mapping[str, Any]) -> dict[str, Any]:
    """Return a grid cell of many events as an item for :func:`_marker_batch`."""
    count = int(record["count"])
    size = int(min(46, 20 + 12 * math.log10(count + 1)))
    style = event_style(read_text(record.get("type")))
    location = _location(record.get("geometry")) or [0.0, 0.0]
    return {
        "lat": location[0],
        "lon": location[1],
        "size": size,
        "icon": (
            f'<span class="fl-cluster" data-fl-id="{_esc(read_text(record["id"]))}" '
            f'style="width:{size}px;height:{size}px;line-height:{size - 6}px;'
            f'border-color:{_esc(style.colour)}" role="img" '
            f'aria-label="{count} events">{count}</span>'
        ),
        "popup": f"<b>{count} events</b><br>{_esc(record['types'])}<br><i>Zoom in to see them.</i>",
        "tooltip": f"{count} events: {_esc(record['types'])}",
        "selected": False,
        "cell": True,
        "id": read_text(record["id"]),
        "type": read_text(record.get("type")),
    }


def limit_events(events: Any, view: ViewState) -> tuple[Any, Any]:
    """Return ``(events to draw one by one, clusters)`` for a view, within the marker cap.

    Up to :data:`MAX_EVENT_MARKERS` located events are drawn as they are. Beyond that only the
    viewport's are kept, and if there are still too many they are grouped into grid cells; the
    selected event is always drawn on its own. So what the browser receives stops growing with
    the size of the archive.
    """
    if events is None or len(events) <= MAX_EVENT_MARKERS:
        return events, None
    located = events[events.geometry.notna() & ~events.geometry.is_empty]
    minx, miny, maxx, maxy = viewport(view)
    inside = located.cx[minx:maxx, miny:maxy] if minx < maxx else located
    if len(inside) <= MAX_EVENT_MARKERS:
        return inside, None
    selected = inside[inside["id"] == view.selected] if view.selected else inside.iloc[0:0]
    return selected, cluster_events(inside, view.zoom)


def _event_markers(events: Any, view: ViewState) -> Iterator[Any]:
    shown, clusters = limit_events(filter_events(events, view), view)
    items = [_cluster_item(record) for record in _rows(clusters)]
    positions = marker_positions(shown, view.zoom)
    for record in _rows(shown):
        style = event_style(read_text(record.get("type")))
        classes = f"fl-event fl-type-{_CLASS_UNSAFE.sub('-', style.key)}"
        item = _marker_item(record, classes, style.label, _EVENT_ICON_SIZE, view, positions)
        if item is not None:
            items.append(item | {"popup": event_popup(record), "tooltip": event_tooltip(record)})
    if items:
        yield _marker_batch(items, cluster=True)


def _office_markers(offices: Any, view: ViewState) -> Iterator[Any]:
    positions = marker_positions(offices, view.zoom)
    items = []
    for record in _rows(offices):
        style = office_style(read_text(record.get("status")))
        classes = f"fl-office fl-status-{_CLASS_UNSAFE.sub('-', style.key)}"
        item = _marker_item(record, classes, style.label, _OFFICE_ICON_SIZE, view, positions)
        if item is not None:
            items.append(item | {"popup": office_popup(record), "tooltip": office_tooltip(record)})
    if items:
        yield _marker_batch(items)


def limit_shapes(frame: Any, view: ViewState, *, cap: int, rank: str | None = None) -> Any:
    """Return at most `cap` rows of a polygon layer: those in the viewport, best `rank` first.

    The selected feature is always kept. This bounds what the browser receives however many
    zones or places the archive holds.
    """
    if frame is None or len(frame) <= cap:
        return frame
    minx, miny, maxx, maxy = viewport(view)
    visible = frame[frame.intersects(shapely.box(minx, miny, maxx, maxy))]
    if rank is not None and rank in visible.columns:
        visible = visible.sort_values(rank, ascending=False, kind="stable")
    chosen = visible.head(cap)
    if view.selected and view.selected not in set(chosen["id"]):
        chosen = pd.concat([chosen, frame[frame["id"] == view.selected]])
    return chosen


def _zone_layers(zones: Any, view: ViewState, tolerance: float) -> Iterator[Any]:
    zones = limit_shapes(zones, view, cap=MAX_SHAPES, rank="severity")
    features = []
    for record in sorted(_rows(zones), key=_area, reverse=True):  # small zones on top
        selected = _is_selected(record, view)
        kind = read_text(record.get("kind"))
        style = zone_style(read_number(record.get("severity")) or 0.0, kind, selected=selected)
        classes = f"fl-zone fl-kind-{_CLASS_UNSAFE.sub('-', kind)}"
        feature = _shape_feature(
            record,
            classes + (" fl-selected" if selected else ""),
            style,
            tolerance,
            popup=zone_popup(record),
            tooltip=zone_tooltip(record),
            selected=selected,
        )
        if feature is not None:
            features.append(feature)
    if features:
        yield _shape_batch(features)


def _place_layers(places: Any, view: ViewState, tolerance: float) -> Iterator[Any]:
    places = limit_shapes(places, view, cap=MAX_SHAPES, rank="mentions")
    features = []
    for record in sorted(_rows(places), key=_area, reverse=True):
        selected = _is_selected(record, view)
        style = _SELECTED_PLACE_STYLE if selected else PLACE_STYLE
        feature = _shape_feature(
            record,
            "fl-place fl-selected" if selected else "fl-place",
            style,
            tolerance,
            popup=place_popup(record),
            tooltip=place_tooltip(record),
            selected=selected,
        )
        if feature is not None:
            features.append(feature)
    if features:
        yield _shape_batch(features)


def _highlight_layer(highlight: BaseGeometry, tolerance: float) -> Any:
    if highlight.geom_type == "Point":
        return folium.CircleMarker(
            location=_location(highlight), radius=14, class_name="fl-highlight", **_HIGHLIGHT_STYLE
        )
    shape = _display_shape(highlight, tolerance)
    if shape is None:
        return None
    return folium.GeoJson(
        _feature("search", shape), class_name="fl-highlight", interactive=False, **_HIGHLIGHT_STYLE
    )


# ---------------------------------------------------------------------------------------------
# maps


def _new_map(
    view: ViewState, basemap_frame: Any, image_path: str, basemap_url: str | None = None
) -> Any:
    """Return a map with the view's centre, zoom and basemap, and no asset links yet."""
    vector = view.basemap not in TILE_PROVIDERS
    m = folium.Map(
        location=[view.lat, view.lon],
        zoom_start=view.zoom,
        tiles=None,
        control_scale=True,
        world_copy_jump=True,
    )
    m.options["max_zoom"] = MAX_ZOOM  # MarkerCluster needs the map to know its deepest zoom
    _script_element(
        "MapSetup",
        _SETUP_TEMPLATE,
        image_path=image_path,
        container_class="fl-basemap-vector" if vector else "fl-basemap-tiles",
    ).add_to(m)
    if not vector:
        provider = TILE_PROVIDERS[view.basemap]
        folium.TileLayer(
            tiles=provider.url,
            attr=provider.attribution,
            name=provider.key,
            max_zoom=provider.max_zoom,
            subdomains=provider.subdomains,
            control=False,
        ).add_to(m)
    elif basemap_url is not None:
        _script_element(
            "Land",
            _BASEMAP_FETCH_TEMPLATE,
            url=basemap_url,
            attribution=VECTOR_ATTRIBUTION,
            style={
                "color": _LAND_STYLE["color"],
                "weight": _LAND_STYLE["weight"],
                "fillColor": _LAND_STYLE["fill_color"],
                "fillOpacity": _LAND_STYLE["fill_opacity"],
            },
        ).add_to(m)
    elif basemap_frame is not None and len(basemap_frame) > 0:
        tolerance = _tolerance(view.zoom)
        features = [
            {"type": "Feature", "properties": {}, "geometry": shape}
            for shape in (_display_shape(g, tolerance) for g in basemap_frame.geometry)
            if shape is not None
        ]
        folium.GeoJson(
            {"type": "FeatureCollection", "features": features},
            name="Land",
            control=False,
            interactive=False,
            class_name="fl-land",
            attribution=VECTOR_ATTRIBUTION,
            fill=True,
            **_LAND_STYLE,
        ).add_to(m)
    return m


def base_map(
    view: ViewState,
    *,
    asset_base: str,
    basemap_frame: GeoDataFrame | None = None,
    basemap_file: str | None = None,
) -> Any:
    """Return the stable part of the map: centre, zoom, basemap, local Leaflet links.

    Parameters
    ----------
    view
        The view; its centre, zoom and basemap are used.
    asset_base
        URL path where :func:`ensure_static_assets` put the files (``/app/static`` under
        Streamlit); a path on this server, never an ``http(s)`` URL.
    basemap_frame
        Land polygons for the ``vector`` basemap (ignored for tile basemaps), drawn inline.
    basemap_file
        Instead: the name :func:`write_basemap` returned; the browser fetches it once from
        `asset_base` and caches it, so the map itself stays small.

    Raises
    ------
    MapViewError
        If `asset_base` names another server.
    """
    js, css = _asset_links(asset_base)
    base = asset_base.rstrip("/")
    basemap_url = f"{base}/{basemap_file}" if basemap_file else None
    m = _new_map(view, basemap_frame, f"{base}/leaflet/images/", basemap_url)
    m.default_js = js
    m.default_css = css
    return m


def feature_groups(
    layers: MapLayers, view: ViewState, *, highlight: BaseGeometry | None = None
) -> list[Any]:
    """Return the view's visible layers as folium feature groups, bottom to top.

    Zones, places, offices and events come in that order, each only when ``view.layers``
    holds it, then the searched place's outline when `highlight` is given. Events are filtered
    by :func:`filter_events`; polygons are simplified for the view's zoom.
    """
    tolerance = _tolerance(view.zoom)
    builders: list[tuple[str, Iterator[Any]]] = []
    if "zones" in view.layers:
        builders.append(("Zones", _zone_layers(layers.zones, view, tolerance)))
    if "places" in view.layers:
        builders.append(("Places", _place_layers(layers.places, view, tolerance)))
    if "offices" in view.layers:
        builders.append(("Offices", _office_markers(layers.offices, view)))
    if "events" in view.layers:
        builders.append(("Events", _event_markers(layers.events, view)))
    groups = []
    for name, items in builders:
        group = folium.FeatureGroup(name=name)
        for item in items:
            item.add_to(group)
        groups.append(group)
    if highlight is not None and not highlight.is_empty:
        layer = _highlight_layer(highlight, tolerance)
        if layer is not None:
            group = folium.FeatureGroup(name="Search")
            layer.add_to(group)
            groups.append(group)
    return groups


def build_map(
    layers: MapLayers,
    view: ViewState,
    *,
    asset_base: str,
    highlight: BaseGeometry | None = None,
) -> Any:
    """Return the whole map: :func:`base_map` plus :func:`feature_groups`.

    Raises
    ------
    MapViewError
        If `asset_base` names another server.
    """
    m = base_map(view, asset_base=asset_base, basemap_frame=layers.basemap)
    for group in feature_groups(layers, view, highlight=highlight):
        group.add_to(m)
    return m


def standalone_html(
    layers: MapLayers, view: ViewState, *, highlight: BaseGeometry | None = None
) -> str:
    """Return one HTML page of the map that opens offline: Leaflet and our CSS inlined.

    The page always uses the ``vector`` basemap, whatever ``view.basemap`` says; icons and
    Leaflet's images are data URIs. Nothing in it refers to another file or server.
    """
    offline = view if view.basemap not in TILE_PROVIDERS else view.replace(basemap="vector")
    m = _new_map(offline, layers.basemap, "")
    m.default_js = []
    m.default_css = []
    for group in feature_groups(layers, offline, highlight=highlight):
        group.add_to(m)
    leaflet = _inline_script((_LEAFLET_DIR / "leaflet.js").read_text(encoding="utf-8"))
    clusters = _inline_script(
        (_MARKERCLUSTER_DIR / "leaflet.markercluster.js").read_text(encoding="utf-8")
    )
    header = m.get_root().header
    header.add_child(
        folium.Element(f"<style>{_inline_css(_LEAFLET_DIR / 'leaflet.css')}</style>"),
        name="leaflet_css",
    )
    header.add_child(
        folium.Element(f"<style>{_inline_css(_OWN_CSS_FILE)}</style>"), name="faultlines_css"
    )
    for index, name in enumerate(MARKERCLUSTER_CSS):
        css = _inline_css(_MARKERCLUSTER_DIR / Path(name).name)
        header.add_child(folium.Element(f"<style>{css}</style>"), name=f"markercluster_css_{index}")
    header.add_child(folium.Element(f"<script>{leaflet}</script>"), name="leaflet")
    header.add_child(folium.Element(f"<script>{clusters}</script>"), name="markercluster")
    return str(m.get_root().render())
