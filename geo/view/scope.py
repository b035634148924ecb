"""What of the archive a view reads: its events (all, or counted and the newest read) and its list.

With the archive in memory (no :attr:`geo.view.dataset.Dataset.archive`) a view shows every
event its filters keep; with one, :func:`archive_events` asks the store for what the view
draws and lists (:mod:`geo.view.archive`). Pure functions of a dataset and a view state.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, overload

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.intervals import covered_intervals
from geo.view.dataset import Dataset
from geo.view.map import MapLayers
from geo.view.popups import (
    read_number,
)
from geo.view.selection import (
    MAX_EVENT_MARKERS,
    cluster_points,
    filter_events,
    viewport,
)
from geo.view.state import ViewState

_ARTICLE_COLUMNS = ("title", "outlet", "published", "url", "published_from")
#: Most events listed beside the map (the newest).
MAX_LISTED = 300


@overload
def with_articles(events: None, articles: pd.DataFrame | None) -> None: ...


@overload
def with_articles(events: gpd.GeoDataFrame, articles: pd.DataFrame | None) -> gpd.GeoDataFrame: ...


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


def visible_events(dataset: Dataset, view: ViewState) -> gpd.GeoDataFrame:
    """Return the events the view shows (type and time filters), with article columns."""
    return filter_events(with_articles(dataset.events, dataset.articles), view)


@dataclass(frozen=True, slots=True, eq=False)
class ViewEvents:
    """The events a view draws and lists, and what stands for those it does not read.

    Attributes
    ----------
    events
        Event rows with their articles' columns: every event the filters keep, or, when the
        viewport holds more than the map draws one by one, the newest :data:`MAX_LISTED` of
        the viewport and the selected event.
    clusters
        The viewport's grid cells (:func:`geo.view.selection.cluster_points`) when `events`
        are not all of it; else None.
    located
        Every event of the viewport the filters keep (``id``, ``type``, ``x``, ``y``,
        ``first``) when `events` are not all of it; else None.
    matching
        How many events the filters keep, wherever they are; None when `events` hold them all.
    tallies
        Those events per type and covered interval (``events``), for the timeline; None when
        `events` hold them all.
    """

    events: gpd.GeoDataFrame
    clusters: gpd.GeoDataFrame | None = None
    located: pd.DataFrame | None = None
    matching: int | None = None
    tallies: pd.DataFrame | None = None


def _stored_rows(dataset: Dataset, rows: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return stored event rows with their articles' columns (read for these rows only)."""
    if len(rows) == 0 or dataset.archive is None:
        return rows
    articles = dataset.archive.articles(set(rows["article_id"].astype(str)))
    joined = with_articles(rows, articles)
    return joined if joined is not None else rows


def archive_events(dataset: Dataset, view: ViewState) -> ViewEvents:
    """Return the events of `view` from the seeds and queries of the archive.

    When the filters keep at most :data:`~geo.view.selection.MAX_EVENT_MARKERS` events they
    are all read; else those of the viewport (:func:`~geo.view.selection.viewport`), and when
    it still holds more than the map draws one by one, its grid cells are counted from a
    narrow query and only the newest :data:`MAX_LISTED` rows (and the selected event) are
    read whole. The map so receives what it did when the whole archive was in memory.
    """
    archive = dataset.archive
    assert archive is not None
    seeds = visible_events(dataset, view)
    tallies = archive.tallies(view)
    matching = len(seeds) + int(tallies["events"].sum())
    if matching <= MAX_EVENT_MARKERS:
        return ViewEvents(_concat_rows(seeds, _stored_rows(dataset, archive.read(view))))
    pieces = world_copies(viewport(view))
    stored = archive.located(view, pieces)  # one pass over the parts for every piece
    located = pd.concat(
        [
            pd.concat([located_events(seeds, piece), stored[index]]).assign(main=index == 0)
            for index, piece in enumerate(pieces)
        ],
        ignore_index=True,
    )
    everything = pd.concat([seed_tallies(seeds), tallies], ignore_index=True)
    shown = located[located["main"].to_numpy(dtype=bool)]
    if len(shown) <= MAX_EVENT_MARKERS:  # the map draws them one by one: read them whole
        clusters, since, reach = None, None, pieces
    else:  # grid cells from the query; the newest of the view read whole, for the list
        clusters = cluster_points(shown, view.zoom)
        reach = world_copies(viewport(view, margin=0.0))
        since = newest_since(_within(located, viewport(view, margin=0.0)), MAX_LISTED)
    if since is not None and view.date_from is not None:
        since = max(since, view.date_from)
    narrowed = view if since is None else view.replace(date_from=since, undated=False)
    rows = [seeds[seeds["id"].isin(_within_ids(seeds, reach))]]
    rows += [
        _stored_rows(dataset, archive.read(narrowed, bbox=piece, starting_from=since))
        for piece in reach
        if _may_hold(piece, stored, since)
    ]
    if view.selected:  # the panel describes it wherever it is
        rows.append(seeds[seeds["id"] == view.selected])
        rows.append(_stored_rows(dataset, archive.read(view, ids={view.selected})))
    events = _unique_rows(rows)
    if since is not None:  # an interval reaching into the stretch: only those starting in it
        first, _ = covered_intervals(events)
        keep = (first >= np.datetime64(since, "D")) | (events["id"] == view.selected).to_numpy()
        events = events[keep].reset_index(drop=True)
    return ViewEvents(events, clusters, located, matching, everything)


def _may_hold(box: Bounds, stored: list[pd.DataFrame], since: datetime.date | None) -> bool:
    """Return whether the store may hold events in `box` that begin on or after `since`.

    `stored` are the located rows of boxes that cover `box` (events are points, so a point
    within `box` is within one of them): when none of them within `box` begins then (or at
    all, when `since` is None), a read there would find none.
    """
    for located in stored:
        inside = _within(located, box)
        if since is None and len(inside):
            return True
        first = inside["first"].to_numpy(dtype="datetime64[D]")
        if since is not None and (first >= np.datetime64(since, "D")).any():
            return True
    return False


def _within_ids(events: gpd.GeoDataFrame, pieces: list[Bounds]) -> set[str]:
    """Return the ids of `events` within any of the boxes `pieces`."""
    return set().union(*(set(located_events(events, piece)["id"]) for piece in pieces))


def _unique_rows(frames: list[gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    """Return the rows of `frames` in order, each event once."""
    kept = [f for f in frames if f is not None and len(f)]
    if not kept:
        return frames[0]
    joined = pd.concat(kept, ignore_index=True) if len(kept) > 1 else kept[0]
    joined = joined[~joined["id"].duplicated(keep="first")].reset_index(drop=True)
    return gpd.GeoDataFrame(joined, geometry="geometry", crs=frames[0].crs)


def newest_since(located: pd.DataFrame, limit: int) -> datetime.date | None:
    """Return the first day of the newest `limit` of `located`, None when fewer are dated.

    The list shows the newest events; all of them start on that day or later.
    """
    first = located["first"].to_numpy(dtype="datetime64[D]")
    dated = np.sort(first[~np.isnat(first)])
    if len(dated) < limit:
        return None
    since: datetime.date = dated[len(dated) - limit].astype(datetime.date)
    return since


def world_copies(box: Bounds) -> list[Bounds]:
    """Return `box` within the world, then the parts of it that lie beyond ±180° moved back.

    The map draws the first (as :func:`~geo.view.selection.limit_events` does); the list
    counts what lies in view on any copy of the world (as :func:`events_within` does). The
    boxes do not overlap.
    """
    minx, miny, maxx, maxy = box
    west, east = max(minx, -180.0), min(maxx, 180.0)
    pieces = [(west, miny, east, maxy)]
    if maxx > 180.0 and min(maxx - 360.0, west - _APART) >= -180.0:
        pieces.append((-180.0, miny, min(maxx - 360.0, west - _APART), maxy))
    if minx < -180.0 and max(minx + 360.0, east + _APART) <= 180.0:
        pieces.append((max(minx + 360.0, east + _APART), miny, 180.0, maxy))
    return pieces


_APART = 1e-9
"""Degrees between the boxes of :func:`world_copies`, so no point lies in two."""


def _concat_rows(first: gpd.GeoDataFrame, second: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if len(second) == 0:
        return first
    if len(first) == 0:
        return second.reset_index(drop=True)
    joined = pd.concat([first, second], ignore_index=True)
    return gpd.GeoDataFrame(joined, geometry="geometry", crs=first.crs)


def seed_tallies(events: pd.DataFrame) -> pd.DataFrame:
    """Return events as tallies (one row each, ``events`` 1), to add to an archive's."""
    if events is None or len(events) == 0:
        return pd.DataFrame(columns=["type", "date_start", "date_end", "date_precision", "events"])
    first, last = covered_intervals(events)
    return pd.DataFrame(
        {
            "type": events["type"].astype(str).to_numpy(),
            "date_start": pd.to_datetime(first).astype("datetime64[ns]"),
            "date_end": pd.to_datetime(last).astype("datetime64[ns]"),
            "date_precision": "day",
            "events": 1,
        }
    )


def located_events(events: gpd.GeoDataFrame, box: Bounds) -> pd.DataFrame:
    """Return the events within `box` as ``id``, ``type``, ``x``, ``y``, ``first`` rows."""
    columns: dict[str, Any] = {
        "id": str,
        "type": str,
        "x": "float64",
        "y": "float64",
        "first": "datetime64[s]",
    }
    if events is None or len(events) == 0:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in columns.items()})
    located = events[events.geometry.notna() & ~events.geometry.is_empty]
    minx, miny, maxx, maxy = box
    inside = located.cx[minx:maxx, miny:maxy] if minx < maxx else located
    first, _ = covered_intervals(inside)
    return pd.DataFrame(
        {
            "id": inside["id"].astype(str).to_numpy(),
            "type": inside["type"].astype(str).to_numpy(),
            "x": inside.geometry.x.to_numpy(),
            "y": inside.geometry.y.to_numpy(),
            "first": first,
        }
    )


def _within(located: pd.DataFrame, bounds: Bounds) -> pd.DataFrame:
    west, south, east, north = bounds
    xs, ys = located["x"].to_numpy(), located["y"].to_numpy()
    keep = (ys >= south) & (ys <= north)
    if east - west < 360:
        keep &= (xs - west) % 360 <= east - west
    return located[keep]


MapReport = Mapping[str, object]
"""What ``st_folium`` returns for the map: ``center``, ``zoom``, ``bounds``, the last click."""


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


@dataclass(frozen=True, slots=True, eq=False)
class EventList:
    """What the list beside the map shows: its rows and how many events it stands for.

    Attributes
    ----------
    rows
        The events listed (all of them, or the newest when there are more than the list
        holds; :func:`event_table` keeps :data:`MAX_LISTED`), with their articles' columns.
    count
        How many events the list stands for (in view, or every match).
    types
        Those events per type key, most first.
    """

    rows: gpd.GeoDataFrame | None
    count: int
    types: pd.Series
    bounds: Bounds | None = None

    def __len__(self) -> int:
        return self.count

    @property
    def complete(self) -> bool:
        """Whether :attr:`rows` are every event the list stands for."""
        return self.count == (0 if self.rows is None else len(self.rows))


def export_rows(dataset: Dataset, listed: EventList, view: ViewState) -> Callable[[], Any]:
    """Return what makes the rows an export of the list holds: every event it stands for.

    Called when a download button is clicked, not per rerun: when the list holds only the
    newest of its events, the others are read then (in its bounds, or every match).
    """
    if listed.complete or dataset.archive is None:
        rows = listed.rows if listed.rows is not None else dataset.events.iloc[0:0]
        return lambda: rows
    archive = dataset.archive

    def read() -> Any:
        seeds = visible_events(dataset, view)
        pieces = [None] if listed.bounds is None else world_copies(listed.bounds)
        stored = [_stored_rows(dataset, archive.read(view, bbox=piece)) for piece in pieces]
        every = _unique_rows([seeds, *stored])
        return every if listed.bounds is None else events_within(every, listed.bounds)

    return read


def type_series(types: Iterable[str], weights: Any = None) -> pd.Series:
    """Return how many events (or `weights`) each type has, most first, ties by key."""
    frame = pd.DataFrame({"type": list(types)})
    frame["n"] = 1 if weights is None else weights
    counts = frame.groupby("type")["n"].sum() if len(frame) else pd.Series(dtype="int64")
    order = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return pd.Series({k: int(n) for k, n in order}, dtype="int64")


def listed_events(
    dataset: Dataset,
    layers: MapLayers,
    view: ViewState,
    returned: MapReport | None,
    *,
    everything: object = False,
) -> EventList:
    """Return what the list shows: the events in view (:func:`events_in_scope`) or every match.

    When the view's query did not read every event of the viewport (:attr:`MapLayers.located`)
    the counts come from its narrow rows and the list's rows are the newest read; with
    `everything`, the newest :data:`MAX_LISTED` matches are read (their tallies tell from
    which day on).
    """
    if layers.located is None and layers.matching is None:
        rows = events_in_scope(layers.events, view, returned, everything=everything)
        return EventList(rows, count_of(rows), _types_of(rows))
    if not everything:
        rows = events_in_scope(layers.events, view, returned)
        if layers.located is None:
            return EventList(rows, count_of(rows), _types_of(rows))
        bounds = map_bounds(view, returned)
        inside = _within(layers.located, bounds)
        return EventList(rows, len(inside), type_series(inside["type"]), bounds)
    tallies = layers.tallies if layers.tallies is not None else pd.DataFrame()
    types = (
        type_series(tallies["type"], tallies["events"].to_numpy())
        if len(tallies)
        else type_series([])
    )
    return EventList(newest_matches(dataset, view, tallies), int(layers.matching or 0), types)


def count_of(rows: pd.DataFrame | None) -> int:
    """Return how many rows a layer holds (0 for none)."""
    return 0 if rows is None else len(rows)


def _types_of(rows: pd.DataFrame | None) -> pd.Series:
    return type_series([] if rows is None or len(rows) == 0 else rows["type"].astype(str))


def newest_matches(dataset: Dataset, view: ViewState, tallies: pd.DataFrame) -> gpd.GeoDataFrame:
    """Return at least the newest :data:`MAX_LISTED` events `view` matches, read whole.

    The tallies (events per type and interval) give the first day from which on the newest
    are found, so only the window's last stretch is read.
    """
    seeds = visible_events(dataset, view)
    if dataset.archive is None or len(tallies) == 0:
        return seeds
    ordered = tallies.dropna(subset=["date_start"]).sort_values("date_start", ascending=False)
    total = ordered["events"].cumsum().to_numpy()
    narrowed = view
    if len(total) and total[-1] >= MAX_LISTED:
        since = ordered["date_start"].to_numpy()[int(np.searchsorted(total, MAX_LISTED))]
        start = pd.Timestamp(since).date()
        if view.date_from is None or start > view.date_from:
            narrowed = view.replace(date_from=start, undated=False)
    stored = _stored_rows(dataset, dataset.archive.read(narrowed))
    if narrowed is not view:  # an interval reaching into the stretch: only those starting in it
        first, _ = covered_intervals(stored)
        stored = stored[first >= np.datetime64(narrowed.date_from, "D")]
    return _concat_rows(seeds, stored)


def with_zone_events(dataset: Dataset, zones: gpd.GeoDataFrame, view: ViewState) -> Any:
    """Return `zones` with the events behind the selected zone listed (measured on demand)."""
    chosen = zones["id"] == view.selected
    if not chosen.any():
        return zones
    window = view.replace(actors=None, countries=None, cited=True)
    ids = dataset.zone_events(zones[chosen], window, view.date_to)
    zones = zones.copy()
    zones["event_ids"] = [
        ids if hit else cell for hit, cell in zip(chosen, zones["event_ids"], strict=True)
    ]
    return zones
