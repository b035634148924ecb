"""Each layer of a store as a Delta Lake table (see `geo.store.store`): its files and its log.

A layer's part files live in its table directory, ``STORE/tables/<layer>/<hash>.parquet``,
beside the table's ``_delta_log/``. `sync_table` makes a table hold exactly the parts a store
version gives the layer, in one Delta commit made by delta-rs (``deltalake``): an ``add`` for
each part the table lacks, a ``remove`` for each it no longer holds (the file stays until
`geo.store.store.Store.prune`), and the store version's id in the commit's ``commitInfo``.
Each ``add`` carries the part's statistics (`file_stats`), so that readers skip parts.
The table version it returns is kept in the store version's manifest, so that
``deltalake.DeltaTable(path, version=n)``, Spark, DuckDB or Polars read the same rows as
``Store.read_layer(layer, version=...)``.

The table's schema is the union of its parts' schemas (``pyarrow.unify_schemas``, permissive),
with the types Delta lacks mapped to ones it has: a column that only ever held nulls is a
string column, a timestamp is kept to the microsecond. A column a later part brings is added
to the schema (a commit of its own, before the part's); the type of a column never changes
once declared (other engines cast a part's values to it as they read).

Log files are never cleaned up by the commits (``delta.enableExpiredLogCleanup`` is off), so
every table version a manifest names stays readable until its files are pruned.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import math
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, Final

import pyarrow as pa
import pyarrow.parquet as pq
from deltalake import CommitProperties, DeltaTable, Field, PostCommitHookProperties, Schema
from deltalake.exceptions import DeltaError, TableNotFoundError
from deltalake.transaction import AddAction, RemoveAction, create_table_with_add_actions

from geo.store.format import (
    COMMITS_DIR,
    LAYERS,
    TABLES,
    LayerInfo,
    Manifest,
    PartInfo,
    StoreCorruptError,
    fsync_directory,
    problem_line,
    reading_part,
)

__all__ = [
    "DELTA_LOG",
    "TABLES_DIR",
    "VERSION_KEY",
    "commit_tables",
    "delta_schema",
    "delta_type",
    "file_stats",
    "is_latest",
    "layer_dirs",
    "make_table_dir",
    "part_path",
    "rebuild_table",
    "rolled_back_on_failure",
    "sync_table",
    "table_dir",
    "table_files",
    "table_problems",
    "tables_out_of_step",
    "tables_to_rebuild",
]

TABLES_DIR: Final = "tables"
"""The folder of a store holding one Delta table per layer."""

DELTA_LOG: Final = "_delta_log"
"""The folder of a Delta table holding its log."""

VERSION_KEY: Final = "faultlines.version"
"""The key of a commit's ``commitInfo`` that names the store version it belongs to."""

_CONFIGURATION: Final = {"delta.enableExpiredLogCleanup": "false"}
"""Table properties: keep every log file, so that time travel reaches every kept version."""

_HOOKS: Final = PostCommitHookProperties(create_checkpoint=True, cleanup_expired_logs=False)


def table_dir(root: Path, layer: str) -> Path:
    """Return the Delta table directory of `layer` in the store at `root`."""
    return root / TABLES_DIR / layer


def part_path(root: Path, layer: str, digest: str) -> Path:
    """Return the part file of `layer` whose content hashes to `digest`."""
    return root / TABLES_DIR / layer / f"{digest}.parquet"


def make_table_dir(directory: Path) -> None:
    """Create a table directory (and ``tables/``) if missing, flushing each new entry."""
    if directory.is_dir():
        return
    for folder in (directory.parent, directory):
        if not folder.is_dir():
            folder.mkdir(exist_ok=True)
            fsync_directory(folder.parent)


def delta_type(kind: pa.DataType) -> pa.DataType:
    """Return `kind` as a type Delta Lake has (null → string, timestamps in µs, no large types)."""
    if pa.types.is_null(kind):
        return pa.string()
    if pa.types.is_dictionary(kind):
        return delta_type(kind.value_type)
    if pa.types.is_large_string(kind) or pa.types.is_string_view(kind):
        return pa.string()
    if pa.types.is_large_binary(kind) or pa.types.is_binary_view(kind):
        return pa.binary()
    if pa.types.is_timestamp(kind):
        return pa.timestamp("us", tz=kind.tz)
    if pa.types.is_list(kind) or pa.types.is_large_list(kind) or pa.types.is_fixed_size_list(kind):
        return pa.list_(delta_type(kind.value_type))
    if pa.types.is_struct(kind):
        fields = [kind.field(i) for i in range(kind.num_fields)]
        return pa.struct([pa.field(f.name, delta_type(f.type)) for f in fields])
    if pa.types.is_map(kind):
        return pa.map_(delta_type(kind.key_type), delta_type(kind.item_type))
    return kind


def delta_schema(schemas: Iterable[pa.Schema]) -> pa.Schema:
    """Return the Delta table schema of parts with `schemas` (their union, Delta's types)."""
    union = pa.unify_schemas(list(schemas), promote_options="permissive")
    return pa.schema([pa.field(f.name, delta_type(f.type)) for f in union])


def is_latest(root: Path, layer: str, version: int) -> bool:
    """Return whether `version` is the newest version of `layer`'s table (one ``stat``)."""
    log = table_dir(root, layer) / DELTA_LOG
    return (log / f"{version:020}.json").is_file() and not (
        log / f"{version + 1:020}.json"
    ).exists()


def table_files(root: Path, layer: str, version: int | None = None) -> set[str] | None:
    """Return the names of the files `layer`'s table holds (at `version`), None with no table.

    Raises
    ------
    StoreCorruptError
        When the table's log cannot be read, or lacks `version`.
    """
    directory = table_dir(root, layer)
    if not (directory / DELTA_LOG).is_dir():
        return None
    try:
        table = DeltaTable(directory, version=version)
        uris = table.file_uris()
    except TableNotFoundError:
        if version is None:
            return None
        raise StoreCorruptError(directory, "no Delta table", root=root) from None
    except (DeltaError, OSError, ValueError) as error:
        problem = f"unreadable Delta log ({' '.join(str(error).split())[:200]})"
        raise StoreCorruptError(directory / DELTA_LOG, problem, root=root) from error
    return {uri.rsplit("/", 1)[-1] for uri in uris}


def sync_table(
    root: Path, layer: str, parts: Sequence[PartInfo], *, version: str, message: str
) -> int | None:
    """Make `layer`'s table hold exactly `parts`; return its table version (None: no table).

    Commits only when the table's newest version holds other files (adds for the parts it
    lacks, removes for the files it no longer holds, in one commit); the commit names the
    store `version` and its `message`. A table is created at its first part.
    """
    directory = table_dir(root, layer)
    wanted = {f"{part.object}.parquet": part for part in parts}
    properties = CommitProperties(
        custom_metadata={VERSION_KEY: version, "faultlines.message": message}
    )
    present = table_files(root, layer)
    if present is None:
        if not wanted:
            return None
        schema = delta_schema(_part_schemas(directory, wanted))
        adds = [_add_action(directory, name, part, schema) for name, part in sorted(wanted.items())]
        create_table_with_add_actions(
            str(directory),
            Schema.from_arrow(schema),
            adds,
            name=layer,
            configuration=_CONFIGURATION,
            commit_properties=properties,
            post_commithook_properties=_HOOKS,
        )
        return 0
    table = DeltaTable(directory)
    added = {name: part for name, part in wanted.items() if name not in present}
    removed = sorted(present - set(wanted))
    if not added and not removed:
        return table.version()
    if added:
        declared = {field.name for field in table.schema().fields}
        new = [f for f in delta_schema(_part_schemas(directory, added)) if f.name not in declared]
        if new:
            table.alter.add_columns(
                [Field.from_arrow(f) for f in new],
                commit_properties=properties,
                post_commithook_properties=_HOOKS,
            )
            table = DeltaTable(directory)
    now = _milliseconds(time.time())
    declared = pa.schema(table.schema().to_arrow())
    actions: list[AddAction | RemoveAction] = [
        _add_action(directory, name, part, declared) for name, part in sorted(added.items())
    ]
    actions += [RemoveAction(name, True, now) for name in removed]
    table.create_write_transaction(
        actions,
        mode="append",
        schema=table.schema(),
        commit_properties=properties,
        post_commithook_properties=_HOOKS,
    )
    table.update_incremental()
    return table.version()


def commit_tables(
    root: Path,
    layers: Mapping[str, LayerInfo],
    before: Mapping[str, LayerInfo],
    *,
    version: str,
    message: str,
) -> dict[str, LayerInfo]:
    """Commit the tables of a new store `version`; return `layers` with their table versions.

    A layer whose parts are those of `before` (the parent version) keeps that table version
    when it is still its table's newest; the others are synced (`sync_table`), and the tables
    of layers `layers` lacks are emptied.
    """
    result = {}
    for name in (*LAYERS, *TABLES):
        info, old = layers.get(name), before.get(name)
        if info is None:
            if (table_dir(root, name) / DELTA_LOG).is_dir():
                sync_table(root, name, (), version=version, message=message)
            continue
        if (
            old is not None
            and old.parts == info.parts
            and old.table_version is not None
            and is_latest(root, name, old.table_version)
        ):
            number: int | None = old.table_version
        else:
            number = sync_table(root, name, info.parts, version=version, message=message)
        result[name] = dataclasses.replace(info, table_version=number)
    return result


@contextmanager
def rolled_back_on_failure(
    root: Path, before: Mapping[str, LayerInfo], *, message: str
) -> Iterator[None]:
    """Bring the tables back to `before` (the current version's layers) when the block fails.

    A write that fails after some table commits (a full disk, an interrupt) would otherwise
    leave the tables' newest versions ahead of the store's current version. Best effort: a
    rollback that fails too leaves that to `geo.store.store.Store.repair` (as a SIGKILL does).
    """
    try:
        yield
    except BaseException:
        with suppress(Exception):
            commit_tables(root, before, {}, version="rollback", message=f"rolled back: {message}")
        raise


def _part_schemas(directory: Path, parts: Mapping[str, PartInfo]) -> list[pa.Schema]:
    schemas = []
    for name in sorted(parts):
        path = directory / name
        with reading_part(path):
            schemas.append(pq.read_schema(path))
    return schemas


def _add_action(directory: Path, name: str, part: PartInfo, declared: pa.Schema) -> AddAction:
    path = directory / name
    stat = path.stat()
    stats = json.dumps(file_stats(path, part.rows, declared), separators=(",", ":"))
    return AddAction(name, stat.st_size, {}, _milliseconds(stat.st_mtime), True, stats)


def file_stats(path: Path, rows: int, declared: pa.Schema) -> dict[str, Any]:
    """Return the Delta statistics of a part file, from its Parquet footer.

    ``numRecords``, and per column (top-level, and the fields of a struct such as the ``bbox``
    covering) the ``nullCount`` and, for numbers, dates and timestamps with a time zone,
    ``minValues`` and ``maxValues``, so that Delta readers skip parts a filter on them rules
    out. Strings get no bounds (a bound cut short would be wrong), and neither does a column
    whose type in the part is not the one the table `declared`.
    """
    with reading_part(path):
        metadata = pq.read_metadata(path)
        schema = metadata.schema.to_arrow_schema()
    alike = {
        field.name
        for field in schema
        if field.name in declared.names
        and str(delta_type(field.type)) == str(declared.field(field.name).type)
    }
    low: dict[str, Any] = {}
    high: dict[str, Any] = {}
    nulls: dict[str, int] = {}
    unbounded: set[str] = set()
    for index in range(metadata.num_row_groups):
        group = metadata.row_group(index)
        for column in range(group.num_columns):
            chunk = group.column(column)
            key = chunk.path_in_schema
            names = key.split(".")
            if names[0] not in alike or len(names) > 2:
                continue  # lists and deeper: no statistics
            if len(names) == 2 and not pa.types.is_struct(schema.field(names[0]).type):
                continue
            found = chunk.statistics
            if found is None or not found.has_null_count:
                unbounded.add(key)
                nulls[key] = -1
                continue
            nulls[key] = nulls.get(key, 0) + found.null_count if nulls.get(key, 0) >= 0 else -1
            bounds = _bounds(found.min, found.max) if found.has_min_max else None
            if bounds is None:
                if found.null_count < group.num_rows:  # values but no bounds
                    unbounded.add(key)
                continue
            if key not in low or bounds[0] < low[key]:
                low[key] = bounds[0]
            if key not in high or bounds[1] > high[key]:
                high[key] = bounds[1]
    stats: dict[str, Any] = {"numRecords": rows}
    for label, values in (("minValues", low), ("maxValues", high), ("nullCount", nulls)):
        chosen = {k: v for k, v in values.items() if k not in unbounded or label == "nullCount"}
        nested = _nested({k: v for k, v in chosen.items() if v != -1})
        if nested:
            stats[label] = _as_json(nested)
    return stats


def _bounds(low: object, high: object) -> tuple[Any, Any] | None:
    """Return a column chunk's bounds if Delta statistics can hold them, else None."""
    kinds = (int, float, datetime.date)
    if isinstance(low, bool) or not isinstance(low, kinds) or type(low) is not type(high):
        return None
    if isinstance(low, datetime.datetime) and low.tzinfo is None:  # Delta's timestamp_ntz
        return None
    if isinstance(low, float) and not (math.isfinite(low) and math.isfinite(float(high))):  # type: ignore[arg-type]
        return None  # NaN has no order, and JSON has no infinity
    return low, high


def _nested(flat: Mapping[str, Any]) -> dict[str, Any]:
    tree: dict[str, Any] = {}
    for key, value in flat.items():
        head, _, tail = key.partition(".")
        if tail:
            tree.setdefault(head, {})[tail] = value
        else:
            tree[head] = value
    return tree


def _as_json(tree: Mapping[str, Any]) -> dict[str, Any]:
    """Return statistics values as Delta writes them: dates ``YYYY-MM-DD``, times in UTC."""
    out: dict[str, Any] = {}
    for key, value in tree.items():
        if isinstance(value, Mapping):
            out[key] = _as_json(value)
        elif isinstance(value, datetime.datetime):
            moment = value.astimezone(datetime.UTC) if value.tzinfo else value
            out[key] = moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
        elif isinstance(value, datetime.date):
            out[key] = value.isoformat()
        else:
            out[key] = value
    return out


def _milliseconds(seconds: float) -> int:
    return int(seconds * 1000)


def layer_dirs(root: Path) -> list[Path]:
    """Return the table directories of the store at `root` (one per layer written)."""
    names = (*LAYERS, *TABLES)
    return [table_dir(root, name) for name in names if table_dir(root, name).is_dir()]


def _file_names(info: LayerInfo | None) -> set[str]:
    return set() if info is None else {f"{part.object}.parquet" for part in info.parts}


def tables_out_of_step(root: Path, current: Manifest | None) -> list[str]:
    """Return the layers whose table's newest version holds other parts than `current` gives.

    A table whose log cannot be read is left out (`table_problems` reports it).
    """
    layers = current.layers if current is not None else {}
    out = []
    for name in (*LAYERS, *TABLES):
        try:
            present = table_files(root, name)
        except StoreCorruptError:
            continue
        if (present or set()) != _file_names(layers.get(name)):
            out.append(name)
    return out


def table_problems(
    root: Path, manifests: Sequence[Manifest], current: Manifest | None, *, newest: bool = True
) -> list[str]:
    """Return where the Delta tables disagree with the manifests, one line each.

    A table's log must read; its newest version must hold exactly the parts the `current`
    version gives its layer (with `newest`; None: no part); and each manifest's table version
    of a layer must hold exactly that layer's parts.
    """
    problems = []
    layers = current.layers if current is not None else {}
    for name in (*LAYERS, *TABLES):
        directory = table_dir(root, name)
        try:
            present = table_files(root, name) or set()
        except StoreCorruptError as error:
            problems.append(problem_line(error))
            continue
        wanted = _file_names(layers.get(name))
        if newest and present != wanted:
            version = current.version if current is not None else "(none)"
            problems.append(
                f"{str(directory)!r}: the Delta table's newest version holds "
                f"{len(present - wanted)} file(s) more and {len(wanted - present)} fewer than "
                f"the current version {version}; store repair commits the difference"
            )
        for manifest in manifests:
            info = manifest.layers.get(name)
            if info is None or info.table_version is None:
                continue
            try:
                held = table_files(root, name, info.table_version) or set()
            except StoreCorruptError:
                held = None
            if held != _file_names(info):
                problems.append(
                    f"{str(root / COMMITS_DIR / (manifest.version + '.json'))!r}: layer "
                    f"{name!r} names version {info.table_version} of its Delta table, which "
                    "holds other files (or none)"
                )
    return problems


def tables_to_rebuild(root: Path, manifests: Sequence[Manifest]) -> list[str]:
    """Return the layers whose log cannot be read or holds other files than `manifests` say."""
    broken = []
    for name in (*LAYERS, *TABLES):
        try:
            table_files(root, name)
            for manifest in manifests:
                info = manifest.layers.get(name)
                if info is None or info.table_version is None:
                    continue
                if table_files(root, name, info.table_version) != _file_names(info):
                    broken.append(name)
                    break
        except StoreCorruptError:
            broken.append(name)
    return broken


def rebuild_table(
    root: Path, layer: str, manifests: Sequence[Manifest], current: Manifest | None
) -> dict[str, int]:
    """Write `layer`'s table log afresh from `manifests` (oldest first); return their versions.

    The old log must have been moved aside. Each manifest holding the layer gets the table
    version its commit made (store version → table version); the newest version holds the
    parts `current` gives the layer.
    """
    numbers: dict[str, int] = {}
    for manifest in manifests:
        info = manifest.layers.get(layer)
        parts = info.parts if info is not None else ()
        number = sync_table(root, layer, parts, version=manifest.version, message=manifest.message)
        if info is not None and number is not None:
            numbers[manifest.version] = number
    info = current.layers.get(layer) if current is not None else None
    version = current.version if current is not None else "none"
    sync_table(root, layer, info.parts if info else (), version=version, message="rebuilt")
    return numbers
