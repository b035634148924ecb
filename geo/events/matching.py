"""Which triggers of a sentence report events.

The lexicon's patterns are tried on the sentence (:mod:`geo.events.trigger_index` says which),
then each match is validated: its sense, its agent, its object, and whether the words around it
cancel it (:mod:`geo.events.negation`).
"""

from __future__ import annotations

import bisect
import re

from geo.events import lexicon as lx
from geo.events.negation import WORDS_AND_MARKS, hypothetical
from geo.events.reading import Match, Reading
from geo.events.trigger_index import triggers_worth_trying
from geo.events.trigger_record import Trigger
from geo.events.triggers import OFFICIAL

__all__ = ["TriggerMatching"]


_DETERMINERS = frozenset("a an the its their his her our my your this these those such".split())
_DEMONSTRATIVES = frozenset({"that", "this", "these", "those"})
_POSSESSIVES = frozenset({"its", "their", "his", "her", "our", "my", "your"})
#: Verbs that tell an event named with a possessive took place: "ended his visit to Kabul".
_UNDERTAKEN = frozenset(
    "began begun begins started starts ended ends concluded concludes completed completes "
    "finished finishes wrapped kicked opened opens".split()
)


class TriggerMatching(Reading):
    """Find the triggers of a sentence that report an event."""

    def _matches(self, start: int, end: int) -> list[Match]:
        found = [
            Match(trigger, hit.start(), hit.end())
            for trigger, pattern in triggers_worth_trying(self.text[start:end])
            for hit in pattern.finditer(self.text, start, end)
        ]
        found = [m for m in found if self._valid(m, start, end)]
        # a match overlapping `m` starts before m.end and at most `longest` before m.start
        by_start = sorted(found, key=lambda m: m.start)
        starts = [m.start for m in by_start]
        longest = max((m.end - m.start for m in found), default=0)
        kept = []
        for m in found:
            first, last = (
                bisect.bisect_left(starts, m.start - longest),
                bisect.bisect_left(starts, m.end),
            )
            overlapping = (o for o in by_start[first:last] if m.start < o.end)
            if not any((o.trigger.type, m.trigger.type) in lx.OVERRIDES for o in overlapping):
                kept.append(m)
        return sorted(kept, key=lambda m: (m.start, -m.trigger.weight))

    def _valid(self, match: Match, sentence_start: int, sentence_end: int) -> bool:
        """Whether a match reports an event: in its sense, stated, with its agent and object."""
        trigger, text, kind = match.trigger, self.text, match.trigger.type
        before = text[max(sentence_start, match.start - 60) : match.start]
        if self._other_sense(match, before, sentence_start, sentence_end):
            return False
        words = WORDS_AND_MARKS.findall(before)
        noun_start = "nominal" in trigger.flags or "noun" in trigger.flags
        if _referred_to(trigger, words, noun_start=noun_start):
            return False
        if "nominal" in trigger.flags and not self._has_agent(match.start, sentence_start):
            return False
        if hypothetical(words, text[match.end : sentence_end], noun_start=noun_start):
            return False
        if kind in {"criticism", "accession"} and lx.NON_STATE_SPEAKERS.search(
            text[sentence_start : match.start]
        ):
            return False
        if kind == "office_opening" and not self._diplomatic_office(match.start, match.end):
            return False
        if "org_object" in trigger.flags and not self._org_follows(match.end, sentence_end):
            return False
        if "place_next" in trigger.flags and not self._place_next(match.end, sentence_end):
            return False
        return "place_object" not in trigger.flags or self._place_follows(match, sentence_end)

    def _other_sense(
        self, match: Match, before: str, sentence_start: int, sentence_end: int
    ) -> bool:
        """Whether the words around a match give it another sense ("box office", "rehearsal")."""
        trigger, text, kind = match.trigger, self.text, match.trigger.type
        after = text[match.end : min(sentence_end, match.end + 60)]
        excluded = kind in lx.EXCLUDE_BEFORE and lx.EXCLUDE_BEFORE[kind].search(before)
        # "was met with" is no meeting, but "was negotiating" is talks
        if excluded and (kind != "talks" or text[match.start : match.start + 2].lower() == "me"):
            return True
        if kind == "talks" and lx.INVITED_TO.search(before):
            return True
        if kind == "territorial_claim" and lx.CLAIMED_ATTACK.search(
            text, sentence_start, match.start
        ):
            return True
        if kind in lx.EXCLUDE_AFTER and lx.EXCLUDE_AFTER[kind].search(after):
            return True
        if kind == "armed_attack" and lx.NOT_AN_ATTACK.search(text, match.start, match.end + 20):
            return True
        if not trigger.context or re.search(trigger.context, text[sentence_start:sentence_end]):
            return False
        # an official named before by title ("spoke with Kurti and Vucic") is official enough
        official = trigger.context == OFFICIAL
        return not (
            official
            and any(a.kind == "person" for a in self._actors_from(sentence_start, sentence_end))
        )

    def _has_agent(self, start: int, sentence_start: int) -> bool:
        """Whether a noun-phrase trigger has its own agent: "Russian military drills"."""
        for actor in reversed(self.actors):
            if actor.end > start or actor.start < sentence_start:
                continue
            if actor.end < start - 40:
                return False
            between = self.text[actor.end : start]
            possessive = between.startswith(("'s", "’s"))
            rest = between[2:] if possessive else between
            words = re.findall(r"[\w-]+", rest)
            before = self.text[max(0, actor.start - 12) : actor.start].lower().split()
            if before and before[-1] in {"the", "this", "these", "those"}:
                return False
            if not words:
                return True
            modifiers = all(w.islower() and w not in _DETERMINERS for w in words)
            return (possessive or actor.kind == "demonym") and len(words) <= 3 and modifiers
        return False

    def _org_follows(self, end: int, limit: int) -> bool:
        if lx.ORG_REFERENCE.match(self.text[end : min(limit, end + 30)].lstrip()) is not None:
            return True
        return any(end <= a.start <= end + 20 and a.kind == "org" for a in self.actors)

    def _place_next(self, position: int, limit: int) -> bool:
        """Whether a place is the direct object at `position` ("struck Odesa")."""
        lead = lx.OBJECT_PLACE_LEAD.match(self.text, position, limit)
        start = lead.end() if lead else position
        the = lx.SPACED_THE.match(self.text, position, limit)
        if the and any(  # "in the Qatari capital"
            a.start == the.end() and lx.CAPITAL_AFTER.match(self.text, a.end)
            for a in self._actors_from(position, limit)
        ):
            return True
        return any(  # "hit the US consulate": the country only qualifies the target
            m.start == start
            and not (m.place.kind == "country" and lx.MODIFIED_NOUN.match(self.text, m.end, limit))
            for m in self._places_from(start, min(limit, start + 80))
        )

    def _place_follows(self, match: Match, limit: int) -> bool:
        # a guest is hosted for talks or a summit in a place named later: "hosted President X
        # and President Y for a summit in Washington"
        hosted = lx.HOSTING.match(self.text, match.start) is not None
        window_end = limit if hosted else min(limit, match.end + 60)
        return bool(self._places_from(match.end, window_end)) or bool(
            lx.DEFINITE_PLACE.search(self.text, match.end, window_end)
        )


def _referred_to(trigger: Trigger, words: list[str], *, noun_start: bool) -> bool:
    """Whether the words before a trigger make it a noun or an event told before, not reported."""
    last = words[-1].lower() if words else ""
    if not noun_start and words and (last in _DETERMINERS or words[-1].endswith(("'s", "’s"))):
        return True  # "a claim", "Tokyo's claim": a noun, not the verb
    if "noun" in trigger.flags and last in _POSSESSIVES:
        # "its summit in Vilnius": an event referred to, not reported; but "completed his
        # visit to Kabul" ("wrapped up his visit") reports it
        before = [w.lower() for w in words[-4:-1] if w.lower() not in {"up", "off"}]
        return not (before and before[-1] in _UNDERTAKEN)
    return "noun" in trigger.flags and last in _DEMONSTRATIVES  # "that meeting ended ..."
