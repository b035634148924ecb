"""Measure the place finder's budget, optionally side by side with a baseline checkout.

For the checkout this file lives in, and for a baseline checkout given with ``--baseline DIR``,
each in its own subprocess whose working directory is that checkout and whose ``sys.path``
starts with it, runs alternate and report medians over ``--repeats`` runs of:

* steady-state throughput of the place finder on about 4 KB news-like articles (documents per
  second of CPU time, one core, also wall time and MB/s), measured on ``--docs`` articles
  after a warm-up pass over as many other articles (so the caches a long-running process
  has are warm, but not with the very texts measured);
* CPU time per document;
* start-up of ``python -m geo places FILE`` on one document (wall time, and CPU time, which
  a busy shared machine inflates less);
* peak resident memory of the throughput process;
* compiled gazetteer size on disk (``geo/data/compiled/`` of each checkout);
* with ``--build``, the time of ``python -m geo gazetteer build`` into a temporary directory
  (wall and CPU).

The articles are written by this project's synthetic news generator (``benchmarks/corpus.py``)
once, into a temporary directory, and both checkouts read the same files. The baseline can be
an older layout of the package (``geo.mentions`` before ``geo.text.mentions``).

Usage::

    python benchmarks/places.py [--baseline DIR] [--docs 300] [--repeats 5] [--build]
                                [--json OUT]
"""

from __future__ import annotations

import argparse
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

#: Article body size aimed at (bytes); the generator's articles are 2-8 KB, we keep 3.5-4.5 KB.
TARGET_BYTES = 4000
SLACK_BYTES = 500

#: Runs inside each checkout: finds places in every article, prints one JSON line.
WORKER = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
try:
    from geo.text.mentions import find_places
except ImportError:
    from geo.mentions import find_places
warm, texts = json.load(open(sys.argv[2], encoding="utf-8"))
for text in warm:
    find_places(text)
cpu, wall = time.process_time(), time.perf_counter()
mentions = 0
for text in texts:
    mentions += len(find_places(text))
cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
print(json.dumps({
    "docs": len(texts),
    "bytes": sum(len(t.encode()) for t in texts),
    "mentions": mentions,
    "cpu_s": cpu,
    "wall_s": wall,
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""


def write_articles(directory: Path, count: int) -> tuple[list[Path], list[str]]:
    """Write `count` articles of about 4 KB with the project's generator.

    Returns their paths and their body texts (read here, so that every checkout's finder gets
    the same texts whatever its article reader).
    """
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from corpus import generate_corpus

    from geo.text.articles import read_article

    info = generate_corpus(directory, count * 5, duplicate_rate=0.0, broken_rate=0.0)
    picked, texts = [], []
    for path in info.files:
        text = read_article(path).text
        if abs(len(text.encode()) - TARGET_BYTES) <= SLACK_BYTES:
            picked.append(path)
            texts.append(text)
            if len(picked) == count:
                break
    return picked, texts


def _environment(checkout: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(checkout)
    env["OMP_NUM_THREADS"] = env["OPENBLAS_NUM_THREADS"] = "1"
    return env


def throughput(checkout: Path, texts_file: Path) -> dict[str, Any]:
    """Run the worker in `checkout` on one core and return its figures."""
    command = [sys.executable, "-c", WORKER, str(checkout), str(texts_file)]
    if hasattr(os, "sched_setaffinity"):
        command = ["taskset", "-c", "0", *command]
    out = subprocess.run(
        command, cwd=checkout, env=_environment(checkout), capture_output=True, text=True
    )
    if out.returncode != 0:
        raise SystemExit(f"{checkout}: worker failed: {out.stderr.strip().splitlines()[-1]}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_command(checkout: Path, arguments: list[str]) -> tuple[float, float]:
    """Return the wall and CPU seconds of ``python ARGUMENTS`` run in `checkout`."""
    cpu, start = _children_cpu_seconds(), time.perf_counter()
    subprocess.run(
        [sys.executable, *arguments],
        cwd=checkout,
        env=_environment(checkout),
        capture_output=True,
        check=True,
    )
    return time.perf_counter() - start, _children_cpu_seconds() - cpu


def startup_seconds(checkout: Path, article: Path) -> tuple[float, float]:
    """Return the wall and CPU seconds of ``python -m geo places ARTICLE`` in `checkout`."""
    return timed_command(checkout, ["-m", "geo", "places", str(article)])


def build_seconds(checkout: Path) -> tuple[float, float]:
    """Return the wall and CPU seconds of ``python -m geo gazetteer build`` into a temp dir."""
    with tempfile.TemporaryDirectory() as out:
        return timed_command(checkout, ["-m", "geo", "gazetteer", "build", "--out", out])


def gazetteer_bytes(checkout: Path) -> int:
    """Return the size on disk of the checkout's compiled gazetteer."""
    directory = checkout / "geo" / "data" / "compiled"
    return sum(p.stat().st_size for p in directory.iterdir() if p.is_file())


def summarise(runs: list[dict[str, Any]], timed: list[tuple[float, float]]) -> dict[str, Any]:
    """Return the medians (and ranges) of one checkout's runs."""
    docs = runs[0]["docs"]
    starts = [wall for wall, _ in timed]
    per_s = [r["docs"] / r["cpu_s"] for r in runs]
    return {
        "docs": docs,
        "doc_kb": round(runs[0]["bytes"] / docs / 1000, 2),
        "mentions": runs[0]["mentions"],
        "docs_per_cpu_s": round(statistics.median(per_s)),
        "docs_per_cpu_s_range": [round(min(per_s)), round(max(per_s))],
        "docs_per_wall_s": round(statistics.median(r["docs"] / r["wall_s"] for r in runs)),
        "cpu_ms_per_doc": round(statistics.median(r["cpu_s"] / r["docs"] * 1000 for r in runs), 3),
        "mb_per_cpu_s": round(statistics.median(r["bytes"] / r["cpu_s"] / 1e6 for r in runs), 2),
        "startup_s": round(statistics.median(starts), 3),
        "startup_s_range": [round(min(starts), 3), round(max(starts), 3)],
        "startup_cpu_s": round(statistics.median(cpu for _, cpu in timed), 3),
        "peak_rss_mb": round(statistics.median(r["peak_rss_mb"] for r in runs), 1),
    }


ROWS = (
    ("place finding, docs/s (CPU, one core)", "docs_per_cpu_s", "≥ 800"),
    ("  range over repeats", "docs_per_cpu_s_range", ""),
    ("place finding, docs/s (wall)", "docs_per_wall_s", ""),
    ("CPU ms per document", "cpu_ms_per_doc", ""),
    ("MB/s (CPU)", "mb_per_cpu_s", ""),
    ("start-up `python -m geo places FILE`, s (wall)", "startup_s", "≤ 1.5"),
    ("  the same in CPU time, s", "startup_cpu_s", ""),
    ("peak RSS of the finding process, MB", "peak_rss_mb", "≤ 700"),
    ("compiled gazetteer, MB", "gazetteer_mb", "≤ 50"),
    ("gazetteer build, s (wall)", "build_s", "≤ 90"),
    ("  the same in CPU time, s", "build_cpu_s", ""),
    ("mentions found in the articles", "mentions", ""),
)


def table(results: dict[str, dict[str, Any]]) -> str:
    """Return the results as a Markdown table, one column per checkout."""
    names = list(results)
    lines = ["| figure | " + " | ".join(names) + " | budget |"]
    lines.append("| --- |" + " --- |" * (len(names) + 1))
    for label, key, budget in ROWS:
        if all(key not in results[n] for n in names):
            continue
        cells = [str(results[n].get(key, "")) for n in names]
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {budget} |")
    if len(names) == 2:
        ratio = results[names[0]]["docs_per_cpu_s"] / results[names[1]]["docs_per_cpu_s"]
        lines.append(f"| throughput {names[0]} ÷ {names[1]} | {ratio:.2f}× | | |")
    return "\n".join(lines)


def measure(
    *, baseline: Path | None = None, docs: int = 300, repeats: int = 5, build: bool = False
) -> dict[str, Any]:
    """Return the figures of this checkout (and of `baseline`), as ``main`` writes them."""
    checkouts = {"this": ROOT}
    if baseline is not None:
        checkouts["baseline"] = baseline.resolve()
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        articles, texts = write_articles(Path(tmp) / "articles", 2 * docs)
        texts_file = Path(tmp) / "texts.json"
        half = len(texts) // 2
        texts_file.write_text(json.dumps([texts[:half], texts[half:]]), encoding="utf-8")
        runs: dict[str, list[dict[str, Any]]] = {name: [] for name in checkouts}
        starts: dict[str, list[tuple[float, float]]] = {name: [] for name in checkouts}
        for _ in range(repeats):
            for name, checkout in checkouts.items():
                runs[name].append(throughput(checkout, texts_file))
                starts[name].append(startup_seconds(checkout, articles[0]))
    results = {name: summarise(runs[name], starts[name]) for name in checkouts}
    for name, checkout in checkouts.items():
        results[name]["gazetteer_mb"] = round(gazetteer_bytes(checkout) / 1e6, 1)
    if build:
        for name, checkout in checkouts.items():
            wall, cpu = build_seconds(checkout)
            results[name]["build_s"] = round(wall, 1)
            results[name]["build_cpu_s"] = round(cpu, 1)
    return {
        "load_average": load,
        "repeats": repeats,
        "results": results,
        "checkouts": {name: str(path) for name, path in checkouts.items()},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, help="another checkout to measure alongside")
    parser.add_argument("--docs", type=int, default=300, help="articles per run (default 300)")
    parser.add_argument("--repeats", type=int, default=5, help="runs per checkout (default 5)")
    parser.add_argument("--build", action="store_true", help="also time the gazetteer build")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    figures = measure(
        baseline=args.baseline, docs=args.docs, repeats=args.repeats, build=args.build
    )
    print(f"load average at start: {figures['load_average']:.1f}; {args.repeats} repeats, medians")
    print(table(figures["results"]))
    if args.json is not None:
        args.json.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
