"""What a commit reads of the store's current version before it merges a batch with it.

Not the events: the zones are updated from their tables (:mod:`geo.layers.aggregates`) and the
page's summary from its own (:mod:`geo.layers.summary`); stored events are read only around
zones a batch creates or reshapes, and, once, in a store written before those tables.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final, cast

import geopandas as gpd
import pandas as pd

from geo.layers.aggregates import EventsNear, ZoneAggregates, merge_zone_days
from geo.layers.exact import EXACT_COLUMNS
from geo.layers.summary import event_codes, event_tallies
from geo.store.format import BBox
from geo.store.store import Store

__all__ = [
    "COMMIT_COLUMNS",
    "SUMMARY_EVENT_COLUMNS",
    "TALLY_EVENT_COLUMNS",
    "ZONE_EVENT_COLUMNS",
    "ZONE_TABLES",
    "StoredForCommit",
    "fewer_boxes",
    "read_for_commit",
    "stored_events_near",
    "stored_summary",
]

#: The tables the zones are kept with (:mod:`geo.layers.aggregates`).
ZONE_TABLES: Final = ("zone_days", "place_tallies")

#: The summary tables a commit adds a batch to (the zones' update keeps the zone sums).
_COUNTED_TABLES: Final = ("event_tallies", "event_codes")

#: What a commit reads of the layers it merges with: the articles' ids and dates (office
#: reports are ordered by them); offices, places, zones and the zones' small tables whole
#: (place tallies, zone scores, zone sums). Neither events nor zone days are read: zones are
#: updated from their tables (:mod:`geo.layers.aggregates`); a store written before the zone
#: scores or the exact zone sums has its zone days read whole, once.
COMMIT_COLUMNS: Final = MappingProxyType({"articles": ("id", "published")})

#: What the zones read of stored events around a zone a batch creates or reshapes.
ZONE_EVENT_COLUMNS: Final = (
    "type",
    "date_start",
    "date_end",
    "date_precision",
    "article_published",
    "confidence",
)

#: What they read of every stored event, once, in a store written before their tables.
TALLY_EVENT_COLUMNS: Final = (*ZONE_EVENT_COLUMNS, "id", "place_ids", "actors")


@dataclass(frozen=True, slots=True, eq=False)
class StoredForCommit:
    """What a commit reads of the store's current version (`COMMIT_COLUMNS`).

    Attributes
    ----------
    version
        The version read.
    articles
        The articles' ids and publication dates.
    offices, places
        The layers, whole.
    aggregates
        The derived zones with their tables; None for a store written before the tables.
        Their zone days are not read (``whole`` False) when the zone scores and the exact
        zone sums are stored.
    summary
        The event tallies and codes (:func:`stored_summary`): read by the commit, under the
        store's lock (None until then).
    """

    version: str
    articles: pd.DataFrame
    offices: gpd.GeoDataFrame
    places: gpd.GeoDataFrame
    aggregates: ZoneAggregates | None
    summary: Mapping[str, pd.DataFrame] | None = None


def read_for_commit(store: Store) -> StoredForCommit | None:
    """Return what a commit needs of the current version, or None if the store is empty.

    A column that a store written before it lacks is read as missing.
    """
    version = store.current_version()
    if version is None:
        return None

    def read(name: str) -> pd.DataFrame:
        wanted = COMMIT_COLUMNS.get(name)
        columns = None if wanted is None else list(wanted)
        # a store written before a column existed reads it as missing (lenient)
        return store.read_layer(name, version=version, columns=columns, lenient=True)

    def read_geo(name: str) -> gpd.GeoDataFrame:
        return cast(gpd.GeoDataFrame, read(name))  # geo layers read as GeoDataFrames

    aggregates = None
    if all(store.holds(table, version=version) for table in ZONE_TABLES):
        scores = read("zone_scores") if store.holds("zone_scores", version=version) else None
        sums = read("zone_sums") if store.holds("zone_sums", version=version) else None
        if sums is not None and not set(EXACT_COLUMNS) <= set(sums.columns):
            sums = None  # written before the exact sums
        kept = scores is not None and sums is not None
        aggregates = ZoneAggregates(
            zones=read_geo("zones"),
            zone_days=merge_zone_days() if kept else read("zone_days"),
            place_tallies=read("place_tallies"),
            zone_scores=scores,
            sums=sums if kept else None,
            whole=not kept,
        )
    return StoredForCommit(
        version=version,
        articles=read("articles"),
        offices=read_geo("offices"),
        places=read_geo("places"),
        aggregates=aggregates,
    )


def fewer_boxes(boxes: Sequence[BBox]) -> list[BBox]:
    """Return boxes covering `boxes`, with fewer of them where they overlap much.

    Two boxes are replaced by their union's bounds while that is no larger than the two
    together: the area read does not grow, and each box left out is a filter less to test.
    """

    def area(box: BBox) -> float:
        return max(box[2] - box[0], 0.0) * max(box[3] - box[1], 0.0)

    kept = list(boxes)
    merging = True
    while merging:
        merging = False
        i = 0
        while i < len(kept):
            a = kept[i]
            for j in range(i + 1, len(kept)):
                b = kept[j]
                union = (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))
                if area(union) <= area(a) + area(b):
                    kept[i] = a = union
                    del kept[j]
                    merging = True
                    break
            else:
                i += 1
    return kept


def stored_events_near(
    store: Store, version: str, *, columns: Sequence[str] = ZONE_EVENT_COLUMNS
) -> EventsNear:
    """Return a function that reads the events of `version` meeting any of some boxes.

    The boxes are read in one pass, each part's rows filtered by them as it is read, boxes
    that overlap much read as one (:func:`fewer_boxes`): boxes far apart read only the events
    near each, not all those within their union's bounds. The zones test each event exactly.
    Only `columns` are read (and the geometry).
    """

    def near(boxes: Sequence[BBox]) -> gpd.GeoDataFrame | None:
        if not boxes:
            return None
        clipped = [
            (max(-180.0, b[0]), max(-90.0, b[1]), min(180.0, b[2]), min(90.0, b[3])) for b in boxes
        ]
        wanted = fewer_boxes(clipped)
        events = store.read_layer(
            "events", version=version, bbox=wanted, columns=list(columns), lenient=True
        )
        return cast(gpd.GeoDataFrame, events)  # a geo layer reads as a GeoDataFrame

    return near


#: What the summary tables need of every stored event, read once in a store written before them.
SUMMARY_EVENT_COLUMNS: Final = (
    "type",
    "date_start",
    "date_end",
    "date_precision",
    "role",
    "actors",
    "place_ids",
)


def stored_summary(store: Store, version: str) -> dict[str, pd.DataFrame]:
    """Return the event tallies and codes (:mod:`geo.layers.summary`) of a stored version.

    Read when the version holds them; else made from its events (a store written before
    the tables: one pass over a few columns of every event).
    """
    if all(store.holds(table, version=version) for table in _COUNTED_TABLES):
        return {table: store.read_layer(table, version=version) for table in _COUNTED_TABLES}
    events = store.read_layer(
        "events", version=version, columns=list(SUMMARY_EVENT_COLUMNS), lenient=True
    )
    return {"event_tallies": event_tallies(events), "event_codes": event_codes(events)}
