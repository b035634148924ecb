"""Measure how tense each zone is, and draw zones where military events cluster.

Zones get a severity from the events in and around them (:func:`zone_severity`); where
military events cluster outside any known zone, :func:`derive_zones` draws a new one, and
:func:`build_zones` puts curated and derived zones together. The functions are pure: no files,
no Streamlit, no folium. The layers' frames are made in :mod:`geo.layers.frames`.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, replace
from typing import Final

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from shapely import affinity
from shapely.geometry import Point, box
from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points

from geo.layers.frames import zones_frame, zones_records
from geo.layers.near import NEAR_KM, NearPoints
from geo.places.gazetteer import Gazetteer, Place
from geo.places.geodesy import KM_PER_DEGREE, buffer_km, haversine_km, longitude_scale
from geo.records import CRS, Zone, stable_id
from geo.taxonomy import EVENT_TYPES

__all__ = [
    "CLUSTER_KM",
    "CRS",
    "HALF_LIFE_DAYS",
    "MILITARY_TYPES",
    "SEVERITY_SCALE",
    "UNKNOWN_DATE_FACTOR",
    "Clustering",
    "added_tallies",
    "build_zones",
    "cluster_places",
    "derive_zones",
    "distinct_zones",
    "event_contributions",
    "military_tallies",
    "zone_severity",
    "zone_shapes",
]

HALF_LIFE_DAYS: Final = 180.0
"""Days after which an event counts half as much towards a zone's severity (default 180)."""

UNKNOWN_DATE_FACTOR: Final = 0.25
"""Recency factor of an event whose date is unknown (default 0.25), before the article's age."""

SEVERITY_SCALE: Final = 2.0
"""Summed contribution that gives a severity of ``1 - 1/e`` ≈ 0.63 (default 2.0)."""

CLUSTER_KM: Final = 300.0
"""Military events whose places are this close (km) form one derived zone (default 300)."""

CITY_BUFFER_KM: Final = 150.0
"""Radius (km) of a derived zone around a city or a point (default 150)."""

LARGE_AREA_DEG2: Final = 400.0
"""Places larger than this (square degrees; Russia, the western Pacific) count as their
representative point when clustering, and a derived zone takes only a disc of them."""

SMALL_AREA_DEG2: Final = 1.0
"""Places up to this size (square degrees; islet groups, reefs, small islands) cluster with
any place within ``CLUSTER_KM``, like cities do."""

MILITARY_TYPES: Final = frozenset(
    {"exercise", "missile_launch", "patrol", "incursion", "armed_attack", "buildup"}
)
"""Event types whose clusters make a derived ``military_activity`` zone."""

_WORLD: Final = box(-180.0, -90.0, 180.0, 90.0)
_POINT_KINDS: Final = frozenset({"city"})
_BROAD_KINDS: Final = frozenset({"country", "ocean", "continent"})
_WEIGHTS: Final = {t.key: t.weight for t in EVENT_TYPES}


# --- severity ------------------------------------------------------------------------------


def event_contributions(events_frame: pd.DataFrame, *, today: datetime.date) -> pd.Series:
    """Return how much each event adds to the severity of a zone it lies in or near.

    ``contribution = weight(type) × recency × confidence`` where `weight` is the type's
    :attr:`geo.taxonomy.EventType.weight` (0 for types not in the taxonomy) and
    ``recency = 0.5 ** (age / HALF_LIFE_DAYS)``, `age` being the days from the event's
    ``date_end`` to `today` (0 for events ending after `today`, such as plans). An event with
    no date counts at ``UNKNOWN_DATE_FACTOR``, times the recency of its article's publication
    date when the frame has it (``article_published``): an undated event in an old article is
    old news. Confidence is clipped to [0, 1].

    Parameters
    ----------
    events_frame
        An events layer (:func:`events_frame`).
    today
        The date recency is measured from.

    Returns
    -------
    pandas.Series
        Float contributions, indexed like `events_frame`.
    """
    frame = events_frame
    weights = frame["type"].map(_WEIGHTS).fillna(0.0).astype("float64")
    reference = pd.Timestamp(today)
    ends = pd.to_datetime(frame["date_end"], errors="coerce")
    recency = _recency(ends, reference)
    if "article_published" in frame.columns:
        published = pd.to_datetime(frame["article_published"], errors="coerce")
        undated = _recency(published, reference).fillna(1.0) * UNKNOWN_DATE_FACTOR
    else:
        undated = pd.Series(UNKNOWN_DATE_FACTOR, index=frame.index, dtype="float64")
    recency = recency.fillna(undated)
    confidence = pd.to_numeric(frame["confidence"], errors="coerce").fillna(0.0).clip(0.0, 1.0)
    return (weights * recency * confidence).astype("float64")


def _recency_days(days: np.ndarray) -> np.ndarray:
    """Return ``0.5 ** (days / half-life)`` for days before the reference (NaN stays NaN)."""
    result: np.ndarray = np.power(0.5, np.clip(days, 0.0, None) / HALF_LIFE_DAYS)
    return result


def _days(dates: pd.Series) -> np.ndarray:
    """Return dates as float days since 1970 (NaN where unknown)."""
    stamps = pd.to_datetime(dates, errors="coerce")
    days: np.ndarray = stamps.to_numpy(dtype="datetime64[D]").astype("float64")
    days[pd.isna(stamps).to_numpy()] = np.nan
    return days


def _recency(dates: pd.Series, reference: pd.Timestamp) -> pd.Series:
    """Return ``0.5 ** (days before reference / half-life)``, NaN where the date is NaT."""
    days: pd.Series = (reference - dates).dt.days.astype("float64").clip(lower=0.0)
    return 0.5 ** (days / HALF_LIFE_DAYS)


def zone_severity(
    zone_geometry: BaseGeometry,
    events_frame: pd.DataFrame,
    *,
    today: datetime.date | None,
    near_km: float = NEAR_KM,
) -> tuple[float, tuple[str, ...]]:
    """Return how tense a zone is, from 0 to 1, and the events that make it so.

    The events counted are those whose point lies inside the zone or within `near_km` of its
    edge. Each adds ``weight(type) × recency × confidence`` (see :func:`event_contributions`:
    recency halves every ``HALF_LIFE_DAYS`` = 180 days from the event's end date to `today`;
    undated events count at ``UNKNOWN_DATE_FACTOR`` = 0.25). The sum ``S`` is squashed into
    [0, 1):

    ``severity = 1 - exp(-S / SEVERITY_SCALE)``, with ``SEVERITY_SCALE`` = 2.0,

    so one fresh missile launch (weight 0.9) gives 0.36, three give 0.74, and severity grows
    with every further, more recent or heavier event without reaching 1.

    Parameters
    ----------
    zone_geometry
        The zone's shape (EPSG:4326).
    events_frame
        An events layer (:func:`events_frame`); rows without geometry are ignored.
    today
        The date recency is measured from: the end of the time window looked at. ``None``
        measures each zone from its own newest event, so news elsewhere never changes it.
    near_km
        How far outside the zone an event still counts.

    Returns
    -------
    tuple
        The severity, and the ids of the contributing events, largest contribution first
        (ties by id). Events that add nothing (zero weight or confidence) are not listed.
    """
    return _SeverityScorer(events_frame, today=today, near_km=near_km).score(zone_geometry)


class _SeverityScorer:
    """Score many zones against one events layer, doing the per-event work once."""

    def __init__(
        self, events_frame: pd.DataFrame, *, today: datetime.date | None, near_km: float = NEAR_KM
    ) -> None:
        self.near_km = near_km
        self.today = today
        frame = events_frame
        if frame.empty:
            self.ids = np.array([], dtype=object)
            self.values = np.array([], dtype="float64")
            self.ends = self.published = self.values
            self.points = NearPoints(self.values, self.values)
            return
        located = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
        shapes = located.geometry.to_numpy()
        points = shapes.copy()  # points stand for themselves; other shapes by a point inside
        others = shapely.get_type_id(shapes) != 0
        points[others] = shapely.point_on_surface(shapes[others])
        xs, ys = shapely.get_x(points), shapely.get_y(points)
        self.ids = located["id"].astype(str).to_numpy()
        if today is not None:
            self.values = event_contributions(located, today=today).to_numpy(dtype="float64")
        else:  # measured per zone, from its own newest event: keep the undated parts apart
            weights = located["type"].map(_WEIGHTS).fillna(0.0).to_numpy(dtype="float64")
            confidence = pd.to_numeric(located["confidence"], errors="coerce").fillna(0.0)
            self.values = weights * confidence.clip(0.0, 1.0).to_numpy(dtype="float64")
        self.ends = _days(located["date_end"])
        self.published = (
            _days(located["article_published"])
            if "article_published" in located.columns
            else np.full(len(located), np.nan)
        )
        counting = self.values > 0
        self.ids, self.values = self.ids[counting], self.values[counting]
        self.ends, self.published = self.ends[counting], self.published[counting]
        self.points = NearPoints(xs[counting], ys[counting])

    def score(self, geometry: BaseGeometry) -> tuple[float, tuple[str, ...]]:
        if self.ids.size == 0 or geometry is None or geometry.is_empty:
            return 0.0, ()
        near = self.points.near(geometry, self.near_km)
        if near.size == 0:
            return 0.0, ()
        values, ids = self.values[near], self.ids[near]
        if self.today is None:
            values = values * self._recency_at_newest(near)
        order = np.lexsort((ids, -values))  # largest contribution first, ties by id
        # summed in that order, so the same events give the same bits whatever their row order
        severity = -math.expm1(-float(values[order].sum()) / SEVERITY_SCALE)
        return min(max(severity, 0.0), 1.0), tuple(map(str, ids[order].tolist()))

    def _recency_at_newest(self, rows: np.ndarray) -> np.ndarray:
        """Return the recency of these events seen from the newest date among them."""
        ends, published = self.ends[rows], self.published[rows]
        known = np.concatenate([ends[~np.isnan(ends)], published[np.isnan(ends)]])
        known = known[~np.isnan(known)]
        reference = float(known.max()) if known.size else 0.0
        undated = np.nan_to_num(_recency_days(reference - published), nan=1.0)
        recency = _recency_days(reference - ends)
        return np.where(np.isnan(ends), undated * UNKNOWN_DATE_FACTOR, recency)


def _distances_km(
    geometry: BaseGeometry, lons: npt.ArrayLike, lats: npt.ArrayLike, *, max_km: float
) -> np.ndarray:
    """Return the distance in km from each point to `geometry` (0 inside it).

    Distances are measured on a local equirectangular projection around each point, which is
    accurate to a few per cent over the few hundred km that matter here. Points more than
    `max_km` outside the shape's bounding box get infinity without any geometry work.
    """
    xs = np.asarray(lons, dtype="float64")
    ys = np.asarray(lats, dtype="float64")
    result = np.full(xs.shape, np.inf)
    if xs.size == 0 or geometry is None or geometry.is_empty:
        return result
    inside = shapely.covers(geometry, shapely.points(xs, ys))
    result[inside] = 0.0
    for i in np.flatnonzero(~inside):
        result[i] = _outside_distance_km(geometry, float(xs[i]), float(ys[i]), max_km=max_km)
    return result


def _outside_distance_km(geometry: BaseGeometry, lon: float, lat: float, *, max_km: float) -> float:
    """Return the distance in km from a point outside `geometry` to it (see `_distances_km`)."""
    minx, miny, maxx, maxy = geometry.bounds
    scale = longitude_scale(lat)
    # a lower bound of the distance: longitude degrees shrink most at the highest latitude
    shrink = math.cos(math.radians(min(90.0, max(abs(lat), abs(miny), abs(maxy)))))
    dy = max(miny - lat, lat - maxy, 0.0) * KM_PER_DEGREE
    dx = max(minx - lon, lon - maxx, 0.0) * KM_PER_DEGREE * shrink
    if math.hypot(dx, dy) > max_km:
        return math.inf
    scaled = affinity.scale(geometry, xfact=scale, yfact=1.0, origin=(lon, lat))
    near, _ = nearest_points(scaled, Point(lon, lat))
    return haversine_km(lon, lat, lon + (near.x - lon) / scale, near.y)


# --- zones ---------------------------------------------------------------------------------


def _is_broad(place: Place) -> bool:
    """Return whether a place is too broad to place an event (Russia, the western Pacific)."""
    return place.kind in _BROAD_KINDS or float(place.geometry.area) > LARGE_AREA_DEG2


def _is_small(place: Place) -> bool:
    """Return whether a place is about a point: a city, an islet group, a reef."""
    return place.kind in _POINT_KINDS or float(place.geometry.area) <= SMALL_AREA_DEG2


def _footprint_km(a: Place, b: Place) -> float:
    """Return the distance in km between two places' shapes (cities as points)."""
    if a.geometry.intersects(b.geometry):
        return 0.0
    # apart, so each point is outside the other shape
    if isinstance(a.geometry, Point) and isinstance(b.geometry, Point):  # two cities
        return haversine_km(a.lon, a.lat, b.geometry.x, b.geometry.y)
    if a.geometry.geom_type == "Point":
        return _outside_distance_km(b.geometry, a.lon, a.lat, max_km=CLUSTER_KM)
    if b.geometry.geom_type == "Point":
        return _outside_distance_km(a.geometry, b.lon, b.lat, max_km=CLUSTER_KM)
    near_a, near_b = nearest_points(a.geometry, b.geometry)
    return haversine_km(near_a.x, near_a.y, near_b.x, near_b.y)


def _zone_shape(place: Place) -> BaseGeometry:
    """Return the part of a place a derived zone covers.

    Seas, straits, regions, islands and countries give their own shape; cities a disc of
    ``CITY_BUFFER_KM`` (clipped to the map's edges); places larger than ``LARGE_AREA_DEG2`` a
    disc of ``CLUSTER_KM`` around their representative point, clipped to their shape.
    """
    point = Point(place.point)
    if place.geometry.geom_type == "Point":
        return buffer_km(point, CITY_BUFFER_KM, quad_segs=16).intersection(_WORLD)
    if float(place.geometry.area) > LARGE_AREA_DEG2:
        clipped = buffer_km(point, CLUSTER_KM, quad_segs=16).intersection(place.geometry)
        return clipped if not clipped.is_empty else buffer_km(point, CLUSTER_KM, quad_segs=16)
    return place.geometry


def military_tallies(events_frame: pd.DataFrame) -> dict[str, tuple[int, frozenset[str]]]:
    """Return, per place, how many military events it holds and their actors.

    The events counted are those of :data:`MILITARY_TYPES` with a geometry, each at its first
    place (``place_ids[0]``). This is all :func:`zone_shapes` needs of the events: clusters
    depend on the counts, parties on the actors.
    """
    tallies: dict[str, tuple[int, frozenset[str]]] = {}
    if events_frame is None or len(events_frame) == 0:
        return tallies
    frame = events_frame
    military = frame[frame["type"].isin(MILITARY_TYPES) & frame.geometry.notna()]
    for place_ids, actors in zip(military["place_ids"], military["actors"], strict=True):
        ids = list(place_ids) if place_ids is not None else []
        if not ids:
            continue
        count, known = tallies.get(str(ids[0]), (0, frozenset()))
        cast = frozenset(map(str, actors)) if actors is not None else frozenset()
        tallies[str(ids[0])] = (count + 1, known | cast)
    return tallies


def added_tallies(
    *tallies: Mapping[str, tuple[int, Set[str]]],
) -> dict[str, tuple[int, frozenset[str]]]:
    """Return military tallies (:func:`military_tallies`) added up: counts summed, actors united.

    Tallies of events split into pieces add up to those of all the events at once.
    """
    added: dict[str, tuple[int, frozenset[str]]] = {}
    for table in tallies:
        for place, (count, actors) in table.items():
            known_count, known_actors = added.get(place, (0, frozenset()))
            added[place] = (known_count + count, known_actors | actors)
    return added


@dataclass(frozen=True, slots=True, eq=False)
class Clustering:
    """Which cluster each place joined: the counts it was drawn from and each place's main.

    Attributes
    ----------
    counts
        Place id → military events there (places the gazetteer lacks, or with none, left out).
    mains
        Place id → the main place of its cluster (a main place maps to itself).
    """

    counts: Mapping[str, int]
    mains: Mapping[str, str]


def cluster_places(
    counts: Mapping[str, int], gazetteer: Gazetteer, *, previous: Clustering | None = None
) -> Clustering:
    """Cluster the places holding military events, as :func:`zone_shapes` describes.

    Places are taken in order of their counts (then id); each joins the first cluster, in the
    order the clusters began, whose main place is within reach (``CLUSTER_KM``, see
    :func:`derive_zones`), or begins one. So a place's cluster depends only on the main places
    within reach before it. Given the `previous` clustering, only the places whose count
    changed, those within reach of them, and those within reach of a place that became or
    stopped being a main place are decided again (broad places join no one, so they change
    nothing around them); the others keep their cluster. The result is the same as without
    `previous` (which decides every place), and shapes are decoded only for the places decided.
    """
    ids = sorted(p for p, count in counts.items() if count > 0 and p in gazetteer)
    order = sorted(ids, key=lambda p: (-counts[p], p))
    if not order:
        return Clustering(counts={}, mains={})
    places = _Reach(order, gazetteer)
    dirty, main_of, is_main = places.to_decide(counts, previous)
    for i in range(len(order)):
        if not dirty[i]:
            continue
        nearby = places.own_tree.query(places.reach[i])
        nearby = nearby[nearby < i]
        candidates = np.sort(nearby[is_main[nearby]]).tolist()
        home = next((j for j in candidates if places.joins(j, i)), None)
        became_main = home is None and not is_main[i]
        stopped = home is not None and is_main[i]
        main_of[i] = i if home is None else home
        is_main[i] = home is None
        if (became_main or stopped) and not places.broad_small(i)[0]:
            # Who could join it and is decided after it decides again: when it became a main
            # place, those whose main place (or themselves, if main) comes after it; when it
            # stopped being one, those whose main place it was. No one else's choice changes.
            later = [j for j in places.could_join(i) if j > i and not dirty[j]]
            if became_main:
                dirty[[j for j in later if main_of[j] > i]] = True
            else:
                dirty[[j for j in later if main_of[j] == i]] = True
    return Clustering(
        counts={p: int(counts[p]) for p in order},
        mains={p: order[int(main_of[i])] for i, p in enumerate(order)},
    )


def _order_key(counts: Mapping[str, int], place_id: str) -> tuple[int, str]:
    """Return where a place comes in a clustering's order with these counts (more, then id)."""
    return (-counts.get(place_id, 0), place_id)


class _Reach:
    """The places of a clustering in order, their boxes and what each reaches, shapes lazily."""

    def __init__(self, order: Sequence[str], gazetteer: Gazetteer) -> None:
        self.order = order
        self.gazetteer = gazetteer
        self.position = {place_id: i for i, place_id in enumerate(order)}
        self.rows = [gazetteer.index_of(p) for p in order]
        minx, miny, maxx, maxy = gazetteer.bounds_at(self.rows).T
        self.box_area = (maxx - minx) * (maxy - miny)
        margin = CLUSTER_KM / KM_PER_DEGREE
        highest = np.minimum(89.0, np.maximum(np.abs(miny), np.abs(maxy)))
        widen = margin / np.array([longitude_scale(float(lat)) for lat in highest])
        self.own = shapely.box(minx, miny, maxx, maxy)
        self.reach = shapely.box(minx - widen, miny - margin, maxx + widen, maxy + margin)
        self.own_tree, self.reach_tree = shapely.STRtree(self.own), shapely.STRtree(self.reach)
        self._places: dict[int, Place] = {}
        self._kinds: dict[int, tuple[bool, bool]] = {}

    def to_decide(
        self, counts: Mapping[str, int], previous: Clustering | None
    ) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
        """Return which places to decide, and the main and main-ness of the others."""
        size = len(self.order)
        main_of = np.arange(size, dtype="int64")
        is_main = np.zeros(size, dtype=bool)
        if previous is None:
            return np.ones(size, dtype=bool), main_of, is_main
        dirty = np.zeros(size, dtype=bool)
        for i, place_id in enumerate(self.order):
            main = previous.mains.get(place_id)
            if main is None or main not in self.position:
                dirty[i] = True
            else:
                main_of[i] = self.position[main]
                is_main[i] = main == place_id
        changed = [i for i, p in enumerate(self.order) if previous.counts.get(p) != counts[p]]
        dirty[changed] = True
        # A main place that moved may now come first among those another place could join:
        # that place decides again (one that becomes or stops being a main place is seen to as
        # it is decided). One whose count grew only moved ahead: it matters only where it now
        # comes before the place's main place (or the place) and did not before.
        for i in changed:
            if not is_main[i] or self.broad_small(i)[0]:
                continue
            place_id = self.order[i]
            grew = counts[place_id] > previous.counts.get(place_id, 0)
            was = _order_key(previous.counts, place_id)
            for j in self.could_join(i):
                main_at = int(main_of[j])
                if not grew or (
                    i < main_at and was > _order_key(previous.counts, self.order[main_at])
                ):
                    dirty[j] = True
        gone = [p for p, main in previous.mains.items() if main == p and p not in self.position]
        if gone:  # main places that hold no events any more
            boxes = self.gazetteer.bounds_at([self.gazetteer.index_of(p) for p in gone])
            dirty[self.reach_tree.query(shapely.box(*boxes.T))[1]] = True
        return dirty, main_of, is_main

    def could_join(self, i: int) -> list[int]:
        """Return the places that reach place `i` and could join it, by their kinds alone."""
        small = self.broad_small(i)[1]
        reached_by = self.reach_tree.query(self.own[i])
        return [
            int(j)
            for j in reached_by
            if not self.broad_small(int(j))[0] and (small or self.broad_small(int(j))[1])
        ]

    def place(self, i: int) -> Place:
        """Return place `i` (its shape decoded on first use)."""
        if i not in self._places:
            self._places[i] = self.gazetteer.place_at(self.rows[i])
        return self._places[i]

    def broad_small(self, i: int) -> tuple[bool, bool]:
        """Return `_is_broad` and `_is_small` of place `i`, decoding its shape only if need be."""
        if i not in self._kinds:
            kind, area = self.gazetteer.kinds[self.rows[i]], float(self.box_area[i])
            # a shape's area is at most its box's
            broad = kind in _BROAD_KINDS or (area > LARGE_AREA_DEG2 and _is_broad(self.place(i)))
            small = kind in _POINT_KINDS or area <= SMALL_AREA_DEG2 or _is_small(self.place(i))
            self._kinds[i] = (broad, small)
        return self._kinds[i]

    def joins(self, main: int, other: int) -> bool:
        """Return whether events at `other` join the cluster of main place `main`.

        Neither broad, one small (two seas stay two zones), shapes within ``CLUSTER_KM``.
        """
        main_broad, main_small = self.broad_small(main)
        other_broad, other_small = self.broad_small(other)
        if main_broad or other_broad or not (main_small or other_small):
            return False
        return _footprint_km(self.place(main), self.place(other)) <= CLUSTER_KM


def zone_shapes(
    tallies: Mapping[str, tuple[int, Set[str]]],
    gazetteer: Gazetteer,
    *,
    known_shapes: Mapping[str, BaseGeometry] | None = None,
    clustering: Clustering | None = None,
) -> list[Zone]:
    """Draw ``military_activity`` zones from per-place military tallies, without severities.

    `tallies` maps a place id to the number of military events there and their actors
    (:func:`military_tallies`); places the gazetteer does not hold are skipped. Places are
    taken in order of how many such events they hold (then by id); each joins the first
    cluster whose main place (its first) is within ``CLUSTER_KM`` (300 km) of it, shape to
    shape, or starts a cluster of its own (see :func:`derive_zones` for which places join).
    A cluster of two or more events becomes a zone, with severity 0 and no event ids.

    `known_shapes` maps zone ids to shapes drawn before: a zone's id names its places, so a
    zone drawn again takes its shape from there instead of uniting its places' shapes anew
    (with the same gazetteer, the result is the same). `clustering` is what
    :func:`cluster_places` made of these tallies, when the caller has it.

    Returns
    -------
    list of Zone
        In cluster order (the order of their main places).
    """
    if clustering is None:
        clustering = cluster_places({p: int(n) for p, (n, _) in tallies.items()}, gazetteer)
    clusters: dict[str, list[str]] = {}
    for place_id, main in clustering.mains.items():
        clusters.setdefault(main, []).append(place_id)
    counts = clustering.counts
    zones = []
    for main in sorted(clusters, key=lambda p: (-counts[p], p)):
        cluster = sorted(clusters[main])
        if sum(counts[place_id] for place_id in cluster) < 2:
            continue
        zone_id = stable_id("zn", *cluster)
        geometry = (known_shapes or {}).get(zone_id)
        if geometry is None:
            geometry = shapely.make_valid(
                shapely.union_all([_zone_shape(gazetteer.place(place_id)) for place_id in cluster])
            )
        zones.append(
            Zone(
                id=zone_id,
                name=gazetteer.place(main).name,
                kind="military_activity",
                parties=tuple(sorted({a for place_id in cluster for a in tallies[place_id][1]})),
                geometry=geometry,
                severity=0.0,
                event_ids=(),
                origin="derived",
                place_id=main,
            )
        )
    return zones


def derive_zones(
    events_frame: pd.DataFrame,
    gazetteer: Gazetteer,
    *,
    today: datetime.date | None,
    scorer: _SeverityScorer | None = None,
) -> list[Zone]:
    """Draw ``military_activity`` zones where military events cluster.

    Events of :data:`MILITARY_TYPES` are placed by their first place. Places are taken in
    order of how many such events they hold (then by id); each joins the first cluster whose
    main place (its first) is within ``CLUSTER_KM`` (300 km) of it, shape to shape, or starts
    a cluster of its own. Only precise places join others: two places join when at least one
    is small (a city, or up to ``SMALL_AREA_DEG2``: islets, reefs) and neither is broad (a
    country, ocean, continent, or anything over ``LARGE_AREA_DEG2``), so two neighbouring seas
    stay two zones and "somewhere in Russia" clusters only with itself. A cluster of two or
    more events becomes a zone:

    - geometry: the union of its places' shapes, taken in id order so that the same places
      give the same shape whatever their counts (seas, straits, regions, islands, countries;
      cities as a disc of ``CITY_BUFFER_KM``; very large places as a disc of ``CLUSTER_KM``
      around their representative point, clipped to them);
    - parties: the sorted union of the events' actors;
    - main place (``place_id``): the cluster's first place, the one with most events (ties:
      smaller id); the zone takes its name;
    - id: ``stable_id("zn", *sorted(place_ids))``;
    - severity and event ids: :func:`zone_severity` over all events.

    The clusters depend only on :func:`military_tallies` (:func:`zone_shapes` draws them).

    Parameters
    ----------
    events_frame
        An events layer (:func:`events_frame`).
    gazetteer
        Gives the places their shapes; places it does not hold are skipped.
    today
        The date severity is measured from.
    scorer
        A severity scorer already made for `events_frame` and `today` (one is made if None).

    Returns
    -------
    list of Zone
        Derived zones (``origin="derived"``), most severe first (then by id).
    """
    frame = events_frame
    if frame.empty:
        return []
    scorer = scorer if scorer is not None else _SeverityScorer(frame, today=today)
    zones = []
    for zone in zone_shapes(military_tallies(frame), gazetteer):
        severity, event_ids = scorer.score(zone.geometry)
        zones.append(replace(zone, severity=severity, event_ids=event_ids))
    zones.sort(key=lambda zone: (-zone.severity, zone.id))
    return zones


def build_zones(
    curated: Iterable[Zone],
    events_frame: pd.DataFrame,
    gazetteer: Gazetteer,
    *,
    today: datetime.date | None,
) -> gpd.GeoDataFrame:
    """Return the zones layer: curated zones with fresh severities, plus derived zones.

    Every curated zone keeps its id, name, kind, shape and parties; its severity and event ids
    are recomputed from `events_frame` (:func:`zone_severity`). Derived zones
    (:func:`derive_zones`) are added unless they duplicate a curated zone: same id, same main
    place, or a main place whose representative point lies inside the curated zone.

    Parameters
    ----------
    curated
        Known zones (from the seeds).
    events_frame
        An events layer (:func:`events_frame`).
    gazetteer
        Gives places their shapes.
    today
        The date severity is measured from.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns :data:`ZONE_COLUMNS`: curated zones in their order, then derived ones.
    """
    zones = []
    scorer = _SeverityScorer(events_frame, today=today)
    for zone in curated:
        severity, event_ids = scorer.score(zone.geometry)
        zones.append(replace(zone, severity=severity, event_ids=event_ids))
    derived = derive_zones(events_frame, gazetteer, today=today, scorer=scorer)
    return zones_frame(distinct_zones(zones, derived, gazetteer))


def distinct_zones(
    kept: Sequence[Zone], derived: Iterable[Zone], gazetteer: Gazetteer
) -> list[Zone]:
    """Return `kept` followed by the `derived` zones no zone before them duplicates.

    Taken in order, a derived zone is dropped when a zone kept before it has the same id, the
    same main place, or covers its main place's representative point (so the most severe of
    overlapping derived zones stands, when they come most severe first). `kept` zones are all
    kept.
    """
    zones = list(kept)
    candidates = list(derived)
    if not candidates:
        return zones
    shapes = [zone.geometry for zone in (*zones, *candidates)]
    tree = shapely.STRtree(shapes)
    chosen = [True] * len(zones) + [False] * len(candidates)
    ids = {zone.id for zone in zones}
    mains = {zone.place_id for zone in zones if zone.place_id}
    for position, zone in enumerate(candidates, start=len(zones)):
        if zone.id in ids or zone.place_id in mains:
            continue
        main = gazetteer.get(zone.place_id)
        if main is not None:
            # indices of the shapes that cover the point; any kept one before this zone?
            covering = tree.query(Point(main.point), predicate="covered_by")
            if any(chosen[int(i)] and int(i) < position for i in covering):
                continue
        chosen[position] = True
        zones.append(zone)
        ids.add(zone.id)
        if zone.place_id:
            mains.add(zone.place_id)
    return zones


def _duplicates(derived: Zone, point: Point | None, zone: Zone) -> bool:
    if derived.id == zone.id or (zone.place_id and derived.place_id == zone.place_id):
        return True
    return point is not None and bool(zone.geometry.covers(point))


def rescore_zones(
    zones_frame: gpd.GeoDataFrame, events_frame: pd.DataFrame, *, today: datetime.date | None
) -> gpd.GeoDataFrame:
    """Return a zones layer with severities and event ids recomputed from `events_frame`.

    Shapes, parties and names stay as they are: deriving zones (clustering, unions) is done
    once at ingest time; a view only measures them against the events it shows. `today` is as
    for :func:`zone_severity` (``None``: each zone from its own newest event).
    """
    if zones_frame is None or len(zones_frame) == 0:
        return zones_frame
    scorer = _SeverityScorer(events_frame, today=today)
    scored = [scorer.score(geometry) for geometry in zones_frame.geometry]
    frame = zones_frame.copy()
    frame["severity"] = [severity for severity, _ in scored]
    frame["event_ids"] = [list(ids) for _, ids in scored]
    return frame


def drop_duplicate_zones(
    derived: gpd.GeoDataFrame, curated: Iterable[Zone], gazetteer: Gazetteer
) -> gpd.GeoDataFrame:
    """Return the rows of a derived zones layer that no curated zone already covers.

    The rule of :func:`build_zones`: same id, same main place, or a main place whose point
    lies inside the curated zone.
    """
    if derived is None or len(derived) == 0:
        return derived
    known = list(curated)
    keep = []
    for zone in zones_records(derived):
        main = gazetteer.get(zone.place_id) if zone.place_id else None
        point = Point(main.point) if main is not None else None
        keep.append(not any(_duplicates(zone, point, other) for other in known))
    return derived[np.array(keep, dtype=bool)]
