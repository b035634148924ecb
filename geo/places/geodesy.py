"""Measure distances on the Earth and buffer shapes by kilometres: the project's one geodesy.

Everything here works on longitude/latitude degrees (EPSG:4326) with a spherical Earth of the
IUGG mean radius, which is within 0.5 % of the ellipsoid for the distances news places are
apart, and far cheaper.
"""

from __future__ import annotations

import math

from shapely import affinity
from shapely.geometry.base import BaseGeometry

#: Mean radius of the Earth (IUGG), in kilometres.
EARTH_RADIUS_KM = 6371.0088
#: Kilometres in one degree of latitude (and of longitude at the equator) on that sphere.
KM_PER_DEGREE = EARTH_RADIUS_KM * math.pi / 180.0
#: Least cosine of latitude used to widen longitudes, so shapes near the poles stay finite.
_MIN_COS = 0.05


def haversine_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Return the great-circle distance in kilometres between two points (degrees)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(a, 1.0)))


def longitude_scale(lat: float) -> float:
    """Return the length of a degree of longitude at `lat`, in degrees of latitude.

    It is the cosine of the latitude, kept above 0.05 so that shapes and distances near the
    poles stay finite.
    """
    return max(math.cos(math.radians(lat)), _MIN_COS)


def buffer_km(geometry: BaseGeometry, km: float, *, quad_segs: int = 8) -> BaseGeometry:
    """Return `geometry` grown by about `km`, longitudes widened for its latitude.

    Parameters
    ----------
    geometry
        A shape in degrees; the latitude of its centroid sets how much wider a kilometre of
        longitude is than one of latitude.
    km
        The distance to grow by.
    quad_segs
        Segments per quarter circle of the rounded corners.
    """
    scale = longitude_scale(geometry.centroid.y)
    stretched = affinity.scale(geometry, xfact=scale, yfact=1.0, origin=(0, 0))
    buffered = stretched.buffer(km / KM_PER_DEGREE, quad_segs=quad_segs)
    return affinity.scale(buffered, xfact=1 / scale, yfact=1.0, origin=(0, 0))
