"""Validate the event gold set (tests/data/events) against its articles and its guideline.

The gold file is hand-written; the checks in ``tests/events_gold.py``, shared with the held-out
set, keep it honest. This module runs them on the development set, checks that the guideline
documents the organisation ids and place aliases, and runs each checker on broken records to
show that it can fail.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest

from tests import events_gold as gold
from tests.events_gold import (
    KNOWN_ORGS,
    PLACE_ALIASES,
    event_problems,
    office_problems,
    sentence_spans,
    split_article,
)

EVENTS_DIR = Path(__file__).parent / "data" / "events"
GOLD_PATH = EVENTS_DIR / "gold.json"
GUIDELINE_PATH = EVENTS_DIR / "README.md"

MIN_ARTICLES = 18
MIN_EVENTLESS_ARTICLES = 2
MIN_EVENTS_PER_TYPE = 2
MAX_WORDS = 450

_ORG_ID_IN_GUIDELINE = re.compile(r"^\|\s*`([A-Z0-9_]+)`\s*\|", re.MULTILINE)

ARTICLES = gold.load_articles(GOLD_PATH)
ARTICLE_IDS = [a["file"] for a in ARTICLES]


def _article(file: str) -> gold.Article:
    return gold.load_article(ARTICLES, EVENTS_DIR, file)


def _valid_event(**changes: object) -> dict[str, Any]:
    event: dict[str, Any] = {
        "type": "exercise",
        "sentence_contains": "held drills",
        "actors": ["RUS"],
        "places": ["Baltic Sea"],
        "date_start": "2024-03-01",
        "date_end": "2024-03-31",
        "date_precision": "month",
        "happened": True,
    }
    event.update(changes)
    return event


_TOY_BODY = "Russia held drills in the Baltic Sea this month. Nothing else happened.\n"
_TOY_PUBLISHED = dt.date(2024, 3, 14)


# --- the gold file as a whole ---------------------------------------------------------------


def test_gold_lists_every_article_file_once() -> None:
    gold.check_gold_lists_every_article_file_once(ARTICLE_IDS, EVENTS_DIR)


def test_gold_is_large_enough_and_has_eventless_articles() -> None:
    gold.check_gold_is_large_enough_and_has_eventless_articles(
        ARTICLES, MIN_ARTICLES, MIN_EVENTLESS_ARTICLES
    )


def test_every_event_type_is_covered() -> None:
    gold.check_every_event_type_is_covered(ARTICLES, MIN_EVENTS_PER_TYPE)


def test_gold_covers_the_hard_cases() -> None:
    gold.check_gold_covers_the_hard_cases(
        ARTICLES, multi_day_event=False, non_events_everywhere=False
    )


def test_known_orgs_are_documented_in_the_guideline() -> None:
    documented = set(_ORG_ID_IN_GUIDELINE.findall(GUIDELINE_PATH.read_text(encoding="utf-8")))
    assert documented == KNOWN_ORGS


def test_place_aliases_are_documented_in_the_guideline() -> None:
    guideline = GUIDELINE_PATH.read_text(encoding="utf-8")
    missing = [
        (canonical, alias)
        for canonical, aliases in PLACE_ALIASES.items()
        for alias in aliases
        if f"| {canonical} | {alias} |" not in guideline
    ]
    assert missing == []


# --- each article -----------------------------------------------------------------------------


@pytest.mark.parametrize("file", ARTICLE_IDS)
def test_front_matter_and_length(file: str) -> None:
    gold.check_front_matter_and_length(_article(file), MAX_WORDS)


@pytest.mark.parametrize("file", ARTICLE_IDS)
def test_article_record_keys(file: str) -> None:
    gold.check_article_record_keys(_article(file))


@pytest.mark.parametrize("file", ARTICLE_IDS)
def test_events_are_valid(file: str) -> None:
    gold.check_events_are_valid(_article(file))


@pytest.mark.parametrize("file", ARTICLE_IDS)
def test_one_event_per_sentence_and_type(file: str) -> None:
    gold.check_one_event_per_sentence_and_type(_article(file))


@pytest.mark.parametrize("file", ARTICLE_IDS)
def test_offices_are_valid(file: str) -> None:
    gold.check_offices_are_valid(_article(file))


@pytest.mark.parametrize("file", ARTICLE_IDS)
def test_office_opening_events_have_office_records(file: str) -> None:
    gold.check_office_opening_events_have_office_records(_article(file))


@pytest.mark.parametrize("file", ARTICLE_IDS)
def test_non_events_occur_and_stay_apart_from_gold_events(file: str) -> None:
    gold.check_non_events_occur_and_stay_apart_from_gold_events(_article(file))


# --- the checkers themselves ----------------------------------------------------------------


def test_valid_toy_event_has_no_problems() -> None:
    assert event_problems(_valid_event(), _TOY_BODY, _TOY_PUBLISHED) == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"type": "skirmish"}, "not in geo.taxonomy"),
        ({"sentence_contains": "held exercises"}, "occurs 0 times"),
        ({"sentence_contains": "month. Nothing"}, "crosses a sentence boundary"),
        ({"actors": ["Russia"]}, "neither an ISO 3166-1 alpha-3 code"),
        ({"actors": ["RUS", "RUS"]}, "duplicate actors"),
        ({"places": ["Black Sea"]}, "does not occur in the article"),
        ({"happened": "yes"}, "not a boolean"),
        ({"date_precision": "week"}, "is not one of"),
        ({"date_start": "2024-3-1"}, "not ISO"),
        ({"date_start": "2024-03-02"}, "whole months"),
        ({"date_start": "2024-04-01", "date_end": "2024-03-31"}, "is after date_end"),
        ({"date_precision": "unknown"}, "needs null dates"),
        ({"date_precision": "year"}, "whole years"),
        (
            {"date_start": "2024-06-01", "date_end": "2024-06-30"},
            "after publication",
        ),
        (
            {"date_start": "2024-01-01", "date_end": "2024-01-31", "happened": False},
            "before publication",
        ),
        ({"cameo": "152"}, "event keys"),
    ],
)
def test_event_checker_reports_broken_events(changes: dict[str, object], expected: str) -> None:
    problems = event_problems(_valid_event(**changes), _TOY_BODY, _TOY_PUBLISHED)
    assert any(expected in p for p in problems), problems


@pytest.mark.parametrize(
    ("office", "expected"),
    [
        ({"org": "NATO", "host": "Nippon", "city": None, "status": "open"}, "not a country name"),
        ({"org": "NATO", "host": "Japan", "city": "Osaka", "status": "open"}, "does not occur"),
        ({"org": "NATO", "host": "Japan", "city": None, "status": "rumoured"}, "is not one of"),
        ({"org": "Nato", "host": "Japan", "city": None, "status": "open"}, "neither an ISO"),
        ({"org": "NATO", "host": "Japan", "status": "open"}, "office keys"),
    ],
)
def test_office_checker_reports_broken_offices(office: dict[str, Any], expected: str) -> None:
    problems = office_problems(office, "NATO may open an office in Tokyo, Japan.")
    assert any(expected in p for p in problems), problems


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One. Two! Three?", ["One.", "Two!", "Three?"]),
        ('He said "go." Then left.', ['He said "go."', "Then left."]),
        ("Rates rose 4.6 per cent. Fine.", ["Rates rose 4.6 per cent.", "Fine."]),
        ("**10:48** — Drones crossed\nNext line", ["**10:48** — Drones crossed", "Next line"]),
    ],
)
def test_sentence_spans(text: str, expected: list[str]) -> None:
    assert [text[s:e] for s, e in sentence_spans(text)] == expected


def test_split_article_rejects_missing_front_matter() -> None:
    with pytest.raises(ValueError, match="front matter"):
        split_article("No front matter here.\n")
