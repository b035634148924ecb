"""Ask a store version for some columns of the rows that meet a view's filters.

:func:`scan_layer` is the query a dashboard view makes (``geo.view.archive``): Arrow tables,
nothing decoded, with the time window, a box and any Arrow expression pushed into the Parquet
reads of the parts the manifest's stats leave.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from geo.store.format import DATED_LAYERS, UNDATED, BBox, check_layer
from geo.store.frames import as_date, date_filter, start_filter, unify_dates
from geo.store.parts import SIDE_PART_MARK, scan_part_table
from geo.store.store import Store

__all__ = ["Within", "scan_layer", "scan_parts"]


@dataclass(frozen=True, slots=True)
class Within:
    """Where and when the rows a scan keeps lie.

    Attributes
    ----------
    window
        First and last day (each side open when None): a row is kept when its interval meets
        them, as ``date_from``, ``date_to`` in :meth:`~geo.store.store.Store.read_layer`.
    undated
        Whether rows with no date at all are kept too (with a window).
    bbox
        ``(minx, miny, maxx, maxy)`` tested on the GeoParquet ``bbox`` covering column (a
        row's bounds meet the box, exact for points; rows without a geometry drop out).
    starting_from
        When set, only rows whose interval begins on or after this day are kept
        (:func:`~geo.store.frames.start_filter`; undated rows drop out).
    """

    window: tuple[datetime.date | None, datetime.date | None] = (None, None)
    undated: bool = False
    bbox: BBox | None = None
    starting_from: datetime.date | None = None


def scan_layer(
    store: Store,
    layer: str,
    columns: Sequence[str],
    *,
    version: str | None = None,
    within: Within | None = None,
    where: pc.Expression | None = None,
) -> pa.Table:
    """Return `columns` of the rows that meet the filters, as one Arrow table (nothing decoded).

    The query a view makes: parts are skipped by their stats (window, box) and rows by
    filters pushed into the Parquet reads: those of `within` (see :class:`Within`) and
    `where`, an Arrow expression over the part's columns. A column of `columns` (``bbox``
    and the geometry included) that a part lacks is null there.
    """
    wanted = list(dict.fromkeys(columns))
    tables = list(scan_parts(store, layer, wanted, version=version, within=within, where=where))
    if not tables:
        return pa.table({name: pa.nulls(0) for name in wanted})
    if len(tables) == 1:
        return tables[0]
    return pa.concat_tables(unify_dates(tables), promote_options="permissive")


def scan_parts(
    store: Store,
    layer: str,
    columns: Sequence[str],
    *,
    version: str | None = None,
    within: Within | None = None,
    where: pc.Expression | None = None,
) -> Iterator[pa.Table]:
    """Yield what :func:`scan_layer` returns part by part, so a large read need not be held.

    One table per part the stats leave (none for a layer the version lacks), in the order
    of the manifest.
    """
    within = within or Within()
    window, undated, bbox = within.window, within.undated, within.bbox
    if within.starting_from is not None:  # what begins on or after a day meets it and later
        begun = within.starting_from
        window, undated = (begun if window[0] is None else max(window[0], begun), window[1]), False
    manifest = store.manifest(version)
    info = manifest.layers.get(layer) if manifest else None
    wanted = list(dict.fromkeys(columns))
    if manifest is None or info is None or not info.parts:
        check_layer(layer)
        return
    days = {"date_from": as_date(window[0]), "date_to": as_date(window[1])}
    parts = store.parts_for(layer, version=manifest.version, bbox=bbox, **days)
    windowed = layer in DATED_LAYERS and any(day is not None for day in days.values())
    if undated and windowed:  # the undated rows' parts, whatever dates their other rows hold
        chosen = {part.object for part in parts}
        parts += [
            part
            for part in store.parts_for(layer, version=manifest.version, bbox=bbox)
            if (part.date_min is None or part.key.split(SIDE_PART_MARK)[0] == UNDATED)
            and part.object not in chosen
        ]

    def rows(names: Sequence[str]) -> pc.Expression | None:
        keep = date_filter(layer, **days, names=names)
        if keep is not None and undated:
            start, end = DATED_LAYERS[layer]
            keep = keep | (pc.field(start).is_null() & pc.field(end).is_null())
        if within.starting_from is not None:
            begins = start_filter(layer, within.starting_from, names=names)
            keep = begins if keep is None else (keep if begins is None else keep & begins)
        if where is not None:
            keep = where if keep is None else keep & where
        return keep

    for part in parts:
        path = store.part_path(layer, part.object)
        store.verifier.verify(path, part.object)
        yield scan_part_table(path, wanted, row_filter=rows, bbox=bbox)
