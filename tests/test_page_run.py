"""One script run of the page, without Streamlit: widgets, search, map report and list to a view."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from geo.places.gazetteer import Gazetteer
from geo.places.geocode import Geocoder
from geo.records import Layer
from geo.text.mentions import PlaceFinder
from geo.view.dataset import Dataset, load_dataset
from geo.view.page import SearchResult, code_names, date_bounds, not_found_message, search_place
from geo.view.session import MAP_REPORTS, brushed, map_arguments, page_run, widget_state
from geo.view.state import ViewState


@pytest.fixture(scope="module")
def seeds(gazetteer: Gazetteer) -> Dataset:
    """The bundled seeds alone."""
    return load_dataset(gazetteer)


def session_for(view: ViewState, data: Dataset, **more: Any) -> dict[str, Any]:
    """Return a session whose widgets show `view`, as a link would leave it."""
    target = (view.lat, view.lon, view.zoom)
    return {**widget_state(view, date_bounds(data)), "view": view, "target": target, **more}


def test_a_run_makes_the_view_its_layers_and_the_list_and_says_what_to_set(
    seeds: Dataset, geocoder: Geocoder, gazetteer: Gazetteer
) -> None:
    view = ViewState(layers=frozenset({Layer.EVENTS, Layer.ZONES}))
    asked: list[tuple[Any, ...]] = []

    def zones(window: Any) -> Any:
        asked.append(window)
        return None

    session = session_for(view, seeds)
    bounds = date_bounds(seeds)
    run = page_run(seeds, session, bounds, geocoder, code_names(gazetteer), zones=zones)

    assert run.view.layers == view.layers
    assert run.view.version == seeds.version
    assert run.found is None
    assert asked == [run.window] == [(None, None, None, False)]
    assert run.layers.events is not None
    assert len(run.layers.events) > 0
    assert len(run.table) == len(run.listed.rows)
    assert run.updates["target"] == session["target"]  # nothing moved the map
    assert run.updates["map_applied"] is None
    assert run.updates["list_key"].startswith("event_list_")
    assert session == session_for(view, seeds)  # the caller sets the updates, not the run


def test_a_new_search_moves_the_map_to_the_place_found(
    seeds: Dataset, geocoder: Geocoder, gazetteer: Gazetteer
) -> None:
    session = session_for(ViewState(), seeds) | {"query": "Vienna"}
    names = code_names(gazetteer)
    run = page_run(seeds, session, date_bounds(seeds), geocoder, names, zones=lambda _: None)
    assert run.found is not None
    assert run.found.place is not None
    assert run.found.place.name == "Vienna"
    assert run.view.query == "Vienna"
    assert run.updates["target"] == (run.view.lat, run.view.lon, run.view.zoom)
    assert abs(run.view.lon - 16.37) < 0.5


def test_a_search_that_finds_nothing_says_so_and_offers_close_names(geocoder: Geocoder) -> None:
    assert not_found_message(SearchResult(None), "Atlantys") == "No place called “Atlantys”."
    close = search_place("Viennna", geocoder)
    assert close is not None
    assert close.place is None
    assert close.suggestions
    assert not_found_message(close, "Viennna") == "No place called “Viennna”. Did you mean:"


def test_a_brush_on_the_timeline_sets_the_window_once() -> None:
    bounds = (dt.date(2022, 1, 1), dt.date(2023, 12, 31))
    start = dt.datetime(2022, 3, 10, tzinfo=dt.UTC).timestamp() * 1000
    end = dt.datetime(2022, 5, 2, tzinfo=dt.UTC).timestamp() * 1000
    chart = {"selection": {"brush": {"yearmonth_day": [start, end]}}}
    window = (dt.date(2022, 3, 1), dt.date(2022, 5, 31))
    assert brushed({"timeline": chart}, bounds) == {"brushed": window, "window": window}
    # the same brush again leaves the window where the slider may have moved it since
    assert brushed({"timeline": chart, "brushed": window}, bounds) == {}
    assert brushed({}, bounds) == {}
    assert brushed({"timeline": {"selection": {}}}, bounds) == {}


def test_the_map_is_given_its_base_view_and_only_the_apps_own_moves(
    seeds: Dataset, geocoder: Geocoder, gazetteer: Gazetteer
) -> None:
    view = ViewState(lat=30.0, lon=125.0, zoom=5, layers=frozenset({Layer.EVENTS}))
    names = code_names(gazetteer)
    session = session_for(view, seeds)
    run = page_run(seeds, session, date_bounds(seeds), geocoder, names, zones=lambda _: None)
    base = ViewState(lat=10.0, lon=20.0, zoom=3)
    given = map_arguments(
        run.layers,
        run.view,
        run.found,
        base=base,
        target=(31.0, 126.0, 6),
        files=("land.json", "labels.json"),
        asset_base="/app/static",
    )
    assert given["center"] == (31.0, 126.0)
    assert given["zoom"] == 6
    assert given["returned_objects"] == list(MAP_REPORTS)
    assert [group.layer_name for group in given["feature_group_to_add"]] == ["Events"]
    html = given["fig"].get_root().render()
    assert "/app/static/land.json" in html
    assert "[10.0, 20.0]" in html  # where the base map was built, not the view's centre


@dataclass
class _Upload:
    """A file as the page's uploader gives it."""

    name: str
    data: bytes

    def getvalue(self) -> bytes:
        return self.data


def test_uploaded_files_are_added_and_the_page_says_how_it_went(
    tmp_path: Path, finder: PlaceFinder
) -> None:
    from geo.ingest.uploads import add_uploads

    text = (
        b"---\ntitle: Patrol\npublished: 2024-03-02\n---\n"
        b"Chinese coast guard ships patrolled near the Senkaku Islands on Saturday, "
        b"Japan's coast guard said.\n"
    )
    files = [_Upload("patrol.md", text), _Upload("empty.md", b"")]
    lines = add_uploads(files, "", tmp_path / "store", finder=finder)
    assert lines[0].startswith("1 article(s) added, 0 already stored; ")
    assert lines[1].startswith("empty.md: ")
    assert len(lines) == 2


def test_a_view_downloads_its_listed_events_and_the_map_offline(
    seeds: Dataset, geocoder: Geocoder, gazetteer: Gazetteer
) -> None:
    from geo.view.downloads import downloads

    names = code_names(gazetteer)
    session = session_for(ViewState(layers=frozenset({Layer.EVENTS})), seeds, list_all=True)
    run = page_run(seeds, session, date_bounds(seeds), geocoder, names, zones=lambda _: None)
    files = downloads(seeds, run.listed, run.layers, run.view, gazetteer, names)
    assert [(f.label, f.file_name) for f in files] == [
        ("Events (GeoJSON)", "events.geojson"),
        ("Events (CSV)", "events.csv"),
        ("Map (offline HTML)", "map.html"),
    ]
    geojson, csv, page = (file.make() for file in files)
    assert geojson.count('"type": "Feature"') == len(run.listed.rows) > 0
    assert csv.splitlines()[0].startswith("id,")
    assert len(csv.splitlines()) == len(run.listed.rows) + 1
    assert "<html" in page
