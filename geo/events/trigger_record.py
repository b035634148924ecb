"""The record of one trigger, and the noun fragments several trigger tables share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["OFFICE_NOUNS", "Flag", "Trigger"]

Flag = Literal["nominal", "noun", "org_object", "place_object", "place_next"]


@dataclass(frozen=True, slots=True)
class Trigger:
    """One way an event is stated.

    Attributes
    ----------
    type
        Event type key (:data:`geo.taxonomy.EVENT_TYPES`).
    pattern
        The pattern, in the notation of the module docstring.
    weight
        How surely a match states an event of the type (0–1).
    flags
        ``nominal``: a noun phrase that counts only with its own agent right before it
        ("Russian military drills", not "the drills"); ``noun``: the pattern opens with a noun
        (no determiner check, and a modal after it cancels it); ``org_object``: an organisation must
        follow ("joined NATO"); ``place_object``: a place must follow ("claims the Senkaku
        Islands"); ``place_next``: a place must be the verb's direct object, right after it
        ("struck Odesa", "shelled the town of Vovchansk").
    context
        A regular expression that must match somewhere in the sentence.
    action
        The finer action it states (:data:`geo.taxonomy.EVENT_ACTIONS`), ``""`` for the
        type's own.
    """

    type: str
    pattern: str
    weight: float
    flags: tuple[Flag, ...] = ()
    context: str = ""
    action: str = ""


#: Diplomatic and representative offices: "embassy", "consulates-general", "liaison office".
OFFICE_NOUNS = (
    "(embass(y|ies)|consulate*|consulate-general*|consulates-general|office*|mission*|"
    "representation*|legation*)"
)
