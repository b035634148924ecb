"""Find the places a text names, and the countries and organisations it names as actors.

The finder scans word tokens left to right and takes, at each capitalised word, the longest run
of words that is a known name ("East China Sea" before "China"). What it finds is then checked
the way a reader would:

* a place named inside an organisation's name ("Washington" in "The Washington Post" or
  "University of Washington", "Jamaica" in "Jamaica Cancer Society", "Canadian" in "Canadian
  Press") is a mention with the role ``organisation``: annotated news counts it as a mention of
  the place, but it says nothing about where things happen, so :attr:`Mentions.places` leaves it
  out and :attr:`Mentions.embedded` holds it. The rule: the run of capitalised words around the
  name holds an organisation head noun (:data:`ORGANISATION_HEADS`: Post, University, Society,
  Army, Council …). Organisations of the actor vocabulary ("North Atlantic Treaty
  Organization", "European Union", "Nikkei Asia") are actors and name no place;
* a demonym before a territorial noun ("the Syrian border", "the Greek islands", "European
  countries") names the country or region itself: a mention with the role ``modifier``, also
  in :attr:`Mentions.embedded`; other demonyms ("Russian warships") are actor mentions only;
* a name that is a person's ("Mr. Sanford", "Hopkins said", "Ashley Sutton … Sutton") is not a
  place, here or anywhere else in the text, unless written as a location ("in Sutton");
* demonyms and adjectives ("Russian warships", "the Japanese coast") are actor mentions linked
  to a country, not places;
* months and weekdays are never places; a name glued to other capitalised words that make no
  organisation is part of a larger name (a person, a product: "Paris Hilton");
* a name that is also a common English word ("Nice", "Reading", "Mobile") counts only after a
  locative preposition ("in Nice") or with a qualifier ("Reading, England");
* every name is then resolved with the whole text as context (:mod:`geo.places.geocode`).

Word tokens are made by :mod:`geo.text.tokens`; what the finder reports is described in
:mod:`geo.text.mention_records`. Offsets are character offsets into the string given, end
exclusive.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache

from geo.places.gazetteer import Place
from geo.places.geocode import GeocodeContext, Geocoder, Resolution, default_geocoder
from geo.places.geodesy import haversine_km
from geo.places.names import ABBREVIATION_MARK
from geo.text.actors import ActorVocabulary, load_actor_vocabulary
from geo.text.mention_records import ActorMention, MentionRole, Mentions, PlaceMention
from geo.text.tokens import Tokens, ends_sentence, on_headline, sentence_initial
from geo.text.vocabulary import MONTHS_AND_WEEKDAYS as _MONTHS_DAYS

#: Texts longer than this many characters are scanned only up to this point.
MAX_TEXT_CHARS = 20_000_000

#: Lower-case words that may stand inside or at the start of a place name.
_LOWER_OK = frozenset(
    (
        "of the and de del della da do dos das di du des la le les el al y e upon on sur au "
        "aux am an der den van von bin ibn d l en "
        # generic nouns news writes in lower case inside names: "Baltic states", "Korean peninsula"
        "states islands island sea peninsula countries region coast strait straits gulf ocean "
        "bay archipelago canal channel basin"
    ).split()
)
_MODIFIERS = frozenset(
    [
        "western",
        "eastern",
        "northern",
        "southern",
        "central",
        "north",
        "south",
        "east",
        "west",
        "upper",
        "lower",
        "greater",
        "far",
        "middle",
    ]
)
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
#: Locatives that are evidence enough for a town ("at" and "of" also precede firms and people).
_TOWN_LOCATIVE = _LOCATIVE - {"at", "of", "over", "off"}
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
_ANCHOR_MARGIN = 1.5
_RIVAL_SHARE = 0.25
_NEARBY_TOKENS = 12
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
#: Kinds of vocabulary organisation whose names hold a place that counts as mentioned ("The
#: Washington Post", "Air France"); alliances and unions keep theirs hidden ("North Atlantic
#: Treaty Organization").
_NAMED_AFTER_PLACES = frozenset({"news_outlet", "company"})
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
#: Nouns after which a demonym names the place itself ("the Syrian border").
_TERRITORIAL_NOUNS = frozenset(
    (
        "border borders frontier capital city cities town towns village villages island islands "
        "coast coastline waters airspace soil territory territories province provinces region "
        "regions state states enclave mainland countryside port ports side market markets "
        "flights tour project projects development governmental jurisdictions export parliament "
        "economy industry factories farms jobs workers exports jails prisons airbases bases "
        "countries nations"
    ).split()
)
#: Adjectives of continents and regions, as place ids ("European countries").
_REGION_ADJECTIVES = {
    "european": "un:m49:150",
    "african": "un:m49:002",
    "asian": "un:m49:142",
    "latin american": "un:m49:419",
    "north american": "un:m49:003",
    "south american": "un:m49:005",
}
#: Cities at least this big (and capitals) keep their name beside a verb of saying
#: ("Moscow said", "Beijing says": the government speaking).
_SPEAKING_CITY_POPULATION = 300_000
#: Cities at least this big are read as the city even when their name is also a word.
_NAMED_CITY_POPULATION = 500_000
#: Cities at least this big lend their name to teams ("Houston Rockets").
_TEAM_CITY_POPULATION = 100_000
#: A town named without other evidence is kept when this close to another place of the text.
_COHERENT_KM = 100.0
#: Marks after a name at the start of a line that make it a dateline ("RIVERDALE, N.J. —").
_DATELINE_MARKS = frozenset(",—–-(")
#: What stands between a name and the region or country that qualifies it ("Walker County
#: (Ga.)", "Paris, Texas").
_QUALIFIER_GAPS = frozenset({", ", " ("})
#: Kinds of place a following name never qualifies: "China, Japan" is a list.
_UNQUALIFIED_KINDS = frozenset({"country", "continent", "region", "sea", "ocean"})


#: A demonym or regional adjective: first and last token, place id, and whether it is inside
#: an outlet's or firm's name.
_Adjective = tuple[int, int, str, bool]


@dataclass(slots=True)
class _Candidate:
    first: int  # token indices, inclusive
    last: int
    key: str
    extra: int = 0  # characters after the last token that belong to the name ("U.S.", "Va.")
    abbreviation: bool = False
    inside_organisation: bool = False  # inside an outlet's or firm's name


class PlaceFinder:
    """Find place and actor mentions with one gazetteer and actor vocabulary.

    Parameters
    ----------
    geocoder
        Resolves names; its gazetteer supplies the names to look for.
    vocabulary
        Demonyms and organisations.
    """

    def __init__(self, geocoder: Geocoder, vocabulary: ActorVocabulary) -> None:
        self.geocoder = geocoder
        self.gazetteer = geocoder.gazetteer
        self.vocabulary = vocabulary
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
        prefixes: set[str] = set()
        for key in [*vocabulary.organisations, *vocabulary.demonyms, *_REGION_ADJECTIVES]:
            words = key.split(" ")
            for n in range(1, len(words)):
                prefixes.add(" ".join(words[:n]))
        #: every name of an organisation, demonym or regional adjective
        self._vocabulary_keys = frozenset(
            [*vocabulary.organisations, *vocabulary.demonyms, *_REGION_ADJECTIVES]
        )
        #: word prefixes of every name: a run of words is extended only while it is one (the
        #: gazetteer's own are made when it is compiled)
        self._prefixes = self.gazetteer.text_prefixes | prefixes

    # -- scanning --------------------------------------------------------------------------

    def _case_ok(self, tokens: Tokens, first: int, last: int) -> bool:
        capitals = 0
        for i in range(first, last + 1):
            if tokens.capital[i]:
                capitals += 1
            elif tokens.key(i) not in _LOWER_OK and tokens.key(i) not in _MODIFIERS:
                return False
        if capitals == 0:
            return False
        if first == last and len(tokens.key(first)) <= 2:
            return tokens.words[first].replace("'", "").replace("’", "")[:2].isupper()
        return True

    def _is_common_word(self, key: str) -> bool:
        cached = self._common_cache.get(key)
        if cached is not None:
            return cached
        gaz = self.gazetteer
        common = key in _MODIFIERS
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

    def _scan(
        self, tokens: Tokens
    ) -> tuple[list[_Candidate], list[ActorMention], dict[int, str], list[_Adjective]]:
        """Return the candidate names, the actor mentions, the demonym tokens and adjectives.

        Adjectives are ``(first token, last token, place id, inside a name)`` of every demonym
        and regional adjective ("Syrian", "European"), which may stand for their place.
        """
        gaz, vocab, text = self.gazetteer, self.vocabulary, tokens.text
        adjectives: list[_Adjective] = []
        prefixes = self._prefixes
        candidates: list[_Candidate] = []
        actors: list[ActorMention] = []
        demonym_tokens: dict[int, str] = {}
        count = len(tokens)
        capital = tokens.capital
        words = tokens.words
        vocabulary_keys = self._vocabulary_keys
        has_text_key = gaz.has_text_key
        # only capitalised words and direction words can start a name: visit just those
        # (a key is its word in lower case but for accents and possessives, which no direction
        # word has: the key is tested first because it is already made)
        starts = [
            i
            for i, (upper, key) in enumerate(zip(capital, tokens.keys, strict=True))
            if upper or (key in _MODIFIERS and words[i].lower() in _MODIFIERS)
        ]
        free = 0  # first token not yet part of a mention
        for i in starts:
            if i < free:
                continue
            abbreviation = self._abbreviation(tokens, i)
            if abbreviation is not None:
                candidates.append(abbreviation)
                free = abbreviation.last + 1
                continue
            # grow the run of words while it is the start of some name
            keys = [tokens.key(i)]
            while (
                keys[-1] in prefixes and i + len(keys) < count and tokens.joins(i + len(keys) - 1)
            ):
                keys.append(keys[-1] + " " + tokens.key(i + len(keys)))
            step = 0
            for n in range(len(keys), 0, -1):
                key, last = keys[n - 1], i + n - 1
                if key in vocabulary_keys:  # most runs are no actor name: one test
                    org = vocab.organisations.get(key)
                    if org is not None and self._case_ok(tokens, i, last):
                        start, end = tokens.starts[i], tokens.end(last)
                        actors.append(
                            ActorMention(start, end, text[start:end], org.id, "organisation")
                        )
                        if org.kind in _NAMED_AFTER_PLACES:
                            candidates += self._inside(tokens, i, last, adjectives)
                        step = n
                        break
                    country = vocab.demonyms.get(key)
                    if country is not None and capital[i]:
                        start, end = tokens.starts[i], tokens.end(last)
                        actors.append(ActorMention(start, end, text[start:end], country, "demonym"))
                        demonym_tokens.update(dict.fromkeys(range(i, last + 1), country))
                        adjectives.append((i, last, f"ne:country:{country}", False))
                        step = n
                        break
                    region = _REGION_ADJECTIVES.get(key)
                    if region is not None and capital[i]:
                        adjectives.append((i, last, region, False))
                        step = n
                        break
                if has_text_key(key) and self._case_ok(tokens, i, last):
                    end = tokens.end(last)
                    # initials keep their final period: "U.S.", "U.K."
                    extra = 1 if len(tokens.key(last)) == 1 and text[end : end + 1] == "." else 0
                    candidates.append(_Candidate(i, last, key, extra))
                    step = n
                    break
            free = i + (step or 1)
        return candidates, actors, demonym_tokens, adjectives

    def _inside(
        self, tokens: Tokens, first: int, last: int, adjectives: list[_Adjective]
    ) -> list[_Candidate]:
        """Return the place names inside an outlet's or a firm's name ("The Washington Post").

        Demonyms inside it ("British Airways") are added to `adjectives`, as organisation
        words.
        """
        found: list[_Candidate] = []
        i = first
        while i <= last:
            key, best, step = tokens.key(i), None, 1
            for j in range(i, last + 1):
                if j > i:
                    key = f"{key} {tokens.key(j)}"
                country = self.vocabulary.demonyms.get(key)
                if country is not None:
                    best = (j, f"ne:country:{country}")
                elif self.gazetteer.has_text_key(key) and self._case_ok(tokens, i, j):
                    best = (j, key)
                if key not in self._prefixes:
                    break
            if best is not None:
                end, what = best
                if what.startswith("ne:country:"):
                    adjectives.append((i, end, what, True))
                else:
                    found.append(_Candidate(i, end, what, inside_organisation=True))
                step = end - i + 1
            i += step
        return found

    def _abbreviation(self, tokens: Tokens, i: int) -> _Candidate | None:
        """Return a region abbreviation after a comma ("Vienna, Va.", "Albany, N.Y."), if any."""
        if i == 0 or not tokens.capital[i] or tokens.gap(i - 1) not in _QUALIFIER_GAPS:
            return None
        text = tokens.text
        last, key = i, tokens.key(i)
        while True:
            end = tokens.end(last)
            if text[end : end + 1] == "." and self.gazetteer.has_text_key(key + ABBREVIATION_MARK):
                return _Candidate(i, last, key + ABBREVIATION_MARK, extra=1, abbreviation=True)
            if last - i >= 2 or last + 1 >= len(tokens) or tokens.gap(last) not in {".", ". "}:
                return None
            last += 1
            key = f"{key} {tokens.key(last)}"

    # -- filtering -------------------------------------------------------------------------

    def _keep(
        self,
        tokens: Tokens,
        candidate: _Candidate,
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
            if self._needs_evidence(key) or self._is_common_word(key):
                return None
            return "organisation"
        if first == last and key in _MONTHS_DAYS:
            return None
        if first == last and key in _MODIFIERS:
            return None  # "Western alliance", "North" alone
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
            and tokens.key(before) not in _LOWER_OK
            and tokens.key(before) not in _MODIFIERS
            and not (
                sentence_initial(tokens, before)
                and tokens.key(before) in self.gazetteer.common_words
            )
        ):
            if not _organisation_run(tokens, first, last):
                return None  # "Michael Jordan", "FrontCounter BC"
            role = "organisation"  # "HSBC Bank Malta", "Air France"
        if (
            after is not None
            and not headline
            and tokens.capital[after]
            and tokens.gap(last) == " "
            and tokens.key(after) not in _ALLOWED_AFTER
            and tokens.key(after) not in _MONTHS_DAYS
        ):
            if not (
                _organisation_run(tokens, first, last, left=False) or self._team(tokens, key, after)
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
                or _organisation_run(tokens, first, last)
            ):
                role = "organisation"  # "University of Cambridge", "Bank of Japan"
            elif tokens.key(before) != "of" and not self._is_english_word(head):
                return None  # "Talleres de Córdoba"
            # else a person's origin: "Joseph Welch of Richmond"
        if role == "organisation" and (self._needs_evidence(key) or self._is_common_word(key)):
            return None  # "Chamber of Commerce", "Zara Group": a town inside a name is a guess
        locative = before is not None and tokens.key(before) in _LOCATIVE
        qualified = after is not None and tokens.gap(last) == ", " and tokens.capital[after]
        if key in persons and not (locative or qualified):
            return None  # "Mr. Sanford", "Hopkins said", "Ashley Sutton … Sutton"
        if self._is_common_word(key):
            if sentence_initial(tokens, first) and not locative:
                return None  # "Mobile phone alerts went out…", even after "Mobile, Alabama"
            if not (locative or qualified or key in accepted):
                return None
        if role == "place":
            if self._needs_evidence(key) and not (
                (before is not None and tokens.key(before) in _TOWN_LOCATIVE)
                or key in accepted
                or self._qualifier_follows(tokens, last)
                or _dateline(tokens, first, last)
            ):
                pending.add(first)  # kept only if near the text's other places
                return role
            accepted.add(key)
        return role

    def _needs_evidence(self, key: str) -> bool:
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
        if after >= len(tokens) or tokens.gap(last) not in _QUALIFIER_GAPS:
            return False
        if not tokens.capital[after]:
            return False
        if self._abbreviation(tokens, after) is not None:
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

    def _person_names(
        self, tokens: Tokens, candidates: list[_Candidate], headlines: dict[int, bool]
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
                    and before_key not in _LOWER_OK
                    and not self.gazetteer.has_text_key(before_key)
                    and not self.vocabulary.demonyms.get(before_key)
                    and not _organisation_run(tokens, first, last)
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

    # -- resolving -------------------------------------------------------------------------

    def _context(self, anchors: Iterable[int], demonym_countries: Iterable[str]) -> GeocodeContext:
        gaz = self.gazetteer
        counts: dict[str, float] = {}
        admin1: dict[str, float] = {}
        near: list[tuple[float, float]] = []
        for row in anchors:
            kind = gaz.kinds[row]
            if kind in {"country", "admin1", "city", "island_group"}:
                for code in gaz.country_codes[row][:2]:
                    counts[code] = counts.get(code, 0.0) + 1.0
            if gaz.admin1[row]:
                admin1[gaz.admin1[row]] = admin1.get(gaz.admin1[row], 0.0) + 1.0
                near.append((float(gaz.lon[row]), float(gaz.lat[row])))
        for alpha3 in demonym_countries:
            alpha2 = gaz.alpha2_by_alpha3.get(alpha3)
            if alpha2:
                counts[alpha2] = counts.get(alpha2, 0.0) + 0.5
        top = max(counts.values(), default=1.0)
        top_admin = max(admin1.values(), default=1.0)
        return GeocodeContext(
            countries={c: (n / top) ** 0.5 for c, n in counts.items()},
            admin1={a: (n / top_admin) ** 0.5 for a, n in admin1.items()},
            near=tuple(dict.fromkeys(near))[:50],
        )

    def find(self, text: str) -> Mentions:
        """Return the place and actor mentions in `text`.

        Parameters
        ----------
        text
            Any string; non-strings and empty strings give no mentions.
        """
        if not isinstance(text, str) or not text.strip():
            return Mentions((), ())
        tokens = Tokens(text[:MAX_TEXT_CHARS])
        text = tokens.text
        candidates, actors, demonyms, adjectives = self._scan(tokens)
        headlines: dict[int, bool] = {}
        persons = self._person_names(tokens, candidates, headlines)
        accepted: set[str] = set()
        kept: list[_Candidate] = []
        roles: list[MentionRole] = []
        pending: set[int] = set()
        for candidate in candidates:
            role = self._keep(tokens, candidate, demonyms, headlines, accepted, persons, pending)
            if role is not None:
                kept.append(candidate)
                roles.append(role)

        geocoder, gaz = self.geocoder, self.gazetteer
        anchors: dict[str, int] = {}
        ambiguous: set[str] = set()
        for key in dict.fromkeys(
            c.key
            for c, r in zip(kept, roles, strict=True)
            if r == "place" and c.first not in pending and not self._needs_evidence(c.key)
        ):
            ranked = geocoder.ranked(key, in_text=True)
            if not ranked:
                continue
            row, prior = ranked[0]
            second = ranked[1][1] if len(ranked) > 1 else 0.0
            if prior >= _ANCHOR_MARGIN * second:  # unambiguous names set the article's focus
                anchors[key] = row
            # namesakes far below the best (towns beside a city) do not make a name ambiguous
            rivals = [r for r, score in ranked[:10] if score >= prior * _RIVAL_SHARE]
            if len({tuple(gaz.country_codes[r]) for r in rivals}) > 1:
                ambiguous.add(key)
        context = self._context(anchors.values(), (a.actor for a in actors if a.kind == "demonym"))
        by_token = {c.first: c for c in kept}

        places: list[PlaceMention] = []
        embedded: list[PlaceMention] = []
        resolved: dict[str, Resolution | None] = {}
        for index, candidate in enumerate(kept):
            start = tokens.starts[candidate.first]
            end = tokens.end(candidate.last) + candidate.extra
            surface = text[start:end]
            qualifiers = self._qualifiers(tokens, kept, index)
            nearby = (
                self._nearby(tokens, candidate, by_token, anchors, demonyms)
                if candidate.key in ambiguous
                else None
            )
            if qualifiers or nearby:
                local = _with_nearby(context, nearby) if nearby else context
                local = replace(local, qualifiers=qualifiers)
                resolution = geocoder.resolve_key(
                    surface, candidate.key, context=local, in_text=True
                )
            else:
                if candidate.key not in resolved:
                    resolved[candidate.key] = geocoder.resolve_key(
                        surface, candidate.key, context=context, in_text=True
                    )
                resolution = resolved[candidate.key]
                if resolution is not None and resolution.query != surface:
                    resolution = replace(resolution, query=surface)
            if resolution is None:
                continue
            if candidate.first in pending and not self._coherent(resolution.place, context):
                continue
            if (
                roles[index] == "place"
                and self._needs_evidence(candidate.key)
                and context.countries
                and not any(context.countries.get(c, 0.0) for c in resolution.place.country_codes)
            ):
                continue  # a town abroad, in a text about elsewhere: a namesake, not the place
            if resolution.place.name.startswith("The ") and text[start - 4 : start] in {
                "The ",
                "the ",
            }:
                start -= 4  # "The Hague", "The Bahamas": the article is part of the name
                surface = text[start:end]
                resolution = replace(resolution, query=surface)
            mention = PlaceMention(start, end, surface, resolution, roles[index])
            (places if roles[index] == "place" else embedded).append(mention)
        embedded += self._adjective_places(tokens, adjectives, headlines)
        embedded.sort(key=lambda m: m.start)
        return Mentions(tuple(places), tuple(actors), tuple(embedded))

    @staticmethod
    def _coherent(place: Place, context: GeocodeContext) -> bool:
        """Return whether a place lies among the text's other places (same region, or near)."""
        if place.admin1 and context.admin1.get(place.admin1, 0.0) > 0.0:
            return True
        return any(
            haversine_km(place.lon, place.lat, lon, lat) <= _COHERENT_KM
            for lon, lat in context.near
        )

    def _adjective_places(
        self,
        tokens: Tokens,
        adjectives: list[_Adjective],
        headlines: dict[int, bool],
    ) -> list[PlaceMention]:
        """Demonyms that stand for their place: "the Syrian border", "Canadian Press"."""
        found: list[PlaceMention] = []
        last_of = {first: last for first, last, _, _ in adjectives}
        count = len(tokens)
        for first, last, place_id, inside in adjectives:
            if inside:
                place = self.gazetteer.get(place_id)
                if place is not None:
                    start, end = tokens.starts[first], tokens.end(last)
                    surface = tokens.text[start:end]
                    resolution = Resolution(surface, place, 1.0)
                    found.append(PlaceMention(start, end, surface, resolution, "organisation"))
                continue
            following = last
            # "the Syrian-Turkish border": look past the adjectives that follow
            while (
                following + 1 < count
                and tokens.gap(following) in {"-", "–", " "}
                and following + 1 in last_of
            ):
                following = last_of[following + 1]
            after = following + 1
            if after >= count or tokens.gap(following) not in {" ", "-"}:
                continue
            role: MentionRole
            if not tokens.capital[after] and tokens.key(after) in _TERRITORIAL_NOUNS:
                role = "modifier"
            elif (
                tokens.capital[after]
                and following == last
                and _organisation_run(tokens, first, last)
                and not on_headline(tokens, first, headlines)
            ):
                role = "organisation"
            else:
                continue
            place = self.gazetteer.get(place_id)
            if place is None:
                continue
            start, end = tokens.starts[first], tokens.end(last)
            surface = tokens.text[start:end]
            found.append(PlaceMention(start, end, surface, Resolution(surface, place, 1.0), role))
        return found

    def _nearby(
        self,
        tokens: Tokens,
        candidate: _Candidate,
        by_token: dict[int, _Candidate],
        anchors: dict[str, int],
        demonyms: dict[int, str],
    ) -> tuple[dict[str, float], dict[str, float]] | None:
        """Countries and regions named close to an ambiguous name, in the same sentence.

        "the northern Lebanese city of Tripoli" and "In Libya, officials in Tripoli" need the
        nearby words, not the article's overall focus, to tell the two Tripolis apart.
        """
        gaz = self.gazetteer
        countries: dict[str, float] = {}
        admin1: dict[str, float] = {}
        low = candidate.first
        while (
            low > 0
            and candidate.first - low < _NEARBY_TOKENS
            and not ends_sentence(tokens.gap(low - 1))
        ):
            low -= 1
        high = candidate.last
        while (
            high + 1 < len(tokens)
            and high - candidate.last < _NEARBY_TOKENS // 2
            and not ends_sentence(tokens.gap(high))
        ):
            high += 1
        for i in range(low, high + 1):
            if candidate.first <= i <= candidate.last:
                continue
            weight = 1.0 / (1.0 + abs(i - candidate.first) / _NEARBY_TOKENS)
            alpha3 = demonyms.get(i)
            if alpha3 is not None:
                alpha2 = gaz.alpha2_by_alpha3.get(alpha3)
                if alpha2:
                    countries[alpha2] = max(countries.get(alpha2, 0.0), weight)
            other = by_token.get(i)
            if other is not None and other.key in anchors and other.key != candidate.key:
                row = anchors[other.key]
                if gaz.kinds[row] in {"country", "admin1", "city"}:
                    for code in gaz.country_codes[row][:1]:
                        countries[code] = max(countries.get(code, 0.0), weight)
                if gaz.admin1[row]:
                    admin1[gaz.admin1[row]] = max(admin1.get(gaz.admin1[row], 0.0), weight)
        return (countries, admin1) if countries or admin1 else None

    def _qualifiers(self, tokens: Tokens, kept: list[_Candidate], index: int) -> frozenset[str]:
        """Codes named right after a mention as its qualifier: "Paris, Texas" → US.TX, US."""
        if index + 1 >= len(kept):
            return frozenset()
        candidate, following = kept[index], kept[index + 1]
        if (
            following.first != candidate.last + 1
            or tokens.gap(candidate.last) not in _QUALIFIER_GAPS
        ):
            return frozenset()
        ranked = self.geocoder.ranked(following.key, in_text=True)
        own = self.geocoder.ranked(candidate.key, in_text=True)
        if not ranked or (own and self.gazetteer.kinds[own[0][0]] in _UNQUALIFIED_KINDS):
            return frozenset()  # "China, Japan and South Korea" is a list
        gaz = self.gazetteer
        row = ranked[0][0]
        if gaz.kinds[row] not in {"admin1", "country"}:
            return frozenset()
        return frozenset({gaz.admin1[row], *gaz.country_codes[row]} - {""})


def _dateline(tokens: Tokens, first: int, last: int) -> bool:
    """Return whether a name opens a line as a dateline ("IMMOKALEE – ", "RIVERDALE, N.J.")."""
    text = tokens.text
    line_start = text.rfind("\n", 0, tokens.starts[first]) + 1
    if text[line_start : tokens.starts[first]].strip():
        return False
    rest = text[tokens.end(last) : tokens.end(last) + 3].lstrip(" ")
    return bool(rest) and rest[0] in _DATELINE_MARKS


def _organisation_run(tokens: Tokens, first: int, last: int, *, left: bool = True) -> bool:
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


def _with_nearby(
    context: GeocodeContext, nearby: tuple[dict[str, float], dict[str, float]]
) -> GeocodeContext:
    """Add the nearby evidence to the article's focus (nearby words count double)."""
    countries, admin1 = nearby
    merged = dict(context.countries)
    for code, weight in countries.items():
        merged[code] = merged.get(code, 0.0) + 2 * weight
    merged_admin1 = dict(context.admin1)
    for code, weight in admin1.items():
        merged_admin1[code] = merged_admin1.get(code, 0.0) + 2 * weight
    return replace(context, countries=merged, admin1=merged_admin1)


@cache
def default_finder() -> PlaceFinder:
    """Return the process-wide finder over the default gazetteer and vocabulary."""
    return PlaceFinder(default_geocoder(), load_actor_vocabulary())


def find_mentions(text: str, *, finder: PlaceFinder | None = None) -> Mentions:
    """Return the place and actor mentions in `text`; see :meth:`PlaceFinder.find`."""
    return (finder or default_finder()).find(text)


def find_places(text: str, *, finder: PlaceFinder | None = None) -> list[PlaceMention]:
    """Return every place mention in `text`, in text order, each with its resolution and role.

    Places named inside organisation names and demonyms standing for a place come with the
    others; their :attr:`PlaceMention.role` tells them apart.
    """
    mentions = find_mentions(text, finder=finder)
    return sorted([*mentions.places, *mentions.embedded], key=lambda m: (m.start, m.end))
