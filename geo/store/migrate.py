"""Convert a store of the older layout into Delta tables (``python -m geo store migrate``).

The older layout kept every part in ``objects/<hash>.parquet`` and one manifest per version in
``versions/<version>.json`` (formats 1 and 2, `geo.store.format.OLD_FORMATS`). `migrate_store`
puts each layer's parts into its Delta table (``tables/<layer>/``, hard links where the file
system has them, else copies), then, oldest version first (`chain_order`), commits each version
to the tables and writes its manifest into ``commits/``: version ids do not change, so
``CURRENT`` and every shared link (``v=<version>``) stay valid, and each table version holds
what one stored version held.

It runs under the store's write lock, and the older layout stays whole and readable until one
rename ends the migration: ``versions/`` becomes ``.migrated-versions/``, after which
``objects/`` and it are deleted. Interrupted before that rename, the store is still of the older
layout and running the migration again starts over (a ``.migrating`` file marks ``tables/``
and ``commits/`` as its own: a store holding both layouts otherwise is refused, not cleared);
interrupted after it, running it again only removes what is left of the older layout.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pyarrow as pa
import pyarrow.parquet as pq

from geo.store.delta import TABLES_DIR, commit_tables, make_table_dir, part_path
from geo.store.format import (
    COMMITS_DIR,
    OLD_FORMATS,
    OLD_LAYOUT_DIR,
    TMP_PREFIX,
    VERSION_RE,
    LayerInfo,
    Manifest,
    PartVerifier,
    StoreCorruptError,
    StoreError,
    chain_order,
    fsync_directory,
    holding_lock,
    load_manifest,
    manifest_to_json,
    read_pointer,
    shown_name,
    write_atomic,
)

__all__ = ["MARK", "MIGRATED_DIR", "OLD_OBJECTS_DIR", "MigrationReport", "migrate_store"]

OLD_OBJECTS_DIR: Final = "objects"
"""The part folder of the older layout."""

MIGRATED_DIR: Final = ".migrated-versions"
"""What ``versions/`` is renamed to when a migration ends, until it is deleted."""

MARK: Final = ".migrating"
"""A file a migration writes before it builds the new layout and removes when it is done, so
that a run after an interrupted one knows that ``tables/`` and ``commits/`` are its own."""


@dataclass(frozen=True, slots=True)
class MigrationReport:
    """What `migrate_store` did.

    Attributes
    ----------
    root
        The store directory.
    converted
        The versions now in ``commits/``, oldest first (empty when there was nothing to do).
    left_out
        Versions that could not be converted, each with the reason (a manifest that does not
        read, a part file that is missing or damaged).
    current
        The version ``CURRENT`` names.
    cleaned
        Whether what an interrupted migration left of the older layout was removed.
    """

    root: Path
    converted: tuple[str, ...]
    left_out: tuple[str, ...]
    current: str | None
    cleaned: bool = False

    def summary(self) -> str:
        """Return the report as lines of text, the verdict last."""
        where = shown_name(self.root)
        lines = [f"left out {line}" for line in self.left_out]
        if self.converted:
            lines.append(
                f"store at {where} converted to Delta tables: {len(self.converted)} version(s), "
                f"current version {self.current}"
            )
        elif self.cleaned:
            lines.append(f"store at {where} was converted; removed what was left of the old one")
        else:
            lines.append(f"store at {where} is already in the current format; nothing to do")
        return "\n".join(lines)


def migrate_store(root: Path, *, lock_timeout: float | None = 60.0) -> MigrationReport:
    """Convert the store at `root` from the older layout; return what was done.

    Raises
    ------
    StoreError
        When there is no store at `root`.
    StoreBusyError
        When another writer holds the store's lock past `lock_timeout`.
    """
    if not root.is_dir():
        what = "is not a directory" if root.exists() else "does not exist"
        msg = f"no store at {str(root)!r}: the path {what}"
        raise StoreError(msg)
    with holding_lock(root, lock_timeout):
        current = read_pointer(root / "CURRENT")
        if not (root / OLD_LAYOUT_DIR).is_dir():
            if not any((root / name).exists() for name in ("CURRENT", COMMITS_DIR, TABLES_DIR)):
                msg = f"no store at {str(root)!r} (no CURRENT, {COMMITS_DIR}/ or {OLD_LAYOUT_DIR}/)"
                raise StoreError(msg)
            return MigrationReport(root, (), (), current, cleaned=_remove_old_layout(root))
        new = [name for name in (TABLES_DIR, COMMITS_DIR) if (root / name).exists()]
        if new and not (root / MARK).exists():
            msg = (
                f"{str(root)!r} holds both the older layout ({OLD_LAYOUT_DIR}/) and the current "
                f"one ({', '.join(f'{n}/' for n in new)}), which no migration began: an older "
                "Faultlines wrote into a converted store? Move one of them aside; nothing was "
                "changed"
            )
            raise StoreError(msg)
        write_atomic(root / MARK, b"")
        for name in new:  # what an interrupted migration began
            shutil.rmtree(root / name)
        manifests, left_out = _old_manifests(root)
        converted: dict[str, Manifest] = {}
        before: dict[str, LayerInfo] = {}
        verifier = PartVerifier()
        for manifest in chain_order(manifests):
            problem = _bring_parts(root, manifest, verifier)
            if problem is not None:
                left_out.append(f"{manifest.version}: {problem}")
                continue
            converted[manifest.version] = _commit(root, manifest, before)
            before = dict(converted[manifest.version].layers)
        if current in converted and before != dict(converted[current].layers):
            # CURRENT is not the newest version: the tables' newest versions hold it again
            commit_tables(
                root, converted[current].layers, before, version=current, message="migrate"
            )
        for directory in (root / COMMITS_DIR, root / TABLES_DIR, root):
            if directory.is_dir():
                fsync_directory(directory)
        (root / OLD_LAYOUT_DIR).replace(root / MIGRATED_DIR)  # the switch
        fsync_directory(root)
        _remove_old_layout(root)
    return MigrationReport(root, tuple(converted), tuple(left_out), current)


def _old_manifests(root: Path) -> tuple[list[Manifest], list[str]]:
    manifests, left_out = [], []
    for path in sorted((root / OLD_LAYOUT_DIR).glob("*.json")):
        if path.name.startswith(TMP_PREFIX):
            continue
        try:
            if not VERSION_RE.match(path.stem):
                raise StoreCorruptError(path, "file name is not a version id")
            manifests.append(load_manifest(path, formats=OLD_FORMATS))
        except StoreCorruptError as error:
            left_out.append(f"{path.name}: {error.problem}")
    return manifests, left_out


def _bring_parts(root: Path, manifest: Manifest, verifier: PartVerifier) -> str | None:
    """Put the parts of `manifest` into their tables; return what is wrong, None when sound."""
    for layer, info in manifest.layers.items():
        for part in info.parts:
            source = root / OLD_OBJECTS_DIR / f"{part.object}.parquet"
            try:
                verifier.verify(source, part.object)
                schema = pq.read_schema(source)
            except StoreCorruptError as error:
                return f"{source.name}: {error.problem}"
            except (OSError, pa.ArrowException, ValueError) as error:
                return f"{source.name}: unreadable part file ({error})"
            if info.geometry is not None and info.geometry not in schema.names:
                return f"{source.name}: no geometry column {info.geometry!r}"
            target = part_path(root, layer, part.object)
            if target.is_file():
                continue
            make_table_dir(target.parent)
            try:
                os.link(source, target)
            except OSError:  # no hard links here: a copy
                write_atomic(target, source.read_bytes())
    return None


def _commit(root: Path, manifest: Manifest, before: dict[str, LayerInfo]) -> Manifest:
    """Commit one old version to the tables and write its manifest; return the new manifest."""
    layers = commit_tables(
        root, manifest.layers, before, version=manifest.version, message=manifest.message
    )
    new = Manifest(
        version=manifest.version,
        created_at=manifest.created_at,
        parent=manifest.parent,
        message=manifest.message,
        layers={name: layers[name] for name in manifest.layers},
    )
    directory = root / COMMITS_DIR
    if not directory.is_dir():
        directory.mkdir()
        fsync_directory(root)
    text = json.dumps(manifest_to_json(new), indent=1, ensure_ascii=False)
    write_atomic(directory / f"{new.version}.json", text.encode("utf-8") + b"\n")
    return new


def _remove_old_layout(root: Path) -> bool:
    """Delete what is left of the older layout after the switch; return whether there was any."""
    found = False
    for name in (OLD_OBJECTS_DIR, MIGRATED_DIR):
        if (root / name).exists():
            found = True
            shutil.rmtree(root / name)
    if (root / MARK).exists():
        found = True
        (root / MARK).unlink()
    if found:
        fsync_directory(root)
    return found
