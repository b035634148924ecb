"""Build the geoparser development set ``dev.jsonl`` from its authoring source.

The authoring source (``dev_source.txt`` beside this file) keeps the passages readable and
editable by hand: annotations are written inline and this script computes the character
offsets. See ``GUIDELINES.md`` for what is annotated and how.

Authoring format
----------------
Lines starting with ``#`` (but not ``## ``) are comments; blank lines are ignored.

``@ref KEY | KIND | CC | LAT | LON | NAME``
    Declares a referent: a place with its kind, ISO 3166-1 alpha-2 country code (empty for
    international waters and multi-country regions), representative point and canonical
    English name. Referents are global; every declared referent must be used.

``## ID | STYLE | TOPIC``
    Starts a passage. The text lines that follow are joined with single spaces.

``[surface|KEY]``
    A place mention: ``surface`` is the text as written, ``KEY`` a declared referent.

``<surface|ISO3>``
    An actor mention (a demonym or adjective standing for a country).

``@not A | B | C``
    Strings in the passage that look like places but are not (organisation names, months,
    people). Each must occur in the text.

``@negative``
    Marks a passage that deliberately contains no place mention.

Usage
-----
``python make_offsets.py`` rewrites ``dev.jsonl``; ``python make_offsets.py --check`` exits 1
when ``dev.jsonl`` differs from what the source produces.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).parent
SOURCE = HERE / "dev_source.txt"
OUTPUT = HERE / "dev.jsonl"

KINDS = frozenset(
    {"country", "admin1", "city", "sea", "ocean", "strait", "island_group", "region", "continent"}
)
STYLES = frozenset({"wire", "broadsheet", "local", "think_tank", "liveblog", "press_release"})
TOPICS = frozenset({"geopolitics", "business", "sport", "weather", "local"})

_ID = re.compile(r"dev-\d{3}")
_COUNTRY = re.compile(r"(?:[A-Z]{2})?")
_KEY = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_MARKUP = re.compile(r"\[([^\[\]<>|]+)\|([^\[\]<>|]+)\]|<([^\[\]<>|]+)\|([A-Z]{3})>")
_STRAY = re.compile(r"[\[\]<>|]")


class SourceError(ValueError):
    """The authoring source is malformed or inconsistent."""


@dataclass(frozen=True, slots=True)
class Referent:
    """A place that mentions point to."""

    key: str
    kind: str
    country: str
    lat: float
    lon: float
    name: str


@dataclass(slots=True)
class _Draft:
    """A passage while its lines are being collected."""

    id: str
    style: str
    topic: str
    line: int
    lines: list[str] = field(default_factory=list)
    not_places: list[str] = field(default_factory=list)
    negative: bool = False


def _fail(line: int, message: str) -> SourceError:
    return SourceError(f"line {line}: {message}")


def _parse_ref(body: str, line: int) -> Referent:
    parts = [part.strip() for part in body.split("|")]
    if len(parts) != 6:
        raise _fail(line, f"@ref needs 6 fields, got {len(parts)}: {body!r}")
    key, kind, country, lat_text, lon_text, name = parts
    if not _KEY.fullmatch(key):
        raise _fail(line, f"bad referent key {key!r}")
    if kind not in KINDS:
        raise _fail(line, f"unknown kind {kind!r} for {key!r}")
    if not _COUNTRY.fullmatch(country):
        raise _fail(line, f"bad country code {country!r} for {key!r}")
    try:
        lat, lon = float(lat_text), float(lon_text)
    except ValueError:
        raise _fail(line, f"bad coordinates {lat_text!r}, {lon_text!r} for {key!r}") from None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise _fail(line, f"coordinates out of range for {key!r}: {lat!r}, {lon!r}")
    if not name:
        raise _fail(line, f"empty name for {key!r}")
    return Referent(key, kind, country, lat, lon, name)


def _parse_header(body: str, line: int) -> _Draft:
    parts = [part.strip() for part in body.split("|")]
    if len(parts) != 3:
        raise _fail(line, f"passage header needs ID | STYLE | TOPIC, got {body!r}")
    passage_id, style, topic = parts
    if not _ID.fullmatch(passage_id):
        raise _fail(line, f"bad passage id {passage_id!r}")
    if style not in STYLES:
        raise _fail(line, f"unknown style {style!r} in {passage_id!r}")
    if topic not in TOPICS:
        raise _fail(line, f"unknown topic {topic!r} in {passage_id!r}")
    return _Draft(passage_id, style, topic, line)


def _read(source: str) -> tuple[dict[str, Referent], list[_Draft]]:
    referents: dict[str, Referent] = {}
    drafts: list[_Draft] = []
    for number, raw in enumerate(source.splitlines(), start=1):
        line = raw.strip()
        if not line or (line.startswith("#") and not line.startswith("## ")):
            continue
        if line.startswith("@ref "):
            referent = _parse_ref(line[5:], number)
            if referent.key in referents:
                raise _fail(number, f"referent {referent.key!r} declared twice")
            referents[referent.key] = referent
        elif line.startswith("## "):
            drafts.append(_parse_header(line[3:], number))
        elif not drafts:
            raise _fail(number, f"text before the first passage: {line!r}")
        elif line.startswith("@not "):
            drafts[-1].not_places.extend(s.strip() for s in line[5:].split("|") if s.strip())
        elif line == "@negative":
            drafts[-1].negative = True
        elif line.startswith("@"):
            raise _fail(number, f"unknown directive {line.split()[0]!r}")
        else:
            drafts[-1].lines.append(line)
    return referents, drafts


def _has_word_edges(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (before.isalnum() or after.isalnum())


def _occurrences(text: str, needle: str) -> list[tuple[int, int]]:
    found = []
    start = text.find(needle)
    while start >= 0:
        if _has_word_edges(text, start, start + len(needle)):
            found.append((start, start + len(needle)))
        start = text.find(needle, start + 1)
    return found


def _build(draft: _Draft, referents: dict[str, Referent], used: set[str]) -> dict[str, object]:
    marked = " ".join(draft.lines)
    where = f"passage {draft.id!r} (line {draft.line})"
    pieces: list[str] = []
    places: list[dict[str, object]] = []
    actors: list[dict[str, object]] = []
    bounds: list[tuple[int, int, str]] = []
    place_bounds: list[tuple[int, int]] = []
    length = 0
    cursor = 0
    for match in _MARKUP.finditer(marked):
        plain = marked[cursor : match.start()]
        pieces.append(plain)
        length += len(plain)
        surface = match.group(1) if match.group(1) is not None else match.group(3)
        start, end = length, length + len(surface)
        if match.group(1) is not None:
            key = match.group(2).strip()
            if key not in referents:
                raise SourceError(f"{where}: unknown referent {key!r} for {surface!r}")
            used.add(key)
            ref = referents[key]
            place_bounds.append((start, end))
            places.append(
                {
                    "start": start,
                    "end": end,
                    "text": surface,
                    "lat": ref.lat,
                    "lon": ref.lon,
                    "kind": ref.kind,
                    "country": ref.country,
                    "name": ref.name,
                    "ref": ref.key,
                }
            )
        else:
            actors.append({"start": start, "end": end, "text": surface, "country": match.group(4)})
        bounds.append((start, end, surface))
        pieces.append(surface)
        length = end
        cursor = match.end()
    pieces.append(marked[cursor:])
    text = "".join(pieces)
    stray = _STRAY.search(text)
    if stray:
        context = text[max(0, stray.start() - 30) : stray.end() + 30]
        raise SourceError(f"{where}: unparsed markup {stray.group()!r} near {context!r}")
    for start, end, surface in bounds:
        if not _has_word_edges(text, start, end):
            raise SourceError(f"{where}: span {surface!r} cuts through a word")
    if draft.negative and places:
        raise SourceError(f"{where}: marked @negative but has {len(places)} place mentions")
    if not draft.negative and not places:
        raise SourceError(f"{where}: no place mention and not marked @negative")
    for needle in draft.not_places:
        hits = _occurrences(text, needle)
        if not hits:
            raise SourceError(f"{where}: @not string {needle!r} does not occur in the text")
        for hit_start, hit_end in hits:
            for span_start, span_end in place_bounds:
                if span_start < hit_end and hit_start < span_end:
                    raise SourceError(f"{where}: @not string {needle!r} overlaps a place")
    return {
        "id": draft.id,
        "style": draft.style,
        "topic": draft.topic,
        "negative": draft.negative,
        "text": text,
        "places": places,
        "actors": actors,
        "not_places": list(draft.not_places),
    }


def records_from_source(source: str) -> list[dict[str, object]]:
    """Parse the authoring source into dev-set records.

    Parameters
    ----------
    source
        The whole authoring source text.

    Returns
    -------
    list of dict
        One record per passage, in source order, ready to be written as JSON lines.

    Raises
    ------
    SourceError
        When the source is malformed: bad directives, unknown referents, stray markup,
        spans that cut words, missing ``@not`` strings, duplicate ids or unused referents.
    """
    referents, drafts = _read(source)
    used: set[str] = set()
    records = [_build(draft, referents, used) for draft in drafts]
    ids = [draft.id for draft in drafts]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise SourceError(f"duplicate passage ids: {duplicates!r}")
    unused = sorted(set(referents) - used)
    if unused:
        raise SourceError(f"referents declared but never used: {unused!r}")
    return records


def render_jsonl(records: Sequence[dict[str, object]]) -> str:
    """Serialise records as JSON lines (UTF-8 text, one record a line, trailing newline)."""
    return "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)


def main(argv: Sequence[str] | None = None) -> int:
    """Write (or check) ``dev.jsonl`` from the authoring source; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("source", nargs="?", type=Path, default=SOURCE)
    parser.add_argument("output", nargs="?", type=Path, default=OUTPUT)
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if OUTPUT differs from the source"
    )
    args = parser.parse_args(argv)
    try:
        rendered = render_jsonl(records_from_source(args.source.read_text(encoding="utf-8")))
    except SourceError as error:
        print(f"{args.source}: {error}", file=sys.stderr)
        return 2
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != rendered:
            print(f"{args.output} is out of date; run {Path(__file__).name}", file=sys.stderr)
            return 1
        return 0
    args.output.write_text(rendered, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
