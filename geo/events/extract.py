"""Turn an article into dated events and liaison-office reports, each traced to its sentence.

:func:`extract` splits the article into sentences
(:func:`~geo.text.sentences.split_sentences`), finds the event triggers of
:mod:`geo.events.lexicon` in each, drops those stated as hypothetical or denied, and gives every
remaining event its actors, places, date, modality and confidence. Offices of organisations and
states (liaison offices, embassies, consulates) come out of the same pass. The steps live in
:mod:`geo.events.reading` (the article being read), :mod:`geo.events.matching` (triggers),
:mod:`geo.events.placing` and :mod:`geo.events.splitting` (places),
:mod:`geo.events.event_dates` (dates) and :mod:`geo.events.offices` (offices).

Event taxonomy
--------------
Types, codes and labels live in :data:`geo.taxonomy.EVENT_TYPES`. Triggers are lexical
patterns, not single keywords: verbs match with their inflections, and most patterns need an
object ("fired ... missiles", "joined NATO", "claiming ... as its sovereign territory").

==================  ======  ===========  =====================================================
type                CAMEO   PLOVER       trigger lexicon
==================  ======  ===========  =====================================================
exercise            152     MOBILIZE     conduct/hold/stage/launch ... drills, exercises, war
                                         games, manoeuvres; take part in ... exercise;
                                         exercises are scheduled/planned; practised + -ing;
                                         troops trained alongside/with; show of force;
                                         "Russian military drills" (with its own agent)
missile_launch      1521    MOBILIZE     fire/launch/test(-fire) ... missile, rocket, ICBM,
                                         projectile; missile was fired/launched; guided/
                                         oversaw/conducted ... the test (missile context)
patrol              152     MOBILIZE     conduct/fly/hold/launch/increase ... patrol, joint
                                         sail, transit, sortie; patrolled/patrolling/to
                                         patrol; sailed through; surveillance flights,
                                         missions; freedom-of-navigation operation; "joint
                                         Chinese-Russian naval patrols"
incursion           1712    COERCE       enter/violate/intrude ... airspace, territorial
                                         waters, ADIZ; into ... airspace; crossed the median
                                         line; flew over/near/off ... coast; water cannon;
                                         rammed, collided; blocked ... vessel; seized ...
                                         tanker; dumped fuel; struck ... propeller;
                                         dangerous intercept; trespassing
armed_attack        190     ASSAULT      invaded; "Russia's invasion"; attacked; attack on;
                                         launched/began ... attack, offensive, barrage; struck/
                                         bombed/targeted ... targets, positions, ships;
                                         shelled, pounded; ambushed; besieged/encircled X;
                                         killed ... soldiers, civilians; fired ... at ships,
                                         positions; cross-border
                                         or unprovoked fire; damaged by a mortar shell
buildup             154     MOBILIZE     deploy/station/mass/move/send/reinforce ... troops,
                                         jets, missiles, warships; troops ... arrived/landed;
                                         military buildup; grow/expand ... navy, forces,
                                         fleet; form ... army corps, division; troops ...
                                         will be moved/deployed to X
visit               042     CONSULT      visited X; made/paid a visit/trip to X; (an official)
                                         arrived in/travelled to/reached X; sent an
                                         envoy or adviser to X; hosted/received a leader
                                         (for a summit in X); transit stops
talks               040     CONSULT      hold/host/begin/resume ... talks, negotiations,
                                         consultations, meeting, summit; met; negotiated;
                                         hosted ... negotiators; spoke by phone; a round is
                                         scheduled; consulted with
accession           057     AGREE        joined + organisation; became ... member; signed/
                                         reached/agreed ... agreement, treaty, pact,
                                         memorandum, partnership, ceasefire; pact signed;
                                         the signing ceremony
office_opening      064     COOPERATE    open/reopen/establish ... embassy, consulate,
                                         liaison or representative office; opening of ...
                                         office; talks/discussions about ... office
territorial_claim   1231    DEMAND       claims + place; claim ... sovereignty/as its
                                         territory; regards/considers ... part of its
                                         territory, province; insists ... territory;
                                         restored/asserted ... sovereignty; annexed
criticism           111     ACCUSE       condemned, denounced, criticised, accused,
                                         threatened; warned (against); protested, lodged a
                                         protest; summoned ... ambassador; urged ... to
                                         stop/withdraw; called ... provocative, aggression;
                                         objected to
==================  ======  ===========  =====================================================

Some triggers also name a finer action (:data:`geo.taxonomy.EVENT_ACTIONS`), recorded as the
event's ``action`` with its own CAMEO code, the event drawn as its type: kidnapped, abducted
(``abduction``); captured, took control of, fell to (``seizure``); shot down or downed aircraft,
helicopters and balloons (``interception``; drones and missiles air defences bring down are no
event); blew up, demolished, set fire to (``destruction``); sanctions (``sanction``); expelled
envoys, persona non grata (``expulsion``; a recall of one's own envoy is no event); closed or
suspended an embassy or consulate (``office_closure``, an office_opening event whose office is
reported closed); protesters rallied or marched (``protest``, drawn as criticism); citizens,
journalists or crews arrested or detained (``arrest``, drawn as incursion, the coercion of the
taxonomy).

What is not an event
--------------------
A trigger is dropped when a word before it in its clause makes it hypothetical, negated,
permitted or merely offered ("would", "could", "not", "no plans", "if", "allows", "denied
that"), when a noun-phrase trigger is followed by a modal ("the opening of an office would
mark"), when a verb-like trigger follows a determiner or a possessive ("a claim", "Tokyo's
claim"), when a noun-phrase trigger has no agent of its own ("the drills"), when a war named as
a whole ("Russia's invasion", "the offensive") has no date of its own or follows "amid",
"since", "the fallout from" and the like (its backdrop), when its clause opens with "Since"
(where the main clause's time starts), when it is a standing claim told of a place ("Taiwan,
which Beijing considers a province") or an agreement named with an older year ("a 1998 agreement
signed"), when a word around it gives it another sense ("rehearsal drills", "box office",
"claimed responsibility"), and for criticism and agreements by analysts, companies and other
non-state speakers. Plans ("will", "plans to", "is scheduled to", "talks to open", a date after
publication) are kept with ``modality="planned"``.

Actors, places, dates, confidence
---------------------------------
A sentence is cut into clauses (:func:`geo.events.lexicon.split_clauses`: semicolons, dashes, ",
and", ", while", ", including", a leading "after ...," clause, a final ", which ..."); an event
takes its actors and date from its own clause, and actors from an earlier clause of the sentence
when its own names none (from the main clause after it for a leading "As ...", "When ..."
clause). Actors are demonyms ("Russian warships", not "ethnic Serb" or "Panama-flagged"),
organisations that act (not outlets or companies), seats of government ("the Kremlin"),
countries and national capitals named outside a locative phrase ("Beijing warned", not "in
Beijing"), "the alliance" (the last organisation named), "both countries" (the last two) and, in
a government press release, "I" and "we". Visits, offices and incursions add the country of
their place as the counterpart; relative clauses between commas and attributions after the event
("..., Reuters reported") give no actor, except for a quoted criticism that names no one before
its trigger: its critic is the attribution's ('"We urge Moscow to stop ...," the French foreign
ministry said'). In a passive summons the envoy's state is the target ("Russia's envoy was
summoned to the Latvian foreign ministry").

A place the trigger's passive says was struck ("Shan state has been rocked by fighting") is its
scene. Otherwise the place is the first place after the trigger governed by a locative
preposition ("in", "over", "off", "in the town of" ...) with places coordinated with it ("in the
Barents Sea and the Chukchi Sea"); visits and claims also take a direct object, attacks,
incursions and patrols "X", "of X" or "on X"; failing that, a locative place earlier in the
clause. Talks, visits, agreements, offices and criticism never happen at sea; an attack's scene
is never the place its fire came "from", and "on the X side of the border" or "on the X border"
is in X; a country followed by a place inside it ("in Bangladesh, near Bandarban") is that
place. Phrases: "in the same waters" is the last sea or strait named before; "the islands", "the
strait" the last island group or strait; for events of ships and aircraft, "near", "off", "close
to" or "waters off" a country (or "off the X coast") is the sea off that country (on the side
named: "off its west coast") (:func:`~geo.events.seas.sea_off`) and "waters between X and Y" the
sea between them (:func:`~geo.events.seas.sea_between`); "X airspace" is country X, "X's waters"
the sea off X. A seat of government is its capital ("at the White House"). When none of these
gives a place (``place_basis`` ``stated``), an attack, incursion or patrol takes the first place
after its trigger, however governed, short of what is said or alleged about it ("..., alleging
that Armenia had ...") (``approximate``: the region named beside a village the gazetteer lacks);
then any event but a statement takes the last locative place of the sentence before in its
paragraph (``nearby``), then the article's dateline city or first lead place (``article``); a
statement with none is placed at its author's capital (``capital``), and so are talks by phone
or video, or told as speaking with someone, that name no place of their own (the place named is
their topic). An attack on several named places gives one event per place, agreements signed
"with X and Y" one per party.

The date is the resolved date expression (:func:`geo.text.dates.find_dates`) of the event's clause
nearest to the trigger, read in the past for events that happened and in the future for plans,
ignoring dates right after a reporting verb ("said on Thursday": the report's date, except for
criticism, which is a statement) and dates in relative clauses (but in "the summit, which took place
in Jeddah on Sunday" the relative clause says where and when the summit was); "on Thursday and
Friday" is one range (``date_basis`` ``stated``). Without one, the rest of the sentence
(``sentence``), then the paragraph (``paragraph``, :mod:`geo.events.dating`), then the month of
publication up to its day (``publication``, precision ``month``) date it; a plan without a date
stays undated (``none``). Plans lose dates that ended before publication. An event ending ten days
or more before publication has ``role="context"``, and so has one a sentence tells as earlier
("Earlier, on 20 August, ...") when it ended two days or more before publication.

Tellings of one occurrence in several sentences (headline, lead, body) are merged into one
event (:mod:`geo.events.tellings`). A clause that states a habit, trend or tally
("regularly", "in recent weeks", "a string of": :data:`geo.events.lexicon.HABITUAL`) gives no
event.

Confidence is ``0.45 × trigger weight + 0.2 (actors found) + 0.2 (a place found) + 0.1, 0.08
or 0.05 (day, month, year precision) + 0.05``, times 0.9 for plans, within 0.05–0.99.

Offices come from opening triggers (``open`` when it happened, ``in_talks`` when talks or
discussions are named, else ``proposed``), from statements that an office exists ("NATO has
liaison offices in Ukraine and Vienna": one ``open`` office per host) or closed, and from
named embassies ("the Australian Embassy in Manila", "Mexico's embassy in Lima", "Russian and
Chinese embassy officials in Seoul", "the Embassy of Saudi Arabia in Damascus"); offices opened
"in our respective capitals" are recorded both ways. The organisation is the one named next
to the office word, the subject for "its embassy", and the last office's for "the office";
the host is the place after the office word (its country, with the city when it is a city),
else the last office's host or the subject country. One article gives one office per
organisation and host (and per named city when it names two), with the most advanced status.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from shapely.geometry import Point

from geo.events import lexicon as lx
from geo.events.dating import SentenceDates
from geo.events.event_dates import EventDating
from geo.events.lexicon import split_clauses
from geo.events.matching import TriggerMatching
from geo.events.offices import OfficeFinding, OfficeReport
from geo.events.placing import EventPlaces
from geo.events.reading import Context, Match
from geo.events.splitting import PER_PLACE_TYPES, EventSplitting
from geo.events.tellings import merge, merge_tellings
from geo.events.triggers import OFFICIAL
from geo.places.gazetteer import Place
from geo.records import Event, Modality, Office, PlaceBasis, Role, stable_id
from geo.taxonomy import event_action
from geo.text.articles import Article
from geo.text.mention_records import Mentions
from geo.text.mentions import PlaceFinder, default_finder
from geo.text.sentences import Sentence, split_sentences

__all__ = ["Extraction", "extract"]


@dataclass(frozen=True, slots=True)
class Extraction:
    """What :func:`extract` found in one article."""

    events: tuple[Event, ...]
    offices: tuple[Office, ...]
    mentions: Mentions


#: What the precision of its date adds to an event's confidence.
_PRECISION_SCORE: dict[str, float] = {"day": 0.1, "month": 0.08, "year": 0.05, "unknown": 0.0}
#: An event ending this long before publication is context, not the article's news.
_RECENT = datetime.timedelta(days=10)
#: An event a sentence opens as earlier ("Earlier, on 20 August") ending this long before
#: publication is context too.
_DAYS_BEFORE = datetime.timedelta(days=2)


def extract(article: Article, *, finder: PlaceFinder | None = None) -> Extraction:
    """Return the events and offices that `article` reports, with its place and actor mentions.

    Parameters
    ----------
    article
        The article; relative dates resolve against ``article.published``.
    finder
        Finds place and actor mentions; the process-wide default when None.
    """
    return _Extractor(article, finder or default_finder()).run()


class _Extractor(TriggerMatching, EventPlaces, EventSplitting, EventDating, OfficeFinding):
    """Read one article's events and offices, sentence by sentence."""

    def run(self) -> Extraction:
        events: dict[tuple[int, str], Event] = {}
        offices: dict[tuple[str, str, str], OfficeReport] = {}
        sentences = split_sentences(self.text)
        self.dates = SentenceDates(self.text, sentences, self.article.published)
        for index, sentence in enumerate(sentences):
            body = sentence.start
            dateline = lx.DATELINE.match(self.text, sentence.start, sentence.end)
            if dateline is not None and (body == 0 or self.text[body - 1] == "\n"):
                body = dateline.end()
            ctx = Context(
                sentence,
                split_clauses(self.text, body, sentence.end),
                self._matches(body, sentence.end),
                [m.span() for m in lx.ASIDE.finditer(self.text, body, sentence.end)],
                index,
            )
            for match in ctx.matches:
                event = self._event(match, ctx, offices)
                if event is not None:
                    key = (sentence.start, event.type)
                    events[key] = merge(events[key], event) if key in events else event
            self._stated_offices(ctx, body, offices)
        return Extraction(
            events=tuple(
                merge_tellings(
                    self._each_place(events.values()), self._place_info, frozenset(self._anaphors)
                )
            ),
            offices=tuple(self._office_records(offices)),
            mentions=self.mentions,
        )

    def _event(
        self, match: Match, ctx: Context, offices: dict[tuple[str, str, str], OfficeReport]
    ) -> Event | None:
        kind, text, sentence = match.trigger.type, self.text, ctx.sentence
        clause = ctx.clause_of(match.start)
        if lx.HABITUAL.search(text, clause[0], clause[1]):
            return None  # a habit, a trend or a tally, not one occurrence
        lead = text[max(clause[0], match.start - 60) : match.end]
        if kind == "accession":  # "agreed to a ceasefire", "agreed to restore ties": agreed
            lead = lx.AGREED_TO.sub("", lead)
        planned = bool(lx.PLANNED.search(lead) or lx.PLANNED_AFTER.match(text, match.end))
        actors = self._event_actors(match, clause, ctx)
        if kind == "criticism":
            actors = self._summoner_first(
                match, clause, self._quoted_critic_first(match, ctx, actors)
            )
        places, place_basis = self._event_places(match, clause, ctx)
        places, place_basis = self._places_taking_part(places, place_basis, actors)
        if kind == "office_opening" and match.trigger.action != "office_closure":
            # a closure's office is told by the office reports of the sentence, as closed
            planned = planned or bool(lx.IN_TALKS.search(text, match.start, match.end))
            report = self._record_opening(match, clause, actors, offices, planned=planned)
            if report is None:
                return None
            org, host, city = report
            places, actors, place_basis = [city or host], [org, *actors], "stated"
        initiators = list(actors)
        actors = self._all_actors(kind, clause, actors, places, place_basis)
        places, place_basis = self._said_from(match, ctx, actors, places, place_basis)
        critics = self._joint_critics(match, clause) if kind == "criticism" else []
        unknown = self._unknown_scenes(match, clause) if kind in PER_PLACE_TYPES else []
        if (kind in lx.NEED_ACTOR and not actors) or (kind in lx.NEED_PLACE and not places):
            return None
        if kind == "visit" and not self._state_visit(match, sentence, initiators, places):
            return None
        dated = self._event_date(match, clause, ctx, planned=planned)
        date, published = dated.interval, self.article.published
        if published and date.start and date.start > published:
            planned = True
        modality: Modality = "planned" if planned else "happened"
        # history the article recalls ("annexed in 2014"), or a war's backdrop ("the fallout
        # from Russia's invasion"): not an event
        history = dated.basis == "stated" and self._history(match, clause, date)
        if history or self._backdrop(match, clause, dated.basis):
            return None
        role = self._role(date.end, sentence.start, planned=planned)
        confidence = 0.45 * match.trigger.weight + 0.2 * bool(actors) + 0.2 * bool(places)
        precision_score = _PRECISION_SCORE[date.precision] if dated.basis != "publication" else 0
        confidence = (confidence + precision_score + 0.05) * (0.9 if planned else 1)
        event_id = stable_id("ev", self.article.id, sentence.start, sentence.end, kind)
        if len(critics) > 1:
            self._critics[event_id] = (critics, place_basis == "capital")
        if unknown and places:  # the scenes beyond the first, when unknown to the gazetteer
            self._unknown_places[event_id] = unknown
        self._note_parties_and_references(event_id, match, clause, dated.basis, place_basis)
        return Event(
            id=stable_id("ev", self.article.id, sentence.start, sentence.end, kind),
            article_id=self.article.id,
            type=kind,
            cameo=event_action(match.trigger.action, of_type=kind).cameo,
            date_start=date.start,
            date_end=date.end,
            date_precision=date.precision,
            actors=tuple(actors),
            place_ids=tuple(p.id for p in places),
            place_names=tuple(p.name for p in places),
            geometry=Point(places[0].point) if places else None,
            sentence=sentence.text,
            span=(sentence.start, sentence.end),
            confidence=round(min(0.99, max(0.05, confidence)), 3),
            origin="extracted",
            modality=modality,
            role=role,
            date_basis=dated.basis,
            place_basis=place_basis,
            action=match.trigger.action or kind,
        )

    def _places_taking_part(
        self, places: list[Place], basis: PlaceBasis, actors: list[str]
    ) -> tuple[list[Place], PlaceBasis]:
        """Drop the article's main country or dateline city when the event's actors are not its."""
        main = basis == "article" and places and places[0].kind == "country"
        if main and actors and self._alpha3(places[0]) not in actors:
            return [], "none"  # the article's main country takes no part
        dateline = basis == "article" and places and places[0] is self._dateline_city
        if dateline and actors and self._alpha3(places[0]) not in actors:
            # reported from the dateline city, not done there
            country = self._main_country()
            keep = country is not None and self._alpha3(country) in actors
            return ([country], "article") if keep and country else ([], "none")
        return places, basis

    def _role(self, end: datetime.date | None, sentence_start: int, *, planned: bool) -> Role:
        """Return ``context`` for a recent earlier event the article cites, else ``main``."""
        published = self.article.published
        if planned or published is None or end is None:
            return "main"
        if end < published - _RECENT:
            return "context"
        # "Earlier, on 20 August, ...": told as an earlier occurrence, not the day's news
        told_earlier = lx.EARLIER_OCCURRENCE.match(self.text, sentence_start) is not None
        return "context" if told_earlier and end < published - _DAYS_BEFORE else "main"

    def _note_parties_and_references(
        self,
        event_id: str,
        match: Match,
        clause: tuple[int, int],
        date_basis: str,
        place_basis: str,
    ) -> None:
        """Note agreements signed separately with several parties, and events told again."""
        if match.trigger.type == "accession":
            parties = self._separate_parties(match, clause)
            if parties:
                self._parties[event_id] = parties
        if self._told_again(match, clause, date_basis, place_basis):
            self._anaphors.add(event_id)

    def _told_again(
        self, match: Match, clause: tuple[int, int], date_basis: str, place_basis: str
    ) -> bool:
        """Whether an event refers back to one told before: "the attacks targeted", "it hit".

        Only when its own clause gives it neither a date nor a place: what it refers to has them.
        """
        if date_basis == "stated" or place_basis in {"stated", "approximate"}:
            return False
        before = self.text[max(clause[0], match.start - 50) : match.start]
        noun = "nominal" in match.trigger.flags or "noun" in match.trigger.flags
        return bool(
            lx.REFERRING_BACK.search(before)
            or (noun and lx.DEFINITE_BEFORE.search(before))
            or lx.REFERRING_AFTER.search(self.text, match.start, min(clause[1], match.end + 30))
            or lx.DEFINITE_OBJECT.search(self.text[match.start : match.end])
        )

    def _backdrop(self, match: Match, clause: tuple[int, int], basis: str) -> bool:
        """Whether the trigger tells the sentence's backdrop, not an event of its own.

        A war named as a whole without a date of its own or after "amid", "since" ...; what a
        clause opening with "Since" starts from ("Since their deal was signed, ..."); a standing
        claim told of a place ("Taiwan, which Beijing considers a province"); an agreement or
        war named with an older year ("a 1998 agreement signed").
        """
        text, published = self.text, self.article.published
        before = text[max(clause[0], match.start - 50) : match.start]
        if lx.STANDING_WAR.fullmatch(text, match.start, match.end):
            return basis != "stated" or bool(lx.CIRCUMSTANCE_BEFORE.search(before))
        if lx.SINCE_CLAUSE.match(text, clause[0]):
            return True
        if match.trigger.type == "patrol" and lx.DESCRIBED_OBJECT.search(before):
            return True  # "seized a tanker that was passing through the strait": the tanker's
        if match.trigger.type == "territorial_claim" and lx.STANDING_CLAIM.search(before):
            return True
        year = lx.YEAR_MODIFIER.search(before)
        return bool(year and published and int(year.group(1)) < published.year - 1)

    def _summoner_first(
        self, match: Match, clause: tuple[int, int], actors: list[str]
    ) -> list[str]:
        """Put the summoned envoy's state last: "Russia's envoy was summoned by Estonia"."""
        if not lx.SUMMONED.search(self.text, match.start, match.end):
            return actors
        envoys = self._envoys(match, clause)
        return [a for a in actors if a not in envoys] + [a for a in actors if a in envoys]

    def _envoys(self, match: Match, clause: tuple[int, int]) -> set[str]:
        """Return the states of the envoys a passive summons names before its verb."""
        return {a.code for a in self._actors_from(clause[0], match.end) if not a.locative}

    def _said_from(
        self,
        match: Match,
        ctx: Context,
        actors: list[str],
        places: list[Place],
        basis: PlaceBasis,
    ) -> tuple[list[Place], PlaceBasis]:
        """Place a statement, or a call, that names no place of its own at its author's capital.

        A call's place found only near it or in the article is its topic, not where it was made.
        An envoy summoned by a ministry the sentence does not name was summoned where the
        article is, not in the envoy's capital.
        """
        kind, text = match.trigger.type, self.text
        clause = ctx.clause_of(match.start)
        summoned = kind == "criticism" and bool(lx.SUMMONED.search(text, match.start, match.end))
        if summoned and not places and actors and actors[0] in self._envoys(match, clause):
            found = self._place_of_article(kind, ctx.sentence)
            return ([found[0][1]], "article") if found else ([], "none")
        remote = (
            kind == "talks"
            and basis in {"nearby", "article", "none"}
            and bool(
                lx.REMOTE_TALKS.search(text, clause[0], clause[1])
                or lx.SPOKE_WITH.match(text, match.start)  # "spoke with", nowhere said: a call
            )
        )
        if not actors or not (remote or (kind == "criticism" and not places)):
            return places, basis
        capital = self._capital(actors[0])
        return ([capital], "capital") if capital else ([], "none")

    def _all_actors(
        self,
        kind: str,
        clause: tuple[int, int],
        actors: list[str],
        places: list[Place],
        place_basis: PlaceBasis,
    ) -> list[str]:
        """Add to the actors of an event its counterparts: owners of zones, hosts of visits."""
        actors = actors + [c for at, c in self._zone_owners.items() if clause[0] <= at < clause[1]]
        if kind in lx.HOST_TYPES:
            hosts = [p for p in places if p.kind in {"country", "admin1", "city", "island_group"}]
            actors += [self._alpha3(p) for p in hosts]
        if kind == "territorial_claim" and place_basis == "stated":  # claimed, not claimant
            claimed = {self._alpha3(p) for p in places if p.kind == "country"}
            claimants = [a for a in actors if a not in claimed]
            # "Nepal endorsed a new map of Nepal": the country claims for itself
            actors = claimants or actors
        return [a for a in dict.fromkeys(actors) if a]

    def _state_visit(
        self, match: Match, sentence: Sentence, initiators: list[str], places: list[Place]
    ) -> bool:
        """Whether a visit is a state's: not an official travelling at home, nor a team's."""
        if lx.HOSTING.match(self.text, match.start):  # the guest visits
            initiators = [a for a in initiators if a != self._alpha3(places[0])]
        if initiators and self._alpha3(places[0]) == initiators[0]:
            return False  # an official travelling in their own country
        return bool(initiators) or bool(re.search(OFFICIAL, sentence.text))  # not a tourist

    def _place_info(self, place_id: str) -> tuple[str, tuple[str, ...]] | None:
        place = self.gaz.get(place_id)
        return (place.kind, tuple(place.country_codes)) if place is not None else None
