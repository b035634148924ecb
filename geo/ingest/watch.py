"""Poll the followed feeds on their schedules and bring what is new into the store.

:func:`poll_due` polls every feed that is due (:mod:`geo.ingest.registry`) in one pass: the
feeds are fetched conditionally (a feed that has not changed answers 304 and costs nothing),
new items are read (:func:`geo.ingest.feeds.gather`) and everything new goes into the store
as one version (:func:`geo.ingest.pipeline.ingest_articles`). Only after that version is
written does the feed list take the new validators, items and statuses; if the write fails,
no feed forgets anything and the next pass reads the same items again.

:func:`watch` repeats passes until stopped (``python -m geo watch``), sleeping until the next
feed is due (and at most a minute, so feeds added meanwhile are seen); with ``once`` it makes
one pass (``python -m geo watch --once``, for cron); with ``only`` that pass polls the feeds
named, due or not (the dashboard's "Poll now"). :class:`Watcher` runs the same loop in a
background thread of an ordinary process.
"""

from __future__ import annotations

import datetime
import threading
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Final

import filelock

from geo.errors import FaultlinesError
from geo.ingest.feeds import (
    ItemReport,
    SourceReport,
    SourceRequest,
    WebIngestReport,
    gather,
    known_in_store,
)
from geo.ingest.fetch import Fetcher
from geo.ingest.pipeline import IngestReport, ingest_articles
from geo.ingest.registry import (
    MAX_ITEM_TRIES,
    Feed,
    backoff,
    load_feeds,
    remember,
    update_feeds,
)
from geo.store.store import Store, StoreError
from geo.text.mentions import PlaceFinder

__all__ = ["PollReport", "Watcher", "WatcherBusyError", "poll_due", "watch"]

#: Longest sleep between two looks at the feed list, in seconds.
MAX_SLEEP: Final = 60.0

Log = Callable[[str], None]


class WatcherBusyError(FaultlinesError, RuntimeError):
    """Another watcher already polls the store's feeds."""


@dataclass(frozen=True, slots=True)
class PollReport:
    """One pass over the due feeds: the ingest, and what each feed brought."""

    web: WebIngestReport
    polled: int
    error: str | None = None

    def summary(self) -> str:
        """Return the per-feed lines and the ingest summary (or the error that stopped it)."""
        if self.polled == 0:
            return "no feed is due"
        text = self.web.summary()
        return f"{text}\nerror: {self.error}" if self.error else text


def poll_due(
    store: Store,
    *,
    fetcher: Fetcher,
    finder: PlaceFinder | None = None,
    now: datetime.datetime | None = None,
    only: Collection[str] | None = None,
) -> PollReport:
    """Poll the feeds of `store` that are due at `now`, ingest what is new, update the list.

    With `only` (feed addresses), the feeds named are polled whether due or not, and no other.
    """
    now = now or datetime.datetime.now(datetime.UTC)
    started = time.perf_counter()
    due = [
        feed
        for feed in load_feeds(store.root)
        if (feed.due(now) if only is None else feed.url in only)
    ]
    requests_before, not_modified_before = fetcher.requests, fetcher.not_modified
    if not due:
        return PollReport(WebIngestReport(_empty(store, started)), polled=0)
    requests = [
        SourceRequest(
            feed.url,
            feed_only=True,
            etag=feed.etag,
            last_modified=feed.last_modified,
            seen=frozenset(feed.seen),
            retry=tuple(url for url, _ in feed.retry),
        )
        for feed in due
    ]
    articles, reports = gather(requests, fetcher, known=lambda: known_in_store(store))
    duplicates = sum(i.outcome in {"duplicate", "stored"} for r in reports for i in r.items)
    error = None
    try:
        if not articles:  # nothing to write: the store is not read
            ingest = replace(_empty(store, started), duplicates=duplicates)
        else:
            ingest = ingest_articles(
                articles,
                store,
                finder=finder,
                duplicates=duplicates,
                started=started,
            )
    except (StoreError, OSError) as failure:
        error = f"the store could not be written ({failure}); the feeds keep their state"
        ingest = _empty(store, started)
    changes = {
        feed.url: _after(report, now=now, error=error)
        for feed, report in zip(due, reports, strict=True)
    }
    update_feeds(store.root, changes)
    web = WebIngestReport(
        ingest,
        tuple(reports),
        requests=fetcher.requests - requests_before,
        not_modified=fetcher.not_modified - not_modified_before,
    )
    return PollReport(web, polled=len(due), error=error)


def _empty(store: Store, started: float) -> IngestReport:
    return IngestReport(
        articles=0,
        duplicates=0,
        places=0,
        events=0,
        offices=0,
        version=store.current_version(),
        seconds=time.perf_counter() - started,
    )


def _after(
    report: SourceReport, *, now: datetime.datetime, error: str | None
) -> Callable[[Feed], Feed]:
    """Return the change a poll makes to its feed's entry in the list."""

    def change(feed: Feed) -> Feed:
        if error is not None or report.outcome == "failed":
            failed = replace(
                feed,
                last_poll=now,
                status="failed",
                message=error or report.reason,
                failures=feed.failures + 1,
            )
            return replace(failed, next_poll=now + backoff(failed))
        done, retry = _settled(report.items, dict(feed.retry))
        added = sum(item.outcome == "added" for item in report.items)
        failed_items = sum(item.outcome == "failed" for item in report.items)
        message = f"{added} new article(s)" + (
            f", {failed_items} item(s) failed" if failed_items else ""
        )
        polled = replace(
            remember(feed, done),
            last_poll=now,
            next_poll=now + datetime.timedelta(seconds=feed.every),
            status="ok" if report.outcome == "read" else "not_modified",
            message=message,
            etag=report.etag or (feed.etag if report.outcome == "not_modified" else None),
            last_modified=report.last_modified
            or (feed.last_modified if report.outcome == "not_modified" else None),
            articles_added=feed.articles_added + added,
            failures=0,
            retry=tuple(retry.items()),
        )
        return polled

    return change


def _settled(
    items: Sequence[ItemReport], tries: dict[str, int]
) -> tuple[list[str], dict[str, int]]:
    """Return the keys of items done with (to remember) and the items to try again."""
    done: list[str] = []
    retry = dict(tries)
    for item in items:
        if item.outcome == "failed" and item.transient:
            count = retry.get(item.url, 0) + 1
            if count < MAX_ITEM_TRIES:
                retry[item.url] = count
                continue
        retry.pop(item.url, None)
        done.append(item.key)
    return done, retry


def watch(
    store_dir: Path,
    *,
    once: bool = False,
    fetcher: Fetcher | None = None,
    finder: PlaceFinder | None = None,
    stop: threading.Event | None = None,
    log: Log | None = None,
    only: Collection[str] | None = None,
) -> int:
    """Poll due feeds until `stop` is set (or once); return the number of passes made.

    One watcher at a time polls a store (``STORE/.watch.lock``), so an overlapping cron run or
    a second service cannot fetch the same pages twice.

    Parameters
    ----------
    store_dir
        The store (its ``feeds.json`` lists the feeds).
    once
        Make one pass and return.
    fetcher
        Fetches politely (a default one when None).
    finder
        The place finder (the default one, loaded at the first new article, when None).
    stop
        Set it to end the loop (a pass under way finishes).
    log
        Receives each pass's summary.
    only
        Poll these feeds (by address) in each pass, due or not, and no other.

    Raises
    ------
    WatcherBusyError
        If another watcher polls this store.
    """
    stop = stop or threading.Event()
    store = Store.open(store_dir)
    lock = filelock.FileLock(store.root / ".watch.lock", timeout=0)
    try:
        lock.acquire()
    except filelock.Timeout:
        message = f"another watcher is polling the feeds of {str(store.root)!r}"
        raise WatcherBusyError(message) from None
    own = fetcher is None
    fetcher = fetcher or Fetcher()
    passes = 0
    try:
        while not stop.is_set():
            report = poll_due(store, fetcher=fetcher, finder=finder, only=only)
            passes += 1
            if log is not None and report.polled:
                log(report.summary())
            if once:
                break
            stop.wait(_sleep_for(store_dir))
    finally:
        if own:
            fetcher.close()
        lock.release()
    return passes


def _sleep_for(store_dir: Path) -> float:
    feeds = load_feeds(store_dir)
    now = datetime.datetime.now(datetime.UTC)
    waits = [(f.next_poll - now).total_seconds() for f in feeds if f.next_poll is not None]
    return min(max(min(waits, default=MAX_SLEEP), 1.0), MAX_SLEEP)


class Watcher:
    """Run :func:`watch` in a background thread of this process.

    Parameters
    ----------
    store_dir
        The store.
    fetcher, finder, log
        As for :func:`watch`.
    """

    def __init__(
        self,
        store_dir: Path,
        *,
        fetcher: Fetcher | None = None,
        finder: PlaceFinder | None = None,
        log: Log | None = None,
    ) -> None:
        self._stop = threading.Event()
        self.errors: list[str] = []
        """Errors that ended a pass (the loop goes on)."""

        def run() -> None:
            while not self._stop.is_set():
                try:
                    watch(store_dir, fetcher=fetcher, finder=finder, stop=self._stop, log=log)
                except Exception as error:  # a bad feed list or store: note it, try later
                    self.errors.append(f"{type(error).__name__}: {error}")
                    self._stop.wait(MAX_SLEEP)

        self._thread = threading.Thread(target=run, name="faultlines-watch", daemon=True)

    def start(self) -> Watcher:
        """Start polling in the background."""
        self._thread.start()
        return self

    def stop(self, timeout: float | None = None) -> None:
        """Ask the loop to end and wait for the pass under way (up to `timeout` seconds)."""
        self._stop.set()
        self._thread.join(timeout)
