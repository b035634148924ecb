"""Word tokens of a text, with the lookup keys that names are matched by.

A token is a run of letters and digits (apostrophes and invisible characters inside a word are
kept: "Côte d'Ivoire", a soft hyphen). Its key is the word folded to lower case without accents,
apostrophes or a possessive "'s"; the gaps between tokens tell whether two words may belong to
one name, and where lines and sentences end.
"""

from __future__ import annotations

import bisect
import re
from operator import itemgetter

from geo.places.names import INVISIBLE_CHARS, drop_invisible, fold

# a word may hold invisible characters ("Ja\u00adpan"): they are dropped from its key
_WORD = re.compile(rf"[^\W_]+(?:(?:['’]|[{INVISIBLE_CHARS}]+)[^\W_]+)*")
#: The same words in ASCII text, where the Unicode classes above cost a third more to match
_ASCII_WORD = re.compile(r"[A-Za-z0-9]+(?:'[A-Za-z0-9]+)*", re.ASCII)
_GAP_OK = frozenset({" ", "-", ".", ". ", "‐", "–", " - ", "'", "’"})
#: Marks before a word that end a sentence (quotes open and close one in news copy).
_SENTENCE_END = frozenset('.!?\n:;"“”')


def _capitalised(word: str) -> bool:
    """Return whether a word starts with a capital, looking past "d'" and "l'" ("d'Ivoire")."""
    if len(word) > 2 and word[1] in "'’" and word[0] in "dlDL":
        return word[2].isupper()
    return word[0].isupper()


class Tokens:
    """Word tokens of one text with their lookup keys, made in bulk for speed."""

    __slots__ = ("capital", "ends", "keys", "newlines", "starts", "text", "words")

    def __init__(self, text: str) -> None:
        self.text = text
        self.newlines: list[int] | None = None  # positions of line breaks, found when needed
        word_pattern = _ASCII_WORD if text.isascii() else _WORD
        # built with map rather than loops in Python: this runs for every word of every text
        matches = list(word_pattern.finditer(text))
        self.starts = list(map(re.Match.start, matches))
        self.ends = list(map(re.Match.end, matches))
        self.words = words = list(map(re.Match.group, matches))
        self.capital = capital = list(map(str.isupper, map(itemgetter(0), words)))
        self.keys = list(map(str.lower, words))
        # the few words with accents or apostrophes need folding and possessives split off,
        # and "d'Ivoire" is capitalised by its third letter
        if text.isascii() and "'" not in text:
            return
        for i in [i for i, w in enumerate(words) if not w.isascii() or "'" in w]:
            word = words[i]
            if len(word) > 2 and word[1] in "'’" and not capital[i]:
                capital[i] = _capitalised(word)
            if word.endswith(("'s", "’s", "'S", "’S")) and len(word) > 2:
                word = word[:-2]
                self.ends[i] -= 2
            lower = word.lower() if word.isascii() else fold(drop_invisible(word)).lower()
            self.keys[i] = lower.replace("'", "").replace("’", "")

    def __len__(self) -> int:
        return len(self.starts)

    def key(self, i: int) -> str:
        """Return the folded lower-case key of token `i`, without a possessive "'s"."""
        return self.keys[i]

    def end(self, i: int) -> int:
        """Return the end offset of token `i` (after its possessive is split off)."""
        return self.ends[i]

    def joins(self, i: int) -> bool:
        """Return whether tokens `i` and `i + 1` may belong to one name."""
        return self.gap(i) in _GAP_OK

    def gap(self, i: int) -> str:
        """Return the text between tokens `i` and `i + 1`, invisible characters dropped."""
        gap = self.text[self.ends[i] : self.starts[i + 1]]
        return gap if gap.isascii() else drop_invisible(gap)


def on_headline(tokens: Tokens, i: int, cache: dict[int, bool]) -> bool:
    """Return whether token `i` is on a short title-case line, where capitals say little.

    `cache` keeps the answer per line start for one text.
    """
    text = tokens.text
    if tokens.newlines is None:  # found once: a search back per word is quadratic on one line
        tokens.newlines = [m.start() for m in re.finditer("\n", text)]
    before = bisect.bisect_left(tokens.newlines, tokens.starts[i])
    line_start = tokens.newlines[before - 1] + 1 if before else 0
    cached = cache.get(line_start)
    if cached is not None:
        return cached
    line_end = text.find("\n", tokens.starts[i])
    line = text[line_start : line_end if line_end >= 0 else len(text)]
    words = [w for w in _WORD.findall(line[:400]) if w.isalpha()]
    result = False
    if 4 <= len(words) <= 25:
        capitals = sum(1 for w in words if w[0].isupper())
        result = capitals / len(words) >= 0.7
    cache[line_start] = result
    return result


def sentence_initial(tokens: Tokens, i: int) -> bool:
    """Return whether token `i` starts a sentence (looking past quotes and brackets)."""
    text = tokens.text
    position = tokens.starts[i] - 1
    while position >= 0 and text[position] in " \t'‘(“\"[":
        position -= 1
    return position < 0 or text[position] in _SENTENCE_END


def ends_sentence(gap: str) -> bool:
    """Return whether the gap between two tokens ends a sentence or a line."""
    return "\n" in gap or any(mark in gap for mark in (". ", "! ", "? ", ": ", "; "))
