"""Describe the date expressions of English news text as patterns, the data date reading scans.

Each pattern finds the core of one kind of expression ("14 March 2023", "last month", "two
weeks ago", "the 1990s"); :data:`PREFIX_RE` reads the words before a core ("since", "in",
"early", "the end of"), and :data:`FUTURE_RE` the words that put a sentence in the future.
What the expressions mean is decided in :mod:`geo.text.dates`; the month and weekday words come
from :mod:`geo.text.vocabulary`. Publication dates (:mod:`geo.text.published`) reuse the day and
month forms.

Group names: ``year``, ``mon`` (a month word), ``day`` and ``last`` (the last day of a range such
as "May 19-21"), ``rel`` (last, this, next, past, coming), ``unit`` (hour, day, week …),
``count`` (a number or a word such as "a few"). A range of days is "May 19-21", "6 and 8 May",
"from 1 to 3 March".
"""

from __future__ import annotations

import re
from typing import Final

from geo.text.vocabulary import MONTH_ABBREVIATIONS, MONTHS, WEEKDAYS

__all__ = [
    "AGO_RE",
    "BARE_MONTH_RE",
    "BARE_YEAR_RE",
    "CAPITALISED_ONLY",
    "COMING_RE",
    "DAY_MONTH_RE",
    "DECADE_RE",
    "DEICTIC_RE",
    "EARLIER_RE",
    "FUTURE_RE",
    "ISO_RE",
    "MONTH_DAY_RE",
    "MONTH_YEAR_RE",
    "NAMED_DAY_PREFIX",
    "NUMBER_WORDS",
    "NUMERIC_CUE_RE",
    "NUMERIC_DAY_RE",
    "PARTS",
    "PREFIX_RE",
    "RECENTLY_RE",
    "RECENT_RE",
    "RELATIVE_MONTH_RE",
    "RELATIVE_UNIT_RE",
    "SPAN_PREPOSITIONS",
    "TRAILING_COUNT_RE",
    "TRAILING_ONE_RE",
    "VAGUE_COUNTS",
    "WEEKDAY_RE",
    "WEEKEND_RE",
    "YEAR_FOLLOWERS",
    "YEAR_RANGE_RE",
]

CAPITALISED_ONLY: Final = frozenset({"may", "march", "august", *MONTH_ABBREVIATIONS})
"""Month words that are also verbs, adjectives or names: dates only with a capital initial."""

NAMED_DAY_PREFIX: Final = re.compile(
    r"\b(?:black|good|ash|holy|maundy|easter|cyber|super|bloody|giving|shrove|fat|palm|"
    r"whit|plough|spy|blue)\s+\Z",
    re.IGNORECASE,
)
"""Words before a weekday that name another day ("Good Friday", "Black Monday")."""

_NUMBERS: tuple[str, ...] = ("one", "two", "three", "four", "five", "six", "seven")
_NUMBERS += ("eight", "nine", "ten", "eleven", "twelve")
NUMBER_WORDS: Final = {word: n for n, word in enumerate(_NUMBERS, 1)} | {
    "a": 1,
    "an": 1,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "a couple of": 2,
    "couple of": 2,
}
"""Count words and the numbers they stand for (keys lower case, spaces single)."""
VAGUE_COUNTS: Final = frozenset({"a few", "few", "several", "recent"})
"""Count words that stand for no number."""

_COUNT = (
    r"(?P<count>a\s+couple\s+of|couple\s+of|a\s+few|few|several|an?|"
    rf"{'|'.join(_NUMBERS)}|fifteen|twenty|thirty|\d{{1,3}})"
)
_FULL_MONTH = "|".join(MONTHS)
_ABBREVIATED_MONTH = "|".join(sorted(MONTH_ABBREVIATIONS, key=len, reverse=True))
_MONTH = rf"(?P<mon>(?:{_FULL_MONTH})(?![a-z])|(?:{_ABBREVIATED_MONTH})(?:\.|(?![a-z])))"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?(?![\w:])"
_LAST_DAY = (
    r"(?:(?:\s*[-–]\s*|\s+(?:and|to|until|till|through)\s+)"
    r"(?P<last>[0-3]?\d)(?:st|nd|rd|th)?(?![\w:]))?"
)
_YEAR = r"(?P<year>(?:1[89]|2[01])\d\d)(?![\w%]|[-–/.,:]\d)"

_I = re.IGNORECASE
ISO_RE: Final = re.compile(
    r"(?<![\w.-])(?P<year>\d{4})-(?P<month>\d\d)-(?P<day>\d\d)(?:(?=T\d)|(?![\w-]|\.\d))"
)
DAY_MONTH_RE: Final = re.compile(
    rf"(?<![\w.,$£€/:–-])(?:the\s+)?{_DAY}{_LAST_DAY}(?:\s+of)?\s+{_MONTH}(?:,?\s+{_YEAR})?", _I
)
#: After a month, "and 12" is a range only when nothing follows it: "March 4 and 12 people".
_LAST_DAY_AFTER_MONTH = (
    r"(?:(?:\s*[-–]\s*|\s+(?:and|to|until|till|through)\s+(?=[0-3]?\d(?:st|nd|rd|th)?"
    r"(?![\w:])(?!\s+[a-z])))(?P<last>[0-3]?\d)(?:st|nd|rd|th)?(?![\w:]))?"
)
MONTH_DAY_RE: Final = re.compile(
    rf"\b{_MONTH}\s+{_DAY}{_LAST_DAY_AFTER_MONTH}(?:,?\s+{_YEAR})?", _I
)
MONTH_YEAR_RE: Final = re.compile(rf"\b{_MONTH},?\s+(?:of\s+)?{_YEAR}", _I)
RELATIVE_MONTH_RE: Final = re.compile(
    rf"\b(?P<rel>last|this|next|past|coming)\s+(?P<mon>{_FULL_MONTH})(?![a-z])", _I
)
BARE_MONTH_RE: Final = re.compile(rf"\b(?P<mon>{_FULL_MONTH})(?![a-z])", _I)
BARE_YEAR_RE: Final = re.compile(rf"(?<![\w.,$£€#/:'’])(?<!\d[-–]){_YEAR}", _I)
YEAR_RANGE_RE: Final = re.compile(
    r"(?<![\w.,$£€#/:'’])(?:(?P<word>between|from)\s+)?(?P<first>(?:1[89]|2[01])\d\d)"
    r"(?:\s*[-–]\s*|\s+(?P<joint>and|to|until|through)\s+)"
    r"(?P<last>(?:1[89]|2[01])\d\d)(?![\w%]|[-–/.,:]\d)",
    _I,
)
DECADE_RE: Final = re.compile(r"(?<![\w.,$£€#/:'’-])(?P<decade>(?:1[89]|20)\d0)['’]?s(?!\w)", _I)
WEEKDAY_RE: Final = re.compile(
    rf"\b(?:(?P<rel>last|this|next|past|coming)\s+)?(?P<weekday>{'|'.join(WEEKDAYS)})(?![a-z])",
    _I,
)
DEICTIC_RE: Final = re.compile(
    r"\b(?P<word>today|tonight|yesterday|tomorrow|last\s+night|"
    r"this\s+(?:morning|afternoon|evening))(?![\w-])",
    _I,
)
RELATIVE_UNIT_RE: Final = re.compile(
    r"(?<!\bthe\s)\b(?P<rel>last|this|next)\s+(?P<unit>weekend|week|month|year)\b(?!\s+of\b)", _I
)
EARLIER_RE: Final = re.compile(
    r"\b(?P<dir>earlier|later)\s+(?:in\s+)?this\s+(?P<unit>week|month|year)\b", _I
)
WEEKEND_RE: Final = re.compile(r"\b(?:over|at|on|during)\s+the\s+weekend\b", _I)
TRAILING_COUNT_RE: Final = re.compile(
    rf"\b(?:the\s+)?(?:past|last|previous)\s+{_COUNT}\s+"
    r"(?P<unit>hour|day|week|month|year|decade)s?\b(?!\s+of\b)",
    _I,
)
TRAILING_ONE_RE: Final = re.compile(
    r"\b(?:the\s+(?:past|last|previous)|past)\s+(?P<unit>day|week|month|year|decade)\b"
    r"(?!\s+of\b)",
    _I,
)
COMING_RE: Final = re.compile(
    rf"\b(?:the\s+)?(?:coming|next)\s+(?:{_COUNT}\s+)?(?P<unit>hour|day|week|month|year)s\b", _I
)
RECENT_RE: Final = re.compile(r"\b(?P<count>recent)\s+(?P<unit>day|week|month|year)s\b", _I)
AGO_RE: Final = re.compile(
    rf"\b(?:{_COUNT}\s+)?(?P<unit>minute|hour|day|week|month|year|decade)s?\s+ago\b", _I
)
RECENTLY_RE: Final = re.compile(r"\b(?:recently|lately|of\s+late)\b", _I)
NUMERIC_DAY_RE: Final = re.compile(
    r"(?<![\w./:,-])(?P<a>[0-3]?\d)/(?P<b>[0-3]?\d)(?:/(?P<year>(?:19|20)\d\d|\d\d))?"
    r"(?![\w/:%-]|[.,]\d)"
)
"""Numeric dates: "18/06", "4/9", "18/06/2023" (groups ``a``, ``b``, ``year``)."""
NUMERIC_CUE_RE: Final = re.compile(r"(?:\b(?:on|since|from|until|till|by|dated)\s+|\()\Z", _I)
"""What must come before a numeric date whose first number could be a month ("on 4/9")."""

PREFIX_RE: Final = re.compile(
    r"(?:\b(?P<since>since)\s+)?"
    r"(?:\b(?P<prep>in|on|at|during|throughout|over|until|till|by|before|after|through|from|"
    r"of|as\s+of)\s+)?"
    r"(?:\b(?P<the>the)\s+)?"
    r"(?:\b(?P<part>early|mid|late|(?:end|beginning|start|middle)\s+of(?:\s+the)?)"
    r"(?:\s*[-–]\s*|\s+))?"
    r"\Z",
    _I,
)
"""The words before a date expression, matched up to its core.

"since" changes its meaning; the prepositions in :data:`SPAN_PREPOSITIONS` belong to the
expression; the others only show that the next word is a date; "early/mid/late …" narrow a
month, year or decade (:data:`PARTS`).
"""
SPAN_PREPOSITIONS: Final = frozenset({"in", "on", "at", "during", "throughout", "over"})
PARTS: Final = {
    "early": "early",
    "beginning of": "early",
    "start of": "early",
    "mid": "mid",
    "middle of": "mid",
    "late": "late",
    "end of": "late",
}
"""The words that narrow a month, year or decade, and the part each names."""

YEAR_FOLLOWERS: Final = frozenset(
    """
    a about after against alone already amid an and as at because before but by compared
    during for from had has have he her his in into is it its on onwards or over she since
    so than that the their then there these they this those through to under until was we
    were when where which while who with
    """.split()
)
"""A bare year followed by a lower-case word is usually a count ("in 2000 troops"), unless the
word is one of these."""

FUTURE_RE: Final = re.compile(
    r"\b(?:will|shall|won['’]t|upcoming|next(?!\s+to\b)|plans?\s+to|planning\s+to|"
    r"(?:is|are|'s|’s|'re|’re)\s+(?:set|scheduled|due|expected)\s+to)\b|\w['’]ll\b",
    _I,
)
"""Words that put a sentence in the future ("will", "plans to", "is set to", "next" …)."""
