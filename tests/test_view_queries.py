"""Views asked of the store per view show what they showed with the archive in memory.

A store of a few thousand synthetic events (``benchmarks/scale.py``'s, so the viewport often
holds more than the map draws one by one) is opened twice: whole, as exports read it
(``load_dataset``), and as the dashboard opens it (``lazy=True``: the events stay in the
store and each view queries them). Every figure the page shows must agree.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from benchmarks.scale import VIEWS, write_synthetic_store
from geo.places.gazetteer import Gazetteer
from geo.store.store import Store
from geo.view import page as views
from geo.view.dataset import Dataset, load_dataset
from geo.view.selection import MAX_EVENT_MARKERS, filter_events, limit_events
from geo.view.state import ViewState

EVENTS = 4_000

CHECKED: dict[str, ViewState] = {
    **VIEWS,
    "Japan's and Korea's events in 2022": ViewState(
        countries=frozenset({"JP", "KR"}),
        date_from=dt.date(2022, 1, 1),
        date_to=dt.date(2022, 12, 31),
    ),
    "China and NATO, zoom 2": ViewState(zoom=2, actors=frozenset({"CHN", "NATO"})),
    "a few events only": ViewState(
        types=frozenset({"office_opening"}), date_from=dt.date(2024, 6, 1)
    ),
    "the news without the earlier events cited": ViewState(cited=False),
    "2023 without the earlier events cited, China": ViewState(
        cited=False,
        date_from=dt.date(2023, 1, 1),
        date_to=dt.date(2023, 12, 31),
        actors=frozenset({"CHN"}),
    ),
}


@pytest.fixture(scope="module")
def datasets(
    tmp_path_factory: pytest.TempPathFactory, gazetteer: Gazetteer
) -> tuple[Dataset, Dataset]:
    root = tmp_path_factory.mktemp("queries") / "store"
    store = Store.open(root)
    write_synthetic_store(store, gazetteer, EVENTS)
    eager = load_dataset(gazetteer, store_dir=root)
    lazy = load_dataset(gazetteer, store_dir=root, lazy=True)
    return eager, lazy


def test_the_dashboards_dataset_holds_no_stored_event(datasets: tuple[Dataset, Dataset]) -> None:
    eager, lazy = datasets
    assert lazy.archive is not None
    assert eager.archive is None
    assert len(eager.events) == len(lazy.events) + EVENTS  # only the seeds are in memory
    assert lazy.archive.summary.events == EVENTS
    assert views.date_bounds(lazy) == views.date_bounds(eager)
    for column in ("actors", "countries"):
        assert views.filter_codes(lazy, column) == views.codes_in(eager.events, column)


@pytest.mark.parametrize("name", list(CHECKED))
def test_a_view_from_queries_equals_the_view_from_memory(
    datasets: tuple[Dataset, Dataset], gazetteer: Gazetteer, name: str
) -> None:
    eager, lazy = datasets
    view = CHECKED[name]
    whole = views.map_layers(eager, view, gazetteer)
    asked = views.map_layers(lazy, view, gazetteer)

    # zones: the same, measured from the store's sums instead of the events
    expected = whole.zones.set_index("id")["severity"].sort_index()
    found = asked.zones.set_index("id")["severity"].sort_index()
    assert list(found.index) == list(expected.index)
    np.testing.assert_allclose(found.to_numpy(), expected.to_numpy(), atol=1e-9)

    # the map: the same markers, or the same grid cells
    shown, cells = limit_events(filter_events(whole.events, view), view)
    if asked.clusters is None:
        every_match = asked.matching is None  # else only the viewport's were read
        drawn, drawn_cells = limit_events(
            filter_events(asked.events, view), view, every_match=every_match
        )
    else:
        drawn, drawn_cells = asked.events[asked.events["id"] == view.selected], asked.clusters
    assert sorted(drawn["id"]) == sorted(shown["id"])
    if cells is None:
        assert drawn_cells is None
    else:
        columns = ["id", "count", "type", "types"]
        pd.testing.assert_frame_equal(
            drawn_cells[columns].reset_index(drop=True), cells[columns].reset_index(drop=True)
        )

    # the list, its heading and counts, in view and for every match
    for everything in (False, True):
        listed = views.events_in_scope(whole.events, view, None, everything=everything)
        found_list = views.listed_events(lazy, asked, view, None, everything=everything)
        assert views.list_heading(found_list, asked, everything=everything) == views.list_heading(
            listed, whole.events, everything=everything
        )
        assert views.type_counts(found_list) == views.type_counts(listed)
        pd.testing.assert_frame_equal(views.event_table(found_list.rows), views.event_table(listed))
        exported = views.export_rows(lazy, found_list, view)()
        assert sorted(exported["id"]) == sorted(listed["id"])  # every event, not the newest

    # the timeline and the undated note
    pd.testing.assert_frame_equal(
        views.timeline(views.timeline_rows(asked)), views.timeline(whole.events)
    )
    assert views.undated_note(lazy, view) == views.undated_note(eager.events, view)


def test_a_dense_viewport_is_counted_by_the_query_not_read(
    datasets: tuple[Dataset, Dataset], gazetteer: Gazetteer
) -> None:
    _, lazy = datasets
    world = ViewState(zoom=1)
    layers = views.map_layers(lazy, world, gazetteer)
    assert layers.clusters is not None
    assert layers.located is not None
    assert len(layers.located) > MAX_EVENT_MARKERS
    assert len(layers.events) <= 2 * views.MAX_LISTED  # the newest, for the list
    assert int(layers.clusters["count"].sum()) == len(layers.located)


def test_a_selected_zone_lists_the_events_behind_it(
    datasets: tuple[Dataset, Dataset], gazetteer: Gazetteer
) -> None:
    eager, lazy = datasets
    whole = views.view_zones(eager, ViewState(), gazetteer)
    zone = whole.sort_values("severity", ascending=False).iloc[0]
    view = ViewState(selected=str(zone["id"]))
    asked = views.map_layers(lazy, view, gazetteer)
    row = asked.zones[asked.zones["id"] == zone["id"]].iloc[0]
    assert sorted(row["event_ids"]) == sorted(zone["event_ids"])
    assert len(row["event_ids"]) > 0


def test_news_since_a_visit_comes_from_the_articles_ingested_after_it(
    datasets: tuple[Dataset, Dataset],
) -> None:
    from geo.view.fresh import Visit, news_since

    eager, lazy = datasets
    stamp = pd.Timestamp("2025-01-15T08:00:00Z").to_pydatetime()
    for previous in (stamp - dt.timedelta(days=1), stamp + dt.timedelta(days=1)):
        visit = Visit(started=stamp + dt.timedelta(days=2), previous=previous)
        expected = news_since(visit, eager.events, eager.articles)
        assert views.news_since(lazy, visit) == expected


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_held_narrow_columns_pick_what_the_store_filters_keep(
    datasets: tuple[Dataset, Dataset], seed: int
) -> None:
    from tests.narrow import narrow_rows  # the store's own filters, part by part

    _, lazy = datasets
    archive = lazy.archive
    assert archive is not None
    rng = np.random.default_rng(seed)
    columns = ["type", "date_start", "date_end", "date_precision", "bbox"]
    for _ in range(8):
        west, south = rng.uniform(-180, 150), rng.uniform(-80, 60)
        box = (west, south, west + rng.uniform(1, 120), south + rng.uniform(1, 60))
        start = dt.date(2019, 1, 1) + dt.timedelta(days=int(rng.integers(0, 2000)))
        window = rng.choice(4)  # none, from, to, both
        view = ViewState(
            types=frozenset(rng.choice(["exercise", "patrol", "talks", "visit"], 2))
            if rng.random() < 0.5
            else None,
            date_from=start if window in (1, 3) else None,
            date_to=start + dt.timedelta(days=int(rng.integers(0, 400))) if window >= 2 else None,
            undated=bool(rng.random() < 0.5),
            cited=bool(rng.random() < 0.5),
        )
        held = archive.located(view, [box])[0]
        read = narrow_rows(archive._scan(view, columns, bbox=box))
        pd.testing.assert_frame_equal(held, read)


def test_a_dense_view_reads_no_box_its_located_rows_show_empty(
    datasets: tuple[Dataset, Dataset], gazetteer: Gazetteer, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, lazy = datasets
    archive = lazy.archive
    assert archive is not None
    found: list[int] = []
    read = type(archive).read

    def counted(self: object, *args: object, **kwargs: object) -> object:
        rows = read(self, *args, **kwargs)  # type: ignore[arg-type]
        found.append(len(rows))
        return rows

    monkeypatch.setattr(type(archive), "read", counted)
    layers = views.map_layers(lazy, VIEWS["default (East Asia, zoom 4)"], gazetteer)
    assert layers.clusters is not None  # dense: the viewport and its copy past 180° are asked
    assert found
    assert all(found)  # the copy past 180° holds none of the newest: not read
