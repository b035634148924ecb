"""List the words and patterns that signal each kind of event, and those that cancel one.

:mod:`geo.events.extract` reads these tables. Besides them this module holds the text rules they
rely on: compiling patterns, and splitting text into sentences (:func:`split_sentences`) and
sentences into clauses (:func:`split_clauses`). A pattern is written in a small notation over
the words of a sentence, matched without regard to case:

``fire*``
    the word with its inflections (fire, fires, fired, firing); irregular forms come from
    :data:`IRREGULAR` (fly: flew, flown, flies, flying).
``(drill*|exercise*|war_game*)``
    one of several alternatives; ``_`` joins the words of a multi-word alternative, and an
    alternative without ``*`` is a regular expression (``embass(y|ies)``).
``...`` / ``...N``
    up to 6 (or N) words of any kind.
``word?``
    an optional word.

Every word may be preceded by an opening quote, so ``called the drills "provocative"``
matches ``call* ...3 provocative``.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import cache
from typing import Literal

#: Irregular forms added to a stem's regular inflections.
IRREGULAR: dict[str, tuple[str, ...]] = {
    "fly": ("flew", "flown", "flies", "flying"),
    "hold": ("held", "holds", "holding"),
    "send": ("sent",),
    "meet": ("met",),
    "begin": ("began", "begun"),
    "strike": ("struck", "stricken"),
    "become": ("became",),
    "hit": ("hitting",),
    "shoot": ("shot",),
    "see": ("saw", "seen", "sees"),
    "take": ("took", "taken"),
    "make": ("made", "makes", "making"),
    "pay": ("paid",),
    "seek": ("sought",),
    "build": ("built",),
    "keep": ("kept",),
    "run": ("ran", "running"),
    "set": ("setting",),
    "speak": ("spoke", "spoken"),
    "lead": ("led",),
    "mount": ("mounted",),
    "oversee": ("oversaw", "overseen", "oversees"),
    "grow": ("grew", "grown"),
    "shut": ("shutting",),
}

Flag = Literal["nominal", "noun", "org_object", "place_object"]


@dataclass(frozen=True, slots=True)
class Trigger:
    """One way an event is stated.

    Attributes
    ----------
    type
        Event type key (:data:`geo.taxonomy.EVENT_TYPES`).
    pattern
        The pattern, in the notation of the module docstring.
    weight
        How surely a match states an event of the type (0–1).
    flags
        ``nominal``: a noun phrase that counts only with its own agent right before it
        ("Russian military drills", not "the drills"); ``noun``: the pattern opens with a noun
        (no determiner check, and a modal after it cancels it); ``org_object``: an organisation must
        follow ("joined NATO"); ``place_object``: a place must follow ("claims the Senkaku
        Islands").
    context
        A regular expression that must match somewhere in the sentence.
    """

    type: str
    pattern: str
    weight: float
    flags: tuple[Flag, ...] = ()
    context: str = ""


_MILITARY_NOUN = (
    "(troop*|force|forces|soldier*|jet*|fighter*|missile*|system*|unit*|tank*|artillery|"
    "warship*|destroyer*|frigate*|carrier*|bomber*|aircraft|battalion*|brigade*|weapon*|"
    "instructor*|personnel|corvette*|submarine*|marine*|drone*|ship*|division*|reinforcement*)"
)
_DRILL = "(drill*|exercise*|war_game*|wargame*|war-game*|manoeuvre*|maneuver*)"
_OFFICE = (
    "(embass(y|ies)|consulate*|consulate-general*|consulates-general|office*|mission*|"
    "representation*|legation*)"
)
_TALKS = "(talks|negotiations|consultations|dialogue|discussions|meeting*|summit*)"
#: Words that show an official is the subject of a visit.
OFFICIAL = (
    r"(?i:\b(minister|president|premier|secretary|chancellor|king|queen|prince|envoy|"
    r"delegation|leader|diplomat|ambassador|secretary-general|defen[cs]e chief)\b)|\bI\b"
)
_MISSILE_CONTEXT = r"(?i)\b(missile|rocket|nuclear|ICBM|ballistic|warhead|weapon)s?\b"
_AIR_OR_SEA = r"(?i)\b(bomber|fighter|jet|aircraft|drone|warplane|helicopter|plane|ship|vessel)s?\b"
_SHIP = r"(?i)\b(ship|vessel|boat|tanker|frigate|destroyer|cutter|trawler)s?\b"

TRIGGERS: tuple[Trigger, ...] = (
    # --- exercise --------------------------------------------------------------------------
    Trigger(
        "exercise",
        f"(conduct*|hold*|stage*|carry*_out|launch*|begin*|start*|kick*_off) ...4 {_DRILL}",
        0.85,
    ),
    Trigger("exercise", f"(take*_part|took_part|participate*|join*) (in)? ...4 {_DRILL}", 0.8),
    Trigger("exercise", f"{_DRILL} (is|are) (scheduled|planned|due|set|expected)", 0.75, ("noun",)),
    Trigger("exercise", "(practise*|practice*|rehearse*) (re:\\w+ing)", 0.7),
    Trigger(
        "exercise",
        "(troops|forces|soldiers|marines|sailors|pilots|units|navies) ...3 "
        "(train*|drill*) (alongside|with|together)",
        0.75,
        ("noun",),
    ),
    Trigger("exercise", "(show|display|demonstration) of (force|strength)", 0.55, ("noun",)),
    Trigger("exercise", _DRILL, 0.55, ("nominal",)),
    # --- missile launch --------------------------------------------------------------------
    Trigger(
        "missile_launch",
        "(fire*|launch*|test-fire*|test-launch*|test*|lob*) ...6 "
        "(missile*|rocket*|ICBM*|SLBM*|projectile*|warhead*)",
        0.9,
    ),
    Trigger(
        "missile_launch",
        "(missile*|rocket*|ICBM*|projectile*) ...3 (was|were|had_been|has_been|have_been) "
        "(fired|launched|test-fired|tested)",
        0.85,
        ("noun",),
    ),
    Trigger(
        "missile_launch",
        "(guide*|oversee*|supervise*|observe*|conduct*|carry*_out) ...3 "
        "(test|tests|launch|launches|test-firing|test-launch|firing)",
        0.7,
        context=_MISSILE_CONTEXT,
    ),
    # --- patrol ----------------------------------------------------------------------------
    Trigger(
        "patrol",
        "(conduct*|carry*_out|fly*|hold*|begin*|launch*|sail*|stage*|mount*|increase*|step*_up|"
        "expand*|resume*|intensify*|undert(ake|ook|akes|aking)) ...4 "
        "(patrol*|joint_sail*|transit*|sortie*)",
        0.85,
    ),
    Trigger("patrol", "(patrolled|patrolling|to_patrol|patrol_the)", 0.8),
    Trigger("patrol", "(sail*|transit*|steam*) (through|across)", 0.7),
    Trigger(
        "patrol",
        "(fly*|conduct*|carry*_out|mount*) ...4 (surveillance|reconnaissance|ISR) "
        "(flight*|mission*|patrol*|sortie*)",
        0.8,
    ),
    Trigger("patrol", "freedom-of-navigation (operation*|patrol*|transit*)", 0.8, ("noun",)),
    Trigger("patrol", "freedom_of_navigation (operation*|patrol*|transit*)", 0.8, ("noun",)),
    Trigger("patrol", "(patrol*|joint_sail*)", 0.5, ("nominal",)),
    # --- incursion -------------------------------------------------------------------------
    Trigger(
        "incursion",
        "(enter*|violate*|intrude*|penetrate*|breach*|encroach*|stray*_into) ...4 "
        "(airspace|territorial_water*|ADIZ|air_defen[cs]e_identification_zone|"
        "contiguous_zone|exclusive_economic_zone)",
        0.85,
    ),
    Trigger("incursion", "into ...3 (airspace|territorial_waters)", 0.8, ("noun",)),
    Trigger("incursion", "cross* ...3 (median_line|demarcation_line|line_of_control)", 0.85),
    Trigger(
        "incursion",
        "(operate*|fly*|loiter*) (together)? (in|inside|within|into|over|near|along|off|close_to) "
        "...6 (airspace|ADIZ|identification_zone|territorial_waters|coast|coastline)",
        0.8,
    ),
    Trigger(
        "incursion",
        "fly* (together)? (over|near|close_to|off|around|into)",
        0.6,
        context=_AIR_OR_SEA,
    ),
    Trigger("incursion", "water_cannon*", 0.85, ("noun",)),
    Trigger("incursion", "(rammed|ramming|collided|collision)", 0.7, context=_SHIP),
    Trigger(
        "incursion",
        "(block*|obstruct*|harass*) ...4 "
        "(path|boat*|ship*|vessel*|resupply|supply_mission*|aircraft|plane*)",
        0.7,
    ),
    Trigger(
        "incursion",
        "(seize*|board*|detain*) ...5 (tanker*|ship*|vessel*|boat*|freighter*|trawler*)",
        0.85,
    ),
    Trigger("incursion", "dump* fuel", 0.7),
    Trigger("incursion", "(strike*|hit|clip*|ram*) ...3 (propeller|wing|hull|tail)", 0.75),
    Trigger(
        "incursion", "(dangerous|unsafe|unprofessional) (intercept*|manoeuvre*)", 0.7, ("noun",)
    ),
    Trigger("incursion", "trespass*", 0.7),
    # --- armed attack ----------------------------------------------------------------------
    Trigger("armed_attack", "(invaded|invading|invade|invades)", 0.9),
    Trigger("armed_attack", "(invasion|offensive)", 0.6, ("nominal",)),
    Trigger("armed_attack", "(attacked|attacking)", 0.85),
    Trigger(
        "armed_attack",
        "(attack*|assault*|raid*|strike*|airstrike*) (on|against)",
        0.6,
        ("nominal",),
    ),
    Trigger(
        "armed_attack",
        "(launch*|carry*_out|conduct*|mount*|stage*) ...3 "
        "(attack*|assault*|offensive|raid*|strike*|airstrike*|air_strike*|barrage*|"
        "invasion|military_operation)",
        0.8,
    ),
    Trigger(
        "armed_attack",
        "(strike|strikes|struck|striking|bombed|bombing|targeted|targeting|shelled|shelling|"
        "hit) ...5 "
        "(target*|position*|base*|depot*|site*|facility|facilities|ship*|vessel*|tanker*|militants|"
        "fighters|camp*|town*|village*|cit(y|ies)|infrastructure)",
        0.8,
    ),
    Trigger("armed_attack", "(shelled|shelling|bombarded|bombarding|pounded|pounding)", 0.75),
    Trigger("armed_attack", "(ambushed|ambushing)", 0.85),
    Trigger("armed_attack", "(clashed|clashing|skirmished)", 0.75),
    Trigger(
        "armed_attack",
        "kill* ...6 (soldier*|troop*|civilian*|people|officer*|police|policem(a|e)n|"
        "personnel|fighter*|militants|peacekeeper*|villager*|resident*)",
        0.75,
    ),
    Trigger(
        "armed_attack",
        "(fire*|shoot*|open*_fire) ...12 at (the|a|an)? ...2 "
        "(ship*|vessel*|shipping|position*|town*|village*|cit(y|ies)|base*|troops|soldiers|"
        "civilians|territory|targets|protesters)",
        0.8,
    ),
    Trigger(
        "armed_attack",
        "(unprovoked|cross-border) (fire|firing|shelling|attack*|raid*)",
        0.8,
        ("noun",),
    ),
    Trigger("armed_attack", "ceasefire_violation*", 0.6, ("noun",)),
    Trigger(
        "armed_attack",
        "(damage*|destroy*|hit) by (a|an)? "
        "(mortar*|shell*|rocket*|missile*|drone*|artillery|airstrike*|bomb*|shelling)",
        0.7,
    ),
    # --- buildup ---------------------------------------------------------------------------
    Trigger(
        "buildup",
        "(deploy*|redeploy*|station*|mass*|amass*|move*|send*|dispatch*|rush*|reinforce*|"
        f"bolster*) ...6 {_MILITARY_NOUN}",
        0.8,
    ),
    Trigger(
        "buildup",
        "(troop*|soldier*|forces|instructor*|personnel|marines|aircraft|reinforcements) ...8 "
        "(arrive*|land*|deploy*)",
        0.7,
        ("noun",),
        context=r"(?i)\b(military|troops|soldiers|weapons|army|forces|naval|defen[cs]e)\b",
    ),
    Trigger("buildup", "(military|naval|troop|force) (build-?up|buildup)", 0.65, ("noun",)),
    Trigger(
        "buildup",
        "(grow*|expand*|increase*|boost*|strengthen*|build*_up|beef*_up) ...3 "
        "(navy|naval|forces|military|army|fleet|arsenal|troop*|coast_guard)",
        0.65,
    ),
    Trigger("buildup", "form* ...4 (army_corps|corps|division*|brigade*|regiment*)", 0.7),
    # --- visit -----------------------------------------------------------------------------
    Trigger("visit", "visit*", 0.85, ("place_object",)),
    Trigger(
        "visit",
        "(make*|pay*|undert(ake|ook)) ...3 (visit*|trip*|tour*) to",
        0.85,
        ("place_object",),
    ),
    Trigger("visit", "(arrive*|landed) in", 0.6, ("place_object",), context=OFFICIAL),
    Trigger("visit", "(travel*|fly*|head*) to", 0.55, ("place_object",), context=OFFICIAL),
    Trigger("visit", "transit_stop*", 0.7, ("place_object", "noun")),
    # --- talks -----------------------------------------------------------------------------
    Trigger(
        "talks",
        f"(hold*|conduct*|begin*|start*|resume*|launch*|host*|chair*|attend*|join*) ...5 {_TALKS}",
        0.8,
    ),
    Trigger("talks", "(met|meets|meet)", 0.6),
    Trigger("talks", "negotiat(e|es|ed|ing)", 0.7),
    Trigger("talks", "host* ...4 (negotiators|delegation*|counterpart*|leaders)", 0.75),
    Trigger("talks", "(spoke|speak*|talked) (by|over|on) (the_)? (phone|telephone|video)", 0.7),
    Trigger("talks", "(phone|telephone)_call*", 0.6, ("noun",)),
    Trigger(
        "talks",
        "(round|session) ...2 (is|are|was) (scheduled|due|set|planned|held)",
        0.55,
        ("noun",),
    ),
    Trigger("talks", "consult* with", 0.6),
    Trigger(
        "talks",
        f"{_TALKS} (is|are|was|were) (scheduled|planned|due|set|expected|held|under_way)",
        0.65,
        ("noun",),
    ),
    # --- accession -------------------------------------------------------------------------
    Trigger("accession", "join*", 0.85, ("org_object",)),
    Trigger("accession", "become* ...4 (member|signatory|part_of)", 0.85),
    Trigger(
        "accession",
        "(sign*|ink*|seal*|conclude*|reach*|clinch*|strike*|agree*) ...6 "
        "(agreement*|treat(y|ies)|pact*|accord*|deal|memorandum|MoU|partnership|programme|"
        "program|charter|declaration|ceasefire|truce|armistice)",
        0.85,
    ),
    Trigger(
        "accession",
        "(agreement*|treat(y|ies)|pact*|accord*|deal|memorandum|ceasefire|truce) ...6 "
        "(was|were|been|is) (reached|signed|struck|concluded|agreed)",
        0.8,
        ("noun",),
    ),
    Trigger(
        "accession", "(pact*|agreement*|treaty|accord*|deal|memorandum) signed", 0.75, ("noun",)
    ),
    # --- office opening --------------------------------------------------------------------
    Trigger(
        "office_opening",
        f"(open*|reopen*|re-open*|establish*|set_up|setting_up|inaugurate*) ...5 {_OFFICE}",
        0.85,
    ),
    Trigger(
        "office_opening", f"(opening|reopening|establishment) of ...4 {_OFFICE}", 0.7, ("noun",)
    ),
    Trigger(
        "office_opening",
        f"(talks|discussions|negotiations) ...5 (about|on|over) ...3 {_OFFICE}",
        0.7,
        ("noun",),
    ),
    # --- territorial claim -----------------------------------------------------------------
    Trigger("territorial_claim", "claim*", 0.8, ("place_object",)),
    Trigger(
        "territorial_claim",
        "claim* ...8 (sovereignty|territory|territories|them|as)",
        0.8,
    ),
    Trigger(
        "territorial_claim",
        "(regard*|consider*|view*) ...20 "
        "(territory|province|part_of_its|part_of_their|sovereign_territory)",
        0.75,
    ),
    Trigger("territorial_claim", "insist* ...8 (territory|sovereign|sovereignty)", 0.7),
    Trigger(
        "territorial_claim", "(restore*|assert*|reassert*|extend*|declare*) ...3 sovereignty", 0.75
    ),
    Trigger("territorial_claim", "annex*", 0.8, ("place_object",)),
    # --- criticism -------------------------------------------------------------------------
    Trigger(
        "criticism",
        "(condemn*|denounce*|criticise*|criticize*|decr(y|ied|ies)|slam*|rebuke*|censure*|deplore*|"
        "lambast*|accuse*|threaten*)",
        0.85,
    ),
    Trigger("criticism", "warn*", 0.7),
    Trigger("criticism", "warn* against", 0.85),
    Trigger("criticism", "(protested|protesting|to_protest)", 0.8),
    Trigger("criticism", "(lodge*|file*|issue*) ...3 (protest*|complaint*|warning*)", 0.85),
    Trigger(
        "criticism", "summon* ...6 (ambassador|envoy|diplomat|charg(e|é)_d'affaires|charge)", 0.85
    ),
    Trigger(
        "criticism",
        "(urge*|call*_on|demand*|press*) ...6 to (stop|halt|cease|end|withdraw|pull|refrain|"
        "respect|show_restraint|stand_down|back_down|release|de-escalate|reverse)",
        0.75,
    ),
    Trigger("criticism", "must (respect|stop|halt|cease|end|withdraw)", 0.6),
    Trigger(
        "criticism",
        "call* ...4 (provocation*|provocative|provoke*|aggression|act_of_aggression|illegal|"
        "encroachment|violation|"
        "destabilising|destabilise*|destabilizing|destabilize*|unacceptable|mistake|irresponsible|threat)",
        0.75,
    ),
    Trigger("criticism", "object* to", 0.75),
)

#: Verbs that deny the clause they introduce: "denied that its jets had entered ...".
DENIAL = frozenset("denied deny denies denying rejected dismissed refuted disputed".split())
#: Words before a trigger that make it hypothetical, negated, permitted or offered: no event.
HYPOTHETICAL_BEFORE = frozenset(
    "not n't never no nor without would could might may should can cannot if unless whether "
    "denied deny denies denying refused refuses failed yet unlikely potential possible seldom "
    "rarely hardly "
    "prospective allow allows allowed allowing enable enables offered offer offers proposed "
    "hypothetical wants want considering weighing against".split()
)
#: Words after a nominal trigger ("the opening ... would mark") that make it hypothetical.
HYPOTHETICAL_AFTER = frozenset(
    "would could might may should can cannot unlikely not n't never".split()
)
#: Phrases before a trigger that announce a plan: the event has ``modality="planned"``.
PLANNED = re.compile(
    r"\b(will|shall|'ll|plans?\s+(to|for)|planned|planning\s+to|"
    r"(is|are|was|were)\s+(\w+ly\s+|also\s+|still\s+|now\s+)?"
    r"(scheduled|due|expected|set|poised|slated|going)\s+to|"
    r"(is|are)\s+(\w+ly\s+|also\s+|still\s+|now\s+)?(scheduled|planned|due|set|expected)\b|"
    r"intends?\s+to|aims?\s+to|agreed\s+to\s+begin|in\s+talks\s+to|"
    r"(talks|discussions|negotiations|deliberations)\s+(on|about|over|to)|proposals?\s+(to|for)|"
    r"announced\s+plans)\b",
    re.IGNORECASE,
)
#: Phrases right after a trigger that announce a plan ("exercises are planned in ...").
PLANNED_AFTER = re.compile(
    r"\W*(is|are)\s+(scheduled|planned|due|set|expected|to\s+be\s+held)\b", re.IGNORECASE
)
#: Plans under negotiation rather than only announced: an office is ``in_talks``.
IN_TALKS = re.compile(
    r"\b(talks|discussions|negotiat\w*|deliberations|discussing)\b", re.IGNORECASE
)
#: Text right before a match that makes it another sense of the word, per event type.
EXCLUDE_BEFORE: dict[str, re.Pattern[str]] = {
    "exercise": re.compile(
        r"\b(rehearsal|fire|evacuation|earthquake|emergency|civil[- ]defen[cs]e|tsunami|"
        r"air[- ]raid|school|fitness)\W*$",
        re.IGNORECASE,
    ),
    "patrol": re.compile(r"\b(police|border police|foot|community|neighbourhood)\W*$", re.I),
    "armed_attack": re.compile(
        r"\b(practis\w*|practic\w*|simulat\w*|rehears\w*)\b[^,.;]*$|\b(mock|heart|panic|asthma)\W*$",
        re.IGNORECASE,
    ),
    "office_opening": re.compile(
        r"\b(box|ticket|tourist|post|head|back|press|field|district|oval|dental|doctor's)\W*$",
        re.I,
    ),
    "talks": re.compile(r"\b(was|were|been|be|is|are)\W*$", re.IGNORECASE),
    "accession": re.compile(r"\b(is|are|was|were|be|been)\s+$", re.IGNORECASE),
    "criticism": re.compile(r"\b(early|storm|weather|flood|profit)[- ]?$", re.IGNORECASE),
}
#: Text right after a match that makes it another sense of the word, per event type.
EXCLUDE_AFTER: dict[str, re.Pattern[str]] = {
    "territorial_claim": re.compile(
        r"^\W*(responsibility|credit|victory|the\s+lives?|lives|that|to\s+have|asylum)\b", re.I
    ),
    "criticism": re.compile(r"^\W*(his|her|its|their)\s+own\b", re.IGNORECASE),
    "patrol": re.compile(
        r"^[\s-]*(ships?|boats?|vessels?|craft|aircraft|planes?|cars?|officers?|bases?|dogs?)\b",
        re.IGNORECASE,
    ),
    "office_opening": re.compile(r"^\W*(hours|space|building|block|supplies)\b", re.IGNORECASE),
    "visit": re.compile(r"^\W*(to\s+)?(the\s+)?(website|site|page|doctor|hospital)\b", re.I),
}
#: Speakers whose warnings and criticism are not events of a state or organisation.
NON_STATE_SPEAKERS = re.compile(
    r"\b(analysts?|experts?|economists?|commentators?|investors?|observers?|scientists?|"
    r"residents?|shopkeepers?|critics|compan(y|ies)|firms?|corporations?|brokerages?|"
    r"forecasters?|meteorolog\w*|weather)\b",
    re.IGNORECASE,
)
#: Verbs that attribute a statement: a date right after one dates the report, not the event.
REPORTING = re.compile(
    r"\b(said|says|say|told|tells|reported|reports|added|stated|according\s+to|"
    r"announced|confirmed|wrote|disclosed|described)\b",
    re.IGNORECASE,
)
#: Prepositions that put a place mention in the role of a location.
LOCATIVE = frozenset(
    "in at near over into inside within around off across along through to toward towards "
    "onto outside beyond from".split()
)
#: Seats of government named for their government ("the Kremlin warned").
SEATS_OF_GOVERNMENT: dict[str, str] = {
    "kremlin": "RUS",
    "pentagon": "USA",
    "white house": "USA",
    "state department": "USA",
    "downing street": "GBR",
    "whitehall": "GBR",
    "elysee": "FRA",
    "élysée": "FRA",
    "quai d'orsay": "FRA",
    "zhongnanhai": "CHN",
    "blue house": "KOR",
    "kantei": "JPN",
}
#: Any seat of government, as a whole word of the lowered text (longest names first).
SEAT_OF_GOVERNMENT = re.compile(
    r"\b(?:"
    + "|".join(re.escape(seat) for seat in sorted(SEATS_OF_GOVERNMENT, key=len, reverse=True))
    + r")\b"
)
#: Organisation kinds (``data/actors.toml``) that act in events; outlets and companies do not.
ACTING_ORGANISATION_KINDS = frozenset(
    {
        "military_alliance",
        "political_union",
        "international_organisation",
        "armed_group",
        "economic_forum",
    }
)
#: Definite descriptions of an organisation named earlier ("the alliance", "the bloc").
ORG_REFERENCE = re.compile(
    r"\bthe\s+(western\s+|military\s+|regional\s+|west\s+african\s+)?"
    r"(alliance|bloc|union|organi[sz]ation|grouping)\b",
    re.IGNORECASE,
)
#: Definite descriptions of two countries named earlier ("the two nations", "both countries").
PAIR_REFERENCE = re.compile(
    r"\b(the\s+two\s+(nations|countries|neighbours|neighbors|sides|states)|"
    r"both\s+(countries|nations|sides|states))\b",
    re.IGNORECASE,
)
#: Types whose place may be a sea next to a country ("waters off the Japanese coast").
MARITIME_TYPES = frozenset({"exercise", "missile_launch", "patrol", "incursion", "buildup"})
#: Types whose counterpart actor is the country of the place (host, violated state).
HOST_TYPES = frozenset({"visit", "office_opening", "incursion"})
#: Types that need a named actor to count (a warning by nobody is not an event).
NEED_ACTOR = frozenset({"criticism", "territorial_claim", "accession"})
#: Types that need a place to count (a visit to nowhere is a visit to a choir).
NEED_PLACE = frozenset({"visit"})

# --- compiling the notation --------------------------------------------------------------


def inflections(stem: str) -> tuple[str, ...]:
    """Return `stem` with its regular and irregular inflections, over-generating harmlessly."""
    forms = {stem, stem + "s", stem + "es", stem + "ed", stem + "d", stem + "ing"}
    if stem.endswith("e"):
        forms.add(stem[:-1] + "ing")
    if stem.endswith("y"):
        forms |= {stem[:-1] + "ies", stem[:-1] + "ied"}
    if re.search(r"[aeiou][bdgklmnprt]$", stem):
        forms |= {stem + stem[-1] + "ed", stem + stem[-1] + "ing"}
    forms.update(IRREGULAR.get(stem, ()))
    return tuple(sorted(forms, key=lambda f: (-len(f), f)))


def _alternative(text: str) -> str:
    if text.startswith("re:"):
        return text[3:]
    words = []
    for word in text.split("_"):
        if word.endswith("*"):
            words.append("(?:" + "|".join(re.escape(f) for f in inflections(word[:-1])) + ")")
        else:
            words.append(word)
    return r"\s+".join(words)


def _token(token: str) -> str:
    body = token[1:-1] if token.startswith("(") and token.endswith(")") else token
    return "(?:" + "|".join(_alternative(a) for a in body.split("|")) + ")"


@cache
def compile_pattern(pattern: str) -> re.Pattern[str]:
    """Compile a pattern written in the notation of the module docstring.

    Raises
    ------
    ValueError
        If the pattern starts or ends with a gap or an optional word.
    """
    tokens = pattern.split()
    if not tokens or tokens[0].startswith("...") or tokens[-1].startswith("..."):
        msg = f"a pattern must start and end with a word: {pattern!r}"
        raise ValueError(msg)
    if tokens[-1].endswith("?"):
        msg = f"a pattern must not end with an optional word: {pattern!r}"
        raise ValueError(msg)
    quote = "[\"“‘']?"
    parts = [r"(?<![\w-])"]
    for index, token in enumerate(tokens):
        last = index == len(tokens) - 1
        if token.startswith("..."):
            count = int(token[3:] or 6)
            parts.append(rf"(?:\S+\s+){{0,{count}}}?")
        elif token.endswith("?"):
            parts.append(rf"(?:{quote}{_token(token[:-1])}[\"”’']?,?\s+)?")
        elif last:
            parts.append(rf"{quote}{_token(token)}(?![\w-])")
        else:
            parts.append(rf"{quote}{_token(token)}[\"”’']?,?\s+")
    return re.compile("".join(parts), re.IGNORECASE)


#: Pairs (winner, loser): when triggers of both types overlap, the loser is dropped.
OVERRIDES = frozenset(
    {
        ("office_opening", "talks"),
        ("office_opening", "accession"),
        ("incursion", "armed_attack"),
        ("incursion", "missile_launch"),
        ("incursion", "buildup"),
        ("armed_attack", "missile_launch"),
        ("armed_attack", "buildup"),
        ("exercise", "armed_attack"),
        ("buildup", "visit"),
        ("patrol", "incursion"),
    }
)
#: Types whose place is never a sea (talks "on ... the South China Sea" are held on land).
LAND_TYPES = frozenset({"talks", "visit", "accession", "office_opening", "criticism"})
#: Types that take no place from before their trigger.
NO_PLACE_BEFORE = frozenset({"criticism", "territorial_claim", "accession"})

# --- sentences and clauses ------------------------------------------------------------------

#: Abbreviations after which a full stop does not end a sentence.
TITLES = frozenset(
    "mr mrs ms dr prof gen lt col maj capt cmdr adm sgt cpl pvt gov sen rep pres amb st mt ft "
    "brig rev hon fr sr jr vs cf al approx dept messrs mme mlle".split()
)
#: Abbreviations that do not end a sentence when a number follows ("No. 2", "Jan. 12").
BEFORE_NUMBER = frozenset(
    "no nos vol fig art p pp jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
#: Words that open a new sentence after a dotted abbreviation ("... the U.S. The next day").
SENTENCE_STARTERS = frozenset(
    "the a an he she it they we i but and in on this that these those his her its their there "
    "yet so however meanwhile after before when while if at for".split()
)
#: A wire-copy dateline opening a paragraph: "TALLINN, March 14 (Baltic Wire) - ".
DATELINE = re.compile(
    r"[A-Z][A-Z'’.\-]+(?:\s+[A-Z][A-Z'’.\-]+)*(?:,\s*[A-Z][\w.'’\- ]{0,30}?)*"
    r"(?:\s*\([^)\n]{1,40}\))?\s+[-–—]{1,2}\s+"
)
#: Where a sentence divides into clauses that report separate events.
CLAUSE_BREAK = re.compile(
    r";|\s[–—-]\s"
    r"|,\s+(?=(?:and|but|while|whereas|although|though|with|saying|adding|citing|including|"
    r"after|before|(?:\w+\s+)?(?:hours|days|weeks|months|years)\s+(?:after|before)|"
    r"(?:fuel+ed|driven|prompted|sparked|triggered|caused|spurred)\s+(?:in\s+part\s+)?by)\b)"
    r"|\s(?=(?:while|whereas)\s)"
    r"|\s+(?=and\s+(?:that|said|says|added|ordered|urged|vowed|pledged|promised)\b)"
    r"|,\s+(?=(?:which|who)\b[^,;]*$)"
)
#: A leading subordinate clause, ended by the first comma: "After X visited Kyiv, ...".
LEADING_CLAUSE = re.compile(
    r"(?:and\s+|but\s+)?(?:after|when|before|while|although|though|since|once|because|as)\b",
    re.IGNORECASE,
)
#: A non-restrictive relative clause between commas: its actors and dates are not the event's.
ASIDE = re.compile(r",\s+(?:which|who)\b[^,.;]*,")

# --- offices --------------------------------------------------------------------------------

OFFICE_WORD = re.compile(
    r"\b(embass(?:y|ies)|consulates?(?:-general)?|consulates-general|legations?|offices?|"
    r"missions?)\b",
    re.IGNORECASE,
)
#: Office words that are diplomatic by themselves or with their qualifier.
DIPLOMATIC = re.compile(
    r"\b(embass(y|ies)|consulates?|legations?|(liaison|representative|representative's|trade|"
    r"diplomatic|interests|permanent)\s+(offices?|missions?))\b",
    re.IGNORECASE,
)
EXISTING_OFFICE = (
    "(has|have|had|maintain*|run*|operate*|keep*) ...4 (embass(y|ies)|consulate*|office*|mission*)"
)
CLOSED_OFFICE = "(close*|shut*|suspend*) ...4 (embass(y|ies)|consulate*|office*)"

# --- places and actors ----------------------------------------------------------------------

SAME_WATERS = re.compile(r"\bin\s+the\s+same\s+(waters|sea|strait)\b", re.IGNORECASE)
#: Definite descriptions of a place named before, and the kinds of place they refer to.
DEFINITE_PLACE = re.compile(
    r"\b[Tt]he\s+(?:[a-z][\w-]*\s+){0,2}(islands|island|islets|strait|shoal|reef|peninsula)\b"
)
DEFINITE_KINDS: dict[str, tuple[str, ...]] = {
    "islands": ("island_group",),
    "islets": ("island_group",),
    "island": ("island_group", "country"),
    "strait": ("strait",),
    "shoal": ("island_group",),
    "reef": ("island_group",),
    "peninsula": ("region",),
}
#: Text before a country that puts a maritime event off its coast: "waters off the", "near".
VICINITY = re.compile(
    r"(?:(?:waters|seas?|areas?)\s+)?(?:off|near|along|close\s+to)\s+(?:the\s+)?"
    r"(?:coast(?:line)?\s+of\s+)?$",
    re.IGNORECASE,
)
#: Words that put an event at sea or in the air, where "near Taiwan" means the sea off Taiwan.
MARITIME_CONTEXT = re.compile(
    r"\b(naval|navy|navies|warships?|ships?|vessels?|boats?|submarines?|frigates?|destroyers?|"
    r"carriers?|coast\s+guard|bombers?|aircraft|jets?|maritime|fleet|waters)\b",
    re.IGNORECASE,
)
BETWEEN_WATERS = re.compile(r"\bwaters\s+between\s+", re.IGNORECASE)
#: A country named as the owner of the airspace or waters entered ("South Korean airspace").
AIRSPACE_AFTER = re.compile(
    r"(?:['’]s)?\s+(?:\w+\s+)?(?:airspace|territorial\s+waters|waters)\b", re.IGNORECASE
)
#: Words before a place that make it a location even after "of": "in the town of Yevlakh".
LOCATIVE_OF = re.compile(
    r"\b(?:in|at|near|around|inside|off|along|across|over)\s+(?:the\s+)?(?:[\w-]+\s+){0,3}of\s+$",
    re.IGNORECASE,
)
#: What may stand between a criticism and the place where it was made.
CRITICISM_PLACE = re.compile(
    r"\s+(?:on\s+\w+\s+)?(?:at\s+(?:a|an|the)\s+[\w\s-]{0,30}?)?(?:in|at)\s+(?:the\s+)?",
    re.IGNORECASE,
)
FIRST_PERSON = re.compile(r"\b(I|we|We|our|Our)\b")
GOVERNMENT_OUTLET = re.compile(
    r"\b(minist\w+|government|office of|department|embassy)\b", re.IGNORECASE
)
#: A capital after "the government in" still names the government.
GOVERNMENT_IN = re.compile(
    r"\b(government|junta|juntas|authorities|leaders|officials|regime)\s+in\s+$", re.IGNORECASE
)
#: Compounds in which a country is not acting: "Panama-flagged", "Japanese-controlled".
COMPOUND_AFTER = re.compile(
    r"-(controlled|held|administered|flagged|made|built|owned|based|born|aligned|backed)\b"
)
#: Words around a demonym that make it an ethnic group or a location, not a state.
NOT_A_STATE_BEFORE = re.compile(r"\bethnic\s+$", re.IGNORECASE)
NOT_A_STATE_AFTER = re.compile(r"\s+side\b")
#: Country abbreviations the place finder leaves alone ("US Navy").
ABBREVIATED_COUNTRIES = re.compile(
    r"\b(?P<USA>U\.S\.|US|USA)(?![\w.])|\b(?P<GBR>U\.K\.|UK)(?![\w.])"
)


# --- splitting text ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of a text: ``text == source[start:end]``."""

    start: int
    end: int
    text: str


_BREAK = re.compile(r"(?:[.!?]+|…|\.\.\.)[\"'”’)\]*]*(?=\s)|\n")
_NEXT_START = re.compile(r"\s*[\"'“‘(\[*]*([A-Z0-9])")
_LAST_WORD = re.compile(r"([\w.]+)[.!?…]*[\"'”’)\]*]*$")


def split_sentences(text: str) -> list[Sentence]:
    """Split `text` into sentences with their character spans.

    A sentence ends at ``.``, ``!``, ``?`` or an ellipsis (with closing quotes or brackets)
    when the next word starts with a capital or a digit, and at a line break unless the line
    is a long one without final punctuation (hard-wrapped text). It does not end after a
    title ("Gen.", "Dr."), an initial ("John F. Kennedy"), "No." or a month before a number, or
    a dotted abbreviation ("U.S.") unless a typical sentence opener follows. Decimals and
    ellipses inside a sentence ("becoming … increasingly") never end one.
    """
    cuts: list[int] = []
    for match in _BREAK.finditer(text):
        if match.group() == "\n":
            if not _line_continues(text, match.start()):
                cuts.append(match.start())
            continue
        following = _NEXT_START.match(text, match.end())
        if following is None:
            continue
        word = _LAST_WORD.search(text, max(0, match.start() - 30), match.end())
        if (
            word is not None
            and match.group()[0] == "."
            and not match.group().startswith("...")
            # what follows, cut short: a slice to the end of the text made this quadratic
            and _abbreviation(word.group(1), text[following.start(1) : following.start(1) + 100])
        ):
            continue
        cuts.append(match.end())
    sentences: list[Sentence] = []
    start = 0
    for cut in [*cuts, len(text)]:
        piece = text[start:cut]
        stripped = piece.strip()
        if stripped:
            first = start + len(piece) - len(piece.lstrip())
            sentences.append(Sentence(first, first + len(stripped), stripped))
        start = cut
    return sentences


def _line_continues(text: str, newline: int) -> bool:
    line = text[text.rfind("\n", 0, newline) + 1 : newline].rstrip()
    following = text[newline + 1 : newline + 2]
    if not line or not following.strip() or following in "-*#>•" or following.isdigit():
        return False
    return len(line) >= 60 and line[-1] not in ".!?…:\"”'’)*"


def _abbreviation(word: str, rest: str) -> bool:
    bare = word.rstrip(".").lower()
    next_word = re.match(r"[\"'“‘(]*([\w’']+)", rest)
    after = next_word.group(1).lower() if next_word else ""
    if len(bare) == 1 and word[:1].isupper():
        return True  # an initial
    if "." in bare:
        return after not in SENTENCE_STARTERS
    return bare in TITLES or (bare in BEFORE_NUMBER and rest[:1].isdigit())


def split_clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Return the clauses of ``text[start:end]`` as spans of `text` (see :data:`CLAUSE_BREAK`)."""
    bounds = [start, *(m.end() for m in CLAUSE_BREAK.finditer(text, start, end)), end]
    spans: list[tuple[int, int]] = []
    for left, right in itertools.pairwise(bounds):
        comma = text.find(", ", left, right)
        if LEADING_CLAUSE.match(text, left, right) is not None and comma != -1:
            spans += [(left, comma), (comma + 2, right)]
        elif right > left:
            spans.append((left, right))
    return spans
