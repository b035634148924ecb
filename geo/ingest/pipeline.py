"""Ingest articles into the store: read, find places, extract events and offices, merge, write.

One article at a time goes through :func:`process_article` (pure: article in, records out, so it
can run in another process); :func:`ingest` reads files, skips what the store already holds,
merges the new records with the stored ones and writes one new store version (in a store that
already holds data, only the months the new events fall in, plus offices, places and zones;
see :func:`geo.ingest.commit.commit_results`). A file that
cannot be read is reported in the :class:`IngestReport` and the others go in; nothing already
stored is touched by a failed file.
"""

from __future__ import annotations

import ctypes
import datetime
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Final, TypeVar

from geo.events.extract import Extraction, extract
from geo.ingest.batch import BatchDigest
from geo.ingest.commit import commit_results
from geo.ingest.stored import read_for_commit
from geo.store.format import shown_name
from geo.store.store import Store
from geo.text.articles import Article, read_article
from geo.text.dates import EVENT_YEARS_BEFORE_PUBLICATION
from geo.text.decoding import ArticleError
from geo.text.mentions import PlaceFinder, default_finder

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


ProgressCallback = Callable[[int, int, str], None]
_T = TypeVar("_T")


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
    report = report_of((), version, skipped=skipped, duplicates=duplicates, started=started)
    if batch is None:
        return report
    return replace(
        report,
        articles=len(batch.article_ids),
        places=len(batch.place_mentions),
        events=len(batch.events),
        offices=len(batch.office_reports),
        warnings=tuple((source, warning) for _, source, warning in batch.warnings),
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
