"""Score the place finder against gold annotations: recognition and resolution accuracy.

Gold passages are JSON lines: ``{"id", "text", "places": [{"start", "end", "text", "lat", "lon",
"kind", "country", "name"}]}``. A predicted mention counts as recognised when its span equals a
gold span (strict) or overlaps one (lenient); a recognised mention counts as correctly resolved
when the resolved shape contains the gold point or its representative point lies within 161 km
(100 miles) of it, the usual tolerance in geoparsing evaluations.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import shapely

from geo.places.geodesy import haversine_km
from geo.text.mention_records import PlaceMention
from geo.text.mentions import PlaceFinder

#: Distance within which a resolved place counts as right.
TOLERANCE_KM = 161.0


@dataclass(frozen=True, slots=True)
class GoldPlace:
    """One annotated place mention."""

    start: int
    end: int
    text: str
    lat: float
    lon: float
    kind: str
    name: str


@dataclass(frozen=True, slots=True)
class GoldPassage:
    """One annotated text."""

    id: str
    text: str
    places: tuple[GoldPlace, ...]


@dataclass(frozen=True, slots=True)
class GeoparseError:
    """A missed, spurious or misresolved mention, for reading what went wrong."""

    passage: str
    kind: str  # "missed", "spurious", "misresolved"
    text: str
    detail: str


def f1_score(precision: float, recall: float) -> float:
    """Return the harmonic mean of `precision` and `recall` (0 when both are 0)."""
    total = precision + recall
    return 2 * precision * recall / total if total else 0.0


class MatchCounts:
    """Precision, recall and F1 of a record with ``gold``, ``predicted`` and ``matched`` counts.

    A mixin for the frozen score records of this module and :mod:`geo.eval.events`.
    """

    __slots__ = ()
    gold: int
    predicted: int
    matched: int

    @property
    def precision(self) -> float:
        """Share of the predictions that match the gold."""
        return self.matched / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        """Share of the gold that was matched."""
        return self.matched / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        return f1_score(self.precision, self.recall)


@dataclass(frozen=True, slots=True)
class GeoparseScores(MatchCounts):
    """Recognition and resolution figures over a gold set.

    A mention is matched when its span equals a gold span (``precision``, ``recall`` and
    ``f1`` are strict); ``f1_lenient`` counts overlapping spans.
    """

    passages: int
    gold: int
    predicted: int
    matched: int
    matched_lenient: int
    resolved: int
    errors: tuple[GeoparseError, ...] = field(default=(), repr=False)

    @property
    def f1_lenient(self) -> float:
        """F1 where overlapping spans count as found."""
        p = self.matched_lenient / self.predicted if self.predicted else 0.0
        r = self.matched_lenient / self.gold if self.gold else 0.0
        return f1_score(p, r)

    @property
    def resolution_accuracy(self) -> float:
        """Share of recognised mentions (lenient) resolved to the right place."""
        return self.resolved / self.matched_lenient if self.matched_lenient else 0.0

    def as_dict(self) -> dict[str, float | int]:
        """Return the figures as a flat dictionary (for JSON reports)."""
        return {
            "passages": self.passages,
            "gold_mentions": self.gold,
            "predicted_mentions": self.predicted,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "f1_lenient": round(self.f1_lenient, 4),
            "resolution_accuracy_161km": round(self.resolution_accuracy, 4),
        }


def load_gold_passages(path: Path) -> list[GoldPassage]:
    """Read gold passages from a JSON-lines file."""
    passages = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            record = json.loads(line)
            places = tuple(
                GoldPlace(
                    start=p["start"],
                    end=p["end"],
                    text=p["text"],
                    lat=p["lat"],
                    lon=p["lon"],
                    kind=p.get("kind", ""),
                    name=p.get("name", p["text"]),
                )
                for p in record.get("places", [])
            )
            passages.append(GoldPassage(id=record["id"], text=record["text"], places=places))
    return passages


def resolved_correctly(mention: PlaceMention, gold: GoldPlace) -> bool:
    """Whether the mention's place contains the gold point or lies within 161 km of it."""
    place = mention.place
    if haversine_km(place.lon, place.lat, gold.lon, gold.lat) <= TOLERANCE_KM:
        return True
    if place.geometry.geom_type == "Point":
        return False
    return bool(place.geometry.buffer(0.05).covers(shapely.Point(gold.lon, gold.lat)))


def score_geoparser(passages: Sequence[GoldPassage], finder: PlaceFinder) -> GeoparseScores:
    """Run the finder on every passage and score it against the gold mentions."""
    gold_total = predicted_total = matched = lenient = resolved = 0
    errors: list[GeoparseError] = []
    for passage in passages:
        predicted = list(finder.find(passage.text).places)
        gold_total += len(passage.places)
        predicted_total += len(predicted)
        used: set[int] = set()
        for mention in predicted:
            exact = next(
                (
                    i
                    for i, g in enumerate(passage.places)
                    if (g.start, g.end) == (mention.start, mention.end)
                ),
                None,
            )
            overlap = exact
            if overlap is None:
                overlap = next(
                    (
                        i
                        for i, g in enumerate(passage.places)
                        if i not in used and g.start < mention.end and mention.start < g.end
                    ),
                    None,
                )
            if overlap is None or overlap in used:
                errors.append(GeoparseError(passage.id, "spurious", mention.text, mention.place.id))
                continue
            used.add(overlap)
            matched += exact is not None
            lenient += 1
            gold = passage.places[overlap]
            if resolved_correctly(mention, gold):
                resolved += 1
            else:
                errors.append(
                    GeoparseError(
                        passage.id,
                        "misresolved",
                        mention.text,
                        f"{mention.place.id} ({mention.place.name}, "
                        f"{','.join(mention.place.country_codes)}) but gold is {gold.name}",
                    )
                )
        for i, gold in enumerate(passage.places):
            if i not in used:
                errors.append(GeoparseError(passage.id, "missed", gold.text, gold.name))
    return GeoparseScores(
        passages=len(passages),
        gold=gold_total,
        predicted=predicted_total,
        matched=matched,
        matched_lenient=lenient,
        resolved=resolved,
        errors=tuple(errors),
    )


def format_errors(errors: Iterable[GeoparseError]) -> str:
    """Return the errors as aligned text lines."""
    return "\n".join(f"{e.passage:>8} {e.kind:<11} {e.text!r:<28} {e.detail}" for e in errors)
