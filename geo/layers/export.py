r"""Write layers as GeoJSON or CSV with the record field names of ``DESIGN.md``.

GeoJSON properties carry the record names exactly (``span`` as ``[start, end]``, dates as ISO
strings, lists as arrays). Strings are JSON-escaped, and ``<``, ``>`` and ``&`` are written as
``\\u003c``, ``\\u003e`` and ``\\u0026``: the same JSON, but safe to paste into an HTML page.

CSV cells that a spreadsheet would run as a formula (text starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return: the OWASP CSV-injection rule) get a leading ``'``, so
``=HYPERLINK(…)`` from an article shows as text. Numbers are written as they are. Rows end
with CRLF (RFC 4180), so a line break inside a cell is always quoted.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import math
from typing import TypeGuard, cast

import pandas as pd
import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

_HTML_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})

#: First characters that make a spreadsheet read a cell as a formula (OWASP CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> object:
    """Return `value` with a leading ``'`` if it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _plain(value: object) -> object:
    """Return a JSON-ready version of one cell."""
    if value is None or type(value).__name__ == "NaTType":
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, datetime.datetime):
        # dates stored as midnight timestamps are dates; real times keep their time
        midnight = value.time() == datetime.time(0) and value.tzinfo is None
        return value.date().isoformat() if midnight else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if hasattr(value, "tolist"):  # numpy arrays and scalars
        return _plain(value.tolist())
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _properties(row: dict[str, object]) -> dict[str, object]:
    props = {k: _plain(v) for k, v in row.items() if k != "geometry"}
    if "span_start" in props and "span_end" in props:
        props["span"] = [props.pop("span_start"), props.pop("span_end")]
    return props


def _records(frame: pd.DataFrame) -> list[dict[str, object]]:
    """Return the rows of a layer as dicts by column name."""
    return cast("list[dict[str, object]]", frame.to_dict("records"))


def _drawn(geometry: object) -> TypeGuard[BaseGeometry]:
    """Return whether a cell holds a shape to draw (not missing, not empty)."""
    return isinstance(geometry, BaseGeometry) and not geometry.is_empty


def layer_to_geojson(frame: pd.DataFrame) -> str:
    """Return a layer as a GeoJSON FeatureCollection string."""
    features = []
    for row in _records(frame):
        geometry = row.get("geometry")
        features.append(
            {
                "type": "Feature",
                "id": row.get("id"),
                "geometry": geometry.__geo_interface__ if _drawn(geometry) else None,
                "properties": _properties(row),
            }
        )
    collection = {"type": "FeatureCollection", "features": features}
    return json.dumps(collection, ensure_ascii=False).translate(_HTML_SAFE) + "\n"


def layer_to_csv(frame: pd.DataFrame) -> str:
    """Return a layer as CSV: lists joined by ``|``, the shape as WKT plus a lat/lon point."""
    rows = []
    for row in _records(frame):
        geometry = row.get("geometry")
        props = _properties(row)
        for key, value in props.items():
            if isinstance(value, list):
                props[key] = "|".join(str(v) for v in value)
        if _drawn(geometry):
            point = geometry if isinstance(geometry, Point) else shapely.point_on_surface(geometry)
            props["lat"], props["lon"] = round(point.y, 5), round(point.x, 5)
            props["geometry_wkt"] = shapely.to_wkt(geometry, rounding_precision=5)
        else:
            props["lat"] = props["lon"] = props["geometry_wkt"] = None
        rows.append({key: csv_safe(value) for key, value in props.items()})
    out = io.StringIO()
    if rows:
        # CRLF rows (RFC 4180): the writer then quotes any cell holding a CR or LF, which a
        # reader would otherwise take for the end of a row
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
    return out.getvalue()
