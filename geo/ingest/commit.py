"""Commit a batch of new articles into the store: read, merge, write one version.

A commit holds the store's write lock. It reads what it needs of the current version
(:func:`geo.ingest.stored.read_for_commit`: the articles' ids and dates, the offices, places,
zones and their small tables, not the events; again if another ingest committed since it was
first read, leaving out the articles that one stored) and the page's summary tables.
It merges the batch with it: offices (their sources add up, the latest report sets the
status) and places with the stored ones; the zones, their tables and the page's summary
updated with the new events (:mod:`geo.layers.aggregates`, :mod:`geo.layers.summary`),
reading stored events only around zones the batch creates or reshapes (and all of them,
once, in a store written before the zones' tables). Of the batch it reads only a digest
(:mod:`geo.ingest.batch`) besides the rows it appends. It writes one new version: into an
empty store every layer whole; otherwise the events and articles gain their rows (only the
months they fall in are written), the small layers are written whole and the zone-days
table loses the rows of the zones gone and gains the batch's.

:func:`commit_results` commits extraction results (:func:`geo.ingest.pipeline.ingest`);
:func:`commit_staged` commits events and articles that a distributed ingest's workers wrote
already (:mod:`geo.ingest.distributed`).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Final, TypeVar, cast

import geopandas as gpd
import pandas as pd

from geo.ingest.batch import BatchDigest, digest_of
from geo.ingest.stored import (
    TALLY_EVENT_COLUMNS,
    ZONE_EVENT_COLUMNS,
    StoredForCommit,
    read_for_commit,
    stored_events_near,
    stored_summary,
)
from geo.layers.aggregates import (
    EventsNear,
    ZoneAggregates,
    aggregate_zones,
    update_zone_aggregates,
)
from geo.layers.frames import (
    articles_frame,
    events_frame,
    merge_place_frames,
    offices_frame,
    places_frame,
)
from geo.layers.summary import (
    SUMMARY_TABLES,
    summary_tables,
    updated_summary_tables,
    zone_sum_table,
)
from geo.places.gazetteer import Gazetteer
from geo.records import OFFICE_STATUS_RANK, Office, Precision
from geo.store.store import LayerInfo, Store

if TYPE_CHECKING:
    from geo.ingest.pipeline import ArticleResult

__all__ = [
    "PreparedCommit",
    "commit_results",
    "commit_staged",
    "merged_layers",
    "new_rows",
    "prepare_commit",
    "results_to_layers",
]

_LOG = logging.getLogger(__name__)

_Frame = TypeVar("_Frame", bound=pd.DataFrame)


def _day(value: object) -> datetime.date | None:
    """Return the day a date cell of a layer holds, None when it is missing."""
    if value is None:
        return None
    stamp = pd.Timestamp(cast("str | datetime.date", value))  # missing ones give NaT
    return None if pd.isna(stamp) else stamp.date()


def _since_precision(value: object) -> Precision:
    """Return a stored office's ``since_precision``: ``day`` when the store has none (older)."""
    return "month" if value == "month" else "year" if value == "year" else "day"


def _merge_offices(offices: Iterable[tuple[Office, datetime.date | None]]) -> list[Office]:
    """Merge reports of the same office: sources add up, the latest report sets the status."""
    merged: dict[str, tuple[Office, datetime.date | None]] = {}
    for office, reported in offices:
        previous = merged.get(office.id)
        if previous is None:
            merged[office.id] = (office, reported)
            continue
        old, old_reported = previous
        newer = (reported or datetime.date.min, OFFICE_STATUS_RANK.get(office.status, 0)) >= (
            old_reported or datetime.date.min,
            OFFICE_STATUS_RANK.get(old.status, 0),
        )
        chosen = office if newer else old
        article_ids = tuple(sorted({*old.article_ids, *office.article_ids}))
        dated = [o for o in (old, office) if o.since is not None]
        earliest = min(dated, key=lambda o: o.since or datetime.date.max) if dated else None
        merged[office.id] = (
            Office(
                id=chosen.id,
                org=chosen.org,
                host_place_id=chosen.host_place_id,
                city=chosen.city or old.city or office.city,
                status=chosen.status,
                since=earliest.since if earliest else None,
                article_ids=article_ids,
                geometry=chosen.geometry,
                origin=chosen.origin,
                since_precision=earliest.since_precision if earliest else "day",
            ),
            max(old_reported or datetime.date.min, reported or datetime.date.min),
        )
    return [office for office, _ in merged.values()]


def _concat(old: _Frame | None, new: _Frame) -> _Frame:
    if old is None or len(old) == 0:
        return new
    if new is None or len(new) == 0:
        return old
    combined = pd.concat([old, new], ignore_index=True)
    return combined.drop_duplicates("id", keep="first").reset_index(drop=True)


def new_rows(
    results: Sequence[ArticleResult], *, ingested_at: datetime.datetime | None = None
) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Return the events and the articles of `results` alone, as layer frames.

    `ingested_at` is the timestamp recorded on the articles (now, when None).
    """
    articles = {r.article.id: r.article for r in results}
    events = events_frame([e for r in results for e in r.extraction.events], articles)
    stamp = ingested_at or datetime.datetime.now(datetime.UTC)
    stamps = dict.fromkeys(articles, stamp)
    return events, articles_frame(list(articles.values()), ingested_at=stamps)


def results_to_layers(
    results: Sequence[ArticleResult],
    gazetteer: Gazetteer,
    *,
    stored: StoredForCommit | None = None,
    ingested_at: datetime.datetime | None = None,
    rows: tuple[gpd.GeoDataFrame, pd.DataFrame] | None = None,
    events_near: EventsNear | None = None,
) -> dict[str, pd.DataFrame]:
    """Turn extraction results into layer frames, merged with the stored layers if given.

    Offices and places are merged with the stored ones. Zones and their tables
    (:mod:`geo.layers.aggregates`) are drawn from the new events alone into an empty store,
    and otherwise updated with the new events: only zones the batch creates or reshapes read
    stored events, through `events_near`. ``events`` and ``articles`` hold the new rows only
    (when `stored` is given, :meth:`geo.store.store.Store.update` appends them).

    Parameters
    ----------
    results
        New articles and what was extracted from them.
    gazetteer
        For office, place and zone shapes.
    stored
        What :func:`read_for_commit` read of the store's current version, or None.
    ingested_at
        Timestamp recorded on the new articles (now, when None).
    rows
        What :func:`new_rows` returned for `results`, when the caller already has it.
    events_near
        Returns the stored events whose geometry meets any of the boxes given; needed when
        `stored` is given.
    """
    events, articles = rows or new_rows(results, ingested_at=ingested_at)
    events = _unique_events(events)
    batch = digest_of(results, events)
    layers = merged_layers(batch, gazetteer, stored=stored, events_near=events_near)[0]
    return {"events": events, **layers, "articles": articles}


def _unique_events(events: _Frame) -> _Frame:
    """Return `events` with one row per event id (the first)."""
    if not len(events):
        return events
    return events.drop_duplicates("id", keep="first").reset_index(drop=True)


def merged_layers(
    batch: BatchDigest,
    gazetteer: Gazetteer,
    *,
    stored: StoredForCommit | None,
    events_near: EventsNear | None,
) -> tuple[dict[str, pd.DataFrame], ZoneAggregates]:
    """Return the small layers of the store with `batch` merged in, and the zones' tables.

    The offices and places merged with the stored ones (`stored`; None for an empty store),
    the zones with their tables and the page's summary tables, as `results_to_layers` makes
    them; not the events and articles, which a commit appends. Only the digest's events'
    `geo.ingest.batch.DIGEST_EVENT_COLUMNS` are read.
    """
    reports = batch.reports()
    new_places = places_frame(batch.place_counts(), gazetteer)
    if stored is not None and len(stored.offices):
        published: dict[str, object] = {}
        if len(stored.articles):
            published = dict(zip(stored.articles["id"], stored.articles["published"], strict=True))
        office_rows: Iterable[Any] = stored.offices.itertuples(index=False)  # OFFICE_COLUMNS
        for row in office_rows:
            office = Office(
                id=row.id,
                org=row.org,
                host_place_id=row.host_place_id,
                city=row.city,
                status=row.status,
                since=_day(row.since),
                article_ids=tuple(row.article_ids),
                geometry=row.geometry,
                origin=row.origin,
                since_precision=_since_precision(getattr(row, "since_precision", None)),
            )
            days = [_day(published.get(a)) for a in office.article_ids]
            latest = max((day for day in days if day is not None), default=None)
            reports.insert(0, (office, latest))
    offices = offices_frame(_merge_offices(reports), gazetteer)
    new_events = _unique_events(batch.events)
    layers: dict[str, pd.DataFrame] = {
        "offices": offices,
        "places": merge_place_frames(None if stored is None else stored.places, new_places),
    }
    if stored is None:
        aggregates = aggregate_zones(new_events, gazetteer)
    else:
        if events_near is None:
            msg = "merging with a stored version needs events_near"
            raise ValueError(msg)
        aggregates = _updated_aggregates(stored, new_events, gazetteer, events_near)
    layers["zones"] = aggregates.zones
    if aggregates.whole:  # else only what it adds to the stored table (`added_days`)
        layers["zone_days"] = aggregates.zone_days
    layers["place_tallies"] = aggregates.place_tallies
    if aggregates.zone_scores is not None:
        layers["zone_scores"] = aggregates.zone_scores
    sums = aggregates.sums
    if sums is None:
        sums = zone_sum_table(aggregates.zone_days)
    if stored is None:  # the page's summary (geo.layers.summary)
        layers.update(summary_tables(new_events, None) | {"zone_sums": sums})
    elif stored.summary is not None:
        layers.update(updated_summary_tables(stored.summary, new_events, sums))
    return layers, aggregates


def _updated_aggregates(
    stored: StoredForCommit,
    new_events: gpd.GeoDataFrame,
    gazetteer: Gazetteer,
    events_near: EventsNear,
) -> ZoneAggregates:
    """Update the stored zones with `new_events`; a store without their tables gets them."""
    if stored.aggregates is not None:
        return update_zone_aggregates(
            stored.aggregates, new_events, gazetteer, events_near=events_near
        )
    everything = events_near([_WORLD])  # never None: there is a box
    _LOG.warning(
        "this store (version %s) was written before zones were kept with their sums: "
        "drawing the zones again from its %d located events, once; the next ingests "
        "update them from the sums",
        stored.version,
        0 if everything is None else len(everything),
    )
    return aggregate_zones(_concat(everything, new_events), gazetteer)


_WORLD: Final = (-180.0, -90.0, 180.0, 90.0)


def commit_results(
    store: Store,
    results: Sequence[ArticleResult],
    gazetteer: Gazetteer,
    stored: StoredForCommit | None,
    duplicates: int,
) -> tuple[str | None, list[ArticleResult], int]:
    """Merge results with the store and write one version, holding the store's write lock.

    Extraction runs without the lock (it is the slow part); if another ingest committed
    meanwhile, its version is read again under the lock and articles it already added are
    dropped, so two ingests at once keep both batches and store each article once.
    Returns the new version, the results actually written and the updated duplicate count.
    """
    results = list(results)
    with store.lock():
        stored, now_known = _stored_now(store, stored)
        duplicates += sum(r.article.id in now_known for r in results)
        results = [r for r in results if r.article.id not in now_known]
        version = store.current_version()
        if results:
            events, articles = new_rows(results)
            events = _unique_events(events)
            rows = {"events": events, "articles": articles}
            version = _commit_batch(store, digest_of(results, events), rows, gazetteer, stored)
    return version, results, duplicates


def commit_staged(
    store: Store,
    batch: BatchDigest,
    staged: Mapping[str, Sequence[LayerInfo]],
    gazetteer: Gazetteer,
    stored: StoredForCommit | None,
    *,
    prepared: PreparedCommit | None = None,
) -> tuple[str | None, BatchDigest]:
    """Commit a batch whose events and articles are written already, as `commit_results` does.

    `staged` holds the ``events`` and ``articles`` parts that
    :func:`geo.store.staging.stage_layer` wrote (by the workers of a distributed ingest),
    `batch` what the rest of the commit needs of them. They are added to one new version as
    they are, with the small layers merged as for `commit_results`, under the store's write
    lock. Articles another ingest stored meanwhile are left out (the parts holding their
    rows are written again without them). Returns the new version and the batch written.

    `prepared` is what :func:`prepare_commit` made of `batch` and `stored` before the lock
    was taken (while the parts were being written): it is used when no other ingest has
    committed since `stored` was read, and made again otherwise.
    """
    with store.lock():
        stored, now_known = _stored_now(store, stored)
        narrowed = batch.without(now_known)
        if narrowed is not batch:
            prepared = None
        version = store.current_version()
        if narrowed.article_ids:
            version = _commit_batch(store, narrowed, staged, gazetteer, stored, prepared)
    return version, narrowed


def _stored_now(
    store: Store, stored: StoredForCommit | None
) -> tuple[StoredForCommit | None, set[str]]:
    """Return what a commit reads of the current version, and its articles if it is newer.

    `stored` was read before the lock was taken; if another ingest committed since, the
    current version is read again and its articles' ids are returned (else none).
    """
    if store.current_version() == (None if stored is None else stored.version):
        return stored, set()
    stored = read_for_commit(store)
    return stored, set(stored.articles["id"]) if stored and len(stored.articles) else set()


@dataclass(frozen=True, slots=True, eq=False)
class PreparedCommit:
    """A batch's small layers merged with a stored version, ready to be written with the batch.

    Attributes
    ----------
    version
        The stored version they were merged with (None: an empty store).
    layers
        The small layers, as :func:`merged_layers` returns them.
    aggregates
        The zones' tables, as :func:`merged_layers` returns them.
    """

    version: str | None
    layers: dict[str, pd.DataFrame]
    aggregates: ZoneAggregates


def prepare_commit(
    store: Store, batch: BatchDigest, gazetteer: Gazetteer, stored: StoredForCommit | None
) -> PreparedCommit:
    """Merge `batch` with the version `stored` was read from, without the write lock.

    The slow half of a commit (offices, places, zones and their tables, the summary) reads
    only that version, which no writer changes: it can run while the batch's rows are being
    written, and the commit then writes it if that version is still the current one.
    """
    near = None
    if stored is not None:  # a store without the zones' tables: all that they need
        stored = replace(stored, summary=stored_summary(store, stored.version))
        columns = TALLY_EVENT_COLUMNS if stored.aggregates is None else ZONE_EVENT_COLUMNS
        near = stored_events_near(store, stored.version, columns=columns)
    layers, aggregates = merged_layers(batch, gazetteer, stored=stored, events_near=near)
    return PreparedCommit(None if stored is None else stored.version, layers, aggregates)


def _commit_batch(
    store: Store,
    batch: BatchDigest,
    rows: Mapping[str, pd.DataFrame | Sequence[LayerInfo]],
    gazetteer: Gazetteer,
    stored: StoredForCommit | None,
    prepared: PreparedCommit | None = None,
) -> str:
    """Write `batch` as one version: its `rows` (frames or staged parts), the merged layers.

    `prepared` (made of `batch`) is used when it was merged with `stored`'s version.
    """
    if prepared is None or prepared.version != (None if stored is None else stored.version):
        prepared = prepare_commit(store, batch, gazetteer, stored)
    message = f"ingest {len(batch.article_ids)} article(s)"
    frames = {name: r for name, r in rows.items() if isinstance(r, pd.DataFrame)}
    if stored is None and len(frames) == len(rows):
        return store.write({**frames, **prepared.layers}, message=message)
    # events and articles only gain rows: write just the months that get some
    return _write_update(store, rows, prepared.layers, prepared.aggregates, message=message)


_REPLACED: Final = ("offices", "places", "zones", "place_tallies", "zone_scores")


def _write_update(
    store: Store,
    rows: Mapping[str, pd.DataFrame | Sequence[LayerInfo]],
    layers: Mapping[str, pd.DataFrame],
    aggregates: ZoneAggregates,
    *,
    message: str,
) -> str:
    """Write a batch into a store that holds data: new rows, small layers, the zones' changes.

    The new rows (`rows`) are frames or parts written already (`geo.store.staging`); into an
    empty store, every layer is written whole.

    Events and articles gain their rows (an event's id names its article, which the store
    lacks, so its id is compared only with those of the months it falls in); offices,
    places, zones, place tallies, zone scores and the summary tables are written whole; the
    zone-days table loses the rows of the zones gone and gains the batch's (only the buckets
    of the zones gone are rewritten).
    """
    appended = {"events": rows["events"], "articles": rows["articles"]}
    replaced = {name: layers[name] for name in (*_REPLACED, *SUMMARY_TABLES) if name in layers}
    added: dict[str, pd.DataFrame] = {}
    removed: dict[str, tuple[str, ...]] = {}
    if aggregates.added_days is None:  # drawn from every stored event: the whole table
        replaced["zone_days"] = layers["zone_days"]
    else:
        added["zone_days"] = aggregates.added_days
        removed["zone_days"] = aggregates.dropped_zones
    return store.update(
        append=appended,
        replace=replaced,
        add=added,
        remove=removed,
        near_keys_only=("events",),
        message=message,
    )
