"""Validate the geoparser held-out set in tests/data/geoparse/.

The held-out set follows the development set's format and guideline but was written apart from
it and is never used to tune the place finder or the geocoder. It is regenerated with::

    .venv/bin/python tests/data/geoparse/make_offsets.py \
        tests/data/geoparse/heldout_source.txt tests/data/geoparse/heldout.jsonl

The checks it shares with the development set are in ``tests/geoparse_gold.py``; this module
adds the checks that keep the two sets apart.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests import geoparse_gold as gold

DATA = gold.DATA
HELDOUT = DATA / "heldout.jsonl"
SOURCE = DATA / "heldout_source.txt"
DEV = DATA / "dev.jsonl"

# Abbreviations whose full stop does not end a sentence.
ABBREVIATION = re.compile(r"\b(?:Ont|Fla|Ore|B\.C|N\.H|U\.S)\.")

RECORDS = gold.load_records(HELDOUT)
DEV_RECORDS = gold.load_records(DEV)
BY_ID = {record["id"]: record for record in RECORDS}
ALL_PLACES = gold.places_of(RECORDS)
DEV_PLACES = [place for _, place in gold.places_of(DEV_RECORDS)]


# ---------------------------------------------------------------------------- the file as a whole


def test_file_is_what_the_source_produces() -> None:
    gold.check_file_is_what_the_source_produces(
        HELDOUT, SOURCE, "rerun make_offsets.py on the source"
    )


def test_set_has_thirty_passages_and_enough_places() -> None:
    assert len(RECORDS) == 30
    assert len(ALL_PLACES) >= 250
    assert len({place["ref"] for _, place in ALL_PLACES}) >= 150


def test_ids_are_unique_well_formed_ordered_and_apart_from_the_dev_set() -> None:
    gold.check_ids_are_unique_well_formed_and_ordered(RECORDS, r"dev-1\d{2}")
    ids = [record["id"] for record in RECORDS]
    assert set(ids).isdisjoint(record["id"] for record in DEV_RECORDS)


def test_no_sentence_is_shared_with_the_dev_set() -> None:
    # Headings such as "Summary." and "FOR IMMEDIATE RELEASE." are boilerplate of a style.
    dev_sentences = {
        s for record in DEV_RECORDS for s in gold.sentences(record["text"], ABBREVIATION)
    }
    shared = [
        s
        for record in RECORDS
        for s in gold.sentences(record["text"], ABBREVIATION)
        if s in dev_sentences and len(s.split()) >= 4
    ]
    assert shared == []


def test_every_style_is_represented() -> None:
    gold.check_every_style_is_represented(RECORDS)


def test_most_passages_are_geopolitical_with_some_other_news() -> None:
    gold.check_most_passages_are_geopolitical(RECORDS, every_topic=True)


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
def test_spans_do_not_overlap_and_are_in_text_order(record: dict[str, Any]) -> None:
    gold.check_spans_do_not_overlap(record, places_in_text_order=True)


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


def test_referent_keys_shared_with_the_dev_set_describe_the_same_place() -> None:
    dev = {place["ref"]: gold.description(place) for place in DEV_PLACES}
    differing = sorted(
        place["ref"]
        for _, place in ALL_PLACES
        if place["ref"] in dev and dev[place["ref"]] != gold.description(place)
    )
    assert differing == []


def test_namesake_referents_are_really_different_places() -> None:
    gold.check_namesake_referents_are_really_different_places(
        [place for _, place in ALL_PLACES] + DEV_PLACES
    )


def test_actor_codes_are_consistent_per_surface_across_both_sets() -> None:
    gold.check_actor_codes_are_consistent_per_surface(RECORDS + DEV_RECORDS)


REQUIRED_NAMES = [
    # seas, oceans, straits and regions the development set covers little or not at all
    "Andes", "Caribbean", "Patagonia", "Gulf of Guinea", "Arabian Sea", "Bay of Bengal",
    "Tasman Sea", "Coral Sea", "Gulf of Bothnia", "Mozambique Channel", "Horn of Africa",
    "Central Asia", "Sahel", "Central Europe", "East Africa", "Arctic", "Fergana Valley",
    # contested and border areas
    "Essequibo", "Arunachal Pradesh", "Doklam", "Galwan Valley", "Liptako-Gourma",
    # one country or territory per under-covered region
    "Guyana", "Bolivia", "Bangladesh", "Tajikistan", "Qatar", "Kuwait", "Seychelles", "Sudan",
    "Equatorial Guinea", "Solomon Islands", "Tonga", "Iceland", "Faroe Islands",
    "Åland Islands", "Hungary", "Kenya", "South Africa", "Canada", "Bermuda",
]  # fmt: skip


@pytest.mark.parametrize("name", REQUIRED_NAMES)
def test_required_referent_is_covered(name: str) -> None:
    gold.check_required_referent_is_covered(ALL_PLACES, name)


REQUIRED_SURFACES = {
    "Guayana Esequiba": "Essequibo",
    "Chittagong": "Chattogram",
    "Zangnan": "Arunachal Pradesh",
    "South Tibet": "Arunachal Pradesh",
    "Arabian Gulf": "Persian Gulf",
    "Gulf": "Persian Gulf",
    "Ahvenanmaa": "Åland Islands",
    "Åland": "Åland Islands",
    "Pressburg": "Bratislava",
    "Tombouctou": "Timbuktu",
    "America": "United States",
    "U.S.": "United States",
    "Britain": "United Kingdom",
    "UAE": "United Arab Emirates",
    "Côte d’Ivoire": "Ivory Coast",
    "Ont.": "Ontario",
    "B.C.": "British Columbia",
}


@pytest.mark.parametrize(("surface", "name"), sorted(REQUIRED_SURFACES.items()))
def test_alias_surface_is_covered(surface: str, name: str) -> None:
    gold.check_alias_surface_is_covered(ALL_PLACES, surface, name)


NAMESAKES = [
    "Kingston", "Hamilton", "Victoria", "Salem", "Richmond", "Newcastle", "Santa Cruz",
    "Barcelona", "Granada", "Melbourne", "León", "Manchester",
]  # fmt: skip


@pytest.mark.parametrize("surface", NAMESAKES)
def test_namesake_surface_resolves_to_several_places(surface: str) -> None:
    gold.check_namesake_surface_resolves_to_several_places(ALL_PLACES, surface)


def test_hamilton_resolves_to_three_countries() -> None:
    countries = {
        place["country"] for _, place in ALL_PLACES if gold.fold(place["text"]) == "hamilton"
    }
    assert countries == {"NZ", "CA", "BM"}


@pytest.mark.parametrize(
    ("passage_id", "needle"),
    [
        ("dev-101", "Caribbean Community"),
        ("dev-102", "Andes Capital Partners"),
        ("dev-103", "Lewis Hamilton"),
        ("dev-104", "Toronto Argonauts"),
        ("dev-106", "Central Asian"),
        ("dev-108", "Gulf News"),
        ("dev-110", "Court of Appeal for British Columbia"),
        ("dev-111", "Indian Ocean Commission"),
        ("dev-116", "Bank of Canada"),
        ("dev-116", "hope"),
        ("dev-117", "Sydney Morning Herald"),
        ("dev-117", "orange"),
        ("dev-118", "Adelaide Brooks"),
        ("dev-119", "Visegrád Group"),
        ("dev-123", "Air India"),
        ("dev-124", "Arctic Council"),
        ("dev-125", "battle"),
        ("dev-125", "Battle of Hastings"),
        ("dev-126", "Chelsea Clinton"),
        ("dev-126", "Brooklyn Beckham"),
        ("dev-126", "Adelaide Kane"),
        ("dev-126", "Inter Milan"),
        ("dev-126", "split"),
        ("dev-126", "Orange"),
        ("dev-127", "Bank of England"),
        ("dev-128", "Manchester United"),
        ("dev-130", "Durban Declaration"),
    ],
)
def test_tricky_strings_are_listed_as_not_places(passage_id: str, needle: str) -> None:
    assert needle in BY_ID[passage_id]["not_places"]


@pytest.mark.parametrize(
    ("passage_id", "surface", "name"),
    [
        ("dev-113", "Niger Delta", "Niger Delta"),
        ("dev-113", "Guinea-Bissau", "Guinea-Bissau"),
        ("dev-113", "Equatorial Guinea", "Equatorial Guinea"),
        ("dev-112", "South Sudan", "South Sudan"),
        ("dev-112", "Port Sudan", "Port Sudan"),
        ("dev-105", "West Bengal", "West Bengal"),
    ],
)
def test_longest_name_wins(passage_id: str, surface: str, name: str) -> None:
    assert any(
        place["text"] == surface and place["name"] == name for place in BY_ID[passage_id]["places"]
    )


@pytest.mark.parametrize(
    ("passage_id", "language_word"),
    [("dev-107", "Swedish-speaking"), ("dev-107", "in Finnish")],
)
def test_language_words_are_not_actors(passage_id: str, language_word: str) -> None:
    record = BY_ID[passage_id]
    start = record["text"].index(language_word)
    end = start + len(language_word)
    assert all(a["end"] <= start or end <= a["start"] for a in record["actors"])


# ---------------------------------------------------------------------------- geography


@pytest.fixture(scope="module")
def countries() -> dict[str, Any]:
    return gold.natural_earth_countries()


def test_points_lie_in_their_country(countries: dict[str, Any]) -> None:
    gold.check_points_lie_in_their_country(ALL_PLACES, countries)


def test_international_water_points_are_off_land(countries: dict[str, Any]) -> None:
    gold.check_international_water_points_are_off_land(ALL_PLACES, countries)
