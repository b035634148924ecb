"""Find a country's place and capital, and the sea off its coast or between two countries.

"Waters off the Japanese coast" and "waters between Japan and Russia" name a sea by its
neighbours: :func:`sea_off` and :func:`sea_between` find it from the gazetteer's shapes.
"""

from __future__ import annotations

from functools import cache

from geo.places.coasts import SEA_KINDS, country_rows
from geo.places.gazetteer import Gazetteer, Place

__all__ = ["BEARINGS", "SEA_KINDS", "capital_ids", "country_ids", "sea_between", "sea_off"]

# --- seas next to countries -----------------------------------------------------------------


@cache
def capital_ids(gazetteer: Gazetteer) -> dict[str, str]:
    """Alpha-2 code → id of the country's national capital (its most important, if several)."""
    best: dict[str, tuple[float, str]] = {}
    for index, capital in enumerate(gazetteer.capital):
        codes = gazetteer.country_codes[index]
        if capital and codes and gazetteer.kinds[index] == "city":
            rank = (gazetteer.importance[index], gazetteer.ids[index])
            if codes[0] not in best or rank > best[codes[0]]:
                best[codes[0]] = rank
    return {code: rank[1] for code, rank in best.items()}


@cache
def country_ids(gazetteer: Gazetteer) -> dict[str, str]:
    """Alpha-2 code → id of the country place (``ne:country:AUT``)."""
    rows = country_rows(gazetteer.ids, gazetteer.kinds, gazetteer.country_codes)
    return {code: gazetteer.ids[row] for code, row in rows.items()}


#: Compass words and their bearings in degrees (north 0, east 90).
BEARINGS: dict[str, float] = {
    "north": 0.0,
    "northeast": 45.0,
    "east": 90.0,
    "southeast": 135.0,
    "south": 180.0,
    "southwest": 225.0,
    "west": 270.0,
    "northwest": 315.0,
}
#: How far from a coast's compass direction a point off it may lie, in degrees either side.
_SIDE_SPREAD = 67.5


def _coastal_seas(
    gazetteer: Gazetteer, country_id: str, side: float | None = None
) -> dict[str, int]:
    """How many points just off the country's coast (on its `side`, a bearing) each sea holds."""
    counts: dict[str, int] = {}
    for bearing, place_id in gazetteer.coast(country_id):
        if side is None or abs((bearing - side + 180) % 360 - 180) <= _SIDE_SPREAD:
            counts[place_id] = counts.get(place_id, 0) + 1
    return counts


def _best_sea(gazetteer: Gazetteer, scores: dict[str, int]) -> Place:
    def rank(place_id: str) -> tuple[int, int, str]:
        ocean = gazetteer.kinds[gazetteer.index_of(place_id)] == "ocean"
        return (0 if ocean else 1, scores[place_id], place_id)

    return gazetteer.place(max(scores, key=rank))


def sea_off(
    gazetteer: Gazetteer,
    country: Place,
    *,
    prefer: Place | None = None,
    side: str | None = None,
) -> Place | None:
    """Return the sea off `country`'s coast: where "waters off the Japanese coast" are.

    Points are laid every ~25 km along the country's outline pushed ~25 km out to sea, and
    each is given the smallest sea, strait or ocean that contains it (once, when the gazetteer
    is compiled: :meth:`geo.places.gazetteer.Gazetteer.coast`). With a `side` (a key of
    :data:`BEARINGS`: "off its southwest coast"), only the points in that direction from the
    country's point count. When `prefer` (the sea the article last named) is one of them, it
    is the answer; otherwise the sea or strait holding the most points, and an ocean only when
    no sea touches the country. Landlocked countries have none.
    """
    counts = _coastal_seas(gazetteer, country.id, BEARINGS.get(side) if side else None)
    if not counts and side:
        counts = _coastal_seas(gazetteer, country.id)
    if not counts:
        return None
    if prefer is not None and prefer.id in counts:
        return prefer
    return _best_sea(gazetteer, counts)


def sea_between(gazetteer: Gazetteer, first: Place, second: Place) -> Place | None:
    """Return the sea off both countries' coasts ("waters between Japan and Russia")."""
    one, two = _coastal_seas(gazetteer, first.id), _coastal_seas(gazetteer, second.id)
    shared = {place_id: min(one[place_id], two[place_id]) for place_id in set(one) & set(two)}
    return _best_sea(gazetteer, shared) if shared else None
