"""Validate the event held-out set (tests/data/events_heldout) with the development set's checks.

The held-out articles follow the guideline in tests/data/events/README.md but were written and
annotated apart from the development set and from the extractor, so that precision and recall
measured on them are not inflated by tuning. The record checkers come from
``test_events_goldset``; this module points them at the held-out folder and adds checks that
keep the two sets apart (no shared files, urls or sentences).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from geo.taxonomy import EVENT_TYPE_KEYS
from tests.test_events_goldset import (
    ARTICLE_KEYS,
    EVENTS_DIR,
    FRONT_MATTER_KEYS,
    MIN_WORDS,
    URL_HOSTS,
    event_problems,
    office_problems,
    sentence_of,
    sentence_spans,
    split_article,
)

HELDOUT_DIR = Path(__file__).parent / "data" / "events_heldout"
HELDOUT_GOLD_PATH = HELDOUT_DIR / "gold.json"

MIN_ARTICLES = 12
MIN_EVENTLESS_ARTICLES = 1
MIN_EVENTS_PER_TYPE = 2
MAX_WORDS = 400
# sentences this short ("PRESS RELEASE", "**Why now?**") may recur in any set
MIN_SHARED_SENTENCE_CHARS = 40


def _load_gold() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(HELDOUT_GOLD_PATH.read_text(encoding="utf-8"))
    return data


ARTICLES: list[dict[str, Any]] = _load_gold()["articles"]
ARTICLE_IDS = [a["file"] for a in ARTICLES]


def _article_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.md") if p.name != "README.md")


def _article(file: str) -> tuple[dict[str, Any], dict[str, Any], str]:
    gold = next(a for a in ARTICLES if a["file"] == file)
    meta, body = split_article((HELDOUT_DIR / file).read_text(encoding="utf-8"))
    return gold, meta, body


def _sentences(body: str) -> set[str]:
    return {
        " ".join(body[s:e].split())
        for s, e in sentence_spans(body)
        if e - s >= MIN_SHARED_SENTENCE_CHARS
    }


def shared_sentences(body: str, other: str) -> set[str]:
    """Return the sentences (whitespace-normalised, not too short) found in both texts."""
    return _sentences(body) & _sentences(other)


# --- the gold file as a whole ---------------------------------------------------------------


def test_gold_lists_every_article_file_once() -> None:
    on_disk = [p.name for p in _article_files(HELDOUT_DIR)]
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
    assert any(e["date_precision"] == "day" and e["date_start"] != e["date_end"] for e in events)
    assert any(len(e["actors"]) >= 3 for e in events), "no joint actors"
    assert any(not e["actors"] for e in events), "no event with unnamed actors"
    statuses = {o["status"] for a in ARTICLES for o in a["offices"]}
    assert {"open", "proposed", "in_talks"} <= statuses
    assert all(a["non_events"] for a in ARTICLES), "an article without hard negatives"


# --- apart from the development set -----------------------------------------------------------


def test_heldout_files_and_urls_differ_from_the_development_set() -> None:
    dev_files = _article_files(EVENTS_DIR)
    assert {p.name for p in dev_files}.isdisjoint(ARTICLE_IDS)
    dev_urls = {split_article(p.read_text(encoding="utf-8"))[0]["url"] for p in dev_files}
    heldout_urls = [_article(file)[1]["url"] for file in ARTICLE_IDS]
    assert dev_urls.isdisjoint(heldout_urls)
    assert len(set(heldout_urls)) == len(heldout_urls)


@pytest.mark.parametrize("file", ARTICLE_IDS)
def test_no_sentence_is_copied_from_the_development_set(file: str) -> None:
    _, _, body = _article(file)
    copied = {
        (p.name, sentence)
        for p in _article_files(EVENTS_DIR)
        for sentence in shared_sentences(body, split_article(p.read_text(encoding="utf-8"))[1])
    }
    assert copied == set()


def test_shared_sentences_finds_a_copied_sentence() -> None:
    copied = "Russian warships conducted live-fire drills in the Baltic Sea this month."
    body = f"Intro line that is new here.\n\n{copied}\n"
    other = f"Something else entirely, long enough to count.  {copied}  Last."
    assert shared_sentences(body, other) == {copied}
    assert shared_sentences(body, "Nothing in common with the other text at all.") == set()


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
    assert dt.date(2019, 1, 1) <= meta["published"] <= dt.date(2025, 12, 31)
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
    keys = [(o["org"], o["host"], o["city"]) for o in gold["offices"]]
    assert len(set(keys)) == len(keys)


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
