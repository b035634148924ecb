from hypothesis import given, settings
from hypothesis import strategies as st

from geo.text.mentions import Mentions, PlaceFinder

FOUNDING_PLACES = [
    ("Japan", "ne:country:JPN"),
    ("Asia", "un:m49:142"),
    ("Russia", "ne:country:RUS"),
    ("Ukraine", "ne:country:UKR"),
    ("Russia", "ne:country:RUS"),
    ("Ukraine", "ne:country:UKR"),
    ("Europe", "un:m49:150"),
    ("Japan", "ne:country:JPN"),
    ("Russia", "ne:country:RUS"),
    ("Ukraine", "ne:country:UKR"),
    ("East Europe", "un:m49:151"),
    ("East Europe", "un:m49:151"),
    ("Pacific", "fl:pacific-ocean"),
    ("East Asia", "un:m49:030"),
    ("Japan", "ne:country:JPN"),
    ("Asia Pacific", "fl:asia-pacific"),
    ("Japan", "ne:country:JPN"),
    ("Japan", "ne:country:JPN"),
    ("Ukraine", "ne:country:UKR"),
    ("Vienna", "gn:2761369"),
    ("Japan", "ne:country:JPN"),
    ("South Korea", "ne:country:KOR"),
    ("Australia", "ne:country:AUS"),
    ("New Zealand", "ne:country:NZL"),
    ("Japan", "ne:country:JPN"),
    ("Japan", "ne:country:JPN"),
    ("Russia", "ne:country:RUS"),
    ("Ukraine", "ne:country:UKR"),
    ("Europe", "un:m49:150"),
    ("Finland", "ne:country:FIN"),
    ("Sweden", "ne:country:SWE"),
    ("Finland", "ne:country:FIN"),
    ("Japan", "ne:country:JPN"),
    ("South Korea", "ne:country:KOR"),
    ("Japan", "ne:country:JPN"),
    ("Tokyo", "gn:1850147"),
    ("North Korea", "ne:country:PRK"),
    ("China", "ne:country:CHN"),
    ("China", "ne:country:CHN"),
    ("Japan", "ne:country:JPN"),
    ("Senkaku Islands", "fl:senkaku-islands"),
    ("East China Sea", "ne:sea:east-china-sea"),
    ("Japan", "ne:country:JPN"),
    ("Japan", "ne:country:JPN"),
    ("Russia", "ne:country:RUS"),
    ("western Pacific", "fl:western-pacific"),
    ("Japan", "ne:country:JPN"),
    ("Sea of Japan", "ne:sea:sea-of-japan"),
    ("East Sea", "ne:sea:sea-of-japan"),
    ("Ukraine", "ne:country:UKR"),
    ("Japan", "ne:country:JPN"),
    ("China", "ne:country:CHN"),
    ("Tokyo", "gn:1850147"),
    ("Beijing", "gn:1816670"),
]


def places_of(mentions: Mentions) -> list[tuple[str, str]]:
    return [(m.text, m.place.id) for m in mentions.places]


def test_founding_article_every_place_found_none_invented(
    finder: PlaceFinder, founding_text: str
) -> None:
    mentions = finder.find(founding_text)
    assert places_of(mentions) == FOUNDING_PLACES
    for mention in mentions.places:
        assert founding_text[mention.start : mention.end] == mention.text


def test_founding_article_actors(finder: PlaceFinder, founding_text: str) -> None:
    actors = {(a.text, a.actor) for a in finder.find(founding_text).actors}
    assert {("Russian", "RUS"), ("Chinese", "CHN"), ("Japanese", "JPN"), ("NATO", "NATO")} <= actors
    assert ("North Atlantic Treaty Organization", "NATO") in actors


def test_multi_word_names_win_over_their_parts(finder: PlaceFinder) -> None:
    text = "Ships crossed the East China Sea toward the Sea of Japan and New Zealand."
    assert places_of(finder.find(text)) == [
        ("East China Sea", "ne:sea:east-china-sea"),
        ("Sea of Japan", "ne:sea:sea-of-japan"),
        ("New Zealand", "ne:country:NZL"),
    ]


def test_places_inside_organisation_and_outlet_names_are_not_places(finder: PlaceFinder) -> None:
    text = (
        "The North Atlantic Treaty Organization met. Nikkei Asia first reported it, and the "
        "Asia-Pacific Economic Cooperation forum and the Washington Post followed."
    )
    assert places_of(finder.find(text)) == []


def test_months_common_words_and_people_are_not_places(finder: PlaceFinder) -> None:
    text = (
        "In March, Reading the report was hard. Nice work, said Paris Hilton and Michael Jordan. "
        "Mobile phones were banned in May."
    )
    assert places_of(finder.find(text)) == []


def test_common_word_towns_after_a_locative_preposition(finder: PlaceFinder) -> None:
    found = places_of(finder.find("She grew up in Reading and later moved to Nice."))
    assert [text for text, _ in found] == ["Reading", "Nice"]


def test_demonyms_are_actors_not_places(finder: PlaceFinder) -> None:
    mentions = finder.find(
        "Russian warships sailed off the Japanese coast with Chinese and North Korean observers."
    )
    assert mentions.places == ()
    assert [(a.text, a.actor) for a in mentions.actors] == [
        ("Russian", "RUS"),
        ("Japanese", "JPN"),
        ("Chinese", "CHN"),
        ("North Korean", "PRK"),
    ]


def test_qualified_namesakes(finder: PlaceFinder) -> None:
    found = places_of(finder.find("He drove from Vienna, Virginia, to Paris, Texas, last week."))
    ids = dict(found)
    assert ids["Vienna"] == "gn:4791160"
    assert finder.gazetteer.place(ids["Paris"]).admin1 == "US.TX"


def test_article_context_disambiguates(finder: PlaceFinder) -> None:
    us = finder.find("Atlanta and Savannah braced for the storm as Georgia declared an emergency.")
    assert dict(places_of(us))["Georgia"] != "ne:country:GEO"
    caucasus = finder.find("Tbilisi said Georgia would not join the talks with Armenia.")
    assert dict(places_of(caucasus))["Georgia"] == "ne:country:GEO"


def test_headlines_in_title_case(finder: PlaceFinder) -> None:
    found = places_of(finder.find("Japan In Talks To Open NATO Office In Tokyo\n\nBody text."))
    assert [text for text, _ in found] == ["Japan", "Tokyo"]


def test_possessives_and_aliases(finder: PlaceFinder) -> None:
    found = places_of(finder.find("Japan's coast guard and Kiev's mayor met in Burma."))
    assert found == [
        ("Japan", "ne:country:JPN"),
        ("Kiev", "gn:703448"),
        ("Burma", "ne:country:MMR"),
    ]


def test_empty_and_non_text_input(finder: PlaceFinder) -> None:
    assert finder.find("") == Mentions((), ())
    assert finder.find("   \n") == Mentions((), ())
    assert finder.find(None) == Mentions((), ())  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_arbitrary_unicode_never_raises_and_offsets_hold(finder: PlaceFinder, text: str) -> None:
    mentions = finder.find(text)
    for mention in [*mentions.places, *mentions.actors]:
        assert text[mention.start : mention.end] == mention.text


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "Japan",
                "the",
                "Sea",
                "of",
                "East",
                "China",
                "’s",
                "-",
                ".",
                " ",
                "\u200b",
                "\u202e",
                "U.S.",
                "\n",
            ]
        ),
        max_size=40,
    )
)
def test_name_fragments_never_raise(finder: PlaceFinder, parts: list[str]) -> None:
    text = " ".join(parts)
    for mention in finder.find(text).places:
        assert text[mention.start : mention.end] == mention.text
