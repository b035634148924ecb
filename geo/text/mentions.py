"""Find the places a text names, and the countries and organisations it names as actors.

The finder scans word tokens left to right and takes, at each capitalised word, the longest run
of words that is a known name ("East China Sea" before "China"; :mod:`geo.text.name_candidates`
over :mod:`geo.text.tokens`). What it finds is then checked the way a reader would
(:mod:`geo.text.name_evidence`):

* a place named inside an organisation's name ("Washington" in "The Washington Post" or
  "University of Washington", "Jamaica" in "Jamaica Cancer Society", "Canadian" in "Canadian
  Press") is a mention with the role ``organisation``: annotated news counts it as a mention of
  the place, but it says nothing about where things happen, so :attr:`Mentions.places` leaves it
  out and :attr:`Mentions.embedded` holds it. The rule: the run of capitalised words around the
  name holds an organisation head noun (:data:`~geo.text.name_evidence.ORGANISATION_HEADS`:
  Post, University, Society, Army, Council …). Organisations of the actor vocabulary ("North
  Atlantic Treaty Organization", "European Union", "Nikkei Asia") are actors and name no place;
* a demonym before a territorial noun ("the Syrian border", "the Greek islands", "European
  countries") names the country or region itself: a mention with the role ``modifier``, also
  in :attr:`Mentions.embedded`; other demonyms ("Russian warships") are actor mentions only;
* a name that is a person's ("Mr. Sanford", "Hopkins said", "Ashley Sutton … Sutton") is not a
  place, here or anywhere else in the text, unless written as a location ("in Sutton");
* demonyms and adjectives ("Russian warships", "the Japanese coast") are actor mentions linked
  to a country, not places;
* months and weekdays are never places; a name glued to other capitalised words that make no
  organisation is part of a larger name (a person, a product: "Paris Hilton");
* a name that is also a common English word ("Nice", "Reading", "Mobile") counts only after a
  locative preposition ("in Nice") or with a qualifier ("Reading, England");
* every name is then resolved with the whole text as context (:mod:`geo.text.geocoding_context`,
  :mod:`geo.places.geocode`);
* a small city (under 100,000 people) in none of the countries of the text's other places or
  demonyms, and more than :data:`NAMESAKE_KM` from all its other places, is a namesake and is
  dropped ("around Kobani in Aleppo governorate" is no town in Tanzania).

Demonyms that stand for their place are found by :mod:`geo.text.adjective_places`; what the
finder reports is described in :mod:`geo.text.mention_records`. Offsets are character offsets
into the string given, end exclusive.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache

from geo.places.gazetteer import Place
from geo.places.geocode import Geocoder, Resolution, default_geocoder
from geo.places.geodesy import haversine_km
from geo.text.actors import ActorVocabulary, load_actor_vocabulary
from geo.text.adjective_places import adjective_places
from geo.text.geocoding_context import (
    anchors_and_ambiguous,
    article_context,
    coherent,
    nearby,
    qualifiers,
    with_nearby,
)
from geo.text.mention_records import MentionRole, Mentions, PlaceMention
from geo.text.name_candidates import Candidate, NameScanner
from geo.text.name_evidence import TAKEN_OR_HIT, PlaceEvidence
from geo.text.tokens import Tokens

#: Texts longer than this many characters are scanned only up to this point.
MAX_TEXT_CHARS = 20_000_000


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
        self.scanner = NameScanner(self.gazetteer, vocabulary)
        self.evidence = PlaceEvidence(geocoder, vocabulary, self.scanner)

    def find(self, text: str) -> Mentions:
        """Return the place and actor mentions in `text`.

        Parameters
        ----------
        text
            Any string; non-strings and empty strings give no mentions.
        """
        if not isinstance(text, str) or not text.strip():
            return Mentions((), ())
        tokens = Tokens(text[:MAX_TEXT_CHARS])
        text = tokens.text
        candidates, actors, demonyms, adjectives = self.scanner.scan(tokens)
        headlines: dict[int, bool] = {}
        evidence = self.evidence
        persons = evidence.person_names(tokens, candidates, headlines)
        accepted: set[str] = set()
        kept: list[Candidate] = []
        roles: list[MentionRole] = []
        pending: set[int] = set()
        for candidate in candidates:
            role = evidence.role(tokens, candidate, demonyms, headlines, accepted, persons, pending)
            if role is not None:
                kept.append(candidate)
                roles.append(role)

        geocoder = self.geocoder
        anchors, ambiguous = anchors_and_ambiguous(
            geocoder,
            dict.fromkeys(
                c.key
                for c, r in zip(kept, roles, strict=True)
                if r == "place" and c.first not in pending and not evidence.needs_evidence(c.key)
            ),
        )
        context = article_context(
            self.gazetteer, anchors.values(), (a.actor for a in actors if a.kind == "demonym")
        )
        by_token = {c.first: c for c in kept}

        places: list[PlaceMention] = []
        embedded: list[PlaceMention] = []
        resolved: dict[str, Resolution | None] = {}
        for index, candidate in enumerate(kept):
            start = tokens.starts[candidate.first]
            end = tokens.end(candidate.last) + candidate.extra
            surface = text[start:end]
            named_after = qualifiers(geocoder, tokens, kept, index)
            close = (
                nearby(self.gazetteer, tokens, candidate, by_token, anchors, demonyms)
                if candidate.key in ambiguous
                else None
            )
            if named_after or close:
                local = with_nearby(context, close) if close else context
                local = replace(local, qualifiers=named_after)
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
            if candidate.first in pending and not coherent(resolution.place, context):
                continue
            taken = candidate.first > 0 and tokens.key(candidate.first - 1) in TAKEN_OR_HIT
            if (
                roles[index] == "place"
                and evidence.needs_evidence(candidate.key)
                and not taken  # "Russian forces shelled Orikhiv": the demonym is the shelling's
                and context.countries
                and not any(context.countries.get(c, 0.0) for c in resolution.place.country_codes)
            ):
                continue  # a town abroad, in a text about elsewhere: a namesake, not the place
            if resolution.place.name.startswith("The ") and text[start - 4 : start] in {
                "The ",
                "the ",
            }:
                start -= 4  # "The Hague", "The Bahamas": the article is part of the name
                surface = text[start:end]
                resolution = replace(resolution, query=surface)
            mention = PlaceMention(start, end, surface, resolution, roles[index])
            (places if roles[index] == "place" else embedded).append(mention)
        alpha2 = self.gazetteer.alpha2_by_alpha3
        demonym_countries = {alpha2.get(a.actor, "") for a in actors if a.kind == "demonym"}
        places = [m for m in places if not _far_namesake(m.place, places, demonym_countries)]
        embedded += adjective_places(self.gazetteer, tokens, adjectives, headlines)
        embedded.sort(key=lambda m: m.start)
        return Mentions(tuple(places), tuple(actors), tuple(embedded))


@cache
def default_finder() -> PlaceFinder:
    """Return the process-wide finder over the default gazetteer and vocabulary."""
    return PlaceFinder(default_geocoder(), load_actor_vocabulary())


def find_mentions(text: str, *, finder: PlaceFinder | None = None) -> Mentions:
    """Return the place and actor mentions in `text`; see :meth:`PlaceFinder.find`."""
    return (finder or default_finder()).find(text)


def find_places(text: str, *, finder: PlaceFinder | None = None) -> list[PlaceMention]:
    """Return every place mention in `text`, in text order, each with its resolution and role.

    Places named inside organisation names and demonyms standing for a place come with the
    others; their :attr:`PlaceMention.role` tells them apart.
    """
    mentions = find_mentions(text, finder=finder)
    return sorted([*mentions.places, *mentions.embedded], key=lambda m: (m.start, m.end))


#: Cities below this many people are namesakes when abroad and far from the text's places.
_SMALL_CITY = 100_000
#: How far from every other place of the text a small city abroad is a namesake.
NAMESAKE_KM = 1_000.0


def _far_namesake(place: Place, places: list[PlaceMention], countries: set[str]) -> bool:
    """Whether a small city is a namesake of the place meant.

    It is when it lies far from all the text's other places and in none of their countries or
    of its demonyms' ("around Kobani (Aleppo governorate)" is no town in Tanzania).
    """
    if place.kind != "city" or place.capital or place.population >= _SMALL_CITY:
        return False
    others = [m.place for m in places if m.place.id != place.id]
    if not others:
        return False
    countries = countries | {c for other in others for c in other.country_codes}
    if countries & set(place.country_codes):
        return False
    (lon, lat) = place.point
    return all(haversine_km(lon, lat, *other.point) > NAMESAKE_KM for other in others)
