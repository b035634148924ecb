"""Test how an event takes its place and its agents from the clause around its verb.

Every sentence is invented, written in the register of wire copy and conflict monitors.
"""

from __future__ import annotations

import datetime as dt

import pytest

from geo.events.extract import extract
from geo.places.gazetteer import Gazetteer
from geo.places.geocode import Geocoder
from geo.records import Event
from geo.text.articles import article_from_text
from geo.text.mentions import PlaceFinder

PUBLISHED = dt.date(2024, 5, 15)  # a Wednesday


def events_of(text: str, finder: PlaceFinder, **meta: str) -> list[Event]:
    article = article_from_text(text, published=PUBLISHED, **meta)
    return list(extract(article, finder=finder).events)


def places_of(text: str, finder: PlaceFinder, kind: str) -> list[tuple[str, ...]]:
    return [e.place_names for e in events_of(text, finder) if e.type == kind]


# --- a place as the direct object of an attack ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Russian drones struck Odesa overnight, the regional governor said.", "Odesa"),
        ("Israeli jets pounded the southern city of Rafah on Tuesday.", "Rafaḩ"),
        ("Insurgents stormed Djibo on Monday, killing at least 40 people.", "Djibo"),
    ],
)
def test_a_place_struck_is_where_the_attack_happened(
    text: str, place: str, finder: PlaceFinder
) -> None:
    assert places_of(text, finder, "armed_attack") == [(place,)]


@pytest.mark.parametrize(
    "text",
    [
        "A powerful typhoon hit Okinawa on Tuesday, cutting power to 200,000 homes.",
        "The two governments struck a trade deal in Doha on Tuesday.",
        "Air defences shot down 30 drones over the Belgorod region on Monday.",
    ],
)
def test_weather_deals_and_interceptions_are_not_attacks(text: str, finder: PlaceFinder) -> None:
    assert places_of(text, finder, "armed_attack") == []


def test_a_country_that_only_modifies_the_target_is_not_the_place(finder: PlaceFinder) -> None:
    text = "Two rockets hit the US consulate in Erbil on Sunday, officials said."
    assert places_of(text, finder, "armed_attack") == [("Erbil",)]


def test_a_country_named_for_who_acts_is_not_the_place(finder: PlaceFinder) -> None:
    text = (
        "A drone attack on Tel Aviv that killed one person on Friday had been attributed to "
        "Yemen's Houthi movement."
    )
    assert places_of(text, finder, "armed_attack") == [("Tel Aviv",)]


def test_a_region_in_a_country_s_possessive_is_the_region(finder: PlaceFinder) -> None:
    text = "Drones attacked Russia's Belgorod region on Monday, the governor said."
    assert places_of(text, finder, "armed_attack") == [("Belgorod Oblast",)]


def test_a_hyphenated_two_part_region_is_found(finder: PlaceFinder) -> None:
    text = "Jets struck militant hideouts in Sistan-Baluchestan province on Thursday."
    ((name,),) = places_of(text, finder, "armed_attack")
    assert "Balūchestān" in name


def test_a_downed_aircraft_is_an_attack(finder: PlaceFinder) -> None:
    text = "A fighter jet shot down a military helicopter over Belgorod on Monday."
    assert places_of(text, finder, "armed_attack") == [("Belgorod",)]


def test_a_region_called_after_its_seat_is_the_region_and_the_bare_name_the_city(
    finder: PlaceFinder,
) -> None:
    region = "Glide bombs hit two villages in the Kharkiv region overnight, officials said."
    city = "Glide bombs hit Kharkiv overnight, officials said."
    assert places_of(region, finder, "armed_attack") == [("Kharkiv Oblast",)]
    assert places_of(city, finder, "armed_attack") == [("Kharkiv",)]


def test_names_sharing_one_plural_kind_are_each_that_kind_and_each_an_event(
    finder: PlaceFinder,
) -> None:
    text = "Russian artillery shelled the Kursk and Belgorod regions on Tuesday, governors said."
    assert places_of(text, finder, "armed_attack") == [("Kursk Oblast",), ("Belgorod Oblast",)]


def test_a_place_a_country_holds_after_a_direction_word_is_the_place(
    finder: PlaceFinder,
) -> None:
    text = (
        "A coast guard vessel entered waters off the coast of Indonesia's northern Natuna "
        "islands on Monday, the navy said."
    )
    assert places_of(text, finder, "incursion") == [("Natuna Islands",)]


# --- places named by a phrase, an apposition or a head noun --------------------------------


def test_the_capital_of_a_named_country_is_a_place(finder: PlaceFinder) -> None:
    text = "Ceasefire talks resumed in the Qatari capital on Monday."
    assert places_of(text, finder, "talks") == [("Doha",)]


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Two Russian bombers entered Japan's air defense identification zone on Monday.", None),
        ("A Chinese survey ship returned to Vietnam's exclusive economic zone.", "South China Sea"),
        ("Two Russian jets violated Estonian airspace on Monday.", "Estonia"),
    ],
)
def test_a_country_s_zone_is_the_sea_off_it_and_its_airspace_is_the_country(
    text: str, place: str | None, finder: PlaceFinder, gazetteer: Gazetteer
) -> None:
    (event,) = [e for e in events_of(text, finder) if e.type == "incursion"]
    if place is None:  # some sea off Japan
        found = gazetteer.get(event.place_ids[0])
        assert found is not None
        assert found.kind in {"sea", "ocean", "strait"}
    else:
        assert event.place_names == (place,)
    assert len(event.actors) == 2  # the intruder and the country whose zone it is


def test_a_city_after_its_description_is_locative(finder: PlaceFinder) -> None:
    text = "Peace talks opened in the Kenyan capital Nairobi on Monday."
    assert places_of(text, finder, "talks") == [("Nairobi",)]


def test_the_town_of_a_country_is_the_town(finder: PlaceFinder) -> None:
    text = "Gunmen attacked an army post in the northern Burkina Faso town of Djibo on Sunday."
    assert places_of(text, finder, "armed_attack") == [("Djibo",)]


def test_a_region_after_a_village_qualifies_it(finder: PlaceFinder) -> None:
    text = "On 9 May 2024, artillery shelled Bilohorivka, Luhansk, killing two."
    assert places_of(text, finder, "armed_attack") == [("Bilohorivka",)]


def test_places_listed_as_targets_stay_separate_events(finder: PlaceFinder) -> None:
    text = "Russian missiles struck Kharkiv, Odesa and Dnipro on Tuesday."
    assert places_of(text, finder, "armed_attack") == [("Kharkiv",), ("Odesa",), ("Dnipro",)]


def test_a_dateline_city_is_not_where_others_act(finder: PlaceFinder) -> None:
    text = "Seoul, May 14 (Agency)--North Korea fired a ballistic missile on Tuesday."
    (launch,) = [e for e in events_of(text, finder) if e.type == "missile_launch"]
    assert "Seoul" not in launch.place_names


# --- governments that criticise together ---------------------------------------------------


def test_joint_critics_give_one_criticism_each_at_their_capital(finder: PlaceFinder) -> None:
    text = "Vietnam, Malaysia and Indonesia on Tuesday rejected China's new national map."
    found = [e for e in events_of(text, finder) if e.type == "criticism"]
    assert [(e.actors[0], e.place_names) for e in found] == [
        ("VNM", ("Hanoi",)),
        ("MYS", ("Kuala Lumpur",)),
        ("IDN", ("Jakarta",)),
    ]
    assert all("CHN" in e.actors for e in found)
    assert len({e.id for e in found}) == 3


def test_critics_named_as_places_are_not_split(finder: PlaceFinder) -> None:
    text = "The juntas in Bamako, Ouagadougou and Niamey condemned the regional bloc on Tuesday."
    assert len([e for e in events_of(text, finder) if e.type == "criticism"]) <= 1


def test_envoys_summoned_together_are_targets_not_critics(finder: PlaceFinder) -> None:
    text = "The Russian and Chinese ambassadors were summoned in Seoul on Tuesday."
    assert len([e for e in events_of(text, finder) if e.type == "criticism"]) <= 1


def test_supporters_in_an_aside_are_not_critics(finder: PlaceFinder) -> None:
    text = "The army, backed by Egypt and Jordan, accused Turkey on Tuesday of arming the rebels."
    found = [e for e in events_of(text, finder) if e.type == "criticism"]
    assert not any({"EGY", "JOR"} & set(e.actors) for e in found)


def test_a_target_listed_after_the_critic_is_not_a_critic(finder: PlaceFinder) -> None:
    text = "Iran warned on Tuesday that the United States and Britain would pay a heavy price."
    found = [e for e in events_of(text, finder) if e.type == "criticism"]
    assert [e.actors[0] for e in found] == ["IRN"]


# --- a city and the region named after it ---------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind"),
    [("Kharkiv", "city"), ("Odesa", "city"), ("Donetsk", "city"), ("Quebec", "admin1")],
)
def test_a_bare_name_is_the_city_unless_it_is_the_region_s_own(
    name: str, kind: str, geocoder: Geocoder
) -> None:
    resolution = geocoder.geocode(name)
    assert resolution is not None
    assert resolution.place.kind == kind


def test_the_province_is_the_province_named_before(finder: PlaceFinder) -> None:
    text = (
        "Gunmen shot dead a police officer in Sistan and Baluchestan province on Monday. "
        "On Tuesday, a second officer was shot dead in the province."
    )
    found = places_of(text, finder, "armed_attack")
    assert len(found) == 2
    assert found[0] == found[1]
    assert found[0]


def test_scenes_the_gazetteer_does_not_know_are_still_one_event_each(finder: PlaceFinder) -> None:
    text = (
        "Ukrainian troops attacked Russian border posts at the settlements of Zarechye-Novoye "
        "and Malaya Lokhnyanka in the Kursk region on Tuesday."
    )
    found = [e for e in events_of(text, finder) if e.type == "armed_attack"]
    assert len(found) == 2
    assert len({e.id for e in found}) == 2
    assert {e.place_basis for e in found} >= {"approximate"}
    assert all(e.place_names == found[0].place_names for e in found)


def test_a_country_after_a_county_names_where_it_is(finder: PlaceFinder) -> None:
    text = (
        "On 14 May 2024, a roadside bomb exploded near a patrol in Mandera, Kenya, injuring four."
    )
    assert places_of(text, finder, "armed_attack") == [("Mandera",)]


def test_towns_of_one_region_struck_together_stay_separate(finder: PlaceFinder) -> None:
    text = "Russian missiles struck Kramatorsk and Sloviansk on Tuesday."
    assert len(places_of(text, finder, "armed_attack")) == 2


def test_an_invitation_to_talks_is_not_talks(finder: PlaceFinder) -> None:
    text = "The EU's envoy has invited the two leaders to talks in Brussels."
    assert places_of(text, finder, "talks") == []


def test_a_city_naming_the_facility_raided_is_where_the_raid_was(finder: PlaceFinder) -> None:
    text = "On 15 May 2024, rebels raided Goma airport and clashed with troops."
    assert places_of(text, finder, "armed_attack") == [("Goma",)]


# --- people introduced with their state and title speak for it when named again ------------


def test_a_titled_person_named_again_speaks_for_the_state(finder: PlaceFinder) -> None:
    text = (
        "Kosovo Prime Minister Albin Kurti refused to attend the meeting in Brussels. "
        "Serbian President Aleksandar Vučić accused Pristina of provoking the clash.\n\n"
        "According to the envoy's office, he spoke with Kurti and Vucic on Sunday."
    )
    talks = [e for e in events_of(text, finder) if e.type == "talks"]
    assert [set(e.actors) for e in talks] == [{"XKX", "SRB"}]
    assert talks[0].date_start == dt.date(2024, 5, 12)


# --- an agreement made is news, what was agreed is a plan ----------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Israel and Hamas agreed to a ceasefire deal on Wednesday, mediators said.",
        "Ethiopia and Eritrea have agreed to restore diplomatic relations.",
    ],
)
def test_an_agreement_made_happened(text: str, finder: PlaceFinder) -> None:
    (event,) = [e for e in events_of(text, finder) if e.type == "accession"]
    assert event.modality == "happened"


def test_talks_agreed_to_are_planned(finder: PlaceFinder) -> None:
    text = "Both sides agreed to hold talks in Geneva next month."
    (event,) = [e for e in events_of(text, finder) if e.type == "talks"]
    assert event.modality == "planned"


# --- who reports an event is not who does it -----------------------------------------------


@pytest.mark.parametrize(
    ("text", "agent"),
    [
        ("Ukrainian officials said Russian drones struck Odesa overnight.", "RUS"),
        ("South Korea's military said North Korea fired a missile into the East Sea.", "PRK"),
        ("Japan's coast guard said that Chinese ships entered waters near the Senkakus.", "CHN"),
        # the speaker is the agent when the report has no subject of its own
        ("Russia said it struck Ukrainian energy facilities overnight.", "RUS"),
    ],
)
def test_the_agent_comes_first_not_the_speaker(text: str, agent: str, finder: PlaceFinder) -> None:
    (event,) = events_of(text, finder)
    assert event.actors[0] == agent


def test_two_actions_of_one_encounter_are_one_event(finder: PlaceFinder) -> None:
    text = (
        "Chinese coast guard ships fired water cannon at a Philippine supply boat near "
        "Second Thomas Shoal on Saturday, the Philippine military said.\n\n"
        "The boat was carrying food and fresh troops to the outpost.\n\n"
        "A Philippine coast guard spokesman said the Chinese ships had also blocked the "
        "boat's path."
    )
    (event,) = [e for e in events_of(text, finder) if e.type == "incursion"]
    assert event.actors[0] == "CHN"
    assert event.place_names == ("Second Thomas Shoal",)


def test_the_town_is_the_last_town_named_not_a_capital(finder: PlaceFinder) -> None:
    text = (
        "Rebels said they had captured the army's command in Lashio on Saturday.\n\n"
        "Beijing urged both sides to hold talks.\n\n"
        "The military has carried out several air strikes around the town since then, "
        "residents said."
    )
    strikes = [e for e in events_of(text, finder) if "air strikes" in e.sentence]
    assert [e.place_names for e in strikes] == [("Lashio",)]
