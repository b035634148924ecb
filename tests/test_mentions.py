from hypothesis import given, settings
from hypothesis import strategies as st

from geo.text.mention_records import Mentions
from geo.text.mentions import PlaceFinder

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


def test_country_focus_alone_does_not_pick_a_little_known_namesake(finder: PlaceFinder) -> None:
    text = (
        "The American and Russian presidents met in Geneva on Wednesday. Officials in "
        "Washington said the talks were useful; Moscow called them constructive. "
        "Russian diplomats stayed in Geneva for a second day."
    )
    ids = dict(places_of(finder.find(text)))
    assert finder.gazetteer.place(ids["Geneva"]).country_codes == ("CH",)
    # the region or places near a namesake still speak for it
    local = "Fairfax County police closed roads near Vienna and Reston, Virginia, on Monday."
    vienna = dict(places_of(finder.find(local)))["Vienna"]
    assert finder.gazetteer.place(vienna).admin1 == "US.VA"


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


def embedded_of(mentions: Mentions) -> list[tuple[str, str, str]]:
    return [(m.text, m.place.id, m.role) for m in mentions.embedded]


def test_place_inside_an_organisation_name_is_an_embedded_mention(finder: PlaceFinder) -> None:
    text = (
        "Researchers at the University of Toronto told The Vancouver Sun that the Jamaica "
        "Tourist Board had not replied."
    )
    mentions = finder.find(text)
    assert places_of(mentions) == []
    assert [(t, r) for t, _, r in embedded_of(mentions)] == [
        ("Toronto", "organisation"),
        ("Vancouver", "organisation"),
        ("Jamaica", "organisation"),
    ]
    assert embedded_of(mentions)[2][1] == "ne:country:JAM"


def test_actor_organisations_name_no_place(finder: PlaceFinder) -> None:
    mentions = finder.find("The North Atlantic Treaty Organization met the European Union.")
    assert places_of(mentions) == []
    assert embedded_of(mentions) == []


def test_demonym_before_a_territorial_noun_stands_for_the_country(finder: PlaceFinder) -> None:
    text = "Shelling hit villages near the Syrian-Lebanese border, and Russian warships sailed."
    mentions = finder.find(text)
    assert [(t, i, r) for t, i, r in embedded_of(mentions)] == [
        ("Syrian", "ne:country:SYR", "modifier"),
        ("Lebanese", "ne:country:LBN", "modifier"),
    ]
    assert ("Russian", "RUS") in {(a.text, a.actor) for a in mentions.actors}


def test_demonym_in_an_organisation_name(finder: PlaceFinder) -> None:
    mentions = finder.find("Troops of the Nigerian Army moved north on Monday.")
    assert embedded_of(mentions) == [("Nigerian", "ne:country:NGA", "organisation")]


def test_person_from_a_place_keeps_the_place(finder: PlaceFinder) -> None:
    text = "The hearing was led by Joseph Welch of Richmond, who questioned the witness."
    assert [t for t, _ in places_of(finder.find(text))] == ["Richmond"]


def test_town_names_used_as_surnames_are_not_places(finder: PlaceFinder) -> None:
    text = (
        "The coach, Ashley Sutton, praised the defence. Sutton said the team was ready. "
        "Mr. Tyler declined to comment, and Hopkins said little. Later the squad flew to Sutton."
    )
    found = [m.text for m in finder.find(text).places]
    assert found == ["Sutton"]  # only "to Sutton", a location


def test_big_cities_still_speak_for_governments(finder: PlaceFinder) -> None:
    text = "Moscow said the talks had failed, and Beijing says it will respond."
    assert [t for t, _ in places_of(finder.find(text))] == ["Moscow", "Beijing"]


def test_town_taken_with_a_locative_or_a_qualifier(finder: PlaceFinder) -> None:
    text = (
        "Firefighters from Waldwick, New Jersey, joined crews in Glen Rock on Sunday. "
        "Waldwick officials said the fire was contained."
    )
    found = [(m.text, m.place.admin1) for m in finder.find(text).places]
    assert ("Waldwick", "US.NJ") in found
    assert ("Glen Rock", "US.NJ") in found
    assert [t for t, _ in found].count("Waldwick") == 2  # the second by the first


def test_a_town_shelled_or_captured_is_a_place_whoever_did_it(finder: PlaceFinder) -> None:
    # the demonym names who shelled it, not the country the text is about
    text = "Russian forces shelled Orikhiv overnight, the regional governor said."
    assert [(m.text, m.place.country_codes) for m in finder.find(text).places] == [
        ("Orikhiv", ("UA",))
    ]


def test_a_small_city_far_from_the_texts_places_and_countries_is_a_namesake(
    finder: PlaceFinder,
) -> None:
    # "Kobani" is also an alternate name of a town in Tanzania; nothing else here is near it
    text = "Turkish drones struck Kurdish positions around Kobani in Aleppo governorate."
    found = [(m.text, m.place.country_codes) for m in finder.find(text).places]
    assert all(codes != ("TZ",) for _, codes in found)
    # a small city among the text's places stays
    text = "Drones struck Orikhiv and Tokmak in Zaporizhzhia oblast overnight."
    assert {m.text for m in finder.find(text).places} >= {"Orikhiv", "Tokmak"}


def test_names_with_the_arabic_article_and_english_region_names(finder: PlaceFinder) -> None:
    text = "Clashes erupted in Deir ez-Zor, while rebels attacked a base in Lower Shabelle."
    assert [(m.text, m.place.kind) for m in finder.find(text).places] == [
        ("Deir ez-Zor", "city"),
        ("Lower Shabelle", "admin1"),
    ]


def test_a_region_named_with_its_lower_case_kind(finder: PlaceFinder) -> None:
    text = "Fighting spread across northern Shan state, and gunmen raided villages in Kaduna state."
    assert [(m.text, m.place.kind) for m in finder.find(text).places] == [
        ("Shan state", "admin1"),
        ("Kaduna state", "admin1"),
    ]


def test_town_without_evidence_or_nearby_places_is_not_taken(finder: PlaceFinder) -> None:
    text = "Tenafly is a word in this sentence and nothing else is a place."
    assert finder.find(text).places == ()


def test_town_near_the_texts_other_places_is_taken(finder: PlaceFinder) -> None:
    text = "Police in Paterson, New Jersey, said the driver fled. Tenafly police later found him."
    found = {m.text: m.place.admin1 for m in finder.find(text).places}
    assert found.get("Tenafly") == "US.NJ"


def test_dateline_is_evidence_for_a_town(finder: PlaceFinder) -> None:
    text = "TENAFLY — Volunteers cleared the brook on Monday."
    found = [(m.text, m.place.admin1) for m in finder.find(text).places]
    assert found == [("TENAFLY", "US.NJ")]


def test_county_is_a_division_not_its_namesake_city(finder: PlaceFinder) -> None:
    text = "Deputies in Lexington County, South Carolina, closed two roads."
    first = finder.find(text).places[0]
    assert (first.text, first.place.kind, first.place.admin1) == (
        "Lexington County",
        "admin2",
        "US.SC",
    )


def test_parenthesised_abbreviation_qualifies_a_county(finder: PlaceFinder) -> None:
    text = "The Walker County (Ga.) sheriff asked for help."
    first = finder.find(text).places[0]
    assert (first.text, first.place.admin1) == ("Walker County", "US.GA")


def test_a_town_never_outranks_the_country_of_its_name(finder: PlaceFinder) -> None:
    text = "Officials in Missouri and Kansas said trade with Mexico and China had slowed."
    ids = {m.text: m.place.id for m in finder.find(text).places}
    assert ids["Mexico"] == "ne:country:MEX"
    assert ids["China"] == "ne:country:CHN"


def test_place_inside_an_outlet_or_firm_of_the_vocabulary_is_embedded(
    finder: PlaceFinder,
) -> None:
    mentions = finder.find("The Washington Post said Air France and British Airways cut flights.")
    assert places_of(mentions) == []
    assert embedded_of(mentions) == [
        ("Washington", "gn:4140963", "organisation"),
        ("France", "ne:country:FRA", "organisation"),
        ("British", "ne:country:GBR", "organisation"),
    ]
    assert {"WASHINGTON-POST", "AIR-FRANCE", "BRITISH-AIRWAYS"} <= {
        a.actor for a in mentions.actors
    }


def test_translated_alternate_names_are_not_read_in_text(finder: PlaceFinder) -> None:
    text = "The White House said Mr. Chen would visit."
    assert finder.find(text).places == ()


def test_named_regions_and_big_cities_are_not_dictionary_words(finder: PlaceFinder) -> None:
    text = "Montana offered to pay more. Boston and Denver were next, officials said."
    assert [t for t, _ in places_of(finder.find(text))] == ["Montana", "Boston", "Denver"]


def test_city_before_a_team_name_is_embedded(finder: PlaceFinder) -> None:
    text = (
        "The Houston Rockets beat the Phoenix Suns in the last minute of a tense game on "
        "Sunday night, said the team's coach, Elizabeth Myles."
    )
    assert embedded_of(finder.find(text)) == [
        ("Houston", "gn:4699066", "organisation"),
        ("Phoenix", "gn:5308655", "organisation"),
    ]


def test_country_inside_a_company_name_is_embedded(finder: PlaceFinder) -> None:
    text = "Shares of Kenya Holdings Limited rose on Monday."
    assert embedded_of(finder.find(text)) == [("Kenya", "ne:country:KEN", "organisation")]


def test_other_spellings_of_a_city_are_read_in_text(finder: PlaceFinder) -> None:
    text = "Shelling hit Kupiansk overnight; in Kupyansk the power failed."
    assert {m.place.id for m in finder.find(text).places} == {"gn:703656"}


def test_a_final_h_of_a_transliterated_name_does_not_matter(finder: PlaceFinder) -> None:
    text = "Airstrikes hit the port of Hodeidah on Saturday; cranes in Hodeida burned."
    places = finder.find(text).places
    assert len(places) == 2
    assert len({m.place.id for m in places}) == 1
    resolved = finder.geocoder.geocode("Hodeidah")
    assert resolved is not None
    assert resolved.place.id == places[0].place.id
    # a name the gazetteer knows as it is written stays that name
    jeddah = finder.geocoder.geocode("Jeddah")
    assert jeddah is not None
    assert jeddah.place.name == "Jeddah"


def test_a_city_named_with_city_after_its_name(finder: PlaceFinder) -> None:
    found = finder.find("Airstrikes hit Gaza City overnight, and later Khan Younis.").places
    assert [m.text for m in found] == ["Gaza City", "Khan Younis"]
    assert found[0].place.kind == "city"


def test_a_zone_named_after_a_place_keeps_the_place(finder: PlaceFinder) -> None:
    text = "Two Russian bombers flew inside the Alaska Air Defense Identification Zone."
    assert [m.place.name for m in finder.find(text).places] == ["Alaska"]


def test_a_spelling_that_is_another_places_name_is_that_place(finder: PlaceFinder) -> None:
    first = finder.find("Flooding closed roads in Charleston on Monday.").places[0]
    assert first.place.name == "Charleston"


def test_person_after_an_organisation_title_is_not_a_place(finder: PlaceFinder) -> None:
    text = "Trade Representative Robert Lighthizer met officials on Friday to talk about steel."
    mentions = finder.find(text)
    assert places_of(mentions) == []
    assert embedded_of(mentions) == []


def test_flashpoints_news_names_are_places(finder: PlaceFinder) -> None:
    text = (
        "Troops from both sides were pulled back from the Galwan Valley and Doklam, while "
        "shells landed near the Shebaa Farms and patrol boats circled the Natuna Islands; "
        "fighting also spread across Darfur and North Waziristan."
    )
    found = [m.place.id for m in finder.find(text).places]
    assert found == [
        "fl:galwan-valley",
        "fl:doklam",
        "fl:shebaa-farms",
        "fl:natuna-islands",
        "fl:darfur",
        "fl:north-waziristan",
    ]


def test_names_sharing_a_plural_kind_are_each_a_region(finder: PlaceFinder) -> None:
    text = "Air raid alerts sounded across the Kharkiv, Sumy and Kursk regions overnight."
    names = [(m.text, m.place.name) for m in finder.find(text).places]
    assert names == [
        ("Kharkiv", "Kharkiv Oblast"),
        ("Sumy", "Sumy Oblast"),
        ("Kursk regions", "Kursk Oblast"),
    ]
    # a list whose names are not all of that kind is read as before
    plain = "Talks between Russia and Ukraine states little."
    assert [m.place.kind for m in finder.find(plain).places] == ["country", "country"]
