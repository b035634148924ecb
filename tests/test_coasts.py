"""The points off every coast are laid once, when the gazetteer is compiled, as each process did."""

import math

import pyarrow as pa
import pytest
import shapely

from geo.events.seas import country_ids, sea_off
from geo.places.coasts import COAST_SCHEMA, SEA_KINDS, coast_table, country_rows
from geo.places.gazetteer import Gazetteer


def points_laid_one_by_one(gazetteer: Gazetteer, country_id: str) -> list[tuple[float, str]]:
    """The rule, point by point, through the gazetteer's own lookup of the water at a point."""
    land = shapely.simplify(gazetteer.place(country_id).geometry, 0.05)
    outline = land.buffer(0.25).boundary
    shore = land.boundary
    found = []
    for line in getattr(outline, "geoms", [outline]):
        steps = max(4, int(line.length / 0.25))
        for step in range(steps):
            point = line.interpolate(step / steps, normalized=True)
            waters = gazetteer.places_containing(point.x, point.y, kinds=SEA_KINDS)
            if waters:
                nearest = shore.interpolate(shore.project(point))
                bearing = math.degrees(math.atan2(point.x - nearest.x, point.y - nearest.y))
                found.append((bearing % 360, waters[0].id))
    return found


@pytest.mark.parametrize("code", ["JP", "VN", "PH", "GR", "CU", "SG"])
def test_compiled_coast_is_the_rule_applied_point_by_point(gazetteer: Gazetteer, code: str) -> None:
    country = country_ids(gazetteer)[code]
    compiled = gazetteer.coast(country)
    assert compiled
    assert list(compiled) == points_laid_one_by_one(gazetteer, country)


def test_landlocked_country_and_other_places_have_no_coast(gazetteer: Gazetteer) -> None:
    assert gazetteer.coast(country_ids(gazetteer)["AT"]) == ()
    assert gazetteer.coast("ne:sea:sea-of-japan") == ()
    assert gazetteer.coast("no such place") == ()


def test_every_country_with_a_coast_is_in_the_table(gazetteer: Gazetteer) -> None:
    countries = set(country_ids(gazetteer).values())
    coasts = {c for c in countries if gazetteer.coast(c)}
    assert coasts <= countries
    assert len(coasts) > 150
    waters = {sea for c in coasts for _, sea in gazetteer.coast(c)}
    assert all(gazetteer.place(sea).kind in SEA_KINDS for sea in waters)


def test_sea_off_reads_the_compiled_coast(gazetteer: Gazetteer) -> None:
    japan = gazetteer.place(country_ids(gazetteer)["JP"])
    west = sea_off(gazetteer, japan, side="west")
    assert west is not None
    assert west.id == "ne:sea:sea-of-japan"


def test_country_rows_prefer_a_natural_earth_country() -> None:
    ids = ["fl:somewhere", "ne:country:XYZ", "fl:other", "ne:sea:x"]
    kinds = ["country", "country", "country", "sea"]
    codes = [["XY"], ["XY"], ["XY"], ["XY"]]
    assert country_rows(ids, kinds, codes) == {"XY": 1}
    assert country_rows(["fl:a", "fl:b"], ["country", "country"], [["AB"], None]) == {"AB": 0}


def test_coast_table_of_an_island_in_a_sea() -> None:
    island = shapely.box(10.0, 10.0, 11.0, 11.0)
    sea = shapely.box(5.0, 5.0, 16.0, 16.0)
    ocean = shapely.box(0.0, 0.0, 20.0, 20.0)
    places = pa.table(
        {
            "id": ["c:island", "w:sea", "w:ocean"],
            "kind": ["country", "sea", "ocean"],
            "country_codes": [["IS"], [], []],
            "geometry": [shapely.to_wkb(g) for g in (island, sea, ocean)],
        }
    )
    table = coast_table(places)
    assert table.schema == COAST_SCHEMA
    assert set(table.column("country").to_pylist()) == {"c:island"}
    assert set(table.column("sea").to_pylist()) == {"w:sea"}  # the smallest water holding them
    bearings = table.column("bearing").to_pylist()
    assert min(bearings) >= 0
    assert max(bearings) < 360
    assert len(bearings) >= 16
