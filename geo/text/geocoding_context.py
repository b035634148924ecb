"""The geocoding context a text gives its names: where the article is, and what stands nearby.

The names of a text that mean one place only (its anchors) set the article's focus: the
countries and first-level regions it is about, and the points it names. An ambiguous name
("Tripoli") is read with the countries named close to it in its sentence counting double, and
a name followed by a region or country ("Paris, Texas") is read with that qualifier. A town
named without other evidence is kept only when it lies among the text's other places.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from geo.places.gazetteer import Gazetteer, Place
from geo.places.geocode import GeocodeContext, Geocoder
from geo.places.geodesy import haversine_km
from geo.text.name_candidates import QUALIFIER_GAPS, Candidate
from geo.text.tokens import Tokens, ends_sentence

#: An unambiguous name is one whose best place outscores the second by this factor.
_ANCHOR_MARGIN = 1.5
#: Namesakes scoring below this share of the best place do not make a name ambiguous.
_RIVAL_SHARE = 0.25
#: How many tokens before a name (and half as many after) count as near it.
_NEARBY_TOKENS = 12
#: A town named without other evidence is kept when this close to another place of the text.
_COHERENT_KM = 100.0
#: Kinds of place a following name never qualifies: "China, Japan" is a list.
_UNQUALIFIED_KINDS = frozenset({"country", "continent", "region", "sea", "ocean"})


def anchors_and_ambiguous(
    geocoder: Geocoder, keys: Iterable[str]
) -> tuple[dict[str, int], set[str]]:
    """Return the names that set the article's focus (with their row) and the ambiguous names.

    Parameters
    ----------
    geocoder
        Ranks the places each name may mean.
    keys
        The keys of the names used as locations, each once, in text order.
    """
    gaz = geocoder.gazetteer
    anchors: dict[str, int] = {}
    ambiguous: set[str] = set()
    for key in keys:
        ranked = geocoder.ranked(key, in_text=True)
        if not ranked:
            continue
        row, prior = ranked[0]
        second = ranked[1][1] if len(ranked) > 1 else 0.0
        if prior >= _ANCHOR_MARGIN * second:  # unambiguous names set the article's focus
            anchors[key] = row
        # namesakes far below the best (towns beside a city) do not make a name ambiguous
        rivals = [r for r, score in ranked[:10] if score >= prior * _RIVAL_SHARE]
        if len({tuple(gaz.country_codes[r]) for r in rivals}) > 1:
            ambiguous.add(key)
    return anchors, ambiguous


def article_context(
    gaz: Gazetteer, anchors: Iterable[int], demonym_countries: Iterable[str]
) -> GeocodeContext:
    """Return the article's focus from its anchors' rows and the countries of its demonyms."""
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


def coherent(place: Place, context: GeocodeContext) -> bool:
    """Return whether a place lies among the text's other places (same region, or near)."""
    if place.admin1 and context.admin1.get(place.admin1, 0.0) > 0.0:
        return True
    return any(
        haversine_km(place.lon, place.lat, lon, lat) <= _COHERENT_KM for lon, lat in context.near
    )


def nearby(
    gaz: Gazetteer,
    tokens: Tokens,
    candidate: Candidate,
    by_token: dict[int, Candidate],
    anchors: dict[str, int],
    demonyms: dict[int, str],
) -> tuple[dict[str, float], dict[str, float]] | None:
    """Countries and regions named close to an ambiguous name, in the same sentence.

    "the northern Lebanese city of Tripoli" and "In Libya, officials in Tripoli" need the
    nearby words, not the article's overall focus, to tell the two Tripolis apart.
    """
    countries: dict[str, float] = {}
    admin1: dict[str, float] = {}
    low = candidate.first
    while (
        low > 0
        and candidate.first - low < _NEARBY_TOKENS
        and not ends_sentence(tokens.gap(low - 1))
    ):
        low -= 1
    high = candidate.last
    while (
        high + 1 < len(tokens)
        and high - candidate.last < _NEARBY_TOKENS // 2
        and not ends_sentence(tokens.gap(high))
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


def qualifiers(
    geocoder: Geocoder, tokens: Tokens, kept: list[Candidate], index: int
) -> frozenset[str]:
    """Codes named right after a mention as its qualifier: "Paris, Texas" → US.TX, US."""
    if index + 1 >= len(kept):
        return frozenset()
    candidate, following = kept[index], kept[index + 1]
    if following.first != candidate.last + 1 or tokens.gap(candidate.last) not in QUALIFIER_GAPS:
        return frozenset()
    ranked = geocoder.ranked(following.key, in_text=True)
    own = geocoder.ranked(candidate.key, in_text=True)
    if not ranked or (own and geocoder.gazetteer.kinds[own[0][0]] in _UNQUALIFIED_KINDS):
        return frozenset()  # "China, Japan and South Korea" is a list
    gaz = geocoder.gazetteer
    row = ranked[0][0]
    if gaz.kinds[row] not in {"admin1", "country"}:
        return frozenset()
    return frozenset({gaz.admin1[row], *gaz.country_codes[row]} - {""})


def with_nearby(
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
