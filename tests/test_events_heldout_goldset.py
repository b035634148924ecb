"""Validate the event held-out set (tests/data/events_heldout) with the development set's checks.

The held-out articles follow the guideline in tests/data/events/README.md but were written and
annotated apart from the development set and from the extractor, so that precision and recall
measured on them are not inflated by tuning. The record checks come from ``tests/events_gold.py``,
shared with ``test_events_goldset``; this module points them at the held-out folder, asks a little
more of it, and adds checks that keep the two sets apart (no shared files, urls or sentences).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests import events_gold as gold
from tests.events_gold import article_files, sentence_spans, split_article

DEV_DIR = Path(__file__).parent / "data" / "events"
HELDOUT_DIR = Path(__file__).parent / "data" / "events_heldout"
HELDOUT_GOLD_PATH = HELDOUT_DIR / "gold.json"

MIN_ARTICLES = 12
MIN_EVENTLESS_ARTICLES = 1
MIN_EVENTS_PER_TYPE = 2
MAX_WORDS = 400
PUBLISHED_BETWEEN = (dt.date(2019, 1, 1), dt.date(2025, 12, 31))
# sentences this short ("PRESS RELEASE", "**Why now?**") may recur in any set
MIN_SHARED_SENTENCE_CHARS = 40

ARTICLES = gold.load_articles(HELDOUT_GOLD_PATH)
ARTICLE_IDS = [a["file"] for a in ARTICLES]


def _article(file: str) -> gold.Article:
    return gold.load_article(ARTICLES, HELDOUT_DIR, file)


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
    gold.check_gold_lists_every_article_file_once(ARTICLE_IDS, HELDOUT_DIR)


def test_gold_is_large_enough_and_has_eventless_articles() -> None:
    gold.check_gold_is_large_enough_and_has_eventless_articles(
        ARTICLES, MIN_ARTICLES, MIN_EVENTLESS_ARTICLES
    )


def test_every_event_type_is_covered() -> None:
    gold.check_every_event_type_is_covered(ARTICLES, MIN_EVENTS_PER_TYPE)


def test_gold_covers_the_hard_cases() -> None:
    gold.check_gold_covers_the_hard_cases(
        ARTICLES, multi_day_event=True, non_events_everywhere=True
    )


# --- apart from the development set -----------------------------------------------------------


def test_heldout_files_and_urls_differ_from_the_development_set() -> None:
    dev_files = article_files(DEV_DIR)
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
        for p in article_files(DEV_DIR)
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
    gold.check_front_matter_and_length(_article(file), MAX_WORDS, PUBLISHED_BETWEEN)


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
    gold.check_offices_are_valid(_article(file), distinct=True)


@pytest.mark.parametrize("file", ARTICLE_IDS)
def test_office_opening_events_have_office_records(file: str) -> None:
    gold.check_office_opening_events_have_office_records(_article(file))


@pytest.mark.parametrize("file", ARTICLE_IDS)
def test_non_events_occur_and_stay_apart_from_gold_events(file: str) -> None:
    gold.check_non_events_occur_and_stay_apart_from_gold_events(_article(file))
