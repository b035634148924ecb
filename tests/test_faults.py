"""Survive crashes, concurrent writers and damaged stores: SIGKILL, two ingests, check/repair.

The crash test kills ``python -m geo ingest`` with SIGKILL at seeded random moments spread over
a whole run (half of them inside the write phase, found by watching an uninterrupted run), then
checks that the store opens at the last complete version, with nothing lost or duplicated, and
that running the ingest again completes it.
"""

from __future__ import annotations

import contextlib
import datetime
import errno
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import filelock
import geopandas as gpd
import pandas as pd  # type: ignore[import-untyped]  # no pandas-stubs in the environment
import pytest
from click.testing import CliRunner
from shapely.geometry import box

import geo.store.repair as repair_module
import geo.store.store as store_module
from geo import settings
from geo.cli import main
from geo.ingest.pipeline import ingest
from geo.store.format import manifest_checksum
from geo.store.store import (
    MANIFEST_FORMAT,
    Store,
    StoreBusyError,
    StoreCorruptError,
    StoreError,
    StoreSchemaError,
)
from geo.text.articles import read_article
from geo.text.mentions import PlaceFinder

PROJECT = Path(__file__).resolve().parents[1]
KILLS = 20
SEED = 20240510
HOUR_AGO = time.time() - 3600

Moment = tuple[str, float]

SEAS = ["Sea of Japan", "East China Sea", "Philippine Sea", "South China Sea"]
CITIES = ["Tokyo", "Seoul", "Manila", "Taipei"]


def _write_articles(folder: Path, count: int = 8) -> list[Path]:
    """Write `count` small articles, each with its own text (and so its own id)."""
    folder.mkdir(parents=True)
    paths = []
    for i in range(count):
        path = folder / f"article-{i}.md"
        path.write_text(
            f"---\ntitle: Drills {i}\noutlet: Pacific Ledger\npublished: 2024-0{1 + i % 9}-1{i}\n"
            f"---\nRussian warships conducted exercise number {i} in the {SEAS[i % 4]}, the "
            f"defence ministry in {CITIES[i % 4]} said. China fired a missile near Taiwan on "
            f"day {i}.\n",
            encoding="utf-8",
        )
        paths.append(path)
    return paths


def _ids(paths: list[Path]) -> set[str]:
    return {read_article(path).id for path in paths}


def _spawn_ingest(paths: list[Path], store: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "geo", "ingest", *map(str, paths), "--store", str(store)]
    return subprocess.Popen(
        [*command, "--quiet"],
        cwd=PROJECT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _sound_article_ids(root: Path) -> set[str]:
    """Open the store at `root` (repairing it if `check` finds damage); return its article ids.

    Fails when a layer holds an id twice or an event's article is not in the store.
    """
    if not root.exists():
        return set()
    store = Store(root)
    problems = store.check(deep=True)
    if problems:
        report = store.repair(deep=True)
        assert report.sound, report.summary()
    layers = store.read_all()
    for name in ("articles", "events", "offices", "places", "zones"):
        frame = getattr(layers, name)
        if len(frame):
            ids = list(frame["id"])
            assert len(ids) == len(set(ids)), f"duplicate ids in {name}: {ids}"
    articles = set(layers.articles["id"]) if len(layers.articles) else set()
    if len(layers.events):
        assert set(layers.events["article_id"]) <= articles
    return articles


def _listing(directory: Path) -> set[str]:
    folders = [directory / "commits", *sorted((directory / "tables").glob("*"))]
    return {p.name for d in folders if d.is_dir() for p in d.iterdir() if p.name != "_delta_log"}


def _watch_run(paths: list[Path], root: Path, companion: Path) -> tuple[float, float, float]:
    """Run one uninterrupted ingest into `root`, another beside it into `companion` (the kills
    run in pairs); return when the first one's write starts, when CURRENT moves, when it ends."""
    before, current = _listing(root), (root / "CURRENT").read_bytes()
    started = time.monotonic()
    process, other = _spawn_ingest(paths, root), _spawn_ingest(paths, companion)
    write_start = write_end = None
    while process.poll() is None:
        now = time.monotonic() - started
        if write_start is None and _listing(root) - before:
            write_start = now
        if write_end is None and (root / "CURRENT").read_bytes() != current:
            write_end = now
        time.sleep(0.002)
    end = time.monotonic() - started
    for run in (process, other):
        _, err = run.communicate()
        assert run.returncode == 0, err.decode()
    if write_start is None or write_end is None or write_end <= write_start:
        write_start, write_end = 0.8 * end, end  # too quick to see: take the end of the run
    return write_start, write_end, end


def _kill_at(paths: list[Path], roots: list[Path], moments: list[Moment]) -> list[bool]:
    """Start one ingest per store in `roots` at once, SIGKILL each at its moment.

    A moment is ``("run", t)``: t seconds after the start, or ``("write", t)``: t seconds after
    the first file of its write appears (so that a busy machine still gets kills mid-write).
    Returns, per run, whether the kill found it still running.
    """
    listings = [_listing(root) for root in roots]
    started = time.monotonic()
    processes = [_spawn_ingest(paths, root) for root in roots]
    deadlines: list[float | None] = [
        started + offset if kind == "run" else None for kind, offset in moments
    ]
    waiting = set(range(len(roots)))
    while waiting:
        now = time.monotonic()
        for i in sorted(waiting):
            if deadlines[i] is None and _listing(roots[i]) - listings[i]:
                deadlines[i] = now + moments[i][1]
            deadline = deadlines[i]
            if processes[i].poll() is not None or (deadline is not None and now >= deadline):
                processes[i].send_signal(signal.SIGKILL)
                waiting.discard(i)
        time.sleep(0.001)
    for process in processes:
        process.communicate()
    return [process.returncode == -signal.SIGKILL for process in processes]


def _left_behind(root: Path) -> bool:
    """Return whether a writer left files the current version does not use."""
    if not root.is_dir():
        return False
    store = Store(root)
    try:
        manifest = store.manifest()
    except StoreError:
        return True
    used = set() if manifest is None else _objects_of(store, manifest.version)
    names = {f"{digest}.parquet" for digest in used}
    if manifest is not None:
        names.add(f"{manifest.version}.json")
    return bool(_listing(root) - names) or any(root.glob(".tmp-*"))


def _kill_moments(write_start: float, write_end: float, end: float) -> list[Moment]:
    """Return `KILLS` moments: half spread over a whole run, half over its write phase."""
    rng = random.Random(SEED)
    half = KILLS // 2
    whole: list[Moment] = [("run", end * (i + rng.random()) / half) for i in range(half)]
    span = write_end - write_start + 0.02
    writing: list[Moment] = [
        ("write", span * (i + rng.random()) / (KILLS - half)) for i in range(KILLS - half)
    ]
    moments = whole + writing
    rng.shuffle(moments)
    return moments


# -- crashes ------------------------------------------------------------------------------


@pytest.mark.slow
def test_sigkill_at_random_points_loses_and_duplicates_nothing(
    tmp_path: Path, finder: PlaceFinder
) -> None:
    inputs = _write_articles(tmp_path / "in")
    base = tmp_path / "base"
    ingest(inputs[:4], Store.open(base), finder=finder)
    base_ids, full_ids = _ids(inputs[:4]), _ids(inputs)
    assert _sound_article_ids(base) == base_ids
    calibration, companion = tmp_path / "calibration", tmp_path / "companion"
    shutil.copytree(base, calibration)
    moments = _kill_moments(*_watch_run(inputs, calibration, companion))
    assert _sound_article_ids(calibration) == full_ids

    outcomes: Counter[str] = Counter()
    for first in range(0, KILLS, 2):
        runs = []
        for i in (first, first + 1):
            root = tmp_path / f"store-{i}"
            if i % 2:  # half the runs add to a stored version, half start from nothing
                shutil.copytree(base, root)
            runs.append((root, base_ids if i % 2 else set(), moments[i]))
        killed = _kill_at(inputs, [run[0] for run in runs], [run[2] for run in runs])
        for (root, before, moment), was_running in zip(runs, killed, strict=True):
            partial = _left_behind(root)
            damaged = root.exists() and bool(Store(root).check(deep=True))
            found = _sound_article_ids(root)  # repairs the store when check finds damage
            assert found in (before, full_ids), f"SIGKILL at {moment}: a partial set"
            label = "old" if found == before else "new"
            label += " (write cut short)" if partial and label == "old" else ""
            label += "" if was_running else " (had finished)"
            outcomes[label + (" repaired" if damaged else "")] += 1

            ingest(inputs, Store.open(root), finder=finder)  # run it again, to completion
            store = Store(root)
            assert store.check(deep=True) == []
            ids = list(store.read_layer("articles", columns=["id"])["id"])
            assert sorted(ids) == sorted(full_ids)
    print(f"{KILLS} SIGKILLs: {dict(outcomes)}")

    last = tmp_path / f"store-{KILLS - 1}"
    process = _spawn_ingest(inputs, last)  # and the command line agrees: nothing left to add
    out, err = process.communicate()
    assert process.returncode == 0, err.decode()
    assert out.decode().startswith(f"0 article(s) added, {len(inputs)} already stored")


# -- concurrent writers -------------------------------------------------------------------


@pytest.mark.slow
def test_two_ingests_at_once_leave_a_sound_store(tmp_path: Path) -> None:
    inputs = _write_articles(tmp_path / "in")
    batches = [inputs[:6], inputs[2:]]
    root = tmp_path / "store"
    processes = [_spawn_ingest(batch, root) for batch in batches]
    for process in processes:
        _, err = process.communicate()
        message = err.decode()
        assert "Traceback" not in message
        if process.returncode != 0:  # the only acceptable failure: a clear "busy" line
            assert process.returncode == 2, message
            assert message.startswith("error: another writer holds"), message
            assert message.count("\n") == 1, message
    assert Store(root).check(deep=True) == []
    found = _sound_article_ids(root)
    assert found in (_ids(batches[0]), _ids(batches[1]), _ids(inputs))


@pytest.mark.slow
def test_two_ingests_at_once_keep_both_batches(tmp_path: Path, finder: PlaceFinder) -> None:
    inputs = _write_articles(tmp_path / "in")
    batches = [inputs[:6], inputs[2:]]
    root = tmp_path / "store"
    Store.open(root)
    barrier = threading.Barrier(2)
    real_write = Store.write

    def write_together(self: Store, layers: Any, *, message: str) -> str:
        """Let both writers reach the write before either commits (when both can get there)."""
        with contextlib.suppress(threading.BrokenBarrierError):  # the other is held elsewhere
            barrier.wait(timeout=5)
        return real_write(self, layers, message=message)

    errors: list[BaseException] = []

    def run(batch: list[Path]) -> None:
        try:
            ingest(batch, Store(root), finder=finder)
        except BaseException as error:  # handed to the test thread below
            errors.append(error)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Store, "write", write_together)
        threads = [threading.Thread(target=run, args=(batch,)) for batch in batches]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert not errors, errors
    assert _sound_article_ids(root) == _ids(inputs)


def test_lock_is_reentrant_for_its_holder_and_excludes_others(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "store")
    outcome: list[str] = []

    def other_writer() -> None:
        try:
            Store(store.root, lock_timeout=0).write(_layers(["z9"]), message="other")
        except StoreBusyError as error:
            outcome.append(f"busy: {error}")
        else:
            outcome.append("written")

    with store.lock():
        version = store.write(_layers(["z1"]), message="inside the lock")
        thread = threading.Thread(target=other_writer)
        thread.start()
        thread.join()
        assert store.current_version() == version
    assert outcome == [
        f"busy: another writer holds {str(store.root / '.lock')!r}; gave up after 0 s"
    ]
    other_writer()
    assert outcome[-1] == "written"


# -- damaged stores: check and repair -----------------------------------------------------


def _layers(zone_ids: list[str]) -> dict[str, Any]:
    """Small layers whose rows depend only on their ids (so versions share part files)."""
    zones = gpd.GeoDataFrame(
        {"id": zone_ids, "name": [f"zone {z}" for z in zone_ids]},
        geometry=[box(i, i, i + 1, i + 1) for i in range(len(zone_ids))],
        crs="EPSG:4326",
    )
    articles = pd.DataFrame(
        {
            "id": [f"art-{z}" for z in zone_ids],
            "published": [datetime.date(2024, 5, 10)] * len(zone_ids),
            "ingested_at": [pd.Timestamp("2024-05-11", tz="UTC")] * len(zone_ids),
        }
    )
    return {"zones": zones, "articles": articles}


@pytest.fixture
def versions(tmp_path: Path) -> tuple[Store, list[str]]:
    """A store with three versions, the third current; every file an hour old."""
    store = Store.open(tmp_path / "store")
    written = [
        store.write(_layers(["z1"]), message="one"),
        store.write(_layers(["z1", "z2"]), message="two"),
        store.write(_layers(["z1", "z2", "z3"]), message="three"),
    ]
    _age_all(store.root)
    return store, written


def _age_all(root: Path) -> None:
    for path in root.rglob("*"):
        os.utime(path, (HOUR_AGO, HOUR_AGO))


def _objects_of(store: Store, version: str) -> set[str]:
    manifest = store.manifest(version)
    assert manifest is not None
    return {part.object for info in manifest.layers.values() for part in info.parts}


def _part_file(store: Store, digest: str) -> Path:
    """Return the part file named by `digest`, in whichever layer's table it is."""
    return next(store.tables_dir.glob(f"*/{digest}.parquet"))


def _only_in(store: Store, version: str, others: list[str]) -> str:
    used = set().union(*(_objects_of(store, v) for v in others if v != version))
    return sorted(_objects_of(store, version) - used)[0]


def _snapshot(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file() and p.name != ".lock"
    }


def _set_format(store: Store, version: str, value: int) -> None:
    path = store.commits_dir / f"{version}.json"
    data = json.loads(path.read_text())
    data["format"] = value
    path.write_text(json.dumps(data))


def _delete_newest_part(store: Store, versions: list[str]) -> None:
    (_part_file(store, _only_in(store, versions[2], versions))).unlink()


def _truncate_newest_part(store: Store, versions: list[str]) -> None:
    path = _part_file(store, _only_in(store, versions[2], versions))
    path.write_bytes(path.read_bytes()[:64])


def _truncate_newest_manifest(store: Store, versions: list[str]) -> None:
    path = store.commits_dir / f"{versions[2]}.json"
    path.write_text(path.read_text()[:40])


def _garble_current(store: Store, versions: list[str]) -> None:
    (store.root / "CURRENT").write_bytes(b"\x00garbage\xff\n")


def _remove_current(store: Store, versions: list[str]) -> None:
    (store.root / "CURRENT").unlink()


def _current_names_missing_version(store: Store, versions: list[str]) -> None:
    (store.root / "CURRENT").write_text("0123456789ab\n")


def _current_is_a_directory(store: Store, versions: list[str]) -> None:
    (store.root / "CURRENT").unlink()
    (store.root / "CURRENT").mkdir()


def _edit_newest_manifest(store: Store, versions: list[str]) -> None:
    path = store.commits_dir / f"{versions[2]}.json"
    data = json.loads(path.read_text())
    data["layers"]["zones"]["parts"][0]["rows"] += 1
    data["layers"]["zones"]["parts"][0]["object"] = "f" * 32
    path.write_text(json.dumps(data))


def _stray_manifest(store: Store, versions: list[str]) -> None:
    (store.commits_dir / "notes.json").write_text("{not json")


def _crashed_writer_leftovers(store: Store, versions: list[str]) -> None:
    (store.tables_dir / "zones" / ".tmp-abc123.parquet").write_bytes(b"PAR1 half a part")
    (store.commits_dir / ".tmp-def456.json").write_text('{"format": 1, "ver')
    (store.tables_dir / "zones" / f"{'0' * 32}.parquet").write_bytes(b"a complete orphan part")
    _age_all(store.root)


def _intact(store: Store, versions: list[str]) -> None:
    pass


# damage, the versions left sound (indexes), the current one after repair, what is quarantined
REPAIRS: list[tuple[Callable[[Store, list[str]], None], list[int], int | None, list[str]]] = [
    (_intact, [0, 1, 2], 2, []),
    (_delete_newest_part, [0, 1], 1, ["commits/{2}.json"]),
    (_truncate_newest_part, [0, 1], 1, ["commits/{2}.json", "{part2}"]),
    (_truncate_newest_manifest, [0, 1], 1, ["commits/{2}.json"]),
    (_edit_newest_manifest, [0, 1], 1, ["commits/{2}.json"]),
    (_garble_current, [0, 1, 2], 2, []),
    (_remove_current, [0, 1, 2], 2, []),
    (_current_names_missing_version, [0, 1, 2], 2, []),
    (_current_is_a_directory, [0, 1, 2], 2, ["CURRENT"]),
    (_stray_manifest, [0, 1, 2], 2, ["commits/notes.json"]),
    (_crashed_writer_leftovers, [0, 1, 2], 2, []),
]


@pytest.mark.parametrize(("damage", "left", "current", "quarantined"), REPAIRS)
def test_repair_returns_to_the_newest_sound_version(
    versions: tuple[Store, list[str]],
    damage: Callable[[Store, list[str]], None],
    left: list[int],
    current: int | None,
    quarantined: list[str],
) -> None:
    store, written = versions
    part2 = _part_file(store, _only_in(store, written[2], written)).relative_to(store.root)
    kept = {v: _objects_of(store, v) for i, v in enumerate(written) if i in left}
    files = {
        digest: _part_file(store, digest).relative_to(store.root).as_posix()
        for objects in kept.values()
        for digest in objects
    }
    before = _snapshot(store.root)
    damage(store, written)

    report = Store(store.root).repair()

    assert report.sound, report.summary()
    assert Store(store.root).check(deep=True) == []
    assert report.current_after == (None if current is None else written[current])
    assert Store(store.root).current_version() == report.current_after
    names = [q.format(*written, part2=part2.as_posix()) for q in quarantined]
    assert sorted(report.quarantined) == sorted(names)
    for name in names:
        assert (store.root / "quarantine" / Path(name).name).exists()
    # nothing a sound version uses was touched: same bytes, same reads
    after = _snapshot(store.root)
    for objects in kept.values():
        for digest in objects:
            name = files[digest]
            assert after[name] == before[name]
    fresh = Store(store.root)
    for version in kept:
        assert len(fresh.read_all(version).zones) == written.index(version) + 1
    assert not list(store.root.glob("*/.tmp-*"))
    assert not (store.tables_dir / "zones" / f"{'0' * 32}.parquet").exists()  # an old orphan goes
    # and a second repair finds nothing to do
    again = Store(store.root).repair()
    assert not again.changed, again.summary()


def test_repair_points_current_at_nothing_when_no_version_is_sound(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "store")
    version = store.write(_layers(["z1"]), message="only")
    for path in store.tables_dir.glob("*/*.parquet"):
        path.unlink()
    report = Store(store.root).repair()
    assert report.sound
    assert report.current_before == version
    assert report.current_after is None
    assert Store(store.root).current_version() is None
    assert report.quarantined == (f"commits/{version}.json",)
    assert "sound and empty" in report.summary()


def test_repair_keeps_orphans_while_a_manifest_is_unreadable(
    versions: tuple[Store, list[str]],
) -> None:
    store, written = versions
    orphan = store.tables_dir / "zones" / f"{'0' * 32}.parquet"
    orphan.write_bytes(b"named by nothing readable")
    _truncate_newest_manifest(store, written)
    _age_all(store.root)
    report = store.repair()
    assert orphan.exists()  # the unreadable manifest (now in quarantine) may name it
    assert any("cannot be read and may name them" in note for note in report.kept), report.kept
    assert f"tables/zones/{orphan.name}" not in report.removed
    (store.root / "quarantine" / f"{written[2]}.json").unlink()
    report = store.repair()  # once the quarantine is cleared, the orphans go
    assert f"tables/zones/{orphan.name}" in report.removed
    assert not orphan.exists()


def test_repair_keeps_files_a_writer_may_still_use(versions: tuple[Store, list[str]]) -> None:
    store, _ = versions
    fresh_temporary = store.tables_dir / "zones" / ".tmp-live.parquet"
    fresh_orphan = store.tables_dir / "zones" / f"{'1' * 32}.parquet"
    old_temporary = store.commits_dir / ".tmp-dead.json"
    for path in (fresh_temporary, fresh_orphan, old_temporary):
        path.write_bytes(b"partial")
    os.utime(old_temporary, (HOUR_AGO, HOUR_AGO))
    report = store.repair()
    assert report.removed == ("commits/.tmp-dead.json",)
    assert fresh_temporary.exists()
    assert fresh_orphan.exists()
    assert any("a writer may still use them" in note for note in report.kept), report.kept


def test_repair_keeps_part_files_a_quarantined_manifest_names(
    versions: tuple[Store, list[str]],
) -> None:
    store, written = versions
    older = _objects_of(store, written[0]) | _objects_of(store, written[1])
    unique = sorted(_objects_of(store, written[2]) - older)
    assert len(unique) == 2  # its zones and its articles
    (_part_file(store, unique[0])).unlink()
    report = store.repair()
    assert report.quarantined == (f"commits/{written[2]}.json",)
    assert (_part_file(store, unique[1])).exists()
    assert not report.removed


def test_dry_run_changes_nothing(versions: tuple[Store, list[str]]) -> None:
    store, written = versions
    _garble_current(store, written)
    _truncate_newest_manifest(store, written)
    _crashed_writer_leftovers(store, written)
    before = _snapshot(store.root)
    report = store.repair(dry_run=True)
    assert report.dry_run
    assert report.changed
    assert not report.sound
    assert report.current_after == written[1]
    assert _snapshot(store.root) == before
    assert not (store.root / "quarantine").exists()
    assert "would point CURRENT at" in report.summary()


@pytest.mark.parametrize(("found", "words"), [(0, "older"), (MANIFEST_FORMAT + 1, "newer")])
def test_another_manifest_format_is_reported_with_the_way_out(
    versions: tuple[Store, list[str]], found: int, words: str
) -> None:
    store, written = versions
    _set_format(store, written[2], found)
    before = _snapshot(store.root)
    with pytest.raises(StoreSchemaError, match=words) as caught:
        Store(store.root).read_all()
    assert caught.value.found == found
    with pytest.raises(StoreSchemaError):
        Store(store.root).repair()
    assert _snapshot(store.root) == before  # nothing moved or removed
    problems = Store(store.root).check()
    assert len(problems) == 1
    assert words in problems[0]


def test_errors_are_store_errors() -> None:
    assert issubclass(StoreSchemaError, StoreCorruptError)
    assert issubclass(StoreCorruptError, StoreError)


def test_a_damaged_read_names_the_repair_command(versions: tuple[Store, list[str]]) -> None:
    store, written = versions
    _garble_current(store, written)
    with pytest.raises(StoreCorruptError, match="python -m geo store repair --store "):
        Store(store.root).read_all()


# -- bit flips and skewed clocks ----------------------------------------------------------

FLIPS = 64


def _frames(store: Store) -> dict[str, Any]:
    layers = store.read_all()
    return {name: getattr(layers, name) for name in ("zones", "articles")}


def _same_frames(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return all(a[name].equals(b[name]) for name in a)


def _flip(path: Path, bit: int) -> None:
    data = bytearray(path.read_bytes())
    data[bit // 8] ^= 1 << (bit % 8)
    path.write_bytes(bytes(data))


def _flip_outcome(root: Path, expected: dict[str, Any]) -> str:
    """Read the store at `root` afresh: 'detected', 'harmless' (same data) or 'silent'."""
    try:
        frames = _frames(Store(root))
    except StoreError:
        assert Store(root).check(), "a read failed but check found nothing"
        return "detected"
    return "harmless" if _same_frames(frames, expected) else "silent"


def test_a_renamed_geometry_column_in_a_manifest_is_damage(
    versions: tuple[Store, list[str]],
) -> None:
    store, written = versions
    path = store.commits_dir / f"{written[2]}.json"
    path.write_text(path.read_text().replace('"geometry": "geometry"', '"geometry": "geometrx"'))
    with pytest.raises(StoreCorruptError, match="checksum"):
        Store(store.root).read_all()
    assert any("checksum" in line for line in Store(store.root).check())
    report = Store(store.root).repair()
    assert report.quarantined == (f"commits/{written[2]}.json",)
    assert report.current_after == written[1]


@pytest.mark.parametrize("target", ["manifest", "part"])
def test_bit_flips_are_detected_or_harmless_never_silent(
    versions: tuple[Store, list[str]], tmp_path: Path, target: str
) -> None:
    store, written = versions
    expected = _frames(Store(store.root))
    if target == "manifest":
        files = [store.commits_dir / f"{written[2]}.json"]
    else:
        files = [_part_file(store, digest) for digest in _objects_of(store, written[2])]
    rng = random.Random(SEED)
    outcomes: Counter[str] = Counter()
    for _ in range(FLIPS):
        original = rng.choice(files)
        root = tmp_path / f"flip-{sum(outcomes.values())}"
        shutil.copytree(store.root, root)
        damaged = root / original.relative_to(store.root)
        _flip(damaged, rng.randrange(damaged.stat().st_size * 8))
        outcomes[_flip_outcome(root, expected)] += 1
    assert outcomes["silent"] == 0, outcomes
    assert outcomes["detected"] >= FLIPS // 2, outcomes


def test_reads_verify_parts_written_earlier_in_the_same_process(
    versions: tuple[Store, list[str]],
) -> None:
    store, written = versions
    digest = _only_in(store, written[2], written)
    path = _part_file(store, digest)
    reader = Store(store.root)
    reader.read_all()
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x04
    path.write_bytes(bytes(data))
    os.utime(path, (HOUR_AGO + 7, HOUR_AGO + 7))  # a new modification time, whatever the clock
    with pytest.raises(StoreCorruptError, match="does not match its hash"):
        reader.read_all()


def _set_created_at(store: Store, version: str, when: str) -> None:
    """Rewrite a manifest as a writer with a wrong clock would have written it."""
    path = store.commits_dir / f"{version}.json"
    data = json.loads(path.read_text())
    data["created_at"] = when
    data["checksum"] = manifest_checksum(data)
    path.write_text(json.dumps(data))


def test_repair_follows_the_parent_chain_not_the_clock(
    versions: tuple[Store, list[str]],
) -> None:
    store, written = versions
    _set_created_at(store, written[2], "2001-01-01T00:00:00+00:00")  # clock far behind
    _set_created_at(store, written[0], "2099-01-01T00:00:00+00:00")  # clock far ahead
    _garble_current(store, written)
    fresh = Store(store.root)
    assert [info.id for info in fresh.versions()] == written
    report = fresh.repair()
    assert report.current_after == written[2], report.summary()
    assert len(Store(store.root).read_all().zones) == 3
    assert Store(store.root).prune(keep=1) == written[:2]


# -- the command line ---------------------------------------------------------------------


def _cli_store(tmp_path: Path) -> tuple[Path, list[str]]:
    store = Store.open(tmp_path / "store")
    written = [
        store.write(_layers(["z1"]), message="one"),
        store.write(_layers(["z1", "z2"]), message="two"),
    ]
    return store.root, written


def _cli_delete_part(root: Path, written: list[str]) -> Path:
    store = Store(root)
    digest = _only_in(store, written[1], written)
    _part_file(store, digest).unlink()
    return root


def _cli_truncate_manifest(root: Path, written: list[str]) -> Path:
    path = root / "commits" / f"{written[1]}.json"
    path.write_text(path.read_text()[:50])
    return root


def _cli_garble_current(root: Path, written: list[str]) -> Path:
    (root / "CURRENT").write_text("<<garbage>>\n")
    return root


def _cli_older_format(root: Path, written: list[str]) -> Path:
    _set_format(Store(root), written[1], 0)
    return root


def _cli_unknown_format(root: Path, written: list[str]) -> Path:
    _set_format(Store(root), written[1], 7)
    return root


def _cli_empty_directory(root: Path, written: list[str]) -> Path:
    empty = root.parent / "empty"
    empty.mkdir()
    return empty


def _cli_not_a_store(root: Path, written: list[str]) -> Path:
    other = root.parent / "documents"
    other.mkdir()
    (other / "letter.txt").write_text("not a store")
    return other


def _cli_a_file(root: Path, written: list[str]) -> Path:
    path = root.parent / "store.txt"
    path.write_text("a file")
    return path


def _cli_missing(root: Path, written: list[str]) -> Path:
    return root.parent / "nowhere"


# damage → (check exit, check says), (repair exit, repair says), current version after repair
CLI_CASES: list[tuple[Callable[[Path, list[str]], Path], int, str, int, str, int | None]] = [
    (_cli_delete_part, 1, "missing part file", 0, "quarantine commits/{1}.json", 0),
    (_cli_truncate_manifest, 1, "unreadable manifest", 0, "quarantine commits/{1}.json", 0),
    (_cli_garble_current, 1, "does not name a version", 0, "point CURRENT at {1}", 1),
    (_cli_older_format, 1, "older store format", 2, "ingest the articles again", None),
    (_cli_unknown_format, 1, "newer store format", 2, "upgrade Faultlines", None),
    (_cli_empty_directory, 0, "is sound", 0, "is sound and empty", None),
    (_cli_not_a_store, 1, "not a store", 2, "holds files but no store", None),
    (_cli_a_file, 1, "is not a directory", 2, "is not a directory", None),
    (_cli_missing, 2, "no store at", 2, "does not exist", None),
]


def _run(args: list[str], env: dict[str, str] | None = None) -> Any:
    result = CliRunner().invoke(main, args, env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result


@pytest.mark.parametrize(
    ("damage", "check_exit", "check_says", "repair_exit", "repair_says", "current"), CLI_CASES
)
def test_store_check_and_repair_commands(
    tmp_path: Path,
    damage: Callable[[Path, list[str]], Path],
    check_exit: int,
    check_says: str,
    repair_exit: int,
    repair_says: str,
    current: int | None,
) -> None:
    root, written = _cli_store(tmp_path)
    target = damage(root, written)
    # through the environment, so a file path reaches the store
    env = {settings.STORE.name: str(target)}

    checked = _run(["store", "check"], env)
    assert checked.exit_code == check_exit, checked.output
    assert any(check_says in line for line in checked.output.splitlines()), checked.output

    repaired = _run(["store", "repair"], env)
    assert repaired.exit_code == repair_exit, repaired.output
    said = repair_says.format(*written)
    assert any(said in line for line in repaired.output.splitlines()), repaired.output
    if repair_exit == 2:
        assert repaired.output.startswith("error: ")
        assert repaired.output.count("\n") == 1
    if current is not None:
        assert Store(target).current_version() == written[current]
        again = _run(["store", "check"], env)
        assert again.exit_code == 0, again.output
        assert again.output == f"store at {target} is sound\n"


def test_store_repair_dry_run_exits_1_when_there_is_work(tmp_path: Path) -> None:
    root, written = _cli_store(tmp_path)
    _cli_garble_current(root, written)
    result = _run(["store", "repair", "--dry-run", "--store", str(root)])
    assert result.exit_code == 1, result.output
    assert f"would point CURRENT at {written[1]}" in result.output
    assert (root / "CURRENT").read_text() == "<<garbage>>\n"
    _run(["store", "repair", "--store", str(root)])
    result = _run(["store", "repair", "--dry-run", "--store", str(root)])
    assert result.exit_code == 0, result.output


def test_store_repair_on_a_file_given_as_option_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "store.txt"
    path.write_text("a file")
    result = _run(["store", "repair", "--store", str(path)])
    assert result.exit_code == 2
    assert "is a file" in result.output


def test_store_repair_help_documents_exit_codes() -> None:
    text = " ".join(_run(["store", "repair", "--help"]).output.split())
    assert "Exit status: 0 when the store is sound" in text
    assert "1 when problems remain" in text
    assert "2 when there is no store" in text


def test_repair_waits_for_writers(tmp_path: Path) -> None:
    root, _ = _cli_store(tmp_path)
    with filelock.FileLock(root / ".lock"), pytest.raises(StoreBusyError):
        Store(root, lock_timeout=0).repair()
    assert Store(root, lock_timeout=0).repair(dry_run=True).sound  # a dry run takes no lock


# -- a disk that cannot take more, from the command line ----------------------------------


def _refuse_writes(monkeypatch: pytest.MonkeyPatch, code: int) -> None:
    def write(path: Path, data: bytes) -> None:
        raise OSError(code, os.strerror(code), str(path))

    for module in (store_module, repair_module):
        monkeypatch.setattr(module, "write_atomic", write)


def _one_error_line(result: Any) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("error: ")
    return str(lines[0])


@pytest.mark.parametrize(
    ("code", "says"),
    [(errno.ENOSPC, "no space left"), (errno.EROFS, "read-only"), (errno.EACCES, "permission")],
)
def test_ingest_into_a_store_that_cannot_be_written_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, says: str
) -> None:
    root, written = _cli_store(tmp_path)
    (article,) = _write_articles(tmp_path / "in", count=1)
    _refuse_writes(monkeypatch, code)
    line = _one_error_line(_run(["ingest", str(article), "--store", str(root), "--quiet"]))
    assert says in line
    assert "keeps its last complete version" in line
    monkeypatch.undo()
    assert Store(root).current_version() == written[1]
    assert Store(root).check() == []


def test_repair_of_a_store_that_cannot_be_written_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, written = _cli_store(tmp_path)
    _cli_garble_current(root, written)
    _refuse_writes(monkeypatch, errno.EROFS)
    line = _one_error_line(_run(["store", "repair", "--store", str(root)]))
    assert "read-only" in line


@pytest.mark.parametrize("output_format", ["csv", "geojson", "parquet"])
def test_export_into_a_missing_folder_is_one_line(tmp_path: Path, output_format: str) -> None:
    target = tmp_path / "missing" / f"events.{output_format}"
    args = ["export", "--layer", "events", "--format", output_format, "-o", str(target)]
    line = _one_error_line(_run([*args, "--store", str(tmp_path / "store")]))
    assert "does not exist" in line
    assert not target.parent.exists()


def test_export_onto_a_full_disk_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(self: Path, *args: Any, **kwargs: Any) -> int:
        raise OSError(errno.ENOSPC, "No space left on device", str(self))

    Store.open(tmp_path / "store")
    monkeypatch.setattr(Path, "write_text", full)
    target = tmp_path / "events.csv"
    args = ["export", "--layer", "events", "--format", "csv", "-o", str(target)]
    line = _one_error_line(_run([*args, "--store", str(tmp_path / "store")]))
    assert "no space left" in line
    assert "nothing was written" in line
