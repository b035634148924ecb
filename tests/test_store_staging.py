"""Parts written before the write that commits them (`geo.store.staging`), added as they are."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd  # type: ignore[import-untyped]  # no pandas-stubs in the environment
import pytest

from geo.store.staging import stage_layer
from geo.store.store import Store
from tests.test_store import EVENT_ROWS, _events


def _events_of(rows: list[Any]) -> Any:
    """Events with their dates as timestamps, as an ingest makes them (a part read back too)."""
    frame = _events(rows)
    for column in ("date_start", "date_end"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


def _ids(store: Store, layer: str = "events") -> list[str]:
    return sorted(store.read_layer(layer)["id"])


def _objects(store: Store, layer: str = "events") -> set[str]:
    manifest = store.manifest()
    assert manifest is not None
    return {part.object for part in manifest.layers[layer].parts}


def test_staged_parts_are_the_ones_a_write_makes(tmp_path: Path) -> None:
    frame = _events_of(EVENT_ROWS)
    written = Store.open(tmp_path / "written")
    written.write({"events": frame}, message="whole")
    staged = stage_layer(Store.open(tmp_path / "staged").root, "events", frame)

    manifest = written.manifest()
    assert manifest is not None
    assert staged.parts == manifest.layers["events"].parts
    assert staged.geometry == manifest.layers["events"].geometry


def test_parts_written_one_at_a_time_are_those_written_side_by_side(tmp_path: Path) -> None:
    frame = _events_of(EVENT_ROWS)
    side_by_side = stage_layer(Store.open(tmp_path / "many").root, "events", frame)
    one_by_one = stage_layer(Store.open(tmp_path / "one").root, "events", frame, writers=1)
    assert len(one_by_one.parts) > 1
    assert one_by_one == side_by_side


def test_a_task_off_a_dask_worker_writes_with_one_thread() -> None:
    from geo.ingest.distributed import _worker_threads

    assert _worker_threads() == 1


def test_staged_parts_join_an_empty_store_as_they_are(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    first = stage_layer(store.root, "events", _events_of(EVENT_ROWS[:3]))
    second = stage_layer(store.root, "events", _events_of(EVENT_ROWS[3:]))
    assert store.current_version() is None  # staged, not committed
    assert store.check() == []

    store.update(append={"events": [first, second]}, message="staged")

    assert _ids(store) == sorted(r[0] for r in EVENT_ROWS)
    assert _objects(store) == {p.object for p in (*first.parts, *second.parts)}
    assert store.check(deep=True) == []


def test_staged_parts_go_beside_stored_months(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    store.write({"events": _events_of(EVENT_ROWS[:4])}, message="stored")
    before = _objects(store)
    more = [("ev-jan-2", *EVENT_ROWS[0][1:]), ("ev-feb-2", *EVENT_ROWS[1][1:])]
    staged = stage_layer(store.root, "events", _events_of(more))

    store.update(append={"events": [staged]}, near_keys_only=("events",), message="staged")

    manifest = store.manifest()
    assert manifest is not None
    keys = [part.key for part in manifest.layers["events"].parts]
    assert sum(key.startswith("2023-01") for key in keys) == 2  # beside, not merged
    assert before | {p.object for p in staged.parts} == _objects(store)
    assert _ids(store) == sorted([r[0] for r in EVENT_ROWS[:4]] + [r[0] for r in more])
    assert store.check(deep=True) == []


def test_staged_rows_already_stored_or_staged_before_are_left_out(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    store.write({"events": _events_of(EVENT_ROWS[:2])}, message="stored")
    new = ("ev-jan-new", *EVENT_ROWS[0][1:])
    again = stage_layer(store.root, "events", _events_of([EVENT_ROWS[0], new]))
    twice = stage_layer(store.root, "events", _events_of([new, EVENT_ROWS[2]]))

    store.update(append={"events": [again, twice]}, near_keys_only=("events",), message="x")

    events = store.read_layer("events")
    assert sorted(events["id"]) == sorted([*(r[0] for r in EVENT_ROWS[:3]), "ev-jan-new"])
    assert not events["id"].duplicated().any()
    committed = _objects(store)
    assert not {p.object for p in again.parts if p.key == "2023-01"} & committed  # rewritten
    assert {p.object for p in twice.parts if p.key == "2023-03"} <= committed  # as it was
    assert store.check(deep=True) == []


def test_a_layer_cannot_take_staged_parts_and_be_replaced(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    staged = stage_layer(store.root, "events", _events_of(EVENT_ROWS))
    with pytest.raises(ValueError, match="cannot be both"):
        store.update(
            append={"events": [staged]}, replace={"events": _events_of(EVENT_ROWS)}, message="x"
        )


def test_staging_checks_the_frame_as_a_write_does(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="GeoDataFrame"):
        stage_layer(tmp_path, "events", pd.DataFrame({"id": ["a"]}))
