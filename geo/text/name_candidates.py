"""Candidate names: the runs of words of a text that are a known name, found left to right.

At each capitalised word (or direction word: "northern") the scanner takes the longest run of
words that is a name of the gazetteer or of the actor vocabulary ("East China Sea" before
"China"). Organisations and demonyms become actor mentions on the way; places named inside an
outlet's or firm's name ("The Washington Post") and region abbreviations after a comma
("Albany, N.Y.") become candidates too. Whether a candidate names a place here is decided
later (:mod:`geo.text.name_evidence`).
"""

from __future__ import annotations

from dataclasses import dataclass

from geo.places.gazetteer import Gazetteer
from geo.places.names import ABBREVIATION_MARK, known_spelling
from geo.text.actors import ActorVocabulary
from geo.text.mention_records import ActorMention
from geo.text.tokens import Tokens

#: Lower-case words that may stand inside or at the start of a place name.
LOWER_OK = frozenset(
    (
        "of the and de del della da do dos das di du des la le les el al y e upon on sur au "
        "aux am an der den van von bin ibn d l en "
        # the Arabic article as news spells it inside names: "Deir ez-Zor", "Ras ash-Shamra"
        "ez es ed az ash ad ar ath adh ud ul "
        # generic nouns news writes in lower case inside names: "Baltic states", "Korean peninsula",
        # "Kaduna state", "Sindh province"
        "states islands island sea peninsula countries region coast strait straits gulf ocean "
        "bay archipelago canal channel basin state province governorate oblast prefecture county"
    ).split()
)
MODIFIERS = frozenset(
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
#: Plural kinds a list of names shares ("the Donetsk and Luhansk regions"), in the singular.
_PLURAL_KINDS = {
    "regions": "region",
    "oblasts": "oblast",
    "provinces": "province",
    "states": "state",
    "governorates": "governorate",
    "prefectures": "prefecture",
    "counties": "county",
    "districts": "district",
}
#: Adjectives of continents and regions, as place ids ("European countries").
REGION_ADJECTIVES = {
    "european": "un:m49:150",
    "african": "un:m49:002",
    "asian": "un:m49:142",
    "latin american": "un:m49:419",
    "north american": "un:m49:003",
    "south american": "un:m49:005",
}
#: Kinds of vocabulary organisation whose names hold a place that counts as mentioned ("The
#: Washington Post", "Air France"); alliances and unions keep theirs hidden ("North Atlantic
#: Treaty Organization").
_NAMED_AFTER_PLACES = frozenset({"news_outlet", "company"})
#: What stands between a name and the region or country that qualifies it ("Walker County
#: (Ga.)", "Paris, Texas").
QUALIFIER_GAPS = frozenset({", ", " ("})

#: A demonym or regional adjective: first and last token, place id, and whether it is inside
#: an outlet's or firm's name.
Adjective = tuple[int, int, str, bool]


@dataclass(slots=True)
class Candidate:
    """A run of tokens that is a known place name, to be kept or dropped in context."""

    first: int  # token indices, inclusive
    last: int
    key: str
    extra: int = 0  # characters after the last token that belong to the name ("U.S.", "Va.")
    abbreviation: bool = False
    inside_organisation: bool = False  # inside an outlet's or firm's name


def case_ok(tokens: Tokens, first: int, last: int) -> bool:
    """Return whether tokens `first`..`last` are written as a name (capitals where they count)."""
    capitals = 0
    for i in range(first, last + 1):
        if tokens.capital[i]:
            capitals += 1
        elif tokens.key(i) not in LOWER_OK and tokens.key(i) not in MODIFIERS:
            return False
    if capitals == 0:
        return False
    if first == last and len(tokens.key(first)) <= 2:
        return tokens.words[first].replace("'", "").replace("’", "")[:2].isupper()
    return True


class NameScanner:
    """Scan texts for candidate names with one gazetteer and actor vocabulary.

    Parameters
    ----------
    gazetteer
        Supplies the place names to look for.
    vocabulary
        Demonyms and organisations.
    """

    def __init__(self, gazetteer: Gazetteer, vocabulary: ActorVocabulary) -> None:
        self.gazetteer = gazetteer
        self.vocabulary = vocabulary
        prefixes: set[str] = set()
        for key in [*vocabulary.organisations, *vocabulary.demonyms, *REGION_ADJECTIVES]:
            words = key.split(" ")
            for n in range(1, len(words)):
                prefixes.add(" ".join(words[:n]))
        #: every name of an organisation, demonym or regional adjective
        self._vocabulary_keys = frozenset(
            [*vocabulary.organisations, *vocabulary.demonyms, *REGION_ADJECTIVES]
        )
        #: word prefixes of every name: a run of words is extended only while it is one (the
        #: gazetteer's own are made when it is compiled)
        self._prefixes = self.gazetteer.text_prefixes | prefixes

    def scan(
        self, tokens: Tokens
    ) -> tuple[list[Candidate], list[ActorMention], dict[int, str], list[Adjective]]:
        """Return the candidate names, the actor mentions, the demonym tokens and adjectives.

        Adjectives are ``(first token, last token, place id, inside a name)`` of every demonym
        and regional adjective ("Syrian", "European"), which may stand for their place.
        """
        gaz, vocab, text = self.gazetteer, self.vocabulary, tokens.text
        adjectives: list[Adjective] = []
        prefixes = self._prefixes
        candidates: list[Candidate] = []
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
            if upper or (key in MODIFIERS and words[i].lower() in MODIFIERS)
        ]
        free = 0  # first token not yet part of a mention
        for i in starts:
            if i < free:
                continue
            # "Albany, N.Y.", "the Donetsk and Luhansk regions"
            abbreviation = self.abbreviation(tokens, i)
            special = [abbreviation] if abbreviation else self.sharing_a_kind(tokens, i)
            if special:
                candidates += special
                free = special[-1].last + 1
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
                    if org is not None and case_ok(tokens, i, last):
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
                    region = REGION_ADJECTIVES.get(key)
                    if region is not None and capital[i]:
                        adjectives.append((i, last, region, False))
                        step = n
                        break
                key = known_spelling(key, has_text_key)  # "Hodeidah" is "Hodeida"
                if has_text_key(key) and case_ok(tokens, i, last):
                    end = tokens.end(last)
                    # initials keep their final period: "U.S.", "U.K."
                    extra = 1 if len(tokens.key(last)) == 1 and text[end : end + 1] == "." else 0
                    candidates.append(Candidate(i, last, key, extra))
                    step = n
                    break
            free = i + (step or 1)
        return candidates, actors, demonym_tokens, adjectives

    def _inside(
        self, tokens: Tokens, first: int, last: int, adjectives: list[Adjective]
    ) -> list[Candidate]:
        """Return the place names inside an outlet's or a firm's name ("The Washington Post").

        Demonyms inside it ("British Airways") are added to `adjectives`, as organisation
        words.
        """
        found: list[Candidate] = []
        i = first
        while i <= last:
            key, best, step = tokens.key(i), None, 1
            for j in range(i, last + 1):
                if j > i:
                    key = f"{key} {tokens.key(j)}"
                country = self.vocabulary.demonyms.get(key)
                if country is not None:
                    best = (j, f"ne:country:{country}")
                elif self.gazetteer.has_text_key(key) and case_ok(tokens, i, j):
                    best = (j, key)
                if key not in self._prefixes:
                    break
            if best is not None:
                end, what = best
                if what.startswith("ne:country:"):
                    adjectives.append((i, end, what, True))
                else:
                    found.append(Candidate(i, end, what, inside_organisation=True))
                step = end - i + 1
            i += step
        return found

    def sharing_a_kind(self, tokens: Tokens, i: int) -> list[Candidate]:
        """Return the names of a list sharing one plural kind, or nothing.

        "Kherson and Zaporizhzhia oblasts", "the Kharkiv, Sumy and Kursk regions": each is read
        as its name with the kind in the singular ("Kherson oblast"), and counts only if every
        one of them is such a name.
        """
        count, capital = len(tokens), tokens.capital
        heads, j = [i], i
        while j + 1 < count and capital[j] and len(heads) < 6:
            gap = tokens.gap(j)
            if gap == ", " and capital[j + 1]:
                j += 1
            elif gap in {" ", ", "} and j + 2 < count and tokens.key(j + 1) == "and":
                j += 2
                if not capital[j]:
                    return []
                heads.append(j)
                break
            else:
                return []
            heads.append(j)
        last = heads[-1]
        if len(heads) < 2 or last + 1 >= count or tokens.gap(last) != " ":
            return []
        kind = _PLURAL_KINDS.get(tokens.key(last + 1))
        if kind is None:
            return []
        found = []
        for head in heads:
            key = f"{tokens.key(head)} {kind}"
            if not self.gazetteer.has_text_key(key):
                return []
            found.append(Candidate(head, last + 1 if head == last else head, key))
        return found

    def abbreviation(self, tokens: Tokens, i: int) -> Candidate | None:
        """Return a region abbreviation after a comma ("Vienna, Va.", "Albany, N.Y."), if any."""
        if i == 0 or not tokens.capital[i] or tokens.gap(i - 1) not in QUALIFIER_GAPS:
            return None
        text = tokens.text
        last, key = i, tokens.key(i)
        while True:
            end = tokens.end(last)
            if text[end : end + 1] == "." and self.gazetteer.has_text_key(key + ABBREVIATION_MARK):
                return Candidate(i, last, key + ABBREVIATION_MARK, extra=1, abbreviation=True)
            if last - i >= 2 or last + 1 >= len(tokens) or tokens.gap(last) not in {".", ". "}:
                return None
            last += 1
            key = f"{key} {tokens.key(last)}"
