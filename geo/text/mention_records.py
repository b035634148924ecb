"""What the place finder reports: the places and the actors a text names, with their offsets.

:mod:`geo.text.mentions` finds them; these records are what events, evaluation and the command
line read. Offsets are character offsets into the text scanned, end exclusive.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from geo.places.gazetteer import Place
from geo.places.geocode import Resolution

MentionRole = Literal["place", "organisation", "modifier"]


@dataclass(frozen=True, slots=True)
class PlaceMention:
    """A place named in a text.

    Attributes
    ----------
    start, end
        Character offsets of the name in the text (end exclusive).
    text
        The name as written.
    resolution
        The place it was resolved to, with confidence and alternatives.
    role
        ``place`` for a name used as a location; ``organisation`` for a place named inside an
        organisation's name ("University of Washington"); ``modifier`` for a demonym standing
        for its country or region ("the Syrian border").
    """

    start: int
    end: int
    text: str
    resolution: Resolution
    role: MentionRole = "place"

    @property
    def place(self) -> Place:
        """The place the mention was resolved to."""
        return self.resolution.place

    @property
    def confidence(self) -> float:
        """Confidence of the resolution (0–1)."""
        return self.resolution.confidence


@dataclass(frozen=True, slots=True)
class ActorMention:
    """A country (through a demonym) or an organisation named in a text.

    Attributes
    ----------
    start, end
        Character offsets (end exclusive).
    text
        As written.
    actor
        ISO 3166-1 alpha-3 code for a demonym, organisation id (``NATO``) otherwise.
    kind
        ``demonym`` or ``organisation``.
    """

    start: int
    end: int
    text: str
    actor: str
    kind: Literal["demonym", "organisation"]


@dataclass(frozen=True, slots=True)
class Mentions:
    """Everything the finder found in one text, each list in text order.

    Attributes
    ----------
    places
        Places named as locations (role ``place``): what events are placed at.
    actors
        Demonyms and organisations.
    embedded
        Places named inside organisation names and demonyms standing for a place (roles
        ``organisation`` and ``modifier``).
    """

    places: tuple[PlaceMention, ...]
    actors: tuple[ActorMention, ...]
    embedded: tuple[PlaceMention, ...] = ()
