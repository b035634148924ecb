"""Shared fixtures: the compiled gazetteer (built once per machine), and paths to test data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from geo.places.gazetteer import Gazetteer, load_gazetteer
from geo.places.geocode import Geocoder
from geo.text.actors import load_actor_vocabulary
from geo.text.mentions import PlaceFinder

# The shared gold-set checks assert outside test modules: have pytest explain their failures too.
pytest.register_assert_rewrite("tests.events_gold", "tests.geoparse_gold")

TESTS = Path(__file__).resolve().parent
DATA = TESTS / "data"
SHARED_SEEDS = TESTS.parents[1] / "shared" / "seeds"
FOUNDING_ARTICLE = SHARED_SEEDS / "000_d1f25bd5a2b7e8ac.txt"


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    return load_gazetteer()


@pytest.fixture(scope="session")
def geocoder(gazetteer: Gazetteer) -> Geocoder:
    return Geocoder(gazetteer)


@pytest.fixture(scope="session")
def finder(geocoder: Geocoder) -> PlaceFinder:
    return PlaceFinder(geocoder, load_actor_vocabulary())


@pytest.fixture(scope="session")
def founding_text() -> str:
    if not FOUNDING_ARTICLE.exists():
        if os.environ.get("CI"):
            pytest.fail(f"the founding article is missing from {SHARED_SEEDS}")
        pytest.skip("the founding article is not beside this checkout")
    return FOUNDING_ARTICLE.read_text(encoding="utf-8")
