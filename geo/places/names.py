"""Fold place names into lookup keys that ignore case, accents, punctuation and articles.

Every name that enters the gazetteer index and every name that is looked up passes through
:func:`name_key`, so "the Sea of Japan", "SEA OF JAPAN" and "Sea-of-Japan" meet at one key,
as do "Côte d'Ivoire" and "Cote d Ivoire".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

#: Longest name, in characters, that is worth looking up; longer input is not a place name.
MAX_NAME_CHARS = 200
#: Suffix of name keys that only count after a comma and with their period ("Vienna, Va.").
ABBREVIATION_MARK = "."

#: Characters that do not show, which names are read through ("Ja\u00adpan" is "Japan"), as the
#: body of a regular expression character class: soft hyphen, zero-width space, word joiner,
#: byte order mark, and the bidirectional marks, embeddings, overrides and isolates. Zero-width
#: (non-)joiners are not among them: they shape the letters of some scripts.
INVISIBLE_CHARS = "\u00ad\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_INVISIBLE = re.compile(f"[{INVISIBLE_CHARS}]+")
# letters that NFKD does not split into base letter + accent
_EXTRA_FOLDS = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "ø": "o",
        "Ø": "O",
        "œ": "oe",
        "Œ": "OE",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "þ": "th",
        "ł": "l",
        "Ł": "L",
        "ı": "i",
        "ʻ": "",
        "ʼ": "",
        "‘": "",
        "’": "",
        "'": "",
        "`": "",
        "´": "",
    }
)


def drop_invisible(text: str) -> str:
    r"""Return `text` without the characters of :data:`INVISIBLE_CHARS`.

    Examples
    --------
    >>> drop_invisible("Ja\u00adpan")
    'Japan'
    """
    return _INVISIBLE.sub("", text) if not text.isascii() else text


def fold(text: str) -> str:
    """Return `text` without accents and with a few non-decomposing letters spelled out.

    Parameters
    ----------
    text
        Any string.

    Returns
    -------
    str
        ASCII where the input was Latin script; other scripts pass through unchanged.
    """
    decomposed = unicodedata.normalize("NFKD", text.translate(_EXTRA_FOLDS))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=262_144)
def name_key(name: str) -> str:
    """Return the lookup key of a place name.

    Lower-cases, folds accents, drops apostrophes, turns every other run of non-alphanumeric
    characters into one space and removes a leading English article ("the").

    Parameters
    ----------
    name
        A place name as written.

    Returns
    -------
    str
        The key, possibly empty (for input with no letters or digits, or input longer than
        :data:`MAX_NAME_CHARS`).

    Examples
    --------
    >>> name_key("the Sea of Japan")
    'sea of japan'
    >>> name_key("Côte d'Ivoire")
    'cote divoire'
    >>> name_key("U.S.")
    'u s'
    """
    if len(name) > MAX_NAME_CHARS:
        return ""
    key = _NON_ALNUM.sub(" ", fold(name).lower()).strip()
    # Only the English article: "El Salvador" and "La Paz" must not fold into "Salvador", "Paz".
    return key[4:] if key.startswith("the ") else key


def slug(name: str) -> str:
    """Return a lowercase hyphenated ASCII slug of `name`, used in place ids.

    Examples
    --------
    >>> slug("Gulf of Anadyr'")
    'gulf-of-anadyr'
    """
    return _NON_ALNUM.sub("-", fold(name).lower()).strip("-")


def is_latin(text: str) -> bool:
    """Return whether every letter of `text` is in the Latin script (after folding accents)."""
    return text.isascii() or all(ord(ch) < 0x250 for ch in fold(text) if ch.isalpha())


def known_spelling(key: str, has_text_key: Callable[[str], bool]) -> str:
    """Return `key`, or the known name it spells with a final "h" transliterations add.

    Arabic names come with and without it ("Hodeidah", "Hodeida"; "Jeddah", "Jedda"); an
    unknown one-word name the gazetteer knows without it is read as that name.
    """
    if (
        len(key) > 5
        and key.endswith("ah")
        and " " not in key
        and not has_text_key(key)
        and has_text_key(key[:-1])
    ):
        return key[:-1]
    return key


def hyphenated_pair(key: str) -> str | None:
    """Return the key of the hyphenated form of a two-part name key, or None.

    News joins the two parts of "Sistan and Baluchestan" or "Bosnia and Herzegovina" with a
    hyphen ("Sistan-Baluchestan"), which folds to "sistan baluchestan".
    """
    first, sep, second = key.partition(" and ")
    if not sep or " " in first or " " in second or not first or not second:
        return None
    return f"{first} {second}"
