"""The store's layers as Delta Lake tables: other engines read them, versions, migration.

Readers here use ``deltalake`` and ``duckdb`` directly, never the store's code, on the folders
``STORE/tables/<layer>``; the table version of each store version comes from its manifest.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import duckdb
import geopandas as gpd
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from deltalake import DeltaTable
from shapely.geometry import box
from test_store import EVENT_ROWS, D, _all_layers, _events

from geo.cli import main
from geo.store import delta
from geo.store.delta import VERSION_KEY, sync_table, table_dir
from geo.store.migrate import migrate_store
from geo.store.store import LAYERS, Store, StoreError, StoreSchemaError

OLD_STORE = Path(__file__).parent / "data" / "old_store"
"""A store written by the code before Delta tables (``objects/``, ``versions/``, format 2):
three versions of events, zones and articles, the third current."""


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store.open(tmp_path / "store")


def _delta_ids(path: Path, version: int | None = None) -> list[str]:
    table = DeltaTable(path, version=version).to_pyarrow_table(columns=["id"])
    return sorted(table.column("id").to_pylist())


def _store_ids(store: Store, layer: str, version: str | None = None) -> list[str]:
    return sorted(store.read_layer(layer, version=version, columns=["id"])["id"])


def _two_versions(store: Store) -> tuple[str, str]:
    first = store.write(_all_layers(), message="all")
    zones = _all_layers()["zones"].iloc[:1]
    second = store.update(
        append={"events": _events([("ev-extra", None, None, (10.0, 10.0))])},
        replace={"zones": zones},
        message="one more event, one zone less",
    )
    return first, second


def test_deltalake_reads_every_layer_at_each_version_without_our_code(store: Store) -> None:
    first, second = _two_versions(store)
    for layer in LAYERS:
        path = store.root / "tables" / layer
        assert _delta_ids(path) == _store_ids(store, layer)  # the newest: the current version
        for version in (first, second):
            manifest = store.manifest(version)
            assert manifest is not None
            number = manifest.layers[layer].table_version
            assert _delta_ids(path, number) == _store_ids(store, layer, version)
    events = DeltaTable(store.root / "tables" / "events")
    assert len(_delta_ids(events.table_uri)) == len(EVENT_ROWS) + 1
    history = events.history()
    assert [entry[VERSION_KEY] for entry in reversed(history)] == [first, second]
    assert len(_delta_ids(store.root / "tables" / "zones", 0)) == 2  # time travel: older rows
    assert len(_delta_ids(store.root / "tables" / "zones", 1)) == 1


def test_geometry_and_types_come_through_delta(store: Store) -> None:
    store.write(_all_layers(), message="all")
    table = DeltaTable(store.root / "tables" / "events").to_pyarrow_table()
    assert table.schema.field("geometry").type == pa.binary()  # WKB
    assert table.schema.field("date_start").type == pa.date32()
    frame = gpd.GeoDataFrame(
        table.drop_columns(["bbox"]).to_pandas(),
        geometry=gpd.GeoSeries.from_wkb(table.column("geometry").to_pylist()),
        crs="EPSG:4326",
    )
    ours = store.read_layer("events").set_index("id")
    for row in frame.itertuples():
        expected = ours.loc[row.id, "geometry"]
        assert (row.geometry is None and expected is None) or row.geometry.equals(expected)


def test_duckdb_queries_a_table_version(store: Store) -> None:
    first, _ = _two_versions(store)
    manifest = store.manifest(first)
    assert manifest is not None
    path = store.root / "tables" / "events"
    number = manifest.layers["events"].table_version
    connection = duckdb.connect()
    connection.register("old", DeltaTable(path, version=number).to_pyarrow_dataset())
    connection.register("new", DeltaTable(path).to_pyarrow_dataset())
    query = "select count(*), count(date_start) from {} where id like 'ev-%'"
    dated = len(EVENT_ROWS) - 1
    assert connection.sql(query.format("old")).fetchall() == [(len(EVENT_ROWS), dated)]
    assert connection.sql(query.format("new")).fetchall() == [(len(EVENT_ROWS) + 1, dated)]


def test_file_statistics_bound_each_part_so_readers_skip_parts_rightly(store: Store) -> None:
    store.write(_all_layers(), message="all")
    table = DeltaTable(store.root / "tables" / "events")
    actions = pa.table(table.get_add_actions(flatten=True)).to_pylist()
    assert len(actions) == len(store.parts_for("events"))
    for action in actions:
        part = pq.read_table(store.root / "tables" / "events" / action["path"])
        assert action["num_records"] == part.num_rows
        dates = [d for d in part.column("date_start").to_pylist() if d is not None]
        if dates:
            assert action["min.date_start"] <= min(dates)
            assert action["max.date_start"] >= max(dates)
        assert action.get("min.id") is None  # strings get no bounds
    since = D(2023, 4, 1)
    dataset = table.to_pyarrow_dataset()
    kept = list(dataset.get_fragments(filter=pc.field("date_start") >= since))
    assert 0 < len(kept) < len(actions)
    found = table.to_pyarrow_table(filters=[("date_start", ">=", since)]).column("id")
    expected = [r[0] for r in EVENT_ROWS if r[1] is not None and r[1] >= since]
    assert sorted(found.to_pylist()) == sorted(expected)


def test_a_column_that_arrives_later_is_added_and_an_all_null_one_is_a_string(
    store: Store,
) -> None:
    zones = gpd.GeoDataFrame(
        {"id": ["z1"], "note": [None]}, geometry=[box(0, 0, 1, 1)], crs="EPSG:4326"
    )
    store.write({"zones": zones}, message="a column of nulls")
    path = store.root / "tables" / "zones"
    assert DeltaTable(path).schema().to_arrow().field("note").type == pa.string()
    store.write({"zones": zones.assign(severity=[0.5], note=["calm"])}, message="a new column")
    table = DeltaTable(path).to_pyarrow_table()
    assert table.column("severity").to_pylist() == [0.5]
    assert table.column("note").to_pylist() == ["calm"]
    assert DeltaTable(path, version=0).to_pyarrow_table().column("note").to_pylist() == [None]


def test_writing_an_older_content_again_brings_the_tables_back(store: Store) -> None:
    first, _ = _two_versions(store)
    again = store.write(_all_layers(), message="all again")
    assert again == first
    assert store.current_version() == first
    assert _delta_ids(store.root / "tables" / "zones") == _store_ids(store, "zones")
    assert store.check(deep=True) == []


def test_prune_removes_files_no_kept_version_uses_and_the_tables_still_read(
    store: Store,
) -> None:
    first, _ = _two_versions(store)
    assert store.prune(keep=1) == [first]
    zones = store.root / "tables" / "zones"
    assert len(list(zones.glob("*.parquet"))) == 1
    assert _delta_ids(zones) == _store_ids(store, "zones")
    assert store.check(deep=True) == []


def test_tables_ahead_of_the_current_version_are_reported_and_repaired(store: Store) -> None:
    first, _ = _two_versions(store)
    manifest = store.manifest(first)
    assert manifest is not None
    # as a writer killed between its table commits and its manifest leaves them
    sync_table(store.root, "zones", manifest.layers["zones"].parts, version="x", message="x")
    problems = Store(store.root).check()
    assert len(problems) == 1
    assert "tables/zones" in problems[0]
    assert "newest version holds 1 file(s) more and 1 fewer" in problems[0]
    report = Store(store.root).repair()
    assert report.synced == ("zones",)
    assert report.sound, report.summary()
    assert "bring the Delta table tables/zones to the current version" in report.summary()
    assert _delta_ids(table_dir(store.root, "zones")) == _store_ids(store, "zones")


def test_a_manifest_naming_a_table_version_that_holds_other_files_is_reported(
    store: Store,
) -> None:
    _, second = _two_versions(store)
    log = store.root / "tables" / "zones" / "_delta_log"
    newest = sorted(log.glob("*.json"))[-1]
    newest.unlink()
    problems = Store(store.root).check()
    assert any(f"{second}.json" in line and "names version 1" in line for line in problems)
    assert any("tables/zones" in line and "newest version" in line for line in problems)


@pytest.mark.parametrize("damage", ["lose the newest commit", "garble the first commit"])
def test_repair_rebuilds_a_damaged_table_log_from_the_manifests(store: Store, damage: str) -> None:
    first, second = _two_versions(store)
    log = store.root / "tables" / "zones" / "_delta_log"
    commits = sorted(log.glob("*.json"))
    if damage == "lose the newest commit":
        commits[-1].unlink()
    else:
        commits[0].write_text("{not json\n")
    assert Store(store.root).check()
    dry = Store(store.root).repair(dry_run=True)
    assert dry.rebuilt == ("zones",)
    assert "would rebuild the Delta table tables/zones from the manifests" in dry.summary()
    report = Store(store.root).repair()
    assert report.rebuilt == ("zones",)
    assert report.sound, report.summary()
    assert (store.root / "quarantine" / "zones_delta_log").is_dir()
    fresh = Store(store.root)
    for version in (first, second):
        manifest = fresh.manifest(version)
        assert manifest is not None
        number = manifest.layers["zones"].table_version
        assert _delta_ids(log.parent, number) == _store_ids(fresh, "zones", version)
    assert _delta_ids(log.parent) == _store_ids(fresh, "zones")
    assert not Store(store.root).repair().changed


# -- migration ----------------------------------------------------------------------------


def _old_store(tmp_path: Path) -> Path:
    root = tmp_path / "old"
    shutil.copytree(OLD_STORE, root)
    return root


def _old_ids(root: Path) -> dict[str, dict[str, list[str]]]:
    """Return version → layer → ids, read from the older layout's files with pyarrow alone."""
    found: dict[str, dict[str, list[str]]] = {}
    for path in sorted((root / "versions").glob("*.json")):
        data = json.loads(path.read_text())
        found[path.stem] = {
            layer: sorted(
                value
                for part in info["parts"]
                for value in pq.read_table(
                    root / "objects" / f"{part['object']}.parquet", columns=["id"]
                )
                .column("id")
                .to_pylist()
            )
            for layer, info in data["layers"].items()
        }
    return found


def _run(args: list[str]) -> Any:
    result = CliRunner().invoke(main, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def test_an_old_store_names_the_migration_and_migrate_keeps_every_version(
    tmp_path: Path,
) -> None:
    root = _old_store(tmp_path)
    expected = _old_ids(root)
    current = (root / "CURRENT").read_text().strip()
    order = _chain(expected, root)
    command = f"python -m geo store migrate --store {root}"
    with pytest.raises(StoreSchemaError, match="older store format") as caught:
        Store(root).read_all()
    assert command in str(caught.value)
    with pytest.raises(StoreSchemaError, match="store migrate"):
        Store.open(root)
    checked = _run(["store", "check", "--store", str(root)])
    assert checked.exit_code == 1
    assert command in checked.output
    ingest = _run(["ingest", str(tmp_path / "none.txt"), "--store", str(root)])
    assert ingest.exit_code == 2
    assert command in ingest.output

    migrated = _run(["store", "migrate", "--store", str(root)])
    assert migrated.exit_code == 0, migrated.output
    assert f"3 version(s), current version {current}" in migrated.output
    assert sorted(p.name for p in root.iterdir()) == [".lock", "CURRENT", "commits", "tables"]
    store = Store(root)
    assert store.check(deep=True) == []
    assert [info.id for info in store.versions()] == order
    assert store.current_version() == current
    numbers: dict[str, list[int]] = {}
    for version, layers in expected.items():
        manifest = store.manifest(version)
        assert manifest is not None
        for layer, ids in layers.items():
            assert _store_ids(store, layer, version) == ids
            number = manifest.layers[layer].table_version
            assert number is not None
            assert _delta_ids(root / "tables" / layer, number) == ids
            numbers.setdefault(layer, []).append(number)
    for found in numbers.values():  # table versions follow the stored versions' order
        in_order = [found[list(expected).index(v)] for v in order]
        assert in_order == sorted(in_order)
    again = _run(["store", "migrate", "--store", str(root)])
    assert again.exit_code == 0
    assert "already in the current format" in again.output


def _chain(expected: dict[str, Any], root: Path) -> list[str]:
    """Return the versions of the old store, oldest first, by their parents."""
    parents = {
        v: json.loads((root / "versions" / f"{v}.json").read_text())["parent"] for v in expected
    }
    order: list[str] = []
    while len(order) < len(parents):
        order += [v for v, p in parents.items() if v not in order and (p is None or p in order)]
    return order


def test_an_interrupted_migration_leaves_the_old_store_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _old_store(tmp_path)
    before = {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()}
    real = Path.replace

    def crash(self: Path, target: Any) -> Path:
        if self.name == "versions":
            raise OSError("simulated crash before the switch")
        return real(self, target)

    monkeypatch.setattr(Path, "replace", crash)
    with pytest.raises(OSError, match="simulated crash"):
        migrate_store(root)
    monkeypatch.undo()
    after = {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()}
    assert {k: v for k, v in after.items() if k in before} == before  # nothing old changed
    with pytest.raises(StoreSchemaError, match="store migrate"):
        Store(root).read_all()
    report = migrate_store(root)
    assert len(report.converted) == 3
    assert Store(root).check(deep=True) == []


def test_a_migration_cut_short_after_the_switch_is_finished_by_running_it_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _old_store(tmp_path)
    real = shutil.rmtree
    monkeypatch.setattr(shutil, "rmtree", lambda *a, **k: None)  # the clean-up never ran
    migrate_store(root)
    monkeypatch.setattr(shutil, "rmtree", real)
    assert (root / "objects").is_dir()
    assert Store(root).check(deep=True) == []  # the new layout reads already
    report = migrate_store(root)
    assert report.cleaned
    assert not (root / "objects").exists()
    assert not (root / ".migrated-versions").exists()


def test_migrate_leaves_out_a_version_whose_part_is_missing(tmp_path: Path) -> None:
    root = _old_store(tmp_path)
    expected = _old_ids(root)
    order = _chain(expected, root)
    newest = json.loads((root / "versions" / f"{order[-1]}.json").read_text())
    older = {
        part["object"]
        for v in order[:-1]
        for info in json.loads((root / "versions" / f"{v}.json").read_text())["layers"].values()
        for part in info["parts"]
    }
    only = next(
        part["object"]
        for info in newest["layers"].values()
        for part in info["parts"]
        if part["object"] not in older
    )
    (root / "objects" / f"{only}.parquet").unlink()
    report = migrate_store(root)
    assert report.converted == tuple(order[:-1])
    assert len(report.left_out) == 1
    assert "missing part file" in report.left_out[0]
    repaired = Store(root).repair()  # CURRENT named the version left out
    assert repaired.current_after == order[-2]
    assert repaired.sound, repaired.summary()


def test_old_format_one_manifests_migrate_and_a_bad_geometry_name_is_left_out(
    tmp_path: Path,
) -> None:
    root = _old_store(tmp_path)
    order = _chain(_old_ids(root), root)
    for version in order:
        path = root / "versions" / f"{version}.json"
        data = json.loads(path.read_text())
        del data["checksum"]
        data["format"] = 1
        if version == order[-1]:
            data["layers"]["zones"]["geometry"] = "geometrx"
        path.write_text(json.dumps(data))
    report = migrate_store(root)
    assert report.converted == tuple(order[:-1])
    assert "no geometry column 'geometrx'" in report.left_out[0]


def test_pandas_reads_what_duckdb_and_deltalake_read(store: Store) -> None:
    store.write(_all_layers(), message="all")
    connection = duckdb.connect()
    dataset = DeltaTable(store.root / "tables" / "articles").to_pyarrow_dataset()
    connection.register("articles", dataset)
    frame = connection.sql("select id from articles order by id").df()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame["id"]) == _store_ids(store, "articles")


def test_migrate_refuses_a_store_holding_both_layouts(tmp_path: Path) -> None:
    root = _old_store(tmp_path)
    migrate_store(root)
    shutil.copytree(OLD_STORE / "versions", root / "versions")  # an older Faultlines wrote
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    with pytest.raises(StoreError, match="holds both the older layout"):
        migrate_store(root)
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before


def test_repair_removes_a_table_commit_a_killed_writer_left(store: Store) -> None:
    store.write(_all_layers(), message="all")
    left = store.root / "tables" / "events" / "_delta_log" / "_commit_0a1b.json.tmp"
    left.write_text('{"add": ')
    old = left.stat().st_mtime - 3600
    os.utime(left, (old, old))
    report = Store(store.root).repair()
    assert report.removed == ("tables/events/_delta_log/_commit_0a1b.json.tmp",)
    assert not left.exists()


def test_a_write_that_fails_between_its_table_commits_takes_them_back(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = store.write(_all_layers(), message="all")
    real = delta.sync_table
    calls: list[str] = []

    def failing(root: Path, layer: str, parts: Any, **kwargs: Any) -> int | None:
        calls.append(layer)
        if len(calls) == 2:  # the first table is committed, the second fails
            raise OSError("simulated failure in a table commit")
        return real(root, layer, parts, **kwargs)

    monkeypatch.setattr(delta, "sync_table", failing)
    layers = _all_layers()
    layers["events"] = layers["events"].iloc[:3]
    layers["zones"] = layers["zones"].iloc[:1]
    with pytest.raises(OSError, match="simulated failure"):
        store.write(layers, message="cut short")
    monkeypatch.undo()
    fresh = Store(store.root)
    assert fresh.current_version() == first
    assert fresh.check(deep=True) == []
    for layer in ("events", "zones"):
        assert _delta_ids(store.root / "tables" / layer) == _store_ids(fresh, layer)
