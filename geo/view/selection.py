"""Choose what the map draws for a view: which events, which shapes, and where markers go.

Pure functions of a layer and a :class:`~geo.view.state.ViewState`, shared by the folium map
(:mod:`geo.view.map`) and the page logic (:mod:`geo.view.page`): :func:`filter_events` applies
the view's filters, :func:`limit_events` and :func:`limit_shapes` bound what the browser
receives however large the archive, :func:`cluster_events` groups a dense viewport into grid
cells, and :func:`marker_positions` spreads markers that share a spot.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, cast, overload

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from geo.intervals import covered_intervals
from geo.records import CRS
from geo.view.popups import read_text
from geo.view.state import ViewState
from geo.view.styles import event_style

if TYPE_CHECKING:
    from geopandas import GeoDataFrame

__all__ = [
    "CLUSTER_PIXELS",
    "MAX_EVENT_MARKERS",
    "MAX_SHAPES",
    "POINT_DECIMALS",
    "VIEWPORT_PIXELS",
    "cluster_events",
    "cluster_points",
    "filter_events",
    "limit_events",
    "limit_shapes",
    "location_of",
    "marker_positions",
    "rows_of",
    "undated_hidden",
    "viewport",
]


def _involves(column: pd.Series, wanted: frozenset[str]) -> np.ndarray:
    """Return which rows of a list column hold at least one of `wanted`."""
    cells = pd.Series(column.to_numpy(), dtype=object).explode()
    hits: np.ndarray = cells.isin(sorted(wanted)).groupby(level=0).any().to_numpy(dtype=bool)
    return hits


@overload
def filter_events(events: None, view: ViewState) -> None: ...
@overload
def filter_events(events: GeoDataFrame, view: ViewState) -> GeoDataFrame: ...
def filter_events(events: GeoDataFrame | None, view: ViewState) -> GeoDataFrame | None:
    """Return the rows of `events` the view shows, in their order (a GeoDataFrame slice).

    An event is shown when its type is in ``view.types`` (``None`` means every type), one of
    its actors is in ``view.actors`` and one of its ``countries`` in ``view.countries`` (each
    ``None`` for no filter), and its date interval
    (:func:`geo.intervals.covered_intervals`: month and year precision cover their whole
    period) overlaps ``[view.date_from, view.date_to]``, a side being open when ``None``.
    Events whose dates are unknown are shown when the view sets no date, or when
    ``view.undated`` asks for them; earlier events the articles cite (``role`` ``context``)
    unless ``view.cited`` is off. Columnar throughout, so a hundred thousand events filter in
    milliseconds.
    """
    if events is None or len(events) == 0:
        return events
    keep = np.ones(len(events), dtype=bool)
    if not view.cited and "role" in events:
        keep &= (events["role"].astype(object) != "context").to_numpy(dtype=bool)
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


def undated_hidden(events: GeoDataFrame | None, view: ViewState) -> int:
    """Return how many events the view's date window hides only because they have no date."""
    if events is None or len(events) == 0 or view.undated:
        return 0
    if view.date_from is None and view.date_to is None:
        return 0
    first, _ = covered_intervals(events)
    without_window = view.replace(date_from=None, date_to=None)
    undated = events[np.isnat(first)]
    return len(filter_events(undated, without_window))


def rows_of(frame: pd.DataFrame | None) -> list[dict[str, object]]:
    """Return a layer's rows as dicts (none for a missing or empty layer)."""
    if frame is None or len(frame) == 0:
        return []
    return cast("list[dict[str, object]]", frame.to_dict("records"))  # columns are names


def location_of(geometry: object) -> list[float] | None:
    """Return ``[lat, lon]`` of a point (or a representative point of another shape)."""
    if not isinstance(geometry, BaseGeometry) or geometry.is_empty:
        return None
    point = geometry if isinstance(geometry, Point) else geometry.representative_point()
    return [round(float(point.y), POINT_DECIMALS), round(float(point.x), POINT_DECIMALS)]


#: Most events drawn one by one; beyond it the viewport's events are grouped into cells.
MAX_EVENT_MARKERS = 600


#: Most zones, and most places, drawn as shapes (the most severe / most mentioned in view).
MAX_SHAPES = 150


#: Width of a cluster cell, in screen pixels.
CLUSTER_PIXELS = 56


#: Approximate size of the map in the page, in pixels.
VIEWPORT_PIXELS = (1100, 700)


POINT_DECIMALS = 5


_SPREAD_PIXELS = 16


def marker_positions(frame: GeoDataFrame | None, zoom: int) -> dict[str, tuple[float, float]]:
    """Return where each point feature's marker is drawn, as ``id → (lat, lon)``.

    Features at the same spot (several events "in the Sea of Japan") are spread on a small
    circle around it, about one icon apart at `zoom`, so every marker can be seen and clicked.
    """
    groups: dict[tuple[float, float], list[tuple[str, float, float]]] = {}
    for record in rows_of(frame):
        location = location_of(record.get("geometry"))
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
                round(lat + radius * math.sin(angle), POINT_DECIMALS),
                round(lon + radius * math.cos(angle), POINT_DECIMALS),
            )
    return positions


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


def cluster_events(events: GeoDataFrame | None, zoom: int) -> GeoDataFrame:
    """Group located events into grid cells about :data:`CLUSTER_PIXELS` wide at `zoom`.

    Returns one row per cell: ``id`` (``cell-z-x-y``), ``count``, the most common ``type``,
    ``types`` (a "label: count" summary) and the cell's mean position as geometry.
    """
    if events is None or len(events) == 0:
        return cluster_points(None, zoom)
    points = pd.DataFrame(
        {
            "x": events.geometry.x.to_numpy(),
            "y": events.geometry.y.to_numpy(),
            "type": events["type"].astype(str).to_numpy(),
        }
    )
    return cluster_points(points, zoom)


def kinds_of(types: object) -> pd.Categorical:
    """Return event types as a Categorical whose categories sort by name (ties break so)."""
    kinds = pd.Categorical(cast("Any", types))
    return kinds.set_categories(sorted(str(c) for c in kinds.categories))


def cluster_points(points: pd.DataFrame | None, zoom: int) -> GeoDataFrame:
    """Group points (``x``, ``y``, ``type`` columns) into grid cells, as :func:`cluster_events`.

    The counts a view's query returns for a dense viewport: no event row is needed.
    """
    if points is None or len(points) == 0:
        return gpd.GeoDataFrame({"id": [], "count": [], "type": [], "types": []}, geometry=[])
    size = CLUSTER_PIXELS * 360.0 / (256 * 2 ** min(max(zoom, 1), 18))
    xs, ys = points["x"].to_numpy(dtype="float64"), points["y"].to_numpy(dtype="float64")
    frame = pd.DataFrame(
        {
            "cx": np.floor(xs / size).astype(np.int64),
            "cy": np.floor(ys / size).astype(np.int64),
            "x": xs,
            "y": ys,
            "type": kinds_of(points["type"]),
        }
    )
    grouped = frame.groupby(["cx", "cy"], sort=True, observed=True)
    counts = grouped.size()
    means = grouped[["x", "y"]].mean()
    sizes = frame.groupby(["cx", "cy", "type"], sort=True, observed=True).size()
    # per cell, most first; ties by type (the groupby's order, kept by a stable sort)
    by_type = sizes.rename("n").reset_index()
    by_type = by_type.sort_values(["cx", "cy", "n"], ascending=[True, True, False], kind="stable")
    kinds: dict[tuple[int, int], list[tuple[str, int]]] = {}
    for cx, cy, kind, n in zip(
        by_type["cx"].to_numpy(),
        by_type["cy"].to_numpy(),
        by_type["type"].to_numpy(),
        by_type["n"].to_numpy(),
        strict=True,
    ):
        kinds.setdefault((int(cx), int(cy)), []).append((str(kind), int(n)))
    centres = means[["x", "y"]].to_numpy(dtype="float64")  # in the order of `counts`
    rows = []
    for (cell, count), (x, y) in zip(counts.items(), centres, strict=True):
        cx, cy = cast("tuple[int, int]", cell)
        top = kinds[(int(cx), int(cy))]
        summary = ", ".join(f"{event_style(k).label}: {n}" for k, n in top[:4])
        rows.append(
            {
                "id": f"cell-{zoom}-{cx}-{cy}",
                "count": int(count),
                "type": top[0][0],
                "types": summary,
                "geometry": shapely.Point(x, y),
            }
        )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)


def limit_events(
    events: GeoDataFrame | None, view: ViewState, *, every_match: bool = True
) -> tuple[GeoDataFrame | None, GeoDataFrame | None]:
    """Return ``(events to draw one by one, clusters)`` for a view, within the marker cap.

    Up to :data:`MAX_EVENT_MARKERS` located events are drawn as they are. Beyond that only the
    viewport's are kept, and if there are still too many they are grouped into grid cells; the
    selected event is always drawn on its own. So what the browser receives stops growing with
    the size of the archive. Without `every_match`, `events` are only some of the matches
    (a view's query read those of the viewport): the viewport's are kept however few.
    """
    if events is None or (every_match and len(events) <= MAX_EVENT_MARKERS):
        return events, None
    located = events[events.geometry.notna() & ~events.geometry.is_empty]
    minx, miny, maxx, maxy = viewport(view)
    inside = located.cx[minx:maxx, miny:maxy] if minx < maxx else located
    if len(inside) <= MAX_EVENT_MARKERS:
        return inside, None
    selected = inside[inside["id"] == view.selected] if view.selected else inside.iloc[0:0]
    return selected, cluster_events(inside, view.zoom)


def limit_shapes(
    frame: GeoDataFrame | None, view: ViewState, *, cap: int, rank: str | None = None
) -> GeoDataFrame | None:
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
