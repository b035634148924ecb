"""Test the taxonomy: the map's event types and the finer actions events record."""

from __future__ import annotations

import datetime as dt

import pytest

from geo.events.extract import extract
from geo.events.triggers import TRIGGERS
from geo.taxonomy import EVENT_ACTIONS, EVENT_TYPE_KEYS, event_action
from geo.text.articles import article_from_text
from geo.text.mentions import PlaceFinder

PUBLISHED = dt.date(2024, 5, 15)

#: The PLOVER event classes (top level).
PLOVER = frozenset(
    "AGREE CONSULT SUPPORT CONCEDE COOPERATE AID RETREAT REQUEST ACCUSE REJECT THREATEN "
    "PROTEST SANCTION MOBILIZE COERCE ASSAULT DEMAND".split()
)


def test_every_action_is_drawn_as_a_type_with_a_cameo_code_and_a_plover_class() -> None:
    keys = [a.key for a in EVENT_ACTIONS]
    assert len(keys) == len(set(keys))
    for action in EVENT_ACTIONS:
        assert action.type in EVENT_TYPE_KEYS
        assert action.cameo.isdigit()
        assert 3 <= len(action.cameo) <= 4
        assert action.plover in PLOVER
    # each type is its own plain action
    for key in EVENT_TYPE_KEYS:
        assert event_action(key).type == key
    required = {
        "interception",
        "seizure",
        "destruction",
        "abduction",
        "protest",
        "arrest",
        "sanction",
        "expulsion",
        "office_closure",
    }
    assert required <= set(keys)


def test_an_unrecorded_action_is_the_type_s_own_and_an_unknown_one_is_refused() -> None:
    assert event_action("", of_type="patrol").key == "patrol"
    with pytest.raises(KeyError, match="unknown event action"):
        event_action("looting")


def test_every_trigger_action_is_drawn_as_its_trigger_s_type() -> None:
    for trigger in TRIGGERS:
        if trigger.action:
            assert event_action(trigger.action).type == trigger.type, trigger.pattern


@pytest.mark.parametrize(
    ("text", "kind", "action", "cameo"),
    [
        ("Gunmen kidnapped nine traders near Gao on Saturday.", "armed_attack", "abduction", "181"),
        ("Rebels captured the town of Kalehe on Tuesday.", "armed_attack", "seizure", "192"),
        (
            "A Polish jet shot down a Belarusian helicopter over Grodno on Monday.",
            "armed_attack",
            "interception",
            "190",
        ),
        (
            "Militants set fire to the market in Maiduguri on Sunday.",
            "armed_attack",
            "destruction",
            "1712",
        ),
        ("Estonia expelled two Russian diplomats on Monday.", "criticism", "expulsion", "174"),
        ("Canada imposed new sanctions on Iran on Monday.", "criticism", "sanction", "163"),
        (
            "Thousands of Serbians rallied in Belgrade on Sunday against the lithium mine.",
            "criticism",
            "protest",
            "141",
        ),
        (
            "Iranian police detained a French tourist in Tabriz on Thursday.",
            "incursion",
            "arrest",
            "173",
        ),
        (
            "Norway closed its embassy in Caracas on Friday.",
            "office_opening",
            "office_closure",
            "161",
        ),
        ("Chinese warships held drills near Taiwan on Monday.", "exercise", "exercise", "152"),
    ],
)
def test_events_record_their_finer_action_and_its_cameo_code(
    text: str, kind: str, action: str, cameo: str, finder: PlaceFinder
) -> None:
    events = extract(article_from_text(text, published=PUBLISHED), finder=finder).events
    found = {(e.type, e.action, e.cameo) for e in events}
    assert (kind, action, cameo) in found


def test_a_closed_embassy_is_an_office_closed_not_opened(finder: PlaceFinder) -> None:
    text = "Norway closed its embassy in Caracas on Friday, the foreign ministry said."
    extraction = extract(article_from_text(text, published=PUBLISHED), finder=finder)
    assert [(o.org, o.city, o.status) for o in extraction.offices] == [("NOR", "Caracas", "closed")]


def test_the_finer_action_of_one_telling_survives_the_merge(finder: PlaceFinder) -> None:
    text = (
        "Gunmen attacked the village of Kuriga on Thursday. The gunmen kidnapped at least "
        "280 pupils from the village school, residents said."
    )
    events = extract(article_from_text(text, published=PUBLISHED), finder=finder).events
    assert [e.action for e in events if e.type == "armed_attack"] == ["abduction"]
