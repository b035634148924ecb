"""Find the places a text names, and the countries and organisations it names as actors.

The finder scans word tokens left to right and takes, at each capitalised word, the longest run
of words that is a known name ("East China Sea" before "China"). What it finds is then checked
the way a reader would:

* organisation and outlet names hide the places inside them ("North Atlantic" in "North
  Atlantic Treaty Organization", "Asia" in "Nikkei Asia");
* demonyms and adjectives ("Russian warships", "the Japanese coast") are actor mentions linked
  to a country, not places;
* months and weekdays are never places; a name glued to other capitalised words is part of a
  larger name (a person, a company: "Paris Hilton", "Japan Coast Guard");
* a name that is also a common English word ("Nice", "Reading", "Mobile") counts only after a
  locative preposition ("in Nice") or with a qualifier ("Reading, England");
* every name is then resolved with the whole text as context (:mod:`geo.places.geocode`).

Offsets are character offsets into the string given, end exclusive.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache
from typing import Literal

from geo.places.build import ABBREVIATION_MARK
from geo.places.gazetteer import Place
from geo.places.geocode import GeocodeContext, Geocoder, Resolution, default_geocoder
from geo.places.names import INVISIBLE_CHARS, drop_invisible, fold
from geo.text.actors import ActorVocabulary, load_actor_vocabulary

#: Texts longer than this many characters are scanned only up to this point.
MAX_TEXT_CHARS = 20_000_000

# a word may hold invisible characters ("Ja\u00adpan"): they are dropped from its key
_WORD = re.compile(rf"[^\W_]+(?:(?:['’]|[{INVISIBLE_CHARS}]+)[^\W_]+)*")
_GAP_OK = frozenset({" ", "-", ".", ". ", "‐", "–", " - ", "'", "’"})
_MONTHS_DAYS = frozenset(
    [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ]
)
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
_SENTENCE_END = frozenset('.!?\n:;"“”')


@dataclass(frozen=True, slots=True)
class PlaceMention:
    """A place named in a text.

    Attributes
    ----------
    start, end
        Character offsets of the name in the text (end exclusive).
    text
        The name as written.
    resolution
        The place it was resolved to, with confidence and alternatives.
    """

    start: int
    end: int
    text: str
    resolution: Resolution

    @property
    def place(self) -> Place:
        """The place the mention was resolved to."""
        return self.resolution.place

    @property
    def confidence(self) -> float:
        """Confidence of the resolution (0–1)."""
        return self.resolution.confidence


@dataclass(frozen=True, slots=True)
class ActorMention:
    """A country (through a demonym) or an organisation named in a text.

    Attributes
    ----------
    start, end
        Character offsets (end exclusive).
    text
        As written.
    actor
        ISO 3166-1 alpha-3 code for a demonym, organisation id (``NATO``) otherwise.
    kind
        ``demonym`` or ``organisation``.
    """

    start: int
    end: int
    text: str
    actor: str
    kind: Literal["demonym", "organisation"]


@dataclass(frozen=True, slots=True)
class Mentions:
    """Everything the finder found in one text, each list in text order."""

    places: tuple[PlaceMention, ...]
    actors: tuple[ActorMention, ...]


def _capitalised(word: str) -> bool:
    """Return whether a word starts with a capital, looking past "d'" and "l'" ("d'Ivoire")."""
    if len(word) > 2 and word[1] in "'’" and word[0] in "dlDL":
        return word[2].isupper()
    return word[0].isupper()


class _Tokens:
    """Word tokens of one text with their lookup keys, made in bulk for speed."""

    __slots__ = ("capital", "ends", "keys", "newlines", "starts", "text", "words")

    def __init__(self, text: str) -> None:
        self.text = text
        self.newlines: list[int] | None = None  # positions of line breaks, found when needed
        spans = [m.span() for m in _WORD.finditer(text)]
        self.starts = [a for a, _ in spans]
        self.ends = [b for _, b in spans]
        self.words = words = [text[a:b] for a, b in spans]
        self.capital = [
            w[0].isupper() or (len(w) > 2 and w[1] in "'’" and _capitalised(w)) for w in words
        ]
        self.keys = [w.lower() for w in words]
        # the few words with accents or apostrophes need folding and possessives split off
        for i in [i for i, w in enumerate(words) if not w.isascii() or "'" in w]:
            word = words[i]
            if word.endswith(("'s", "’s", "'S", "’S")) and len(word) > 2:
                word = word[:-2]
                self.ends[i] -= 2
            lower = word.lower() if word.isascii() else fold(drop_invisible(word)).lower()
            self.keys[i] = lower.replace("'", "").replace("’", "")

    def __len__(self) -> int:
        return len(self.starts)

    def key(self, i: int) -> str:
        """Return the folded lower-case key of token `i`, without a possessive "'s"."""
        return self.keys[i]

    def end(self, i: int) -> int:
        """Return the end offset of token `i` (after its possessive is split off)."""
        return self.ends[i]

    def joins(self, i: int) -> bool:
        """Return whether tokens `i` and `i + 1` may belong to one name."""
        return self.gap(i) in _GAP_OK

    def gap(self, i: int) -> str:
        """Return the text between tokens `i` and `i + 1`, invisible characters dropped."""
        return drop_invisible(self.text[self.ends[i] : self.starts[i + 1]])


@dataclass(slots=True)
class _Candidate:
    first: int  # token indices, inclusive
    last: int
    key: str
    extra: int = 0  # characters after the last token that belong to the name ("U.S.", "Va.")
    abbreviation: bool = False


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
        prefixes: set[str] = set()
        for key in [*self.gazetteer.text_keys(), *vocabulary.organisations, *vocabulary.demonyms]:
            words = key.split(" ")
            for n in range(1, len(words)):
                prefixes.add(" ".join(words[:n]))
        #: word prefixes of every name: a run of words is extended only while it is one
        self._prefixes = frozenset(prefixes)

    # -- scanning --------------------------------------------------------------------------

    def _headline(self, tokens: _Tokens, i: int, cache: dict[int, bool]) -> bool:
        """Return whether token `i` is on a short title-case line, where capitals say little."""
        text = tokens.text
        if tokens.newlines is None:  # found once: a search back per word is quadratic on one line
            tokens.newlines = [m.start() for m in re.finditer("\n", text)]
        before = bisect.bisect_left(tokens.newlines, tokens.starts[i])
        line_start = tokens.newlines[before - 1] + 1 if before else 0
        cached = cache.get(line_start)
        if cached is not None:
            return cached
        line_end = text.find("\n", tokens.starts[i])
        line = text[line_start : line_end if line_end >= 0 else len(text)]
        words = [w for w in _WORD.findall(line[:400]) if w.isalpha()]
        result = False
        if 4 <= len(words) <= 25:
            capitals = sum(1 for w in words if w[0].isupper())
            result = capitals / len(words) >= 0.7
        cache[line_start] = result
        return result

    def _case_ok(self, tokens: _Tokens, first: int, last: int) -> bool:
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

    @staticmethod
    def _sentence_initial(tokens: _Tokens, i: int) -> bool:
        text = tokens.text
        position = tokens.starts[i] - 1
        while position >= 0 and text[position] in " \t'‘(“\"[":
            position -= 1
        return position < 0 or text[position] in _SENTENCE_END

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
                common = kind == "admin1" or (
                    kind == "city" and not gaz.capital[row] and gaz.population[row] < 2_000_000
                )
        self._common_cache[key] = common
        return common

    def _is_english_word(self, key: str) -> bool:
        words = self.gazetteer.common_words
        return key in words or (key.endswith("s") and key[:-1] in words)

    def _scan(self, tokens: _Tokens) -> tuple[list[_Candidate], list[ActorMention], dict[int, str]]:
        gaz, vocab, text = self.gazetteer, self.vocabulary, tokens.text
        prefixes = self._prefixes
        candidates: list[_Candidate] = []
        actors: list[ActorMention] = []
        demonym_tokens: dict[int, str] = {}
        count = len(tokens)
        capital = tokens.capital
        words = tokens.words
        # only capitalised words and direction words can start a name: visit just those
        starts = [i for i, word in enumerate(words) if capital[i] or word.lower() in _MODIFIERS]
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
                org = vocab.organisations.get(key)
                if org is not None and self._case_ok(tokens, i, last):
                    start, end = tokens.starts[i], tokens.end(last)
                    actors.append(ActorMention(start, end, text[start:end], org.id, "organisation"))
                    step = n
                    break
                country = vocab.demonyms.get(key)
                if country is not None and capital[i]:
                    start, end = tokens.starts[i], tokens.end(last)
                    actors.append(ActorMention(start, end, text[start:end], country, "demonym"))
                    demonym_tokens.update(dict.fromkeys(range(i, last + 1), country))
                    step = n
                    break
                if gaz.has_text_key(key) and self._case_ok(tokens, i, last):
                    end = tokens.end(last)
                    # initials keep their final period: "U.S.", "U.K."
                    extra = 1 if len(tokens.key(last)) == 1 and text[end : end + 1] == "." else 0
                    candidates.append(_Candidate(i, last, key, extra))
                    step = n
                    break
            free = i + (step or 1)
        return candidates, actors, demonym_tokens

    def _abbreviation(self, tokens: _Tokens, i: int) -> _Candidate | None:
        """Return a region abbreviation after a comma ("Vienna, Va.", "Albany, N.Y."), if any."""
        if i == 0 or tokens.gap(i - 1) != ", " or not tokens.capital[i]:
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
        tokens: _Tokens,
        candidate: _Candidate,
        demonyms: dict[int, str],
        headlines: dict[int, bool],
        accepted: set[str],
    ) -> bool:
        first, last, key = candidate.first, candidate.last, candidate.key
        if candidate.abbreviation:
            return True
        if first == last and key in _MONTHS_DAYS:
            return False
        if first == last and key in _MODIFIERS:
            return False  # "Western alliance", "North" alone
        count = len(tokens)
        before = first - 1 if first > 0 else None
        after = last + 1 if last + 1 < count else None
        headline = (before is not None and tokens.capital[before]) or (
            after is not None and tokens.capital[after]
        )
        headline = headline and self._headline(tokens, first, headlines)
        if (
            before is not None
            and not headline
            and tokens.capital[before]
            and tokens.gap(before) == " "
            and before not in demonyms
            and tokens.key(before) not in _LOWER_OK
            and tokens.key(before) not in _MODIFIERS
            and not (
                self._sentence_initial(tokens, before)
                and tokens.key(before) in self.gazetteer.common_words
            )
        ):
            return False  # "Nikkei Asia", "Michael Jordan"
        if (
            after is not None
            and not headline
            and tokens.capital[after]
            and tokens.gap(last) == " "
            and tokens.key(after) not in _ALLOWED_AFTER
            and tokens.key(after) not in _MONTHS_DAYS
        ):
            return False  # "Paris Hilton", "Japan Coast Guard", "Black Sea Fleet"
        if (
            before is not None
            and first >= 2
            and tokens.key(before) in _CONNECTORS
            and tokens.gap(before) == " "
            and tokens.gap(first - 2) == " "
            and tokens.capital[first - 2]
            and (
                tokens.key(first - 2) in _NAME_HEADS
                or not self._is_english_word(tokens.key(first - 2))
            )
        ):
            return False  # "University of Cambridge", "Talleres de Córdoba"
        if self._is_common_word(key):
            locative = before is not None and tokens.key(before) in _LOCATIVE
            qualified = after is not None and tokens.gap(last) == ", " and tokens.capital[after]
            if self._sentence_initial(tokens, first) and not locative:
                return False  # "Mobile phone alerts went out…", even after "Mobile, Alabama"
            if not (locative or qualified or key in accepted):
                return False
        accepted.add(key)
        return True

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
        tokens = _Tokens(text[:MAX_TEXT_CHARS])
        text = tokens.text
        candidates, actors, demonyms = self._scan(tokens)
        headlines: dict[int, bool] = {}
        accepted: set[str] = set()
        kept = [c for c in candidates if self._keep(tokens, c, demonyms, headlines, accepted)]

        geocoder, gaz = self.geocoder, self.gazetteer
        anchors: dict[str, int] = {}
        ambiguous: set[str] = set()
        for key in dict.fromkeys(c.key for c in kept):
            ranked = geocoder.ranked(key, in_text=True)
            if not ranked:
                continue
            row, prior = ranked[0]
            second = ranked[1][1] if len(ranked) > 1 else 0.0
            if prior >= _ANCHOR_MARGIN * second:  # unambiguous names set the article's focus
                anchors[key] = row
            if len({tuple(gaz.country_codes[r]) for r, _ in ranked[:10]}) > 1:
                ambiguous.add(key)
        context = self._context(anchors.values(), (a.actor for a in actors if a.kind == "demonym"))
        by_token = {c.first: c for c in kept}

        places: list[PlaceMention] = []
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
            if resolution.place.name.startswith("The ") and text[start - 4 : start] in {
                "The ",
                "the ",
            }:
                start -= 4  # "The Hague", "The Bahamas": the article is part of the name
                surface = text[start:end]
                resolution = replace(resolution, query=surface)
            places.append(PlaceMention(start, end, surface, resolution))
        return Mentions(tuple(places), tuple(actors))

    def _nearby(
        self,
        tokens: _Tokens,
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
            and not _ends_sentence(tokens.gap(low - 1))
        ):
            low -= 1
        high = candidate.last
        while (
            high + 1 < len(tokens)
            and high - candidate.last < _NEARBY_TOKENS // 2
            and not _ends_sentence(tokens.gap(high))
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

    def _qualifiers(self, tokens: _Tokens, kept: list[_Candidate], index: int) -> frozenset[str]:
        """Codes named right after a mention as its qualifier: "Paris, Texas" → US.TX, US."""
        if index + 1 >= len(kept):
            return frozenset()
        candidate, following = kept[index], kept[index + 1]
        if following.first != candidate.last + 1 or tokens.gap(candidate.last) != ", ":
            return frozenset()
        ranked = self.geocoder.ranked(following.key, in_text=True)
        if not ranked:
            return frozenset()
        gaz = self.gazetteer
        row = ranked[0][0]
        if gaz.kinds[row] not in {"admin1", "country"}:
            return frozenset()
        return frozenset({gaz.admin1[row], *gaz.country_codes[row]} - {""})


def _ends_sentence(gap: str) -> bool:
    return "\n" in gap or any(mark in gap for mark in (". ", "! ", "? ", ": ", "; "))


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
    """Return the place mentions in `text`, in text order, each with its resolution."""
    return list(find_mentions(text, finder=finder).places)
