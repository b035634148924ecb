"""What a commit needs of a batch of new articles besides the rows it appends.

A commit (:func:`geo.ingest.commit.commit_results`) appends the batch's events and articles
and writes the small layers again: offices and places merged with the stored ones, the zones,
their tables and the page's summary updated with the new events. For those it needs, of the
batch, only a :class:`BatchDigest`: the office reports, the place mentions, and a few columns
of the events (`DIGEST_EVENT_COLUMNS`). A distributed ingest's workers write the rows
themselves and send the client just their digests (:mod:`geo.ingest.distributed`).
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import geopandas as gpd
import pandas as pd

from geo.ingest.stored import SUMMARY_EVENT_COLUMNS, TALLY_EVENT_COLUMNS
from geo.records import Office

if TYPE_CHECKING:
    from geo.ingest.pipeline import ArticleResult

__all__ = ["DIGEST_EVENT_COLUMNS", "BatchDigest", "OfficeReport", "digest_of", "joined_digests"]

#: The event columns the zones, their tables and the summary read of a batch's events (with
#: the geometry); ``article_id`` tells which article each came from.
DIGEST_EVENT_COLUMNS: Final = tuple(
    dict.fromkeys(("id", "article_id", *TALLY_EVENT_COLUMNS, *SUMMARY_EVENT_COLUMNS))
)


@dataclass(frozen=True, slots=True)
class OfficeReport:
    """One office as an article reports it, and the article's publication date."""

    article_id: str
    office: Office
    published: datetime.date | None


@dataclass(frozen=True, slots=True, eq=False)
class BatchDigest:
    """What a commit needs of a batch, in the order of its articles.

    Attributes
    ----------
    article_ids
        The batch's articles.
    events
        Their events: at least `DIGEST_EVENT_COLUMNS` and the geometry.
    place_mentions
        ``(article id, place id)`` per place mention.
    office_reports
        The offices the articles report.
    warnings
        ``(article id, source, warning)`` per warning of an article.
    """

    article_ids: tuple[str, ...]
    events: gpd.GeoDataFrame
    place_mentions: tuple[tuple[str, str], ...]
    office_reports: tuple[OfficeReport, ...]
    warnings: tuple[tuple[str, str, str], ...]

    def narrowed(self) -> BatchDigest:
        """Return the digest with only the event columns a commit reads (to send it away)."""
        columns = [c for c in (*DIGEST_EVENT_COLUMNS, "geometry") if c in self.events.columns]
        events = self.events[columns]
        return BatchDigest(
            self.article_ids, events, self.place_mentions, self.office_reports, self.warnings
        )

    def without(self, article_ids: Collection[str]) -> BatchDigest:
        """Return the digest without what `article_ids` brought (articles stored meanwhile)."""
        gone = set(article_ids)
        if not gone.intersection(self.article_ids):
            return self
        keep = ~self.events["article_id"].isin(sorted(gone)).to_numpy(dtype=bool)
        events = self.events[keep].reset_index(drop=True)
        return BatchDigest(
            article_ids=tuple(a for a in self.article_ids if a not in gone),
            events=events,
            place_mentions=tuple(m for m in self.place_mentions if m[0] not in gone),
            office_reports=tuple(r for r in self.office_reports if r.article_id not in gone),
            warnings=tuple(w for w in self.warnings if w[0] not in gone),
        )

    def place_counts(self) -> dict[str, tuple[int, set[str]]]:
        """Return per place its mentions and the articles that mention it."""
        counts: dict[str, tuple[int, set[str]]] = {}
        for article_id, place_id in self.place_mentions:
            count, articles = counts.get(place_id, (0, set()))
            articles.add(article_id)
            counts[place_id] = (count + 1, articles)
        return counts

    def reports(self) -> list[tuple[Office, datetime.date | None]]:
        """Return the office reports with their dates, in order."""
        return [(report.office, report.published) for report in self.office_reports]


def digest_of(results: Sequence[ArticleResult], events: gpd.GeoDataFrame) -> BatchDigest:
    """Return the digest of `results`, whose events layer frame is `events`."""
    return BatchDigest(
        article_ids=tuple(r.article.id for r in results),
        events=events,
        place_mentions=tuple(
            (r.article.id, mention.place.id)
            for r in results
            for mention in r.extraction.mentions.places
        ),
        office_reports=tuple(
            OfficeReport(r.article.id, office, r.article.published)
            for r in results
            for office in r.extraction.offices
        ),
        warnings=tuple(
            (r.article.id, r.article.source, warning)
            for r in results
            for warning in r.article.warnings
        ),
    )


def joined_digests(digests: Iterable[BatchDigest]) -> BatchDigest | None:
    """Return the digests one after the other as one (None when there are none)."""
    digests = [d for d in digests if d.article_ids]
    if not digests:
        return None
    if len(digests) == 1:
        return digests[0]
    frames = [d.events for d in digests if len(d.events)] or [digests[0].events]
    events = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return BatchDigest(
        article_ids=tuple(a for d in digests for a in d.article_ids),
        events=events,
        place_mentions=tuple(m for d in digests for m in d.place_mentions),
        office_reports=tuple(r for d in digests for r in d.office_reports),
        warnings=tuple(w for d in digests for w in d.warnings),
    )
