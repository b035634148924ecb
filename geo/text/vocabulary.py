"""Name the months and weekdays of English news text: the one table of calendar words of geo.

Date reading (:mod:`geo.text.dates`), place finding (:mod:`geo.text.mentions`) and sentence
splitting (:mod:`geo.text.sentences`) import these instead of keeping lists of their own.
"""

from __future__ import annotations

__all__ = ["MONTHS", "MONTHS_AND_WEEKDAYS", "MONTH_ABBREVIATIONS", "MONTH_NUMBERS", "WEEKDAYS"]

#: Month names, January first.
MONTHS: tuple[str, ...] = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
#: Abbreviated month names and their numbers ("sept" too; "may" has no abbreviation).
MONTH_ABBREVIATIONS: dict[str, int] = {
    **{name[:3]: n for n, name in enumerate(MONTHS, 1) if name != "may"},
    "sept": 9,
}
#: Every month word, full or abbreviated, and its number.
MONTH_NUMBERS: dict[str, int] = {
    name: number for number, name in enumerate(MONTHS, 1)
} | MONTH_ABBREVIATIONS
#: Weekday names, Monday first (ISO 8601).
WEEKDAYS: tuple[str, ...] = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)
#: Every month and weekday word, lower case.
MONTHS_AND_WEEKDAYS: frozenset[str] = frozenset({*MONTH_NUMBERS, *WEEKDAYS})
