"""Load the project's curated records of its founding articles from the ``seeds/`` folder.

The folder holds four YAML files, each a list of records written for this project (our
summaries, the facts and a pointer to the source paragraph, never the articles' words):

``articles.yaml``
    The articles: content-hash ``id``, ``title`` (our wording), ``outlet``, ``published``,
    ``url`` (null when unknown), ``language`` and ``source`` (where the text lives).
``events.yaml``
    :class:`geo.records.Event` records: ``type``, ``date_precision``, ``date_start``,
    ``date_end``, ``actors``, ``place_ids``, ``modality``, ``sentence`` (our summary),
    ``confidence``, ``origin`` and ``source`` (``{article, paragraph}``).
``offices.yaml``
    :class:`geo.records.Office` records: ``org``, ``host_place_id``, ``city``,
    ``city_place_id``, ``status``, ``since``, ``origin`` and ``source``.
``zones.yaml``
    :class:`geo.records.Zone` records: ``name``, ``kind``, ``parties``, ``place_ids`` (their
    shapes are unioned), ``origin`` and ``source``. Severity is not written: it is computed from
    the events by :func:`geo.layers.zones.build_zones`.

Every record is validated by a pydantic model; the first problem file stops loading with a
:class:`SeedError` that names the file, the record (1-based number and id) and the field.
Records without an explicit ``id`` get a stable one (see :func:`load_seeds`). Paragraphs are
1-based and count the non-empty lines of the source text.
"""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any, Final, Literal, TypeVar

import shapely
import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from shapely.geometry import Point

from geo.bundled import bundled_dir
from geo.errors import FaultlinesError
from geo.places.gazetteer import Gazetteer, Place, load_gazetteer
from geo.records import Event, Office, Precision, Zone, stable_id
from geo.taxonomy import EVENT_TYPE_KEYS, event_type

__all__ = [
    "SEEDS_DIR",
    "SEED_FILES",
    "ArticleMeta",
    "SeedData",
    "SeedError",
    "SourceRef",
    "load_seeds",
]

SEEDS_DIR: Final = bundled_dir("seeds")
"""The bundled seed folder, ``seeds/`` at the top of the repository."""

SEED_FILES: Final = ("articles.yaml", "events.yaml", "offices.yaml", "zones.yaml")
"""The files a seed folder must hold (each may be empty)."""

_ARTICLE_ID: Final = r"^art-[0-9a-f]{16}$"
_RECORD_ID: Final = r"^[a-z]{2}-[0-9a-z][0-9a-z-]*$"
_ACTOR: Final = r"^[A-Z][A-Z0-9_]{1,15}$"
_PLACE_ID: Final = r"^[a-z0-9]+:[^\s]+$"
_PARTIAL_DATE: Final = re.compile(r"(\d{4})(?:-(\d{2}))?")


class SeedError(FaultlinesError, ValueError):
    """A seed file that is missing, is not YAML, or holds a record that does not validate."""


# --- records -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ArticleMeta:
    """What the seeds record about an article: its metadata, not its text.

    Attributes
    ----------
    id
        Content hash of the article body (:func:`geo.text.articles.article_id`).
    title
        The headline, in our words.
    outlet
        The publisher.
    published
        Publication date, None when unknown.
    url
        The article's web address, None when not known.
    language
        Language tag (``en``).
    source
        Where the text lives, relative to the folder that holds the repository.
    """

    id: str
    title: str
    outlet: str | None
    published: datetime.date | None
    url: str | None
    language: str
    source: str


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where a curated record comes from: an article and a 1-based paragraph in it."""

    article: str
    paragraph: int


@dataclass(frozen=True, slots=True)
class SeedData:
    """Everything a seed folder holds, as domain records.

    Attributes
    ----------
    articles, events, offices, zones
        The records, in file order. Zones have severity 0 and no event ids until
        :func:`geo.layers.zones.build_zones` computes them.
    sources
        Record id (event, office or zone) → the paragraph it was drawn from.
    """

    articles: tuple[ArticleMeta, ...]
    events: tuple[Event, ...]
    offices: tuple[Office, ...]
    zones: tuple[Zone, ...]
    sources: Mapping[str, SourceRef] = field(default_factory=lambda: MappingProxyType({}))


# --- validation models ---------------------------------------------------------------------


def _not_a_number(value: object) -> object:
    """Refuse numbers where a date is expected (pydantic would read them as timestamps)."""
    if isinstance(value, bool | int | float):
        msg = f"Input should be a date like 2023-05-10, not the number {value!r}"
        raise ValueError(msg)
    return value


def _partial_date(value: object) -> object:
    """Read ``"YYYY-MM"`` and ``"YYYY"`` (a string, or a bare year) as the first day of it."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str) and (match := _PARTIAL_DATE.fullmatch(value.strip())):
        return datetime.date(int(match[1]), int(match[2] or 1), 1)
    return _not_a_number(value)


def _partial_precision(value: object) -> Precision:
    """Return how precise a seed's partial date is: ``"2023"`` a year, ``"2023-05"`` a month."""
    match = _PARTIAL_DATE.fullmatch(str(value).strip()) if isinstance(value, str | int) else None
    if match is None:
        return "day"
    return "month" if match[2] else "year"


SeedDate = Annotated[datetime.date, BeforeValidator(_not_a_number)]
SinceDate = Annotated[datetime.date, BeforeValidator(_partial_date)]
Actor = Annotated[str, Field(pattern=_ACTOR)]
PlaceId = Annotated[str, Field(pattern=_PLACE_ID)]
ArticleId = Annotated[str, Field(pattern=_ARTICLE_ID)]
RecordId = Annotated[str, Field(pattern=_RECORD_ID)]
Text = Annotated[str, Field(min_length=1)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class _Source(_Model):
    article: ArticleId
    paragraph: int = Field(ge=1, strict=True)


class _ArticleSeed(_Model):
    id: ArticleId
    title: Text
    outlet: Text | None = None
    published: SeedDate | None = None
    url: Annotated[str, Field(pattern=r"^https?://\S+$")] | None = None
    language: Annotated[str, Field(pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")] = "en"
    source: Text


class _EventSeed(_Model):
    id: RecordId | None = None
    type: str
    date_precision: Literal["day", "month", "year", "unknown"]
    date_start: SeedDate | None
    date_end: SeedDate | None
    actors: list[Actor]
    place_ids: list[PlaceId]
    sentence: Text
    modality: Literal["happened", "planned"] = "happened"
    confidence: float = Field(default=1.0, ge=0.0, le=1.0)
    origin: Literal["curated"] = "curated"
    source: _Source

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        if value not in EVENT_TYPE_KEYS:
            msg = f"unknown event type {value!r}; known types: {', '.join(EVENT_TYPE_KEYS)}"
            raise ValueError(msg)
        return value

    @field_validator("date_start")
    @classmethod
    def _start_fits_precision(
        cls, value: datetime.date | None, info: ValidationInfo
    ) -> datetime.date | None:
        precision = info.data.get("date_precision")
        _check_date(value, precision, first=True)
        return value

    @field_validator("date_end")
    @classmethod
    def _end_fits_precision(
        cls, value: datetime.date | None, info: ValidationInfo
    ) -> datetime.date | None:
        precision = info.data.get("date_precision")
        _check_date(value, precision, first=False)
        start = info.data.get("date_start")
        if value is not None and start is not None and value < start:
            msg = f"{value.isoformat()!r} is before date_start {start.isoformat()!r}"
            raise ValueError(msg)
        return value

    @field_validator("actors", "place_ids")
    @classmethod
    def _no_repeats(cls, value: list[str]) -> list[str]:
        repeated = sorted({item for item in value if value.count(item) > 1})
        if repeated:
            msg = f"listed more than once: {', '.join(repeated)}"
            raise ValueError(msg)
        return value


class _OfficeSeed(_Model):
    id: RecordId | None = None
    org: Actor
    host_place_id: PlaceId
    city: str = ""
    city_place_id: PlaceId | None = None
    status: Literal["open", "proposed", "in_talks", "closed"]
    since: SinceDate | None = None
    origin: Literal["curated"] = "curated"
    source: _Source


class _ZoneSeed(_Model):
    id: RecordId | None = None
    name: Text
    kind: Literal["territorial_dispute", "military_activity", "war"]
    parties: list[Actor] = Field(min_length=1)
    place_ids: list[PlaceId] = Field(min_length=1)
    origin: Literal["curated"] = "curated"
    source: _Source | None = None


def _check_date(value: datetime.date | None, precision: object, *, first: bool) -> None:
    """Raise ValueError when a date does not agree with its precision."""
    if not isinstance(precision, str):
        return  # the precision itself failed and is reported
    if precision == "unknown":
        if value is not None:
            msg = "must be null when date_precision is 'unknown'"
            raise ValueError(msg)
        return
    if value is None:
        msg = f"is required when date_precision is {precision!r}"
        raise ValueError(msg)
    if precision == "month":
        last = calendar.monthrange(value.year, value.month)[1]
        if value.day != (1 if first else last):
            edge = "first" if first else "last"
            msg = f"{value.isoformat()!r} is not the {edge} day of a month (precision 'month')"
            raise ValueError(msg)
    if precision == "year" and (value.month, value.day) != ((1, 1) if first else (12, 31)):
        edge = "1 January" if first else "31 December"
        msg = f"{value.isoformat()!r} is not {edge} (precision 'year')"
        raise ValueError(msg)


# --- loading -------------------------------------------------------------------------------

_M = TypeVar("_M", bound=_Model)


@dataclass(frozen=True, slots=True)
class _Context:
    """What every record of one seed folder is checked against."""

    directory: Path
    gazetteer: Gazetteer
    article_ids: frozenset[str]


def load_seeds(directory: Path = SEEDS_DIR, *, gazetteer: Gazetteer | None = None) -> SeedData:
    """Read and validate a seed folder into domain records.

    Ids: an event without an explicit ``id`` gets
    ``stable_id("ev", article_id, "curated", number, type)`` where ``number`` is its 1-based
    position in ``events.yaml``; an office ``stable_id("of", org, host_place_id)``; a zone
    ``stable_id("zn", *sorted(place_ids))`` (the id a derived zone over the same places gets).
    An event's geometry is the representative point of its first place; an office's is its
    city's point, else its host's; a zone's is the union of its places' shapes.

    Parameters
    ----------
    directory
        A folder holding ``articles.yaml``, ``events.yaml``, ``offices.yaml`` and
        ``zones.yaml``; the bundled ``seeds/`` by default.
    gazetteer
        Resolves place ids; the compiled gazetteer (:func:`geo.places.gazetteer.load_gazetteer`)
        when None.

    Returns
    -------
    SeedData
        The records, in file order.

    Raises
    ------
    SeedError
        If a file is missing or not a YAML list, or a record fails validation, names an unknown
        place or article, or repeats an id. The message names the file, the record and the
        field, e.g. ``seeds/events.yaml, record 3 ('ev-…'): date_precision: Input should be
        'day', 'month', 'year' or 'unknown'``.
    """
    raw = {name: _read_list(directory, name) for name in SEED_FILES}
    articles = tuple(_articles(directory, raw["articles.yaml"]))
    context = _Context(
        directory=directory,
        gazetteer=gazetteer if gazetteer is not None else load_gazetteer(),
        article_ids=frozenset(article.id for article in articles),
    )
    sources: dict[str, SourceRef] = {}
    events = tuple(_events(context, raw["events.yaml"], sources))
    offices = tuple(_offices(context, raw["offices.yaml"], sources))
    zones = tuple(_zones(context, raw["zones.yaml"], sources))
    return SeedData(
        articles=articles,
        events=events,
        offices=offices,
        zones=zones,
        sources=MappingProxyType(sources),
    )


def _where(directory: Path, name: str) -> str:
    """Name a seed file as ``folder/file`` (``seeds/events.yaml``)."""
    return f"{directory.name}/{name}"


def _read_list(directory: Path, name: str) -> list[Any]:
    """Return the records of one seed file (an empty list for an empty file)."""
    where = _where(directory, name)
    path = directory / name
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        msg = f"{where}: no such file (a seed folder holds {', '.join(SEED_FILES)})"
        raise SeedError(msg) from None
    except (OSError, UnicodeDecodeError) as err:
        msg = f"{where}: cannot be read ({err})"
        raise SeedError(msg) from err
    try:
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as err:
        line = f"line {err.problem_mark.line + 1}: " if err.problem_mark is not None else ""
        problem = " ".join((err.problem or err.context or "syntax error").split())
        msg = f"{where}: not valid YAML ({line}{problem})"
        raise SeedError(msg) from err
    except yaml.YAMLError as err:
        msg = f"{where}: not valid YAML ({' '.join(str(err).split())})"
        raise SeedError(msg) from err
    if data is None:
        return []
    if not isinstance(data, list):
        msg = f"{where}: expected a list of records, found a {type(data).__name__}"
        raise SeedError(msg)
    return data


def _label(where: str, number: int, record_id: str | None) -> str:
    return f"{where}, record {number}" + (f" ({record_id!r})" if record_id else "")


def _validate(
    model: type[_M],
    where: str,
    number: int,
    raw: object,
    guess_id: Callable[[Mapping[str, Any]], str | None],
) -> _M:
    """Validate one raw record, turning pydantic's errors into one `SeedError`."""
    if not isinstance(raw, dict):
        msg = f"{_label(where, number, None)}: expected a mapping of fields, found {raw!r}"
        raise SeedError(msg)
    try:
        return model.model_validate(raw)
    except ValidationError as err:
        problems = []
        for error in err.errors(include_url=False):
            loc = ".".join(str(part) for part in error["loc"]) or "record"
            text = str(error["msg"]).removeprefix("Value error, ")
            problems.append(f"{loc}: {text}")
        msg = f"{_label(where, number, _safe_guess(guess_id, raw))}: {'; '.join(problems)}"
        raise SeedError(msg) from None


def _safe_guess(
    guess_id: Callable[[Mapping[str, Any]], str | None], raw: Mapping[str, Any]
) -> str | None:
    explicit = raw.get("id")
    if isinstance(explicit, str) and explicit:
        return explicit
    try:
        return guess_id(raw)
    except (TypeError, ValueError, KeyError, AttributeError):
        return None


def _check_unique(where: str, number: int, record_id: str, seen: set[str]) -> None:
    if record_id in seen:
        msg = f"{_label(where, number, record_id)}: id: {record_id!r} is used by another record"
        raise SeedError(msg)
    seen.add(record_id)


def _check_article(
    context: _Context, where: str, number: int, record_id: str, source: _Source | None
) -> None:
    if source is not None and source.article not in context.article_ids:
        known = ", ".join(sorted(context.article_ids)) or "none"
        msg = (
            f"{_label(where, number, record_id)}: source.article: {source.article!r} is not in "
            f"{_where(context.directory, 'articles.yaml')} (known: {known})"
        )
        raise SeedError(msg)


def _places(
    context: _Context, where: str, number: int, record_id: str, name: str, ids: Sequence[str]
) -> list[Place]:
    """Return the places of `ids`, or a `SeedError` naming every id the gazetteer lacks."""
    missing = [place_id for place_id in ids if place_id not in context.gazetteer]
    if missing:
        listed = ", ".join(repr(place_id) for place_id in missing)
        msg = f"{_label(where, number, record_id)}: {name}: unknown place id {listed}"
        raise SeedError(msg)
    return [context.gazetteer.place(place_id) for place_id in ids]


def _articles(directory: Path, records: Iterable[object]) -> Iterable[ArticleMeta]:
    where = _where(directory, "articles.yaml")
    seen: set[str] = set()
    for number, raw in enumerate(records, start=1):
        seed = _validate(_ArticleSeed, where, number, raw, lambda _raw: None)
        _check_unique(where, number, seed.id, seen)
        yield ArticleMeta(
            id=seed.id,
            title=seed.title,
            outlet=seed.outlet,
            published=seed.published,
            url=seed.url,
            language=seed.language,
            source=seed.source,
        )


def _event_id(article: object, number: int, kind: object) -> str:
    return stable_id("ev", article, "curated", number, kind)


def _events(
    context: _Context, records: Iterable[object], sources: dict[str, SourceRef]
) -> Iterable[Event]:
    where = _where(context.directory, "events.yaml")
    seen: set[str] = set()
    for number, raw in enumerate(records, start=1):

        def guess(raw: Mapping[str, Any], number: int = number) -> str | None:
            article = raw["source"]["article"]
            kind = raw["type"]
            if not isinstance(article, str) or not isinstance(kind, str):
                return None
            return _event_id(article, number, kind)

        seed = _validate(_EventSeed, where, number, raw, guess)
        record_id = seed.id or _event_id(seed.source.article, number, seed.type)
        _check_unique(where, number, record_id, seen)
        _check_article(context, where, number, record_id, seed.source)
        places = _places(context, where, number, record_id, "place_ids", seed.place_ids)
        sources[record_id] = SourceRef(seed.source.article, seed.source.paragraph)
        yield Event(
            id=record_id,
            article_id=seed.source.article,
            type=seed.type,
            cameo=event_type(seed.type).cameo,
            date_start=seed.date_start,
            date_end=seed.date_end,
            date_precision=seed.date_precision,
            actors=tuple(seed.actors),
            place_ids=tuple(seed.place_ids),
            place_names=tuple(place.name for place in places),
            geometry=Point(places[0].point) if places else None,
            sentence=" ".join(seed.sentence.split()),
            span=(0, 0),
            confidence=seed.confidence,
            origin="curated",
            modality=seed.modality,
        )


def _offices(
    context: _Context, records: Iterable[object], sources: dict[str, SourceRef]
) -> Iterable[Office]:
    where = _where(context.directory, "offices.yaml")
    seen: set[str] = set()
    for number, raw in enumerate(records, start=1):

        def guess(raw: Mapping[str, Any]) -> str | None:
            org, host = raw["org"], raw["host_place_id"]
            if not isinstance(org, str) or not isinstance(host, str):
                return None
            return stable_id("of", org, host)

        seed = _validate(_OfficeSeed, where, number, raw, guess)
        record_id = seed.id or stable_id("of", seed.org, seed.host_place_id)
        _check_unique(where, number, record_id, seen)
        _check_article(context, where, number, record_id, seed.source)
        (host,) = _places(context, where, number, record_id, "host_place_id", [seed.host_place_id])
        city_ids = [seed.city_place_id] if seed.city_place_id else []
        cities = _places(context, where, number, record_id, "city_place_id", city_ids)
        sources[record_id] = SourceRef(seed.source.article, seed.source.paragraph)
        since_text = raw.get("since") if isinstance(raw, Mapping) else None
        yield Office(
            id=record_id,
            org=seed.org,
            host_place_id=seed.host_place_id,
            city=seed.city,
            status=seed.status,
            since=seed.since,
            article_ids=(seed.source.article,),
            geometry=Point((cities[0] if cities else host).point),
            origin="curated",
            since_precision=_partial_precision(since_text),
        )


def _zones(
    context: _Context, records: Iterable[object], sources: dict[str, SourceRef]
) -> Iterable[Zone]:
    where = _where(context.directory, "zones.yaml")
    seen: set[str] = set()
    for number, raw in enumerate(records, start=1):

        def guess(raw: Mapping[str, Any]) -> str | None:
            ids = raw["place_ids"]
            if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids) or not ids:
                return None
            return stable_id("zn", *sorted(ids))

        seed = _validate(_ZoneSeed, where, number, raw, guess)
        record_id = seed.id or stable_id("zn", *sorted(seed.place_ids))
        _check_unique(where, number, record_id, seen)
        _check_article(context, where, number, record_id, seed.source)
        places = _places(context, where, number, record_id, "place_ids", seed.place_ids)
        if seed.source is not None:
            sources[record_id] = SourceRef(seed.source.article, seed.source.paragraph)
        geometry = shapely.make_valid(shapely.union_all([place.geometry for place in places]))
        yield Zone(
            id=record_id,
            name=seed.name,
            kind=seed.kind,
            parties=tuple(seed.parties),
            geometry=geometry,
            severity=0.0,
            event_ids=(),
            origin="curated",
            place_id=seed.place_ids[0],
        )
