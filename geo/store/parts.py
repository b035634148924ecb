"""One part file of a store (see `geo.store.store`): its bytes, what a read of it keeps, merges.

A part is written as GeoParquet 1.1 with a ``bbox`` covering column (plain Parquet for tables
and ``articles``); a read opens it with an Arrow filter made from the part's own column names
(so parts written before a column existed read too) and, for a bounding box, a filter on the
covering column that skips rows as the file is read. An append takes a partition's smaller
parts into its new part and puts it beside the larger ones (`merge_plan`).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Final

import geopandas as gpd
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from geo.store.format import (
    GEO_LAYERS,
    GEOPARQUET_VERSION,
    BBox,
    PartInfo,
    StoreCorruptError,
    reading_part,
)

__all__ = [
    "MERGE_RATIO",
    "SIDE_PART_MARK",
    "RowFilter",
    "any_box_filter",
    "bbox_filter",
    "encode_part",
    "every_row",
    "has_bbox_covering",
    "merge_plan",
    "no_row",
    "part_metadata",
    "read_part_table",
    "scan_part_table",
    "side_part_key",
]

MERGE_RATIO: Final = 4
"""An append rewrites a partition's part only when it holds at most this many times the rows
the append brings to the partition (counting the smaller parts taken in before it); larger
parts stay as they are (default 4)."""

SIDE_PART_MARK: Final = "+"
"""Separates a partition from the content hash in the key of a part added beside it."""

RowFilter = Callable[[Sequence[str]], pc.Expression | None]
"""Makes the Arrow filter of the rows to read from a part's column names (None: every row)."""


def every_row(names: Sequence[str]) -> None:
    """Keep every row of a part, whatever its columns (a `RowFilter`)."""
    return None


def no_row(names: Sequence[str]) -> pc.Expression:
    """Keep no row of a part: a read of its schema only (a `RowFilter`)."""
    return pc.scalar(False)


def bbox_filter(bbox: BBox) -> pc.Expression:
    """Return the Arrow filter keeping rows whose GeoParquet ``bbox`` column meets `bbox`."""
    minx, miny, maxx, maxy = bbox
    return (
        (pc.field("bbox", "xmin") <= maxx)
        & (pc.field("bbox", "xmax") >= minx)
        & (pc.field("bbox", "ymin") <= maxy)
        & (pc.field("bbox", "ymax") >= miny)
    )


def any_box_filter(boxes: Sequence[BBox]) -> pc.Expression:
    """Return the Arrow filter keeping rows whose ``bbox`` column meets any of `boxes`."""
    if not boxes:
        return pc.scalar(False)
    meets = bbox_filter(boxes[0])
    for box in boxes[1:]:
        meets = meets | bbox_filter(box)
    return meets


def has_bbox_covering(schema: pa.Schema) -> bool:
    """Return whether a part's schema has the GeoParquet ``bbox`` covering struct."""
    if "bbox" not in schema.names:
        return False
    kind = schema.field("bbox").type
    return pa.types.is_struct(kind) and {kind.field(i).name for i in range(kind.num_fields)} >= {
        "xmin",
        "ymin",
        "xmax",
        "ymax",
    }


def _columns_to_read(
    schema: pa.Schema, geometry: str | None, columns: Sequence[str] | None, *, lenient: bool
) -> list[str] | None:
    """Return the columns of a part to read for `columns` (None: all but the bbox covering)."""
    if columns is None:
        if "bbox" in schema.names and geometry is not None:
            return [name for name in schema.names if name != "bbox"]  # GeoParquet covering
        return None
    wanted = list(dict.fromkeys(columns))
    unknown = [name for name in wanted if name not in schema.names]
    if unknown and lenient:  # written before these columns: concat fills them in
        wanted = [name for name in wanted if name in schema.names]
    elif unknown:
        msg = f"no column(s) {unknown!r} in this layer; it has {schema.names!r}"
        raise ValueError(msg)
    if geometry is not None and geometry not in wanted:
        wanted.append(geometry)
    return wanted


def read_part_table(
    path: Path,
    geometry: str | None,
    *,
    columns: Sequence[str] | None,
    row_filter: RowFilter,
    lenient: bool = False,
    bbox: BBox | None = None,
    root: Path,
) -> pa.Table:
    """Read one part file as an Arrow table (conversion happens once, for all parts).

    Parameters
    ----------
    path
        The part file, already checked against its hash.
    geometry
        The layer's geometry column, None for plain tables.
    columns
        Columns to read (the geometry column is added), None for all.
    row_filter
        Makes the Arrow filter of the rows to keep from the part's column names.
    lenient
        Whether a column of `columns` the part lacks is left out instead of raising.
    bbox
        Leave out rows whose GeoParquet ``bbox`` covering column lies outside it as the file
        is read (the exact test on the shapes follows in `geo.store.frames.table_to_frame`).
    root
        The store directory, named by a `StoreCorruptError`.

    Raises
    ------
    StoreCorruptError
        When the part lacks the geometry column its manifest names, or cannot be read.
    ValueError
        When a column of `columns` is missing and `lenient` is false.
    """
    with reading_part(path):
        schema = pq.read_schema(path)
    keep = row_filter(schema.names)
    if bbox is not None and has_bbox_covering(schema):
        meets = bbox_filter(bbox)
        keep = meets if keep is None else keep & meets
    if geometry is not None and geometry not in schema.names:
        problem = f"no geometry column {geometry!r}, which the manifest names"
        raise StoreCorruptError(path, problem, root=root)
    wanted = _columns_to_read(schema, geometry, columns, lenient=lenient)
    with reading_part(path):
        table = pq.read_table(path, columns=wanted, filters=keep)
    return table.replace_schema_metadata(None)


def encode_part(layer: str, frame: pd.DataFrame) -> bytes:
    """Return the bytes of a part holding `frame` (GeoParquet with a bbox covering for geo)."""
    buffer = io.BytesIO()
    if layer in GEO_LAYERS:
        assert isinstance(frame, gpd.GeoDataFrame)  # checked by prepare_frame
        frame.to_parquet(
            buffer, index=False, schema_version=GEOPARQUET_VERSION, write_covering_bbox=True
        )
    else:
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), buffer)
    return buffer.getvalue()


def merge_plan(
    by_key: Mapping[str, PartInfo], partition: str, rows: int
) -> tuple[str, list[PartInfo]]:
    """Return the key of the new part of `partition` and the parts it takes in.

    The parts of `partition` not much larger than what an append brings (up to `MERGE_RATIO`
    times the rows, smallest first) are taken in; the new part takes the partition's own key
    when that key is free after it, else it goes beside the larger parts (``partition+``,
    completed by `side_part_key` once its content is known).
    """
    mine = [
        part
        for key, part in by_key.items()
        if key == partition or key.startswith(partition + SIDE_PART_MARK)
    ]
    absorbed, total = [], rows
    for part in sorted(mine, key=lambda part: (part.rows, part.key)):
        if part.rows > MERGE_RATIO * total:
            break
        absorbed.append(part)
        total += part.rows
    base_free = partition not in by_key or any(p.key == partition for p in absorbed)
    return (partition if base_free else partition + SIDE_PART_MARK), absorbed


def side_part_key(partition: str, part: PartInfo) -> str:
    """Return the key of a part added beside larger ones: its partition and content hash."""
    return f"{partition}{SIDE_PART_MARK}{part.object[:12]}"


def scan_part_table(
    path: Path, columns: Sequence[str], *, row_filter: RowFilter, bbox: BBox | None
) -> pa.Table:
    """Read `columns` of one part (checked against its hash), its filters applied as it is read.

    `row_filter` makes the Arrow filter from the part's column names; with `bbox`, rows whose
    ``bbox`` covering column lies outside it are left out, and so are the part's row groups
    whose statistics of that column lie outside it. A column the part lacks is null. The
    part's footer is parsed once per process (:func:`part_metadata`); the columns `columns`
    and the filter name are read and the filter applied to them in Arrow.
    """
    with reading_part(path):
        metadata = part_metadata(path)
        schema = metadata.schema.to_arrow_schema()
        keep = row_filter(schema.names)
        groups = list(range(metadata.num_row_groups))
        if bbox is not None and has_bbox_covering(schema):
            meets = bbox_filter(bbox)
            keep = meets if keep is None else keep & meets
            groups = [g for g in groups if _group_meets(metadata.row_group(g), bbox)]
        present = [name for name in columns if name in schema.names]
        named = [] if keep is None else _named_columns(keep, schema.names)
        wanted = list(dict.fromkeys([*present, *named]))
        if groups:
            part = pq.ParquetFile(path, metadata=metadata)
            table = part.read_row_groups(groups, columns=wanted, use_threads=False)
        else:
            table = schema.empty_table().select(wanted)
        if keep is not None:
            table = table.filter(keep)
    table = table.select(present)
    for name in columns:
        if name not in schema.names:
            table = table.append_column(name, pa.nulls(table.num_rows))
    return table.select(list(columns)).replace_schema_metadata(None)


_FOOTERS: dict[tuple[str, int, int, int], pq.FileMetaData] = {}
_MAX_FOOTERS: Final = 4096


def part_metadata(path: Path) -> pq.FileMetaData:
    """Return the Parquet footer of a part file, parsed once while the file stays unchanged."""
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns, stat.st_ino)
    found = _FOOTERS.get(key)
    if found is None:
        found = pq.read_metadata(path)
        if len(_FOOTERS) >= _MAX_FOOTERS:
            _FOOTERS.clear()
        _FOOTERS[key] = found
    return found


def _named_columns(expression: pc.Expression, names: Sequence[str]) -> list[str]:
    """Return the `names` an Arrow filter may read (named in its text; a literal may add some)."""
    text = str(expression)
    return [name for name in names if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text)]


_BOUNDS: Final = {
    "xmin": "bbox.xmin",
    "ymin": "bbox.ymin",
    "xmax": "bbox.xmax",
    "ymax": "bbox.ymax",
}


def _group_meets(group: pq.RowGroupMetaData, bbox: BBox) -> bool:
    """Return whether a row group's ``bbox`` statistics may meet `bbox` (True when unknown)."""
    found: dict[str, tuple[float, float]] = {}
    for index in range(group.num_columns):
        chunk = group.column(index)
        stats = chunk.statistics
        if chunk.path_in_schema in _BOUNDS.values() and stats is not None and stats.has_min_max:
            found[chunk.path_in_schema] = (float(stats.min), float(stats.max))
    if len(found) < len(_BOUNDS):
        return True
    minx, miny, maxx, maxy = bbox
    return not (
        found["bbox.xmin"][0] > maxx
        or found["bbox.xmax"][1] < minx
        or found["bbox.ymin"][0] > maxy
        or found["bbox.ymax"][1] < miny
    )
