"""Tabulate the triggers of every event type: the patterns that state an event.

This is data: one :class:`Trigger` per way of stating an event, in the pattern notation of
:mod:`geo.events.lexicon`, grouped by type. :mod:`geo.events.trigger_index` files them and
:mod:`geo.events.matching` applies them. Verbal triggers ("struck ... positions"), passives
("was killed in an airstrike") and nominal ones ("clashes erupted", "the capture of") live side
by side; the flags say how a match is checked.
"""

from __future__ import annotations

from geo.events.action_triggers import ACTION_TRIGGERS
from geo.events.trigger_record import OFFICE_NOUNS, Trigger

__all__ = ["OFFICIAL", "TRIGGERS"]

_MILITARY_NOUN = (
    "(troop*|force|forces|soldier*|jet*|fighter*|missile*|system*|unit*|tank*|artillery|"
    "warship*|destroyer*|frigate*|carrier*|bomber*|aircraft|battalion*|brigade*|weapon*|"
    "instructor*|personnel|corvette*|submarine*|marine*|drone*|ship*|division*|reinforcement*|"
    "contingent*|police_officer*|peacekeeper*|paratrooper*|squadron*|regiment*)"
)
#: What is captured in fighting: "took control of the airport", "seized the town".
_CAPTURED = (
    "(town*|village*|cit(y|ies)|airport*|base*|border_crossing*|crossing*|settlement*|"
    "district*|hub*|port|bridge*|hill*|area*|region*|capital|headquarters|outpost*|"
    "positions|territory)"
)
_WEAPON_ATTACK = (
    "(drone|missile|rocket|air|suicide|terror|terrorist|militant|mortar|artillery|grenade|"
    "IED|bomb|car-bomb|gun|knife)"
)
#: What strikes, shelling and raids hit: "struck a power station", "hit houses".
_ATTACKED_NOUN = (
    "(target*|position*|base*|depot*|site*|facility|facilities|ship*|vessel*|tanker*|militants|"
    "fighters|camp*|town*|village*|cit(y|ies)|infrastructure|station*|plant*|refiner(y|ies)|"
    "house*|home*|building*|school*|hospital*|port|ports|airport*|airfield*|bridge*|"
    "headquarters|hideout*|outpost*|checkpoint*|convoy*|barracks|compound*|neighbourhood*|"
    "neighborhood*|district*|area*|settlement*|warehouse*|storage|pipeline*|substation*|grid|"
    "embass(y|ies)|consulate*|compound*|residential)"
)
_DRILL = "(drill*|exercise*|war_game*|wargame*|war-game*|manoeuvre*|maneuver*)"
_TALKS = "(talks|negotiations|consultations|dialogue|discussions|meeting*|summit*)"
#: Words that show an official is the subject of a visit.
OFFICIAL = (
    r"(?i:\b(minister|president|premier|secretary|chancellor|king|queen|prince|envoy|"
    r"delegation|leader|diplomat|ambassador|secretary-general|defen[cs]e chief)\b)|\bI\b"
)
#: Words that show a verb such as "hit" or "struck" is warfare, not weather or a deal.
_WARFARE = (
    r"(?i)\b(drones?|missiles?|rockets?|forces|troops|army|military|jets?|warplanes?|artillery|"
    r"air ?strikes?|militants|fighters|rebels|insurgents|shells|shelling|bombs?|bombers?|"
    r"gunmen|jihadists|killing|killed|wounded|injured|casualties)\b"
)
_MISSILE_CONTEXT = r"(?i)\b(missile|rocket|nuclear|ICBM|ballistic|warhead|weapon)s?\b"
_AIR_OR_SEA = r"(?i)\b(bomber|fighter|jet|aircraft|drone|warplane|helicopter|plane|ship|vessel)s?\b"
_SHIP = r"(?i)\b(ship|vessel|boat|tanker|frigate|destroyer|cutter|trawler)s?\b"
#: Words for ships and aircraft of any kind.
_CRAFT = (
    r"(?i)\b(bomber|fighter|jet|aircraft|drone|warplane|helicopter|plane|ship|vessel|boat|"
    r"tanker|frigate|destroyer|cutter|corvette|submarine|carrier|warship)s?\b"
)

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
        "(launch*|drop*|fire*|fired|hurl*) ...3 (bomb|bombs|glide_bomb*|guided_bomb*|"
        "aerial_bomb*|barrel_bomb*|cluster_bomb*) (at|on|into)",
        0.8,
    ),
    Trigger(
        "armed_attack",
        "(besieged|besieging|encircled|encircling|laid_siege_to|lay*_siege_to)",
        0.75,
        ("place_next",),
    ),
    Trigger(
        "armed_attack",
        "(attack*|assault*|raid*|strike*|airstrike*) (on|against)",
        0.6,
        ("nominal",),
    ),
    Trigger(
        "armed_attack",
        "(began|begin|begins|beginning|started|start|starts|starting) ...2 (the|an|a|its|their) "
        "...2 (offensive|assault|ground_operation|military_operation|counteroffensive|"
        "counter-offensive)",
        0.8,
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
        f"{_ATTACKED_NOUN}",
        0.8,
    ),
    Trigger("armed_attack", "(shelled|shelling|bombarded|bombarding|pounded|pounding)", 0.75),
    Trigger("armed_attack", "(ambushed|ambushing)", 0.85),
    Trigger("armed_attack", "(clashed|clashing|skirmished)", 0.75),
    Trigger(
        "armed_attack",
        "kill* ...6 (soldier*|troop*|civilian*|people|officer*|police|policem(a|e)n|"
        "personnel|fighter*|militants|peacekeeper*|villager*|resident*|farmer*|herder*|"
        "student*|worshipper*|children|women|men|passenger*|worker*|miner*|trader*|"
        "fishermen|pilgrim*|journalist*|protester*|demonstrator*|guard*|person|persons|"
        "member*|commander*|official*|insurgent*|rebel*|gunmen|jihadist*)",
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
        "(troops|soldiers|border_guards|forces|units|battalions|police_officers|personnel|"
        "reinforcements) (deployed|stationed|massed) (in|to|along|near|at|on)",
        0.65,
        ("noun",),
    ),
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
    Trigger("visit", "(going|go|goes|went) to", 0.5, ("place_next",), context=OFFICIAL),
    Trigger(
        "visit", "(leave|leaves|left|depart*|set*_off) for", 0.5, ("place_next",), context=OFFICIAL
    ),
    Trigger(
        "visit",
        "(host*|welcome*|receive*) ...4 (president*|prime_minister*|leader*|minister*|"
        "counterpart*|delegation*|king|emir|amir|crown_prince|chancellor)",
        0.6,
        ("place_object",),
    ),
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
        "(agreement*|treat(y|ies)|pact*|accord|accords|deal|memorandum|MoU|partnership|programme|"
        "program|charter|declaration|ceasefire|truce|armistice)",
        0.85,
    ),
    Trigger(
        "accession",
        "(agreement*|treat(y|ies)|pact*|accord|accords|deal|memorandum|ceasefire|truce) ...6 "
        "(was|were|been|is) (reached|signed|struck|concluded|agreed)",
        0.8,
        ("noun",),
    ),
    Trigger(
        "accession",
        "(pact*|agreement*|treaty|accord|accords|deal|memorandum) signed",
        0.75,
        ("noun",),
    ),
    # --- office opening --------------------------------------------------------------------
    Trigger(
        "office_opening",
        f"(open*|reopen*|re-open*|establish*|set_up|setting_up|inaugurate*) ...5 {OFFICE_NOUNS}",
        0.85,
    ),
    Trigger(
        "office_opening",
        f"(opening|reopening|establishment) of ...4 {OFFICE_NOUNS}",
        0.7,
        ("noun",),
    ),
    Trigger(
        "office_opening",
        f"(talks|discussions|negotiations) ...5 (about|on|over) ...3 {OFFICE_NOUNS}",
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
    # --- triggers of real reporting: verbal, passive and nominal -----------------------------
    # armed attack
    Trigger("armed_attack", "(shot_at|shot_dead|shot_and_killed|gunned_down)", 0.8),
    Trigger("armed_attack", "(open*_fire|opening_fire)", 0.75),
    Trigger(
        "armed_attack",
        "(fire*|firing|launch*) ...4 (artillery|shells|mortar*|rockets|shots|drones) "
        "(at|toward|towards|into|on|across)",
        0.75,
    ),
    Trigger(
        "armed_attack",
        "(shots|gunfire|shelling) (were|was)? (fired|heard|exchanged)",
        0.65,
        ("noun",),
    ),
    Trigger(
        "armed_attack", "(shootout|shoot-out|firefight|gunfight|exchange_of_fire)", 0.75, ("noun",)
    ),
    Trigger(
        "armed_attack",
        "(clash*|fighting|battle*|hostilities) (also|have|has|had)? (also)? "
        "(erupted|broke_out|rocked|raged|continued|intensified|flared)",
        0.75,
        ("noun",),
    ),
    Trigger(
        "armed_attack",
        "(rocked|hit|gripped|engulfed) by ...2 (fighting|clash*|explosion*|shelling|airstrike*|"
        "air_strike*|gunfire|battle*)",
        0.7,
    ),
    Trigger(
        "armed_attack",
        "(fierce|heavy|intense|armed|deadly|border) (clash*|fighting)",
        0.7,
        ("noun",),
    ),
    Trigger(
        "armed_attack",
        f"(capture*|seize*|overr(a|u)n|overrunning|stormed|recapture*|retook|retake*|reclaim*|"
        f"liberate*|surround*|encircle*) ...6 {_CAPTURED}",
        0.75,
        action="seizure",
    ),
    Trigger(
        "armed_attack",
        "(took|take*|taken|seized|seize*|established|establish*|gained|regained) full? control "
        "(of|over)",
        0.75,
        action="seizure",
    ),
    Trigger(
        "armed_attack",
        "(fallen|fell|falls) to",
        0.7,
        context=r"(?i)\b(forces|rebels|army|militants|fighters|troops|group)\b",
        action="seizure",
    ),
    Trigger(
        "armed_attack",
        "(advance*|push*|pushed) (into|toward|towards|on)",
        0.6,
        context=r"(?i)\b(forces|troops|army|rebels|fighters|militants)\b",
    ),
    Trigger(
        "armed_attack",
        "(shot|shoot*|bring*|brought) down ...4 "
        "(aircraft|jet*|plane*|helicopter*|balloon*|airship*)",  # drones, missiles: interceptions
        0.8,
        action="interception",
    ),
    Trigger(
        "armed_attack",
        "(downed|downing) ...3 (drone*|aircraft|jet*|plane*|helicopter*|balloon*)",
        0.8,
        action="interception",
    ),
    Trigger(
        "armed_attack",
        "(was|were|been|being) (killed|wounded|injured) ...6 "
        "(airstrike*|air_strike*|attack*|strike*|ambush*|explosion*|blast*|shelling|raid*|bombing*|drone*|crossfire|clash*|fighting)",
        0.75,
    ),
    Trigger("armed_attack", "(was|were|been) (killed|wounded|injured) (by|when|as)", 0.65),
    Trigger(
        "armed_attack",
        "(air_strike*|air_raid*|drone_strike*|missile_strike*|airstrikes|air_strikes|raids) "
        "(on|against|in|near|targeting)",
        0.65,
        ("noun",),
    ),
    Trigger(
        "armed_attack",
        f"{_WEAPON_ATTACK} (attack*|strike*|assault*) (on|against|in|near|that|killed|hit)",
        0.7,
        ("noun",),
    ),
    Trigger(
        "armed_attack",
        "(explosion*|blast*|IED*|landmine*|land_mine*|roadside_bomb*|car_bomb*|explosive_device*|"
        "explosive*) ...4 (killed|exploded|hit|struck|went_off|wounded|injured|detonated)",
        0.7,
        ("noun",),
    ),
    Trigger(
        "armed_attack",
        "(blew_up|blown_up|blowing_up|demolish*|torch*|razed|set_fire_to|set_ablaze|set_alight|"
        "burned_down|burnt_down)",
        0.65,
        action="destruction",
    ),
    Trigger(
        "armed_attack",
        f"(strike*|struck|hit|target*) ...3 {_ATTACKED_NOUN}",
        0.7,
        ("noun",),
    ),
    Trigger("armed_attack", "(abduct*|kidnap*)", 0.65, action="abduction"),
    Trigger(
        "armed_attack",
        "(killed|injured|wounded|maimed) ...4 by (a|an|the)? ...2 (explosive*|IED*|mine|mines|"
        "landmine*|bomb*|roadside_bomb*|explosion*|blast*|drone*|missile*|rocket*|shell*|"
        "shelling|sniper*|gunmen|militants|insurgents|gunfire|airstrike*|air_strike*)",
        0.7,
    ),
    Trigger(
        "armed_attack",
        "(struck|strikes|hit|hits|targeted|targets|bombed|bombs|attacked|attacks|pounded|"
        "pounds|raided|raids|stormed|storms|overran|overrun|shelled)",
        0.7,
        ("place_next",),
        context=_WARFARE,
    ),
    Trigger(
        "armed_attack",
        "(shot|shoot|shoots|shooting|downed) (down)? ...3 "
        "(plane*|aircraft|jet*|helicopter*|balloon*|airliner*)",
        0.7,
        action="interception",
    ),
    Trigger(
        "armed_attack",
        "(shell*|rocket*|mortar*|missile*|projectile*|bomb*) ...9 (landed|exploded)",
        0.7,
        ("noun",),
    ),
    # incursion
    Trigger(
        "incursion",
        "(enter*|return*|intrude*|violate*|sail*_into|crossed_into) ...5 "
        "(EEZ|exclusive_economic_zone|continental_shelf|waters|air_space)",
        0.75,
    ),
    Trigger(
        "incursion",
        "board* (it|the_ship|the_vessel|the_tanker)",
        0.75,
        context=r"(?i)\b(ship|vessel|tanker|boat|helicopter)s?\b",
    ),
    Trigger("incursion", "block* ...3 (passage|access)", 0.7),
    Trigger("incursion", "(incursion*|intrusion*|violation*) (into|of|in)", 0.6, ("nominal",)),
    # patrol
    Trigger("patrol", "(pass*|passing) (through|across)", 0.65, context=_CRAFT),
    Trigger("patrol", "fly* between", 0.6, context=_CRAFT),
    Trigger("patrol", "(arrive*|dock*|berth*) (at|in)", 0.6, context=_SHIP),
    Trigger("patrol", "port_call*", 0.7, ("noun",)),
    # exercise
    Trigger(
        "exercise",
        f"{_DRILL} (opened|began|started|kicked_off|got_under_way|concluded|ended|wrapped_up|"
        "continued|took_place|were_held)",
        0.75,
        ("noun",),
    ),
    # buildup
    Trigger(
        "buildup",
        f"{_MILITARY_NOUN} ...3 (have|has|had|were|was)_been (sent|deployed|dispatched|stationed|"
        "moved|despatched)",
        0.75,
        ("noun",),
    ),
    Trigger("buildup", "(reinforce*|increase*|boost*|strengthen*|bolster*) ...3 presence", 0.7),
    Trigger("buildup", f"{_MILITARY_NOUN} ...4 (left|leave*|depart*) ...6 for", 0.6, ("noun",)),
    Trigger(
        "buildup",
        f"{_MILITARY_NOUN} ...8 (will|would|shall|are_to|is_to|to) be (sent|deployed|redeployed|"
        "dispatched|stationed|moved|repositioned|relocated|shifted|rotated) (to|in|into)",
        0.65,
        ("noun", "place_object"),
    ),
    # visit
    Trigger("visit", "(visit|trip|tour) (to|of)", 0.6, ("place_object", "noun"), context=OFFICIAL),
    Trigger(
        "visit", "(on_arrival|upon_arrival|arriving) in", 0.6, ("place_object",), context=OFFICIAL
    ),
    Trigger("visit", "(reached|reaches|reach) ", 0.5, ("place_next",), context=OFFICIAL),
    Trigger(
        "visit",
        "(sent|send|sends|sending|dispatched|dispatch*) ...4 (envoy*|adviser*|advisor*|"
        "delegation*|emissar(y|ies)|diplomat*|foreign_minister|minister*) ...3 to",
        0.6,
        ("place_object",),
    ),
    # talks
    Trigger(
        "talks",
        f"{_TALKS} ...8 (concluded|ended|began|opened|resumed|took_place|were_held|was_held|"
        "got_under_way|wrapped_up)",
        0.7,
        ("noun",),
    ),
    Trigger("talks", "(summit|talks|meeting|conversation|call) between", 0.6, ("noun",)),
    Trigger("talks", f"{_TALKS} (held|hosted|convened) (in|at)", 0.6, ("noun",)),
    Trigger("talks", f"{_TALKS} (,)? (hosted|mediated|brokered) by", 0.6, ("noun",)),
    Trigger("talks", f"{_TALKS} (in|at)", 0.55, ("noun", "place_next")),
    Trigger("talks", "(spoke|speak*|talked) ...3 with", 0.6, context=OFFICIAL),
    Trigger(
        "talks", "(telephonic|telephone|phone|video) (conversation*|talks|call*)", 0.65, ("noun",)
    ),
    Trigger("talks", "host* ...4 (president*|prime_minister*|leader*|minister*|counterpart*)", 0.7),
    Trigger("talks", "present* ...3 credentials", 0.65),
    Trigger("talks", "exchange* ...3 views", 0.6),
    # accession
    Trigger(
        "accession",
        "(restore*|resume*|re-establish*|reestablish*|establish*|normali[sz]e*|upgrade*) ...3 "
        "(diplomatic_ties|diplomatic_relations|relations|ties)",
        0.75,
    ),
    Trigger(
        "accession",
        "(ties|relations) ...5 (are|were|was|been) ...2 (restored|normali[sz]ed|re-established)",
        0.75,
        ("noun",),
    ),
    Trigger("accession", "become* ...4 (party_to|a_party|ally|allies)", 0.75),
    Trigger("accession", "signing_ceremon(y|ies)", 0.6, ("noun",)),
    Trigger(
        "accession",
        "announce* ...3 (agreement|deal|ceasefire|truce|accord|pact|treaty|peace_deal)",
        0.7,
    ),
    Trigger(
        "accession",
        "(led_to|produced|yielded|clinched|brokered|secured) ...3 "
        "(deal|agreement|truce|ceasefire|accord)",
        0.7,
    ),
    # office opening
    Trigger(
        "office_opening",
        f"{OFFICE_NOUNS} ...12 (resume*|resumption|restart*) ...3 "
        "(operations|work|activities|functioning)",
        0.7,
        ("noun",),
    ),
    Trigger("office_opening", f"(elevate*|elevation|upgrade*) (of)? ...3 {OFFICE_NOUNS}", 0.7),
    Trigger(
        "office_opening",
        "(flag-raising|flag_raising|inauguration|inaugural|opening) ceremon(y|ies) ...6 "
        f"{OFFICE_NOUNS}",
        0.7,
        ("noun",),
    ),
    # territorial claim
    Trigger(
        "territorial_claim",
        "(unveil*|publish*|release*|issue*|endorse*|adopt*|approve*) ...4 map",
        0.7,
    ),
    Trigger(
        "territorial_claim", "(vote*|cast_ballots|polls|hold*|held|stage*) ...6 referendum", 0.7
    ),
    Trigger(
        "territorial_claim",
        "referendum (on|over) ...6 (sovereignty|independence|claim|dispute)",
        0.65,
        ("noun",),
    ),
    # criticism
    # a government's verb ("Somalia protests", "Vietnam strongly protests"), not the street's
    # noun ("activists staged protests")
    Trigger("criticism", "protests", 0.7, ("nominal",)),
    Trigger("criticism", "(strongly|firmly|vehemently|formally) protests", 0.7, ("nominal",)),
    Trigger(
        "criticism",
        "(impose*|slap*|announce*|introduce*|levy*|levied|expand*|tighten*) ...4 sanctions",
        0.8,
        action="sanction",
    ),
    Trigger("criticism", "sanctions (on|against)", 0.7, ("nominal",), action="sanction"),
    Trigger("criticism", "(sanctioned|sanctioning)", 0.75, action="sanction"),
    Trigger("criticism", "blame* ...4 for", 0.75),
    Trigger("criticism", "(fumed|lash*_out|hit*_out_at|hits_out_at)", 0.75),
    Trigger(
        "criticism",
        "reject* ...4 (claim*|map*|move*|decision*|plan*|demand*|proposal*|annexation|"
        "referendum|law)",
        0.7,
    ),
    Trigger("criticism", "allege* that", 0.6),
    Trigger(
        "criticism",
        "(register*|deliver*|sent|send*|convey*|express*|lodge*) ...3 (protest*|objection*|"
        "complaint*|demarche*|démarche*)",
        0.8,
    ),
    Trigger(
        "criticism",
        "(ambassador|envoy|diplomat|charg(e|é)_d'affaires) ...6 (was|is|were|been|being) summoned",
        0.85,
        ("noun",),
    ),
    Trigger(
        "criticism",
        "call* ...4 (absurd|unlawful|dangerous|reckless|hostile|unfriendly|baseless)",
        0.7,
    ),
    Trigger("criticism", "trade* (accusations|blame|barbs)", 0.7),
    # "said the decision was unacceptable", "constitutes unacceptable behaviour"
    Trigger("criticism", "(is|was|were|are|be|been|constitute*|represent*) ...2 unacceptable", 0.7),
    Trigger("criticism", "(unfriendly|hostile)_act", 0.6, ("noun",)),
    *ACTION_TRIGGERS,
)
