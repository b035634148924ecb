"""Work out what a dashboard view shows: layers, event list, timeline, selection, search.

Everything here is pure (a :class:`geo.view.dataset.Dataset` and a :class:`geo.view.state.ViewState`
in, frames and records out), so ``dashboard.py`` only wires widgets to these functions and the
logic is tested without Streamlit.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd  # type: ignore[import-untyped]
import shapely

from geo.layers.intervals import covered_intervals, period_end, period_start
from geo.places.gazetteer import Gazetteer, Place
from geo.places.geocode import Geocoder, Suggestion
from geo.places.names import name_key
from geo.records import CRS, Layer
from geo.taxonomy import EVENT_TYPES
from geo.text.actors import Organisation
from geo.view.assets import BASEMAP_MIN_AREA, BASEMAP_TOLERANCE, write_basemap
from geo.view.dataset import Dataset
from geo.view.map import MapLayers, standalone_html
from geo.view.popups import format_interval, name_span, office_since, read_strings, read_text
from geo.view.selection import filter_events, marker_positions, undated_hidden, viewport
from geo.view.state import ViewState
from geo.view.styles import EVENT_STYLES

_TYPE_LABELS = {t.key: t.label for t in EVENT_TYPES}
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")
_ARTICLE_COLUMNS = ("title", "outlet", "published", "url")
#: Largest distance, in degrees, between a click and the marker it selects.
CLICK_TOLERANCE_DEGREES = 0.6
#: Largest distance, in degrees, between a click and the marker it selects (markers report
#: their own position, rounded to 5 decimals).
MARKER_EXACT_DEGREES = 1e-4
#: The list's columns kept for the app but not shown.
HIDDEN_COLUMNS: dict[str, None] = {"id": None, "article": None}
#: Most events listed beside the map (the newest).
MAX_LISTED = 300
_MOVE_PIXELS = 4


def escape_markdown(text: object) -> str:
    """Return `text` with every Markdown and HTML special character backslash-escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", read_text(text))


def with_articles(events: Any, articles: Any) -> Any:
    """Join each event with its article's title, outlet, publication date and URL."""
    if events is None or len(events) == 0:
        return events
    if articles is None or len(articles) == 0:
        extra = pd.DataFrame({"article_id": pd.Series([], dtype=str)})
    else:
        extra = articles[["id", *_ARTICLE_COLUMNS]].rename(columns={"id": "article_id"})
    present = [c for c in _ARTICLE_COLUMNS if c in events.columns]
    merged = events.drop(columns=present).merge(extra, on="article_id", how="left")
    return gpd.GeoDataFrame(merged, geometry="geometry", crs=events.crs)


def date_bounds(dataset: Dataset) -> tuple[datetime.date, datetime.date]:
    """Return the first and last day any dated event covers (this year so far when none)."""
    today = datetime.date.today()
    if len(dataset.events) == 0:
        return datetime.date(today.year, 1, 1), today
    first, last = covered_intervals(dataset.events)
    known = ~np.isnat(first)
    if not known.any():
        return datetime.date(today.year, 1, 1), today
    return first[known].min().astype(datetime.date), last[known].max().astype(datetime.date)


def version_notice(dataset: Dataset, current: str | None) -> str | None:
    """Return what the page says about the data version it shows, if anything.

    A link names the data version it was made on, and the page keeps showing that version
    (so the link shows what its author saw); when the store has moved on since, the notice
    says so. When the version is gone, :attr:`Dataset.notice` explains that instead.
    """
    if dataset.notice:
        return dataset.notice
    if current is not None and dataset.version != current:
        return (
            f"This view shows the data as of version {dataset.version}, as its link asks; "
            f"the map now holds newer data (version {current})."
        )
    return None


def visible_events(dataset: Dataset, view: ViewState) -> Any:
    """Return the events the view shows (type and time filters), with article columns."""
    return filter_events(with_articles(dataset.events, dataset.articles), view)


def view_zones(dataset: Dataset, view: ViewState, gazetteer: Gazetteer) -> Any:
    """Return the zones with severities from the view's events (its types and time window).

    Severity is a property of the zone and the window: it counts the window's events in or
    near the zone and measures their recency from the window's end (from the zone's own
    newest event when the window is open), so moving the window shows how tensions rose and
    fell, and news elsewhere never recolours a zone. The scale is
    :func:`geo.layers.zones.zone_severity`'s: ``1 - exp(-S / 2)`` for the summed weights
    ``S``, one fresh missile launch giving 0.36 and three 0.74.
    """
    window = view.replace(actors=None, countries=None)
    return dataset.zones(
        gazetteer, events=filter_events(dataset.events, window), today=view.date_to
    )


def map_layers(
    dataset: Dataset,
    view: ViewState,
    gazetteer: Gazetteer,
    *,
    basemap: Any = None,
    zones: Any = None,
) -> MapLayers:
    """Return the layers to draw for `view`.

    Zones come from :func:`view_zones` unless given (a caller may cache them: they depend
    only on the data, the event types and the time window). The places layer shows the real
    shapes of the places the visible events happened in.
    """
    events = visible_events(dataset, view)
    if zones is None:
        zones = view_zones(dataset, view, gazetteer)
    place_ids = set(itertools.chain.from_iterable(events["place_ids"])) if len(events) else set()
    places = dataset.places[dataset.places["id"].isin(place_ids)] if len(dataset.places) else None
    return MapLayers(
        events=events,
        offices=dataset.offices,
        zones=zones,
        places=places,
        basemap=basemap,
    )


def event_table(events: Any, *, limit: int = MAX_LISTED, names: Names | None = None) -> Any:
    """Return up to `limit` of the visible events as a table for the list, newest first.

    Actors are named with `names` ("China", not "CHN") when given.
    """
    actor = names.actor if names is not None else str
    columns = ["id", "when", "type", "where", "who", "article"]
    if events is None or len(events) == 0:
        return pd.DataFrame({c: pd.Series([], dtype=str) for c in columns})
    first, _ = covered_intervals(events)
    newest_first = np.where(np.isnat(first), np.iinfo(np.int64).max, -first.astype("int64"))
    order = np.lexsort((events["id"].to_numpy(), newest_first))  # undated events last
    newest = events.iloc[order[:limit]]
    rows = [
        {
            "id": record["id"],
            "when": format_interval(
                record.get("date_start"), record.get("date_end"), record.get("date_precision")
            ),
            "type": _TYPE_LABELS.get(record["type"], record["type"]),
            "where": ", ".join(read_strings(record.get("place_names"))) or "—",
            "who": ", ".join(actor(a) for a in read_strings(record.get("actors"))) or "—",
            "article": read_text(record.get("title")),
        }
        for record in newest.to_dict("records")
    ]
    return pd.DataFrame(rows, columns=columns)


def timeline(events: Any) -> Any:
    """Return event counts by month (rows) and type label (columns) for dated events."""
    if events is None or len(events) == 0:
        return pd.DataFrame()
    first, _ = covered_intervals(events)
    dated = ~np.isnat(first)
    if not dated.any():
        return pd.DataFrame()
    months = pd.to_datetime(first[dated]).to_period("M").to_timestamp()
    labels = events["type"].to_numpy()[dated]
    frame = pd.DataFrame({"month": months, "type": [_TYPE_LABELS.get(k, k) for k in labels]})
    counts = frame.groupby(["month", "type"]).size().unstack(fill_value=0)
    full = pd.date_range(counts.index.min(), counts.index.max(), freq="MS")
    return counts.reindex(full, fill_value=0).rename_axis("month")


#: Name of the timeline's brush, as Streamlit reports it.
TIMELINE_BRUSH = "brush"


def timeline_chart(events: Any) -> Any:
    """Return the timeline as a Vega-Lite chart: events per month, stacked by type.

    Bars take the map's colours per type, the axis shows months with their years, the
    legend sits beside it (never cut), and dragging across the chart brushes a time window
    (read back by :func:`brushed_window`). None when no event has a date.
    """
    import altair as alt  # only the timeline needs it

    counts = timeline(events)
    if len(counts) == 0:
        return None
    frame = counts.reset_index().melt("month", var_name="type", value_name="events")
    styles = [s for s in EVENT_STYLES.values() if s.label in set(frame["type"])]
    colour = alt.Color(
        "type:N",
        title=None,
        scale=alt.Scale(domain=[s.label for s in styles], range=[s.colour for s in styles]),
        legend=alt.Legend(orient="right", labelLimit=240),
    )
    brush = alt.selection_interval(name=TIMELINE_BRUSH, encodings=["x"])
    return (
        alt.Chart(frame, height=170)
        .mark_bar()
        .encode(
            x=alt.X("month:T", title=None, axis=alt.Axis(format="%b %Y", labelAngle=0)),
            y=alt.Y("sum(events):Q", title="Events"),
            color=colour,
            tooltip=[
                alt.Tooltip("month:T", format="%B %Y"),
                "type:N",
                alt.Tooltip("events:Q"),
            ],
        )
        .add_params(brush)
    )


def brushed_window(
    selection: Any, bounds: tuple[datetime.date, datetime.date]
) -> tuple[datetime.date, datetime.date] | None:
    """Return the time window a brush on the timeline asks for, within `bounds`; else None.

    `selection` is what Streamlit keeps for the chart (``{"selection": {"brush": {field:
    [start, end]}}}``, times in milliseconds); a brush covers whole months.
    """
    try:
        brushed = selection["selection"][TIMELINE_BRUSH]
        start, end = next(iter(brushed.values()))
        first = pd.Timestamp(float(start), unit="ms").to_period("M").start_time.date()
        last = pd.Timestamp(float(end), unit="ms").to_period("M").end_time.date()
    except (KeyError, TypeError, ValueError, StopIteration, AttributeError):
        return None
    low, high = bounds
    first, last = min(max(first, low), high), max(min(last, high), low)
    return (first, last) if first <= last else None


Bounds = tuple[float, float, float, float]
"""A map extent: west, south, east, north in degrees (east may pass 180)."""


def map_bounds(view: ViewState, returned: dict[str, Any] | None) -> Bounds:
    """Return the map's extent as the browser last reported it, else as `view` implies.

    ``st_folium`` returns Leaflet's bounds with each report; before the first one (or when it
    is unreadable) the extent is estimated from the view's centre and zoom.
    """
    try:
        south_west = returned["bounds"]["_southWest"]  # type: ignore[index]
        north_east = returned["bounds"]["_northEast"]  # type: ignore[index]
        west, south = float(south_west["lng"]), float(south_west["lat"])
        east, north = float(north_east["lng"]), float(north_east["lat"])
    except (KeyError, TypeError, ValueError):
        return viewport(view, margin=0.0)
    if not all(np.isfinite([west, south, east, north])) or north <= south or east <= west:
        return viewport(view, margin=0.0)
    return west, south, east, north


def events_within(events: Any, bounds: Bounds) -> Any:
    """Return the events whose point lies within `bounds` (those without a place drop out)."""
    if events is None or len(events) == 0:
        return events
    west, south, east, north = bounds
    located = events.geometry.notna().to_numpy() & ~events.geometry.is_empty.to_numpy()
    xs = np.where(located, events.geometry.x.where(located, 0.0).to_numpy(), np.nan)
    ys = np.where(located, events.geometry.y.where(located, 0.0).to_numpy(), np.nan)
    keep = (ys >= south) & (ys <= north)
    if east - west < 360:
        offset = (xs - west) % 360  # a longitude east of `west`, whichever world copy
        keep &= offset <= east - west
    return events[keep & located]


def events_in_scope(
    events: Any, view: ViewState, returned: dict[str, Any] | None, *, everything: object = False
) -> Any:
    """Return the events the list and the exports show: those on the map, or every match.

    By default "in view" means within the map's extent (:func:`map_bounds`); with
    `everything`, every event that matches the view's filters, placed or not.
    """
    if everything:
        return events
    return events_within(events, map_bounds(view, returned))


def list_heading(
    listed: Any,
    matching: Any,
    *,
    everything: object = False,
    window: tuple[datetime.date, datetime.date] | None = None,
) -> str:
    """Return the list's heading: how many events it holds, when, and how many match elsewhere.

    "10 events in view, 2022-06-01 – 2023-04-29 (of 14 that match the filters)", where
    `window` is the time window's first and last day (left out when not given).
    """
    shown, total = (
        len(listed) if listed is not None else 0,
        len(matching) if matching is not None else 0,
    )
    span = f", {window[0].isoformat()} – {window[1].isoformat()}" if window else ""
    if everything:
        return f"{shown} events match the filters{span}"
    if shown == total:
        return f"{shown} events in view{span}"
    return f"{shown} events in view{span} (of {total} that match the filters)"


def list_key(table: Any) -> str:
    """Return a short digest of the list's rows: a new list is a new widget, unselected.

    A row index means another event once the rows change (the map moved, a filter changed),
    so the list's selection must not carry over.
    """
    ids = "\n".join(table["id"].astype(str)) if len(table) else ""
    return hashlib.sha256(ids.encode()).hexdigest()[:10]


def row_of(table: Any, selected: str | None) -> int | None:
    """Return where the selected event sits in the list (0 is its first row), or None."""
    if not selected or len(table) == 0:
        return None
    rows = np.flatnonzero(table["id"].to_numpy() == selected)
    return int(rows[0]) if len(rows) else None


def highlighted(table: Any, selected: str | None) -> Any:
    """Return `table` styled with the selected event's row highlighted (a pandas Styler)."""
    marked = table["id"].to_numpy() == selected

    def shade(row: Any) -> list[str]:
        colour = "background-color: #f6dccf" if marked[row.name] else ""
        return [colour] * len(row)

    return table.style.apply(shade, axis=1)


def type_counts(events: Any) -> str:
    """Return "Exercise 5 · Missile launch 2 …": the events per type, most first."""
    if events is None or len(events) == 0:
        return ""
    counts = events["type"].astype(str).value_counts(sort=True)
    return " · ".join(f"{_TYPE_LABELS.get(k, k)} {n}" for k, n in counts.items())


@dataclass(frozen=True, slots=True)
class Selection:
    """The feature a view has selected, described for the side panel."""

    id: str
    layer: str
    record: dict[str, Any]


def find_selection(layers: MapLayers, selected: str | None) -> Selection | None:
    """Return the selected feature's record from whichever visible layer holds it."""
    if not selected:
        return None
    for name in Layer:
        frame = getattr(layers, name)
        if frame is not None and len(frame) and "id" in frame.columns:
            rows = frame[frame["id"] == selected]
            if len(rows):
                return Selection(selected, name, rows.iloc[0].to_dict())
    return None


def feature_at(layers: MapLayers, lat: float, lon: float, *, zoom: int = 4) -> str | None:
    """Return the id of the marker clicked, or of the smallest zone containing the click.

    st_folium reports where an object was clicked, not which. Leaflet reports a marker's own
    position, so a marker within :data:`MARKER_EXACT_DEGREES` of the click is the one clicked.
    A click near markers that is on none of them is on a cluster of them (a MarkerCluster
    disc or a grid cell, both at their events' mean position): it selects nothing, as the map
    zooms in on the cluster instead.
    """
    tolerance = CLICK_TOLERANCE_DEGREES * 2 ** (4 - min(max(zoom, 1), 18))
    best: tuple[float, str] | None = None
    for name in (Layer.EVENTS, Layer.OFFICES):
        frame = getattr(layers, name)
        if frame is None or len(frame) == 0:
            continue
        for feature_id, (y, x) in marker_positions(frame, zoom).items():
            distance = abs(y - lat) + abs(x - lon)
            if distance <= tolerance and (best is None or distance < best[0]):
                best = (distance, feature_id)
    if best is not None:
        return best[1] if best[0] <= MARKER_EXACT_DEGREES else None
    point = shapely.Point(lon, lat)
    for name in (Layer.ZONES, Layer.PLACES):
        frame = getattr(layers, name)
        if frame is None or len(frame) == 0:
            continue
        hits = frame[frame.geometry.covers(point)]
        if len(hits):
            areas = shapely.area(hits.geometry.to_numpy())  # in square degrees: only compared
            return str(hits.iloc[int(areas.argmin())]["id"])
    return None


def view_after_map(
    view: ViewState,
    returned: dict[str, Any] | None,
    layers: MapLayers,
    *,
    previous: dict[str, Any] | None = None,
) -> ViewState:
    """Return the view after the user panned, zoomed or clicked the map.

    Parameters
    ----------
    view
        The view the map was drawn for.
    returned
        What ``st_folium`` returned: ``center``, ``zoom``, ``last_object_clicked``.
    layers
        What was drawn, to tell which feature a click hit.
    previous
        What ``st_folium`` returned before. ``last_object_clicked`` stays the same until the
        next click, so a click is applied only when it differs from the previous one: a move
        reported after the selection changed elsewhere (the event list) must not select again
        whatever lies under that old click.
    """
    if not returned:
        return view
    changes: dict[str, Any] = {}
    center = returned.get("center")
    if isinstance(center, dict) and {"lat", "lng"} <= set(center):
        lat, lon = float(center["lat"]), float(center["lng"])
        # Leaflet reports a centre a fraction of a pixel off the one it was given: only a
        # move of a few pixels is the user's
        moved = abs(lat - view.lat) + abs(((lon - view.lon + 180) % 360) - 180)
        if -90 <= lat <= 90 and moved > _MOVE_PIXELS * 360 / (256 * 2**view.zoom):
            changes["lat"], changes["lon"] = round(lat, 4), ((lon + 180) % 360) - 180
    zoom = returned.get("zoom")
    if isinstance(zoom, int | float) and 1 <= zoom <= 18 and round(zoom) != view.zoom:
        changes["zoom"] = round(zoom)
    clicked = returned.get("last_object_clicked")
    if clicked == (previous or {}).get("last_object_clicked"):
        clicked = None
    if isinstance(clicked, dict) and {"lat", "lng"} <= set(clicked):
        feature = feature_at(layers, float(clicked["lat"]), float(clicked["lng"]), zoom=view.zoom)
        if feature is not None and feature != view.selected:
            changes["selected"] = feature
    return view.replace(**changes) if changes else view


@dataclass(frozen=True, slots=True)
class SearchResult:
    """The outcome of a place search: a place to show, or close matches to offer."""

    place: Place | None
    suggestions: tuple[Suggestion, ...] = ()


#: Shortest entry that may stand for the one name it begins ("Senk" finds nothing).
MIN_PREFIX_CHARS = 5


def search_place(query: str | None, geocoder: Geocoder) -> SearchResult | None:
    """Resolve a search box entry; None when the box is empty.

    A name the geocoder knows resolves; so does the beginning of exactly one known name, as
    people type short forms ("Senkaku" for the Senkaku Islands, "Kuril" for the Kuril
    Islands). Otherwise the close matches are offered.
    """
    if not query or not query.strip():
        return None
    resolution = geocoder.geocode(query)
    if resolution is not None:
        return SearchResult(resolution.place)
    suggestions = tuple(geocoder.suggest(query))
    key = name_key(query)
    if len(key) >= MIN_PREFIX_CHARS:
        begun = {s.place_id for s in suggestions if name_key(s.name).startswith(key)}
        if len(begun) == 1:
            place = geocoder.gazetteer.get(begun.pop())
            if place is not None:
                return SearchResult(place)
    return SearchResult(None, suggestions)


def zoom_for(place: Place) -> int:
    """Return a zoom level at which the whole place is in view."""
    minx, miny, maxx, maxy = place.bbox
    span = max(maxx - minx, maxy - miny, 0.05)
    zoom = 9
    while zoom > 2 and span > 360 / 2**zoom:
        zoom -= 1
    return zoom


def basemap_frame(gazetteer: Gazetteer, *, tolerance: float = 0.05) -> Any:
    """Return land polygons (countries, simplified) for the offline vector basemap."""
    shapes = [
        shapely.simplify(place.geometry, tolerance, preserve_topology=True)
        for place in gazetteer.iter_places("country")
    ]
    return gpd.GeoDataFrame({"geometry": shapes}, geometry="geometry", crs=CRS)


BASEMAP_FORMAT = 1
"""Version of :func:`geo.view.assets.basemap_geojson`'s output; raise it when that changes."""


def basemap_file(static_dir: Path, gazetteer: Gazetteer) -> str:
    """Return the name of the world basemap file under `static_dir`, writing it on first use.

    The name is made from the gazetteer's content hash, the basemap's detail settings and
    :data:`BASEMAP_FORMAT`, so a restarted server finds the file without redrawing the land
    (about 0.7 s). Without a content hash the land is drawn and the file named by its bytes.
    """
    if not gazetteer.version:
        return write_basemap(static_dir, basemap_frame(gazetteer))
    settings = f"{gazetteer.version}|{BASEMAP_TOLERANCE}|{BASEMAP_MIN_AREA}|{BASEMAP_FORMAT}"
    name = f"faultlines/basemap-{hashlib.sha256(settings.encode()).hexdigest()[:12]}.geojson"
    if not (static_dir / name).is_file():
        write_basemap(static_dir, basemap_frame(gazetteer), name=name)
    return name


@dataclass(frozen=True, slots=True)
class Details:
    """What the side panel says about the selected feature; Markdown already escaped."""

    title: str
    lines: tuple[str, ...]
    quote: str | None = None
    caption: str | None = None
    url: str | None = None
    severity: float | None = None
    behind: Any = None

    def markdown(self) -> str:
        """Return the lines and the quote as one Markdown text."""
        lines = "  \n".join(self.lines)
        return f"{lines}\n\n> {self.quote}" if self.quote else lines


def severity_label(severity: float) -> str:
    """Return what the severity bar says: the value, its scale and what it is measured from."""
    return (
        f"Severity {severity:.2f} (0 calm – 1 very tense; recent, heavy events in or near the "
        "zone, at the end of the time window), from these events:"
    )


def filters_caption(view: ViewState, names: Names | None = None) -> str:
    """Return the view's filters in words, for the caption of an exported map."""
    actor = names.actor if names is not None else str
    country = names.country if names is not None else str
    layers = ", ".join(LAYER_LABELS[layer] for layer in Layer if layer in view.layers) or "none"
    types = (
        "all types"
        if view.types is None
        else ", ".join(sorted(_TYPE_LABELS.get(t, t) for t in view.types)) or "no types"
    )
    first = view.date_from.isoformat() if view.date_from else "the first event"
    last = view.date_to.isoformat() if view.date_to else "the last"
    parts = [f"Layers: {layers}", f"Events: {types}", f"From {first} to {last}"]
    if view.date_from or view.date_to:
        parts.append("undated events shown" if view.undated else "undated events hidden")
    if view.actors:
        parts.append("Actors: " + ", ".join(sorted(map(actor, view.actors))))
    if view.countries:
        parts.append("Countries: " + ", ".join(sorted(map(country, view.countries))))
    if view.version:
        parts.append(f"Data version {view.version}")
    return " · ".join(parts)


def offline_page(layers: MapLayers, view: ViewState, gazetteer: Gazetteer, names: Names) -> str:
    """Return the view as one HTML page that opens offline, titled and captioned."""
    land = dataclasses.replace(layers, basemap=basemap_frame(gazetteer))
    return standalone_html(land, view, caption=filters_caption(view, names))


def marked_quote(record: Mapping[str, Any]) -> str:
    """Return an event's sentence as escaped Markdown, its place name highlighted."""
    sentence = read_text(record.get("sentence"))
    names = read_strings(record.get("place_names"))
    span = name_span(sentence, names, record.get("span_start"), record.get("span_end"))
    if span is None:
        return escape_markdown(sentence)
    a, b = span
    marked = f":orange-background[{escape_markdown(sentence[a:b])}]"
    return f"{escape_markdown(sentence[:a])}{marked}{escape_markdown(sentence[b:])}"


def article_titles(dataset: Dataset, article_ids: object) -> str:
    """Return the titles of the articles with these ids ("—" for none), not their ids."""
    ids = read_strings(article_ids)
    if not ids:
        return "—"
    titles: dict[str, str] = {}
    articles = getattr(dataset, "articles", None)  # a panel may be drawn without a dataset
    if articles is not None and len(articles):
        known = articles[articles["id"].isin(ids)]
        titles = dict(zip(known["id"], known["title"].map(read_text), strict=True))
    return "; ".join(titles.get(i) or "an article" for i in ids)


def describe(selection: Selection, dataset: Dataset, names: Names | None = None) -> Details:
    """Describe a selected event, office, zone or place for the side panel.

    Actors are named with `names` when given ("China", not "CHN").
    """
    record, esc = selection.record, escape_markdown
    actor = names.actor if names is not None else str

    def joined(key: str) -> str:
        return esc(", ".join(read_strings(record.get(key))) or "—")

    if selection.layer == Layer.EVENTS:
        when = format_interval(
            record.get("date_start"), record.get("date_end"), record.get("date_precision")
        )
        source = [read_text(record.get(k)) for k in ("title", "outlet")]
        published = read_text(record.get("published"))[:10]
        url = read_text(record.get("url"))
        return Details(
            title=esc(
                _TYPE_LABELS.get(read_text(record.get("type")), read_text(record.get("type")))
            ),
            lines=(
                f"**When:** {esc(when)} ({esc(record.get('date_precision'))} precision)",
                f"**Who:** {esc(', '.join(map(actor, read_strings(record.get('actors')))) or '—')}"
                f" · **Where:** {joined('place_names')}",
                f"**Confidence:** {float(record.get('confidence') or 0):.0%} · "
                f"**Origin:** {esc(record.get('origin'))}",
            ),
            quote=marked_quote(record),
            caption=esc(" · ".join(p for p in [*source, published] if p and p != "NaT")),
            url=url if url.startswith(("http://", "https://")) else None,
        )
    if selection.layer == Layer.ZONES:
        behind = dataset.events[dataset.events["id"].isin(read_strings(record.get("event_ids")))]
        return Details(
            title=esc(record.get("name")),
            lines=(
                f"**Kind:** {esc(read_text(record.get('kind')).replace('_', ' '))} · "
                f"**Parties:** {joined('parties')}",
            ),
            severity=float(record.get("severity") or 0.0),
            behind=event_table(with_articles(behind, dataset.articles)),
        )
    if selection.layer == Layer.OFFICES:
        where = read_text(record.get("city")) or read_text(record.get("host_name"))
        return Details(
            title=esc(f"{read_text(record.get('org'))} office, {where}"),
            lines=(
                f"**Status:** {esc(read_text(record.get('status')).replace('_', ' '))} · "
                f"**Since:** {esc(office_since(record) or 'unknown')}",
                f"**Host:** {esc(record.get('host_name'))} · "
                f"**Sources:** {esc(article_titles(dataset, record.get('article_ids')))}",
            ),
        )
    return Details(
        title=esc(record.get("name")),
        lines=(
            f"**Kind:** {esc(record.get('kind'))} · **Mentions:** {esc(record.get('mentions'))}",
        ),
    )


@dataclass(frozen=True, slots=True)
class Names:
    """Readable names for the codes events carry: actors and countries."""

    actors: dict[str, str]
    countries: dict[str, str]

    def actor(self, code: str) -> str:
        """Return an actor's name ("China", "NATO"), or the code when unknown."""
        return self.actors.get(code, code)

    def country(self, code: str) -> str:
        """Return a country's name from its alpha-2 code, or the code when unknown."""
        return self.countries.get(code, code)


def code_names(gazetteer: Gazetteer, organisations: Iterable[Organisation] = ()) -> Names:
    """Return the names of countries (by alpha-3 and alpha-2 code) and organisations."""
    actors: dict[str, str] = {org.id: org.names[0] for org in organisations if org.names}
    countries: dict[str, str] = {}
    for place in gazetteer.iter_places("country"):
        if place.id.startswith("ne:country:"):
            actors[place.id.removeprefix("ne:country:")] = place.name
        for code in place.country_codes[:1]:
            countries.setdefault(code, place.name)
    return Names(actors, countries)


def with_actor_names(dataset: Dataset, names: Names) -> Dataset:
    """Return `dataset` with an ``actor_names`` column on its events, read by the popups."""
    events = dataset.events
    if events is None or len(events) == 0:
        return dataset
    named = [[names.actor(a) for a in read_strings(cell)] for cell in events["actors"]]
    return dataclasses.replace(dataset, events=events.assign(actor_names=named))


def codes_in(events: Any, column: str, *, also: Iterable[str] = ()) -> list[str]:
    """Return every code a list column of the events holds, and those in `also`, sorted."""
    codes = set(also)
    if events is not None and len(events) and column in events:
        codes.update(itertools.chain.from_iterable(read_strings(c) for c in events[column]))
    return sorted(codes)


def undated_note(events: Any, view: ViewState) -> str:
    """Return a sentence saying how many undated events the time window hides, if any."""
    hidden = undated_hidden(events, view)
    if not hidden:
        return ""
    return f" — {hidden} undated event{'s' if hidden > 1 else ''} hidden by the time window"


#: Sidebar labels of the layers, in :data:`geo.view.state.LAYER_KEYS` order.
LAYER_LABELS = {
    Layer.EVENTS: "Events",
    Layer.OFFICES: "Liaison offices",
    Layer.ZONES: "Tension zones",
    Layer.PLACES: "Places mentioned",
}


def widget_state(view: ViewState, bounds: tuple[datetime.date, datetime.date]) -> dict[str, Any]:
    """Return the sidebar widgets' values (by widget key) that show `view`.

    A link's time window is clamped to the data's date range, since a slider cannot go beyond.
    """
    first_day, last_day = bounds
    values: dict[str, Any] = {f"layer_{key}": key in view.layers for key in LAYER_LABELS}
    for kind in EVENT_TYPES:
        values[f"type_{kind.key}"] = view.types is None or kind.key in view.types
    start = min(max(view.date_from or first_day, first_day), last_day)
    values["window"] = (start, max(min(view.date_to or last_day, last_day), start))
    values["actors"] = sorted(view.actors or ())
    values["countries"] = sorted(view.countries or ())
    values["undated"] = view.undated
    values["basemap"] = view.basemap
    values["query"] = view.query or ""
    return values


def state_from_link(
    view: ViewState,
    bounds: tuple[datetime.date, datetime.date],
    warnings: Iterable[Any] = (),
    *,
    target: tuple[float, float, int] | None = None,
) -> dict[str, Any]:
    """Return the session values (by key) that put the page on a link's `view`.

    Used when a browser opens a link, and when Back or Forward brings an earlier address
    back: ``view``, the widgets' values (:func:`widget_state`), ``target`` (where the app
    moves the map) and ``link_warnings`` (one sentence per parameter dropped, from
    `warnings` of :func:`geo.view.link.parse_state`). The map moves only when its target
    changes, so a target equal to `target`, the one sent before (the map may have been
    panned away since), is nudged by a ten-millionth of a degree.
    """
    moved_to = (view.lat, view.lon, view.zoom)
    if target is not None and tuple(target) == moved_to:
        moved_to = (view.lat + 1e-7 if view.lat < 0 else view.lat - 1e-7, view.lon, view.zoom)
    return {
        "view": view,
        "target": moved_to,
        "link_warnings": [f"Ignored {w.param!r} in the link: {w.message}" for w in warnings],
        **widget_state(view, bounds),
    }


#: The time window's step control: its options, earlier and later.
STEPS = ("◀ Earlier", "Later ▶")


def stepped_window(
    window: tuple[datetime.date, datetime.date],
    bounds: tuple[datetime.date, datetime.date],
    direction: int,
) -> tuple[datetime.date, datetime.date]:
    """Return the time window one step later (`direction` 1) or earlier (-1), within `bounds`.

    A window of whole months (the data's first and last day count as a month's edges) moves
    by as many months as it spans, any other window by as many days, so stepping walks
    through time like a player. A window over all the data first narrows to its first (or,
    stepping back, its last) month. A step never leaves the data's dates: a window of days
    stops at the end keeping its length, a window of months stays on the last months.
    """
    first_day, last_day = bounds
    start, end = window
    if (start, end) == (first_day, last_day):
        day = first_day if direction > 0 else last_day
        return max(period_start(day, "month"), first_day), min(period_end(day, "month"), last_day)
    month_edges = start in (period_start(start, "month"), first_day) and end in (
        period_end(end, "month"),
        last_day,
    )
    if month_edges:
        first, last = period_start(start, "month"), period_start(end, "month")
        months = direction * ((last.year - first.year) * 12 + last.month - first.month + 1)
        moved = _add_months(first, months), period_end(_add_months(last, months), "month")
        if moved[0] > last_day or moved[1] < first_day:
            return start, end  # no months left that way
        return max(moved[0], first_day), min(moved[1], last_day)
    length = (end - start + datetime.timedelta(days=1)) * direction
    start, end = start + length, end + length
    if end > last_day:
        start, end = max(first_day, start - (end - last_day)), last_day
    if start < first_day:
        start, end = first_day, min(last_day, end + (first_day - start))
    return start, end


def _add_months(day: datetime.date, months: int) -> datetime.date:
    """Return the first day of the month `months` after `day`'s (`day` is a first day)."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def step_window(session: Any, bounds: tuple[datetime.date, datetime.date]) -> None:
    """Move the time window one step as the step control (``session["step"]``) asks.

    Called by the control when it is clicked, before the page runs again: the slider's value
    (``session["window"]``) moves, and the control is left unselected for the next click.
    """
    chosen = session.get("step")
    if chosen in STEPS:
        direction = 1 if chosen == STEPS[1] else -1
        session["window"] = stepped_window(tuple(session["window"]), bounds, direction)
    session["step"] = None


def view_from_widgets(
    base: ViewState,
    widgets: Any,
    bounds: tuple[datetime.date, datetime.date],
    *,
    version: str,
) -> ViewState:
    """Return `base` with what the sidebar widgets (a mapping by widget key) now say."""
    first_day, last_day = bounds
    types = frozenset(k.key for k in EVENT_TYPES if widgets[f"type_{k.key}"])
    window = widgets["window"]
    return base.replace(
        layers=frozenset(k for k in LAYER_LABELS if widgets[f"layer_{k}"]),
        types=None if len(types) == len(EVENT_TYPES) else types,
        date_from=None if window[0] <= first_day else window[0],
        date_to=None if window[1] >= last_day else window[1],
        actors=frozenset(widgets["actors"]) or None,
        countries=frozenset(widgets["countries"]) or None,
        undated=bool(widgets["undated"]),
        basemap=widgets["basemap"],
        query=str(widgets["query"]).strip()[:200] or None,
        version=version,
    )


def select_event(view: ViewState, layers: MapLayers, event_id: str) -> ViewState:
    """Return `view` with `event_id` selected and, when it is on the map, centred on it."""
    chosen = view.replace(selected=event_id)
    events = layers.events
    if events is None or len(events) == 0:
        return chosen
    rows = events[events["id"] == event_id]
    point = rows.geometry.iloc[0] if len(rows) else None
    if point is None or point.is_empty:
        return chosen
    return chosen.replace(lat=point.y, lon=point.x, zoom=max(view.zoom, 5))


def list_choice(
    view: ViewState, layers: MapLayers, table: Any, session: Mapping[str, Any]
) -> tuple[ViewState, dict[str, Any]]:
    """Apply the row chosen in the event list; return the view and the session values to set.

    `session` holds the list's widget state (under its key), ``picked`` (the event last chosen
    in the list) and ``list_round``. A row newly chosen selects its event and moves the map
    there (``target``). When the selection changed elsewhere (the map, a link) while a row is
    still ticked, the list lets go: a new round gives it a new key, unticked, so the old row
    cannot select again. The values returned always hold ``list_key``, the widget's key: the
    rows' digest (:func:`list_key`) and the round.
    """
    picked, rounds = session.get("picked"), int(session.get("list_round", 0))
    key = f"event_list_{list_key(table)}_{rounds}"
    rows = (session.get(key) or {}).get("selection", {}).get("rows", [])
    if rows and rows[0] < len(table) and table.iloc[rows[0]]["id"] != picked:
        picked = str(table.iloc[rows[0]]["id"])
        view = select_event(view, layers, picked)
        return view, {
            "picked": picked,
            "target": (view.lat, view.lon, view.zoom),
            "list_round": rounds,
            "list_key": key,
        }
    if rows and view.selected != picked:
        rounds, picked = rounds + 1, None
        key = f"event_list_{list_key(table)}_{rounds}"
    return view, {"picked": picked, "list_round": rounds, "list_key": key}
