"""Resolve date expressions in news text to date intervals, relative to the publication date.

News reports date events relative to the day they are published: "on Wednesday", "last
month", "in April", "two days ago". :func:`find_dates` finds such expressions in a text and
turns each into a :class:`DateInterval` (inclusive start and end dates plus a precision);
:func:`date_of_sentence` picks the single best interval for an event reported in a sentence.
The expressions are described as patterns in :mod:`geo.text.date_patterns`, the counting of
days, weeks and months is :mod:`geo.text.calendar`'s, and publication dates themselves are read
by :func:`geo.text.published.parse_published`.

Precision
---------
The precision is one of the four values of the ``Event.date_precision`` field: ``"day"``,
``"month"``, ``"year"`` and ``"unknown"``. It names the calendar unit in which the expression
states its bounds:

- ``"day"``: one day ("on Wednesday", "March 14, 2023", "yesterday") and spans stated in
  days or weeks ("last week", "in recent weeks", "two weeks ago"). There is no week
  precision: a week is a seven-day interval whose bounds are exact days.
- ``"month"``: one or more whole months ("in April", "last month", "March 2023") and spans
  counted in months ("in recent months", "since March", "earlier this month", "mid-2021").
- ``"year"``: years ("last year", "in 2022", "the 1990s", "earlier this year").
- ``"unknown"``: the expression gives no unit ("recently"), or it could not be resolved.
  An unresolved interval has neither start nor end (:attr:`DateInterval.UNKNOWN`).

The interval always carries the exact extent: "since March" published 2023-05-10 is
2023-03-01 to 2023-05-10 with precision ``"month"``.

Rules
-----
- Weeks run Monday to Sunday (ISO 8601). "last week" is the previous Monday-to-Sunday week,
  "this week" the current one, "next week" the following one; "last/this/next Wednesday" is
  the Wednesday of that week (published Wednesday 2023-05-10: "last Wednesday" is
  2023-05-03, "next Monday" 2023-05-15).
- A bare weekday ("on Wednesday", "Wednesday") is the most recent such day on or before
  publication, or the next on or after it when the sentence speaks of the future.
- A bare month ("in April") is the most recent such month on or before the publication month
  (the current month counts), or the next on or after it in a future sentence. "last March"
  is the most recent March strictly before the publication month, "next March" the first
  strictly after it, "this March" the one in the publication year.
- A day without a year ("March 14", "May 19-21") is the nearer of its occurrences before and
  after publication (the earlier on a tie), the next on or after publication in a future
  sentence, and the last on or before it after "since". News style omits the year of dates
  in the current year, and dates more than half a year away usually carry one.
- A sentence speaks of the future when it contains "will", "'ll", "shall", "plans to",
  "is set to", "is scheduled to", "is expected to", "is due to", "next" or "upcoming";
  callers can force the reading with ``future=``.
- "early", "mid" and "late" (also "the beginning/middle/end of") split a month into days 1-10,
  11-20 and 21-end (precision ``"day"``), a year into January-April, May-August and
  September-December (precision ``"month"``), and a decade into its years 0-3, 4-6 and 7-9.
- "since X" runs from the start of X to the publication date, with the precision of X.
- Spans ending at publication: "in recent days/weeks/months/years", "the past few ...",
  "over the past N ..." cover N units back (N = 3 for "recent", "few" and "several", 2 for
  "a couple of"); "the past week" is the last seven days, "the past year" the last twelve
  months. "in the coming weeks" and "over the next N months" are the same spans starting at
  publication. "earlier this month" runs from the first of the month to publication, "later
  this year" from publication to the end of the year.
- "N days ago" is one day; "N weeks ago" is the seven days centred on the day N weeks back;
  "N months ago" and "N years ago" are the calendar month and year; "a few days ago" and
  similar run from five units back to two units back.
- "between 2019 and 2021", "from 2019 to 2021" and "2019–2021" are the years 2019 to 2021.
- "recently" and "lately" are the six months up to publication, with precision ``"unknown"``.
- A sentence without a date expression is dated by its publication:
  :func:`date_of_sentence` returns ``DateInterval(published, published, "unknown")``, the
  day the event was reported, with a precision saying that the text gave no date.
- Every expression that depends on the publication date is still returned as a mention when
  the publication date is not known, with the :attr:`DateInterval.UNKNOWN` interval.

- Numeric dates: "18/06/2023" is day first (month first when the first number cannot be a
  month); "18/06" without a year is day first; "on 4/9" (a cue such as "on", "since" or an
  opening bracket is needed when both numbers could be a month) takes whichever reading lies
  nearer the publication date.

Not recognised: "may" and "march" in lower case (verbs), month names and years without a
preposition or modifier ("March on Moscow", "500 troops", "the 2000 troops"), numbers that
are not years ("Covid-19", "F-35"), durations ("for seven hours"), seasons, and dates relative
to another event ("the day before", "two weeks later").
"""

from __future__ import annotations

import bisect
import datetime
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import ClassVar, Final, Literal

from geo.errors import FaultlinesError
from geo.records import PRECISIONS, Precision
from geo.text import date_patterns as dp
from geo.text.calendar import (
    Span,
    Tense,
    counted_span,
    day_in_year,
    last_day,
    month_year,
    narrowed,
    shift_months,
    span_ago,
    unit_around,
    valid_date,
    weekday_near,
    weekend_near,
    whole_month,
    whole_year,
    years,
)
from geo.text.sentences import sentence_starts
from geo.text.vocabulary import MONTH_NUMBERS, WEEKDAYS

__all__ = [
    "EVENT_YEARS_BEFORE_PUBLICATION",
    "DateInterval",
    "DateIntervalError",
    "DateMention",
    "date_of_sentence",
    "find_dates",
]

EVENT_YEARS_BEFORE_PUBLICATION = 50
"""How far before its article's publication date an event may be dated: older dates are
history told as background, not news for the map (the event keeps no date)."""


class DateIntervalError(FaultlinesError, ValueError):
    """A date interval whose bounds or precision are inconsistent."""


@dataclass(frozen=True, slots=True)
class DateInterval:
    """An inclusive range of days and the unit in which it was stated.

    Attributes
    ----------
    start
        First day of the interval, or ``None`` when unresolved.
    end
        Last day of the interval (inclusive), or ``None`` when unresolved.
    precision
        Calendar unit of the expression; see the module documentation.

    Raises
    ------
    DateIntervalError
        If only one bound is given, if ``start`` is after ``end``, if an unresolved interval
        has a precision other than ``"unknown"``, or if the precision is not one of
        :data:`geo.records.PRECISIONS`.
    """

    start: datetime.date | None
    end: datetime.date | None
    precision: Precision

    UNKNOWN: ClassVar[DateInterval]
    """The unresolved interval: no bounds, precision ``"unknown"``."""

    def __post_init__(self) -> None:
        if self.precision not in PRECISIONS:
            message = f"precision must be one of {PRECISIONS!r}, not {self.precision!r}"
            raise DateIntervalError(message)
        if (self.start is None) != (self.end is None):
            message = f"give both bounds or neither, not start={self.start!r}, end={self.end!r}"
            raise DateIntervalError(message)
        if self.start is None:
            if self.precision != "unknown":
                message = (
                    f"an interval without bounds has precision 'unknown', not {self.precision!r}"
                )
                raise DateIntervalError(message)
        elif self.end is not None and self.start > self.end:
            message = f"start {self.start.isoformat()!r} is after end {self.end.isoformat()!r}"
            raise DateIntervalError(message)

    @property
    def is_resolved(self) -> bool:
        """Whether the interval has bounds."""
        return self.start is not None and self.end is not None

    @property
    def days(self) -> int | None:
        """Number of days in the interval, or ``None`` when unresolved."""
        if self.start is None or self.end is None:
            return None
        return (self.end - self.start).days + 1

    def to_iso(self) -> tuple[str | None, str | None]:
        """Return the bounds as ISO 8601 strings (``None`` when unresolved)."""
        return (
            None if self.start is None else self.start.isoformat(),
            None if self.end is None else self.end.isoformat(),
        )


DateInterval.UNKNOWN = DateInterval(None, None, "unknown")


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date expression found in a text.

    Attributes
    ----------
    start, end
        Character offsets of the expression in the text searched: ``text[start:end]``.
    text
        The expression as written.
    interval
        What the expression means, resolved against the publication date.
    """

    start: int
    end: int
    text: str
    interval: DateInterval


# --- reading rules ------------------------------------------------------------------------

_VAGUE_SPAN: Final = 3
"""Units covered by "recent", "few" and "several" in spans ending at publication."""
_RECENTLY_MONTHS: Final = 6
"""Months before publication covered by "recently" and "lately"."""
_PREFIX_WINDOW: Final = 64
"""Characters before an expression's core searched for its prepositions and modifiers."""

_UNIT_PRECISION: Final[dict[str, Precision]] = {
    "minute": "day",
    "hour": "day",
    "day": "day",
    "week": "day",
    "weekend": "day",
    "month": "month",
    "year": "year",
    "decade": "year",
}
"""The precision of an interval counted in a unit: there is no week precision (a week is seven
days whose bounds are exact days), and decades are counted in years."""

_Kind = Literal["day", "month", "year", "decade", "other"]
"""What an expression's core names: a part of it ("early", "mid", "late") narrows a month, a
year or a decade."""

_PART_PRECISION: Final[dict[_Kind, Precision]] = {"month": "day", "year": "month", "decade": "year"}
"""The precision of an early, mid or late part: a part of a month is stated in days, and so on."""

_Resolver = Callable[[datetime.date | None, Tense], DateInterval]
"""Turns (publication date, tense) into an interval."""


def _one_day(day: datetime.date) -> DateInterval:
    return DateInterval(day, day, "day")


def _interval(span: Span, precision: Precision) -> DateInterval:
    return DateInterval(span[0], span[1], precision)


def _narrow(interval: DateInterval, part: str, kind: _Kind) -> DateInterval:
    """Return the early, mid or late part of a whole month, year or decade."""
    precision = _PART_PRECISION.get(kind)
    if interval.start is None or interval.end is None or precision is None:
        return interval
    return _interval(narrowed((interval.start, interval.end), part, kind), precision)


def _count_value(word: str | None) -> int | None:
    """Return the number a count word stands for, or ``None`` for vague counts."""
    if word is None:
        return None
    key = " ".join(word.lower().split())
    if key in dp.VAGUE_COUNTS:
        return None
    if key.isdigit():
        return int(key)
    return dp.NUMBER_WORDS[key]


def _unit(match: re.Match[str]) -> str:
    return match.group("unit").lower()


# --- cores: the date expressions themselves ------------------------------------------


@dataclass(frozen=True, slots=True)
class _Core:
    """A date expression before its prepositions and modifiers are looked at."""

    start: int
    end: int
    kind: _Kind
    resolve: _Resolver
    needs_anchor: bool = False


def _month_number(match: re.Match[str]) -> int | None:
    """Return the month a match names, or ``None`` for "may", "march" etc. in lower case."""
    token = match.group("mon").rstrip(".")
    key = token.lower()
    if key in dp.CAPITALISED_ONLY and not token[0].isupper():
        return None
    return MONTH_NUMBERS[key]


def _relative(resolve: Callable[[datetime.date, Tense], DateInterval]) -> _Resolver:
    """Wrap a resolver that needs the publication date."""

    def resolver(published: datetime.date | None, tense: Tense) -> DateInterval:
        if published is None:
            return DateInterval.UNKNOWN
        return resolve(published, tense)

    return resolver


def _absolute(interval: DateInterval) -> _Resolver:
    def resolver(published: datetime.date | None, tense: Tense) -> DateInterval:
        return interval

    return resolver


def _iso_cores(text: str) -> Iterator[_Core]:
    for m in dp.ISO_RE.finditer(text):
        day = valid_date(int(m["year"]), int(m["month"]), int(m["day"]))
        if day is not None:
            yield _Core(m.start(), m.end(), "day", _absolute(_one_day(day)))


def _day_cores(text: str) -> Iterator[_Core]:
    for pattern in (dp.DAY_MONTH_RE, dp.MONTH_DAY_RE):
        for m in pattern.finditer(text):
            month = _month_number(m)
            first = int(m["day"])
            last = first if m["last"] is None else int(m["last"])
            if month is None or not 1 <= first <= last <= last_day(2024, month):
                continue  # 2024 is a leap year: it allows 29 February
            if m["year"] is not None:
                start = valid_date(int(m["year"]), month, first)
                end = valid_date(int(m["year"]), month, last)
                if start is not None and end is not None:
                    yield _Core(
                        m.start(), m.end(), "day", _absolute(_interval((start, end), "day"))
                    )
                continue

            def resolve(
                published: datetime.date,
                tense: Tense,
                month: int = month,
                first: int = first,
                last: int = last,
            ) -> DateInterval:
                start = day_in_year(month, first, published, tense)
                return DateInterval(start, start.replace(day=last), "day")

            yield _Core(m.start(), m.end(), "day", _relative(resolve))


def _month_cores(text: str) -> Iterator[_Core]:
    for m in dp.MONTH_YEAR_RE.finditer(text):
        month = _month_number(m)
        if month is not None:
            interval = _interval(whole_month(int(m["year"]), month), "month")
            yield _Core(m.start(), m.end(), "month", _absolute(interval))
    for m in dp.RELATIVE_MONTH_RE.finditer(text):
        month = _month_number(m)
        if month is None:
            continue
        relation = {"past": "last", "coming": "next"}.get(m["rel"].lower(), m["rel"].lower())

        def resolve_relative(
            published: datetime.date, tense: Tense, month: int = month, relation: str = relation
        ) -> DateInterval:
            return _interval(whole_month(month_year(month, published, relation), month), "month")

        yield _Core(m.start(), m.end(), "month", _relative(resolve_relative))
    for m in dp.BARE_MONTH_RE.finditer(text):
        month = _month_number(m)
        if month is None:
            continue

        def resolve_bare(
            published: datetime.date, tense: Tense, month: int = month
        ) -> DateInterval:
            relation = "future" if tense == "future" else "past"
            return _interval(whole_month(month_year(month, published, relation), month), "month")

        yield _Core(m.start(), m.end(), "month", _relative(resolve_bare), needs_anchor=True)


def _counts_something(text: str, end: int) -> bool:
    """Whether the number ending at `end` is followed by what it counts ("2000 troops")."""
    follower = re.match(r"\s+([a-z]+)\b", text[end : end + 32])
    return follower is not None and follower.group(1) not in dp.YEAR_FOLLOWERS


def _year_cores(text: str) -> Iterator[_Core]:
    for m in dp.BARE_YEAR_RE.finditer(text):
        if not _counts_something(text, m.end()):
            interval = _interval(whole_year(int(m["year"])), "year")
            yield _Core(m.start(), m.end(), "year", _absolute(interval), needs_anchor=True)
    for m in dp.YEAR_RANGE_RE.finditer(text):
        first, last = int(m["first"]), int(m["last"])
        joined = m["joint"] is None or m["word"] is not None  # "between 2019 and 2021"
        if first < last and joined and not _counts_something(text, m.end()):
            interval = _interval(years(first, last), "year")
            yield _Core(m.start(), m.end(), "other", _absolute(interval))
    for m in dp.DECADE_RE.finditer(text):
        first = int(m["decade"])
        interval = _interval(years(first, first + 9), "year")
        yield _Core(m.start(), m.end(), "decade", _absolute(interval))


def _weekday_cores(text: str) -> Iterator[_Core]:
    for m in dp.WEEKDAY_RE.finditer(text):
        if m["rel"] is None and dp.NAMED_DAY_PREFIX.search(text, max(0, m.start() - 16), m.start()):
            continue
        weekday = WEEKDAYS.index(m["weekday"].lower())
        relation = (m["rel"] or "").lower()

        def resolve(
            published: datetime.date,
            tense: Tense,
            weekday: int = weekday,
            relation: str = relation,
        ) -> DateInterval:
            return _one_day(weekday_near(published, weekday, relation, tense))

        yield _Core(m.start(), m.end(), "day", _relative(resolve))


def _deictic(published: datetime.date, word: str) -> DateInterval:
    if word == "yesterday" or word.startswith("last"):
        return _one_day(published - datetime.timedelta(days=1))
    if word == "tomorrow":
        return _one_day(published + datetime.timedelta(days=1))
    return _one_day(published)


def _deictic_cores(text: str) -> Iterator[_Core]:
    """Scan for days named from publication: "today", "yesterday", "last night" and the like."""
    for m in dp.DEICTIC_RE.finditer(text):
        word = " ".join(m["word"].lower().split())

        def resolve(published: datetime.date, tense: Tense, word: str = word) -> DateInterval:
            return _deictic(published, word)

        yield _Core(m.start(), m.end(), "day", _relative(resolve))


def _unit_cores(text: str) -> Iterator[_Core]:
    """Scan for calendar units around publication: "last week", "earlier this month"."""
    for m in dp.RELATIVE_UNIT_RE.finditer(text):
        unit = _unit(m)
        offset = {"last": -1, "this": 0, "next": 1}[m["rel"].lower()]
        kind: _Kind = "month" if unit == "month" else "year" if unit == "year" else "other"

        def resolve_unit(
            published: datetime.date, tense: Tense, unit: str = unit, offset: int = offset
        ) -> DateInterval:
            return _interval(unit_around(published, unit, offset), _UNIT_PRECISION[unit])

        yield _Core(m.start(), m.end(), kind, _relative(resolve_unit))
    for m in dp.EARLIER_RE.finditer(text):
        unit, earlier = _unit(m), m["dir"].lower() == "earlier"

        def resolve_part(
            published: datetime.date, tense: Tense, unit: str = unit, earlier: bool = earlier
        ) -> DateInterval:
            first, last = unit_around(published, unit, 0)
            precision = _UNIT_PRECISION[unit]
            if earlier:
                return DateInterval(first, published, precision)
            return DateInterval(published, last, precision)

        yield _Core(m.start(), m.end(), "other", _relative(resolve_part))


def _weekend_cores(text: str) -> Iterator[_Core]:
    """Scan for the weekend near publication: "over the weekend", "at the weekend"."""
    for m in dp.WEEKEND_RE.finditer(text):

        def resolve(published: datetime.date, tense: Tense) -> DateInterval:
            return _interval(weekend_near(published, tense), "day")

        yield _Core(m.start(), m.end(), "other", _relative(resolve))


def _span_cores(text: str) -> Iterator[_Core]:
    """Scan for spans up to or from publication: "the past three weeks", "the coming days"."""
    for pattern in (dp.TRAILING_COUNT_RE, dp.TRAILING_ONE_RE, dp.RECENT_RE, dp.COMING_RE):
        forward = pattern is dp.COMING_RE
        for m in pattern.finditer(text):
            groups = m.groupdict()
            count = _count_value(groups.get("count")) if "count" in groups else 1
            if count == 0:
                continue
            span, unit = _VAGUE_SPAN if count is None else count, _unit(m)

            def resolve(
                published: datetime.date,
                tense: Tense,
                span: int = span,
                unit: str = unit,
                forward: bool = forward,
            ) -> DateInterval:
                counted = counted_span(published, span, unit, forward=forward)
                return _interval(counted, _UNIT_PRECISION[unit])

            yield _Core(m.start(), m.end(), "other", _relative(resolve))


def _ago_cores(text: str) -> Iterator[_Core]:
    """Scan for times before publication: "two days ago", "a few weeks ago", "recently"."""
    for m in dp.AGO_RE.finditer(text):
        count = _count_value(m["count"])
        if count == 0:
            continue
        unit = _unit(m)

        def resolve_ago(
            published: datetime.date, tense: Tense, count: int | None = count, unit: str = unit
        ) -> DateInterval:
            return _interval(span_ago(published, count, unit), _UNIT_PRECISION[unit])

        yield _Core(m.start(), m.end(), "other", _relative(resolve_ago))
    for m in dp.RECENTLY_RE.finditer(text):

        def resolve_recently(published: datetime.date, tense: Tense) -> DateInterval:
            return DateInterval(shift_months(published, -_RECENTLY_MONTHS), published, "unknown")

        yield _Core(m.start(), m.end(), "other", _relative(resolve_recently))


def _numeric_cores(text: str) -> Iterator[_Core]:
    """Numeric dates: "18/06", "on 4/9", "18/06/2023" (day first unless that cannot be).

    Without a year, a form whose first number could be a month ("4/9") is read both ways and
    the reading nearer the publication date wins; a bare pair needs a cue ("on 4/9",
    "(18/06)") unless its first number can only be a day ("18/06").
    """
    for m in dp.NUMERIC_DAY_RE.finditer(text):
        a, b = int(m["a"]), int(m["b"])
        readings = [(day, month) for day, month in ((a, b), (b, a)) if 1 <= month <= 12]
        readings = [(d, mo) for d, mo in readings if 1 <= d <= last_day(2024, mo)]
        if not readings:
            continue
        if m["year"] is not None:
            year = int(m["year"]) + (2000 if len(m["year"]) == 2 else 0)
            day = valid_date(year, readings[0][1], readings[0][0])
            if day is not None:
                yield _Core(m.start(), m.end(), "day", _absolute(_one_day(day)))
            continue
        cued = dp.NUMERIC_CUE_RE.search(text[max(0, m.start() - 8) : m.start()]) is not None
        if not cued and a <= 12:
            continue

        def resolve(
            published: datetime.date, tense: Tense, readings: list[tuple[int, int]] = readings
        ) -> DateInterval:
            days = [day_in_year(month, day, published, tense) for day, month in readings]
            return _one_day(min(days, key=lambda at: (abs((at - published).days), at > published)))

        yield _Core(m.start(), m.end(), "day", _relative(resolve))


_SCANNERS: tuple[Callable[[str], Iterator[_Core]], ...] = (
    _iso_cores,
    _numeric_cores,
    _day_cores,
    _month_cores,
    _year_cores,
    _weekday_cores,
    _deictic_cores,
    _unit_cores,
    _weekend_cores,
    _span_cores,
    _ago_cores,
)


# --- from cores to mentions ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Reach:
    """How far an expression reaches before its core, and what those words do to it."""

    start: int
    since: bool = False
    part: str | None = None


def _reach(text: str, core: _Core) -> _Reach | None:
    """Return where the whole expression starts and its modifiers, or ``None`` to drop it.

    A core that needs an anchor (a bare month or year) is kept only after "since", a
    preposition or a part ("early 2021").
    """
    m = dp.PREFIX_RE.search(text, max(0, core.start - _PREFIX_WINDOW), core.start)
    if m is None or not (m["part"] is None or core.kind in ("month", "year", "decade")):
        return None if core.needs_anchor else _Reach(core.start)
    if core.needs_anchor and not (m["since"] or m["prep"] or m["part"]):
        return None
    start, since, part = core.start, False, m["part"]
    if part is not None:
        start = m.start("part")
    # "the" belongs to "the end of 2019" and "the 1990s", not to "the March elections"
    if m["the"] is not None and (part is not None or core.kind == "decade"):
        start = m.start("the")
    contiguous = m["the"] is None or start == m.start("the")
    prep = m["prep"]
    if contiguous and prep is not None:
        if " ".join(prep.lower().split()) in dp.SPAN_PREPOSITIONS:
            start = m.start("prep")
        else:
            contiguous = False
    if contiguous and m["since"] is not None:
        start, since = m.start("since"), True
    return _Reach(start, since, part)


def _complete(
    text: str, core: _Core, published: datetime.date | None, tense: Tense
) -> tuple[int, DateInterval] | None:
    """Return the start of the whole expression and its interval, or ``None`` to drop it."""
    reach = _reach(text, core)
    if reach is None:
        return None
    try:
        interval = core.resolve(published, "past" if reach.since else tense)
        if reach.part is not None:
            key = " ".join(reach.part.lower().split()).removesuffix(" the")
            interval = _narrow(interval, dp.PARTS[key], core.kind)
        if reach.since:
            if published is None or interval.start is None or interval.start > published:
                interval = DateInterval.UNKNOWN
            else:
                interval = DateInterval(interval.start, published, interval.precision)
    except DateIntervalError:
        raise
    except (OverflowError, ValueError):  # beyond the range of datetime.date
        interval = DateInterval.UNKNOWN
    return reach.start, interval


class _FutureReading:
    """Whether the sentence around a position speaks of the future."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._starts = sentence_starts(text)
        self._cache: dict[int, bool] = {}

    def __call__(self, position: int) -> bool:
        index = bisect.bisect_right(self._starts, position) - 1
        if index not in self._cache:
            start = self._starts[index]
            end = self._starts[index + 1] if index + 1 < len(self._starts) else len(self._text)
            self._cache[index] = dp.FUTURE_RE.search(self._text, start, end) is not None
        return self._cache[index]


def find_dates(
    text: str, published: datetime.date | None, *, future: bool | None = None
) -> list[DateMention]:
    """Find the date expressions in `text` and resolve them against `published`.

    Parameters
    ----------
    text
        A sentence or a whole article.
    published
        The publication date; relative expressions resolve to
        :attr:`DateInterval.UNKNOWN` without it.
    future
        Read bare months, weekdays and days without a year as future (``True``) or past
        (``False``). By default a sentence with a future marker ("will", "plans to",
        "next" ...) is read as future, and any other as past for months and weekdays and
        as the nearer occurrence for days without a year.

    Returns
    -------
    list of DateMention
        Non-overlapping mentions in text order; where expressions overlap, the longest wins.
    """
    if isinstance(published, datetime.datetime):
        published = published.date()
    reading = _FutureReading(text)
    found: list[tuple[int, int, DateInterval]] = []
    for scan in _SCANNERS:
        for core in scan(text):
            if future is None:
                tense: Tense = "future" if reading(core.start) else "unmarked"
            else:
                tense = "future" if future else "past"
            completed = _complete(text, core, published, tense)
            if completed is not None:
                found.append((completed[0], core.end, completed[1]))

    found.sort(key=lambda item: (item[0] - item[1], item[0]))
    chosen: list[tuple[int, int, DateInterval]] = []
    for start, end, interval in found:
        if all(end <= other_start or start >= other_end for other_start, other_end, _ in chosen):
            chosen.append((start, end, interval))
    chosen.sort(key=lambda item: item[0])
    return [DateMention(start, end, text[start:end], interval) for start, end, interval in chosen]


def _specificity(mention: DateMention) -> tuple[int, int, int]:
    days = mention.interval.days
    return (PRECISIONS.index(mention.interval.precision), days or 0, mention.start)


def date_of_sentence(
    sentence: str, published: datetime.date | None, *, future: bool | None = None
) -> DateInterval:
    """Return the best date for an event reported in `sentence`.

    The best date is the most specific resolved mention: finest precision first, then the
    shortest interval, then the first in the sentence. A sentence without a resolvable date
    is dated by its publication: ``DateInterval(published, published, "unknown")`` — the
    event was reported that day, when it happened is not stated. Without a publication date
    either, the result is :attr:`DateInterval.UNKNOWN`.

    Parameters
    ----------
    sentence
        One sentence.
    published
        The publication date of the article.
    future
        As for :func:`find_dates`.

    Returns
    -------
    DateInterval
    """
    if isinstance(published, datetime.datetime):
        published = published.date()
    resolved = [m for m in find_dates(sentence, published, future=future) if m.interval.is_resolved]
    if resolved:
        return min(resolved, key=_specificity).interval
    if published is None:
        return DateInterval.UNKNOWN
    return DateInterval(published, published, "unknown")
