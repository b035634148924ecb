"""How layer frames become the parts of a store and back (see `geo.store.store`).

Checking a frame a layer is given and putting it in canonical form, splitting it into parts
and taking the stats reads skip parts by, filtering rows by date, and turning the Arrow tables
read from parts into (Geo)DataFrames again.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Collection, Iterable, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyproj
import shapely

from geo.intervals import covered_intervals, period_end, period_start, widened_window
from geo.store.format import (
    BUCKETED_TABLES,
    CRS,
    DATED_LAYERS,
    GEO_LAYERS,
    PARTITION_COLUMNS,
    UNDATED,
    WHOLE,
    BBox,
    check_layer,
)

__all__ = [
    "as_date",
    "bbox_overlaps",
    "bounds_of_boxes",
    "bucket_keys",
    "canonical_frame",
    "check_bbox",
    "date_filter",
    "date_range",
    "empty_frame",
    "frame_bounds",
    "frame_meeting_boxes",
    "partition_frame",
    "prepare_frame",
    "start_filter",
    "table_to_frame",
    "unify_dates",
]

#: The one CRS of every geo layer, parsed once (pyproj takes ~50 ms per parse).
_CRS_4326 = pyproj.CRS(CRS)

#: The column saying in which unit a dated layer's dates are stated (`geo.intervals`).
PRECISION_COLUMN = "date_precision"


# -- frames -------------------------------------------------------------------------------


def prepare_frame(layer: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Validate `frame` for `layer` and return it in canonical form."""
    check_layer(layer)
    is_geo = isinstance(frame, gpd.GeoDataFrame)
    if layer in GEO_LAYERS and not is_geo:
        msg = f"layer {layer!r} must be a GeoDataFrame, got {type(frame).__name__!r}"
        raise TypeError(msg)
    if layer not in GEO_LAYERS and (is_geo or not isinstance(frame, pd.DataFrame)):
        msg = f"layer {layer!r} must be a plain DataFrame, got {type(frame).__name__!r}"
        raise TypeError(msg)
    if isinstance(frame, gpd.GeoDataFrame):
        if frame.crs is None:
            frame = frame.set_crs(CRS)
        elif not frame.crs.equals(CRS):
            msg = f"layer {layer!r} must be in {CRS}, got {frame.crs.to_string()!r}"
            raise ValueError(msg)
    return canonical_frame(frame, key="id")


def canonical_frame(frame: pd.DataFrame, *, key: str) -> pd.DataFrame:
    """Return `frame` with a plain index, text columns as ``str`` and rows sorted by `key`."""
    frame = frame.reset_index(drop=True)
    for name in frame.columns:
        column = frame[name]
        if column.dtype == object and pd.api.types.infer_dtype(column, skipna=True) == "string":
            frame[name] = column.astype("str")
    if key in frame.columns and len(frame) > 1:
        frame = frame.sort_values(key, kind="stable", ignore_index=True)
    return frame


def bucket_keys(layer: str, values: Iterable[object]) -> list[str]:
    """Return the part keys of `BUCKETED_TABLES` rows whose bucketing column holds `values`."""
    column, buckets = BUCKETED_TABLES[layer]
    keys = []
    for value in values:
        digest = hashlib.sha256(str(value).encode("utf-8")).digest()
        keys.append(f"{column}-{int.from_bytes(digest[:4], 'big') % buckets:02d}")
    return keys


def partition_frame(layer: str, frame: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """Split `frame` into ``(part key, rows)`` pairs, one part for most layers.

    Dated layers by month; `BUCKETED_TABLES` by a hash of their column (one ``all`` part when
    empty).
    """
    if layer in BUCKETED_TABLES:
        bucketed = BUCKETED_TABLES[layer][0]
        if frame.empty or bucketed not in frame.columns:
            return [(WHOLE, frame)]
        values = frame[bucketed].astype(str).to_numpy()
        uniques, codes = np.unique(values, return_inverse=True)
        buckets = np.asarray(bucket_keys(layer, uniques.tolist()), dtype=object)[codes]
        return [(str(key), rows.reset_index(drop=True)) for key, rows in frame.groupby(buckets)]
    column = PARTITION_COLUMNS.get(layer)
    if column is None:
        return [(WHOLE, frame)]
    if frame.empty:
        return [(UNDATED, frame)]
    if column in frame.columns:
        keys = _timestamps(frame[column]).dt.strftime("%Y-%m").fillna(UNDATED)
    else:
        keys = pd.Series(UNDATED, index=frame.index)
    return [(str(key), rows.reset_index(drop=True)) for key, rows in frame.groupby(keys.to_numpy())]


def _timestamps(column: pd.Series) -> pd.Series:
    stamps = pd.to_datetime(column, errors="coerce", format="ISO8601", utc=True)
    return stamps.dt.tz_localize(None)


def date_range(
    layer: str, frame: pd.DataFrame
) -> tuple[datetime.date | None, datetime.date | None]:
    """Return the first and last day the rows of `frame` cover (None when no row has a date).

    A row covers the interval :func:`geo.intervals.covered_intervals` gives it: a one-day date
    of month or year precision stands for its whole month or year.
    """
    columns = DATED_LAYERS.get(layer)
    if columns is None or not set(columns) <= set(frame.columns) or frame.empty:
        return None, None
    dates = pd.DataFrame(
        {"date_start": _timestamps(frame[columns[0]]), "date_end": _timestamps(frame[columns[1]])}
    )
    if PRECISION_COLUMN in frame.columns:
        dates[PRECISION_COLUMN] = frame[PRECISION_COLUMN].to_numpy()
    first, last = covered_intervals(dates)
    known = ~np.isnat(first)
    if not known.any():
        return None, None
    low: datetime.date = first[known].min().astype(datetime.date)
    high: datetime.date = last[known].max().astype(datetime.date)
    return low, high


def frame_bounds(layer: str, frame: pd.DataFrame) -> BBox | None:
    """Return the bounds of the geometries of `frame`, None for a plain layer or no geometry."""
    if layer not in GEO_LAYERS:
        return None
    geometry = frame.geometry
    present = geometry[~(geometry.isna() | geometry.is_empty)]
    if present.empty:
        return None
    minx, miny, maxx, maxy = (float(v) for v in present.total_bounds)
    return (minx, miny, maxx, maxy)


def empty_frame(layer: str) -> pd.DataFrame:
    """Return an empty frame for `layer` (with only a geometry column for geo layers)."""
    if layer in GEO_LAYERS:
        return gpd.GeoDataFrame(geometry=gpd.GeoSeries([], crs=CRS))
    return pd.DataFrame()


def date_filter(
    layer: str,
    date_from: datetime.date | None,
    date_to: datetime.date | None,
    *,
    names: Collection[str] = (),
) -> pc.Expression | None:
    """Return the Arrow filter keeping rows whose interval meets the window, None for no window.

    A row's interval is the one :mod:`geo.intervals` gives it: a missing side takes the
    other's date, reversed bounds are swapped and, when the part has a precision column (its
    column `names`), a one-day date of month or year precision covers its whole month or year.
    Rows without a date are dropped.
    """
    bounds = _interval_bounds(layer)
    if bounds is None or (date_from is None and date_to is None):
        return None
    low, high = bounds
    expression = _meets(low, high, date_from, date_to)
    if PRECISION_COLUMN in names:
        precision = pc.field(PRECISION_COLUMN)
        for unit in ("month", "year"):
            wide_from, wide_to = widened_window(date_from, date_to, unit)
            period = (precision == unit) & (low == high) & _meets(low, low, wide_from, wide_to)
            expression = expression | period
    return expression


def _interval_bounds(layer: str) -> tuple[pc.Expression, pc.Expression] | None:
    """Return a dated layer's first and last day as Arrow expressions (None when undated).

    A missing side takes the other's date and reversed bounds are swapped (:mod:`geo.intervals`).
    """
    columns = DATED_LAYERS.get(layer)
    if columns is None:
        return None
    start = pc.field(columns[0]).cast(pa.date32())
    end = pc.field(columns[1]).cast(pa.date32())
    first, last = pc.coalesce(start, end), pc.coalesce(end, start)
    return pc.min_element_wise(first, last), pc.max_element_wise(first, last)


def start_filter(
    layer: str, day: datetime.date, *, names: Collection[str] = ()
) -> pc.Expression | None:
    """Return the Arrow filter keeping rows whose interval begins on or after `day`.

    The interval is the one :func:`date_filter` tests (:mod:`geo.intervals`' rule): a one-day
    date of month or year precision begins on its period's first day. Rows without a date are
    dropped; None for a layer without dates.
    """
    bounds = _interval_bounds(layer)
    if bounds is None:
        return None
    low, high = bounds
    expression = low >= pa.scalar(day, pa.date32())
    if PRECISION_COLUMN in names:
        precision = pc.coalesce(pc.field(PRECISION_COLUMN), pa.scalar(""))
        for unit in ("month", "year"):
            begun = period_start(day, unit)
            if begun < day:  # the first period to begin on or after `day`
                begun = period_end(day, unit) + datetime.timedelta(days=1)
            widened = (precision == unit) & (low == high)
            expression = expression & (~widened | (low >= pa.scalar(begun, pa.date32())))
    return expression


def _meets(
    low: pc.Expression,
    high: pc.Expression,
    date_from: datetime.date | None,
    date_to: datetime.date | None,
) -> pc.Expression:
    """Return the Arrow test that the days `low` to `high` meet the window (a side may be open)."""
    conditions = []
    if date_to is not None:
        conditions.append(low <= pa.scalar(date_to, pa.date32()))
    if date_from is not None:
        conditions.append(high >= pa.scalar(date_from, pa.date32()))
    expression = conditions[0]
    for condition in conditions[1:]:
        expression = expression & condition
    return expression


def as_date(value: datetime.date | None) -> datetime.date | None:
    """Return `value` as a date (a datetime loses its time of day)."""
    return value.date() if isinstance(value, datetime.datetime) else value


def check_bbox(bbox: BBox) -> None:
    """Raise ValueError unless `bbox` is ``(minx, miny, maxx, maxy)`` with min <= max."""
    minx, miny, maxx, maxy = bbox
    if not (minx <= maxx and miny <= maxy):
        msg = f"bbox must be (minx, miny, maxx, maxy) with min <= max, got {bbox!r}"
        raise ValueError(msg)


def bbox_overlaps(a: BBox, b: BBox) -> bool:
    """Return whether the boxes `a` and `b` meet (touching counts)."""
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def bounds_of_boxes(boxes: Sequence[BBox]) -> BBox:
    """Return the bounds of several boxes (at least one)."""
    return (
        min(box[0] for box in boxes),
        min(box[1] for box in boxes),
        max(box[2] for box in boxes),
        max(box[3] for box in boxes),
    )


def frame_meeting_boxes(frame: gpd.GeoDataFrame, boxes: Sequence[BBox]) -> gpd.GeoDataFrame:
    """Return the rows of `frame` whose shapes meet any of `boxes` (index reset)."""
    shapes = np.asarray(frame.geometry.to_numpy(), dtype=object)
    tree = shapely.STRtree(shapely.box(*np.asarray(boxes, dtype="float64").reshape(-1, 4).T))
    found = np.unique(tree.query(shapes, predicate="intersects")[0])
    return frame.iloc[found].reset_index(drop=True)


def _is_list_type(kind: pa.DataType) -> bool:
    return bool(
        pa.types.is_list(kind) or pa.types.is_large_list(kind) or pa.types.is_fixed_size_list(kind)
    )


def unify_dates(tables: list[pa.Table]) -> list[pa.Table]:
    """Cast date columns to the timestamp type other parts store the same column as.

    Parts written from frames of plain dates hold ``date32``; parts written from
    ``datetime64`` columns (or columns with no date at all) hold timestamps, and Arrow will not
    merge the two by itself.
    """
    stamps: dict[str, pa.DataType] = {}
    for table in tables:
        for column_field in table.schema:
            if pa.types.is_timestamp(column_field.type):
                stamps.setdefault(column_field.name, column_field.type)
    unified = []
    for table in tables:
        for index, column_field in enumerate(table.schema):
            stamp = stamps.get(column_field.name)
            if stamp is not None and pa.types.is_date(column_field.type):
                column = table.column(index).cast(stamp)
                table = table.set_column(index, column_field.with_type(stamp), column)
        unified.append(table)
    return unified


def table_to_frame(table: pa.Table, geometry: str | None, *, bbox: BBox | None) -> pd.DataFrame:
    """Convert an Arrow table read from parts into the layer's (Geo)DataFrame."""
    # list columns become Python lists straight from Arrow (pandas would make numpy arrays)
    lists = [column.name for column in table.schema if _is_list_type(column.type)]
    frame: pd.DataFrame = table.drop_columns(lists).to_pandas() if lists else table.to_pandas()
    for name in lists:
        frame[name] = pd.Series(table.column(name).to_pylist(), index=frame.index, dtype=object)
    if lists:
        frame = frame[table.column_names]
    if geometry is None:
        return frame
    shapes = shapely.from_wkb(frame.pop(geometry).to_numpy())
    result = gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(shapes, crs=_CRS_4326), crs=_CRS_4326)
    result = result.rename_geometry(geometry) if geometry != "geometry" else result
    if bbox is not None:
        keep = shapely.intersects(shapes, shapely.box(*bbox))
        result = result[np.asarray(keep, dtype=bool)].reset_index(drop=True)
    return result
