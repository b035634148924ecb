"""Ingest articles into the store: read, find places, extract events and offices, merge, write.

One article at a time goes through :func:`process_article` (pure: article in, records out, so it
can run in another process); :func:`ingest` reads files, skips what the store already holds,
merges the new records with the stored ones and writes one new store version (in a store that
already holds data, only the months the new events fall in, plus offices, places and zones;
see :func:`commit_results`). A file that
cannot be read is reported in the :class:`IngestReport` and the others go in; nothing already
stored is touched by a failed file.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

import pandas as pd  # type: ignore[import-untyped]

from geo.events.extract import Extraction, extract
from geo.layers.frames import (
    articles_frame,
    events_frame,
    merge_place_frames,
    offices_frame,
    places_frame,
)
from geo.layers.zones import build_zones
from geo.places.gazetteer import Gazetteer
from geo.records import OFFICE_STATUS_RANK, Office
from geo.store.store import Layers, Store
from geo.text.articles import Article, ArticleError, read_article
from geo.text.mentions import PlaceFinder, default_finder

#: Offices move forward through these states; a later article's status wins.

ProgressCallback = Callable[[int, int, str], None]


@dataclass(frozen=True, slots=True)
class SkippedFile:
    """A file that was not ingested, and why."""

    source: str
    reason: str


@dataclass(frozen=True, slots=True)
class ArticleResult:
    """What one article yields: the article and what was extracted from it."""

    article: Article
    extraction: Extraction


@dataclass(frozen=True, slots=True)
class IngestReport:
    """The outcome of one ingest run.

    Attributes
    ----------
    articles
        Articles added.
    duplicates
        Articles whose text the store already held (or that came twice in the batch).
    places, events, offices
        Place mentions, events and office reports in the added articles.
    skipped
        Files that could not be read, with the reason.
    version
        The store version after the run (unchanged when nothing was added).
    seconds
        Wall time.
    """

    articles: int
    duplicates: int
    places: int
    events: int
    offices: int
    skipped: tuple[SkippedFile, ...] = ()
    version: str | None = None
    seconds: float = 0.0

    def summary(self) -> str:
        """Return a one-paragraph human summary."""
        lines = [
            f"{self.articles} article(s) added, {self.duplicates} already stored; "
            f"{self.places} place mention(s), {self.events} event(s), {self.offices} office "
            f"report(s); store version {self.version or '(empty)'}; {self.seconds:.1f} s"
        ]
        lines += [f"skipped {s.source}: {s.reason}" for s in self.skipped]
        return "\n".join(lines)


def process_article(article: Article, *, finder: PlaceFinder | None = None) -> ArticleResult:
    """Extract places, events and offices from one article."""
    return ArticleResult(article=article, extraction=extract(article, finder=finder))


def _merge_offices(offices: Iterable[tuple[Office, datetime.date | None]]) -> list[Office]:
    """Merge reports of the same office: sources add up, the latest report sets the status."""
    merged: dict[str, tuple[Office, datetime.date | None]] = {}
    for office, reported in offices:
        previous = merged.get(office.id)
        if previous is None:
            merged[office.id] = (office, reported)
            continue
        old, old_reported = previous
        newer = (reported or datetime.date.min, OFFICE_STATUS_RANK.get(office.status, 0)) >= (
            old_reported or datetime.date.min,
            OFFICE_STATUS_RANK.get(old.status, 0),
        )
        chosen = office if newer else old
        article_ids = tuple(sorted({*old.article_ids, *office.article_ids}))
        since_values = [d for d in (old.since, office.since) if d is not None]
        merged[office.id] = (
            Office(
                id=chosen.id,
                org=chosen.org,
                host_place_id=chosen.host_place_id,
                city=chosen.city or old.city or office.city,
                status=chosen.status,
                since=min(since_values) if since_values else None,
                article_ids=article_ids,
                geometry=chosen.geometry,
                origin=chosen.origin,
            ),
            max(old_reported or datetime.date.min, reported or datetime.date.min),
        )
    return [office for office, _ in merged.values()]


def _place_counts(results: Sequence[ArticleResult]) -> dict[str, tuple[int, set[str]]]:
    counts: dict[str, tuple[int, set[str]]] = {}
    for result in results:
        for mention in result.extraction.mentions.places:
            count, articles = counts.get(mention.place.id, (0, set()))
            counts[mention.place.id] = (count + 1, articles | {result.article.id})
    return counts


def _concat(old: Any, new: Any) -> Any:
    if old is None or len(old) == 0:
        return new
    if new is None or len(new) == 0:
        return old
    combined = pd.concat([old, new], ignore_index=True)
    return combined.drop_duplicates("id", keep="first").reset_index(drop=True)


def new_rows(
    results: Sequence[ArticleResult], *, ingested_at: datetime.datetime | None = None
) -> tuple[Any, Any]:
    """Return the events and the articles of `results` alone, as layer frames.

    `ingested_at` is the timestamp recorded on the articles (now, when None).
    """
    articles = {r.article.id: r.article for r in results}
    events = events_frame([e for r in results for e in r.extraction.events], articles)
    stamp = ingested_at or datetime.datetime.now(datetime.UTC)
    stamps = dict.fromkeys(articles, stamp)
    return events, articles_frame(list(articles.values()), ingested_at=stamps)


def results_to_layers(
    results: Sequence[ArticleResult],
    gazetteer: Gazetteer,
    *,
    stored: Any | None = None,
    ingested_at: datetime.datetime | None = None,
    rows: tuple[Any, Any] | None = None,
) -> dict[str, Any]:
    """Turn extraction results into layer frames, merged with the stored layers if given.

    Parameters
    ----------
    results
        New articles and what was extracted from them.
    gazetteer
        For office and place shapes.
    stored
        The store's current :class:`geo.store.store.Layers` (whole, or as `read_for_commit` reads
        them), or None.
    ingested_at
        Timestamp recorded on the new articles (now, when None).
    rows
        What :func:`new_rows` returned for `results`, when the caller already has it.
    """
    new_events, new_articles = rows or new_rows(results, ingested_at=ingested_at)
    reports = [(o, r.article.published) for r in results for o in r.extraction.offices]
    new_places = places_frame(_place_counts(results), gazetteer)
    if stored is not None and len(stored.offices):
        published = {}
        if len(stored.articles):
            published = dict(zip(stored.articles["id"], stored.articles["published"], strict=True))
        for row in stored.offices.itertuples(index=False):
            office = Office(
                id=row.id,
                org=row.org,
                host_place_id=row.host_place_id,
                city=row.city,
                status=row.status,
                since=None if pd.isna(row.since) else pd.Timestamp(row.since).date(),
                article_ids=tuple(row.article_ids),
                geometry=row.geometry,
                origin=row.origin,
            )
            dates = [published.get(a) for a in office.article_ids]
            latest = max(
                (pd.Timestamp(d).date() for d in dates if d is not None and not pd.isna(d)),
                default=None,
            )
            reports.insert(0, (office, latest))
    offices = offices_frame(_merge_offices(reports), gazetteer)
    events = _concat(None if stored is None else stored.events, new_events)
    layers = {
        "events": events,
        "offices": offices,
        "places": merge_place_frames(None if stored is None else stored.places, new_places),
        "articles": _concat(None if stored is None else stored.articles, new_articles),
    }
    today = _newest_date(events) or datetime.date.today()
    layers["zones"] = build_zones([], events, gazetteer, today=today)
    return layers


def _newest_date(events: Any) -> datetime.date | None:
    if events is None or len(events) == 0:
        return None
    newest = pd.to_datetime(events["date_end"]).max()
    return None if pd.isna(newest) else newest.date()


def read_new_articles(
    paths: Iterable[str | Path], known_ids: set[str]
) -> tuple[list[Article], list[SkippedFile], int]:
    """Read article files, skipping unreadable ones and texts already known.

    Returns the new articles, the skipped files and the number of duplicates.
    """
    articles: list[Article] = []
    skipped: list[SkippedFile] = []
    duplicates = 0
    seen = set(known_ids)
    for path in paths:
        try:
            article = read_article(path)
        except ArticleError as error:
            skipped.append(SkippedFile(str(path), error.reason))
            continue
        except OSError as error:  # a file that vanished or cannot be opened mid-run
            skipped.append(SkippedFile(str(path), error.strerror or str(error)))
            continue
        if article.id in seen:
            duplicates += 1
            continue
        seen.add(article.id)
        articles.append(article)
    return articles, skipped, duplicates


#: What a commit reads of the two layers that grow with the archive: the articles' ids and
#: dates (office reports are ordered by them) and the event columns zones are derived from.
#: Article texts and event sentences stay on disk.
COMMIT_COLUMNS: Final = MappingProxyType(
    {
        "articles": ("id", "published"),
        "events": (
            "id",
            "type",
            "date_start",
            "date_end",
            "article_published",
            "confidence",
            "place_ids",
            "actors",
        ),
    }
)


def read_for_commit(store: Store) -> Layers | None:
    """Return what a commit needs of the current version (`COMMIT_COLUMNS`), or None if empty.

    Offices, places and zones are read whole; a store written before a column existed is
    read whole too.
    """
    version = store.current_version()
    return None if version is None else store.read_all(version, columns=COMMIT_COLUMNS)


def commit_results(
    store: Store,
    results: Sequence[ArticleResult],
    gazetteer: Gazetteer,
    stored: Any | None,
    duplicates: int,
) -> tuple[str | None, list[ArticleResult], int]:
    """Merge results with the store and write one version, holding the store's write lock.

    Extraction runs without the lock (it is the slow part); if another ingest committed
    meanwhile, its version is read again under the lock and articles it already added are
    dropped, so two ingests at once keep both batches and store each article once.
    Returns the new version, the results actually written and the updated duplicate count.
    """
    results = list(results)
    with store.lock():
        version = store.current_version()
        if version != (None if stored is None else stored.version):
            stored = read_for_commit(store)
            now_known = set(stored.articles["id"]) if stored and len(stored.articles) else set()
            duplicates += sum(r.article.id in now_known for r in results)
            results = [r for r in results if r.article.id not in now_known]
        if results:
            rows = new_rows(results)
            layers = results_to_layers(results, gazetteer, stored=stored, rows=rows)
            message = f"ingest {len(results)} article(s)"
            if stored is None or stored.version is None:
                version = store.write(layers, message=message)
            else:  # events and articles only gain rows: write just the months that get some
                appended = {"events": rows[0], "articles": rows[1]}
                replaced = {name: layers[name] for name in ("offices", "places", "zones")}
                version = store.update(append=appended, replace=replaced, message=message)
    return version, results, duplicates


def ingest_articles(
    articles: Sequence[Article],
    store: Store,
    *,
    finder: PlaceFinder | None = None,
    progress: ProgressCallback | None = None,
    skipped: Sequence[SkippedFile] = (),
    duplicates: int = 0,
    started: float | None = None,
) -> IngestReport:
    """Process already-read articles and write them into `store` as one new version."""
    started = time.perf_counter() if started is None else started
    finder = finder or default_finder()
    stored = read_for_commit(store)
    known = set() if stored is None or not len(stored.articles) else set(stored.articles["id"])
    fresh = [a for a in articles if a.id not in known]
    duplicates += len(articles) - len(fresh)
    results = []
    for index, article in enumerate(fresh):
        results.append(process_article(article, finder=finder))
        if progress is not None:
            progress(index + 1, len(fresh), article.source)
    version, results, duplicates = commit_results(
        store, results, finder.gazetteer, stored, duplicates
    )
    return report_of(results, version, skipped=skipped, duplicates=duplicates, started=started)


def report_of(
    results: Sequence[ArticleResult],
    version: str | None,
    *,
    skipped: Sequence[SkippedFile],
    duplicates: int,
    started: float,
) -> IngestReport:
    """Return the report of an ingest that wrote `results` as `version`."""
    return IngestReport(
        articles=len(results),
        duplicates=duplicates,
        places=sum(len(r.extraction.mentions.places) for r in results),
        events=sum(len(r.extraction.events) for r in results),
        offices=sum(len(r.extraction.offices) for r in results),
        skipped=tuple(skipped),
        version=version,
        seconds=time.perf_counter() - started,
    )


def ingest(
    paths: Iterable[str | Path],
    store: Store,
    *,
    finder: PlaceFinder | None = None,
    progress: ProgressCallback | None = None,
) -> IngestReport:
    """Ingest article files (directories are expanded) into `store`.

    Re-ingesting the same text adds nothing; unreadable files are reported and skipped.
    """
    from geo.text.articles import iter_article_paths

    started = time.perf_counter()
    expanded: list[str | Path] = []
    for path in paths:
        if str(path) != "-" and Path(path).is_dir():
            expanded.extend(iter_article_paths([path]))
        else:
            expanded.append(path)
    stored_ids: set[str] = set()
    if store.current_version():
        stored_articles = store.read_layer("articles", columns=["id"])
        stored_ids = set(stored_articles["id"]) if len(stored_articles) else set()
    articles, skipped, duplicates = read_new_articles(expanded, stored_ids)
    return ingest_articles(
        articles,
        store,
        finder=finder,
        progress=progress,
        skipped=skipped,
        duplicates=duplicates,
        started=started,
    )
