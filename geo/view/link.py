"""Turn a :class:`~geo.view.state.ViewState` into URL query parameters and back.

:func:`to_query` writes a view as canonical query parameters (equal views give equal URLs);
:func:`parse_state` reads any query back into a valid state, listing what it had to drop or
change as :class:`~geo.view.state.StateWarning` records. Parsing never raises.

The parameters, in the order they appear in a URL:

=========== ============================================= ============================
param       meaning                                       example
=========== ============================================= ============================
``layers``  visible layers, comma-separated, sorted       ``events,offices,zones``
``types``   event types shown, comma-separated, sorted    ``exercise,missile_launch``
``actors``  only events involving these actors, sorted    ``CHN,NATO``
``countries`` only events placed in these countries       ``JP,KP``
``from``    first day of the date window (ISO)            ``2023-03-01``
``to``      last day of the date window (ISO)             ``2023-05-10``
``undated`` ``1``: undated events stay shown in a window  ``1``
``cited``   ``0``: earlier events the articles cite hidden ``0``
``lat``     map centre latitude, at most 4 decimals       ``37.5``
``lon``     map centre longitude, at most 4 decimals      ``134``
``z``       zoom level, an integer from 1 to 18           ``5``
``sel``     selected feature id                           ``ev-3f9a0c``
``q``       place searched for (at most 200 characters)   ``Senkaku Islands``
``basemap`` ``vector`` (offline default) or a tile layer  ``carto-light``
``v``       dataset version the view was made on (hex)    ``7c1e02``
=========== ============================================= ============================

Parameters equal to their default are left out, so the default view is the empty query.

Reading rules
-------------
- A parameter given several times keeps its last value (with a warning).
- Unknown parameters and values longer than :data:`MAX_VALUE_LENGTH` characters are ignored
  (with a warning).
- An empty value means "not given" for every parameter except ``layers`` and ``types``, where
  an explicit empty value means "none": ``layers=`` hides every layer and ``types=`` shows no
  event type. An absent ``types`` shows every type, and so does a list naming all of them.
- Layer, type and basemap names are matched case-insensitively; unknown names are dropped (with
  a warning naming them); a list with no known name falls back to the default.
- ``lat`` and ``lon`` are rounded to 4 decimals. ``lon`` outside [-180, 180) is wrapped into
  range without a warning (it is the same meridian); ``lat`` outside [-90, 90], and NaN,
  infinities or anything else that is not a plain decimal number in either, fall back to the
  default (with a warning).
- ``z`` may be a decimal (``5.7``): it is rounded half up to an integer without a warning, as
  the map only shows whole zoom levels; outside [1, 18] it is clamped (with a warning).
- ``actors`` and ``countries`` are upper-cased; codes not matching :data:`ACTOR_PATTERN` are
  dropped (with a warning); an empty list, or one with no usable code, means no filter.
- ``undated`` and ``cited`` are ``1`` (or ``true``/``yes``) or ``0`` (``false``/``no``);
  anything else is ignored (with a warning) and leaves the default (``undated`` off, ``cited``
  on).
- Dates must be ``YYYY-MM-DD``; other values are dropped (with a warning); ``from`` after ``to``
  are swapped (with a warning).
- ``sel`` must match :data:`SELECTED_ID_PATTERN` and ``v`` :data:`VERSION_PATTERN` (hex is
  lowercased); other values are dropped (with a warning).
- ``q`` has its whitespace collapsed and its Unicode normalised (NFC) silently; non-printable
  characters (controls such as null bytes, format characters such as bidirectional overrides and
  zero-width spaces, surrogates, private-use and unassigned code points) are removed and text
  past :data:`MAX_QUERY_LENGTH` characters is cut, each with a warning.

Warnings carry plain text, not markup: the value they quote is shortened and its non-printable
characters escaped, but it may still hold ``<script>`` and must be escaped before it reaches
HTML.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from geo.taxonomy import EVENT_TYPE_KEYS
from geo.view.state import (
    ACTOR_PATTERN,
    BASEMAPS,
    DEFAULT_VIEW,
    LAYER_KEYS,
    MAX_QUERY_LENGTH,
    MAX_ZOOM,
    MIN_ZOOM,
    SELECTED_ID_PATTERN,
    TYPE_KEY_PATTERN,
    VERSION_PATTERN,
    StateWarning,
    ViewState,
    _clean_text,
    _format_coord,
    _preview,
    _round_coord,
    _wrap_lon,
)

__all__ = [
    "MAX_VALUE_LENGTH",
    "PARAM_NAMES",
    "normalise",
    "parse_state",
    "share_address",
    "state_from_query_string",
    "to_query",
    "to_query_string",
]

PARAM_NAMES: tuple[str, ...] = (
    "layers",
    "types",
    "actors",
    "countries",
    "from",
    "to",
    "undated",
    "cited",
    "lat",
    "lon",
    "z",
    "sel",
    "q",
    "basemap",
    "v",
)
"""Query parameters in the order :func:`to_query` writes them."""

MAX_VALUE_LENGTH: int = 2_000
"""Longest parameter value read; longer values are ignored with a warning."""

_DATE_PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_NUMBER_PATTERN = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_MAX_LISTED_NAMES = 5
_MAX_UNKNOWN_WARNINGS = 10


def normalise(state: ViewState, *, event_types: Collection[str] = EVENT_TYPE_KEYS) -> ViewState:
    """Return the canonical form of `state` for the event types `event_types`.

    Types not in `event_types` are dropped; a selection naming every type, or naming only
    unknown types, becomes ``None`` (all types), as :func:`parse_state` reads such a list.

    Parameters
    ----------
    state
        Any view.
    event_types
        Known event type keys; defaults to the taxonomy's.

    Returns
    -------
    ViewState
        The view :func:`parse_state` gives for ``to_query(state)``.
    """
    if state.types is None:
        return state
    known = _known_types(event_types)
    kept = frozenset(t for t in state.types if t in known.values())
    if (state.types and not kept) or kept == frozenset(known.values()):
        return state.replace(types=None)
    if kept == state.types:
        return state
    return state.replace(types=kept)


def to_query(state: ViewState, *, event_types: Collection[str] = EVENT_TYPE_KEYS) -> dict[str, str]:
    """Return the query parameters for `state`: only those differing from the default view.

    Parameters
    ----------
    state
        The view to share.
    event_types
        Known event type keys (see :func:`normalise`).

    Returns
    -------
    dict of str to str
        Parameter names to canonical values, in :data:`PARAM_NAMES` order.

    Examples
    --------
    >>> to_query(ViewState(lat=37.5, lon=134.0, zoom=5))
    {'lat': '37.5', 'lon': '134', 'z': '5'}
    >>> to_query(DEFAULT_VIEW)
    {}
    """
    state = normalise(state, event_types=event_types)
    return _filter_params(state) | _map_params(state)


def _filter_params(state: ViewState) -> dict[str, str]:
    """Return the parameters of what the view shows: layers, types, actors, countries, dates."""
    query: dict[str, str] = {}
    if state.layers != DEFAULT_VIEW.layers:
        query["layers"] = ",".join(sorted(state.layers))
    if state.types is not None:
        query["types"] = ",".join(sorted(state.types))
    for field in ("actors", "countries"):
        codes = getattr(state, field)
        if codes:
            query[field] = ",".join(sorted(codes))
    if state.date_from is not None:
        query["from"] = state.date_from.isoformat()
    if state.date_to is not None:
        query["to"] = state.date_to.isoformat()
    if state.undated:
        query["undated"] = "1"
    if not state.cited:
        query["cited"] = "0"
    return query


def _map_params(state: ViewState) -> dict[str, str]:
    """Return the parameters of the map: position, selection, search, basemap, data version."""
    default = DEFAULT_VIEW
    query: dict[str, str] = {}
    if state.lat != default.lat:
        query["lat"] = _format_coord(state.lat)
    if state.lon != default.lon:
        query["lon"] = _format_coord(state.lon)
    if state.zoom != default.zoom:
        query["z"] = str(state.zoom)
    if state.selected is not None:
        query["sel"] = state.selected
    if state.query is not None:
        query["q"] = state.query
    if state.basemap != default.basemap:
        query["basemap"] = state.basemap
    if state.version is not None:
        query["v"] = state.version
    return query


def to_query_string(state: ViewState, *, event_types: Collection[str] = EVENT_TYPE_KEYS) -> str:
    """Return `state` as a URL query string (without the leading ``?``).

    Commas and colons stay literal and spaces become ``+`` so the link stays readable; every
    other reserved or non-ASCII character is percent-encoded (UTF-8).

    Examples
    --------
    >>> to_query_string(ViewState(layers=frozenset({"zones", "events"}), query="Sea of Japan"))
    'layers=events,zones&q=Sea+of+Japan'
    """
    return urlencode(to_query(state, event_types=event_types), safe=",:")


def share_address(page_url: str, state: ViewState) -> str:
    """Return the address that reopens `state`: the page's address with the view's query.

    Whatever query or fragment `page_url` carries is replaced.

    Examples
    --------
    >>> share_address("http://localhost:8501/?layers=zones#map", ViewState(query="Vienna"))
    'http://localhost:8501/?q=Vienna'
    """
    page = urlsplit(str(page_url))
    base = urlunsplit((page.scheme, page.netloc, page.path, "", "")).rstrip("/")
    return f"{base}/?{to_query_string(state)}"


def state_from_query_string(
    query_string: str, *, event_types: Collection[str] = EVENT_TYPE_KEYS
) -> tuple[ViewState, list[StateWarning]]:
    """Read a view from a URL query string (a leading ``?`` is allowed).

    Blank values are kept (``layers=`` means no layers); see :func:`parse_state`.
    """
    if not isinstance(query_string, str):
        warning = StateWarning("*", _preview(repr(query_string)), "the query is not text")
        return DEFAULT_VIEW, [warning]
    query_string = query_string.removeprefix("?")
    return parse_state(parse_qs(query_string, keep_blank_values=True), event_types=event_types)


def parse_state(
    query: Mapping[str, str | Sequence[str]], *, event_types: Collection[str] = EVENT_TYPE_KEYS
) -> tuple[ViewState, list[StateWarning]]:
    """Read a view from query parameters, whatever they hold.

    Parameters
    ----------
    query
        Parameter names to a value or a list of values: Streamlit's ``st.query_params`` gives
        strings, :func:`urllib.parse.parse_qs` lists.
    event_types
        Known event type keys; defaults to the taxonomy's. Keys not matching
        :data:`TYPE_KEY_PATTERN` are ignored.

    Returns
    -------
    ViewState
        A valid view: each bad value falls back to its default.
    list of StateWarning
        What was ignored or changed: unknown, repeated, non-text and oversized parameters in
        the order given, then bad values in :data:`PARAM_NAMES` order. Empty for a canonical
        query.

    Examples
    --------
    >>> state, warnings = parse_state({"z": "40", "layers": ["zones"]})
    >>> state.zoom, sorted(state.layers)
    (18, ['zones'])
    >>> [w.param for w in warnings]
    ['z']
    """
    warnings: list[StateWarning] = []
    values = _collect(query, warnings)
    known_types = _known_types(event_types)
    default = DEFAULT_VIEW

    layers = _parse_names(
        values.get("layers"), "layers", {k: k for k in LAYER_KEYS}, "layer", warnings
    )
    types = _parse_names(values.get("types"), "types", known_types, "event type", warnings)
    if types is not None and types == frozenset(known_types.values()):
        types = None
    actors = _parse_codes(values.get("actors"), "actors", warnings)
    countries = _parse_codes(values.get("countries"), "countries", warnings)
    date_from = _parse_date(values.get("from"), "from", warnings)
    date_to = _parse_date(values.get("to"), "to", warnings)
    if date_from is not None and date_to is not None and date_from > date_to:
        warnings.append(
            StateWarning(
                "from",
                f"{date_from.isoformat()}..{date_to.isoformat()}",
                f"the date window {date_from.isoformat()!r} to {date_to.isoformat()!r} "
                "was reversed; the two dates were swapped",
            )
        )
        date_from, date_to = date_to, date_from
    undated = _parse_flag(values.get("undated"), "undated", warnings)
    cited = _parse_flag(values.get("cited") or "1", "cited", warnings, default=True)
    lat = _parse_lat(values.get("lat"), warnings)
    lon = _parse_lon(values.get("lon"), warnings)
    zoom = _parse_zoom(values.get("z"), warnings)
    selected = _parse_pattern(values.get("sel"), "sel", SELECTED_ID_PATTERN, warnings, lower=False)
    search = _parse_search(values.get("q"), warnings)
    basemap = _parse_basemap(values.get("basemap"), warnings)
    version = _parse_pattern(values.get("v"), "v", VERSION_PATTERN, warnings, lower=True)

    state = ViewState(
        layers=default.layers if layers is None else layers,
        types=types,
        date_from=date_from,
        date_to=date_to,
        lat=default.lat if lat is None else lat,
        lon=default.lon if lon is None else lon,
        zoom=default.zoom if zoom is None else zoom,
        selected=selected,
        query=search,
        basemap=basemap,
        version=version,
        actors=actors,
        countries=countries,
        undated=undated,
        cited=cited,
    )
    return state, warnings


# ---------------------------------------------------------------------------------------------
# reading parameters


def _collect(query: object, warnings: list[StateWarning]) -> dict[str, str]:
    """Return one stripped value per known parameter, warning about everything else."""
    values: dict[str, str] = {}
    items = list(query.items()) if isinstance(query, Mapping) else []
    if not isinstance(query, Mapping):
        warnings.append(StateWarning("*", _preview(repr(query)), "the query is not a mapping"))
    unknown = 0
    for key, given in items:
        if not isinstance(key, str) or key not in PARAM_NAMES:
            unknown += 1
            if unknown <= _MAX_UNKNOWN_WARNINGS:
                name = _preview(key if isinstance(key, str) else repr(key))
                warnings.append(
                    StateWarning(
                        name, _preview(_last_text(given)), f"unknown parameter {name!r} ignored"
                    )
                )
            continue
        value = _one_value(key, given, warnings)
        if value is None:
            continue
        if len(value) > MAX_VALUE_LENGTH:
            warnings.append(
                StateWarning(
                    key,
                    _preview(value),
                    f"the value of {key!r} is {len(value):,} characters long "
                    f"(at most {MAX_VALUE_LENGTH:,}); ignored",
                )
            )
            continue
        values[key] = value.strip()
    if unknown > _MAX_UNKNOWN_WARNINGS:
        more = unknown - _MAX_UNKNOWN_WARNINGS
        warnings.append(StateWarning("*", str(more), f"{more} more unknown parameters ignored"))
    return values


def _one_value(key: str, given: object, warnings: list[StateWarning]) -> str | None:
    """Return the last text value of a parameter, or ``None`` when it has none."""
    if isinstance(given, str):
        return given
    if not isinstance(given, Sequence):
        warnings.append(StateWarning(key, _preview(repr(given)), f"{key!r} is not text; ignored"))
        return None
    texts = [v for v in given if isinstance(v, str)]
    if len(texts) != len(given):
        warnings.append(
            StateWarning(key, _preview(repr(given)), f"non-text values of {key!r} ignored")
        )
    if not texts:
        return None
    if len(texts) > 1:
        warnings.append(
            StateWarning(
                key,
                _preview(texts[-1]),
                f"{key!r} is given {len(texts)} times; the last value is used",
            )
        )
    return texts[-1]


def _last_text(given: object) -> str:
    if isinstance(given, str):
        return given
    if isinstance(given, Sequence) and given and isinstance(given[-1], str):
        return given[-1]
    return repr(given)


def _known_types(event_types: Iterable[str]) -> dict[str, str]:
    """Map lowercased event type keys to the keys themselves (first wins)."""
    known: dict[str, str] = {}
    for key in event_types:
        if isinstance(key, str) and TYPE_KEY_PATTERN.fullmatch(key):
            known.setdefault(key.lower(), key)
    return known


def _parse_names(
    value: str | None,
    param: str,
    known: Mapping[str, str],
    noun: str,
    warnings: list[StateWarning],
) -> frozenset[str] | None:
    """Read a comma-separated list of names; ``None`` means absent or nothing usable."""
    if value is None:
        return None
    items = [item.strip() for item in value.split(",")]
    items = [item for item in items if item]
    if not items:
        return frozenset()
    names = {known[item.lower()] for item in items if item.lower() in known}
    unknown = list(dict.fromkeys(item for item in items if item.lower() not in known))
    if unknown:
        listed = ", ".join(repr(_preview(u)) for u in unknown[:_MAX_LISTED_NAMES])
        if len(unknown) > _MAX_LISTED_NAMES:
            listed += f" and {len(unknown) - _MAX_LISTED_NAMES} more"
        plural = "s" if len(unknown) > 1 else ""
        fallback = "" if names else "; showing the default"
        warnings.append(
            StateWarning(
                param,
                _preview(value),
                f"unknown {noun}{plural} {listed} ignored; known: "
                f"{', '.join(sorted(known.values()))}{fallback}",
            )
        )
    if not names:
        return None
    return frozenset(names)


def _parse_codes(
    value: str | None, param: str, warnings: list[StateWarning]
) -> frozenset[str] | None:
    """Read a comma-separated list of actor or country codes; ``None`` means no filter."""
    if not value:
        return None
    items = list(dict.fromkeys(item.strip().upper() for item in value.split(",")))
    codes = frozenset(item for item in items if ACTOR_PATTERN.fullmatch(item))
    bad = [item for item in items if item and not ACTOR_PATTERN.fullmatch(item)]
    if bad:
        listed = ", ".join(repr(_preview(b)) for b in bad[:_MAX_LISTED_NAMES])
        warnings.append(
            StateWarning(
                param,
                _preview(value),
                f"malformed {param} code{'s' if len(bad) > 1 else ''} {listed} ignored",
            )
        )
    return codes or None


_TRUE, _FALSE = frozenset({"1", "true", "yes"}), frozenset({"0", "false", "no"})


def _parse_flag(
    value: str | None, param: str, warnings: list[StateWarning], *, default: bool = False
) -> bool:
    if not value or value.lower() in _FALSE:
        return False
    if value.lower() in _TRUE:
        return True
    warnings.append(
        StateWarning(param, _preview(value), f"{param!r} must be 1 or 0, not {_preview(value)!r}")
    )
    return default


def _parse_date(
    value: str | None, param: str, warnings: list[StateWarning]
) -> datetime.date | None:
    if not value:
        return None
    if _DATE_PATTERN.fullmatch(value):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    warnings.append(
        StateWarning(
            param,
            _preview(value),
            f"{param!r} is not a date written YYYY-MM-DD: {_preview(value)!r}; ignored",
        )
    )
    return None


def _parse_number(value: str, param: str, warnings: list[StateWarning]) -> float | None:
    number = float(value) if _NUMBER_PATTERN.fullmatch(value) else math.nan
    if math.isfinite(number):
        return number
    warnings.append(
        StateWarning(
            param,
            _preview(value),
            f"{param!r} is not a finite decimal number: {_preview(value)!r}; ignored",
        )
    )
    return None


def _parse_lat(value: str | None, warnings: list[StateWarning]) -> float | None:
    if not value:
        return None
    lat = _parse_number(value, "lat", warnings)
    if lat is None:
        return None
    lat = _round_coord(lat)
    if -90.0 <= lat <= 90.0:
        return lat
    warnings.append(
        StateWarning(
            "lat", _preview(value), f"latitude {_preview(value)!r} is outside [-90, 90]; ignored"
        )
    )
    return None


def _parse_lon(value: str | None, warnings: list[StateWarning]) -> float | None:
    if not value:
        return None
    lon = _parse_number(value, "lon", warnings)
    return None if lon is None else _wrap_lon(lon)


def _parse_zoom(value: str | None, warnings: list[StateWarning]) -> int | None:
    if not value:
        return None
    number = _parse_number(value, "z", warnings)
    if number is None:
        return None
    zoom = math.floor(number + 0.5)
    clamped = min(max(zoom, MIN_ZOOM), MAX_ZOOM)
    if clamped != zoom:
        warnings.append(
            StateWarning(
                "z",
                _preview(value),
                f"zoom {_preview(value)!r} is outside [{MIN_ZOOM}, {MAX_ZOOM}]; using {clamped}",
            )
        )
    return clamped


def _parse_pattern(
    value: str | None,
    param: str,
    pattern: re.Pattern[str],
    warnings: list[StateWarning],
    *,
    lower: bool,
) -> str | None:
    if not value:
        return None
    candidate = value.lower() if lower else value
    if pattern.fullmatch(candidate):
        return candidate
    warnings.append(
        StateWarning(
            param,
            _preview(value),
            f"{param!r} value {_preview(value)!r} does not match {pattern.pattern!r}; ignored",
        )
    )
    return None


def _parse_search(value: str | None, warnings: list[StateWarning]) -> str | None:
    if not value:
        return None
    cleaned = _clean_text(value)
    if cleaned.dropped:
        warnings.append(
            StateWarning(
                "q",
                _preview(value),
                f"{cleaned.dropped} non-printable character"
                f"{'s' if cleaned.dropped > 1 else ''} removed from the search text",
            )
        )
    if cleaned.cut:
        warnings.append(
            StateWarning(
                "q",
                _preview(value),
                f"the search text was cut to {MAX_QUERY_LENGTH} characters",
            )
        )
    return cleaned.text or None


def _parse_basemap(value: str | None, warnings: list[StateWarning]) -> str:
    if not value:
        return DEFAULT_VIEW.basemap
    if value.lower() in BASEMAPS:
        return value.lower()
    warnings.append(
        StateWarning(
            "basemap",
            _preview(value),
            f"unknown basemap {_preview(value)!r}; known: {', '.join(BASEMAPS)}; "
            f"using {DEFAULT_VIEW.basemap!r}",
        )
    )
    return DEFAULT_VIEW.basemap
