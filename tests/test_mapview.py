"""The folium map: offline assets, layers and filters, escaping, styles, legend.

Like geopandas' folium tests, most tests render ``m.get_root().render()`` and check the HTML
for what must (and must not) be there. The browser test at the end opens the standalone page
in Chromium with the network cut off.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import xstatic.pkg.leaflet
from shapely.geometry import Point, Polygon, box

from geo.intervals import covered_intervals
from geo.places.gazetteer import Gazetteer
from geo.records import OFFICE_STATUSES
from geo.taxonomy import EVENT_TYPE_KEYS
from geo.view.assets import (
    LEAFLET_CSS,
    LEAFLET_JS,
    MARKERCLUSTER_CSS,
    MARKERCLUSTER_JS,
    OWN_CSS,
    OWN_JS,
    TILE_PROVIDERS,
    MapViewError,
    ensure_static_assets,
)
from geo.view.map import MapLayers, base_map, build_map, feature_groups, standalone_html
from geo.view.popups import event_interval, event_popup, place_popup, zone_popup
from geo.view.selection import filter_events
from geo.view.state import BASEMAPS, LAYER_KEYS, ViewState
from geo.view.styles import (
    ASSETS_DIR,
    EVENT_STYLES,
    ICONS_DIR,
    OFFICE_STYLES,
    icon_data_uri,
    legend_items,
    zone_style,
)

ASSET_BASE = "/app/static"
ALL_LAYERS = frozenset(LAYER_KEYS)
IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "<script>alert(1)</script>"
IMG_ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"
SCRIPT_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
ARTICLE_URL = "https://example.org/news/drills?id=7&lang=en"
LEAFLET_DIR = Path(xstatic.pkg.leaflet.BASE_DIR)
CSS = (ASSETS_DIR / "faultlines.css").read_text(encoding="utf-8")
URL_PATTERN = re.compile(r"https?://[^\s\"'<>()\\]+", re.IGNORECASE)


# ---------------------------------------------------------------------------------------------
# small layers


def _event(event_id: str, kind: str, **fields: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": event_id,
        "article_id": "art-1",
        "type": kind,
        "cameo": "152",
        "date_start": dt.date(2023, 5, 9),
        "date_end": dt.date(2023, 5, 9),
        "date_precision": "day",
        "actors": ["PRK"],
        "place_ids": ["ne:sea:sea-of-japan"],
        "place_names": ["Sea of Japan"],
        "sentence": "North Korea fired a missile into the Sea of Japan on Tuesday.",
        "span_start": 1200,
        "span_end": 1262,
        "confidence": 0.9,
        "origin": "curated",
        "modality": "happened",
        "title": "Missiles over the sea",
        "outlet": "CNN",
        "published": "2023-05-10",
        "url": ARTICLE_URL,
        "geometry": Point(134.0, 40.0),
    }
    record.update(fields)
    return record


def _events(*records: dict[str, Any]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(list(records), geometry="geometry", crs="EPSG:4326")


EVENTS = _events(
    _event("ev-missile-0001", "missile_launch"),
    _event(
        "ev-drill-0002",
        "exercise",
        date_start=dt.date(2023, 4, 1),
        date_end=dt.date(2023, 4, 30),
        date_precision="month",
        geometry=Point(125.0, 29.0),
    ),
    _event(
        "ev-talks-0003",
        "talks",
        date_start=None,
        date_end=None,
        date_precision="unknown",
        geometry=Point(139.7, 35.7),
    ),
    _event("ev-nowhere-0004", "patrol", geometry=None),
)

OFFICES = gpd.GeoDataFrame(
    {
        "id": [f"of-{status}-01" for status in OFFICE_STATUSES],
        "org": ["NATO"] * len(OFFICE_STATUSES),
        "host_place_id": ["ne:country:JPN"] * len(OFFICE_STATUSES),
        "host_name": ["Japan"] * len(OFFICE_STATUSES),
        "city": ["Tokyo"] * len(OFFICE_STATUSES),
        "status": list(OFFICE_STATUSES),
        "since": [None] * len(OFFICE_STATUSES),
        "article_ids": [["art-1"]] * len(OFFICE_STATUSES),
        "origin": ["curated"] * len(OFFICE_STATUSES),
    },
    geometry=[Point(139.69 + i, 35.69) for i in range(len(OFFICE_STATUSES))],
    crs="EPSG:4326",
)

ZONES = gpd.GeoDataFrame(
    {
        "id": ["zn-senkaku-01"],
        "name": ["Senkaku Islands dispute"],
        "kind": ["territorial_dispute"],
        "parties": [["JPN", "CHN"]],
        "severity": [0.7],
        "event_ids": [["ev-drill-0002"]],
        "origin": ["curated"],
        "place_id": ["fl:senkaku-islands"],
    },
    geometry=[Point(123.5, 25.75).buffer(0.6)],
    crs="EPSG:4326",
)

PLACES = gpd.GeoDataFrame(
    {
        "id": ["ne:sea:sea-of-japan", "gn:1850147"],
        "name": ["Sea of Japan", "Tokyo"],
        "kind": ["sea", "city"],
        "country_codes": [[], ["JP"]],
        "disputed_by": [[], []],
        "mentions": [3, 1],
        "article_ids": [["art-1"], ["art-1"]],
    },
    geometry=[Polygon([(128, 35), (140, 35), (142, 45), (131, 43)]), Point(139.69, 35.69)],
    crs="EPSG:4326",
)

LAND = gpd.GeoDataFrame({"name": ["Japan-ish"]}, geometry=[box(130, 31, 141, 41)], crs="EPSG:4326")

LAYERS = MapLayers(events=EVENTS, offices=OFFICES, zones=ZONES, places=PLACES, basemap=LAND)


def _render(m: Any) -> str:
    return str(m.get_root().render())


class _Resources(HTMLParser):
    """Collect what a page loads: ``<script src>`` and ``<link href>``, and script tags."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script":
            self.scripts += 1
            if values.get("src") is not None:
                self.urls.append(str(values["src"]))
        if tag == "link" and values.get("href") is not None:
            self.urls.append(str(values["href"]))


def _resources(page: str) -> _Resources:
    parser = _Resources()
    parser.feed(page)
    return parser


# ---------------------------------------------------------------------------------------------
# offline assets


def test_vector_map_loads_only_leaflet_markercluster_and_our_css_from_the_asset_base() -> None:
    page = _render(build_map(LAYERS, ViewState(layers=ALL_LAYERS), asset_base=ASSET_BASE))
    local = (LEAFLET_JS, LEAFLET_CSS, MARKERCLUSTER_JS, *MARKERCLUSTER_CSS, OWN_CSS, OWN_JS)
    assert sorted(_resources(page).urls) == sorted(f"{ASSET_BASE}/{path}" for path in local)


@pytest.mark.parametrize(
    "forbidden",
    ["cdn", "jsdelivr", "bootstrap", "font-awesome", "fontawesome", "code.jquery", "awesome"],
)
def test_vector_map_names_no_cdn_or_framework(forbidden: str) -> None:
    page = _render(build_map(LAYERS, ViewState(layers=ALL_LAYERS), asset_base=ASSET_BASE))
    assert forbidden not in page.lower()


def test_vector_map_has_no_url_but_article_links() -> None:
    page = _render(build_map(LAYERS, ViewState(layers=ALL_LAYERS), asset_base=ASSET_BASE))
    assert set(URL_PATTERN.findall(page)) == {ARTICLE_URL.replace("&", "&amp;")}
    assert "$(" not in page  # no jQuery call either


@pytest.mark.parametrize("basemap", BASEMAPS)
def test_tile_url_appears_only_for_its_tile_basemap(basemap: str) -> None:
    page = _render(build_map(LAYERS, ViewState(basemap=basemap), asset_base=ASSET_BASE))
    for key, provider in TILE_PROVIDERS.items():
        assert (provider.url in page) == (key == basemap)
    assert ("L.tileLayer" in page) == (basemap != "vector")
    assert ("fl-basemap-vector" in page) == (basemap == "vector")
    assert ("fl-land" in page) == (basemap == "vector")
    assert all(url.startswith(f"{ASSET_BASE}/") for url in _resources(page).urls)


def test_tile_basemap_carries_its_attribution() -> None:
    page = _render(build_map(LAYERS, ViewState(basemap="osm"), asset_base=ASSET_BASE))
    assert "OpenStreetMap" in page


@pytest.mark.parametrize(
    "asset_base", ["https://cdn.example.org/static", "//cdn.example.org/static", "http://x/"]
)
def test_an_asset_base_on_another_server_is_refused(asset_base: str) -> None:
    with pytest.raises(MapViewError, match="asset_base"):
        base_map(ViewState(), asset_base=asset_base)


def test_asset_base_may_end_with_a_slash() -> None:
    page = _render(base_map(ViewState(), asset_base="/app/static/"))
    assert f"{ASSET_BASE}/{LEAFLET_JS}" in _resources(page).urls
    assert '"/app/static/leaflet/images/"' in page  # L.Icon.Default.imagePath


def test_ensure_static_assets_copies_leaflet_plugins_and_ours(tmp_path: Path) -> None:
    static = tmp_path / "static"
    assert ensure_static_assets(static) == static
    expected = [LEAFLET_JS, LEAFLET_CSS, OWN_CSS, MARKERCLUSTER_JS, *MARKERCLUSTER_CSS]
    expected += ["leaflet/images/marker-icon.png", "leaflet/images/layers.png"]
    expected += [f"faultlines/icons/{style.icon}" for style in EVENT_STYLES.values()]
    expected += [f"faultlines/icons/{style.icon}" for style in OFFICE_STYLES.values()]
    for relative in expected:
        assert (static / relative).is_file(), relative
    assert (static / LEAFLET_JS).read_bytes() == (LEAFLET_DIR / "leaflet.js").read_bytes()


def test_ensure_static_assets_is_idempotent_and_repairs(tmp_path: Path) -> None:
    static = ensure_static_assets(tmp_path / "static")
    files = sorted(p for p in static.rglob("*") if p.is_file())
    for path in files:
        os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    ensure_static_assets(static)
    assert [p.stat().st_mtime_ns for p in files] == [1_000_000_000] * len(files)
    assert sorted(p for p in static.rglob("*") if p.is_file()) == files  # no temporary left

    (static / LEAFLET_JS).write_text("broken", encoding="utf-8")
    shutil.rmtree(static / "faultlines" / "icons")
    ensure_static_assets(static)
    assert (static / LEAFLET_JS).read_bytes() == (LEAFLET_DIR / "leaflet.js").read_bytes()
    assert (static / "faultlines" / "icons" / EVENT_STYLES["patrol"].icon).is_file()


# ---------------------------------------------------------------------------------------------
# layers and the view


@pytest.mark.parametrize(
    ("types", "shown", "hidden"),
    [
        (None, {"ev-missile-0001", "ev-drill-0002", "ev-talks-0003"}, set()),
        (
            frozenset({"missile_launch"}),
            {"ev-missile-0001"},
            {"ev-drill-0002", "ev-talks-0003"},
        ),
        (
            frozenset({"exercise", "talks"}),
            {"ev-drill-0002", "ev-talks-0003"},
            {"ev-missile-0001"},
        ),
        (frozenset(), set(), {"ev-missile-0001", "ev-drill-0002", "ev-talks-0003"}),
    ],
)
def test_event_markers_follow_the_view_types(
    types: frozenset[str] | None, shown: set[str], hidden: set[str]
) -> None:
    page = _render(build_map(LAYERS, ViewState(types=types), asset_base=ASSET_BASE))
    for event_id in shown:
        assert event_id in page
    for event_id in hidden:
        assert event_id not in page
    assert "ev-nowhere-0004" not in page  # no geometry, no marker


def test_event_markers_carry_id_and_type_classes() -> None:
    page = _render(build_map(LAYERS, ViewState(), asset_base=ASSET_BASE))
    # the DivIcon html travels JSON-encoded in the script
    assert 'class=\\"fl-event fl-type-missile_launch\\" data-fl-id=\\"ev-missile-0001\\"' in page
    for status in OFFICE_STATUSES:
        assert f'class=\\"fl-office fl-status-{status}\\" data-fl-id=\\"of-{status}-01\\"' in page
    assert '"className": "fl-zone fl-kind-territorial_dispute fl-id-zn-senkaku-01"' in page
    assert folium_icon_absent(page)


def test_events_new_since_the_last_visit_are_ringed_and_only_they() -> None:
    fresh = dataclasses.replace(LAYERS, fresh=frozenset({"ev-missile-0001"}))
    page = _render(build_map(fresh, ViewState(), asset_base=ASSET_BASE))
    assert (
        'class=\\"fl-event fl-type-missile_launch fl-new\\" data-fl-id=\\"ev-missile-0001\\"'
        in page
    )
    assert page.count("fl-new") == 1
    assert "fl-new" not in _render(build_map(LAYERS, ViewState(), asset_base=ASSET_BASE))
    assert ".fl-event.fl-new" in CSS


def folium_icon_absent(page: str) -> bool:
    return "L.AwesomeMarkers" not in page and "marker-icon.png" not in page


@pytest.mark.parametrize("hidden", LAYER_KEYS)
def test_layers_are_toggled_by_the_view(hidden: str) -> None:
    view = ViewState(layers=ALL_LAYERS - {hidden})
    page = _render(build_map(LAYERS, view, asset_base=ASSET_BASE))
    markers = {
        "events": "ev-missile-0001",
        "offices": "of-open-01",
        "zones": "zn-senkaku-01",
        "places": "gn:1850147",
    }
    for layer, marker in markers.items():
        assert (marker in page) == (layer != hidden), layer


def test_base_map_is_the_basemap_only_and_groups_are_the_layers() -> None:
    view = ViewState(layers=ALL_LAYERS)
    base = _render(base_map(view, asset_base=ASSET_BASE, basemap_frame=LAND))
    assert "fl-land" in base
    assert "ev-missile-0001" not in base
    assert "zn-senkaku-01" not in base
    groups = feature_groups(LAYERS, view, highlight=box(120, 20, 121, 21))
    assert [group.layer_name for group in groups] == [
        "Zones",
        "Places",
        "Offices",
        "Events",
        "Search",
    ]


def test_selected_feature_has_its_popup_open_and_is_marked() -> None:
    page = _render(build_map(LAYERS, ViewState(selected="ev-drill-0002"), asset_base=ASSET_BASE))
    assert page.count("flOpenSelected(") == 1  # opened, and panned into view (faultlines.js)
    assert 'fl-type-exercise fl-selected\\" data-fl-id=\\"ev-drill-0002\\"' in page
    plain = _render(build_map(LAYERS, ViewState(), asset_base=ASSET_BASE))
    assert "flOpenSelected(" not in plain
    assert "fl-selected" not in plain


def test_selected_zone_is_outlined() -> None:
    view = ViewState(selected="zn-senkaku-01")
    page = _render(build_map(LAYERS, view, asset_base=ASSET_BASE))
    assert "fl-zone fl-kind-territorial_dispute fl-selected fl-id-zn-senkaku-01" in page
    assert page.count("flOpenSelected(") == 1


@pytest.mark.parametrize(
    "highlight", [box(122.0, 25.0, 125.0, 27.0), Point(123.5, 25.75)], ids=["polygon", "point"]
)
def test_searched_place_is_outlined(highlight: Any) -> None:
    page = _render(build_map(LAYERS, ViewState(), asset_base=ASSET_BASE, highlight=highlight))
    assert "fl-highlight" in page
    assert "fl-highlight" not in _render(build_map(LAYERS, ViewState(), asset_base=ASSET_BASE))


def test_zones_are_shaded_by_severity_without_colormaps() -> None:
    zones = ZONES.assign(severity=[0.9])
    page = _render(
        build_map(MapLayers(zones=zones), ViewState(layers=ALL_LAYERS), asset_base=ASSET_BASE)
    )
    style = zone_style(0.9, "territorial_dispute")
    assert f'"fillColor": "{style.fill_color}"' in page
    assert f'"fillOpacity": {style.fill_opacity}' in page
    assert "d3" not in _resources(page).urls
    assert "colormap" not in page.lower()


@pytest.mark.parametrize(("severity", "darker_than"), [(0.5, 0.1), (1.0, 0.5), (0.3, 0.0)])
def test_zone_fill_grows_with_severity(severity: float, darker_than: float) -> None:
    high = zone_style(severity, "war")
    low = zone_style(darker_than, "war")
    assert high.fill_opacity > low.fill_opacity
    assert sum(int(high.fill_color[i : i + 2], 16) for i in (1, 3, 5)) < sum(
        int(low.fill_color[i : i + 2], 16) for i in (1, 3, 5)
    )


def test_empty_and_missing_layers_render() -> None:
    page = _render(build_map(MapLayers(), ViewState(layers=ALL_LAYERS), asset_base=ASSET_BASE))
    assert "L.map(" in page
    empty = MapLayers(events=EVENTS.iloc[0:0], offices=OFFICES.iloc[0:0])
    assert "fl-event" not in _render(build_map(empty, ViewState(), asset_base=ASSET_BASE))


# ---------------------------------------------------------------------------------------------
# payload


def test_coordinates_are_rounded_and_polygons_simplified_for_the_zoom() -> None:
    wiggly = Point(123.456789123, 25.987654321).buffer(2.0, quad_segs=512)
    zones = ZONES.assign(geometry=[wiggly])
    events = _events(_event("ev-precise-0001", "patrol", geometry=Point(134.123456789, 40.1)))
    layers = MapLayers(events=events, zones=zones, basemap=LAND.assign(geometry=[wiggly]))
    far = _render(build_map(layers, ViewState(zoom=3), asset_base=ASSET_BASE))
    assert not re.search(r"\d\.\d{6,}", far)
    assert "134.12346" in far
    shapes = MapLayers(zones=zones, basemap=layers.basemap)
    far = _render(build_map(shapes, ViewState(zoom=3), asset_base=ASSET_BASE))
    near = _render(build_map(shapes, ViewState(zoom=12), asset_base=ASSET_BASE))
    assert len(far) < len(near) / 2


# ---------------------------------------------------------------------------------------------
# date and type filtering


@pytest.mark.parametrize(
    ("start", "end", "precision", "date_from", "date_to", "shown"),
    [
        # day precision, inclusive bounds
        ("2023-05-09", "2023-05-09", "day", "2023-05-01", "2023-05-10", True),
        ("2023-05-09", "2023-05-09", "day", "2023-05-09", "2023-05-09", True),
        ("2023-05-09", "2023-05-09", "day", "2023-05-10", None, False),
        ("2023-05-09", "2023-05-09", "day", None, "2023-05-08", False),
        ("2023-05-09", "2023-05-09", "day", None, "2023-05-09", True),
        # a week-long interval overlapping the window's start
        ("2023-05-01", "2023-05-07", "day", "2023-05-07", "2023-05-31", True),
        # month precision: the whole month overlaps
        ("2023-04-01", "2023-04-30", "month", "2023-04-20", "2023-05-05", True),
        ("2023-04-01", "2023-04-30", "month", "2023-05-01", "2023-05-31", False),
        ("2023-04-01", "2023-04-01", "month", "2023-04-20", "2023-04-21", True),
        ("2023-04-01", None, "month", "2023-04-29", None, True),
        ("2023-04", "2023-04", "month", "2023-04-30", "2023-04-30", True),
        # year precision
        ("2022-01-01", "2022-12-31", "year", "2022-12-31", "2023-01-05", True),
        ("2022", None, "year", "2022-07-01", "2022-07-01", True),
        ("2022", None, "year", "2023-01-01", None, False),
        (None, "2022-12-31", "year", None, "2022-01-01", True),
        # unknown dates: only without a date filter
        (None, None, "unknown", None, None, True),
        (None, None, "unknown", "2023-01-01", None, False),
        (None, None, "unknown", None, "2023-12-31", False),
        (pd.NaT, pd.NaT, "unknown", "2023-01-01", "2023-12-31", False),
        # a resolved interval of unknown precision still has dates
        ("2023-05-10", "2023-05-10", "unknown", "2023-05-10", "2023-05-10", True),
    ],
)
def test_filter_events_by_date_window(
    start: Any, end: Any, precision: str, date_from: Any, date_to: Any, shown: bool
) -> None:
    events = _events(
        _event("ev-x", "patrol", date_start=start, date_end=end, date_precision=precision)
    )
    view = ViewState(
        date_from=dt.date.fromisoformat(date_from) if date_from else None,
        date_to=dt.date.fromisoformat(date_to) if date_to else None,
    )
    assert len(filter_events(events, view)) == int(shown)


def test_filter_events_reads_timestamps_and_keeps_order_and_type() -> None:
    events = _events(
        _event("ev-b", "patrol", date_start=pd.Timestamp("2023-05-02"), date_end=pd.NaT),
        _event("ev-a", "talks", date_start=dt.datetime(2023, 3, 1, 12), date_end=None),
        _event("ev-c", "visit", date_start="2023-05-20", date_end="2023-05-21"),
    )
    view = ViewState(date_from=dt.date(2023, 5, 1), types=frozenset({"patrol", "visit", "talks"}))
    kept = filter_events(events, view)
    assert isinstance(kept, gpd.GeoDataFrame)
    assert list(kept["id"]) == ["ev-b", "ev-c"]


@pytest.mark.parametrize(
    ("start", "end", "precision", "expected"),
    [
        ("2023-04-01", "2023-04-01", "month", ("2023-04-01", "2023-04-30")),
        ("2024-02", None, "month", ("2024-02-01", "2024-02-29")),
        (None, "2021-06-30", "year", ("2021-01-01", "2021-12-31")),  # a missing side: the other
        ("2023-05-09", "2023-05-01", "day", ("2023-05-01", "2023-05-09")),
        ("2023-02-30", None, "day", (None, None)),
        ("yesterday", None, "day", (None, None)),
    ],
)
def test_event_interval(start: Any, end: Any, precision: str, expected: tuple[Any, Any]) -> None:
    first, last = expected
    assert event_interval(start, end, precision) == (
        dt.date.fromisoformat(first) if first else None,
        dt.date.fromisoformat(last) if last else None,
    )


# ---------------------------------------------------------------------------------------------
# escaping


def _hostile_layers() -> MapLayers:
    events = _events(
        _event(
            "ev-hostile-0001",
            "incursion",
            sentence=f"Ships {SCRIPT} entered waters near {IMG} today.",
            place_names=[IMG],
            actors=[SCRIPT],
            title=SCRIPT,
            outlet=IMG,
            url="javascript:alert(1)",
            geometry=Point(140.0, 27.0),
        ),
        _event(
            "ev-hostile-0002",
            "patrol",
            url="  JavaScript:alert(1)",
            title=None,
            outlet=None,
            geometry=Point(137.0, 27.0),
        ),
    )
    zones = ZONES.assign(name=[SCRIPT], parties=[[IMG]])
    places = PLACES.assign(name=[IMG, SCRIPT])
    offices = OFFICES.assign(city=[SCRIPT] * len(OFFICES), org=[IMG] * len(OFFICES))
    return MapLayers(events=events, offices=offices, zones=zones, places=places, basemap=LAND)


@pytest.mark.parametrize("selected", [None, "ev-hostile-0001"])
def test_article_strings_are_escaped_everywhere(selected: str | None) -> None:
    view = ViewState(layers=ALL_LAYERS, selected=selected)
    page = _render(build_map(_hostile_layers(), view, asset_base=ASSET_BASE))
    assert IMG not in page
    assert SCRIPT not in page
    assert "<img" not in page
    assert IMG_ESCAPED in page
    assert SCRIPT_ESCAPED in page
    assert "javascript:alert(1)" in page  # shown as text ...
    assert not re.search(r"href=\\?[\"']?\s*javascript:", page, re.IGNORECASE)  # ... never a link
    clean = _render(build_map(LAYERS, view, asset_base=ASSET_BASE))
    assert _resources(page).scripts == _resources(clean).scripts


def test_web_urls_become_links_with_escaped_attributes() -> None:
    popup = event_popup(_event("ev-1", "patrol", title=f"Drills {IMG}"))
    assert (
        '<a href="https://example.org/news/drills?id=7&amp;lang=en" target="_blank" '
        'rel="noopener noreferrer">Drills ' + IMG_ESCAPED + "</a>"
    ) in popup
    quoted = event_popup(_event("ev-2", "patrol", url='https://example.org/"onmouseover="x'))
    assert 'href="https://example.org/&quot;onmouseover=&quot;x"' in quoted


@pytest.mark.parametrize(
    ("sentence", "names", "span", "expected"),
    [
        (
            "Ships sailed near the Senkaku Islands on Monday.",
            ["Senkaku Islands"],
            (22, 37),
            "Ships sailed near the <mark>Senkaku Islands</mark> on Monday.",
        ),
        (  # article offsets of the sentence: the name is found by searching
            "Ships sailed near the Senkaku Islands on Monday.",
            ["Senkaku Islands"],
            (1200, 1248),
            "Ships sailed near the <mark>Senkaku Islands</mark> on Monday.",
        ),
        (  # offsets inside the sentence that do not cover a name are not trusted
            "Japan said ships sailed near the senkaku islands.",
            ["Senkaku Islands"],
            (0, 5),
            "Japan said ships sailed near the <mark>senkaku islands</mark>.",
        ),
        (  # each piece escaped on its own
            f"{SCRIPT} near A&B Reef {IMG}",
            ["A&B Reef"],
            (None, None),
            f"{SCRIPT_ESCAPED} near <mark>A&amp;B Reef</mark> {IMG_ESCAPED}",
        ),
        ("Nothing to mark here.", ["Guam"], (0, 7), "Nothing to mark here."),
    ],
)
def test_place_name_is_marked_in_the_sentence(
    sentence: str, names: list[str], span: tuple[Any, Any], expected: str
) -> None:
    popup = event_popup(
        _event(
            "ev-1",
            "patrol",
            sentence=sentence,
            place_names=names,
            span_start=span[0],
            span_end=span[1],
        )
    )
    assert f"<blockquote>{expected}</blockquote>" in popup


def test_an_event_popup_names_its_finer_action_and_marks_context() -> None:
    base = {"id": "ev-1", "type": "armed_attack", "date_start": dt.date(2024, 5, 4)}
    kidnapping = event_popup({**base, "action": "abduction", "role": "context"})
    assert '<div class="fl-action">Abduction or hostage-taking</div>' in kidnapping
    assert "earlier event the article cites" in kidnapping
    plain = event_popup({**base, "action": "armed_attack", "role": "main"})
    assert "fl-action" not in plain
    assert "earlier event" not in plain
    # a store written before actions were recorded, or an unknown one
    assert "fl-action" not in event_popup({**base, "action": None})
    assert "fl-action" not in event_popup({**base, "action": "<b>made up</b>"})


def test_popups_tolerate_missing_cells() -> None:
    record = {"id": "ev-1", "type": "unknown-type", "date_start": float("nan"), "url": None}
    popup = event_popup(record)
    assert "date unknown" in popup
    assert "Other event" in popup
    assert "None" not in popup
    assert "nan" not in popup
    assert "<h4></h4>" in place_popup({})
    assert "Severity 0.00" in zone_popup({"severity": None})


# ---------------------------------------------------------------------------------------------
# standalone page


def test_standalone_html_is_self_contained() -> None:
    view = ViewState(layers=ALL_LAYERS, basemap="carto-dark", selected="ev-missile-0001")
    page = standalone_html(LAYERS, view)
    leaflet = (LEAFLET_DIR / "leaflet.js").read_text(encoding="utf-8")
    assert leaflet in page
    assert _resources(page).urls == []
    assert not re.search(r"url\((?![\"']?(data:|#))", page)
    for provider in TILE_PROVIDERS.values():
        assert provider.url not in page
    rest = page.replace(leaflet, "")
    assert set(URL_PATTERN.findall(rest)) == {ARTICLE_URL.replace("&", "&amp;")}
    assert "ev-missile-0001" in page
    assert "fl-basemap-vector" in page
    assert "openPopup" in page


def test_standalone_html_escapes_article_strings() -> None:
    page = standalone_html(_hostile_layers(), ViewState(layers=ALL_LAYERS))
    assert IMG not in page
    assert SCRIPT not in page
    assert SCRIPT_ESCAPED in page


# ---------------------------------------------------------------------------------------------
# styles and legend


def test_every_event_type_and_office_status_has_a_distinct_style() -> None:
    assert list(EVENT_STYLES) == list(EVENT_TYPE_KEYS)
    assert list(OFFICE_STYLES) == list(OFFICE_STATUSES)
    assert len({s.colour for s in EVENT_STYLES.values()}) == len(EVENT_STYLES)
    assert len({s.icon for s in [*EVENT_STYLES.values(), *OFFICE_STYLES.values()]}) == 16


@pytest.mark.parametrize(
    ("css_class", "icon"),
    [(f"fl-type-{key}", style.icon) for key, style in EVENT_STYLES.items()]
    + [(f"fl-status-{key}", style.icon) for key, style in OFFICE_STYLES.items()],
)
def test_css_draws_each_class_with_its_icon(css_class: str, icon: str) -> None:
    assert f'.{css_class} {{ background-image: url("icons/{icon}"); }}' in CSS
    svg = (ICONS_DIR / icon).read_text(encoding="utf-8")
    assert svg.startswith("<svg ")
    assert "<script" not in svg


@pytest.mark.parametrize("key", EVENT_TYPE_KEYS)
def test_event_icon_uses_the_style_colour(key: str) -> None:
    style = EVENT_STYLES[key]
    assert f'fill="{style.colour}"' in (ICONS_DIR / style.icon).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("view", "events", "offices", "zones", "places"),
    [
        (ViewState(), list(EVENT_TYPE_KEYS), list(OFFICE_STATUSES), 3, 0),
        (
            ViewState(types=frozenset({"talks", "patrol"})),
            ["patrol", "talks"],
            list(OFFICE_STATUSES),
            3,
            0,
        ),
        (ViewState(layers=frozenset({"places"})), [], [], 0, 1),
        (ViewState(layers=frozenset()), [], [], 0, 0),
        (ViewState(layers=ALL_LAYERS, types=frozenset()), [], list(OFFICE_STATUSES), 3, 1),
    ],
)
def test_legend_lists_what_the_view_shows(
    view: ViewState, events: list[str], offices: list[str], zones: int, places: int
) -> None:
    items = legend_items(view)
    assert [i.key for i in items if i.layer == "events"] == events
    assert [i.key for i in items if i.layer == "offices"] == offices
    assert len([i for i in items if i.layer == "zones"]) == zones
    assert len([i for i in items if i.layer == "places"]) == places
    for item in items:
        assert item.label
        assert re.fullmatch(r"#[0-9a-f]{6}", item.colour)
        if item.icon is not None:
            assert item.icon.is_file()
            assert icon_data_uri(item.icon).startswith("data:image/svg+xml;base64,")


# ---------------------------------------------------------------------------------------------
# in a browser


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("FAULTLINES_REQUIRE_BROWSER"):
            pytest.fail("Chromium is required (FAULTLINES_REQUIRE_BROWSER is set)")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    return found


_ALL_MARKER_IDS_JS = """
() => {
    const ids = new Set([...document.querySelectorAll('.leaflet-marker-pane [data-fl-id]')]
        .map(e => e.dataset.flId));
    const map = Object.values(window).find(v => v instanceof L.Map);
    map.eachLayer(layer => {
        if (layer instanceof L.MarkerClusterGroup) {
            layer.getLayers().forEach(m => ids.add(m.options.flId));
        }
    });
    return [...ids];
}
"""
_SHOW_MARKER_JS = """
(id) => new Promise(done => {
    const map = Object.values(window).find(v => v instanceof L.Map);
    map.eachLayer(layer => {
        if (layer instanceof L.MarkerClusterGroup) {
            const marker = layer.getLayers().find(m => m.options.flId === id);
            if (marker) { layer.zoomToShowLayer(marker, done); }
        }
    });
    setTimeout(done, 3000);
})
"""


@pytest.mark.browser
def test_standalone_page_works_offline_in_chromium(tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    executable = _chromium()
    path = tmp_path / "map.html"
    layers = _hostile_layers()
    layers = MapLayers(
        events=pd.concat([layers.events, EVENTS]),
        offices=layers.offices,
        zones=layers.zones,
        places=layers.places,
        basemap=LAND,
    )
    view = ViewState(layers=ALL_LAYERS, selected="ev-drill-0002", lat=32.0, lon=130.0, zoom=4)
    path.write_text(standalone_html(layers, view), encoding="utf-8")
    errors: list[str] = []
    requests: list[str] = []
    dialogs: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

            def route(request_route: Any) -> None:
                requests.append(request_route.request.url)
                request_route.abort()

            page.route(re.compile(r"^(?!file:).*"), route)
            page.goto(path.as_uri())
            page.wait_for_selector(".leaflet-popup-content")
            ids = page.evaluate(_ALL_MARKER_IDS_JS)
            popup = page.inner_text(".leaflet-popup-content")
            zone_paths = page.locator("path.fl-zone").count()
            sea = page.evaluate(
                "getComputedStyle(document.querySelector('.leaflet-container')).backgroundColor"
            )
            page.evaluate(_SHOW_MARKER_JS, "ev-hostile-0001")  # it may sit in a cluster
            page.click("[data-fl-id='ev-hostile-0001']")
            page.wait_for_selector(".fl-popup[data-fl-id='ev-hostile-0001']")
            hostile = page.inner_text(".fl-popup[data-fl-id='ev-hostile-0001']")
            links = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        finally:
            browser.close()
    assert errors == []
    assert requests == []
    assert dialogs == []
    assert {"ev-hostile-0001", "ev-missile-0001", "ev-drill-0002", "of-open-01"} <= set(ids)
    assert "Military exercise" in popup
    assert IMG in hostile  # shown as text, not run
    assert SCRIPT in hostile
    assert not [link for link in links if link.lower().startswith("javascript:")]
    assert zone_paths == 1
    assert sea == "rgb(220, 232, 240)"


def test_basemap_file_is_written_once_per_gazetteer_and_holds_the_land(
    gazetteer: Gazetteer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from geo.view import page as views
    from geo.view.assets import basemap_geojson

    name = views.basemap_file(tmp_path, gazetteer)
    written = (tmp_path / name).read_text(encoding="utf-8")
    assert written == basemap_geojson(views.basemap_frame(gazetteer))
    assert json.loads(written)["features"], "the world basemap has land"

    def redraw(_: Gazetteer) -> None:
        raise AssertionError("a second server start must not redraw the land")

    monkeypatch.setattr(views, "basemap_frame", redraw)
    assert views.basemap_file(tmp_path, gazetteer) == name
    other = tmp_path / "elsewhere"
    with pytest.raises(AssertionError, match="redraw"):
        views.basemap_file(other, gazetteer)  # a new static folder gets the file drawn anew


@pytest.mark.parametrize("precision", ["day", "month", "year", "unknown"])
@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2023-04-01", "2023-04-01"),
        ("2024-02-10", None),
        (None, "2021-06-30"),
        ("2023-05-09", "2023-05-01"),
        (None, None),
    ],
)
def test_the_columnar_interval_rule_agrees_with_the_scalar_one(
    start: Any, end: Any, precision: str
) -> None:
    frame = pd.DataFrame({"date_start": [start], "date_end": [end], "date_precision": [precision]})
    firsts, lasts = covered_intervals(frame)
    first, last = event_interval(start, end, precision)
    assert (None if np.isnat(firsts[0]) else firsts[0].astype(dt.date)) == first
    assert (None if np.isnat(lasts[0]) else lasts[0].astype(dt.date)) == last


def _zone_severities(dataset: Any, view: ViewState, gazetteer: Gazetteer) -> dict[str, float]:
    from geo.view.page import view_zones

    zones = view_zones(dataset, view, gazetteer)
    return dict(zip(zones["id"], zones["severity"], strict=True))


@pytest.mark.parametrize(
    "view",
    [ViewState(), ViewState(date_from=dt.date(2022, 1, 1), date_to=dt.date(2023, 6, 30))],
)
def test_news_elsewhere_does_not_recolour_a_zone(view: ViewState, gazetteer: Gazetteer) -> None:
    import dataclasses

    from geo.view.dataset import load_dataset

    dataset = load_dataset(gazetteer)
    before = _zone_severities(dataset, view, gazetteer)
    assert any(v > 0 for v in before.values())
    far = dataset.events.iloc[[0]].copy()
    far["id"], far["type"] = "ev-baltic-far-away", "exercise"
    far["date_start"] = far["date_end"] = pd.Timestamp(view.date_to or "2026-11-20")
    far["date_precision"], far["place_ids"] = "day", [["ne:sea:baltic-sea"]]
    far = far.set_geometry([Point(19.5, 57.5)], crs=dataset.events.crs)
    grown = dataclasses.replace(dataset, events=pd.concat([dataset.events, far], ignore_index=True))
    after = _zone_severities(grown, view, gazetteer)
    for zone_id, severity in before.items():
        assert after[zone_id] == pytest.approx(severity), zone_id


def test_a_zones_severity_is_measured_at_the_windows_end(gazetteer: Gazetteer) -> None:
    from geo.view.dataset import load_dataset

    dataset = load_dataset(gazetteer)
    early = _zone_severities(dataset, ViewState(date_to=dt.date(2023, 5, 31)), gazetteer)
    late = _zone_severities(dataset, ViewState(date_to=dt.date(2025, 5, 31)), gazetteer)
    # the same events, two years older at the window's end: every zone is calmer
    assert all(late[z] <= early[z] for z in early)
    assert any(late[z] < early[z] for z in early)


def test_the_upload_limit_streamlit_shows_is_ours() -> None:
    import tomllib

    from geo.ingest.uploads import MAX_UPLOAD_BYTES

    config = Path(__file__).resolve().parents[1] / ".streamlit" / "config.toml"
    server = tomllib.loads(config.read_text(encoding="utf-8"))["server"]
    assert server["maxUploadSize"] * 1024 * 1024 == MAX_UPLOAD_BYTES


def test_a_click_near_markers_but_on_none_is_a_cluster_and_selects_nothing() -> None:
    from geo.view.page import feature_at

    events = _events(
        _event("ev-a", "patrol", geometry=Point(135.0, 40.0)),
        _event("ev-b", "patrol", geometry=Point(135.4, 40.0)),
    )
    zone = ZONES.assign(geometry=[box(130, 35, 140, 45)])
    layers = MapLayers(events=events, zones=zone)
    assert feature_at(layers, 40.0, 135.0, zoom=4) == "ev-a"  # a marker reports its own point
    assert feature_at(layers, 40.0, 135.2, zoom=4) is None  # the cluster's mean position
    assert feature_at(layers, 37.0, 132.0, zoom=4) == zone.iloc[0]["id"]


def test_the_offline_export_is_titled_and_captioned_with_its_filters() -> None:
    caption = "Events: Missile launch <script> · From 2023-03-01 to 2023-05-10"
    page = standalone_html(LAYERS, ViewState(layers=ALL_LAYERS), caption=caption)
    assert "<title>Faultlines map</title>" in page
    assert "Events: Missile launch &lt;script&gt; · From 2023-03-01 to 2023-05-10" in page
    assert 'class="fl-swatch"' in page  # the legend


def test_basemap_labels_name_countries_seas_and_cities_from_their_zoom(
    gazetteer: Gazetteer, tmp_path: Path
) -> None:
    from geo.view.assets import labels_file

    name = labels_file(tmp_path, gazetteer)
    rows = json.loads((tmp_path / name).read_text(encoding="utf-8"))
    by_name = {row[0]: row for row in rows}
    assert by_name["Japan"][3] <= 5
    assert by_name["Japan"][4] == "country"
    assert by_name["Sea of Japan"][4] == "sea"
    assert by_name["Tokyo"][3] <= 5  # a city of millions shows early
    assert labels_file(tmp_path, gazetteer) == name  # written once
    assert [row[3] for row in rows] == sorted(row[3] for row in rows)


def test_popups_name_actors_when_the_dataset_carries_their_names(gazetteer: Gazetteer) -> None:
    from geo.text.actors import load_actor_vocabulary
    from geo.view import page as views
    from geo.view.dataset import load_dataset

    names = views.code_names(gazetteer, load_actor_vocabulary().organisations.values())
    data = views.with_actor_names(load_dataset(gazetteer), names)
    record = data.events[data.events["actors"].map(lambda a: "RUS" in list(a))].iloc[0]
    popup = event_popup(record.to_dict())
    assert "Actors: Russia" in popup
    assert "RUS" not in popup.split("Actors:")[1]


# ---------------------------------------------------------------------------------------------
# dates as precise as they are known; the page's script and the history of views


@pytest.mark.parametrize(
    ("value", "precision", "expected"),
    [
        ("2023-05-01", "month", "May 2023"),
        (dt.date(2023, 5, 1), "year", "2023"),
        (pd.Timestamp("2023-12-01"), "month", "December 2023"),
        (np.datetime64("2023-05-10"), "day", "2023-05-10"),
        ("2023-05-10", "", "2023-05-10"),  # no precision given: a day
        ("2023-05-10", None, "2023-05-10"),
        ("2023-05-10", "unknown", ""),
        (None, "month", ""),
        (pd.NaT, "day", ""),
        ("0099-02-01", "year", "0099"),
    ],
)
def test_format_date_shows_a_date_as_precisely_as_it_is_known(
    value: Any, precision: Any, expected: str
) -> None:
    from geo.view.popups import format_date

    assert format_date(value, precision) == expected


def test_an_event_of_a_whole_month_or_year_reads_as_that_month_or_year() -> None:
    from geo.view.popups import format_interval

    assert format_interval("2023-04-01", "2023-04-30", "month") == "April 2023"
    assert format_interval("2022-01-01", "2022-12-31", "year") == "2022"
    assert format_interval("2023-04-03", "2023-04-03", "day") == "2023-04-03"
    assert format_interval("2023-04-03", "2023-04-09", "day") == "2023-04-03 – 2023-04-09"


@pytest.mark.parametrize(
    ("since", "precision", "expected"),
    [("2023-05-01", "month", "Since May 2023"), ("2023-01-01", "year", "Since 2023")],
)
def test_an_office_opened_in_a_month_says_the_month_in_its_popup_and_panel(
    since: str, precision: str, expected: str, gazetteer: Gazetteer
) -> None:
    from geo.view import panel as views
    from geo.view.dataset import load_dataset
    from geo.view.popups import office_popup

    record = {
        "id": "of-1",
        "org": "NATO",
        "city": "Tokyo",
        "host_name": "Japan",
        "status": "in_talks",
        "since": pd.Timestamp(since),
        "since_precision": precision,
        "geometry": Point(139.7, 35.7),
    }
    popup = office_popup(record)
    assert expected in popup
    assert since not in popup
    panel = views.describe(views.Selection("of-1", "offices", record), load_dataset(gazetteer))
    assert f"**Since:** {expected.removeprefix('Since ')}" in panel.markdown()


def test_the_bundled_nato_office_in_tokyo_is_in_talks_since_may_2023(gazetteer: Gazetteer) -> None:
    from geo.view.dataset import load_dataset
    from geo.view.popups import office_popup

    offices = load_dataset(gazetteer).offices
    tokyo = offices[offices["city"] == "Tokyo"].iloc[0].to_dict()
    assert "Since May 2023" in office_popup(tokyo)


def test_an_office_without_a_stored_precision_reads_its_date_as_a_day() -> None:
    from geo.view.popups import office_popup

    record = {"id": "of-1", "org": "NATO", "since": pd.Timestamp("2023-05-10"), "status": "open"}
    assert "Since 2023-05-10" in office_popup(record)  # a store written before the column
    assert "Since 2023-05-10" in office_popup(record | {"since_precision": float("nan")})


def test_the_list_heading_names_the_time_window() -> None:
    from geo.view.page import list_heading

    window = (dt.date(2022, 6, 1), dt.date(2023, 4, 29))
    assert list_heading([1] * 10, [1] * 14, window=window) == (
        "10 events in view, 2022-06-01 – 2023-04-29 (of 14 that match the filters)"
    )
    assert list_heading([1] * 3, [1] * 3, window=window).startswith("3 events in view, 2022")
    assert list_heading([1] * 14, [1] * 14, everything=True, window=window) == (
        "14 events match the filters, 2022-06-01 – 2023-04-29"
    )
    assert list_heading([1], [1, 2]) == "1 events in view (of 2 that match the filters)"


def test_a_link_sets_the_view_the_widgets_and_a_target_the_map_moves_to() -> None:
    from geo.view.session import state_from_link, widget_state

    bounds = (dt.date(2022, 1, 1), dt.date(2023, 6, 30))
    view = ViewState(lat=35.5, lon=139.0, zoom=6, selected="ev-1", date_to=dt.date(2023, 3, 31))
    values = state_from_link(view, bounds)
    assert values["view"] == view
    assert values["target"] == (35.5, 139.0, 6)
    assert values["link_warnings"] == []
    assert values["window"] == (bounds[0], dt.date(2023, 3, 31))
    assert widget_state(view, bounds).items() <= values.items()
    # Back to where the map was last sent: the map may have been panned away since, and
    # moves only when its target changes, so the target changes by far less than a pixel
    again = state_from_link(view, bounds, target=(35.5, 139.0, 6))["target"]
    assert again != (35.5, 139.0, 6)
    assert again[2] == 6
    assert abs(again[0] - 35.5) < 1e-6
    assert again[1] == 139.0


def test_the_row_of_the_selected_event_in_the_list() -> None:
    from geo.view.page import row_of

    table = pd.DataFrame({"id": ["ev-a", "ev-b", "ev-c"]})
    assert row_of(table, "ev-c") == 2
    assert row_of(table, "ev-x") is None
    assert row_of(table, None) is None
    assert row_of(table.iloc[0:0], "ev-a") is None


def test_a_row_chosen_in_the_list_selects_its_event_and_a_choice_elsewhere_lets_it_go() -> None:
    from geo.view.page import list_key
    from geo.view.session import list_choice

    events = gpd.GeoDataFrame(
        {"id": ["ev-a", "ev-b"], "type": ["exercise", "patrol"]},
        geometry=[Point(130.0, 40.0), Point(135.0, 38.0)],
        crs="EPSG:4326",
    )
    layers = MapLayers(events=events)
    table = pd.DataFrame({"id": ["ev-a", "ev-b"]})
    key = f"event_list_{list_key(table)}_0"
    view, values = list_choice(ViewState(), layers, table, {})
    assert (view, values) == (ViewState(), {"picked": None, "list_round": 0, "list_key": key})

    ticked = {key: {"selection": {"rows": [1]}}}
    view, values = list_choice(ViewState(), layers, table, ticked)
    assert (view.selected, view.lat, view.lon) == ("ev-b", 38.0, 135.0)
    assert values["picked"] == "ev-b"
    assert values["target"] == (38.0, 135.0, view.zoom)

    # the map selected another event while the row is still ticked: the list starts afresh
    moved = ViewState(selected="ev-a")
    view, values = list_choice(moved, layers, table, {**ticked, "picked": "ev-b"})
    assert view == moved
    assert values == {
        "picked": None,
        "list_round": 1,
        "list_key": f"event_list_{list_key(table)}_1",
    }


def test_the_page_script_and_styles_are_ours_and_cannot_end_their_element() -> None:
    from geo.view.client import page_head, show_row

    head = page_head()
    assert head.count("<script>") == 1
    assert head.count("</script>") == 1
    assert head.count("</style>") == 1
    assert "pushState" in head
    assert "http" not in head  # nothing is fetched
    scroll = show_row("event_list_</script>_0", 7)
    assert scroll.count("</script>") == 1  # a key cannot end the script
    assert "showRow(" in scroll
    assert ", 7)" in scroll
    assert ", null)" in show_row("event_list_abc_0", None)


BOUNDS = (dt.date(2022, 2, 24), dt.date(2023, 5, 31))


@pytest.mark.parametrize(
    ("window", "direction", "expected"),
    [
        # all the data: the first (or last) month, as far as there is data
        (BOUNDS, 1, ("2022-02-24", "2022-02-28")),
        (BOUNDS, -1, ("2023-05-01", "2023-05-31")),
        # whole months move by as many months as they span
        (("2022-02-24", "2022-02-28"), 1, ("2022-03-01", "2022-03-31")),
        (("2022-03-01", "2022-04-30"), 1, ("2022-05-01", "2022-06-30")),
        (("2022-03-01", "2022-04-30"), -1, ("2022-02-24", "2022-02-28")),
        (("2022-12-01", "2022-12-31"), 1, ("2023-01-01", "2023-01-31")),
        # no months left that way: the window stays
        (("2023-04-01", "2023-05-31"), 1, ("2023-04-01", "2023-05-31")),
        (("2022-02-24", "2022-02-28"), -1, ("2022-02-24", "2022-02-28")),
        # other windows move by their length in days, and stop at the data's ends
        (("2022-06-01", "2022-06-10"), 1, ("2022-06-11", "2022-06-20")),
        (("2022-06-01", "2022-06-10"), -1, ("2022-05-22", "2022-05-31")),
        (("2023-05-20", "2023-05-29"), 1, ("2023-05-22", "2023-05-31")),
        (("2022-02-25", "2022-03-06"), -1, ("2022-02-24", "2022-03-05")),
    ],
)
def test_a_step_moves_the_time_window_by_its_own_length(
    window: tuple[Any, Any], direction: int, expected: tuple[str, str]
) -> None:
    from geo.view.session import stepped_window

    dates = tuple(d if isinstance(d, dt.date) else dt.date.fromisoformat(d) for d in window)
    moved = stepped_window((dates[0], dates[1]), BOUNDS, direction)
    assert moved == (dt.date.fromisoformat(expected[0]), dt.date.fromisoformat(expected[1]))
    assert BOUNDS[0] <= moved[0] <= moved[1] <= BOUNDS[1]


def test_the_step_control_moves_the_slider_and_lets_go() -> None:
    from geo.view.session import STEPS, step_window

    session: dict[str, Any] = {"window": BOUNDS, "step": STEPS[1]}
    step_window(session, BOUNDS)
    assert session == {"window": (dt.date(2022, 2, 24), dt.date(2022, 2, 28)), "step": None}
    session["step"] = STEPS[1]
    step_window(session, BOUNDS)
    assert session["window"] == (dt.date(2022, 3, 1), dt.date(2022, 3, 31))
    session["step"] = STEPS[0]
    step_window(session, BOUNDS)
    assert session["window"] == (dt.date(2022, 2, 24), dt.date(2022, 2, 28))
    step_window(session, BOUNDS)  # nothing chosen: nothing moves
    assert session["window"] == (dt.date(2022, 2, 24), dt.date(2022, 2, 28))


# playing through time


@pytest.mark.parametrize(
    ("window", "expected"),
    [
        (BOUNDS, ("2022-02-24", "2022-02-28")),  # all the data: from its first month
        (("2022-06-01", "2022-06-30"), ("2022-06-01", "2022-06-30")),  # on from where it is
        (("2023-04-01", "2023-05-31"), ("2022-02-24", "2022-03-31")),  # at the end: again,
        (("2023-05-22", "2023-05-31"), ("2022-02-24", "2022-03-05")),  # as long as it was
    ],
)
def test_play_starts_from_the_window_or_again_from_the_beginning(
    window: tuple[Any, Any], expected: tuple[str, str]
) -> None:
    from geo.view.session import first_frame

    dates = tuple(d if isinstance(d, dt.date) else dt.date.fromisoformat(d) for d in window)
    start = first_frame((dates[0], dates[1]), BOUNDS)
    assert start == (dt.date.fromisoformat(expected[0]), dt.date.fromisoformat(expected[1]))


class _Run:
    """A script run's context as Streamlit gives it: a player's tick names its fragment."""

    def __init__(self, *fragments: str) -> None:
        self.fragment_ids_this_run = list(fragments)


def test_each_tick_steps_like_later_and_the_last_step_pauses() -> None:
    from geo.view.session import PLAY, PLAY_SECONDS, play_every, play_step, step_window

    session: dict[str, Any] = {"window": (dt.date(2023, 3, 1), dt.date(2023, 3, 31))}
    assert play_every(session) is None  # paused: no ticks at all
    assert not play_step(session, BOUNDS, run=_Run("player"))
    session["step"] = PLAY
    step_window(session, BOUNDS)
    assert session["playing"] is True
    assert session["window"] == (dt.date(2023, 3, 1), dt.date(2023, 3, 31))
    assert play_every(session) == PLAY_SECONDS
    assert not play_step(session, BOUNDS, run=_Run())  # the page's own run
    assert not play_step(session, BOUNDS, run=None)
    assert session["window"] == (dt.date(2023, 3, 1), dt.date(2023, 3, 31))
    assert play_step(session, BOUNDS, run=_Run("player"))
    assert session["window"] == (dt.date(2023, 4, 1), dt.date(2023, 4, 30))
    assert session["playing"] is True
    assert play_step(session, BOUNDS, run=_Run("player"))
    assert session["window"] == (dt.date(2023, 5, 1), dt.date(2023, 5, 31))
    assert session["playing"] is False  # the end of the data: paused on the last step
    assert play_every(session) is None
    assert not play_step(session, BOUNDS, run=_Run("player"))


def test_a_step_by_hand_pauses_and_the_middle_label_says_what_a_click_does() -> None:
    from geo.view.session import PLAY, STEPS, step_control, step_window

    session: dict[str, Any] = {"window": BOUNDS, "step": PLAY}
    control = step_control(session, BOUNDS)
    assert control["format_func"](PLAY) == "▶ Play"
    step_window(session, BOUNDS)
    assert control["format_func"](PLAY) == "⏸ Pause"
    assert control["format_func"](STEPS[1]) == STEPS[1]
    session["step"] = STEPS[1]
    step_window(session, BOUNDS)
    assert "playing" not in session
    assert session["window"] == (dt.date(2022, 3, 1), dt.date(2022, 3, 31))


def test_the_timelines_legend_sits_below_in_as_many_columns_as_fit() -> None:
    from geo.view.page import LEGEND_COLUMN_PX, timeline_chart

    events = gpd.GeoDataFrame(
        {
            "id": ["a", "b"],
            "type": ["missile_launch", "visit"],
            "date_start": ["2023-01-05", "2023-02-07"],
            "date_end": ["2023-01-05", "2023-02-07"],
            "date_precision": ["day", "day"],
        },
        geometry=[Point(0, 0), Point(1, 1)],
        crs="EPSG:4326",
    )
    chart = timeline_chart(events)
    assert chart is not None
    spec = chart.to_dict()
    legend = spec["encoding"]["color"]["legend"]
    assert legend["orient"] == "bottom"
    assert legend["columns"] == {"expr": f"max(1, floor(width / {LEGEND_COLUMN_PX}))"}
    assert spec["autosize"] == {"type": "fit-x", "contains": "padding"}  # grows with its rows
    assert spec["encoding"]["y"]["axis"] == {"format": "d", "tickMinStep": 1}  # whole events


def test_the_player_ticks_only_while_playing_and_runs_the_page_after_a_step() -> None:
    from geo.view.session import PLAY_SECONDS, player

    reruns: list[str] = []
    session: dict[str, Any] = {"window": (dt.date(2023, 4, 1), dt.date(2023, 4, 30))}
    paused = player(session, BOUNDS, lambda: reruns.append("page"), lambda: _Run("player"))
    assert paused["run_every"] is None  # no timer in the browser
    paused["func"]()
    assert reruns == []
    session["playing"] = True
    playing = player(session, BOUNDS, lambda: reruns.append("page"), lambda: _Run("player"))
    assert playing["run_every"] == PLAY_SECONDS
    playing["func"]()
    assert reruns == ["page"]
    assert session["window"] == (dt.date(2023, 5, 1), dt.date(2023, 5, 31))


def test_a_shape_drawn_again_at_a_zoom_is_simplified_once() -> None:
    from shapely.geometry import Point

    from geo.view import map as map_module

    map_module._simplified.cache_clear()
    sea = Point(130.0, 35.0).buffer(3.0, quad_segs=64)
    tolerance = map_module._tolerance(4)
    first = map_module._display_shape(sea, tolerance)
    again = map_module._display_shape(Point(130.0, 35.0).buffer(3.0, quad_segs=64), tolerance)
    assert first == again
    assert first is not again
    assert map_module._simplified.cache_info().hits == 1
    assert first is not None
    first["type"] = "changed by a caller"
    third = map_module._display_shape(sea, tolerance)
    assert third is not None
    assert third["type"] == "Polygon"
    finer = map_module._display_shape(sea, map_module._tolerance(9))
    assert finer is not None
    assert len(finer["coordinates"][0]) >= len(third["coordinates"][0])
