"""Keep the map layers as versioned GeoParquet: content-addressed parts, manifests, atomic writes.

Layout of a store directory::

    STORE/
      CURRENT                  the current version id, one line, replaced atomically
      .lock                    held by a writer (filelock); a second writer waits or gives up
      objects/<hash>.parquet   immutable part files, named by the SHA-256 of their bytes
      versions/<version>.json  one manifest per version: per layer, its parts and their stats

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
import tempfile
from collections.abc import Iterator, Mapping, Sequence
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
    "Store",
    "StoreBusyError",
    "StoreCorruptError",
    "StoreError",
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

BBox = tuple[float, float, float, float]


class StoreError(RuntimeError):
    """The store cannot do what was asked (base of the store's errors)."""


class StoreBusyError(StoreError):
    """Another writer holds the store's lock for longer than the timeout."""


class StoreCorruptError(StoreError):
    """A store file (`path`) is missing, unreadable or inconsistent (`problem`)."""

    def __init__(self, path: Path, problem: str) -> None:
        message = f"{str(path)!r}: {problem}"
        super().__init__(message)
        self.path = path
        self.problem = problem


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
            raise StoreCorruptError(path, f"unreadable ({error})") from error
        if not _VERSION_RE.match(text):
            raise StoreCorruptError(path, f"does not name a version: {text[:40]!r}")
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
                raise StoreCorruptError(self.root / "CURRENT", f"names missing version {version!r}")
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
        frames = [
            self._read_part(part, info, columns=columns, row_filter=row_filter, bbox=use_bbox)
            for part in parts
        ]
        if len(frames) == 1:
            return frames[0]
        return pd.concat(frames, ignore_index=True)

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
        bbox: BBox | None,
    ) -> Any:
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
        with _reading(path):
            if info.geometry is not None:
                frame = gpd.read_parquet(path, columns=wanted, filters=row_filter, bbox=bbox)
            else:
                frame = pq.read_table(path, columns=wanted, filters=row_filter).to_pandas()
        for column in schema:
            if column.name in frame.columns and _is_list_type(column.type):
                frame[column.name] = frame[column.name].map(_as_list)
        return frame

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
        prepared = {name: _prepare(name, frame) for name, frame in new.items()}
        for name, frame in prepared.items():
            if key not in frame.columns:
                msg = f"layer {name!r} has no key column {key!r}"
                raise ValueError(msg)
        with self._locked():
            base = self.manifest()
            infos = dict(base.layers) if base else {}
            for name, frame in prepared.items():
                info = infos.get(name)
                fresh = frame.drop_duplicates(subset=[key], keep="first")
                if info is not None:
                    known = self._key_values(info, key)
                    fresh = fresh[~fresh[key].isin(known)]
                    if fresh.empty:
                        continue
                infos[name] = self._merge_layer(name, info, fresh)
            if base is not None and infos == dict(base.layers):
                return base.version
            return self._commit(infos, parent=base.version if base else None, message=message)

    def _key_values(self, info: LayerInfo, key: str) -> set[Any]:
        values: set[Any] = set()
        for part in info.parts:
            path = self._object_path(part.object)
            with _reading(path):
                values.update(pq.read_table(path, columns=[key]).column(key).to_pylist())
        return values

    def _merge_layer(self, layer: str, info: LayerInfo | None, fresh: Any) -> LayerInfo:
        if info is None:
            return self._put_layer(layer, fresh)
        by_key = {part.key: part for part in info.parts}
        for part_key, rows in _partition(layer, fresh):
            old = by_key.get(part_key)
            if old is not None and old.rows > 0:
                stored = self._read_part(old, info, columns=None, row_filter=None, bbox=None)
                rows = pd.concat([stored, rows], ignore_index=True)
            by_key[part_key] = self._put_part(layer, part_key, _canonical(rows, key="id"))
        if len(by_key) > 1:  # an empty placeholder part is dropped once real rows arrive
            by_key = {k: p for k, p in by_key.items() if p.rows > 0} or by_key
        return LayerInfo(info.geometry, tuple(by_key[k] for k in sorted(by_key)))

    def _put_layer(self, layer: str, frame: Any) -> LayerInfo:
        parts = tuple(self._put_part(layer, key, rows) for key, rows in _partition(layer, frame))
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
            return [f"{str(self.root)!r}: store directory does not exist"]
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
                problems.append(str(error))
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
            problems.append(str(error))
        else:
            path = self.root / "CURRENT"
            if current is None and manifests:
                problems.append(f"{str(path)!r}: missing while versions exist")
            elif current is not None and not self._manifest_path(current).is_file():
                problems.append(f"{str(path)!r}: names missing version {current!r}")
        return problems

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
            directory.mkdir(parents=True, exist_ok=True)

    def _manifest_path(self, version: str) -> Path:
        return self.versions_dir / f"{version}.json"

    def _object_path(self, digest: str) -> Path:
        return self.objects_dir / f"{digest}.parquet"

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self._ensure_layout()
        path = self.root / ".lock"
        timeout = -1 if self.lock_timeout is None else self.lock_timeout
        lock = filelock.FileLock(path, timeout=timeout, thread_local=False)
        try:
            lock.acquire()
        except filelock.Timeout:
            msg = f"another writer holds {str(path)!r}; gave up after {timeout!r} s"
            raise StoreBusyError(msg) from None
        try:
            yield
        finally:
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


def _as_list(value: Any) -> Any:
    return value.tolist() if isinstance(value, np.ndarray) else value


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
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise StoreCorruptError(path, "missing manifest") from error
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise StoreCorruptError(path, f"unreadable manifest ({error})") from error
    try:
        if data["format"] != MANIFEST_FORMAT:
            msg = f"manifest format {data['format']!r}, this code reads {MANIFEST_FORMAT!r}"
            raise StoreCorruptError(path, msg)
        if data["version"] != path.stem:
            raise StoreCorruptError(path, f"holds version {data['version']!r}, not {path.stem!r}")
        layers = {}
        for name, info in dict(data["layers"]).items():
            _check_layer(name)
            geometry = None if info["geometry"] is None else str(info["geometry"])
            layers[name] = LayerInfo(geometry, tuple(map(_part_from_json, info["parts"])))
        return Manifest(
            version=path.stem,
            created_at=datetime.datetime.fromisoformat(data["created_at"]),
            parent=None if data["parent"] is None else str(data["parent"]),
            message=str(data["message"]),
            layers=MappingProxyType(layers),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise StoreCorruptError(path, f"malformed manifest ({error!r})") from error


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
    try:
        yield
    except FileNotFoundError as error:
        raise StoreCorruptError(path, "missing part file") from error
    except (OSError, pa.ArrowException) as error:
        raise StoreCorruptError(path, f"unreadable part file ({error})") from error


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
