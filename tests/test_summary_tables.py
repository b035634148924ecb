"""The page's summary kept in small tables at commit time: the same as a pass over the events."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd  # type: ignore[import-untyped]  # no pandas-stubs in the environment
import pytest

from benchmarks.scale import write_synthetic_store
from geo.ingest.pipeline import ingest
from geo.layers.summary import (
    EVENT_CODE_COLUMNS,
    EVENT_TALLY_COLUMNS,
    SUMMARY_TABLES,
    event_codes,
    event_tallies,
    merge_counts,
    without,
)
from geo.places.gazetteer import Gazetteer
from geo.store.store import LAYERS, Store
from geo.text.mentions import PlaceFinder
from geo.view.archive import summarise_archive
from geo.view.dataset import load_dataset

EVENTS = Path(__file__).resolve().parent / "data" / "events"
SYNTHETIC = 3_000


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory, gazetteer: Gazetteer) -> tuple[Store, Store]:
    """A synthetic store with the summary tables, and the same store written before them."""
    root = tmp_path_factory.mktemp("summary")
    kept = Store.open(root / "kept")
    write_synthetic_store(kept, gazetteer, SYNTHETIC)
    older = Store.open(root / "older")
    layers = kept.read_all()
    tables = {name: kept.read_layer(name) for name in ("zone_days", "place_tallies")}
    older.write(
        {name: getattr(layers, name) for name in LAYERS} | tables, message="before the summary"
    )
    assert all(kept.holds(table) for table in SUMMARY_TABLES)
    assert not any(older.holds(table) for table in SUMMARY_TABLES)
    return kept, older


def test_an_ingest_in_batches_keeps_the_summary_one_ingest_makes(
    tmp_path: Path, finder: PlaceFinder
) -> None:
    files = sorted(EVENTS.glob("*.md"))
    whole = Store.open(tmp_path / "whole")
    ingest(files, whole, finder=finder)
    batched = Store.open(tmp_path / "batched")
    third = len(files) // 3
    for batch in (files[:third], files[third : 2 * third], files[2 * third :]):
        ingest(batch, batched, finder=finder)
    assert len(whole.read_layer("event_tallies")) > 0
    assert len(whole.read_layer("event_codes")) > 0
    assert len(whole.read_layer("zone_sums")) > 0
    for table in SUMMARY_TABLES:
        pd.testing.assert_frame_equal(batched.read_layer(table), whole.read_layer(table), obj=table)
    events = whole.read_layer("events")
    expected = event_tallies(events)
    pd.testing.assert_frame_equal(whole.read_layer("event_tallies"), expected)
    assert int(expected["events"].sum()) == len(events)


@pytest.mark.parametrize("hidden", [(), ("art-syn0000000", "art-syn0000007", "not-stored")])
def test_the_stored_summary_equals_the_pass_over_the_events(
    stores: tuple[Store, Store], hidden: tuple[str, ...]
) -> None:
    kept, older = stores
    named = {str(p) for cell in kept.read_layer("events")["place_ids"] for p in cell}
    codes = {place: (place[-2:].upper(),) for place in named}  # a country of each place
    got = summarise_archive(kept, kept.current_version() or "", codes, hidden_articles=hidden)
    expected = summarise_archive(
        older, older.current_version() or "", codes, hidden_articles=hidden
    )
    pd.testing.assert_frame_equal(got.tallies, expected.tallies)
    assert got.actors == expected.actors
    assert got.countries == expected.countries
    assert got.newest_ingested == expected.newest_ingested
    assert got.events == SYNTHETIC - 5 * sum(h.startswith("art-syn") for h in hidden)


def test_counts_taken_away_drop_the_codes_no_event_names_any_more() -> None:
    events = pd.DataFrame(
        {
            "type": ["patrol", "patrol", "talks"],
            "date_start": pd.to_datetime(["2024-05-01", "2024-05-01", None]),
            "date_end": pd.to_datetime(["2024-05-01", "2024-05-01", None]),
            "date_precision": ["day", "day", "unknown"],
            "actors": [["CHN"], ["CHN", "JPN"], []],
            "place_ids": [["a"], ["a"], ["b"]],
        }
    )
    codes = event_codes(events)
    assert codes.to_dict("list") == {
        "column": ["actors", "actors", "place_ids", "place_ids"],
        "code": ["CHN", "JPN", "a", "b"],
        "events": [2, 1, 2, 1],
    }
    left = without(codes, EVENT_CODE_COLUMNS, event_codes(events.iloc[[1]]))
    assert list(left["code"]) == ["CHN", "a", "b"]
    tallies = event_tallies(events)
    assert list(tallies["events"]) == [2, 1]
    assert pd.isna(tallies["date_start"].iloc[1])  # undated events keep their row
    merged = merge_counts(EVENT_TALLY_COLUMNS, tallies, event_tallies(events.iloc[[2]]))
    assert list(merged["events"]) == [2, 2]


def test_views_of_a_store_without_the_tables_show_the_same(
    stores: tuple[Store, Store], gazetteer: Gazetteer
) -> None:
    from geo.view import page as views
    from tests.test_view_queries import CHECKED

    kept, older = stores
    new = load_dataset(gazetteer, store_dir=kept.root, lazy=True)
    old = load_dataset(gazetteer, store_dir=older.root, lazy=True)
    assert new.archive is not None
    assert old.archive is not None
    for view in CHECKED.values():
        got, expected = (views.map_layers(d, view, gazetteer) for d in (new, old))
        found = got.zones.set_index("id")["severity"].sort_index()
        wanted = expected.zones.set_index("id")["severity"].sort_index()
        assert list(found.index) == list(wanted.index)
        np.testing.assert_allclose(found.to_numpy(), wanted.to_numpy(), atol=1e-9)
        assert sorted(got.events["id"]) == sorted(expected.events["id"])
        assert got.matching == expected.matching
