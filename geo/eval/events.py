"""Score the event extractor against the annotated event gold set: precision, recall, details.

The gold set (``tests/data/events``) holds short articles with YAML front matter and
``gold.json``, annotated by the guideline in its ``README.md``. A predicted event matches a gold
event of the same article when their types are equal and the predicted sentence contains the
gold ``sentence_contains``; each gold event is matched at most once. Matched pairs are then
compared on actors (as sets), places (some name in common, or both empty; a place the
extractor borrowed from another sentence or a critic's capital counts as empty), date (same
precision and bounds; a gold ``unknown`` date, one its clause does not state, agrees with a date
the extractor borrowed from elsewhere, ``date_basis`` other than ``stated``) and modality
(``happened``). A prediction
that matches nothing is a false positive, and a hard-negative error when its sentence holds
one of the gold ``non_events`` strings. Offices match on organisation, host country and city,
then compare status.

Run ``python -m geo.eval.events`` to print the figures.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geo.eval.geoparse import MatchCounts
from geo.events.extract import Extraction, extract
from geo.places.gazetteer import Gazetteer
from geo.records import Event, Office
from geo.taxonomy import EVENT_TYPE_KEYS
from geo.text.articles import Article, read_article
from geo.text.mentions import PlaceFinder, default_finder

#: The gold set shipped with the tests of a source checkout.
GOLD_DIR = Path(__file__).resolve().parents[2] / "tests" / "data" / "events"


@dataclass(frozen=True, slots=True)
class GoldEvent:
    """One annotated event."""

    type: str
    sentence_contains: str
    actors: frozenset[str]
    places: tuple[str, ...]
    date_start: str | None
    date_end: str | None
    date_precision: str
    happened: bool


@dataclass(frozen=True, slots=True)
class GoldOffice:
    """One annotated office."""

    org: str
    host: str
    city: str
    status: str


@dataclass(frozen=True, slots=True)
class GoldArticle:
    """One annotated article and its file."""

    path: Path
    events: tuple[GoldEvent, ...]
    offices: tuple[GoldOffice, ...]
    non_events: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TypeScore(MatchCounts):
    """Counts for one event type."""

    type: str
    gold: int
    predicted: int
    matched: int


@dataclass(frozen=True, slots=True)
class EventScores(MatchCounts):
    """Figures over the whole gold set."""

    gold: int
    predicted: int
    matched: int
    actors_ok: int
    places_ok: int
    dates_ok: int
    modality_ok: int
    hard_negatives: int
    offices_gold: int
    offices_predicted: int
    offices_matched: int
    office_status_ok: int
    per_type: tuple[TypeScore, ...]
    errors: tuple[str, ...] = field(default=(), repr=False)


def _norm(actor: str) -> str:
    return actor.replace("-", "_").upper()


def load_event_gold(directory: Path = GOLD_DIR) -> list[GoldArticle]:
    """Read ``gold.json`` and locate its articles in `directory`."""
    data: dict[str, Any] = json.loads((directory / "gold.json").read_text(encoding="utf-8"))
    articles = []
    for record in data["articles"]:
        events = tuple(
            GoldEvent(
                type=e["type"],
                sentence_contains=e["sentence_contains"],
                actors=frozenset(_norm(a) for a in e["actors"]),
                places=tuple(e["places"]),
                date_start=e["date_start"],
                date_end=e["date_end"],
                date_precision=e["date_precision"],
                happened=e["happened"],
            )
            for e in record["events"]
        )
        offices = tuple(
            GoldOffice(_norm(o["org"]), o["host"], o["city"] or "", o["status"])
            for o in record["offices"]
        )
        articles.append(
            GoldArticle(directory / record["file"], events, offices, tuple(record["non_events"]))
        )
    return articles


#: Place bases of an event whose own sentence names no place (:class:`geo.records.Event`).
_BORROWED_PLACE = frozenset({"nearby", "article", "capital"})


def _places_ok(gold: GoldEvent, event: Event, gazetteer: Gazetteer) -> bool:
    if not gold.places:  # the sentence names none: a place borrowed from elsewhere agrees
        return not event.place_ids or event.place_basis in _BORROWED_PLACE
    names = {n.casefold() for n in event.place_names}
    for place_id in event.place_ids:
        place = gazetteer.get(place_id)
        if place is not None:
            names.update(a.casefold() for a in place.aliases)
    return any(p.casefold() in names for p in gold.places)


def _date_ok(gold: GoldEvent, event: Event) -> bool:
    if gold.date_precision == "unknown":  # its clause gives none: a borrowed date agrees
        return event.date_basis != "stated" or event.date_precision == "unknown"
    if gold.date_precision != event.date_precision:
        return False
    start = event.date_start.isoformat() if event.date_start else None
    end = event.date_end.isoformat() if event.date_end else None
    return (start, end) == (gold.date_start, gold.date_end)


def _office_key(office: Office, gazetteer: Gazetteer) -> tuple[str, str, str]:
    host = gazetteer.get(office.host_place_id)
    return _norm(office.org), host.name if host else office.host_place_id, office.city


def score_events(
    gold: Sequence[GoldArticle],
    *,
    finder: PlaceFinder | None = None,
    extractor: Callable[[Article], Extraction] | None = None,
) -> EventScores:
    """Extract events from every gold article and compare them with the annotation.

    Parameters
    ----------
    gold
        From :func:`load_event_gold`.
    finder
        The place finder for :func:`geo.events.extract.extract` (default finder when None).
    extractor
        Replaces :func:`geo.events.extract.extract` (for scoring another extractor).
    """
    finder = finder or default_finder()
    gazetteer = finder.gazetteer
    run = extractor or (lambda article: extract(article, finder=finder))
    counts = dict.fromkeys(("matched", "actors", "places", "dates", "modality", "hard"), 0)
    office_counts = dict.fromkeys(("gold", "predicted", "matched", "status"), 0)
    by_type = {key: [0, 0, 0] for key in EVENT_TYPE_KEYS}
    errors: list[str] = []
    predicted_total = 0
    for article_gold in gold:
        article = read_article(article_gold.path)
        result = run(article)
        name = article_gold.path.name
        predicted_total += len(result.events)
        unmatched = list(result.events)
        for event in result.events:
            by_type[event.type][1] += 1
        for expected in article_gold.events:
            by_type[expected.type][0] += 1
            found = next(
                (
                    e
                    for e in unmatched
                    if e.type == expected.type and expected.sentence_contains in e.sentence
                ),
                None,
            )
            if found is None:
                errors.append(f"{name}: missed {expected.type}: {expected.sentence_contains!r}")
                continue
            unmatched.remove(found)
            by_type[expected.type][2] += 1
            counts["matched"] += 1
            checks = {
                "actors": frozenset(_norm(a) for a in found.actors) == expected.actors,
                "places": _places_ok(expected, found, gazetteer),
                "dates": _date_ok(expected, found),
                "modality": (found.modality == "happened") == expected.happened,
            }
            for key, ok in checks.items():
                counts[key] += ok
            wrong = [key for key, ok in checks.items() if not ok]
            if wrong:
                errors.append(
                    f"{name}: {expected.type} {expected.sentence_contains!r}: wrong {wrong}: "
                    f"actors={found.actors} places={found.place_names} "
                    f"date={found.date_start}..{found.date_end}/{found.date_precision} "
                    f"modality={found.modality}"
                )
        for event in unmatched:
            hard = any(n in event.sentence for n in article_gold.non_events)
            counts["hard"] += hard
            label = "hard negative" if hard else "spurious"
            errors.append(f"{name}: {label} {event.type}: {event.sentence[:100]!r}")
        expected_offices = {(o.org, o.host, o.city): o.status for o in article_gold.offices}
        office_counts["gold"] += len(expected_offices)
        office_counts["predicted"] += len(result.offices)
        for office in result.offices:
            office_key = _office_key(office, gazetteer)
            if office_key in expected_offices:
                office_counts["matched"] += 1
                office_counts["status"] += expected_offices[office_key] == office.status
            else:
                errors.append(f"{name}: office {office_key} {office.status} not in gold")
    return EventScores(
        gold=sum(len(a.events) for a in gold),
        predicted=predicted_total,
        matched=counts["matched"],
        actors_ok=counts["actors"],
        places_ok=counts["places"],
        dates_ok=counts["dates"],
        modality_ok=counts["modality"],
        hard_negatives=counts["hard"],
        offices_gold=office_counts["gold"],
        offices_predicted=office_counts["predicted"],
        offices_matched=office_counts["matched"],
        office_status_ok=office_counts["status"],
        per_type=tuple(TypeScore(k, *by_type[k]) for k in EVENT_TYPE_KEYS),
        errors=tuple(errors),
    )


def format_scores(scores: EventScores) -> str:
    """Return the figures as a small plain-text table."""
    matched = scores.matched or 1
    lines = [
        f"events: gold {scores.gold}, predicted {scores.predicted}, matched {scores.matched}",
        f"precision {scores.precision:.3f}  recall {scores.recall:.3f}  F1 {scores.f1:.3f}",
        f"of matched: actors {scores.actors_ok / matched:.2f}  places "
        f"{scores.places_ok / matched:.2f}  dates {scores.dates_ok / matched:.2f}  modality "
        f"{scores.modality_ok / matched:.2f}",
        f"hard-negative errors: {scores.hard_negatives}",
        f"offices: gold {scores.offices_gold}, predicted {scores.offices_predicted}, matched "
        f"{scores.offices_matched}, status right {scores.office_status_ok}",
        "",
        f"{'type':<18} {'gold':>4} {'pred':>4} {'match':>5} {'P':>6} {'R':>6}",
    ]
    lines += [
        f"{t.type:<18} {t.gold:>4} {t.predicted:>4} {t.matched:>5} {t.precision:>6.2f} "
        f"{t.recall:>6.2f}"
        for t in scores.per_type
    ]
    return "\n".join(lines)


def main() -> None:
    """Print the scores over the shipped gold set, then every error."""
    scores = score_events(load_event_gold())
    print(format_scores(scores))
    print()
    print("\n".join(scores.errors))


if __name__ == "__main__":
    main()
