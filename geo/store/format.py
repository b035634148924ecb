"""The on-disk format of a store (see `geo.store.store`): constants, errors, records and files.

What a store directory holds and how its files are named, the errors its readers raise, the
records a manifest is made of (`PartInfo`, `LayerInfo`, `Manifest`), and the functions that
read and write manifests and other files atomically. `geo.store.store.Store` builds on them.
"""

from __future__ import annotations

import datetime
import errno
import hashlib
import json
import os
import re
import secrets
import shlex
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

import filelock
import pyarrow as pa

from geo.errors import FaultlinesError
from geo.records import CRS, MAP_LAYERS

__all__ = [
    "BUCKETED_TABLES",
    "COMMITS_DIR",
    "CRS",
    "DATED_LAYERS",
    "GEOPARQUET_VERSION",
    "GEO_LAYERS",
    "LAYERS",
    "MANIFEST_FORMAT",
    "OBJECT_RE",
    "OLD_FORMATS",
    "OLD_LAYOUT_DIR",
    "PARTITION_COLUMNS",
    "TABLES",
    "TMP_PREFIX",
    "UNDATED",
    "UNSEALED_FORMAT",
    "VERSION_RE",
    "WHOLE",
    "BBox",
    "LayerInfo",
    "Manifest",
    "PartInfo",
    "PartVerifier",
    "StoreBusyError",
    "StoreCorruptError",
    "StoreError",
    "StoreSchemaError",
    "VersionNotFoundError",
    "chain_order",
    "check_layer",
    "describe_os_error",
    "file_age",
    "fsync_directory",
    "holding_lock",
    "load_manifest",
    "manifest_checksum",
    "manifest_to_json",
    "object_names",
    "part_root",
    "problem_line",
    "read_pointer",
    "reading_part",
    "refuse_old_layout",
    "shown_name",
    "version_id",
    "write_atomic",
]

LAYERS: Final = (*MAP_LAYERS, "articles")
"""The layers a store holds, in display order."""

TABLES: Final = (
    "zone_days",
    "place_tallies",
    "event_tallies",
    "event_codes",
    "zone_sums",
    "zone_scores",
)
"""Plain tables a version may hold beside its layers: small sums of a layer that others are
kept up to date from (the zones' tables, ``geo.layers.aggregates``) or that a page reads
instead of the layer (its summary, ``geo.layers.summary``). Versioned with the layers, one
part each (`BUCKETED_TABLES` more); a store written before them lacks them."""

GEO_LAYERS: Final = frozenset(MAP_LAYERS)
"""Layers stored as GeoDataFrames (EPSG:4326); ``bbox`` filters apply to these only."""

DATED_LAYERS: Final = MappingProxyType(
    {"events": ("date_start", "date_end"), "articles": ("published", "published")}
)
"""Layer → (start, end) date columns that ``date_from``/``date_to`` filter on (others: none)."""

MANIFEST_FORMAT: Final = 3
"""Schema version of the manifest files this module writes (3: in ``commits/``, each layer
with the version of its Delta table)."""

OLD_FORMATS: Final = (1, 2)
"""Manifest formats of the older layout (``objects/`` and ``versions/``; 1 without a
``checksum``) that ``python -m geo store migrate`` converts (`geo.store.migrate`)."""

UNSEALED_FORMAT: Final = 1
"""The oldest manifest format, without a ``checksum`` (read only by the migration)."""

GEOPARQUET_VERSION: Final = "1.1.0"
"""GeoParquet specification version of the geo parts (with a ``bbox`` covering column)."""

PARTITION_COLUMNS: Final = MappingProxyType({"events": "date_start", "articles": "ingested_at"})
"""Layer → the date column whose month keys its parts (other layers: one ``all`` part)."""

BUCKETED_TABLES: Final = MappingProxyType({"zone_days": ("zone_id", 32)})
"""Table → (column, buckets): its rows are split into that many parts by a hash of the column
(keyed ``<column>-NN``), so that a write touching a few values rewrites only their parts, and
rows may be added beside a bucket's parts (:meth:`geo.store.store.Store.update`'s ``add``).
A table written before (one ``all`` part) is read as it is and split at its next write."""

WHOLE: Final = "all"
"""Part key of the one part of an unpartitioned layer."""

UNDATED: Final = "unknown"
"""Part key of the rows of a partitioned layer that have no date."""

VERSION_RE: Final = re.compile(r"[0-9a-f]{12}\Z")
"""Matches a well-formed version id: 12 hex digits."""

OBJECT_RE: Final = re.compile(r"[0-9a-f]{32}\Z")
"""Matches a well-formed part hash: 32 hex digits."""

COMMITS_DIR: Final = "commits"
"""The folder of a store holding one manifest (commit record) per version."""

OLD_LAYOUT_DIR: Final = "versions"
"""The manifest folder of the older layout (`OLD_FORMATS`); its presence marks such a store."""

TMP_PREFIX: Final = ".tmp-"
"""Name prefix of the temporary files that writes rename into place."""

_UPGRADE_HINT: Final = "upgrade Faultlines (pip install --upgrade faultlines)"

BBox = tuple[float, float, float, float]


class StoreError(FaultlinesError, RuntimeError):
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

    The message says which way out there is: a newer format needs a newer Faultlines; the
    older layout (`OLD_FORMATS`, with `root` its store directory) is converted by
    ``python -m geo store migrate``; an older one cannot be read any more, so the articles go
    into a new store again.
    """

    def __init__(self, path: Path, found: int, *, root: Path | None = None) -> None:
        if found > MANIFEST_FORMAT:
            age, way_out = "a newer", f"{_UPGRADE_HINT}, or use another --store directory"
        elif found in OLD_FORMATS and root is not None:
            age = "an older"
            way_out = (
                "convert it (every version stays readable) with: "
                f"python -m geo store migrate --store {shlex.quote(str(root))}"
            )
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


class VersionNotFoundError(FaultlinesError, KeyError):
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
        Hash naming the file ``tables/<layer>/<object>.parquet``.
    key
        Partition key: ``YYYY-MM``, ``unknown`` (no date), ``all`` (unpartitioned layer) or
        ``<column>-NN`` (a bucket of `BUCKETED_TABLES`); ``+<hash>`` follows for a part added
        beside a partition's others.
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
    """One layer of a version: its parts, ordered by key, and its Delta table's version.

    Attributes
    ----------
    geometry
        Name of the geometry column, None for a plain table.
    parts
        The part files.
    table_version
        The version of the layer's Delta table that holds exactly these parts (None until
        the version is committed, and in manifests of `OLD_FORMATS`).
    """

    geometry: str | None
    parts: tuple[PartInfo, ...]
    table_version: int | None = None

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
    sealed
        Whether its file carries a checksum its content matched (False for a manifest in
        `UNSEALED_FORMAT`, whose damage only the checks on its parts can find).
    """

    version: str
    created_at: datetime.datetime
    parent: str | None
    message: str
    layers: Mapping[str, LayerInfo] = field(hash=False)
    sealed: bool = True


# -- layers -------------------------------------------------------------------------------


def check_layer(layer: str) -> None:
    """Raise ValueError unless `layer` is one of `LAYERS` or `TABLES`."""
    if layer not in LAYERS and layer not in TABLES:
        msg = f"unknown layer {layer!r}; the store holds {', '.join((*LAYERS, *TABLES))}"
        raise ValueError(msg)


# -- manifests and files ------------------------------------------------------------------


def manifest_to_json(manifest: Manifest) -> dict[str, Any]:
    """Return `manifest` as the JSON object its manifest file holds."""

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
            "table_version": info.table_version,
            "parts": list(map(part_json, info.parts)),
        }
        for name, info in manifest.layers.items()
    }
    head = {"format": MANIFEST_FORMAT, "version": manifest.version}
    data = {
        **head,
        "created_at": manifest.created_at.isoformat(),
        "parent": manifest.parent,
        "message": manifest.message,
        "layers": layers,
    }
    return {**data, "checksum": manifest_checksum(data)}


def manifest_checksum(data: Mapping[str, Any]) -> str:
    """Return the checksum a manifest file holds: SHA-256 of its other keys, in canonical JSON.

    Canonical (sorted keys, no spaces), so that only a change of content changes it: every
    field a reader uses is covered, the geometry column's name and the part stats included.
    """
    content = {key: value for key, value in data.items() if key != "checksum"}
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_manifest(path: Path, *, formats: tuple[int, ...] = (MANIFEST_FORMAT,)) -> Manifest:
    """Read and validate the manifest at `path`, which must be in one of `formats`."""
    root = path.parent.parent
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise StoreCorruptError(path, "missing manifest", root=root) from error
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise StoreCorruptError(path, f"unreadable manifest ({error})", root=root) from error
    found = data.get("format") if isinstance(data, dict) else None
    known = formats
    if isinstance(found, int) and not isinstance(found, bool) and found not in known:
        raise StoreSchemaError(path, found, root=root)
    try:
        if found not in known or isinstance(found, bool):
            msg = f"no valid format number ({found!r})"
            raise ValueError(msg)
        sealed = found != UNSEALED_FORMAT
        if sealed and data.get("checksum") != manifest_checksum(data):
            problem = "damaged manifest: its content does not match its checksum"
            raise StoreCorruptError(path, problem, root=root)
        if data["version"] != path.stem:
            problem = f"holds version {data['version']!r}, not {path.stem!r}"
            raise StoreCorruptError(path, problem, root=root)
        layers = {}
        for name, info in dict(data["layers"]).items():
            check_layer(name)
            geometry = None if info["geometry"] is None else str(info["geometry"])
            parts = tuple(map(_part_from_json, info["parts"]))
            table_version = None
            if found == MANIFEST_FORMAT:
                table_version = info["table_version"]
                if table_version is not None and (
                    not isinstance(table_version, int) or isinstance(table_version, bool)
                ):
                    msg = f"bad table version {table_version!r}"
                    raise ValueError(msg)
            layers[name] = LayerInfo(geometry, parts, table_version)
        created_at = datetime.datetime.fromisoformat(data["created_at"])
        if created_at.tzinfo is None:  # written by hand: take it as UTC so versions sort
            created_at = created_at.replace(tzinfo=datetime.UTC)
        return Manifest(
            version=path.stem,
            created_at=created_at,
            parent=None if data["parent"] is None else str(data["parent"]),
            message=str(data["message"]),
            layers=MappingProxyType(layers),
            sealed=sealed,
        )
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise StoreCorruptError(path, f"malformed manifest ({error!r})", root=root) from error


def refuse_old_layout(root: Path) -> None:
    """Raise `StoreSchemaError` (naming the migration) when `root` holds the older layout."""
    old = root / OLD_LAYOUT_DIR
    if old.is_dir():
        raise StoreSchemaError(old, OLD_FORMATS[-1], root=root)


def shown_name(name: object) -> str:
    r"""Return a file name or path fit for one line of output.

    As it is when every character is printable, else quoted with its control characters
    escaped (``'a\nb.md'``). A name holding a line break, a carriage return or a
    bidirectional override could otherwise forge or disguise a line of a report.
    """
    text = str(name)
    return text if text.isprintable() else repr(text)


def describe_os_error(error: OSError, *, in_store: bool = True) -> str:
    """Return a failed read or write as one line that names the file and the way out.

    For a full disk or a read-only or locked-down store (`in_store`) it says what happened
    to the data: writes go to temporary files renamed into place, so the store keeps its last
    complete version.
    """
    where = repr(str(error.filename)) if error.filename is not None else "a file"
    kept = "the store keeps its last complete version" if in_store else "nothing was written"
    if error.errno == errno.ENOSPC:
        return f"no space left on the device while writing {where}; free some and retry ({kept})"
    if error.errno == errno.EDQUOT:
        return f"disk quota exceeded while writing {where}; free some and retry ({kept})"
    if error.errno == errno.EROFS:
        return f"{where} is on a read-only file system; use a writable --store ({kept})"
    if error.errno in (errno.EACCES, errno.EPERM):
        return f"no permission to read or write {where} ({kept})"
    if error.errno == errno.ENOENT:
        return f"{where}: no such file or folder"
    reason = " ".join((error.strerror or str(error)).split())
    return f"{where}: {reason}"


def problem_line(error: StoreCorruptError) -> str:
    """Return `error` as one `Store.check` line (without the repair command)."""
    return f"{str(error.path)!r}: {error.problem}"


def read_pointer(path: Path) -> str | None:
    """Return what the ``CURRENT`` file at `path` says (40 characters at most), None if absent."""
    try:
        return path.read_bytes()[:40].decode("ascii", errors="replace").strip()
    except FileNotFoundError:
        return None
    except OSError as error:  # a directory, or unreadable
        return f"<unreadable: {error.strerror}>"


def object_names(path: Path) -> set[str] | None:
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
        elif isinstance(item, str) and OBJECT_RE.match(item):
            names.add(item)
    return names


def file_age(path: Path, now: float) -> float:
    """Return the seconds from the last change of `path` to `now` (0 when it is gone)."""
    try:
        return now - path.stat().st_mtime
    except FileNotFoundError:
        return 0.0


def _part_from_json(data: Mapping[str, Any]) -> PartInfo:
    digest, bbox, low, high = data["object"], data["bbox"], data["date_min"], data["date_max"]
    if not (isinstance(digest, str) and OBJECT_RE.match(digest)):
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


def version_id(layers: Mapping[str, LayerInfo]) -> str:
    """Return the id of a version holding `layers`: a hash of its sorted (layer, part) pairs."""
    pairs = sorted((name, part.object) for name, info in layers.items() for part in info.parts)
    text = "\n".join(f"{name}\t{digest}" for name, digest in pairs)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def chain_order(manifests: Iterable[Manifest]) -> list[Manifest]:
    """Return `manifests` oldest first, by their parent chains rather than their clocks.

    A version comes after every version it descends from: it is ordered by the length of its
    chain of parents (a parent no manifest here describes counts as one more step), then by
    when it says it was written, then by id. So a writer whose clock was wrong cannot make
    its version look older than the one it was written on.
    """
    by_id = {manifest.version: manifest for manifest in manifests}
    depths: dict[str, int] = {}

    def depth(version: str) -> int:
        chain: list[str] = []
        seen: set[str] = set()
        step: str | None = version
        base = 0
        while step is not None and step not in depths:
            if step in seen or step not in by_id:  # a loop, or a parent no manifest describes
                base = 0 if step in seen else 1
                break
            seen.add(step)
            chain.append(step)
            step = by_id[step].parent
        else:
            base = 0 if step is None else depths[step]
        for offset, name in enumerate(reversed(chain), start=1):
            depths[name] = base + offset
        return depths[version]

    return sorted(by_id.values(), key=lambda m: (depth(m.version), m.created_at, m.version))


@contextmanager
def reading_part(path: Path) -> Iterator[None]:
    """Turn a failure to read the part file at `path` into a `StoreCorruptError`."""
    root = part_root(path)
    try:
        yield
    except FileNotFoundError as error:
        raise StoreCorruptError(path, "missing part file", root=root) from error
    except (OSError, pa.ArrowException, ValueError) as error:  # ValueError: bad UTF-8 inside
        raise StoreCorruptError(path, f"unreadable part file ({error})", root=root) from error


class PartVerifier:
    """Check part files against their hashes, each file once while it stays unchanged.

    Part files are named by the SHA-256 of their bytes, so a flipped bit shows as a name that
    no longer matches. A file is re-hashed only when its size, modification time or inode
    changed since it last matched, so repeated reads cost one ``stat`` each.
    """

    def __init__(self) -> None:
        self._matched: dict[Path, tuple[int, int, int]] = {}

    def verify(self, path: Path, digest: str) -> None:
        """Raise `StoreCorruptError` unless the file at `path` hashes to `digest`."""
        with reading_part(path):
            stat = path.stat()
            stamp = (stat.st_size, stat.st_mtime_ns, stat.st_ino)
            if self._matched.get(path) == stamp:
                return
            with path.open("rb") as handle:
                found = hashlib.file_digest(handle, "sha256").hexdigest()[: len(digest)]
        if found != digest:
            problem = "damaged part file: its content does not match its hash"
            raise StoreCorruptError(path, problem, root=part_root(path))
        self._matched[path] = stamp

    def trust(self, path: Path) -> None:
        """Record `path` as matching its hash (it was just written from bytes that did)."""
        stat = path.stat()
        self._matched[path] = (stat.st_size, stat.st_mtime_ns, stat.st_ino)


def part_root(path: Path) -> Path:
    """Return the store directory of the part file at `path` (``STORE/tables/<layer>/``)."""
    return path.parents[2] if len(path.parents) > 2 else path.parent


@contextmanager
def holding_lock(root: Path, timeout: float | None) -> Iterator[None]:
    """Hold the write lock of the store at `root` (its ``.lock`` file) for the block.

    Raises
    ------
    StoreBusyError
        When another writer holds it for more than `timeout` seconds (None: wait for ever).
    """
    path = root / ".lock"
    wait = -1 if timeout is None else timeout
    lock = filelock.FileLock(path, timeout=wait, thread_local=False)
    try:
        lock.acquire()
    except filelock.Timeout:
        msg = f"another writer holds {str(path)!r}; gave up after {wait!r} s"
        raise StoreBusyError(msg) from None
    try:
        yield
    finally:
        lock.release()


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that readers see the old file or the whole new one.

    The file gets the mode any new file of the user gets (``0o666`` less the umask: 0644 under
    the usual 022, 0600 under 077), not the owner-only mode of `tempfile.mkstemp`.
    """
    descriptor, temporary = _create_temporary(path)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    fsync_directory(path.parent)


def _create_temporary(path: Path) -> tuple[int, Path]:
    """Create a new temporary file beside `path`; return its descriptor and path."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        temporary = path.parent / f"{TMP_PREFIX}{secrets.token_hex(8)}{path.suffix}"
        try:
            return os.open(temporary, flags, 0o666), temporary  # the umask applies
        except FileExistsError:  # pragma: no cover - 64 random bits
            continue


def fsync_directory(directory: Path) -> None:
    """Flush `directory`, so that files created or renamed in it survive a power cut."""
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
