"""Map layers from records, and the severity of tension zones."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from typing import Any

import geopandas as gpd
import pandas as pd  # type: ignore[import-untyped]  # no pandas-stubs in the environment
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import Point, box

from geo.layers.frames import (
    ARTICLE_COLUMNS,
    EVENT_COLUMNS,
    OFFICE_COLUMNS,
    PLACE_COLUMNS,
    ZONE_COLUMNS,
    articles_frame,
    count_places,
    events_frame,
    offices_frame,
    places_frame,
    zones_frame,
)
from geo.layers.seeds import SeedData, load_seeds
from geo.layers.zones import (
    HALF_LIFE_DAYS,
    SEVERITY_SCALE,
    UNKNOWN_DATE_FACTOR,
    build_zones,
    derive_zones,
    event_contributions,
    zone_severity,
)
from geo.places.gazetteer import Gazetteer
from geo.records import Event, Zone, stable_id
from geo.taxonomy import EVENT_TYPE_KEYS, event_type
from geo.text.articles import article_from_text

TODAY = dt.date(2023, 5, 10)
ZONE = box(130.0, 35.0, 140.0, 45.0)  # a square over the Sea of Japan
INSIDE = (135.0, 40.0)
SEA_OF_JAPAN = "ne:sea:sea-of-japan"


@pytest.fixture(scope="module")
def seeds(gazetteer: Gazetteer) -> SeedData:
    return load_seeds(gazetteer=gazetteer)


@pytest.fixture(scope="module")
def seed_events(seeds: SeedData) -> Any:
    return events_frame(seeds.events, {a.id: a for a in seeds.articles})


def make_event(
    n: int,
    kind: str = "exercise",
    *,
    at: tuple[float, float] | None = INSIDE,
    end: dt.date | None = TODAY,
    confidence: float = 1.0,
    actors: tuple[str, ...] = ("RUS",),
    place_ids: tuple[str, ...] = (),
) -> Event:
    return Event(
        id=f"ev-{n:012d}",
        article_id="art-0000000000000001",
        type=kind,
        cameo=event_type(kind).cameo,
        date_start=end,
        date_end=end,
        date_precision="day" if end else "unknown",
        actors=actors,
        place_ids=place_ids,
        place_names=tuple(p.upper() for p in place_ids),
        geometry=Point(at) if at else None,
        sentence=f"Event number {n}.",
        span=(n, n + 10),
        confidence=confidence,
        origin="extracted",
    )


def placed_event(gazetteer: Gazetteer, n: int, kind: str, *place_ids: str, **kw: Any) -> Event:
    point = gazetteer.place(place_ids[0]).point
    return make_event(n, kind, at=point, place_ids=place_ids, **kw)


def severity(events: list[Event], **kw: Any) -> float:
    return zone_severity(ZONE, events_frame(events), today=TODAY, **kw)[0]


def assert_schema(frame: Any, schema: Mapping[str, str], *, geo: bool = True) -> None:
    assert list(frame.columns) == list(schema)
    for name, dtype in schema.items():
        assert str(frame[name].dtype) == dtype, name
    if geo:
        assert isinstance(frame, gpd.GeoDataFrame)
        assert frame.crs == "EPSG:4326"
        assert frame.geometry.name == "geometry"
    else:
        assert not isinstance(frame, gpd.GeoDataFrame)


# --- frames --------------------------------------------------------------------------------

Maker = Callable[[SeedData, Gazetteer, bool], Any]
FRAMES: list[tuple[str, Mapping[str, str], bool, Maker]] = [
    ("events", EVENT_COLUMNS, True, lambda s, g, full: events_frame(s.events if full else [])),
    ("offices", OFFICE_COLUMNS, True,
     lambda s, g, full: offices_frame(s.offices if full else [], g)),
    ("zones", ZONE_COLUMNS, True, lambda s, g, full: zones_frame(s.zones if full else [])),
    ("places", PLACE_COLUMNS, True,
     lambda s, g, full: places_frame(count_places(s.events) if full else {}, g)),
    ("articles", ARTICLE_COLUMNS, False,
     lambda s, g, full: articles_frame(s.articles if full else [])),
]  # fmt: skip


@pytest.mark.parametrize("full", [True, False], ids=["seeds", "empty"])
@pytest.mark.parametrize(("name", "schema", "geo", "make"), FRAMES, ids=[f[0] for f in FRAMES])
def test_frame_schema(
    seeds: SeedData,
    gazetteer: Gazetteer,
    name: str,
    schema: Mapping[str, str],
    geo: bool,
    make: Maker,
    full: bool,
) -> None:
    frame = make(seeds, gazetteer, full)
    assert_schema(frame, schema, geo=geo)
    assert frame.empty != full


def test_events_frame_values(seeds: SeedData, seed_events: Any) -> None:
    assert list(seed_events["id"]) == [e.id for e in seeds.events]
    first = seed_events.iloc[0]
    event = seeds.events[0]
    assert first["actors"] == list(event.actors)
    assert first["place_ids"] == list(event.place_ids)
    assert first["place_names"] == list(event.place_names)
    assert first["date_start"] == pd.Timestamp(event.date_start)
    assert first["article_published"] == pd.Timestamp("2023-05-10")
    assert first["modality"] == "planned"
    assert first.geometry.equals(event.geometry)
    undated = seed_events[seed_events["date_precision"] == "unknown"]
    assert undated["date_start"].isna().all()
    assert undated["date_end"].isna().all()
    unplaced = seed_events[seed_events["type"] == "criticism"]
    assert unplaced.geometry.isna().all()


def test_events_frame_without_articles_leaves_publication_empty() -> None:
    frame = events_frame([make_event(1, at=None)])
    assert frame["article_published"].isna().all()
    assert frame.geometry.isna().all()
    assert (frame.loc[0, "span_start"], frame.loc[0, "span_end"]) == (1, 11)


def test_offices_frame_names_hosts(seeds: SeedData, gazetteer: Gazetteer) -> None:
    frame = offices_frame(seeds.offices, gazetteer)
    assert list(frame["host_name"]) == ["Japan", "Ukraine", "Austria"]
    assert list(frame["city"]) == ["Tokyo", "Kyiv", "Vienna"]
    assert frame["since"].isna().tolist() == [False, True, True]
    assert frame["article_ids"].tolist() == [["art-972ca0e5bbbd3211"]] * 3


def test_places_frame(seeds: SeedData, gazetteer: Gazetteer) -> None:
    counts = count_places(seeds.events)
    assert counts[SEA_OF_JAPAN] == (4, {"art-972ca0e5bbbd3211"})
    frame = places_frame({**counts, "fl:no-such-place": (9, {"art-x"})}, gazetteer)
    assert "fl:no-such-place" not in set(frame["id"])
    assert frame.iloc[0]["id"] == SEA_OF_JAPAN  # most mentioned first
    assert list(frame["mentions"]) == sorted(frame["mentions"], reverse=True)
    sea = frame.set_index("id").loc[SEA_OF_JAPAN]
    assert sea.geometry.geom_type in {"Polygon", "MultiPolygon"}  # the real shape
    assert sea.geometry.equals(gazetteer.place(SEA_OF_JAPAN).geometry)
    senkaku = frame.set_index("id").loc["fl:senkaku-islands"]
    assert senkaku["disputed_by"] == ["CN", "TW"]


def test_articles_frame_takes_text_and_ingestion_time(seeds: SeedData) -> None:
    article = article_from_text("Russian warships held drills.")
    stamp = dt.datetime(2024, 1, 2, 3, 4, 5)
    frame = articles_frame([*seeds.articles, article], ingested_at={article.id: stamp})
    assert frame["text"].tolist() == ["", "Russian warships held drills."]
    assert frame["ingested_at"].isna().tolist() == [True, False]
    assert frame.loc[1, "ingested_at"] == pd.Timestamp(stamp, tz="UTC")
    assert frame.loc[0, "published"] == pd.Timestamp("2023-05-10")


def test_zones_frame_round_trips_records(seeds: SeedData) -> None:
    frame = zones_frame(seeds.zones)
    assert frame["parties"].tolist() == [list(z.parties) for z in seeds.zones]
    assert frame["place_id"].tolist() == [z.place_id for z in seeds.zones]
    assert frame["severity"].tolist() == [0.0] * 4


# --- severity ------------------------------------------------------------------------------


def test_no_events_no_severity() -> None:
    assert zone_severity(ZONE, events_frame([]), today=TODAY) == (0.0, ())
    assert zone_severity(ZONE, events_frame([make_event(1, at=None)]), today=TODAY) == (0.0, ())


def test_severity_formula() -> None:
    value, ids = zone_severity(ZONE, events_frame([make_event(1, "missile_launch")]), today=TODAY)
    assert ids == ("ev-000000000001",)
    assert value == pytest.approx(1 - math.exp(-0.9 / SEVERITY_SCALE))


def test_severity_rises_with_more_events() -> None:
    values = [severity([make_event(i) for i in range(n)]) for n in (1, 2, 5, 20)]
    assert values == sorted(values)
    assert len(set(values)) == len(values)


def test_severity_rises_with_recency() -> None:
    ages = (1000, 365, 90, 0)
    values = [severity([make_event(1, end=TODAY - dt.timedelta(days=a))]) for a in ages]
    assert values == sorted(values)
    assert len(set(values)) == len(values)


def test_recency_halves_every_half_life() -> None:
    frame = events_frame(
        [make_event(1), make_event(2, end=TODAY - dt.timedelta(days=int(HALF_LIFE_DAYS)))]
    )
    now, then = event_contributions(frame, today=TODAY)
    assert then == pytest.approx(now / 2)


@pytest.mark.parametrize(
    ("light", "heavy"),
    [
        ("visit", "exercise"),
        ("exercise", "missile_launch"),
        ("patrol", "incursion"),
        ("buildup", "armed_attack"),
    ],
)
def test_severity_rises_with_weight(light: str, heavy: str) -> None:
    assert severity([make_event(1, light)]) < severity([make_event(1, heavy)])


def test_severity_follows_confidence() -> None:
    assert severity([make_event(1, confidence=0.3)]) < severity([make_event(1, confidence=0.9)])
    value, ids = zone_severity(ZONE, events_frame([make_event(1, confidence=0.0)]), today=TODAY)
    assert (value, ids) == (0.0, ())


def test_undated_events_count_little() -> None:
    undated = severity([make_event(1, end=None)])
    assert 0 < undated < severity([make_event(1, end=TODAY - dt.timedelta(days=180))])
    frame = events_frame([make_event(1, end=None)])
    assert event_contributions(frame, today=TODAY).iloc[0] == pytest.approx(
        event_type("exercise").weight * UNKNOWN_DATE_FACTOR
    )


def test_undated_events_age_with_their_article() -> None:
    class Meta:
        def __init__(self, published: dt.date) -> None:
            self.id, self.title, self.outlet, self.url = "art-0000000000000001", "t", None, None
            self.published, self.language, self.source = published, "en", "x"

    event = make_event(1, end=None)
    fresh = events_frame([event], {event.article_id: Meta(TODAY)})
    stale = events_frame([event], {event.article_id: Meta(TODAY - dt.timedelta(days=720))})
    assert event_contributions(stale, today=TODAY).iloc[0] == pytest.approx(
        event_contributions(fresh, today=TODAY).iloc[0] / 16
    )


def test_future_events_count_in_full() -> None:
    planned = severity([make_event(1, end=TODAY + dt.timedelta(days=30))])
    assert planned == pytest.approx(severity([make_event(1)]))


@pytest.mark.parametrize(
    ("at", "counts"),
    [
        (INSIDE, True),
        ((141.5, 40.0), True),  # ~128 km east of the edge
        ((143.0, 40.0), False),  # ~256 km
        ((135.0, 46.5), True),  # ~167 km north
        ((135.0, 47.5), False),  # ~278 km
        ((10.0, 50.0), False),
    ],
)
def test_severity_counts_events_inside_or_near(at: tuple[float, float], counts: bool) -> None:
    _, ids = zone_severity(ZONE, events_frame([make_event(1, at=at)]), today=TODAY)
    assert bool(ids) is counts


def test_near_km_is_adjustable() -> None:
    frame = events_frame([make_event(1, at=(143.0, 40.0))])
    assert zone_severity(ZONE, frame, today=TODAY, near_km=300)[1] == ("ev-000000000001",)
    assert zone_severity(ZONE, frame, today=TODAY, near_km=0)[1] == ()


def test_contributing_events_largest_first() -> None:
    events = [
        make_event(1, "visit"),
        make_event(2, "missile_launch"),
        make_event(3, "exercise", end=TODAY - dt.timedelta(days=200)),  # 0.28 > 0.2
        make_event(4, "exercise"),
    ]
    _, ids = zone_severity(ZONE, events_frame(events), today=TODAY)
    assert ids == ("ev-000000000002", "ev-000000000004", "ev-000000000003", "ev-000000000001")


event_strategy = st.builds(
    lambda n, kind, age, conf, dx, dy: make_event(
        n,
        kind,
        at=(130.0 + dx, 35.0 + dy),
        end=None if age is None else TODAY - dt.timedelta(days=age),
        confidence=conf,
    ),
    st.integers(0, 10**6),
    st.sampled_from(EVENT_TYPE_KEYS),
    st.one_of(st.none(), st.integers(-400, 5000)),
    st.floats(0.0, 1.0),
    st.floats(-20.0, 20.0),
    st.floats(-20.0, 20.0),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(event_strategy, max_size=40))
def test_severity_stays_between_zero_and_one(events: list[Event]) -> None:
    value, ids = zone_severity(ZONE, events_frame(events), today=TODAY)
    assert 0.0 <= value <= 1.0
    assert (value > 0) == bool(ids)
    assert set(ids) <= {e.id for e in events}


def test_many_heavy_events_approach_but_stay_within_one() -> None:
    value = severity([make_event(i, "armed_attack") for i in range(200)])
    assert 0.99 < value <= 1.0


# --- derived zones -------------------------------------------------------------------------


def test_two_drills_in_a_sea_make_a_zone(gazetteer: Gazetteer) -> None:
    events = [
        placed_event(gazetteer, 1, "exercise", SEA_OF_JAPAN),
        placed_event(gazetteer, 2, "exercise", SEA_OF_JAPAN, end=TODAY - dt.timedelta(days=40)),
    ]
    (zone,) = derive_zones(events_frame(events), gazetteer, today=TODAY)
    assert zone.kind == "military_activity"
    assert zone.origin == "derived"
    assert zone.place_id == SEA_OF_JAPAN
    assert zone.name == "Sea of Japan"
    assert zone.parties == ("RUS",)
    assert zone.id == stable_id("zn", SEA_OF_JAPAN)
    assert zone.geometry.equals(gazetteer.place(SEA_OF_JAPAN).geometry)
    assert zone.event_ids == ("ev-000000000001", "ev-000000000002")
    assert 0 < zone.severity < 1


@pytest.mark.parametrize(
    "kinds",
    [("visit", "visit"), ("exercise",), ("talks", "criticism", "office_opening")],
)
def test_no_zone_without_two_military_events(gazetteer: Gazetteer, kinds: tuple[str, ...]) -> None:
    events = [placed_event(gazetteer, i, k, SEA_OF_JAPAN) for i, k in enumerate(kinds)]
    assert derive_zones(events_frame(events), gazetteer, today=TODAY) == []


def test_neighbouring_seas_stay_apart(gazetteer: Gazetteer) -> None:
    events = [
        placed_event(gazetteer, 1, "exercise", SEA_OF_JAPAN),
        placed_event(gazetteer, 2, "exercise", "ne:sea:east-china-sea"),
    ]
    assert derive_zones(events_frame(events), gazetteer, today=TODAY) == []


def test_nearby_cities_cluster_with_a_sea(gazetteer: Gazetteer) -> None:
    events = [
        placed_event(gazetteer, 1, "exercise", SEA_OF_JAPAN),
        placed_event(gazetteer, 2, "patrol", "gn:2013348", actors=("CHN", "RUS")),  # Vladivostok
        placed_event(gazetteer, 3, "exercise", "gn:2019528"),  # Nakhodka
        placed_event(gazetteer, 4, "exercise", "ne:sea:baltic-sea"),
    ]
    (zone,) = derive_zones(events_frame(events), gazetteer, today=TODAY)
    assert zone.id == stable_id("zn", "gn:2013348", "gn:2019528", SEA_OF_JAPAN)
    assert zone.parties == ("CHN", "RUS")
    vladivostok = gazetteer.place("gn:2013348")
    assert zone.geometry.covers(Point(vladivostok.point))
    sea = gazetteer.place(SEA_OF_JAPAN).geometry
    assert zone.geometry.intersection(sea).area == pytest.approx(sea.area, rel=1e-6)
    assert not zone.geometry.covers(Point(gazetteer.place("ne:sea:baltic-sea").point))
    assert set(zone.event_ids) == {e.id for e in events[:3]}


def test_two_cities_far_apart_make_no_zone(gazetteer: Gazetteer) -> None:
    events = [
        placed_event(gazetteer, 1, "exercise", "gn:2013348"),  # Vladivostok
        placed_event(gazetteer, 2, "exercise", "gn:554234"),  # Kaliningrad
    ]
    assert derive_zones(events_frame(events), gazetteer, today=TODAY) == []


def test_country_events_make_a_country_zone(gazetteer: Gazetteer) -> None:
    events = [placed_event(gazetteer, i, "armed_attack", "ne:country:UKR") for i in range(2)]
    (zone,) = derive_zones(events_frame(events), gazetteer, today=TODAY)
    assert zone.geometry.equals(gazetteer.place("ne:country:UKR").geometry)


# --- build_zones ---------------------------------------------------------------------------


def test_build_zones_on_the_seeds(seeds: SeedData, seed_events: Any, gazetteer: Gazetteer) -> None:
    frame = build_zones(seeds.zones, seed_events, gazetteer, today=TODAY)
    assert_schema(frame, ZONE_COLUMNS)
    assert list(frame["id"]) == [
        z.id for z in seeds.zones
    ]  # the derived Sea of Japan is a duplicate
    assert (frame["origin"] == "curated").all()
    known = set(seed_events["id"])
    for row in frame.itertuples():
        assert 0 < row.severity < 1, row.name
        assert row.event_ids, row.name
        assert set(row.event_ids) <= known, row.name
    by_name = frame.set_index("name")
    sea_events = set(seed_events[seed_events["place_ids"].map(lambda p: SEA_OF_JAPAN in p)]["id"])
    assert sea_events <= set(by_name.loc["Sea of Japan", "event_ids"])
    assert by_name["severity"].idxmax() == "Sea of Japan"
    ukraine = set(by_name.loc["Ukraine", "event_ids"])
    invasion = seed_events[seed_events["type"] == "armed_attack"]["id"].item()
    assert invasion in ukraine
    claim = seed_events[seed_events["type"] == "territorial_claim"]["id"].item()
    assert claim in by_name.loc["Senkaku Islands / East China Sea", "event_ids"]
    curated = {z.id: z for z in seeds.zones}
    for row in frame.itertuples():  # curated zones keep their shape and parties
        assert row.geometry.equals(curated[row.id].geometry)
        assert tuple(row.parties) == curated[row.id].parties


def test_build_zones_severity_fades_with_time(
    seeds: SeedData, seed_events: Any, gazetteer: Gazetteer
) -> None:
    then = build_zones(seeds.zones, seed_events, gazetteer, today=TODAY)
    later = build_zones(seeds.zones, seed_events, gazetteer, today=dt.date(2025, 5, 10))
    assert (later["severity"] < then["severity"]).all()


def test_build_zones_adds_new_derived_zones(seeds: SeedData, gazetteer: Gazetteer) -> None:
    baltic = [placed_event(gazetteer, i, "exercise", "ne:sea:baltic-sea") for i in range(3)]
    events = events_frame([*seeds.events, *baltic])
    frame = build_zones(seeds.zones, events, gazetteer, today=TODAY)
    derived = frame[frame["origin"] == "derived"]
    assert derived["place_id"].tolist() == ["ne:sea:baltic-sea"]
    assert len(frame) == len(seeds.zones) + 1


def test_build_zones_drops_derived_zones_inside_curated_ones(gazetteer: Gazetteer) -> None:
    events = [placed_event(gazetteer, i, "exercise", "ne:sea:east-china-sea") for i in range(2)]
    curated = Zone(
        id="zn-curated",
        name="Senkaku Islands / East China Sea",
        kind="territorial_dispute",
        parties=("CHN", "JPN"),
        geometry=gazetteer.place("ne:sea:east-china-sea").geometry,
        severity=0.0,
        event_ids=(),
        origin="curated",
        place_id="fl:senkaku-islands",
    )
    frame = build_zones([curated], events_frame(events), gazetteer, today=TODAY)
    assert frame["id"].tolist() == ["zn-curated"]
    assert frame.loc[0, "event_ids"] == ["ev-000000000000", "ev-000000000001"]


def test_build_zones_with_no_events(seeds: SeedData, gazetteer: Gazetteer) -> None:
    frame = build_zones(seeds.zones, events_frame([]), gazetteer, today=TODAY)
    assert_schema(frame, ZONE_COLUMNS)
    assert frame["severity"].tolist() == [0.0] * len(seeds.zones)
    assert frame["event_ids"].tolist() == [[]] * len(seeds.zones)
    empty = build_zones([], events_frame([]), gazetteer, today=TODAY)
    assert_schema(empty, ZONE_COLUMNS)
    assert empty.empty
