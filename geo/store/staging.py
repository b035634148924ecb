"""Part files written before the write that commits them: by a store write, or by other processes.

A store write puts its part files into the layers' table directories first and commits them
after (`geo.store.store`). The workers of a distributed ingest do the first half themselves:
:func:`stage_layer` writes a frame's parts exactly as a store write would (same encoding, names
and month partitions), and returns their descriptions without committing anything. The client
then hands them to :meth:`geo.store.store.Store.update` (``staged=``), which adds them to one new
version as they are (:func:`add_staged_parts`).

Until a version names them, staged files are what a writer killed before its commit leaves:
no manifest or Delta log names them, readers never see them, `Store.check` does not count them
as damage, and `Store.repair` (like `Store.prune`) deletes them once they are older than its
grace period.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Collection, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Final

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from geo.store.delta import make_table_dir, part_path
from geo.store.format import (
    GEO_LAYERS,
    LayerInfo,
    PartInfo,
    PartVerifier,
    reading_part,
    write_atomic,
)
from geo.store.frames import (
    canonical_frame,
    date_range,
    empty_frame,
    frame_bounds,
    partition_frame,
    prepare_frame,
    table_to_frame,
)
from geo.store.parts import SIDE_PART_MARK, encode_part, every_row, read_part_table, side_part_key

if TYPE_CHECKING:
    from geo.store.store import Store

__all__ = [
    "add_staged_parts",
    "stage_layer",
    "stored_keys",
    "without_empty_placeholder",
    "write_layer",
    "write_part",
]

#: Part files written at once by one layer's write.
_WRITERS: Final = 8


def write_part(
    root: Path, layer: str, key: str, frame: pd.DataFrame, verifier: PartVerifier | None = None
) -> PartInfo:
    """Write the part of `layer` holding `frame` (canonical) unless stored; return it as `key`.

    The file is named by the hash of its bytes, written to a temporary name and renamed, so a
    reader never sees half a part; `verifier` (if given) records it as matching its hash.
    """
    data = encode_part(layer, frame)
    digest = hashlib.sha256(data).hexdigest()[:32]
    path = part_path(root, layer, digest)
    if not path.is_file():
        make_table_dir(path.parent)
        write_atomic(path, data)
        if verifier is not None:
            verifier.trust(path)
    date_min, date_max = date_range(layer, frame)
    return PartInfo(digest, key, len(frame), frame_bounds(layer, frame), date_min, date_max)


def write_layer(
    root: Path,
    layer: str,
    frame: pd.DataFrame,
    verifier: PartVerifier | None = None,
    *,
    writers: int = _WRITERS,
) -> LayerInfo:
    """Write the parts of `layer` holding `frame` (prepared), one per partition; return them.

    Up to `writers` parts are written at once (threads).
    """
    partitions = partition_frame(layer, frame)

    def put(item: tuple[str, pd.DataFrame]) -> PartInfo:
        return write_part(root, layer, item[0], item[1], verifier)

    parts: tuple[PartInfo, ...]
    if len(partitions) == 1 or writers <= 1:
        parts = tuple(map(put, partitions))
    else:  # encoding and fsync wait on I/O and release the GIL: write parts side by side
        with ThreadPoolExecutor(max_workers=writers) as pool:
            parts = tuple(pool.map(put, partitions))
    geometry = str(frame.geometry.name) if layer in GEO_LAYERS else None
    return LayerInfo(geometry, parts)


def stage_layer(
    root: Path, layer: str, frame: pd.DataFrame, *, writers: int = _WRITERS
) -> LayerInfo:
    """Write `frame`'s parts into `layer`'s table of the store at `root`, committing nothing.

    The parts are those a store write of `frame` would make (validated and sorted as
    :meth:`geo.store.store.Store.write` does, one per month for a dated layer), each keyed by
    its partition. Give the result to :meth:`geo.store.store.Store.update` (``staged=``).
    Up to `writers` parts are written at once: a process given one core of a machine it
    shares (a Dask worker of one thread) writes one at a time.

    Raises
    ------
    ValueError, TypeError
        When the layer name, frame type or CRS is wrong.
    """
    return write_layer(root, layer, prepare_frame(layer, frame), writers=writers)


def stored_keys(
    store: Store,
    layer: str,
    info: LayerInfo,
    key: str,
    wanted: Sequence[object],
    partitions: Collection[str] | None,
) -> set[object]:
    """Return which `wanted` keys the parts of `partitions` hold (None: all), in Arrow."""
    candidates = pa.array(list(wanted))
    values: set[object] = set()
    for part in info.parts:
        if partitions is not None and part.key.split(SIDE_PART_MARK)[0] not in partitions:
            continue
        path = store.part_path(layer, part.object)
        store.verifier.verify(path, part.object)
        with reading_part(path):
            column = pq.read_table(path, columns=[key]).column(key)
        if column.type == candidates.type:
            column = pc.filter(column, pc.is_in(column, value_set=candidates))
        values.update(column.to_pylist())  # (an odd part's type: every key, as before)
    return values


def without_empty_placeholder(by_key: Mapping[str, PartInfo]) -> dict[str, PartInfo]:
    """Return `by_key` without empty parts once it holds rows (an empty layer has one part)."""
    if len(by_key) <= 1:
        return dict(by_key)
    return {k: p for k, p in by_key.items() if p.rows > 0} or dict(by_key)


def add_staged_parts(
    store: Store,
    layer: str,
    info: LayerInfo | None,
    staged: Sequence[LayerInfo],
    *,
    key: str,
    near_keys_only: bool,
) -> LayerInfo:
    """Return `layer`'s parts with the `staged` ones added beside them, as they are.

    A staged part takes its partition's key when the partition has no part yet, else it goes
    beside the others (``<partition>+<hash>``). Rows whose `key` the layer already holds (in
    the partitions the staged parts fall in, when `near_keys_only`), or that a staged part
    before it holds, are left out: only a part holding such rows is read and written again
    without them. Must run under the store's write lock.
    """
    parts = [part for layer_info in staged for part in layer_info.parts]
    columns = {id(part): _part_keys(store, layer, part, key) for part in parts}
    known: set[object] = set()
    if info is not None:
        wanted = sorted({value for values in columns.values() for value in values}, key=str)
        touched = {part.key.split(SIDE_PART_MARK)[0] for part in parts} if near_keys_only else None
        known = stored_keys(store, layer, info, key, wanted, touched) if wanted else set()
    by_key = {} if info is None else {part.key: part for part in info.parts}
    geometry = next((s.geometry for s in staged), None) if info is None else info.geometry
    for part in parts:
        values = columns[id(part)]
        if known.intersection(values) or len(set(values)) < len(values):
            part = _rewritten_without(store, layer, part, geometry, known, key)
        known.update(values)
        if part.rows == 0 and by_key:
            continue
        partition = part.key.split(SIDE_PART_MARK)[0]
        new_key = partition if partition not in by_key else side_part_key(partition, part)
        by_key[new_key] = dataclasses.replace(part, key=new_key)
    if not by_key:  # nothing staged into a layer the store lacks: an empty layer
        frame = prepare_frame(layer, empty_frame(layer))
        return write_layer(store.root, layer, frame, store.verifier)
    by_key = without_empty_placeholder(by_key)
    return LayerInfo(geometry, tuple(by_key[k] for k in sorted(by_key)))


def _part_keys(store: Store, layer: str, part: PartInfo, key: str) -> list[object]:
    """Return the `key` column of a part file, checked against its hash first."""
    path = store.part_path(layer, part.object)
    store.verifier.verify(path, part.object)
    with reading_part(path):
        keys: list[object] = pq.read_table(path, columns=[key]).column(key).to_pylist()
    return keys


def _rewritten_without(
    store: Store,
    layer: str,
    part: PartInfo,
    geometry: str | None,
    dropped: Collection[object],
    key: str,
) -> PartInfo:
    """Write `part` again without the rows whose `key` is in `dropped` (or came before)."""
    path = store.part_path(layer, part.object)
    table = read_part_table(path, geometry, columns=None, row_filter=every_row, root=store.root)
    frame = table_to_frame(table, geometry, bbox=None)
    frame = frame[~frame[key].isin(list(dropped))].drop_duplicates(subset=[key], keep="first")
    partition = part.key.split(SIDE_PART_MARK)[0]
    frame = canonical_frame(frame, key=key)
    return write_part(store.root, layer, partition, frame, store.verifier)
