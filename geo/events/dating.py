"""Date an event whose own clause names no date: from its sentence, paragraph or publication.

News often states the date once ("On Tuesday, ...") and reports the event in the next
sentence, or not at all for the day's news ("has opened its embassy"). :func:`fallback_date`
walks outward from the event: the rest of its sentence, then the sentences of its paragraph
(nearest before first, then the next one), then the publication. Each step says where the
date came from (:data:`geo.records.DateBasis`), so no event is left with a silent null and
none gets a day the text does not give:

* a date taken from the sentence or paragraph keeps its own interval and precision;
* with no date words at all, an event that happened is dated by its publication: the month
  of publication up to the publication day, precision ``month`` (what "earlier this month"
  means, :mod:`geo.text.dates`); a plan without a date stays undated.

Neighbouring dates are only taken when they are recent (within :data:`RECENT_DAYS` before
publication) and, for events that happened, not after publication: a paragraph's "in 2014"
dates history, not the day's news.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from geo.records import DateBasis
from geo.text.dates import DateInterval, DateMention, find_dates
from geo.text.sentences import Sentence

__all__ = ["RECENT_DAYS", "Dated", "SentenceDates", "fallback_date", "publication"]

#: A neighbouring sentence's date is borrowed only if it ends at most this many days before
#: publication.
RECENT_DAYS = 31


@dataclass(frozen=True, slots=True)
class Dated:
    """A date and where it was found."""

    interval: DateInterval
    basis: DateBasis


def publication(published: datetime.date | None, *, planned: bool) -> Dated:
    """Return the date of an event whose text gives none: its publication month so far."""
    if published is None or planned:
        return Dated(DateInterval.UNKNOWN, "none")
    return Dated(DateInterval(published.replace(day=1), published, "month"), "publication")


class SentenceDates:
    """The resolved date mentions of each sentence of one article, read once, on demand."""

    def __init__(
        self, text: str, sentences: Sequence[Sentence], published: datetime.date | None
    ) -> None:
        self._text = text
        self._sentences = sentences
        self._published = published
        self._cache: dict[int, list[DateMention]] = {}
        self._paragraph: list[int] = []
        paragraph = 0
        for index, sentence in enumerate(sentences):
            if index and "\n" in text[sentences[index - 1].end : sentence.start]:
                paragraph += 1
            self._paragraph.append(paragraph)

    def mentions(self, index: int) -> list[DateMention]:
        """Return the resolved date mentions of sentence `index` (offsets in the sentence)."""
        if index not in self._cache:
            found = find_dates(self._sentences[index].text, self._published)
            self._cache[index] = [m for m in found if m.interval.is_resolved]
        return self._cache[index]

    def neighbours(self, index: int) -> list[int]:
        """Return the sentences of `index`'s paragraph to look at: nearest before, then next."""
        paragraph = self._paragraph[index]
        before = [
            i for i in range(index - 1, max(-1, index - 4), -1) if self._paragraph[i] == paragraph
        ]
        after = index + 1
        if after < len(self._sentences) and self._paragraph[after] == paragraph:
            before.append(after)
        return before


def _usable(interval: DateInterval, published: datetime.date | None, *, planned: bool) -> bool:
    if published is None or interval.start is None or interval.end is None:
        return False
    if planned:
        return interval.end >= published
    recent = (published - interval.end).days <= RECENT_DAYS
    return recent and interval.end <= published and interval.precision in {"day", "month"}


def fallback_date(
    dates: SentenceDates,
    index: int,
    *,
    published: datetime.date | None,
    planned: bool,
) -> Dated:
    """Return the date of an event in sentence `index` whose clause names no date.

    Parameters
    ----------
    dates
        The article's sentence dates.
    index
        The event's sentence.
    published
        The publication date.
    planned
        Whether the event is a plan (then only future dates are borrowed).

    Returns
    -------
    Dated
        Basis ``paragraph`` or ``publication`` (``none`` when neither gives a date).
    """
    for neighbour in dates.neighbours(index):
        usable = [
            m for m in dates.mentions(neighbour) if _usable(m.interval, published, planned=planned)
        ]
        if usable:
            best = min(usable, key=lambda m: (m.interval.days or 0, m.start))
            return Dated(best.interval, "paragraph")
    return publication(published, planned=planned)
