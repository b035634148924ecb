"""Compile the offline gazetteer from the pinned sources and the project's curated files.

The registry packages are read by :mod:`geo.places.sources`; this module adds the project's
own ``data/curated_places.toml`` (island groups, disputed lands, regions news uses, each shape
made from islets, polygons, countries or other places) and ``data/aliases.toml`` and
``data/abbreviations.toml`` (exonyms, other names, postal abbreviations), ranks every place by
importance and writes the compiled files.

The output is a directory of files: ``places.parquet`` (one row a place, geometry as WKB),
``names.parquet`` (one row a name key → places), ``coasts.parquet`` (points just off every
country's coast and the sea each lies in, :mod:`geo.places.coasts`), ``prefixes.txt`` (the
word prefixes of every name recognised in running text, which the finder needs at start-up),
``common_words.txt`` and a ``manifest.json`` with the source versions, counts and a content
hash. Running the build twice
on the same sources gives byte-identical parquet files.
"""

from __future__ import annotations

import hashlib
import json
import math
import tomllib
from collections import defaultdict
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import shapely
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

from geo.places import coasts, sources
from geo.places.coasts import coast_table
from geo.places.gazetteer import TOWN_POPULATION
from geo.places.geodesy import buffer_km
from geo.places.names import ABBREVIATION_MARK, hyphenated_pair, name_key
from geo.places.sources import (
    CURATED_ALIAS,
    PRIMARY,
    SOURCE_PACKAGES,
    SPELLING,
    DraftPlace,
    GazetteerBuildError,
)

__all__ = ["SCHEMA_VERSION", "build_gazetteer", "inputs_digest"]

#: Version of the compiled format; bump when columns change so old builds are rebuilt.
SCHEMA_VERSION = 8

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
CURATED_PLACES = DATA_DIR / "curated_places.toml"
ALIASES = DATA_DIR / "aliases.toml"
ABBREVIATIONS = DATA_DIR / "abbreviations.toml"

_CITY_CEILING = 0.88
_BUILD_CODE = (Path(__file__), Path(sources.__file__), Path(coasts.__file__))
"""The modules whose code makes the compiled files: a change to any of them outdates them."""


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


def _curated_shape(
    record: dict[str, Any], by_id: dict[str, DraftPlace], land: BaseGeometry
) -> BaseGeometry:
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


def _curated(by_id: dict[str, DraftPlace], land: BaseGeometry) -> list[DraftPlace]:
    places = []
    for record in _read_toml(CURATED_PLACES).get("place", []):
        place = DraftPlace(
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


def _apply_aliases(places: list[DraftPlace]) -> None:
    by_id = {p.id: p for p in places}
    cities: dict[tuple[str, str], DraftPlace] = {}
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


def _rows(places: list[DraftPlace]) -> tuple[pa.Table, pa.Table]:
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
            paired = hyphenated_pair(key)
            if paired is not None:  # "Sistan-Baluchestan", "Bosnia-Herzegovina"
                name_rows.setdefault((paired, index), (SPELLING, in_text, name))
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


def _check_unique(places: Iterable[DraftPlace]) -> None:
    seen: set[str] = set()
    for place in places:
        if place.id in seen:
            msg = f"two places share the id {place.id!r}"
            raise GazetteerBuildError(msg)
        seen.add(place.id)


def inputs_digest() -> str:
    """Return a hash of everything the build reads from this repository.

    The curated files and the build's own code (this module and :mod:`geo.places.sources`):
    when any of them changes, a compiled gazetteer is out of date even though its schema
    version is the same.
    """
    digest = hashlib.sha256(json.dumps(SOURCE_PACKAGES, sort_keys=True).encode())
    for path in (*_BUILD_CODE, CURATED_PLACES, ALIASES, ABBREVIATIONS):
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
    countries = sources.read_countries()
    land = shapely.union_all([c.geometry for c in countries])
    places: list[DraftPlace] = [*countries, *sources.read_seas()]
    places += sources.read_regions(countries)
    places += sources.read_admin1()
    common = sources.read_common_words()
    places += sources.read_cities(frozenset(common))
    sources.name_regions_after_seats([p for p in places if p.kind == "admin1"], places)
    places += sources.read_towns({p.id for p in places})
    known = {p.id for p in places}
    places += [p for p in sources.read_admin2() if p.id not in known]
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
    coasts_table = coast_table(places_table)

    out_dir.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    for filename, table in (
        ("places.parquet", places_table),
        ("names.parquet", names_table),
        ("coasts.parquet", coasts_table),
    ):
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
