"""When an event happens, read from its clause, its sentence and its paragraph.

The date its clause states nearest to the trigger, else its sentence's, else the fallbacks of
:mod:`geo.events.dating`; a date stated long before publication makes the event history.
"""

from __future__ import annotations

import datetime
import itertools
import re

from geo.events import lexicon as lx
from geo.events.dating import Dated, fallback_date
from geo.events.reading import Context, Match, Reading
from geo.records import (
    PRECISION_RANK,
)
from geo.text.dates import EVENT_YEARS_BEFORE_PUBLICATION, DateInterval, DateMention, find_dates

__all__ = ["EventDating"]


#: An event its own sentence dates this long (about a year and a half) before publication is
#: history, not an event; a recent earlier one stays, as context.
_HISTORY = datetime.timedelta(days=548)


class EventDating(Reading):
    """Date events from their clause, sentence and paragraph."""

    def _history(self, match: Match, clause: tuple[int, int], date: DateInterval) -> bool:
        """Tell whether the clause dates the event over :data:`_HISTORY` before publication.

        Not when that date sits in a relative clause after the trigger ("a rift that erupted
        in 2017": the rift's date, not the event's), nor when it lies over
        :data:`~geo.text.dates.EVENT_YEARS_BEFORE_PUBLICATION` back (a misreading the pipeline
        drops with a warning).
        """
        published = self.article.published
        if published is None or date.end is None or date.end >= published - _HISTORY:
            return False
        if date.end.year < published.year - EVENT_YEARS_BEFORE_PUBLICATION:
            return False
        for mention in find_dates(self.text[clause[0] : clause[1]], published):
            position = clause[0] + mention.start
            if mention.interval == date and position > match.end:
                between = self.text[match.end : position]
                return not lx.RELATIVE_WORD.search(between)
        return True

    def _event_date(
        self, match: Match, clause: tuple[int, int], ctx: Context, *, planned: bool
    ) -> Dated:
        """Date an event: its clause, the rest of its sentence, its paragraph, publication."""
        published = self.article.published
        stated = self._date_in(match, clause, ctx, planned=planned, reported=False)
        if stated is not None:
            return Dated(stated, "stated")
        for other in self._dated_clauses(ctx, planned=planned):
            if other != clause and other[0] >= ctx.clauses[0][0]:
                found = self._date_in(match, other, ctx, planned=planned, reported=False)
                if found is not None:
                    return Dated(found, "sentence")
        return fallback_date(self.dates, ctx.index, published=published, planned=planned)

    def _dates(self, span: tuple[int, int], *, planned: bool) -> list[DateMention]:
        """Return the date expressions of `span`, found once per span."""
        key = (*span, planned)
        if key not in self._dates_of:
            text = self.text[span[0] : span[1]]
            self._dates_of[key] = find_dates(text, self.article.published, future=planned)
        return self._dates_of[key]

    def _dated_clauses(self, ctx: Context, *, planned: bool) -> list[tuple[int, int]]:
        """Return the clauses of a sentence that name a date (found once per sentence)."""
        key = (ctx.clauses[0][0], ctx.clauses[-1][1], planned)
        if key not in self._dated_clauses_of:
            dated = [c for c in ctx.clauses if self._dates(c, planned=planned)]
            self._dated_clauses_of[key] = dated
        return self._dated_clauses_of[key]

    def _date_in(
        self,
        match: Match,
        span: tuple[int, int],
        ctx: Context,
        *,
        planned: bool,
        reported: bool,
    ) -> DateInterval | None:
        """Return the date of `span` nearest to the trigger, None when it names none."""
        start = span[0]
        published = self.article.published
        kept: list[DateMention] = []
        for mention in self._dates(span, planned=planned):
            position = start + mention.start
            if not mention.interval.is_resolved or self._aside(position, match, ctx):
                continue
            if (
                not reported
                and match.trigger.type != "criticism"
                and self._reported(position, start, ctx)
            ):
                continue
            if self._of_an_older_relative(match, position, mention.interval):
                continue  # "ending a rift that erupted in 2017": the rift's year
            kept.append(mention)
        if not kept:
            return None
        offset = match.start - start, match.end - start

        def distance(mention: DateMention) -> int:
            return max(offset[0] - mention.end, mention.start - offset[1], 0)

        nearest = min(kept, key=lambda m: (distance(m), PRECISION_RANK[m.interval.precision]))
        interval = nearest.interval
        for first, second in itertools.pairwise(kept):  # "on Thursday and Friday"
            joined = re.fullmatch(
                r"\s*(?:and|to|through|-|–)\s*", self.text[start + first.end : start + second.start]
            )
            days = first.interval.precision == "day" == second.interval.precision
            if nearest in (first, second) and days and joined:
                interval = DateInterval(first.interval.start, second.interval.end, "day")
        if planned and published and interval.end and interval.end < published:
            return None  # a plan does not take a date that has passed
        return interval

    def _of_an_older_relative(self, match: Match, position: int, date: DateInterval) -> bool:
        """Whether a date after the trigger dates a relative clause about older things.

        "restored relations, ending a rift that erupted in 2017": an earlier year, or a date
        over :data:`_HISTORY` before publication, inside a relative clause after the trigger
        is that clause's own.
        """
        if position <= match.end:
            return False
        if not lx.RELATIVE_PRONOUN.search(self.text, match.end, position):
            return False
        published = self.article.published
        if published is None or date.end is None:
            return False
        earlier_year = date.precision == "year" and date.end.year < published.year
        return earlier_year or date.end < published - _HISTORY

    def _reported(self, position: int, floor: int, ctx: Context) -> bool:
        """Whether the date at `position` follows a reporting verb ("said on Thursday")."""
        lead_start = max(floor, position - 45)
        reports = list(lx.REPORTING.finditer(self.text, lead_start, position))
        if not reports:
            return False
        last_trigger = max((m.start for m in ctx.matches if m.start < position), default=-1)
        return reports[-1].start() > last_trigger
