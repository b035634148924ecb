"""Count days, weeks, months and years from a publication date: the arithmetic of date reading.

:mod:`geo.text.dates` finds date expressions in text and decides what they mean; this module
does the counting they need, on plain :class:`datetime.date` values and without any text: the
last day of a month, the same day months away, the week a day falls in, the nearest occurrence
of a month, a day or a weekday, spans counted back or forward in units, and the early, mid and
late parts of a month, a year or a decade.

A :data:`Span` is inclusive: its first and its last day. Weeks run Monday to Sunday (ISO 8601).
The precision of the interval an expression states (``day``, ``month``, ``year``) is the
reader's to say, not this module's.
"""

from __future__ import annotations

import calendar
import datetime
from typing import Final, Literal

__all__ = [
    "Span",
    "Tense",
    "counted_span",
    "day_in_year",
    "last_day",
    "month_year",
    "narrowed",
    "shift_months",
    "span_ago",
    "unit_around",
    "valid_date",
    "week_start",
    "weekday_near",
    "weekend_near",
    "whole_month",
    "whole_year",
    "years",
]

Span = tuple[datetime.date, datetime.date]
"""An inclusive range of days: its first and its last day."""

Tense = Literal["past", "future", "unmarked"]
"""How a sentence places its bare dates: forced past ("since"), future, or not said."""

_VAGUE_AGO: Final = (2, 5)
"""Units back covered by "a few … ago" (nearest, furthest)."""

_PARTS: Final = ("early", "mid", "late")
_DAY = datetime.timedelta(days=1)


def last_day(year: int, month: int) -> int:
    """Return the number of the last day of `month` in `year`."""
    return calendar.monthrange(year, month)[1]


def valid_date(year: int, month: int, day: int) -> datetime.date | None:
    """Return the date, or ``None`` when there is no such day (30 February)."""
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def whole_month(year: int, month: int) -> Span:
    """Return the days of `month` in `year`."""
    return datetime.date(year, month, 1), datetime.date(year, month, last_day(year, month))


def whole_year(year: int) -> Span:
    """Return the days of `year`."""
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def years(first: int, last: int) -> Span:
    """Return the days of the years `first` to `last`."""
    return datetime.date(first, 1, 1), datetime.date(last, 12, 31)


def shift_months(day: datetime.date, months: int) -> datetime.date:
    """Return the same day `months` months later (earlier if negative), clamped to the month."""
    year, index = divmod(day.year * 12 + day.month - 1 + months, 12)
    month = index + 1
    return datetime.date(year, month, min(day.day, last_day(year, month)))


def week_start(day: datetime.date) -> datetime.date:
    """Return the Monday of the week `day` falls in."""
    return day - datetime.timedelta(days=day.weekday())


def month_year(month: int, published: datetime.date, relation: str) -> int:
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


def day_in_year(month: int, day: int, published: datetime.date, tense: Tense) -> datetime.date:
    """Return the `month`-`day` meant by a text published on `published`.

    Past: the latest on or before publication; future: the earliest on or after it;
    unmarked: the nearer of the two (the past one on a tie).

    Raises
    ------
    ValueError
        When no such day lies within eight years of `published`.
    """
    before: datetime.date | None = None
    after: datetime.date | None = None
    for offset in range(9):  # 29 February recurs within eight years
        if before is None and tense != "future":
            candidate = valid_date(published.year - offset, month, day)
            if candidate is not None and candidate <= published:
                before = candidate
        if after is None and tense != "past":
            candidate = valid_date(published.year + offset, month, day)
            if candidate is not None and candidate >= published:
                after = candidate
    if before is None or (after is not None and after - published < published - before):
        if after is None:
            message = f"no date {month!r}-{day!r} near {published.isoformat()!r}"
            raise ValueError(message)
        return after
    return before


def weekday_near(
    published: datetime.date, weekday: int, relation: str, tense: Tense
) -> datetime.date:
    """Return the `weekday` (0 is Monday) that `relation` names, seen from `published`.

    ``"last"``, ``"this"`` and ``"next"`` name that day of the previous, current and following
    week; ``"past"`` and ``"coming"`` the nearest one strictly before or after publication;
    no relation the nearest on or before publication (on or after it in the future tense).
    """
    today = published.weekday()
    if relation in ("last", "this", "next"):
        week = {"last": -1, "this": 0, "next": 1}[relation]
        return week_start(published) + datetime.timedelta(weeks=week, days=weekday)
    if relation == "past":
        return published - datetime.timedelta(days=(today - weekday) % 7 or 7)
    if relation == "coming":
        return published + datetime.timedelta(days=(weekday - today) % 7 or 7)
    if tense == "future":
        return published + datetime.timedelta(days=(weekday - today) % 7)
    return published - datetime.timedelta(days=(today - weekday) % 7)


def weekend_near(published: datetime.date, tense: Tense) -> Span:
    """Return "the weekend": the last one up to publication, or the next one in the future."""
    saturday = week_start(published) + datetime.timedelta(days=5)
    if tense == "future" and published > saturday + _DAY:
        saturday += datetime.timedelta(weeks=1)
    elif tense != "future" and published < saturday:
        saturday -= datetime.timedelta(weeks=1)
    return saturday, saturday + _DAY


def unit_around(published: datetime.date, unit: str, offset: int) -> Span:
    """Return the week, weekend, month or year `offset` units from the one holding `published`."""
    if unit in ("week", "weekend"):
        monday = week_start(published) + datetime.timedelta(weeks=offset)
        first = monday + datetime.timedelta(days=5 if unit == "weekend" else 0)
        return first, monday + datetime.timedelta(days=6)
    if unit == "month":
        then = shift_months(published.replace(day=1), offset)
        return whole_month(then.year, then.month)
    return whole_year(published.year + offset)


def counted_span(published: datetime.date, count: int, unit: str, *, forward: bool) -> Span:
    """Return `count` units up to publication (or from it, if `forward`), inclusive.

    `unit` is ``hour``, ``day``, ``week``, ``month``, ``year`` or ``decade``.
    """
    sign = 1 if forward else -1
    if unit in ("hour", "day", "week"):
        days = {"hour": max(1, -(-count // 24)), "day": count, "week": 7 * count}[unit]
        other = published + datetime.timedelta(days=sign * days)
    else:
        months = count * {"month": 1, "year": 12, "decade": 120}[unit]
        other = shift_months(published, sign * months)
    return (published, other) if forward else (other, published)


def span_ago(published: datetime.date, count: int | None, unit: str) -> Span:
    """Return the days `count` units before publication (`count` ``None``: a few).

    A day ago is one day, a week ago the seven days centred on it, a month or a year ago the
    calendar month or year; a few units ago run from five units back to two.
    """
    if unit in ("minute", "hour"):
        hours = (count or 1) if unit == "hour" else 0
        day = published - datetime.timedelta(days=hours // 24)
        return day, day
    if count is None:
        return _few_ago(published, unit)
    if unit == "day":
        day = published - datetime.timedelta(days=count)
        return day, day
    if unit == "week":
        centre = published - datetime.timedelta(weeks=count)
        return centre - datetime.timedelta(days=3), centre + datetime.timedelta(days=3)
    if unit == "month":
        then = shift_months(published, -count)
        return whole_month(then.year, then.month)
    return whole_year(published.year - count * (10 if unit == "decade" else 1))


def _few_ago(published: datetime.date, unit: str) -> Span:
    near, far = _VAGUE_AGO
    if unit == "day":
        return (
            published - datetime.timedelta(days=far),
            published - datetime.timedelta(days=near),
        )
    if unit == "week":
        return (
            published - datetime.timedelta(weeks=far),
            published - datetime.timedelta(weeks=near),
        )
    if unit == "month":
        first = shift_months(published, -far)
        last = shift_months(published, -near)
        return first.replace(day=1), last.replace(day=last_day(last.year, last.month))
    scale = 10 if unit == "decade" else 1
    return years(published.year - far * scale, published.year - near * scale)


def narrowed(whole: Span, part: str, unit: str) -> Span:
    """Return the ``early``, ``mid`` or ``late`` part of a whole month, year or decade.

    A month splits into days 1-10, 11-20 and 21 to its end; a year into January-April,
    May-August and September-December; a decade into its years 0-3, 4-6 and 7-9.
    """
    start, end = whole
    index = _PARTS.index(part)
    if unit == "month":
        return start.replace(day=(1, 11, 21)[index]), start.replace(day=(10, 20, end.day)[index])
    if unit == "year":
        first_month, last_month = (1, 5, 9)[index], (4, 8, 12)[index]
        return (
            datetime.date(start.year, first_month, 1),
            datetime.date(start.year, last_month, last_day(start.year, last_month)),
        )
    first, last = ((0, 3), (4, 6), (7, 9))[index]
    return years(start.year + first, start.year + last)
