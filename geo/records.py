"""Define the domain records the pipeline produces and the map shows: events, offices, zones.

These are frozen dataclasses with the field names of ``DESIGN.md`` (GeoJSON exports carry
exactly these names as feature properties, dates as ISO strings). Geometry is a shapely object
in EPSG:4326. :class:`geo.text.articles.Article` and :class:`geo.places.gazetteer.Place` live
beside the code that makes them.
"""

from __future__ import annotations

import datetime
import enum
import hashlib
from dataclasses import dataclass
from typing import Final, Literal, get_args

from shapely.geometry.base import BaseGeometry

CRS: Final = "EPSG:4326"
"""The one coordinate reference system of every geometry Faultlines keeps or shows."""


class Layer(enum.StrEnum):
    """The map's layers, named as the store, links, legends and the page name them."""

    EVENTS = "events"
    OFFICES = "offices"
    ZONES = "zones"
    PLACES = "places"


MAP_LAYERS: Final[tuple[str, ...]] = tuple(layer.value for layer in Layer)
"""The map's layers, in drawing order: every layer name is spelled in :class:`Layer` only."""

Origin = Literal["curated", "extracted", "derived"]
ORIGINS: tuple[str, ...] = get_args(Origin)
Precision = Literal["day", "month", "year", "unknown"]
PRECISIONS: Final[tuple[Precision, ...]] = get_args(Precision)
"""Date precisions, the finest first."""
Modality = Literal["happened", "planned"]
Role = Literal["main", "context"]
DateBasis = Literal["stated", "sentence", "paragraph", "publication", "none"]
PlaceBasis = Literal["stated", "approximate", "nearby", "article", "capital", "none"]
OfficeStatus = Literal["open", "proposed", "in_talks", "closed"]
OFFICE_STATUSES: tuple[str, ...] = get_args(OfficeStatus)
OFFICE_STATUS_RANK: Final = {"proposed": 0, "in_talks": 1, "open": 2, "closed": 3}
"""How far along an office is: of two reports of the same day, the further status wins."""
PRECISION_RANK: Final = {precision: rank for rank, precision in enumerate(PRECISIONS)}
"""Date precisions from the finest: a finer date is preferred."""
ZoneKind = Literal["territorial_dispute", "military_activity", "war"]
ZONE_KINDS: tuple[str, ...] = get_args(ZoneKind)


def stable_id(prefix: str, *parts: object) -> str:
    """Return ``prefix-`` plus 12 hex digits of a SHA-256 over `parts`: same parts, same id."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()
    return f"{prefix}-{digest[:12]}"


@dataclass(frozen=True, slots=True)
class Event:
    """Something an article reports: who did what, where and when.

    Attributes
    ----------
    id
        Stable hash of article id, sentence span and type (``ev-3f9a…``).
    article_id
        The article it came from.
    type
        A key of :data:`geo.taxonomy.EVENT_TYPES`.
    cameo
        The CAMEO code of the type.
    date_start, date_end
        Inclusive interval, None when unknown.
    date_precision
        ``day``, ``month``, ``year`` or ``unknown``.
    actors
        ISO 3166-1 alpha-3 codes of countries, or organisation ids (``NATO``).
    place_ids, place_names
        Where it happened (gazetteer ids and names, same order).
    geometry
        The map point of the event: the representative point of its first place.
    sentence
        The source sentence, verbatim.
    span
        ``(start, end)`` character offsets of the sentence in the article text.
    confidence
        0–1.
    origin
        ``curated`` (our seed records) or ``extracted`` (the pipeline).
    modality
        ``happened`` or ``planned`` (plans and talks, e.g. to open an office).
    role
        ``main`` (the article's news) or ``context`` (an earlier event the article cites).
    date_basis
        Where the date comes from: ``stated`` in the event's clause, the rest of its
        ``sentence``, its ``paragraph`` (or another telling of the same event), the
        ``publication`` (no date words: the month of publication up to its day, precision
        ``month``), or ``none`` (no date at all).
    place_basis
        How the place was found: ``stated`` in the event's clause, or a fallback.
    action
        The finer action reported, a key of :data:`geo.taxonomy.EVENT_ACTIONS` drawn as
        `type` ("abduction" is drawn as an armed attack); ``""`` when not recorded (the
        type's own action).
    """

    id: str
    article_id: str
    type: str
    cameo: str
    date_start: datetime.date | None
    date_end: datetime.date | None
    date_precision: Precision
    actors: tuple[str, ...]
    place_ids: tuple[str, ...]
    place_names: tuple[str, ...]
    geometry: BaseGeometry | None
    sentence: str
    span: tuple[int, int]
    confidence: float
    origin: Origin
    modality: Modality = "happened"
    role: Role = "main"
    date_basis: DateBasis = "stated"
    place_basis: PlaceBasis = "stated"
    action: str = ""


@dataclass(frozen=True, slots=True)
class Office:
    """A liaison or representative office of an international organisation.

    Attributes
    ----------
    id
        Stable id (``of-…``) from organisation and host.
    org
        Organisation id (``NATO``).
    host_place_id
        Gazetteer id of the host country.
    city
        Host city name, or ``""`` when the articles do not say.
    status
        ``open``, ``proposed``, ``in_talks`` or ``closed``.
    since
        When it opened (or was first reported in this status), None when unknown; the first
        day of the month or year when `since_precision` is coarser.
    article_ids
        Articles that report it.
    geometry
        The city's point, else the host country's representative point.
    origin
        ``curated`` or ``extracted``.
    since_precision
        How precise `since` is: ``day``, ``month`` or ``year`` (the seeds' ``"2023-05"``).
    """

    id: str
    org: str
    host_place_id: str
    city: str
    status: OfficeStatus
    since: datetime.date | None
    article_ids: tuple[str, ...]
    geometry: BaseGeometry | None
    origin: Origin
    since_precision: Precision = "day"


@dataclass(frozen=True, slots=True)
class Zone:
    """An area of tension with its parties and a severity derived from events.

    Attributes
    ----------
    id
        Stable id (``zn-…``).
    name
        Display name.
    kind
        ``territorial_dispute``, ``military_activity`` or ``war``.
    parties
        Alpha-3 codes or organisation ids.
    geometry
        The zone polygon.
    severity
        0–1, from the events inside or near it (count, recency, type weight).
    event_ids
        The events that make up the severity, so the UI can explain it.
    origin
        ``curated`` (a known dispute) or ``derived`` (where events cluster).
    place_id
        The gazetteer place whose shape the zone takes, when it takes one.
    """

    id: str
    name: str
    kind: ZoneKind
    parties: tuple[str, ...]
    geometry: BaseGeometry
    severity: float
    event_ids: tuple[str, ...]
    origin: Origin
    place_id: str = ""
