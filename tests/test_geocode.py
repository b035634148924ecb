import pytest

from geo.places.geocode import GeocodeContext, Geocoder

VIENNA_AT, VIENNA_VA = "gn:2761369", "gn:4791160"


@pytest.mark.parametrize(
    ("name", "place_id"),
    [
        ("Vienna", VIENNA_AT),
        ("vienna", VIENNA_AT),
        ("Wien", VIENNA_AT),
        ("Sea of Japan", "ne:sea:sea-of-japan"),
        ("the Sea of Japan", "ne:sea:sea-of-japan"),
        ("SEA OF JAPAN", "ne:sea:sea-of-japan"),
        ("East Sea", "ne:sea:sea-of-japan"),
        ("East China Sea", "ne:sea:east-china-sea"),
        ("Senkaku Islands", "fl:senkaku-islands"),
        ("Diaoyu Islands", "fl:senkaku-islands"),
        ("Senkakus", "fl:senkaku-islands"),
        ("Ukraine", "ne:country:UKR"),
        ("Kyiv", "gn:703448"),
        ("Kiev", "gn:703448"),
        ("Burma", "ne:country:MMR"),
        ("Holland", "ne:country:NLD"),
        ("western Pacific", "fl:western-pacific"),
        ("the western Pacific", "fl:western-pacific"),
        ("East Asia", "un:m49:030"),
        ("East Europe", "un:m49:151"),
        ("Ivory Coast", "ne:country:CIV"),
        ("Côte d'Ivoire", "ne:country:CIV"),
        ("Cote d'Ivoire", "ne:country:CIV"),
        ("the Philippines", "ne:country:PHL"),
        ("Korean Peninsula", "fl:korean-peninsula"),
        ("Dokdo", "fl:liancourt-rocks"),
        ("Takeshima", "fl:liancourt-rocks"),
        ("Georgia", "ne:country:GEO"),
        ("Tokyo", "gn:1850147"),
        ("Beijing", "gn:1816670"),
    ],
)
def test_names_resolve_to_the_place_an_analyst_means(
    geocoder: Geocoder, name: str, place_id: str
) -> None:
    resolution = geocoder.geocode(name)
    assert resolution is not None, name
    assert resolution.place.id == place_id
    assert 0.0 < resolution.confidence <= 1.0


def test_clear_winners_are_confident_and_ties_are_not(geocoder: Geocoder) -> None:
    vienna = geocoder.geocode("Vienna")
    springfield = geocoder.geocode("Springfield")
    assert vienna is not None
    assert springfield is not None
    assert vienna.confidence >= 0.75
    assert springfield.confidence < 0.6
    assert any(alt.place_id == VIENNA_VA for alt in vienna.alternatives)


def test_country_focus_changes_the_answer(geocoder: Geocoder) -> None:
    us = GeocodeContext(countries={"US": 1.0}, admin1={"US.GA": 1.0})
    resolution = geocoder.geocode("Georgia", context=us)
    assert resolution is not None
    assert (resolution.place.kind, resolution.place.country_codes) == ("admin1", ("US",))


def test_an_explicit_qualifier_wins_over_fame(geocoder: Geocoder) -> None:
    resolution = geocoder.geocode(
        "Vienna", context=GeocodeContext(qualifiers=frozenset({"US.VA", "US"}))
    )
    assert resolution is not None
    assert resolution.place.id == VIENNA_VA
    paris = geocoder.geocode("Paris", context=GeocodeContext(qualifiers=frozenset({"US.TX", "US"})))
    assert paris is not None
    assert paris.place.admin1 == "US.TX"


@pytest.mark.parametrize(
    "name", ["Xqzzyville", "", "   ", "\x00\x01\x02", "x" * 10_000_000, "🙂", "the"]
)
def test_unknown_or_junk_names_give_none(geocoder: Geocoder, name: str) -> None:
    assert geocoder.geocode(name) is None


def test_non_strings_give_none(geocoder: Geocoder) -> None:
    assert geocoder.geocode(None) is None  # type: ignore[arg-type]


def test_suggestions_for_typos_and_prefixes(geocoder: Geocoder) -> None:
    assert geocoder.suggest("Senkaku")[0].place_id == "fl:senkaku-islands"
    assert VIENNA_AT in [s.place_id for s in geocoder.suggest("Viena")]
    assert "ne:country:UKR" in [s.place_id for s in geocoder.suggest("Ukriane")]
    assert geocoder.suggest("") == []
    assert geocoder.suggest("x" * 10_000_000) == []
