"""Demonyms and regional adjectives that stand for their place, not for an actor.

"the Syrian border", "the Greek islands", "European countries": a demonym before a territorial
noun (:data:`TERRITORIAL_NOUNS`) names the country or region itself, a mention with the role
``modifier``. A demonym in an organisation's name ("Canadian Press", "Nigerian Army", "British
Airways") names it with the role ``organisation``. Other demonyms ("Russian warships") stay
actor mentions only.
"""

from __future__ import annotations

from geo.places.gazetteer import Gazetteer
from geo.places.geocode import Resolution
from geo.text.mention_records import MentionRole, PlaceMention
from geo.text.name_candidates import Adjective
from geo.text.name_evidence import organisation_run
from geo.text.tokens import Tokens, on_headline

#: Nouns after which a demonym names the place itself ("the Syrian border").
TERRITORIAL_NOUNS = frozenset(
    (
        "border borders frontier capital city cities town towns village villages island islands "
        "coast coastline waters airspace soil territory territories province provinces region "
        "regions state states enclave mainland countryside port ports side market markets "
        "flights tour project projects development governmental jurisdictions export parliament "
        "economy industry factories farms jobs workers exports jails prisons airbases bases "
        "countries nations"
    ).split()
)


def adjective_places(
    gazetteer: Gazetteer,
    tokens: Tokens,
    adjectives: list[Adjective],
    headlines: dict[int, bool],
) -> list[PlaceMention]:
    """Return the places that demonyms stand for: "the Syrian border", "Canadian Press"."""
    found: list[PlaceMention] = []
    last_of = {first: last for first, last, _, _ in adjectives}
    count = len(tokens)
    for first, last, place_id, inside in adjectives:
        if inside:
            place = gazetteer.get(place_id)
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
        if not tokens.capital[after] and tokens.key(after) in TERRITORIAL_NOUNS:
            role = "modifier"
        elif (
            tokens.capital[after]
            and following == last
            and organisation_run(tokens, first, last)
            and not on_headline(tokens, first, headlines)
        ):
            role = "organisation"
        else:
            continue
        place = gazetteer.get(place_id)
        if place is None:
            continue
        start, end = tokens.starts[first], tokens.end(last)
        surface = tokens.text[start:end]
        found.append(PlaceMention(start, end, surface, Resolution(surface, place, 1.0), role))
    return found
