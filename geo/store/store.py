"""Keep the map layers as versioned GeoParquet: content-addressed parts, manifests, atomic writes.

Layout of a store directory::

    STORE/
      CURRENT                  the current version id, one line, replaced atomically
      .lock                    held by a writer (filelock); a second writer waits or gives up
      objects/<hash>.parquet   immutable part files, named by the SHA-256 of their bytes
      versions/<version>.json  one manifest per version: per layer, its parts and their stats
      quarantine/              what `Store.repair` moved aside: unreadable or unsound manifests,
                               damaged part files (nothing there is read; delete it when done)

Layers are `LAYERS`: ``events``, ``offices``, ``zones`` and ``places`` are GeoDataFrames in
EPSG:4326, ``articles`` is a plain table. The store does not know how they were made; it keeps
what it is given. Each layer is split into parts: events by the month of ``date_start``, articles
by the month of ``ingested_at`` (rows without a date go to an ``unknown`` part), the other layers
into one ``all`` part. Rows are stored sorted by ``id`` (when there is one), so the same rows give
the same bytes whatever order they came in. Geo parts are GeoParquet 1.1 with a bbox covering
column, so geopandas, pyarrow.dataset, dask-geopandas, DuckDB and Sedona read them directly.

A version id is the first 12 hex digits of a SHA-256 over the sorted ``(layer, part hash)``
pairs: the same content always gets the same id and writing it again writes nothing. A write
puts its new parts first, then the manifest, then replaces ``CURRENT`` (each file written to a
temporary name, flushed, renamed over, and its directory flushed), so a crash at any point
leaves the previous version current and whole. Old versions stay readable until `Store.prune`,
so a shared link can pin one (``v=<version>``); a version that is gone raises
`VersionNotFoundError`, and `Store.has_version` tells beforehand.

`Store.check` lists damage; `Store.repair` brings a damaged store back to its newest sound
version: ``CURRENT`` is pointed at it, manifests that cannot be read or whose parts are missing or
damaged go to ``quarantine/``, and files left by crashed writers are removed. It never deletes a
part file that any manifest names. A store written in another manifest format raises
`StoreSchemaError`, whose message says what to do (``python -m geo store check|repair`` from the
command line).

Part files depend on the pyarrow and geopandas versions that wrote them (their metadata names
them); after an upgrade the same rows may get new part hashes and so a new version id.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

import filelock
import pandas as pd  # type: ignore[import-untyped]  # no pandas-stubs in the environment
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from geo import settings
from geo.store.format import (
    DATED_LAYERS,
    GEO_LAYERS,
    GEOPARQUET_VERSION,
    LAYERS,
    MANIFEST_FORMAT,
    OBJECT_RE,
    TMP_PREFIX,
    VERSION_RE,
    BBox,
    LayerInfo,
    Manifest,
    PartInfo,
    StoreBusyError,
    StoreCorruptError,
    StoreError,
    StoreSchemaError,
    VersionNotFoundError,
    check_layer,
    file_age,
    fsync_directory,
    load_manifest,
    manifest_to_json,
    object_names,
    problem_line,
    read_pointer,
    reading_part,
    version_id,
    write_atomic,
)
from geo.store.frames import (
    as_date,
    bbox_overlaps,
    canonical_frame,
    check_bbox,
    date_filter,
    date_range,
    empty_frame,
    frame_bounds,
    partition_frame,
    prepare_frame,
    table_to_frame,
    unify_dates,
)

__all__ = [
    "DATED_LAYERS",
    "DEFAULT_LOCK_TIMEOUT",
    "GEOPARQUET_VERSION",
    "GEO_LAYERS",
    "LAYERS",
    "MANIFEST_FORMAT",
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

_QUARANTINE: Final = "quarantine"
_ORPHAN_GRACE: Final = 60.0
"""Seconds a file left by a writer must be old before `Store.repair` removes it."""

#: Part files written at once by one store write.
_WRITERS = 8


@dataclass(frozen=True, slots=True)
class VersionInfo:
    """A summary of one version for listings.

    Attributes
    ----------
    id
        The version id.
    created_at
        When it was first written (UTC).
    message
        What the writer said it was.
    parent
        The version current before it, None for the first.
    counts
        Layer name → number of rows.
    """

    id: str
    created_at: datetime.datetime
    message: str
    parent: str | None
    counts: Mapping[str, int] = field(hash=False)


@dataclass(frozen=True, slots=True, eq=False)
class Layers:
    """All five layers of one version (empty frames for layers it does not hold).

    Attributes
    ----------
    events, offices, zones, places
        GeoDataFrames in EPSG:4326.
    articles
        A DataFrame.
    version
        The version they were read from, None when the store is empty.
    """

    events: Any
    offices: Any
    zones: Any
    places: Any
    articles: Any
    version: str | None


@dataclass(frozen=True, slots=True)
class RepairReport:
    """What `Store.repair` did (or, for a dry run, would do).

    Attributes
    ----------
    root
        The store directory.
    dry_run
        True when nothing was changed.
    current_before
        What ``CURRENT`` said (at most 40 characters), None when it was missing.
    current_after
        The version ``CURRENT`` names after the repair, None when the store holds no sound
        version (it then reads as empty).
    quarantined
        Files moved into ``quarantine/``, as paths relative to `root`.
    removed
        Files deleted (temporary and unreferenced part files left by crashed writers).
    kept
        Files left alone on purpose, each with the reason.
    problems
        What `Store.check` finds afterwards (for a dry run: now); empty when sound.
    """

    root: Path
    dry_run: bool
    current_before: str | None
    current_after: str | None
    quarantined: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        """Whether the repair changed (or, for a dry run, would change) anything."""
        return bool(self.quarantined or self.removed or self.current_before != self.current_after)

    @property
    def sound(self) -> bool:
        """Whether `Store.check` found nothing (after the repair; for a dry run, now)."""
        return not self.problems

    def summary(self) -> str:
        """Return the report as lines of text, one action each, the verdict last."""
        would = "would " if self.dry_run else ""
        lines = []
        if self.current_before != self.current_after:
            after = self.current_after or "nothing (no sound version is left)"
            lines.append(f"{would}point CURRENT at {after} (it said {self.current_before!r})")
        lines += [f"{would}quarantine {name}" for name in self.quarantined]
        lines += [f"{would}remove {name}" for name in self.removed]
        lines += [f"kept {note}" for note in self.kept]
        where = str(self.root)
        if self.problems:
            lines += list(self.problems)
            verb = "has" if self.dry_run else "still has"
            lines.append(f"store at {where} {verb} {len(self.problems)} problem(s)")
        elif self.current_after is None:
            lines.append(f"store at {where} is sound and empty")
        else:
            lines.append(f"store at {where} is sound (current version {self.current_after})")
        if self.dry_run and self.changed:
            lines.append("nothing was changed (dry run)")
        return "\n".join(lines)


def default_store_dir() -> Path:
    """Return the store directory: ``$FAULTLINES_STORE``, else ``./data`` (made absolute)."""
    return Path(settings.STORE.value() or "data").expanduser().absolute()


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
        self.objects_dir = self.root / "objects"
        self.versions_dir = self.root / "versions"
        self.lock_timeout = lock_timeout
        self._manifests: dict[str, Manifest] = {}
        self._lock_owner: int | None = None

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
            raise VersionNotFoundError(version, self.root)
        if version not in self._manifests:
            self._manifests[version] = load_manifest(self._manifest_path(version))
        return self._manifests[version]

    def versions(self) -> list[VersionInfo]:
        """Return every version the store holds, oldest first."""
        infos = []
        for path in sorted(self.versions_dir.glob("*.json")):
            if not VERSION_RE.match(path.stem):
                continue
            manifest = self.manifest(path.stem)
            assert manifest is not None  # a version was given
            counts = {name: info.rows for name, info in manifest.layers.items()}
            infos.append(
                VersionInfo(
                    id=manifest.version,
                    created_at=manifest.created_at,
                    message=manifest.message,
                    parent=manifest.parent,
                    counts=MappingProxyType(counts),
                )
            )
        return sorted(infos, key=lambda info: (info.created_at, info.id))

    # -- reading --------------------------------------------------------------------------

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
        bbox: BBox | None = None,
        columns: Sequence[str] | None = None,
    ) -> Any:
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
            without geometry are dropped). Ignored for ``articles``.
        columns
            Columns to read; the geometry column is always read for geo layers.

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
        window = {"date_from": date_from, "date_to": date_to}
        parts = self.parts_for(layer, version=manifest.version, bbox=bbox, **window)
        use_bbox = bbox if info.geometry is not None else None
        row_filter = date_filter(layer, as_date(date_from), as_date(date_to))
        if not parts:  # no rows match: read the schema of one part with a filter that keeps none
            parts, row_filter, use_bbox = [info.parts[0]], pc.scalar(False), None
        tables = [
            self._read_part(part, info, columns=columns, row_filter=row_filter) for part in parts
        ]
        table = (
            tables[0]
            if len(tables) == 1
            else pa.concat_tables(unify_dates(tables), promote_options="permissive")
        )
        return table_to_frame(table, info.geometry, bbox=use_bbox)

    def read_all(
        self,
        version: str | None = None,
        *,
        columns: Mapping[str, Sequence[str]] = MappingProxyType({}),
    ) -> Layers:
        """Return all layers of `version` (default: current) at once.

        `columns` limits the columns read of some layers (layer → names, as in
        :meth:`read_layer`); the others are read whole, and so is a layer whose parts lack
        one of the names (a store written before that column existed).
        """
        manifest = self.manifest(version)
        pinned = manifest.version if manifest else None
        frames = {}
        for name in LAYERS:
            wanted = columns.get(name)
            try:
                frames[name] = self.read_layer(
                    name, version=pinned, columns=None if wanted is None else list(wanted)
                )
            except ValueError:  # a column these parts do not have: read the layer whole
                frames[name] = self.read_layer(name, version=pinned)
        return Layers(**frames, version=pinned)

    def _read_part(
        self,
        part: PartInfo,
        info: LayerInfo,
        *,
        columns: Sequence[str] | None,
        row_filter: Any,
    ) -> Any:
        """Read one part file as an Arrow table (conversion happens once, for all parts)."""
        path = self._object_path(part.object)
        with reading_part(path):
            schema = pq.read_schema(path)
        wanted = None
        if columns is not None:
            wanted = list(dict.fromkeys(columns))
            unknown = [name for name in wanted if name not in schema.names]
            if unknown:
                msg = f"no column(s) {unknown!r} in this layer; it has {schema.names!r}"
                raise ValueError(msg)
            if info.geometry is not None and info.geometry not in wanted:
                wanted.append(info.geometry)
        elif "bbox" in schema.names and info.geometry is not None:
            wanted = [name for name in schema.names if name != "bbox"]  # GeoParquet covering
        with reading_part(path):
            table = pq.read_table(path, columns=wanted, filters=row_filter)
        return table.replace_schema_metadata(None)

    # -- writing --------------------------------------------------------------------------

    def write(self, layers: Mapping[str, Any], *, message: str) -> str:
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

    def append(self, new: Mapping[str, Any], *, key: str = "id", message: str) -> str:
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
        append: Mapping[str, Any] = MappingProxyType({}),
        replace: Mapping[str, Any] = MappingProxyType({}),
        key: str = "id",
        message: str,
    ) -> str:
        """Append rows to some layers and replace others, as one new version; return its id.

        Layers in `append` gain their rows whose `key` is new, as in :meth:`append` (only the
        parts that receive rows are written); layers in `replace` are written whole, as in
        :meth:`write`; other layers are carried over. This is how an ingest adds a batch to a
        large store without writing its untouched months again.

        Raises
        ------
        ValueError, TypeError
            When a layer name, frame type or CRS is wrong, a layer is in both mappings, or
            an appended frame has no `key` column.
        StoreBusyError
            When another writer holds the lock past `lock_timeout`.
        """
        both = sorted(set(append) & set(replace))
        if both:
            msg = f"layer(s) {', '.join(both)} cannot be both appended to and replaced"
            raise ValueError(msg)
        prepared = {name: prepare_frame(name, frame) for name, frame in append.items()}
        whole = {name: prepare_frame(name, frame) for name, frame in replace.items()}
        for name, frame in prepared.items():
            if key not in frame.columns:
                msg = f"layer {name!r} has no key column {key!r}"
                raise ValueError(msg)
        with self._locked():
            manifest = self.manifest()
            infos = dict(manifest.layers) if manifest else {}
            infos.update({name: self._put_layer(name, frame) for name, frame in whole.items()})
            version = manifest.version if manifest else None
            for name, frame in prepared.items():
                info = infos.get(name)
                fresh = frame.drop_duplicates(subset=[key], keep="first")
                if info is not None:
                    known = self._key_values(info, key)
                    fresh = fresh[~fresh[key].isin(known)]
                    if fresh.empty:
                        continue
                infos[name] = self._merge_layer(name, info, fresh)
            if manifest is not None and infos == dict(manifest.layers):
                return manifest.version
            return self._commit(infos, parent=version, message=message)

    def _key_values(self, info: LayerInfo, key: str) -> set[Any]:
        values: set[Any] = set()
        for part in info.parts:
            path = self._object_path(part.object)
            with reading_part(path):
                values.update(pq.read_table(path, columns=[key]).column(key).to_pylist())
        return values

    def _merge_layer(self, layer: str, info: LayerInfo | None, fresh: Any) -> LayerInfo:
        """Add `fresh` rows to a layer, rewriting only the parts they fall in."""
        if info is None:
            return self._put_layer(layer, fresh)
        by_key = {part.key: part for part in info.parts}

        def merged(item: tuple[str, Any]) -> PartInfo:
            part_key, rows = item
            old = by_key.get(part_key)
            if old is not None and old.rows > 0:
                table = self._read_part(old, info, columns=None, row_filter=None)
                existing = table_to_frame(table, info.geometry, bbox=None)
                rows = pd.concat([existing, rows], ignore_index=True)
            return self._put_part(layer, part_key, canonical_frame(rows, key="id"))

        with ThreadPoolExecutor(max_workers=_WRITERS) as pool:  # reads and writes wait on I/O
            parts = list(pool.map(merged, partition_frame(layer, fresh)))
        by_key.update({part.key: part for part in parts})
        if len(by_key) > 1:  # an empty placeholder part is dropped once real rows arrive
            by_key = {k: p for k, p in by_key.items() if p.rows > 0} or by_key
        return LayerInfo(info.geometry, tuple(by_key[k] for k in sorted(by_key)))

    def _put_layer(self, layer: str, frame: Any) -> LayerInfo:
        partitions = partition_frame(layer, frame)
        parts: tuple[PartInfo, ...]
        if len(partitions) == 1:
            parts = (self._put_part(layer, *partitions[0]),)
        else:  # encoding and fsync wait on I/O and release the GIL: write parts side by side
            with ThreadPoolExecutor(max_workers=_WRITERS) as pool:
                parts = tuple(pool.map(lambda item: self._put_part(layer, *item), partitions))
        geometry = str(frame.geometry.name) if layer in GEO_LAYERS else None
        return LayerInfo(geometry, parts)

    def _put_part(self, layer: str, key: str, frame: Any) -> PartInfo:
        buffer = io.BytesIO()
        if layer in GEO_LAYERS:
            frame.to_parquet(
                buffer, index=False, schema_version=GEOPARQUET_VERSION, write_covering_bbox=True
            )
        else:
            pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), buffer)
        data = buffer.getvalue()
        digest = hashlib.sha256(data).hexdigest()[:32]
        path = self._object_path(digest)
        if not path.is_file():
            write_atomic(path, data)
        date_min, date_max = date_range(layer, frame)
        return PartInfo(digest, key, len(frame), frame_bounds(layer, frame), date_min, date_max)

    def _commit(self, layers: Mapping[str, LayerInfo], *, parent: str | None, message: str) -> str:
        version = version_id(layers)
        path = self._manifest_path(version)
        if not path.is_file():
            manifest = Manifest(
                version=version,
                created_at=datetime.datetime.now(datetime.UTC),
                parent=parent,
                message=message,
                layers={name: layers[name] for name in LAYERS if name in layers},
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
        if keep < 1:
            msg = f"keep must be at least 1, got {keep!r}"
            raise ValueError(msg)
        with self._locked():
            current = self.current_version()
            versions = [info.id for info in self.versions()]
            kept = set(versions[-keep:]) | ({current} if current else set())
            removed = [v for v in versions if v not in kept]
            for version in removed:
                self._manifest_path(version).unlink()
                self._manifests.pop(version, None)
            used: set[str] = set()
            for version in kept:
                manifest = self.manifest(version)
                assert manifest is not None  # a version was given
                used.update(p.object for info in manifest.layers.values() for p in info.parts)
            for path in self.objects_dir.glob("*.parquet"):
                if path.stem not in used:
                    path.unlink()
            for directory in (self.root, self.objects_dir, self.versions_dir):
                for path in directory.glob(f"{TMP_PREFIX}*"):
                    path.unlink()
            return removed

    def check(self, *, deep: bool = False) -> list[str]:
        """Return the problems found in the store, one line each (empty when sound).

        Looks for a missing or bad ``CURRENT``, unreadable manifests, manifests whose id does
        not match their parts, and missing or unreadable part files (row counts from the
        Parquet footers). With `deep`, also re-hashes every part file.
        """
        if not self.root.is_dir():
            what = "is not a directory" if self.root.exists() else "store directory does not exist"
            return [f"{str(self.root)!r}: {what}"]
        if not self._looks_like_store() and any(self.root.iterdir()):
            return [f"{str(self.root)!r}: not a store (no CURRENT, versions/ or objects/ in it)"]
        problems: list[str] = []
        checked: dict[str, str | None] = {}
        manifests: list[Manifest] = []
        for path in sorted(self.versions_dir.glob("*.json")):
            if path.name.startswith(TMP_PREFIX):  # a write in progress, or one killed midway
                continue
            try:
                if not VERSION_RE.match(path.stem):
                    raise StoreCorruptError(path, "file name is not a version id")
                manifest = load_manifest(path)
            except StoreCorruptError as error:
                problems.append(problem_line(error))
                continue
            manifests.append(manifest)
            if version_id(manifest.layers) != manifest.version:
                problems.append(f"{str(path)!r}: version id does not match the parts listed")
            for name, info in manifest.layers.items():
                for part in info.parts:
                    if part.object not in checked:
                        checked[part.object] = self._check_object(part, deep=deep)
                    if checked[part.object] is not None:
                        where = f"(layer {name!r}, version {manifest.version!r})"
                        problems.append(f"{checked[part.object]} {where}")
        try:
            current = self.current_version()
        except StoreCorruptError as error:
            problems.append(problem_line(error))
        else:
            path = self.root / "CURRENT"
            if current is None and manifests:
                problems.append(f"{str(path)!r}: missing while versions exist")
            elif current is not None and not self._manifest_path(current).is_file():
                problems.append(f"{str(path)!r}: names missing version {current!r}")
        return problems

    def repair(self, *, dry_run: bool = False, deep: bool = False) -> RepairReport:
        """Bring the store back to its newest sound version; return what was done.

        A version is sound when its manifest reads, its id matches its parts and every part
        file is there with the rows the manifest says (with `deep`, also the right hash).
        Under the write lock, the repair

        * points ``CURRENT`` at the version it names if that one is sound, else at the newest
          sound version (or removes it when there is none: the store then reads as empty);
        * moves unreadable and unsound manifests, and damaged part files, to ``quarantine/``;
        * removes temporary files and part files that no manifest (in ``versions/`` or
          ``quarantine/``) names, once they are a minute old: writers that crashed left them.
          While any manifest cannot be read, no part file is removed, since it may name any.

        It never removes or moves a part file a sound version uses. Running it again on a
        repaired store changes nothing.

        Parameters
        ----------
        dry_run
            Only report what would be done; change nothing (and take no lock).
        deep
            Also re-hash every part file a manifest names.

        Raises
        ------
        StoreError
            When `root` is missing, is not a directory, or holds files but no store.
        StoreSchemaError
            When a manifest is in another format (nothing is changed then).
        StoreBusyError
            When another writer holds the lock past `lock_timeout`.
        """
        if not self.root.is_dir():
            what = "is not a directory" if self.root.exists() else "does not exist"
            msg = f"no store at {str(self.root)!r}: the path {what}"
            raise StoreError(msg)
        if not self._looks_like_store():
            if any(self.root.iterdir()):
                msg = (
                    f"{str(self.root)!r} holds files but no store (no CURRENT, versions/ or "
                    "objects/); nothing was changed"
                )
                raise StoreError(msg)
            return RepairReport(self.root, dry_run, None, None)
        if dry_run:
            return self._repair(dry_run=True, deep=deep)
        with self._locked():
            return self._repair(dry_run=False, deep=deep)

    def _repair(self, *, dry_run: bool, deep: bool) -> RepairReport:
        now = time.time()
        manifests: dict[str, Manifest] = {}
        moved: list[Path] = []
        for path in sorted(self.versions_dir.glob("*.json")):
            if path.name.startswith(TMP_PREFIX):
                continue
            try:
                if not VERSION_RE.match(path.stem):
                    raise StoreCorruptError(path, "file name is not a version id")
                manifest = load_manifest(path)
            except StoreSchemaError:
                raise
            except StoreCorruptError:
                moved.append(path)
                continue
            manifests[manifest.version] = manifest
        verdicts: dict[tuple[str, int], str | None] = {}
        sound: dict[str, Manifest] = {}
        damaged: set[str] = set()
        for version, manifest in manifests.items():
            ok = version_id(manifest.layers) == version
            for info in manifest.layers.values():
                for part in info.parts:
                    key = (part.object, part.rows)
                    if key not in verdicts:
                        verdicts[key] = self._check_object(part, deep=deep)
                    if verdicts[key] is not None:
                        ok = False
                        damaged.add(part.object)
            if ok:
                sound[version] = manifest
            else:
                moved.append(self._manifest_path(version))
        in_use = {p.object for m in sound.values() for i in m.layers.values() for p in i.parts}
        for digest in sorted(damaged - in_use):
            if self._object_path(digest).is_file():
                moved.append(self._object_path(digest))

        current_path = self.root / "CURRENT"
        if current_path.exists() and not current_path.is_file():
            moved.insert(0, current_path)  # a directory where the pointer should be
        before = read_pointer(current_path)
        current = before if before in sound else None
        if current is None and sound:
            current = max(sound.values(), key=lambda m: (m.created_at, m.version)).version

        removed, kept = self._leftovers(now, moved)
        if not dry_run:
            try:
                if current_path in moved:
                    self._quarantine(current_path)
                if current != before:
                    self._point_current(current)
                for path in moved:
                    if path != current_path:
                        self._quarantine(path)
                for path in removed:
                    path.unlink(missing_ok=True)
            except OSError as error:
                msg = f"repair of {str(self.root)!r} stopped: {error}; run it again once fixed"
                raise StoreError(msg) from error
            self._manifests.clear()
        return RepairReport(
            root=self.root,
            dry_run=dry_run,
            current_before=before,
            current_after=current,
            quarantined=tuple(self._relative(path) for path in moved),
            removed=tuple(self._relative(path) for path in removed),
            kept=tuple(kept),
            problems=tuple(self.check(deep=deep)),
        )

    def _leftovers(self, now: float, moved: Sequence[Path]) -> tuple[list[Path], list[str]]:
        """Return the files crashed writers left (to remove) and notes on those kept."""
        removed: list[Path] = []
        young: list[Path] = []
        for directory in (self.root, self.objects_dir, self.versions_dir):
            for path in sorted(directory.glob(f"{TMP_PREFIX}*")):
                if path.is_file():
                    (young if file_age(path, now) < _ORPHAN_GRACE else removed).append(path)
        named: set[str] = set()
        unreadable: list[Path] = []
        quarantine = self.root / _QUARANTINE
        for path in [*self.versions_dir.glob("*.json"), *quarantine.glob("*.json*")]:
            if path.name.startswith(TMP_PREFIX):
                continue
            digests = object_names(path)
            if digests is None:
                unreadable.append(path)
            else:
                named |= digests
        orphans = [
            path
            for path in sorted(self.objects_dir.glob("*.parquet"))
            if OBJECT_RE.match(path.stem) and path.stem not in named and path not in moved
        ]
        notes: list[str] = []
        if orphans and unreadable:
            reason = f"{self._relative(unreadable[0])} cannot be read and may name them"
            notes.append(f"{len(orphans)} part file(s) no manifest names: {reason}")
        else:
            for path in orphans:
                (young if file_age(path, now) < _ORPHAN_GRACE else removed).append(path)
        if young:
            reason = f"less than {_ORPHAN_GRACE:.0f} s old; a writer may still use them"
            notes.append(f"{len(young)} file(s) left by a writer: {reason}")
        return removed, notes

    def _point_current(self, version: str | None) -> None:
        path = self.root / "CURRENT"
        if version is not None:
            write_atomic(path, f"{version}\n".encode("ascii"))
        elif path.exists():
            path.unlink()
            fsync_directory(self.root)

    def _quarantine(self, path: Path) -> None:
        if not path.exists():
            return
        target_dir = self.root / _QUARANTINE
        if not target_dir.is_dir():
            target_dir.mkdir()
            fsync_directory(self.root)
        target, number = target_dir / path.name, 1
        while target.exists():
            target, number = target_dir / f"{path.name}.{number}", number + 1
        path.replace(target)
        fsync_directory(target_dir)
        fsync_directory(path.parent)

    def _relative(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def _looks_like_store(self) -> bool:
        names = ("CURRENT", "versions", "objects")
        return any((self.root / name).exists() for name in names)

    def _check_object(self, part: PartInfo, *, deep: bool) -> str | None:
        path = self._object_path(part.object)
        if not path.is_file():
            return f"{str(path)!r}: missing part file"
        try:
            rows = pq.read_metadata(path).num_rows
        except (OSError, pa.ArrowException) as error:
            return f"{str(path)!r}: unreadable part file ({error})"
        if rows != part.rows:
            return f"{str(path)!r}: holds {rows} rows, the manifest says {part.rows}"
        if deep and hashlib.sha256(path.read_bytes()).hexdigest()[:32] != part.object:
            return f"{str(path)!r}: content does not match its hash"
        return None

    # -- files ----------------------------------------------------------------------------

    def _ensure_layout(self) -> None:
        for directory in (self.root, self.objects_dir, self.versions_dir):
            if not directory.is_dir():
                directory.mkdir(parents=True, exist_ok=True)
                fsync_directory(directory.parent)  # the new entry survives a power cut

    def _manifest_path(self, version: str) -> Path:
        return self.versions_dir / f"{version}.json"

    def _object_path(self, digest: str) -> Path:
        return self.objects_dir / f"{digest}.parquet"

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
        path = self.root / ".lock"
        timeout = -1 if self.lock_timeout is None else self.lock_timeout
        lock = filelock.FileLock(path, timeout=timeout, thread_local=False)
        try:
            lock.acquire()
        except filelock.Timeout:
            msg = f"another writer holds {str(path)!r}; gave up after {timeout!r} s"
            raise StoreBusyError(msg) from None
        self._lock_owner = me
        try:
            yield
        finally:
            self._lock_owner = None
            lock.release()
