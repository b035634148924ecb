"""Keep the list of followed feeds in the store directory: schedule, last poll, status, memory.

The list is ``STORE/feeds.json`` (:data:`REGISTRY_FILE`), one small JSON document::

    {"format": 1, "feeds": [{"url": "https://example.com/world.rss", "name": "Example world",
      "every": 1800, "added_at": "…", "last_poll": "…", "next_poll": "…", "status": "ok",
      "message": "", "etag": "…", "last_modified": "…", "items_seen": 120,
      "articles_added": 37, "failures": 0, "seen": ["example.com/story", …],
      "retry": [["https://example.com/late", 1]]}]}

It is replaced atomically (a temporary file renamed over it) under its own lock
(``STORE/.feeds.lock``), and every change re-reads it under that lock, so ``feeds add`` and a
running ``watch`` never lose each other's changes. ``seen`` keeps the address keys of the
last :data:`SEEN_LIMIT` items handled (so they are not fetched again); ``retry`` the items
that failed for a passing reason, with the number of tries (given up after
:data:`MAX_ITEM_TRIES`).
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Final, TypedDict

import filelock

from geo.errors import FaultlinesError
from geo.ingest.urls import is_web_url
from geo.store.format import write_atomic

__all__ = [
    "DEFAULT_EVERY",
    "MAX_ITEMS_PER_FEED",
    "MAX_ITEM_TRIES",
    "MIN_EVERY",
    "REGISTRY_FILE",
    "SEEN_LIMIT",
    "Feed",
    "RegistryError",
    "add_feed",
    "format_every",
    "load_feeds",
    "parse_every",
    "remove_feed",
    "update_feeds",
]

#: The feed list's file name inside the store directory.
REGISTRY_FILE: Final = "feeds.json"
#: Seconds between two polls of a feed unless told (30 minutes).
DEFAULT_EVERY: Final = 30 * 60
#: Shortest interval a feed may be polled at (5 minutes), out of courtesy to its site.
MIN_EVERY: Final = 5 * 60
#: Longest wait after failures (a day); the wait doubles with each failure in a row.
MAX_BACKOFF: Final = 24 * 3600
#: Items read from one feed in one poll (the newest first, as feeds list them); kept here, not
#: in :mod:`geo.ingest.feeds`, so that reading the feed list imports no fetching or ingest code.
MAX_ITEMS_PER_FEED: Final = 200
#: Item keys remembered per feed.
SEEN_LIMIT: Final = 2 * MAX_ITEMS_PER_FEED
#: Polls an item failing for a passing reason (5xx, timeout) is tried in.
MAX_ITEM_TRIES: Final = 3

_FORMAT: Final = 1
_LOCK_TIMEOUT: Final = 30.0
_EVERY_PART: Final = re.compile(r"(\d+)\s*([smhd])", re.IGNORECASE)
_UNIT_SECONDS: Final = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class RegistryError(FaultlinesError, ValueError):
    """A feed list that cannot be read or changed as asked; the message is one line."""


@dataclass(frozen=True, slots=True)
class Feed:
    """A followed feed: where, how often, and how its polls went.

    Attributes
    ----------
    url
        The feed's address.
    name
        A short name to show (the feed's title when not given).
    every
        Seconds between polls.
    added_at, last_poll, next_poll
        When it was added, last polled (None: never), and is next due (UTC).
    status
        ``new``, ``ok`` (read), ``not_modified`` (a 304) or ``failed``.
    message
        Why the last poll failed, or what it brought.
    etag, last_modified
        Validators of the last answer, for conditional requests.
    items_seen
        Distinct items the feed has listed since it was added.
    articles_added
        Articles its items brought into the store.
    failures
        Failed polls in a row (the wait before the next one doubles with each).
    seen
        Address keys of the items handled most recently, newest first.
    retry
        Items to try again, with the tries so far.
    """

    url: str
    name: str
    every: int = DEFAULT_EVERY
    added_at: datetime.datetime | None = None
    last_poll: datetime.datetime | None = None
    next_poll: datetime.datetime | None = None
    status: str = "new"
    message: str = ""
    etag: str | None = None
    last_modified: str | None = None
    items_seen: int = 0
    articles_added: int = 0
    failures: int = 0
    seen: tuple[str, ...] = ()
    retry: tuple[tuple[str, int], ...] = ()

    def due(self, now: datetime.datetime) -> bool:
        """Return whether the feed should be polled at `now`."""
        return self.next_poll is None or self.next_poll <= now


def parse_every(text: str) -> int:
    """Return the seconds in an interval such as ``"30m"``, ``"2h"``, ``"1h30m"`` or ``"1d"``.

    Raises
    ------
    RegistryError
        If `text` is not such an interval, or is shorter than :data:`MIN_EVERY`.
    """
    compact = "".join(text.split()).lower()
    parts = _EVERY_PART.findall(compact)
    if not compact or "".join(f"{n}{u}" for n, u in parts) != compact:
        raise RegistryError(f"{text!r} is not an interval like 30m, 2h, 1h30m or 1d")
    seconds = sum(int(number) * _UNIT_SECONDS[unit] for number, unit in parts)
    if seconds < MIN_EVERY:
        shortest = format_every(MIN_EVERY)
        raise RegistryError(f"{text!r} is too often; poll a feed at most every {shortest}")
    return seconds


def format_every(seconds: int) -> str:
    """Return an interval in the form `parse_every` reads (``1800`` → ``"30m"``)."""
    parts = []
    for unit in ("d", "h", "m", "s"):
        count, seconds = divmod(seconds, _UNIT_SECONDS[unit])
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts) or "0s"


def registry_path(store_dir: Path) -> Path:
    """Return where the feed list of the store at `store_dir` lives."""
    return Path(store_dir) / REGISTRY_FILE


def load_feeds(store_dir: Path) -> list[Feed]:
    """Return the followed feeds, in the order they were added (none when there is no list).

    Raises
    ------
    RegistryError
        If the list cannot be read.
    """
    return _read(registry_path(store_dir))


def add_feed(
    store_dir: Path,
    url: str,
    *,
    every: int = DEFAULT_EVERY,
    name: str | None = None,
    now: datetime.datetime | None = None,
) -> Feed:
    """Follow the feed at `url`, first polled at once, then every `every` seconds.

    Raises
    ------
    RegistryError
        If `url` is not an http(s) address, is followed already, or `every` is too short.
    """
    url = url.strip()
    if not is_web_url(url):
        raise RegistryError(f"{url!r} is not an http(s) address")
    if every < MIN_EVERY:
        raise RegistryError(f"poll a feed at most every {format_every(MIN_EVERY)}")
    now = now or _now()
    feed = Feed(
        url=url,
        name=" ".join((name or "").split()) or url,
        every=every,
        added_at=now,
        next_poll=now,
    )
    with _locked(store_dir) as path:
        feeds = _read(path)
        if any(f.url == url for f in feeds):
            raise RegistryError(f"{url} is followed already")
        _write(path, [*feeds, feed])
    return feed


def remove_feed(store_dir: Path, which: str) -> Feed:
    """Stop following a feed, given by address or name; return it.

    Raises
    ------
    RegistryError
        If no feed, or more than one, has that address or name.
    """
    with _locked(store_dir) as path:
        feeds = _read(path)
        matches = [f for f in feeds if which.strip() in {f.url, f.name}]
        if not matches:
            raise RegistryError(f"no followed feed is called {which!r}")
        if len(matches) > 1:
            raise RegistryError(f"{len(matches)} feeds are called {which!r}; give the address")
        _write(path, [f for f in feeds if f is not matches[0]])
    return matches[0]


def update_feeds(store_dir: Path, changes: Mapping[str, Callable[[Feed], Feed]]) -> list[Feed]:
    """Apply a change to each feed named by address, on the list as it is now; return it.

    Feeds removed meanwhile are left removed.
    """
    with _locked(store_dir) as path:
        feeds = [changes[f.url](f) if f.url in changes else f for f in _read(path)]
        _write(path, feeds)
    return feeds


def remember(feed: Feed, keys: Sequence[str]) -> Feed:
    """Return `feed` with item keys added to `Feed.seen` (newest first, bounded)."""
    known = set(feed.seen)
    fresh = [key for key in dict.fromkeys(keys) if key not in known]
    seen = (*fresh, *feed.seen)[:SEEN_LIMIT]
    return replace(feed, seen=seen, items_seen=feed.items_seen + len(fresh))


def backoff(feed: Feed) -> datetime.timedelta:
    """Return the wait before the next poll: `Feed.every`, doubled per failure in a row."""
    factor = 2 ** min(max(feed.failures - 1, 0), 16)
    return datetime.timedelta(seconds=min(feed.every * factor, max(MAX_BACKOFF, feed.every)))


# --- file ----------------------------------------------------------------------------------


@contextmanager
def _locked(store_dir: Path) -> Iterator[Path]:
    directory = Path(store_dir)
    directory.mkdir(parents=True, exist_ok=True)
    lock = filelock.FileLock(directory / ".feeds.lock", timeout=_LOCK_TIMEOUT)
    try:
        with lock:
            yield registry_path(directory)
    except filelock.Timeout:
        raise RegistryError(f"the feed list in {str(directory)!r} is busy; try again") from None


def _read(path: Path) -> list[Feed]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as error:
        raise RegistryError(f"{str(path)!r} cannot be read ({error})") from error
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise RegistryError(
            f"{str(path)!r} is not valid JSON (line {error.lineno}); fix or remove it"
        ) from error
    if not isinstance(data, dict) or data.get("format") != _FORMAT:
        raise RegistryError(f"{str(path)!r} is not a feed list of format {_FORMAT}")
    try:
        return [_feed_from_json(entry) for entry in data.get("feeds", [])]
    except (KeyError, TypeError, ValueError) as error:
        raise RegistryError(f"{str(path)!r} holds a malformed feed ({error!r})") from error


def _write(path: Path, feeds: Sequence[Feed]) -> None:
    document = {"format": _FORMAT, "feeds": [_feed_to_json(feed) for feed in feeds]}
    write_atomic(path, (json.dumps(document, indent=1, ensure_ascii=False) + "\n").encode())


class _FeedJson(TypedDict, total=False):
    """One feed as ``feeds.json`` holds it: a `Feed`, times as ISO strings, pairs as lists."""

    url: str
    name: str
    every: int
    added_at: str | None
    last_poll: str | None
    next_poll: str | None
    status: str
    message: str
    etag: str | None
    last_modified: str | None
    items_seen: int
    articles_added: int
    failures: int
    seen: list[str]
    retry: list[tuple[str, int]]


def _feed_to_json(feed: Feed) -> dict[str, object]:
    data: dict[str, object] = asdict(feed)
    for name in ("added_at", "last_poll", "next_poll"):
        value = getattr(feed, name)
        data[name] = value.isoformat() if value is not None else None
    data["seen"] = list(feed.seen)
    data["retry"] = [list(pair) for pair in feed.retry]
    return data


def _time_from_json(value: str | None) -> datetime.datetime | None:
    return datetime.datetime.fromisoformat(value) if value else None


def _feed_from_json(data: _FeedJson) -> Feed:
    times = {
        "added_at": _time_from_json(data.get("added_at")),
        "last_poll": _time_from_json(data.get("last_poll")),
        "next_poll": _time_from_json(data.get("next_poll")),
    }
    return Feed(
        url=str(data["url"]),
        name=str(data.get("name") or data["url"]),
        every=int(data.get("every", DEFAULT_EVERY)),
        status=str(data.get("status", "new")),
        message=str(data.get("message", "")),
        etag=data.get("etag"),
        last_modified=data.get("last_modified"),
        items_seen=int(data.get("items_seen", 0)),
        articles_added=int(data.get("articles_added", 0)),
        failures=int(data.get("failures", 0)),
        seen=tuple(str(key) for key in data.get("seen", ())),
        retry=tuple((str(url), int(tries)) for url, tries in data.get("retry", ())),
        **times,
    )


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)
