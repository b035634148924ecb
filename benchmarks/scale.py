"""Measure how the dashboard's data path scales with the archive: views, memory, ingest.

``python benchmarks/scale.py --sizes 100000 1000000 --json OUT`` writes
``{"sizes": {"100000": {...}, "1000000": {...}}}``. For each size a store of synthetic events
is written (seeded, deterministic: types, actors and dates drawn at random, places drawn from
the gazetteer weighted by importance, five events an article with its articles row), then
three fresh processes run, one after the other:

* **build**: generate the events and their articles, derive the zones as an ingest does and
  write the store (``zones_derive_s``, ``store_write_s``, ``store_bytes_per_event``);
* **views**: a new process, as a server that has just started (Streamlit and its folium
  component imported, as a server has them before it runs the script): open the store and make
  the default view ready (``first_view_s``: gazetteer, store → dataset → layers → map payload),
  then the `VIEWS` one after another, each as a new view state arrives at a warm server
  (``view_s``: view state → layers with the view's zones and the map payload ready, the median
  over `VIEWS`; each view's own figures under ``views``); ``rss_mb`` is the process's peak
  resident memory after those 10 views; ``map_payload_bytes_max_over_views`` the largest
  payload (base map HTML + the feature-group JavaScript ``st_folium`` sends) over them;
* **ingest**: a new process adds a batch of 50 generated articles
  (``benchmarks/corpus.py``) with ``geo.ingest.pipeline.ingest`` (``ingest_batch_s``: reading,
  extraction, merging, zones, writing; ``ingest_rss_mb`` its peak memory).

Beside the wall times, ``first_view_cpu_s``, ``view_cpu_s`` and ``ingest_batch_cpu_s`` give the
CPU time of the same work (all of the process's threads): on a shared machine they change less
with what else runs. To compare two checkouts, run this script from each, alternately (it
writes the zones' and the summary's tables only where the checkout keeps them).

The page model is `geo.view.page` without Streamlit, as ``dashboard.py`` drives it: the
dataset once per process (``load_dataset_for_view``, as the dashboard opens the store), the
zones for each view's types and window, the layers, the base map and the feature groups.

A store built once can be measured again, by any checkout: ``scale.py --build N DIR`` writes it
under ``DIR`` and ``scale.py --views R DIR`` (``--ingest K DIR``) runs that step on it in this
process and prints its figures as JSON (the ingest step adds to the store: copy it first).

Each step runs under a watchdog (``--timeout`` seconds, ``--max-rss-mb``): a step that goes
past either is stopped and the size reports why (``"stopped"``) instead of figures.

``--quick`` measures one small size (2,000 events, one repeat): the short mode
``benchmarks/run.py --quick`` runs in CI.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
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
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import shapely  # noqa: E402

from geo.layers.frames import ARTICLE_COLUMNS, EVENT_COLUMNS  # noqa: E402
from geo.layers.zones import build_zones  # noqa: E402
from geo.places.gazetteer import Gazetteer, load_gazetteer  # noqa: E402
from geo.records import stable_id  # noqa: E402
from geo.store.store import Store  # noqa: E402
from geo.taxonomy import EVENT_TYPES  # noqa: E402
from geo.view.state import DEFAULT_VIEW, LAYER_KEYS, ViewState  # noqa: E402

_ACTORS = (
    *("RUS", "CHN", "USA", "JPN", "KOR", "PRK", "UKR"),
    *("IRN", "ISR", "IND", "PAK", "TUR", "NATO", "EU"),
)
_KINDS = ("sea", "strait", "island_group", "region", "country", "city", "admin1")
_PRECISIONS = ("day", "month", "year", "unknown")
_FIRST_DAY = np.datetime64("2019-01-01", "D")
_DAYS = 6 * 365
EVENTS_PER_ARTICLE = 5
BATCH = 50  # articles added to the big store by the ingest step
QUICK_SIZE = 2_000
PIECE = 1_000_000  # a larger store is written in pieces of this many events
SEED = 7

#: The 10 view states a session goes through, the default one first.
VIEWS: dict[str, ViewState] = {
    "default (East Asia, zoom 4)": DEFAULT_VIEW,
    "world, zoom 1, all layers": ViewState(layers=LAYER_KEYS, lat=20.0, lon=0.0, zoom=1),
    "Europe, zoom 5, all layers": ViewState(layers=LAYER_KEYS, lat=50.0, lon=10.0, zoom=5),
    "Tokyo, zoom 11": ViewState(lat=35.68, lon=139.76, zoom=11),
    "2023, exercises only": ViewState(
        types=frozenset({"exercise"}),
        date_from=datetime.date(2023, 1, 1),
        date_to=datetime.date(2023, 12, 31),
    ),
    "first half of 2024, zoom 3": ViewState(
        lat=30.0,
        lon=60.0,
        zoom=3,
        date_from=datetime.date(2024, 1, 1),
        date_to=datetime.date(2024, 6, 30),
    ),
    "Middle East, missile launches and attacks": ViewState(
        lat=31.0, lon=45.0, zoom=5, types=frozenset({"missile_launch", "armed_attack"})
    ),
    "Russia's events, zoom 3": ViewState(lat=55.0, lon=60.0, zoom=3, actors=frozenset({"RUS"})),
    "world with undated events, 2022": ViewState(
        zoom=2,
        date_from=datetime.date(2022, 1, 1),
        date_to=datetime.date(2022, 12, 31),
        undated=True,
    ),
    "South China Sea, zoom 6, zones and places": ViewState(
        layers=frozenset({"zones", "places"}), lat=12.0, lon=114.0, zoom=6
    ),
}


def synthetic_events(gazetteer: Gazetteer, count: int, *, seed: int = SEED, start: int = 0) -> Any:
    """Return `count` synthetic event rows as an events layer (seeded, deterministic).

    Places are drawn from the gazetteer's seas, straits, islands, regions, countries, cities
    and first-level divisions, weighted by importance to the fourth power (news is about few
    places); dates from 2019 to 2024 at day, month, year or unknown precision (6:3:1:1);
    one or two actors; five events an article, published up to a week after the event.
    `start` numbers the first event (a multiple of five): pieces of a larger archive made with
    other seeds and the right `start` hold distinct events and articles.
    """
    rng = np.random.default_rng(seed)
    rows = np.array([i for i, kind in enumerate(gazetteer.kinds) if kind in _KINDS])
    weights = np.array([gazetteer.importance[i] for i in rows], dtype="float64") ** 4
    picks = rows[rng.choice(len(rows), size=count, p=weights / weights.sum())]
    kinds = rng.integers(len(EVENT_TYPES), size=count)
    days = _FIRST_DAY + rng.integers(_DAYS, size=count)
    precision = rng.choice(len(_PRECISIONS), size=count, p=np.array([6, 3, 1, 1]) / 11)
    first, last = days.copy(), days.copy()
    month = precision == 1
    first[month] = days[month].astype("datetime64[M]").astype("datetime64[D]")
    last[month] = (days[month].astype("datetime64[M]") + 1).astype("datetime64[D]") - 1
    year = precision == 2
    first[year] = days[year].astype("datetime64[Y]").astype("datetime64[D]")
    last[year] = (days[year].astype("datetime64[Y]") + 1).astype("datetime64[D]") - 1
    unknown = precision == 3
    first[unknown] = last[unknown] = np.datetime64("NaT")
    one, other = rng.integers(len(_ACTORS), size=count), rng.integers(1, len(_ACTORS), size=count)
    pairs = rng.integers(3, size=count) == 0
    local_articles = np.arange(count) // EVENTS_PER_ARTICLE
    article_numbers = (start + np.arange(count)) // EVENTS_PER_ARTICLE
    published = (days + rng.integers(8, size=count))[local_articles * EVENTS_PER_ARTICLE]
    keys = [EVENT_TYPES[k].key for k in kinds]
    articles = [f"art-syn{n:07d}" for n in article_numbers]
    lons = np.array([gazetteer.lon[r] for r in picks], dtype="float64")
    lats = np.array([gazetteer.lat[r] for r in picks], dtype="float64")
    frame = pd.DataFrame(
        {
            "id": [
                stable_id("ev", a, n, k)
                for n, (a, k) in enumerate(zip(articles, keys, strict=True), start=start)
            ],
            "article_id": articles,
            "type": keys,
            "cameo": [EVENT_TYPES[k].cameo for k in kinds],
            "date_start": pd.to_datetime(first).astype("datetime64[ns]"),
            "date_end": pd.to_datetime(last).astype("datetime64[ns]"),
            "date_precision": [_PRECISIONS[p] for p in precision],
            "actors": [
                [_ACTORS[a], _ACTORS[(a + b) % len(_ACTORS)]] if two else [_ACTORS[a]]
                for a, b, two in zip(one, other, pairs, strict=True)
            ],
            "place_ids": [[gazetteer.ids[r]] for r in picks],
            "place_names": [[gazetteer.names[r]] for r in picks],
            "sentence": [
                f"Synthetic {k.replace('_', ' ')} event number {n}."
                for n, k in enumerate(keys, start=start)
            ],
            "span_start": 0,
            "span_end": 40,
            "confidence": np.round(rng.uniform(0.4, 1.0, size=count), 2),
            "origin": "extracted",
            "modality": "happened",
            # one event in eight an earlier one an article cites
            "role": np.where((start + np.arange(count)) % 8 == 7, "context", "main"),
            "date_basis": "stated",
            "place_basis": "stated",
            "article_published": pd.to_datetime(published).astype("datetime64[ns]"),
        }
    )
    events = gpd.GeoDataFrame(frame, geometry=shapely.points(lons, lats), crs="EPSG:4326")
    return events[[c for c in EVENT_COLUMNS if c in events.columns]]


def synthetic_articles(events: Any) -> Any:
    """Return the articles table of `synthetic_events` rows: one row per article, short text."""
    firsts = events.drop_duplicates("article_id")
    numbers = np.array([int(a.removeprefix("art-syn")) for a in firsts["article_id"]])
    frame = pd.DataFrame(
        {
            "id": firsts["article_id"].to_numpy(),
            "title": [f"Synthetic report {n}" for n in numbers],
            "outlet": [f"Outlet {n % 40}" for n in numbers],
            "published": firsts["article_published"].to_numpy(),
            "url": [f"https://example.org/news/{n}" for n in numbers],
            "language": "en",
            "source": [f"synthetic/{n:07d}.md" for n in numbers],
            "text": [f"Synthetic report {n}, five events. " * 4 for n in numbers],
            "ingested_at": pd.Timestamp("2025-01-15T08:00:00Z"),
        }
    )
    for name, kind in ARTICLE_COLUMNS.items():  # columns added later: empty
        if name not in frame.columns:
            frame[name] = pd.NaT if kind.startswith("datetime") else ""
    return frame[list(ARTICLE_COLUMNS)]


def write_synthetic_store(store: Store, gazetteer: Gazetteer, count: int) -> dict[str, Any]:
    """Write `count` synthetic events, their articles and what ingest derives into `store`.

    What ingest derives: the zones and, in versions that keep them, the zones' tables
    (``geo.layers.aggregates``) and the page's summary tables (``geo.layers.summary``); the
    same script so measures earlier checkouts too. Returns the
    seconds spent deriving the zones (``zones_derive_s``) and writing (``store_write_s``), and
    the number of zones (``zones``).
    """
    if count > PIECE:
        return _write_in_pieces(store, gazetteer, count)
    events = synthetic_events(gazetteer, count)
    articles = synthetic_articles(events)
    started = time.perf_counter()
    try:
        from geo.layers.aggregates import aggregate_zones
    except ImportError:  # a checkout from before the zones' tables
        newest = events["date_end"].max().date()
        derived = {"zones": build_zones([], events, gazetteer, today=newest)}
    else:
        kept = aggregate_zones(events, gazetteer)
        derived = {
            "zones": kept.zones,
            "zone_days": kept.zone_days,
            "place_tallies": kept.place_tallies,
        }
        if getattr(kept, "zone_scores", None) is not None:  # checkouts that keep them
            derived["zone_scores"] = kept.zone_scores
        try:
            from geo.layers.summary import summary_tables
        except ImportError:  # a checkout from before the page's summary tables
            pass
        else:
            derived.update(summary_tables(events, kept.zone_days))
    zones_s = time.perf_counter() - started
    started = time.perf_counter()
    store.write({"events": events, "articles": articles, **derived}, message="synthetic")
    return {
        "zones_derive_s": round(zones_s, 2),
        "store_write_s": round(time.perf_counter() - started, 2),
        "zones": len(derived["zones"]),
    }


def _write_in_pieces(store: Store, gazetteer: Gazetteer, count: int) -> dict[str, Any]:
    """Write a store of `count` events in pieces of `PIECE`, as daily batches would add them.

    For archives larger than memory (``--build 10000000``): each piece (its own seed, events
    numbered on) is appended as a version of its own; the zones' tables are then drawn by
    :func:`geo.layers.aggregates.aggregate_zones_in_pieces`, which makes the pieces twice more,
    and written with the summary tables as a last version.
    """
    from geo.layers.aggregates import aggregate_zones_in_pieces
    from geo.layers.summary import (
        EVENT_CODE_COLUMNS,
        EVENT_TALLY_COLUMNS,
        event_codes,
        event_tallies,
        merge_counts,
        zone_sum_table,
    )

    sizes = [(start, min(PIECE, count - start)) for start in range(0, count, PIECE)]

    def pieces() -> Any:
        for number, (start, size) in enumerate(sizes):
            yield synthetic_events(gazetteer, size, seed=SEED + number, start=start)

    write_s, tallies, codes = 0.0, [], []
    for number, events in enumerate(pieces()):
        tallies.append(event_tallies(events))
        codes.append(event_codes(events))
        layers = {"events": events, "articles": synthetic_articles(events)}
        started = time.perf_counter()
        message = f"synthetic piece {number + 1} of {len(sizes)}"
        if number == 0:
            store.write(layers, message=message)
        else:
            store.update(append=layers, near_keys_only=("events",), message=message)
        write_s += time.perf_counter() - started
        del events, layers
    started = time.perf_counter()
    kept = aggregate_zones_in_pieces(pieces, gazetteer)
    zones_s = time.perf_counter() - started
    derived = {
        "zones": kept.zones,
        "zone_days": kept.zone_days,
        "place_tallies": kept.place_tallies,
        "zone_scores": kept.zone_scores,
        "event_tallies": merge_counts(EVENT_TALLY_COLUMNS, *tallies),
        "event_codes": merge_counts(EVENT_CODE_COLUMNS, *codes),
        "zone_sums": zone_sum_table(kept.zone_days),
    }
    started = time.perf_counter()
    store.update(replace=derived, message="synthetic: zones and summary")
    return {
        "zones_derive_s": round(zones_s, 2),
        "store_write_s": round(write_s + time.perf_counter() - started, 2),
        "zones": len(kept.zones),
        "pieces": len(sizes),
    }


# --- the three steps, each in its own process ------------------------------------------------


def build_step(work: Path, count: int) -> dict[str, Any]:
    """Write the store of `count` events under `work` and the static files a view names."""
    from geo.view import page as views
    from geo.view.assets import labels_file

    gazetteer = load_gazetteer()
    store = Store.open(work / "store")
    figures = write_synthetic_store(store, gazetteer, count)
    files = sorted(p for p in store.root.rglob("*") if p.is_file())
    figures["store_bytes_per_event"] = round(sum(p.stat().st_size for p in files) / count, 1)
    static = work / "static"
    static.mkdir(exist_ok=True)
    land, labels = views.basemap_file(static, gazetteer), labels_file(static, gazetteer)
    (work / "static.json").write_text(json.dumps([land, labels]), encoding="utf-8")
    figures["basemap_file_bytes"] = (static / land).stat().st_size
    return figures


def view_payload(layers: Any, view: ViewState, files: list[str]) -> int:
    """Return the bytes the browser receives for `view`: base map HTML + feature groups.

    Rendered and serialised exactly as ``st_folium`` does for the dashboard; the basemap and
    labels are static files fetched once (`files` names them).
    """
    from streamlit_folium import _get_feature_group_string

    from geo.view.map import base_map, feature_groups

    base = base_map(view, asset_base="/app/static", basemap_file=files[0], labels_file=files[1])
    groups = feature_groups(layers, view)
    html = base.get_root().render()
    scripts = [_get_feature_group_string(g, map=base, idx=i) for i, g in enumerate(groups)]
    return len(html.encode()) + sum(len(str(s).encode()) for s in scripts)


def views_step(work: Path, repeats: int) -> dict[str, Any]:
    """Open the store in this (new) process, show the default view, then the `VIEWS`."""
    import streamlit_folium  # noqa: F401  (a server has imported it before any view)

    from geo.view import page as views
    from geo.view.dataset import load_dataset_for_view

    files = json.loads((work / "static.json").read_text(encoding="utf-8"))
    started, cpu = time.perf_counter(), time.process_time()
    gazetteer = load_gazetteer()
    dataset = load_dataset_for_view(gazetteer, store_dir=work / "store")
    layers = views.map_layers(dataset, DEFAULT_VIEW, gazetteer)
    view_payload(layers, DEFAULT_VIEW, files)
    first_view_s, first_view_cpu_s = time.perf_counter() - started, time.process_time() - cpu
    shown: dict[str, Any] = {}
    for name, view in VIEWS.items():
        times, cpu_times, payload = [], [], 0
        for _ in range(repeats):  # zones measured each time, as for a new time window
            started, cpu = time.perf_counter(), time.process_time()
            layers = views.map_layers(dataset, view, gazetteer)
            payload = view_payload(layers, view, files)
            times.append(time.perf_counter() - started)
            cpu_times.append(time.process_time() - cpu)
        shown[name] = {
            "view_s": round(statistics.median(times), 3),
            "view_cpu_s": round(statistics.median(cpu_times), 3),
            "map_payload_bytes": payload,
            "visible_events": len(layers.events),
        }
    return {
        "first_view_s": round(first_view_s, 2),
        "first_view_cpu_s": round(first_view_cpu_s, 2),
        "view_s": round(statistics.median(v["view_s"] for v in shown.values()), 3),
        "view_cpu_s": round(statistics.median(v["view_cpu_s"] for v in shown.values()), 3),
        "view_s_max": max(v["view_s"] for v in shown.values()),
        "rss_mb": _peak_rss_mb(),
        "map_payload_bytes_max_over_views": max(v["map_payload_bytes"] for v in shown.values()),
        "views": shown,
    }


def ingest_step(work: Path, batch_number: int = 0) -> dict[str, Any]:
    """Ingest `BATCH` generated articles into the store, as a newsroom adds its day's copy.

    Each `batch_number` gives other articles (the corpus's seed is 11 plus it).
    """
    from corpus import generate_corpus

    from geo.ingest.pipeline import ingest
    from geo.places.geocode import Geocoder
    from geo.text.actors import load_actor_vocabulary
    from geo.text.mentions import PlaceFinder

    gazetteer = load_gazetteer()
    batch = work / f"batch-{batch_number}"
    seed = 11 + batch_number
    generate_corpus(batch, BATCH, seed=seed, duplicate_rate=0, broken_rate=0, gazetteer=gazetteer)
    finder = PlaceFinder(Geocoder(gazetteer), load_actor_vocabulary())
    store = Store.open(work / "store")
    started, cpu = time.perf_counter(), time.process_time()
    report = ingest([batch], store, finder=finder)
    return {
        "ingest_batch_s": round(time.perf_counter() - started, 2),
        "ingest_batch_cpu_s": round(time.process_time() - cpu, 2),
        "ingest_batch_articles": report.articles,
        "ingest_batch_events": report.events,
        "ingest_rss_mb": _peak_rss_mb(),
    }


def _peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


# --- running the steps under a watchdog ------------------------------------------------------


class StepStoppedError(RuntimeError):
    """A step went past the time or memory it may use, or failed."""


def _resident_mb(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except OSError:
        return 0.0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def run_step(args: list[str], *, timeout: float, max_rss_mb: float) -> dict[str, Any]:
    """Run one step in a new process; stop it past `timeout` seconds or `max_rss_mb`."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        child = subprocess.Popen(
            [sys.executable, __file__, *args], stdout=out, stderr=err, cwd=ROOT
        )
        started, peak = time.monotonic(), 0.0
        while child.poll() is None:
            peak = max(peak, _resident_mb(child.pid))
            elapsed = time.monotonic() - started
            if elapsed > timeout or peak > max_rss_mb:
                child.kill()
                child.wait()
                why = f"over {timeout:.0f} s" if elapsed > timeout else f"over {max_rss_mb:.0f} MB"
                msg = f"{args[0]} stopped {why} (after {elapsed:.0f} s, {peak:.0f} MB resident)"
                raise StepStoppedError(msg)
            time.sleep(0.2)
        out.seek(0)
        err.seek(0)
        if child.returncode != 0:
            msg = f"{args[0]} failed (exit {child.returncode}): {err.read()[-2000:]}"
            raise StepStoppedError(msg)
        return dict(json.loads(out.read().strip().splitlines()[-1]))


STEPS = ("views", "ingest")


def measure_size(
    count: int,
    *,
    repeats: int,
    timeout: float,
    max_rss_mb: float,
    steps: tuple[str, ...] = STEPS,
) -> dict[str, Any]:
    """Build a store of `count` events and measure `steps` on it, each in a new process."""
    figures: dict[str, Any] = {"events": count}
    with tempfile.TemporaryDirectory(prefix="faultlines-scale-") as tmp:
        where = Path(tmp)
        limits = {"timeout": timeout, "max_rss_mb": max_rss_mb}
        try:
            figures.update(run_step(["--build", str(count), str(where)], **limits))
            if "views" in steps:
                figures.update(run_step(["--views", str(repeats), str(where)], **limits))
            if "ingest" in steps:
                figures.update(run_step(["--ingest", "0", str(where)], **limits))
        except StepStoppedError as error:
            figures["stopped"] = str(error)
    return figures


def measure(
    sizes: list[int], repeats: int, *, timeout: float = 600.0, max_rss_mb: float = 12_000.0
) -> dict[str, Any]:
    """Return ``{size: figures}`` for each size (each step of each size in its own process)."""
    return {
        str(size): measure_size(size, repeats=repeats, timeout=timeout, max_rss_mb=max_rss_mb)
        for size in sizes
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--quick", action="store_true", help=f"one size of {QUICK_SIZE} events")
    parser.add_argument("--repeats", type=int, default=3, help="times each view is measured")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds a step may take")
    parser.add_argument("--max-rss-mb", type=float, default=12_000.0, help="memory a step may use")
    parser.add_argument(
        "--steps", nargs="+", choices=STEPS, default=list(STEPS), help="what to measure"
    )
    for step in ("--build", "--views", "--ingest"):  # the steps, run in their own processes
        parser.add_argument(step, nargs=2, metavar=("N", "DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        print(json.dumps(build_step(Path(args.build[1]), int(args.build[0]))))
        return
    if args.views:
        print(json.dumps(views_step(Path(args.views[1]), int(args.views[0]))))
        return
    if args.ingest:
        print(json.dumps(ingest_step(Path(args.ingest[1]), int(args.ingest[0]))))
        return
    sizes, repeats = ([QUICK_SIZE], 1) if args.quick else (args.sizes, args.repeats)
    results = {
        "machine": {
            "cpus": os.cpu_count(),
            "load_average_1min_at_start": round(os.getloadavg()[0], 1),
        },
        "sizes": {},
    }
    for size in sizes:
        figures = measure_size(
            size,
            repeats=repeats,
            timeout=args.timeout,
            max_rss_mb=args.max_rss_mb,
            steps=tuple(args.steps),
        )
        results["sizes"][str(size)] = figures
        print(f"{size} events")
        for key, value in figures.items():
            if key != "views":
                print(f"  {key:<34} {value}")
        if args.json:  # written after each size, so a long run keeps what it measured
            args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
