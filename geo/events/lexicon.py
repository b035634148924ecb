"""List the words and patterns that signal each kind of event, and those that cancel one.

The extractor (:mod:`geo.events.extract` and the modules it builds on) reads these tables.
Besides them this module holds the text rules they rely on: compiling patterns and splitting
sentences into clauses (:func:`split_clauses`); sentences themselves come from
:func:`geo.text.sentences.split_sentences`. A pattern is written in a small notation over the
words of a sentence, matched without regard to case:

``fire*``
    the word with its inflections (fire, fires, fired, firing); irregular forms come from
    :data:`IRREGULAR` (fly: flew, flown, flies, flying). Write the whole word: ``capture*``
    (capture, captured, capturing), not ``captur*``, which misses "capture" itself.
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
from functools import cache

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

#: Verbs that deny the clause they introduce: "denied that its jets had entered ...".
DENIAL = frozenset("denied deny denies denying rejected dismissed refuted disputed".split())
#: Words before a trigger that make it hypothetical, negated, permitted or offered: no event.
HYPOTHETICAL_BEFORE = frozenset(
    "not n't never no nor without would could might may should can cannot if unless whether "
    "denied deny denies denying refused refuses failed yet unlikely potential possible seldom "
    "rarely hardly "
    "prospective allow allows allowed allowing enable enables offered offer offers proposed "
    "hypothetical wants want considering weighing against "
    # an invitation is not the event: "were invited to take part in the drills"
    "invited invites inviting "
    # purposes and readiness: "set up to deter China from attacking", "meant to facilitate"
    "deter deters deterring prevent prevents preventing avoid avoiding meant designed intended "
    "facilitate ready prepared capable able "
    # what is needed is not done: "spoke about the urgency of restoring all ties"
    "urgency necessity importance need needs needed "
    # called off: "cancelled a state visit", "postponed the talks"
    "cancel cancels cancelled canceled cancelling canceling postpone postpones postponed "
    "postponing scrap scraps scrapped".split()
)
#: Habits, tallies and trends, not one occurrence: "regularly patrolling", "in recent weeks".
HABITUAL = re.compile(
    r"\b(regularly|routinely|occasionally|frequently|often|usually|sometimes|"
    r"in\s+recent\s+(?:days|weeks|months|years)|over\s+the\s+(?:past|last)\s+(?:few\s+|several\s+)?"
    r"(?:weeks|months|years|decades)|a\s+string\s+of|"
    r"for\s+(?:years|decades|months)|each\s+(?:year|month|week)|every\s+(?:year|month|week)|"
    # tallies: "the third time in the last 15 days", "the 12th since May"
    r"the\s+(?:second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d+(?:st|nd|rd|th))"
    r"\s+(?:\w+\s+)?(?:time|times|such)?\s*(?:since|in\s+the\s+(?:last|past)|this\s+(?:year|month)))\b",
    re.IGNORECASE,
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
    r"intends?\s+to|aims?\s+to|agreed\s+to|in\s+talks\s+to|"
    r"(talks|discussions|negotiations|deliberations)\s+(on|about|over|to)|proposals?\s+(to|for)|"
    r"announced\s+plans)\b",
    re.IGNORECASE,
)
#: "agreed to": a plan for what was agreed, but an agreement made (``accession``) itself.
AGREED_TO = re.compile(r"\bagreed\s+to\b", re.IGNORECASE)
#: Phrases right after a trigger that announce a plan ("exercises are planned in ...").
PLANNED_AFTER = re.compile(
    r"\W*(is|are)\s+(scheduled|planned|due|set|expected|to\s+be\s+held)\b", re.IGNORECASE
)
#: Offices opened both ways: "reopen embassies in our respective capitals".
RECIPROCAL = re.compile(
    r"\b(respective|each\s+other['’]?s?|one\s+another['’]?s?|reciprocal(ly)?)\b", re.IGNORECASE
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
    "patrol": re.compile(
        r"\b(police|border police|foot|community|neighbourhood)\W*$"
        # a circumstance, not the news: "killed while they were patrolling"
        r"|\b(while|when|as)\s+(\w+\s+){0,2}(were|was)\s+$",
        re.I,
    ),
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
    # "early warning", and the street's protests: "staged protests", "anti-government protests"
    "criticism": re.compile(
        r"\b(early|storm|weather|flood|profit|staged?|stages|staging|mass|street|student|"
        r"violent|peaceful|anti-[\w-]+)[- ]?$",
        re.IGNORECASE,
    ),
}
#: Before "claimed": an attack claimed by a group is a claim of responsibility, not of land
#: ("the bombing was claimed by the group").
CLAIMED_ATTACK = re.compile(
    r"\b(attacks?|bombings?|strikes?|assaults?|blasts?|explosions?|raids?|killings?|"
    r"kidnappings?|ambush(?:es)?)\b[^.;]*\b(was|were|been)\s+$",
    re.IGNORECASE,
)
#: Before talks: an invitation to them, not talks yet ("invited Kurti and Vucic to talks").
INVITED_TO = re.compile(r"\binvit\w*\b[^.;]{0,60}\bto\s+$", re.IGNORECASE)
#: Words inside an attack match that make it a warning, not an attack ("fired warning shots").
NOT_AN_ATTACK = re.compile(
    r"\bwarning\s+(shots?|flares?|fire)\b"
    # crowd control is no armed attack: "fired tear gas at protesters"
    r"|\b(tear\s*gas|stun\s+grenades?|rubber\s+bullets|water\s+cannons?|pepper\s+spray)\b",
    re.IGNORECASE,
)
#: Text right after a match that makes it another sense of the word, per event type.
EXCLUDE_AFTER: dict[str, re.Pattern[str]] = {
    "territorial_claim": re.compile(
        r"^\W*(responsibility|credit|victory|the\s+lives?|lives|that|to\s+have|asylum|"
        r"(?:a\s+|an\s+|the\s+)?(?:missile|rocket|drone|attack|strike|barrage|hit|shoot))\b",
        re.I,
    ),
    "criticism": re.compile(
        r"^\W*((his|her|its|their)\s+own|shots?|flares?|lights?|signs?|labels?|sirens?|"
        r"systems?|and\s+control)\b",
        re.IGNORECASE,
    ),
    # water cannon and tear gas against a crowd on land: policing, not an incursion at sea
    "incursion": re.compile(
        r"^[^.;]{0,80}\b(tear\s*gas|protesters|demonstrators|migrants|crowds?|rioters)\b", re.I
    ),
    "patrol": re.compile(
        r"^[\s-]*(ships?|boats?|vessels?|craft|aircraft|planes?|cars?|officers?|bases?|dogs?)\b"
        # the circumstance of an attack: "were patrolling the border when they were ambushed"
        r"|^[^.;]*?\bwhen\s+(\w+\s+){1,2}(were|was|came\s+under)\s+(\w+\s+)?(attacked|"
        r"ambushed|killed|shot|hit|wounded|fired\s+(on|at)|attack|fire)\b",
        re.IGNORECASE,
    ),
    "office_opening": re.compile(r"^\W*(hours|space|building|block|supplies)\b", re.IGNORECASE),
    # "a missile that fully meets the requirements", "meets Pakistan's strategic needs" is no
    # meeting
    "talks": re.compile(
        r"^\W*(?:all\s+|the\s+|its\s+|their\s+|\(?[\w-]+['’]s\)?\s+)?(?:[\w()-]+\s+)?"
        r"(?:requirements?|needs|criteria|standards?|"
        r"expectations|demands|deadlines?|targets?|goals?|conditions)\b",
        re.IGNORECASE,
    ),
    "visit": re.compile(r"^\W*(to\s+)?(the\s+)?(website|site|page|doctor|hospital)\b", re.I),
}
#: Speakers whose warnings and criticism are not events of a state or organisation.
NON_STATE_SPEAKERS = re.compile(
    r"\b(analysts?|experts?|economists?|commentators?|investors?|observers?|scientists?|"
    r"residents?|shopkeepers?|critics|compan(y|ies)|firms?|corporations?|brokerages?|"
    r"forecasters?|meteorolog\w*|weather|IMF|World\s+Bank|central\s+banks?|fund)\b",
    re.IGNORECASE,
)
#: Verbs that attribute a statement: a date right after one dates the report, not the event.
REPORTING = re.compile(
    r"\b(said|says|say|told|tells|reported|reports|added|stated|according\s+to|"
    r"announced|confirmed|wrote|disclosed|described)\b",
    re.IGNORECASE,
)
#: Between a reporting verb and the subject of what it reports: "said [that] [the] Russian
#: drones struck".
REPORTED_SUBJECT = re.compile(r"\s*(?:that\s+)?[“\"‘']?\s*(?:the\s+|a\s+|an\s+)?")
#: Prepositions that put a place mention in the role of a location.
LOCATIVE = frozenset(
    "in at near over into inside within around off across along through to toward towards "
    "onto outside beyond from".split()
)
#: After a country's possessive, the people and bodies that act for it: "Yemen's Houthi
#: movement", "Russia's coast guard" name an actor, not where the event is.
ACTING_BODY_AFTER = re.compile(
    r"[’']s\s+(?:(?:own|main|top|national|state|elite|new)\s+)?(?:army|navy|air\s+force|"
    r"military|coast\s+guard|forces|troops|government|president|prime\s+minister|leader|"
    r"officials|defen[cs]e\s+ministry|foreign\s+ministry|foreign\s+office|interior\s+ministry|"
    r"ministry|foreign\s+minister|defen[cs]e\s+minister|spokes(?:man|woman|person)|embassy|"
    r"mission|envoy|ambassador|border\s+guards?|police|militia|rebels|insurgents)\b",
    re.IGNORECASE,
)
#: A title after a state's name and before a person's: "Kosovo Prime Minister Albin Kurti",
#: "Afghanistan's foreign minister Amir Khan Muttaqi". The person then speaks for the state
#: wherever the article names them again.
TITLED_PERSON = re.compile(
    r"(?:['’]s)?\s+(?:(?:former|new|acting|then|top|deputy|chief|senior|interim)\s+)*"
    r"(?:(?:[Vv]ice\s+)?[Pp]resident|(?:[Dd]eputy\s+)?[Pp]rime\s+[Mm]inister|[Pp]remier|"
    r"[Ff]oreign\s+[Mm]inister|[Dd]efen[cs]e\s+[Mm]inister|[Ii]nterior\s+[Mm]inister|"
    r"[Ss]ecretary\s+of\s+[Ss]tate|[Ff]oreign\s+[Ss]ecretary|[Dd]efen[cs]e\s+[Ss]ecretary|"
    r"[Cc]hancellor|[Kk]ing|[Ee]mir|[Cc]rown\s+[Pp]rince|[Ss]ultan|[Aa]mbassador|[Ee]nvoy|"
    r"[Ll]eader|[Mm]inister|[Ss]pokes(?:person|man|woman))\s+"
    r"(?P<name>[A-Z][\w’'-]+(?:\s+(?:(?:bin|al|de|da|van|von|el)\s+)?[A-Z][\w’'-]+){0,3})"
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
#: Talks held at a distance: placed at the capital of who the article reports from, not at a
#: place named as their topic ("spoke by phone with Macron to discuss Iran").
REMOTE_TALKS = re.compile(
    r"\b(?:by\s+(?:tele)?phone|over\s+the\s+(?:tele)?phone|on\s+the\s+(?:tele)?phone|"
    r"(?:tele)?phone\s+(?:call|conversation|talks)|telephonic|video\s*(?:call|link|conference)|"
    r"videoconference|virtual(?:ly)?\s+(?:meeting|summit|talks|call)|held\s+talks\s+virtually)",
    re.IGNORECASE,
)
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
    edited = r"(?:\[\w{1,4}\])?"  # an editor's letters in a quote: "constitute[s]"
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
            parts.append(rf"{quote}{_token(token)}{edited}[\"”’']?,?\s+")
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

#: A wire-copy dateline opening a paragraph: "TALLINN, March 14 (Baltic Wire) - ".
DATELINE = re.compile(
    r"[A-Z][A-Z'’.\-]+(?:\s+[A-Z][A-Z'’.\-]+)*(?:,\s*[A-Z][\w.'’\- ]{0,30}?)*"
    r"(?:\s*\([^)\n]{1,40}\))?\s+(?:[-–—]{1,2}|•)\s+"
    # or a place name and a colon: "Beirut: ", "Abu Dhabi: "
    r"|[A-Z][a-z'’.\-]+(?:\s+[A-Z][a-z'’.\-]+){0,2}:\s+"
    # or a place name and the day of the report: "Seoul, Feb. 19 (Agency)--", "Lima, May 2 -"
    r"|[A-Z][a-z'’.\-]+(?:\s+[A-Z][a-z'’.\-]+){0,2},\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2}"
    r"(?:,?\s+\d{4})?(?:\s*\([^)\n]{1,40}\))?\s*(?:[-–—]{1,2}|•)\s*"
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
#: A non-restrictive relative clause or a backer between commas ("which ...", "backed by Egypt
#: and Jordan,"): its actors and dates are not the event's.
ASIDE = re.compile(
    r",\s+(?:which|who\b|(?:supported|backed|armed|funded|aided|financed|trained)\s+by\b)"
    r"[^,.;]*,"
)
#: A relative clause right after a noun-phrase trigger that tells where and when its event was:
#: "the summit, which took place in Jeddah on Sunday, ...".
TELLS_ITS_EVENT = re.compile(
    r",\s+(?:which|that)\s+(?:(?:was|were|had\s+been|has\s+been)\s+)?(?:also\s+)?"
    r"(?:held|took\s+place|happened|occurred|began|opened|ended|concluded|signed|hosted)\b"
)

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
#: After a country's name or adjective, its capital: "the Qatari capital", "Ukraine's capital"
#: (not followed by a city's name, which names the place itself).
CAPITAL_AFTER = re.compile(r"(?:['’]s)?\s+capital\b(?!\s+(?:city\s+)?[A-Z])")
#: A locative preposition right before a phrase: "in the", "to".
AT_THE = re.compile(r"\b(?:in|at|to|from|near|outside|into|around)\s+(?:the\s+)?\Z")
#: Between a region and a place inside it that the phrase is about: "[Burkina Faso] town of
#: [Djibo]", "[Kharkiv] region's village of [Borova]".
PLACE_HEAD = re.compile(
    r"(?:['’]s)?\s+(?:[a-z][\w-]*\s+){0,2}"
    r"(?:town|city|village|port|base|settlement|district|county|province|region|territory|"
    r"archipelago|island|islands|enclave|exclave)\s+(?:of\s+)?"
)
#: Between two coordinated names: "Vietnam, Malaysia and Taiwan" (also splits a list).
COORDINATED = re.compile(r"\s*(?:,?\s+and|,?\s+as well as|,)\s+(?:the\s+)?")
#: Right before a group of names: its backers in an aside ("supported by Egypt and the UAE").
BACKED_BY = re.compile(r"\b(?:by|with|from)\s+(?:the\s+)?\Z")
#: A noun right after a place name, which the name only modifies: "hit the US consulate".
MODIFIED_NOUN = re.compile(
    r"\s+(?!(?:on|in|at|near|with|and|or|overnight|early|late|again|twice|killing|injuring|"
    r"wounding|from|for|during|before|after|as|while|last|this|yesterday|today|tonight|"
    r"but|by|over|to|until|since|where|which|who|next|later|earlier|soon|tomorrow|now|"
    r"recently|once|then|so|amid|against|along|across|around|into|through|under|within)\b)[a-z]"
)
#: A host's verb: the visit is the guest's ("hosted his Somali counterpart").
HOSTING = re.compile(r"(?i)host|welcom|receiv")
#: A passive auxiliary right before a verb: "were summoned", "are to be summoned".
PASSIVE_BEFORE = re.compile(r"(?i)\b(?:is|are|was|were|be|been|being)\s+\Z")
_LISTED_NAME = r"(?:(?:al|el|Al|El|as|ad)-)?[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,2}"
#: Places listed as the scenes of an action: "in the occupied Shebaa Farms, al-Motella and
#: Ramya", "at the settlements of Oleshnya and Tetkino", "in the Sudzha and Glushkovo
#: districts". The names are split by :data:`COORDINATED`.
LISTED_PLACES = re.compile(
    r"\b(?:in|at|near|on|around|outside)\s+(?:the\s+)?"
    r"(?:(?:occupied|nearby|border|neighbouring|neighboring|southern|northern|eastern|western|"
    r"central|villages?|towns?|settlements?|areas?|districts?|cities|regions?|provinces?)"
    r"\s+(?:of\s+)?){0,3}"
    rf"(?P<names>{_LISTED_NAME}(?:\s*,\s*(?:and\s+)?{_LISTED_NAME}|,?\s+and\s+{_LISTED_NAME})+)"
)
#: "the" between a word and the next: "in the [Qatari capital]".
SPACED_THE = re.compile(r"\s+the\s+")
#: What may stand between a verb and the place it acts on: "struck the port city of".
OBJECT_PLACE_LEAD = re.compile(
    r"\s+(?:(?:the\s+)?(?:[\w-]+\s+){0,2}"
    r"(?:city|town|village|port|region|province|district|capital|outskirts|suburbs?|area|"
    r"settlement|oblast)\s+(?:of\s+)?|the\s+)?"
)
#: Definite descriptions of a place named before, and the kinds of place they refer to.
DEFINITE_PLACE = re.compile(
    r"\b[Tt]he\s+(?:[a-z][\w-]*\s+){0,2}(islands|island|islets|strait|shoal|reef|peninsula|"
    r"province|city|town|village)\b(?!\s+of\b)"
)
#: Words after a trigger that open what is said or alleged about it: places beyond them are not
#: its scene ("launched the operation, alleging that Armenia had amassed troops").
ANOTHER_STATEMENT = re.compile(
    r"\b(?:alleging|saying|claiming|accusing|arguing|insisting|because|citing)\b", re.IGNORECASE
)
#: A trigger whose subject is its scene: "northern Shan state has been rocked by fighting".
SCENE_AS_SUBJECT = re.compile(r"(?:rocked|hit|gripped|engulfed)\s+by\b", re.IGNORECASE)
DEFINITE_KINDS: dict[str, tuple[str, ...]] = {
    "islands": ("island_group",),
    "islets": ("island_group",),
    "island": ("island_group", "country"),
    "strait": ("strait",),
    "shoal": ("island_group",),
    "reef": ("island_group",),
    "peninsula": ("region",),
    "province": ("admin1",),
    "city": ("city",),
    # "around the town": the last town named, not a capital named for its government
    "town": ("town",),
    "village": ("town",),
}
#: Text before a country that puts a maritime event off its coast: "waters off the", "near".
VICINITY = re.compile(
    r"(?:(?:waters|seas?|areas?)\s+)?(?:off|near|along|close\s+to)\s+(?:the\s+)?"
    r"(?:(?:(?:north|south|east|west)[- ]?(?:east|west)?(?:ern)?\s+)?coast(?:line)?\s+of\s+)?$",
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
    r"(?:['’]s)?\s+(?:\w+\s+)?(?:airspace|territorial\s+waters|waters|"
    r"air\s+defen[cs]e\s+(?:identification\s+)?zone|ADIZ|exclusive\s+economic\s+zone|EEZ)\b",
    re.IGNORECASE,
)
#: The side of a coast: "off its southwest coast", "the north-eastern coast".
COAST_SIDE = re.compile(
    r"\b(north|south|east|west)[- ]?(east|west)?(?:ern)?\s+coast(?:line)?s?\b", re.IGNORECASE
)
#: Zones that reach out to sea ("Vietnam's waters", "Japan's ADIZ"): an incursion into one is placed
#: in the sea off the country.
WIDE_ZONE = re.compile(r"(?i)zone|ADIZ|EEZ|waters")
#: Words before a place that make it a location even after "of": "in the town of Yevlakh".
#: Nominal triggers that name a whole war ("Russia's invasion", "the offensive"): without a date
#: of their own they are its backdrop, not one day's event.
STANDING_WAR = re.compile(r"(?:invasion|offensive)", re.IGNORECASE)
#: What puts such a war in the background: "amid", "since", "the fallout from" ... its name.
CIRCUMSTANCE_BEFORE = re.compile(
    r"\b(?:amid|amidst|since|from|after|following|during|because\s+of|due\s+to|despite|over)"
    r"\s+(?:the\s+)?(?:[\w’'-]+\s+){0,3}$",
    re.IGNORECASE,
)
#: Right before a trigger, what refers back to an event told before: a pronoun subject ("it
#: hit", "they struck") or a definite description of the event ("the attacks targeted", "the
#: coalition airstrikes hit", "in the attack").
REFERRING_BACK = re.compile(
    r"(?:\b(?:it|they)\s+(?:had\s+|have\s+|has\s+|also\s+)?"
    r"|\b(?:the|these|those|this|that)\s+(?:[\w-]+\s+){0,2}(?:attacks?|strikes?|airstrikes?|"
    r"air\s+strikes?|raids?|assaults?|missiles?|rockets?|drills?|exercises?|manoeuvres?|"
    r"operation|offensive|bombing|shelling|incident|incursion|intrusion|patrols?|"
    r"talks|meeting|conversation|call|visit|summit)\s+(?:had\s+|have\s+|has\s+|also\s+)?)$",
    re.IGNORECASE,
)
#: In or right after a trigger, the event it belongs to named by reference: "were wounded in
#: the attack".
REFERRING_AFTER = re.compile(
    r"\b(?:in|by|during)\s+(?:the|that|this|these|those)\s+(?:[\w-]+\s+){0,2}"
    r"(?:attacks?|strikes?|airstrikes?|air\s+strikes?|raids?|assault|shelling|bombing|"
    r"explosions?|blasts?)\b",
    re.IGNORECASE,
)
#: A trigger ending on its event named definitely, told before: "conducted the drills".
DEFINITE_OBJECT = re.compile(
    r"\b(?:the|these|those)\s+(?:[\w-]+\s+)?(?:drills?|exercises?|war\s+games|manoeuvres?|"
    r"maneuvers?|patrols?|attacks?|strikes?|airstrikes?|talks|summit|meeting)\W*$",
    re.IGNORECASE,
)
#: Before a noun-phrase trigger, a determiner that makes it a reference: "in the attack".
DEFINITE_BEFORE = re.compile(
    r"\b(?:the|these|those|this|that)\s+(?:[\w-]+\s+){0,2}$", re.IGNORECASE
)
#: A clause that opens the sentence as the circumstance of its main clause: "As the drills
#: opened, ...".
LEADING_SUBORDINATE = re.compile(r"\s*(?:As|When|While|Once|After|Before|Since)\s", re.IGNORECASE)
#: The end of a quotation, before its attribution: '," the ministry said'.
QUOTE_CLOSE = re.compile(r"[,.!?]?\s*[”\"]")
#: Verbs of an attribution after a quotation besides those of saying: 'the statement read'.
ATTRIBUTED = re.compile(r"\b(read|reads|tweeted|posted|declared|stressed|insisted)\b")
#: A summons told in the passive: the envoy named before it is summoned, not summoning.
SUMMONED = re.compile(r"\b(?:was|were|is|are|been|being)\s+summoned\b", re.IGNORECASE)
#: Talks told as speaking with someone: with no place named, a call.
SPOKE_WITH = re.compile(r"(?:spoke|speaks|speak|talked|talks)\b", re.IGNORECASE)
#: Agreements in the plural: signed "with X and Y", one each.
PLURAL_DEALS = re.compile(r"\b(?:agreements|deals|accords|treaties|pacts)\b", re.IGNORECASE)
#: A clause that opens with "Since": what it tells is where the main clause's time starts.
SINCE_CLAUSE = re.compile(r"\s*(?:Ever\s+)?[Ss]ince\s+(?!(?:the\s+)?\d|then\b|last\b|early\b)")
#: A relative clause of a place that tells a standing claim: "Taiwan, which Beijing considers a
#: province", "the island that China claims".
STANDING_CLAIM = re.compile(
    r"(?:^\s*which\s+|(?:,\s+|\b(?:island|islands|territory|territories|region|province|area|waters|sea|reef|"
    r"shoal|rocks)\s+)(?:which|that)\s+)(?:[\w’'-]+\s+){0,3}(?:also\s+)?$"
)
#: A progressive relative clause right before a transit describes the ship the sentence is
#: about, not a patrol: "a tanker that was passing through the strait".
DESCRIBED_OBJECT = re.compile(r"\b(?:that|which|who)\s+(?:was|were)\s+$", re.IGNORECASE)
#: An older year naming the event, right before the trigger: "a 1998 agreement signed".
YEAR_MODIFIER = re.compile(
    r"\b(?:a|an|the|its|their|his|her)\s+((?:19|20)\d{2})\s+(?:[\w-]+\s+){0,2}$"
)
#: A sentence that opens by telling an earlier occurrence: "Earlier, on 20 August, ...".
EARLIER_OCCURRENCE = re.compile(r"\s*(?:Earlier|Previously|Before\s+that)\b")
#: A place's name followed by "side" or "border": "on the Bangladesh side of the border", "on
#: the Bangladesh border" are in Bangladesh.
SIDE_AFTER = re.compile(r"[\w’'.-]+(?:\s+[\w’'.-]+){0,2}\s+(?:side|border|frontier)\b")
LOCATIVE_OF = re.compile(
    r"\b(?:in|at|near|around|inside|off|along|across|over)\s+(?:the\s+)?(?:[\w-]+\s+){0,5}of\s+$"
    # "in the South African capital Pretoria", "near the border town Jermuk"
    r"|\b(?:in|at|near|around|inside|into|to|outside)\s+the\s+(?:[\w-]+\s+){0,3}"
    r"(?:capital|city|town|village|port|base|region|province|district)[,\s]\s*$",
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


# --- splitting sentences into clauses ----------------------------------------------------


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


#: A relative clause, full ("a rift that erupted") or reduced ("the accord signed in"): a date
#: after it dates that clause, not the event before it.
#: A relative pronoun opening a clause about something else: "a rift that erupted in 2017".
RELATIVE_PRONOUN = re.compile(r"\b(?:that|which|who|whose)\b", re.IGNORECASE)
RELATIVE_WORD = re.compile(
    r"\b(?:that|which|who|whose|when|where)\b|\b[a-z]+ed\s+(?:(?:in|on|during|since)\s+)?$",
    re.IGNORECASE,
)
