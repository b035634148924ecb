from __future__ import annotations

import datetime
import json
import multiprocessing
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import filelock
import geopandas as gpd
import pandas as pd  # type: ignore[import-untyped]  # no pandas-stubs in the environment
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from shapely.geometry import MultiPolygon, Point, Polygon, box
from shapely.geometry.base import BaseGeometry

import geo.store.store as store_module
from geo import settings
from geo.store.format import manifest_checksum
from geo.store.parts import SIDE_PART_MARK
from geo.store.store import (
    GEOPARQUET_VERSION,
    LAYERS,
    Store,
    StoreBusyError,
    StoreCorruptError,
    StoreError,
    VersionNotFoundError,
    default_store_dir,
)

D = datetime.date
TS = pd.Timestamp

# id, date_start, date_end, point (lon, lat) or None
EVENT_ROWS: list[tuple[str, D | None, D | None, tuple[float, float] | None]] = [
    ("ev-jan", D(2023, 1, 15), None, (139.7, 35.7)),
    ("ev-feb-long", D(2023, 2, 20), D(2023, 3, 2), (126.9, 37.5)),
    ("ev-mar", D(2023, 3, 10), D(2023, 3, 10), (121.5, 25.0)),
    ("ev-apr", D(2023, 4, 1), D(2023, 4, 30), (2.35, 48.85)),
    ("ev-may", D(2023, 5, 10), None, None),
    ("ev-jun", D(2023, 6, 5), None, (-77.0, 38.9)),
    ("ev-undated", None, None, (123.5, 25.7)),
]


def _events(rows: list[tuple[str, D | None, D | None, tuple[float, float] | None]]) -> Any:
    """Events whose columns depend only on each row's id, so subsets agree with the whole."""
    known = [r[0] for r in EVENT_ROWS]
    order = [known.index(r[0]) if r[0] in known else len(known) for r in rows]
    n = len(rows)
    return gpd.GeoDataFrame(
        {
            "id": [r[0] for r in rows],
            "article_id": ["art-1"] * n,
            "type": ["exercise"] * n,
            "cameo": ["1383"] * n,
            "date_start": [pd.NaT if r[1] is None else r[1] for r in rows],
            "date_end": [pd.NaT if r[2] is None else r[2] for r in rows],
            "date_precision": ["day" if r[1] else "unknown" for r in rows],
            "actors": [["JPN", "USA"] if k % 2 else [] for k in order],
            "place_ids": [[f"ne:country:{k}"] for k in order],
            "place_names": [[f"Place {k}"] for k in order],
            "sentence": [f"Sentence about {r[0]}." for r in rows],
            "span_start": [10 * k for k in order],
            "span_end": [10 * k + 5 for k in order],
            "confidence": [0.5 + k / 100 for k in order],
            "origin": ["extracted"] * n,
            "modality": ["happened"] * n,
        },
        geometry=[None if r[3] is None else Point(r[3]) for r in rows],
        crs="EPSG:4326",
    )


def _offices() -> Any:
    return gpd.GeoDataFrame(
        {
            "id": ["of-2", "of-1"],
            "org": ["NATO", "NATO"],
            "host_place_id": ["ne:country:JPN", "ne:country:KOR"],
            "host_name": ["Japan", "South Korea"],
            "city": ["Tokyo", ""],
            "status": ["proposed", "in_talks"],
            "since": [D(2023, 5, 10), pd.NaT],
            "article_ids": [["art-1", "art-2"], ["art-2"]],
            "origin": ["curated", "extracted"],
        },
        geometry=[Point(139.69, 35.69), Point(127.0, 37.5)],
        crs="EPSG:4326",
    )


def _zones() -> Any:
    islands = MultiPolygon([box(123.4, 25.7, 123.6, 25.8), box(124.5, 25.9, 124.6, 26.0)])
    return gpd.GeoDataFrame(
        {
            "id": ["zn-senkaku", "zn-taiwan-strait"],
            "name": ["Senkaku Islands", "Taiwan Strait"],
            "kind": ["territorial_dispute", "military_activity"],
            "parties": [["JPN", "CHN", "TWN"], ["CHN", "TWN", "USA"]],
            "severity": [0.7, 0.4],
            "event_ids": [["ev-undated"], []],
            "origin": ["curated", "derived"],
            "place_id": ["fl:senkaku-islands", ""],
        },
        geometry=[islands, Polygon([(119, 22), (121, 22), (121, 26), (119, 26)])],
        crs="EPSG:4326",
    )


def _places() -> Any:
    return gpd.GeoDataFrame(
        {
            "id": ["ne:country:JPN", "gn:1850147", "ne:sea:sea-of-japan"],
            "name": ["Japan", "Tokyo", "Sea of Japan"],
            "kind": ["country", "city", "sea"],
            "country_codes": [["JPN"], ["JPN"], []],
            "disputed_by": [[], [], ["KOR"]],
            "mentions": [3, 1, 2],
            "article_ids": [["art-1"], ["art-1"], ["art-1", "art-2"]],
        },
        geometry=[box(129, 31, 146, 45), Point(139.69, 35.69), box(128, 34, 142, 52)],
        crs="EPSG:4326",
    )


def _articles(ids: tuple[str, ...] = ("art-1", "art-2")) -> pd.DataFrame:
    months = [TS("2024-01-02T03:04:05Z"), TS("2024-02-10T00:00:00Z"), TS("2024-02-11T00:00:00Z")]
    return pd.DataFrame(
        {
            "id": list(ids),
            "title": [f"Title {i}" for i in ids],
            "outlet": ["CNN"] * len(ids),
            "published": [D(2023, 5, 10 + n) for n in range(len(ids))],
            "url": [f"https://example.org/{i}" for i in ids],
            "language": ["en"] * len(ids),
            "source": [f"{i}.txt" for i in ids],
            "text": ["Body <b>kept verbatim</b>."] * len(ids),
            "ingested_at": [months[n % 3] for n in range(len(ids))],
        }
    )


def _all_layers() -> dict[str, Any]:
    return {
        "events": _events(EVENT_ROWS),
        "offices": _offices(),
        "zones": _zones(),
        "places": _places(),
        "articles": _articles(),
    }


def _plain(frame: Any) -> list[dict[str, Any]]:
    """Rows as dicts, sorted by id, with missing values as None and geometry as WKT."""
    rows = []
    for record in frame.sort_values("id").to_dict("records"):
        row = {}
        for name, value in record.items():
            if isinstance(value, BaseGeometry):
                value = value.wkt
            elif isinstance(value, list | tuple):
                value = list(value)
            elif value is None or pd.isna(value):
                value = None
            row[name] = value
        rows.append(row)
    return rows


def _files(root: Path) -> dict[str, int]:
    return {
        str(p.relative_to(root)): p.stat().st_mtime_ns
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store.open(tmp_path / "store")


# -- round trip ---------------------------------------------------------------------------


@pytest.mark.parametrize("layer", LAYERS)
def test_each_layer_round_trips(store: Store, layer: str) -> None:
    frame = _all_layers()[layer]
    store.write({layer: frame}, message=f"only {layer}")
    back = store.read_layer(layer)
    assert list(back.columns) == list(frame.columns)
    assert _plain(back) == _plain(frame)
    if layer == "articles":
        assert not isinstance(back, gpd.GeoDataFrame)
    else:
        assert isinstance(back, gpd.GeoDataFrame)
        assert back.crs == "EPSG:4326"


def test_values_come_back_as_python_values(store: Store) -> None:
    store.write(_all_layers(), message="all")
    events = store.read_layer("events").set_index("id")
    assert events.loc["ev-feb-long", "actors"] == ["JPN", "USA"]
    assert events.loc["ev-jan", "actors"] == []
    assert events.loc["ev-jan", "date_start"] == D(2023, 1, 15)
    assert events.loc["ev-undated", "date_start"] is None
    assert events.loc["ev-may", "geometry"] is None
    assert events.loc["ev-mar", "span_end"] == 25
    zones = store.read_layer("zones").set_index("id")
    assert zones.loc["zn-senkaku", "geometry"].geom_type == "MultiPolygon"
    articles = store.read_layer("articles").set_index("id")
    assert articles.loc["art-1", "ingested_at"] == TS("2024-01-02T03:04:05Z")
    assert articles.loc["art-2", "published"] == D(2023, 5, 11)


def test_rows_come_back_sorted_by_part_then_id(store: Store) -> None:
    store.write({"events": _events(EVENT_ROWS[::-1])}, message="reversed")
    assert list(store.read_layer("events")["id"]) == [r[0] for r in EVENT_ROWS]


def test_empty_store_reads_empty_layers(store: Store) -> None:
    assert store.current_version() is None
    assert store.versions() == []
    layers = store.read_all()
    assert layers.version is None
    for name in LAYERS:
        assert getattr(layers, name).empty
    assert layers.zones.crs == "EPSG:4326"


def test_layers_left_out_of_a_write_are_empty(store: Store) -> None:
    store.write(_all_layers(), message="all")
    store.write({"zones": _zones()}, message="zones only")
    layers = store.read_all()
    assert layers.events.empty
    assert len(layers.zones) == 2


# -- versions -----------------------------------------------------------------------------


def test_old_versions_stay_readable(store: Store) -> None:
    first = store.write({"events": _events(EVENT_ROWS[:3])}, message="first")
    second = store.write({"events": _events(EVENT_ROWS)}, message="second")
    assert first != second
    assert store.current_version() == second
    assert store.has_version(first)
    assert list(store.read_layer("events", version=first)["id"]) == [r[0] for r in EVENT_ROWS[:3]]
    assert store.read_all(first).version == first
    assert len(store.read_all().events) == len(EVENT_ROWS)
    infos = store.versions()
    assert [(v.id, v.parent, v.message) for v in infos] == [
        (first, None, "first"),
        (second, first, "second"),
    ]
    assert dict(infos[1].counts) == {"events": len(EVENT_ROWS)}


def test_same_content_gives_same_version_and_writes_nothing(store: Store) -> None:
    layers = _all_layers()
    version = store.write(layers, message="first")
    before = _files(store.root)
    shuffled = {name: frame.iloc[::-1] for name, frame in layers.items()}
    assert store.write(shuffled, message="again") == version
    assert _files(store.root) == before
    assert len(store.versions()) == 1


def test_data_read_back_writes_the_same_version(store: Store) -> None:
    version = store.write(_all_layers(), message="first")
    read = store.read_all()
    frames = {name: getattr(read, name) for name in LAYERS}
    assert store.write(frames, message="round trip") == version


def test_unchanged_parts_are_reused(store: Store) -> None:
    store.write({"events": _events(EVENT_ROWS)}, message="first")
    before = {p.key: p.object for p in store.parts_for("events")}
    extra = ("ev-jun-2", D(2023, 6, 20), None, (0.0, 0.0))
    store.write({"events": _events([*EVENT_ROWS, extra])}, message="one more in June")
    after = {p.key: p.object for p in store.parts_for("events")}
    assert {k for k in after if after[k] != before[k]} == {"2023-06"}
    assert len(list((store.tables_dir / "events").glob("*.parquet"))) == len(before) + 1


def test_version_id_is_12_hex_digits(store: Store) -> None:
    version = store.write(_all_layers(), message="all")
    assert len(version) == 12
    int(version, 16)
    assert (store.root / "CURRENT").read_text().strip() == version


@pytest.mark.parametrize("version", ["000000000000", "../CURRENT", "", "ABCDEF012345", "7c1e02"])
def test_missing_version_raises_version_not_found(store: Store, version: str) -> None:
    store.write(_all_layers(), message="all")
    assert not store.has_version(version)
    with pytest.raises(VersionNotFoundError, match="is not in the store") as caught:
        store.read_layer("events", version=version)
    assert isinstance(caught.value, KeyError)
    assert caught.value.version == version
    with pytest.raises(VersionNotFoundError):
        store.read_all(version)


def test_prune_keeps_the_newest_versions(store: Store) -> None:
    versions = [
        store.write({"events": _events(EVENT_ROWS[:n])}, message=f"{n} events") for n in (1, 3, 5)
    ]
    assert store.prune(keep=2) == [versions[0]]
    assert [v.id for v in store.versions()] == versions[1:]
    with pytest.raises(VersionNotFoundError):
        store.read_layer("events", version=versions[0])
    assert store.check(deep=True) == []
    assert len(store.read_layer("events", version=versions[1])) == 3
    used = {p.object for v in versions[1:] for p in store.parts_for("events", version=v)}
    assert {p.stem for p in (store.tables_dir / "events").glob("*.parquet")} == used


# -- append -------------------------------------------------------------------------------


def test_append_keeps_existing_rows_and_adds_new_ones(store: Store) -> None:
    first = store.write({"events": _events(EVENT_ROWS[:3]), "zones": _zones()}, message="first")
    changed = _events([EVENT_ROWS[0], EVENT_ROWS[3]])
    changed.loc[0, "sentence"] = "A different sentence."
    second = store.append({"events": changed}, message="more")
    assert second != first
    events = store.read_layer("events").set_index("id")
    assert sorted(events.index) == sorted(r[0] for r in EVENT_ROWS[:4])
    assert events.loc["ev-jan", "sentence"] == "Sentence about ev-jan."
    assert len(store.read_layer("zones")) == 2
    assert store.versions()[-1].parent == first


def test_append_of_known_rows_changes_nothing(store: Store) -> None:
    version = store.append({"articles": _articles(), "events": _events(EVENT_ROWS)}, message="a")
    before = _files(store.root)
    again = store.append({"articles": _articles(("art-2",))}, message="again")
    assert again == version
    assert _files(store.root) == before


def test_append_matches_a_single_write(tmp_path: Path) -> None:
    appended = Store.open(tmp_path / "appended")
    appended.append({"events": _events(EVENT_ROWS[:4])}, message="part 1")
    appended.append({"articles": _articles(("art-1",))}, message="part 2")
    last = appended.append(
        {"events": _events(EVENT_ROWS[2:]), "articles": _articles()}, message="part 3"
    )
    written = Store.open(tmp_path / "written")
    whole = written.write({"events": _events(EVENT_ROWS), "articles": _articles()}, message="all")
    assert last == whole


def test_read_all_limits_columns_and_leaves_out_one_no_part_has(store: Store) -> None:
    store.write({"events": _events(EVENT_ROWS), "articles": _articles()}, message="all")
    some = store.read_all(columns={"articles": ["id", "published"]})
    assert list(some.articles.columns) == ["id", "published"]
    assert "sentence" in some.events.columns  # layers not named are read whole
    older = store.read_all(columns={"articles": ["id", "a_column_added_later"]})
    assert list(older.articles.columns) == ["id"]  # never the whole layer (texts and all)
    assert len(older.articles) == 2


def test_read_all_reads_a_column_older_parts_lack_as_missing_there(store: Store) -> None:
    older = _articles()
    store.write({"articles": older}, message="before the column")
    newer = older.assign(
        id=[f"{i}-new" for i in older["id"]],
        ingested_at=pd.Timestamp("2031-01-01", tz="UTC"),
        published_from="feed",
    )
    store.update(append={"articles": newer}, message="with the column")
    both = store.read_all(columns={"articles": ["id", "published_from"]})
    assert list(both.articles.columns) == ["id", "published_from"]
    by_id = dict(zip(both.articles["id"], both.articles["published_from"], strict=True))
    assert len(by_id) == 2 * len(older)
    assert all(by_id[f"{i}-new"] == "feed" for i in older["id"])
    assert all(pd.isna(by_id[i]) for i in older["id"])
    with pytest.raises(ValueError, match="no column"):
        store.read_layer("articles", columns=["id", "published_from"])


def test_update_appends_and_replaces_in_one_version(store: Store) -> None:
    first = store.write({"events": _events(EVENT_ROWS[:3]), "zones": _zones()}, message="first")
    before = {p.key: p.object for p in store.parts_for("events")}
    second = store.update(
        append={"events": _events(EVENT_ROWS[2:4])},
        replace={"zones": _zones().iloc[:1], "articles": _articles()},
        message="a batch",
    )
    assert [v.id for v in store.versions()][-2:] == [first, second]
    assert store.versions()[-1].parent == first
    events = store.read_layer("events")
    assert sorted(events["id"]) == sorted(r[0] for r in EVENT_ROWS[:4])
    assert len(store.read_layer("zones")) == 1
    assert len(store.read_layer("articles")) == 2
    after = {p.key: p.object for p in store.parts_for("events")}
    assert {k for k in after if after.get(k) != before.get(k)} == {"2023-04"}  # ev-mar is known


def test_update_matches_a_single_write(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "updated")
    store.write({"events": _events(EVENT_ROWS[:4]), "articles": _articles(("art-1",))}, message="1")
    last = store.update(
        append={"events": _events(EVENT_ROWS[2:]), "articles": _articles()},
        replace={"zones": _zones()},
        message="2",
    )
    written = Store.open(tmp_path / "written")
    whole = written.write(
        {"events": _events(EVENT_ROWS), "articles": _articles(), "zones": _zones()}, message="all"
    )
    assert last == whole


def test_update_refuses_a_layer_both_appended_and_replaced(store: Store) -> None:
    with pytest.raises(ValueError, match="events cannot be both appended to and replaced"):
        store.update(
            append={"events": _events(EVENT_ROWS)},
            replace={"events": _events(EVENT_ROWS)},
            message="x",
        )


def test_parts_of_dates_and_parts_of_timestamps_read_together(store: Store) -> None:
    store.write({"events": _events(EVENT_ROWS[:4])}, message="plain dates: date32 parts")
    store.append({"events": _events(EVENT_ROWS[4:])}, message="no dates at all: timestamps")
    events = store.read_layer("events").set_index("id")
    assert len(events) == len(EVENT_ROWS)
    assert pd.Timestamp(events.loc["ev-jan", "date_start"]) == TS("2023-01-15")
    assert pd.isna(events.loc["ev-undated", "date_start"])


def test_append_needs_the_key_column(store: Store) -> None:
    with pytest.raises(ValueError, match="no key column 'uid'"):
        store.append({"events": _events(EVENT_ROWS)}, key="uid", message="x")


# -- windows ------------------------------------------------------------------------------


@pytest.fixture
def read_paths(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    opened: list[str] = []
    real = pq.read_table

    def recording(path: Any, *args: Any, **kwargs: Any) -> Any:
        opened.append(Path(path).stem)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(pq, "read_table", recording)
    return opened


# (date_from, date_to) -> (part keys opened, event ids returned)
WINDOWS: list[tuple[D | None, D | None, list[str], list[str]]] = [
    (None, None, ["2023-01", "2023-02", "2023-03", "2023-04", "2023-05", "2023-06", "unknown"],
     [r[0] for r in EVENT_ROWS]),
    (D(2023, 3, 1), D(2023, 3, 31), ["2023-02", "2023-03"], ["ev-feb-long", "ev-mar"]),
    (D(2023, 3, 3), D(2023, 3, 31), ["2023-03"], ["ev-mar"]),
    (D(2023, 4, 15), None, ["2023-04", "2023-05", "2023-06"], ["ev-apr", "ev-may", "ev-jun"]),
    (None, D(2023, 1, 31), ["2023-01"], ["ev-jan"]),
    (D(2023, 1, 15), D(2023, 1, 15), ["2023-01"], ["ev-jan"]),
    (D(2023, 1, 16), D(2023, 2, 19), [], []),
    (D(2030, 1, 1), None, [], []),
]  # fmt: skip


@pytest.mark.parametrize(("date_from", "date_to", "keys", "ids"), WINDOWS)
def test_time_window_reads_only_matching_parts(
    store: Store,
    read_paths: list[str],
    date_from: D | None,
    date_to: D | None,
    keys: list[str],
    ids: list[str],
) -> None:
    store.write({"events": _events(EVENT_ROWS)}, message="events")
    parts = store.parts_for("events", date_from=date_from, date_to=date_to)
    assert [p.key for p in parts] == keys
    frame = store.read_layer("events", date_from=date_from, date_to=date_to)
    assert list(frame["id"]) == ids
    assert list(frame.columns) == list(_events(EVENT_ROWS).columns)
    if parts:
        assert read_paths == [p.object for p in parts]
    else:  # only the schema of one part is read, through a filter that keeps no row
        assert len(read_paths) == 1


# An event dated only by its month ("in May 2023") or year is stored on the period's first day
# with that precision, and covers the whole period (geo.intervals): a window inside meets it.
@pytest.mark.parametrize(
    ("first", "precision", "window", "ids"),
    [
        (D(2023, 5, 1), "month", (D(2023, 5, 10), D(2023, 5, 12)), ["ev-may"]),
        (D(2023, 5, 1), "month", (D(2023, 6, 1), D(2023, 6, 2)), []),
        (D(2023, 1, 1), "year", (D(2023, 6, 1), D(2023, 6, 30)), ["ev-may"]),
        (D(2023, 1, 1), "year", (None, D(2022, 12, 31)), []),
        (D(2023, 5, 1), "day", (D(2023, 5, 10), D(2023, 5, 12)), []),
    ],
)
def test_time_window_meets_the_whole_period_a_coarse_date_covers(
    store: Store,
    first: D,
    precision: str,
    window: tuple[D | None, D | None],
    ids: list[str],
) -> None:
    rows = [("ev-may", first, first, None), ("ev-jan", D(2023, 1, 15), None, (139.7, 35.7))]
    events = _events(rows).assign(date_precision=[precision, "day"])
    store.write({"events": events}, message="coarse dates")
    date_from, date_to = window
    frame = store.read_layer("events", date_from=date_from, date_to=date_to)
    assert list(frame["id"]) == ids
    parts = store.parts_for("events", date_from=date_from, date_to=date_to)
    assert not ids or first.strftime("%Y-%m") in [part.key for part in parts]


def test_time_window_accepts_datetimes(store: Store) -> None:
    store.write({"events": _events(EVENT_ROWS)}, message="events")
    frame = store.read_layer("events", date_from=datetime.datetime(2023, 6, 1, 12, 0))
    assert list(frame["id"]) == ["ev-jun"]


def test_time_window_on_articles_uses_published(store: Store) -> None:
    store.write({"articles": _articles(("a", "b", "c"))}, message="articles")
    assert [p.key for p in store.parts_for("articles")] == ["2024-01", "2024-02"]
    frame = store.read_layer("articles", date_from=D(2023, 5, 11), date_to=D(2023, 5, 11))
    assert list(frame["id"]) == ["b"]


def test_time_window_is_ignored_for_undated_layers(store: Store) -> None:
    store.write({"zones": _zones()}, message="zones")
    assert len(store.read_layer("zones", date_from=D(2030, 1, 1))) == 2


# bbox -> event ids (None geometry never matches)
BBOXES: list[tuple[tuple[float, float, float, float], list[str]]] = [
    ((120.0, 20.0, 150.0, 40.0), ["ev-jan", "ev-feb-long", "ev-mar", "ev-undated"]),
    ((-180.0, -90.0, 180.0, 90.0), [r[0] for r in EVENT_ROWS if r[3] is not None]),
    ((0.0, 40.0, 10.0, 50.0), ["ev-apr"]),
    ((139.7, 35.7, 139.7, 35.7), ["ev-jan"]),
    ((-10.0, -10.0, -5.0, -5.0), []),
]


@pytest.mark.parametrize(("bbox", "ids"), BBOXES)
def test_bbox_filters_rows_and_parts(
    store: Store, read_paths: list[str], bbox: tuple[float, float, float, float], ids: list[str]
) -> None:
    store.write({"events": _events(EVENT_ROWS)}, message="events")
    frame = store.read_layer("events", bbox=bbox)
    assert list(frame["id"]) == ids
    if ids:
        assert len(read_paths) == len(store.parts_for("events", bbox=bbox)) < 7


def test_bbox_keeps_polygons_that_cross_it(store: Store) -> None:
    store.write({"zones": _zones(), "articles": _articles()}, message="zones")
    frame = store.read_layer("zones", bbox=(120.5, 25.5, 123.45, 25.75))
    assert sorted(frame["id"]) == ["zn-senkaku", "zn-taiwan-strait"]
    assert list(store.read_layer("zones", bbox=(124.0, 25.0, 124.4, 25.5))["id"]) == []
    assert len(store.read_layer("articles", bbox=(0.0, 0.0, 1.0, 1.0))) == 2


def test_bbox_and_window_combine(store: Store) -> None:
    store.write({"events": _events(EVENT_ROWS)}, message="events")
    frame = store.read_layer(
        "events", date_from=D(2023, 3, 1), date_to=D(2023, 12, 31), bbox=(120, 20, 150, 40)
    )
    assert list(frame["id"]) == ["ev-feb-long", "ev-mar"]


def test_bad_bbox_is_rejected(store: Store) -> None:
    store.write({"events": _events(EVENT_ROWS)}, message="events")
    with pytest.raises(ValueError, match="min <= max"):
        store.read_layer("events", bbox=(10.0, 0.0, 0.0, 10.0))


def test_columns_subset_keeps_geometry(store: Store) -> None:
    store.write({"events": _events(EVENT_ROWS), "articles": _articles()}, message="x")
    assert list(store.read_layer("events", columns=["id", "actors"]).columns) == [
        "id",
        "actors",
        "geometry",
    ]
    assert list(store.read_layer("articles", columns=["title"]).columns) == ["title"]
    with pytest.raises(ValueError, match="no column"):
        store.read_layer("events", columns=["nope"])


# -- interchange --------------------------------------------------------------------------


def test_parts_open_with_plain_geopandas_and_pyarrow(store: Store) -> None:
    store.write(_all_layers(), message="all")
    for layer in ("events", "zones"):
        paths = [store.part_path(layer, p.object) for p in store.parts_for(layer)]
        frames = [gpd.read_parquet(path) for path in paths]
        assert all(frame.crs == "EPSG:4326" for frame in frames)
        assert sum(len(f) for f in frames) == len(_all_layers()[layer])
        geo = json.loads(pq.read_schema(paths[0]).metadata[b"geo"])
        assert geo["version"] == GEOPARQUET_VERSION
        assert "covering" in geo["columns"]["geometry"]
    event_paths = [str(store.part_path("events", p.object)) for p in store.parts_for("events")]
    table = ds.dataset(event_paths, format="parquet").to_table(columns=["id", "date_start"])
    assert sorted(table.column("id").to_pylist()) == sorted(r[0] for r in EVENT_ROWS)


@pytest.mark.filterwarnings("ignore:The inplace keyword")  # raised inside dask's own reader
def test_parts_open_with_dask_geopandas(store: Store) -> None:
    dask_geopandas = pytest.importorskip("dask_geopandas")
    store.write({"events": _events(EVENT_ROWS)}, message="events")
    paths = [str(store.part_path("events", p.object)) for p in store.parts_for("events")]
    frame = dask_geopandas.read_parquet(paths).compute()
    assert sorted(frame["id"]) == sorted(r[0] for r in EVENT_ROWS)
    assert frame.crs == "EPSG:4326"


# -- input checks -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("layers", "error", "match"),
    [
        ({"roads": _zones()}, ValueError, "unknown layer 'roads'"),
        ({"events": pd.DataFrame({"id": ["x"]})}, TypeError, "must be a GeoDataFrame"),
        ({"articles": _zones()}, TypeError, "must be a plain DataFrame"),
        ({"zones": _zones().to_crs(3857)}, ValueError, "must be in EPSG:4326"),
    ],
)
def test_bad_layers_are_rejected(
    store: Store, layers: dict[str, Any], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        store.write(layers, message="bad")
    assert store.current_version() is None


@pytest.mark.parametrize("method", ["read_layer", "parts_for"])
def test_unknown_layer_is_rejected_on_read(store: Store, method: str) -> None:
    with pytest.raises(ValueError, match="unknown layer 'roads'"):
        getattr(store, method)("roads")
    store.write({"zones": _zones()}, message="zones")
    with pytest.raises(ValueError, match="unknown layer 'roads'"):
        getattr(store, method)("roads")


def test_frame_without_crs_is_taken_as_wgs84(store: Store) -> None:
    zones = _zones().set_crs(None, allow_override=True)
    store.write({"zones": zones}, message="no crs")
    assert store.read_layer("zones").crs == "EPSG:4326"


def test_default_store_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(settings.STORE.name, raising=False)
    assert default_store_dir() == tmp_path / "data"
    monkeypatch.setenv(settings.STORE.name, "elsewhere/store")
    assert default_store_dir() == tmp_path / "elsewhere" / "store"


# -- crashes and locks --------------------------------------------------------------------


@pytest.mark.parametrize("fail_on", ["tables", "commits", "CURRENT"])
def test_crash_during_write_leaves_the_old_version(
    store: Store, monkeypatch: pytest.MonkeyPatch, fail_on: str
) -> None:
    old = store.write({"events": _events(EVENT_ROWS[:2])}, message="old")
    real = os.replace

    def crashing(src: Any, dst: Any, *args: Any, **kwargs: Any) -> None:
        if fail_on in Path(dst).parts:
            raise OSError(f"simulated crash replacing {dst}")
        real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", crashing)
    with pytest.raises(OSError, match="simulated crash"):
        store.write({"events": _events(EVENT_ROWS)}, message="new")
    monkeypatch.undo()
    reopened = Store.open(store.root)
    assert reopened.current_version() == old
    assert list(reopened.read_all().events["id"]) == [r[0] for r in EVENT_ROWS[:2]]
    assert not [p for p in store.root.rglob(".tmp-*")]
    assert reopened.check(deep=True) == []


def _append_worker(root: str, ids: list[str]) -> str:
    rows = [r for r in EVENT_ROWS if r[0] in ids]
    return Store(Path(root), lock_timeout=None).append({"events": _events(rows)}, message="w")


def _write_with_timeout_zero(root: str) -> str:
    try:
        Store(Path(root), lock_timeout=0).write({"zones": _zones()}, message="busy?")
    except StoreBusyError as error:
        return f"busy: {error}"
    return "written"


def _spawn() -> Any:
    return multiprocessing.get_context("spawn")


def test_concurrent_writers_take_turns(store: Store) -> None:
    batches = [[r[0] for r in EVENT_ROWS[:4]], [r[0] for r in EVENT_ROWS[3:]]]
    with _spawn().Pool(2) as pool:
        versions = pool.starmap(_append_worker, [(str(store.root), ids) for ids in batches])
    assert store.current_version() in versions
    assert sorted(store.read_layer("events")["id"]) == sorted(r[0] for r in EVENT_ROWS)
    assert store.check() == []


def test_second_writer_with_no_timeout_is_busy(store: Store) -> None:
    with filelock.FileLock(store.root / ".lock"), _spawn().Pool(1) as pool:
        outcome = pool.apply(_write_with_timeout_zero, (str(store.root),))
    assert outcome.startswith("busy: another writer holds")
    assert store.current_version() is None
    with _spawn().Pool(1) as pool:
        assert pool.apply(_write_with_timeout_zero, (str(store.root),)) == "written"


def test_store_busy_error_is_a_store_error() -> None:
    assert issubclass(StoreBusyError, StoreError)
    assert issubclass(StoreCorruptError, StoreError)
    assert issubclass(StoreError, RuntimeError)


# -- check --------------------------------------------------------------------------------


def _delete_object(store: Store) -> str:
    path = store.part_path("events", store.parts_for("events")[0].object)
    path.unlink()
    return path.name


def _truncate_object(store: Store) -> str:
    path = store.part_path("zones", store.parts_for("zones")[0].object)
    path.write_bytes(path.read_bytes()[:100])
    return path.name


def _garble_current(store: Store) -> str:
    (store.root / "CURRENT").write_text("not a version\n")
    return "CURRENT"


def _current_names_missing(store: Store) -> str:
    (store.root / "CURRENT").write_text("0123456789ab\n")
    return "0123456789ab"


def _truncate_manifest(store: Store) -> str:
    path = next(store.commits_dir.glob("*.json"))
    path.write_text(path.read_text()[:50])
    return path.name


def _edit_manifest(store: Store) -> str:
    path = next(store.commits_dir.glob("*.json"))
    data = json.loads(path.read_text())
    data["layers"]["events"]["parts"].pop()
    path.write_text(json.dumps(data))
    return "does not match its checksum"


def _edit_manifest_and_its_checksum(store: Store) -> str:
    path = next(store.commits_dir.glob("*.json"))
    data = json.loads(path.read_text())
    data["layers"]["events"]["parts"].pop()
    data["checksum"] = manifest_checksum(data)
    path.write_text(json.dumps(data))
    return "does not match the parts"


DAMAGE: list[Callable[[Store], str]] = [
    _delete_object,
    _truncate_object,
    _garble_current,
    _current_names_missing,
    _truncate_manifest,
    _edit_manifest,
    _edit_manifest_and_its_checksum,
]


@pytest.mark.parametrize("damage", DAMAGE)
def test_check_finds_damage(store: Store, damage: Callable[[Store], str]) -> None:
    store.write(_all_layers(), message="all")
    assert store.check(deep=True) == []
    fresh = Store(store.root)
    expected = damage(fresh)
    problems = Store(store.root).check()
    assert problems
    assert any(expected in problem for problem in problems), problems


def test_check_finds_changed_content(store: Store) -> None:
    store.write({"zones": _zones()}, message="zones")
    path = store.part_path("zones", store.parts_for("zones")[0].object)
    renamed = _zones().assign(name=["Diaoyu Islands", "Taiwan Strait"])
    other = Store.open(store.root.parent / "other")
    other.write({"zones": renamed}, message="same rows, other content")
    other_path = other.part_path("zones", other.parts_for("zones")[0].object)
    path.write_bytes(other_path.read_bytes())
    problems = Store(store.root).check()
    assert len(problems) == 1
    assert "does not match its hash" in problems[0]


def test_reading_a_missing_object_names_the_file(store: Store) -> None:
    store.write({"events": _events(EVENT_ROWS)}, message="events")
    name = _delete_object(store)
    with pytest.raises(StoreCorruptError, match=name) as caught:
        store.read_layer("events")
    assert caught.value.path.name == name


def test_missing_root_is_reported(tmp_path: Path) -> None:
    problems = Store(tmp_path / "nowhere").check()
    assert len(problems) == 1
    assert "does not exist" in problems[0]


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600)])
def test_store_files_get_the_mode_the_umask_gives(tmp_path: Path, umask: int, mode: int) -> None:
    previous = os.umask(umask)
    try:
        store = Store.open(tmp_path / "store")
        store.write({"events": _events(EVENT_ROWS)}, message="events")
    finally:
        os.umask(previous)
    files = [p for p in store.root.rglob("*") if p.is_file() and p.name != ".lock"]
    assert len(files) >= 3  # parts, a manifest, CURRENT
    assert {oct(p.stat().st_mode & 0o777) for p in files} == {oct(mode)}


def test_a_part_whose_metadata_is_not_utf8_is_reported_not_raised(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.write({"zones": _zones()}, message="zones")

    def garbled(*args: Any, **kwargs: Any) -> Any:
        raise UnicodeDecodeError("utf-8", b"\xe5", 0, 1, "invalid continuation byte")

    monkeypatch.setattr(pq, "read_schema", garbled)
    (problem,) = Store(store.root).check()
    assert "unreadable part file" in problem
    with pytest.raises(StoreCorruptError, match="unreadable part file"):
        Store(store.root).read_layer("zones")


# -- appends to large partitions ----------------------------------------------------------


def _may_events(first: int, count: int) -> Any:
    rows = [(f"ev-may-{n:04d}", D(2023, 5, 1 + n % 28), None, (130.0, 35.0)) for n in range(count)]
    return _events(rows[first:])


def test_a_small_append_leaves_a_large_part_as_it_was(store: Store) -> None:
    store.write({"events": _may_events(0, 40)}, message="a month of events")
    (big,) = store.parts_for("events")
    store.update(
        append={"events": _events([("ev-may-new", D(2023, 5, 9), None, None)])}, message="1"
    )
    parts = store.parts_for("events")
    assert big in parts  # not read, not written again
    (side,) = (p for p in parts if p != big)
    assert side.key == f"2023-05{SIDE_PART_MARK}{side.object[:12]}"
    assert (side.rows, side.date_min) == (1, D(2023, 5, 9))
    ids = set(store.read_layer("events")["id"])
    assert len(ids) == 41
    assert "ev-may-new" in ids
    assert store.parts_for("events", date_from=D(2023, 5, 9), date_to=D(2023, 5, 9)) == parts
    assert store.check(deep=True) == []


def test_appends_take_in_parts_of_their_size_and_keep_a_few_parts(store: Store) -> None:
    store.write({"events": _may_events(0, 200)}, message="a month of events")
    added, written = ["ev-may-0000"], 0
    for batch in range(30):
        rows = [(f"ev-x-{batch:02d}-{n}", D(2023, 5, 3), None, (130.0, 35.0)) for n in range(5)]
        before = {p.object for p in store.parts_for("events")}
        store.update(append={"events": _events(rows)}, message=f"batch {batch}")
        added += [r[0] for r in rows]
        parts = store.parts_for("events")
        written += sum(p.rows for p in parts if p.object not in before)
        assert sum(p.rows for p in parts) == 200 + 5 * (batch + 1)
        assert len(parts) <= 4, [(p.key, p.rows) for p in parts]
        assert len({p.key for p in parts}) == len(parts)
    events = store.read_layer("events")
    assert len(events) == 350
    assert set(added) <= set(events["id"])
    # rewriting the month at every batch would have written 30 × 275 rows on average
    assert written < 2_000, written


def test_a_small_partition_is_merged_as_before(store: Store) -> None:
    store.write({"events": _may_events(0, 3)}, message="few")
    store.update(append={"events": _may_events(3, 5)}, message="more")
    assert [(p.key, p.rows) for p in store.parts_for("events")] == [("2023-05", 5)]


def _rows_converted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Return a list that receives the rows of each table the store converts to a frame."""
    seen: list[int] = []
    convert = store_module.table_to_frame

    def counting(table: Any, geometry: Any, *, bbox: Any) -> Any:
        seen.append(table.num_rows)
        return convert(table, geometry, bbox=bbox)

    monkeypatch.setattr(store_module, "table_to_frame", counting)
    return seen


def test_a_box_is_tested_on_the_bbox_column_as_the_parts_are_read(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.write({"events": _may_events(0, 40)}, message="a month of events")
    store.update(
        append={"events": _events([("ev-far", D(2023, 5, 2), None, (10.0, 50.0))])}, message="far"
    )
    seen = _rows_converted(monkeypatch)
    near = store.read_layer("events", bbox=(5.0, 45.0, 15.0, 55.0))
    assert list(near["id"]) == ["ev-far"]
    assert seen == [1]  # the other 40 rows were never converted


def test_several_boxes_read_only_the_rows_near_each_in_one_pass(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.write({"events": _may_events(0, 40)}, message="a month of events")
    far = [
        ("ev-far", D(2023, 5, 2), None, (10.0, 50.0)),
        ("ev-east", D(2023, 5, 3), None, (150.0, 20.0)),
    ]
    store.update(append={"events": _events(far)}, message="far")
    seen = _rows_converted(monkeypatch)
    boxes = [(5.0, 45.0, 15.0, 55.0), (145.0, 15.0, 155.0, 25.0)]
    near = store.read_layer("events", bbox=boxes)
    assert sorted(near["id"]) == ["ev-east", "ev-far"]
    assert seen == [2]  # the 40 rows between the boxes, inside their union, never converted
    one = store.read_layer("events", bbox=[boxes[0]])
    assert list(one["id"]) == ["ev-far"]
    assert store.read_layer("events", bbox=[]).empty
    with pytest.raises(ValueError, match="min <= max"):
        store.read_layer("events", bbox=[boxes[0], (10.0, 0.0, 0.0, 10.0)])


@pytest.mark.parametrize(("bbox", "ids"), BBOXES)
def test_a_list_of_boxes_keeps_what_each_box_keeps(
    store: Store, bbox: tuple[float, float, float, float], ids: list[str]
) -> None:
    store.write({"events": _events(EVENT_ROWS)}, message="events")
    elsewhere = (-10.0, -10.0, -5.0, -5.0)
    assert list(store.read_layer("events", bbox=[bbox, elsewhere])["id"]) == ids


def _zone_day_rows(zones: list[str], start: int = 0, days: int = 3) -> pd.DataFrame:
    """Zone-days rows (`geo.layers.aggregates.ZONE_DAY_COLUMNS`), `days` days per zone."""
    rows = [
        {
            "zone_id": zone,
            "type": "exercise",
            "first": pd.Timestamp("2024-01-01") + pd.Timedelta(days=day),
            "last": pd.Timestamp("2024-01-01") + pd.Timedelta(days=day),
            "end": pd.Timestamp("2024-01-01") + pd.Timedelta(days=day),
            "published": pd.NaT,
            "events": 1,
            "confidence_e6": 500_000 + start,
        }
        for zone in zones
        for day in range(days)
    ]
    return pd.DataFrame(rows).astype({"published": "datetime64[ns]"})


def _summed(frame: pd.DataFrame) -> pd.DataFrame:
    keys = ["zone_id", "type", "first", "last", "end", "published"]
    summed = frame.groupby(keys, dropna=False, as_index=False)[["events", "confidence_e6"]].sum()
    return summed.sort_values(keys, ignore_index=True)


def test_a_bucketed_table_rewrites_only_the_buckets_of_what_it_drops(store: Store) -> None:
    zones = [f"zn-{n:03d}" for n in range(40)]
    store.write({"zone_days": _zone_day_rows(zones, days=60)}, message="sums")
    before = {p.key: p.object for p in store.parts_for("zone_days")}
    assert len(before) > 10
    assert all(key.startswith("zone_id-") for key in before)
    gone, more = ["zn-007"], _zone_day_rows(["zn-001", "zn-100"], start=1)
    store.update(add={"zone_days": more}, remove={"zone_days": gone}, message="a batch")
    after = {p.key: p.object for p in store.parts_for("zone_days")}
    (bucket,) = {k for k, p in before.items() if k in after and after[k] != p} | {
        k for k in before if k not in after
    }
    assert bucket == store_module.bucket_keys("zone_days", gone)[0]
    side = [key for key in after if SIDE_PART_MARK in key]  # added beside, not merged in
    assert side or any(key not in before for key in after)
    expected = pd.concat([_zone_day_rows([z for z in zones if z not in gone], days=60), more])
    pd.testing.assert_frame_equal(_summed(store.read_layer("zone_days")), _summed(expected))


def test_a_table_written_before_the_buckets_reads_and_is_split_at_its_next_write(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    zones = [f"zn-{n:03d}" for n in range(12)]
    with monkeypatch.context() as patch:  # as a version before the buckets wrote it
        patch.setattr("geo.store.frames.BUCKETED_TABLES", {})
        store.write({"zone_days": _zone_day_rows(zones)}, message="one part")
    assert [p.key for p in store.parts_for("zone_days")] == ["all"]
    pd.testing.assert_frame_equal(
        _summed(store.read_layer("zone_days")), _summed(_zone_day_rows(zones))
    )
    more = _zone_day_rows(["zn-003"], start=2)
    store.update(add={"zone_days": more}, remove={"zone_days": ["zn-005"]}, message="a batch")
    keys = [p.key for p in store.parts_for("zone_days")]
    assert keys
    assert all(key.startswith("zone_id-") for key in keys)
    expected = pd.concat([_zone_day_rows([z for z in zones if z != "zn-005"]), more])
    pd.testing.assert_frame_equal(_summed(store.read_layer("zone_days")), _summed(expected))


def test_a_window_that_asks_for_undated_events_finds_them_beside_events_with_only_an_end(
    store: Store,
) -> None:
    from geo.store.query import Within, scan_layer

    rows = [
        ("ev-jan", D(2023, 1, 15), None, (139.7, 35.7)),
        ("ev-end-only", None, D(2019, 6, 1), (126.9, 37.5)),  # kept with the undated rows
        ("ev-undated", None, None, (123.5, 25.7)),
    ]
    store.write({"events": _events(rows)}, message="events")
    within = Within(window=(D(2023, 1, 1), D(2023, 12, 31)), undated=True)
    table = scan_layer(store, "events", ["id"], within=within)
    assert sorted(table.column("id").to_pylist()) == ["ev-jan", "ev-undated"]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_start_filter_keeps_what_begins_on_or_after_a_day_by_the_intervals_rule(
    seed: int,
) -> None:
    import numpy as np
    import pyarrow as pa

    from geo.intervals import covered_intervals
    from geo.store.frames import start_filter

    rng = np.random.default_rng(seed)
    count = 2_000
    base = np.datetime64("2022-11-20")

    def days() -> list[D | None]:
        offsets = rng.integers(0, 120, count)
        return [None if rng.random() < 0.15 else (base + int(o)).astype(D) for o in offsets]

    starts, ends = days(), days()
    ends = [s if rng.random() < 0.5 else e for s, e in zip(starts, ends, strict=True)]
    precision = rng.choice(np.array(["day", "month", "year", None], dtype=object), count)
    table = pa.table(
        {
            "date_start": pa.array(starts, pa.date32()),
            "date_end": pa.array(ends, pa.date32()),
            "date_precision": pa.array(precision, pa.string()),
        }
    )
    for day in (D(2023, 1, 1), D(2022, 12, 14), D(2023, 2, 1), D(2023, 3, 9)):
        kept = table.filter(start_filter("events", day, names=table.column_names))
        frame = table.to_pandas()
        first, _ = covered_intervals(frame)
        expected = int((first >= np.datetime64(day, "D")).sum())
        assert kept.num_rows == expected, day
        assert start_filter("places", day) is None


def test_a_scan_from_a_day_reads_only_the_events_that_begin_then_or_later(store: Store) -> None:
    from geo.store.query import Within, scan_layer

    rows = [
        ("ev-dec", D(2022, 12, 30), D(2023, 1, 2), (139.7, 35.7)),  # began before
        ("ev-jan", D(2023, 1, 15), None, (139.7, 35.7)),
        ("ev-undated", None, None, (123.5, 25.7)),
    ]
    store.write({"events": _events(rows)}, message="events")
    within = Within(window=(None, None), undated=True, starting_from=D(2023, 1, 1))
    table = scan_layer(store, "events", ["id"], within=within)
    assert table.column("id").to_pylist() == ["ev-jan"]
