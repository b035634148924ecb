"""Turn records into map layers: one frame per layer, with a fixed schema.

Each layer is a frame with a fixed schema (:data:`EVENT_COLUMNS`, :data:`OFFICE_COLUMNS`,
:data:`ZONE_COLUMNS`, :data:`PLACE_COLUMNS`, :data:`ARTICLE_COLUMNS`): the column names of the
records in :mod:`geo.records`, text as ``str``, dates as ``datetime64[ns]`` (``NaT`` when
unknown), lists as Python lists, geometry in EPSG:4326. Empty input gives an empty frame with
the same columns and dtypes, so callers never special-case "no data". How tense a zone is lives
in :mod:`geo.layers.zones`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final, Protocol, cast

import geopandas as gpd
import pandas as pd

from geo.places.gazetteer import Gazetteer
from geo.records import CRS, Event, Office, Zone

__all__ = [
    "ARTICLE_COLUMNS",
    "EVENT_COLUMNS",
    "OFFICE_COLUMNS",
    "PLACE_COLUMNS",
    "PUBLISHED_FROM",
    "ZONE_COLUMNS",
    "ArticleLike",
    "articles_frame",
    "count_places",
    "events_frame",
    "merge_place_frames",
    "offices_frame",
    "places_frame",
    "zones_frame",
    "zones_records",
]

EVENT_COLUMNS: Final = {
    "id": "str",
    "article_id": "str",
    "type": "str",
    "cameo": "str",
    "date_start": "datetime64[ns]",
    "date_end": "datetime64[ns]",
    "date_precision": "str",
    "actors": "object",
    "place_ids": "object",
    "place_names": "object",
    "sentence": "str",
    "span_start": "int64",
    "span_end": "int64",
    "confidence": "float64",
    "origin": "str",
    "modality": "str",
    "role": "str",
    "date_basis": "str",
    "place_basis": "str",
    "action": "str",
    "article_published": "datetime64[ns]",
    "geometry": "geometry",
}
"""Columns and dtypes of the events layer (``role``, ``date_basis``, ``place_basis`` and
``action`` as in :class:`geo.records.Event`; stores written before them lack the columns, to be
read as ``main``, ``stated``, ``stated`` and the event's type). ``article_published`` is the
publication date of the event's article (``NaT`` when not known); it ages events whose own date
is unknown."""

OFFICE_COLUMNS: Final = {
    "id": "str",
    "org": "str",
    "host_place_id": "str",
    "host_name": "str",
    "city": "str",
    "status": "str",
    "since": "datetime64[ns]",
    "since_precision": "str",
    "article_ids": "object",
    "origin": "str",
    "geometry": "geometry",
}
"""Columns and dtypes of the offices layer (``since_precision`` as in
:class:`geo.records.Office`; stores written before it lack the column, to be read as
``day``)."""

ZONE_COLUMNS: Final = {
    "id": "str",
    "name": "str",
    "kind": "str",
    "parties": "object",
    "severity": "float64",
    "event_ids": "object",
    "origin": "str",
    "place_id": "str",
    "geometry": "geometry",
}
"""Columns and dtypes of the zones layer."""

PLACE_COLUMNS: Final = {
    "id": "str",
    "name": "str",
    "kind": "str",
    "country_codes": "object",
    "disputed_by": "object",
    "mentions": "int64",
    "article_ids": "object",
    "geometry": "geometry",
}
"""Columns and dtypes of the places layer (geometry is the place's real shape)."""

ARTICLE_COLUMNS: Final = {
    "id": "str",
    "title": "str",
    "outlet": "str",
    "published": "datetime64[ns]",
    "url": "str",
    "language": "str",
    "source": "str",
    "text": "str",
    "ingested_at": "datetime64[ns, UTC]",
    "published_from": "str",
}
"""Columns and dtypes of the articles table (a plain DataFrame: articles have no place).

``published_from`` says where the publication date came from (:data:`PUBLISHED_FROM`): the
``feed`` item, the ``page``'s own metadata, or the time it was ``fetched`` (a date of day
precision that only says when it was read); ``""`` when the article does not say (files,
uploads, seeds). Stores written before the column lack it: read it as ``""``."""

PUBLISHED_FROM: Final = ("feed", "page", "fetched")
"""The values ``published_from`` may take besides ``""`` (see :data:`ARTICLE_COLUMNS`)."""


class ArticleLike(Protocol):
    """What the layers read from an article: :class:`geo.text.articles.Article` or seed metadata."""

    @property
    def id(self) -> str:
        """Content-hash id."""

    @property
    def title(self) -> str:
        """Headline."""

    @property
    def outlet(self) -> str | None:
        """Publisher."""

    @property
    def published(self) -> datetime.date | None:
        """Publication date."""

    @property
    def url(self) -> str | None:
        """Web address."""

    @property
    def language(self) -> str:
        """Language tag."""

    @property
    def source(self) -> str:
        """Where the text came from."""


# --- frames --------------------------------------------------------------------------------


def _table(rows: Sequence[Mapping[str, Any]], schema: Mapping[str, str]) -> pd.DataFrame:
    """Return a plain frame of `rows` with exactly the columns and dtypes of `schema`."""
    data: dict[str, pd.Series] = {}
    for name, dtype in schema.items():
        if dtype == "geometry":
            continue
        values = [row[name] for row in rows]
        if dtype == "object":
            column = pd.Series([list(v) for v in values], dtype="object")
        elif dtype.startswith("datetime64") and "UTC" in dtype:
            column = pd.Series(pd.to_datetime(values, utc=True), dtype=dtype)
        else:
            column = pd.Series(values, dtype=dtype)
        data[name] = column
    return pd.DataFrame(
        data, columns=[name for name, dtype in schema.items() if dtype != "geometry"]
    )


def _frame(rows: Sequence[Mapping[str, Any]], schema: Mapping[str, str]) -> gpd.GeoDataFrame:
    """Return a geo frame of `rows` with exactly the columns and dtypes of `schema`."""
    geometry = gpd.GeoSeries([row["geometry"] for row in rows], crs=CRS)
    return gpd.GeoDataFrame(_table(rows, schema), geometry=geometry, crs=CRS)


def events_frame(
    events: Iterable[Event], articles: Mapping[str, ArticleLike] | None = None
) -> gpd.GeoDataFrame:
    """Return the events layer.

    Parameters
    ----------
    events
        The events, in the order wanted.
    articles
        Article id → article; fills ``article_published`` (``NaT`` without it).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per event, columns :data:`EVENT_COLUMNS`; ``span`` is split into
        ``span_start`` and ``span_end``; events without a place have no geometry (None).
    """
    known = articles or {}
    rows = []
    for event in events:
        article = known.get(event.article_id)
        rows.append(
            {
                "id": event.id,
                "article_id": event.article_id,
                "type": event.type,
                "cameo": event.cameo,
                "date_start": event.date_start,
                "date_end": event.date_end,
                "date_precision": event.date_precision,
                "actors": event.actors,
                "place_ids": event.place_ids,
                "place_names": event.place_names,
                "sentence": event.sentence,
                "span_start": event.span[0],
                "span_end": event.span[1],
                "confidence": event.confidence,
                "origin": event.origin,
                "modality": event.modality,
                "role": event.role,
                "date_basis": event.date_basis,
                "place_basis": event.place_basis,
                "action": event.action or event.type,
                "article_published": article.published if article is not None else None,
                "geometry": event.geometry,
            }
        )
    return _frame(rows, EVENT_COLUMNS)


def offices_frame(offices: Iterable[Office], gazetteer: Gazetteer) -> gpd.GeoDataFrame:
    """Return the offices layer.

    Parameters
    ----------
    offices
        The offices.
    gazetteer
        Names the host (``host_name``; ``""`` when the host id is not in it).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per office, columns :data:`OFFICE_COLUMNS`.
    """
    rows = []
    for office in offices:
        host = gazetteer.get(office.host_place_id)
        rows.append(
            {
                "id": office.id,
                "org": office.org,
                "host_place_id": office.host_place_id,
                "host_name": host.name if host is not None else "",
                "city": office.city,
                "status": office.status,
                "since": office.since,
                "since_precision": office.since_precision,
                "article_ids": office.article_ids,
                "origin": office.origin,
                "geometry": office.geometry,
            }
        )
    return _frame(rows, OFFICE_COLUMNS)


def zones_frame(zones: Iterable[Zone]) -> gpd.GeoDataFrame:
    """Return the zones layer: one row per zone, columns :data:`ZONE_COLUMNS`."""
    rows = [
        {
            "id": zone.id,
            "name": zone.name,
            "kind": zone.kind,
            "parties": zone.parties,
            "severity": zone.severity,
            "event_ids": zone.event_ids,
            "origin": zone.origin,
            "place_id": zone.place_id,
            "geometry": zone.geometry,
        }
        for zone in zones
    ]
    return _frame(rows, ZONE_COLUMNS)


def count_places(events: Iterable[Event]) -> dict[str, tuple[int, set[str]]]:
    """Count how often each place is named by events, and in which articles.

    Returns
    -------
    dict
        Place id → (number of events naming it, ids of their articles): the input of
        :func:`places_frame`.
    """
    counts: dict[str, tuple[int, set[str]]] = {}
    for event in events:
        for place_id in event.place_ids:
            number, article_ids = counts.get(place_id, (0, set()))
            counts[place_id] = (number + 1, article_ids | {event.article_id})
    return counts


def places_frame(
    place_counts: Mapping[str, tuple[int, set[str]]], gazetteer: Gazetteer
) -> gpd.GeoDataFrame:
    """Return the places layer: the places the articles name, with their real shapes.

    Parameters
    ----------
    place_counts
        Place id → (number of mentions, ids of the articles that mention it), e.g. from
        :func:`count_places`. Ids the gazetteer does not hold (say, from an older gazetteer)
        are left out.
    gazetteer
        Gives each place its name, kind, codes and shape.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns :data:`PLACE_COLUMNS`, most mentioned first (then by id).
    """
    rows = []
    for place_id, (mentions, article_ids) in place_counts.items():
        place = gazetteer.get(place_id)
        if place is None:
            continue
        rows.append(
            {
                "id": place.id,
                "name": place.name,
                "kind": place.kind,
                "country_codes": place.country_codes,
                "disputed_by": place.disputed_by,
                "mentions": int(mentions),
                "article_ids": sorted(article_ids),
                "geometry": place.geometry,
            }
        )
    rows.sort(key=lambda row: (-cast(int, row["mentions"]), str(row["id"])))
    return _frame(rows, PLACE_COLUMNS)


def articles_frame(
    articles: Iterable[ArticleLike],
    *,
    ingested_at: Mapping[str, datetime.datetime] | None = None,
) -> pd.DataFrame:
    """Return the articles table.

    Parameters
    ----------
    articles
        :class:`geo.text.articles.Article` records or seed metadata (which has no ``text``: ``""``).
    ingested_at
        Article id → when it entered the store (naive times are taken as UTC); ``NaT`` for
        articles not in it.

    Returns
    -------
    pandas.DataFrame
        One row per article, columns :data:`ARTICLE_COLUMNS`.
    """
    stamps = ingested_at or {}
    rows = [
        {
            "id": article.id,
            "title": article.title,
            "outlet": article.outlet,
            "published": article.published,
            "url": article.url,
            "language": article.language,
            "source": article.source,
            "text": str(getattr(article, "text", "")),
            "ingested_at": stamps.get(article.id),
            "published_from": _published_from(article),
        }
        for article in articles
    ]
    return _table(rows, ARTICLE_COLUMNS)


def _published_from(article: ArticleLike) -> str:
    """Return where an article's publication date came from, if it says (one of ours only)."""
    extra = getattr(article, "extra", None) or {}
    origin = str(extra.get("published_from", ""))
    return origin if origin in PUBLISHED_FROM else ""


def merge_place_frames(old: gpd.GeoDataFrame | None, new: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Merge two places layers: mention counts add up and article ids are united."""
    if old is None or len(old) == 0:
        return new
    if len(new) == 0:
        return old
    added = {
        str(place_id): (int(count), ids)
        for place_id, count, ids in zip(new["id"], new["mentions"], new["article_ids"], strict=True)
    }
    rows = old.copy()
    mentions = rows["mentions"].to_numpy(copy=True)
    article_ids = list(rows["article_ids"])
    for index, place_id in enumerate(rows["id"]):
        if place_id in added:
            count, ids = added[place_id]
            mentions[index] += count
            article_ids[index] = sorted({*article_ids[index], *ids})
    rows["mentions"] = mentions
    rows["article_ids"] = pd.Series(article_ids, index=rows.index, dtype=object)
    fresh = new[~new["id"].isin(set(rows["id"]))]
    return pd.concat([rows, fresh], ignore_index=True) if len(fresh) else rows


def zones_records(frame: gpd.GeoDataFrame) -> list[Zone]:
    """Return the rows of a zones layer as :class:`Zone` records."""
    return [
        Zone(
            id=str(row["id"]),
            name=str(row["name"]),
            kind=row["kind"],
            parties=tuple(row["parties"]),
            geometry=row["geometry"],
            severity=float(row["severity"]),
            event_ids=tuple(row["event_ids"]),
            origin=row["origin"],
            place_id=str(row["place_id"] or ""),
        )
        for row in frame.to_dict("records")
    ]
