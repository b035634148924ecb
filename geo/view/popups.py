"""Write the HTML of map popups and tooltips from feature records, escaping article text.

Records are rows of the layer GeoDataFrames as dicts (``frame.to_dict("records")``); any cell
may be missing (``None``, NaN, NaT) and list cells may be lists, tuples or arrays. Every string
from an article or the gazetteer (sentence, title, outlet, place names, actors, URL, zone
names, ids) is passed through :func:`html.escape` with ``quote=True`` before it is put into
markup; the markup itself is ours. An article URL becomes a link only when it is ``http`` or
``https``; anything else (``javascript:``, ``data:``) stays visible as escaped text. The place
name inside the source sentence is wrapped in ``<mark>``, the three pieces escaped apart.

The cell readers (:func:`read_text`, :func:`read_strings`, :func:`read_number`,
:func:`read_date`) and :func:`event_interval` are shared with :mod:`geo.view.page`.
"""

from __future__ import annotations

import datetime
import html
import math
import re
from collections.abc import Mapping, Sequence
from typing import Final
from urllib.parse import urlsplit

import numpy as np
from shapely.geometry.base import BaseGeometry

from geo.intervals import covered_interval, period_end, period_start
from geo.taxonomy import EVENT_ACTIONS
from geo.text.vocabulary import MONTHS
from geo.view.styles import ZONE_KIND_LABELS, event_style, office_style, zone_style

__all__ = [
    "Row",
    "event_interval",
    "event_popup",
    "event_tooltip",
    "format_date",
    "format_interval",
    "is_missing",
    "name_span",
    "office_popup",
    "office_since",
    "office_tooltip",
    "place_popup",
    "place_tooltip",
    "published_provenance",
    "read_date",
    "read_number",
    "read_strings",
    "read_text",
    "zone_popup",
    "zone_tooltip",
]

Row = Mapping[str, object]
"""One feature of a layer as column → cell, as ``frame.to_dict("records")`` gives it."""

_WEB_URL = re.compile(r"https?://[^\s\x00-\x1f\x7f]+", re.IGNORECASE)
_PARTIAL_DATE = re.compile(r"\s*([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")
_CONTAINERS = (str, bytes, list, tuple, dict, set, frozenset, np.ndarray, BaseGeometry)


# ---------------------------------------------------------------------------------------------
# reading cells

#: The label of every event action (:data:`geo.taxonomy.EVENT_ACTIONS`).
ACTION_LABELS: Final = {a.key: a.label for a in EVENT_ACTIONS}


def is_missing(value: object) -> bool:
    """Tell whether a cell is empty: ``None``, NaN, ``NaT`` or ``pd.NA``."""
    if value is None:
        return True
    if isinstance(value, _CONTAINERS):
        return False
    try:
        return bool(value != value)  # NaN, NaT and NA are the values unequal to themselves
    except (TypeError, ValueError):  # pd.NA refuses to be a bool
        return True


def read_text(value: object) -> str:
    """Return a cell as text, ``""`` when missing."""
    return "" if is_missing(value) else str(value)


def read_strings(value: object) -> tuple[str, ...]:
    """Return a list cell (list, tuple, array, a lone string, or missing) as strings."""
    if is_missing(value):
        return ()
    if isinstance(value, str):
        return (value,) if value else ()
    if isinstance(value, Sequence | np.ndarray):
        return tuple(str(item) for item in value if not is_missing(item) and str(item))
    return (str(value),)


def read_number(value: object) -> float | None:
    """Return a numeric cell as a finite float, ``None`` when missing or not a number."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | np.number):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def read_date(value: object, *, end: bool = False) -> datetime.date | None:
    """Return a date cell as a date.

    Accepts ``date``, ``datetime`` (pandas timestamps included), ``numpy.datetime64`` and ISO
    text; ``"2023"`` and ``"2023-04"`` read as the first day of the period, or the last when
    `end` is true. Anything else is ``None``.
    """
    if is_missing(value):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, np.datetime64):
        day = value.astype("datetime64[D]").item()
        return day if isinstance(day, datetime.date) else None
    if not isinstance(value, str):
        return None
    match = _PARTIAL_DATE.match(value)
    if match is None:
        return None
    year, month, day_text = match.groups()
    try:
        if day_text is not None:
            return datetime.date(int(year), int(month), int(day_text))
        first = datetime.date(int(year), int(month or 1), 1)
    except ValueError:
        return None
    return period_end(first, "month" if month else "year") if end else first


def event_interval(
    start: object, end: object, precision: object = "day"
) -> tuple[datetime.date | None, datetime.date | None]:
    """Return the inclusive interval an event covers, from its date cells.

    The cells are read by :func:`read_date`; the rule is
    :func:`geo.intervals.covered_interval`'s.
    """
    return covered_interval(read_date(start), read_date(end, end=True), precision)


# ---------------------------------------------------------------------------------------------
# pieces


def _esc(value: object) -> str:
    """Escape any cell for HTML text and double- or single-quoted attributes."""
    return html.escape(read_text(value), quote=True)


def _is_web_url(url: str) -> bool:
    return bool(_WEB_URL.fullmatch(url)) and bool(urlsplit(url).netloc)


def format_date(value: object, precision: object = "day") -> str:
    """Return a date as precisely as it is known: "2023-05-10", "May 2023" or "2023".

    `value` is read by :func:`read_date`; a date of ``month`` or ``year`` precision stands for
    the whole month or year it falls in, so its day (and month) are not shown. A missing date,
    or the precision ``unknown``, gives ``""``; any other precision is read as ``day``.
    Month names are English whatever the locale.

    >>> format_date("2023-05-01", "month"), format_date("2023-05-01", "year")
    ('May 2023', '2023')
    """
    day = read_date(value)
    if day is None or precision == "unknown":
        return ""
    if precision == "year":
        return f"{day.year:04d}"
    if precision == "month":
        return f"{MONTHS[day.month - 1].capitalize()} {day.year:04d}"
    return day.isoformat()


def format_interval(start: object, end: object, precision: object) -> str:
    """Return an event's dates as people write them: "April 2023", "2022", "2023-05-10"."""
    first, last = event_interval(start, end, precision)
    if first is None or last is None:
        return "date unknown"
    for coarse in ("year", "month"):
        whole = (period_start(first, coarse), period_end(first, coarse))
        if precision == coarse and (first, last) == whole:
            return format_date(first, coarse)
    if first == last:
        return first.isoformat()
    return f"{first.isoformat()} – {last.isoformat()}"


def name_span(
    sentence: str, names: Sequence[str], start: object, end: object
) -> tuple[int, int] | None:
    """Find where a place name sits in `sentence`.

    The span offsets win when they fall strictly inside the sentence and cover one of the
    names; otherwise the longest name found as a whole word (ignoring case) is used.
    """
    folded = {name.casefold() for name in names}
    first, last = read_number(start), read_number(end)
    if first is not None and last is not None and first.is_integer() and last.is_integer():
        a, b = int(first), int(last)
        inside = 0 <= a < b <= len(sentence) and b - a < len(sentence)
        if inside and sentence[a:b].casefold() in folded:
            return a, b
    for name in sorted(names, key=len, reverse=True):
        found = re.search(rf"(?<!\w){re.escape(name)}(?!\w)", sentence, flags=re.IGNORECASE)
        if found:
            return found.span()
    return None


def _marked_sentence(sentence: str, names: Sequence[str], start: object, end: object) -> str:
    """Escape `sentence` with the place name in ``<mark>`` (the three pieces escaped apart)."""
    span = name_span(sentence, names, start, end)
    if span is None:
        return _esc(sentence)
    a, b = span
    return f"{_esc(sentence[:a])}<mark>{_esc(sentence[a:b])}</mark>{_esc(sentence[b:])}"


#: How a popup or the side panel names where a publication date came from (the articles'
#: ``published_from``, :data:`geo.layers.frames.PUBLISHED_FROM`).
PUBLISHED_FROM_LABELS: Final = {
    "feed": "from the feed",
    "page": "from the page",
    "fetched": "fetch time, day precision",
}


def published_provenance(record: Row) -> str:
    """Return where the date of the record's article came from, in words ("" when unknown)."""
    return PUBLISHED_FROM_LABELS.get(read_text(record.get("published_from")), "")


def _source_html(record: Row) -> str:
    title, url = read_text(record.get("title")).strip(), read_text(record.get("url")).strip()
    if _is_web_url(url):
        source = (
            f'<a href="{_esc(url)}" target="_blank" rel="noopener noreferrer">'
            f"{_esc(title or url)}</a>"
        )
    else:
        source = " ".join(part for part in (_esc(title), _esc(url)) if part)
    published = read_date(record.get("published"))
    date = published.isoformat() if published else _esc(record.get("published"))
    provenance = published_provenance(record)
    if date and provenance:
        date += f' <span class="fl-provenance">({_esc(provenance)})</span>'
    details = [_esc(record.get("outlet")), date]
    tail = ", ".join(part for part in details if part)
    if not source and not tail:
        return ""
    joined = f"{source} — {tail}" if source and tail else source or tail
    return f'<div class="fl-source">{joined}</div>'


# ---------------------------------------------------------------------------------------------
# popups and tooltips


def event_popup(record: Row) -> str:
    """Return an event's popup: type, date and places, the marked sentence, source, actors."""
    style = event_style(read_text(record.get("type")))
    names = read_strings(record.get("place_names"))
    when = format_interval(
        record.get("date_start"), record.get("date_end"), record.get("date_precision")
    )
    if read_text(record.get("modality")) == "planned":
        when += " (planned)"
    if read_text(record.get("role")) == "context":
        when += " (earlier event the article cites)"
    where = f" · {_esc(', '.join(names))}" if names else ""
    parts = [
        f'<div class="fl-popup fl-popup-event" data-fl-id="{_esc(record.get("id"))}">',
        f'<span class="fl-kind" style="background:{_esc(style.colour)}">{_esc(style.label)}</span>',
        _action_html(record),
        f'<div class="fl-meta">{_esc(when)}{where}</div>',
    ]
    sentence = read_text(record.get("sentence"))
    if sentence:
        marked = _marked_sentence(sentence, names, record.get("span_start"), record.get("span_end"))
        parts.append(f"<blockquote>{marked}</blockquote>")
    parts.append(_source_html(record))
    meta = []
    actors = read_strings(record.get("actor_names")) or read_strings(record.get("actors"))
    if actors:
        meta.append(f"Actors: {_esc(', '.join(actors))}")
    confidence = read_number(record.get("confidence"))
    if confidence is not None:
        meta.append(f"confidence {confidence:.2f}")
    if read_text(record.get("origin")):
        meta.append(_esc(record.get("origin")))
    if meta:
        parts.append(f'<div class="fl-meta">{" · ".join(meta)}</div>')
    parts.append("</div>")
    return "".join(parts)


def _action_html(record: Row) -> str:
    """Return the finer action an event reports, when it is not its type's own."""
    kind, action = read_text(record.get("type")), read_text(record.get("action"))
    if not action or action == kind or action not in ACTION_LABELS:
        return ""
    return f'<div class="fl-action">{_esc(ACTION_LABELS[action])}</div>'


def event_tooltip(record: Row) -> str:
    """Return an event's tooltip: its type and places."""
    style = event_style(read_text(record.get("type")))
    names = read_strings(record.get("place_names"))
    where = f" — {_esc(', '.join(names))}" if names else ""
    return f'<span class="fl-tooltip">{_esc(style.label)}{where}</span>'


def _office_place(record: Row) -> str:
    names = [read_text(record.get(key)).strip() for key in ("city", "host_name")]
    return ", ".join(dict.fromkeys(name for name in names if name))


def office_since(record: Row) -> str:
    """Return when an office opened, as precisely as known ("May 2023"); "" when unknown."""
    return format_date(record.get("since"), read_text(record.get("since_precision")))


def office_popup(record: Row) -> str:
    """Return an office's popup: status, organisation, city and host, since, sources."""
    style = office_style(read_text(record.get("status")))
    parts = [
        f'<div class="fl-popup fl-popup-office" data-fl-id="{_esc(record.get("id"))}">',
        f'<span class="fl-kind" style="background:{_esc(style.colour)}">{_esc(style.label)}</span>',
        f"<h4>{_esc(record.get('org'))} office</h4>",
    ]
    place = _office_place(record)
    if place:
        parts.append(f'<div class="fl-meta">{_esc(place)}</div>')
    since = office_since(record)
    if since:
        parts.append(f'<div class="fl-meta">Since {_esc(since)}</div>')
    count = len(read_strings(record.get("article_ids")))
    if count:
        parts.append(
            f'<div class="fl-meta">Reported in {count} article{"s" if count > 1 else ""}</div>'
        )
    parts.append("</div>")
    return "".join(parts)


def office_tooltip(record: Row) -> str:
    """Return an office's tooltip: organisation, place and status."""
    style = office_style(read_text(record.get("status")))
    place = _office_place(record)
    where = f" in {_esc(place)}" if place else ""
    return (
        f'<span class="fl-tooltip">{_esc(record.get("org"))} office{where} '
        f"({_esc(style.label.removeprefix('Office ').lower())})</span>"
    )


def zone_popup(record: Row) -> str:
    """Return a zone's popup: name, kind, parties, severity with a bar, event count."""
    severity = read_number(record.get("severity")) or 0.0
    kind = read_text(record.get("kind"))
    colour = zone_style(severity, kind).fill_color
    parts = [
        f'<div class="fl-popup fl-popup-zone" data-fl-id="{_esc(record.get("id"))}">',
        f"<h4>{_esc(record.get('name'))}</h4>",
        f'<div class="fl-meta">{_esc(ZONE_KIND_LABELS.get(kind, kind))}</div>',
    ]
    parties = read_strings(record.get("parties"))
    if parties:
        parts.append(f'<div class="fl-meta">Parties: {_esc(", ".join(parties))}</div>')
    width = round(60 * min(max(severity, 0.0), 1.0))
    parts.append(
        f'<div class="fl-meta">Severity {severity:.2f} '
        f'<span class="fl-severity" style="width:{width}px;background:{_esc(colour)}"></span>'
        "</div>"
    )
    count = len(read_strings(record.get("event_ids")))
    if count:
        parts.append(f'<div class="fl-meta">From {count} event{"s" if count > 1 else ""}</div>')
    parts.append("</div>")
    return "".join(parts)


def place_popup(record: Row) -> str:
    """Return a place's popup: name, kind, countries, claimants, mentions."""
    parts = [
        f'<div class="fl-popup fl-popup-place" data-fl-id="{_esc(record.get("id"))}">',
        f"<h4>{_esc(record.get('name'))}</h4>",
        f'<div class="fl-meta">{_esc(read_text(record.get("kind")).replace("_", " "))}</div>',
    ]
    for label, key in (("Countries", "country_codes"), ("Disputed by", "disputed_by")):
        values = read_strings(record.get(key))
        if values:
            parts.append(f'<div class="fl-meta">{label}: {_esc(", ".join(values))}</div>')
    mentions = read_number(record.get("mentions"))
    if mentions:
        count = int(mentions)
        parts.append(f'<div class="fl-meta">Mentioned {count} time{"s" if count > 1 else ""}</div>')
    parts.append("</div>")
    return "".join(parts)


def zone_tooltip(record: Row) -> str:
    """Return a zone's tooltip: its name and kind."""
    kind = read_text(record.get("kind"))
    label = ZONE_KIND_LABELS.get(kind, kind).lower()
    return f'<span class="fl-tooltip">{_esc(record.get("name"))} ({_esc(label)})</span>'


def place_tooltip(record: Row) -> str:
    """Return a place's tooltip: its name."""
    return f'<span class="fl-tooltip">{_esc(record.get("name"))}</span>'
