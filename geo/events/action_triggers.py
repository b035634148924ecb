"""Tabulate the triggers that also name a finer action (:data:`geo.taxonomy.EVENT_ACTIONS`).

Data like :mod:`geo.events.triggers`, which adds these to its table: envoys expelled, embassies
closed, street protests and arrests (aircraft shot down are in :mod:`geo.events.triggers`;
drones and missiles brought down by air defences are no event). Each names the type it is drawn
as and its ``action``.
"""

from __future__ import annotations

from geo.events.trigger_record import OFFICE_NOUNS, Trigger

__all__ = ["ACTION_TRIGGERS"]

ACTION_TRIGGERS: tuple[Trigger, ...] = (
    # --- finer actions drawn as these types (geo.taxonomy.EVENT_ACTIONS) -----------------------
    # envoys expelled (a state recalling its own is outside the taxonomy, as the annotation
    # guideline of tests/data/events says)
    Trigger(
        "criticism",
        "(expel*|expulsion_of) ...5 (ambassador*|envoy*|diplomat*|attach(e|é)s?|"
        "charg(e|é)_d'affaires|consul*)",
        0.8,
        action="expulsion",
    ),
    Trigger(
        "criticism",
        "(ambassador*|envoy*|diplomat*) ...6 (was|were|been|being|is|are) expelled",
        0.8,
        ("noun",),
        action="expulsion",
    ),
    Trigger("criticism", "declare* ...6 persona_non_grata", 0.8, action="expulsion"),
    # offices closed
    Trigger(
        "office_opening",
        f"(close*|closing|shut*|suspend*) ...5 {OFFICE_NOUNS}",
        0.75,
        action="office_closure",
        context=r"(?i)\b(embass(y|ies)|consulate|liaison|representative|diplomatic)\b",
    ),
    # street protests and arrests
    Trigger(
        "criticism",
        "(protester*|demonstrator*|(thousands|hundreds)_of_people) ...6 (rallied|marched|"
        "gathered|took_to_the_streets|stormed|protested|demonstrated)",
        0.65,
        ("noun",),
        action="protest",
    ),
    Trigger(
        "criticism",
        "(thousands|hundreds|tens_of_thousands) ...2 (rallied|marched|protested|demonstrated)",
        0.65,
        ("noun",),
        action="protest",
    ),
    Trigger(
        "incursion",
        "(arrested|detained|arrests|detains|arresting|detaining) ...6 (citizen*|national*|"
        "journalist*|diplomat*|spy|spies|sailor*|fishermen|crew|crewmembers|soldier*|officer*|"
        "activist*|businessm(a|e)n|tourist*|agent*)",
        0.65,
        action="arrest",
    ),
    Trigger(
        "incursion",
        "(citizen*|national*|journalist*|diplomat*|sailor*|fishermen|crew|soldier*) ...6 "
        "(was|were|been|being) (arrested|detained)",
        0.65,
        ("noun",),
        action="arrest",
    ),
)
