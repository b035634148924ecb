"""Events that are several, split into one event per place or per critic.

An attack on several named places gives one event per place (with the scenes the gazetteer
does not know placed at the first it knows); a criticism voiced by several governments together
gives one event per critic.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from shapely.geometry import Point

from geo.events import lexicon as lx
from geo.events.placing import qualifies
from geo.events.reading import Actor, Match, Reading
from geo.events.seas import SEA_KINDS
from geo.places.gazetteer import Place
from geo.records import (
    Event,
    stable_id,
)
from geo.text.vocabulary import MONTHS_AND_WEEKDAYS

__all__ = ["PER_PLACE_TYPES", "EventSplitting"]


#: Types of which each separately named place is its own event ("strikes on X and Y").
PER_PLACE_TYPES = frozenset({"armed_attack"})


class EventSplitting(Reading):
    """Split events that are several, per place and per critic."""

    def _each_place(self, events: Iterable[Event]) -> list[Event]:
        """Split events that are several: attacks on several places, joint criticisms.

        An attack on several named places (not seas) gives one event per place, and a
        criticism voiced by several governments together one per critic.
        """
        return [
            split
            for event in events
            for by_critic in self._split_critics(event)
            for by_party in self._split_parties(by_critic)
            for split in self._split_places(by_party)
        ]

    def _joint_critics(self, match: Match, clause: tuple[int, int]) -> list[str]:
        """Return the governments that criticise together: "Vietnam, Malaysia and Taiwan"."""
        if lx.PASSIVE_BEFORE.search(self.text, max(clause[0], match.start - 12), match.start):
            return []  # "Russian and Chinese envoys were summoned": the targets, not critics
        before = [a for a in self._actors_from(clause[0], match.start) if not a.locative]
        groups: list[list[Actor]] = []
        for actor in before:  # runs of coordinated names; the first run is the subject
            if groups and lx.COORDINATED.fullmatch(self.text, groups[-1][-1].end, actor.start):
                groups[-1].append(actor)
            else:
                groups.append([actor])
        joint = groups[0] if groups else []  # the subject, not a target named later
        if len(joint) < 2 or any(
            a.kind not in {"state", "country", "demonym", "person"} for a in joint
        ):
            return []
        if lx.AT_THE.search(self.text, max(0, joint[0].start - 16), joint[0].start):
            return []  # "the juntas in Bamako, Ouagadougou and Niamey": where, not who
        if lx.BACKED_BY.search(self.text, clause[0], joint[0].start):
            return []  # "The LNA, supported by Egypt and the UAE, accuses": an aside
        return list(dict.fromkeys(a.code for a in joint))

    def _split_critics(self, event: Event) -> list[Event]:
        found = self._critics.get(event.id)
        if found is None:
            return [event]
        critics, at_capital = found
        others = tuple(a for a in event.actors if a not in critics)
        split = []
        for index, critic in enumerate(critics):
            capital = self._capital(critic) if at_capital else None
            placed = _at_place(event, capital) if capital is not None else event
            split.append(
                replace(
                    placed,
                    id=event.id if index == 0 else stable_id("ev", event.id, critic),
                    actors=(critic, *others),
                )
            )
        return split

    def _separate_parties(self, match: Match, clause: tuple[int, int]) -> list[str]:
        """Return the parties of agreements signed separately: "agreements with X and Y".

        Only for a plural ("agreements", "deals"): "a deal with X and Y" is one deal of three.
        """
        if not lx.PLURAL_DEALS.search(self.text, match.start, match.end + 40):
            return []
        with_ = self.text.find(" with ", match.start, clause[1])
        if with_ == -1:
            return []
        parties: list[Actor] = []
        for actor in self._actors_from(with_, clause[1]):
            previous = parties[-1].end if parties else with_ + len(" with")
            gap = self.text[previous : actor.start]
            if parties and actor.code == parties[-1].code and re.fullmatch(r"\s*\(", gap):
                parties[-1] = actor  # "the United Arab Emirates (UAE)"
                continue
            if parties and not lx.COORDINATED.fullmatch(re.sub(r"^\)", "", gap)):
                break
            if not parties and gap.strip(" the") != "":
                break
            parties.append(actor)
        codes = list(dict.fromkeys(a.code for a in parties))
        return codes if len(codes) > 1 else []

    def _split_parties(self, event: Event) -> list[Event]:
        parties = self._parties.get(event.id)
        if parties is None:
            return [event]
        others = tuple(a for a in event.actors if a not in parties)
        return [
            replace(
                event,
                id=event.id if index == 0 else stable_id("ev", event.id, party),
                actors=(*others, party),
            )
            for index, party in enumerate(parties)
        ]

    def _unknown_scenes(self, match: Match, clause: tuple[int, int]) -> list[str]:
        """Return the scenes of a listed attack that the gazetteer does not know.

        Only for a list of two or more ("attacked sites in Shebaa Farms, al-Motella and
        Ramya"); the event itself stands for the first when none is known.
        """
        listed = lx.LISTED_PLACES.search(self.text, match.end, clause[1])
        if listed is None:
            return []
        names = lx.COORDINATED.split(listed.group("names"))
        if any(name.split()[0].lower() in MONTHS_AND_WEEKDAYS for name in names):
            return []  # "on Sunday, Kurdish officials said": a date, not a list of scenes
        end, unknown = listed.start("names"), []
        for piece in names:
            at = self.text.index(piece, end)
            end = at + len(piece)
            covered = any(m.end > at for m in self._places_from(max(0, at - 80), end))
            if not covered and not self._actors_from(at, end):  # "Sistan and Baluchestan" is one
                unknown.append(piece)
        if len(names) < 2 or not unknown:
            return []
        # the event itself stands for the first scene when the gazetteer knows none of them
        return unknown if len(unknown) < len(names) else unknown[1:]

    def _split_places(self, event: Event) -> list[Event]:
        places = [self.gaz.get(place_id) for place_id in event.place_ids]
        unknown = self._unknown_places.get(event.id, [])
        if event.type not in PER_PLACE_TYPES or len(places) + len(unknown) < 2:
            return [event]
        if any(p is None or p.kind in SEA_KINDS for p in places):
            return [event]
        near = [  # the scenes the gazetteer does not know, placed at the first one it knows
            replace(
                event,
                id=stable_id("ev", self.article.id, *event.span, event.type, name),
                place_basis="approximate",
            )
            for name in unknown
        ]
        return [*self._each_known_place(event, places), *near]

    def _each_known_place(self, event: Event, places: list[Place | None]) -> list[Event]:
        known = [p for p in places if p is not None]
        kept = [  # "Mandera, Kenya" told by two triggers: Kenya only says where Mandera is
            p for p in known if not any(qualifies(p, other) for other in known)
        ]
        if len(kept) < 2:
            return [_at_place(event, kept[0])] if len(kept) < len(known) else [event]
        return [
            replace(
                _at_place(event, place),
                id=event.id
                if index == 0
                else stable_id("ev", self.article.id, *event.span, event.type, place.id),
            )
            for index, place in enumerate(kept)
        ]


def _at_place(event: Event, place: Place) -> Event:
    return replace(
        event, place_ids=(place.id,), place_names=(place.name,), geometry=Point(place.point)
    )
