"""Build the folium map of events, offices, zones and places for a view, fully offline.

The map never loads anything from the network unless the view asks for a tile basemap:

- Leaflet and MarkerCluster are served from the app's own static folder
  (:mod:`geo.view.assets` puts them there); the map's ``default_js`` and ``default_css`` name
  only those local files, so folium's CDN links (jQuery, Bootstrap, Font Awesome,
  awesome-markers) never reach the HTML. :func:`standalone_html` inlines the same files for a
  single page that opens offline. What to draw is chosen by :mod:`geo.view.selection`.
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
open (``flOpenSelected`` in ``assets/faultlines.js``: the first time a selection is shown, the
map pans just enough for the whole popup to show, once the map's frame is styled and sized);
a searched place is outlined with the class ``fl-highlight``; an event new since the
reader's last visit gets the class ``fl-new``.

For streamlit-folium, :func:`base_map` is the stable part (basemap only) and :func:`feature_groups`
the changing layers (``feature_group_to_add``); :func:`build_map` puts both together. The
Leaflet scripts that draw the markers and shapes chosen here are :mod:`geo.view.scripts`'s.
"""

from __future__ import annotations

import functools
import html
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, TypedDict, cast

import folium
import numpy as np
import shapely
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from geo.records import Layer
from geo.view.assets import TILE_PROVIDERS, VECTOR_ATTRIBUTION, asset_links, offline_head
from geo.view.popups import (
    Row,
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
from geo.view.scripts import (
    Feature,
    MarkerItem,
    land_script,
    marker_batch,
    setup_script,
    shape_batch,
)
from geo.view.selection import (
    MAX_SHAPES,
    POINT_DECIMALS,
    filter_events,
    limit_events,
    limit_shapes,
    location_of,
    marker_positions,
    rows_of,
)
from geo.view.state import MAX_ZOOM, ViewState
from geo.view.styles import (
    PLACE_STYLE,
    ZoneStyle,
    event_style,
    legend_swatches,
    office_style,
    zone_style,
)

if TYPE_CHECKING:
    import pandas as pd
    from geopandas import GeoDataFrame

__all__ = [
    "MapLayers",
    "base_map",
    "build_map",
    "feature_groups",
    "standalone_html",
]


class _PathStyle(TypedDict, total=False):
    """Leaflet path options, as folium's keyword arguments name them."""

    color: str
    weight: float
    fill_color: str
    fill_opacity: float
    dash_array: str
    fill: bool


_LAND_STYLE: _PathStyle = {
    "color": "#b9b2a3",
    "weight": 0.6,
    "fill_color": "#f4f1ea",
    "fill_opacity": 1.0,
}
_HIGHLIGHT_STYLE: _PathStyle = {
    "color": "#111111",
    "weight": 3,
    "dash_array": "6 4",
    "fill": False,
}
_SELECTED_PLACE_STYLE = ZoneStyle("#1a1a1a", 3.5, PLACE_STYLE.fill_color, 0.12, "")
_EVENT_ICON_SIZE = 22
_OFFICE_ICON_SIZE = 24
_SHAPE_DECIMALS = 4
_CLASS_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


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
    fresh
        Ids of events new since the reader's last visit (:mod:`geo.view.fresh`): their
        markers get the class ``fl-new``, a green ring.
    clusters, located, matching, tallies
        What stands for the events not read when the viewport holds more than the map draws
        one by one (:class:`geo.view.page.ViewEvents`): the grid cells drawn instead, the
        viewport's events as points, how many match the filters, and their tallies per type
        and interval. None when `events` hold every event the filters keep.
    """

    events: GeoDataFrame | None = None
    offices: GeoDataFrame | None = None
    zones: GeoDataFrame | None = None
    places: GeoDataFrame | None = None
    basemap: GeoDataFrame | None = None
    fresh: frozenset[str] = frozenset()
    clusters: GeoDataFrame | None = None
    located: pd.DataFrame | None = None
    matching: int | None = None
    tallies: pd.DataFrame | None = None


# ---------------------------------------------------------------------------------------------
# static assets


# ---------------------------------------------------------------------------------------------
# filtering


# ---------------------------------------------------------------------------------------------
# geometry for display


_SHAPES_KEPT: Final = 1024
"""Shapes kept simplified for display (per shape and zoom), the least recently drawn dropped."""


def _tolerance(zoom: int) -> float:
    """One screen pixel at `zoom`, in degrees: finer detail would not be seen."""
    return 360.0 / (256.0 * 2.0**zoom)


def _display_shape(geometry: object, tolerance: float) -> dict[str, object] | None:
    """Return `geometry` simplified by `tolerance` and rounded, as a GeoJSON mapping.

    A shape drawn at a zoom before is not simplified again (:func:`_simplified`): each view
    draws the same zones, and simplifying a sea or a large zone is most of its cost.
    """
    if not isinstance(geometry, BaseGeometry) or geometry.is_empty:
        return None
    return dict(_simplified(geometry, tolerance))


@functools.lru_cache(maxsize=_SHAPES_KEPT)
def _simplified(geometry: BaseGeometry, tolerance: float) -> dict[str, object]:
    shape = geometry
    decimals = POINT_DECIMALS
    if geometry.geom_type in {"Polygon", "MultiPolygon", "LineString", "MultiLineString"}:
        simplified = geometry.simplify(tolerance, preserve_topology=True)
        shape = geometry if simplified.is_empty else simplified
        decimals = _SHAPE_DECIMALS
    rounded = shapely.transform(shape, lambda xy: np.round(xy, decimals))
    return dict(mapping(rounded))


def _area(record: Row) -> float:
    geometry = record.get("geometry")
    return float(geometry.area) if isinstance(geometry, BaseGeometry) else 0.0


# ---------------------------------------------------------------------------------------------
# folium elements


def _shape_feature(
    record: Row,
    classes: str,
    style: ZoneStyle,
    tolerance: float,
    *,
    popup: str,
    tooltip: str,
    selected: bool,
) -> Feature | None:
    """Return one zone or place as a GeoJSON feature carrying its style and popup."""
    feature_id = read_text(record.get("id"))
    shape = _display_shape(record.get("geometry"), tolerance)
    if shape is None:
        return None
    options: dict[str, object] = {
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


def _esc(value: str) -> str:
    return html.escape(value, quote=True)


def _id_class(feature_id: str) -> str:
    return "fl-id-" + _CLASS_UNSAFE.sub("-", feature_id)


def _feature(feature_id: str, shape: dict[str, object]) -> dict[str, object]:
    return {
        "type": "Feature",
        "id": feature_id,
        "properties": {"id": feature_id},
        "geometry": shape,
    }


def _is_selected(record: Row, view: ViewState) -> bool:
    return view.selected is not None and read_text(record.get("id")) == view.selected


def _marker_item(
    record: Row,
    classes: str,
    label: str,
    size: int,
    view: ViewState,
    positions: Mapping[str, tuple[float, float]] | None = None,
) -> MarkerItem | None:
    """Return a record's marker for :func:`~geo.view.scripts.marker_batch`: our ``<span>``."""
    location = location_of(record.get("geometry"))
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


def _cluster_item(record: Row) -> MarkerItem:
    """Return a grid cell of many events as an item for :func:`~geo.view.scripts.marker_batch`."""
    count = int(read_number(record.get("count")) or 0)
    types = _esc(read_text(record.get("types")))
    size = int(min(46, 20 + 12 * math.log10(count + 1)))
    style = event_style(read_text(record.get("type")))
    location = location_of(record.get("geometry")) or [0.0, 0.0]
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
        "popup": f"<b>{count} events</b><br>{types}<br><i>Zoom in to see them.</i>",
        "tooltip": f"{count} events: {types}",
        "selected": False,
        "cell": True,
        "id": read_text(record["id"]),
        "type": read_text(record.get("type")),
    }


def _event_markers(layers: MapLayers, view: ViewState) -> Iterator[folium.MacroElement]:
    events, fresh = layers.events, layers.fresh
    shown: GeoDataFrame | None
    clusters: GeoDataFrame | None
    if layers.clusters is not None and events is not None:  # counted by the view's query
        shown, clusters = events[events["id"] == view.selected], layers.clusters
    else:
        every_match = layers.matching is None  # else the query read only the viewport's
        shown, clusters = limit_events(filter_events(events, view), view, every_match=every_match)
    items = [_cluster_item(record) for record in rows_of(clusters)]
    positions = marker_positions(shown, view.zoom)
    for record in rows_of(shown):
        style = event_style(read_text(record.get("type")))
        classes = f"fl-event fl-type-{_CLASS_UNSAFE.sub('-', style.key)}"
        if read_text(record.get("id")) in fresh:
            classes += " fl-new"
        item = _marker_item(record, classes, style.label, _EVENT_ICON_SIZE, view, positions)
        if item is not None:
            item["popup"], item["tooltip"] = event_popup(record), event_tooltip(record)
            items.append(item)
    if items:
        yield marker_batch(items, cluster=True)


def _office_markers(offices: GeoDataFrame | None, view: ViewState) -> Iterator[folium.MacroElement]:
    positions = marker_positions(offices, view.zoom)
    items = []
    for record in rows_of(offices):
        style = office_style(read_text(record.get("status")))
        classes = f"fl-office fl-status-{_CLASS_UNSAFE.sub('-', style.key)}"
        item = _marker_item(record, classes, style.label, _OFFICE_ICON_SIZE, view, positions)
        if item is not None:
            item["popup"], item["tooltip"] = office_popup(record), office_tooltip(record)
            items.append(item)
    if items:
        yield marker_batch(items)


def _zone_layers(
    zones: GeoDataFrame | None, view: ViewState, tolerance: float
) -> Iterator[folium.MacroElement]:
    zones = limit_shapes(zones, view, cap=MAX_SHAPES, rank="severity")
    features = []
    for record in sorted(rows_of(zones), key=_area, reverse=True):  # small zones on top
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
        yield shape_batch(features)


def _place_layers(
    places: GeoDataFrame | None, view: ViewState, tolerance: float
) -> Iterator[folium.MacroElement]:
    places = limit_shapes(places, view, cap=MAX_SHAPES, rank="mentions")
    features = []
    for record in sorted(rows_of(places), key=_area, reverse=True):
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
        yield shape_batch(features)


def _highlight_layer(highlight: BaseGeometry, tolerance: float) -> folium.MacroElement | None:
    if highlight.geom_type == "Point":
        return folium.CircleMarker(
            location=location_of(highlight),
            radius=14,
            class_name="fl-highlight",
            **_HIGHLIGHT_STYLE,
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
    view: ViewState,
    basemap_frame: GeoDataFrame | None,
    image_path: str,
    basemap_url: str | None = None,
    labels_url: str | None = None,
) -> folium.Map:
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
    setup_script(image_path, "fl-basemap-vector" if vector else "fl-basemap-tiles").add_to(m)
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
        land_script(
            basemap_url,
            labels_url,
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
    labels_file: str | None = None,
) -> folium.Map:
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
    labels_file
        With `basemap_file`: the name :func:`~geo.view.assets.labels_file` returned; place
        names are drawn from it over the land, more as the map zooms in.

    Raises
    ------
    MapViewError
        If `asset_base` names another server.
    """
    js, css = asset_links(asset_base)
    base = asset_base.rstrip("/")
    basemap_url = f"{base}/{basemap_file}" if basemap_file else None
    labels_url = f"{base}/{labels_file}" if labels_file and basemap_file else None
    m = _new_map(view, basemap_frame, f"{base}/leaflet/images/", basemap_url, labels_url)
    m.default_js = js
    m.default_css = css
    return m


def feature_groups(
    layers: MapLayers, view: ViewState, *, highlight: BaseGeometry | None = None
) -> list[folium.FeatureGroup]:
    """Return the view's visible layers as folium feature groups, bottom to top.

    Zones, places, offices and events come in that order, each only when ``view.layers``
    holds it, then the searched place's outline when `highlight` is given. Events are filtered
    by :func:`filter_events`; polygons are simplified for the view's zoom.
    """
    tolerance = _tolerance(view.zoom)
    builders: list[tuple[str, Iterator[folium.MacroElement]]] = []
    if Layer.ZONES in view.layers:
        builders.append(("Zones", _zone_layers(layers.zones, view, tolerance)))
    if Layer.PLACES in view.layers:
        builders.append(("Places", _place_layers(layers.places, view, tolerance)))
    if Layer.OFFICES in view.layers:
        builders.append(("Offices", _office_markers(layers.offices, view)))
    if Layer.EVENTS in view.layers:
        builders.append(("Events", _event_markers(layers, view)))
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
) -> folium.Map:
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
    layers: MapLayers,
    view: ViewState,
    *,
    highlight: BaseGeometry | None = None,
    caption: str = "",
) -> str:
    """Return one HTML page of the map that opens offline: Leaflet and our CSS inlined.

    The page always uses the ``vector`` basemap, whatever ``view.basemap`` says; icons and
    Leaflet's images are data URIs. Nothing in it refers to another file or server. It is
    titled, carries the legend of the view's layers and `caption` (plain text, escaped here:
    the view's filters in words) in a box over the map.
    """
    offline = view if view.basemap not in TILE_PROVIDERS else view.replace(basemap="vector")
    m = _new_map(offline, layers.basemap, "")
    m.default_js = []
    m.default_css = []
    for group in feature_groups(layers, offline, highlight=highlight):
        group.add_to(m)
    root = cast(folium.Figure, m.get_root())  # a map always sits in a figure
    header = root.header
    for name, element in offline_head():
        header.add_child(folium.Element(element), name=name)
    header.add_child(folium.Element("<title>Faultlines map</title>"), name="title")
    root.html.add_child(
        folium.Element(
            '<div class="fl-export-caption"><b>Faultlines map</b>'
            f"<p>{_esc(caption)}</p>{legend_swatches(offline)}</div>"
        ),
        name="caption",
    )
    return str(m.get_root().render())
