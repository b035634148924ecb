"""Find damage in a store and bring it back to its newest sound version (see `geo.store.store`).

`check_store` lists what is wrong, one line per problem; `repair_store` fixes what it can under
the store's write lock and says what it did in a `RepairReport`. "Newest" follows the versions'
parent chains (`geo.store.format.chain_order`), never their clocks alone.
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

import pyarrow as pa
import pyarrow.parquet as pq

from geo.store.delta import (
    DELTA_LOG,
    TABLES_DIR,
    layer_dirs,
    rebuild_table,
    sync_table,
    table_dir,
    table_problems,
    tables_out_of_step,
    tables_to_rebuild,
)
from geo.store.format import (
    COMMITS_DIR,
    OBJECT_RE,
    TMP_PREFIX,
    VERSION_RE,
    Manifest,
    PartInfo,
    StoreCorruptError,
    StoreError,
    StoreSchemaError,
    chain_order,
    describe_os_error,
    file_age,
    fsync_directory,
    load_manifest,
    manifest_to_json,
    object_names,
    problem_line,
    read_pointer,
    refuse_old_layout,
    shown_name,
    version_id,
    write_atomic,
)

if TYPE_CHECKING:
    from geo.store.store import Store

__all__ = [
    "QUARANTINE",
    "RepairReport",
    "check_store",
    "prune_store",
    "repair_store",
]

QUARANTINE: Final = "quarantine"
"""The folder of a store that `repair_store` moves damaged files into."""

_ORPHAN_GRACE: Final = 60.0
"""Seconds a file left by a writer must be old before `repair_store` removes it."""


@dataclass(frozen=True, slots=True)
class RepairReport:
    """What `repair_store` did (or, for a dry run, would do).

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
        What `check_store` finds afterwards (for a dry run: now); empty when sound.
    rebuilt
        Layers whose Delta table log was moved to ``quarantine/`` (it could not be read, or a
        version a manifest names held other files) and written afresh from the sound
        manifests, oldest first; those manifests got the new table versions (same ids).
    synced
        Layers whose Delta table got a commit so that its newest version holds the current
        version's parts again (a writer stopped between the two, or ``CURRENT`` moved back).
    """

    root: Path
    dry_run: bool
    current_before: str | None
    current_after: str | None
    quarantined: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    synced: tuple[str, ...] = ()
    rebuilt: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        """Whether the repair changed (or, for a dry run, would change) anything."""
        moved = self.quarantined or self.removed or self.synced or self.rebuilt
        return bool(moved or self.current_before != self.current_after)

    @property
    def sound(self) -> bool:
        """Whether `check_store` found nothing (after the repair; for a dry run, now)."""
        return not self.problems

    def summary(self) -> str:
        """Return the report as lines of text, one action each, the verdict last."""
        would = "would " if self.dry_run else ""
        lines = []
        if self.current_before != self.current_after:
            after = self.current_after or "nothing (no sound version is left)"
            lines.append(f"{would}point CURRENT at {after} (it said {self.current_before!r})")
        lines += [f"{would}quarantine {shown_name(name)}" for name in self.quarantined]
        lines += [f"{would}remove {shown_name(name)}" for name in self.removed]
        lines += [
            f"{would}rebuild the Delta table {TABLES_DIR}/{name} from the manifests"
            for name in self.rebuilt
        ]
        lines += [
            f"{would}bring the Delta table {TABLES_DIR}/{name} to the current version"
            for name in self.synced
        ]
        lines += [f"kept {shown_name(note)}" for note in self.kept]
        where = shown_name(self.root)
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


_PartKey = tuple[str, str, int, str | None]
"""A part file as a manifest names it: its layer, hash, rows and the layer's geometry column."""


def prune_store(store: Store, keep: int) -> list[str]:
    """Delete all but the `keep` newest versions (and the current one); see `Store.prune`."""
    if keep < 1:
        msg = f"keep must be at least 1, got {keep!r}"
        raise ValueError(msg)
    with store.lock():
        current = store.current_version()
        versions = [info.id for info in store.versions()]
        kept = set(versions[-keep:]) | ({current} if current else set())
        removed = [v for v in versions if v not in kept]
        for version in removed:
            (store.commits_dir / f"{version}.json").unlink()
        store.forget_manifests()
        used: set[tuple[str, str]] = set()
        for version in kept:
            manifest = store.manifest(version)
            assert manifest is not None  # a version was given
            used.update((n, p.object) for n, info in manifest.layers.items() for p in info.parts)
        for directory in layer_dirs(store.root):  # as a Delta VACUUM: files no kept version uses
            for path in directory.glob("*.parquet"):
                if (directory.name, path.stem) not in used:
                    path.unlink()
        for directory in (store.root, store.commits_dir, *layer_dirs(store.root)):
            for path in directory.glob(f"{TMP_PREFIX}*"):
                path.unlink()
        return removed


def check_store(store: Store, *, deep: bool = False) -> list[str]:
    """Return the problems found in `store`, one line each (empty when sound).

    Looks for a missing or bad ``CURRENT``, unreadable or damaged manifests (each carries a
    checksum of its content), manifests whose id does not match their parts, part files
    that are missing, unreadable, hold other rows than the manifest says, lack the geometry
    column, or whose bytes no longer match their hash, and Delta tables whose log cannot be
    read or disagrees with the manifests (`geo.store.delta.table_problems`). With `deep`, also
    decodes every part.
    """
    root = store.root
    if not root.is_dir():
        what = "is not a directory" if root.exists() else "store directory does not exist"
        return [f"{str(root)!r}: {what}"]
    try:
        refuse_old_layout(root)
    except StoreSchemaError as error:
        return [problem_line(error)]
    if not _looks_like_store(root) and any(root.iterdir()):
        return [f"{str(root)!r}: not a store (no CURRENT, {COMMITS_DIR}/ or {TABLES_DIR}/ in it)"]
    problems: list[str] = []
    checked: dict[_PartKey, str | None] = {}
    manifests: list[Manifest] = []
    for path in _manifest_paths(store):
        try:
            manifest = _load_version(path)
        except StoreCorruptError as error:
            problems.append(problem_line(error))
            continue
        manifests.append(manifest)
        problems += _manifest_problems(store, path, manifest, checked, deep=deep)
    current_problems = _current_problems(store, versions_exist=bool(manifests))
    problems += current_problems
    if not current_problems:
        current = store.current_version()
        by_id = {manifest.version: manifest for manifest in manifests}
        known = current is None or current in by_id  # else its manifest's problem is listed
        chosen = by_id.get(current) if current else None
        problems += table_problems(root, manifests, chosen, newest=known)
    return problems


def _manifest_paths(store: Store) -> list[Path]:
    """Return the manifest files of `store`, without those of writes in progress."""
    paths = sorted(store.commits_dir.glob("*.json"))
    return [path for path in paths if not path.name.startswith(TMP_PREFIX)]


def _load_version(path: Path) -> Manifest:
    """Load a manifest file, whose name must be a version id."""
    if not VERSION_RE.match(path.stem):
        raise StoreCorruptError(path, "file name is not a version id")
    return load_manifest(path)


def _manifest_problems(
    store: Store,
    path: Path,
    manifest: Manifest,
    checked: dict[_PartKey, str | None],
    *,
    deep: bool,
) -> list[str]:
    """Return what is wrong with one readable manifest and its parts (`checked`: verdicts)."""
    problems = []
    if version_id(manifest.layers) != manifest.version:
        problems.append(f"{str(path)!r}: version id does not match the parts listed")
    for name, info in manifest.layers.items():
        for part in info.parts:
            key = (name, part.object, part.rows, info.geometry)
            if key not in checked:
                checked[key] = _part_problem(store, name, part, info.geometry, deep=deep)
            if checked[key] is not None:
                where = f"(layer {name!r}, version {manifest.version!r})"
                problems.append(f"{checked[key]} {where}")
    return problems


def _current_problems(store: Store, *, versions_exist: bool) -> list[str]:
    """Return what is wrong with ``CURRENT``: unreadable, missing, or naming no version."""
    try:
        current = store.current_version()
    except StoreCorruptError as error:
        return [problem_line(error)]
    path = store.root / "CURRENT"
    if current is None and versions_exist:
        return [f"{str(path)!r}: missing while versions exist"]
    if current is not None and not store.has_version(current):
        return [f"{str(path)!r}: names missing version {current!r}"]
    return []


def repair_store(store: Store, *, dry_run: bool = False, deep: bool = False) -> RepairReport:
    """Bring the store back to its newest sound version; return what was done.

    A version is sound when its manifest reads and matches its checksum, its id matches
    its parts and every part file is there, matches its hash and holds the rows the
    manifest says. "Newest" follows the parent chains of the versions, not their clocks.
    Under the write lock, the repair

    * points ``CURRENT`` at the version it names if that one is sound, else at the newest
      sound version (or removes it when there is none: the store then reads as empty);
    * moves unreadable and unsound manifests, and damaged part files, to ``quarantine/``;
    * removes temporary files and part files that no manifest (in ``commits/`` or
      ``quarantine/``) names, once they are a minute old: writers that crashed left them.
      While any manifest cannot be read, no part file is removed, since it may name any;
    * commits to each Delta table whose newest version holds other files than the version
      ``CURRENT`` then names (a writer stopped between its table commits and its manifest,
      or ``CURRENT`` moved back), so that readers of the tables see that version again.

    It never removes or moves a part file a sound version uses. Running it again on a
    repaired store changes nothing.

    Parameters
    ----------
    dry_run
        Only report what would be done; change nothing (and take no lock).
    deep
        Also decode every part file a manifest names.

    Raises
    ------
    StoreError
        When `root` is missing, is not a directory, or holds files but no store.
    StoreSchemaError
        When a manifest is in another format, or the store in the older layout (nothing is
        changed then).
    StoreBusyError
        When another writer holds the lock past `lock_timeout`.
    """
    root = store.root
    if not root.is_dir():
        what = "is not a directory" if root.exists() else "does not exist"
        msg = f"no store at {str(root)!r}: the path {what}"
        raise StoreError(msg)
    refuse_old_layout(root)
    if not _looks_like_store(root):
        if any(root.iterdir()):
            msg = (
                f"{str(root)!r} holds files but no store (no CURRENT, {COMMITS_DIR}/ or "
                f"{TABLES_DIR}/); nothing was changed"
            )
            raise StoreError(msg)
        return RepairReport(root, dry_run, None, None)
    if dry_run:
        return _repair(store, dry_run=True, deep=deep)
    with store.lock():
        return _repair(store, dry_run=False, deep=deep)


@dataclass(frozen=True, slots=True)
class _RepairPlan:
    """What a repair changes: files to move aside or remove, ``CURRENT``, tables to sync."""

    moved: tuple[Path, ...]
    removed: tuple[Path, ...]
    current_before: str | None
    current_after: str | None
    synced: tuple[str, ...]
    current: Manifest | None
    rebuilt: tuple[str, ...]
    sound: tuple[Manifest, ...]


def _repair(store: Store, *, dry_run: bool, deep: bool) -> RepairReport:
    root = store.root
    plan, kept = _plan_repair(store, deep=deep)
    if not dry_run:
        try:
            _carry_out(store, plan)
        except OSError as error:
            msg = f"repair of {str(root)!r} stopped: {describe_os_error(error)}; run it again"
            raise StoreError(msg) from error
        store.forget_manifests()
    return RepairReport(
        root=root,
        dry_run=dry_run,
        current_before=plan.current_before,
        current_after=plan.current_after,
        quarantined=tuple(_relative(root, path) for path in plan.moved),
        removed=tuple(_relative(root, path) for path in plan.removed),
        kept=tuple(kept),
        problems=tuple(check_store(store, deep=deep)),
        synced=plan.synced,
        rebuilt=plan.rebuilt,
    )


def _plan_repair(store: Store, *, deep: bool) -> tuple[_RepairPlan, list[str]]:
    """Return what a repair of `store` changes, and notes on the files it keeps on purpose."""
    now = time.time()
    manifests, moved = _readable_manifests(store)
    sound, damaged = _sound_versions(store, manifests, deep=deep)
    moved += [
        store.commits_dir / f"{version}.json" for version in manifests if version not in sound
    ]
    in_use = {(n, p.object) for m in sound.values() for n, i in m.layers.items() for p in i.parts}
    for layer, digest in sorted(damaged - in_use):
        path = store.part_path(layer, digest)
        if path.is_file():
            moved.append(path)
    current_path = store.root / "CURRENT"
    if current_path.exists() and not current_path.is_file():
        moved.insert(0, current_path)  # a directory where the pointer should be
    before = read_pointer(current_path)
    current = before if before in sound else None
    if current is None and sound:
        current = chain_order(sound.values())[-1].version
    removed, kept = _leftovers(store, now, moved)
    chosen = sound[current] if current is not None else None
    ordered = tuple(chain_order(sound.values()))
    rebuilt = tuple(tables_to_rebuild(store.root, ordered))
    synced = tuple(n for n in tables_out_of_step(store.root, chosen) if n not in rebuilt)
    plan = _RepairPlan(
        tuple(moved), tuple(removed), before, current, synced, chosen, rebuilt, ordered
    )
    return plan, kept


def _readable_manifests(store: Store) -> tuple[dict[str, Manifest], list[Path]]:
    """Return the manifests that read (by version), and the files that do not.

    Raises
    ------
    StoreSchemaError
        When a manifest is in another format: nothing is to be changed then.
    """
    manifests: dict[str, Manifest] = {}
    unreadable: list[Path] = []
    for path in _manifest_paths(store):
        try:
            manifest = _load_version(path)
        except StoreSchemaError:
            raise
        except StoreCorruptError:
            unreadable.append(path)
            continue
        manifests[manifest.version] = manifest
    return manifests, unreadable


def _sound_versions(
    store: Store, manifests: dict[str, Manifest], *, deep: bool
) -> tuple[dict[str, Manifest], set[tuple[str, str]]]:
    """Return the sound versions among `manifests`, and the damaged part files (layer, hash)."""
    verdicts: dict[_PartKey, str | None] = {}
    sound: dict[str, Manifest] = {}
    damaged: set[tuple[str, str]] = set()
    for version, manifest in manifests.items():
        ok = version_id(manifest.layers) == version
        for name, info in manifest.layers.items():
            for part in info.parts:
                key = (name, part.object, part.rows, info.geometry)
                if key not in verdicts:
                    verdicts[key] = _part_problem(store, name, part, info.geometry, deep=deep)
                if verdicts[key] is not None:
                    ok = False
                    damaged.add((name, part.object))
        if ok:
            sound[version] = manifest
    return sound, damaged


def _carry_out(store: Store, plan: _RepairPlan) -> None:
    """Make the changes of `plan`: quarantine, tables, ``CURRENT``, removals."""
    root = store.root
    current_path = root / "CURRENT"
    if current_path in plan.moved:
        _quarantine(root, current_path)
    renumbered: dict[str, dict[str, int]] = {}
    for layer in plan.rebuilt:
        _quarantine(root, table_dir(root, layer) / DELTA_LOG, name=f"{layer}{DELTA_LOG}")
        renumbered[layer] = rebuild_table(root, layer, plan.sound, plan.current)
    for manifest in plan.sound:
        _renumber(
            store,
            manifest,
            {n: v[manifest.version] for n, v in renumbered.items() if manifest.version in v},
        )
    for layer in plan.synced:  # before CURRENT moves: its parts are all sound
        info = plan.current.layers.get(layer) if plan.current else None
        message = "store repair"
        version = plan.current.version if plan.current else "none"
        sync_table(root, layer, info.parts if info else (), version=version, message=message)
    if plan.current_after != plan.current_before:
        _point_current(root, plan.current_after)
    for path in plan.moved:
        if path != current_path:
            _quarantine(root, path)
    for path in plan.removed:
        path.unlink(missing_ok=True)


def _leftovers(store: Store, now: float, moved: Sequence[Path]) -> tuple[list[Path], list[str]]:
    """Return the files crashed writers left (to remove) and notes on those kept."""
    root = store.root
    removed: list[Path] = []
    young: list[Path] = []
    for directory in (root, store.commits_dir, *layer_dirs(root)):
        for path in sorted(directory.glob(f"{TMP_PREFIX}*")):
            if path.is_file():
                (young if file_age(path, now) < _ORPHAN_GRACE else removed).append(path)
    for directory in layer_dirs(root):  # delta-rs writes a commit there, then renames it
        for path in sorted((directory / DELTA_LOG).glob("_commit_*.tmp")):
            (young if file_age(path, now) < _ORPHAN_GRACE else removed).append(path)
    named: set[str] = set()
    unreadable: list[Path] = []
    quarantine = root / QUARANTINE
    for path in [*store.commits_dir.glob("*.json"), *quarantine.glob("*.json*")]:
        if path.name.startswith(TMP_PREFIX):
            continue
        digests = object_names(path)
        if digests is None:
            unreadable.append(path)
        else:
            named |= digests
    orphans = [
        path
        for directory in layer_dirs(root)
        for path in sorted(directory.glob("*.parquet"))
        if OBJECT_RE.match(path.stem) and path.stem not in named and path not in moved
    ]
    notes: list[str] = []
    if orphans and unreadable:
        reason = f"{_relative(root, unreadable[0])} cannot be read and may name them"
        notes.append(f"{len(orphans)} part file(s) no manifest names: {reason}")
    else:
        for path in orphans:
            (young if file_age(path, now) < _ORPHAN_GRACE else removed).append(path)
    if young:
        reason = f"less than {_ORPHAN_GRACE:.0f} s old; a writer may still use them"
        notes.append(f"{len(young)} file(s) left by a writer: {reason}")
    return removed, notes


def _renumber(store: Store, manifest: Manifest, numbers: dict[str, int]) -> None:
    """Rewrite `manifest` with the table versions of rebuilt tables (its id stays)."""
    layers = {
        name: dataclasses.replace(info, table_version=numbers[name]) if name in numbers else info
        for name, info in manifest.layers.items()
    }
    if layers == dict(manifest.layers):
        return
    data = manifest_to_json(dataclasses.replace(manifest, layers=layers))
    text = json.dumps(data, indent=1, ensure_ascii=False)
    write_atomic(store.commits_dir / f"{manifest.version}.json", text.encode("utf-8") + b"\n")


def _point_current(root: Path, version: str | None) -> None:
    path = root / "CURRENT"
    if version is not None:
        write_atomic(path, f"{version}\n".encode("ascii"))
    elif path.exists():
        path.unlink()
        fsync_directory(root)


def _quarantine(root: Path, path: Path, *, name: str | None = None) -> None:
    if not path.exists():
        return
    target_dir = root / QUARANTINE
    if not target_dir.is_dir():
        target_dir.mkdir()
        fsync_directory(root)
    name = name or path.name
    target, number = target_dir / name, 1
    while target.exists():
        target, number = target_dir / f"{name}.{number}", number + 1
    path.replace(target)
    fsync_directory(target_dir)
    fsync_directory(path.parent)


def _relative(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def _looks_like_store(root: Path) -> bool:
    return any((root / name).exists() for name in ("CURRENT", COMMITS_DIR, TABLES_DIR))


def _part_problem(
    store: Store, layer: str, part: PartInfo, geometry: str | None, *, deep: bool
) -> str | None:
    """Return what is wrong with one part file, None when it is sound."""
    path = store.part_path(layer, part.object)
    if not path.is_file():
        return f"{str(path)!r}: missing part file"
    try:
        store.verifier.verify(path, part.object)
        schema = pq.read_schema(path)
        rows = pq.read_metadata(path).num_rows
        if deep:
            pq.read_table(path)
    except StoreCorruptError as error:
        return problem_line(error)
    except (OSError, pa.ArrowException, ValueError) as error:  # ValueError: bad UTF-8 inside
        return f"{str(path)!r}: unreadable part file ({error})"
    if rows != part.rows:
        return f"{str(path)!r}: holds {rows} rows, the manifest says {part.rows}"
    if geometry is not None and geometry not in schema.names:
        return f"{str(path)!r}: has no geometry column {geometry!r}, the manifest says it has"
    return None
