"""Lay points just off every country's coast and name the sea each lies in, once, at build time.

"Waters off the Japanese coast" name a sea by the country beside it. To find that sea, points
are laid every ~25 km along the country's outline pushed ~25 km out to sea; each point that some
sea, strait or ocean holds is kept with that water (the smallest that holds it) and the way the
coast faces there (the bearing from the nearest point of land). :func:`coast_table` does this
for every country when the gazetteer is compiled (:mod:`geo.places.build` writes the table as
``coasts.parquet``), and :meth:`geo.places.gazetteer.Gazetteer.coast` reads it back.

The work is the same for every process that reads about a country (about 40 ms a country, most
of it projecting points onto a long shore), so it is done once for all of them: before, each new
process paid it for each country it met, and two ingest workers paid it twice.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Final, cast

import numpy as np
import pyarrow as pa
import shapely
from shapely.geometry import LineString, MultiLineString
from shapely.geometry.base import BaseGeometry

__all__ = ["COAST_SCHEMA", "SEA_KINDS", "coast_table", "coastal_points", "country_rows"]

#: Kinds of gazetteer place that are water.
SEA_KINDS: Final = ("sea", "strait", "ocean")

#: The compiled table: one row a point off a coast, in the order the outline is walked.
COAST_SCHEMA: Final = pa.schema(
    [("country", pa.string()), ("bearing", pa.float64()), ("sea", pa.string())]
)

_SIMPLIFY_DEGREES: Final = 0.05  # the land's outline, simplified (~5 km)
_OFFSHORE_DEGREES: Final = 0.25  # how far out the points lie, and how far apart (~25 km)
_FEWEST_POINTS: Final = 4  # points on the smallest outline


class _Waters:
    """The seas, straits and oceans: their ids, shapes and areas, and a tree of their boxes."""

    def __init__(self, ids: Sequence[str], shapes: Sequence[BaseGeometry]) -> None:
        self.ids = list(ids)
        self.shapes = np.asarray(shapes, dtype=object)
        self.areas = shapely.area(self.shapes)
        self.tree = shapely.STRtree(shapely.envelope(self.shapes))

    def smallest_holding(self, points: np.ndarray[Any, Any]) -> list[str | None]:
        """Return, per point, the id of the smallest water whose shape covers it (or None).

        Ties in area go to the smaller id, as :meth:`Gazetteer.places_containing` orders them.
        """
        best: list[tuple[float, str] | None] = [None] * len(points)
        point_rows, water_rows = self.tree.query(points)
        covered = shapely.covers(self.shapes[water_rows], points[point_rows])
        for point, water in zip(
            point_rows[covered].tolist(), water_rows[covered].tolist(), strict=True
        ):
            rank = (float(self.areas[water]), self.ids[water])
            current = best[point]
            if current is None or rank < current:
                best[point] = rank
        return [None if rank is None else rank[1] for rank in best]


def coastal_points(country: BaseGeometry, waters: _Waters) -> list[tuple[float, str]]:
    """Return the points just off a country's coast that a water holds, as (bearing, water id).

    The bearing (degrees, north 0, east 90) is the way the coast faces at the point: from the
    nearest point of the land's simplified outline to the point.
    """
    land = shapely.simplify(country, _SIMPLIFY_DEGREES)
    outline = land.buffer(_OFFSHORE_DEGREES).boundary
    shore = cast("LineString | MultiLineString", land.boundary)  # a polygon's boundary
    walked = []
    for line in getattr(outline, "geoms", [outline]):
        steps = max(_FEWEST_POINTS, int(line.length / _OFFSHORE_DEGREES))
        fractions = np.arange(steps) / steps
        walked.append(shapely.line_interpolate_point(line, fractions, normalized=True))
    if not walked:
        return []
    points = np.concatenate(walked)
    seas = waters.smallest_holding(points)
    found = [i for i, sea in enumerate(seas) if sea is not None]
    if not found:
        return []
    offshore = points[found]
    nearest = shapely.line_interpolate_point(shore, shapely.line_locate_point(shore, offshore))
    result = []
    for i, point, land_point in zip(found, offshore, nearest, strict=True):
        bearing = math.degrees(math.atan2(point.x - land_point.x, point.y - land_point.y))
        result.append((bearing % 360, str(seas[i])))
    return result


def country_rows(
    ids: Sequence[str], kinds: Sequence[str], codes: Sequence[Sequence[str] | None]
) -> dict[str, int]:
    """Return, per alpha-2 code, the row of its country place (an ``ne:country:`` one first)."""
    rows: dict[str, int] = {}
    for index, kind in enumerate(kinds):
        place_codes = codes[index]
        if kind != "country" or not place_codes:
            continue
        code = place_codes[0]
        if code not in rows or not ids[rows[code]].startswith("ne:country:"):
            rows[code] = index
    return rows


def coast_table(places: pa.Table) -> pa.Table:
    """Return the points off every country's coast (`COAST_SCHEMA`), countries in row order.

    Parameters
    ----------
    places
        The compiled places (``id``, ``kind``, ``country_codes`` and ``geometry`` as WKB).
    """
    ids: list[str] = places.column("id").to_pylist()
    kinds: list[str] = places.column("kind").to_pylist()
    shapes = places.column("geometry")
    water_rows = [i for i, kind in enumerate(kinds) if kind in SEA_KINDS]
    waters = _Waters(
        [ids[i] for i in water_rows], shapely.from_wkb(shapes.take(water_rows).to_pylist())
    )
    codes = places.column("country_codes").to_pylist()
    countries = sorted(country_rows(ids, kinds, codes).values())
    columns: dict[str, list[Any]] = {"country": [], "bearing": [], "sea": []}
    for row in countries:
        for bearing, sea in coastal_points(shapely.from_wkb(shapes[row].as_py()), waters):
            columns["country"].append(ids[row])
            columns["bearing"].append(bearing)
            columns["sea"].append(sea)
    return pa.table(columns, schema=COAST_SCHEMA)
