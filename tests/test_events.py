"""Test event extraction: sentences, triggers and negation, actors, places, dates, offices.

The founding-article checks pin what the map must show for the article the project started
from; the gold-set test scores the extractor on ``tests/data/events`` with
``geo.eval.events`` (run ``python -m geo.eval.events`` to see every error). The trigger
tables use sentences written for these tests, not taken from the gold set.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Point

import geo.events.extract as events_module
from geo.eval.events import (
    EventScores,
    format_scores,
    load_event_gold,
    score_events,
)
from geo.events.extract import Extraction, extract
from geo.events.lexicon import compile_pattern, inflections
from geo.events.seas import sea_between, sea_off
from geo.events.triggers import TRIGGERS
from geo.places.gazetteer import Gazetteer
from geo.records import Event, stable_id
from geo.taxonomy import EVENT_TYPE_KEYS, EVENT_TYPES
from geo.text.articles import Article, article_from_text
from geo.text.mentions import PlaceFinder
from geo.text.sentences import split_sentences

PUBLISHED = dt.date(2024, 5, 15)  # a Wednesday
FOUNDING_PUBLISHED = dt.date(2023, 5, 10)
#: Seas that touch Japan: any is a right answer for "waters off the Japanese coast".
SEAS_OFF_JAPAN = {
    "Sea of Japan",
    "Philippine Sea",
    "East China Sea",
    "Sea of Okhotsk",
    "Western Pacific",
    "Korea Strait",
}


def run(text: str, finder: PlaceFinder, published: dt.date = PUBLISHED) -> Extraction:
    return extract(article_from_text(text, published=published), finder=finder)


def only(extraction: Extraction, kind: str) -> Event:
    found = [e for e in extraction.events if e.type == kind]
    assert len(found) == 1, [(e.type, e.sentence) for e in extraction.events]
    return found[0]


# --- sentences --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One. Two! Three?", ["One.", "Two!", "Three?"]),
        ('He said "go." Then he left.', ['He said "go."', "Then he left."]),
        (
            "“We are in discussions,” he said. “No details yet.”",
            ["“We are in discussions,” he said.", "“No details yet.”"],
        ),
        ("The U.S. Navy sailed on. It left.", ["The U.S. Navy sailed on.", "It left."]),
        (
            "Talks stalled in the U.S. The next day they resumed.",
            ["Talks stalled in the U.S.", "The next day they resumed."],
        ),
        (
            "Gen. Mark Milley spoke. Reporters listened.",
            ["Gen. Mark Milley spoke.", "Reporters listened."],
        ),
        (
            "Resolution No. 2231 expired. Iran objected.",
            ["Resolution No. 2231 expired.", "Iran objected."],
        ),
        (
            "It was becoming … increasingly important. Next.",
            ["It was becoming … increasingly important.", "Next."],
        ),
        (
            "“This is not intended…to be sending a message,” said Hayashi. He added more.",
            ["“This is not intended…to be sending a message,” said Hayashi.", "He added more."],
        ),
        ("He paused... Then he left.", ["He paused...", "Then he left."]),
        (
            "Exports rose 4.6 per cent. Imports fell.",
            ["Exports rose 4.6 per cent.", "Imports fell."],
        ),
        (
            "John F. Kennedy visited Berlin. He spoke.",
            ["John F. Kennedy visited Berlin.", "He spoke."],
        ),
        (
            "Talks resumed on Sept. 21 in Yevlakh. None followed.",
            ["Talks resumed on Sept. 21 in Yevlakh.", "None followed."],
        ),
        (
            "Complex security situation\nRussia’s invasion shocked Europe.",
            ["Complex security situation", "Russia’s invasion shocked Europe."],
        ),
        (
            "Japan is in talks to open a NATO liaison office, the country’s foreign minister\n"
            "told CNN on Wednesday.",
            [
                "Japan is in talks to open a NATO liaison office, the country’s foreign minister\n"
                "told CNN on Wednesday."
            ],
        ),
        ("**10:48** — Drones crossed\nNext line", ["**10:48** — Drones crossed", "Next line"]),
        ("  \n ", []),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == expected
    assert all(text[s.start : s.end] == s.text for s in sentences)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab AU.S!?…\"“”'\n0")), max_size=80))
def test_sentences_are_ordered_stripped_slices_covering_the_text(text: str) -> None:
    sentences = split_sentences(text)
    assert "".join(s.text for s in sentences).replace(" ", "").replace("\n", "") == (
        text.replace(" ", "").replace("\n", "")
    )
    for sentence in sentences:
        assert sentence.text
        assert sentence.text == sentence.text.strip()
        assert text[sentence.start : sentence.end] == sentence.text
    assert all(a.end <= b.start for a, b in itertools.pairwise(sentences))


# --- the lexicon ------------------------------------------------------------------------------


def test_inflections_cover_regular_and_irregular_forms() -> None:
    assert {"patrol", "patrols", "patrolled", "patrolling"} <= set(inflections("patrol"))
    assert {"fly", "flew", "flown", "flies", "flying"} <= set(inflections("fly"))
    assert {"seize", "seized", "seizing"} <= set(inflections("seize"))


@pytest.mark.parametrize(
    ("pattern", "text", "matched"),
    [
        (
            "fire* ...6 missile*",
            "boats fired cruise missiles at a mock target",
            "fired cruise missiles",
        ),
        ("fire* ...2 missile*", "boats fired two short-range ballistic missiles", None),
        ("join* NATO", "Finland joined NATO", "joined NATO"),
        (
            "call* ...3 provocative",
            'it called the drills "provocative"',
            'called the drills "provocative',
        ),
        ("warn* against", "an early-warning against", None),
        ("(a|an)? mortar", "hit by a mortar", "a mortar"),
    ],
)
def test_compile_pattern(pattern: str, text: str, matched: str | None) -> None:
    found = compile_pattern(pattern).search(text)
    assert (found.group() if found else None) == matched


@pytest.mark.parametrize("pattern", ["... missile*", "fire* ...", "fire* missile?", ""])
def test_compile_pattern_rejects_patterns_without_word_ends(pattern: str) -> None:
    with pytest.raises(ValueError, match="pattern must"):
        compile_pattern(pattern)


def test_every_type_has_several_triggers_and_a_documented_row() -> None:
    assert {t.type for t in TRIGGERS} == set(EVENT_TYPE_KEYS)
    for key in EVENT_TYPE_KEYS:
        assert sum(t.type == key for t in TRIGGERS) >= 2, key
    doc = events_module.__doc__ or ""
    for event_type in EVENT_TYPES:
        row = re.search(rf"^{event_type.key}\s+(\S+)\s+(\S+)\s+\S", doc, re.MULTILINE)
        assert row is not None, event_type.key
        assert row.groups() == (event_type.cameo, event_type.plover)


# --- triggers, negation, modality ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Chinese warships held live-fire drills near Taiwan on Monday.", "exercise"),
        (
            "North Korea test-fired two cruise missiles into the Yellow Sea on Sunday.",
            "missile_launch",
        ),
        ("US and Philippine ships sailed through the Luzon Strait on Tuesday.", "patrol"),
        ("Russian jets violated Estonian airspace on Friday.", "incursion"),
        ("Iran's navy seized a Greek tanker in the Gulf of Oman.", "incursion"),
        ("Israel launched airstrikes on militant targets in Gaza overnight.", "armed_attack"),
        ("Indian and Chinese troops clashed in the Galwan Valley.", "armed_attack"),
        ("Turkey deployed additional troops to the Syrian border last week.", "buildup"),
        ("The Indian prime minister visited Tokyo last week.", "visit"),
        ("Greek and Turkish diplomats met in Ankara on Monday.", "talks"),
        ("Sweden joined NATO in March.", "accession"),
        ("Pakistan and India signed a ceasefire agreement last month.", "accession"),
        ("India opened an embassy in Kyiv on Monday.", "office_opening"),
        ("Vietnam claims the Paracel Islands.", "territorial_claim"),
        ("Beijing condemned the sale of weapons to Taiwan.", "criticism"),
        ("The Kremlin warned Finland against joining the alliance.", "criticism"),
    ],
)
def test_triggers(text: str, kind: str, finder: PlaceFinder) -> None:
    assert [e.type for e in run(text, finder).events] == [kind]


@pytest.mark.parametrize(
    "text",
    [
        "The drills would mark an escalation.",
        "Russia denied that its jets had violated Estonian airspace.",
        "If China were to invade Taiwan, the United States would respond.",
        "Japan has no plans to open an embassy in Pyongyang.",
        "The exercise is not intended to send a message.",
        "Beijing could launch missiles at any time.",
        "Tokyo should hold joint exercises with Canberra.",
        "Analysts warned that a recession could follow.",
        "Organisers opened a box office at the stadium.",
        "The rehearsal drills lasted for hours.",
        "The company signed a supply agreement with a miner in Chile.",
        "In a pre-concert talk, the conductor explained the programme.",
        "Tokyo's claim to the islets is old.",
        "The Wildcats visit Mount Pleasant on Tuesday.",
        "Police said the patrol car was stolen.",
    ],
)
def test_non_events(text: str, finder: PlaceFinder) -> None:
    assert run(text, finder).events == ()


@pytest.mark.parametrize(
    ("text", "kind", "modality"),
    [
        ("NATO will hold exercises in the Baltic Sea in June.", "exercise", "planned"),
        ("Russia plans to station missiles in Belarus.", "buildup", "planned"),
        ("The talks are scheduled for September.", "talks", "planned"),
        ("Russian ships held drills in the Baltic Sea last month.", "exercise", "happened"),
        ("Lithuania plans to open a trade office in Taipei.", "office_opening", "planned"),
        ("Iran reopened its embassy in Riyadh on Tuesday.", "office_opening", "happened"),
    ],
)
def test_modality(text: str, kind: str, modality: str, finder: PlaceFinder) -> None:
    assert only(run(text, finder), kind).modality == modality


# --- actors, places and dates ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "actors", "places"),
    [
        (
            "Russian warships conducted drills in the Sea of Japan.",
            "exercise",
            ("RUS",),
            ("Sea of Japan",),
        ),
        ("NATO held exercises in Estonia on Monday.", "exercise", ("NATO",), ("Estonia",)),
        (
            "Japanese and Australian ships held drills in the Philippine Sea, officials in "
            "Tokyo said.",
            "exercise",
            ("JPN", "AUS"),
            ("Philippine Sea",),
        ),
        (
            "Russia's Northern Fleet held drills in the Barents Sea and the Chukchi Sea.",
            "exercise",
            ("RUS",),
            ("Barents Sea", "Chukchi Sea"),
        ),
        # a statement with no place of its own is placed at its author's capital
        ("Beijing warned against the move.", "criticism", ("CHN",), ("Beijing",)),
        (
            "Officials in Beijing said the ships were patrolling Chinese waters.",
            "patrol",
            ("CHN",),
            (),
        ),
        ("The Indian prime minister visited Tokyo last week.", "visit", ("IND", "JPN"), ("Tokyo",)),
        ("Russian jets violated Estonian airspace.", "incursion", ("RUS", "EST"), ("Estonia",)),
        (
            "Iran seized a Panama-flagged tanker in the Strait of Hormuz.",
            "incursion",
            ("IRN",),
            ("Strait of Hormuz",),
        ),
        (
            "Vietnam claims the Paracel Islands.",
            "territorial_claim",
            ("VNM",),
            ("Paracel Islands",),
        ),
        ("The Kremlin condemned the decision.", "criticism", ("RUS",), ("Moscow",)),
        # the only place named after an attack verb is its approximate place
        (
            "Ethnic Serb gunmen ambushed a Kosovo police patrol.",
            "armed_attack",
            ("XKX",),
            ("Kosovo",),
        ),
        (
            "A US Navy destroyer sailed through the Taiwan Strait.",
            "patrol",
            ("USA",),
            ("Taiwan Strait",),
        ),
        (
            "Russian military drills in the waters between Japan and Russia worried Tokyo.",
            "exercise",
            ("RUS",),
            ("Sea of Japan",),
        ),
        (
            "Tensions between Japan and Russia grew, fueled in part by Russian military drills "
            "in the waters between the two nations.",
            "exercise",
            ("RUS",),
            ("Sea of Japan",),
        ),
    ],
)
def test_actors_and_places(
    text: str, kind: str, actors: tuple[str, ...], places: tuple[str, ...], finder: PlaceFinder
) -> None:
    event = only(run(text, finder), kind)
    assert event.actors == actors
    assert event.place_names == places


@pytest.mark.parametrize(
    ("text", "places"),
    [
        (
            "Chinese warships held live-fire drills near Taiwan.",
            {"Philippine Sea", "Taiwan Strait"},
        ),
        ("Chinese troops held drills near Kazakhstan.", {"Kazakhstan"}),
        ("North Korea fired a missile from near Pyongyang.", {"Pyongyang"}),
    ],
)
def test_near_a_country_is_its_sea_only_for_ships_and_aircraft(
    text: str, places: set[str], finder: PlaceFinder
) -> None:
    (event,) = run(text, finder).events
    assert len(event.place_names) == 1
    assert event.place_names[0] in places


def test_nominal_triggers_need_their_own_agent(finder: PlaceFinder) -> None:
    assert [
        e.type for e in run("Joint Chinese-Russian naval patrols alarmed Seoul.", finder).events
    ] == ["patrol"]
    assert run("During the drills, nothing else happened.", finder).events == ()


def test_same_waters_refers_to_the_last_sea_named(finder: PlaceFinder) -> None:
    text = (
        "Russian warships held drills in the Sea of Okhotsk. "
        "Later, Russian boats fired missiles at a mock target in the same waters."
    )
    assert only(run(text, finder), "missile_launch").place_names == ("Sea of Okhotsk",)


@pytest.mark.parametrize(
    "text",
    [
        "Two Russian bombers flew over waters off the Japanese coast.",
        "Two Russian bombers flew off Japan's coast for hours.",
        "Two Russian bombers flew along the coast of Japan.",
        "A Chinese survey ship and coast guard vessels returned to Japan's waters on Sunday.",
    ],
)
def test_waters_off_a_coast_are_a_sea_off_that_country(text: str, finder: PlaceFinder) -> None:
    event = only(run(text, finder), "incursion")
    assert len(event.place_names) == 1
    assert event.place_names[0] in SEAS_OFF_JAPAN


@pytest.mark.parametrize(
    ("text", "sea"),
    [
        ("Two Russian bombers flew off the west coast of Japan on Tuesday.", "Sea of Japan"),
        ("Two Russian bombers flew off the east coast of Japan on Tuesday.", "Philippine Sea"),
    ],
)
def test_the_side_of_a_coast_picks_the_sea_on_that_side(
    text: str, sea: str, finder: PlaceFinder
) -> None:
    event = only(run(text, finder), "incursion")
    assert event.place_names == (sea,)


def test_sea_off_prefers_the_sea_already_named(gazetteer: Gazetteer) -> None:
    japan = gazetteer.place("ne:country:JPN")
    okhotsk = gazetteer.place("ne:sea:sea-of-okhotsk")
    baltic = gazetteer.place("ne:sea:baltic-sea")
    assert sea_off(gazetteer, japan, prefer=okhotsk) == okhotsk
    plain = sea_off(gazetteer, japan)
    assert plain is not None
    assert plain.name in SEAS_OFF_JAPAN
    assert sea_off(gazetteer, japan, prefer=baltic) == plain
    assert sea_off(gazetteer, gazetteer.place("ne:country:AUT")) is None


def test_sea_between_two_countries(gazetteer: Gazetteer) -> None:
    japan, russia = gazetteer.place("ne:country:JPN"), gazetteer.place("ne:country:RUS")
    between = sea_between(gazetteer, japan, russia)
    assert between is not None
    assert between.id == "ne:sea:sea-of-japan"
    assert sea_between(gazetteer, japan, gazetteer.place("ne:country:AUT")) is None


@pytest.mark.parametrize(
    ("text", "interval"),
    [
        (
            "Russian ships held drills in the Baltic Sea in April.",
            ("2024-04-01", "2024-04-30", "month"),
        ),
        (
            "Russian ships held drills in the Baltic Sea last month.",
            ("2024-04-01", "2024-04-30", "month"),
        ),
        (
            "Russian ships held drills in the Baltic Sea last year.",
            ("2023-01-01", "2023-12-31", "year"),
        ),
        (
            "Russian ships held drills in the Baltic Sea on Monday.",
            ("2024-05-13", "2024-05-13", "day"),
        ),
        (
            "Russian ships held drills in the Baltic Sea last Wednesday.",
            ("2024-05-08", "2024-05-08", "day"),
        ),
        (
            "China staged drills around Taiwan on Thursday and Friday.",
            ("2024-05-09", "2024-05-10", "day"),
        ),
        (
            "NATO will hold exercises in the Baltic Sea in June.",
            ("2024-06-01", "2024-06-30", "month"),
        ),
        # no date words: the month of publication up to its day (date_basis "publication")
        ("Russian ships held drills in the Baltic Sea.", ("2024-05-01", "2024-05-15", "month")),
        (
            "The agency said on Thursday that Kim Jong Un had guided the test of a new missile.",
            ("2024-05-01", "2024-05-15", "month"),
        ),
        (
            "TALLINN, March 14 (Baltic Wire) - Russian ships held drills in the Baltic Sea.",
            ("2024-05-01", "2024-05-15", "month"),
        ),
    ],
)
def test_dates(text: str, interval: tuple[str, str, str], finder: PlaceFinder) -> None:
    event = run(text, finder).events[0]
    assert (str(event.date_start), str(event.date_end), event.date_precision) == interval


def test_without_a_publication_date_relative_dates_stay_unknown(finder: PlaceFinder) -> None:
    article = article_from_text("Russian ships held drills in the Baltic Sea last month.")
    event = only(extract(article, finder=finder), "exercise")
    assert (event.date_start, event.date_end, event.date_precision) == (None, None, "unknown")
    assert event.place_names == ("Baltic Sea",)


def test_each_clause_keeps_its_own_date(finder: PlaceFinder) -> None:
    text = (
        "In April, Russian warships held drills in the Baltic Sea – and in March, Russian "
        "boats fired missiles at a mock target in the same waters."
    )
    extraction = run(text, finder)
    assert only(extraction, "exercise").date_start == dt.date(2024, 4, 1)
    assert only(extraction, "missile_launch").date_start == dt.date(2024, 3, 1)


def test_dateline_city_is_not_the_place(finder: PlaceFinder) -> None:
    text = "TALLINN, March 14 (Baltic Wire) - Russian ships held drills in the Baltic Sea."
    assert only(run(text, finder), "exercise").place_names == ("Baltic Sea",)


# --- offices ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "NATO already maintains liaison offices in Kyiv and Vienna.",
            {
                ("NATO", "ne:country:UKR", "Kyiv", "open"),
                ("NATO", "ne:country:AUT", "Vienna", "open"),
            },
        ),
        (
            "Japan is in talks to open a NATO liaison office.",
            {("NATO", "ne:country:JPN", "", "in_talks")},
        ),
        (
            "Lithuania plans to open a trade representative office in Taipei.",
            {
                ("LTU", "ne:country:TWN", "Taipei", "proposed"),
            },
        ),
        (
            "Iran reopened its embassy in Riyadh on Tuesday.",
            {("IRN", "ne:country:SAU", "Riyadh", "open")},
        ),
        (
            "The United Kingdom has an embassy in Kabul.",
            {("GBR", "ne:country:AFG", "Kabul", "open")},
        ),
        ("Japan has no plans to open an embassy in Pyongyang.", set()),
        ("Organisers opened a box office at the stadium.", set()),
    ],
)
def test_offices(text: str, expected: set[tuple[str, str, str, str]], finder: PlaceFinder) -> None:
    offices = run(text, finder).offices
    assert {(o.org, o.host_place_id, o.city, o.status) for o in offices} == expected
    for office in offices:
        assert office.id == stable_id("of", office.org, office.host_place_id)
        assert isinstance(office.geometry, Point)
        assert office.origin == "extracted"


# --- the founding article ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def founding(finder: PlaceFinder, founding_text: str) -> Extraction:
    article = article_from_text(
        founding_text,
        title="Japan in talks to open NATO liaison office",
        outlet="CNN",
        published=FOUNDING_PUBLISHED,
    )
    return extract(article, finder=finder)


def founding_event(extraction: Extraction, kind: str, snippet: str) -> Event:
    found = [e for e in extraction.events if e.type == kind and snippet in e.sentence]
    assert len(found) == 1, [(e.type, e.sentence[:60]) for e in extraction.events]
    return found[0]


MONTH_2023 = {
    3: (dt.date(2023, 3, 1), dt.date(2023, 3, 31), "month"),
    4: (dt.date(2023, 4, 1), dt.date(2023, 4, 30), "month"),
}


@pytest.mark.parametrize(
    ("kind", "snippet", "actors", "places", "date", "modality"),
    [
        (
            "exercise",
            "anti-submarine exercises",
            {"RUS"},
            {"Sea of Japan"},
            MONTH_2023[4],
            "happened",
        ),
        (
            "missile_launch",
            "at a mock target",
            {"RUS"},
            {"Sea of Japan"},
            MONTH_2023[3],
            "happened",
        ),
        (
            "visit",
            "surprise visit to Ukraine",
            {"JPN", "UKR"},
            {"Ukraine"},
            MONTH_2023[3],
            "happened",
        ),
        ("incursion", "strategic bombers", {"RUS", "JPN"}, SEAS_OFF_JAPAN, None, "happened"),
        (
            "accession",
            "formally joining the bloc",
            {"FIN", "NATO"},
            set(),
            MONTH_2023[4],
            "happened",
        ),
        ("office_opening", "in talks to open a NATO", {"JPN", "NATO"}, {"Japan"}, None, "planned"),
        (
            "patrol",
            "Chinese-Russian naval patrols",
            {"CHN", "RUS"},
            {"Western Pacific"},
            None,
            "happened",
        ),
        (
            "territorial_claim",
            "claiming the Senkaku",
            {"CHN"},
            {"Senkaku Islands"},
            None,
            "happened",
        ),
        ("criticism", "warned against such a move", {"CHN"}, {"Beijing"}, None, "happened"),
    ],
)
def test_founding_article_events(
    founding: Extraction,
    kind: str,
    snippet: str,
    actors: set[str],
    places: set[str],
    date: tuple[dt.date, dt.date, str] | None,
    modality: str,
) -> None:
    event = founding_event(founding, kind, snippet)
    assert set(event.actors) == actors
    if places:
        assert len(event.place_names) == 1
        assert event.place_names[0] in places
        assert event.geometry is not None
    else:
        assert event.place_ids == ()
        assert event.geometry is None
    if date is not None:
        assert (event.date_start, event.date_end, event.date_precision) == date
    assert event.modality == modality


@pytest.mark.parametrize(
    ("snippet", "kinds"),
    [
        ("would mark a significant development", {"criticism"}),  # only the "warned against"
        ("This is not intended", set()),
        ("potential opening of the office was not aimed", set()),
        ("We are already in discussions", set()),
    ],
)
def test_founding_article_non_events(founding: Extraction, snippet: str, kinds: set[str]) -> None:
    assert {e.type for e in founding.events if snippet in e.sentence} == kinds


def test_founding_article_offices(founding: Extraction) -> None:
    assert {(o.org, o.host_place_id, o.city, o.status) for o in founding.offices} == {
        ("NATO", "ne:country:JPN", "", "in_talks"),
        ("NATO", "ne:country:UKR", "", "open"),
        ("NATO", "ne:country:AUT", "Vienna", "open"),
    }
    talks = next(o for o in founding.offices if o.status == "in_talks")
    assert talks.since == FOUNDING_PUBLISHED


def test_founding_article_records_are_traceable(
    founding: Extraction, founding_text: str, finder: PlaceFinder
) -> None:
    article = article_from_text(founding_text, outlet="CNN", published=FOUNDING_PUBLISHED)
    types = {t.key: t for t in EVENT_TYPES}
    for event in founding.events:
        start, end = event.span
        assert founding_text[start:end] == event.sentence
        assert event.id == stable_id("ev", article.id, start, end, event.type)
        assert event.cameo == types[event.type].cameo
        assert event.origin == "extracted"
        assert 0 < event.confidence <= 1
        if event.place_ids:
            assert isinstance(event.geometry, Point)
    assert founding.mentions.places  # callers can build a places layer
    again = extract(article, finder=finder)
    assert [e.id for e in again.events] == [e.id for e in founding.events]


# --- the gold set ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def gold_scores(finder: PlaceFinder) -> EventScores:
    return score_events(load_event_gold(), finder=finder)


def test_gold_set_precision_and_recall(gold_scores: EventScores) -> None:
    report = format_scores(gold_scores) + "\n" + "\n".join(gold_scores.errors)
    assert gold_scores.precision >= 0.95, report
    assert gold_scores.recall >= 0.95, report
    assert gold_scores.hard_negatives == 0, report


def test_gold_set_details(gold_scores: EventScores) -> None:
    matched = gold_scores.matched
    report = format_scores(gold_scores)
    assert gold_scores.actors_ok / matched >= 0.85, report
    assert gold_scores.places_ok / matched >= 0.82, report
    assert gold_scores.dates_ok / matched >= 0.9, report
    assert gold_scores.modality_ok / matched >= 0.95, report
    assert gold_scores.offices_matched >= gold_scores.offices_gold - 2, report
    assert gold_scores.office_status_ok == gold_scores.offices_matched, report


def test_gold_set_every_type(gold_scores: EventScores) -> None:
    weak = [
        (t.type, round(t.precision, 2), round(t.recall, 2))
        for t in gold_scores.per_type
        if t.recall < 0.8 or t.precision < 0.85
    ]
    assert weak == []


# --- the scoring itself ---------------------------------------------------------------------------


def _toy_gold(tmp_path: Path, actors: list[str]) -> Path:
    (tmp_path / "toy.md").write_text(
        "---\ntitle: Toy\noutlet: Test\npublished: 2024-03-14\nurl: https://example.org/t\n---\n\n"
        "Russian warships held drills in the Baltic Sea last month. Nothing else happened.\n",
        encoding="utf-8",
    )
    event = {
        "type": "exercise",
        "sentence_contains": "held drills",
        "actors": actors,
        "places": ["Baltic Sea"],
        "date_start": "2024-02-01",
        "date_end": "2024-02-29",
        "date_precision": "month",
        "happened": True,
    }
    gold = {
        "articles": [
            {
                "file": "toy.md",
                "published": "2024-03-14",
                "events": [event],
                "offices": [],
                "non_events": ["Nothing else happened"],
            }
        ]
    }
    (tmp_path / "gold.json").write_text(json.dumps(gold), encoding="utf-8")
    return tmp_path


def test_scoring_counts_matches_and_details(tmp_path: Path, finder: PlaceFinder) -> None:
    scores = score_events(load_event_gold(_toy_gold(tmp_path, ["RUS"])), finder=finder)
    assert (scores.gold, scores.predicted, scores.matched) == (1, 1, 1)
    assert (scores.actors_ok, scores.places_ok, scores.dates_ok, scores.modality_ok) == (1, 1, 1, 1)
    wrong = score_events(load_event_gold(_toy_gold(tmp_path, ["CHN"])), finder=finder)
    assert wrong.matched == 1
    assert wrong.actors_ok == 0
    assert any("wrong ['actors']" in e for e in wrong.errors)


def test_scoring_counts_misses_and_false_positives(tmp_path: Path, finder: PlaceFinder) -> None:
    gold = load_event_gold(_toy_gold(tmp_path, ["RUS"]))

    def nothing(article: Article) -> Extraction:
        return replace(extract(article, finder=finder), events=())

    empty = score_events(gold, finder=finder, extractor=nothing)
    assert (empty.matched, empty.recall, empty.precision) == (0, 0.0, 0.0)
    assert any("missed exercise" in e for e in empty.errors)

    def mislabelled(article: Article) -> Extraction:
        found = extract(article, finder=finder)
        return replace(found, events=tuple(replace(e, type="talks") for e in found.events))

    wrong = score_events(gold, finder=finder, extractor=mislabelled)
    assert (wrong.predicted, wrong.matched) == (1, 0)
    assert any("spurious talks" in e for e in wrong.errors)
