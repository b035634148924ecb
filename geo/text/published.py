"""Read publication dates: the one parser for front matter, page metadata, uploads and feeds.

:func:`parse_published` takes whatever a source gives as its date (a date, a datetime or a
string in one of the forms news sites and feeds write) and returns a day, or ``None`` with a
one-line warning saying why the value was ignored. It never raises: an article with a bad date
is still read, and its relative dates ("on Monday") stay unresolved.
"""

from __future__ import annotations

import datetime
import email.utils
import re
from typing import Final

from geo.text.calendar import valid_date
from geo.text.date_patterns import DAY_MONTH_RE, MONTH_DAY_RE
from geo.text.vocabulary import MONTH_NUMBERS, WEEKDAYS

__all__ = ["PUBLISHED_YEARS", "parse_published"]

PUBLISHED_YEARS: tuple[int, int] = (1900, 2100)
"""The years a publication date may fall in; a date outside them is ignored with a warning."""

_PUBLISHED_RE: Final = re.compile(
    rf"\s*(?:(?:{'|'.join(WEEKDAYS)}|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)\.?,?\s+)?"
    rf"(?:{DAY_MONTH_RE.pattern}|{MONTH_DAY_RE.pattern.replace('(?P<', '(?P<us_')})"
    r"(?:[\s,T]+\d{1,2}:\d\d(?::\d\d(?:\.\d+)?)?\s*(?:[ap]\.?m\.?)?\s*(?:[A-Z]{2,5}|[+-]\d\d:?\d\d|Z)?)?"
    r"\s*",
    re.IGNORECASE,
)
_PUBLISHED_FORMS: Final = (
    "2023-05-10, 2023/05/10, 10 May 2023, May 10, 2023 or Wed, 10 May 2023 08:30 +0000"
)
_NUMERIC_PUBLISHED_RE: Final = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[Tt ]\S.*)?")
_PUBLISHED_CHARS: Final = 100  # longer strings are not dates (and are not scanned)
_SHOWN_CHARS: Final = 60  # how much of a bad value a warning quotes
_PUBLISHED_GRACE: Final = datetime.timedelta(days=1)  # it is already tomorrow somewhere


def parse_published(value: object, warnings: list[str] | None = None) -> datetime.date | None:
    """Return the publication date held by a front-matter or metadata value, or ``None``.

    This is the one reader of publication dates (front matter, HTML metadata, uploads, feeds).
    It accepts dates, datetimes and strings such as ``"2023-05-10"``, ``"2023/05/10"``,
    ``"2023-05-10T08:30:00Z"``, ``"10 May 2023"``, ``"May 10, 2023"``,
    ``"Wednesday, May 10, 2023 8:30 AM EDT"`` and ``"Wed, 10 May 2023 08:30:00 +0000"``, in the
    years :data:`PUBLISHED_YEARS` and not after tomorrow. Anything else (numbers, invalid dates
    such as ``"2023-13-45"``, partial dates such as ``"May 2023"``) gives ``None`` and, when a value
    was given, one short warning saying why; this function never raises.

    Parameters
    ----------
    value
        The raw value.
    warnings : list of str, optional
        Where to append the warning for a value that is not a usable date.

    Returns
    -------
    datetime.date or None
    """
    notes: list[str] = [] if warnings is None else warnings
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    found: datetime.date | None
    if isinstance(value, datetime.datetime):
        found = value.date()
    elif isinstance(value, datetime.date):
        found = value
    elif isinstance(value, str):
        found = _published_from_text(value, notes)
    else:
        notes.append(f"published {_shown_value(value)}, not a date; ignored")
        return None
    low, high = PUBLISHED_YEARS
    if found is not None and not low <= found.year <= high:
        notes.append(f"published {found.isoformat()!r} is outside the years {low}–{high}; ignored")
        return None
    today = datetime.date.today()
    if found is not None and found > today + _PUBLISHED_GRACE:
        # an article cannot appear after today: a date that does would age every other event
        shown, now = found.isoformat(), today.isoformat()
        notes.append(f"published {shown!r} is after today ({now}); ignored")
        return None
    return found


def _published_from_text(value: str, notes: list[str]) -> datetime.date | None:
    text = value.strip()
    shown = repr(text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1] + "…")
    if len(text) > _PUBLISHED_CHARS:
        notes.append(f"published {shown} is not a date like {_PUBLISHED_FORMS}; ignored")
        return None
    for parse in (datetime.date.fromisoformat, datetime.datetime.fromisoformat):
        try:
            parsed = parse(text)
        except ValueError:
            continue
        return parsed.date() if isinstance(parsed, datetime.datetime) else parsed
    if numeric := _NUMERIC_PUBLISHED_RE.fullmatch(text):
        found = valid_date(int(numeric[1]), int(numeric[2]), int(numeric[3]))
    else:
        found = _published_from_words(text) or _published_from_rfc2822(text)
    if found is None:
        shaped = numeric is not None or _PUBLISHED_RE.fullmatch(text) is not None
        why = "is not a valid date" if shaped else f"is not a date like {_PUBLISHED_FORMS}"
        notes.append(f"published {shown} {why}; ignored")
    return found


def _published_from_words(value: str) -> datetime.date | None:
    m = _PUBLISHED_RE.fullmatch(value)
    if m is None:
        return None
    prefix = "" if m["year"] is not None else "us_"
    token, day, year = m[prefix + "mon"], m[prefix + "day"], m[prefix + "year"]
    if year is None or m[prefix + "last"] is not None:  # no year, or a range of days
        return None
    month = MONTH_NUMBERS[token.rstrip(".").lower()]
    return valid_date(int(year), month, int(day))


def _published_from_rfc2822(text: str) -> datetime.date | None:
    try:
        return email.utils.parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _shown_value(value: object) -> str:
    """Name a non-text value for a warning without formatting a large one whole."""
    if isinstance(value, bool):
        return f"{value!r} is a boolean"
    if isinstance(value, int | float):
        return f"{value!r} is a number"
    if isinstance(value, dict):
        return "is a mapping"
    if isinstance(value, list):
        return "is a list"
    return f"is a {type(value).__name__}"
