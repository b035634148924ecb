"""Where an event happens.

Places stated in the event's clause, phrases naming seas or places named before ("in the same
waters", "off the coast of X", "the strait"), then the fallbacks: the first place after an
attack however governed, the sentence before, the article's dateline city or lead place.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable

from geo.events import lexicon as lx
from geo.events.reading import Actor, Context, Match, Reading
from geo.events.seas import SEA_KINDS, country_ids, sea_between, sea_off
from geo.places.gazetteer import Place
from geo.records import (
    PlaceBasis,
)
from geo.text.mention_records import PlaceMention
from geo.text.sentences import Sentence

__all__ = ["EventPlaces", "qualifies"]


_OBJECT_PLACE_TYPES = frozenset({"incursion", "armed_attack", "territorial_claim", "patrol"})
#: Types that may take their place from the sentence before when their own names none.
_NEARBY_PLACE_TYPES = frozenset({"armed_attack", "incursion", "patrol", "buildup", "exercise"})

#: Between a country and a place it holds: "Ukraine's Kharkiv region", "Indonesia's northern
#: Natuna islands".
_POSSESSIVE_GAP = re.compile(
    r"['’]s\s+(?:(?:north|south|east|west|central|north-?east|north-?west|south-?east|"
    r"south-?west)(?:ern)?\s+)?",
    re.IGNORECASE,
)


class EventPlaces(Reading):
    """Find the places of events, and the article's own place."""

    def _last_place(self, position: int, kinds: Iterable[str]) -> Place | None:
        wanted = frozenset(kinds)
        if wanted not in self._last_places:
            chosen = [p for p in self.places if _of_kind(p.place, wanted)]
            self._last_places[wanted] = ([p.end for p in chosen], [p.place for p in chosen])
        ends, places = self._last_places[wanted]
        earlier = bisect.bisect_right(ends, position)
        return places[earlier - 1] if earlier else None

    def _acting_for(self, mention: PlaceMention) -> bool:
        """Whether a country named in the possessive names who acts for it, not a place.

        "Yemen's Houthi movement", "Russia's coast guard": the possessive is followed by an
        organisation the text names or by a body that acts for a state.
        """
        if mention.place.kind != "country" or self.text[mention.end : mention.end + 1] not in {
            "'",
            "’",
        }:
            return False
        if lx.ACTING_BODY_AFTER.match(self.text, mention.end):
            return True
        after = mention.end + 3  # past "'s "
        return any(
            a.start == after and a.kind == "org" for a in self._actors_from(after, after + 1)
        )

    def _special_places(self, match: Match, clause: tuple[int, int]) -> list[tuple[int, Place]]:
        """Places named by phrases rather than names, as (position, place)."""
        text, kind, start, end = self.text, match.trigger.type, match.start, clause[1]
        found: list[tuple[int, Place]] = []
        for hit in lx.SAME_WATERS.finditer(text, start, end):
            place = self._last_place(hit.start(), SEA_KINDS)
            found += [(hit.start(), place)] if place else []
        found += self._definite_places(start, end, direct=kind == "territorial_claim")
        countries = [a for a in self._actors_from(start, end) if a.kind in {"demonym", "country"}]
        for actor in countries:  # "in the Qatari capital", "Ukraine's capital"
            capital = self._capital(actor.code)
            at = lx.AT_THE.search(text, max(0, actor.start - 16), actor.start)
            if capital and at and lx.CAPITAL_AFTER.match(text, actor.end):
                found.append((actor.start, capital))
        if kind == "incursion":  # "crossed into South Korean airspace"
            found += self._zones_entered(countries, start)
        if kind in lx.MARITIME_TYPES:
            found += self._seas_named(countries, start, clause)
        return found

    def _zones_entered(self, countries: list[Actor], start: int) -> list[tuple[int, Place]]:
        """Places of "X airspace" and "X's zone": the country, or the sea off it for a wide zone."""
        text, found = self.text, []
        for actor in countries:
            country = self._country_place(actor.code)
            zone = lx.AIRSPACE_AFTER.match(text, actor.end) if country else None
            if country and zone:
                # "Vietnam's exclusive economic zone", "Japan's ADIZ": the sea off it, unless
                # the clause names a place (any other place first)
                at_sea = None
                if lx.WIDE_ZONE.search(zone.group()):
                    side = self._coast_side(actor.start)
                    at_sea = sea_off(
                        self.gaz, country, prefer=self._last_place(start, SEA_KINDS), side=side
                    )
                if at_sea is not None:
                    self._zone_owners[actor.start] = actor.code  # the owner, not the place
                found.append((actor.start + len(text), at_sea or country))
        return found

    def _seas_named(
        self, countries: list[Actor], start: int, clause: tuple[int, int]
    ) -> list[tuple[int, Place]]:
        """Seas named by phrases: "off X", "near the coast of X", "waters between X and Y"."""
        text, end, found = self.text, clause[1], []
        memory = self._last_place(start, SEA_KINDS)
        for actor in countries:
            offshore = self._offshore(actor.start, start, clause)
            if offshore is not None and self._possessed_place(actor.end):
                continue  # "off the coast of Indonesia's Natuna islands": off the islands
            country = self._country_place(actor.code) if offshore is not None else None
            side = self._coast_side(actor.start)
            sea = sea_off(self.gaz, country, prefer=memory, side=side) if country else None
            if offshore is not None and sea is not None:
                found.append((offshore, sea))
        for hit in lx.BETWEEN_WATERS.finditer(text, start, end):
            pair = [a.code for a in countries if hit.end() <= a.start < hit.end() + 40]
            places = [self._country_place(code) for code in dict.fromkeys(pair)][:2]
            if len(places) == 2 and places[0] and places[1]:
                sea = sea_between(self.gaz, places[0], places[1])
                found += [(hit.start(), sea)] if sea else []
        return found

    def _possessed_place(self, end: int) -> bool:
        """Whether a country ending at `end` is in the possessive of a place named right after.

        "Indonesia's northern Natuna islands", "Japan's Okinawa island": the place is the one
        meant, not the country.
        """
        if self.text[end : end + 1] not in {"'", "’"}:
            return False
        return any(m.start - end <= 24 for m in self._places_from(end + 1, end + 25))

    def _coast_side(self, position: int) -> str | None:
        """Return the side of the coast named around `position`: "off its southwest coast"."""
        text = self.text
        window_start = max(0, position - 40)
        window_end = min(len(text), position + 80)
        sentence_end = text.find(". ", position, window_end)
        hit = lx.COAST_SIDE.search(
            text, window_start, window_end if sentence_end == -1 else sentence_end
        )
        if hit is None:
            return None
        return (hit.group(1) + (hit.group(2) or "")).lower()

    def _offshore(self, position: int, start: int, clause: tuple[int, int]) -> int | None:
        """Return where "off"/"near" a country at `position` starts, when it means its sea."""
        before = self.text[max(start, position - 30) : position]
        vicinity = lx.VICINITY.search(before)
        if vicinity is None:
            return None
        watery = re.search(r"waters|seas?\b|coast", vicinity.group())
        if not watery and not lx.MARITIME_CONTEXT.search(self.text, *clause):
            return None  # troops near a border stay on land
        return position - len(before) + vicinity.start()

    def _definite_places(self, start: int, end: int, *, direct: bool) -> list[tuple[int, Place]]:
        """Places named before and referred to again: "around the islands", "the strait"."""
        found = []
        for hit in lx.DEFINITE_PLACE.finditer(self.text, start, end):
            if direct or self._is_locative(hit.start()):
                place = self._last_place(hit.start(), lx.DEFINITE_KINDS[hit.group(1).lower()])
                found += [(hit.start(), place)] if place else []
        return found

    def _event_places(
        self, match: Match, clause: tuple[int, int], ctx: Context
    ) -> tuple[list[Place], PlaceBasis]:
        """Return the places of an event, and how they were found."""
        # "attributed to Yemen's Houthi movement": who acts, not where
        mentions = [m for m in self._places_from(*clause) if not self._acting_for(m)]
        if match.trigger.type in lx.LAND_TYPES:
            mentions = [m for m in mentions if m.place.kind not in SEA_KINDS]
        candidates = self._stated_places(match, clause, ctx, mentions)
        basis: PlaceBasis = "stated"
        if not candidates:
            candidates, basis = self._fallback_places(match, clause, ctx, mentions)
        if not candidates:
            return [], "none"
        return self._coordinated_places(candidates, mentions), basis

    def _stated_places(
        self, match: Match, clause: tuple[int, int], ctx: Context, mentions: list[PlaceMention]
    ) -> list[tuple[int, Place]]:
        """Return the places the event's clause states, as (position, place)."""
        text, kind = self.text, match.trigger.type
        if lx.SCENE_AS_SUBJECT.match(text, match.start):  # "Shan state has been rocked by ..."
            subject = [m for m in mentions if m.end <= match.start]
            if subject:
                return [(subject[-1].start, subject[-1].place)]
        candidates = self._special_places(match, clause)
        flags = match.trigger.flags
        direct = kind in {"visit", "territorial_claim"} or "place_object" in flags
        direct = direct or "place_next" in flags
        for mention in (m for m in mentions if m.start >= match.start):
            if mention.start in self._zone_owners:
                continue  # "Vietnam's exclusive economic zone" is at sea, not in Vietnam
            between = text[match.end : mention.start]
            if kind == "criticism":
                if lx.CRITICISM_PLACE.fullmatch(between):
                    candidates.append((mention.start, mention.place))
                continue
            if kind == "armed_attack" and self._preceding(mention.start) == "from":
                continue  # "shells fired from Myanmar": where the fire came from, not its scene
            maritime = kind in lx.MARITIME_TYPES and mention.place.kind == "country"
            if maritime and self._offshore(mention.start, match.start, clause) is not None:
                continue  # off a country is not in it: the sea off it (special places)
            objective = direct and mention.start - match.end < 60
            of_object = kind in _OBJECT_PLACE_TYPES and bool(
                re.fullmatch(r"\s+(?:of\s+|on\s+|against\s+)?(?:the\s+)?", between)
            )
            if self._is_locative(mention.start) or objective or of_object:
                candidates.append((mention.start, mention.place))
        if kind == "territorial_claim" and re.match(r"[\w’'-]+\s+by\s", text[match.start :]):
            candidates = self._definite_places(clause[0], match.start, direct=True)
            candidates += [(m.start, m.place) for m in mentions if m.end <= match.start]
        if not candidates and kind not in lx.NO_PLACE_BEFORE:
            earlier = [
                m
                for m in mentions
                if m.end <= match.start
                and self._is_locative(m.start)
                and not self._aside(m.start, match, ctx)
                and not lx.REPORTING.search(text, m.end, match.start)  # "a spokesperson in X said"
            ]
            candidates += [(earlier[-1].start, earlier[-1].place)] if earlier else []
        return candidates

    def _fallback_places(
        self, match: Match, clause: tuple[int, int], ctx: Context, mentions: list[PlaceMention]
    ) -> tuple[list[tuple[int, Place]], PlaceBasis]:
        """Return the place of an event whose clause states none, and how it was found."""
        kind = match.trigger.type
        candidates: list[tuple[int, Place]] = []
        basis: PlaceBasis = "stated"
        if kind in _OBJECT_PLACE_TYPES | _NEARBY_PLACE_TYPES:
            candidates, basis = self._approximate_place(match, clause, mentions), "approximate"
        if not candidates and kind != "criticism":
            candidates, basis = self._place_nearby(ctx), "nearby"
        if not candidates and kind != "criticism":
            candidates, basis = self._place_of_article(kind, ctx.sentence), "article"
        return candidates, basis

    def _coordinated_places(
        self, candidates: list[tuple[int, Place]], mentions: list[PlaceMention]
    ) -> list[Place]:
        """Return the first candidate place with the places coordinated with it ("X and Y")."""
        text = self.text
        position, first = min(candidates, key=lambda c: c[0])
        if first.kind == "country":  # "on the Bangladesh border in Tumbru of Bandarban"
            inside = [
                c
                for c in sorted(candidates, key=lambda c: c[0])
                if c[1].kind not in {"country", *SEA_KINDS}
                and set(c[1].country_codes) & set(first.country_codes)
            ]
            position, first = inside[0] if inside else (position, first)
        previous_end = next((m.end for m in mentions if m.start == position), None)
        for mention in mentions:  # "the Burkina Faso town of Djibo": the town, not the country
            if previous_end is not None and mention.start >= previous_end:
                gap = text[previous_end : mention.start]
                # "Ukraine's Kharkiv region": the region, not the country that holds it
                held = _POSSESSIVE_GAP.fullmatch(gap) is not None
                held = held and qualifies(first, mention.place)
                if held or lx.PLACE_HEAD.fullmatch(text, previous_end, mention.start):
                    first, previous_end = mention.place, mention.end
                break
        chosen = [first]
        for mention in mentions:
            if previous_end is None or mention.start < previous_end:
                continue
            gap = text[previous_end : mention.start]
            if not re.fullmatch(r"\s*(?:,|and|or|, and)\s+(?:the\s+)?", gap):
                break
            previous_end = mention.end
            if gap.strip() == "," and qualifies(mention.place, chosen[-1]):
                continue  # "Bilohorivka, Luhansk": the region the village is in, not a target
            chosen.append(mention.place)
        return list({p.id: p for p in chosen}.values())

    def _approximate_place(
        self, match: Match, clause: tuple[int, int], mentions: list[PlaceMention]
    ) -> list[tuple[int, Place]]:
        """Return the first place after the trigger, however governed: "attacked X, in Y".

        When the attacked village is not in the gazetteer, the region named beside it is the
        best place known; a place after "from" is where the attackers came from, not the target.
        """
        for mention in mentions:
            if mention.start < match.end or mention.start - match.end > 120:
                continue
            if lx.ANOTHER_STATEMENT.search(self.text, match.end, mention.start):
                break  # "launched the operation, alleging that Armenia had ...": not its scene
            if self._preceding(mention.start) in {"from", "by", "with"}:
                continue
            if mention.place.kind in SEA_KINDS and match.trigger.type == "armed_attack":
                continue
            return [(mention.start, mention.place)]
        return []

    def _place_nearby(self, ctx: Context) -> list[tuple[int, Place]]:
        """Return the last locative place of the sentence before, in the same paragraph."""
        start = ctx.sentence.start
        previous = self.text.rfind("\n", 0, start)
        floor = max(previous, start - 400)
        earlier = [
            m
            for m in self._places_from(floor, start)
            if self._is_locative(m.start) and m.place.kind not in {"country"}
        ]
        return [(ctx.sentence.start + len(self.text), earlier[-1].place)] if earlier else []

    def _place_of_article(self, kind: str, sentence: Sentence) -> list[tuple[int, Place]]:
        """Return the article's own place: its dateline city, else the lead's first place.

        The lead is the headline and the first paragraph; its first locative place that is
        not a country (or, for events at sea, a sea) is where the article's news happens; an
        article naming none is placed in its main country (:meth:`_main_country`). A
        place where something was said ("officials in Beijing said") is not taken.
        """
        if self._article_place is None:
            self._article_place = self._find_article_place()
        found = self._article_place.get("sea" if kind in lx.MARITIME_TYPES else "land")
        if found is None:
            return []
        position = found[0]
        if sentence.start <= position < sentence.end and lx.REPORTING.search(
            self.text, position, min(sentence.end, position + 40)
        ):
            return []  # "officials in Beijing said ...": where it was said, not where it happened
        return [(len(self.text) * 2, found[1])]

    def _find_article_place(self) -> dict[str, tuple[int, Place]]:
        found: dict[str, tuple[int, Place]] = {}
        starts = [0, *(m.end() for m in re.finditer(r"\n\s*", self.text[:400]))]
        datelines = (lx.DATELINE.match(self.text, start) for start in starts[:4])
        dateline = next((d for d in datelines if d is not None), None)
        lead_end = self.text.find("\n", self.text.find("\n\n") + 2)
        lead_end = len(self.text) if lead_end == -1 else lead_end
        for mention in self._places_from(0, lead_end):
            place = mention.place
            in_dateline = dateline is not None and mention.end <= dateline.end()
            if in_dateline and place.kind == "city":
                found.setdefault("land", (mention.start, place))
                self._dateline_city = place
            elif place.kind in SEA_KINDS and self._is_locative(mention.start):
                found.setdefault("sea", (mention.start, place))
            elif place.kind != "country" and self._is_locative(mention.start):
                found.setdefault("land", (mention.start, place))
        main = self._main_country()
        if main is not None:
            found.setdefault("land", (-1, main))
        if "land" in found:
            found.setdefault("sea", found["land"])
        return found

    def _main_country(self) -> Place | None:
        """Return the country most of the article's places lie in (its demonyms count too)."""
        votes: dict[str, int] = {}
        for mention in self.places:
            for code in mention.place.country_codes[:1]:
                votes[code] = votes.get(code, 0) + 1
        for actor in self.actors:
            if actor.kind == "demonym":
                code = self.gaz.alpha2_by_alpha3.get(actor.code, "")
                votes[code] = votes.get(code, 0) + 1
        votes.pop("", None)
        if not votes:
            return None
        best = max(votes, key=lambda code: (votes[code], code))
        place_id = country_ids(self.gaz).get(best)
        return self.gaz.get(place_id) if place_id else None


def _of_kind(place: Place, kinds: frozenset[str]) -> bool:
    """Whether `place` is of one of `kinds`; "town" is a city that is not a capital."""
    if place.kind in kinds:
        return True
    return "town" in kinds and place.kind == "city" and not place.capital


def qualifies(region: Place, place: Place) -> bool:
    """Whether `region`, named after `place` ("Bilohorivka, Luhansk"), only says where it is."""
    if region.id == place.id or place.kind == "country":
        return False
    if not set(region.country_codes) & set(place.country_codes):
        return False
    if region.kind == "country":
        return True
    if place.kind == "admin1":
        return False
    bigger = region.kind in {"admin1", "admin2"} or (
        region.kind == "city" and region.population > 10 * max(place.population, 1)
    )
    return bigger and bool(place.admin1) and region.admin1 == place.admin1
