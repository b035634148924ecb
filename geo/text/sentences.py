"""Split text into sentences with their character spans: the one sentence splitter of geo.

Every module that needs sentences (event extraction, date reading, place finding) imports
:func:`split_sentences` or :func:`sentence_starts` from here, so they agree on where a sentence
ends.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "BEFORE_NUMBER",
    "SENTENCE_STARTERS",
    "TITLES",
    "Sentence",
    "sentence_starts",
    "split_sentences",
]

#: Abbreviations after which a full stop does not end a sentence.
TITLES = frozenset(
    "mr mrs ms dr prof gen lt col maj capt cmdr adm sgt cpl pvt gov sen rep pres amb st mt ft "
    "brig rev hon fr sr jr vs cf al approx dept messrs mme mlle".split()
)
#: Abbreviations that do not end a sentence when a number follows ("No. 2", "Jan. 12").
BEFORE_NUMBER = frozenset(
    "no nos vol fig art p pp jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
#: Words that open a new sentence after a dotted abbreviation ("... the U.S. The next day").
SENTENCE_STARTERS = frozenset(
    "the a an he she it they we i but and in on this that these those his her its their there "
    "yet so however meanwhile after before when while if at for".split()
)


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of a text: ``text == source[start:end]``."""

    start: int
    end: int
    text: str


_MAY_BREAK = re.compile(r"[.!?…\n]")
_BREAK = re.compile(r"(?:[.!?]+|…|\.\.\.)[\"'”’)\]*]*(?=\s)|\n")
_NEXT_START = re.compile(r"\s*[\"'“‘(\[*]*([A-Z0-9])")
_LAST_WORD = re.compile(r"([\w.]+)[.!?…]*[\"'”’)\]*]*$")


def split_sentences(text: str) -> list[Sentence]:
    """Split `text` into sentences with their character spans.

    A sentence ends at ``.``, ``!``, ``?`` or an ellipsis (with closing quotes or brackets)
    when the next word starts with a capital or a digit, and at a line break unless the line
    is a long one without final punctuation (hard-wrapped text). It does not end after a
    title ("Gen.", "Dr."), an initial ("John F. Kennedy"), "No." or a month before a number, or
    a dotted abbreviation ("U.S.") unless a typical sentence opener follows. Decimals and
    ellipses inside a sentence ("becoming … increasingly") never end one.
    """
    cuts: list[int] = []
    for match in _BREAK.finditer(text):
        if match.group() == "\n":
            if not _line_continues(text, match.start()):
                cuts.append(match.start())
            continue
        following = _NEXT_START.match(text, match.end())
        if following is None:
            continue
        word = _LAST_WORD.search(text, max(0, match.start() - 30), match.end())
        if (
            word is not None
            and match.group()[0] == "."
            and not match.group().startswith("...")
            # what follows, cut short: a slice to the end of the text made this quadratic
            and _abbreviation(word.group(1), text[following.start(1) : following.start(1) + 100])
        ):
            continue
        cuts.append(match.end())
    sentences: list[Sentence] = []
    start = 0
    for cut in [*cuts, len(text)]:
        piece = text[start:cut]
        stripped = piece.strip()
        if stripped:
            first = start + len(piece) - len(piece.lstrip())
            sentences.append(Sentence(first, first + len(stripped), stripped))
        start = cut
    return sentences


def _line_continues(text: str, newline: int) -> bool:
    line = text[text.rfind("\n", 0, newline) + 1 : newline].rstrip()
    following = text[newline + 1 : newline + 2]
    if not line or not following.strip() or following in "-*#>•" or following.isdigit():
        return False
    return len(line) >= 60 and line[-1] not in ".!?…:\"”'’)*"


def _abbreviation(word: str, rest: str) -> bool:
    bare = word.rstrip(".").lower()
    next_word = re.match(r"[\"'“‘(]*([\w’']+)", rest)
    after = next_word.group(1).lower() if next_word else ""
    if len(bare) == 1 and word[:1].isupper():
        return True  # an initial
    if "." in bare:
        return after not in SENTENCE_STARTERS
    return bare in TITLES or (bare in BEFORE_NUMBER and rest[:1].isdigit())


def sentence_starts(text: str) -> list[int]:
    """Return the offset where each sentence of `text` starts (0 first, even before spaces)."""
    if not _MAY_BREAK.search(text):
        return [0]  # one sentence: nothing to split
    return [0, *(s.start for s in split_sentences(text)[1:])]
