"""Which points lie in a zone or near it: the rule zones' severities and tables share."""

from __future__ import annotations

from typing import Final

import numpy as np
import numpy.typing as npt
import shapely
from shapely import affinity
from shapely.geometry.base import BaseGeometry

from geo.places.geodesy import KM_PER_DEGREE, longitude_scale

__all__ = ["NEAR_KM", "NearPoints", "near_box", "near_mask"]

NEAR_KM: Final = 200.0
"""Events this close to a zone (km) count towards its severity (default 200)."""


def near_mask(
    geometry: BaseGeometry, lons: npt.ArrayLike, lats: npt.ArrayLike, near_km: float
) -> np.ndarray:
    """Return which points lie inside `geometry` or within `near_km` of it (vectorised).

    Longitudes are scaled by the cosine of the shape's mid-latitude, so distances are right to
    a few per cent across the few hundred kilometres that matter; points outside the shape's
    bounding box widened by `near_km` are ruled out before any geometry work.
    """
    xs = np.asarray(lons, dtype="float64")
    ys = np.asarray(lats, dtype="float64")
    mask = np.zeros(xs.shape, dtype=bool)
    if xs.size == 0 or geometry is None or geometry.is_empty:
        return mask
    west, south, east, north = near_box(geometry, near_km)
    candidates = (ys >= south) & (ys <= north) & (xs >= west) & (xs <= east)
    if not candidates.any():
        return mask
    _, miny, _, maxy = geometry.bounds
    scale = longitude_scale((miny + maxy) / 2)
    scaled = affinity.scale(geometry, xfact=scale, yfact=1.0, origin=(0, 0))
    shapely.prepare(scaled)
    points = shapely.points(xs[candidates] * scale, ys[candidates])
    mask[candidates] = shapely.dwithin(scaled, points, near_km / KM_PER_DEGREE)
    return mask


def near_box(geometry: BaseGeometry, near_km: float = NEAR_KM) -> tuple[float, float, float, float]:
    """Return the bounding box of `geometry` widened by `near_km`: what may count towards it.

    Widened as :func:`near_mask` tests (longitudes by the cosine at the box's edge furthest
    from the equator), so every point within `near_km` lies inside.
    """
    minx, miny, maxx, maxy = geometry.bounds
    margin = near_km / KM_PER_DEGREE
    shrink = longitude_scale(min(89.0, max(abs(miny), abs(maxy)) + margin))
    return (minx - margin / shrink, miny - margin, maxx + margin / shrink, maxy + margin)


class NearPoints:
    """Events' points, to ask which lie near a zone (:func:`near_mask`) many times over.

    Events share points (those of their places), so each distinct point is tested once.
    """

    def __init__(self, xs: np.ndarray, ys: np.ndarray) -> None:
        spots, at = np.unique(np.column_stack((xs, ys)), axis=0, return_inverse=True)
        at = at.ravel()
        self.xs, self.ys = spots[:, 0], spots[:, 1]
        self.tree = shapely.STRtree(np.asarray(shapely.points(self.xs, self.ys)))
        self.order = np.argsort(at, kind="stable")  # the events, grouped by their point
        self.bounds = np.searchsorted(at[self.order], np.arange(len(spots) + 1))

    def near(self, geometry: BaseGeometry, near_km: float) -> np.ndarray:
        """Return the events in `geometry` or within `near_km` of it (positions, ascending)."""
        found = self.tree.query(shapely.box(*near_box(geometry, near_km)))
        near = found[near_mask(geometry, self.xs[found], self.ys[found], near_km)]
        starts, stops = self.bounds[near], self.bounds[near + 1]
        sizes = stops - starts
        offsets = np.repeat(starts - (np.cumsum(sizes) - sizes), sizes)
        return np.sort(self.order[offsets + np.arange(int(sizes.sum()))])
