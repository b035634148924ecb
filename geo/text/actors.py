"""Read the actor vocabulary: demonyms that point to countries and organisations by name.

The vocabulary lives in ``data/actors.toml``, written for this project. Place finding uses it
twice: demonyms ("Russian warships") become actor mentions linked to a country instead of
places, and organisation names ("North Atlantic Treaty Organization", "Nikkei Asia") hide the
place words inside them.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from geo.errors import FaultlinesError
from geo.places.names import name_key

ACTORS_FILE = Path(__file__).resolve().parents[1] / "data" / "actors.toml"


class ActorVocabularyError(FaultlinesError, ValueError):
    """The actor vocabulary file is missing or malformed."""


@dataclass(frozen=True, slots=True)
class Organisation:
    """An organisation that can act in the news, or whose name contains place words."""

    id: str
    names: tuple[str, ...]
    kind: str


@dataclass(frozen=True, slots=True)
class ActorVocabulary:
    """Name keys of demonyms and organisations.

    Attributes
    ----------
    demonyms
        Name key ("north korean") → ISO 3166-1 alpha-3 country code.
    organisations
        Name key ("north atlantic treaty organization") → organisation.
    max_tokens
        Longest key, in words.
    """

    demonyms: dict[str, str]
    organisations: dict[str, Organisation]
    max_tokens: int


@cache
def load_actor_vocabulary(path: Path = ACTORS_FILE) -> ActorVocabulary:
    """Load and index the actor vocabulary.

    Raises
    ------
    ActorVocabularyError
        If the file is missing or a record lacks a field.
    """
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        msg = f"cannot read the actor vocabulary {path.name!r}: {error}"
        raise ActorVocabularyError(msg) from None
    demonyms: dict[str, str] = {}
    organisations: dict[str, Organisation] = {}
    try:
        for record in data.get("demonym", []):
            for word in record["words"]:
                demonyms[name_key(word)] = record["country"]
        for record in data.get("organisation", []):
            org = Organisation(id=record["id"], names=tuple(record["names"]), kind=record["kind"])
            for name in org.names:
                key = name_key(name)
                if key:
                    organisations[key] = org
    except (KeyError, TypeError) as error:
        msg = f"{path.name}: a record lacks the field {error}"
        raise ActorVocabularyError(msg) from None
    longest = max((k.count(" ") + 1 for k in [*demonyms, *organisations]), default=1)
    return ActorVocabulary(demonyms=demonyms, organisations=organisations, max_tokens=longest)
