"""Resolve date expressions in news text to date intervals, relative to the publication date.

News reports date events relative to the day they are published: "on Wednesday", "last
month", "in April", "two days ago". :func:`find_dates` finds such expressions in a text and
turns each into a :class:`DateInterval` (inclusive start and end dates plus a precision);
:func:`date_of_sentence` picks the single best interval for an event reported in a sentence;
:func:`parse_published` reads a publication date from article front matter.

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
import calendar
import datetime
import email.utils
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import ClassVar, Literal

from geo.errors import FaultlinesError
from geo.text.sentences import sentence_starts
from geo.text.vocabulary import MONTH_ABBREVIATIONS, MONTH_NUMBERS, MONTHS, WEEKDAYS

__all__ = [
    "EVENT_YEARS_BEFORE_PUBLICATION",
    "PRECISIONS",
    "DateInterval",
    "DateIntervalError",
    "DateMention",
    "Precision",
    "date_of_sentence",
    "find_dates",
    "parse_published",
]

Precision = Literal["day", "month", "year", "unknown"]

PRECISIONS: tuple[Precision, ...] = ("day", "month", "year", "unknown")
"""The precisions, most specific first."""


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
        :data:`PRECISIONS`.
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


# --- vocabulary -------------------------------------------------------------------------

_MONTHS = MONTHS
_MONTH_ABBREVIATIONS = MONTH_ABBREVIATIONS
_MONTH_NUMBERS = MONTH_NUMBERS
# Words that are also verbs, adjectives or names: accepted only with a capital initial.
_CAPITALISED_ONLY = frozenset({"may", "march", "august", *_MONTH_ABBREVIATIONS})

_WEEKDAYS = WEEKDAYS
# Named days that are not the weekday of the current week.
_NAMED_DAY_PREFIX = re.compile(
    r"\b(?:black|good|ash|holy|maundy|easter|cyber|super|bloody|giving|shrove|fat|palm|"
    r"whit|plough|spy|blue)\s+\Z",
    re.IGNORECASE,
)

_NUMBERS: tuple[str, ...] = ("one", "two", "three", "four", "five", "six", "seven")
_NUMBERS += ("eight", "nine", "ten", "eleven", "twelve")
_NUMBER_WORDS = {word: n for n, word in enumerate(_NUMBERS, 1)}
_NUMBER_WORDS |= {"a": 1, "an": 1, "fifteen": 15, "twenty": 20, "thirty": 30}
_NUMBER_WORDS |= {"a couple of": 2, "couple of": 2}
_VAGUE_COUNTS = frozenset({"a few", "few", "several", "recent"})
_VAGUE_SPAN = 3
"""Units covered by "recent", "few" and "several" in spans ending at publication."""
_VAGUE_AGO = (2, 5)
"""Units back covered by "a few ... ago" (nearest, furthest)."""
_RECENTLY_MONTHS = 6
"""Months before publication covered by "recently" and "lately"."""

_COUNT = (
    r"(?P<count>a\s+couple\s+of|couple\s+of|a\s+few|few|several|an?|"
    rf"{'|'.join(_NUMBERS)}|fifteen|twenty|thirty|\d{{1,3}})"
)
_FULL_MONTH = "|".join(_MONTHS)
_ABBREVIATED_MONTH = "|".join(sorted(_MONTH_ABBREVIATIONS, key=len, reverse=True))
_MONTH = rf"(?P<mon>(?:{_FULL_MONTH})(?![a-z])|(?:{_ABBREVIATED_MONTH})(?:\.|(?![a-z])))"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?(?![\w:])"
_LAST_DAY = r"(?:\s*[-–]\s*(?P<last>[0-3]?\d)(?:st|nd|rd|th)?(?![\w:]))?"
_YEAR = r"(?P<year>(?:1[89]|2[01])\d\d)(?![\w%]|[-–/.,:]\d)"

_I = re.IGNORECASE
_ISO_RE = re.compile(
    r"(?<![\w.-])(?P<year>\d{4})-(?P<month>\d\d)-(?P<day>\d\d)(?:(?=T\d)|(?![\w-]|\.\d))"
)
_DAY_MONTH_RE = re.compile(
    rf"(?<![\w.,$£€/:–-])(?:the\s+)?{_DAY}{_LAST_DAY}(?:\s+of)?\s+{_MONTH}(?:,?\s+{_YEAR})?", _I
)
_MONTH_DAY_RE = re.compile(rf"\b{_MONTH}\s+{_DAY}{_LAST_DAY}(?:,?\s+{_YEAR})?", _I)
_MONTH_YEAR_RE = re.compile(rf"\b{_MONTH},?\s+(?:of\s+)?{_YEAR}", _I)
_RELATIVE_MONTH_RE = re.compile(
    rf"\b(?P<rel>last|this|next|past|coming)\s+(?P<mon>{_FULL_MONTH})(?![a-z])", _I
)
_BARE_MONTH_RE = re.compile(rf"\b(?P<mon>{_FULL_MONTH})(?![a-z])", _I)
_BARE_YEAR_RE = re.compile(rf"(?<![\w.,$£€#/:'’])(?<!\d[-–]){_YEAR}", _I)
_YEAR_RANGE_RE = re.compile(
    r"(?<![\w.,$£€#/:'’])(?:(?P<word>between|from)\s+)?(?P<first>(?:1[89]|2[01])\d\d)"
    r"(?:\s*[-–]\s*|\s+(?P<joint>and|to|until|through)\s+)"
    r"(?P<last>(?:1[89]|2[01])\d\d)(?![\w%]|[-–/.,:]\d)",
    _I,
)
_DECADE_RE = re.compile(r"(?<![\w.,$£€#/:'’-])(?P<decade>(?:1[89]|20)\d0)['’]?s(?!\w)", _I)
_WEEKDAY_RE = re.compile(
    rf"\b(?:(?P<rel>last|this|next|past|coming)\s+)?(?P<weekday>{'|'.join(_WEEKDAYS)})(?![a-z])",
    _I,
)
_DEICTIC_RE = re.compile(
    r"\b(?P<word>today|tonight|yesterday|tomorrow|last\s+night|"
    r"this\s+(?:morning|afternoon|evening))(?![\w-])",
    _I,
)
_RELATIVE_UNIT_RE = re.compile(
    r"(?<!\bthe\s)\b(?P<rel>last|this|next)\s+(?P<unit>weekend|week|month|year)\b(?!\s+of\b)", _I
)
_EARLIER_RE = re.compile(
    r"\b(?P<dir>earlier|later)\s+(?:in\s+)?this\s+(?P<unit>week|month|year)\b", _I
)
_WEEKEND_RE = re.compile(r"\b(?:over|at|on|during)\s+the\s+weekend\b", _I)
_TRAILING_COUNT_RE = re.compile(
    rf"\b(?:the\s+)?(?:past|last|previous)\s+{_COUNT}\s+"
    r"(?P<unit>hour|day|week|month|year|decade)s?\b(?!\s+of\b)",
    _I,
)
_TRAILING_ONE_RE = re.compile(
    r"\b(?:the\s+(?:past|last|previous)|past)\s+(?P<unit>day|week|month|year|decade)\b"
    r"(?!\s+of\b)",
    _I,
)
_COMING_RE = re.compile(
    rf"\b(?:the\s+)?(?:coming|next)\s+(?:{_COUNT}\s+)?(?P<unit>hour|day|week|month|year)s\b", _I
)
_RECENT_RE = re.compile(r"\b(?P<count>recent)\s+(?P<unit>day|week|month|year)s\b", _I)
_AGO_RE = re.compile(
    rf"\b(?:{_COUNT}\s+)?(?P<unit>minute|hour|day|week|month|year|decade)s?\s+ago\b", _I
)
_RECENTLY_RE = re.compile(r"\b(?:recently|lately|of\s+late)\b", _I)

# Words before a date expression: "since" changes its meaning; the prepositions in
# _SPAN_PREPOSITIONS belong to the expression; the others only show that the next word is a
# date; "early/mid/late ..." narrow a month, year or decade.
_PREFIX_RE = re.compile(
    r"(?:\b(?P<since>since)\s+)?"
    r"(?:\b(?P<prep>in|on|at|during|throughout|over|until|till|by|before|after|through|from|"
    r"of|as\s+of)\s+)?"
    r"(?:\b(?P<the>the)\s+)?"
    r"(?:\b(?P<part>early|mid|late|(?:end|beginning|start|middle)\s+of(?:\s+the)?)"
    r"(?:\s*[-–]\s*|\s+))?"
    r"\Z",
    _I,
)
_PREFIX_WINDOW = 64
_SPAN_PREPOSITIONS = frozenset({"in", "on", "at", "during", "throughout", "over"})
_PARTS = {
    "early": "early",
    "beginning of": "early",
    "start of": "early",
    "mid": "mid",
    "middle of": "mid",
    "late": "late",
    "end of": "late",
}
# A bare year followed by a lower-case word is usually a count ("in 2000 troops"), unless the
# word is one of these.
_YEAR_FOLLOWERS = frozenset(
    """
    a about after against alone already amid an and as at because before but by compared
    during for from had has have he her his in into is it its on onwards or over she since
    so than that the their then there these they this those through to under until was we
    were when where which while who with
    """.split()
)

_FUTURE_RE = re.compile(
    r"\b(?:will|shall|won['’]t|upcoming|next(?!\s+to\b)|plans?\s+to|planning\s+to|"
    r"(?:is|are|'s|’s|'re|’re)\s+(?:set|scheduled|due|expected)\s+to)\b|\w['’]ll\b",
    _I,
)


# --- calendar arithmetic -----------------------------------------------------------------

_Tense = Literal["past", "future", "unmarked"]
"""How a sentence places its bare dates: forced past ("since"), future, or not said."""
_Resolver = Callable[[datetime.date | None, _Tense], DateInterval]
"""Turns (publication date, tense) into an interval."""
_Kind = Literal["day", "month", "year", "decade", "other"]


def _one_day(day: datetime.date) -> DateInterval:
    return DateInterval(day, day, "day")


def _days(start: datetime.date, end: datetime.date) -> DateInterval:
    return DateInterval(start, end, "day")


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _whole_month(year: int, month: int) -> DateInterval:
    return DateInterval(
        datetime.date(year, month, 1), datetime.date(year, month, _last_day(year, month)), "month"
    )


def _whole_year(year: int) -> DateInterval:
    return DateInterval(datetime.date(year, 1, 1), datetime.date(year, 12, 31), "year")


def _years(first: int, last: int) -> DateInterval:
    return DateInterval(datetime.date(first, 1, 1), datetime.date(last, 12, 31), "year")


def _shift_months(day: datetime.date, months: int) -> datetime.date:
    """Return the same day `months` months later (earlier if negative), clamped to the month."""
    year, index = divmod(day.year * 12 + day.month - 1 + months, 12)
    month = index + 1
    return datetime.date(year, month, min(day.day, _last_day(year, month)))


def _week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def _month_year(month: int, published: datetime.date, relation: str) -> int:
    """Return the year of `month` seen from `published`.

    `relation` is ``"past"`` (on or before the publication month), ``"future"`` (on or after),
    ``"last"`` (strictly before), ``"next"`` (strictly after) or ``"this"`` (same year).
    """
    here = published.month
    if relation == "past":
        return published.year if month <= here else published.year - 1
    if relation == "future":
        return published.year if month >= here else published.year + 1
    if relation == "last":
        return published.year if month < here else published.year - 1
    if relation == "next":
        return published.year if month > here else published.year + 1
    return published.year


def _day_in_year(month: int, day: int, published: datetime.date, tense: _Tense) -> datetime.date:
    """Return the `month`-`day` meant by a text published on `published`.

    Past: the latest on or before publication; future: the earliest on or after it;
    unmarked: the nearer of the two (the past one on a tie).
    """
    before: datetime.date | None = None
    after: datetime.date | None = None
    for offset in range(9):  # 29 February recurs within eight years
        if before is None and tense != "future":
            candidate = _valid_date(published.year - offset, month, day)
            if candidate is not None and candidate <= published:
                before = candidate
        if after is None and tense != "past":
            candidate = _valid_date(published.year + offset, month, day)
            if candidate is not None and candidate >= published:
                after = candidate
    if before is None or (after is not None and after - published < published - before):
        if after is None:
            message = f"no date {month!r}-{day!r} near {published.isoformat()!r}"
            raise ValueError(message)
        return after
    return before


def _span(published: datetime.date, count: int, unit: str, *, forward: bool) -> DateInterval:
    """Return the `count` `unit`s up to publication (or from it, if `forward`), inclusive."""
    sign = 1 if forward else -1
    if unit in ("hour", "day", "week"):
        days = {"hour": max(1, -(-count // 24)), "day": count, "week": 7 * count}[unit]
        other = published + datetime.timedelta(days=sign * days)
        precision: Precision = "day"
    else:
        months = count * {"month": 1, "year": 12, "decade": 120}[unit]
        other = _shift_months(published, sign * months)
        precision = "month" if unit == "month" else "year"
    if forward:
        return DateInterval(published, other, precision)
    return DateInterval(other, published, precision)


def _ago(published: datetime.date, count: int | None, unit: str) -> DateInterval:
    """Return the interval `count` `unit`s before publication (`None`: a few)."""
    if unit in ("minute", "hour"):
        hours = (count or 1) if unit == "hour" else 0
        return _one_day(published - datetime.timedelta(days=hours // 24))
    if count is None:
        near, far = _VAGUE_AGO
        if unit == "day":
            return _days(
                published - datetime.timedelta(days=far), published - datetime.timedelta(days=near)
            )
        if unit == "week":
            return _days(
                published - datetime.timedelta(weeks=far),
                published - datetime.timedelta(weeks=near),
            )
        if unit == "month":
            first = _shift_months(published, -far)
            last = _shift_months(published, -near)
            return DateInterval(
                first.replace(day=1),
                last.replace(day=_last_day(last.year, last.month)),
                "month",
            )
        scale = 10 if unit == "decade" else 1
        return _years(published.year - far * scale, published.year - near * scale)
    if unit == "day":
        return _one_day(published - datetime.timedelta(days=count))
    if unit == "week":
        centre = published - datetime.timedelta(weeks=count)
        return _days(centre - datetime.timedelta(days=3), centre + datetime.timedelta(days=3))
    if unit == "month":
        then = _shift_months(published, -count)
        return _whole_month(then.year, then.month)
    return _whole_year(published.year - count * (10 if unit == "decade" else 1))


def _narrow(interval: DateInterval, part: str, kind: _Kind) -> DateInterval:
    """Return the early, mid or late part of a whole month, year or decade."""
    start, end = interval.start, interval.end
    if start is None or end is None:
        return interval
    index = ("early", "mid", "late").index(part)
    if kind == "month":
        first = (1, 11, 21)[index]
        last = (10, 20, end.day)[index]
        return _days(start.replace(day=first), start.replace(day=last))
    if kind == "year":
        first_month = (1, 5, 9)[index]
        last_month = (4, 8, 12)[index]
        return DateInterval(
            datetime.date(start.year, first_month, 1),
            datetime.date(start.year, last_month, _last_day(start.year, last_month)),
            "month",
        )
    if kind == "decade":
        offsets = ((0, 3), (4, 6), (7, 9))[index]
        return _years(start.year + offsets[0], start.year + offsets[1])
    return interval


def _count_value(word: str | None) -> int | None:
    """Return the number a count word stands for, or ``None`` for vague counts."""
    if word is None:
        return None
    key = " ".join(word.lower().split())
    if key in _VAGUE_COUNTS:
        return None
    if key.isdigit():
        return int(key)
    return _NUMBER_WORDS[key]


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
    if key in _CAPITALISED_ONLY and not token[0].isupper():
        return None
    return _MONTH_NUMBERS[key]


def _relative(resolve: Callable[[datetime.date, _Tense], DateInterval]) -> _Resolver:
    """Wrap a resolver that needs the publication date."""

    def resolver(published: datetime.date | None, tense: _Tense) -> DateInterval:
        if published is None:
            return DateInterval.UNKNOWN
        return resolve(published, tense)

    return resolver


def _absolute(interval: DateInterval) -> _Resolver:
    def resolver(published: datetime.date | None, tense: _Tense) -> DateInterval:
        return interval

    return resolver


def _valid_date(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _iso_cores(text: str) -> Iterator[_Core]:
    for m in _ISO_RE.finditer(text):
        day = _valid_date(int(m["year"]), int(m["month"]), int(m["day"]))
        if day is not None:
            yield _Core(m.start(), m.end(), "day", _absolute(_one_day(day)))


def _day_cores(text: str) -> Iterator[_Core]:
    for pattern in (_DAY_MONTH_RE, _MONTH_DAY_RE):
        for m in pattern.finditer(text):
            month = _month_number(m)
            first = int(m["day"])
            last = first if m["last"] is None else int(m["last"])
            if month is None or not 1 <= first <= last <= _last_day(2024, month):
                continue  # 2024 is a leap year: it allows 29 February
            if m["year"] is not None:
                start = _valid_date(int(m["year"]), month, first)
                end = _valid_date(int(m["year"]), month, last)
                if start is not None and end is not None:
                    yield _Core(m.start(), m.end(), "day", _absolute(_days(start, end)))
                continue

            def resolve(
                published: datetime.date,
                tense: _Tense,
                month: int = month,
                first: int = first,
                last: int = last,
            ) -> DateInterval:
                start = _day_in_year(month, first, published, tense)
                return _days(start, start.replace(day=last))

            yield _Core(m.start(), m.end(), "day", _relative(resolve))


def _month_cores(text: str) -> Iterator[_Core]:
    for m in _MONTH_YEAR_RE.finditer(text):
        month = _month_number(m)
        if month is not None:
            interval = _whole_month(int(m["year"]), month)
            yield _Core(m.start(), m.end(), "month", _absolute(interval))
    for m in _RELATIVE_MONTH_RE.finditer(text):
        month = _month_number(m)
        if month is None:
            continue
        relation = {"past": "last", "coming": "next"}.get(m["rel"].lower(), m["rel"].lower())

        def resolve_relative(
            published: datetime.date, tense: _Tense, month: int = month, relation: str = relation
        ) -> DateInterval:
            return _whole_month(_month_year(month, published, relation), month)

        yield _Core(m.start(), m.end(), "month", _relative(resolve_relative))
    for m in _BARE_MONTH_RE.finditer(text):
        month = _month_number(m)
        if month is None:
            continue

        def resolve_bare(
            published: datetime.date, tense: _Tense, month: int = month
        ) -> DateInterval:
            relation = "future" if tense == "future" else "past"
            return _whole_month(_month_year(month, published, relation), month)

        yield _Core(m.start(), m.end(), "month", _relative(resolve_bare), needs_anchor=True)


def _counts_something(text: str, end: int) -> bool:
    """Whether the number ending at `end` is followed by what it counts ("2000 troops")."""
    follower = re.match(r"\s+([a-z]+)\b", text[end : end + 32])
    return follower is not None and follower.group(1) not in _YEAR_FOLLOWERS


def _year_cores(text: str) -> Iterator[_Core]:
    for m in _BARE_YEAR_RE.finditer(text):
        if not _counts_something(text, m.end()):
            interval = _whole_year(int(m["year"]))
            yield _Core(m.start(), m.end(), "year", _absolute(interval), needs_anchor=True)
    for m in _YEAR_RANGE_RE.finditer(text):
        first, last = int(m["first"]), int(m["last"])
        joined = m["joint"] is None or m["word"] is not None  # "between 2019 and 2021"
        if first < last and joined and not _counts_something(text, m.end()):
            yield _Core(m.start(), m.end(), "other", _absolute(_years(first, last)))
    for m in _DECADE_RE.finditer(text):
        first = int(m["decade"])
        yield _Core(m.start(), m.end(), "decade", _absolute(_years(first, first + 9)))


def _weekday_cores(text: str) -> Iterator[_Core]:
    for m in _WEEKDAY_RE.finditer(text):
        if m["rel"] is None and _NAMED_DAY_PREFIX.search(text, max(0, m.start() - 16), m.start()):
            continue
        weekday = _WEEKDAYS.index(m["weekday"].lower())
        relation = (m["rel"] or "").lower()

        def resolve(
            published: datetime.date,
            tense: _Tense,
            weekday: int = weekday,
            relation: str = relation,
        ) -> DateInterval:
            today = published.weekday()
            if relation in ("last", "this", "next"):
                week = {"last": -1, "this": 0, "next": 1}[relation]
                day = _week_start(published) + datetime.timedelta(weeks=week, days=weekday)
            elif relation == "past":
                day = published - datetime.timedelta(days=(today - weekday) % 7 or 7)
            elif relation == "coming":
                day = published + datetime.timedelta(days=(weekday - today) % 7 or 7)
            elif tense == "future":
                day = published + datetime.timedelta(days=(weekday - today) % 7)
            else:
                day = published - datetime.timedelta(days=(today - weekday) % 7)
            return _one_day(day)

        yield _Core(m.start(), m.end(), "day", _relative(resolve))


def _deictic(published: datetime.date, word: str) -> DateInterval:
    if word == "yesterday" or word.startswith("last"):
        return _one_day(published - datetime.timedelta(days=1))
    if word == "tomorrow":
        return _one_day(published + datetime.timedelta(days=1))
    return _one_day(published)


def _calendar_unit(published: datetime.date, unit: str, offset: int) -> DateInterval:
    """Return the week, weekend, month or year `offset` units from the one holding `published`."""
    if unit in ("week", "weekend"):
        monday = _week_start(published) + datetime.timedelta(weeks=offset)
        first = monday + datetime.timedelta(days=5 if unit == "weekend" else 0)
        return _days(first, monday + datetime.timedelta(days=6))
    if unit == "month":
        then = _shift_months(published.replace(day=1), offset)
        return _whole_month(then.year, then.month)
    return _whole_year(published.year + offset)


_UNIT_PRECISION: dict[str, Precision] = {"week": "day", "month": "month", "year": "year"}


def _relative_cores(text: str) -> Iterator[_Core]:
    for m in _DEICTIC_RE.finditer(text):
        word = " ".join(m["word"].lower().split())

        def resolve_deictic(
            published: datetime.date, tense: _Tense, word: str = word
        ) -> DateInterval:
            return _deictic(published, word)

        yield _Core(m.start(), m.end(), "day", _relative(resolve_deictic))
    for m in _RELATIVE_UNIT_RE.finditer(text):
        unit = _unit(m)
        offset = {"last": -1, "this": 0, "next": 1}[m["rel"].lower()]
        kind: _Kind = "month" if unit == "month" else "year" if unit == "year" else "other"

        def resolve_unit(
            published: datetime.date, tense: _Tense, unit: str = unit, offset: int = offset
        ) -> DateInterval:
            return _calendar_unit(published, unit, offset)

        yield _Core(m.start(), m.end(), kind, _relative(resolve_unit))
    for m in _EARLIER_RE.finditer(text):
        unit, earlier = _unit(m), m["dir"].lower() == "earlier"

        def resolve_part(
            published: datetime.date, tense: _Tense, unit: str = unit, earlier: bool = earlier
        ) -> DateInterval:
            whole = _calendar_unit(published, unit, 0)
            precision = _UNIT_PRECISION[unit]
            if earlier:
                return DateInterval(whole.start, published, precision)
            return DateInterval(published, whole.end, precision)

        yield _Core(m.start(), m.end(), "other", _relative(resolve_part))
    for m in _WEEKEND_RE.finditer(text):

        def resolve_weekend(published: datetime.date, tense: _Tense) -> DateInterval:
            saturday = _week_start(published) + datetime.timedelta(days=5)
            if tense == "future" and published > saturday + datetime.timedelta(days=1):
                saturday += datetime.timedelta(weeks=1)
            elif tense != "future" and published < saturday:
                saturday -= datetime.timedelta(weeks=1)
            return _days(saturday, saturday + datetime.timedelta(days=1))

        yield _Core(m.start(), m.end(), "other", _relative(resolve_weekend))
    for pattern in (_TRAILING_COUNT_RE, _TRAILING_ONE_RE, _RECENT_RE, _COMING_RE):
        forward = pattern is _COMING_RE
        for m in pattern.finditer(text):
            groups = m.groupdict()
            count = _count_value(groups.get("count")) if "count" in groups else 1
            if count == 0:
                continue
            span, unit = _VAGUE_SPAN if count is None else count, _unit(m)

            def resolve_span(
                published: datetime.date,
                tense: _Tense,
                span: int = span,
                unit: str = unit,
                forward: bool = forward,
            ) -> DateInterval:
                return _span(published, span, unit, forward=forward)

            yield _Core(m.start(), m.end(), "other", _relative(resolve_span))
    for m in _AGO_RE.finditer(text):
        count = _count_value(m["count"])
        if count == 0:
            continue
        unit = _unit(m)

        def resolve_ago(
            published: datetime.date, tense: _Tense, count: int | None = count, unit: str = unit
        ) -> DateInterval:
            return _ago(published, count, unit)

        yield _Core(m.start(), m.end(), "other", _relative(resolve_ago))
    for m in _RECENTLY_RE.finditer(text):

        def resolve_recently(published: datetime.date, tense: _Tense) -> DateInterval:
            return DateInterval(_shift_months(published, -_RECENTLY_MONTHS), published, "unknown")

        yield _Core(m.start(), m.end(), "other", _relative(resolve_recently))


_NUMERIC_DAY_RE = re.compile(
    r"(?<![\w./:,-])(?P<a>[0-3]?\d)/(?P<b>[0-3]?\d)(?:/(?P<year>(?:19|20)\d\d|\d\d))?"
    r"(?![\w/:%-]|[.,]\d)"
)
_NUMERIC_CUE_RE = re.compile(r"(?:\b(?:on|since|from|until|till|by|dated)\s+|\()\Z", _I)


def _numeric_cores(text: str) -> Iterator[_Core]:
    """Numeric dates: "18/06", "on 4/9", "18/06/2023" (day first unless that cannot be).

    Without a year, a form whose first number could be a month ("4/9") is read both ways and
    the reading nearer the publication date wins; a bare pair needs a cue ("on 4/9",
    "(18/06)") unless its first number can only be a day ("18/06").
    """
    for m in _NUMERIC_DAY_RE.finditer(text):
        a, b = int(m["a"]), int(m["b"])
        readings = [(day, month) for day, month in ((a, b), (b, a)) if 1 <= month <= 12]
        readings = [(d, mo) for d, mo in readings if 1 <= d <= _last_day(2024, mo)]
        if not readings:
            continue
        if m["year"] is not None:
            year = int(m["year"]) + (2000 if len(m["year"]) == 2 else 0)
            day = _valid_date(year, readings[0][1], readings[0][0])
            if day is not None:
                yield _Core(m.start(), m.end(), "day", _absolute(_one_day(day)))
            continue
        cued = _NUMERIC_CUE_RE.search(text[max(0, m.start() - 8) : m.start()]) is not None
        if not cued and a <= 12:
            continue

        def resolve(
            published: datetime.date, tense: _Tense, readings: list[tuple[int, int]] = readings
        ) -> DateInterval:
            days = [_day_in_year(month, day, published, tense) for day, month in readings]
            return _one_day(min(days, key=lambda at: (abs((at - published).days), at > published)))

        yield _Core(m.start(), m.end(), "day", _relative(resolve))


_SCANNERS: tuple[Callable[[str], Iterator[_Core]], ...] = (
    _iso_cores,
    _numeric_cores,
    _day_cores,
    _month_cores,
    _year_cores,
    _weekday_cores,
    _relative_cores,
)


# --- from cores to mentions ---------------------------------------------------------------


def _complete(
    text: str, core: _Core, published: datetime.date | None, tense: _Tense
) -> tuple[int, DateInterval] | None:
    """Return the start of the whole expression and its interval, or ``None`` to drop it."""
    start, since, part = core.start, False, None
    m = _PREFIX_RE.search(text, max(0, core.start - _PREFIX_WINDOW), core.start)
    if m is not None and (m["part"] is None or core.kind in ("month", "year", "decade")):
        if core.needs_anchor and not (m["since"] or m["prep"] or m["part"]):
            return None
        part = m["part"]
        if part is not None:
            start = m.start("part")
        # "the" belongs to "the end of 2019" and "the 1990s", not to "the March elections"
        if m["the"] is not None and (part is not None or core.kind == "decade"):
            start = m.start("the")
        contiguous = m["the"] is None or start == m.start("the")
        prep = m["prep"]
        if contiguous and prep is not None:
            if " ".join(prep.lower().split()) in _SPAN_PREPOSITIONS:
                start = m.start("prep")
            else:
                contiguous = False
        if contiguous and m["since"] is not None:
            start, since = m.start("since"), True
    elif core.needs_anchor:
        return None

    try:
        interval = core.resolve(published, "past" if since else tense)
        if part is not None:
            key = " ".join(part.lower().split()).removesuffix(" the")
            interval = _narrow(interval, _PARTS[key], core.kind)
        if since:
            if published is None or interval.start is None or interval.start > published:
                interval = DateInterval.UNKNOWN
            else:
                interval = DateInterval(interval.start, published, interval.precision)
    except DateIntervalError:
        raise
    except (OverflowError, ValueError):  # beyond the range of datetime.date
        interval = DateInterval.UNKNOWN
    return start, interval


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
            self._cache[index] = _FUTURE_RE.search(self._text, start, end) is not None
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
                tense: _Tense = "future" if reading(core.start) else "unmarked"
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


# --- publication dates --------------------------------------------------------------------

_PUBLISHED_RE = re.compile(
    rf"\s*(?:(?:{'|'.join(_WEEKDAYS)}|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)\.?,?\s+)?"
    rf"(?:{_DAY_MONTH_RE.pattern}|{_MONTH_DAY_RE.pattern.replace('(?P<', '(?P<us_')})"
    r"(?:[\s,T]+\d{1,2}:\d\d(?::\d\d(?:\.\d+)?)?\s*(?:[ap]\.?m\.?)?\s*(?:[A-Z]{2,5}|[+-]\d\d:?\d\d|Z)?)?"
    r"\s*",
    _I,
)


def _published_from_words(value: str) -> datetime.date | None:
    m = _PUBLISHED_RE.fullmatch(value)
    if m is None:
        return None
    prefix = "" if m["year"] is not None else "us_"
    token, day, year = m[prefix + "mon"], m[prefix + "day"], m[prefix + "year"]
    if year is None or m[prefix + "last"] is not None:  # no year, or a range of days
        return None
    month = _MONTH_NUMBERS[token.rstrip(".").lower()]
    return _valid_date(int(year), month, int(day))


EVENT_YEARS_BEFORE_PUBLICATION = 50
"""How far before its article's publication date an event may be dated: older dates are
history told as background, not news for the map (the event keeps no date)."""

PUBLISHED_YEARS: tuple[int, int] = (1900, 2100)
"""The years a publication date may fall in; a date outside them is ignored with a warning."""

_PUBLISHED_FORMS = (
    "2023-05-10, 2023/05/10, 10 May 2023, May 10, 2023 or Wed, 10 May 2023 08:30 +0000"
)
_NUMERIC_PUBLISHED_RE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[Tt ]\S.*)?")
_PUBLISHED_CHARS = 100  # longer strings are not dates (and are not scanned)
_SHOWN_CHARS = 60  # how much of a bad value a warning quotes
_PUBLISHED_GRACE = datetime.timedelta(days=1)  # it is already tomorrow somewhere


def parse_published(value: object, warnings: list[str] | None = None) -> datetime.date | None:
    """Return the publication date held by a front-matter or metadata value, or ``None``.

    This is the one reader of publication dates (front matter, HTML metadata, uploads, feeds).
    It accepts dates, datetimes and strings such as ``"2023-05-10"``, ``"2023/05/10"``,
    ``"2023-05-10T08:30:00Z"``, ``"10 May 2023"``, ``"May 10, 2023"``,
    ``"Wednesday, May 10, 2023 8:30 AM EDT"`` and ``"Wed, 10 May 2023 08:30:00 +0000"``, in the
    years :data:`PUBLISHED_YEARS` and not after tomorrow. Anything else (numbers, invalid dates
    such as ``"2023-13-45"``, partial dates such as ``"May 2023"``) gives ``None`` and, when a value
    was given, one short warning saying why; this function never raises.

    Parameters
    ----------
    value
        The raw value.
    warnings : list of str, optional
        Where to append the warning for a value that is not a usable date.

    Returns
    -------
    datetime.date or None
    """
    notes: list[str] = [] if warnings is None else warnings
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    found: datetime.date | None
    if isinstance(value, datetime.datetime):
        found = value.date()
    elif isinstance(value, datetime.date):
        found = value
    elif isinstance(value, str):
        found = _published_from_text(value, notes)
    else:
        notes.append(f"published {_shown_value(value)}, not a date; ignored")
        return None
    low, high = PUBLISHED_YEARS
    if found is not None and not low <= found.year <= high:
        notes.append(f"published {found.isoformat()!r} is outside the years {low}–{high}; ignored")
        return None
    today = datetime.date.today()
    if found is not None and found > today + _PUBLISHED_GRACE:
        # an article cannot appear after today: a date that does would age every other event
        shown, now = found.isoformat(), today.isoformat()
        notes.append(f"published {shown!r} is after today ({now}); ignored")
        return None
    return found


def _published_from_text(value: str, notes: list[str]) -> datetime.date | None:
    text = value.strip()
    shown = repr(text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1] + "…")
    if len(text) > _PUBLISHED_CHARS:
        notes.append(f"published {shown} is not a date like {_PUBLISHED_FORMS}; ignored")
        return None
    for parse in (datetime.date.fromisoformat, datetime.datetime.fromisoformat):
        try:
            parsed = parse(text)
        except ValueError:
            continue
        return parsed.date() if isinstance(parsed, datetime.datetime) else parsed
    if numeric := _NUMERIC_PUBLISHED_RE.fullmatch(text):
        found = _valid_date(int(numeric[1]), int(numeric[2]), int(numeric[3]))
    else:
        found = _published_from_words(text) or _published_from_rfc2822(text)
    if found is None:
        shaped = numeric is not None or _PUBLISHED_RE.fullmatch(text) is not None
        why = "is not a valid date" if shaped else f"is not a date like {_PUBLISHED_FORMS}"
        notes.append(f"published {shown} {why}; ignored")
    return found


def _published_from_rfc2822(text: str) -> datetime.date | None:
    try:
        return email.utils.parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _shown_value(value: object) -> str:
    """Name a non-text value for a warning without formatting a large one whole."""
    if isinstance(value, bool):
        return f"{value!r} is a boolean"
    if isinstance(value, int | float):
        return f"{value!r} is a number"
    if isinstance(value, dict):
        return "is a mapping"
    if isinstance(value, list):
        return "is a list"
    return f"is a {type(value).__name__}"
