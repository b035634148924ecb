"""Name the kinds of event Faultlines recognises, with their CAMEO and PLOVER equivalents.

Two tables, the single source of truth for both: :data:`EVENT_TYPES`, the twelve types the map
draws, filters and links by (``types=``), each with its style; and :data:`EVENT_ACTIONS`, the
finer action an event reports, with its own CAMEO code and PLOVER class and the type (so the
map style) it is drawn as. An event records both (:attr:`geo.records.Event.action`).

=================  ==============================  =====  ========  =========================
action             label                           CAMEO  PLOVER    drawn as (map style)
=================  ==============================  =====  ========  =========================
(each type)        the type's own label            type   type      the type itself
interception       Interception or shoot-down      190    ASSAULT   armed_attack
seizure            Seizure of territory            192    COERCE    armed_attack
destruction        Destruction of property         1712   COERCE    armed_attack
abduction          Abduction or hostage-taking     181    ASSAULT   armed_attack
protest            Street protest                  141    PROTEST   criticism
arrest             Arrest or detention             173    COERCE    incursion
sanction           Sanctions                       163    SANCTION  criticism
expulsion          Expulsion of envoys             174    SANCTION  criticism
office_closure     Office or embassy closure       161    SANCTION  office_opening
=================  ==============================  =====  ========  =========================

Actions are drawn as an existing type so that the legend, filters and links keep their twelve
entries; the popup, the list and the exports name the action.
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


@dataclass(frozen=True, slots=True)
class EventAction:
    """The finer action an event reports, drawn as one of :data:`EVENT_TYPES`.

    Attributes
    ----------
    key
        Stable identifier used in records and files.
    label
        Human-readable name for popups, the list and exports.
    type
        The key of the event type it is drawn, filtered and counted as.
    cameo
        Its CAMEO event code.
    plover
        Its PLOVER event class.
    """

    key: str
    label: str
    type: str
    cameo: str
    plover: str


EVENT_ACTIONS: tuple[EventAction, ...] = (
    *(EventAction(t.key, t.label, t.key, t.cameo, t.plover) for t in EVENT_TYPES),
    EventAction("interception", "Interception or shoot-down", "armed_attack", "190", "ASSAULT"),
    EventAction("seizure", "Seizure of territory", "armed_attack", "192", "COERCE"),
    EventAction("destruction", "Destruction of property", "armed_attack", "1712", "COERCE"),
    EventAction("abduction", "Abduction or hostage-taking", "armed_attack", "181", "ASSAULT"),
    EventAction("protest", "Street protest", "criticism", "141", "PROTEST"),
    EventAction("arrest", "Arrest or detention", "incursion", "173", "COERCE"),
    EventAction("sanction", "Sanctions", "criticism", "163", "SANCTION"),
    EventAction("expulsion", "Expulsion of envoys", "criticism", "174", "SANCTION"),
    EventAction("office_closure", "Office or embassy closure", "office_opening", "161", "SANCTION"),
)

_ACTIONS_BY_KEY = {a.key: a for a in EVENT_ACTIONS}

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


def event_action(key: str, *, of_type: str = "") -> EventAction:
    """Return the action called `key`, or the plain action of type `of_type` for ``""``.

    Stores written before actions were recorded give ``""``: the event's type is its action.

    Raises
    ------
    KeyError
        If `key` is not an action's key, or is ``""`` and `of_type` no type's.
    """
    try:
        return _ACTIONS_BY_KEY[key or of_type]
    except KeyError:
        msg = f"unknown event action {key or of_type!r}"
        raise KeyError(msg) from None
