"""Load the compiled gazetteer and look places up by id, name or position.

The gazetteer is compiled once from registry packages by :mod:`geo.places.build` (``python
-m geo gazetteer build``); :func:`load_gazetteer` builds it on first use when it is missing or
was made by an older version of the code. Loading reads two Parquet files into flat arrays and
one dictionary from name key to places; :class:`Place` records, with their shapes, are made only
for the places that are asked for.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal, get_args

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import shapely
from filelock import FileLock
from shapely.geometry.base import BaseGeometry

from geo.errors import FaultlinesError
from geo.places.geodesy import haversine_km
from geo.places.names import name_key
from geo.settings import default_gazetteer_dir as default_gazetteer_dir

PlaceKind = Literal[
    "country",
    "admin1",
    "admin2",
    "city",
    "sea",
    "ocean",
    "strait",
    "island_group",
    "region",
    "continent",
]
PLACE_KINDS: tuple[str, ...] = get_args(PlaceKind)

#: Cities with fewer people than this are towns (GeoNames cities1000): ranked below every
#: larger place, and taken in running text only with evidence.
TOWN_POPULATION = 15_000

_INDEX_COLUMNS = (
    "id",
    "name",
    "kind",
    "country_codes",
    "admin1",
    "iso3",
    "importance",
    "population",
    "capital",
    "lon",
    "lat",
    "minx",
    "miny",
    "maxx",
    "maxy",
)
_BBOX = ("minx", "miny", "maxx", "maxy")
_FILES = (
    "places.parquet",
    "names.parquet",
    "coasts.parquet",
    "prefixes.txt",
    "common_words.txt",
    "manifest.json",
)


class PlaceNotFoundError(FaultlinesError, KeyError):
    """No place has the id asked for."""


@dataclass(frozen=True, slots=True)
class Place:
    """A named place with its shape.

    Attributes
    ----------
    id
        Stable id: ``ne:country:JPN``, ``ne:sea:sea-of-japan``, ``gn:2761369`` (GeoNames),
        ``un:m49:030`` (UN region), ``fl:senkaku-islands`` (curated by this project).
    name
        English name.
    kind
        One of :data:`PLACE_KINDS`.
    aliases
        Other names it is known by (up to 40).
    country_codes
        ISO 3166-1 alpha-2 codes of the country or countries that administer it (de facto), or
        that a region is made of.
    geometry
        Shape in EPSG:4326 (a point for cities).
    point
        Representative ``(lon, lat)`` inside the shape.
    bbox
        ``(minx, miny, maxx, maxy)``.
    population
        People living there, 0 when unknown or uninhabited.
    disputed_by
        Alpha-2 codes of claimants other than the administering country.
    source
        Where the record and shape come from.
    importance
        Prior probability-like weight (0–1) used to rank same-named places.
    admin1
        GeoNames admin-1 code (``US.VA``) for cities and admin-1 regions, else ``""``.
    capital
        Whether it is a national capital.
    """

    id: str
    name: str
    kind: str
    aliases: tuple[str, ...]
    country_codes: tuple[str, ...]
    geometry: BaseGeometry
    point: tuple[float, float]
    bbox: tuple[float, float, float, float]
    population: int
    disputed_by: tuple[str, ...]
    source: str
    importance: float
    admin1: str = ""
    capital: bool = False

    @property
    def lon(self) -> float:
        """Longitude of the representative point."""
        return self.point[0]

    @property
    def lat(self) -> float:
        """Latitude of the representative point."""
        return self.point[1]


class _NameTable:
    """Name key → places, kept as the flat arrays Parquet stores them in.

    Only a dictionary from key to row is made at load; the places of a key are sliced out of
    the arrays when the key is asked for, so start-up does not pay for names never looked up.
    """

    __slots__ = ("index", "places", "qualities", "text_keys", "text_places", "text_qualities")

    def __init__(self, path: Path) -> None:
        table = pq.ParquetFile(path).read()
        keys: list[str] = table.column("key").to_pylist()
        self.index: dict[str, int] = dict(zip(keys, range(len(keys)), strict=True))
        self.places = _flat_list(table.column("places"))
        self.qualities = _flat_list(table.column("qualities"))
        self.text_places = _flat_list(table.column("text_places"))
        self.text_qualities = _flat_list(table.column("text_qualities"))
        offsets = self.text_places[0]
        has_text = np.flatnonzero(offsets[1:] > offsets[:-1]).tolist()
        self.text_keys: frozenset[str] = frozenset(keys[i] for i in has_text)

    def candidates(self, key: str, *, in_text: bool) -> tuple[tuple[int, float], ...]:
        """Return ``(row, name quality)`` pairs of the places `key` names."""
        number = self.index.get(key)
        if number is None:
            return ()
        (offsets, rows), (_, qualities) = (
            (self.text_places, self.text_qualities) if in_text else (self.places, self.qualities)
        )
        start, end = int(offsets[number]), int(offsets[number + 1])
        if start == end:
            return ()
        return tuple(zip(rows[start:end].tolist(), qualities[start:end].tolist(), strict=True))


def _flat_list(column: pa.ChunkedArray) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Return the offsets and the values of a list column."""
    array = column.combine_chunks()
    return array.offsets.to_numpy(), array.values.to_numpy()


class Gazetteer:
    """The compiled index of places.

    Parameters
    ----------
    directory
        A directory written by :func:`geo.places.build.build_gazetteer`.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.manifest: dict[str, object] = json.loads(
            (directory / "manifest.json").read_text(encoding="utf-8")
        )
        table = pq.ParquetFile(directory / "places.parquet").read(columns=list(_INDEX_COLUMNS))
        self.ids: list[str] = table.column("id").to_pylist()
        self.names: list[str] = table.column("name").to_pylist()
        self.kinds: list[str] = table.column("kind").to_pylist()
        self._country_codes = table.column("country_codes")  # lists made per row until all are
        self.admin1: list[str] = table.column("admin1").to_pylist()
        self.importance: list[float] = table.column("importance").to_pylist()
        self.population: list[int] = table.column("population").to_pylist()
        self.capital: list[bool] = table.column("capital").to_pylist()
        iso3: list[str] = table.column("iso3").to_pylist()
        self.alpha2_by_alpha3 = {code: self.codes_at(i)[0] for i, code in enumerate(iso3) if code}
        self.alpha3_by_alpha2 = {a2: a3 for a3, a2 in self.alpha2_by_alpha3.items()}
        self.lon: list[float] = table.column("lon").to_pylist()
        self.lat: list[float] = table.column("lat").to_pylist()
        self._bounds = table.select(["minx", "miny", "maxx", "maxy"])
        self._index = {place_id: i for i, place_id in enumerate(self.ids)}
        self._places: dict[int, Place] = {}

        words = (directory / "common_words.txt").read_text(encoding="utf-8").split()
        self.common_words: frozenset[str] = frozenset(words)

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, place_id: object) -> bool:
        return place_id in self._index

    @property
    def version(self) -> str:
        """Content hash of the compiled data."""
        return str(self.manifest.get("content_hash", ""))

    def index_of(self, place_id: str) -> int:
        """Return the row number of `place_id`.

        Raises
        ------
        PlaceNotFoundError
            If no place has that id.
        """
        try:
            return self._index[place_id]
        except KeyError:
            msg = f"no place with id {place_id!r} in the gazetteer"
            raise PlaceNotFoundError(msg) from None

    def place(self, place_id: str) -> Place:
        """Return the place with id `place_id`.

        Raises
        ------
        PlaceNotFoundError
            If no place has that id.
        """
        return self.place_at(self.index_of(place_id))

    @cached_property
    def country_codes(self) -> list[list[str]]:
        """Alpha-2 codes of every place, by row, made on first use: drawing a map needs a few."""
        codes: list[list[str]] = self._country_codes.to_pylist()
        return codes

    def codes_at(self, index: int) -> list[str]:
        """Return the alpha-2 codes of the place in row `index` (the first is its country)."""
        if "country_codes" in self.__dict__:  # all made already
            return self.country_codes[index]
        codes: list[str] = self._country_codes[index].as_py()
        return codes

    def get(self, place_id: str) -> Place | None:
        """Return the place with id `place_id`, or None."""
        index = self._index.get(place_id)
        return None if index is None else self.place_at(index)

    def place_at(self, index: int) -> Place:
        """Return the place in row `index`, decoding its shape on first use."""
        cached = self._places.get(index)
        if cached is not None:
            return cached
        row = self._details.slice(index, 1).to_pylist()[0]
        place = Place(
            id=self.ids[index],
            name=self.names[index],
            kind=self.kinds[index],
            aliases=tuple(row["aliases"]),
            country_codes=tuple(self.codes_at(index)),
            geometry=shapely.from_wkb(row["geometry"]),
            point=(float(self.lon[index]), float(self.lat[index])),
            bbox=tuple(float(self._bounds.column(c)[index].as_py()) for c in _BBOX),  # type: ignore[arg-type]
            population=self.population[index],
            disputed_by=tuple(row["disputed_by"]),
            source=row["source"],
            importance=self.importance[index],
            admin1=self.admin1[index],
            capital=self.capital[index],
        )
        self._places[index] = place
        return place

    def coast(self, country_id: str) -> tuple[tuple[float, str], ...]:
        """Return the points just off a country's coast, as (bearing, id of the sea there).

        Laid when the gazetteer was compiled (:mod:`geo.places.coasts`), in the order the
        outline is walked; none for a landlocked country or a place that is not a country.
        """
        return self._coasts.get(country_id, ())

    @cached_property
    def _coasts(self) -> dict[str, tuple[tuple[float, str], ...]]:
        """Country id → its coast's points, read on first use: few articles name a coast."""
        table = pq.ParquetFile(self.directory / "coasts.parquet").read()
        points: dict[str, list[tuple[float, str]]] = {}
        for country, bearing, sea in zip(
            table.column("country").to_pylist(),
            table.column("bearing").to_pylist(),
            table.column("sea").to_pylist(),
            strict=True,
        ):
            points.setdefault(country, []).append((bearing, sea))
        return {country: tuple(found) for country, found in points.items()}

    @cached_property
    def _names(self) -> _NameTable:
        """The name table, read on first use: drawing a map needs only places by id."""
        return _NameTable(self.directory / "names.parquet")

    @cached_property
    def text_prefixes(self) -> frozenset[str]:
        """Every run of leading words of a name recognised in running text ("east china")."""
        words = (self.directory / "prefixes.txt").read_text(encoding="utf-8").split("\n")
        return frozenset(w for w in words if w)

    @cached_property
    def max_text_tokens(self) -> int:
        """The most words in a name recognised in running text."""
        return max((k.count(" ") + 1 for k in self._names.text_keys), default=1)

    @cached_property
    def _details(self) -> pa.Table:
        """The columns only whole :class:`Place` records need, read on first use."""
        return pq.ParquetFile(self.directory / "places.parquet").read(
            columns=["aliases", "disputed_by", "source", "geometry"]
        )

    def candidates(self, name: str) -> tuple[tuple[int, float], ...]:
        """Return ``(row, name quality)`` pairs of every place called `name` (any alias)."""
        return self.candidates_for_key(name_key(name))

    def candidates_for_key(
        self, key: str, *, in_text: bool = False
    ) -> tuple[tuple[int, float], ...]:
        """Return ``(row, name quality)`` pairs for an already folded name key.

        Parameters
        ----------
        key
            A key made by :func:`geo.places.names.name_key`.
        in_text
            Only names that are safe to recognise in running text (no untagged transliterations).
        """
        return self._names.candidates(key, in_text=in_text)

    def has_text_key(self, key: str) -> bool:
        """Return whether `key` is a name recognised in running text."""
        return key in self._names.text_keys

    def text_keys(self) -> Iterator[str]:
        """Yield every name key recognised in running text."""
        return iter(self._names.text_keys)

    def keys(self) -> Sequence[str]:
        """Return every name key (for fuzzy suggestions)."""
        return self._all_keys

    @cached_property
    def _all_keys(self) -> list[str]:
        return sorted(self._names.index)

    def iter_places(self, kind: str | None = None) -> Iterator[Place]:
        """Yield every place, or every place of one kind."""
        for index, place_kind in enumerate(self.kinds):
            if kind is None or place_kind == kind:
                yield self.place_at(index)

    def bounds_at(self, indexes: Sequence[int]) -> np.ndarray[Any, np.dtype[np.float64]]:
        """Return the bounding boxes of rows `indexes` as an ``(n, 4)`` array, shapes undecoded.

        Columns are ``minx, miny, maxx, maxy``, as :attr:`Place.bbox` gives them.
        """
        rows = np.asarray(indexes, dtype="int64")
        columns = [self._bounds.column(c).to_numpy()[rows] for c in _BBOX]
        return np.column_stack(columns).astype("float64", copy=False).reshape(len(rows), 4)

    @cached_property
    def _tree(self) -> shapely.STRtree:
        boxes = shapely.box(*(self._bounds.column(c).to_numpy() for c in _BBOX))
        return shapely.STRtree(boxes)

    def places_containing(
        self, lon: float, lat: float, *, kinds: Sequence[str] = ()
    ) -> list[Place]:
        """Return the places whose shape contains the point, smallest first.

        Parameters
        ----------
        lon, lat
            The point, in degrees.
        kinds
            Only places of these kinds (all kinds when empty). Cities, being points, never
            contain anything.
        """
        point = shapely.Point(lon, lat)
        found = []
        for index in self._tree.query(point):
            if kinds and self.kinds[index] not in kinds:
                continue
            place = self.place_at(int(index))
            if place.geometry.covers(point):
                found.append(place)
        return sorted(found, key=lambda p: (p.geometry.area, p.id))

    def distance_km(self, index: int, lon: float, lat: float) -> float:
        """Great-circle distance from the representative point of row `index` to a point."""
        return haversine_km(float(self.lon[index]), float(self.lat[index]), lon, lat)


def _is_current(directory: Path) -> bool:
    from geo.places.build import SCHEMA_VERSION, inputs_digest

    if not all((directory / name).exists() for name in _FILES):
        return False
    try:
        manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        isinstance(manifest, dict)
        and manifest.get("schema") == SCHEMA_VERSION
        and manifest.get("inputs") == inputs_digest()
    )


def ensure_gazetteer(directory: Path | None = None, *, rebuild: bool = False) -> Path:
    """Return the directory of a current compiled gazetteer, building it if needed.

    Parameters
    ----------
    directory
        Where it is, or should be built; :func:`default_gazetteer_dir` when None.
    rebuild
        Build even when a current one exists.
    """
    from geo.places.build import build_gazetteer

    target = directory or default_gazetteer_dir()
    if not rebuild and _is_current(target):
        return target
    target.mkdir(parents=True, exist_ok=True)
    with FileLock(str(target / ".build.lock")):
        if rebuild or not _is_current(target):  # another process may have built it meanwhile
            print(f"faultlines: compiling the gazetteer into {target} …", file=sys.stderr)
            build_gazetteer(target)
    return target


def load_gazetteer(directory: Path | None = None) -> Gazetteer:
    """Load the compiled gazetteer, compiling it first when it is missing or outdated."""
    return Gazetteer(ensure_gazetteer(directory))
