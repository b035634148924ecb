"""Ask the store for what a view shows, so a view's cost follows the view, not the archive.

The dashboard keeps no copy of the stored events. An :class:`Archive` stands for one store
version and answers a view's questions with queries over its Parquet parts
(:meth:`geo.store.store.Store.scan`): the time window and the viewport's box skip whole parts
by their stats and rows by filters pushed into the reads, the event types and ids are pushed
down too, and only then are actors and countries tested, on the rows that are left. What the
page needs of the whole archive (the slider's bounds, the actors and countries to filter by, the
events per type and day for the timeline and the counts) comes from a small
:class:`ArchiveSummary`, read from the tables each commit writes (:mod:`geo.layers.summary`;
made once per version from the events in a store written before them): one row per type and
interval covered, not per event. Three things are held per archive, once read: the narrow
columns of every event, as arrays that dense viewports are counted from
(:mod:`geo.view.located`); once a view filters on actors or countries, the codes the events
name, as arrays that the view's events are counted and located from with the narrow columns
(:mod:`geo.view.codes`); and, once a view asks for a time window, the zone-days rows
(:mod:`geo.view.zone_rows`).

Pure reads: nothing here writes to the store or knows about Streamlit.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, cast

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from geo.layers.aggregates import ZONE_DAY_COLUMNS, zone_days, zone_sums
from geo.layers.frames import ARTICLE_COLUMNS, EVENT_COLUMNS
from geo.layers.near import near_box
from geo.layers.summary import (
    EVENT_CODE_COLUMNS,
    EVENT_TALLY_COLUMNS,
    ZONE_SUM_COLUMNS,
    event_codes,
    event_tallies,
    with_roles,
    without,
)
from geo.store.frames import table_to_frame
from geo.store.parts import bbox_filter
from geo.store.query import Within, scan_layer, scan_parts
from geo.store.store import Store, StoreError
from geo.view.codes import EventCodes
from geo.view.located import LOCATED_COLUMNS, LocatedEvents
from geo.view.selection import filter_events
from geo.view.state import ViewState
from geo.view.zone_rows import ZoneRows

__all__ = [
    "SCAN_COLUMNS",
    "Archive",
    "ArchiveSummary",
    "held_articles",
    "list_hits",
    "summarise_archive",
]

#: The columns a view's counts, cells and ordering need: no text, no geometry.
SCAN_COLUMNS: Final = ("id", "article_id", "type", "date_start", "date_end", "date_precision")

_DATES: Final = ("date_start", "date_end")
_VIEW_ARTICLE_COLUMNS: Final = tuple(c for c in ARTICLE_COLUMNS if c != "text")


def list_hits(column: pa.ChunkedArray | pa.Array, wanted: Collection[str]) -> np.ndarray:
    """Return which rows of an Arrow list column hold at least one of `wanted`."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks() if column.num_chunks else pa.array([], column.type)
    hits = np.zeros(len(column), dtype=bool)
    if len(column) == 0 or not wanted or pa.types.is_null(column.type):
        return hits
    values = pc.list_flatten(column)
    parents = pc.list_parent_indices(column).to_numpy(zero_copy_only=False)
    found = pc.is_in(values, value_set=pa.array(sorted(wanted), pa.string()))
    hits[parents[found.to_numpy(zero_copy_only=False)]] = True
    return hits


@dataclass(frozen=True, slots=True, eq=False)
class ArchiveSummary:
    """What the page needs of the whole archive, small whatever its size.

    Attributes
    ----------
    tallies
        Events per type, covered interval and role: ``type``, ``date_start``, ``date_end``
        (the interval, ``NaT`` for undated events), ``date_precision`` (``day``: the interval
        is already covered), ``role`` (``main`` or ``context``) and ``events``. The view's
        filters apply to it as to events (:func:`geo.view.selection.filter_events`), so it
        gives counts and the timeline of any window and types without reading an event.
    actors, countries
        Every actor and every country code the events name, sorted.
    newest_ingested
        When the newest article entered the store (None when unknown).
    """

    tallies: pd.DataFrame
    actors: tuple[str, ...]
    countries: tuple[str, ...]
    newest_ingested: pd.Timestamp | None

    @property
    def events(self) -> int:
        """Return how many events the archive holds."""
        return int(self.tallies["events"].sum()) if len(self.tallies) else 0


def _tallies(frame: pd.DataFrame) -> pd.DataFrame:
    """Return events per type and covered interval (see :attr:`ArchiveSummary.tallies`)."""
    tallies = event_tallies(frame)
    tallies.insert(3, "date_precision", "day")
    return tallies


def summarise_archive(
    store: Store,
    version: str,
    place_countries: Mapping[str, Iterable[str]],
    *,
    hidden_articles: Collection[str] = (),
) -> ArchiveSummary:
    """Return the :class:`ArchiveSummary` of a store version, reading a few narrow columns.

    Events of `hidden_articles` (the curated ones: their seed records are shown instead) are
    left out, as the view leaves them out. A version that keeps the summary's tables
    (:mod:`geo.layers.summary`) gives it from them, less the events of those of
    `hidden_articles` it holds; an older one from a pass over its events.
    """
    if all(store.holds(table, version=version) for table in _SUMMARY_TABLES):
        tallies, actors, places = _stored_summary(store, version, hidden_articles)
    else:
        where = _hidden(hidden_articles)
        columns = [*SCAN_COLUMNS, "role", "actors", "place_ids"]
        table = scan_layer(store, "events", columns, version=version, where=where)
        tallies = _tallies(table.select(["type", *_DATES, "date_precision", "role"]).to_pandas())
        actors = _distinct(table.column("actors"))
        places = _distinct(table.column("place_ids"))
    countries = sorted({c for pid in places for c in place_countries.get(pid, ())})
    ingested = scan_layer(store, "articles", ["ingested_at"], version=version).column("ingested_at")
    newest = (
        pc.max(ingested).as_py() if len(ingested) and ingested.null_count < len(ingested) else None
    )
    return ArchiveSummary(
        tallies=tallies,
        actors=tuple(actors),
        countries=tuple(countries),
        newest_ingested=None if newest is None else pd.Timestamp(newest),
    )


_SUMMARY_TABLES: Final = ("event_tallies", "event_codes")


def _stored_summary(
    store: Store, version: str, hidden_articles: Collection[str]
) -> tuple[pd.DataFrame, list[str], list[str]]:
    """Return the tallies, actors and place ids of the summary tables a version keeps.

    The events of the `hidden_articles` the version holds are read and taken away.
    """

    def read(table: str, columns: Mapping[str, str]) -> pd.DataFrame:
        frame = scan_layer(store, table, list(columns), version=version).to_pandas()
        if table == "event_tallies":
            frame = with_roles(frame)  # tables written before roles were counted
        return cast("pd.DataFrame", frame.astype(dict(columns)))

    tallies = read("event_tallies", EVENT_TALLY_COLUMNS)
    codes = read("event_codes", EVENT_CODE_COLUMNS)
    held = held_articles(store, version, hidden_articles)
    if held:
        where = pc.field("article_id").isin(pa.array(held, pa.string()))
        columns = ["type", *_DATES, "date_precision", "role", "actors", "place_ids"]
        hidden = scan_layer(store, "events", columns, version=version, where=where).to_pandas()
        tallies = without(tallies, EVENT_TALLY_COLUMNS, event_tallies(hidden))
        codes = without(codes, EVENT_CODE_COLUMNS, event_codes(hidden))
    tallies.insert(3, "date_precision", "day")
    named = codes["column"].to_numpy()
    actors = sorted(codes["code"][named == "actors"].astype(str))
    places = sorted(codes["code"][named == "place_ids"].astype(str))
    return tallies, actors, places


def held_articles(store: Store, version: str, articles: Collection[str]) -> list[str]:
    """Return those of `articles` the version holds, sorted (a read of the articles' ids)."""
    if not articles:
        return []
    where = pc.field("id").isin(pa.array(sorted(articles), pa.string()))
    found = scan_layer(store, "articles", ["id"], version=version, where=where).column("id")
    return sorted({str(value) for value in found.to_pylist()})


def _distinct(column: pa.ChunkedArray) -> list[str]:
    if len(column) == 0 or pa.types.is_null(column.type):
        return []
    values = pc.unique(pc.list_flatten(column)).drop_null()
    return sorted(str(v) for v in values.to_pylist())


def first_days(table: pa.Table) -> np.ndarray:
    """Return the first day each row covers (``datetime64[D]``), by :mod:`geo.intervals`' rule.

    Computed in Arrow from ``date_start``, ``date_end`` and ``date_precision``: a missing
    side takes the other's date, reversed bounds are swapped, and a one-day date of month or
    year precision stands for its whole month or year.
    """
    start = pc.cast(table.column("date_start"), pa.date32())
    end = pc.cast(table.column("date_end"), pa.date32())
    first = pc.min_element_wise(pc.coalesce(start, end), pc.coalesce(end, start))
    last = pc.max_element_wise(pc.coalesce(start, end), pc.coalesce(end, start))
    point = pc.equal(first, last)
    precision = table.column("date_precision")
    for unit in ("month", "year"):
        widen = pc.and_kleene(point, pc.equal(precision, unit))
        floored = pc.cast(pc.floor_temporal(first, unit=unit), pa.date32())
        first = pc.if_else(pc.fill_null(widen, False), floored, first)
    days: np.ndarray = first.to_numpy(zero_copy_only=False).astype("datetime64[D]")
    return days


def _both(one: pc.Expression | None, other: pc.Expression | None) -> pc.Expression | None:
    if one is None or other is None:
        return other if one is None else one
    return one & other


def _hidden(articles: Collection[str]) -> pc.Expression | None:
    if not articles:
        return None
    return ~pc.field("article_id").isin(pa.array(sorted(articles), pa.string()))


@dataclass(frozen=True, slots=True, eq=False)
class Archive:
    """One store version's events, asked for per view (see the module docstring).

    Attributes
    ----------
    store, version
        Where the events are, and which version of them.
    summary
        The whole archive's :class:`ArchiveSummary`.
    place_countries
        Place id → the country codes it is or lies in (from the places layer): what the
        country filter tests and the ``countries`` column of the rows read.
    hidden_articles
        Articles whose stored events are not shown (curated seed records stand for them).
    actor_names
        Actor code → name, for the ``actor_names`` column the popups read (empty: none added).
    """

    store: Store
    version: str
    summary: ArchiveSummary
    place_countries: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    hidden_articles: frozenset[str] = frozenset()
    actor_names: Mapping[str, str] = field(default_factory=dict)
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    def _where(self, view: ViewState, ids: Collection[str] | None) -> pc.Expression | None:
        conditions = [c for c in (_hidden(self.hidden_articles),) if c is not None]
        if view.types is not None:
            conditions.append(pc.field("type").isin(pa.array(sorted(view.types), pa.string())))
        if ids is not None:
            conditions.append(pc.field("id").isin(pa.array(sorted(ids), pa.string())))
        if not conditions:
            return None
        expression = conditions[0]
        for condition in conditions[1:]:
            expression = expression & condition
        return expression

    def _scan(
        self,
        view: ViewState,
        columns: Iterable[str],
        *,
        bbox: tuple[float, float, float, float] | None = None,
        ids: Collection[str] | None = None,
        where_also: pc.Expression | None = None,
        starting_from: datetime.date | None = None,
    ) -> pa.Table:
        """Return `columns` of the rows `view` shows (in `bbox`, of `ids`), exactly filtered.

        Types and the window are pushed into the reads (the store tests a window by the rule
        of :mod:`geo.intervals`), and so is `starting_from` (only events that begin on or
        after that day); actors and countries are tested on the rows read.
        """
        wanted = list(dict.fromkeys(columns))
        if view.actors is not None:
            wanted.append("actors")
        if view.countries is not None:
            wanted.append("place_ids")
        if not view.cited:
            wanted.append("role")
        wanted = list(dict.fromkeys(wanted))
        table = scan_layer(
            self.store,
            "events",
            wanted,
            version=self.version,
            within=Within(
                window=(view.date_from, view.date_to),
                undated=view.undated or (view.date_from is None and view.date_to is None),
                bbox=bbox,
                starting_from=starting_from,
            ),
            where=_both(self._where(view, ids), where_also),
        )
        if not view.cited and table.num_rows:  # a part written before roles holds none
            cited = pc.fill_null(pc.equal(table.column("role"), "context"), False)
            table = table.filter(pc.invert(cited))
        if table.num_rows == 0 or (view.actors is None and view.countries is None):
            return table
        keep = np.ones(table.num_rows, dtype=bool)
        if view.actors is not None:
            keep &= list_hits(table.column("actors"), view.actors)
        if view.countries is not None:
            places = {p for p, codes in self.place_countries.items() if set(codes) & view.countries}
            keep &= list_hits(table.column("place_ids"), places)
        return table.filter(pa.array(keep))

    def tallies(self, view: ViewState) -> pd.DataFrame:
        """Return the events `view` matches per type and covered interval (with ``events``).

        From the summary when the view filters on no actor or country; else counted from the
        narrow columns of every event and the codes they name, held per archive (as a
        query of the window's events of its types would count them: every row ``main``).
        """
        if view.actors is None and view.countries is None:
            return cast("pd.DataFrame", filter_events(cast("Any", self.summary.tallies), view))
        counted = self._located().tallies(
            types=view.types,
            window=(view.date_from, view.date_to),
            undated=view.undated or (view.date_from is None and view.date_to is None),
            cited=view.cited,
            among=self._naming(view),
        )
        tallies = counted.assign(role="main")[list(EVENT_TALLY_COLUMNS)]
        tallies = tallies.astype(dict(EVENT_TALLY_COLUMNS))
        tallies.insert(3, "date_precision", "day")
        return tallies

    def count(self, view: ViewState) -> int:
        """Return how many events `view` matches, wherever they are."""
        tallies = self.tallies(view)
        return int(tallies["events"].sum()) if len(tallies) else 0

    def located(
        self, view: ViewState, boxes: Sequence[tuple[float, float, float, float]]
    ) -> list[pd.DataFrame]:
        """Return the events `view` matches within each of `boxes` as narrow rows.

        Columns ``type`` (a Categorical), ``x``, ``y`` and ``first``, the first day each
        covers (``NaT`` when undated): what the grid cells count and the list orders by;
        nothing decoded. From the narrow columns of every event, read once per archive
        (:class:`~geo.view.located.LocatedEvents`), and, for a view filtered by actors or
        countries, the codes the events name (:class:`~geo.view.codes.EventCodes`), read
        the first time a view asks for them.
        """
        return self._located().pick(
            boxes,
            types=view.types,
            window=(view.date_from, view.date_to),
            undated=view.undated or (view.date_from is None and view.date_to is None),
            cited=view.cited,
            among=self._naming(view),
        )

    def _located(self) -> LocatedEvents:
        """Return the narrow columns of every event shown, read once per archive."""
        held: LocatedEvents | None = self._cache.get("located")
        if held is None:
            table = self._scan(ViewState(), LOCATED_COLUMNS)
            held = self._cache["located"] = LocatedEvents.of(table, first_days(table))
        return held

    def _naming(self, view: ViewState) -> np.ndarray | None:
        """Return which events (in :meth:`_located`'s order) name the view's actors and countries.

        An event names the actors when one of its actors is among them, the countries when
        one of its places is or lies in one of them (:func:`list_hits`' rule, as
        :meth:`_scan` tests). None when the view filters on neither. The last answer is kept:
        a view asks for its tallies, then for its located events.
        """
        asked = (view.actors, view.countries)
        last = self._cache.get("naming")
        if last is not None and last[0] == asked:
            return cast("np.ndarray | None", last[1])
        keep = None
        if view.actors is not None:
            keep = self._codes("actors").naming(view.actors)
        if view.countries is not None:
            countries = view.countries
            places = {p for p, codes in self.place_countries.items() if set(codes) & countries}
            hits = self._codes("place_ids").naming(places)
            keep = hits if keep is None else keep & hits
        if keep is not None:
            keep.setflags(write=False)  # shared by the views that ask again
        self._cache["naming"] = (asked, keep)
        return keep

    def _codes(self, column: str) -> EventCodes:
        """Return the codes list column `column` of every event names, read once per archive.

        Read as :meth:`_located` reads its columns, so the events come in the same order.
        """
        key = f"codes:{column}"
        held: EventCodes | None = self._cache.get(key)
        if held is None:
            table = self._scan(ViewState(), [column])
            held = EventCodes.of(table.column(column))
            if len(held.counts) != len(self._located().columns["type"]):
                raise StoreError(f"the events' {column} and their narrow columns differ in rows")
            self._cache[key] = held
        return held

    def read(
        self,
        view: ViewState,
        *,
        bbox: tuple[float, float, float, float] | None = None,
        ids: Collection[str] | None = None,
        starting_from: datetime.date | None = None,
    ) -> gpd.GeoDataFrame:
        """Return the whole rows of the events `view` matches (in `bbox`, of `ids`).

        With `starting_from`, only those that begin on or after that day (the newest of a
        view, which its list shows).

        With the columns the view reads beside the stored ones: ``countries``, the articles'
        ``title``, ``outlet``, ``published``, ``url`` and ``published_from``, and
        ``actor_names`` when :attr:`actor_names` is set.
        """
        columns = list(dict.fromkeys([*EVENT_COLUMNS, "geometry"]))
        table = self._scan(view, columns, bbox=bbox, ids=ids, starting_from=starting_from)
        events = cast(
            "gpd.GeoDataFrame", table_to_frame(table.select(columns), "geometry", bbox=None)
        )
        codes = self.place_countries
        events["countries"] = [
            sorted({c for pid in (ids or ()) for c in codes.get(pid, ())})
            for ids in events["place_ids"]
        ]
        if self.actor_names:
            events["actor_names"] = [
                [self.actor_names.get(a, a) for a in (cell or ())] for cell in events["actors"]
            ]
        return events

    def points(
        self, view: ViewState, where: pc.Expression | None = None, *, ids: bool = True
    ) -> gpd.GeoDataFrame:
        """Return what scoring zones needs of the events `view` matches, as points.

        Columns ``id`` and ``article_id`` (unless not `ids`), ``type``, ``confidence``, the
        dates and ``article_published``; each event's point is the centre of its stored
        bounds (events are points), so no shape is decoded. `where` narrows the rows further
        (an Arrow expression: boxes near zones).
        """
        named = SCAN_COLUMNS if ids else [c for c in SCAN_COLUMNS if c not in ("id", "article_id")]
        columns = [*named, "confidence", "article_published", "bbox"]
        plain = view.replace(actors=None, countries=None, cited=True)
        table = self._scan(plain, columns, where_also=where)
        boxes = table.column("bbox")
        if table.num_rows:
            xs = (
                pc.struct_field(boxes, "xmin").to_numpy()
                + pc.struct_field(boxes, "xmax").to_numpy()
            )
            ys = (
                pc.struct_field(boxes, "ymin").to_numpy()
                + pc.struct_field(boxes, "ymax").to_numpy()
            )
        else:
            xs = ys = np.zeros(0)
        frame = table.drop_columns(["bbox"]).to_pandas()
        return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(xs / 2, ys / 2), crs="EPSG:4326")

    def zone_days(self, view: ViewState, curated: gpd.GeoDataFrame) -> pd.DataFrame | None:
        """Return the zone-days rows (:mod:`geo.layers.aggregates`) of `view`'s types and window.

        The store's rows for its derived zones and, made once per archive from the stored
        events near them, those of the `curated` zones the store did not derive too. Held
        compactly in memory (:class:`~geo.view.zone_rows.ZoneRows`), read the first time a
        view with a window asks; the rows of the view's types and window are picked from
        them. None when the store version has no such table (written before it). With no
        time window, those rows summed per zone and type instead
        (:func:`geo.layers.aggregates.zone_sums`): the store's zone-sums table when the
        version keeps it (a few thousand rows), with the curated zones' added.
        """
        if not self.store.holds("zone_days", version=self.version):
            return None
        if view.date_from is None and view.date_to is None:  # sums per zone and type suffice
            sums = self._cache.get("zone_sums")
            if sums is None:
                sums = self._cache["zone_sums"] = self._zone_sums(curated)
            return sums
        return self._zone_rows(curated).pick(
            types=view.types, date_from=view.date_from, date_to=view.date_to, undated=view.undated
        )

    def zone_severities(
        self,
        view: ViewState,
        curated: gpd.GeoDataFrame,
        more: pd.DataFrame,
        *,
        today: datetime.date | None,
    ) -> pd.DataFrame | None:
        """Return the zones' severities for `view`'s types and window, with `more` rows added.

        From the rows :meth:`zone_days` picks (the store's and the curated zones'), measured
        where they are held (:meth:`~geo.view.zone_rows.ZoneRows.severities`): what
        :func:`geo.layers.window.zone_severities` gives for them and `more`, bit for bit. None
        when the store version has no zone-days table.
        """
        if not self.store.holds("zone_days", version=self.version):
            return None
        return self._zone_rows(curated).severities(
            more,
            types=view.types,
            date_from=view.date_from,
            date_to=view.date_to,
            undated=view.undated,
            today=today,
        )

    def _zone_sums(self, curated: gpd.GeoDataFrame) -> pd.DataFrame:
        """Return the zone-days rows summed per zone and type, stored or made from the rows."""
        if not self.store.holds("zone_sums", version=self.version):
            rows = self._zone_rows(curated)
            return zone_sums(rows.pick())
        columns = list(ZONE_SUM_COLUMNS)
        read = scan_layer(self.store, "zone_sums", columns, version=self.version).to_pandas()
        stored = cast("pd.DataFrame", read.astype(dict(ZONE_SUM_COLUMNS)))
        made = self._curated_rows(curated, set(stored["zone_id"]))
        if len(made) == 0:
            return stored
        return pd.concat([stored, zone_sums(made)], ignore_index=True)

    def _curated_rows(self, curated: gpd.GeoDataFrame, known: Collection[str]) -> pd.DataFrame:
        """Return the zone-days rows of the `curated` zones not `known` to the store.

        Made from the stored events near them (a curated zone the store also derived, with
        the same places and so the same id, has its rows).
        """
        held: pd.DataFrame | None = self._cache.get("curated_rows")
        if held is not None:  # the same zones and store version give the same rows
            return held
        curated = curated[~curated["id"].isin(sorted(known))]
        near = None
        for geometry in curated.geometry:
            meets = bbox_filter(near_box(geometry))
            near = meets if near is None else near | meets
        made = zone_days(None, None)
        if near is not None:
            made = zone_days(curated, self.points(ViewState(), near, ids=False))
        self._cache["curated_rows"] = made
        return made

    def _zone_rows(self, curated: gpd.GeoDataFrame) -> ZoneRows:
        """Return every zone-days row, read part by part (the curated zones' made) once."""
        held: ZoneRows | None = self._cache.get("zone_rows")
        if held is not None:
            return held
        columns = list(ZONE_DAY_COLUMNS)
        zone_ids: set[str] = set()

        def parts() -> Iterator[pa.Table]:
            for table in scan_parts(self.store, "zone_days", columns, version=self.version):
                zone_ids.update(str(z) for z in pc.unique(table.column("zone_id")).to_pylist())
                yield table
            made = self._curated_rows(curated, zone_ids)
            if len(made):
                yield pa.Table.from_pandas(made[columns], preserve_index=False)

        rows = self._cache["zone_rows"] = ZoneRows.of(parts())
        return rows

    def articles(self, ids: Collection[str]) -> pd.DataFrame:
        """Return the rows of the articles `ids` (without their texts)."""
        where = pc.field("id").isin(pa.array(sorted(ids), pa.string()))
        table = scan_layer(
            self.store, "articles", list(_VIEW_ARTICLE_COLUMNS), version=self.version, where=where
        )
        return cast("pd.DataFrame", table.to_pandas())

    def ingested_after(self, moment: datetime.datetime) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Return the articles that entered after `moment` and their events (ids only)."""
        stamp = pa.scalar(pd.Timestamp(moment).tz_convert("UTC"), pa.timestamp("us", tz="UTC"))
        articles = scan_layer(
            self.store,
            "articles",
            ["id", "ingested_at"],
            version=self.version,
            where=pc.field("ingested_at") > stamp,
        ).to_pandas()
        if len(articles) == 0:
            return articles, pd.DataFrame({"id": [], "article_id": []})
        where = pc.field("article_id").isin(pa.array(sorted(articles["id"]), pa.string()))
        hidden = _hidden(self.hidden_articles)
        events = scan_layer(
            self.store,
            "events",
            ["id", "article_id"],
            version=self.version,
            where=where if hidden is None else where & hidden,
        ).to_pandas()
        return articles, events


def countries_of_places(places: pd.DataFrame | None) -> dict[str, tuple[str, ...]]:
    """Return place id → its country codes, from a places layer (``country_codes``)."""
    if places is None or len(places) == 0 or "country_codes" not in places:
        return {}
    return {
        str(pid): tuple(
            str(c) for c in (codes if isinstance(codes, list | tuple | np.ndarray) else ())
        )
        for pid, codes in zip(places["id"], places["country_codes"], strict=True)
    }


def empty_tallies() -> pd.DataFrame:
    """Return an empty :attr:`ArchiveSummary.tallies` frame."""
    return pd.DataFrame(
        {
            "type": pd.Series(dtype=str),
            "date_start": pd.Series(dtype="datetime64[ns]"),
            "date_end": pd.Series(dtype="datetime64[ns]"),
            "date_precision": pd.Series(dtype=str),
            "events": pd.Series(dtype="int64"),
        }
    )


def weighted(frame: pd.DataFrame | None) -> Any:
    """Return each row's weight: its ``events`` for tallies, 1 for events."""
    if frame is None or len(frame) == 0:
        return np.zeros(0, dtype="int64")
    if "events" in frame.columns and "id" not in frame.columns:
        return frame["events"].to_numpy(dtype="int64")
    return np.ones(len(frame), dtype="int64")
