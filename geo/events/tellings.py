"""Merge the tellings of one occurrence: headline, lead and body give one event, not three.

News tells its main event several times: the headline names it, the lead gives the day, a
later sentence the village. :func:`merge_tellings` joins events of one article that are of the
same type and modality and do not contradict each other, carrying the place and the date
between the tellings:

* places agree when they share a place of their own (not a critic's capital or a neighbour's)
  or their points lie within :data:`SAME_PLACE_KM`;
  when one telling has no place, they agree if one is the headline, they are adjacent
  sentences or both name the same agent (attacks, :data:`PLACE_BOUND_TYPES`, only when
  neither has a place: no place tells them apart); when one names the country of the other's
  place, they agree anywhere in the article (attacks only in those sentences); separately named
  places ("strikes on X" and, in another sentence, "on Y") stay separate events;
* actors agree when both tellings name the same agent (their first actor) or one names none,
  or, when one telling borrows its date, when they have any actor in common (a headline names
  the intruder first, a later line the country intruded on) — but never for criticism and
  attacks (:data:`AGENT_BOUND_TYPES`: another critic, another side's fire), unless an attack
  that borrows its date names the very place of the other (a target's adjective read as the
  agent: "the attack on an Israeli centre in Erbil");
* an event cited as context never merges with the article's news;
* dates agree when their intervals meet or one of them is borrowed (paragraph, publication),
  but a date stated to the year never agrees with one stated to the day or month (a tally
  such as "has fired a dozen missiles this year" is not the launch of the day).

An event that refers back to one told before ("the attacks targeted ...", "it hit ...", "were
wounded in the attack", "took part in the drills") and has neither a date nor a place of its own
joins the last earlier event of its type, whatever actors its sentence names (often its source:
"rebel officials said the air strikes hit ...").

The merged event keeps the sentence and id of the telling that says the most (a place of its
own, then a stated date; the first on a tie), the finer of the two places
(a village over its country) and the better-founded date (:data:`BASIS_RANK`, then precision).
:func:`merge` joins two events of one type in one sentence the same way.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Sequence
from dataclasses import replace

from shapely.geometry import Point

from geo.places.geodesy import haversine_km
from geo.records import PRECISION_RANK, Event

__all__ = ["BASIS_RANK", "SAME_PLACE_KM", "merge", "merge_tellings"]

#: Points closer than this are one place for merging tellings.
SAME_PLACE_KM = 40.0
#: A telling without a place joins one at most this many characters away (the next sentence),
#: or the headline.
NEXT_SENTENCE_CHARS = 3

#: Types whose tellings without a place of their own join a placed one only in the headline or
#: the next sentence: one article often reports several attacks by one side in different places.
PLACE_BOUND_TYPES = frozenset({"armed_attack"})

#: Types whose tellings are one event only with the same agent: one critic is not another,
#: and one side's attack is not the other's.
AGENT_BOUND_TYPES = frozenset({"criticism", "armed_attack"})

#: Date bases that borrow the date from elsewhere.
BORROWED = frozenset({"paragraph", "publication", "none"})

#: How well founded a date is, best first.
BASIS_RANK: dict[str, int] = {
    "stated": 0,
    "sentence": 1,
    "paragraph": 2,
    "publication": 3,
    "none": 4,
}
_COARSE_KINDS = frozenset({"country", "admin1", "region"})

#: Tells, for a place id, its kind and its country codes (alpha-2); None when unknown.
PlaceInfo = Callable[[str], tuple[str, tuple[str, ...]] | None]


def _fullness(event: Event) -> int:
    """How much of the event its own sentence tells: a place of its own, a stated date."""
    return 2 * (event.place_basis == "stated" and bool(event.place_ids)) + (
        event.date_basis == "stated"
    )


def _date_rank(event: Event) -> tuple[int, int]:
    return BASIS_RANK[event.date_basis], PRECISION_RANK[event.date_precision]


def _km(first: Event, second: Event) -> float:
    a, b = first.geometry, second.geometry
    if not isinstance(a, Point) or not isinstance(b, Point):  # events sit at points
        return math.inf
    return haversine_km(a.x, a.y, b.x, b.y)


def _coarse(event: Event, info: PlaceInfo) -> bool:
    found = info(event.place_ids[0]) if event.place_ids else None
    return found is not None and found[0] in _COARSE_KINDS


def _contains(outer: Event, inner: Event, info: PlaceInfo) -> bool:
    """Whether `outer`'s first place is the country of `inner`'s first place."""
    if not outer.place_ids or not inner.place_ids:
        return False
    big, small = info(outer.place_ids[0]), info(inner.place_ids[0])
    if big is None or small is None or big[0] != "country" or small[0] == "country":
        return False
    return bool(set(big[1]) & set(small[1]))


def _own_place(event: Event) -> bool:
    return bool(event.place_ids) and event.place_basis not in {"capital", "nearby", "article"}


def _same_own_place(first: Event, second: Event) -> bool:
    """Whether both tellings name a place of their own, and it is one place."""
    if not (_own_place(first) and _own_place(second)):
        return False
    return bool(set(first.place_ids) & set(second.place_ids)) or _km(first, second) <= SAME_PLACE_KM


def _places_agree(first: Event, second: Event, info: PlaceInfo) -> bool:
    if _same_own_place(first, second):
        return True
    both = _own_place(first) and _own_place(second)
    # a telling without a place, or with a country or region, only with the headline or the
    # sentence right next to it
    adjacent = first.span[0] == 0 or abs(second.span[0] - first.span[1]) <= NEXT_SENTENCE_CHARS
    if not both:
        same_agent = bool(first.actors and second.actors and first.actors[0] == second.actors[0])
        placeless = not first.place_ids and not second.place_ids  # no place tells them apart
        return adjacent or (same_agent and (placeless or first.type not in PLACE_BOUND_TYPES))
    # a country and a place inside it: one event anywhere in the article, but for attacks only
    # in the headline or next sentence (one side often strikes several places in one country)
    nested = _contains(first, second, info) or _contains(second, first, info)
    return nested and (adjacent or first.type not in PLACE_BOUND_TYPES)


def _dates_agree(first: Event, second: Event) -> bool:
    years = [e.date_precision == "year" for e in (first, second)]
    if years[0] != years[1]:
        return False  # a whole year against a day or month: a tally, not this telling
    if first.date_basis in BORROWED or second.date_basis in BORROWED:
        return True
    start, end = first.date_start, first.date_end
    other_start, other_end = second.date_start, second.date_end
    if start is None or end is None or other_start is None or other_end is None:
        return True
    return start <= other_end and other_start <= end


def _actors_agree(first: Event, second: Event) -> bool:
    """Tell whether two tellings have one agent (or, if one borrows its date, one actor)."""
    if first.actors[0] == second.actors[0]:
        return True
    borrowed = first.date_basis in BORROWED or second.date_basis in BORROWED
    if borrowed and first.type in PLACE_BOUND_TYPES and _same_own_place(first, second):
        return True  # retold at the very place: the first actor named may be the target's
    if first.type in AGENT_BOUND_TYPES:
        return False  # another critic, or another side's fire

    if borrowed:
        return bool(set(first.actors) & set(second.actors))
    return False


def _agree(first: Event, second: Event, info: PlaceInfo) -> bool:
    if (first.type, first.modality) != (second.type, second.modality):
        return False
    if first.span == second.span:
        return False  # one sentence's events were already merged, or split by place
    if first.role != second.role:
        return False  # an earlier event cited as context is not today's news
    if first.actors and second.actors and not _actors_agree(first, second):
        return False  # another agent: another event (or another critic)
    return _places_agree(first, second, info) and _dates_agree(first, second)


def merge(first: Event, second: Event, info: PlaceInfo | None = None) -> Event:
    """Join two tellings of one event: the fuller sentence, the finer place, the better date."""
    told = max((first, second), key=_fullness)  # the sentence that tells the most
    untold = second if told is first else first
    fine, other = (told, untold) if told.place_ids else (untold, told)
    if info is not None and other.place_ids and _coarse(fine, info) and not _coarse(other, info):
        fine, other = other, fine
    ids = dict(zip(fine.place_ids, fine.place_names, strict=True))
    if not ids or other.place_basis in {"stated", "approximate"}:  # not a borrowed place
        for place_id, name in zip(other.place_ids, other.place_names, strict=True):
            ids.setdefault(place_id, name)
    dated = min((first, second), key=_date_rank)
    date_basis = dated.date_basis
    if dated.span != told.span and date_basis in {"stated", "sentence"}:
        date_basis = "paragraph"  # told in another sentence
    place_basis = fine.place_basis
    if fine.span != told.span and place_basis == "stated":
        place_basis = "nearby"
    finer = _finer_action(told, untold)
    return replace(
        told,
        actors=tuple(dict.fromkeys([*told.actors, *first.actors, *second.actors])),
        place_ids=tuple(ids),
        place_names=tuple(ids.values()),
        geometry=fine.geometry if fine.geometry is not None else other.geometry,
        date_start=dated.date_start,
        date_end=dated.date_end,
        date_precision=dated.date_precision,
        date_basis=date_basis,
        place_basis=place_basis,
        role=dated.role,
        confidence=max(first.confidence, second.confidence),
        action=finer.action,
        cameo=finer.cameo,
    )


def _finer_action(told: Event, untold: Event) -> Event:
    """Return the telling that names the finer action ("kidnapped" over "attacked")."""
    return untold if told.action in {"", told.type} and untold.action != untold.type else told


def merge_tellings(
    events: Sequence[Event], info: PlaceInfo, referring: Collection[str] = ()
) -> list[Event]:
    """Return `events` (one article's, in text order) with the tellings of one event merged.

    Each event joins the first earlier event it agrees with (see the module documentation),
    so two events placed apart never fall into one. An event whose id is in `referring` refers
    back to one told before ("the attacks targeted ...", "it hit ...") and names neither a date
    nor a place of its own: it joins the last earlier event of its type, modality and role.
    """
    merged: list[Event] = []
    for event in events:
        if event.id in referring:
            last = _last_of_its_kind(merged, event)
            if last is not None:
                merged[last] = merge(merged[last], event, info)
                continue
        for index, earlier in enumerate(merged):
            if _agree(earlier, event, info):
                merged[index] = merge(earlier, event, info)
                break
        else:
            merged.append(event)
    return merged


def _last_of_its_kind(merged: Sequence[Event], event: Event) -> int | None:
    """Return the index of the last event in `merged` of `event`'s type, modality and role."""
    for index in range(len(merged) - 1, -1, -1):
        earlier = merged[index]
        if (earlier.type, earlier.modality, earlier.role) == (
            event.type,
            event.modality,
            event.role,
        ) and earlier.span != event.span:
            return index
    return None
