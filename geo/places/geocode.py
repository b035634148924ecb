"""Resolve a place name to the place it most likely means, with a confidence and alternatives.

Ranking combines three things a careful analyst weighs:

1. the place's importance prior (kind, population, capital status: Vienna, Austria before
   Vienna, Virginia);
2. how good the name match is (official name, curated alias, untagged transliteration);
3. the context: countries and regions the rest of the article is about (a weighted country
   focus), places already resolved nearby, and an explicit qualifier ("Paris, Texas").

Unknown names give ``None``; :func:`suggest` offers close matches for them.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache

from rapidfuzz import fuzz, process

from geo.places.gazetteer import TOWN_POPULATION, Gazetteer, Place, load_gazetteer
from geo.places.geodesy import KM_PER_DEGREE, haversine_km, longitude_scale
from geo.places.names import MAX_NAME_CHARS, drop_invisible, known_spelling, name_key

#: A city at least this large wins over the region of its own name ("Kharkiv", "Odesa").
SEAT_POPULATION = 100_000
#: Weight of the article's country focus in a candidate's score.
FOCUS_WEIGHT = 0.45
#: The article's focus promotes only namesakes with at least this share of the best prior.
FOCUS_FLOOR = 0.6
#: Weight of an explicit qualifier ("Paris, Texas") naming the candidate's region or country.
QUALIFIER_WEIGHT = 0.8
#: Weight of being within 500 km of a place already resolved in the same text.
NEARBY_WEIGHT = 0.15
_NEARBY_KM = 500.0
_NEARBY_KINDS = frozenset({"city", "admin1", "admin2"})
_NEARBY_DEGREES = _NEARBY_KM / KM_PER_DEGREE
_SAME_PLACE_KM = 100.0
#: Most candidates of one name weighed in context (the rest are towns of that name).
_MAX_CANDIDATES = 12
_FOCUS_KINDS = frozenset({"city", "admin1", "admin2", "island_group", "country"})
#: Kinds a town never wins over without a qualifier: "Mexico" is the country, not Mexico,
#: Missouri, however American the article.
_ABOVE_TOWNS = frozenset(
    {"country", "admin1", "continent", "region", "sea", "ocean", "strait", "island_group"}
)


@dataclass(frozen=True, slots=True)
class Alternative:
    """A place the name could also mean, with its score."""

    place_id: str
    name: str
    kind: str
    country_codes: tuple[str, ...]
    score: float


@dataclass(frozen=True, slots=True)
class Resolution:
    """The place a name most likely means.

    Attributes
    ----------
    query
        The name as asked.
    place
        The chosen place.
    confidence
        0–1: high when one candidate clearly wins, near 0.5 when two are close.
    alternatives
        Other candidates, best first (at most five).
    """

    query: str
    place: Place
    confidence: float
    alternatives: tuple[Alternative, ...] = ()


@dataclass(frozen=True, slots=True)
class GeocodeContext:
    """What else a text is about, to tell same-named places apart.

    Attributes
    ----------
    countries
        Alpha-2 country code → focus weight (0–1), e.g. from the other places and demonyms in
        the same article.
    admin1
        GeoNames admin-1 codes (``US.TX``) in focus → weight.
    qualifiers
        Alpha-2 or admin-1 codes named explicitly next to the name ("Paris, Texas").
    near
        ``(lon, lat)`` points of places already resolved in the text.
    """

    countries: Mapping[str, float] = field(default_factory=dict)
    admin1: Mapping[str, float] = field(default_factory=dict)
    qualifiers: frozenset[str] = frozenset()
    near: tuple[tuple[float, float], ...] = ()


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A known name close to an unknown one."""

    name: str
    place_id: str
    kind: str
    similarity: float


class Geocoder:
    """Resolve names against one gazetteer, caching the context-free ranking of each name.

    Parameters
    ----------
    gazetteer
        The gazetteer to search.
    """

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        self._priors: dict[tuple[str, bool], tuple[tuple[int, float], ...]] = {}

    def ranked(self, key: str, *, in_text: bool = False) -> tuple[tuple[int, float], ...]:
        """Return ``(row, prior score)`` for every place with name key `key`, best first."""
        cache_key = (key, in_text)
        cached = self._priors.get(cache_key)
        if cached is not None:
            return cached
        gaz = self.gazetteer
        found = gaz.candidates_for_key(key, in_text=in_text)
        if not found and len(key) > 3 and key.endswith("s"):
            # plural or possessive forms: "Senkakus", "Koreas"
            found = gaz.candidates_for_key(key[:-1], in_text=in_text)
        if not found and known_spelling(key, gaz.has_text_key) != key:
            found = gaz.candidates_for_key(key[:-1], in_text=in_text)  # "Hodeidah"
        best: dict[int, float] = {}
        for row, quality in found:
            score = gaz.importance[row] * (0.6 + 0.4 * quality)
            if score > best.get(row, -1.0):
                best[row] = score
        ranked = tuple(sorted(best.items(), key=lambda item: (-item[1], gaz.ids[item[0]])))
        if len(self._priors) > 200_000:
            self._priors.clear()
        self._priors[cache_key] = ranked
        return ranked

    def score(
        self,
        row: int,
        prior: float,
        context: GeocodeContext | None,
        *,
        best_prior: float = 0.0,
    ) -> float:
        """Return the score of one candidate in a context.

        The article's focus favours a place in the countries it is about, but not a namesake
        far less known than the best-known place of the name (:data:`FOCUS_FLOOR`): an article
        about Washington and Moscow that names Geneva means the Swiss city, not a town in
        Illinois, unless the text also names its region or places near it. The words around the
        name (qualifiers) still decide.
        """
        if context is None:
            return prior
        gaz = self.gazetteer
        codes = gaz.country_codes[row]
        kind = gaz.kinds[row]
        admin1 = gaz.admin1[row]
        local = 0.0  # evidence from the region: its first-level division or places nearby
        if admin1 and context.admin1:
            local += FOCUS_WEIGHT * context.admin1.get(admin1, 0.0)
        if context.near and kind in _NEARBY_KINDS and self._near(row, context.near):
            local += NEARBY_WEIGHT
        score = prior + local
        if (
            context.countries
            and kind in _FOCUS_KINDS
            and (local > 0.0 or prior >= FOCUS_FLOOR * best_prior)
        ):
            score += FOCUS_WEIGHT * max((context.countries.get(c, 0.0) for c in codes), default=0.0)
        if context.qualifiers and (
            admin1 in context.qualifiers or any(c in context.qualifiers for c in codes)
        ):
            score += QUALIFIER_WEIGHT
        return score

    def _near(self, row: int, points: tuple[tuple[float, float], ...]) -> bool:
        """Return whether row `row` lies within :data:`_NEARBY_KM` of one of `points`."""
        gaz = self.gazetteer
        lon, lat = gaz.lon[row], gaz.lat[row]
        # a cheap box test first: 500 km is about 4.5 degrees of latitude, and more degrees
        # of longitude away from the equator
        span = _NEARBY_DEGREES / longitude_scale(lat)
        return any(
            abs(y - lat) < _NEARBY_DEGREES
            and (abs(x - lon) < span or abs(x - lon) > 360.0 - span)
            and (x != lon or y != lat)
            and haversine_km(lon, lat, x, y) < _NEARBY_KM
            for x, y in points
        )

    def resolve_key(
        self, query: str, key: str, *, context: GeocodeContext | None = None, in_text: bool = False
    ) -> Resolution | None:
        """Resolve an already folded name key; see :meth:`geocode`."""
        ranked = self.ranked(key, in_text=in_text)
        if not ranked:
            return None
        gaz = self.gazetteer
        scored = sorted(
            (
                (self.score(row, prior, context, best_prior=ranked[0][1]), row)
                for row, prior in ranked[:_MAX_CANDIDATES]
            ),
            key=lambda item: (-item[0], gaz.ids[item[1]]),
        )
        top = scored[0][1]
        if gaz.kinds[top] in {"city", "admin2"} and not self._qualified(top, context):
            # a town never wins over a country, region or sea of its name, and no city or
            # division that is not a capital wins over a country of its name
            above_kinds = (
                _ABOVE_TOWNS
                if self.is_town(top) or gaz.kinds[top] == "admin2"
                else (set() if gaz.capital[top] else {"country"})
            )
            above = [item for item in scored if gaz.kinds[item[1]] in above_kinds]
            if above:
                scored.remove(above[0])
                scored.insert(0, above[0])
        if gaz.kinds[scored[0][1]] == "admin1":
            seat = self._seat_of(key, scored[0][1], scored[1:])
            if seat is not None:  # "Kharkiv" is the city; "the Kharkiv region" says otherwise
                scored.remove(seat)
                scored.insert(0, seat)
        best_score, best_row = scored[0]
        # A runner-up that is the same place under another record (Vienna the city and Wien
        # the state; Tokyo the city and the prefecture) does not make the name ambiguous.
        runner_up = next(
            (score for score, row in scored[1:] if not self._same_place(best_row, row)), 0.0
        )
        confidence = best_score / (best_score + runner_up) if runner_up > 0 else 1.0
        confidence *= min(1.0, 0.5 + best_score)
        alternatives = tuple(
            Alternative(
                place_id=gaz.ids[row],
                name=gaz.names[row],
                kind=gaz.kinds[row],
                country_codes=tuple(gaz.country_codes[row]),
                score=round(score, 4),
            )
            for score, row in scored[1:6]
        )
        return Resolution(
            query=query,
            place=gaz.place_at(best_row),
            confidence=round(min(max(confidence, 0.0), 1.0), 3),
            alternatives=alternatives,
        )

    def _seat_of(
        self, key: str, region: int, others: list[tuple[float, int]]
    ) -> tuple[float, int] | None:
        """Return the city a region is named after (Kharkiv in Kharkiv oblast), if any.

        News names a city and the region called after it alike; a bare name means the city,
        when it is a city of its own (:data:`SEAT_POPULATION` or more), the name is the city's
        own and only another name of the region ("Quebec" is the province's own name).
        """
        gaz = self.gazetteer
        if name_key(gaz.names[region]) == key:
            return None
        for item in others:
            row = item[1]
            if (
                gaz.kinds[row] == "city"
                and gaz.population[row] >= SEAT_POPULATION
                and gaz.country_codes[row] == gaz.country_codes[region]
                and gaz.admin1[row] == gaz.admin1[region]
                and name_key(gaz.names[row]) == key
            ):
                return item
        return None

    def is_town(self, row: int) -> bool:
        """Return whether row `row` is a town: a city of fewer than 15,000 people, no capital."""
        gaz = self.gazetteer
        return (
            gaz.kinds[row] == "city"
            and gaz.population[row] < TOWN_POPULATION
            and not gaz.capital[row]
        )

    def _qualified(self, row: int, context: GeocodeContext | None) -> bool:
        """Return whether the context names the region or country of row `row` as qualifier."""
        if context is None or not context.qualifiers:
            return False
        gaz = self.gazetteer
        return gaz.admin1[row] in context.qualifiers or any(
            code in context.qualifiers for code in gaz.country_codes[row]
        )

    def _same_place(self, row: int, other: int) -> bool:
        gaz = self.gazetteer
        return (
            gaz.country_codes[row] == gaz.country_codes[other]
            and gaz.distance_km(row, float(gaz.lon[other]), float(gaz.lat[other])) < _SAME_PLACE_KM
        )

    def geocode(self, name: str, *, context: GeocodeContext | None = None) -> Resolution | None:
        """Return the place `name` most likely means, or None when no place has that name.

        Parameters
        ----------
        name
            A place name: case, accents, punctuation, invisible characters (zero-width spaces,
            soft hyphens, bidirectional marks), a leading "the" and a plural "s" do not matter.
        context
            What the surrounding text is about.
        """
        if not isinstance(name, str) or len(name) > MAX_NAME_CHARS:
            return None
        key = name_key(drop_invisible(name))
        if not key:
            return None
        return self.resolve_key(name, key, context=context)

    def suggest(self, name: str, *, limit: int = 5) -> list[Suggestion]:
        """Return up to `limit` known names closest to `name`, most similar first."""
        if not isinstance(name, str) or len(name) > MAX_NAME_CHARS or limit < 1:
            return []
        key = name_key(drop_invisible(name))
        if len(key) < 2:
            return []
        gaz = self.gazetteer
        keys = gaz.keys()
        scored: dict[str, float] = {}
        for match_key, similarity, _ in process.extract(
            key, keys, scorer=fuzz.ratio, limit=limit * 8, score_cutoff=60
        ):
            scored[match_key] = similarity
        # names that begin with what was typed ("Senkaku" → "Senkaku Islands")
        position = bisect.bisect_left(keys, key)
        while position < len(keys) and keys[position].startswith(key) and len(scored) < 400:
            candidate = keys[position]
            scored[candidate] = max(
                scored.get(candidate, 0.0), 90.0 + 10 * len(key) / len(candidate)
            )
            position += 1
        ranked_matches = []
        for match_key, similarity in scored.items():
            ranked = self.ranked(match_key)
            if ranked:
                row, prior = ranked[0]
                # among equally similar names, prefer well-known places
                ranked_matches.append((similarity + 15 * prior, similarity, row))
        suggestions: dict[str, Suggestion] = {}
        for _, similarity, row in sorted(ranked_matches, reverse=True):
            place_id = gaz.ids[row]
            if place_id not in suggestions:
                suggestions[place_id] = Suggestion(
                    name=gaz.names[row],
                    place_id=place_id,
                    kind=gaz.kinds[row],
                    similarity=round(similarity / 100, 3),
                )
            if len(suggestions) >= limit:
                break
        return list(suggestions.values())


def context_from_places(
    places: Iterable[Place], *, demonym_countries: Iterable[str] = ()
) -> GeocodeContext:
    """Build a context from places (and demonym countries, alpha-2) a text mentions.

    Each country's focus weight is its share of mentions, scaled so the most mentioned country
    has weight 1.
    """
    counts: dict[str, float] = {}
    admin1: dict[str, float] = {}
    near: list[tuple[float, float]] = []
    for place in places:
        for code in place.country_codes[:3]:
            counts[code] = counts.get(code, 0.0) + 1.0
        if place.admin1:
            admin1[place.admin1] = admin1.get(place.admin1, 0.0) + 1.0
        if place.kind in _NEARBY_KINDS:
            near.append(place.point)
    for code in demonym_countries:
        counts[code] = counts.get(code, 0.0) + 1.0
    top = max(counts.values(), default=1.0)
    top_admin = max(admin1.values(), default=1.0)
    return GeocodeContext(
        countries={c: math.sqrt(n / top) for c, n in counts.items()},
        admin1={a: math.sqrt(n / top_admin) for a, n in admin1.items()},
        near=tuple(near[:50]),
    )


@cache
def default_geocoder() -> Geocoder:
    """Return the process-wide geocoder over the default gazetteer (loaded on first call)."""
    return Geocoder(load_gazetteer())


def geocode(
    name: str, *, context: GeocodeContext | None = None, geocoder: Geocoder | None = None
) -> Resolution | None:
    """Return the place `name` most likely means, or None; see :meth:`Geocoder.geocode`."""
    return (geocoder or default_geocoder()).geocode(name, context=context)


def suggest(name: str, *, limit: int = 5, geocoder: Geocoder | None = None) -> list[Suggestion]:
    """Return known names close to `name`; see :meth:`Geocoder.suggest`."""
    return (geocoder or default_geocoder()).suggest(name, limit=limit)
