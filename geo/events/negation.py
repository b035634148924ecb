"""Whether the words around a trigger cancel it: hypothetical, negated, denied or offered.

Both event triggers and statements that an office exists are read with :func:`hypothetical`.
"""

from __future__ import annotations

import re

from geo.events import lexicon as lx

__all__ = ["WORDS_AND_MARKS", "hypothetical"]


WORDS_AND_MARKS = re.compile(r"[\w’'-]+|[^\w\s]")
_STOP_BACK = frozenset({",", ";", ":", "(", "“", '"', "that", "which", "who", "—", "–"})
_STOP_AFTER = frozenset({",", ";", ":", ".", "that", "which", "who", "and", "but", "—", "–"})


def hypothetical(words: list[str], after: str, *, noun_start: bool) -> bool:
    """Whether the words before a trigger (or, for a noun phrase, after it) cancel it."""
    window: list[str] = []
    for index in range(len(words) - 1, max(-1, len(words) - 8), -1):
        word = words[index].lower()
        if word in _STOP_BACK:
            if word == "that" and index > 0 and words[index - 1].lower() in lx.DENIAL:
                return True
            break
        window.insert(0, word)
    if any(
        (w in lx.HYPOTHETICAL_BEFORE or w.endswith("n't"))
        and not _the_month(words, w)
        and not _achieved(window, index)
        for index, w in enumerate(window)
    ):
        return True
    if " ".join(window).endswith(("no intention of", "yet to")):
        return True
    if noun_start:
        for word in WORDS_AND_MARKS.findall(after)[:12]:
            lowered = word.lower()
            if lowered in _STOP_AFTER:
                break
            if word == "May":
                continue  # "opened on May 16": the month, not the modal
            if lowered in lx.HYPOTHETICAL_AFTER or lowered.endswith("n't"):
                return True
    return False


def _achieved(window: list[str], index: int) -> bool:
    """Whether "able" at `index` tells what was done: "the army was able to increase ..."."""
    return window[index] == "able" and index > 0 and window[index - 1] in {"was", "were"}


def _the_month(words: list[str], lowered: str) -> bool:
    """Whether the word `lowered` among `words` is the month May ("in May"), not "may"."""
    return lowered == "may" and "may" not in words
