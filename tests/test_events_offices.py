"""Test the offices that real reporting names: possessives, "Embassy of X", reciprocal openings.

Every sentence is invented, in the register of wire copy.
"""

from __future__ import annotations

import datetime as dt

from geo.events.extract import extract
from geo.text.articles import article_from_text
from geo.text.mentions import PlaceFinder

PUBLISHED = dt.date(2024, 5, 15)


def offices(text: str, finder: PlaceFinder) -> set[tuple[str, str, str]]:
    extraction = extract(article_from_text(text, published=PUBLISHED), finder=finder)
    return {(o.org, o.host_place_id.rsplit(":", 1)[-1], o.status) for o in extraction.offices}


def test_coordinated_embassies_are_one_office_each(finder: PlaceFinder) -> None:
    text = "Russian and Chinese embassy officials in Seoul were summoned on Tuesday."
    found = offices(text, finder)
    assert {("RUS", "KOR", "open"), ("CHN", "KOR", "open")} <= found


def test_a_possessive_embassy(finder: PlaceFinder) -> None:
    text = "The family sheltered inside Mexico's embassy in Lima for a week."
    assert ("MEX", "PER", "open") in offices(text, finder)


def test_the_embassy_of_a_country(finder: PlaceFinder) -> None:
    text = "The Embassy of Qatar in Damascus announced on Monday that it would issue visas."
    assert ("QAT", "SYR", "open") in offices(text, finder)


def test_embassies_reopened_both_ways_are_proposed_offices(finder: PlaceFinder) -> None:
    text = "Ethiopia and Eritrea agreed to reopen embassies in each other's capitals."
    found = offices(text, finder)
    assert ("ETH", "ERI", "proposed") in found
    assert ("ERI", "ETH", "proposed") in found


def test_a_dateline_city_is_not_the_owner_of_an_office(finder: PlaceFinder) -> None:
    text = "NAIROBI • Taiwan has opened a representative office in Somalia."
    found = offices(text, finder)
    assert all(org != "KEN" for org, _, _ in found)


def test_a_second_office_in_another_city_is_its_own_office(finder: PlaceFinder) -> None:
    text = (
        "Japan opened an embassy in Abu Dhabi on Tuesday.\n\n"
        "Japan will also open a consulate in Dubai next year."
    )
    extraction = extract(article_from_text(text, published=PUBLISHED), finder=finder)
    cities = sorted(o.city for o in extraction.offices if o.org == "JPN")
    assert len(cities) == 2
    assert cities[0] == "Abu Dhabi"


def test_a_colon_dateline_names_no_actor(finder: PlaceFinder) -> None:
    text = "Abu Dhabi: Israel opened an embassy in the Gulf on Tuesday."
    assert all(org != "ARE" for org, _, _ in offices(text, finder))


def test_the_embassy_of_a_country_resuming_work_is_open(finder: PlaceFinder) -> None:
    text = "The Embassy of Qatar in Damascus announced on Monday the resumption of its operations."
    assert ("QAT", "SYR", "open") in offices(text, finder)
