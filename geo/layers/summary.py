"""Keep what a page needs of the whole archive in small tables, written with each version.

A view of the archive needs a few things of every event whatever it shows: the slider's
bounds, the actors and countries to filter by, how many events match and when
(``geo.view.archive.ArchiveSummary``), and, with no time window, the zones' severities.
Three tables beside the layers keep them, a few thousand rows whatever the archive holds:

- **event tallies** (:data:`EVENT_TALLY_COLUMNS`): events per type and covered interval (the
  rule of :mod:`geo.intervals`; ``NaT`` for undated events);
- **event codes** (:data:`EVENT_CODE_COLUMNS`): per list column (``actors``, ``place_ids``)
  and code, how many times the events name it;
- **zone sums** (:data:`ZONE_SUM_COLUMNS`): the zone-days rows summed per zone and type
  (:func:`geo.layers.aggregates.zone_sums`), which give every zone's severity with no window;
  kept exactly beside the floats (:mod:`geo.layers.exact`), so a batch adds to them.

Tallies and codes are counts: a batch adds its own (:func:`updated_summary_tables`) and the
result equals, row for row, the tables made from all the events at once
(:func:`summary_tables`). Zone sums are exact sums (:mod:`geo.layers.exact`), which the
zones' update adds a batch's zone-days rows to, so they too do not depend on how the events
came in.
Pure functions: no files, no Streamlit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import numpy as np
import pandas as pd

from geo.intervals import covered_intervals
from geo.layers.exact import EXACT_COLUMNS, SUM_COLUMNS, exact_sums

__all__ = [
    "CODE_COLUMNS",
    "EVENT_CODE_COLUMNS",
    "EVENT_TALLY_COLUMNS",
    "SUMMARY_TABLES",
    "ZONE_SUM_COLUMNS",
    "event_codes",
    "event_tallies",
    "merge_counts",
    "roles_of",
    "summary_tables",
    "updated_summary_tables",
    "with_roles",
]

EVENT_TALLY_COLUMNS: Final = {
    "type": "str",
    "date_start": "datetime64[ns]",
    "date_end": "datetime64[ns]",
    "role": "str",
    "events": "int64",
}
"""Columns of the event-tallies table: a type, the interval its events cover (first and last
day, ``NaT`` when undated), their role (``main``, or ``context`` for earlier events the
articles cite; tables written before roles were counted read as ``main``) and how many
events."""

EVENT_CODE_COLUMNS: Final = {"column": "str", "code": "str", "events": "int64"}
"""Columns of the event-codes table: a list column of the events (:data:`CODE_COLUMNS`), a code
it holds and how many times the events name it (an event naming it twice counts twice)."""

ZONE_SUM_COLUMNS: Final = {
    name: kind for name, kind in SUM_COLUMNS.items() if name not in EXACT_COLUMNS
}
"""Columns of the zone-sums table a view reads: :func:`geo.layers.aggregates.zone_sums`'. The
table holds the exact sums too (:data:`geo.layers.exact.SUM_COLUMNS`; tables written before
them lack them, and are summed again at the next ingest)."""

CODE_COLUMNS: Final = ("actors", "place_ids")
"""The events' list columns whose codes the event-codes table counts."""

SUMMARY_TABLES: Final = ("event_tallies", "event_codes", "zone_sums")
"""The store tables this module makes, by name."""

_TALLY_KEYS: Final = ("type", "date_start", "date_end", "role")
_CODE_KEYS: Final = ("column", "code")


def _empty(columns: Mapping[str, str]) -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=kind) for name, kind in columns.items()})


def event_tallies(events: pd.DataFrame | None) -> pd.DataFrame:
    """Return `events` counted per type and covered interval, sorted (undated last)."""
    if events is None or len(events) == 0:
        return _empty(EVENT_TALLY_COLUMNS)
    first, last = covered_intervals(events)
    keys = pd.DataFrame(
        {
            "type": events["type"].astype(str).to_numpy(),
            "date_start": pd.to_datetime(first).astype("datetime64[ns]"),
            "date_end": pd.to_datetime(last).astype("datetime64[ns]"),
            "role": roles_of(events),
        }
    )
    counted = keys.groupby(list(_TALLY_KEYS), dropna=False, sort=True).size()
    return _typed(counted.rename("events").reset_index(), EVENT_TALLY_COLUMNS)


def roles_of(events: pd.DataFrame) -> np.ndarray:
    """Return each event's role, ``context`` or ``main`` (what is missing or other is main)."""
    if "role" not in events.columns:
        return np.full(len(events), "main", dtype=object)
    context = (events["role"].astype(object) == "context").to_numpy(dtype=bool)
    return np.where(context, "context", "main").astype(object)


def event_codes(events: pd.DataFrame | None) -> pd.DataFrame:
    """Return how many times `events` name each code of their list columns, sorted."""
    pieces = []
    for column in CODE_COLUMNS:
        if events is None or len(events) == 0 or column not in events.columns:
            continue
        codes = events[column].explode().dropna()
        if len(codes) == 0:
            continue
        counted = codes.astype(str).value_counts()
        pieces.append(
            pd.DataFrame(
                {"column": column, "code": counted.index.to_numpy(), "events": counted.to_numpy()}
            )
        )
    return merge_counts(EVENT_CODE_COLUMNS, *pieces)


def merge_counts(columns: Mapping[str, str], *tables: pd.DataFrame | None) -> pd.DataFrame:
    """Return tallies or codes (`columns`) adding up `tables` row by key, sorted by key.

    A key whose count falls to 0 or below (a table of negative counts takes rows away) is
    left out.
    """
    present = [t[list(columns)] for t in tables if t is not None and len(t)]
    if not present:
        return _empty(columns)
    rows = pd.concat(present, ignore_index=True) if len(present) > 1 else present[0]
    keys = [name for name in columns if name != "events"]
    summed = rows.groupby(keys, dropna=False, sort=True)["events"].sum().reset_index()
    return _typed(summed[summed["events"].to_numpy() > 0], columns)


def _typed(frame: pd.DataFrame, columns: Mapping[str, str]) -> pd.DataFrame:
    typed = frame[list(columns)].reset_index(drop=True)
    return typed.astype(dict(columns))


def summary_tables(events: pd.DataFrame | None, zone_days: Any) -> dict[str, pd.DataFrame]:
    """Return the three tables (:data:`SUMMARY_TABLES`) of an events layer and its zone days."""
    return {
        "event_tallies": event_tallies(events),
        "event_codes": event_codes(events),
        "zone_sums": zone_sum_table(zone_days),
    }


def updated_summary_tables(
    stored: Mapping[str, pd.DataFrame], new_events: pd.DataFrame | None, zone_sums: pd.DataFrame
) -> dict[str, pd.DataFrame]:
    """Return the stored tables with a batch of `new_events` added.

    `zone_sums` are the exact sums of the whole zone-days table after the batch
    (:attr:`geo.layers.aggregates.ZoneAggregates.sums`, which the zones' update keeps).
    """
    return {
        "event_tallies": merge_counts(
            EVENT_TALLY_COLUMNS, with_roles(stored["event_tallies"]), event_tallies(new_events)
        ),
        "event_codes": merge_counts(
            EVENT_CODE_COLUMNS, stored["event_codes"], event_codes(new_events)
        ),
        "zone_sums": _typed(zone_sums, SUM_COLUMNS),
    }


def with_roles(tallies: pd.DataFrame) -> pd.DataFrame:
    """Return event tallies with a ``role`` for every row (``main`` where none was kept)."""
    if "role" in tallies.columns and not tallies["role"].isna().any():
        return tallies
    roles = tallies["role"] if "role" in tallies.columns else pd.Series(None, index=tallies.index)
    return tallies.assign(role=roles.astype(object).where(roles.notna(), "main"))


def zone_sum_table(zone_days: Any) -> pd.DataFrame:
    """Return the zone sums of a zone-days table, exact (:func:`geo.layers.exact.exact_sums`)."""
    if zone_days is None or len(zone_days) == 0:
        return _empty(SUM_COLUMNS)
    return _typed(exact_sums(zone_days), SUM_COLUMNS)


def without(table: pd.DataFrame, columns: Mapping[str, str], other: pd.DataFrame) -> pd.DataFrame:
    """Return counts `table` less those of `other` (keys left with no count dropped)."""
    taken = other.assign(events=-other["events"].to_numpy(dtype=np.int64))
    return merge_counts(columns, table, taken)
