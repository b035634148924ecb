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
from typing import TYPE_CHECKING, Any, cast

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.intervals import covered_intervals
from geo.places.gazetteer import Gazetteer, Place
from geo.places.geocode import Geocoder, Suggestion
from geo.places.names import name_key
from geo.records import CRS, Layer
from geo.taxonomy import EVENT_TYPES
from geo.text.actors import Organisation
from geo.view.archive import weighted
from geo.view.assets import (
    BASEMAP_MIN_AREA,
    BASEMAP_TOLERANCE,
    write_basemap,
)
from geo.view.dataset import Dataset
from geo.view.fresh import News, Visit
from geo.view.fresh import news_since as fresh_news
from geo.view.map import MapLayers, standalone_html
from geo.view.popups import (
    format_interval,
    read_strings,
    read_text,
)
from geo.view.scope import (
    MAX_LISTED as MAX_LISTED,
)
from geo.view.scope import (
    Bounds as Bounds,
)
from geo.view.scope import (
    EventList as EventList,
)
from geo.view.scope import (
    MapReport as MapReport,
)
from geo.view.scope import (
    ViewEvents as ViewEvents,
)
from geo.view.scope import (
    archive_events as archive_events,
)
from geo.view.scope import (
    count_of as count_of,
)
from geo.view.scope import (
    events_in_scope as events_in_scope,
)
from geo.view.scope import (
    events_within as events_within,
)
from geo.view.scope import (
    export_rows as export_rows,
)
from geo.view.scope import (
    listed_events as listed_events,
)
from geo.view.scope import (
    located_events as located_events,
)
from geo.view.scope import (
    map_bounds as map_bounds,
)
from geo.view.scope import (
    newest_matches as newest_matches,
)
from geo.view.scope import (
    newest_since as newest_since,
)
from geo.view.scope import (
    seed_tallies as seed_tallies,
)
from geo.view.scope import (
    type_series as type_series,
)
from geo.view.scope import (
    visible_events as visible_events,
)
from geo.view.scope import (
    with_articles as with_articles,
)
from geo.view.scope import (
    with_zone_events as with_zone_events,
)
from geo.view.scope import (
    world_copies as world_copies,
)
from geo.view.selection import (
    filter_events,
    marker_positions,
    undated_hidden,
)
from geo.view.state import ViewState
from geo.view.styles import EVENT_STYLES

if TYPE_CHECKING:
    import altair as alt
    from pandas.io.formats.style import Styler

#: Event type key → its label ("Military exercise / show of force").
TYPE_LABELS = {t.key: t.label for t in EVENT_TYPES}
#: Largest distance, in degrees, between a click and the marker it selects.
CLICK_TOLERANCE_DEGREES = 0.6
#: Largest distance, in degrees, between a click and the marker it selects (markers report
#: their own position, rounded to 5 decimals).
MARKER_EXACT_DEGREES = 1e-4
#: The list's columns kept for the app but not shown.
HIDDEN_COLUMNS: dict[str, None] = {"id": None, "article": None}
_MOVE_PIXELS = 4


def date_bounds(dataset: Dataset) -> tuple[datetime.date, datetime.date]:
    """Return the first and last day any dated event covers (this year so far when none)."""
    today = datetime.date.today()
    events: pd.DataFrame = dataset.events
    if dataset.archive is not None:
        events = pd.concat([seed_tallies(events), dataset.archive.summary.tallies])
    if len(events) == 0:
        return datetime.date(today.year, 1, 1), today
    first, last = covered_intervals(events)
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


def view_zones(dataset: Dataset, view: ViewState, gazetteer: Gazetteer) -> gpd.GeoDataFrame:
    """Return the zones with severities from the view's events (its types and time window).

    Severity is a property of the zone and the window: it counts the window's events in or
    near the zone and measures their recency from the window's end (from the zone's own
    newest event when the window is open), so moving the window shows how tensions rose and
    fell, and news elsewhere never recolours a zone. The scale is
    :func:`geo.layers.zones.zone_severity`'s: ``1 - exp(-S / 2)`` for the summed weights
    ``S``, one fresh missile launch giving 0.36 and three 0.74.
    """
    window = view.replace(actors=None, countries=None, cited=True)
    return dataset.zones(
        gazetteer, events=filter_events(dataset.events, window), today=view.date_to, window=window
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

    With an archive (:attr:`Dataset.archive`) the events come from queries for this view
    (:func:`archive_events`); without, every event the filters keep.
    """
    if dataset.archive is None:
        found = ViewEvents(visible_events(dataset, view))
    else:
        found = archive_events(dataset, view)
    events = found.events
    if zones is None:
        zones = view_zones(dataset, view, gazetteer)
    if dataset.archive is not None and view.selected and zones is not None and len(zones):
        zones = with_zone_events(dataset, zones, view)
    place_ids = set(itertools.chain.from_iterable(events["place_ids"])) if len(events) else set()
    places = dataset.places[dataset.places["id"].isin(place_ids)] if len(dataset.places) else None
    return MapLayers(
        events=events,
        offices=dataset.offices,
        zones=zones,
        places=places,
        basemap=basemap,
        fresh=frozenset(fresh),
        clusters=found.clusters,
        located=found.located,
        matching=found.matching,
        tallies=found.tallies,
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


def timeline_rows(layers: MapLayers) -> pd.DataFrame | None:
    """Return what the timeline counts: the view's tallies when it has them, else its events."""
    return layers.tallies if layers.tallies is not None else layers.events


def timeline(events: pd.DataFrame | None) -> pd.DataFrame:
    """Return event counts by month (rows) and type label (columns) for dated events.

    `events` may be tallies (an ``events`` column and no ``id``): each row counts that many.
    """
    if events is None or len(events) == 0:
        return pd.DataFrame()
    first, _ = covered_intervals(events)
    dated = ~np.isnat(first)
    if not dated.any():
        return pd.DataFrame()
    months = pd.to_datetime(first[dated]).to_period("M").to_timestamp()
    labels = events["type"].to_numpy()[dated]
    frame = pd.DataFrame({"month": months, "type": [TYPE_LABELS.get(k, k) for k in labels]})
    frame["events"] = weighted(events)[dated]
    counts = frame.groupby(["month", "type"])["events"].sum().unstack(fill_value=0)
    full = pd.date_range(counts.index.min(), counts.index.max(), freq="MS")
    return counts.reindex(full, fill_value=0).rename_axis("month")


#: Name of the timeline's brush, as Streamlit reports it.
TIMELINE_BRUSH = "brush"

ChartSelection = Mapping[str, Mapping[str, Mapping[str, Sequence[float]]]]
"""What Streamlit keeps for a chart: ``{"selection": {brush: {field: [start, end]}}}``."""


#: The width (pixels) of a column of the timeline's legend: its longest label, whole.
LEGEND_COLUMN_PX = 230


def timeline_chart(events: pd.DataFrame | None) -> alt.Chart | None:
    """Return the timeline as a Vega-Lite chart: events per month, stacked by type.

    Bars take the map's colours per type, the axis shows months with their years, the
    legend sits below it in as many columns as the chart's width holds (one on a phone,
    so no label is cut), and dragging across the chart brushes a time window
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
        legend=alt.Legend(
            orient="bottom",
            direction="vertical",
            columns=alt.ExprRef(f"max(1, floor(width / {LEGEND_COLUMN_PX}))"),
            labelLimit=LEGEND_COLUMN_PX - 30,
        ),
    )
    brush = alt.selection_interval(name=TIMELINE_BRUSH, encodings=["x"])
    chart: alt.Chart = (
        alt.Chart(frame, height=170)
        .mark_bar()
        .encode(
            x=alt.X("month:T", title=None, axis=alt.Axis(format="%b %Y", labelAngle=0)),
            y=alt.Y("sum(events):Q", title="Events", axis=alt.Axis(tickMinStep=1, format="d")),
            color=colour,
            tooltip=[
                alt.Tooltip("month:T", format="%B %Y"),
                "type:N",
                alt.Tooltip("events:Q"),
            ],
        )
        .add_params(brush)
        # the width fits the page, the height grows with the legend's rows under the bars
        .properties(autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
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


def list_heading(
    listed: pd.DataFrame | EventList | Sequence[object] | None,
    matching: pd.DataFrame | MapLayers | Sequence[object] | None,
    *,
    everything: object = False,
    window: tuple[datetime.date, datetime.date] | None = None,
) -> str:
    """Return the list's heading: how many events it holds, when, and how many match elsewhere.

    "10 events in view, 2022-06-01 – 2023-04-29 (of 14 that match the filters)", where
    `window` is the time window's first and last day (left out when not given). `matching`
    may be the map's layers: their count of matches (:attr:`MapLayers.matching`) or events.
    """
    if isinstance(matching, MapLayers):
        total = matching.matching if matching.matching is not None else count_of(matching.events)
    else:
        total = len(matching) if matching is not None else 0
    shown = len(listed) if listed is not None else 0
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
        at = cast(int, row.name)  # the table's index counts its rows
        colour = SELECTED_ROW if marked[at] else NEW_ROW if new[at] else ""
        return [colour] * len(row)

    return table.style.apply(shade, axis=1)


def type_counts(events: pd.DataFrame | EventList | None) -> str:
    """Return "Exercise 5 · Missile launch 2 …": the events per type, most first (ties by key)."""
    if events is None or len(events) == 0:
        return ""
    if isinstance(events, EventList):
        counts = events.types
    else:
        counts = type_series(events["type"].astype(str))
    return " · ".join(f"{TYPE_LABELS.get(str(k), str(k))} {n}" for k, n in counts.items())


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


def not_found_message(found: SearchResult, query: str | None) -> str:
    """Return what the page says when a search found no place (close matches follow)."""
    close = " Did you mean:" if found.suggestions else ""
    return f"No place called “{query}”.{close}"


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
    if not view.cited:
        parts.append("earlier events the articles cite hidden")
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
    if dataset.archive is not None:
        archive = dataclasses.replace(dataset.archive, actor_names=dict(names.actors))
        dataset = dataclasses.replace(dataset, archive=archive)
    events = dataset.events
    if events is None or len(events) == 0:
        return dataset
    named = [[names.actor(a) for a in read_strings(cell)] for cell in events["actors"]]
    column = pd.Series(named, index=events.index, dtype=object)
    return dataclasses.replace(dataset, events=events.assign(actor_names=column))


def codes_in(events: pd.DataFrame | None, column: str, *, also: Iterable[str] = ()) -> list[str]:
    """Return every code a list column of the events holds, and those in `also`, sorted."""
    codes = set(also)
    if events is not None and len(events) and column in events:
        codes.update(itertools.chain.from_iterable(read_strings(c) for c in events[column]))
    return sorted(codes)


def filter_codes(dataset: Dataset, column: str, *, also: Iterable[str] = ()) -> list[str]:
    """Return the codes the actors or countries filter offers: every one the events name.

    From the seeds' events and the archive's summary; `also` adds those a link asks for.
    """
    codes = set(codes_in(dataset.events, column, also=also))
    if dataset.archive is not None:
        summary = dataset.archive.summary
        codes.update(summary.actors if column == "actors" else summary.countries)
    return sorted(codes)


def news_since(dataset: Dataset, visit: Visit) -> News:
    """Return the events whose article entered the store since the reader's last visit.

    :func:`geo.view.fresh.news_since` over the seeds and, with an archive, the stored articles
    ingested after the visit and their events (read for them only).
    """
    if dataset.archive is None or visit.previous is None:
        return fresh_news(visit, dataset.events, dataset.articles)
    articles, events = dataset.archive.ingested_after(visit.previous)
    seeds = dataset.articles[["id", "ingested_at"]] if "ingested_at" in dataset.articles else None
    both = pd.concat([f for f in (seeds, articles) if f is not None], ignore_index=True)
    return fresh_news(visit, pd.concat([dataset.events[["id", "article_id"]], events]), both)


def visit_articles(dataset: Dataset) -> pd.DataFrame:
    """Return the articles whose ``ingested_at`` the visit cookie keeps the newest of."""
    articles = dataset.articles
    newest = dataset.archive.summary.newest_ingested if dataset.archive is not None else None
    if newest is None:
        return articles
    return pd.concat([articles, pd.DataFrame({"ingested_at": [newest]})], ignore_index=True)


def undated_note(events: gpd.GeoDataFrame | Dataset | None, view: ViewState) -> str:
    """Return a sentence saying how many undated events the time window hides, if any."""
    if isinstance(events, Dataset):
        hidden = undated_hidden(events.events, view)
        if events.archive is not None and not view.undated and (view.date_from or view.date_to):
            tallies = events.archive.tallies(view.replace(date_from=None, date_to=None))
            hidden += int(tallies.loc[tallies["date_start"].isna(), "events"].sum())
    else:
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
