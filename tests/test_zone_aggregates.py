"""Zones kept with their sums: a batch updates them as a full recomputation would."""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import random
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd  # type: ignore[import-untyped]  # no pandas-stubs in the environment
import pytest
import shapely

from geo.ingest.pipeline import ingest
from geo.ingest.stored import fewer_boxes, read_for_commit
from geo.layers.aggregates import (
    ZoneAggregates,
    aggregate_zones,
    aggregate_zones_in_pieces,
    merge_zone_days,
    severities_from_sums,
    update_zone_aggregates,
    zone_days,
    zone_sums,
)
from geo.layers.exact import EXACT_COLUMNS, add_sums, exact_sums, severities_of
from geo.layers.near import NEAR_KM, near_mask
from geo.layers.window import zone_severities
from geo.layers.zones import (
    added_tallies,
    build_zones,
    cluster_places,
    derive_zones,
    military_tallies,
    rescore_zones,
)
from geo.places.gazetteer import Gazetteer
from geo.records import stable_id
from geo.store.store import TABLES, Store
from geo.taxonomy import EVENT_TYPE_KEYS
from geo.text.mentions import PlaceFinder
from geo.view.selection import filter_events
from geo.view.state import ViewState

EVENTS = Path(__file__).resolve().parent / "data" / "events"
_KINDS = ("city", "sea", "strait", "island_group", "region", "admin1")
_PRECISIONS = ("day", "day", "day", "month", "year", "unknown")


@pytest.fixture(scope="module")
def places(gazetteer: Gazetteer) -> list[int]:
    """Gazetteer rows of cities, seas, islands and regions around the East China Sea."""
    rows = [
        i
        for i, kind in enumerate(gazetteer.kinds)
        if kind in _KINDS
        and 118.0 <= gazetteer.lon[i] <= 132.0
        and 24.0 <= gazetteer.lat[i] <= 38.0
        and gazetteer.importance[i] > 0
    ]
    rows.sort(key=lambda i: -gazetteer.importance[i])
    return rows[:60]


def random_events(
    gazetteer: Gazetteer, rows: Sequence[int], count: int, rng: random.Random, start: int
) -> gpd.GeoDataFrame:
    """Return `count` random events at `rows`: every type, precision and missing value."""
    records = []
    for n in range(start, start + count):
        row = rng.choice(rows)
        kind = rng.choice(EVENT_TYPE_KEYS)
        day = dt.date(2021, 1, 1) + dt.timedelta(days=rng.randrange(4 * 365))
        precision = rng.choice(_PRECISIONS)
        first = last = None if precision == "unknown" else day
        if precision == "day" and rng.random() < 0.2:
            last = day + dt.timedelta(days=rng.randrange(1, 10))  # a span of days
        published = None if rng.random() < 0.1 else day + dt.timedelta(days=rng.randrange(5))
        located = rng.random() > 0.05
        records.append(
            {
                "id": stable_id("ev", "test", n),
                "article_id": f"art-{n // 4}",
                "type": kind,
                "date_start": first,
                "date_end": last,
                "date_precision": precision,
                "actors": rng.sample(["RUS", "CHN", "USA", "JPN", "KOR"], k=rng.choice((1, 2))),
                "place_ids": [gazetteer.ids[row]],
                "confidence": rng.choice((0.0, 0.35, 0.5, 0.72, 0.9, 1.0)),
                "article_published": published,
                "geometry": (
                    shapely.Point(gazetteer.lon[row], gazetteer.lat[row]) if located else None
                ),
            }
        )
    frame = gpd.GeoDataFrame(records, geometry="geometry", crs="EPSG:4326")
    for column in ("date_start", "date_end", "article_published"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    return frame


def near_reader(stored: gpd.GeoDataFrame, calls: list[int]) -> Any:
    """Return an `events_near` over `stored` that reads only the events meeting the boxes."""

    def near(boxes: Sequence[tuple[float, float, float, float]]) -> Any:
        calls.append(len(boxes))
        shapes = shapely.box(*np.asarray(boxes, dtype="float64").T)
        meets = shapely.intersects(stored.geometry.to_numpy()[:, None], shapes[None, :])
        return stored[np.asarray(meets.any(axis=1))]

    return near


def assert_same(got: ZoneAggregates, expected: ZoneAggregates) -> None:
    pd.testing.assert_frame_equal(got.zone_days, expected.zone_days)
    pd.testing.assert_frame_equal(got.place_tallies, expected.place_tallies)
    mine = got.zones.sort_values("id").reset_index(drop=True)
    theirs = expected.zones.sort_values("id").reset_index(drop=True)
    assert list(mine["id"]) == list(theirs["id"])
    assert list(mine["severity"]) == list(theirs["severity"])  # bit for bit
    for column in ("name", "kind", "parties", "origin", "place_id", "event_ids"):
        assert list(mine[column]) == list(theirs[column]), column
    assert [g.wkb for g in mine.geometry] == [g.wkb for g in theirs.geometry]


# seeds whose random batches make more than three zones around the East China Sea
@pytest.mark.parametrize("seed", [1, 3, 4])
def test_batches_give_what_one_recomputation_gives(
    gazetteer: Gazetteer, places: list[int], seed: int
) -> None:
    rng = random.Random(seed)
    sizes = [rng.randrange(1, 40) for _ in range(8)]
    batches, start = [], 0
    for size in sizes:
        batches.append(random_events(gazetteer, places, size, rng, start))
        start += size
    stored, kept = aggregate_zones(batches[0], gazetteer), batches[0]
    calls: list[int] = []
    for batch in batches[1:]:
        before = stored.zone_days
        stored = update_zone_aggregates(
            stored, batch, gazetteer, events_near=near_reader(kept, calls)
        )
        kept = pd.concat([kept, batch], ignore_index=True)
        assert_same(stored, aggregate_zones(kept, gazetteer))
        # what a store writes: the rows of the zones gone dropped, the rows added beside
        assert stored.added_days is not None
        rest = before[~before["zone_id"].isin(stored.dropped_zones)]
        pd.testing.assert_frame_equal(merge_zone_days(rest, stored.added_days), stored.zone_days)
    assert len(stored.zones) > 3
    assert calls, "some batch made or reshaped a zone"


@pytest.mark.parametrize("seed", [1, 3, 4])
def test_a_batch_needs_no_stored_zone_days_row_with_the_scores_and_exact_sums(
    gazetteer: Gazetteer, places: list[int], seed: int
) -> None:
    rng = random.Random(seed)
    batches, start = [], 0
    for size in [rng.randrange(1, 40) for _ in range(8)]:
        batches.append(random_events(gazetteer, places, size, rng, start))
        start += size
    whole = aggregate_zones(batches[0], gazetteer)
    stored, stored_days = whole, whole.zone_days  # as a store keeps it: a key in several rows
    kept, hidden = batches[0], set()
    for batch in batches[1:]:
        unread = replace(stored, zone_days=merge_zone_days(), whole=False)
        stored = update_zone_aggregates(unread, batch, gazetteer, events_near=near_reader(kept, []))
        kept = pd.concat([kept, batch], ignore_index=True)
        whole = aggregate_zones(kept, gazetteer)
        assert not stored.whole
        assert len(stored.zone_days) == 0
        assert_same(replace(stored, zone_days=whole.zone_days), whole)
        for table in ("zone_scores", "sums"):
            pd.testing.assert_frame_equal(getattr(stored, table), getattr(whole, table))
        assert stored.zone_scores is not None
        hidden |= set(stored.zone_scores["zone_id"][stored.zone_scores["shape"].notna()])
        assert stored.added_days is not None
        rest = stored_days[~stored_days["zone_id"].isin(stored.dropped_zones)]
        stored_days = pd.concat([rest, stored.added_days], ignore_index=True)
        pd.testing.assert_frame_equal(merge_zone_days(stored_days), whole.zone_days)
        pd.testing.assert_frame_equal(exact_sums(stored_days), whole.sums)
    assert hidden, "some zone was left out of the layer, its shape kept in the scores"


def test_exact_sums_round_to_the_zone_sums_and_give_their_severities(
    gazetteer: Gazetteer, places: list[int]
) -> None:
    events = random_events(gazetteer, places, 400, random.Random(6), 0)
    table = aggregate_zones(events, gazetteer).zone_days
    exact, floats = exact_sums(table), zone_sums(table)
    assert list(exact["zone_id"]) == list(floats["zone_id"])
    assert list(exact["type"]) == list(floats["type"])
    for column in ("events", "newest"):
        assert list(exact[column]) == list(floats[column]), column
    for column in ("dated", "published", "unpublished"):
        np.testing.assert_allclose(exact[column], floats[column], rtol=1e-13, atol=0)
    got = severities_of(exact)
    expected = severities_from_sums(floats).set_index("zone_id")["severity"]
    assert set(got) == set(expected.index)
    for zone_id, severity in got.items():
        assert severity == pytest.approx(expected[zone_id], rel=1e-12, abs=1e-15)
    halves = [table.iloc[::2], table.iloc[1::2]]  # the same rows in any split: the same bits
    pd.testing.assert_frame_equal(add_sums(*map(exact_sums, halves)), exact)


def test_an_archive_read_in_pieces_gives_what_the_whole_layer_gives(
    gazetteer: Gazetteer, places: list[int]
) -> None:
    events = random_events(gazetteer, places, 500, random.Random(6), 0)
    shuffled = events.sample(frac=1.0, random_state=2).reset_index(drop=True)
    cuts = [0, 7, 180, 181, 420, 500]
    passes: list[int] = []

    def pieces() -> Any:
        passes.append(1)
        for low, high in itertools.pairwise(cuts):
            yield shuffled.iloc[low:high]

    got = aggregate_zones_in_pieces(pieces, gazetteer)
    assert_same(got, aggregate_zones(events, gazetteer))
    assert len(passes) == 2
    assert len(got.zones) > 3


def test_tallies_of_pieces_add_up_to_those_of_the_whole(
    gazetteer: Gazetteer, places: list[int]
) -> None:
    events = random_events(gazetteer, places, 300, random.Random(8), 0)
    pieces = [events.iloc[:1], events.iloc[1:120], events.iloc[120:]]
    assert added_tallies(*map(military_tallies, pieces)) == military_tallies(events)
    assert added_tallies() == {}


def test_a_batch_that_changes_no_zone_reads_no_stored_event(
    gazetteer: Gazetteer, places: list[int]
) -> None:
    rng = random.Random(5)
    first = random_events(gazetteer, places, 300, rng, 0)
    stored = aggregate_zones(first, gazetteer)
    inside = stored.zones.iloc[0]
    # one more exercise, at a place of the zone that already holds military events
    main = gazetteer.place(inside["place_id"])
    more = random_events(gazetteer, places, 1, rng, 300)
    more["type"], more["confidence"] = "exercise", 0.8
    more["place_ids"] = [[main.id]]
    more = more.set_geometry([shapely.Point(main.point)], crs="EPSG:4326")

    def unexpected(boxes: Any) -> Any:
        raise AssertionError(f"read stored events for {len(boxes)} zone(s)")

    updated = update_zone_aggregates(stored, more, gazetteer, events_near=unexpected)
    assert_same(updated, aggregate_zones(pd.concat([first, more], ignore_index=True), gazetteer))
    before = stored.zones.set_index("id")["severity"]
    after = updated.zones.set_index("id")["severity"]
    assert after[inside["id"]] > before[inside["id"]]


def test_the_sums_give_the_severities_the_events_give(
    gazetteer: Gazetteer, places: list[int]
) -> None:
    events = random_events(gazetteer, places, 400, random.Random(9), 0)
    kept = aggregate_zones(events, gazetteer)
    built = build_zones([], events, gazetteer, today=None).set_index("id")
    zones = kept.zones.set_index("id")
    assert set(zones.index) == set(built.index)
    assert len(derive_zones(events, gazetteer, today=None)) > len(built), "some were duplicates"
    for zone_id, zone in built.iterrows():
        assert zones.loc[zone_id, "severity"] == pytest.approx(zone["severity"], abs=1e-9)
        assert list(zones.loc[zone_id, "parties"]) == list(zone["parties"])
        assert zones.loc[zone_id, "geometry"].equals(zone["geometry"])
    windows = [
        ViewState(),
        ViewState(date_from=dt.date(2022, 3, 1), date_to=dt.date(2023, 2, 28)),
        ViewState(date_to=dt.date(2022, 6, 30), undated=True),
        ViewState(date_from=dt.date(2023, 7, 1), types=frozenset({"exercise", "patrol"})),
        ViewState(types=frozenset({"talks"})),
    ]
    for view in windows:
        shown = filter_events(events, view)
        expected = rescore_zones(kept.zones, shown, today=view.date_to).set_index("id")
        got = zone_severities(
            kept.zone_days,
            types=view.types,
            date_from=view.date_from,
            date_to=view.date_to,
            undated=view.undated,
            today=view.date_to,
        ).set_index("zone_id")
        for zone_id, row in expected.iterrows():
            severity = got["severity"].get(zone_id, 0.0)
            assert severity == pytest.approx(row["severity"], abs=1e-9), (view, zone_id)
            assert got["events"].get(zone_id, 0) == len(row["event_ids"]), (view, zone_id)


@pytest.mark.parametrize("types", [None, frozenset({"exercise", "patrol"}), frozenset({"talks"})])
def test_with_no_window_the_sums_per_zone_and_type_give_the_same_severities(
    gazetteer: Gazetteer, places: list[int], types: frozenset[str] | None
) -> None:
    events = random_events(gazetteer, places, 400, random.Random(9), 0)
    table = aggregate_zones(events, gazetteer).zone_days
    expected = zone_severities(table, types=types).set_index("zone_id")
    halves = [zone_sums(table.iloc[: len(table) // 2]), zone_sums(table.iloc[len(table) // 2 :])]
    got = severities_from_sums(pd.concat(halves), types=types).set_index("zone_id")
    assert len(zone_sums(table)) < len(table)  # one row per zone and type
    assert list(got.index) == list(expected.index)
    np.testing.assert_allclose(got["severity"], expected["severity"], rtol=1e-12, atol=1e-12)
    assert list(got["events"]) == list(expected["events"])


def test_sums_do_not_depend_on_how_the_events_are_split(
    gazetteer: Gazetteer, places: list[int]
) -> None:
    events = random_events(gazetteer, places, 200, random.Random(4), 0)
    zones = aggregate_zones(events, gazetteer).zones
    whole = zone_days(zones, events)
    parts = [zone_days(zones, events.iloc[i::3]) for i in range(3)]
    pd.testing.assert_frame_equal(merge_zone_days(*parts), whole)
    pd.testing.assert_frame_equal(merge_zone_days(parts[2], merge_zone_days(*parts[:2])), whole)


def test_zone_days_counts_only_located_events_with_some_confidence(gazetteer: Gazetteer) -> None:
    sea = gazetteer.place("ne:sea:sea-of-japan")
    rng = random.Random(1)
    events = random_events(gazetteer, [gazetteer.ids.index(sea.id)], 3, rng, 0)
    events["confidence"] = [0.0, 0.5, 0.5]
    events = events.set_geometry([shapely.Point(sea.point)] * 2 + [None], crs="EPSG:4326")
    zones = gpd.GeoDataFrame({"id": ["zn-sea"]}, geometry=[sea.geometry], crs="EPSG:4326")
    table = zone_days(zones, events)
    assert int(table["events"].sum()) == 1
    assert int(table["confidence_e6"].sum()) == 500_000


def test_zone_days_counts_events_at_a_shared_point_as_it_counts_each_alone(
    gazetteer: Gazetteer,
) -> None:
    sea = gazetteer.place("ne:sea:sea-of-japan")
    spots = [sea.point, (sea.point[0] + 3.0, sea.point[1]), (140.0, 10.0), (129.5, 35.5)]
    events = random_events(gazetteer, [gazetteer.ids.index(sea.id)], 41, random.Random(5), 0)
    events["confidence"] = 0.5
    points = [shapely.Point(spots[n % len(spots)]) for n in range(len(events))]
    events = events.set_geometry(points, crs="EPSG:4326")
    shapes = [sea.geometry, shapely.Point(129.0, 36.0).buffer(1.0), shapely.Point(0, 0).buffer(1)]
    zones = gpd.GeoDataFrame({"id": ["zn-a", "zn-b", "zn-c"]}, geometry=shapes, crs="EPSG:4326")
    table = zone_days(zones, events)
    xs, ys = shapely.get_x(np.asarray(points)), shapely.get_y(np.asarray(points))
    for zone_id, shape in zip(zones["id"], shapes, strict=True):
        expected = int(near_mask(shape, xs, ys, NEAR_KM).sum())
        assert int(table.loc[table["zone_id"] == zone_id, "events"].sum()) == expected
    assert 0 < int(table["events"].sum()) < 2 * len(events)


# -- in the store ---------------------------------------------------------------------------


def test_an_ingest_keeps_the_zones_tables_in_the_store(tmp_path: Path, finder: PlaceFinder) -> None:
    store = Store.open(tmp_path / "store")
    ingest(sorted(EVENTS.glob("*.md")), store, finder=finder)
    assert all(store.holds(table) for table in TABLES)
    assert len(store.read_layer("zone_days")) > 0
    stored = read_for_commit(store)
    assert stored is not None
    assert stored.aggregates is not None
    assert len(stored.aggregates.zones) == len(store.read_layer("zones"))


def test_an_older_store_without_the_tables_gets_them_on_its_next_ingest(
    tmp_path: Path, finder: PlaceFinder, caplog: pytest.LogCaptureFixture
) -> None:
    files = sorted(EVENTS.glob("*.md"))
    whole = Store.open(tmp_path / "whole")
    ingest(files, whole, finder=finder)
    older = Store.open(tmp_path / "older")
    ingest(files[: len(files) // 2], older, finder=finder)
    layers = older.read_all()  # written again as a store of before the tables
    older.write(
        {name: getattr(layers, name) for name in ("events", "offices", "zones", "places")}
        | {"articles": layers.articles},
        message="a store of the previous format",
    )
    assert not any(older.holds(table) for table in TABLES)
    with caplog.at_level(logging.WARNING, logger="geo.ingest.commit"):
        ingest(files[len(files) // 2 :], older, finder=finder)
    assert "written before zones were kept with their sums" in caplog.text
    assert all(older.holds(table) for table in TABLES)
    for table in ("zones", *TABLES):
        got, expected = older.read_layer(table), whole.read_layer(table)
        if "geometry" in got:
            got, expected = got.to_wkb(), expected.to_wkb()
        pd.testing.assert_frame_equal(got, expected, obj=table)
    caplog.clear()
    later = tmp_path / "later.md"
    later.write_text(
        "---\ntitle: Drills\npublished: 2024-05-20\n---\n"
        "Chinese warships held drills near Okinawa on May 18, the ministry said.\n"
    )
    with caplog.at_level(logging.WARNING, logger="geo.ingest.commit"):
        assert ingest([later], older, finder=finder).articles == 1
    assert "written before" not in caplog.text


def test_a_store_without_the_zone_scores_gets_them_and_then_reads_no_zone_days_row(
    tmp_path: Path, finder: PlaceFinder, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = sorted(EVENTS.glob("*.md"))
    whole = Store.open(tmp_path / "whole")
    ingest(files, whole, finder=finder)
    third = len(files) // 3
    older = Store.open(tmp_path / "older")
    ingest(files[:third], older, finder=finder)
    layers = older.read_all()  # written again as a store of before the scores and exact sums
    tables = {t: older.read_layer(t) for t in TABLES if t != "zone_scores"}
    tables["zone_sums"] = tables["zone_sums"].drop(columns=list(EXACT_COLUMNS))
    older.write(
        {name: getattr(layers, name) for name in ("events", "offices", "zones", "places")}
        | {"articles": layers.articles}
        | tables,
        message="a store of before the zone scores",
    )
    assert not older.holds("zone_scores")
    ingest(files[third : 2 * third], older, finder=finder)  # reads the zone days whole, once
    assert older.holds("zone_scores")
    reads: list[str] = []
    read_layer = Store.read_layer

    def spy(self: Store, layer: str, **options: Any) -> Any:
        reads.append(layer)
        return read_layer(self, layer, **options)

    monkeypatch.setattr(Store, "read_layer", spy)
    ingest(files[2 * third :], older, finder=finder)
    monkeypatch.undo()
    assert "zone_days" not in reads
    assert "zone_scores" in reads
    for table in ("zones", *TABLES):
        got, expected = older.read_layer(table), whole.read_layer(table)
        if table == "zone_days":  # a key may be kept in several rows
            got, expected = merge_zone_days(got), merge_zone_days(expected)
        if "geometry" in got:
            got, expected = got.to_wkb(), expected.to_wkb()
        pd.testing.assert_frame_equal(got, expected, obj=table)


def test_distinct_zones_keeps_what_the_pairwise_rule_keeps(
    gazetteer: Gazetteer, places: list[int]
) -> None:
    from geo.layers import zones as zones_module

    events = random_events(gazetteer, places, 500, random.Random(11), 0)
    derived = derive_zones(events, gazetteer, today=None)
    kept: list[Any] = []
    for zone in derived:  # the rule written out pair by pair
        main = gazetteer.get(zone.place_id)
        point = shapely.Point(main.point) if main is not None else None
        if not any(zones_module._duplicates(zone, point, other) for other in kept):
            kept.append(zone)
    assert len(kept) < len(derived)
    assert [z.id for z in zones_module.distinct_zones([], derived, gazetteer)] == [
        z.id for z in kept
    ]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_fewer_boxes_cover_the_boxes_with_no_more_area(seed: int) -> None:
    rng = random.Random(seed)
    boxes = []
    for _ in range(rng.randrange(1, 80)):
        x, y = rng.uniform(-170, 160), rng.uniform(-80, 70)
        boxes.append((x, y, x + rng.uniform(0, 12), y + rng.uniform(0, 12)))

    def area(box: tuple[float, float, float, float]) -> float:
        return (box[2] - box[0]) * (box[3] - box[1])

    fewer = fewer_boxes(boxes)
    assert 1 <= len(fewer) <= len(boxes)
    assert sum(map(area, fewer)) <= sum(map(area, boxes)) + 1e-6
    for box in boxes:  # each box lies inside one of the fewer
        assert any(
            f[0] <= box[0] and f[1] <= box[1] and box[2] <= f[2] and box[3] <= f[3] for f in fewer
        )
    inside = (0.0, 0.0, 1.0, 1.0)
    assert fewer_boxes([(0.0, 0.0, 2.0, 2.0), inside, (50.0, 50.0, 51.0, 51.0)]) == [
        (0.0, 0.0, 2.0, 2.0),
        (50.0, 50.0, 51.0, 51.0),
    ]


@pytest.mark.parametrize(("seed", "shrink"), [(11, False), (12, False), (13, True), (14, True)])
def test_clustering_again_near_what_changed_gives_the_full_clustering(
    gazetteer: Gazetteer, seed: int, shrink: bool
) -> None:
    rng = random.Random(seed)
    rows = [
        i
        for i, kind in enumerate(gazetteer.kinds)
        if kind in _KINDS
        and 100.0 <= gazetteer.lon[i] <= 145.0
        and 0.0 <= gazetteer.lat[i] <= 45.0
        and gazetteer.importance[i] > 0
    ]
    rows = sorted(rows, key=lambda i: -gazetteer.importance[i])[:400]
    counts: dict[str, int] = {}
    clustering = cluster_places(counts, gazetteer)
    for _ in range(12):
        for row in rng.sample(rows, rng.randrange(1, 60)):
            place_id = gazetteer.ids[row]
            counts[place_id] = counts.get(place_id, 0) + rng.choice((1, 1, 2, 5))
        if shrink:  # events taken away: places fall back in the order, or hold none
            for place_id in rng.sample(sorted(counts), min(len(counts), rng.randrange(0, 8))):
                counts[place_id] = max(0, counts[place_id] - rng.choice((1, 2, 5)))
        clustering = cluster_places(counts, gazetteer, previous=clustering)
        expected = cluster_places(counts, gazetteer)
        assert clustering.mains == expected.mains
        assert clustering.counts == expected.counts
    assert len(set(clustering.mains.values())) < len(clustering.mains)  # some places joined


def test_tallies_written_before_the_clusters_were_kept_give_the_same_zones(
    gazetteer: Gazetteer, places: list[int]
) -> None:
    rng = random.Random(8)
    first = random_events(gazetteer, places, 200, rng, 0)
    more = random_events(gazetteer, places, 30, rng, 200)
    stored = aggregate_zones(first, gazetteer)
    older = ZoneAggregates(
        stored.zones, stored.zone_days, stored.place_tallies.drop(columns=["main"])
    )
    updated = update_zone_aggregates(older, more, gazetteer, events_near=near_reader(first, []))
    assert_same(updated, aggregate_zones(pd.concat([first, more], ignore_index=True), gazetteer))


@pytest.mark.parametrize("seed", [2, 5])
def test_held_zone_rows_give_the_severities_of_their_frame_bit_for_bit(
    gazetteer: Gazetteer, places: list[int], seed: int
) -> None:
    import pyarrow as pa

    from geo.view.zone_rows import ZoneRows

    rng = random.Random(seed)
    events = random_events(gazetteer, places, 500, rng, 0)
    table = aggregate_zones(events, gazetteer).zone_days
    half = len(table) // 2
    held = ZoneRows.of(
        pa.Table.from_pandas(part, preserve_index=False) for part in (table[:half], table[half:])
    )
    more = table.sample(n=min(40, len(table)), random_state=seed).copy()
    more.loc[more.index[:5], "zone_id"] = "zn-not-held"  # rows of zones and types not held
    more.loc[more.index[5:8], "type"] = "unknown_type"
    views = [
        ViewState(date_from=dt.date(2022, 3, 1), date_to=dt.date(2023, 2, 28)),
        ViewState(date_to=dt.date(2022, 6, 30), undated=True),
        ViewState(date_from=dt.date(2023, 7, 1), types=frozenset({"exercise", "patrol"})),
        ViewState(date_from=dt.date(2030, 1, 1)),  # nothing counted
    ]
    for view in views:
        window = {
            "types": view.types,
            "date_from": view.date_from,
            "date_to": view.date_to,
            "undated": view.undated,
        }
        for today in (None, view.date_to):
            frame = pd.concat([held.pick(**window), more], ignore_index=True)
            expected = zone_severities(frame, today=today, **window)
            got = held.severities(more, today=today, **window)
            assert list(got["zone_id"]) == sorted(expected["zone_id"])
            expected = expected.sort_values("zone_id", ignore_index=True)
            assert list(got["severity"]) == list(expected["severity"])  # bit for bit
            assert list(got["events"]) == list(expected["events"])
