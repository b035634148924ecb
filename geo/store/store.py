"""Keep the map layers as Delta Lake tables of GeoParquet parts, with versions and atomic writes.

Layout of a store directory::

    STORE/
      CURRENT                    the current version id, one line, replaced atomically
      .lock                      held by a writer (filelock); a second writer waits or gives up
      tables/<layer>/            one Delta Lake table per layer (`geo.store.delta`):
        <hash>.parquet           immutable part files, named by the SHA-256 of their bytes
        _delta_log/              the table's log: one commit per store version that changed it
      commits/<version>.json     one manifest per version: per layer, its parts and their stats
                                 and the version of its Delta table that holds exactly them
      quarantine/                what `Store.repair` moved aside: unreadable or unsound
                                 manifests, damaged part files (delete it when done)

Layers are `LAYERS`: ``events``, ``offices``, ``zones`` and ``places`` are GeoDataFrames in
EPSG:4326, ``articles`` is a plain table. A version may also hold the plain `TABLES` (small sums
the zones are kept up to date from; older stores lack them: `Store.holds` tells). The store does
not know how they were made; it keeps what it is given. Each layer is split into parts: events
by the month of ``date_start``, articles by the month of ``ingested_at`` (rows without a date
go to an ``unknown`` part), the `BUCKETED_TABLES` (the zone-days sums) by a hash of their zone
into 32 buckets, the other layers and tables into one ``all`` part. Rows are
stored sorted by ``id`` (when there is one), so the same rows give the same bytes whatever
order they came in. Geo parts are GeoParquet 1.1 with a bbox covering column, so geopandas,
pyarrow.dataset, dask-geopandas, DuckDB and Sedona read them directly; and each layer's table
opens with ``deltalake.DeltaTable`` (Spark, DuckDB, Polars) at the table version a manifest names.

A version id is the first 12 hex digits of a SHA-256 over the sorted ``(layer, part hash)``
pairs: the same content always gets the same id and writing it again writes nothing. A write
puts its new parts first, then commits each changed layer's Delta table, then the manifest,
then replaces ``CURRENT`` (each file written to a temporary name, flushed, renamed over, and its
directory flushed), so a crash at any point leaves the previous version current and whole; a
write that fails after its table commits takes them back, and `Store.repair` does after a kill.
Files get the mode the umask gives (0644 under 022): set ``umask 077`` for a private store.
Old versions stay readable until `Store.prune`, so a shared link can pin one
(``v=<version>``); a version that is gone raises `VersionNotFoundError`, and
`Store.has_version` tells beforehand.

Damage is an error, never different data: each manifest holds a SHA-256 checksum of its content,
checked when it is read, and each part file is hashed before this `Store` first reads it (again
only after it changed on disk, see `geo.store.format.PartVerifier`). `Store.check` lists damage,
and tables whose log disagrees with the manifests; `Store.repair` brings a damaged store back to
its newest sound version (``geo.store.repair``). A store of the older layout (``objects/`` and
``versions/``) raises `StoreSchemaError` naming ``python -m geo store migrate``
(``geo.store.migrate``), which converts it keeping every version and its id.

Part files depend on the pyarrow and geopandas versions that wrote them (their metadata names
them); after an upgrade the same rows may get new part hashes and so a new version id.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import threading
from collections.abc import Collection, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from types import MappingProxyType
from typing import Final, cast

import geopandas as gpd
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from geo import settings
from geo.store.delta import (
    TABLES_DIR,
    commit_tables,
    part_path,
    rolled_back_on_failure,
)
from geo.store.format import (
    BUCKETED_TABLES,
    COMMITS_DIR,
    DATED_LAYERS,
    GEO_LAYERS,
    GEOPARQUET_VERSION,
    LAYERS,
    MANIFEST_FORMAT,
    TABLES,
    VERSION_RE,
    WHOLE,
    BBox,
    LayerInfo,
    Manifest,
    PartInfo,
    PartVerifier,
    StoreBusyError,
    StoreCorruptError,
    StoreError,
    StoreSchemaError,
    VersionNotFoundError,
    chain_order,
    check_layer,
    fsync_directory,
    holding_lock,
    load_manifest,
    manifest_to_json,
    refuse_old_layout,
    version_id,
    write_atomic,
)
from geo.store.frames import (
    as_date,
    bbox_overlaps,
    bounds_of_boxes,
    bucket_keys,
    canonical_frame,
    check_bbox,
    date_filter,
    empty_frame,
    frame_meeting_boxes,
    partition_frame,
    prepare_frame,
    table_to_frame,
    unify_dates,
)
from geo.store.parts import (
    SIDE_PART_MARK,
    RowFilter,
    any_box_filter,
    every_row,
    merge_plan,
    no_row,
    read_part_table,
    side_part_key,
)
from geo.store.repair import RepairReport, check_store, prune_store, repair_store
from geo.store.staging import (
    add_staged_parts,
    stored_keys,
    without_empty_placeholder,
    write_layer,
    write_part,
)
from geo.store.versions import Layers, VersionInfo

__all__ = [
    "DATED_LAYERS",
    "DEFAULT_LOCK_TIMEOUT",
    "GEOPARQUET_VERSION",
    "GEO_LAYERS",
    "LAYERS",
    "MANIFEST_FORMAT",
    "TABLES",
    "LayerInfo",
    "Layers",
    "Manifest",
    "PartInfo",
    "RepairReport",
    "Store",
    "StoreBusyError",
    "StoreCorruptError",
    "StoreError",
    "StoreSchemaError",
    "VersionInfo",
    "VersionNotFoundError",
    "default_store_dir",
]

"""Environment variable naming the default store directory (see `default_store_dir`)."""

DEFAULT_LOCK_TIMEOUT: Final = 60.0
"""Seconds a writer waits for another writer to finish before `StoreBusyError` (default 60)."""

#: Part files written at once by one store write.
_WRITERS = 8


def default_store_dir() -> Path:
    """Return the store directory: :func:`geo.settings.default_store_dir`."""
    return settings.default_store_dir()


class Store:
    """A directory of versioned layers; see the module docstring for its layout.

    Parameters
    ----------
    root
        The store directory. Nothing is created until `open` or a write.
    lock_timeout
        Seconds a write waits for another writer; 0 gives up at once, None waits forever.
    """

    def __init__(self, root: Path, *, lock_timeout: float | None = DEFAULT_LOCK_TIMEOUT) -> None:
        self.root = Path(root)
        self.tables_dir = self.root / TABLES_DIR
        self.commits_dir = self.root / COMMITS_DIR
        self.lock_timeout = lock_timeout
        self._manifests: dict[str, Manifest] = {}
        self._lock_owner: int | None = None
        self.verifier = PartVerifier()
        """Checks each part file against its hash before its first read (see `PartVerifier`)."""

    def __repr__(self) -> str:
        return f"Store({str(self.root)!r})"

    @classmethod
    def open(cls, root: Path, *, lock_timeout: float | None = DEFAULT_LOCK_TIMEOUT) -> Store:
        """Return the store at `root`, creating its directories if missing."""
        store = cls(root, lock_timeout=lock_timeout)
        store._ensure_layout()
        return store

    # -- versions -------------------------------------------------------------------------

    def current_version(self) -> str | None:
        """Return the current version id, None when nothing was written yet."""
        refuse_old_layout(self.root)
        path = self.root / "CURRENT"
        try:
            text = path.read_text(encoding="ascii").strip()
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as error:
            raise StoreCorruptError(path, f"unreadable ({error})", root=self.root) from error
        if not VERSION_RE.match(text):
            problem = f"does not name a version: {text[:40]!r}"
            raise StoreCorruptError(path, problem, root=self.root)
        return text

    def has_version(self, version: str) -> bool:
        """Return whether `version` is a well-formed id whose manifest the store holds."""
        return bool(VERSION_RE.match(version)) and self._manifest_path(version).is_file()

    def manifest(self, version: str | None = None) -> Manifest | None:
        """Return the manifest of `version` (default: current), None when the store is empty.

        Raises
        ------
        VersionNotFoundError
            When `version` is given and not in the store.
        StoreCorruptError
            When the manifest (or ``CURRENT``) cannot be read.
        """
        if version is None:
            version = self.current_version()
            if version is None:
                return None
            if not self.has_version(version):
                path, problem = self.root / "CURRENT", f"names missing version {version!r}"
                raise StoreCorruptError(path, problem, root=self.root)
        if not self.has_version(version):
            refuse_old_layout(self.root)
            raise VersionNotFoundError(version, self.root)
        if version not in self._manifests:
            self._manifests[version] = load_manifest(self._manifest_path(version))
        return self._manifests[version]

    def versions(self) -> list[VersionInfo]:
        """Return every version the store holds, oldest first (by their parent chains)."""
        refuse_old_layout(self.root)
        manifests = []
        for path in sorted(self.commits_dir.glob("*.json")):
            if not VERSION_RE.match(path.stem):
                continue
            manifest = self.manifest(path.stem)
            assert manifest is not None  # a version was given
            manifests.append(manifest)
        return [VersionInfo.of(manifest) for manifest in chain_order(manifests)]

    # -- reading --------------------------------------------------------------------------

    def holds(self, layer: str, *, version: str | None = None) -> bool:
        """Return whether `version` (default: current) holds `layer` or table (False if empty)."""
        check_layer(layer)
        manifest = self.manifest(version)
        return manifest is not None and layer in manifest.layers

    def parts_for(
        self,
        layer: str,
        *,
        version: str | None = None,
        date_from: datetime.date | None = None,
        date_to: datetime.date | None = None,
        bbox: BBox | None = None,
    ) -> list[PartInfo]:
        """Return the parts of `layer` that a `read_layer` with these arguments opens."""
        check_layer(layer)
        manifest = self.manifest(version)
        info = manifest.layers.get(layer) if manifest else None
        if info is None:
            return []
        date_from, date_to = as_date(date_from), as_date(date_to)
        windowed = layer in DATED_LAYERS and (date_from is not None or date_to is not None)
        spatial = bbox if info.geometry is not None else None
        if spatial is not None:
            check_bbox(spatial)
        selected = []
        for part in info.parts:
            if windowed:
                if part.date_min is None or part.date_max is None:
                    continue
                if (date_from is not None and part.date_max < date_from) or (
                    date_to is not None and part.date_min > date_to
                ):
                    continue
            if spatial and (part.bbox is None or not bbox_overlaps(part.bbox, spatial)):
                continue
            selected.append(part)
        return selected

    def read_layer(
        self,
        layer: str,
        *,
        version: str | None = None,
        date_from: datetime.date | None = None,
        date_to: datetime.date | None = None,
        bbox: BBox | list[BBox] | None = None,
        columns: Sequence[str] | None = None,
        lenient: bool = False,
    ) -> pd.DataFrame:
        """Return one layer as a GeoDataFrame (a DataFrame for ``articles``).

        Parameters
        ----------
        layer
            One of `LAYERS`.
        version
            The version to read (default: current).
        date_from, date_to
            Inclusive window for `DATED_LAYERS`: a row is kept when its interval
            (start, else end … end, else start) meets the window; undated rows are dropped.
            Ignored for layers without dates.
        bbox
            ``(minx, miny, maxx, maxy)``: keep rows whose geometry's bounds meet it (rows
            without geometry are dropped). A list of such boxes keeps the rows meeting any of
            them, in one pass over the parts that meet one (boxes far apart read only the rows
            near each, not all those within their union's bounds); an empty list keeps none.
            Ignored for ``articles``.
        columns
            Columns to read; the geometry column is always read for geo layers.
        lenient
            Whether a column of `columns` that some parts lack (they were written before it
            existed) is read as null in those parts instead of raising ``ValueError``; a
            column no part has is then left out.

        Returns
        -------
        GeoDataFrame or DataFrame
            Rows ordered by part key, then ``id``; list columns hold Python lists. A layer
            the version does not hold is an empty frame (with only a geometry column for geo
            layers).

        Raises
        ------
        VersionNotFoundError
            When `version` is not in the store.
        StoreCorruptError
            When a manifest or part file is missing or unreadable.
        """
        manifest = self.manifest(version)  # resolved once: CURRENT may move meanwhile
        info = manifest.layers.get(layer) if manifest else None
        if manifest is None or info is None:
            check_layer(layer)
            return empty_frame(layer)
        window = {"date_from": as_date(date_from), "date_to": as_date(date_to)}
        boxes: list[BBox] = []
        meets_any: pc.Expression | None = None
        if isinstance(bbox, list):  # several boxes: their union's bounds, then each box
            boxes = [(float(a), float(b), float(c), float(d)) for a, b, c, d in bbox]
            for box in boxes:
                check_bbox(box)
            bbox = bounds_of_boxes(boxes) if boxes else (0.0, 0.0, 0.0, 0.0)
            meets_any = any_box_filter(boxes) if info.geometry is not None else None
        parts = self.parts_for(layer, version=manifest.version, bbox=bbox, **window)
        if meets_any is not None:
            parts = [p for p in parts if p.bbox and any(bbox_overlaps(p.bbox, b) for b in boxes)]
        use_bbox = bbox if info.geometry is not None else None

        def in_window(names: Sequence[str]) -> pc.Expression | None:
            keep = date_filter(layer, **window, names=names)
            if meets_any is None or "bbox" not in names:
                return keep
            return meets_any if keep is None else keep & meets_any

        row_filter: RowFilter = in_window
        if not parts:  # no rows match: read the schema of one part with a filter that keeps none
            parts, row_filter, use_bbox = [info.parts[0]], no_row, None
        tables = [
            self._read_part(
                layer,
                part,
                info,
                columns=columns,
                row_filter=row_filter,
                lenient=lenient,
                bbox=use_bbox,
            )
            for part in parts
        ]
        table = (
            tables[0]
            if len(tables) == 1
            else pa.concat_tables(unify_dates(tables), promote_options="permissive")
        )
        frame = table_to_frame(table, info.geometry, bbox=use_bbox if meets_any is None else None)
        if meets_any is not None:  # the exact test, as `bbox` makes it
            frame = frame_meeting_boxes(cast(gpd.GeoDataFrame, frame), boxes)
        return frame

    def read_all(
        self,
        version: str | None = None,
        *,
        columns: Mapping[str, Sequence[str]] = MappingProxyType({}),
    ) -> Layers:
        """Return all layers of `version` (default: current) at once.

        `columns` limits the columns read of some layers (layer → names, as in
        :meth:`read_layer`); the others are read whole. A name that parts written before its
        column existed lack is read as missing there (null), and is absent from the frame
        when no part has it, so an older store is never read whole for a newer column.
        """
        manifest = self.manifest(version)
        pinned = manifest.version if manifest else None

        def read(name: str) -> pd.DataFrame:
            wanted = columns.get(name)
            chosen = None if wanted is None else list(wanted)
            return self.read_layer(name, version=pinned, columns=chosen, lenient=True)

        def read_geo(name: str) -> gpd.GeoDataFrame:
            return cast(gpd.GeoDataFrame, read(name))  # geo layers read as GeoDataFrames

        return Layers(
            events=read_geo("events"),
            offices=read_geo("offices"),
            zones=read_geo("zones"),
            places=read_geo("places"),
            articles=read("articles"),
            version=pinned,
        )

    def _read_part(
        self,
        layer: str,
        part: PartInfo,
        info: LayerInfo,
        *,
        columns: Sequence[str] | None,
        row_filter: RowFilter,
        lenient: bool = False,
        bbox: BBox | None = None,
    ) -> pa.Table:
        """Check one part file against its hash and read it (see `read_part_table`)."""
        path = self.part_path(layer, part.object)
        self.verifier.verify(path, part.object)
        return read_part_table(
            path,
            info.geometry,
            columns=columns,
            row_filter=row_filter,
            lenient=lenient,
            bbox=bbox,
            root=self.root,
        )

    # -- writing --------------------------------------------------------------------------

    def write(self, layers: Mapping[str, pd.DataFrame], *, message: str) -> str:
        """Write `layers` as a whole new version, make it current and return its id.

        Layers missing from `layers` are absent from the new version. Parts whose content is
        already stored are reused; writing the current content again writes nothing.

        Raises
        ------
        ValueError, TypeError
            When a layer name, frame type or CRS is wrong.
        StoreBusyError
            When another writer holds the lock past `lock_timeout`.
        """
        prepared = {name: prepare_frame(name, frame) for name, frame in layers.items()}
        with self._locked():
            parent = self.current_version()
            infos = {name: self._put_layer(name, frame) for name, frame in prepared.items()}
            return self._commit(infos, parent=parent, message=message)

    def append(self, new: Mapping[str, pd.DataFrame], *, key: str = "id", message: str) -> str:
        """Add the rows of `new` whose `key` is not yet in the current version; return its id.

        Rows already present (by `key`) are kept as they are, so adding the same rows again
        changes nothing and returns the current version. Only parts that receive rows are
        rewritten; layers not in `new` are carried over.

        Raises
        ------
        ValueError, TypeError
            When a layer name, frame type or CRS is wrong, or a frame has no `key` column.
        StoreBusyError
            When another writer holds the lock past `lock_timeout`.
        """
        return self.update(append=new, key=key, message=message)

    def update(
        self,
        *,
        append: Mapping[str, pd.DataFrame | Sequence[LayerInfo]] = MappingProxyType({}),
        replace: Mapping[str, pd.DataFrame] = MappingProxyType({}),
        add: Mapping[str, pd.DataFrame] = MappingProxyType({}),
        remove: Mapping[str, Collection[object]] = MappingProxyType({}),
        key: str = "id",
        near_keys_only: Collection[str] = (),
        message: str,
    ) -> str:
        """Append rows to some layers and replace others, as one new version; return its id.

        Layers in `append` gain their rows whose `key` is new, as in :meth:`append` (only the
        parts that receive rows are written); for those in `near_keys_only` the new rows'
        keys are compared only with those of the partitions the rows fall in, not the whole
        layer's (for rows whose partition follows from their key, or that the caller knows
        are new, as an ingest knows the events of articles the store lacks). Layers in
        `replace` are written whole, as in :meth:`write`; other layers are carried over.
        A layer's new rows may also be given as parts already written into its table by
        :func:`geo.store.staging.stage_layer` (by other processes, say): they are added as they
        are beside the stored ones, and rows whose `key` is stored (or in an earlier staged
        part) are left out by rewriting just the part that holds them
        (:func:`geo.store.staging.add_staged_parts`).

        `add` and `remove` change `BUCKETED_TABLES`: `remove` drops the rows whose bucketing
        column holds one of the values given, rewriting only the buckets they fall in; `add`
        puts rows beside the others of their buckets, as they are (a key may then appear in
        several parts: the table's readers add them up). A table written before the buckets
        is read and written whole, split into them, the first time.

        Raises
        ------
        ValueError, TypeError
            When a layer name, frame type or CRS is wrong, a layer is in two mappings, a
            table of `add` or `remove` is not bucketed, or an appended frame has no `key`
            column.
        StoreBusyError
            When another writer holds the lock past `lock_timeout`.
        """
        both = sorted(
            (set(append) & set(replace)) | ((set(add) | set(remove)) & (set(append) | set(replace)))
        )
        if both:
            msg = f"layer(s) {', '.join(both)} cannot be both appended to and replaced"
            raise ValueError(msg)
        unbucketed = sorted((set(add) | set(remove)) - set(BUCKETED_TABLES))
        if unbucketed:
            msg = f"layer(s) {', '.join(unbucketed)} are not bucketed: append or replace them"
            raise ValueError(msg)
        prepared = {
            name: rows if not isinstance(rows, pd.DataFrame) else prepare_frame(name, rows)
            for name, rows in append.items()
        }
        whole = {name: prepare_frame(name, frame) for name, frame in replace.items()}
        added = {name: prepare_frame(name, frame) for name, frame in add.items()}
        for name, frame in prepared.items():
            if isinstance(frame, pd.DataFrame) and key not in frame.columns:
                msg = f"layer {name!r} has no key column {key!r}"
                raise ValueError(msg)
        with self._locked():
            manifest = self.manifest()
            infos = dict(manifest.layers) if manifest else {}
            infos.update({name: self._put_layer(name, frame) for name, frame in whole.items()})
            version = manifest.version if manifest else None
            for name, rows in prepared.items():
                near = name in near_keys_only
                appended = self._appended(name, infos.get(name), rows, key=key, near=near)
                if appended is not None:
                    infos[name] = appended
            for name in sorted(set(added) | set(remove)):
                patched = self._patch_table(
                    name, infos.get(name), added.get(name), remove.get(name, ())
                )
                if patched is not None:
                    infos[name] = patched
            if manifest is not None and infos == dict(manifest.layers):
                return manifest.version
            return self._commit(infos, parent=version, message=message)

    def _appended(
        self,
        layer: str,
        info: LayerInfo | None,
        rows: pd.DataFrame | Sequence[LayerInfo],
        *,
        key: str,
        near: bool,
    ) -> LayerInfo | None:
        """Return a layer with `rows` appended (those whose `key` is new); None if unchanged."""
        if not isinstance(rows, pd.DataFrame):  # parts written already, by stage_layer
            return add_staged_parts(self, layer, info, rows, key=key, near_keys_only=near)
        fresh = rows.drop_duplicates(subset=[key], keep="first")
        if info is not None:
            touched = {k for k, _ in partition_frame(layer, fresh)} if near else None
            known = stored_keys(self, layer, info, key, fresh[key].tolist(), touched)
            fresh = fresh[[value not in known for value in fresh[key]]]
            if fresh.empty:
                return None
        return self._merge_layer(layer, info, fresh)

    def _merge_layer(self, layer: str, info: LayerInfo | None, fresh: pd.DataFrame) -> LayerInfo:
        """Add `fresh` rows to a layer, writing only parts of the partitions they fall in.

        The rows of one partition (a month) go into one new part together with the
        partition's parts that are not much larger than what they bring (see
        `geo.store.parts.merge_plan`); larger parts stay as they are and the new part goes
        beside them, keyed ``<partition>+<hash>``. So a batch rewrites what it adds plus parts
        of comparable size, not a whole month of a large archive, and each partition keeps a
        few parts of growing sizes.
        """
        if info is None:
            return self._put_layer(layer, fresh)
        by_key = {part.key: part for part in info.parts}
        partitions = partition_frame(layer, fresh)
        plans = [merge_plan(by_key, key, len(rows)) for key, rows in partitions]

        def merged(item: tuple[tuple[str, pd.DataFrame], tuple[str, list[PartInfo]]]) -> PartInfo:
            (part_key, rows), (new_key, absorbed) = item
            frames = [rows]
            for old in absorbed:
                table = self._read_part(layer, old, info, columns=None, row_filter=every_row)
                frames.insert(0, table_to_frame(table, info.geometry, bbox=None))
            if len(frames) > 1:
                rows = pd.concat(frames, ignore_index=True)
            part = self._put_part(layer, part_key, canonical_frame(rows, key="id"))
            if new_key != part_key:  # beside larger parts: keyed by its content's hash
                part = dataclasses.replace(part, key=side_part_key(part_key, part))
            return part

        with ThreadPoolExecutor(max_workers=_WRITERS) as pool:  # reads and writes wait on I/O
            parts = list(pool.map(merged, zip(partitions, plans, strict=True)))
        for _, absorbed in plans:
            for old in absorbed:
                by_key.pop(old.key, None)
        by_key = without_empty_placeholder({**by_key, **{part.key: part for part in parts}})
        return LayerInfo(info.geometry, tuple(by_key[k] for k in sorted(by_key)))

    def _patch_table(
        self,
        layer: str,
        info: LayerInfo | None,
        added: pd.DataFrame | None,
        removed: Collection[object],
    ) -> LayerInfo | None:
        """Return a bucketed table's parts with rows removed and added, None if unchanged."""
        column = BUCKETED_TABLES[layer][0]
        gone = sorted({str(value) for value in removed})
        if (added is None or added.empty) and not gone:
            return None
        if info is None or not all(p.key.startswith(f"{column}-") for p in info.parts):
            # a table written before the buckets (or none yet): whole, split into them
            frames = [] if info is None else [self._part_frame(layer, p, info) for p in info.parts]
            frame = pd.concat([*frames, *([] if added is None else [added])], ignore_index=True)
            frame = frame[~frame[column].astype(str).isin(gone)]
            return self._put_layer(layer, frame.reset_index(drop=True))
        by_key = {part.key: part for part in info.parts}
        new_rows = dict(partition_frame(layer, added)) if added is not None else {}
        for bucket in sorted(set(bucket_keys(layer, gone))):
            parts = [p for p in info.parts if p.key.split(SIDE_PART_MARK)[0] == bucket]
            if not parts:
                continue
            frames = [self._part_frame(layer, p, info) for p in parts]
            if bucket in new_rows:
                frames.append(new_rows.pop(bucket))
            frame = pd.concat(frames, ignore_index=True)
            frame = frame[~frame[column].astype(str).isin(gone)].reset_index(drop=True)
            for part in parts:
                del by_key[part.key]
            if len(frame):
                by_key[bucket] = self._put_part(layer, bucket, canonical_frame(frame, key="id"))
        rest = [rows for key, rows in new_rows.items() if key != WHOLE and len(rows)]
        info = LayerInfo(info.geometry, tuple(by_key[k] for k in sorted(by_key)))
        if rest:
            info = self._merge_layer(layer, info, pd.concat(rest, ignore_index=True))
        return info

    def _part_frame(self, layer: str, part: PartInfo, info: LayerInfo) -> pd.DataFrame:
        table = self._read_part(layer, part, info, columns=None, row_filter=every_row)
        return table_to_frame(table, info.geometry, bbox=None)

    def _put_layer(self, layer: str, frame: pd.DataFrame) -> LayerInfo:
        return write_layer(self.root, layer, frame, self.verifier)

    def _put_part(self, layer: str, key: str, frame: pd.DataFrame) -> PartInfo:
        return write_part(self.root, layer, key, frame, self.verifier)

    def _commit(self, layers: Mapping[str, LayerInfo], *, parent: str | None, message: str) -> str:
        version = version_id(layers)
        parent_manifest = self.manifest(parent) if parent else None
        before = parent_manifest.layers if parent_manifest else {}
        with rolled_back_on_failure(self.root, before, message=message):
            return self._record(version, layers, before, parent=parent, message=message)

    def _record(
        self,
        version: str,
        layers: Mapping[str, LayerInfo],
        before: Mapping[str, LayerInfo],
        *,
        parent: str | None,
        message: str,
    ) -> str:
        """Commit the tables of a version, then its manifest, then make it current."""
        layers = commit_tables(self.root, layers, before, version=version, message=message)
        path = self._manifest_path(version)
        if not path.is_file():
            manifest = Manifest(
                version=version,
                created_at=datetime.datetime.now(datetime.UTC),
                parent=parent,
                message=message,
                layers={name: layers[name] for name in (*LAYERS, *TABLES) if name in layers},
            )
            data = json.dumps(manifest_to_json(manifest), indent=1, ensure_ascii=False)
            write_atomic(path, data.encode("utf-8") + b"\n")
        if parent != version:
            write_atomic(self.root / "CURRENT", f"{version}\n".encode("ascii"))
        return version

    # -- maintenance ----------------------------------------------------------------------

    def prune(self, keep: int) -> list[str]:
        """Delete all but the `keep` newest versions (and the current one); return their ids.

        Part files no kept version uses, and temporary files left by crashed writers, are
        deleted too. Links pinned to a deleted version then get `VersionNotFoundError`.
        """
        return prune_store(self, keep)

    def check(self, *, deep: bool = False) -> list[str]:
        """Return the problems found in the store, one line each (empty when sound).

        Looks for a missing or bad ``CURRENT``, unreadable or damaged manifests, manifests
        whose id does not match their parts, and part files that are missing, unreadable or
        whose bytes no longer match their hash. With `deep`, also decodes every part file.
        """
        return check_store(self, deep=deep)

    def repair(self, *, dry_run: bool = False, deep: bool = False) -> RepairReport:
        """Bring the store back to its newest sound version; return what was done.

        See `geo.store.repair.repair_store` for what it does and the errors it raises. With
        `dry_run` it only reports; with `deep` it also decodes every part file.
        """
        return repair_store(self, dry_run=dry_run, deep=deep)

    def forget_manifests(self) -> None:
        """Drop the manifests this object has read, so the next reads see the files again."""
        self._manifests.clear()

    # -- files ----------------------------------------------------------------------------

    def _ensure_layout(self) -> None:
        refuse_old_layout(self.root)
        for directory in (self.root, self.tables_dir, self.commits_dir):
            if not directory.is_dir():
                directory.mkdir(parents=True, exist_ok=True)
                fsync_directory(directory.parent)  # the new entry survives a power cut

    def _manifest_path(self, version: str) -> Path:
        return self.commits_dir / f"{version}.json"

    def part_path(self, layer: str, digest: str) -> Path:
        """Return the part file of `layer` named by `digest` (in the layer's Delta table)."""
        return part_path(self.root, layer, digest)

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the store's write lock, so a read-modify-write sees no other writer.

        Writes made through this `Store` in the same thread inside the block do not wait for
        it again; other writers (processes, threads, `Store` objects) wait for the block to
        end, or raise `StoreBusyError` after `lock_timeout` seconds.

        Raises
        ------
        StoreBusyError
            When another writer holds the lock past `lock_timeout`.
        """
        with self._locked():
            yield

    @contextmanager
    def _locked(self) -> Iterator[None]:
        me = threading.get_ident()
        if self._lock_owner == me:  # already held by this thread through this Store
            yield
            return
        self._ensure_layout()
        with holding_lock(self.root, self.lock_timeout):
            self._lock_owner = me
            try:
                yield
            finally:
                self._lock_owner = None
