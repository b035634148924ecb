"""Zones' severities over a time window, from their zone-days rows alone.

A view with a time window measures each zone from the zone-days rows
(:mod:`geo.layers.aggregates`) of its types and window: :func:`zone_severities` from a frame,
:func:`severities_of_rows` from rows held as arrays (:class:`DayRows`: zones and types as codes,
days as day numbers), so a view converts no date. Both give the same floats, bit for bit, as
:func:`geo.layers.zones.zone_severity` measures from the events. Pure functions.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from geo.layers.aggregates import CONFIDENCE_UNIT, day_numbers
from geo.layers.zones import HALF_LIFE_DAYS, SEVERITY_SCALE, UNKNOWN_DATE_FACTOR
from geo.taxonomy import EVENT_TYPES

__all__ = ["DayRows", "rows_counted", "rows_in_window", "severities_of_rows", "zone_severities"]

_WEIGHTS: Final = {t.key: t.weight for t in EVENT_TYPES}
_DATES: Final = ("first", "last", "end", "published")


def _recency(days: np.ndarray) -> np.ndarray:
    result: np.ndarray = np.power(0.5, np.clip(days, 0.0, None) / HALF_LIFE_DAYS)
    return result


def zone_severities(
    table: pd.DataFrame,
    *,
    types: Collection[str] | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    undated: bool = False,
    today: datetime.date | None = None,
) -> pd.DataFrame:
    """Return each zone's severity and event count for a window, from zone-days rows alone.

    The events counted are those the view's filters keep (:func:`geo.view.selection.
    filter_events` without actors and countries): of `types` (None: all), covering a day of
    ``[date_from, date_to]`` (a side None is open; with neither, every event, and undated ones
    only when `undated` asks or no window is set). The severity is
    :func:`geo.layers.zones.zone_severity`'s: ``1 - exp(-S / SEVERITY_SCALE)`` over the summed
    ``weight(type) × recency × confidence``, recency measured from `today`, or with None from
    each zone's own newest date among the events counted.

    Returns
    -------
    pandas.DataFrame
        ``zone_id``, ``severity`` (0–1) and ``events`` (how many events count), one row per
        zone with at least one such event, by zone id.
    """
    if table is None or len(table) == 0:
        return _no_severities()
    zones, zone_ids = pd.factorize(table["zone_id"], sort=True)  # categories stay codes
    kinds, type_keys = pd.factorize(table["type"], sort=True)
    return severities_of_rows(
        DayRows(
            zones=np.asarray(zones),
            zone_ids=tuple(str(z) for z in zone_ids),
            types=np.asarray(kinds),
            type_keys=tuple(str(t) for t in type_keys),
            **{name: day_numbers(table[name]) for name in _DATES},
            events=table["events"].to_numpy(dtype="int64"),
            confidence_e6=table["confidence_e6"].to_numpy(dtype="int64"),
        ),
        types=types,
        date_from=date_from,
        date_to=date_to,
        undated=undated,
        today=today,
    )


@dataclass(frozen=True, slots=True, eq=False)
class DayRows:
    """Zone-days rows as arrays: zones and types as codes, days as day numbers.

    Attributes
    ----------
    zones, types
        Codes into `zone_ids` and `type_keys` (a row whose code is out of range or negative
        counts for no zone or type).
    first, last, end, published
        Days since 1970 (integers), the smallest ``int64`` (or ``int32``) when unknown.
    events, confidence_e6
        As in :data:`ZONE_DAY_COLUMNS`.
    """

    zones: np.ndarray
    zone_ids: tuple[str, ...]
    types: np.ndarray
    type_keys: tuple[str, ...]
    first: np.ndarray
    last: np.ndarray
    end: np.ndarray
    published: np.ndarray
    events: np.ndarray
    confidence_e6: np.ndarray


def _no_severities() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "zone_id": pd.Series(dtype="str"),
            "severity": pd.Series(dtype="float64"),
            "events": pd.Series(dtype="int64"),
        }
    )


def _known(days: np.ndarray) -> np.ndarray:
    known: np.ndarray = days != np.iinfo(days.dtype).min
    return known


def _float_days(days: np.ndarray) -> np.ndarray:
    floats: np.ndarray = np.where(_known(days), days.astype("float64"), np.nan)
    return floats


def _type_weights(rows: DayRows) -> np.ndarray:
    """Return the weight of each of `rows`' type keys (by code)."""
    return np.array([_WEIGHTS.get(key, 0.0) for key in rows.type_keys], dtype="float64")


def rows_counted(
    rows: DayRows,
    *,
    types: Collection[str] | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    undated: bool = False,
) -> np.ndarray:
    """Return which rows a window's severities count (:func:`zone_severities`'s filters).

    Those :func:`rows_in_window` keeps whose type weighs something.
    """
    window = rows_in_window(
        rows, types=types, date_from=date_from, date_to=date_to, undated=undated
    )
    weighs = _type_weights(rows) > 0
    counted: np.ndarray = (weighs[rows.types] if len(weighs) else False) & window
    return counted


def rows_in_window(
    rows: DayRows,
    *,
    types: Collection[str] | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    undated: bool = False,
) -> np.ndarray:
    """Return which rows are of `types` and meet the window ``[date_from, date_to]``.

    A row meets it when its interval (``first`` … ``last``) covers a day of it; with a
    window, rows of unknown interval are kept when `undated` asks for them; with none, every
    row.
    """
    keep = np.ones(len(rows.types), dtype=bool)
    if types is not None:
        wanted = [code for code, key in enumerate(rows.type_keys) if key in set(types)]
        keep &= np.isin(rows.types, wanted)
    if date_from is None and date_to is None:
        return keep
    first, last = rows.first, rows.last
    known = _known(first) & _known(last)
    within = known.copy()
    if date_to is not None:
        within &= first <= _day_number(date_to)
    if date_from is not None:
        within &= last >= _day_number(date_from)
    kept: np.ndarray = keep & (within | (~known if undated else False))
    return kept


def severities_of_rows(
    rows: DayRows,
    *,
    types: Collection[str] | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    undated: bool = False,
    today: datetime.date | None = None,
) -> pd.DataFrame:
    """Return :func:`zone_severities` of zone-days rows held as arrays (no date is converted).

    The same rows in the same order give the same floats, bit for bit, as the frame would.
    """
    keep = rows_counted(rows, types=types, date_from=date_from, date_to=date_to, undated=undated)
    if not keep.any():
        return _no_severities()
    kept = np.flatnonzero(keep)
    weights = _type_weights(rows)[rows.types[kept]]
    base = weights * rows.confidence_e6[kept].astype("float64") / CONFIDENCE_UNIT
    end = _float_days(rows.end[kept])
    pub = _float_days(rows.published[kept])
    present, codes = np.unique(rows.zones[kept], return_inverse=True)
    zone_ids = [rows.zone_ids[int(code)] for code in present]
    if today is not None:
        reference = np.full(len(kept), float(_day_number(today)))
    else:  # each zone from its own newest date among the events counted
        known_dates = np.where(np.isnan(end), pub, end)
        newest = np.full(len(zone_ids), -np.inf)
        np.fmax.at(newest, codes, np.nan_to_num(known_dates, nan=-np.inf))
        newest[np.isinf(newest)] = 0.0
        reference = newest[codes]
    undated_factor = np.nan_to_num(_recency(reference - pub), nan=1.0) * UNKNOWN_DATE_FACTOR
    recency = np.where(np.isnan(end), undated_factor, _recency(reference - end))
    totals = np.bincount(codes, weights=base * recency, minlength=len(zone_ids))
    counts = np.bincount(codes, weights=rows.events[kept], minlength=len(zone_ids))
    severity = np.clip(-np.expm1(-totals / SEVERITY_SCALE), 0.0, 1.0)
    frame = pd.DataFrame(
        {
            "zone_id": pd.Series(zone_ids, dtype="str"),
            "severity": severity,
            "events": counts.astype("int64"),
        }
    )
    return frame.sort_values("zone_id", ignore_index=True)


def _day_number(day: datetime.date) -> int:
    return int(np.datetime64(day, "D").astype("int64"))
