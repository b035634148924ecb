"""Poll local feeds end to end: items per second, the share of 304s on a second pass, memory.

Usage::

    python benchmarks/feeds.py                      # 20 feeds x 50 items, then 1,000 polls
    python benchmarks/feeds.py --polls 100          # fewer repeated polls
    python benchmarks/feeds.py --json feeds.json

Everything stays on this machine: one ``tests/feedserver.py`` server on a free ``127.0.0.1``
port serves ``--feeds`` RSS feeds of ``--items`` article pages each (every page a distinct
article written here), with ETags. A temporary store follows every feed
(``geo.ingest.registry``) and ``geo.ingest.watch.poll_due`` polls them as ``python -m geo
watch`` does, with the default fetcher except the per-host interval, which is 0 (all feeds are
on one loopback host; at the default 1 s the run would measure the politeness delay).

1. **first pass**: every feed is new; every item page is fetched, read by trafilatura, run
   through the pipeline and committed as one store version. ``items_per_s`` is articles
   added per second of wall time, fetching, extraction and commit included.
2. **second pass**: nothing changed; ``share_304`` is the share of feed requests answered
   ``304 Not Modified`` (the goal is 1.0) and no page may be fetched again.
3. **repeated polls**: ``--polls`` more passes over unchanged feeds; the process's resident
   memory is sampled every tenth of the run (``rss_mib``) to show whether it stays flat.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from report import table  # noqa: E402

from geo.ingest.fetch import Fetcher, FetchSettings  # noqa: E402
from geo.ingest.registry import add_feed  # noqa: E402
from geo.ingest.watch import poll_due  # noqa: E402
from geo.store.store import Store  # noqa: E402
from geo.text.mentions import default_finder  # noqa: E402
from tests.feedserver import FeedServer, Reply, page, rss, serving  # noqa: E402

_ACTORS = ["North Korea", "China", "Russia", "Iran", "Japan", "South Korea", "Vietnam", "India"]
_PLACES = [
    ("the Sea of Japan", "Seoul"),
    ("the Taiwan Strait", "Taipei"),
    ("the Black Sea", "Kyiv"),
    ("the South China Sea", "Manila"),
    ("the Yellow Sea", "Busan"),
    ("the Strait of Hormuz", "Dubai"),
    ("the East China Sea", "Naha"),
    ("the Baltic Sea", "Riga"),
]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
_DEEDS = ["held naval exercises in", "fired a ballistic missile into", "seized a tanker in"]


def article(feed: int, item: int) -> tuple[str, list[str]]:
    """Return a distinct article: title and three paragraphs."""
    number = feed * 1000 + item
    actor = _ACTORS[number % len(_ACTORS)]
    place, city = _PLACES[(number // 3) % len(_PLACES)]
    day = _DAYS[number % len(_DAYS)]
    deed = _DEEDS[number % len(_DEEDS)]
    title = f"{actor} activity reported near {place} ({number})"
    return title, [
        f"{actor} {deed} {place} on {day}, officials in {city} said, in what "
        f"they called the {number}th such movement recorded by the coast guard this season.",
        f"Officials in {city} said {number % 17 + 2} ships and {number % 5 + 1} aircraft took "
        f"part, and that the defence ministry had raised its alert level for the area.",
        f"Analysts said the activity near {place} was meant to test the response of "
        f"neighbouring states before talks planned for next month in {city}.",
    ]


def serve(server: FeedServer, feeds: int, items: int) -> list[str]:
    """Publish the feeds and their pages; return the feeds' addresses."""
    addresses = []
    for feed in range(feeds):
        entries = []
        for item in range(items):
            title, paragraphs = article(feed, item)
            path = f"/f{feed}/story-{item}"
            server.routes[path] = Reply(page(title, paragraphs, site=f"Outlet {feed}"))
            entries.append(
                {"title": title, "link": server.url(path), "date": "Sat, 06 May 2023 08:00:00 GMT"}
            )
        server.routes[f"/f{feed}/rss.xml"] = Reply(
            rss(entries, title=f"Outlet {feed}"), content_type="application/rss+xml"
        )
        addresses.append(server.url(f"/f{feed}/rss.xml"))
    return addresses


def rss_mib() -> float:
    """Return this process's resident memory in MiB."""
    for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def run(feeds: int, items: int, polls: int) -> dict[str, Any]:
    finder = default_finder()  # loaded before the clock starts, as a running watcher has it
    settings = FetchSettings(min_interval=0.0)
    with serving() as server, tempfile.TemporaryDirectory() as directory:
        addresses = serve(server, feeds, items)
        store = Store.open(Path(directory) / "store")
        for address in addresses:
            add_feed(store.root, address)
        now = datetime.datetime.now(datetime.UTC)
        step = datetime.timedelta(hours=1)
        with Fetcher(settings) as fetcher:
            started = time.perf_counter()
            first = poll_due(store, fetcher=fetcher, finder=finder, now=now)
            first_s = time.perf_counter() - started
            page_hits = sum(n for path, n in server.hits.items() if "/story-" in path)

            started = time.perf_counter()
            second = poll_due(store, fetcher=fetcher, finder=finder, now=now + step)
            second_s = time.perf_counter() - started
            page_hits_after = sum(n for path, n in server.hits.items() if "/story-" in path)

            samples: dict[str, float] = {}
            every = max(polls // 10, 1)
            gc.collect()
            samples["0"] = rss_mib()
            polls_started = time.perf_counter()
            for index in range(1, polls + 1):
                poll_due(store, fetcher=fetcher, finder=finder, now=now + step * (index + 1))
                if index % every == 0 or index == polls:
                    samples[str(index)] = rss_mib()
            polls_s = time.perf_counter() - polls_started
        feed_requests = second.web.requests
        return {
            "feeds": feeds,
            "items_per_feed": items,
            "first_pass": {
                "articles_added": first.web.ingest.articles,
                "events": first.web.ingest.events,
                "requests": first.web.requests,
                "seconds": round(first_s, 1),
                "items_per_s": round(first.web.ingest.articles / first_s, 1),
            },
            "second_pass": {
                "requests": feed_requests,
                "answered_304": second.web.not_modified,
                "share_304": round(second.web.not_modified / max(feed_requests, 1), 3),
                "pages_fetched_again": page_hits_after - page_hits,
                "articles_added": second.web.ingest.articles,
                "seconds": round(second_s, 2),
            },
            "repeated_polls": {
                "polls": polls,
                "ms_per_poll": round(1000 * polls_s / max(polls, 1), 1),
                "rss_mib": samples,
                "store_versions": len(store.versions()),
            },
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=20)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--polls", type=int, default=1000)
    parser.add_argument("--json", type=Path, help="Also write the figures to this file.")
    args = parser.parse_args()
    figures = run(args.feeds, args.items, args.polls)
    print("\n".join(table(figures)))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
