"""Measure Faultlines' speed, memory and accuracy figures and write them as JSON and a table.

Usage::

    python benchmarks/run.py            # full run (minutes)
    python benchmarks/run.py --quick    # short mode, as in CI
    python benchmarks/run.py --json results.json

Every timing is the median of several repeats, with the repeats' spread; ratios against a
baseline measured in the same run (geotext, the usual offline extractor) are given where they
make sense. Nothing here passes or fails on time: the figures are for people to read.
"""

from __future__ import annotations

import argparse
import json
import logging
import platform
import random
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # corpus, scale, dashboard

from report import table  # noqa: E402

from geo.eval.geoparse import f1_score, load_gold_passages, score_geoparser  # noqa: E402
from geo.places.gazetteer import ensure_gazetteer  # noqa: E402
from geo.places.geocode import Geocoder  # noqa: E402
from geo.text.mentions import PlaceFinder  # noqa: E402

DEV_SET = ROOT / "tests" / "data" / "geoparse" / "dev.jsonl"
EVENT_ARTICLES = ROOT / "tests" / "data" / "events"
FOUNDING = ROOT.parent / "shared" / "seeds" / "000_d1f25bd5a2b7e8ac.txt"


def timed(function: Callable[[], object], repeats: int) -> tuple[float, float, float]:
    """Return (median, min, max) seconds of `repeats` calls."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times), max(times)


def cold_load_seconds(directory: Path, repeats: int) -> tuple[float, float]:
    """Median time to import the package, load the gazetteer and look up a first name.

    The name tables load on the first lookup (a map needs only places by id), so the lookup
    is part of what a geocoding process pays at start.
    """
    code = (
        "import time, sys; t = time.perf_counter(); "
        "from pathlib import Path; from geo.places.gazetteer import Gazetteer; "
        f"g = Gazetteer(Path({str(directory)!r})); "
        "assert g.candidates('Vienna'); "
        "t2 = time.perf_counter(); "
        "import resource; "
        "print(t2 - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"
    )
    loads, rss = [], []
    for _ in range(repeats):
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
        ).stdout.split()
        loads.append(float(out[0]))
        rss.append(float(out[1]))
    return statistics.median(loads), statistics.median(rss)


def corpus_text(target_bytes: int) -> str:
    """Concatenate our own test texts (dev set, event articles, founding article) to a size."""
    parts = [p.text for p in load_gold_passages(DEV_SET)]
    parts += [p.read_text(encoding="utf-8") for p in sorted(EVENT_ARTICLES.glob("*.md"))]
    if FOUNDING.exists():
        parts.append(FOUNDING.read_text(encoding="utf-8"))
    chunk = "\n\n".join(parts)
    repeats = max(1, target_bytes // len(chunk.encode()) + 1)
    return ("\n\n".join([chunk] * repeats))[:target_bytes]


def geocode_names(geocoder: Geocoder, count: int, seed: int = 7) -> list[str]:
    """Names to geocode: place names drawn by importance, plus 10 % misspelt or unknown."""
    rng = random.Random(seed)
    gaz = geocoder.gazetteer
    weights = gaz.importance
    picked = rng.choices(range(len(gaz.names)), weights=weights, k=count)
    names = [gaz.names[i] for i in picked]
    for i in range(0, count, 10):
        names[i] = names[i][::-1] + "x"
    return names


def bench_gazetteer(quick: bool) -> dict[str, Any]:
    from geo.places.gazetteer import Gazetteer
    from geo.text.actors import load_actor_vocabulary

    directory = ensure_gazetteer()
    repeats = 3 if quick else 7
    load_s, load_rss = cold_load_seconds(directory, repeats)
    gaz = Gazetteer(directory)
    geocoder = Geocoder(gaz)
    finder = PlaceFinder(geocoder, load_actor_vocabulary())

    names = geocode_names(geocoder, 20_000 if quick else 100_000)
    distinct = len(set(names))

    def geocode_all() -> None:
        for name in names:
            geocoder.geocode(name)

    geocoder._priors.clear()
    cold, _, _ = timed(geocode_all, 1)
    warm, warm_min, warm_max = timed(geocode_all, repeats)

    text = corpus_text(500_000 if quick else 2_000_000)
    megabytes = len(text.encode()) / 1e6
    finder.find(text[:10_000])  # warm the per-name caches a long-running process would have
    find_s, find_min, find_max = timed(lambda: finder.find(text), repeats)

    figures: dict[str, Any] = {
        "gazetteer_places": len(gaz),
        "gazetteer_bytes_on_disk": sum(
            p.stat().st_size for p in directory.iterdir() if p.is_file()
        ),
        "gazetteer_cold_load_s": round(load_s, 3),
        "gazetteer_cold_load_rss_mb": round(load_rss, 1),
        "geocode_per_s_first_pass": round(len(names) / cold),
        "geocode_per_s": round(len(names) / warm),
        "geocode_per_s_spread": [round(len(names) / warm_max), round(len(names) / warm_min)],
        "geocode_distinct_names": distinct,
        "find_places_mb_per_s": round(megabytes / find_s, 2),
        "find_places_mb_per_s_spread": [
            round(megabytes / find_max, 2),
            round(megabytes / find_min, 2),
        ],
        "find_places_corpus_mb": round(megabytes, 2),
    }
    try:
        from geotext import GeoText

        geotext_s, _, _ = timed(lambda: GeoText(text), repeats)
        figures["geotext_mb_per_s"] = round(megabytes / geotext_s, 2)
        figures["find_places_speed_vs_geotext"] = round(geotext_s / find_s, 2)
    except ImportError:
        figures["geotext_mb_per_s"] = None
    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)

    scores = score_geoparser(load_gold_passages(DEV_SET), finder)
    figures["devset"] = scores.as_dict()
    figures["devset_geotext"] = geotext_devset_scores()
    return figures


def geotext_devset_scores() -> dict[str, float] | None:
    """Recognition figures of geotext on the same dev set (spans matched by text and order)."""
    try:
        from geotext import GeoText
    except ImportError:
        return None
    gold_total = predicted_total = matched = 0
    for passage in load_gold_passages(DEV_SET):
        found = GeoText(passage.text)
        predicted = list(found.cities) + list(found.countries)
        gold_names = [g.text for g in passage.places]
        predicted_total += len(predicted)
        gold_total += len(gold_names)
        remaining = list(gold_names)
        for name in predicted:
            if name in remaining:
                remaining.remove(name)
                matched += 1
    precision = matched / predicted_total if predicted_total else 0.0
    recall = matched / gold_total if gold_total else 0.0
    f1 = f1_score(precision, recall)
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def dask_ingest_seconds(files: list[Path], store_dir: Path, workers: int) -> tuple[float, float]:
    """Seconds and client peak memory (MB) of a whole ``ingest --workers N`` run.

    The run (cluster start, extraction, merge, write) happens in a child process of its own,
    so its peak resident memory is the Dask client's alone (the workers are its children and
    not counted).
    """
    listing = store_dir.with_name(store_dir.name + "-files.txt")
    listing.write_text("\n".join(str(f) for f in files), encoding="utf-8")
    command = [sys.executable, __file__, "--dask-child", str(workers), str(store_dir), str(listing)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr else "failed")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"Dask, {workers} worker(s): " + "; ".join(figures.get("phases", [])), file=sys.stderr)
    return float(figures["seconds"]), float(figures["peak_rss_mb"])


def dask_child(workers: int, store_dir: Path, listing: Path) -> None:
    """Run one distributed ingest (the child of `dask_ingest_seconds`) and print its figures."""
    from geo.ingest.distributed import ingest_distributed
    from geo.store.store import Store

    phases: list[str] = []

    class Phases(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            phases.append(record.getMessage())

    log = logging.getLogger("geo.ingest.distributed")
    log.setLevel(logging.DEBUG)
    log.addHandler(Phases())
    files = listing.read_text(encoding="utf-8").splitlines()
    started = time.perf_counter()
    ingest_distributed(files, Store.open(store_dir), workers=workers)
    seconds = time.perf_counter() - started
    figures = {"seconds": seconds, "peak_rss_mb": round(peak_rss_mb(), 1), "phases": phases}
    print(json.dumps(figures))


def peak_rss_mb() -> float:
    """This process's peak resident memory (MB) since it started its program.

    ``VmHWM`` (Linux): ``ru_maxrss`` would carry the parent's peak over an ``exec``.
    """
    status = Path("/proc/self/status")
    if status.is_file():
        for line in status.read_text(encoding="utf-8").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_pipeline(
    quick: bool, articles: int | None = None, *, speed_only: bool = False, rounds: int = 1
) -> dict[str, Any]:
    """Ingest throughput on our synthetic corpus (1 process, then Dask with 1 and 2 workers).

    ``ingest_speedup_2_workers`` compares like with like: whole runs on a local Dask cluster
    with 1 and with 2 worker processes (each pays for starting its cluster and loading the
    gazetteer; the client merges and writes alone in both). The speedup over the plain
    single-process ingest is given too. With several `rounds`, the two runs alternate in
    order (1, 2, then 2, 1, …) so that a change in the machine's other load falls on both;
    the figures are the medians, and each round's ratio is listed.
    """
    import tempfile

    from corpus import generate_corpus

    from geo.eval.events import load_event_gold, score_events
    from geo.ingest.pipeline import ingest
    from geo.store.store import Store
    from geo.text.mentions import default_finder

    count = articles or (150 if quick else 2000)
    finder = default_finder()
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        info = generate_corpus(corpus, count, seed=7)
        files = sorted(p for p in corpus.iterdir() if p.is_file())
        megabytes = sum(p.stat().st_size for p in files) / 1e6
        store = Store.open(Path(tmp) / "one")
        cpu_started, started = time.process_time(), time.perf_counter()
        report = ingest(files, store, finder=finder)
        single = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        single_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        events = report.events
        store_bytes = sum(p.stat().st_size for p in (Path(tmp) / "one").rglob("*") if p.is_file())
        figures.update(
            {
                "corpus_articles": len(files),
                "corpus_mb": round(megabytes, 2),
                "corpus_duplicates": len(info.duplicates),
                "corpus_broken": len(info.broken),
                "ingest_articles_per_s": round(report.articles / single, 1),
                "ingest_mb_per_s": round(megabytes / single, 2),
                "ingest_ms_per_article": round(1000 * single / max(report.articles, 1), 1),
                "ingest_cpu_ms_per_article": round(1000 * cpu / max(report.articles, 1), 1),
                "ingest_events": events,
                "ingest_skipped": len(report.skipped),
                "ingest_peak_rss_mb_single_process": round(single_peak, 1),
                "store_bytes_per_event": round(store_bytes / max(events, 1), 1),
            }
        )
        try:
            runs: dict[int, list[tuple[float, float]]] = {1: [], 2: []}
            for number in range(rounds):
                for workers in (1, 2) if number % 2 == 0 else (2, 1):
                    folder = Path(tmp) / f"dask-{workers}-{number}"
                    runs[workers].append(dask_ingest_seconds(files, folder, workers))
        except RuntimeError as error:  # dask not installed, say
            figures["ingest_speedup_2_workers"] = f"skipped: {error}"
        else:
            one = statistics.median(seconds for seconds, _ in runs[1])
            two = statistics.median(seconds for seconds, _ in runs[2])
            figures.update(
                {
                    "ingest_articles_per_s_1_worker_dask": round(report.articles / one, 1),
                    "ingest_articles_per_s_2_workers": round(report.articles / two, 1),
                    "ingest_speedup_2_workers": round(one / two, 2),
                    "ingest_speedup_2_workers_vs_single_process": round(single / two, 2),
                    "ingest_client_peak_rss_mb_1_worker": max(peak for _, peak in runs[1]),
                    "ingest_client_peak_rss_mb_2_workers": max(peak for _, peak in runs[2]),
                }
            )
            if rounds > 1:
                figures["ingest_speedup_2_workers_per_round"] = [
                    round(a / b, 2) for (a, _), (b, _) in zip(runs[1], runs[2], strict=True)
                ]
    if speed_only:
        return figures
    for name, folder in (("dev", None), ("heldout", ROOT / "tests" / "data" / "events_heldout")):
        gold = load_event_gold(folder) if folder else load_event_gold()
        scores = score_events(gold, finder=finder)
        figures[f"events_{name}_precision"] = round(scores.precision, 3)
        figures[f"events_{name}_recall"] = round(scores.recall, 3)
    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return figures


def bench_scale(quick: bool) -> dict[str, Any]:
    """The data path with synthetic events (``benchmarks/scale.py``), each step in its own process.

    Full mode: 10k and 100k events; short mode: 2,000 events, each view measured once.
    """
    from scale import QUICK_SIZE, measure

    sizes = [QUICK_SIZE] if quick else [10_000, 100_000]
    figures: dict[str, Any] = {}
    for size, result in measure(sizes, 1 if quick else 3).items():
        suffix = f"_{int(size) // 1000}k"
        if "stopped" in result:
            figures["stopped" + suffix] = result["stopped"]
            continue
        for key in (
            "view_s",
            "first_view_s",
            "rss_mb",
            "ingest_batch_s",
            "map_payload_bytes_max_over_views",
            "store_bytes_per_event",
            "zones_derive_s",
            "ingest_batch_articles",
        ):
            figures[key + suffix] = result[key]
        figures["basemap_file_bytes"] = result["basemap_file_bytes"]
    return figures


def bench_dashboard(quick: bool, scale_events: int) -> dict[str, Any]:
    # benchmarks/dashboard.py, loaded by path: "dashboard" is also the Streamlit app's name
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "faultlines_dashboard_benchmark", Path(__file__).resolve().parent / "dashboard.py"
    )
    if spec is None or spec.loader is None:
        return {"skipped": "benchmarks/dashboard.py could not be loaded"}
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return dict(module.measure_dashboard(quick=quick, scale_events=scale_events))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short mode for CI")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument(
        "--ingest-articles",
        type=int,
        metavar="N",
        help="articles in the ingest corpus (default 2000; 150 with --quick)",
    )
    parser.add_argument(
        "--scale-events",
        type=int,
        default=None,
        metavar="N",
        help="events for the browser's first map at scale (default 100000; none with --quick)",
    )
    parser.add_argument(
        "--ingest-only",
        action="store_true",
        help="only the ingest speed figures (one process, Dask with 1 and 2 workers)",
    )
    parser.add_argument(
        "--ingest-rounds",
        type=int,
        default=1,
        metavar="N",
        help="Dask runs with 1 and with 2 workers, N of each in alternating order (medians)",
    )
    parser.add_argument("--dask-child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.dask_child:
        workers, store_dir, listing = args.dask_child
        dask_child(int(workers), Path(store_dir), Path(listing))
        return
    scale_events = args.scale_events
    if scale_events is None:
        scale_events = 0 if args.quick else 100_000
    machine = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": __import__("os").cpu_count(),
        "load_average_1min_at_start": round(__import__("os").getloadavg()[0], 1),
    }
    if args.ingest_only:
        pipeline = bench_pipeline(
            args.quick, args.ingest_articles, speed_only=True, rounds=args.ingest_rounds
        )
        machine["load_average_1min_at_end"] = round(__import__("os").getloadavg()[0], 1)
        results: dict[str, Any] = {"machine": machine, "pipeline": pipeline}
        print("\n".join(table(results)))
        if args.json:
            args.json.write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
        return
    results = {
        "machine": machine,
        "mode": "quick" if args.quick else "full",
        "gazetteer": bench_gazetteer(args.quick),
        "pipeline": bench_pipeline(args.quick, args.ingest_articles, rounds=args.ingest_rounds),
        "scale": bench_scale(args.quick),
        "dashboard": bench_dashboard(args.quick, scale_events),
    }
    print("\n".join(table(results)))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
