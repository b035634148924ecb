"""Give every map symbol its colour, icon and label, and list what a view's legend shows.

The map draws each event type as a coloured disc with a white glyph and each office status as
a rounded square; both are SVG files in ``assets/icons/`` (referenced from
``assets/faultlines.css``). Tension zones are shaded by severity with a colour ramp computed
here, so the map needs no colormap library. The dashboard draws the legend itself from
:func:`legend_items`; this module imports neither Streamlit nor folium.
"""

from __future__ import annotations

import base64
import html
import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from geo.bundled import bundled_dir
from geo.records import OFFICE_STATUSES, Layer
from geo.taxonomy import EVENT_TYPES
from geo.view.state import ViewState

__all__ = [
    "ASSETS_DIR",
    "EVENT_STYLES",
    "FALLBACK_EVENT_STYLE",
    "ICONS_DIR",
    "OFFICE_STYLES",
    "PLACE_STYLE",
    "SEVERITY_STOPS",
    "ZONE_KIND_LABELS",
    "EventStyle",
    "LegendItem",
    "OfficeStyle",
    "ZoneStyle",
    "event_style",
    "icon_data_uri",
    "legend_items",
    "legend_swatches",
    "office_style",
    "zone_style",
]

ASSETS_DIR: Path = bundled_dir("assets")
"""The project's own map assets: ``faultlines.css`` and ``icons/``."""

ICONS_DIR: Path = ASSETS_DIR / "icons"
"""SVG marker icons, one per event type (``event-<type>.svg``) and office status."""


@dataclass(frozen=True, slots=True)
class EventStyle:
    """How one event type is drawn.

    Attributes
    ----------
    key
        The event type key.
    label
        Legend text (the taxonomy's label).
    colour
        Disc colour, ``#rrggbb``; the icon file uses the same colour.
    icon
        File name in :data:`ICONS_DIR`.
    """

    key: str
    label: str
    colour: str
    icon: str


@dataclass(frozen=True, slots=True)
class OfficeStyle:
    """How offices of one status are drawn.

    Attributes
    ----------
    key
        The status (``open``, ``proposed``, ``in_talks``, ``closed``).
    label
        Legend text.
    colour
        The icon's accent colour, ``#rrggbb``.
    icon
        File name in :data:`ICONS_DIR`.
    """

    key: str
    label: str
    colour: str
    icon: str


@dataclass(frozen=True, slots=True)
class ZoneStyle:
    """Leaflet path options for one tension zone (names as Leaflet spells them).

    Attributes
    ----------
    color
        Outline colour.
    weight
        Outline width in pixels.
    fill_color
        Fill colour.
    fill_opacity
        Fill opacity, 0–1.
    dash_array
        SVG dash pattern of the outline, ``""`` for a solid line.
    """

    color: str
    weight: float
    fill_color: str
    fill_opacity: float
    dash_array: str


@dataclass(frozen=True, slots=True)
class LegendItem:
    """One line of the map legend.

    Attributes
    ----------
    layer
        The layer it explains: ``events``, ``offices``, ``zones`` or ``places``.
    key
        Event type, office status, severity band or ``place``.
    label
        Text to show.
    colour
        Swatch colour, ``#rrggbb``.
    icon
        The SVG file drawn on the map, or ``None`` for polygon swatches.
    """

    layer: str
    key: str
    label: str
    colour: str
    icon: Path | None


_EVENT_COLOURS: Mapping[str, str] = {
    "exercise": "#d95f02",
    "missile_launch": "#b2182b",
    "patrol": "#b8860b",
    "incursion": "#c2185b",
    "armed_attack": "#67001f",
    "buildup": "#8c510a",
    "visit": "#1b9e77",
    "talks": "#1f78b4",
    "accession": "#6a3d9a",
    "office_opening": "#2e7d32",
    "territorial_claim": "#5c6bc0",
    "criticism": "#546e7a",
}

EVENT_STYLES: Mapping[str, EventStyle] = MappingProxyType(
    {
        t.key: EventStyle(t.key, t.label, _EVENT_COLOURS[t.key], f"event-{t.key}.svg")
        for t in EVENT_TYPES
    }
)
"""Style of every event type of :data:`geo.taxonomy.EVENT_TYPES`, in taxonomy order."""

FALLBACK_EVENT_STYLE: EventStyle = EventStyle("other", "Other event", "#757575", "")
"""Style of an event whose type is not in the taxonomy (drawn as a plain grey disc)."""

_OFFICE_LABELS: Mapping[str, tuple[str, str]] = {
    "open": ("Office open", "#0b3d91"),
    "proposed": ("Office proposed", "#0b3d91"),
    "in_talks": ("Office in talks", "#f9a825"),
    "closed": ("Office closed", "#8e8e8e"),
}

OFFICE_STYLES: Mapping[str, OfficeStyle] = MappingProxyType(
    {
        status: OfficeStyle(status, *_OFFICE_LABELS[status], f"office-{status}.svg")
        for status in OFFICE_STATUSES
    }
)
"""Style of every office status: solid (open), dashed (proposed), tinted with an amber dot
(in talks), grey and struck through (closed)."""

ZONE_KIND_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "territorial_dispute": "Territorial dispute",
        "military_activity": "Military activity",
        "war": "War",
    }
)
"""Display names of the zone kinds."""

_ZONE_DASH: Mapping[str, str] = {"territorial_dispute": "6 4", "military_activity": "", "war": ""}
_ZONE_WEIGHT: Mapping[str, float] = {
    "territorial_dispute": 1.5,
    "military_activity": 1.5,
    "war": 2.5,
}

SEVERITY_STOPS: tuple[tuple[float, str], ...] = (
    (0.0, "#fee08b"),
    (0.5, "#f46d43"),
    (1.0, "#a50026"),
)
"""Zone fill colour ramp: severity → colour, interpolated linearly in RGB between stops."""

_MIN_FILL_OPACITY = 0.12
_MAX_FILL_OPACITY = 0.5

PLACE_STYLE: ZoneStyle = ZoneStyle("#2b4f8c", 1.5, "#2b4f8c", 0.04, "2 3")
"""Outline of the places mentioned (nearly unfilled, dotted)."""

_SEVERITY_BANDS: tuple[tuple[str, str, float], ...] = (
    ("low", "Zone, low severity", 0.15),
    ("medium", "Zone, medium severity", 0.5),
    ("high", "Zone, high severity", 0.9),
)


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _severity_colour(severity: float) -> str:
    """Interpolate :data:`SEVERITY_STOPS` at `severity` (clamped to 0–1)."""
    severity = min(max(severity, 0.0), 1.0)
    for (low, low_colour), (high, high_colour) in itertools.pairwise(SEVERITY_STOPS):
        if severity <= high:
            share = (severity - low) / (high - low)
            mixed = (
                round(a + (b - a) * share)
                for a, b in zip(_rgb(low_colour), _rgb(high_colour), strict=True)
            )
            return "#{:02x}{:02x}{:02x}".format(*mixed)
    return SEVERITY_STOPS[-1][1]


def zone_style(severity: float, kind: str, *, selected: bool = False) -> ZoneStyle:
    """Return the path style of a zone of `kind` with `severity` (0–1, clamped; NaN is 0).

    The fill darkens and thickens with severity; disputes get a dashed outline and wars a
    heavier one. A selected zone gets a thick dark outline.
    """
    if severity != severity:  # NaN
        severity = 0.0
    severity = min(max(severity, 0.0), 1.0)
    colour = _severity_colour(severity)
    opacity = round(_MIN_FILL_OPACITY + (_MAX_FILL_OPACITY - _MIN_FILL_OPACITY) * severity, 3)
    if selected:
        return ZoneStyle("#1a1a1a", 4.0, colour, opacity, "")
    return ZoneStyle(colour, _ZONE_WEIGHT.get(kind, 1.5), colour, opacity, _ZONE_DASH.get(kind, ""))


def event_style(key: str) -> EventStyle:
    """Return the style of event type `key`, :data:`FALLBACK_EVENT_STYLE` when unknown."""
    return EVENT_STYLES.get(key, FALLBACK_EVENT_STYLE)


def office_style(status: str) -> OfficeStyle:
    """Return the style of office `status`; an unknown status gets a plain grey square."""
    return OFFICE_STYLES.get(status) or OfficeStyle("other", f"Office {status}", "#757575", "")


def icon_data_uri(icon: Path) -> str:
    """Return the SVG file `icon` as a ``data:image/svg+xml;base64,…`` URI (for a legend)."""
    encoded = base64.b64encode(icon.read_bytes()).decode("ascii")
    return f"data:image/svg+xml;base64,{encoded}"


def legend_items(view: ViewState) -> list[LegendItem]:
    """Return the legend lines for what `view` shows, layer by layer.

    Events list the visible types in taxonomy order (all of them when ``view.types`` is
    ``None``), offices every status, zones three severity bands, places one outline swatch;
    a hidden layer contributes nothing.
    """
    items: list[LegendItem] = []
    if Layer.EVENTS in view.layers:
        items.extend(
            LegendItem(Layer.EVENTS, s.key, s.label, s.colour, ICONS_DIR / s.icon)
            for s in EVENT_STYLES.values()
            if view.types is None or s.key in view.types
        )
    if Layer.OFFICES in view.layers:
        items.extend(
            LegendItem(Layer.OFFICES, s.key, s.label, s.colour, ICONS_DIR / s.icon)
            for s in OFFICE_STYLES.values()
        )
    if Layer.ZONES in view.layers:
        items.extend(
            LegendItem(Layer.ZONES, key, label, _severity_colour(severity), None)
            for key, label, severity in _SEVERITY_BANDS
        )
    if Layer.PLACES in view.layers:
        items.append(LegendItem(Layer.PLACES, "place", "Place mentioned", PLACE_STYLE.color, None))
    return items


def legend_html(view: ViewState) -> str:
    """Return the legend as small HTML (our labels and icons only, no article text)."""
    rows = []
    for item in legend_items(view):
        swatch = (
            f'<img src="{icon_data_uri(item.icon)}" width="16" height="16" alt="">'
            if item.icon
            else f'<span style="color:{item.colour}">&#9632;</span>'
        )
        rows.append(f'<div class="fl-legend-row">{swatch} {html.escape(item.label)}</div>')
    return '<div class="fl-legend">' + "".join(rows) + "</div>"


def legend_swatches(view: ViewState) -> str:
    """Return the view's legend as HTML with coloured swatches instead of icons.

    For the offline export, which carries no image files; every label is escaped.
    """
    return "".join(
        f'<div><span class="fl-swatch" style="background:{html.escape(item.colour)}"></span>'
        f"{html.escape(item.label)}</div>"
        for item in legend_items(view)
    )
