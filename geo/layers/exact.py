"""Exact sums of the zones' severity terms, so that a batch adds to them and no row is read again.

A zone's severity over the whole archive (each zone measured from its own newest date,
:func:`geo.layers.aggregates.zone_sums`) follows from three sums per zone and type of the
zone-days rows: ``dated`` (``weight × confidence × 2 ** (end / half life)``), ``published``
(the same by the publication day, for events without an end date) and ``unpublished``
(``weight × confidence``, neither date known), days counted from
:data:`geo.layers.aggregates.SUMS_ORIGIN_DAY`. Floating-point sums depend on the order of their
terms, so sums a batch adds to would differ, in the last bits, from sums made from all the rows
at once. Here each term is ``confidence (millionths, an integer) × factor``, the factor a
float made from the type and the day alone, and the sums are kept exactly (as integers times
a power of two, written ``<hex>p<exponent>``): adding a batch's rows, or merging rows with one
key, gives the same sums, bit for bit, as the whole table. Rounded once, they give the
``zone_sums`` table's floats and the zones' severities (:func:`severities_of`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Final

import numpy as np
import pandas as pd

from geo.layers.zones import HALF_LIFE_DAYS, SEVERITY_SCALE, UNKNOWN_DATE_FACTOR
from geo.taxonomy import EVENT_TYPES

__all__ = [
    "EXACT_COLUMNS",
    "SUM_COLUMNS",
    "add_sums",
    "exact_sums",
    "severities_of",
]

EXACT_COLUMNS: Final = ("dated_exact", "published_exact", "unpublished_exact")
"""The exact sums (``<hex>p<exponent>``) behind ``dated``, ``published``, ``unpublished``."""

SUM_COLUMNS: Final = {
    "zone_id": "str",
    "type": "str",
    "events": "int64",
    "dated": "float64",
    "published": "float64",
    "unpublished": "float64",
    "newest": "float64",
    **dict.fromkeys(EXACT_COLUMNS, "str"),
}
"""Columns of the exact zone sums: those of :func:`geo.layers.aggregates.zone_sums` (floats
rounded from the exact sums) and the exact sums."""

_WEIGHTS: Final = {t.key: t.weight for t in EVENT_TYPES}
_UNIT: Final = 1_000_000.0
_ORIGIN: Final = 20_000  # geo.layers.aggregates.SUMS_ORIGIN_DAY, in days since 1970
_PIECE: Final = 18  # bits of a factor's mantissa taken at a time (three pieces: 54 bits)
_SPLIT: Final = 21  # bits of a confidence taken at a time (two pieces: up to 2**42)
_UNKNOWN: Final = np.iinfo("int64").min


def _day_numbers(values: Any) -> np.ndarray:
    days = np.asarray(pd.to_datetime(pd.Series(values)).to_numpy()).astype("datetime64[D]")
    numbers: np.ndarray = days.astype("int64")
    numbers[np.isnat(days)] = _UNKNOWN
    return numbers


def _factors(weights: np.ndarray, days: np.ndarray) -> np.ndarray:
    """Return ``weight × 2 ** ((day - origin) / half life) / 10**6`` per row, by Python's pow.

    Each distinct day's power is computed once by the same scalar function, so a row's factor
    does not depend on the rows around it.
    """
    unique, inverse = np.unique(days, return_inverse=True)
    powers = np.array([2.0 ** ((int(d) - _ORIGIN) / HALF_LIFE_DAYS) for d in unique])
    factors: np.ndarray = weights * powers[inverse] / _UNIT
    return factors


def exact_sums(table: Any) -> pd.DataFrame:
    """Return the exact zone sums (:data:`SUM_COLUMNS`) of zone-days rows, by zone and type.

    `table` holds :data:`geo.layers.aggregates.ZONE_DAY_COLUMNS` (a key may come in several
    rows: they add up). Rows of types of no weight are left out, as zones without a row.
    """
    types = np.asarray(table["type"]).astype(str)
    weights = pd.Series(types).map(_WEIGHTS).fillna(0.0).to_numpy(dtype="float64")
    counted = weights > 0
    zone_codes, zone_names = pd.factorize(np.asarray(table["zone_id"]).astype(str)[counted])
    type_codes, type_names = pd.factorize(types[counted])
    width = max(len(type_names), 1)
    key_values, keys = np.unique(
        zone_codes.astype("int64") * width + type_codes, return_inverse=True
    )
    keys = keys.reshape(-1)
    size = len(key_values)
    weights = weights[counted]
    units = np.asarray(table["confidence_e6"], dtype="int64")[counted]
    if len(units) and int(units.max()) >= 1 << (2 * _SPLIT):
        msg = "a zone-days row sums more confidence than the exact sums hold"
        raise ValueError(msg)
    end, published = _day_numbers(table["end"])[counted], _day_numbers(table["published"])[counted]
    dated = end != _UNKNOWN
    by_publication = ~dated & (published != _UNKNOWN)
    day = np.where(dated, end, np.where(by_publication, published, _ORIGIN))
    kind = np.where(dated, 0, np.where(by_publication, 1, 2)).astype("int64")
    mantissas, powers = np.frexp(_factors(weights, day))
    whole = (mantissas * float(1 << 53)).astype("int64")
    exponent = powers.astype("int64") - 53
    low = int(exponent.min()) if len(exponent) else 0
    span = (int(exponent.max()) - low + 1) if len(exponent) else 1
    groups, group = np.unique((keys * 3 + kind) * span + (exponent - low), return_inverse=True)
    group = group.reshape(-1)
    order = np.argsort(group, kind="stable")
    ordered = group[order]
    starts = (
        np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]]) if size else np.zeros(0, "int64")
    )
    sums: list[list[int]] = [[0] * size for _ in EXACT_COLUMNS]
    exponents: list[list[int]] = [[0] * size for _ in EXACT_COLUMNS]
    group_keys = (groups // span // 3).tolist()
    group_kinds = (groups // span % 3).tolist()
    group_powers = (groups % span + low).tolist()
    for half in (0, 1):
        part = ((units >> (_SPLIT * half)) & ((1 << _SPLIT) - 1))[order]
        for piece in range(3):
            bits = ((whole >> (_PIECE * piece)) & ((1 << _PIECE) - 1))[order]
            totals = np.add.reduceat(part * bits, starts).tolist() if len(starts) else []
            shift = _SPLIT * half + _PIECE * piece
            for key, which, power, total in zip(
                group_keys, group_kinds, group_powers, totals, strict=True
            ):
                if total:
                    _add_to(sums[which], exponents[which], key, total, power + shift)
    latest = np.where(dated | by_publication, day - _ORIGIN, -np.inf).astype("float64")
    newest = pd.Series(latest).groupby(keys).max().reindex(range(size)).to_numpy()
    counts = np.bincount(keys, weights=np.asarray(table["events"])[counted], minlength=size)
    return _frame(
        [str(zone_names[k // width]) for k in key_values.tolist()],
        [str(type_names[k % width]) for k in key_values.tolist()],
        counts.astype("int64"),
        newest.astype("float64"),
        [[_text(m, e) for m, e in zip(sums[i], exponents[i], strict=True)] for i in range(3)],
    ).sort_values(["zone_id", "type"], ignore_index=True)


def _add_to(sums: list[int], exponents: list[int], key: int, value: int, exponent: int) -> None:
    """Add ``value × 2 ** exponent`` to the exact sum ``sums[key] × 2 ** exponents[key]``."""
    if sums[key] == 0:
        sums[key], exponents[key] = value, exponent
    elif exponent >= exponents[key]:
        sums[key] += value << (exponent - exponents[key])
    else:
        sums[key] = (sums[key] << (exponents[key] - exponent)) + value
        exponents[key] = exponent


def _text(mantissa: int, exponent: int) -> str:
    if mantissa == 0:
        return "0p0"
    zeros = (mantissa & -mantissa).bit_length() - 1
    return f"{mantissa >> zeros:x}p{exponent + zeros}"


def _parse(text: str) -> tuple[int, int]:
    mantissa, exponent = text.split("p")
    return int(mantissa, 16), int(exponent)


def _float(text: str) -> float:
    mantissa, exponent = _parse(text)
    return math.ldexp(float(mantissa), exponent) if mantissa else 0.0


def _frame(
    zones: list[str],
    types: list[str],
    events: np.ndarray,
    newest: np.ndarray,
    exact: list[list[str]],
) -> pd.DataFrame:
    floats = {
        name: pd.Series([_float(t) for t in texts], dtype="float64")
        for name, texts in zip(("dated", "published", "unpublished"), exact, strict=True)
    }
    frame = pd.DataFrame(
        {
            "zone_id": pd.Series(zones, dtype="str"),
            "type": pd.Series(types, dtype="str"),
            "events": pd.Series(events, dtype="int64"),
            **floats,
            "newest": pd.Series(newest, dtype="float64"),
            **{
                name: pd.Series(texts, dtype="str")
                for name, texts in zip(EXACT_COLUMNS, exact, strict=True)
            },
        }
    )
    return frame.astype(dict(SUM_COLUMNS))


def add_sums(*tables: pd.DataFrame) -> pd.DataFrame:
    """Return exact zone sums adding up `tables` by zone and type (sorted by them)."""
    present = [t for t in tables if len(t)]
    if not present:
        return _frame([], [], np.zeros(0, "int64"), np.zeros(0), [[], [], []])
    rows = pd.concat([t[list(SUM_COLUMNS)] for t in present], ignore_index=True)
    keys, names = pd.factorize(pd.MultiIndex.from_frame(rows[["zone_id", "type"]]), sort=True)
    size = len(names)
    exact: list[list[str]] = []
    for column in EXACT_COLUMNS:
        sums, exponents = [0] * size, [0] * size
        for key, text in zip(keys.tolist(), rows[column].tolist(), strict=True):
            mantissa, exponent = _parse(str(text))
            if mantissa:
                _add_to(sums, exponents, key, mantissa, exponent)
        exact.append([_text(m, e) for m, e in zip(sums, exponents, strict=True)])
    newest = np.full(size, -np.inf)
    np.fmax.at(newest, keys, rows["newest"].to_numpy(dtype="float64"))
    counts = np.zeros(size, dtype="int64")
    np.add.at(counts, keys, rows["events"].to_numpy(dtype="int64"))
    return _frame([str(z) for z, _ in names], [str(t) for _, t in names], counts, newest, exact)


def severities_of(sums: pd.DataFrame) -> Mapping[str, float]:
    """Return each zone's severity over the archive from its exact sums (all types).

    As :func:`geo.layers.aggregates.severities_from_sums` with no type left out, but from the
    sums added up exactly per zone and rounded once, so the result does not depend on how
    the rows came in.
    """
    if len(sums) == 0:
        return {}
    summed = add_sums(sums.assign(type=""))
    severities = {}
    columns = ("zone_id", "newest", "dated", "published", "unpublished")
    rows = zip(*(summed[name].tolist() for name in columns), strict=True)
    for zone, newest, dated, published, unpublished in rows:
        start = float(newest) if math.isfinite(newest) else -float(_ORIGIN)
        scale = 2.0 ** (-start / HALF_LIFE_DAYS)
        total = scale * float(dated) + UNKNOWN_DATE_FACTOR * (
            scale * float(published) + float(unpublished)
        )
        severities[str(zone)] = min(1.0, max(0.0, -math.expm1(-total / SEVERITY_SCALE)))
    return severities
