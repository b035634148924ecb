"""Recognition and resolution accuracy on our gold sets, as floors a regression would break.

The development set (``dev.jsonl``) was used while building the place finder; the held-out set
(``heldout.jsonl``) was written separately and the finder was never tuned on it, so its figures
are the honest ones. Floors sit a little below the measured values (see the README).
"""

from pathlib import Path

import pytest

from geo.eval.geoparse import format_errors, load_gold_passages, score_geoparser
from geo.text.mentions import PlaceFinder

GEOPARSE = Path(__file__).resolve().parent / "data" / "geoparse"


@pytest.mark.parametrize(
    ("name", "min_f1", "min_resolved"),
    [("dev", 0.96, 0.96), ("heldout", 0.92, 0.94)],
)
def test_geoparser_accuracy_floors(
    finder: PlaceFinder, name: str, min_f1: float, min_resolved: float
) -> None:
    scores = score_geoparser(load_gold_passages(GEOPARSE / f"{name}.jsonl"), finder)
    report = format_errors(scores.errors)
    assert scores.f1 >= min_f1, report
    assert scores.resolution_accuracy >= min_resolved, report
    assert scores.precision >= 0.95, report


def test_scoring_counts_missed_spurious_and_misresolved(finder: PlaceFinder) -> None:
    from geo.eval.geoparse import GoldPassage, GoldPlace

    text = "Ships left Vienna for Tokyo."
    passage = GoldPassage(
        id="t",
        text=text,
        places=(
            GoldPlace(11, 17, "Vienna", 38.9, -77.27, "city", "Vienna, Virginia"),
            GoldPlace(0, 5, "Ships", 0.0, 0.0, "city", "nowhere"),
        ),
    )
    scores = score_geoparser([passage], finder)
    kinds = sorted(e.kind for e in scores.errors)
    assert kinds == ["misresolved", "missed", "spurious"]
    assert (scores.gold, scores.predicted, scores.matched) == (2, 2, 1)
