"""Which triggers a sentence is worth trying: an index of the triggers by word prefixes.

Running every trigger pattern of :data:`geo.events.triggers.TRIGGERS` over every sentence is
the extractor's main cost. Most patterns cannot match without certain words, so each trigger
is filed under the three-letter prefixes of its rarest required word, and a sentence tries only
the triggers filed under prefixes it holds and whose every required word it may hold.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from geo.events import lexicon as lx
from geo.events.lexicon import compile_pattern
from geo.events.trigger_record import Trigger
from geo.events.triggers import TRIGGERS

__all__ = ["triggers_worth_trying"]


def _token_prefixes(token: str) -> frozenset[str] | None:
    """Return the first-three-letter prefixes a word matching `token` can start with."""
    body = token[1:-1] if token.startswith("(") and token.endswith(")") else token
    prefixes: set[str] = set()
    for alternative in body.split("|"):
        if alternative.startswith("re:"):
            return None
        word = alternative.split("_")[0]
        stem = word[:-1] if word.endswith("*") else word
        if not stem.isalpha():
            return None
        forms = lx.inflections(stem) if word.endswith("*") else (stem,)
        prefixes.update(form.lower()[:3] for form in forms)
    return frozenset(prefixes)


def _required_prefixes(pattern: str) -> tuple[frozenset[str], ...]:
    """Return, for each word `pattern` cannot do without, the prefixes that word may have.

    A sentence is worth matching only if it holds a word of every set: a cheap test that
    spares most regular-expression runs. Optional words, gaps and words that cannot be told
    cheaply (a raw regular expression, punctuation) give no set.
    """
    sets = []
    for token in pattern.split():
        if token.startswith("...") or token.endswith("?"):
            continue
        prefixes = _token_prefixes(token)
        if prefixes is not None:
            sets.append(prefixes)
    return tuple(sets)


_COMPILED = tuple(
    (trigger, compile_pattern(trigger.pattern), _required_prefixes(trigger.pattern))
    for trigger in TRIGGERS
)


#: Prefixes of function words that nearly every sentence holds.
_COMMON_PREFIXES = frozenset(
    "at on in wit for of ove bet tha int acr tow was wer bee bei is are the a an to by and "
    "has hav had fro".split()
)


def _index_by_prefix(
    compiled: Sequence[tuple[Trigger, re.Pattern[str], tuple[frozenset[str], ...]]],
) -> tuple[tuple[int, ...], dict[str, tuple[int, ...]]]:
    """Return the triggers always worth trying, and the others by a prefix of a rare word.

    A trigger with required words can only match a sentence holding a prefix of each, so
    it is filed under the prefixes of its rarest required word (one that is not a common
    function word such as "at" or "with", and with the fewest prefixes); only the triggers
    filed under the sentence's prefixes need the full test.
    """
    always: list[int] = []
    by_prefix: dict[str, list[int]] = {}
    for index, (_, _, required) in enumerate(compiled):
        if not required:
            always.append(index)
            continue
        rarest = min(
            reversed(required), key=lambda word: (bool(word & _COMMON_PREFIXES), len(word))
        )
        for prefix in rarest:
            by_prefix.setdefault(prefix, []).append(index)
    return tuple(always), {prefix: tuple(ids) for prefix, ids in by_prefix.items()}


_ALWAYS_TRIED, _TRIED_BY_PREFIX = _index_by_prefix(_COMPILED)
_WORDS = re.compile(r"[^\W\d_]+")


def triggers_worth_trying(sentence: str) -> Iterator[tuple[Trigger, re.Pattern[str]]]:
    """Yield the triggers that may match `sentence`, with their patterns, in lexicon order.

    A pattern is tried only when the sentence holds a word each of its required words could be.
    """
    present = {word[:3] for word in _WORDS.findall(sentence.lower())}
    candidates = set(_ALWAYS_TRIED)
    for prefix in present:
        candidates.update(_TRIED_BY_PREFIX.get(prefix, ()))
    for trigger, pattern, required in (_COMPILED[i] for i in sorted(candidates)):
        if all(not prefixes.isdisjoint(present) for prefixes in required):
            yield trigger, pattern
