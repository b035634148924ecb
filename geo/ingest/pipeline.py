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

import ctypes
import datetime
import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any, Final, TypeVar, cast

import geopandas as gpd
import pandas as pd

from geo.events.extract import Extraction, extract
from geo.ingest.batch import BatchDigest, digest_of
from geo.ingest.stored import (
    TALLY_EVENT_COLUMNS,
    ZONE_EVENT_COLUMNS,
    StoredForCommit,
    read_for_commit,
    stored_events_near,
    stored_summary,
)
from geo.layers.aggregates import (
    EventsNear,
    ZoneAggregates,
    aggregate_zones,
    update_zone_aggregates,
)
from geo.layers.frames import (
    articles_frame,
    events_frame,
    merge_place_frames,
    offices_frame,
    places_frame,
)
from geo.layers.summary import (
    SUMMARY_TABLES,
    summary_tables,
    updated_summary_tables,
    zone_sum_table,
)
from geo.places.gazetteer import Gazetteer
from geo.records import OFFICE_STATUS_RANK, Office, Precision
from geo.store.format import shown_name
from geo.store.store import LayerInfo, Store
from geo.text.articles import Article, read_article
from geo.text.dates import EVENT_YEARS_BEFORE_PUBLICATION
from geo.text.decoding import ArticleError
from geo.text.mentions import PlaceFinder, default_finder

_LOG = logging.getLogger(__name__)

ARTICLE_TIME_BUDGET: Final = 6.0
"""Seconds of CPU time the extraction from one article may take (default 6).

CPU time of the working thread, so that the verdict on a text does not depend on how busy the
machine is; wall time is capped at `_WALL_FACTOR` times the budget all the same.

An article that takes longer (a multi-megabyte text of repeated abbreviations, say) is
skipped with a reason that says so, so that no file within the size limits holds up an ingest
or the dashboard for long; real articles take milliseconds.
"""

READ_TIME_BUDGET: Final = 4.0
"""Seconds of CPU time reading one file may take, HTML extraction included (default 4).

With `ARTICLE_TIME_BUDGET`, no file costs more than about 10 s of a core (trafilatura took 95 s
and 0.8 GB on 5 MB of small paragraphs).
"""

_WALL_FACTOR: Final = 3.0
_BUDGET_POLL: Final = 0.05

EVENT_DAYS_AFTER_PUBLICATION: Final = 366
"""How far after its article's publication date (or today, for an undated article) an event
may be dated: plans a year ahead are news; a date beyond is a misreading or fiction."""


#: Offices move forward through these states; a later article's status wins.

ProgressCallback = Callable[[int, int, str], None]
_T = TypeVar("_T")
_Frame = TypeVar("_Frame", bound=pd.DataFrame)


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
    warnings
        What was dropped or doubted in the added articles, as ``(source, warning)`` pairs.
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
    warnings: tuple[tuple[str, str], ...] = ()
    version: str | None = None
    seconds: float = 0.0

    def summary(self) -> str:
        """Return a one-paragraph human summary."""
        lines = [
            f"{self.articles} article(s) added, {self.duplicates} already stored; "
            f"{self.places} place mention(s), {self.events} event(s), {self.offices} office "
            f"report(s); store version {self.version or '(empty)'}; {self.seconds:.1f} s"
        ]
        lines += [f"skipped {shown_name(s.source)}: {s.reason}" for s in self.skipped]
        lines += [f"warning {shown_name(source)}: {text}" for source, text in self.warnings]
        return "\n".join(lines)


def process_article(
    article: Article,
    *,
    finder: PlaceFinder | None = None,
    time_budget: float | None = ARTICLE_TIME_BUDGET,
) -> ArticleResult:
    """Extract places, events and offices from one article.

    Raises
    ------
    ArticleError
        When the extraction takes longer than `time_budget` seconds (None: no limit).
    """
    if time_budget is None:
        return ArticleResult(article=article, extraction=extract(article, finder=finder))
    try:
        extraction = _within(time_budget, lambda: extract(article, finder=finder))
    except _OverBudgetError:
        reason = (
            f"extraction took longer than the {time_budget:g} s allowed per article; "
            "split the text into smaller articles"
        )
        raise ArticleError(article.source, reason) from None
    return plausible_dates(ArticleResult(article=article, extraction=extraction))


def plausible_dates(result: ArticleResult, *, today: datetime.date | None = None) -> ArticleResult:
    """Drop event dates too far from the article's publication date, with a warning each.

    An event dated more than `EVENT_DAYS_AFTER_PUBLICATION` days after the publication date
    (`today` when the article has none) or more than `EVENT_YEARS_BEFORE_PUBLICATION` years
    before it keeps its place and type but loses its date (precision ``unknown``), so that one
    article about the year 2100 cannot stretch the time slider or age every other event's
    severity. The warnings join the article's.
    """
    article, extraction = result.article, result.extraction
    reference = article.published or today or datetime.date.today()
    latest = reference + datetime.timedelta(days=EVENT_DAYS_AFTER_PUBLICATION)
    earliest = datetime.date(max(1, reference.year - EVENT_YEARS_BEFORE_PUBLICATION), 1, 1)
    events, warnings = [], []
    for event in extraction.events:
        dates = [d for d in (event.date_start, event.date_end) if d is not None]
        if dates and (max(dates) > latest or min(dates) < earliest):
            shown = "–".join(sorted({d.isoformat() for d in dates}))
            since = f"publication ({reference.isoformat()})" if article.published else "today"
            gap = (
                "more than a year after"
                if max(dates) > latest
                else f"more than {EVENT_YEARS_BEFORE_PUBLICATION} years before"
            )
            warnings.append(f"an event dated {shown} is {gap} {since}; its date was dropped")
            event = replace(event, date_start=None, date_end=None, date_precision="unknown")
        events.append(event)
    if not warnings:
        return result
    return ArticleResult(
        article=replace(article, warnings=(*article.warnings, *warnings)),
        extraction=replace(extraction, events=tuple(events)),
    )


def read_within_budget(read: Callable[[], Article], source: str) -> Article:
    """Return ``read()``, or raise `ArticleError` once it ran `READ_TIME_BUDGET` seconds."""
    try:
        return _within(READ_TIME_BUDGET, read)
    except _OverBudgetError:
        reason = (
            f"reading took longer than the {READ_TIME_BUDGET:g} s allowed per file; "
            "split it into smaller articles"
        )
        raise ArticleError(source, reason) from None


def process_or_skip(
    article: Article, *, finder: PlaceFinder | None = None
) -> ArticleResult | SkippedFile:
    """Return what `process_article` gives, or the article as skipped with the reason."""
    try:
        return process_article(article, finder=finder, time_budget=ARTICLE_TIME_BUDGET)
    except ArticleError as error:
        return SkippedFile(article.source, error.reason)


class _OverBudgetError(BaseException):
    """Raised inside a thread whose work ran past its time budget.

    Not an `Exception`, so that no ``except Exception`` in the work can swallow it.
    """


_SET_ASYNC_EXCEPTION = ctypes.pythonapi.PyThreadState_SetAsyncExc
_SET_ASYNC_EXCEPTION.argtypes = (ctypes.c_ulong, ctypes.py_object)


def _within(seconds: float, work: Callable[[], _T]) -> _T:
    """Return ``work()``, or raise `_OverBudgetError` in this thread once it spent `seconds`.

    The budget is the working thread's own CPU time (so a busy machine does not cut short the
    work of a quiet one), with a wall-clock cap of `_WALL_FACTOR` times the budget for work that
    waits. A watcher thread raises the error in the working thread (CPython's
    ``PyThreadState_SetAsyncExc``: it takes effect between two bytecode instructions, so a
    single long call into C finishes first). This works in any thread: the CLI's, a Streamlit
    session's, a Dask worker's. An error set just as the work ended is raised before this
    function returns (at the call of `_checkpoint`), so it can never land in other code.
    """
    target = threading.get_ident()
    spent = _cpu_clock(target)
    guard = threading.Lock()
    finished = threading.Event()
    running = expired = False

    def watch() -> None:
        nonlocal expired
        deadline = time.monotonic() + seconds * _WALL_FACTOR
        while not finished.wait(_BUDGET_POLL):
            if spent() > seconds or time.monotonic() > deadline:
                with guard:
                    if running and not finished.is_set():  # only inside `work`, never here
                        _SET_ASYNC_EXCEPTION(target, _OverBudgetError)
                    expired = True
                # asked again at every poll until the work ends: an error that lands in a
                # callback (a garbage collector's hook, say) is printed and dropped there

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        with guard:
            if expired:  # the time ran out before the work could start
                raise _OverBudgetError
            running = True
        return work()
    finally:
        with guard:
            finished.set()
        _checkpoint()


def _cpu_clock(thread: int) -> Callable[[], float]:
    """Return a function giving the CPU seconds `thread` has spent since now.

    Wall seconds where the platform cannot read another thread's CPU clock.
    """
    try:
        clock = time.pthread_getcpuclockid(thread)
        start = time.clock_gettime(clock)
    except (AttributeError, OSError):
        origin = time.monotonic()
        return lambda: time.monotonic() - origin
    return lambda: time.clock_gettime(clock) - start


def _checkpoint() -> None:
    """Do nothing; entering a Python function is where a pending async error is raised.

    (Withdrawing one instead, by passing NULL to ``PyThreadState_SetAsyncExc``, leaves
    CPython 3.11's eval breaker set for good, which slows every later call.)
    """


def _day(value: object) -> datetime.date | None:
    """Return the day a date cell of a layer holds, None when it is missing."""
    if value is None:
        return None
    stamp = pd.Timestamp(cast("str | datetime.date", value))  # missing ones give NaT
    return None if pd.isna(stamp) else stamp.date()


def _since_precision(value: object) -> Precision:
    """Return a stored office's ``since_precision``: ``day`` when the store has none (older)."""
    return "month" if value == "month" else "year" if value == "year" else "day"


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
        dated = [o for o in (old, office) if o.since is not None]
        earliest = min(dated, key=lambda o: o.since or datetime.date.max) if dated else None
        merged[office.id] = (
            Office(
                id=chosen.id,
                org=chosen.org,
                host_place_id=chosen.host_place_id,
                city=chosen.city or old.city or office.city,
                status=chosen.status,
                since=earliest.since if earliest else None,
                article_ids=article_ids,
                geometry=chosen.geometry,
                origin=chosen.origin,
                since_precision=earliest.since_precision if earliest else "day",
            ),
            max(old_reported or datetime.date.min, reported or datetime.date.min),
        )
    return [office for office, _ in merged.values()]


def _concat(old: _Frame | None, new: _Frame) -> _Frame:
    if old is None or len(old) == 0:
        return new
    if new is None or len(new) == 0:
        return old
    combined = pd.concat([old, new], ignore_index=True)
    return combined.drop_duplicates("id", keep="first").reset_index(drop=True)


def new_rows(
    results: Sequence[ArticleResult], *, ingested_at: datetime.datetime | None = None
) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
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
    stored: StoredForCommit | None = None,
    ingested_at: datetime.datetime | None = None,
    rows: tuple[gpd.GeoDataFrame, pd.DataFrame] | None = None,
    events_near: EventsNear | None = None,
) -> dict[str, pd.DataFrame]:
    """Turn extraction results into layer frames, merged with the stored layers if given.

    Offices and places are merged with the stored ones. Zones and their tables
    (:mod:`geo.layers.aggregates`) are drawn from the new events alone into an empty store,
    and otherwise updated with the new events: only zones the batch creates or reshapes read
    stored events, through `events_near`. ``events`` and ``articles`` hold the new rows only
    (when `stored` is given, :meth:`geo.store.store.Store.update` appends them).

    Parameters
    ----------
    results
        New articles and what was extracted from them.
    gazetteer
        For office, place and zone shapes.
    stored
        What :func:`read_for_commit` read of the store's current version, or None.
    ingested_at
        Timestamp recorded on the new articles (now, when None).
    rows
        What :func:`new_rows` returned for `results`, when the caller already has it.
    events_near
        Returns the stored events whose geometry meets any of the boxes given; needed when
        `stored` is given.
    """
    events, articles = rows or new_rows(results, ingested_at=ingested_at)
    events = _unique_events(events)
    batch = digest_of(results, events)
    layers = merged_layers(batch, gazetteer, stored=stored, events_near=events_near)[0]
    return {"events": events, **layers, "articles": articles}


def _unique_events(events: _Frame) -> _Frame:
    """Return `events` with one row per event id (the first)."""
    if not len(events):
        return events
    return events.drop_duplicates("id", keep="first").reset_index(drop=True)


def merged_layers(
    batch: BatchDigest,
    gazetteer: Gazetteer,
    *,
    stored: StoredForCommit | None,
    events_near: EventsNear | None,
) -> tuple[dict[str, pd.DataFrame], ZoneAggregates]:
    """Return the small layers of the store with `batch` merged in, and the zones' tables.

    The offices and places merged with the stored ones (`stored`; None for an empty store),
    the zones with their tables and the page's summary tables, as `results_to_layers` makes
    them; not the events and articles, which a commit appends. Only the digest's events'
    `geo.ingest.batch.DIGEST_EVENT_COLUMNS` are read.
    """
    reports = batch.reports()
    new_places = places_frame(batch.place_counts(), gazetteer)
    if stored is not None and len(stored.offices):
        published: dict[str, object] = {}
        if len(stored.articles):
            published = dict(zip(stored.articles["id"], stored.articles["published"], strict=True))
        office_rows: Iterable[Any] = stored.offices.itertuples(index=False)  # OFFICE_COLUMNS
        for row in office_rows:
            office = Office(
                id=row.id,
                org=row.org,
                host_place_id=row.host_place_id,
                city=row.city,
                status=row.status,
                since=_day(row.since),
                article_ids=tuple(row.article_ids),
                geometry=row.geometry,
                origin=row.origin,
                since_precision=_since_precision(getattr(row, "since_precision", None)),
            )
            days = [_day(published.get(a)) for a in office.article_ids]
            latest = max((day for day in days if day is not None), default=None)
            reports.insert(0, (office, latest))
    offices = offices_frame(_merge_offices(reports), gazetteer)
    new_events = _unique_events(batch.events)
    layers: dict[str, pd.DataFrame] = {
        "offices": offices,
        "places": merge_place_frames(None if stored is None else stored.places, new_places),
    }
    if stored is None:
        aggregates = aggregate_zones(new_events, gazetteer)
    else:
        if events_near is None:
            msg = "merging with a stored version needs events_near"
            raise ValueError(msg)
        aggregates = _updated_aggregates(stored, new_events, gazetteer, events_near)
    layers["zones"] = aggregates.zones
    if aggregates.whole:  # else only what it adds to the stored table (`added_days`)
        layers["zone_days"] = aggregates.zone_days
    layers["place_tallies"] = aggregates.place_tallies
    if aggregates.zone_scores is not None:
        layers["zone_scores"] = aggregates.zone_scores
    sums = aggregates.sums
    if sums is None:
        sums = zone_sum_table(aggregates.zone_days)
    if stored is None:  # the page's summary (geo.layers.summary)
        layers.update(summary_tables(new_events, None) | {"zone_sums": sums})
    elif stored.summary is not None:
        layers.update(updated_summary_tables(stored.summary, new_events, sums))
    return layers, aggregates


def _updated_aggregates(
    stored: StoredForCommit,
    new_events: gpd.GeoDataFrame,
    gazetteer: Gazetteer,
    events_near: EventsNear,
) -> ZoneAggregates:
    """Update the stored zones with `new_events`; a store without their tables gets them."""
    if stored.aggregates is not None:
        return update_zone_aggregates(
            stored.aggregates, new_events, gazetteer, events_near=events_near
        )
    everything = events_near([_WORLD])  # never None: there is a box
    _LOG.warning(
        "this store (version %s) was written before zones were kept with their sums: "
        "drawing the zones again from its %d located events, once; the next ingests "
        "update them from the sums",
        stored.version,
        0 if everything is None else len(everything),
    )
    return aggregate_zones(_concat(everything, new_events), gazetteer)


_WORLD: Final = (-180.0, -90.0, 180.0, 90.0)


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
            article = read_within_budget(partial(read_article, path), str(path))
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


def commit_results(
    store: Store,
    results: Sequence[ArticleResult],
    gazetteer: Gazetteer,
    stored: StoredForCommit | None,
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
        stored, now_known = _stored_now(store, stored)
        duplicates += sum(r.article.id in now_known for r in results)
        results = [r for r in results if r.article.id not in now_known]
        version = store.current_version()
        if results:
            events, articles = new_rows(results)
            events = _unique_events(events)
            rows = {"events": events, "articles": articles}
            version = _commit_batch(store, digest_of(results, events), rows, gazetteer, stored)
    return version, results, duplicates


def commit_staged(
    store: Store,
    batch: BatchDigest,
    staged: Mapping[str, Sequence[LayerInfo]],
    gazetteer: Gazetteer,
    stored: StoredForCommit | None,
) -> tuple[str | None, BatchDigest]:
    """Commit a batch whose events and articles are written already, as `commit_results` does.

    `staged` holds the ``events`` and ``articles`` parts that
    :func:`geo.store.staging.stage_layer` wrote (by the workers of a distributed ingest),
    `batch` what the rest of the commit needs of them. They are added to one new version as
    they are, with the small layers merged as for `commit_results`, under the store's write
    lock. Articles another ingest stored meanwhile are left out (the parts holding their
    rows are written again without them). Returns the new version and the batch written.
    """
    with store.lock():
        stored, now_known = _stored_now(store, stored)
        batch = batch.without(now_known)
        version = store.current_version()
        if batch.article_ids:
            version = _commit_batch(store, batch, staged, gazetteer, stored)
    return version, batch


def _stored_now(
    store: Store, stored: StoredForCommit | None
) -> tuple[StoredForCommit | None, set[str]]:
    """Return what a commit reads of the current version, and its articles if it is newer.

    `stored` was read before the lock was taken; if another ingest committed since, the
    current version is read again and its articles' ids are returned (else none).
    """
    if store.current_version() == (None if stored is None else stored.version):
        return stored, set()
    stored = read_for_commit(store)
    return stored, set(stored.articles["id"]) if stored and len(stored.articles) else set()


def _commit_batch(
    store: Store,
    batch: BatchDigest,
    rows: Mapping[str, pd.DataFrame | Sequence[LayerInfo]],
    gazetteer: Gazetteer,
    stored: StoredForCommit | None,
) -> str:
    """Write `batch` as one version: its `rows` (frames or staged parts), the merged layers."""
    near = None
    if stored is not None:  # a store without the zones' tables: all that they need
        stored = replace(stored, summary=stored_summary(store, stored.version))
        columns = TALLY_EVENT_COLUMNS if stored.aggregates is None else ZONE_EVENT_COLUMNS
        near = stored_events_near(store, stored.version, columns=columns)
    layers, aggregates = merged_layers(batch, gazetteer, stored=stored, events_near=near)
    message = f"ingest {len(batch.article_ids)} article(s)"
    frames = {name: r for name, r in rows.items() if isinstance(r, pd.DataFrame)}
    if stored is None and len(frames) == len(rows):
        return store.write({**frames, **layers}, message=message)
    # events and articles only gain rows: write just the months that get some
    return _write_update(store, rows, layers, aggregates, message=message)


_REPLACED: Final = ("offices", "places", "zones", "place_tallies", "zone_scores")


def _write_update(
    store: Store,
    rows: Mapping[str, pd.DataFrame | Sequence[LayerInfo]],
    layers: Mapping[str, pd.DataFrame],
    aggregates: ZoneAggregates,
    *,
    message: str,
) -> str:
    """Write a batch into a store that holds data: new rows, small layers, the zones' changes.

    The new rows (`rows`) are frames or parts written already (`geo.store.staging`); into an
    empty store, every layer is written whole.

    Events and articles gain their rows (an event's id names its article, which the store
    lacks, so its id is compared only with those of the months it falls in); offices,
    places, zones, place tallies, zone scores and the summary tables are written whole; the
    zone-days table loses the rows of the zones gone and gains the batch's (only the buckets
    of the zones gone are rewritten).
    """
    appended = {"events": rows["events"], "articles": rows["articles"]}
    replaced = {name: layers[name] for name in (*_REPLACED, *SUMMARY_TABLES) if name in layers}
    added: dict[str, pd.DataFrame] = {}
    removed: dict[str, tuple[str, ...]] = {}
    if aggregates.added_days is None:  # drawn from every stored event: the whole table
        replaced["zone_days"] = layers["zone_days"]
    else:
        added["zone_days"] = aggregates.added_days
        removed["zone_days"] = aggregates.dropped_zones
    return store.update(
        append=appended,
        replace=replaced,
        add=added,
        remove=removed,
        near_keys_only=("events",),
        message=message,
    )


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
    skipped = list(skipped)
    for index, article in enumerate(fresh):
        outcome = process_or_skip(article, finder=finder)
        if isinstance(outcome, SkippedFile):
            skipped.append(outcome)
        else:
            results.append(outcome)
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
        warnings=tuple((r.article.source, w) for r in results for w in r.article.warnings),
        version=version,
        seconds=time.perf_counter() - started,
    )


def report_of_batch(
    batch: BatchDigest | None,
    version: str | None,
    *,
    skipped: Sequence[SkippedFile],
    duplicates: int,
    started: float,
) -> IngestReport:
    """Return the report of an ingest that wrote what `batch` digests (None: nothing)."""
    return IngestReport(
        articles=0 if batch is None else len(batch.article_ids),
        duplicates=duplicates,
        places=0 if batch is None else len(batch.place_mentions),
        events=0 if batch is None else len(batch.events),
        offices=0 if batch is None else len(batch.office_reports),
        skipped=tuple(skipped),
        warnings=() if batch is None else tuple((s, w) for _, s, w in batch.warnings),
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
