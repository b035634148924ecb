"""Keep small sums of the events beside the zones, so zones update without every event.

Two tables summarise the events layer for the zones (:mod:`geo.layers.zones`):

- **place tallies** (:data:`PLACE_TALLY_COLUMNS`): per place, how many military events it
  holds and their actors. The derived zones' shapes, ids, names and parties depend on nothing
  else (:func:`geo.layers.zones.zone_shapes`).
- **zone days** (:data:`ZONE_DAY_COLUMNS`): per zone, event type and day, how many events lie
  in or near the zone (within ``NEAR_KM``) and the sum of their confidences. The days are the
  interval an event covers (``first``, ``last``: what a time window tests), its end date
  (``end``: what recency is measured from) and, for an event without an end date, its
  article's publication date (``published``). A zone's severity for any window and types
  follows from these rows alone (:func:`geo.layers.window.zone_severities`), by the formula of
  :func:`geo.layers.zones.zone_severity`.

Confidences are summed in millionths (integers), so tables merged batch by batch are equal,
bit for bit, to one table made from all the events at once (:func:`merge_zone_days`).

:func:`aggregate_zones` makes the zones layer and both tables from a whole events layer
(:func:`aggregate_zones_in_pieces` from one read in pieces, for an archive larger than memory);
:func:`update_zone_aggregates` adds a batch of new events to them, reading stored events only
for the zones the batch creates or reshapes, through a function the caller gives (the layers
do not know the store). Pure functions: no files, no Streamlit.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.intervals import covered_intervals
from geo.layers.exact import add_sums, exact_sums, severities_of
from geo.layers.frames import zones_frame
from geo.layers.near import NEAR_KM, NearPoints, near_box
from geo.layers.zones import (
    HALF_LIFE_DAYS,
    SEVERITY_SCALE,
    UNKNOWN_DATE_FACTOR,
    Clustering,
    added_tallies,
    cluster_places,
    distinct_zones,
    military_tallies,
    zone_shapes,
)
from geo.places.gazetteer import Gazetteer
from geo.records import Zone
from geo.taxonomy import EVENT_TYPES

__all__ = [
    "CONFIDENCE_UNIT",
    "PLACE_TALLY_COLUMNS",
    "SUMS_ORIGIN_DAY",
    "ZONE_DAY_COLUMNS",
    "ZONE_SCORE_COLUMNS",
    "EventsNear",
    "ZoneAggregates",
    "aggregate_zones",
    "aggregate_zones_in_pieces",
    "day_numbers",
    "merge_place_tallies",
    "merge_zone_days",
    "place_tallies",
    "severities_from_sums",
    "update_zone_aggregates",
    "zone_days",
    "zone_sums",
]

ZONE_DAY_COLUMNS: Final = {
    "zone_id": "str",
    "type": "str",
    "first": "datetime64[ns]",
    "last": "datetime64[ns]",
    "end": "datetime64[ns]",
    "published": "datetime64[ns]",
    "events": "int64",
    "confidence_e6": "int64",
}
"""Columns of the zone-days table: the key (zone, type, covered interval, end date, and the
publication date of events without an end date; ``NaT`` when unknown), the number of events
and the sum of their confidences in millionths (:data:`CONFIDENCE_UNIT`)."""

PLACE_TALLY_COLUMNS: Final = {
    "place_id": "str",
    "events": "int64",
    "actors": "object",
    "main": "str",
}
"""Columns of the place-tallies table: a place, its military events, their sorted actors, and
the main place of the cluster it joined (:func:`geo.layers.zones.cluster_places`; empty for a
place the gazetteer lacks; tables written before the column lack it and are clustered anew)."""

ZONE_SCORE_COLUMNS: Final = {"zone_id": "str", "severity": "float64", "shape": "object"}
"""Columns of the zone-scores table: every zone the tallies draw, its severity over the whole
archive (as the zones layer gives it), and, for a zone the layer leaves out as a duplicate of
a more severe one, its shape as WKB (null for the others: the layer holds their shapes). A
commit scores again only the zones its batch adds rows to, and draws no kept shape again."""

CONFIDENCE_UNIT: Final = 1_000_000
"""Confidences are summed as integers in this unit (millionths), so sums are exact."""

_KEYS: Final = ("zone_id", "type", "first", "last", "end", "published")
_DATES: Final = ("first", "last", "end", "published")
_WEIGHTS: Final = {t.key: t.weight for t in EVENT_TYPES}

EventsNear = Callable[[Sequence[tuple[float, float, float, float]]], gpd.GeoDataFrame | None]
"""Returns the stored events whose geometry meets any of the boxes (more is harmless; None
for no box)."""


@dataclass(frozen=True, slots=True, eq=False)
class ZoneAggregates:
    """The derived zones and the two tables they are kept with.

    Attributes
    ----------
    zones
        The derived zones layer (:data:`geo.layers.frames.ZONE_COLUMNS`): severities over the
        whole archive, each zone measured from its own newest event; no event ids (the events
        behind a zone are listed per view, for its window).
    zone_days
        :data:`ZONE_DAY_COLUMNS`, for every zone the tallies draw, those the layer leaves out
        as duplicates of a more severe one included. Stored tables may hold a key in several
        rows (added batch by batch): :func:`merge_zone_days` adds them up.
    place_tallies
        :data:`PLACE_TALLY_COLUMNS`.
    added_days
        When made by :func:`update_zone_aggregates`: the zone-days rows it added to the
        stored table (the batch's, and every row of a zone it created or reshaped).
    dropped_zones
        When made by :func:`update_zone_aggregates`: the zones whose rows it dropped (gone
        or reshaped). So the stored table less these zones' rows, plus `added_days`, adds up
        to the whole zone-days table: a store writes just that.
    zone_scores
        :data:`ZONE_SCORE_COLUMNS`, by zone id; None for tables written before it.
    sums
        The exact zone sums (:data:`geo.layers.exact.SUM_COLUMNS`) of the whole zone-days
        table, which the severities come from: stored as the ``zone_sums`` table; None for
        tables written before the exact sums.
    whole
        Whether `zone_days` is the whole table. A commit with the zone scores and the exact
        sums does not read it (`zone_days` empty): it adds `added_days` to the sums and
        writes them beside the stored rows.
    """

    zones: gpd.GeoDataFrame
    zone_days: pd.DataFrame
    place_tallies: pd.DataFrame
    added_days: pd.DataFrame | None = None
    dropped_zones: tuple[str, ...] = ()
    zone_scores: pd.DataFrame | None = None
    sums: pd.DataFrame | None = None
    whole: bool = True


# --- place tallies -------------------------------------------------------------------------


def place_tallies(
    events_frame: gpd.GeoDataFrame, clustering: Clustering | None = None
) -> pd.DataFrame:
    """Return the place-tallies table of an events layer (see the module docstring).

    The ``main`` column comes from `clustering` (empty without one).
    """
    return _tallies_frame(military_tallies(events_frame), clustering)


def _tallies_frame(
    tallies: dict[str, tuple[int, frozenset[str]]], clustering: Clustering | None = None
) -> pd.DataFrame:
    ids = sorted(tallies)
    mains = {} if clustering is None else clustering.mains
    return pd.DataFrame(
        {
            "place_id": pd.Series(ids, dtype="str"),
            "events": pd.Series([tallies[i][0] for i in ids], dtype="int64"),
            "actors": pd.Series([sorted(tallies[i][1]) for i in ids], dtype="object"),
            "main": pd.Series([mains.get(i, "") for i in ids], dtype="str"),
        }
    )


def _clustering_of(table: pd.DataFrame | None) -> Clustering | None:
    """Return the clustering a place-tallies table records, None when it has none (older)."""
    if table is None or len(table) == 0 or "main" not in table.columns:
        return None
    mains = table["main"].fillna("").astype(str).to_numpy()
    if not all(mains):  # written before the column, or a place the gazetteer lacked
        known = mains != ""
        if not known.any():
            return None
        table, mains = table[known], mains[known]
    ids = table["place_id"].astype(str).to_numpy()
    counts = table["events"].to_numpy(dtype="int64")
    return Clustering(
        counts=dict(zip(ids.tolist(), counts.tolist(), strict=True)),
        mains=dict(zip(ids.tolist(), mains.tolist(), strict=True)),
    )


def _counts(tallies: dict[str, tuple[int, frozenset[str]]]) -> dict[str, int]:
    return {place: int(count) for place, (count, _) in tallies.items()}


def _tallies_map(table: pd.DataFrame) -> dict[str, tuple[int, frozenset[str]]]:
    if table is None or len(table) == 0:
        return {}
    return {
        str(place): (int(count), frozenset(map(str, actors if actors is not None else ())))
        for place, count, actors in zip(
            table["place_id"], table["events"], table["actors"], strict=True
        )
    }


def merge_place_tallies(*tables: pd.DataFrame) -> pd.DataFrame:
    """Return one place-tallies table adding up `tables` (counts summed, actors united).

    The ``main`` column is left empty: the merged places are to be clustered again.
    """
    return _tallies_frame(_merged_tallies(*tables))


def _merged_tallies(*tables: pd.DataFrame) -> dict[str, tuple[int, frozenset[str]]]:
    return added_tallies(*(_tallies_map(table) for table in tables))


# --- zone days -----------------------------------------------------------------------------


def _empty_zone_days() -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=kind) for name, kind in ZONE_DAY_COLUMNS.items()})


def _days(values: pd.Series) -> pd.Series:
    """Return dates as midnight timestamps (``datetime64[ns]``, ``NaT`` when unknown)."""
    stamps = pd.to_datetime(pd.Series(values), errors="coerce")
    if getattr(stamps.dt, "tz", None) is not None:
        stamps = stamps.dt.tz_localize(None)
    return stamps.dt.normalize().astype("datetime64[ns]")


def zone_days(
    zones: gpd.GeoDataFrame | None,
    events_frame: gpd.GeoDataFrame | None,
    *,
    near_km: float = NEAR_KM,
) -> pd.DataFrame:
    """Return the zone-days rows of `events_frame` for `zones` (see the module docstring).

    An event counts towards a zone when its point (a point inside it, for other shapes) lies
    in the zone or within `near_km` of it, as in :func:`geo.layers.zones.zone_severity`, and
    its confidence is above 0. Rows come sorted by their key.
    """
    if zones is None or len(zones) == 0 or events_frame is None or len(events_frame) == 0:
        return _empty_zone_days()
    frame = events_frame
    located = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    confidence = pd.to_numeric(located["confidence"], errors="coerce").fillna(0.0).clip(0.0, 1.0)
    located = located[(confidence > 0).to_numpy()]
    if located.empty:
        return _empty_zone_days()
    shapes = located.geometry.to_numpy()
    points = shapes.copy()
    others = shapely.get_type_id(shapes) != 0
    points[others] = shapely.point_on_surface(shapes[others])
    # events share points (their places'): each distinct point is tested once per zone
    spots = NearPoints(shapely.get_x(points), shapely.get_y(points))
    zone_rows, event_rows = [], []
    for position, geometry in enumerate(zones.geometry):
        if geometry is None or geometry.is_empty:
            continue
        near = spots.near(geometry, near_km)
        zone_rows.append(np.full(near.size, position))
        event_rows.append(near)
    if not event_rows:
        return _empty_zone_days()
    which, picked = np.concatenate(zone_rows), np.concatenate(event_rows)
    first, last = covered_intervals(located)
    end = _days(located["date_end"])
    published = (
        _days(located["article_published"])
        if "article_published" in located.columns
        else pd.Series(pd.NaT, index=range(len(located)), dtype="datetime64[ns]")
    )
    published = published.where(end.isna().to_numpy(), pd.NaT)  # only undated events use it
    units = np.rint(
        pd.to_numeric(located["confidence"], errors="coerce").fillna(0.0).clip(0.0, 1.0)
        * CONFIDENCE_UNIT
    ).astype("int64")
    pairs = pd.DataFrame(
        {
            "zone_id": zones["id"].astype(str).to_numpy()[which],
            "type": located["type"].astype(str).to_numpy()[picked],
            "first": first.astype("datetime64[ns]")[picked],
            "last": last.astype("datetime64[ns]")[picked],
            "end": end.to_numpy()[picked],
            "published": published.to_numpy()[picked],
            "events": np.ones(picked.size, dtype="int64"),
            "confidence_e6": units.to_numpy()[picked],
        }
    )
    return merge_zone_days(pairs)


def merge_zone_days(*tables: pd.DataFrame | None) -> pd.DataFrame:
    """Return one zone-days table adding up `tables` row by key, sorted by key.

    Counts and confidences are integers, so the result does not depend on how the events
    were split between the tables. Rows are sorted by zone, type, then the days (unknown
    first), with NumPy on codes of the keys: millions of rows take seconds, not minutes.
    """
    present = [t for t in tables if t is not None and len(t)]
    if not present:
        return _empty_zone_days()
    rows = pd.concat([t[list(ZONE_DAY_COLUMNS)] for t in present], ignore_index=True)
    zones, zone_names = pd.factorize(rows["zone_id"].astype(str).to_numpy(), sort=True)
    kinds, kind_names = pd.factorize(rows["type"].astype(str).to_numpy(), sort=True)
    days = [day_numbers(rows[name]) for name in _DATES]
    order = np.lexsort((*reversed(days), kinds, zones))  # the last key sorts first
    keys = [zones[order], kinds[order], *(d[order] for d in days)]
    starts = np.ones(len(order), dtype=bool)
    for key in keys:
        starts[1:] &= key[1:] == key[:-1]
    starts = ~starts
    starts[0] = True
    first_rows = np.flatnonzero(starts)
    counts = np.add.reduceat(rows["events"].to_numpy(dtype="int64")[order], first_rows)
    units = np.add.reduceat(rows["confidence_e6"].to_numpy(dtype="int64")[order], first_rows)
    result = pd.DataFrame(
        {
            "zone_id": pd.Series(np.asarray(zone_names, dtype=object)[keys[0][first_rows]]),
            "type": pd.Series(np.asarray(kind_names, dtype=object)[keys[1][first_rows]]),
            **{
                name: _fromday_numbers(day[first_rows])
                for name, day in zip(_DATES, keys[2:], strict=True)
            },
            "events": counts.astype("int64"),
            "confidence_e6": units.astype("int64"),
        }
    )
    return result.astype({"zone_id": "str", "type": "str"})


_UNKNOWN_DAY: Final = np.iinfo("int64").min


def day_numbers(values: pd.Series) -> np.ndarray:
    """Return dates as int64 days since 1970, unknown ones as the smallest int64."""
    days = _days(values).to_numpy(dtype="datetime64[D]")
    numbers: np.ndarray = days.astype("int64")
    numbers[np.isnat(days)] = _UNKNOWN_DAY
    return numbers


def _fromday_numbers(numbers: np.ndarray) -> pd.Series:
    days = numbers.astype("datetime64[D]")
    days[numbers == _UNKNOWN_DAY] = np.datetime64("NaT")
    return pd.Series(days.astype("datetime64[ns]"))


# --- the zones and their tables together ---------------------------------------------------


def _with_severities(
    shapes: Sequence[Zone], scored: Mapping[str, float], gazetteer: Gazetteer
) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Return the zones layer and the zone-scores table of `shapes` scored `scored` (else 0).

    The layer as :func:`geo.layers.zones.build_zones` keeps it: severities over the archive,
    no event ids, most severe first, a zone dropped when a more severe one covers its main
    place (:func:`geo.layers.zones.distinct_zones`). The table lists every zone of `shapes`.
    """
    zones = [replace(zone, severity=float(scored.get(zone.id, 0.0))) for zone in shapes]
    zones.sort(key=lambda zone: (-zone.severity, zone.id))
    layer = zones_frame(distinct_zones([], zones, gazetteer))
    shown = set(layer["id"])
    zones.sort(key=lambda zone: zone.id)
    scores = pd.DataFrame(
        {
            "zone_id": pd.Series([zone.id for zone in zones], dtype="str"),
            "severity": pd.Series([zone.severity for zone in zones], dtype="float64"),
            "shape": pd.Series(
                [None if zone.id in shown else shapely.to_wkb(zone.geometry) for zone in zones],
                dtype="object",
            ),
        }
    )
    return layer, scores


def _rows_of(table: pd.DataFrame, zones: Collection[str]) -> pd.DataFrame:
    return table[table["zone_id"].isin(sorted(zones)).to_numpy(dtype=bool)]


def aggregate_zones(events_frame: gpd.GeoDataFrame, gazetteer: Gazetteer) -> ZoneAggregates:
    """Return the derived zones of `events_frame` and their two tables, made from scratch."""
    return aggregate_zones_in_pieces(lambda: (events_frame,), gazetteer)


def aggregate_zones_in_pieces(
    read_pieces: Callable[[], Iterable[gpd.GeoDataFrame]], gazetteer: Gazetteer
) -> ZoneAggregates:
    """Return what :func:`aggregate_zones` returns for an events layer read in pieces.

    For an archive larger than memory: `read_pieces` is called twice and each time yields
    the same pieces of the layer (a piece's events need not be in any order, and the pieces
    cover every event once). The first pass adds up the place tallies, from which the zones
    are drawn; the second adds up each piece's zone-days rows for those zones. Tallies and
    sums are counts, so the result equals, bit for bit, that of the whole layer at once;
    memory holds one piece and the two tables.
    """
    tallies = added_tallies(*(military_tallies(piece) for piece in read_pieces()))
    clustering = cluster_places(_counts(tallies), gazetteer)
    shapes = zone_shapes(tallies, gazetteer, clustering=clustering)
    drawn = zones_frame(shapes)
    table = _empty_zone_days()
    for number, piece in enumerate(read_pieces()):
        rows = zone_days(drawn, piece)  # merged and sorted by key
        table = rows if number == 0 else merge_zone_days(table, rows)
    sums = exact_sums(table)
    zones, scores = _with_severities(shapes, severities_of(sums), gazetteer)
    return ZoneAggregates(
        zones, table, _tallies_frame(tallies, clustering), zone_scores=scores, sums=sums
    )


def update_zone_aggregates(
    stored: ZoneAggregates,
    new_events: gpd.GeoDataFrame,
    gazetteer: Gazetteer,
    *,
    events_near: EventsNear,
) -> ZoneAggregates:
    """Add a batch of new events to stored zones and tables; equal to :func:`aggregate_zones`.

    The place tallies gain the batch's military events and the zones are drawn again from them
    (cheap: one row per place; a zone drawn before keeps its shape, from the layer or the
    zone-scores table). A zone the stored tables already have (same id, so the same places and
    shape) keeps its zone-days rows and gains those of the batch's events near it; a zone the
    batch creates or reshapes gets its rows from the stored events near it, which
    `events_near` returns for the zones' boxes widened by ``NEAR_KM``, plus the batch's. Rows
    of zones that are gone are dropped. So a batch reads no stored event unless it changes the
    shape of a zone, and then only those around the changed zones.

    The severities come from the exact sums (:mod:`geo.layers.exact`): the stored ones, less
    the zones dropped, plus those of the rows added. With them and the zone scores no stored
    zone-days row is needed: `stored.zone_days` may be left empty (``whole`` False), and so
    is the result's. Tables written before them need the whole table, merged and summed.
    """
    tallies = _merged_tallies(stored.place_tallies, place_tallies(new_events))
    clustering = cluster_places(
        _counts(tallies), gazetteer, previous=_clustering_of(stored.place_tallies)
    )
    known_shapes = dict(zip(stored.zones["id"], stored.zones.geometry, strict=True))
    scores = stored.zone_scores
    if scores is not None:  # the shapes of the zones the layer leaves out
        hidden = scores[scores["shape"].notna().to_numpy(dtype=bool)]
        decoded = shapely.from_wkb(hidden["shape"].to_numpy(dtype=object))
        known_shapes.update(zip(hidden["zone_id"].astype(str), decoded, strict=True))
    drawn = zone_shapes(tallies, gazetteer, known_shapes=known_shapes, clustering=clustering)
    shapes = zones_frame(drawn)
    kept_sums = stored.sums if scores is not None else None
    if kept_sums is None:
        if not stored.whole:
            msg = "tables written before the zone scores and exact sums need the whole zone days"
            raise ValueError(msg)
        stored_ids = set(stored.zone_days["zone_id"].astype(str))
        known = {*stored_ids, *(stored.zones["id"] if len(stored.zones) else ())}
    else:
        stored_ids = known = set(scores["zone_id"].astype(str)) if scores is not None else set()
    is_known = shapes["id"].isin(sorted(known)).to_numpy(dtype=bool)
    kept, fresh = shapes[is_known], shapes[~is_known]
    kept_ids = set(kept["id"].astype(str))
    added = [zone_days(kept, new_events)]
    if len(fresh):
        nearby = events_near([near_box(geometry) for geometry in fresh.geometry])
        added += [zone_days(fresh, nearby), zone_days(fresh, new_events)]
    added_days = merge_zone_days(*added)
    table = merge_zone_days()
    if stored.whole:
        table = merge_zone_days(_rows_of(stored.zone_days, kept_ids), added_days)
    if kept_sums is None:  # older tables: summed whole
        sums = exact_sums(table)
    else:
        sums = add_sums(_rows_of(kept_sums, kept_ids), exact_sums(added_days))
    zones, zone_scores = _with_severities(drawn, severities_of(sums), gazetteer)
    return ZoneAggregates(
        zones,
        table,
        _tallies_frame(tallies, clustering),
        added_days=added_days,
        dropped_zones=tuple(sorted(stored_ids - kept_ids)),
        zone_scores=zone_scores,
        sums=sums,
        whole=stored.whole,
    )


def zone_sums(table: Any) -> pd.DataFrame:
    """Return a zone-days table summed per zone and type: what a view with no window needs.

    With no time window every event counts and each zone is measured from its own newest
    date, so ``recency = 0.5 ** ((newest - end) / HALF_LIFE_DAYS)`` splits into a factor of
    the zone and one of the event: the sums of ``weight × confidence × 2 ** (end / half
    life)`` per zone and type give the severity of any set of types without the rows
    (:func:`severities_from_sums`). Columns: ``zone_id``, ``type``, ``events``, ``newest``
    (the newest end or publication day, days since 1970, ``-inf`` when none), ``dated``,
    ``published`` (undated events, by their article's date) and ``unpublished``; days are
    counted from :data:`SUMS_ORIGIN_DAY` so the powers stay small. `table` may be any
    mapping of the zone-days columns (a DataFrame, or arrays; dates at midnight).
    """
    kinds, type_keys = pd.factorize(table["type"], sort=True)
    type_weights = np.array([_WEIGHTS.get(str(k), 0.0) for k in type_keys], dtype="float64")
    weights = type_weights[kinds] if len(type_keys) else np.zeros(len(kinds))
    counted = weights > 0
    zones, zone_ids = pd.factorize(table["zone_id"], sort=True)
    base = weights * np.asarray(table["confidence_e6"], dtype="float64") / CONFIDENCE_UNIT
    end_days = _day_floats(table["end"])
    pub_days = _day_floats(table["published"])
    dated = ~np.isnan(end_days)
    width = max(len(type_keys), 1)
    keys, key_index = pd.factorize(np.where(counted, zones.astype("int64") * width + kinds, -1))
    size = len(key_index)
    keys = np.where(counted, keys, size)  # rows of no weight go to a bin left out below
    newest = np.full(size + 1, -np.inf)
    np.fmax.at(newest, keys, np.where(dated, end_days, np.nan_to_num(pub_days, nan=-np.inf)))
    published = ~dated & ~np.isnan(pub_days)

    def total(values: np.ndarray) -> np.ndarray:
        return np.bincount(keys, weights=values, minlength=size + 1)[:size]

    found = key_index >= 0
    dated_sum = base * np.exp2(np.nan_to_num(end_days) / HALF_LIFE_DAYS)
    published_sum = base * np.exp2(np.nan_to_num(pub_days) / HALF_LIFE_DAYS)
    frame = pd.DataFrame(
        {
            "zone_id": np.asarray(zone_ids, dtype=object)[np.maximum(key_index, 0) // width],
            "type": np.asarray(type_keys, dtype=object)[np.maximum(key_index, 0) % width],
            "events": total(np.asarray(table["events"], dtype="float64")).astype("int64"),
            "dated": total(np.where(dated, dated_sum, 0.0)),
            "published": total(np.where(published, published_sum, 0.0)),
            "unpublished": total(np.where(~dated & np.isnan(pub_days), base, 0.0)),
            "newest": newest[:size],
        }
    )
    return frame[found].reset_index(drop=True)


def _day_floats(values: Any) -> np.ndarray:
    """Return midnight dates as float days from :data:`SUMS_ORIGIN_DAY` (NaN when unknown)."""
    days = np.asarray(values).astype("datetime64[D]")
    floats: np.ndarray = np.where(np.isnat(days), np.nan, days.astype("float64")) - SUMS_ORIGIN_DAY
    return floats


SUMS_ORIGIN_DAY: Final = 20_000.0
"""The day (since 1970: 4 October 2024) :func:`zone_sums` counts days from."""


def severities_from_sums(sums: pd.DataFrame, *, types: Any = None) -> pd.DataFrame:
    """Return each zone's severity and event count with no time window, from :func:`zone_sums`.

    The same as :func:`geo.layers.window.zone_severities` with no window and no `today` (each
    zone measured from its own newest date), for the events of `types` (None: all); `sums` may
    hold several rows per zone and type (they add up).
    """
    rows = sums if types is None else sums[sums["type"].isin(sorted(types))]
    if len(rows) == 0:
        return pd.DataFrame(
            {
                "zone_id": pd.Series(dtype="str"),
                "severity": pd.Series(dtype="float64"),
                "events": pd.Series(dtype="int64"),
            }
        )
    grouped = rows.groupby("zone_id", sort=True)
    totals = grouped[["events", "dated", "published", "unpublished"]].sum()
    newest = grouped["newest"].max().to_numpy(dtype="float64", copy=True)
    newest[np.isinf(newest)] = -SUMS_ORIGIN_DAY  # none known: measured from day 0, as there
    scale = np.exp2(-newest / HALF_LIFE_DAYS)
    total = scale * totals["dated"].to_numpy() + UNKNOWN_DATE_FACTOR * (
        scale * totals["published"].to_numpy() + totals["unpublished"].to_numpy()
    )
    severity = np.clip(-np.expm1(-total / SEVERITY_SCALE), 0.0, 1.0)
    return pd.DataFrame(
        {
            "zone_id": pd.Series(totals.index.astype(str), dtype="str"),
            "severity": severity,
            "events": totals["events"].to_numpy(dtype="int64"),
        }
    )
