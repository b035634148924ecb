"""Hold a store version's zone-days rows compactly, for views with a time window.

The zone-days table (:mod:`geo.layers.aggregates`) has some five rows per event. A view with a
time window measures the zones from the rows of its window, so the rows are read once per
archive, part by part, and kept as small NumPy columns: zones and types as codes, days as
32-bit day numbers. About 35 bytes a row, instead of the Arrow table's 90 and a pandas copy;
each view picks its rows and gets them as the usual frame (:data:`ZONE_DAY_COLUMNS`, zones and
types as categories). Pure reads.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from geo.layers.aggregates import ZONE_DAY_COLUMNS, day_numbers
from geo.layers.window import DayRows, rows_counted, rows_in_window, severities_of_rows

__all__ = ["ZoneRows"]

_DATES: Final = ("first", "last", "end", "published")
_NO_DAY: Final = np.iinfo(np.int32).min
"""The day number of an unknown day."""


def _day_numbers(column: pa.ChunkedArray | pa.Array) -> np.ndarray:
    days = pc.cast(pc.cast(column, pa.timestamp("ns")), pa.date32())
    numbers: np.ndarray = (
        pc.fill_null(pc.cast(days, pa.int32()), _NO_DAY).to_numpy(zero_copy_only=False)
    ).astype(np.int32, copy=False)
    return numbers


def _dates(numbers: np.ndarray) -> np.ndarray:
    """Return day numbers as ``datetime64[ns]`` (``NaT`` for unknown)."""
    days = numbers.astype("int64")
    days[numbers == _NO_DAY] = np.iinfo(np.int64).min
    dates: np.ndarray = days.view("datetime64[D]").astype("datetime64[ns]")
    return dates


def _codes(column: pa.ChunkedArray | pa.Array, known: dict[str, int]) -> np.ndarray:
    """Return a string column as codes into `known` (new values added to it)."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks() if column.num_chunks else pa.array([], pa.string())
    encoded = pc.dictionary_encode(column)
    local = np.array(
        [known.setdefault(str(value), len(known)) for value in encoded.dictionary.to_pylist()],
        dtype=np.int32,
    )
    indices = encoded.indices.to_numpy(zero_copy_only=False)
    return local[indices] if len(local) else np.zeros(len(column), dtype=np.int32)


def _narrow(codes: np.ndarray, count: int) -> np.ndarray:
    kind = np.int8 if count < 2**7 else np.int16 if count < 2**15 else np.int32
    return codes.astype(kind)


@dataclass(frozen=True, slots=True, eq=False)
class ZoneRows:
    """Zone-days rows as NumPy columns (see the module docstring).

    Attributes
    ----------
    zones, types
        The zone ids and type keys the codes stand for.
    columns
        ``zone_id`` and ``type`` as codes, the days as ``int32`` day numbers (unknown: the
        smallest ``int32``), ``events`` and ``confidence_e6``.
    """

    zones: tuple[str, ...]
    types: tuple[str, ...]
    columns: dict[str, np.ndarray]

    @classmethod
    def of(cls, tables: Iterable[pa.Table]) -> ZoneRows:
        """Return the rows of zone-days Arrow `tables` (one per part), read one after another."""
        zones: dict[str, int] = {}
        types: dict[str, int] = {}
        pieces: dict[str, list[np.ndarray]] = {name: [] for name in ZONE_DAY_COLUMNS}
        for table in tables:
            pieces["zone_id"].append(_codes(table.column("zone_id"), zones))
            pieces["type"].append(_codes(table.column("type"), types))
            for name in _DATES:
                pieces[name].append(_day_numbers(table.column(name)))
            for name in ("events", "confidence_e6"):
                values = table.column(name).to_numpy().astype(np.int64, copy=False)
                pieces[name].append(values)
        columns = {
            name: np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
            for name, parts in pieces.items()
        }
        columns["zone_id"] = _narrow(columns["zone_id"], len(zones))
        columns["type"] = _narrow(columns["type"], len(types))
        for name in _DATES:
            columns[name] = columns[name].astype(np.int32, copy=False)
        return cls(tuple(zones), tuple(types), columns)

    def __len__(self) -> int:
        return len(self.columns["events"])

    def pick(
        self,
        *,
        types: Iterable[str] | None = None,
        date_from: datetime.date | None = None,
        date_to: datetime.date | None = None,
        undated: bool = False,
    ) -> pd.DataFrame:
        """Return the rows of `types` whose interval meets the window, as a zone-days frame.

        With a window, rows of unknown interval are kept when `undated` asks for them; with
        none, every row. Zones and types come as categories, days as ``datetime64[ns]``.
        """
        wanted = None if types is None else set(types)
        keep = rows_in_window(
            self.day_rows(), types=wanted, date_from=date_from, date_to=date_to, undated=undated
        )
        rows = np.flatnonzero(keep)
        frame = {
            "zone_id": pd.Categorical.from_codes(
                self.columns["zone_id"][rows], categories=pd.Index(self.zones)
            ),
            "type": pd.Categorical.from_codes(
                self.columns["type"][rows], categories=pd.Index(self.types)
            ),
            **{name: _dates(self.columns[name][rows]) for name in _DATES},
            "events": self.columns["events"][rows],
            "confidence_e6": self.columns["confidence_e6"][rows],
        }
        return pd.DataFrame(frame)

    def day_rows(self) -> DayRows:
        """Return the rows as :class:`~geo.layers.window.DayRows` (the same arrays, not copied)."""
        columns = self.columns
        return DayRows(
            zones=columns["zone_id"],
            zone_ids=self.zones,
            types=columns["type"],
            type_keys=self.types,
            **{name: columns[name] for name in (*_DATES, "events", "confidence_e6")},
        )

    def severities(
        self,
        more: pd.DataFrame | None = None,
        *,
        types: Iterable[str] | None = None,
        date_from: datetime.date | None = None,
        date_to: datetime.date | None = None,
        undated: bool = False,
        today: datetime.date | None = None,
    ) -> pd.DataFrame:
        """Return the zones' severities for a window from these rows and the rows `more`.

        What :func:`geo.layers.window.zone_severities` gives for :meth:`pick`'s frame with
        `more` (a zone-days frame) added after it, bit for bit, without making that frame:
        the rows are picked and measured as codes and day numbers.
        """
        wanted = None if types is None else set(types)
        columns = self.columns
        counted = rows_counted(
            self.day_rows(), types=wanted, date_from=date_from, date_to=date_to, undated=undated
        )
        rows = np.flatnonzero(counted)
        zone_ids, type_keys = list(self.zones), list(self.types)
        pieces: dict[str, list[np.ndarray]] = {
            "zones": [columns["zone_id"][rows].astype(np.int32)],
            "types": [columns["type"][rows].astype(np.int32)],
            **{name: [columns[name][rows]] for name in (*_DATES, "events", "confidence_e6")},
        }
        if more is not None and len(more):
            pieces["zones"].append(_extended_codes(more["zone_id"], zone_ids))
            pieces["types"].append(_extended_codes(more["type"], type_keys))
            for name in _DATES:
                pieces[name].append(_int32_days(day_numbers(more[name])))
            for name in ("events", "confidence_e6"):
                pieces[name].append(more[name].to_numpy(dtype=np.int64))
        joined = {name: np.concatenate(parts) for name, parts in pieces.items()}
        return severities_of_rows(
            DayRows(zone_ids=tuple(zone_ids), type_keys=tuple(type_keys), **joined),
            types=wanted,
            date_from=date_from,
            date_to=date_to,
            undated=undated,
            today=today,
        )


def _extended_codes(values: pd.Series, known: list[str]) -> np.ndarray:
    """Return `values` as codes into `known`, the values it lacks added to its end."""
    position = {value: code for code, value in enumerate(known)}
    codes = []
    for value in values.astype(str):
        if value not in position:
            position[value] = len(known)
            known.append(value)
        codes.append(position[value])
    return np.asarray(codes, dtype=np.int32)


def _int32_days(numbers: np.ndarray) -> np.ndarray:
    """Return day numbers (unknown: the smallest ``int64``) as this module keeps them."""
    known = numbers != np.iinfo(np.int64).min
    days: np.ndarray = np.where(known, numbers, _NO_DAY).astype(np.int32)
    return days
