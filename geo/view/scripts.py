"""Write the Leaflet scripts the map adds to its page: setup, land, markers and shapes.

Folium's own layers write one JavaScript object per feature; the elements made here draw
hundreds of markers (:func:`marker_batch`) or zones and places (:func:`shape_batch`) with one
loop in the browser, fetch the offline land and its labels (:func:`land_script`) and tag the
map's container (:func:`setup_script`). Values reach JavaScript as JSON literals that cannot
end their ``<script>``; the markup inside them (icons, popups, tooltips) is escaped by whoever
made it (:mod:`geo.view.map`, :mod:`geo.view.popups`).
"""

from __future__ import annotations

import json
from typing import Any, NotRequired, TypedDict

import folium
from folium.template import Template

from geo.view.styles import EVENT_STYLES, FALLBACK_EVENT_STYLE

__all__ = [
    "MARKER_CLUSTER_PIXELS",
    "Feature",
    "FeatureProperties",
    "MarkerItem",
    "land_script",
    "marker_batch",
    "setup_script",
    "shape_batch",
]

_POPUP_MAX_WIDTH = 340
#: Room, in pixels, a popup keeps from the map's edges when the map pans to show it.
_POPUP_PAN_PADDING = 12


#: Markers closer than this on screen are drawn as one MarkerCluster disc.
MARKER_CLUSTER_PIXELS = 40


_MacroElement: Any = folium.MacroElement  # its __init__ is unannotated: called untyped


class FeatureProperties(TypedDict):
    """What a zone or place feature tells the browser: its style, popup and tooltip."""

    id: str
    style: dict[str, object]
    popup: str
    tooltip: str
    selected: bool


class Feature(TypedDict):
    """A zone or place as a GeoJSON feature (see :func:`shape_batch`)."""

    type: str
    id: str
    properties: FeatureProperties
    geometry: dict[str, object]


class MarkerItem(TypedDict):
    """One marker for :func:`marker_batch`; a grid cell of many events has ``cell`` set."""

    id: str
    type: str
    lat: float
    lon: float
    size: int
    icon: str
    selected: bool
    popup: NotRequired[str]
    tooltip: NotRequired[str]
    cell: NotRequired[bool]


_SETUP_TEMPLATE = Template(
    """
    {% macro script(this, kwargs) %}
    {%- if this.image_path %}
        L.Icon.Default.imagePath = {{ this.image_path|tojson }};
    {%- endif %}
        {{ this._parent.get_name() }}.getContainer().classList.add(
            {{ this.container_class|tojson }});
        if (window.flTrackSize) { flTrackSize({{ this._parent.get_name() }}); }
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
    {%- if this.labels %}
        flLabels({{ this._parent.get_name() }}, {{ this.labels|tojson }});
    {%- endif %}
    {% endmacro %}
    """
)


_MARKERS_TEMPLATE = Template(
    """
    {% macro script(this, kwargs) %}
        (function (group) {
        {%- if this.cluster %}
            flQuietClusters();
            var clusters = L.markerClusterGroup({
                maxClusterRadius: {{ this.cluster_pixels }},
                showCoverageOnHover: false,
                iconCreateFunction: flClusterIcon({{ this.styles|tojson }})
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
                    marker.on = flQuietOn;
                    marker.on("click", zoomIn);
                    marker.bindTooltip(item.tooltip, {className: "fl-tooltip-frame"});
                    return;
                }
                marker.bindPopup(item.popup, {
                    maxWidth: {{ this.max_width }},
                    className: "fl-popup-frame",
                    autoPanPadding: [{{ this.pan_padding }}, {{ this.pan_padding }}],
                    autoPan: !item.selected
                });
                marker.bindTooltip(item.tooltip, {className: "fl-tooltip-frame"});
            {%- if this.has_selected %}
                if (item.selected) {
                    flOpenSelected(marker, item.id);
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
                        autoPanPadding: [{{ this.pan_padding }}, {{ this.pan_padding }}],
                        autoPan: !p.selected
                    });
                    layer.bindTooltip(p.tooltip, {sticky: true, className: "fl-tooltip-frame"});
                {%- if this.has_selected %}
                    if (p.selected) {
                        flOpenSelected(layer, p.id);
                    }
                {%- endif %}
                }
            }).addTo(group);
        })({{ this._parent.get_name() }});
    {% endmacro %}
    """
)


def shape_batch(features: list[Feature]) -> folium.MacroElement:
    """Return one element that draws many zones or places as a single GeoJSON layer."""
    return _script_element(
        "Shapes",
        _SHAPES_TEMPLATE,
        collection=_js_string_of({"type": "FeatureCollection", "features": features}),
        has_selected=any(f["properties"]["selected"] for f in features),
        max_width=_POPUP_MAX_WIDTH,
        pan_padding=_POPUP_PAN_PADDING,
    )


def marker_batch(items: list[MarkerItem], *, cluster: bool = False) -> folium.MacroElement:
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
        pan_padding=_POPUP_PAN_PADDING,
        cluster=cluster,
        cluster_pixels=MARKER_CLUSTER_PIXELS,
        styles=styles,
    )


def _script_element(name: str, template: Template, **values: object) -> folium.MacroElement:
    """Return a folium element rendering `template` with `values` as its attributes."""
    element: folium.MacroElement = _MacroElement()
    element._name = name
    element._template = template
    for key, value in values.items():
        setattr(element, key, value)
    return element


def _js_string_of(value: object) -> str:
    """Return `value` as a JavaScript literal (JSON) that cannot end its ``<script>``."""
    literal = json.dumps(value, ensure_ascii=False)
    return literal.replace("</", "<\\/").replace("<!--", "<\\!--")


def setup_script(image_path: str, container_class: str) -> folium.MacroElement:
    """Return the element that points Leaflet at its images and classes the map's container."""
    return _script_element(
        "MapSetup", _SETUP_TEMPLATE, image_path=image_path, container_class=container_class
    )


def land_script(
    url: str, labels: str | None, *, attribution: str, style: dict[str, object]
) -> folium.MacroElement:
    """Return the element that fetches the land GeoJSON at `url` (and place `labels`) once."""
    return _script_element(
        "Land",
        _BASEMAP_FETCH_TEMPLATE,
        url=url,
        labels=labels,
        attribution=attribution,
        style=style,
    )
