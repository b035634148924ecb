"""A commit counts a batch's zone-days rows where the caller says, unless it may not."""

from __future__ import annotations

import random
from typing import Any

import geopandas as gpd
import pandas as pd  # type: ignore[import-untyped]  # no pandas-stubs in the environment
import pytest

from geo.ingest.batch import BatchDigest
from geo.ingest.commit import merged_layers
from geo.layers.aggregates import aggregate_zones, counted_days
from geo.places.gazetteer import Gazetteer
from tests.test_zone_aggregates import random_events


@pytest.fixture(scope="module")
def events(gazetteer: Gazetteer) -> gpd.GeoDataFrame:
    """Random events at the gazetteer's most important places near the East China Sea."""
    rows = [
        i
        for i, kind in enumerate(gazetteer.kinds)
        if kind in ("city", "sea", "island_group")
        and 118.0 <= gazetteer.lon[i] <= 132.0
        and 24.0 <= gazetteer.lat[i] <= 38.0
        and gazetteer.importance[i] > 0
    ]
    rows.sort(key=lambda i: -gazetteer.importance[i])
    return random_events(gazetteer, rows[:40], 240, random.Random(11), 0)


def digest(events: gpd.GeoDataFrame) -> BatchDigest:
    """Return the digest of `events` alone: no place mention, office or warning."""
    return BatchDigest(tuple(dict.fromkeys(events["article_id"])), events, (), (), ())


def test_a_commit_counts_the_batch_where_it_is_told(
    gazetteer: Gazetteer, events: gpd.GeoDataFrame
) -> None:
    counted: list[int] = []

    def count(zones: gpd.GeoDataFrame) -> Any:
        counted.append(len(zones))
        return counted_days(zones, events)

    layers, aggregates = merged_layers(
        digest(events), gazetteer, stored=None, events_near=None, count=count
    )
    expected = aggregate_zones(events, gazetteer)
    assert expected.zone_scores is not None
    assert counted == [len(expected.zone_scores)]  # once, for every zone drawn
    pd.testing.assert_frame_equal(aggregates.zone_days, expected.zone_days)
    pd.testing.assert_frame_equal(layers["zone_scores"], expected.zone_scores)


def test_a_batch_with_an_event_twice_is_counted_from_its_unique_events(
    gazetteer: Gazetteer, events: gpd.GeoDataFrame
) -> None:
    twice = pd.concat([events, events.iloc[:60]], ignore_index=True)

    def count(zones: gpd.GeoDataFrame) -> Any:  # as workers holding both copies would count
        return counted_days(zones, twice)

    _, aggregates = merged_layers(
        digest(twice), gazetteer, stored=None, events_near=None, count=count
    )
    expected = aggregate_zones(events, gazetteer)
    pd.testing.assert_frame_equal(aggregates.zone_days, expected.zone_days)
    pd.testing.assert_frame_equal(aggregates.sums, expected.sums)
