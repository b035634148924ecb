"""Hold the dashboard's whole view as one canonical record: :class:`ViewState`.

A :class:`ViewState` is everything a person sees: the visible layers, the event types and date
window shown, the map centre and zoom, the selected feature, the place searched for, the basemap
and the dataset version. Its constructor puts every value into canonical form (so equal views
compare equal) and refuses values no link could carry. :mod:`geo.view.link` writes it into a
URL and reads it back.
"""

from __future__ import annotations

import datetime
import enum
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from geo.errors import FaultlinesError
from geo.records import MAP_LAYERS, Layer

__all__ = [
    "ACTOR_PATTERN",
    "BASEMAPS",
    "DEFAULT_LAYERS",
    "DEFAULT_VIEW",
    "LAYER_KEYS",
    "MAX_QUERY_LENGTH",
    "MAX_ZOOM",
    "MIN_ZOOM",
    "SELECTED_ID_PATTERN",
    "TYPE_KEY_PATTERN",
    "VERSION_PATTERN",
    "Layer",
    "SnapshotError",
    "StateWarning",
    "ViewState",
]


LAYER_KEYS: tuple[str, ...] = MAP_LAYERS
"""Every map layer; URLs list the visible ones sorted alphabetically."""

DEFAULT_LAYERS: frozenset[str] = frozenset({Layer.EVENTS, Layer.OFFICES, Layer.ZONES})
"""Layers visible when the URL says nothing (``places`` is off by default)."""

BASEMAPS: tuple[str, ...] = ("vector", "osm", "carto-light", "carto-dark")
"""Basemap choices; ``vector`` is drawn from the gazetteer and works offline."""

MIN_ZOOM: int = 1
"""Smallest zoom level (whole world)."""

MAX_ZOOM: int = 18
"""Largest zoom level (street level)."""

MAX_QUERY_LENGTH: int = 200
"""Longest search text kept in ``q``; longer text is cut."""

SELECTED_ID_PATTERN: re.Pattern[str] = re.compile(r"[A-Za-z0-9:_.\-]{1,128}")
"""What a selected feature id (``sel``) must fully match."""

VERSION_PATTERN: re.Pattern[str] = re.compile(r"[0-9a-f]{6,64}")
"""What a dataset version (``v``) must fully match."""

ACTOR_PATTERN: re.Pattern[str] = re.compile(r"[A-Z0-9_.\-]{2,32}")
"""What an actor or country code (``actors``, ``countries``) must fully match."""

TYPE_KEY_PATTERN: re.Pattern[str] = re.compile(r"[A-Za-z0-9_.:\-]{1,64}")
"""What an event type key must fully match to travel in ``types``."""

_SPACES = re.compile(r" {2,}")
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
_PREVIEW_LENGTH = 80
_COORD_DECIMALS = 4


# ---------------------------------------------------------------------------------------------
# canonical values


@dataclass(frozen=True, slots=True)
class _CleanText:
    text: str
    dropped: int
    cut: bool


def _clean_text(text: str) -> _CleanText:
    """Drop non-printable characters, normalise (NFC), collapse whitespace, cut to length."""
    kept: list[str] = []
    dropped = 0
    for char in text:
        if char.isspace():
            kept.append(" ")
        elif unicodedata.category(char) in _DROPPED_CATEGORIES:
            dropped += 1
        else:
            kept.append(char)
    cleaned = _SPACES.sub(" ", unicodedata.normalize("NFC", "".join(kept))).strip()
    cut = len(cleaned) > MAX_QUERY_LENGTH
    if cut:
        cleaned = unicodedata.normalize("NFC", cleaned[:MAX_QUERY_LENGTH]).strip()
    return _CleanText(cleaned, dropped, cut)


def _frozen_names(names: object, field: str) -> frozenset[str]:
    if isinstance(names, str) or not isinstance(names, Iterable):
        msg = f"{field} must be a collection of names, not {names!r}"
        raise SnapshotError(msg)
    result = frozenset(names)
    if not all(isinstance(name, str) for name in result):
        msg = f"{field} must hold only strings: {sorted(map(repr, result))}"
        raise SnapshotError(msg)
    return result


def _as_date(value: object, field: str) -> datetime.date | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    msg = f"{field} must be a date or None, not {value!r}"
    raise SnapshotError(msg)


def _finite_float(value: object, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        msg = f"{field} must be a number, not {value!r}"
        raise SnapshotError(msg)
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        msg = f"{field} must be finite, not {value!r}"
        raise SnapshotError(msg)
    return number


def _in_zoom_range(zoom: int) -> bool:
    return MIN_ZOOM <= zoom <= MAX_ZOOM


def _round_coord(value: float) -> float:
    """Round to 4 decimals; ``+ 0.0`` turns ``-0.0`` into ``0.0``."""
    return round(value, _COORD_DECIMALS) + 0.0


def _wrap_lon(lon: float) -> float:
    """Round to 4 decimals and wrap into [-180, 180)."""
    wrapped = _round_coord((_round_coord(lon) + 180.0) % 360.0 - 180.0)
    return -180.0 if wrapped >= 180.0 else wrapped


def _format_coord(value: float) -> str:
    """Write a rounded coordinate with at most 4 decimals and no trailing zeros."""
    text = f"{value:.{_COORD_DECIMALS}f}".rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def _preview(text: str) -> str:
    r"""Escape `text`'s non-printable characters as ``\uXXXX`` and cut it to 80 characters."""
    escaped = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in text[:_PREVIEW_LENGTH])
    if len(text) > _PREVIEW_LENGTH or len(escaped) > _PREVIEW_LENGTH:
        return escaped[:_PREVIEW_LENGTH] + "…"
    return escaped


# ---------------------------------------------------------------------------------------------
# records


class _Keep(enum.Enum):
    """Marks a :meth:`ViewState.replace` argument that was not given."""

    KEEP = enum.auto()


class SnapshotError(FaultlinesError, ValueError):
    """A :class:`ViewState` was built with a value no URL could carry."""


@dataclass(frozen=True, slots=True)
class StateWarning:
    r"""One query parameter value that was ignored or changed while reading a URL.

    Attributes
    ----------
    param
        The parameter's name as given (shortened and escaped like `value`); ``"*"`` for a
        summary of further unknown parameters.
    value
        The offending value, cut to 80 characters with non-printable characters escaped as
        ``\uXXXX``. Plain text: escape it before putting it into HTML.
    message
        A sentence for the person who opened the link.
    """

    param: str
    value: str
    message: str


@dataclass(frozen=True, slots=True)
class ViewState:
    """Everything the dashboard shows, as carried by a snapshot link.

    The constructor puts values into canonical form, so equal views compare equal: `lat` and
    `lon` are rounded to 4 decimals, `lon` is wrapped into [-180, 180), `layers` and `types`
    become frozensets, datetimes become dates, and `query` is cleaned as described in the module
    docstring (``None`` when nothing is left).

    Attributes
    ----------
    layers
        Visible layers, a subset of :data:`LAYER_KEYS`.
    types
        Event types shown; ``None`` shows every type, an empty set none.
    date_from, date_to
        Inclusive date window; ``None`` leaves that side open.
    lat, lon
        Map centre in degrees (EPSG:4326). The default looks at Japan and East Asia.
    zoom
        Zoom level, from :data:`MIN_ZOOM` to :data:`MAX_ZOOM`.
    selected
        Id of the feature whose popup or panel is open.
    query
        Place name searched for.
    basemap
        One of :data:`BASEMAPS`.
    version
        Dataset version the view was made on; ``None`` means the current data.
    actors
        Only events involving one of these actors (ISO 3166 alpha-3 codes or organisation ids
        such as ``NATO``, upper case); ``None`` for every actor.
    countries
        Only events placed in one of these countries (ISO 3166 alpha-2 codes as the gazetteer
        gives them, upper case): a place counts when it is the country or lies in it (seas lie
        in none); ``None`` for everywhere.
    undated
        Whether events with no known date stay shown when a date window is set (without a
        window they are always shown).
    cited
        Whether earlier events the articles cite (``role`` ``context``) are shown beside the
        news they are cited in.

    Raises
    ------
    SnapshotError
        If a value cannot be put into canonical form: an unknown layer or basemap, a malformed
        type key, id or version, a non-finite or out-of-range latitude, a zoom outside
        [1, 18], or `date_from` after `date_to`.
    """

    layers: frozenset[str] = DEFAULT_LAYERS
    types: frozenset[str] | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    lat: float = 35.0
    lon: float = 135.0
    zoom: int = 4
    selected: str | None = None
    query: str | None = None
    basemap: str = "vector"
    version: str | None = None
    actors: frozenset[str] | None = None
    countries: frozenset[str] | None = None
    undated: bool = False
    cited: bool = True

    def __post_init__(self) -> None:
        self._canonical_filters()
        self._canonical_window()
        self._canonical_position()
        self._canonical_names()

    def _canonical_filters(self) -> None:
        """Check and freeze the layers, types, actors and countries shown, `undated`, `cited`."""
        layers = _frozen_names(self.layers, "layers")
        unknown = sorted(layers - set(LAYER_KEYS))
        if unknown:
            msg = f"unknown layers {unknown!r}; known layers: {', '.join(LAYER_KEYS)}"
            raise SnapshotError(msg)
        object.__setattr__(self, "layers", layers)

        if self.types is not None:
            types = _frozen_names(self.types, "types")
            bad = sorted(t for t in types if not TYPE_KEY_PATTERN.fullmatch(t))
            if bad:
                msg = f"malformed event type keys {bad!r}"
                raise SnapshotError(msg)
            object.__setattr__(self, "types", types)

        for field in ("actors", "countries"):
            given = getattr(self, field)
            if given is None:
                continue
            codes = _frozen_names(given, field)
            bad = sorted(c for c in codes if not ACTOR_PATTERN.fullmatch(c))
            if bad:
                msg = f"malformed {field} {bad!r}; they must match {ACTOR_PATTERN.pattern!r}"
                raise SnapshotError(msg)
            object.__setattr__(self, field, codes)
        for flag in ("undated", "cited"):
            if not isinstance(getattr(self, flag), bool):
                msg = f"{flag} must be True or False, not {getattr(self, flag)!r}"
                raise SnapshotError(msg)

    def _canonical_window(self) -> None:
        """Check the time window and turn its ends into dates."""
        date_from = _as_date(self.date_from, "date_from")
        date_to = _as_date(self.date_to, "date_to")
        if date_from is not None and date_to is not None and date_from > date_to:
            msg = f"date_from {date_from.isoformat()!r} is after date_to {date_to.isoformat()!r}"
            raise SnapshotError(msg)
        object.__setattr__(self, "date_from", date_from)
        object.__setattr__(self, "date_to", date_to)

    def _canonical_position(self) -> None:
        """Check the map's centre and zoom; round the centre and wrap its longitude."""
        lat = _finite_float(self.lat, "lat")
        if not -90.0 <= lat <= 90.0:
            msg = f"lat {lat!r} is outside [-90, 90]"
            raise SnapshotError(msg)
        object.__setattr__(self, "lat", _round_coord(lat))
        object.__setattr__(self, "lon", _wrap_lon(_finite_float(self.lon, "lon")))

        zoom = self.zoom
        if not isinstance(zoom, int) or isinstance(zoom, bool) or not _in_zoom_range(zoom):
            msg = f"zoom {zoom!r} is not an integer from {MIN_ZOOM} to {MAX_ZOOM}"
            raise SnapshotError(msg)

    def _canonical_names(self) -> None:
        """Check the selected id, search text, basemap and version; clean the search text."""
        selected = self.selected
        if selected is not None and not (
            isinstance(selected, str) and SELECTED_ID_PATTERN.fullmatch(selected)
        ):
            msg = f"selected id {selected!r} does not match {SELECTED_ID_PATTERN.pattern!r}"
            raise SnapshotError(msg)

        if self.query is not None:
            if not isinstance(self.query, str):
                msg = f"query {self.query!r} is not text"
                raise SnapshotError(msg)
            object.__setattr__(self, "query", _clean_text(self.query).text or None)

        if self.basemap not in BASEMAPS:
            msg = f"unknown basemap {self.basemap!r}; known basemaps: {', '.join(BASEMAPS)}"
            raise SnapshotError(msg)

        version = self.version
        if version is not None and not (
            isinstance(version, str) and VERSION_PATTERN.fullmatch(version)
        ):
            msg = f"version {version!r} does not match {VERSION_PATTERN.pattern!r}"
            raise SnapshotError(msg)

    def replace(
        self,
        *,
        layers: frozenset[str] | _Keep = _Keep.KEEP,
        types: frozenset[str] | _Keep | None = _Keep.KEEP,
        date_from: datetime.date | _Keep | None = _Keep.KEEP,
        date_to: datetime.date | _Keep | None = _Keep.KEEP,
        lat: float | _Keep = _Keep.KEEP,
        lon: float | _Keep = _Keep.KEEP,
        zoom: int | _Keep = _Keep.KEEP,
        selected: str | _Keep | None = _Keep.KEEP,
        query: str | _Keep | None = _Keep.KEEP,
        basemap: str | _Keep = _Keep.KEEP,
        version: str | _Keep | None = _Keep.KEEP,
        actors: frozenset[str] | _Keep | None = _Keep.KEEP,
        countries: frozenset[str] | _Keep | None = _Keep.KEEP,
        undated: bool | _Keep = _Keep.KEEP,
        cited: bool | _Keep = _Keep.KEEP,
    ) -> ViewState:
        """Return a copy with the given fields changed (and put into canonical form).

        Raises
        ------
        SnapshotError
            If a new value is invalid (see the class docstring).
        """
        return ViewState(
            layers=self.layers if isinstance(layers, _Keep) else layers,
            types=self.types if isinstance(types, _Keep) else types,
            date_from=self.date_from if isinstance(date_from, _Keep) else date_from,
            date_to=self.date_to if isinstance(date_to, _Keep) else date_to,
            lat=self.lat if isinstance(lat, _Keep) else lat,
            lon=self.lon if isinstance(lon, _Keep) else lon,
            zoom=self.zoom if isinstance(zoom, _Keep) else zoom,
            selected=self.selected if isinstance(selected, _Keep) else selected,
            query=self.query if isinstance(query, _Keep) else query,
            basemap=self.basemap if isinstance(basemap, _Keep) else basemap,
            version=self.version if isinstance(version, _Keep) else version,
            actors=self.actors if isinstance(actors, _Keep) else actors,
            countries=self.countries if isinstance(countries, _Keep) else countries,
            undated=self.undated if isinstance(undated, _Keep) else undated,
            cited=self.cited if isinstance(cited, _Keep) else cited,
        )


DEFAULT_VIEW: ViewState = ViewState()
"""The view shown when the URL carries no parameters."""
