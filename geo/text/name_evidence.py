"""Whether a candidate name names a place where it stands, checked the way a reader would.

A candidate (:mod:`geo.text.name_candidates`) is dropped, or kept with a role, by what stands
around it:

* a name glued to other capitalised words is part of a larger name (a person, a product:
  "Paris Hilton") unless the run names an organisation (:data:`ORGANISATION_HEADS`: "The
  Washington Post", "University of Washington"), whose place gets the role ``organisation``;
* a town's name used for a person somewhere in the text ("Mr. Sanford", "Hopkins said",
  "Ashley Sutton … Sutton") is not a place there, unless written as a location ("in Sutton");
* a name that is also a common English word ("Nice", "Reading", "Mobile") counts only after a
  locative preposition ("in Nice") or with a qualifier ("Reading, England");
* months and weekdays are never places; a name that means only towns needs evidence (a
  locative, a qualifier, a dateline, a verb of fighting: "shelled Orikhiv") or must lie near
  the text's other places.
"""

from __future__ import annotations

import re

from geo.places.geocode import Geocoder
from geo.places.names import ABBREVIATION_MARK
from geo.text.actors import ActorVocabulary
from geo.text.mention_records import MentionRole
from geo.text.name_candidates import LOWER_OK, MODIFIERS, QUALIFIER_GAPS, Candidate, NameScanner
from geo.text.tokens import Tokens, on_headline, sentence_initial
from geo.text.vocabulary import MONTHS_AND_WEEKDAYS as _MONTHS_DAYS

#: Words before a name that introduce it as a location.
_LOCATIVE = frozenset(
    [
        "in",
        "at",
        "near",
        "from",
        "to",
        "outside",
        "around",
        "across",
        "into",
        "toward",
        "towards",
        "via",
        "between",
        "inside",
        "throughout",
        "off",
        "over",
        "within",
        "of",
    ]
)
#: Verbs of fighting whose direct object is a place ("shelled Orikhiv", "captured Avdiivka").
TAKEN_OR_HIT = frozenset(
    "shelled bombed bombarded pounded captured recaptured seized retook stormed liberated "
    "raided besieged encircled overran struck entered".split()
)
#: Words before a name that are evidence enough for a town: locatives ("at" and "of" also
#: precede firms and people) and verbs of fighting.
_TOWN_LOCATIVE = (_LOCATIVE - {"at", "of", "over", "off"}) | TAKEN_OR_HIT
#: Lower-cased capitalised words that may follow a place name without making it part of a
#: larger proper name ("Tokyo Governor", "Japan Foreign Minister").
_ALLOWED_AFTER = frozenset(
    [
        "province",
        "prefecture",
        "region",
        "oblast",
        "county",
        "state",
        "governor",
        "mayor",
        "president",
        "prime",
        "minister",
        "foreign",
        "defense",
        "defence",
        "premier",
        "chancellor",
        "king",
        "queen",
        "leader",
        "ambassador",
        "police",
        "authorities",
        "officials",
        "government",
        "ministry",
    ]
)
_CONNECTORS = frozenset({"of", "de", "del", "della", "di", "du", "des", "da", "do", "dos"})
#: Capitalised heads of organisation names built as "Head of Place".
_NAME_HEADS = frozenset(
    (
        "university bank college institute school club museum church cathedral hospital "
        "council academy duke duchess earl archbishop bishop battle treaty siege conference "
        "congress league federation association society foundation company"
    ).split()
)
#: Capitalised nouns that make a run of capitalised words an organisation's name ("The
#: Washington Post", "Jamaica Cancer Society", "Nigerian Army", "Birmingham City").
ORGANISATION_HEADS = frozenset(
    (
        "post times press herald news tribune journal gazette chronicle telegraph guardian "
        "observer mail mirror sun star globe examiner inquirer bulletin courier reporter "
        "radio tv television broadcasting university college school schools academy institute "
        "observatory museum library hospital clinic health society club association council "
        "board committee commission authority agency department ministry office bureau "
        "service services police fire army navy guard force forces fleet corps command bank "
        "reserve corporation company group airlines airways air rail railway railways trust "
        "foundation federation league party assembly parliament senate court tribunal chamber "
        "chambers embassy consulate lottery cruises racing conference festival expo "
        "representative sheriff pd fc united city rovers athletic wanderers rangers limited ltd "
        "inc plc llc holdings"
    ).split()
)
#: Lower-cased words of a run of capitalised words that may join its parts ("Bank of Malta").
_ORGANISATION_JOINERS = frozenset({"of", "for", "and", "on", "the", "&", "de", "du"})
#: Words before a name that make it a person's ("Mr. Sanford", "his brother Tyler").
_PERSON_TITLES = frozenset(
    (
        "mr mrs ms miss dr prof sen senator rep gov judge coach sgt sergeant lt cpl capt captain "
        "col colonel cllr councillor pastor rev reverend sir dame lady lord brother sister son "
        "daughter wife husband father mother uncle aunt cousin"
    ).split()
)
#: Verbs of saying: a small town's name right before or after one is a person's ("Allen said").
_SPEECH_VERBS = frozenset(
    (
        "said says told tweeted wrote added explained argued believes thinks noted insisted "
        "claimed replied recalled admitted stated continued asked"
    ).split()
)
#: Cities at least this big (and capitals) keep their name beside a verb of saying
#: ("Moscow said", "Beijing says": the government speaking).
_SPEAKING_CITY_POPULATION = 300_000
#: Cities at least this big are read as the city even when their name is also a word.
_NAMED_CITY_POPULATION = 500_000
#: Cities at least this big lend their name to teams ("Houston Rockets").
_TEAM_CITY_POPULATION = 100_000
#: Marks after a name at the start of a line that make it a dateline ("RIVERDALE, N.J. —").
_DATELINE_MARKS = frozenset(",—–-(")


class PlaceEvidence:
    """Judge candidate names in context with one geocoder and actor vocabulary.

    Parameters
    ----------
    geocoder
        Ranks the places a name may mean.
    vocabulary
        Demonyms (a demonym before a name makes no larger name of it).
    scanner
        Finds region abbreviations that qualify a name ("Allendale, N.J.").
    """

    def __init__(
        self, geocoder: Geocoder, vocabulary: ActorVocabulary, scanner: NameScanner
    ) -> None:
        self.geocoder = geocoder
        self.gazetteer = geocoder.gazetteer
        self.vocabulary = vocabulary
        self.scanner = scanner
        self._common_cache: dict[str, bool] = {}
        self._evidence_cache: dict[str, bool] = {}
        self._small_cache: dict[str, bool] = {}
        #: rows of the regions that have a postal abbreviation ("Mont.", "N.J.")
        self._abbreviated = frozenset(
            row
            for key in self.gazetteer.text_keys()
            if key.endswith(ABBREVIATION_MARK)
            for row, _ in self.gazetteer.candidates_for_key(key, in_text=True)
        )

    def is_common_word(self, key: str) -> bool:
        """Return whether a name is first a word of English ("Mobile", "Reading", "Gulf").

        Regions with a postal abbreviation, capitals and cities of half a million are names.
        """
        cached = self._common_cache.get(key)
        if cached is not None:
            return cached
        gaz = self.gazetteer
        common = key in MODIFIERS
        if not common and " " not in key and key in gaz.common_words:
            ranked = self.geocoder.ranked(key, in_text=True)
            if ranked:
                row = ranked[0][0]
                kind = gaz.kinds[row]
                # regions with a postal abbreviation and cities of half a million are named,
                # not words ("Montana", "Boston": the dictionary lists them for a breed of
                # sheep and a dance); other regions are words first ("Free State", "Gulf")
                common = (kind == "admin1" and row not in self._abbreviated) or (
                    kind == "admin2"
                    or (
                        kind == "city"
                        and not gaz.capital[row]
                        and gaz.population[row] < _NAMED_CITY_POPULATION
                    )
                )
        self._common_cache[key] = common
        return common

    def _is_english_word(self, key: str) -> bool:
        words = self.gazetteer.common_words
        return key in words or (key.endswith("s") and key[:-1] in words)

    def role(
        self,
        tokens: Tokens,
        candidate: Candidate,
        demonyms: dict[int, str],
        headlines: dict[int, bool],
        accepted: set[str],
        persons: set[str],
        pending: set[int],
    ) -> MentionRole | None:
        """Return the role of a candidate name, or None when it names no place here."""
        first, last, key = candidate.first, candidate.last, candidate.key
        if candidate.abbreviation:
            return "place"
        if candidate.inside_organisation:
            if self.needs_evidence(key) or self.is_common_word(key):
                return None
            return "organisation"
        if first == last and key in _MONTHS_DAYS:
            return None
        if first == last and key in MODIFIERS:
            return None  # "Western alliance", "North" alone
        role = self._role_among_names(tokens, candidate, demonyms, headlines)
        if role is None:
            return None
        return self._role_in_text(tokens, candidate, role, accepted, persons, pending)

    def _role_in_text(
        self,
        tokens: Tokens,
        candidate: Candidate,
        role: MentionRole,
        accepted: set[str],
        persons: set[str],
        pending: set[int],
    ) -> MentionRole | None:
        """Return the role of a name the words around it allow, checked against the text.

        People's names, common words and towns named without evidence are dropped; a town
        named without evidence is added to `pending`, to be kept only near the text's other
        places; a name accepted as a place is added to `accepted`.
        """
        first, last, key = candidate.first, candidate.last, candidate.key
        before = first - 1 if first > 0 else None
        after = last + 1 if last + 1 < len(tokens) else None
        if role == "organisation" and (self.needs_evidence(key) or self.is_common_word(key)):
            return None  # "Chamber of Commerce", "Zara Group": a town inside a name is a guess
        locative = before is not None and tokens.key(before) in _LOCATIVE
        qualified = after is not None and tokens.gap(last) == ", " and tokens.capital[after]
        if key in persons and not (locative or qualified):
            return None  # "Mr. Sanford", "Hopkins said", "Ashley Sutton … Sutton"
        if self.is_common_word(key):
            if sentence_initial(tokens, first) and not locative:
                return None  # "Mobile phone alerts went out…", even after "Mobile, Alabama"
            if not (locative or qualified or key in accepted):
                return None
        if role == "place":
            if self.needs_evidence(key) and not (
                (before is not None and tokens.key(before) in _TOWN_LOCATIVE)
                or key in accepted
                or self._qualifier_follows(tokens, last)
                or dateline(tokens, first, last)
            ):
                pending.add(first)  # kept only if near the text's other places
                return role
            accepted.add(key)
        return role

    def _role_among_names(
        self,
        tokens: Tokens,
        candidate: Candidate,
        demonyms: dict[int, str],
        headlines: dict[int, bool],
    ) -> MentionRole | None:
        """Return the role the capitalised words around a name give it.

        None when they make it part of a larger name that is no organisation's ("Paris
        Hilton"); ``organisation`` when that larger name is an organisation's.
        """
        first, last, key = candidate.first, candidate.last, candidate.key
        count = len(tokens)
        before = first - 1 if first > 0 else None
        after = last + 1 if last + 1 < count else None
        headline = (before is not None and tokens.capital[before]) or (
            after is not None and tokens.capital[after]
        )
        headline = headline and on_headline(tokens, first, headlines)
        role: MentionRole = "place"
        if (
            before is not None
            and not headline
            and tokens.capital[before]
            and tokens.gap(before) == " "
            and before not in demonyms
            and tokens.key(before) not in LOWER_OK
            and tokens.key(before) not in MODIFIERS
            and not (
                sentence_initial(tokens, before)
                and tokens.key(before) in self.gazetteer.common_words
            )
        ):
            if not organisation_run(tokens, first, last):
                return None  # "Michael Jordan", "FrontCounter BC"
            role = "organisation"  # "HSBC Bank Malta", "Air France"
        if (
            after is not None
            and not headline
            and tokens.capital[after]
            and tokens.gap(last) == " "
            and tokens.key(after) not in _ALLOWED_AFTER
            and tokens.key(after) not in _MONTHS_DAYS
            # "the Alaska Air Defense Identification Zone" is the place's zone
            and not _ZONE_AFTER.match(tokens.text, tokens.end(last))
        ):
            if not (
                organisation_run(tokens, first, last, left=False) or self._team(tokens, key, after)
            ):
                return None  # "Paris Hilton", "Black Sea" in a product name
            role = "organisation"  # "The Washington Post", "Houston Rockets"
        if (
            before is not None
            and first >= 2
            and tokens.key(before) in _CONNECTORS
            and tokens.gap(before) == " "
            and tokens.gap(first - 2) == " "
            and tokens.capital[first - 2]
        ):
            head = tokens.key(first - 2)
            if (
                head in _NAME_HEADS
                or head in ORGANISATION_HEADS
                or organisation_run(tokens, first, last)
            ):
                role = "organisation"  # "University of Cambridge", "Bank of Japan"
            elif tokens.key(before) != "of" and not self._is_english_word(head):
                return None  # "Talleres de Córdoba"
            # else a person's origin: "Joseph Welch of Richmond"
        return role

    def needs_evidence(self, key: str) -> bool:
        """Return whether a name means only towns or divisions with no term in their name.

        Such names ("Allendale", "Kent") are also people, firms and words; they count only
        with evidence that a place is meant.
        """
        cached = self._evidence_cache.get(key)
        if cached is None:
            ranked = self.geocoder.ranked(key, in_text=True)
            gaz = self.gazetteer
            row = ranked[0][0] if ranked else -1
            cached = row >= 0 and all(
                self.geocoder.is_town(r) or (gaz.kinds[r] == "admin2" and " " not in key)
                for r, _ in ranked
            )
            self._evidence_cache[key] = cached
        return cached

    def _qualifier_follows(self, tokens: Tokens, last: int) -> bool:
        """Return whether a region or country follows after a comma ("Allendale, N.J.")."""
        after = last + 1
        if after >= len(tokens) or tokens.gap(last) not in QUALIFIER_GAPS:
            return False
        if not tokens.capital[after]:
            return False
        if self.scanner.abbreviation(tokens, after) is not None:
            return True
        key = ""
        for i in range(after, min(after + 3, len(tokens))):
            key = f"{key} {tokens.key(i)}" if key else tokens.key(i)
            ranked = self.geocoder.ranked(key, in_text=True)
            if ranked and self.gazetteer.kinds[ranked[0][0]] in {"admin1", "country"}:
                return True
            if i + 1 < len(tokens) and not tokens.joins(i):
                break
        return False

    def _team(self, tokens: Tokens, key: str, after: int) -> bool:
        """Return whether a city or region is followed by a team's plural name.

        "Houston Rockets", "Texas Rangers"; not a person named after a verb of saying
        ("said Elizabeth Myles").
        """
        word = tokens.words[after]
        if not (word.endswith("s") and word[1:].isalpha() and word[1:].islower()):
            return False
        first = after - 1 - key.count(" ")
        if first > 0 and tokens.key(first - 1) in _SPEECH_VERBS | _PERSON_TITLES:
            return False
        if self.gazetteer.has_text_key(tokens.key(after)):
            return False
        ranked = self.geocoder.ranked(key, in_text=True)
        if not ranked:
            return False
        row = ranked[0][0]
        kind = self.gazetteer.kinds[row]
        return kind == "admin1" or (
            kind == "city" and self.gazetteer.population[row] >= _TEAM_CITY_POPULATION
        )

    def _small_city(self, key: str) -> bool:
        """Return whether the likeliest place a name means is a small city.

        Small: no capital and too small to speak for a government ("Moscow said").
        """
        cached = self._small_cache.get(key)
        if cached is None:
            ranked = self.geocoder.ranked(key, in_text=True)
            gaz, row = self.gazetteer, ranked[0][0] if ranked else -1
            cached = (
                row >= 0
                and gaz.kinds[row] in {"city", "admin1", "admin2"}
                and not gaz.capital[row]
                and gaz.population[row] < _SPEAKING_CITY_POPULATION
            )
            self._small_cache[key] = cached
        return cached

    def person_names(
        self, tokens: Tokens, candidates: list[Candidate], headlines: dict[int, bool]
    ) -> set[str]:
        """Return the keys of town names the text uses as a person's name somewhere.

        A title before ("Mr. Sanford", "his brother Tyler"), a given name or an initial before
        ("Ashley Sutton", "Jon R. Taylor") or a verb of saying beside ("Allen said") makes it
        a person's; then every bare mention of it is the person too.
        """
        persons: set[str] = set()
        count = len(tokens)
        words = self.gazetteer.common_words
        for candidate in candidates:
            first, last, key = candidate.first, candidate.last, candidate.key
            if candidate.abbreviation or key in persons or first != last:
                continue
            if not self._small_city(key):
                continue  # big places keep their name beside a verb of saying
            person = False
            if first > 0 and (tokens.capital[first - 1] or tokens.key(first - 1) in _PERSON_TITLES):
                before, gap = first - 1, tokens.gap(first - 1)
                before_key = tokens.key(before)
                if before_key in _PERSON_TITLES and gap in {" ", ". "}:
                    person = True
                elif tokens.capital[before] and gap == ". " and len(before_key) == 1:
                    person = True  # an initial: "Jon R. Taylor"
                elif (
                    tokens.capital[before]
                    and gap == " "
                    and tokens.words[before][1:].islower()
                    and not on_headline(tokens, first, headlines)
                    and before_key not in words
                    and before_key not in ORGANISATION_HEADS
                    and before_key not in LOWER_OK
                    and not self.gazetteer.has_text_key(before_key)
                    and not self.vocabulary.demonyms.get(before_key)
                    and not organisation_run(tokens, first, last)
                ):
                    person = True  # a given name: "Ashley Sutton"
            if (
                not person
                and last + 1 < count
                and tokens.key(last + 1) in _SPEECH_VERBS
                and tokens.gap(last) == " "
            ):
                person = True
            if person:
                persons.add(key)
        return persons


def dateline(tokens: Tokens, first: int, last: int) -> bool:
    """Return whether a name opens a line as a dateline ("IMMOKALEE – ", "RIVERDALE, N.J.")."""
    text = tokens.text
    line_start = text.rfind("\n", 0, tokens.starts[first]) + 1
    if text[line_start : tokens.starts[first]].strip():
        return False
    rest = text[tokens.end(last) : tokens.end(last) + 3].lstrip(" ")
    return bool(rest) and rest[0] in _DATELINE_MARKS


#: A zone named after a place, capitalised like an organisation's name.
_ZONE_AFTER = re.compile(
    r"\s+(?:Air\s+Defen[cs]e\s+Identification\s+Zone|ADIZ|Exclusive\s+Economic\s+Zone|"
    r"EEZ|Territorial\s+Waters|Airspace)\b"
)


def organisation_run(tokens: Tokens, first: int, last: int, *, left: bool = True) -> bool:
    """Return whether the capitalised words around tokens `first`..`last` name an organisation.

    The run may hold joining words ("Bank of Malta", "Observatory for Human Rights"); it is an
    organisation's name when one of its capitalised words is in :data:`ORGANISATION_HEADS`.
    With `left` false only the words after count: in "Trade Representative Robert
    Lighthizer" the name after "Robert" is a person's.
    """
    count = len(tokens)
    i, steps = last + 1, 0
    while i < count and steps < 4 and tokens.gap(i - 1) in {" ", "-", " & "}:
        key = tokens.key(i)
        if tokens.capital[i]:
            if key in ORGANISATION_HEADS:
                return True
        elif key not in _ORGANISATION_JOINERS:
            break
        i, steps = i + 1, steps + 1
    i, steps = first - 1, 0
    while left and i >= 0 and steps < 3 and tokens.gap(i) in {" ", "-", " & "}:
        key = tokens.key(i)
        if tokens.capital[i]:
            if key in ORGANISATION_HEADS:
                return True
        elif key not in _ORGANISATION_JOINERS:
            break
        i, steps = i - 1, steps + 1
    return False
