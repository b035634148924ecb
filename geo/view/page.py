"""Work out what a dashboard view shows: layers, event list, timeline, map moves, search.

Everything here is pure (a :class:`geo.view.dataset.Dataset` and a :class:`geo.view.state.ViewState`
in, frames and records out), so ``dashboard.py`` only wires widgets to these functions and the
logic is tested without Streamlit.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd  # type: ignore[import-untyped]
import shapely

from geo.intervals import covered_intervals, period_end, period_start
from geo.places.gazetteer import Gazetteer, Place
from geo.places.geocode import Geocoder, Suggestion, default_geocoder
from geo.places.names import name_key
from geo.records import CRS, Layer
from geo.taxonomy import EVENT_TYPES
from geo.text.actors import Organisation, load_actor_vocabulary
from geo.view.assets import (
    BASEMAP_MIN_AREA,
    BASEMAP_TOLERANCE,
    ensure_static_assets,
    labels_file,
    write_basemap,
)
from geo.view.dataset import Dataset, load_dataset_for_view
from geo.view.fresh import begin_visit
from geo.view.map import MapLayers, standalone_html
from geo.view.popups import (
    format_interval,
    read_number,
    read_strings,
    read_text,
)
from geo.view.selection import filter_events, marker_positions, undated_hidden, viewport
from geo.view.state import StateWarning, ViewState
from geo.view.styles import EVENT_STYLES

if TYPE_CHECKING:
    import altair as alt
    from pandas.io.formats.style import Styler  # type: ignore[import-untyped]

#: Event type key → its label ("Military exercise / show of force").
TYPE_LABELS = {t.key: t.label for t in EVENT_TYPES}
_ARTICLE_COLUMNS = ("title", "outlet", "published", "url", "published_from")
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


def with_articles(
    events: gpd.GeoDataFrame | None, articles: pd.DataFrame | None
) -> gpd.GeoDataFrame | None:
    """Join each event with its article's title, outlet, publication date and URL.

    Where the date came from (``published_from``) joins too, when the articles have it.
    """
    if events is None or len(events) == 0:
        return events
    if articles is None or len(articles) == 0:
        extra = pd.DataFrame({"article_id": pd.Series([], dtype=str)})
    else:
        known = [c for c in _ARTICLE_COLUMNS if c in articles.columns]
        extra = articles[["id", *known]].rename(columns={"id": "article_id"})
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


def visible_events(dataset: Dataset, view: ViewState) -> gpd.GeoDataFrame:
    """Return the events the view shows (type and time filters), with article columns."""
    return filter_events(with_articles(dataset.events, dataset.articles), view)


def view_zones(dataset: Dataset, view: ViewState, gazetteer: Gazetteer) -> gpd.GeoDataFrame:
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
    basemap: gpd.GeoDataFrame | None = None,
    zones: gpd.GeoDataFrame | None = None,
    fresh: Iterable[str] = (),
) -> MapLayers:
    """Return the layers to draw for `view`.

    Zones come from :func:`view_zones` unless given (a caller may cache them: they depend
    only on the data, the event types and the time window). The places layer shows the real
    shapes of the places the visible events happened in. `fresh` names the events new since
    the reader's last visit (:func:`geo.view.fresh.news_since`), ringed on the map.
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
        fresh=frozenset(fresh),
    )


def event_table(
    events: gpd.GeoDataFrame | None, *, limit: int = MAX_LISTED, names: Names | None = None
) -> pd.DataFrame:
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
            "type": TYPE_LABELS.get(record["type"], record["type"]),
            "where": ", ".join(read_strings(record.get("place_names"))) or "—",
            "who": ", ".join(actor(a) for a in read_strings(record.get("actors"))) or "—",
            "article": read_text(record.get("title")),
        }
        for record in newest.to_dict("records")
    ]
    return pd.DataFrame(rows, columns=columns)


def timeline(events: pd.DataFrame | None) -> pd.DataFrame:
    """Return event counts by month (rows) and type label (columns) for dated events."""
    if events is None or len(events) == 0:
        return pd.DataFrame()
    first, _ = covered_intervals(events)
    dated = ~np.isnat(first)
    if not dated.any():
        return pd.DataFrame()
    months = pd.to_datetime(first[dated]).to_period("M").to_timestamp()
    labels = events["type"].to_numpy()[dated]
    frame = pd.DataFrame({"month": months, "type": [TYPE_LABELS.get(k, k) for k in labels]})
    counts = frame.groupby(["month", "type"]).size().unstack(fill_value=0)
    full = pd.date_range(counts.index.min(), counts.index.max(), freq="MS")
    return counts.reindex(full, fill_value=0).rename_axis("month")


#: Name of the timeline's brush, as Streamlit reports it.
TIMELINE_BRUSH = "brush"

ChartSelection = Mapping[str, Mapping[str, Mapping[str, Sequence[float]]]]
"""What Streamlit keeps for a chart: ``{"selection": {brush: {field: [start, end]}}}``."""

MapReport = Mapping[str, object]
"""What ``st_folium`` returns for the map: ``center``, ``zoom``, ``bounds``, the last click."""


def timeline_chart(events: pd.DataFrame | None) -> alt.Chart | None:
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
    chart: alt.Chart = (
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
    return chart


def brushed_window(
    selection: ChartSelection, bounds: tuple[datetime.date, datetime.date]
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


def map_bounds(view: ViewState, returned: MapReport | None) -> Bounds:
    """Return the map's extent as the browser last reported it, else as `view` implies.

    ``st_folium`` returns Leaflet's bounds with each report; before the first one (or when it
    is unreadable) the extent is estimated from the view's centre and zoom.
    """
    bounds = returned.get("bounds") if returned else None
    if not isinstance(bounds, Mapping):
        return viewport(view, margin=0.0)
    south_west, north_east = _lng_lat(bounds.get("_southWest")), _lng_lat(bounds.get("_northEast"))
    if south_west is None or north_east is None:
        return viewport(view, margin=0.0)
    (west, south), (east, north) = south_west, north_east
    if north <= south or east <= west:
        return viewport(view, margin=0.0)
    return west, south, east, north


def _lng_lat(corner: object) -> tuple[float, float] | None:
    """Return a Leaflet ``{"lng": …, "lat": …}`` as finite numbers, None when it is not one."""
    if not isinstance(corner, Mapping):
        return None
    lng, lat = read_number(corner.get("lng")), read_number(corner.get("lat"))
    return None if lng is None or lat is None else (lng, lat)


def events_within(events: gpd.GeoDataFrame | None, bounds: Bounds) -> gpd.GeoDataFrame | None:
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
    events: gpd.GeoDataFrame | None,
    view: ViewState,
    returned: MapReport | None,
    *,
    everything: object = False,
) -> gpd.GeoDataFrame | None:
    """Return the events the list and the exports show: those on the map, or every match.

    By default "in view" means within the map's extent (:func:`map_bounds`); with
    `everything`, every event that matches the view's filters, placed or not.
    """
    if everything:
        return events
    return events_within(events, map_bounds(view, returned))


def list_heading(
    listed: pd.DataFrame | None,
    matching: pd.DataFrame | None,
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


def list_key(table: pd.DataFrame) -> str:
    """Return a short digest of the list's rows: a new list is a new widget, unselected.

    A row index means another event once the rows change (the map moved, a filter changed),
    so the list's selection must not carry over.
    """
    ids = "\n".join(table["id"].astype(str)) if len(table) else ""
    return hashlib.sha256(ids.encode()).hexdigest()[:10]


def row_of(table: pd.DataFrame, selected: str | None) -> int | None:
    """Return where the selected event sits in the list (0 is its first row), or None."""
    if not selected or len(table) == 0:
        return None
    rows = np.flatnonzero(table["id"].to_numpy() == selected)
    return int(rows[0]) if len(rows) else None


#: Row shades of the list: the selected event, and events new since the last visit.
SELECTED_ROW = "background-color: #f6dccf"
NEW_ROW = "background-color: #dcefdc"


def highlighted(table: pd.DataFrame, selected: str | None, *, fresh: Iterable[str] = ()) -> Styler:
    """Return `table` styled (a pandas Styler): the selected row orange, new events green.

    `fresh` names the events new since the reader's last visit (:mod:`geo.view.fresh`).
    """
    ids = table["id"].to_numpy()
    marked = ids == selected
    new = np.isin(ids, list(fresh))

    def shade(row: pd.Series) -> list[str]:
        colour = SELECTED_ROW if marked[row.name] else NEW_ROW if new[row.name] else ""
        return [colour] * len(row)

    return table.style.apply(shade, axis=1)


def type_counts(events: pd.DataFrame | None) -> str:
    """Return "Exercise 5 · Missile launch 2 …": the events per type, most first."""
    if events is None or len(events) == 0:
        return ""
    counts = events["type"].astype(str).value_counts(sort=True)
    return " · ".join(f"{TYPE_LABELS.get(k, k)} {n}" for k, n in counts.items())


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


def apply_map_report(
    view: ViewState,
    returned: dict[str, Any] | None,
    layers: MapLayers,
    applied: dict[str, Any] | None,
) -> tuple[ViewState, dict[str, Any] | None]:
    """Return the view after the map's latest report, and the report now applied.

    A report already applied (`applied`, the same object or an equal one) changes nothing;
    a new one goes through :func:`view_after_map`.
    """
    if not returned or returned == applied:
        return view, applied
    return view_after_map(view, returned, layers, previous=applied), returned


def view_after_map(
    view: ViewState,
    returned: MapReport | None,
    layers: MapLayers,
    *,
    previous: MapReport | None = None,
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


def after_search(
    view: ViewState,
    found: SearchResult | None,
    *,
    previous: ViewState,
    target: tuple[float, float, int],
) -> tuple[ViewState, tuple[float, float, int]]:
    """Return the view and where the app moves the map after a search.

    A new search that found a place (the query differs from the `previous` view's) goes
    there, zoomed to show it whole; otherwise nothing moves.
    """
    if found is None or found.place is None or view.query == previous.query:
        return view, target
    place = found.place
    view = view.replace(lat=place.lat, lon=place.lon, zoom=zoom_for(place))
    return view, (view.lat, view.lon, view.zoom)


def zoom_for(place: Place) -> int:
    """Return a zoom level at which the whole place is in view."""
    minx, miny, maxx, maxy = place.bbox
    span = max(maxx - minx, maxy - miny, 0.05)
    zoom = 9
    while zoom > 2 and span > 360 / 2**zoom:
        zoom -= 1
    return zoom


def basemap_frame(gazetteer: Gazetteer, *, tolerance: float = 0.05) -> gpd.GeoDataFrame:
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


def filters_caption(view: ViewState, names: Names | None = None) -> str:
    """Return the view's filters in words, for the caption of an exported map."""
    actor = names.actor if names is not None else str
    country = names.country if names is not None else str
    layers = ", ".join(LAYER_LABELS[layer] for layer in Layer if layer in view.layers) or "none"
    types = (
        "all types"
        if view.types is None
        else ", ".join(sorted(TYPE_LABELS.get(t, t) for t in view.types)) or "no types"
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
    # what is new to this reader is not part of a page made for others
    land = dataclasses.replace(layers, basemap=basemap_frame(gazetteer), fresh=frozenset())
    return standalone_html(land, view, caption=filters_caption(view, names))


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


def codes_in(events: pd.DataFrame | None, column: str, *, also: Iterable[str] = ()) -> list[str]:
    """Return every code a list column of the events holds, and those in `also`, sorted."""
    codes = set(also)
    if events is not None and len(events) and column in events:
        codes.update(itertools.chain.from_iterable(read_strings(c) for c in events[column]))
    return sorted(codes)


def undated_note(events: gpd.GeoDataFrame | None, view: ViewState) -> str:
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


def shared_resources(static_dir: Path) -> tuple[Geocoder, tuple[str, str], Names]:
    """Load what every dashboard session shares: geocoder, static files and readable names.

    Returns the geocoder (and its gazetteer), the names of the basemap's land and labels
    files under `static_dir` (written there when missing), and :func:`code_names`.
    """
    static = ensure_static_assets(static_dir)
    geocoder = default_geocoder()
    organisations = load_actor_vocabulary().organisations.values()
    names = code_names(geocoder.gazetteer, organisations)
    files = basemap_file(static, geocoder.gazetteer), labels_file(static, geocoder.gazetteer)
    return geocoder, files, names


def session_start(
    view: ViewState,
    warnings: Iterable[StateWarning],
    bounds: tuple[datetime.date, datetime.date],
    cookies: Mapping[str, str],
) -> dict[str, Any]:
    """Return what a new browser session starts from (by session key): the link's view.

    :func:`state_from_link`'s values, the base map's view, and the ``visit``: when this
    browser last came, from its `cookies` (:func:`geo.view.fresh.begin_visit`).
    """
    return {"visit": begin_visit(cookies), "base": view, **state_from_link(view, bounds, warnings)}


def dataset_for_view(
    resources: tuple[Geocoder, Any, Names], store_dir: Path, version: str | None
) -> Dataset:
    """Return the dataset the dashboard shows, its events' actors named for the popups.

    The data is :func:`geo.view.dataset.load_dataset_for_view`'s; actors read "China", not
    "CHN" (:func:`with_actor_names`).
    """
    geocoder, _, names = resources
    loaded = load_dataset_for_view(geocoder.gazetteer, store_dir=store_dir, version=version)
    return with_actor_names(loaded, names)


def zones_in_window(dataset: Dataset, window: tuple[Any, ...], gazetteer: Gazetteer) -> Any:
    """Return the zones measured for a time window: ``(types, date_from, date_to, undated)``."""
    types, date_from, date_to, undated = window
    view = ViewState(types=types, date_from=date_from, date_to=date_to, undated=undated)
    return view_zones(dataset, view, gazetteer)


def widget_state(view: ViewState, bounds: tuple[datetime.date, datetime.date]) -> dict[str, object]:
    """Return the sidebar widgets' values (by widget key) that show `view`.

    A link's time window is clamped to the data's date range, since a slider cannot go beyond.
    """
    first_day, last_day = bounds
    values: dict[str, object] = {f"layer_{key}": key in view.layers for key in LAYER_LABELS}
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
    widgets: Mapping[str, object],
    bounds: tuple[datetime.date, datetime.date],
    *,
    version: str,
) -> ViewState:
    """Return `base` with what the sidebar widgets (a mapping by widget key) now say."""
    first_day, last_day = bounds
    types = frozenset(k.key for k in EVENT_TYPES if widgets[f"type_{k.key}"])
    start, end = _window(widgets["window"], bounds)
    return base.replace(
        layers=frozenset(k for k in LAYER_LABELS if widgets[f"layer_{k}"]),
        types=None if len(types) == len(EVENT_TYPES) else types,
        date_from=None if start <= first_day else start,
        date_to=None if end >= last_day else end,
        actors=frozenset(read_strings(widgets["actors"])) or None,
        countries=frozenset(read_strings(widgets["countries"])) or None,
        undated=bool(widgets["undated"]),
        basemap=read_text(widgets["basemap"]),
        query=str(widgets["query"]).strip()[:200] or None,
        version=version,
    )


def _window(
    value: object, bounds: tuple[datetime.date, datetime.date]
) -> tuple[datetime.date, datetime.date]:
    """Return the time slider's ``(start, end)``, or `bounds` when it holds something else."""
    if isinstance(value, tuple | list) and len(value) == 2:
        start, end = value
        if isinstance(start, datetime.date) and isinstance(end, datetime.date):
            return start, end
    return bounds


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
