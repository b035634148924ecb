"""Run the dashboard's Feeds panel without Streamlit: the followed feeds, and what editors do.

``dashboard.py`` draws the widgets; everything they show or do is here, tested without a
browser. :func:`feed_list` gives the feeds as a table (name, address, interval, last poll,
status, items seen, articles added, next poll); :func:`add_from_form`, :func:`remove` and
:func:`poll_now` do an editor's Add, Remove and Poll now, each answered with a :class:`Note`
of plain lines (the dashboard escapes them before they reach Markdown).

The list is the one ``python -m geo feeds`` keeps (:mod:`geo.ingest.registry`, in the store
directory), with the same checks. "Poll now" is one pass of ``python -m geo watch --once``
that polls only that feed, due or not (:func:`geo.ingest.watch.watch` with ``only``): the same
polite fetcher, the same ingest, the same lock, so it never fetches beside a running watcher.
When another watcher holds that lock, the feed is made due instead: a running ``watch``
polls it within a minute (:data:`geo.ingest.watch.MAX_SLEEP`), a cron ``watch --once`` at its
next pass.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final

import pandas as pd

from geo.ingest.fetch import Fetcher
from geo.ingest.registry import (
    DEFAULT_EVERY,
    Feed,
    RegistryError,
    add_feed,
    format_every,
    load_feeds,
    parse_every,
    remove_feed,
    update_feeds,
)
from geo.ingest.urls import is_web_url
from geo.ingest.watch import MAX_SLEEP, WatcherBusyError, watch
from geo.store.store import Store, StoreError
from geo.text.mentions import PlaceFinder

__all__ = [
    "FEED_COLUMNS",
    "FeedList",
    "Note",
    "add_from_form",
    "feed_list",
    "poll_now",
    "remove",
]

#: The columns of the feed table, in order.
FEED_COLUMNS: Final = (
    "name",
    "address",
    "every",
    "last poll",
    "status",
    "items seen",
    "articles added",
    "next poll",
)
_STATUS_WORDS: Final = {
    "new": "not polled yet",
    "ok": "ok",
    "not_modified": "not modified",
    "failed": "failed",
}


@dataclass(frozen=True, slots=True)
class Note:
    """What the panel says after an action: plain lines, and whether the action failed."""

    lines: tuple[str, ...]
    failed: bool = False


@dataclass(frozen=True, slots=True)
class FeedList:
    """The followed feeds as the panel shows them.

    Attributes
    ----------
    table
        One row per feed, columns :data:`FEED_COLUMNS` (no rows when none is followed).
    names
        Address → name, in the order the feeds were added (what a feed is chosen by).
    problem
        Why the list could not be read, if it could not (the table is empty then).
    """

    table: pd.DataFrame
    names: dict[str, str] = field(default_factory=dict)
    problem: Note | None = None


def feed_list(store_dir: Path, *, now: datetime.datetime | None = None) -> FeedList:
    """Return the feeds the store follows, as rows to show; a damaged list is a note."""
    try:
        feeds = load_feeds(store_dir)
    except RegistryError as error:
        fix = f"fix or remove it: {error}"
        return FeedList(_table([]), problem=Note((f"The feed list cannot be read; {fix}",), True))
    now = now or datetime.datetime.now(datetime.UTC)
    return FeedList(_table([_row(feed, now) for feed in feeds]), {f.url: f.name for f in feeds})


def _table(rows: list[dict[str, object]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(FEED_COLUMNS))


def _row(feed: Feed, now: datetime.datetime) -> dict[str, Any]:
    status = _STATUS_WORDS.get(feed.status, feed.status)
    return {
        "name": feed.name,
        "address": feed.url,
        "every": format_every(feed.every),
        "last poll": _moment(feed.last_poll) or "never",
        "status": f"{status}: {feed.message}" if feed.message else status,
        "items seen": feed.items_seen,
        "articles added": feed.articles_added,
        "next poll": "due now" if feed.due(now) else _moment(feed.next_poll),
    }


def _moment(moment: datetime.datetime | None) -> str:
    """Return a moment as ``2024-05-06 08:30 UTC`` ("" for none)."""
    if moment is None:
        return ""
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")


def add_from_form(
    store_dir: Path,
    url: str,
    name: str = "",
    every: str = "",
    *,
    now: datetime.datetime | None = None,
) -> Note:
    """Follow the feed an editor typed in: address, name (optional) and interval ("30m").

    Every refusal says what to change: an address that is no http(s) address, one followed
    already, an interval that cannot be read or is shorter than the courtesy minimum.
    """
    url = url.strip()
    if not url:
        return Note(("Give the feed's address: it starts with http:// or https://.",), True)
    if not is_web_url(url):
        return Note(
            (f"{url!r} is not a web address: a feed's starts with http:// or https://.",), True
        )
    try:
        seconds = parse_every(every) if every.strip() else DEFAULT_EVERY
    except RegistryError as error:
        return Note((f"Every: {error}.",), True)
    try:
        followed = {feed.url: feed.name for feed in load_feeds(store_dir)}
        if url in followed:
            return Note((f"{url} is followed already, as {followed[url]!r}.",), True)
        Store.open(store_dir)
        feed = add_feed(store_dir, url, every=seconds, name=name, now=now)
    except (RegistryError, StoreError, OSError) as error:
        return Note((f"The feed was not added: {error}",), True)
    return Note(
        (
            f"Following {feed.name!r} every {format_every(feed.every)}. It is read at the next "
            "pass of python -m geo watch, or now with Poll now.",
        )
    )


def remove(store_dir: Path, url: str) -> Note:
    """Stop following the feed at `url`; the articles it brought stay on the map."""
    try:
        feed = remove_feed(store_dir, url)
    except RegistryError as error:
        return Note((f"Nothing was removed: {error}",), True)
    return Note((f"No longer following {feed.name!r}; the articles it brought stay.",))


def poll_now(
    store_dir: Path,
    url: str,
    *,
    fetcher: Fetcher | None = None,
    finder: PlaceFinder | None = None,
    now: datetime.datetime | None = None,
) -> Note:
    """Poll the feed at `url` at once, as ``python -m geo watch --once`` would if it were due.

    Returns the pass's report, line by line, as the command prints it; the note has failed
    when the feed did. When a watcher is polling the store, the feed is made due instead.
    """
    lines: list[str] = []
    try:
        watch(store_dir, once=True, only={url}, fetcher=fetcher, finder=finder, log=lines.append)
    except WatcherBusyError:
        moment = now or datetime.datetime.now(datetime.UTC)
        try:
            update_feeds(store_dir, {url: lambda feed: replace(feed, next_poll=moment)})
        except RegistryError as error:
            return Note((f"The feed was not polled: {error}",), True)
        wait = f"{MAX_SLEEP:.0f} s"
        return Note(
            (
                "Another watcher is polling these feeds right now. This feed is now due: a "
                f"running python -m geo watch reads it within {wait}, a cron pass at its next.",
            )
        )
    except (RegistryError, StoreError, OSError) as error:
        return Note((f"The feed was not polled: {error}",), True)
    try:
        feed = next((f for f in load_feeds(store_dir) if f.url == url), None)
    except RegistryError as error:
        return Note((*lines, f"The feed list cannot be read: {error}"), True)
    if feed is None:
        return Note((f"{url} is not followed (removed meanwhile?); nothing was polled.",), True)
    report = tuple(line for text in lines for line in text.splitlines())
    return Note(report or (f"{feed.name}: {feed.message or feed.status}",), feed.status == "failed")
