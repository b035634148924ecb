"""One article as the extractor reads it, and the records of a sentence being read.

:class:`Reading` holds the article's text, its place mentions (seats of government read as
capitals) and its actors (told apart from mere names by the rules in
:mod:`geo.events.extract`), with lookups by position; :class:`Context` is one sentence being
read, with its clauses and trigger matches (:class:`Match`).
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import re
from dataclasses import dataclass, replace

from geo.events import lexicon as lx
from geo.events.dating import SentenceDates
from geo.events.seas import capital_ids, country_ids
from geo.events.trigger_record import Trigger
from geo.places.gazetteer import Gazetteer, Place
from geo.places.geocode import Resolution
from geo.places.names import name_key
from geo.text.articles import Article
from geo.text.dates import DateMention
from geo.text.mention_records import PlaceMention
from geo.text.mentions import PlaceFinder
from geo.text.sentences import Sentence
from geo.text.vocabulary import MONTHS_AND_WEEKDAYS

__all__ = ["Actor", "Context", "Match", "Reading"]

#: A surname that is also the name of a city this big (or of a country, region or sea) is
#: read as the place, not as a person introduced before.
_SURNAME_TOWN_POPULATION = 100_000
_CAPITALISED = re.compile(r"\b[A-Z][\w’'-]+")


@dataclass(frozen=True, slots=True)
class Actor:
    """A state or organisation the text names: where, its code, and how it is named."""

    start: int
    end: int
    code: str
    locative: bool = False
    #: "demonym" or "country" (names of a country), "state", "org", or "person" (someone
    #: introduced with their state and title, named again)
    kind: str = "state"


@dataclass(frozen=True, slots=True)
class Match:
    """A trigger matched in the text, from `start` to `end`."""

    trigger: Trigger
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Context:
    """One sentence being read: its clauses, triggers and parenthetical relative clauses."""

    sentence: Sentence
    clauses: list[tuple[int, int]]
    matches: list[Match]
    asides: list[tuple[int, int]]
    index: int = 0

    def clause_of(self, position: int) -> tuple[int, int]:
        """Return the clause holding `position` (the last clause when none does)."""
        index = bisect.bisect_right(self.clauses, position, key=lambda c: c[0]) - 1
        if index >= 0 and position < self.clauses[index][1]:
            return self.clauses[index]
        return self.clauses[-1]


_LINE_START = re.compile(r"^(?=\S)", re.MULTILINE)
_PAIR_LOOKBACK = 64
"""Earlier actors a "both countries" looks back over for its two states."""
_SKIPPED_BEFORE_PLACE = frozenset("the a an western eastern northern southern central".split())


class Reading:
    """One article being read: its text, its place and actor mentions, and lookups.

    The extraction's shared state lives here; the classes that read triggers, places, dates and
    offices out of the article build on it.
    """

    #: The dates of the article's sentences, set when its sentences are read.
    dates: SentenceDates

    def __init__(self, article: Article, finder: PlaceFinder) -> None:
        self.article = article
        self.text = article.text
        self.gaz: Gazetteer = finder.gazetteer
        self.mentions = finder.find(self.text)
        self.org_kinds = {o.id: o.kind for o in finder.vocabulary.organisations.values()}
        self._vocabulary_keys = {*finder.vocabulary.organisations, *finder.vocabulary.demonyms}
        self.places = self._with_seats_of_government(
            [self._seat_as_capital(m) for m in self.mentions.places if m.place.kind != "continent"]
        )
        # mentions come in text order: sorted starts and ends let a position find its
        # neighbours by bisection, so long articles cost n log n, not n squared
        self.place_starts = [m.start for m in self.places]
        self._last_places: dict[frozenset[str], tuple[list[int], list[Place]]] = {}
        self.diplomatic = lx.DIPLOMATIC.search(self.text) is not None
        self.office_memory: tuple[str, str, str] | None = None
        self._article_place: dict[str, tuple[int, Place]] | None = None
        self._dateline_city: Place | None = None
        #: Where a country is named as the owner of a zone at sea, and its code.
        self._zone_owners: dict[int, str] = {}
        #: Places an attack lists that the gazetteer does not know, by event id.
        self._unknown_places: dict[str, list[str]] = {}
        #: Criticisms voiced together by several governments: their critics, and whether the
        #: event is placed at the critic's capital.
        self._critics: dict[str, tuple[list[str], bool]] = {}
        #: Agreements signed separately with several parties, by event id.
        self._parties: dict[str, list[str]] = {}
        #: Events told again by reference ("the attacks targeted ...", "it hit ..."), by id.
        self._anaphors: set[str] = set()
        self.voice = self._voice(finder)
        datelines = [
            d.span()
            for d in (
                lx.DATELINE.match(self.text, m.start()) for m in _LINE_START.finditer(self.text)
            )
            if d is not None
        ]
        self.actors = [  # "MOGADISHU -" says where the reporter is, not who acts
            a for a in self._actor_mentions() if not any(s <= a.start < e for s, e in datelines)
        ]
        self.actor_starts = [a.start for a in self.actors]
        # Dates found in a clause, kept: every trigger of one clause asks for the same span.
        self._dates_of: dict[tuple[int, int, bool], list[DateMention]] = {}
        self._dated_clauses_of: dict[tuple[int, int, bool], list[tuple[int, int]]] = {}

    def _seat_as_capital(self, mention: PlaceMention) -> PlaceMention:
        """Read a seat of government ("the White House") as its capital, whatever its alias."""
        seat = lx.SEATS_OF_GOVERNMENT.get(mention.text.lower())
        capital = self._capital(seat) if seat else None
        if capital is None:
            return mention
        return replace(mention, resolution=replace(mention.resolution, place=capital))

    def _with_seats_of_government(self, places: list[PlaceMention]) -> list[PlaceMention]:
        """Add the seats of government no place name covers ("at the White House") as capitals."""
        starts = [m.start for m in places]
        ends = list(itertools.accumulate((m.end for m in places), max))
        seats = []
        for hit in lx.SEAT_OF_GOVERNMENT.finditer(self.text.lower()):
            before = bisect.bisect_left(starts, hit.end())
            if before and ends[before - 1] > hit.start():
                continue  # inside a place name already found
            capital = self._capital(lx.SEATS_OF_GOVERNMENT[hit.group()])
            if capital is not None:
                name = self.text[hit.start() : hit.end()]
                resolution = Resolution(query=name, place=capital, confidence=0.9)
                seats.append(PlaceMention(hit.start(), hit.end(), name, resolution))
        return sorted([*places, *seats], key=lambda m: m.start) if seats else places

    def _capital(self, alpha3: str) -> Place | None:
        place_id = capital_ids(self.gaz).get(self.gaz.alpha2_by_alpha3.get(alpha3, ""))
        return self.gaz.get(place_id) if place_id else None

    def _country_place(self, alpha3: str) -> Place | None:
        place_id = country_ids(self.gaz).get(self.gaz.alpha2_by_alpha3.get(alpha3, ""))
        return self.gaz.get(place_id) if place_id else None

    def _voice(self, finder: PlaceFinder) -> str:
        """Return the government issuing a press release, for its "I" and "we"."""
        outlet = self.article.outlet or ""
        if lx.GOVERNMENT_OUTLET.search(outlet):
            for mention in finder.find(outlet).places:
                if mention.place.kind == "country":
                    return self._alpha3(mention.place)
        return ""

    def _alpha3(self, place: Place) -> str:
        codes = place.country_codes
        return self.gaz.alpha3_by_alpha2.get(codes[0], "") if codes else ""

    def _preceding(self, start: int) -> str:
        """Return the word before `start`, skipping articles and compass modifiers."""
        words = re.findall(r"[\w’'-]+", self.text[max(0, start - 60) : start])
        while words and words[-1].lower() in _SKIPPED_BEFORE_PLACE:
            words.pop()
        return words[-1].lower() if words else ""

    def _is_locative(self, start: int) -> bool:
        before = self.text[max(0, start - 60) : start]
        preceding = self._preceding(start)
        if preceding == "on" and lx.SIDE_AFTER.match(self.text, start):
            return True  # "landed on the Bangladeshi side of the border"
        return preceding in lx.LOCATIVE or lx.LOCATIVE_OF.search(before) is not None

    def _actor_mentions(self) -> list[Actor]:
        """Return the actors the article names, in text order (rules: :mod:`geo.events.extract`)."""
        text = self.text
        found = [*self._demonyms_and_organisations(), *self._named_states()]
        found += self._abbreviated_countries(found)
        found += self._people_named_again(found)
        for hit in lx.SEAT_OF_GOVERNMENT.finditer(text.lower()):
            found.append(Actor(hit.start(), hit.end(), lx.SEATS_OF_GOVERNMENT[hit.group()]))
        found += self._organisations_referred_to(found)
        self._add_pairs_referred_to(found)
        if self.voice:
            found += [Actor(h.start(), h.end(), self.voice) for h in lx.FIRST_PERSON.finditer(text)]
        return sorted(found, key=lambda a: (a.start, a.end))

    def _demonyms_and_organisations(self) -> list[Actor]:
        """Return the demonyms that stand for a state, and the organisations that act."""
        text, found = self.text, []
        place_ends = {m.end for m in self.mentions.places}
        for actor in self.mentions.actors:
            if actor.kind == "demonym":
                before = text[max(0, actor.start - 12) : actor.start]
                regional = any(  # "Karabakh Armenians", "Karabakh's Armenians"
                    end in place_ends and text[end : actor.start] in {" ", "'s ", "’s "}
                    for end in range(actor.start - 3, actor.start)
                )
                if lx.NOT_A_STATE_BEFORE.search(before) or lx.NOT_A_STATE_AFTER.match(
                    text, actor.end
                ):
                    continue
                if regional or lx.COMPOUND_AFTER.match(text, actor.end):
                    continue
                found.append(Actor(actor.start, actor.end, actor.actor, kind="demonym"))
            elif self.org_kinds.get(actor.actor) in lx.ACTING_ORGANISATION_KINDS:
                locative = self._preceding(actor.start) in lx.LOCATIVE
                found.append(Actor(actor.start, actor.end, actor.actor, locative, "org"))
        return found

    def _named_states(self) -> list[Actor]:
        """Return the countries and national capitals named, in organisations' names too."""
        text, found = self.text, []
        # a country named inside an organisation's name speaks for it ("the Embassy of Qatar")
        named_in = [m for m in self.mentions.embedded if m.role == "organisation"]
        for mention in sorted([*self.mentions.places, *named_in], key=lambda m: m.start):
            place = mention.place
            if place.kind != "country" and not (place.kind == "city" and place.capital):
                continue
            code = self._alpha3(place)
            if not code or lx.COMPOUND_AFTER.match(text, mention.end):
                continue
            before = text[max(0, mention.start - 40) : mention.start]
            preceding = self._preceding(mention.start)
            locative = (
                preceding in lx.LOCATIVE
                or before.endswith("border with ")
                or (preceding == "on" and bool(lx.SIDE_AFTER.match(text, mention.start)))
            )
            if place.kind == "city" and lx.GOVERNMENT_IN.search(before):
                locative = False
            kind = "country" if place.kind == "country" else "state"
            found.append(Actor(mention.start, mention.end, code, locative, kind))
        return found

    def _abbreviated_countries(self, found: list[Actor]) -> list[Actor]:
        """Return the abbreviated countries ("U.S.") outside the actors `found` so far."""
        text, abbreviated = self.text, []
        # spans already taken, by start, with the furthest end reached so far: an overlap test
        # is then one bisection (a scan of all of them made "U.S. U.S. …" quadratic)
        taken = sorted((a.start, a.end) for a in found)
        taken_starts = [start for start, _ in taken]
        reach = list(itertools.accumulate((end for _, end in taken), max))
        for hit in lx.ABBREVIATED_COUNTRIES.finditer(text):
            starting_before = bisect.bisect_left(taken_starts, hit.end())
            if starting_before == 0 or reach[starting_before - 1] <= hit.start():
                locative = self._preceding(hit.start()) in lx.LOCATIVE
                code = hit.lastgroup or ""
                abbreviated.append(Actor(hit.start(), hit.end(), code, locative, "country"))
        return abbreviated

    def _people_named_again(self, found: list[Actor]) -> list[Actor]:
        """Return the later mentions of people introduced with their state and title.

        "Kosovo Prime Minister Albin Kurti" makes every later "Kurti" (or "Albin Kurti") speak
        for Kosovo: "he spoke with Kurti and Vucic" names two governments. A surname that is
        also a place or an actor's name, or shorter than three letters, is left alone.
        """
        text, people = self.text, dict[str, tuple[str, int]]()
        for actor in found:
            if actor.kind not in {"demonym", "country"}:
                continue
            titled = lx.TITLED_PERSON.match(text, actor.end)
            if titled is None:
                continue
            words = [
                w for w in titled.group("name").split() if w.lower() not in MONTHS_AND_WEEKDAYS
            ]
            surname = words[-1].removesuffix("'s").removesuffix("’s") if words else ""
            if len(surname) > 2 and not self._a_name_of_its_own(surname):
                people.setdefault(name_key(surname), (actor.code, titled.end()))
        if not people:
            return []
        taken = [(a.start, a.end) for a in found]
        named = []
        for hit in _CAPITALISED.finditer(text):  # "Vucic" is the "Vučić" introduced before
            who = people.get(name_key(hit.group().removesuffix("'s").removesuffix("’s")))
            if who is None or hit.start() < who[1]:
                continue
            if not any(s < hit.end() and hit.start() < e for s, e in taken):
                named.append(Actor(hit.start(), hit.end(), who[0], False, "person"))
        return named

    def _a_name_of_its_own(self, word: str) -> bool:
        """Whether `word` names an actor or a well-known place ("Jordan", "Georgia").

        Villages share many surnames ("Kurti"); a name that is only a small town's, and not
        read as a place in this article, stays the person's.
        """
        key = name_key(word)
        if key in self._vocabulary_keys or any(m.text == word for m in self.mentions.places):
            return True
        gaz = self.gaz
        return any(
            gaz.kinds[row] != "city" or gaz.population[row] >= _SURNAME_TOWN_POPULATION
            for row, _ in gaz.candidates_for_key(key, in_text=True)
        )

    def _organisations_referred_to(self, found: list[Actor]) -> list[Actor]:
        """Return "the alliance" and the like, each the last organisation named before it."""
        text, referred = self.text, []
        orgs = [a for a in found if a.kind == "org"]  # in text order, so ends ascend
        org_ends = [a.end for a in orgs]
        for hit in lx.ORG_REFERENCE.finditer(text):
            earlier = bisect.bisect_right(org_ends, hit.start())
            if earlier:
                locative = self._preceding(hit.start()) in lx.LOCATIVE
                referred.append(
                    Actor(hit.start(), hit.end(), orgs[earlier - 1].code, locative, "org")
                )
        return referred

    def _add_pairs_referred_to(self, found: list[Actor]) -> None:
        """Add to `found` the two states each "both countries" refers to."""
        text = self.text
        # "both countries": the two nearest earlier states, looked for among the last
        # _PAIR_LOOKBACK actors before it, newest first (all of them made it quadratic)
        newest_first = sorted(range(len(found)), key=lambda i: (-found[i].start, i))
        minus_starts = [-found[i].start for i in newest_first]
        pairs: list[tuple[int, int]] = []  # (-start, index in found) of the pairs added, in order
        for hit in lx.PAIR_REFERENCE.finditer(text):
            codes: list[str] = []
            first = bisect.bisect_right(minus_starts, -hit.start())
            recent = itertools.islice(
                ((-found[i].start, i) for i in newest_first[first:]), _PAIR_LOOKBACK
            )
            nearest = heapq.merge(reversed(pairs[-_PAIR_LOOKBACK:]), recent)
            for _, index in itertools.islice(nearest, _PAIR_LOOKBACK):
                earlier_actor = found[index]
                code = earlier_actor.code
                if earlier_actor.end <= hit.start() and earlier_actor.kind != "org":
                    codes += [] if code in codes else [code]
                if len(codes) == 2:
                    break
            locative = self._preceding(hit.start()) in {*lx.LOCATIVE, "between"}
            pair = [Actor(hit.start(), hit.end(), c, locative, "country") for c in codes[:2]]
            # newest first once reversed, as found orders them: by start, then by index
            pairs += [(-hit.start(), len(found) + i) for i in reversed(range(len(pair)))]
            found += pair[::-1]

    def _event_actors(self, match: Match, clause: tuple[int, int], ctx: Context) -> list[str]:
        def in_span(span: tuple[int, int]) -> list[Actor]:
            return [
                a
                for a in self._actors_from(*span)
                if not a.locative and not self._aside(a.start, match, ctx)
            ]

        if "nominal" in match.trigger.flags:  # "Russia's invasion of Ukraine"
            chosen = [
                a
                for a in in_span((max(clause[0], match.start - 40), match.start))
                if a.end <= match.start
            ]
            chosen += [
                a
                for a in in_span((match.end, clause[1]))
                if re.fullmatch(r"\s+of\s+(?:the\s+)?", self.text[match.end : a.start])
            ]
            return list(dict.fromkeys(a.code for a in chosen))
        chosen = self._speakers_last(in_span(clause), clause[0], match.start)
        if not chosen:
            for earlier in reversed([c for c in ctx.clauses if c[1] <= clause[0]]):
                chosen = in_span(earlier)
                if chosen:
                    break
        if not chosen and lx.LEADING_SUBORDINATE.match(self.text, clause[0]):
            # "As the Golden Dragon exercises opened, Chinese warships docked ...": the main
            # clause that follows names who took part
            following = [c for c in ctx.clauses if c[0] >= clause[1]]
            chosen = in_span(following[0]) if following else []
        return list(dict.fromkeys(a.code for a in chosen))

    def _quoted_critic_first(self, match: Match, ctx: Context, actors: list[str]) -> list[str]:
        """Put first the speaker of a quoted criticism that names no one before its trigger.

        In '"We urge Beijing to cease ...," the State Department said' Beijing is the target;
        the critic is who the attribution after the quote names.
        """
        text, sentence = self.text, ctx.sentence
        before = [a for a in self._actors_from(sentence.start, match.start) if not a.locative]
        closing = lx.QUOTE_CLOSE.search(text, match.end, sentence.end)
        if before or closing is None:
            return actors
        if not (
            lx.REPORTING.search(text, closing.end(), sentence.end)
            or lx.ATTRIBUTED.search(text, closing.end(), sentence.end)
        ):
            return actors
        speakers = [
            a.code for a in self._actors_from(closing.end(), sentence.end) if not a.locative
        ]
        return list(dict.fromkeys([*speakers, *actors])) if speakers else actors

    def _speakers_last(self, actors: list[Actor], start: int, trigger: int) -> list[Actor]:
        """Put who reports an event after who does it: "Seoul said Pyongyang fired a missile".

        Only when the reported clause names its own subject between the reporting verb and the
        trigger; in "Russia said it struck Kharkiv" the speaker is the agent.
        """
        said = next(reversed(list(lx.REPORTING.finditer(self.text, start, trigger))), None)
        if said is None or said.group().lower() == "according to":
            return actors
        speakers = [a for a in actors if a.end <= said.start()]
        subject = next((a for a in actors if said.end() <= a.start < trigger), None)
        if not speakers or subject is None:
            return actors
        if not lx.REPORTED_SUBJECT.fullmatch(self.text, said.end(), subject.start):
            return actors  # "announced they would quit ECOWAS": an object, not a subject
        return [a for a in actors if a not in speakers] + speakers

    def _actors_from(self, start: int, end: int) -> list[Actor]:
        """Return the actors starting in ``[start, end)``, in text order."""
        first = bisect.bisect_left(self.actor_starts, start)
        return self.actors[first : bisect.bisect_left(self.actor_starts, end, first)]

    def _places_from(self, start: int, end: int) -> list[PlaceMention]:
        """Return the place mentions starting in ``[start, end)``, in text order."""
        first = bisect.bisect_left(self.place_starts, start)
        return self.places[first : bisect.bisect_left(self.place_starts, end, first)]

    def _aside(self, position: int, match: Match, ctx: Context) -> bool:
        """Whether `position` is in an attribution after the event or in a relative clause."""
        text = self.text
        if position > match.end:
            comma = text.rfind(", ", match.end, position)
            if comma != -1 and lx.REPORTING.search(text, comma, ctx.sentence.end):
                return True
        return any(
            a <= position < b
            and not a <= match.start < b
            and not (match.start <= a <= match.end + 1 and lx.TELLS_ITS_EVENT.match(text, a))
            for a, b in ctx.asides
        )

    def _diplomatic_office(self, start: int, end: int) -> bool:
        words = list(lx.OFFICE_WORD.finditer(self.text, start, end))
        if not words:
            return False
        phrase = self.text[max(start, words[-1].start() - 40) : words[-1].end()]
        if lx.DIPLOMATIC.search(phrase) is not None:
            return True
        return self.diplomatic and words[-1].group().lower().startswith("office")  # "the office"
