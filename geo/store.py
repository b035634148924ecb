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
import os
import re
import shlex
import tempfile
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
import geopandas as gpd
import numpy as np
import pandas as pd  # type: ignore[import-untyped]  # no pandas-stubs in the environment
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pyproj
import shapely

__all__ = [
    "DATED_LAYERS",
    "DEFAULT_LOCK_TIMEOUT",
    "GEOPARQUET_VERSION",
    "GEO_LAYERS",
    "LAYERS",
    "MANIFEST_FORMAT",
    "STORE_ENV",
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

LAYERS: Final = ("events", "offices", "zones", "places", "articles")
"""The layers a store holds, in display order."""

GEO_LAYERS: Final = frozenset({"events", "offices", "zones", "places"})
"""Layers stored as GeoDataFrames (EPSG:4326); ``bbox`` filters apply to these only."""

DATED_LAYERS: Final = MappingProxyType(
    {"events": ("date_start", "date_end"), "articles": ("published", "published")}
)
"""Layer → (start, end) date columns that ``date_from``/``date_to`` filter on (others: none)."""

MANIFEST_FORMAT: Final = 1
"""Schema version of the manifest files this module writes and reads."""

GEOPARQUET_VERSION: Final = "1.1.0"
"""GeoParquet specification version of the geo parts (with a ``bbox`` covering column)."""

STORE_ENV: Final = "FAULTLINES_STORE"
"""Environment variable naming the default store directory (see `default_store_dir`)."""

DEFAULT_LOCK_TIMEOUT: Final = 60.0
"""Seconds a writer waits for another writer to finish before `StoreBusyError` (default 60)."""

_PARTITION_COLUMNS: Final = MappingProxyType({"events": "date_start", "articles": "ingested_at"})
_WHOLE: Final = "all"
_UNDATED: Final = "unknown"
_CRS: Final = "EPSG:4326"
_VERSION_RE: Final = re.compile(r"[0-9a-f]{12}\Z")
_OBJECT_RE: Final = re.compile(r"[0-9a-f]{32}\Z")
_TMP_PREFIX: Final = ".tmp-"
_QUARANTINE: Final = "quarantine"
_ORPHAN_GRACE: Final = 60.0
"""Seconds a file left by a writer must be old before `Store.repair` removes it."""
_UPGRADE_HINT: Final = "upgrade Faultlines (pip install --upgrade faultlines)"

BBox = tuple[float, float, float, float]


class StoreError(RuntimeError):
    """The store cannot do what was asked (base of the store's errors)."""


class StoreBusyError(StoreError):
    """Another writer holds the store's lock for longer than the timeout."""


class StoreCorruptError(StoreError):
    """A store file (`path`) is missing, unreadable or inconsistent (`problem`).

    When the store directory `root` is known, the message ends with the command that repairs it.
    """

    def __init__(self, path: Path, problem: str, *, root: Path | None = None) -> None:
        message = f"{str(path)!r}: {problem}"
        if root is not None:
            message += f"; to repair: python -m geo store repair --store {shlex.quote(str(root))}"
        super().__init__(message)
        self.path = path
        self.problem = problem
        self.root = root


class StoreSchemaError(StoreCorruptError):
    """A manifest (`path`) is in a format (`found`) other than the one this code reads.

    The message says which way out there is: a newer format needs a newer Faultlines; an older
    one cannot be read any more, so the articles go into a new store again.
    """

    def __init__(self, path: Path, found: int) -> None:
        if found > MANIFEST_FORMAT:
            age, way_out = "a newer", f"{_UPGRADE_HINT}, or use another --store directory"
        else:
            age = "an older"
            way_out = (
                "move the store aside and ingest the articles again into a new one "
                "(python -m geo ingest PATH... --store NEW_DIR)"
            )
        problem = (
            f"written in {age} store format ({found!r}; this Faultlines reads "
            f"{MANIFEST_FORMAT!r}): {way_out}"
        )
        super().__init__(path, problem)
        self.found = found


class VersionNotFoundError(KeyError):
    """A dataset `version` the store at `root` does not hold (never written, pruned, malformed)."""

    def __init__(self, version: str, root: Path) -> None:
        message = f"dataset version {version!r} is not in the store at {str(root)!r}"
        super().__init__(message)
        self.version = version
        self.message = message

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True, slots=True)
class PartInfo:
    """One part file of a layer, with the stats reads use to skip it.

    Attributes
    ----------
    object
        Hash naming the file ``objects/<object>.parquet``.
    key
        Partition key: ``YYYY-MM``, ``unknown`` (no date) or ``all`` (unpartitioned layer).
    rows
        Number of rows.
    bbox
        ``(minx, miny, maxx, maxy)`` of its geometries; None when it has none.
    date_min, date_max
        Earliest start and latest end of its rows (`DATED_LAYERS`); None when undated.
    """

    object: str
    key: str
    rows: int
    bbox: BBox | None = None
    date_min: datetime.date | None = None
    date_max: datetime.date | None = None


@dataclass(frozen=True, slots=True)
class LayerInfo:
    """One layer of a version: its parts, ordered by key.

    Attributes
    ----------
    geometry
        Name of the geometry column, None for a plain table.
    parts
        The part files.
    """

    geometry: str | None
    parts: tuple[PartInfo, ...]

    @property
    def rows(self) -> int:
        """Number of rows over all parts."""
        return sum(part.rows for part in self.parts)


@dataclass(frozen=True, slots=True)
class Manifest:
    """The record of one version: what it holds and where it came from.

    Attributes
    ----------
    version
        Its id (12 hex digits).
    created_at
        When it was first written (UTC).
    parent
        The version that was current when it was written, None for the first.
    message
        What the writer said it was.
    layers
        Layer name → `LayerInfo`; a layer never written is absent.
    """

    version: str
    created_at: datetime.datetime
    parent: str | None
    message: str
    layers: Mapping[str, LayerInfo] = field(hash=False)


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
    value = os.environ.get(STORE_ENV, "").strip()
    return Path(value or "data").expanduser().absolute()


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
        if not _VERSION_RE.match(text):
            problem = f"does not name a version: {text[:40]!r}"
            raise StoreCorruptError(path, problem, root=self.root)
        return text

    def has_version(self, version: str) -> bool:
        """Return whether `version` is a well-formed id whose manifest the store holds."""
        return bool(_VERSION_RE.match(version)) and self._manifest_path(version).is_file()

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
            self._manifests[version] = _load_manifest(self._manifest_path(version))
        return self._manifests[version]

    def versions(self) -> list[VersionInfo]:
        """Return every version the store holds, oldest first."""
        infos = []
        for path in sorted(self.versions_dir.glob("*.json")):
            if not _VERSION_RE.match(path.stem):
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
        _check_layer(layer)
        manifest = self.manifest(version)
        info = manifest.layers.get(layer) if manifest else None
        if info is None:
            return []
        date_from, date_to = _as_date(date_from), _as_date(date_to)
        windowed = layer in DATED_LAYERS and (date_from is not None or date_to is not None)
        spatial = bbox if info.geometry is not None else None
        if spatial is not None:
            _check_bbox(spatial)
        selected = []
        for part in info.parts:
            if windowed:
                if part.date_min is None or part.date_max is None:
                    continue
                if (date_from is not None and part.date_max < date_from) or (
                    date_to is not None and part.date_min > date_to
                ):
                    continue
            if spatial and (part.bbox is None or not _overlaps(part.bbox, spatial)):
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
            _check_layer(layer)
            return _empty(layer)
        window = {"date_from": date_from, "date_to": date_to}
        parts = self.parts_for(layer, version=manifest.version, bbox=bbox, **window)
        use_bbox = bbox if info.geometry is not None else None
        row_filter = _date_filter(layer, _as_date(date_from), _as_date(date_to))
        if not parts:  # no rows match: read the schema of one part with a filter that keeps none
            parts, row_filter, use_bbox = [info.parts[0]], pc.scalar(False), None
        tables = [
            self._read_part(part, info, columns=columns, row_filter=row_filter) for part in parts
        ]
        table = (
            tables[0]
            if len(tables) == 1
            else pa.concat_tables(_unify_dates(tables), promote_options="permissive")
        )
        return _table_to_frame(table, info.geometry, bbox=use_bbox)

    def read_all(self, version: str | None = None) -> Layers:
        """Return all layers of `version` (default: current) at once."""
        manifest = self.manifest(version)
        pinned = manifest.version if manifest else None
        frames = {name: self.read_layer(name, version=pinned) for name in LAYERS}
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
        with _reading(path):
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
        with _reading(path):
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
        prepared = {name: _prepare(name, frame) for name, frame in layers.items()}
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
        base: Layers | None = None,
    ) -> str:
        """Append rows to some layers and replace others, as one new version; return its id.

        Layers in `append` gain their rows whose `key` is new, as in :meth:`append` (only the
        parts that receive rows are written); layers in `replace` are written whole, as in
        :meth:`write`; other layers are carried over. This is how an ingest adds a batch to a
        large store without writing its untouched months again. `base`, the current version's
        layers when the caller has already read them, spares reading the parts that grow (it
        is ignored unless it is the current version).

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
        prepared = {name: _prepare(name, frame) for name, frame in append.items()}
        whole = {name: _prepare(name, frame) for name, frame in replace.items()}
        for name, frame in prepared.items():
            if key not in frame.columns:
                msg = f"layer {name!r} has no key column {key!r}"
                raise ValueError(msg)
        with self._locked():
            manifest = self.manifest()
            infos = dict(manifest.layers) if manifest else {}
            infos.update({name: self._put_layer(name, frame) for name, frame in whole.items()})
            version = manifest.version if manifest else None
            current = base if base is not None and base.version == version else None
            for name, frame in prepared.items():
                info = infos.get(name)
                fresh = frame.drop_duplicates(subset=[key], keep="first")
                stored = None if current is None or info is None else getattr(current, name)
                if info is not None:
                    known = set(stored[key]) if stored is not None else self._key_values(info, key)
                    fresh = fresh[~fresh[key].isin(known)]
                    if fresh.empty:
                        continue
                infos[name] = self._merge_layer(name, info, fresh, stored)
            if manifest is not None and infos == dict(manifest.layers):
                return manifest.version
            return self._commit(infos, parent=version, message=message)

    def _key_values(self, info: LayerInfo, key: str) -> set[Any]:
        values: set[Any] = set()
        for part in info.parts:
            path = self._object_path(part.object)
            with _reading(path):
                values.update(pq.read_table(path, columns=[key]).column(key).to_pylist())
        return values

    def _merge_layer(
        self, layer: str, info: LayerInfo | None, fresh: Any, stored: Any | None = None
    ) -> LayerInfo:
        """Add `fresh` rows to a layer, rewriting only the parts they fall in.

        `stored` is the layer as read from the current version, when the caller has it: its
        rows stand in for reading the parts that grow.
        """
        if info is None:
            return self._put_layer(layer, fresh)
        by_key = {part.key: part for part in info.parts}
        partitions = _partition(layer, fresh)
        held: dict[str, Any] = {}
        if stored is not None and len(stored):
            wanted = {part_key for part_key, _ in partitions}
            held = {k: rows for k, rows in _partition(layer, stored) if k in wanted}

        def merged(item: tuple[str, Any]) -> PartInfo:
            part_key, rows = item
            old = by_key.get(part_key)
            if old is not None and old.rows > 0:
                if part_key in held:
                    existing = held[part_key]
                else:
                    table = self._read_part(old, info, columns=None, row_filter=None)
                    existing = _table_to_frame(table, info.geometry, bbox=None)
                rows = pd.concat([existing, rows], ignore_index=True)
            return self._put_part(layer, part_key, _canonical(rows, key="id"))

        with ThreadPoolExecutor(max_workers=_WRITERS) as pool:  # writes wait on I/O
            parts = list(pool.map(merged, partitions))
        by_key.update({part.key: part for part in parts})
        if len(by_key) > 1:  # an empty placeholder part is dropped once real rows arrive
            by_key = {k: p for k, p in by_key.items() if p.rows > 0} or by_key
        return LayerInfo(info.geometry, tuple(by_key[k] for k in sorted(by_key)))

    def _put_layer(self, layer: str, frame: Any) -> LayerInfo:
        partitions = _partition(layer, frame)
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
            _write_atomic(path, data)
        date_min, date_max = _date_range(layer, frame)
        return PartInfo(digest, key, len(frame), _bounds(layer, frame), date_min, date_max)

    def _commit(self, layers: Mapping[str, LayerInfo], *, parent: str | None, message: str) -> str:
        version = _version_id(layers)
        path = self._manifest_path(version)
        if not path.is_file():
            manifest = Manifest(
                version=version,
                created_at=datetime.datetime.now(datetime.UTC),
                parent=parent,
                message=message,
                layers={name: layers[name] for name in LAYERS if name in layers},
            )
            data = json.dumps(_manifest_to_json(manifest), indent=1, ensure_ascii=False)
            _write_atomic(path, data.encode("utf-8") + b"\n")
        if parent != version:
            _write_atomic(self.root / "CURRENT", f"{version}\n".encode("ascii"))
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
                for path in directory.glob(f"{_TMP_PREFIX}*"):
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
            if path.name.startswith(_TMP_PREFIX):  # a write in progress, or one killed midway
                continue
            try:
                if not _VERSION_RE.match(path.stem):
                    raise StoreCorruptError(path, "file name is not a version id")
                manifest = _load_manifest(path)
            except StoreCorruptError as error:
                problems.append(_problem_line(error))
                continue
            manifests.append(manifest)
            if _version_id(manifest.layers) != manifest.version:
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
            problems.append(_problem_line(error))
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
            if path.name.startswith(_TMP_PREFIX):
                continue
            try:
                if not _VERSION_RE.match(path.stem):
                    raise StoreCorruptError(path, "file name is not a version id")
                manifest = _load_manifest(path)
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
            ok = _version_id(manifest.layers) == version
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
        before = _read_pointer(current_path)
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
            for path in sorted(directory.glob(f"{_TMP_PREFIX}*")):
                if path.is_file():
                    (young if _age(path, now) < _ORPHAN_GRACE else removed).append(path)
        named: set[str] = set()
        unreadable: list[Path] = []
        quarantine = self.root / _QUARANTINE
        for path in [*self.versions_dir.glob("*.json"), *quarantine.glob("*.json*")]:
            if path.name.startswith(_TMP_PREFIX):
                continue
            digests = _object_names(path)
            if digests is None:
                unreadable.append(path)
            else:
                named |= digests
        orphans = [
            path
            for path in sorted(self.objects_dir.glob("*.parquet"))
            if _OBJECT_RE.match(path.stem) and path.stem not in named and path not in moved
        ]
        notes: list[str] = []
        if orphans and unreadable:
            reason = f"{self._relative(unreadable[0])} cannot be read and may name them"
            notes.append(f"{len(orphans)} part file(s) no manifest names: {reason}")
        else:
            for path in orphans:
                (young if _age(path, now) < _ORPHAN_GRACE else removed).append(path)
        if young:
            reason = f"less than {_ORPHAN_GRACE:.0f} s old; a writer may still use them"
            notes.append(f"{len(young)} file(s) left by a writer: {reason}")
        return removed, notes

    def _point_current(self, version: str | None) -> None:
        path = self.root / "CURRENT"
        if version is not None:
            _write_atomic(path, f"{version}\n".encode("ascii"))
        elif path.exists():
            path.unlink()
            _fsync_directory(self.root)

    def _quarantine(self, path: Path) -> None:
        if not path.exists():
            return
        target_dir = self.root / _QUARANTINE
        if not target_dir.is_dir():
            target_dir.mkdir()
            _fsync_directory(self.root)
        target, number = target_dir / path.name, 1
        while target.exists():
            target, number = target_dir / f"{path.name}.{number}", number + 1
        path.replace(target)
        _fsync_directory(target_dir)
        _fsync_directory(path.parent)

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
                _fsync_directory(directory.parent)  # the new entry survives a power cut

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


# -- frames -------------------------------------------------------------------------------


def _check_layer(layer: str) -> None:
    if layer not in LAYERS:
        msg = f"unknown layer {layer!r}; the store holds {', '.join(LAYERS)}"
        raise ValueError(msg)


def _prepare(layer: str, frame: Any) -> Any:
    """Validate `frame` for `layer` and return it in canonical form."""
    _check_layer(layer)
    is_geo = isinstance(frame, gpd.GeoDataFrame)
    if layer in GEO_LAYERS and not is_geo:
        msg = f"layer {layer!r} must be a GeoDataFrame, got {type(frame).__name__!r}"
        raise TypeError(msg)
    if layer not in GEO_LAYERS and (is_geo or not isinstance(frame, pd.DataFrame)):
        msg = f"layer {layer!r} must be a plain DataFrame, got {type(frame).__name__!r}"
        raise TypeError(msg)
    if is_geo:
        if frame.crs is None:
            frame = frame.set_crs(_CRS)
        elif not frame.crs.equals(_CRS):
            msg = f"layer {layer!r} must be in {_CRS}, got {frame.crs.to_string()!r}"
            raise ValueError(msg)
    return _canonical(frame, key="id")


def _canonical(frame: Any, *, key: str) -> Any:
    """Return `frame` with a plain index, text columns as ``str`` and rows sorted by `key`."""
    frame = frame.reset_index(drop=True)
    for name in frame.columns:
        column = frame[name]
        if column.dtype == object and pd.api.types.infer_dtype(column, skipna=True) == "string":
            frame[name] = column.astype("str")
    if key in frame.columns and len(frame) > 1:
        frame = frame.sort_values(key, kind="stable", ignore_index=True)
    return frame


def _partition(layer: str, frame: Any) -> list[tuple[str, Any]]:
    column = _PARTITION_COLUMNS.get(layer)
    if column is None:
        return [(_WHOLE, frame)]
    if frame.empty:
        return [(_UNDATED, frame)]
    if column in frame.columns:
        keys = _timestamps(frame[column]).dt.strftime("%Y-%m").fillna(_UNDATED)
    else:
        keys = pd.Series(_UNDATED, index=frame.index)
    return [(str(key), rows.reset_index(drop=True)) for key, rows in frame.groupby(keys.to_numpy())]


def _timestamps(column: Any) -> Any:
    stamps = pd.to_datetime(column, errors="coerce", format="ISO8601", utc=True)
    return stamps.dt.tz_localize(None)


def _date_range(layer: str, frame: Any) -> tuple[datetime.date | None, datetime.date | None]:
    columns = DATED_LAYERS.get(layer)
    if columns is None or not set(columns) <= set(frame.columns) or frame.empty:
        return None, None
    start, end = _timestamps(frame[columns[0]]), _timestamps(frame[columns[1]])
    low, high = start.fillna(end).min(), end.fillna(start).max()
    if pd.isna(low) or pd.isna(high):
        return None, None
    return low.date(), high.date()


def _bounds(layer: str, frame: Any) -> BBox | None:
    if layer not in GEO_LAYERS:
        return None
    geometry = frame.geometry
    present = geometry[~(geometry.isna() | geometry.is_empty)]
    if present.empty:
        return None
    minx, miny, maxx, maxy = (float(v) for v in present.total_bounds)
    return (minx, miny, maxx, maxy)


def _empty(layer: str) -> Any:
    if layer in GEO_LAYERS:
        return gpd.GeoDataFrame(geometry=gpd.GeoSeries([], crs=_CRS))
    return pd.DataFrame()


def _date_filter(layer: str, date_from: datetime.date | None, date_to: datetime.date | None) -> Any:
    columns = DATED_LAYERS.get(layer)
    if columns is None or (date_from is None and date_to is None):
        return None
    start = pc.field(columns[0]).cast(pa.date32())
    end = pc.field(columns[1]).cast(pa.date32())
    conditions = []
    if date_to is not None:
        conditions.append(pc.coalesce(start, end) <= pa.scalar(date_to, pa.date32()))
    if date_from is not None:
        conditions.append(pc.coalesce(end, start) >= pa.scalar(date_from, pa.date32()))
    expression = conditions[0]
    for condition in conditions[1:]:
        expression = expression & condition
    return expression


def _as_date(value: datetime.date | None) -> datetime.date | None:
    return value.date() if isinstance(value, datetime.datetime) else value


def _check_bbox(bbox: BBox) -> None:
    minx, miny, maxx, maxy = bbox
    if not (minx <= maxx and miny <= maxy):
        msg = f"bbox must be (minx, miny, maxx, maxy) with min <= max, got {bbox!r}"
        raise ValueError(msg)


def _overlaps(a: BBox, b: BBox) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def _is_list_type(kind: Any) -> bool:
    return bool(
        pa.types.is_list(kind) or pa.types.is_large_list(kind) or pa.types.is_fixed_size_list(kind)
    )


# -- manifests and files ------------------------------------------------------------------


def _manifest_to_json(manifest: Manifest) -> dict[str, Any]:
    def part_json(part: PartInfo) -> dict[str, Any]:
        dates = {"date_min": part.date_min, "date_max": part.date_max}
        return {
            **{"object": part.object, "key": part.key, "rows": part.rows},
            "bbox": list(part.bbox) if part.bbox else None,
            **{name: value.isoformat() if value else None for name, value in dates.items()},
        }

    layers = {
        name: {
            "geometry": info.geometry,
            "rows": info.rows,
            "parts": list(map(part_json, info.parts)),
        }
        for name, info in manifest.layers.items()
    }
    head = {"format": MANIFEST_FORMAT, "version": manifest.version}
    return {
        **head,
        "created_at": manifest.created_at.isoformat(),
        "parent": manifest.parent,
        "message": manifest.message,
        "layers": layers,
    }


def _load_manifest(path: Path) -> Manifest:
    """Read and validate the manifest at `path`."""
    root = path.parent.parent
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise StoreCorruptError(path, "missing manifest", root=root) from error
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise StoreCorruptError(path, f"unreadable manifest ({error})", root=root) from error
    found = data.get("format") if isinstance(data, dict) else None
    if isinstance(found, int) and not isinstance(found, bool) and found != MANIFEST_FORMAT:
        raise StoreSchemaError(path, found)
    try:
        if found != MANIFEST_FORMAT:
            msg = f"no valid format number ({found!r})"
            raise ValueError(msg)
        if data["version"] != path.stem:
            raise StoreCorruptError(path, f"holds version {data['version']!r}, not {path.stem!r}")
        layers = {}
        for name, info in dict(data["layers"]).items():
            _check_layer(name)
            geometry = None if info["geometry"] is None else str(info["geometry"])
            layers[name] = LayerInfo(geometry, tuple(map(_part_from_json, info["parts"])))
        created_at = datetime.datetime.fromisoformat(data["created_at"])
        if created_at.tzinfo is None:  # written by hand: take it as UTC so versions sort
            created_at = created_at.replace(tzinfo=datetime.UTC)
        return Manifest(
            version=path.stem,
            created_at=created_at,
            parent=None if data["parent"] is None else str(data["parent"]),
            message=str(data["message"]),
            layers=MappingProxyType(layers),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise StoreCorruptError(path, f"malformed manifest ({error!r})", root=root) from error


def _problem_line(error: StoreCorruptError) -> str:
    """Return `error` as one `Store.check` line (without the repair command)."""
    return f"{str(error.path)!r}: {error.problem}"


def _read_pointer(path: Path) -> str | None:
    """Return what the ``CURRENT`` file at `path` says (40 characters at most), None if absent."""
    try:
        return path.read_bytes()[:40].decode("ascii", errors="replace").strip()
    except FileNotFoundError:
        return None
    except OSError as error:  # a directory, or unreadable
        return f"<unreadable: {error.strerror}>"


def _object_names(path: Path) -> set[str] | None:
    """Return every part hash named anywhere in the manifest at `path`, None if unreadable.

    Any string of 32 hex digits counts, whatever the manifest's format, so that nothing a
    manifest might use is taken for unused.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    names: set[str] = set()
    stack: list[Any] = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str) and _OBJECT_RE.match(item):
            names.add(item)
    return names


def _age(path: Path, now: float) -> float:
    try:
        return now - path.stat().st_mtime
    except FileNotFoundError:
        return 0.0


def _part_from_json(data: Mapping[str, Any]) -> PartInfo:
    digest, bbox, low, high = data["object"], data["bbox"], data["date_min"], data["date_max"]
    if not (isinstance(digest, str) and _OBJECT_RE.match(digest)):
        msg = f"bad part hash {digest!r}"
        raise ValueError(msg)
    return PartInfo(
        object=digest,
        key=str(data["key"]),
        rows=int(data["rows"]),
        bbox=None
        if bbox is None
        else (float(bbox[0]), float(bbox[1]), float(bbox[2]), float(bbox[3])),
        date_min=None if low is None else datetime.date.fromisoformat(low),
        date_max=None if high is None else datetime.date.fromisoformat(high),
    )


def _version_id(layers: Mapping[str, LayerInfo]) -> str:
    pairs = sorted((name, part.object) for name, info in layers.items() for part in info.parts)
    text = "\n".join(f"{name}\t{digest}" for name, digest in pairs)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


@contextmanager
def _reading(path: Path) -> Iterator[None]:
    """Turn a failure to read the part file at `path` into a `StoreCorruptError`."""
    root = path.parent.parent
    try:
        yield
    except FileNotFoundError as error:
        raise StoreCorruptError(path, "missing part file", root=root) from error
    except (OSError, pa.ArrowException) as error:
        raise StoreCorruptError(path, f"unreadable part file ({error})", root=root) from error


def _write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that readers see the old file or the whole new one."""
    descriptor, name = tempfile.mkstemp(prefix=_TMP_PREFIX, suffix=path.suffix, dir=path.parent)
    temporary = Path(name)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _fsync_directory(path.parent)


def _fsync_directory(directory: Path) -> None:
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:  # directories cannot be opened on some platforms (Windows)
        return
    try:
        os.fsync(descriptor)
    except OSError:  # some file systems refuse to flush directories; the rename still holds
        pass
    finally:
        os.close(descriptor)


#: Part files written at once by one store write.
_WRITERS = 8

#: The one CRS of every geo layer, parsed once (pyproj takes ~50 ms per parse).
_CRS_4326 = pyproj.CRS.from_epsg(4326)


def _unify_dates(tables: list[Any]) -> list[Any]:
    """Cast date columns to the timestamp type other parts store the same column as.

    Parts written from frames of plain dates hold ``date32``; parts written from
    ``datetime64`` columns (or columns with no date at all) hold timestamps, and Arrow will not
    merge the two by itself.
    """
    stamps: dict[str, Any] = {}
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


def _table_to_frame(table: Any, geometry: str | None, *, bbox: BBox | None) -> Any:
    """Convert an Arrow table read from parts into the layer's (Geo)DataFrame."""
    # list columns become Python lists straight from Arrow (pandas would make numpy arrays)
    lists = [column.name for column in table.schema if _is_list_type(column.type)]
    frame = table.drop_columns(lists).to_pandas() if lists else table.to_pandas()
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
