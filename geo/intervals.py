"""Work out the days an event covers from its dates and their precision: one rule for all.

An event has ``date_start``, ``date_end`` and ``date_precision`` (``day``, ``month``, ``year``
or ``unknown``). The interval it covers is inclusive and follows three rules:

- a missing side takes the other's value;
- a one-day interval of ``month`` or ``year`` precision stands for its whole month or year
  ("in April 2023" is stored as 2023-04-01 and covers 1–30 April);
- reversed bounds are swapped.

An event with neither date has no interval (``None``/``NaT``). :func:`covered_interval` applies
the rule to one event's dates, :func:`covered_intervals` to a whole frame at once; the view's
time filter, its list, its timeline and its popups all use these. The store reads a time
window by the same rule (:func:`geo.store.frames.date_filter`, with :func:`widened_window` for
the dates that stand for a whole month or year) and records the days each of its parts covers
with :func:`covered_intervals`.
"""

from __future__ import annotations

import calendar
import datetime

import numpy as np
import pandas as pd

__all__ = [
    "covered_interval",
    "covered_intervals",
    "period_end",
    "period_start",
    "widened_window",
]


def period_start(day: datetime.date, precision: str) -> datetime.date:
    """Return the first day of the month or year `day` falls in (`day` for day precision)."""
    if precision == "year":
        return day.replace(month=1, day=1)
    if precision == "month":
        return day.replace(day=1)
    return day


def period_end(day: datetime.date, precision: str) -> datetime.date:
    """Return the last day of the month or year `day` falls in (`day` for day precision)."""
    if precision == "year":
        return day.replace(month=12, day=31)
    if precision == "month":
        return day.replace(day=calendar.monthrange(day.year, day.month)[1])
    return day


def covered_interval(
    first: datetime.date | None, last: datetime.date | None, precision: object = "day"
) -> tuple[datetime.date | None, datetime.date | None]:
    """Return the inclusive interval an event with these dates covers; ``(None, None)`` if none.

    See the module docstring for the rule.
    """
    unit = precision if isinstance(precision, str) else "day"
    first, last = first or last, last or first
    if first is None or last is None:
        return None, None
    if last < first:
        first, last = last, first
    if first == last:
        first, last = period_start(first, unit), period_end(last, unit)
    return first, last


def widened_window(
    date_from: datetime.date | None, date_to: datetime.date | None, precision: str
) -> tuple[datetime.date | None, datetime.date | None]:
    """Return where a one-day date of `precision` must fall for its period to meet a window.

    A one-day date of ``month`` precision covers its whole month, so it meets 10–12 May 2023
    exactly when it falls in May 2023: the window's ends widen to the whole months (``year``:
    years) they fall in. ``None`` leaves that side of the window open.
    """
    return (
        None if date_from is None else period_start(date_from, precision),
        None if date_to is None else period_end(date_to, precision),
    )


def covered_intervals(events: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Return every event's interval as two ``datetime64[D]`` arrays (``NaT``: unknown).

    The columnar form of :func:`covered_interval`, for a frame with ``date_start``,
    ``date_end`` and (optionally) ``date_precision`` columns.
    """
    first = pd.to_datetime(events["date_start"], errors="coerce").dt.normalize()
    last = pd.to_datetime(events["date_end"], errors="coerce").dt.normalize()
    if "date_precision" in events:
        precision = events["date_precision"].astype(str).to_numpy()
    else:
        precision = np.full(len(events), "day")
    first = first.fillna(last)
    last = last.fillna(first)
    swap = (last < first).to_numpy()
    first, last = first.where(~swap, last), last.where(~swap, first)
    point = (first == last).to_numpy()
    for unit, code in (("month", "M"), ("year", "Y")):
        widen = point & (precision == unit) & first.notna().to_numpy()
        if widen.any():
            periods = first[widen].dt.to_period(code)
            first[widen] = periods.dt.start_time
            last[widen] = periods.dt.end_time.dt.normalize()
    return first.to_numpy(dtype="datetime64[D]"), last.to_numpy(dtype="datetime64[D]")
