"""Name the kinds of event Faultlines recognises, with their CAMEO and PLOVER equivalents.

The table below is the single source of truth for event types: the extractor, the snapshot
links (``types=`` parameter), the map legend and the documentation all read it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class EventType:
    """One kind of event.

    Attributes
    ----------
    key
        Stable identifier used in records, files and URLs.
    label
        Human-readable name for the legend and popups.
    cameo
        The closest CAMEO event code.
    plover
        The closest PLOVER event category.
    weight
        How much one such event adds to a tension zone's severity (0–1).
    """

    key: str
    label: str
    cameo: str
    plover: str
    weight: float


EVENT_TYPES: tuple[EventType, ...] = (
    EventType("exercise", "Military exercise / show of force", "152", "MOBILIZE", 0.6),
    EventType("missile_launch", "Missile launch or test", "1521", "MOBILIZE", 0.9),
    EventType("patrol", "Air or naval patrol", "152", "MOBILIZE", 0.5),
    EventType("incursion", "Incursion or overflight", "1712", "COERCE", 0.8),
    EventType("armed_attack", "Invasion or armed attack", "190", "ASSAULT", 1.0),
    EventType("buildup", "Military buildup", "154", "MOBILIZE", 0.5),
    EventType("visit", "Diplomatic visit", "042", "CONSULT", 0.2),
    EventType("talks", "Talks / consultation", "040", "CONSULT", 0.2),
    EventType("accession", "Alliance accession or agreement", "057", "AGREE", 0.4),
    EventType("office_opening", "Office or embassy opening", "064", "COOPERATE", 0.2),
    EventType("territorial_claim", "Territorial claim or dispute", "1231", "DEMAND", 0.7),
    EventType("criticism", "Criticism or warning", "111", "ACCUSE", 0.3),
)

EVENT_TYPE_KEYS: tuple[str, ...] = tuple(t.key for t in EVENT_TYPES)

_BY_KEY = {t.key: t for t in EVENT_TYPES}


def event_type(key: str) -> EventType:
    """Return the event type called `key`.

    Raises
    ------
    KeyError
        If `key` is not one of :data:`EVENT_TYPE_KEYS`.
    """
    try:
        return _BY_KEY[key]
    except KeyError:
        msg = f"unknown event type {key!r}; known types: {', '.join(EVENT_TYPE_KEYS)}"
        raise KeyError(msg) from None
