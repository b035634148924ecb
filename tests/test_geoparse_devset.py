"""Validate the geoparser development set in tests/data/geoparse/.

The set is regenerated with::

    .venv/bin/python tests/data/geoparse/make_offsets.py

The checks it shares with the held-out set are in ``tests/geoparse_gold.py``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests import geoparse_gold as gold
from tests.geoparse_gold import KINDS, STYLES, TOPICS, make_offsets

DATA = gold.DATA
DEV = DATA / "dev.jsonl"
SOURCE = DATA / "dev_source.txt"
GUIDELINES = DATA / "GUIDELINES.md"

# Abbreviations whose full stop does not end a sentence.
ABBREVIATION = re.compile(r"\b(?:Va|Ill|Ont|N\.S|U\.S|No|a\.m)\.")

RECORDS = gold.load_records(DEV)
BY_ID = {record["id"]: record for record in RECORDS}
ALL_PLACES = gold.places_of(RECORDS)


# ---------------------------------------------------------------------------- the file as a whole


def test_file_is_what_the_source_produces() -> None:
    gold.check_file_is_what_the_source_produces(
        DEV, SOURCE, "run tests/data/geoparse/make_offsets.py"
    )


def test_set_is_large_enough() -> None:
    assert len(RECORDS) >= 45
    assert len(ALL_PLACES) >= 300


def test_ids_are_unique_well_formed_and_ordered() -> None:
    gold.check_ids_are_unique_well_formed_and_ordered(RECORDS, r"dev-\d{3}")


def test_every_style_is_represented() -> None:
    gold.check_every_style_is_represented(RECORDS)


def test_most_passages_are_geopolitical_with_some_other_news() -> None:
    gold.check_most_passages_are_geopolitical(RECORDS, every_topic=False)


def test_negative_passages_exist() -> None:
    gold.check_negative_passages_exist(RECORDS)


# ---------------------------------------------------------------------------- each record


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r["id"])
def test_record_schema(record: dict[str, Any]) -> None:
    gold.check_record_schema(record)


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r["id"])
def test_sentence_count_is_short_news_length(record: dict[str, Any]) -> None:
    gold.check_sentence_count_is_short_news_length(record, ABBREVIATION)


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r["id"])
def test_offsets_match_text(record: dict[str, Any]) -> None:
    gold.check_offsets_match_text(record)


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r["id"])
def test_spans_do_not_overlap(record: dict[str, Any]) -> None:
    gold.check_spans_do_not_overlap(record)


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r["id"])
def test_spans_sit_on_word_boundaries(record: dict[str, Any]) -> None:
    gold.check_spans_sit_on_word_boundaries(record)


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r["id"])
def test_place_spans_follow_the_span_rules(record: dict[str, Any]) -> None:
    gold.check_place_spans_follow_the_span_rules(record)


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r["id"])
def test_coordinates_are_valid(record: dict[str, Any]) -> None:
    gold.check_coordinates_are_valid(record)


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r["id"])
def test_has_a_place_or_is_marked_negative(record: dict[str, Any]) -> None:
    gold.check_has_a_place_or_is_marked_negative(record)


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r["id"])
def test_not_places_occur_and_are_not_annotated(record: dict[str, Any]) -> None:
    gold.check_not_places_occur_and_are_not_annotated(record)


# ---------------------------------------------------------------------------- referents


def test_each_referent_has_one_description() -> None:
    gold.check_each_referent_has_one_description(ALL_PLACES)


def test_namesake_referents_are_really_different_places() -> None:
    gold.check_namesake_referents_are_really_different_places(place for _, place in ALL_PLACES)


def test_actor_codes_are_consistent_per_surface() -> None:
    gold.check_actor_codes_are_consistent_per_surface(RECORDS)


REQUIRED_NAMES = [
    # seas, oceans and straits
    "Sea of Japan", "East China Sea", "South China Sea", "Yellow Sea", "Philippine Sea",
    "Black Sea", "Sea of Azov", "Baltic Sea", "Red Sea", "Gulf of Aden", "Persian Gulf",
    "Mediterranean Sea", "Arctic Ocean", "Indian Ocean", "Pacific Ocean", "Western Pacific",
    "Taiwan Strait", "Strait of Hormuz", "Bab el-Mandeb", "Bosporus", "Strait of Malacca",
    "Kerch Strait", "Korea Strait", "Luzon Strait",
    # island disputes
    "Senkaku Islands", "Kuril Islands", "Southern Kuril Islands", "Spratly Islands",
    "Paracel Islands", "Scarborough Shoal", "Liancourt Rocks", "Second Thomas Shoal",
    "Falkland Islands",
    # regions
    "East Asia", "Eastern Europe", "Middle East", "Balkans", "Caucasus", "Baltic states",
    "Horn of Africa", "Sahel", "Korean Peninsula", "Indo-Pacific", "Asia-Pacific", "Donbas",
    "Crimea", "Kashmir", "Gaza Strip", "West Bank",
    # first-level divisions
    "California", "Texas", "Bavaria", "Hokkaido", "Okinawa", "Xinjiang", "Tibet", "Guangdong",
    "Punjab (India)", "Punjab (Pakistan)", "Ontario", "Queensland",
    # cities and countries behind aliases
    "Kyiv", "Kharkiv", "Odesa", "Myanmar", "Netherlands", "United Kingdom", "United States",
    "Turkey", "Czechia", "Ivory Coast", "Mumbai", "Beijing",
]  # fmt: skip


@pytest.mark.parametrize("name", REQUIRED_NAMES)
def test_required_referent_is_covered(name: str) -> None:
    gold.check_required_referent_is_covered(ALL_PLACES, name)


REQUIRED_SURFACES = {
    "East Sea": "Sea of Japan",
    "West Sea": "Yellow Sea",
    "Diaoyu Islands": "Senkaku Islands",
    "Takeshima": "Liancourt Rocks",
    "Dokdo": "Liancourt Rocks",
    "Northern Territories": "Southern Kuril Islands",
    "Malvinas": "Falkland Islands",
    "Falklands": "Falkland Islands",
    "East Europe": "Eastern Europe",
    "western Pacific": "Western Pacific",
    "Pacific": "Pacific Ocean",
    "Kiev": "Kyiv",
    "Odessa": "Odesa",
    "Burma": "Myanmar",
    "Holland": "Netherlands",
    "Britain": "United Kingdom",
    "U.S.": "United States",
    "Türkiye": "Turkey",
    "Czechia": "Czechia",
    "Ivory Coast": "Ivory Coast",
    "Bombay": "Mumbai",
    "Peking": "Beijing",
    "Gulf": "Persian Gulf",
}


@pytest.mark.parametrize(("surface", "name"), sorted(REQUIRED_SURFACES.items()))
def test_alias_surface_is_covered(surface: str, name: str) -> None:
    gold.check_alias_surface_is_covered(ALL_PLACES, surface, name)


NAMESAKES = [
    "Vienna", "Paris", "Georgia", "Cambridge", "Sydney", "Birmingham", "Tripoli", "Alexandria",
    "Perth", "London", "Hyderabad", "Valencia", "Córdoba", "Santiago", "San Jose", "Portland",
    "Springfield", "Punjab",
]  # fmt: skip


@pytest.mark.parametrize("surface", NAMESAKES)
def test_namesake_surface_resolves_to_several_places(surface: str) -> None:
    gold.check_namesake_surface_resolves_to_several_places(ALL_PLACES, surface)


@pytest.mark.parametrize(
    ("passage_id", "needle"),
    [
        ("dev-001", "North Atlantic Treaty Organization"),
        ("dev-001", "Nikkei Asia"),
        ("dev-001", "March"),
        ("dev-010", "Jordan Ellis"),
        ("dev-024", "Mobile phone"),
        ("dev-027", "Reading"),
        ("dev-031", "Thanksgiving turkey"),
        ("dev-034", "Chad Okafor"),
        ("dev-036", "Paris Hilton"),
        ("dev-036", "Washington Post"),
        ("dev-036", "Georgia Lane"),
        ("dev-037", "Asia Pacific Economic Cooperation"),
        ("dev-040", "nice week"),
    ],
)
def test_tricky_strings_are_listed_as_not_places(passage_id: str, needle: str) -> None:
    assert needle in BY_ID[passage_id]["not_places"]


# ---------------------------------------------------------------------------- geography


@pytest.fixture(scope="module")
def countries() -> dict[str, Any]:
    return gold.natural_earth_countries()


def test_points_lie_in_their_country(countries: dict[str, Any]) -> None:
    gold.check_points_lie_in_their_country(ALL_PLACES, countries)


def test_international_water_points_are_off_land(countries: dict[str, Any]) -> None:
    gold.check_international_water_points_are_off_land(ALL_PLACES, countries)


# ---------------------------------------------------------------------------- the guideline


@pytest.mark.parametrize("term", sorted(KINDS | STYLES | TOPICS))
def test_guideline_documents_every_value(term: str) -> None:
    assert f"`{term}`" in GUIDELINES.read_text(encoding="utf-8")


# ---------------------------------------------------------------------------- make_offsets.py

GOOD_SOURCE = """\
# a comment
@ref vienna-at | city | AT | 48.2085 | 16.3721 | Vienna
## dev-001 | wire | geopolitics
[Vienna|vienna-at] hosts talks, <Austrian|AUT> officials said.
Nice work, said one.
@not Nice work
## dev-002 | broadsheet | business
@negative
Nothing here, said <Japanese|JPN> officials.
"""


def test_make_offsets_computes_offsets_across_joined_lines() -> None:
    first, second = make_offsets.records_from_source(GOOD_SOURCE)
    assert first["text"] == "Vienna hosts talks, Austrian officials said. Nice work, said one."
    assert first["places"] == [
        {
            "start": 0,
            "end": 6,
            "text": "Vienna",
            "lat": 48.2085,
            "lon": 16.3721,
            "kind": "city",
            "country": "AT",
            "name": "Vienna",
            "ref": "vienna-at",
        }
    ]
    assert first["actors"] == [{"start": 20, "end": 28, "text": "Austrian", "country": "AUT"}]
    assert first["not_places"] == ["Nice work"]
    assert second["negative"] is True
    assert second["places"] == []
    assert second["actors"] == [{"start": 19, "end": 27, "text": "Japanese", "country": "JPN"}]


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        (GOOD_SOURCE.replace("[Vienna|vienna-at]", "[Vienna|wien]"), "unknown referent 'wien'"),
        (GOOD_SOURCE.replace("[Vienna|vienna-at]", "[Vienna|vienna-at"), "unparsed markup"),
        (GOOD_SOURCE.replace("<Austrian|AUT>", "<Austrian|AT>"), "unparsed markup"),
        (GOOD_SOURCE.replace("| city |", "| town |"), "unknown kind 'town'"),
        (GOOD_SOURCE.replace("| AT |", "| AUT |"), "bad country code 'AUT'"),
        (GOOD_SOURCE.replace("48.2085", "98.2"), "coordinates out of range"),
        (GOOD_SOURCE.replace("@not Nice work", "@not Good work"), "'Good work' does not occur"),
        (GOOD_SOURCE.replace("@not Nice work", "@not Vienna"), "'Vienna' overlaps a place"),
        (GOOD_SOURCE.replace("@negative\n", ""), "not marked @negative"),
        (GOOD_SOURCE.replace("Nothing here", "[Vienna|vienna-at]"), "marked @negative but"),
        (GOOD_SOURCE.replace("dev-002", "dev-001"), "duplicate passage ids"),
        (GOOD_SOURCE.replace("| wire |", "| blog |"), "unknown style 'blog'"),
        (GOOD_SOURCE.replace("[Vienna|vienna-at] hosts", "[Vien|vienna-at]na hosts"), "cuts"),
        (GOOD_SOURCE + "@ref paris | city | FR | 48.85 | 2.35 | Paris\n", "never used: ['paris']"),
        (GOOD_SOURCE.replace("@negative", "@negated"), "unknown directive '@negated'"),
    ],
)
def test_make_offsets_rejects_broken_sources(broken: str, message: str) -> None:
    with pytest.raises(make_offsets.SourceError, match=re.escape(message)):
        make_offsets.records_from_source(broken)


def test_make_offsets_writes_and_checks(tmp_path: Path) -> None:
    source, output = tmp_path / "source.txt", tmp_path / "dev.jsonl"
    source.write_text(GOOD_SOURCE, encoding="utf-8")
    assert make_offsets.main([str(source), str(output), "--check"]) == 1
    assert make_offsets.main([str(source), str(output)]) == 0
    lines = output.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["dev-001", "dev-002"]
    assert make_offsets.main([str(source), str(output), "--check"]) == 0
    output.write_text(output.read_text(encoding="utf-8").replace("Vienna", "Wien"), "utf-8")
    assert make_offsets.main([str(source), str(output), "--check"]) == 1


def test_make_offsets_reports_source_errors_with_exit_code(tmp_path: Path) -> None:
    source = tmp_path / "source.txt"
    source.write_text(GOOD_SOURCE.replace("vienna-at]", "wien]"), encoding="utf-8")
    assert make_offsets.main([str(source), str(tmp_path / "out.jsonl")]) == 2
    assert not (tmp_path / "out.jsonl").exists()
