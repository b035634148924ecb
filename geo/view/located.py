"""Where and when every stored event lies, held as small arrays for the views of a dense map.

A view whose viewport holds more events than the map draws one by one counts them into grid
cells from narrow rows (type, point, first day; :meth:`geo.view.archive.Archive.located`).
Read from the store, those rows cost a pass over every month part per view (parts hold their
rows by id, so a box skips none). :class:`LocatedEvents` reads the narrow columns of every
event once per archive (about 51 bytes an event) and answers each view's box, types and
window with NumPy masks, by the same tests the store's filters make
(:func:`geo.store.frames.date_filter`, :func:`geo.store.parts.bbox_filter`). Pure reads.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from geo.intervals import widened_window

__all__ = ["LOCATED_COLUMNS", "LocatedEvents"]

#: The event columns a :class:`LocatedEvents` reads.
LOCATED_COLUMNS: Final = ("type", "date_start", "date_end", "date_precision", "bbox", "role")

_NO_DAY: Final = np.iinfo(np.int32).min
_UNITS: Final = ("month", "year")
_PERIODS: Final = ("M", "Y")  # NumPy's units of `_UNITS`


def _days(column: pa.ChunkedArray) -> np.ndarray:
    days = pc.cast(column, pa.date32())
    numbers: np.ndarray = pc.fill_null(pc.cast(days, pa.int32()), _NO_DAY).to_numpy(
        zero_copy_only=False
    )
    return numbers.astype(np.int32, copy=False)


def _number(day: datetime.date) -> int:
    return int(np.datetime64(day, "D").astype("int64"))


@dataclass(frozen=True, slots=True, eq=False)
class LocatedEvents:
    """The narrow columns of every event of an archive (see the module docstring).

    Attributes
    ----------
    types
        The type keys `columns`' ``type`` codes stand for.
    columns
        ``type`` (codes), ``low`` and ``high`` (the stored dates' first and last day, as
        ``int32`` day numbers; the smallest ``int32`` when unknown), ``precision`` (0 day,
        1 month, 2 year), ``xmin``, ``ymin``, ``xmax``, ``ymax`` (the stored bounds, NaN when
        the event has no place), ``first`` (the first day it covers, ``datetime64[D]``) and
        ``cited`` (an earlier event an article cites: role ``context``).
    """

    types: tuple[str, ...]
    columns: dict[str, np.ndarray]

    @classmethod
    def of(cls, table: pa.Table, first: np.ndarray) -> LocatedEvents:
        """Return the rows of an Arrow table of `LOCATED_COLUMNS` and their first days."""
        if table.num_rows == 0:
            table = pa.table(
                {
                    "type": pa.array([], pa.string()),
                    "date_start": pa.array([], pa.timestamp("ns")),
                    "date_end": pa.array([], pa.timestamp("ns")),
                    "date_precision": pa.array([], pa.string()),
                    "bbox": pa.array(
                        [], pa.struct([(s, pa.float64()) for s in ("xmin", "ymin", "xmax", "ymax")])
                    ),
                }
            )
            first = np.zeros(0, dtype="datetime64[D]")
        kinds = pc.dictionary_encode(
            table.column("type").combine_chunks()
            if table.column("type").num_chunks
            else pa.array([], pa.string())
        )
        start, end = _days(table.column("date_start")), _days(table.column("date_end"))
        start_known, end_known = start != _NO_DAY, end != _NO_DAY
        one = np.where(start_known, start, end)
        other = np.where(end_known, end, start)
        precision = table.column("date_precision")
        unit = np.zeros(table.num_rows, dtype=np.int8)
        for code, name in enumerate(_UNITS, start=1):
            hits = pc.fill_null(pc.equal(precision, name), False)
            unit[hits.to_numpy(zero_copy_only=False)] = code
        bounds = table.column("bbox")
        roles = table.column("role") if "role" in table.column_names else None
        cited = (
            pc.fill_null(pc.equal(roles, "context"), False).to_numpy(zero_copy_only=False)
            if roles is not None and table.num_rows
            else np.zeros(table.num_rows, dtype=bool)
        )
        columns = {
            "type": kinds.indices.to_numpy(zero_copy_only=False).astype(np.int16),
            "cited": np.asarray(cited, dtype=bool),
            "low": np.minimum(one, other).astype(np.int32),
            "high": np.maximum(one, other).astype(np.int32),
            "precision": unit,
            **{
                side: pc.fill_null(
                    pc.cast(pc.struct_field(bounds, side), pa.float64()), np.nan
                ).to_numpy(zero_copy_only=False)
                for side in ("xmin", "ymin", "xmax", "ymax")
            },
            "first": first,
        }
        # one side unknown: its date is the other's; both unknown: no date
        unknown = ~(start_known | end_known)
        columns["low"][unknown] = _NO_DAY
        columns["high"][unknown] = _NO_DAY
        names = tuple(str(v) for v in kinds.dictionary.to_pylist())
        return cls(names, columns)

    def pick(
        self,
        boxes: Sequence[tuple[float, float, float, float]],
        *,
        types: Collection[str] | None,
        window: tuple[datetime.date | None, datetime.date | None],
        undated: bool,
        cited: bool = True,
        among: np.ndarray | None = None,
    ) -> list[pd.DataFrame]:
        """Return, for each box, the rows of `types` within it whose dates meet `window`.

        Earlier events the articles cite are left out unless `cited`, and so are the events
        `among` (booleans, one an event: those naming a view's actors or countries) leaves
        out, when given.

        As :meth:`geo.view.archive.Archive.located` returns them: ``type`` (a Categorical of
        the types in the order they first appear), ``x``, ``y`` and ``first``.
        """
        keep = self._kept(types, window, undated=undated, cited=cited, among=among)
        return [self._rows(keep & self._within(box)) for box in boxes]

    def tallies(
        self,
        *,
        types: Collection[str] | None,
        window: tuple[datetime.date | None, datetime.date | None],
        undated: bool,
        cited: bool = True,
        among: np.ndarray | None = None,
    ) -> pd.DataFrame:
        """Return the events :meth:`pick` keeps, wherever they are, per type and interval.

        Columns ``type``, ``date_start`` and ``date_end`` (the interval an event covers, by
        the rule of :mod:`geo.intervals`; ``NaT`` for an undated event) and ``events``, one
        row per distinct type and interval, sorted by them (undated last), as
        :func:`geo.layers.summary.event_tallies` counts rows.
        """
        rows = np.flatnonzero(self._kept(types, window, undated=undated, cited=cited, among=among))
        kinds = self.columns["type"][rows]
        first, last = self.columns["first"][rows], self._last_days(rows)
        rank = np.empty(len(self.types), dtype=np.int64)  # each type code's place by name
        rank[sorted(range(len(self.types)), key=self.types.__getitem__)] = range(len(self.types))
        keys = (_sorted_last(last), _sorted_last(first), rank[kinds])  # by type, first, last
        order = np.lexsort(keys)
        starts_group = np.zeros(len(rows), dtype=bool)
        starts_group[:1] = True
        for key in keys:
            ordered = key[order]
            starts_group[1:] |= ordered[1:] != ordered[:-1]
        heads = np.flatnonzero(starts_group)
        picked = order[heads]
        return pd.DataFrame(
            {
                "type": np.array(self.types, dtype=object)[kinds[picked]],
                "date_start": first[picked].astype("datetime64[ns]"),
                "date_end": last[picked].astype("datetime64[ns]"),
                "events": np.diff(np.append(heads, len(rows))),
            }
        )

    def _kept(
        self,
        types: Collection[str] | None,
        window: tuple[datetime.date | None, datetime.date | None],
        *,
        undated: bool,
        cited: bool,
        among: np.ndarray | None,
    ) -> np.ndarray:
        """Return which rows the filters keep, wherever they are (see :meth:`pick`)."""
        keep = np.ones(len(self.columns["type"]), dtype=bool)
        if among is not None:
            keep &= among
        if not cited:
            keep &= ~self.columns["cited"]
        if types is not None:
            wanted = [code for code, key in enumerate(self.types) if key in set(types)]
            keep &= np.isin(self.columns["type"], wanted)
        date_from, date_to = window
        if date_from is not None or date_to is not None:
            keep &= self._meets(date_from, date_to) | (
                (self.columns["low"] == _NO_DAY) if undated else False
            )
        return keep

    def _last_days(self, rows: np.ndarray) -> np.ndarray:
        """Return the last day each of `rows` covers (``datetime64[D]``, ``NaT`` when undated).

        The later stored date, or the end of the month or year a one-day date of that
        precision stands for.
        """
        low, high = self.columns["low"][rows], self.columns["high"][rows]
        last: np.ndarray = high.astype("datetime64[D]")
        point = (low == high) & (low != _NO_DAY)
        precision = self.columns["precision"][rows]
        for code, unit in enumerate(_PERIODS, start=1):
            period = point & (precision == code)
            periods = low[period].astype("datetime64[D]").astype(f"datetime64[{unit}]")
            last[period] = (periods + 1).astype("datetime64[D]") - 1
        last[low == _NO_DAY] = np.datetime64("NaT")
        return last

    def _meets(self, date_from: datetime.date | None, date_to: datetime.date | None) -> np.ndarray:
        """Return the rows whose dates meet the window, as the store's date filter tests."""
        low, high = self.columns["low"], self.columns["high"]
        known: np.ndarray = low != _NO_DAY
        meets: np.ndarray = known & _between(low, high, date_from, date_to)
        point = known & (low == high)
        for code, unit in enumerate(_UNITS, start=1):
            wide_from, wide_to = widened_window(date_from, date_to, unit)
            period = point & (self.columns["precision"] == code)
            meets |= period & _between(low, low, wide_from, wide_to)
        return meets

    def _within(self, box: tuple[float, float, float, float]) -> np.ndarray:
        minx, miny, maxx, maxy = box
        columns = self.columns
        inside: np.ndarray = (
            (columns["xmin"] <= maxx)
            & (columns["xmax"] >= minx)
            & (columns["ymin"] <= maxy)
            & (columns["ymax"] >= miny)
        )
        return inside

    def _rows(self, keep: np.ndarray) -> pd.DataFrame:
        rows = np.flatnonzero(keep)
        if len(rows) == 0:
            return pd.DataFrame(
                {
                    "type": pd.Categorical([]),
                    "x": pd.Series(dtype="float64"),
                    "y": pd.Series(dtype="float64"),
                    "first": pd.Series(dtype="datetime64[ns]"),
                }
            )
        codes = self.columns["type"][rows]
        present, first_seen = np.unique(codes, return_index=True)
        order = present[np.argsort(first_seen, kind="stable")]
        recode = np.zeros(len(self.types), dtype=np.int16)
        recode[order] = np.arange(len(order), dtype=np.int16)
        columns = self.columns
        return pd.DataFrame(
            {
                "type": pd.Categorical.from_codes(
                    recode[codes], categories=pd.Index([self.types[c] for c in order])
                ),
                "x": (columns["xmin"][rows] + columns["xmax"][rows]) / 2,
                "y": (columns["ymin"][rows] + columns["ymax"][rows]) / 2,
                "first": columns["first"][rows],
            }
        )


def _sorted_last(days: np.ndarray) -> np.ndarray:
    """Return `days` as integers that sort as the days, ``NaT`` after every day."""
    numbers: np.ndarray = days.view(np.int64).copy()
    numbers[np.isnat(days)] = np.iinfo(np.int64).max
    return numbers


def _between(
    low: np.ndarray,
    high: np.ndarray,
    date_from: datetime.date | None,
    date_to: datetime.date | None,
) -> np.ndarray:
    meets = np.ones(len(low), dtype=bool)
    if date_to is not None:
        meets &= low <= _number(date_to)
    if date_from is not None:
        meets &= high >= _number(date_from)
    return meets
