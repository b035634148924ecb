"""Measure how the dashboard's data path scales: 10k and 100k events in the store.

The events are synthetic records (seeded): types, actors and dates drawn at random, places
drawn from the gazetteer weighted by importance, so that the store, the filters, the zones and
the map see realistic shapes and spreads without spending an hour on ingesting 100k articles
(ingestion throughput is measured on real articles in ``benchmarks/run.py``). For each size:

* ``dashboard_load_s``: store → dataset → filtered layers for the default view (warm: the
  median of repeats after a first load);
* ``map_build_s``: layers → folium base map + feature groups for the default view;
* ``map_payload_bytes``: what the browser receives for that view (base map HTML + the
  feature-group JavaScript st_folium sends); the world basemap is a static file the browser
  fetches once and caches (``basemap_file_bytes``);
* ``map_build_s_max_over_views`` and ``map_payload_bytes_max_over_views``: the largest of
  the same two figures over `VIEWS` (the whole world with every layer on, a region with
  every layer, a city, one type in one year), each given under ``views``;
* ``ingest_batch_s``: adding a batch of 50 generated articles to that store with
  ``geo.ingest.pipeline.ingest`` (only the months the batch adds to are written; the zones are
  derived again from every stored event);
* ``peak_rss_mb``: the process's peak resident memory after the run (each size runs in its
  own process).

Usage: ``python benchmarks/scale.py [--sizes 10000 100000] [--repeats 5]``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # corpus

import geopandas as gpd  # noqa: E402
import shapely  # noqa: E402

from geo.layers.frames import EVENT_COLUMNS, articles_frame  # noqa: E402
from geo.layers.zones import build_zones  # noqa: E402
from geo.places.gazetteer import Gazetteer, load_gazetteer  # noqa: E402
from geo.records import stable_id  # noqa: E402
from geo.store.store import Store  # noqa: E402
from geo.taxonomy import EVENT_TYPES  # noqa: E402
from geo.view.state import LAYER_KEYS, ViewState  # noqa: E402

_ACTORS = (
    *("RUS", "CHN", "USA", "JPN", "KOR", "PRK", "UKR"),
    *("IRN", "ISR", "IND", "PAK", "TUR", "NATO", "EU"),
)
_KINDS = ("sea", "strait", "island_group", "region", "country", "city", "admin1")
BATCH = 50  # articles added to the big store by `ingest_batch`
#: Views besides the default one whose map build and payload are measured ("any view").
VIEWS: dict[str, ViewState] = {
    "world, zoom 1, all layers": ViewState(layers=LAYER_KEYS, lat=20.0, lon=0.0, zoom=1),
    "Europe, zoom 5, all layers": ViewState(layers=LAYER_KEYS, lat=50.0, lon=10.0, zoom=5),
    "Tokyo, zoom 11": ViewState(lat=35.68, lon=139.76, zoom=11),
    "2023, exercises only": ViewState(
        types=frozenset({"exercise"}),
        date_from=datetime.date(2023, 1, 1),
        date_to=datetime.date(2023, 12, 31),
    ),
}


def synthetic_events(gazetteer: Gazetteer, count: int, *, seed: int = 7) -> Any:
    """Return `count` synthetic event rows as an events layer (seeded, deterministic)."""
    rng = random.Random(seed)
    rows = [i for i, kind in enumerate(gazetteer.kinds) if kind in _KINDS]
    weights = [gazetteer.importance[i] ** 4 for i in rows]
    picks = rng.choices(rows, weights=weights, k=count)
    start = datetime.date(2019, 1, 1)
    records = []
    for n, row in enumerate(picks):
        kind = rng.choice(EVENT_TYPES)
        day = start + datetime.timedelta(days=rng.randrange(6 * 365))
        precision = rng.choices(["day", "month", "year", "unknown"], weights=[6, 3, 1, 1])[0]
        first = last = day
        if precision == "month":
            first = day.replace(day=1)
            last = (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
        elif precision == "year":
            first, last = day.replace(month=1, day=1), day.replace(month=12, day=31)
        article = f"art-syn{n // 5:07d}"
        records.append(
            {
                "id": stable_id("ev", article, n, kind.key),
                "article_id": article,
                "type": kind.key,
                "cameo": kind.cameo,
                "date_start": None if precision == "unknown" else first,
                "date_end": None if precision == "unknown" else last,
                "date_precision": precision,
                "actors": rng.sample(_ACTORS, k=rng.choice((1, 1, 2))),
                "place_ids": [gazetteer.ids[row]],
                "place_names": [gazetteer.names[row]],
                "sentence": f"Synthetic {kind.label.lower()} event number {n}.",
                "span_start": 0,
                "span_end": 40,
                "confidence": round(rng.uniform(0.4, 1.0), 2),
                "origin": "extracted",
                "modality": "happened",
                "geometry": shapely.Point(float(gazetteer.lon[row]), float(gazetteer.lat[row])),
            }
        )
    frame = gpd.GeoDataFrame(records, geometry="geometry", crs="EPSG:4326")
    for column in ("date_start", "date_end"):
        frame[column] = frame[column].astype("datetime64[ns]")
    return frame[[c for c in EVENT_COLUMNS if c in frame.columns]]


def write_synthetic_store(store: Store, gazetteer: Gazetteer, count: int) -> dict[str, Any]:
    """Write `count` synthetic events and the zones ingest would derive from them into `store`.

    Returns the seconds spent deriving the zones (``zones_s``) and writing (``write_s``), and
    the number of zones (``zones``).
    """
    events = synthetic_events(gazetteer, count)
    started = time.perf_counter()
    newest = events["date_end"].max().date()
    zones = build_zones([], events, gazetteer, today=newest)  # what ingest derives
    zones_s = time.perf_counter() - started
    started = time.perf_counter()
    store.write(
        {"events": events, "zones": zones, "articles": articles_frame([])}, message="synthetic"
    )
    return {"zones_s": zones_s, "write_s": time.perf_counter() - started, "zones": len(zones)}


def ingest_batch(
    store: Store, gazetteer: Gazetteer, work: Path, count: int = BATCH
) -> dict[str, Any]:
    """Ingest `count` generated articles into `store`, as a newsroom adds its day's copy.

    Returns the whole ingest's seconds (``ingest_batch_s``: reading, extraction, merging,
    zones over every stored event, writing) and the new events it added.
    """
    from corpus import generate_corpus

    from geo.ingest.pipeline import ingest
    from geo.places.geocode import Geocoder
    from geo.text.actors import load_actor_vocabulary
    from geo.text.mentions import PlaceFinder

    generate_corpus(work, count, seed=11, duplicate_rate=0, broken_rate=0, gazetteer=gazetteer)
    finder = PlaceFinder(Geocoder(gazetteer), load_actor_vocabulary())
    started = time.perf_counter()
    report = ingest([work], store, finder=finder)
    return {
        "ingest_batch_articles": report.articles,
        "ingest_batch_events": report.events,
        "ingest_batch_s": round(time.perf_counter() - started, 2),
    }


def map_build(layers: Any, view: Any, land: str, repeats: int) -> tuple[float, int]:
    """Median seconds to build a view's map, and the bytes the browser receives for it.

    The build is the base map plus the feature groups, rendered and serialised exactly as
    ``st_folium`` does for the dashboard; the world basemap is a file fetched once (`land`).
    """
    from streamlit_folium import _get_feature_group_string

    from geo.view.map import base_map, feature_groups

    times, payload = [], 0
    for _ in range(repeats):
        started = time.perf_counter()
        base = base_map(view, asset_base="/app/static", basemap_file=land)
        groups = feature_groups(layers, view)
        html = base.get_root().render()
        scripts = [  # exactly what st_folium serialises for the changing layers
            _get_feature_group_string(group, map=base, idx=i) for i, group in enumerate(groups)
        ]
        times.append(time.perf_counter() - started)
        payload = len(html.encode()) + sum(len(str(s).encode()) for s in scripts)
    return statistics.median(times), payload


def measure_size(count: int, repeats: int) -> dict[str, Any]:
    """Build a store of `count` synthetic events and time the dashboard's data path on it."""
    from geo.view import page as views
    from geo.view.assets import write_basemap
    from geo.view.dataset import load_dataset
    from geo.view.state import DEFAULT_VIEW

    gazetteer = load_gazetteer()
    basemap = views.basemap_frame(gazetteer)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "store")
        written = write_synthetic_store(store, gazetteer, count)
        zones_s, write_s, zones = written["zones_s"], written["write_s"], written["zones"]
        store_bytes = sum(p.stat().st_size for p in (Path(tmp) / "store").rglob("*") if p.is_file())

        def load() -> Any:
            dataset = load_dataset(gazetteer, store_dir=store.root)
            return dataset, views.map_layers(dataset, DEFAULT_VIEW, gazetteer, basemap=basemap)

        load()  # warm: the OS cache and the gazetteer's shapes, as in a running dashboard
        load_times = []
        for _ in range(repeats):
            started = time.perf_counter()
            _, layers = load()
            load_times.append(time.perf_counter() - started)

        land = write_basemap(Path(tmp) / "static", basemap)
        land_bytes = (Path(tmp) / "static" / land).stat().st_size
        build_s, payload = map_build(layers, DEFAULT_VIEW, land, repeats)
        dataset = load_dataset(gazetteer, store_dir=store.root)
        other_views = {}
        for name, view in VIEWS.items():
            shown = views.map_layers(dataset, view, gazetteer, basemap=basemap)
            seconds, size = map_build(shown, view, land, repeats)
            other_views[name] = {"map_build_s": round(seconds, 3), "map_payload_bytes": size}
        batch = ingest_batch(store, gazetteer, Path(tmp) / "batch")
    return {
        "events": count,
        "zones_derive_s": round(zones_s, 2),
        "zones": zones,
        "store_write_s": round(write_s, 2),
        "store_bytes_per_event": round(store_bytes / count, 1),
        "dashboard_load_s": round(statistics.median(load_times), 3),
        "map_build_s": round(build_s, 3),
        "map_payload_bytes": payload,
        "basemap_file_bytes": land_bytes,
        "visible_events": len(layers.events),
        "map_build_s_max_over_views": max(v["map_build_s"] for v in other_views.values()),
        "map_payload_bytes_max_over_views": max(
            v["map_payload_bytes"] for v in other_views.values()
        ),
        "views": other_views,
        **batch,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def measure(sizes: list[int], repeats: int) -> dict[str, Any]:
    """Run each size in a fresh process (so peak memory is that size's own)."""
    results = {}
    for size in sizes:
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(size), "--repeats", str(repeats)],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        ).stdout
        results[str(size)] = json.loads(out.strip().splitlines()[-1])
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure_size(args.one, args.repeats)))
        return
    for size, figures in measure(args.sizes, args.repeats).items():
        print(f"{size} events")
        for key, value in figures.items():
            print(f"  {key:<24} {value}")


if __name__ == "__main__":
    main()
