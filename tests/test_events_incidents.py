"""Measure the extractor on short incident reports, the one-paragraph notes conflict monitors write.

Every report in ``tests/data/incidents/reports.jsonl`` was written by the team in that style
(a day, an actor, a verb of violence, a place with its district or region in brackets), with
the day and the point an analyst would map. A report counts as found when it gives an event;
its place is right when the nearest event lies within 161 km of the point, its date when that
event's interval holds the day.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from shapely.geometry import Point

from geo.events.extract import extract
from geo.places.geodesy import haversine_km
from geo.text.articles import article_from_text
from geo.text.mentions import PlaceFinder

REPORTS = Path(__file__).parent / "data" / "incidents" / "reports.jsonl"
#: How far from the analyst's point an event may lie and still be in the right place.
PLACE_KM = 161.0


@dataclass(frozen=True)
class Outcome:
    found: bool
    placed: bool
    dated: bool


def read(report: dict[str, str | float], finder: PlaceFinder) -> Outcome:
    published = dt.date.fromisoformat(str(report["published"]))
    day = dt.date.fromisoformat(str(report["date"]))
    lon, lat = float(report["lon"]), float(report["lat"])
    events = extract(
        article_from_text(str(report["text"]), published=published), finder=finder
    ).events
    best: tuple[float, bool] | None = None
    for event in events:
        point = event.geometry
        km = haversine_km(point.x, point.y, lon, lat) if isinstance(point, Point) else float("inf")
        start, end = event.date_start, event.date_end
        dated = start is not None and end is not None and start <= day <= end
        if best is None or km < best[0]:
            best = (km, dated)
    if best is None:
        return Outcome(found=False, placed=False, dated=False)
    return Outcome(found=True, placed=best[0] <= PLACE_KM, dated=best[1])


@pytest.fixture(scope="module")
def outcomes(finder: PlaceFinder) -> list[Outcome]:
    reports = [json.loads(line) for line in REPORTS.read_text(encoding="utf-8").splitlines()]
    assert len(reports) >= 30
    return [read(report, finder) for report in reports]


def share(outcomes: list[Outcome], field: str) -> float:
    return sum(getattr(o, field) for o in outcomes) / len(outcomes)


def test_nearly_every_incident_report_gives_an_event(outcomes: list[Outcome]) -> None:
    assert share(outcomes, "found") >= 0.95


def test_incident_reports_are_placed_within_161_km(outcomes: list[Outcome]) -> None:
    assert share(outcomes, "placed") >= 0.9


def test_incident_reports_are_dated_on_their_day(outcomes: list[Outcome]) -> None:
    assert share(outcomes, "dated") >= 0.95
