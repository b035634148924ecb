"""Tell a reader what is new since their last visit: a count to show, events to highlight.

**Where the last visit is kept.** In a cookie of the reader's browser
(:data:`VISIT_COOKIE`), holding one moment: when that browser last looked at the map. It is
the right place because it belongs to the browser and to no one else; it works offline (the
browser keeps it, no service is asked, nothing leaves the machine); the server reads it
with the first request of a visit (``st.context.cookies``), so the count is on the page
from its first run, with no extra round trip; and it is not in the address, so a share
link stays exactly the view it names and restores the same thing for everyone (a query
parameter would have to be either in every share link or lost on reload). Streamlit's
session state alone would not do: it ends with the browser tab.

**What a visit remembers.** :func:`begin_visit` reads the cookie when a session starts
(:class:`Visit`: the previous visit, and when this one began). :func:`news_since` counts the
events of the data on the page whose article entered the store after the previous visit
(``ingested_at``; the bundled seeds have none and are never new). :func:`remember_visit`
returns the small script that writes the cookie back: the later of this visit's start and
the newest article on the page, so data seen after a "Show the latest data" is not new next
time, while data that arrived unseen (the page kept its link's version) still is.

:func:`new_since` answers the same question against the store itself, from a moment or from a
store version the reader saw (for callers without a dataset at hand).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

import pandas as pd

from geo.store.store import Store
from geo.view.first_view import VISIT_COOKIE

__all__ = [
    "VISIT_COOKIE",
    "NewArticles",
    "News",
    "Visit",
    "banner",
    "begin_visit",
    "new_since",
    "news_since",
    "remember_visit",
]

#: How long the browser keeps it: 400 days, the longest Chromium allows.
VISIT_COOKIE_SECONDS: Final = 400 * 86_400
_MICROS: Final = re.compile(r"[0-9]{1,19}")
_EPOCH: Final = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
_EARLIEST: Final = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
#: A remembered visit later than now by more than this is not believed (another clock).
_FUTURE: Final = datetime.timedelta(days=1)
_BANNER_STYLE: Final = (
    "padding: 0.75rem 1rem; border-radius: 0.5rem; background: #dcefdc; color: #1e4620; "
    "border-left: 4px solid #2e9d4f"
)


@dataclass(frozen=True, slots=True)
class Visit:
    """A browser's visit: when it last looked before (None: never, or not known), and now."""

    previous: datetime.datetime | None
    started: datetime.datetime


@dataclass(frozen=True, slots=True)
class News:
    """The events on the page that are new since the previous visit.

    Attributes
    ----------
    since
        The previous visit (None: a first visit, so nothing is new).
    event_ids
        The new events' ids.
    articles
        How many articles they come from.
    """

    since: datetime.datetime | None
    event_ids: frozenset[str] = frozenset()
    articles: int = 0

    @property
    def count(self) -> int:
        """How many events are new."""
        return len(self.event_ids)

    def message(self) -> str:
        """Return the sentence to show ("3 new events since your last visit …"), "" for none."""
        if not self.count:
            return ""
        events = "1 new event" if self.count == 1 else f"{self.count} new events"
        sources = "1 article" if self.articles == 1 else f"{self.articles} articles"
        return (
            f"{events} since your last visit ({sources}): shaded green in the list, ringed in "
            "green on the map (zoom in where markers cluster)."
        )


def begin_visit(cookies: Mapping[str, str], *, now: datetime.datetime | None = None) -> Visit:
    """Return the visit starting now, with the previous one read from the browser's cookies.

    A cookie that is not ours (not a number, before 2000, or later than tomorrow) counts as
    no previous visit.
    """
    now = now or datetime.datetime.now(datetime.UTC)
    value = str(cookies.get(VISIT_COOKIE, "") or "").strip()
    previous = None
    if _MICROS.fullmatch(value):
        moment = _EPOCH + datetime.timedelta(microseconds=int(value))
        if _EARLIEST <= moment <= now + _FUTURE:
            previous = moment
    return Visit(previous, now)


def news_since(visit: Visit, events: pd.DataFrame | None, articles: pd.DataFrame | None) -> News:
    """Return the events (of `events`) whose article entered the store after the last visit.

    Parameters
    ----------
    visit
        The visit; with no previous one nothing is new.
    events
        The events on the page (``id``, ``article_id``).
    articles
        Their articles (``id``, ``ingested_at``; a missing or ``NaT`` time is never new).
    """
    if visit.previous is None or events is None or articles is None:
        return News(visit.previous)
    fresh = set(_ingested_after(articles, visit.previous)["id"].astype(str))
    if not fresh or not len(events):
        return News(visit.previous)
    chosen = events[events["article_id"].astype(str).isin(fresh)]
    return News(visit.previous, frozenset(chosen["id"].astype(str)), chosen["article_id"].nunique())


def remember_visit(visit: Visit, articles: pd.DataFrame | None) -> str:
    """Return a ``<script>`` that keeps this visit in the browser's cookie (see the module).

    The moment kept is the later of the visit's start and the newest article on the page;
    only digits are written into the script.
    """
    moment = visit.started
    if articles is not None and len(articles) and "ingested_at" in articles.columns:
        newest = pd.to_datetime(articles["ingested_at"], utc=True).max()
        if not pd.isna(newest):
            moment = max(moment, newest.to_pydatetime())
    micros = (moment.astimezone(datetime.UTC) - _EPOCH) // datetime.timedelta(microseconds=1)
    cookie = f"{VISIT_COOKIE}={micros}; Max-Age={VISIT_COOKIE_SECONDS}; Path=/; SameSite=Lax"
    return f'<script>document.cookie = "{cookie}";</script>'


def banner(news: News, visit: Visit, articles: pd.DataFrame | None) -> str:
    """Return the HTML the page shows for what is new: the count, and the cookie's script.

    The count is a line of our own words and numbers (:meth:`News.message`), none when
    nothing is new; the script keeps this visit (:func:`remember_visit`).
    """
    message = news.message()
    shown = f'<div class="fl-news" style="{_BANNER_STYLE}">{message}</div>' if message else ""
    return shown + remember_visit(visit, articles)


def _ingested_after(frame: pd.DataFrame, moment: datetime.datetime) -> pd.DataFrame:
    """Return the rows of an articles frame that entered the store after `moment`."""
    if not len(frame) or "ingested_at" not in frame.columns:
        return frame.iloc[0:0]
    stamp = pd.Timestamp(moment)
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    stamps = pd.to_datetime(frame["ingested_at"], utc=True)
    return frame.assign(stamp=stamps)[stamps > stamp].sort_values(["stamp", "id"])


@dataclass(frozen=True, slots=True)
class NewArticles:
    """Articles that entered the store after `since` (None: nothing to compare with)."""

    since: datetime.datetime | None
    article_ids: tuple[str, ...] = ()

    @property
    def count(self) -> int:
        """How many articles are new."""
        return len(self.article_ids)


def new_since(
    store: Store,
    *,
    since: datetime.datetime | None = None,
    version: str | None = None,
) -> NewArticles:
    """Return the articles of the current version that entered the store after a moment.

    Parameters
    ----------
    store
        The store.
    since
        The moment (naive times are taken as UTC).
    version
        A version the reader saw: its creation time is the moment (wins over `since` when the
        store still holds it).

    Returns
    -------
    NewArticles
        The ids of the new articles, oldest first; none when neither moment is known.
    """
    if version is not None and store.has_version(version):
        manifest = store.manifest(version)
        if manifest is not None:
            since = manifest.created_at
    if since is None or store.current_version() is None:
        return NewArticles(since)
    frame = store.read_layer("articles", columns=["id", "ingested_at"])
    fresh = _ingested_after(frame, since)
    return NewArticles(since, tuple(str(i) for i in fresh["id"]))
