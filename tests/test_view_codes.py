"""Views filtered by actors or countries, answered from arrays held per archive.

A small store of synthetic events (actors and places drawn at random, some events naming
none, some undated, some without a place, some cited by their articles) is asked random
views: what the held arrays give (:meth:`geo.view.archive.Archive.located` and
:meth:`~geo.view.archive.Archive.tallies`) must equal what the store's own filters keep,
read part by part.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from shapely.geometry import Point

import geo.view.archive as archive_module
from geo.layers.frames import EVENT_COLUMNS
from geo.layers.summary import event_tallies
from geo.store.store import Store
from geo.view.archive import SCAN_COLUMNS, Archive, list_hits, summarise_archive
from geo.view.codes import EventCodes, smallest_unsigned
from geo.view.state import ViewState
from tests.narrow import narrow_rows

EVENTS = 900
ACTORS = ("AAA", "BBB", "CCC", "DDD", "EEE")
TYPES = ("exercise", "patrol", "talks", "visit")
PLACE_COUNTRIES: dict[str, tuple[str, ...]] = {
    "pl-1": ("AA",),
    "pl-2": ("AA", "BB"),
    "pl-3": ("BB",),
    "pl-4": ("CC",),
    "pl-5": (),
    "pl-6": ("DD",),
}
PLACES = (*PLACE_COUNTRIES, "pl-unknown")  # the last in no country the places layer knows
HIDDEN = "art-0003"  # its events are left out, as a curated article's are
NARROW = ["type", "date_start", "date_end", "date_precision", "bbox"]


def _synthetic_events(rng: np.random.Generator) -> gpd.GeoDataFrame:
    first = dt.date(2022, 1, 1)
    starts: list[object] = []
    ends: list[object] = []
    precisions: list[str] = []
    for _ in range(EVENTS):
        kind = rng.choice(["day", "span", "reversed", "month", "year", "open", "undated"])
        day = first + dt.timedelta(days=int(rng.integers(0, 700)))
        other = day + dt.timedelta(days=int(rng.integers(1, 90)))
        start, end, precision = {
            "day": (day, day, "day"),
            "span": (day, other, "day"),
            "reversed": (other, day, "day"),
            "month": (day.replace(day=1), day.replace(day=1), "month"),
            "year": (day.replace(month=1, day=1), None, "year"),
            "open": (day, None, "day"),
            "undated": (None, None, "unknown"),
        }[str(kind)]
        starts.append(pd.NaT if start is None else start)
        ends.append(pd.NaT if end is None else end)
        precisions.append(precision)
    actors = [list(rng.choice(ACTORS, int(rng.integers(0, 3)), replace=False)) for _ in starts]
    places = [list(rng.choice(PLACES, int(rng.integers(0, 3)), replace=False)) for _ in starts]
    points = [
        Point(rng.uniform(-170, 170), rng.uniform(-70, 70)) if named else None for named in places
    ]
    articles = [f"art-{n // 3:04d}" for n in range(EVENTS)]
    frame = pd.DataFrame(
        {
            "id": [f"ev-{n:05d}" for n in range(EVENTS)],
            "article_id": articles,
            "type": rng.choice(TYPES, EVENTS),
            "cameo": "000",
            "date_start": pd.to_datetime(pd.Series(starts)).astype("datetime64[ns]"),
            "date_end": pd.to_datetime(pd.Series(ends)).astype("datetime64[ns]"),
            "date_precision": precisions,
            "actors": actors,
            "place_ids": places,
            "place_names": [[f"Place {p}" for p in named] for named in places],
            "sentence": [f"Synthetic event {n}." for n in range(EVENTS)],
            "span_start": 0,
            "span_end": 10,
            "confidence": 0.8,
            "origin": "extracted",
            "modality": "happened",
            "role": np.where(rng.random(EVENTS) < 0.2, "context", "main"),
            "date_basis": "stated",
            "place_basis": "stated",
            "article_published": pd.Timestamp("2024-01-01"),
        }
    )
    events = gpd.GeoDataFrame(frame, geometry=points, crs="EPSG:4326")
    return events[[c for c in EVENT_COLUMNS if c in events.columns]]


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Archive:
    store = Store.open(tmp_path_factory.mktemp("codes") / "store")
    events = _synthetic_events(np.random.default_rng(11))
    version = store.write({"events": events}, message="synthetic")
    summary = summarise_archive(store, version, PLACE_COUNTRIES, hidden_articles={HIDDEN})
    return Archive(store, version, summary, PLACE_COUNTRIES, frozenset({HIDDEN}))


def _fresh(archive: Archive) -> Archive:
    """Return the same archive with nothing held yet."""
    return Archive(
        archive.store,
        archive.version,
        archive.summary,
        archive.place_countries,
        archive.hidden_articles,
    )


def _scanned_tallies(archive: Archive, view: ViewState) -> pd.DataFrame:
    """Return the tallies of the rows the store's filters keep, counted from the rows read."""
    table = archive._scan(view, SCAN_COLUMNS)
    tallies = event_tallies(
        table.select(["type", "date_start", "date_end", "date_precision"]).to_pandas()
    )
    tallies.insert(3, "date_precision", "day")
    return tallies


def _random_views(seed: int, count: int) -> Iterator[tuple[ViewState, list[Any]]]:
    rng = np.random.default_rng(seed)
    actor_choices = [*ACTORS, "ZZZ"]
    country_choices = ["AA", "BB", "CC", "DD", "ZZ"]
    for _ in range(count):
        start = dt.date(2022, 1, 1) + dt.timedelta(days=int(rng.integers(0, 700)))
        window = rng.choice(4)  # none, from, to, both
        actors = countries = None
        if rng.random() < 0.7:
            actors = frozenset(str(a) for a in rng.choice(actor_choices, rng.integers(0, 3)))
        if actors is None or rng.random() < 0.4:
            countries = frozenset(str(c) for c in rng.choice(country_choices, rng.integers(1, 3)))
        view = ViewState(
            types=frozenset(str(t) for t in rng.choice(TYPES, 2)) if rng.random() < 0.5 else None,
            date_from=start if window in (1, 3) else None,
            date_to=start + dt.timedelta(days=int(rng.integers(0, 200))) if window >= 2 else None,
            undated=bool(rng.random() < 0.5),
            cited=bool(rng.random() < 0.5),
            actors=actors,
            countries=countries,
        )
        boxes = []
        for _ in range(int(rng.integers(1, 4))):
            west, south = rng.uniform(-180, 100), rng.uniform(-80, 30)
            boxes.append((west, south, west + rng.uniform(5, 200), south + rng.uniform(5, 100)))
        yield view, boxes


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_a_view_filtered_by_actors_or_countries_locates_what_the_store_filters_keep(
    archive: Archive, seed: int
) -> None:
    for view, boxes in _random_views(seed, 12):
        held = archive.located(view, boxes)
        for box, found in zip(boxes, held, strict=True):
            read = narrow_rows(archive._scan(view, NARROW, bbox=box))
            pd.testing.assert_frame_equal(found, read)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_a_view_filtered_by_actors_or_countries_counts_what_the_store_filters_keep(
    archive: Archive, seed: int
) -> None:
    for view, _ in _random_views(seed, 12):
        pd.testing.assert_frame_equal(archive.tallies(view), _scanned_tallies(archive, view))


@pytest.mark.parametrize(
    "view",
    [
        ViewState(actors=frozenset({"ZZZ"})),
        ViewState(actors=frozenset()),
        ViewState(countries=frozenset({"ZZ"})),
        ViewState(actors=frozenset({"AAA"}), countries=frozenset({"ZZ"})),
    ],
    ids=["an unknown actor", "no actor", "an unknown country", "an actor and no country"],
)
def test_a_filter_that_names_nothing_finds_no_event(archive: Archive, view: ViewState) -> None:
    assert archive.count(view) == 0
    assert len(archive.tallies(view)) == 0
    pd.testing.assert_frame_equal(archive.tallies(view), _scanned_tallies(archive, view))
    (found,) = archive.located(view, [(-180.0, -90.0, 180.0, 90.0)])
    assert len(found) == 0
    read = narrow_rows(archive._scan(view, NARROW, bbox=(-180.0, -90.0, 180.0, 90.0)))
    pd.testing.assert_frame_equal(found, read)


def test_events_without_actors_or_places_are_counted_only_without_those_filters(
    archive: Archive,
) -> None:
    every = archive.count(ViewState())
    some_actor = archive.count(ViewState(actors=frozenset(ACTORS)))
    some_country = archive.count(ViewState(countries=frozenset({"AA", "BB", "CC", "DD"})))
    table = archive._scan(ViewState(), ["actors", "place_ids"])
    lengths = {c: pc.list_value_length(table.column(c)).to_numpy() for c in table.schema.names}
    assert some_actor == int((lengths["actors"] > 0).sum()) < every
    assert 0 < some_country < int((lengths["place_ids"] > 0).sum()) < every  # pl-5, pl-unknown


def test_the_cited_events_are_left_out_of_the_counts_when_the_view_asks(archive: Archive) -> None:
    view = ViewState(actors=frozenset({"AAA", "BBB"}))
    with_cited, without_cited = archive.count(view), archive.count(view.replace(cited=False))
    assert 0 < without_cited < with_cited
    assert without_cited == int(
        _scanned_tallies(archive, view.replace(cited=False))["events"].sum()
    )


def test_the_codes_are_read_once_and_only_when_a_view_filters_on_them(
    archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh = _fresh(archive)
    columns_read: list[tuple[str, ...]] = []
    scan = archive_module.scan_layer

    def counted(*args: Any, **kwargs: Any) -> pa.Table:
        columns_read.append(tuple(args[2]))
        return scan(*args, **kwargs)

    monkeypatch.setattr(archive_module, "scan_layer", counted)
    world = [(-180.0, -90.0, 180.0, 90.0)]
    fresh.located(ViewState(), world)
    fresh.tallies(ViewState())
    assert not any("actors" in c or "place_ids" in c for c in columns_read)
    fresh.located(ViewState(actors=frozenset({"AAA"})), world)
    assert [c for c in columns_read if "actors" in c] == [("actors",)]
    assert not any("place_ids" in c for c in columns_read)
    before = len(columns_read)
    for actor in ACTORS:
        view = ViewState(actors=frozenset({actor}), countries=frozenset({"AA"}))
        fresh.located(view, world)
        fresh.tallies(view)
    assert columns_read[before:] == [("place_ids",)]  # the countries' codes, once


def test_the_codes_name_what_the_list_kernels_find() -> None:
    rng = np.random.default_rng(5)
    names = [f"C{n}" for n in range(300)]  # more codes than a byte holds
    lists: list[list[str | None] | None] = []
    for _ in range(2_000):
        draw = rng.random()
        if draw < 0.1:
            lists.append(None)
        elif draw < 0.2:
            lists.append([])
        else:
            picked: list[str | None] = [str(n) for n in rng.choice(names, rng.integers(1, 4))]
            if draw > 0.95:
                picked.append(None)
            lists.append(picked)
    column = pa.chunked_array(
        [pa.array(lists[:700], pa.list_(pa.string())), pa.array(lists[700:], pa.list_(pa.string()))]
    )
    codes = EventCodes.of(column)
    assert codes.codes.dtype == np.uint16
    assert codes.counts.dtype == np.uint8
    for wanted in ({"C1"}, {"C7", "C250", "nothing"}, set(), {"nothing"}, set(names)):
        np.testing.assert_array_equal(codes.naming(wanted), list_hits(column, wanted))
    empty = EventCodes.of(pa.chunked_array([], pa.list_(pa.string())))
    assert len(empty.naming({"C1"})) == 0
    missing = EventCodes.of(pa.nulls(4))
    np.testing.assert_array_equal(missing.naming({"C1"}), np.zeros(4, dtype=bool))


def test_the_smallest_unsigned_type_holds_the_largest_value() -> None:
    assert smallest_unsigned(0) is np.uint8
    assert smallest_unsigned(255) is np.uint8
    assert smallest_unsigned(256) is np.uint16
    assert smallest_unsigned(70_000) is np.uint32


def test_a_store_without_events_gives_empty_views(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "store")
    events = _synthetic_events(np.random.default_rng(2)).iloc[:0]
    version = store.write({"events": events}, message="empty")
    summary = summarise_archive(store, version, PLACE_COUNTRIES)
    empty = Archive(store, version, summary, PLACE_COUNTRIES)
    view = ViewState(actors=frozenset({"AAA"}), countries=frozenset({"AA"}))
    assert empty.count(view) == 0
    pd.testing.assert_frame_equal(empty.tallies(view), _scanned_tallies(empty, view))
    assert [len(rows) for rows in empty.located(view, [(-10.0, -10.0, 10.0, 10.0)])] == [0]
