"""How a view changes in a real browser: Back and Forward, popups at the map's edge, the list
following the map's selection, a phone's screen, the time slider, dates as precise as known.

One server for the module, its store holding the seeds plus one article; each test opens a
fresh browser context whose requests to any other host are aborted (``tests/browser.py``).
What a view should show comes from the pure functions the dashboard calls, computed here.
"""

from __future__ import annotations

import contextlib
import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from geo.ingest.pipeline import ingest
from geo.places.gazetteer import Gazetteer
from geo.store.store import Store
from geo.text.mentions import PlaceFinder
from geo.view.dataset import Dataset, load_dataset
from geo.view.page import event_table, events_within, visible_events
from geo.view.state import DEFAULT_VIEW, ViewState
from tests import browser
from tests.browser import (
    EVENT_MARKERS,
    MAP_IFRAME,
    ZONE_PATHS,
    Dashboard,
    Tab,
    degrees_per_pixel,
    drag_map,
    event_ids,
    map_view,
    marker_ids,
    nearest_clickable_marker,
    open_tab,
    query_of,
    round_trip_centre,
    same_place,
    wait_idle,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Frame, Page, ViewportSize

pytestmark = pytest.mark.browser
chromium = browser.chromium
dashboard = browser.dashboard
tab = browser.tab

ARTICLE = """---
title: Coast guard ships near the Senkakus
outlet: Harbour Desk
published: 2023-04-05
---

Chinese coast guard ships sailed into the waters around the Senkaku Islands on 3 April 2023,
the Japanese coast guard said.
"""
DEFAULT_CENTRE = (DEFAULT_VIEW.lat, DEFAULT_VIEW.lon)
PHONE: ViewportSize = {"width": 400, "height": 800}


@pytest.fixture(scope="module")
def dashboard_store(tmp_path_factory: pytest.TempPathFactory, finder: PlaceFinder) -> Path:
    """Seeds plus one article, so the page opens on a store (and says nothing about it)."""
    root = tmp_path_factory.mktemp("views")
    article = root / "senkaku.md"
    article.write_text(ARTICLE, encoding="utf-8")
    store_dir = root / "store"
    report = ingest([article], Store.open(store_dir), finder=finder)
    assert report.events >= 1, report.summary()
    return store_dir


@pytest.fixture(scope="module")
def dataset(dashboard_store: Path, gazetteer: Gazetteer) -> Dataset:
    return load_dataset(gazetteer, store_dir=dashboard_store)


def click_in_sidebar(tab: Tab, label: str) -> None:
    tab.page.get_by_test_id("stSidebar").get_by_text(label, exact=True).click()


def sidebar_checkbox(tab: Tab, label: str) -> Any:
    return tab.page.get_by_test_id("stSidebar").get_by_role("checkbox", name=label, exact=True)


def settle(page: Page) -> None:
    """Wait for the script, then for the rerun the map's report of its move may cause."""
    wait_idle(page)
    page.wait_for_timeout(1_500)
    wait_idle(page)


def click_marker(frame: Frame, feature_id: str) -> None:
    frame.locator(f".leaflet-marker-pane [data-fl-id='{feature_id}']").click()


def map_bounds(frame: Frame) -> tuple[float, float, float, float]:
    west, south, east, north = frame.evaluate(
        "() => { const b = map.getBounds();"
        " return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; }"
    )
    return float(west), float(south), float(east), float(north)


# ---------------------------------------------------------------------------------------------
# Back and Forward


def test_back_undoes_the_last_change_of_the_view_and_forward_redoes_it(
    tab: Tab, dashboard: Dashboard
) -> None:
    page = tab.page
    tab.context.add_init_script("window.flEntriesAtLoad = history.length;")
    frame = tab.open(dashboard.url)
    page.wait_for_url(lambda url: "v" in query_of(url))
    settle(page)
    start = page.evaluate("() => history.length")
    assert start == page.evaluate("() => window.flEntriesAtLoad")  # writing `v` is no step
    zones = frame.locator(ZONE_PATHS).count()
    assert zones > 0

    click_in_sidebar(tab, "Tension zones")
    page.wait_for_url(lambda url: query_of(url).get("layers") == "events,offices")
    settle(page)
    picked = nearest_clickable_marker(frame)
    click_marker(frame, picked)
    page.wait_for_url(lambda url: query_of(url).get("sel") == picked)
    settle(page)
    before = query_of(page.url)
    drag_map(page, frame, 120, 70)  # a pan replaces the address: no step of its own
    page.wait_for_url(lambda url: query_of(url).get("lat") != before.get("lat"))
    settle(page)
    assert page.evaluate("() => history.length") == start + 2

    page.go_back()  # the selection is undone; the map goes back where it was
    page.wait_for_url(lambda url: "sel" not in query_of(url))
    settle(page)
    query = query_of(page.url)
    assert query.get("layers") == "events,offices"
    assert "sel" not in query  # the app did not write its newer view back
    assert frame.locator(".fl-selected").count() == 0
    assert frame.locator(ZONE_PATHS).count() == 0
    assert not sidebar_checkbox(tab, "Tension zones").is_checked()
    lat, lon, zoom = map_view(frame)
    lat_link, lon_link = round_trip_centre(query, DEFAULT_CENTRE)
    assert same_place(lat, lat_link, 2 * degrees_per_pixel(zoom))
    assert same_place(lon, lon_link, 2 * degrees_per_pixel(zoom))

    page.go_back()  # the layer comes back
    page.wait_for_url(lambda url: "layers" not in query_of(url))
    frame.wait_for_function(f"() => document.querySelectorAll({ZONE_PATHS!r}).length === {zones}")
    settle(page)
    assert "layers" not in query_of(page.url)
    assert sidebar_checkbox(tab, "Tension zones").is_checked()

    page.go_forward()
    page.wait_for_url(lambda url: query_of(url).get("layers") == "events,offices")
    frame.wait_for_function(f"() => !document.querySelector({ZONE_PATHS!r})")
    settle(page)
    assert query_of(page.url).get("layers") == "events,offices"
    assert not sidebar_checkbox(tab, "Tension zones").is_checked()
    assert tab.errors == []
    assert tab.blocked == []


# ---------------------------------------------------------------------------------------------
# popups


_POPUP_AND_MAP_JS = """
() => {
    const popup = document.querySelector('.leaflet-popup').getBoundingClientRect();
    const box = map.getContainer().getBoundingClientRect();
    return [[popup.left, popup.top, popup.right, popup.bottom],
            [box.left, box.top, box.right, box.bottom]];
}
"""

_POPUP_INSIDE_JS = f"""
() => {{
    const [popup, box] = ({_POPUP_AND_MAP_JS.strip()})();
    return popup[0] >= box[0] && popup[1] >= box[1] && popup[2] <= box[2] && popup[3] <= box[3];
}}
"""

_CENTRE_PUTTING_JS = """
([id, below]) => {
    map.invalidateSize();
    let at = null;
    map.eachLayer(layer => { if (layer.options && layer.options.flId === id) at = layer; });
    const zoom = map.getZoom();
    const centre = map.unproject(
        map.project(at.getLatLng(), zoom).add([0, map.getSize().y / 2 - below]), zoom);
    return [centre.lat, centre.lng, zoom];
}
"""


def test_a_popup_near_the_maps_edge_opens_wholly_inside_the_map(
    tab: Tab, dashboard: Dashboard
) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    page = tab.page
    frame = tab.open(dashboard.url)
    picked = nearest_clickable_marker(frame)
    # a link selecting the event with the map centred so that it sits 30 px under the top
    lat, lon, zoom = frame.evaluate(_CENTRE_PUTTING_JS, [picked, 30])
    frame = tab.open(f"{dashboard.url}?sel={picked}&lat={lat:.4f}&lon={lon:.4f}&z={zoom}")
    frame.locator(".leaflet-popup").wait_for()
    with contextlib.suppress(PlaywrightTimeoutError):  # the map pans once its frame settles
        frame.wait_for_function(_POPUP_INSIDE_JS, timeout=20_000)
    settle(page)
    (left, top, right, bottom), (west, north, east, south) = frame.evaluate(_POPUP_AND_MAP_JS)
    assert west <= left
    assert north <= top, "the popup is cut at the top of the map"
    assert right <= east
    assert bottom <= south
    assert query_of(page.url)["sel"] == picked
    assert tab.errors == []


# ---------------------------------------------------------------------------------------------
# the list follows the map


_SCROLLER_JS = """
() => {
    const grid = document.querySelector('[data-testid=stMain] [data-testid=stDataFrame]');
    const scroller = grid.querySelector('.dvn-scroller');
    const lines = Number(grid.querySelector('table[aria-rowcount]').getAttribute('aria-rowcount'));
    return [scroller.scrollTop, scroller.clientHeight, scroller.scrollHeight / lines];
}
"""

_CLICKABLE_JS = """
(ids) => ids.filter(id => {
    const el = document.querySelector(`.leaflet-marker-pane [data-fl-id='${id}']`);
    const box = map.getContainer().getBoundingClientRect(), r = el.getBoundingClientRect();
    const x = r.left + r.width / 2, y = r.top + r.height / 2;
    if (x < box.left + 30 || x > box.right - 30 || y < box.top + 30 || y > box.bottom - 30) {
        return false;
    }
    const top = document.elementFromPoint(x, y);
    return top && (top === el || el.contains(top));
})
"""


def listed_rows(dataset: Dataset, frame: Frame) -> dict[str, int]:
    """Each event id of the list (events in view, newest first) → its row."""
    table = event_table(events_within(visible_events(dataset, DEFAULT_VIEW), map_bounds(frame)))
    return {str(event_id): row for row, event_id in enumerate(table["id"])}


def test_an_event_selected_on_the_map_is_scrolled_into_view_in_the_list(
    tab: Tab, dashboard: Dashboard, dataset: Dataset
) -> None:
    page = tab.page
    frame = tab.open(dashboard.url)
    settle(page)
    scroll_top, height, row_height = page.evaluate(_SCROLLER_JS)
    assert scroll_top == 0
    shown = int((height - row_height) // row_height)  # rows under the header, unscrolled
    rows = listed_rows(dataset, frame)
    clickable = frame.evaluate(_CLICKABLE_JS, sorted(marker_ids(frame, EVENT_MARKERS)))
    below = [i for i in clickable if rows.get(i, -1) >= shown]
    assert below, f"no marker on the map is listed below row {shown}: {rows}, {clickable}"
    picked = max(below, key=rows.__getitem__)

    click_marker(frame, picked)
    page.wait_for_url(lambda url: query_of(url).get("sel") == picked)
    settle(page)
    row = listed_rows(dataset, frame).get(picked)  # the map may have moved for the popup
    assert row is not None
    assert row >= shown
    scroll_top, height, row_height = page.evaluate(_SCROLLER_JS)
    top = (row + 1) * row_height  # the header is the first line
    assert scroll_top + row_height <= top + 1, (row, scroll_top)
    assert top + row_height <= scroll_top + height + 1, (row, scroll_top)
    grid = page.get_by_test_id("stMain").get_by_test_id("stDataFrame").first
    assert grid.locator(f"tr[aria-rowindex='{row + 2}']").count() == 1  # drawn, hence shown
    assert tab.errors == []


# ---------------------------------------------------------------------------------------------
# a phone


def test_on_a_phone_the_list_and_the_share_link_follow_a_shorter_map(
    chromium: Browser, dashboard: Dashboard
) -> None:
    phone = open_tab(chromium, viewport=PHONE)
    try:
        frame = phone.open(dashboard.url)
        settle(phone.page)
        page = phone.page
        element = page.query_selector(MAP_IFRAME)
        assert element is not None
        drawn = element.bounding_box()
        share = page.get_by_test_id("stCode").bounding_box()
        listed = page.get_by_test_id("stMain").get_by_test_id("stDataFrame").first.bounding_box()
        assert drawn is not None
        assert share is not None
        assert listed is not None
        screens = 2 * PHONE["height"]
        assert share["y"] + share["height"] <= screens, f"the share link ends at {share}"
        assert drawn["y"] + drawn["height"] <= listed["y"] < screens
        assert drawn["height"] <= PHONE["height"] / 2 + 1
        width, height = frame.evaluate("() => [map.getSize().x, map.getSize().y]")
        assert (width, height) == (round(drawn["width"]), round(drawn["height"]))
        assert len(event_ids(frame)) > 0
        assert phone.blocked == []
        assert phone.errors == []
    finally:
        phone.close()


# ---------------------------------------------------------------------------------------------
# the time slider


_SETTLED_SLIDER_JS = """
() => {
    const values = [...document.querySelectorAll(
        '[data-testid=stSidebar] [data-testid=stSliderThumbValue]')].map(e => e.innerText);
    const query = new URLSearchParams(location.search);
    return values.length === 2 && values[1] === query.get('to')
        && document.querySelector('[data-testid=stApp]').dataset.testScriptState === 'notRunning';
}
"""


def test_after_keyboard_steps_the_slider_heading_link_and_map_agree(
    tab: Tab, dashboard: Dashboard, dataset: Dataset
) -> None:
    page = tab.page
    frame = tab.open(f"{dashboard.url}?from=2022-06-01&to=2023-04-30")
    end = page.get_by_test_id("stSidebar").get_by_role("slider").nth(1)
    end.focus()
    for _ in range(10):  # as fast as a held key
        page.keyboard.press("ArrowLeft")
        page.wait_for_timeout(30)
    page.wait_for_function(_SETTLED_SLIDER_JS, timeout=30_000)
    settle(page)
    shown = page.get_by_test_id("stSidebar").get_by_test_id("stSliderThumbValue").all_inner_texts()
    assert shown == ["2022-06-01", "2023-04-20"]
    query = query_of(page.url)
    assert [query["from"], query["to"]] == shown
    heading = page.get_by_test_id("stMain").locator("h3").first.inner_text()
    assert f"{shown[0]} – {shown[1]}" in heading, heading
    window = ViewState(
        date_from=datetime.date.fromisoformat(shown[0]),
        date_to=datetime.date.fromisoformat(shown[1]),
    )
    events = visible_events(dataset, window)
    located = events[events.geometry.notna() & ~events.geometry.is_empty]
    assert event_ids(frame) == set(located["id"])
    assert tab.errors == []


# ---------------------------------------------------------------------------------------------
# dates


def test_an_office_opened_in_a_month_is_dated_by_that_month(
    tab: Tab, dashboard: Dashboard, dataset: Dataset
) -> None:
    offices = dataset.offices
    (office_id,) = offices[offices["city"] == "Tokyo"]["id"]  # seeds/offices.yaml: "2023-05"
    frame = tab.open(f"{dashboard.url}?sel={office_id}", settle=False)
    popup = frame.locator(".leaflet-popup")
    popup.wait_for()
    panel = tab.page.get_by_test_id("stMain")
    panel.get_by_text("Since:").wait_for()
    assert "Since May 2023" in popup.inner_text()
    assert "Since: May 2023" in panel.inner_text()
    assert "2023-05-01" not in popup.inner_text() + panel.inner_text()


def test_stepping_through_time_walks_the_window_and_back_steps_back(
    tab: Tab, dashboard: Dashboard, dataset: Dataset
) -> None:
    page = tab.page
    frame = tab.open(f"{dashboard.url}?from=2023-03-01&to=2023-03-31")
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_role("radio", name="Later ▶").click()
    page.wait_for_url(lambda url: query_of(url).get("from") == "2023-04-01")
    settle(page)
    assert query_of(page.url)["to"] == "2023-04-30"
    shown = sidebar.get_by_test_id("stSliderThumbValue").all_inner_texts()
    assert shown == ["2023-04-01", "2023-04-30"]
    heading = page.get_by_test_id("stMain").locator("h3").first.inner_text()
    assert "2023-04-01 – 2023-04-30" in heading, heading
    april = ViewState(date_from=datetime.date(2023, 4, 1), date_to=datetime.date(2023, 4, 30))
    events = visible_events(dataset, april)
    assert event_ids(frame) == set(events[events.geometry.notna()]["id"])

    page.go_back()  # a step is a change of the view like any other
    page.wait_for_url(lambda url: query_of(url).get("from") == "2023-03-01")
    settle(page)
    assert sidebar.get_by_test_id("stSliderThumbValue").all_inner_texts() == [
        "2023-03-01",
        "2023-03-31",
    ]
    assert tab.errors == []


# ---------------------------------------------------------------------------------------------
# playing through time

_SCRIPT_STATE_JS = "() => document.querySelector('[data-testid=stApp]').dataset.testScriptState"


def runs_within(page: Page, seconds: float) -> int:
    """Return how many times the script started running within `seconds` (sampled)."""
    started, running = 0, False
    for _ in range(int(seconds * 20)):
        now = page.evaluate(_SCRIPT_STATE_JS) == "running"
        started += now and not running
        running = now
        page.wait_for_timeout(50)
    return started


def shows_window(tab: Tab, frame: Frame, dataset: Dataset, window: tuple[str, str]) -> None:
    """Assert that the slider, the heading and the map all show `window`."""
    sidebar = tab.page.get_by_test_id("stSidebar")
    assert sidebar.get_by_test_id("stSliderThumbValue").all_inner_texts() == list(window)
    heading = tab.page.get_by_test_id("stMain").locator("h3").first.inner_text()
    assert f"{window[0]} – {window[1]}" in heading, heading
    view = ViewState(
        date_from=datetime.date.fromisoformat(window[0]),
        date_to=datetime.date.fromisoformat(window[1]),
    )
    events = visible_events(dataset, view)
    assert event_ids(frame) == set(events[events.geometry.notna()]["id"])


def test_playing_steps_the_window_and_pausing_leaves_a_link_to_that_step(
    chromium: Browser, tab: Tab, dashboard: Dashboard, dataset: Dataset
) -> None:
    from geo.view.session import PLAY_SECONDS

    page = tab.page
    frame = tab.open(f"{dashboard.url}?from=2022-11-01&to=2022-11-30")
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_role("radio", name="Play").click()
    heading = page.get_by_test_id("stMain").locator("h3").first
    heading.filter(has_text="2022-12-01 – 2022-12-31").wait_for(timeout=20_000)
    page.wait_for_url(lambda url: query_of(url).get("from") == "2022-12-01")  # link follows
    page.wait_for_url(lambda url: query_of(url).get("from") == "2023-01-01", timeout=20_000)
    sidebar.get_by_role("radio", name="Pause").click()
    sidebar.get_by_role("radio", name="Play").wait_for()
    settle(page)
    paused = query_of(page.url)
    assert paused["from"] in ("2023-01-01", "2023-02-01")  # a tick may beat the click
    window = (paused["from"], paused["to"])
    shows_window(tab, frame, dataset, window)
    address = page.url
    assert runs_within(page, 3 * PLAY_SECONDS) == 0  # paused: nothing runs again
    assert page.url == address

    other = open_tab(chromium)  # the paused step's link opens that step, paused
    try:
        reopened = other.open(address)
        settle(other.page)
        shows_window(other, reopened, dataset, window)
        other.page.get_by_test_id("stSidebar").get_by_role("radio", name="Play").wait_for()
        assert runs_within(other.page, 2 * PLAY_SECONDS) == 0
        assert other.errors == []
    finally:
        other.close()
    assert tab.errors == []
    assert tab.blocked == []


def test_playing_stops_at_the_end_of_the_data(tab: Tab, dashboard: Dashboard) -> None:
    from geo.view.session import PLAY_SECONDS

    page = tab.page
    tab.open(f"{dashboard.url}?from=2023-03-01&to=2023-03-31")
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_role("radio", name="Play").click()
    page.wait_for_url(lambda url: query_of(url).get("from") == "2023-05-01", timeout=30_000)
    sidebar.get_by_role("radio", name="Play").wait_for()  # paused by itself
    settle(page)
    assert "to" not in query_of(page.url)  # the last month runs to the data's last day
    address = page.url
    assert runs_within(page, 3 * PLAY_SECONDS) == 0
    assert page.url == address
    assert tab.errors == []


# ---------------------------------------------------------------------------------------------
# the timeline on a phone

_LEGEND_JS = """
() => {
    const chart = document.querySelector('[data-testid=stVegaLiteChart]');
    const box = chart.getBoundingClientRect();
    return [...chart.querySelectorAll('.role-legend-label text')].map(text => {
        const r = text.getBoundingClientRect();
        return {
            text: text.textContent,
            inside: r.left >= box.left && r.right <= box.right
                && r.top >= box.top && r.bottom <= box.bottom && r.height > 0,
        };
    });
}
"""


def test_on_a_phone_the_timelines_legend_shows_every_type_whole(
    chromium: Browser, dashboard: Dashboard, dataset: Dataset
) -> None:
    from geo.view.page import timeline

    phone = open_tab(chromium, viewport=PHONE)
    try:
        phone.open(dashboard.url)
        settle(phone.page)
        chart = phone.page.get_by_test_id("stVegaLiteChart").first
        chart.scroll_into_view_if_needed()
        labels = phone.page.evaluate(_LEGEND_JS)
        dated = timeline(visible_events(dataset, DEFAULT_VIEW)).columns
        assert sorted(label["text"] for label in labels) == sorted(dated)
        assert all(label["inside"] for label in labels), labels  # none cut by the chart's edge
        assert not any(label["text"].endswith("…") for label in labels)
        assert phone.errors == []
    finally:
        phone.close()


# ---------------------------------------------------------------------------------------------
# earlier events the articles cite

CITING = (
    "---\ntitle: Baltic drills\noutlet: Harbour Desk\npublished: 2024-05-15\n---\n"
    "Russian warships held live-fire drills in the Baltic Sea on Tuesday, the Russian defence "
    "ministry said.\n\nThe drills came two months after Russian bombers flew near the Estonian "
    "island of Saaremaa on 14 March, prompting Tallinn to summon the Russian ambassador.\n"
)


def events_become(tab: Tab, expected: set[str], *, seconds: float = 30.0) -> bool:
    """Wait until the map shows exactly `expected` events; return whether it did."""
    for _ in range(int(seconds * 4)):
        wait_idle(tab.page)
        if event_ids(browser.map_frame(tab.page)) == expected:
            return True
        tab.page.wait_for_timeout(250)
    return False


def test_earlier_events_cited_can_be_hidden_and_shown_again_with_the_link_following(
    tab: Tab, tmp_path: Path, finder: PlaceFinder, gazetteer: Gazetteer
) -> None:
    article = tmp_path / "citing.md"
    article.write_text(CITING, encoding="utf-8")
    store_dir = tmp_path / "store"
    assert ingest([article], Store.open(store_dir), finder=finder).events == 3
    events = load_dataset(gazetteer, store_dir=store_dir).events
    cited = set(events[events["role"] == "context"]["id"])
    assert len(cited) == 2
    with Dashboard(store_dir, tmp_path / "streamlit.log") as server:
        frame = tab.open(server.url)
        shown = event_ids(frame)
        assert cited <= shown
        assert sidebar_checkbox(tab, "Show earlier events the articles cite").is_checked()
        click_in_sidebar(tab, "Show earlier events the articles cite")
        tab.page.wait_for_url(lambda url: query_of(url).get("cited") == "0")
        assert events_become(tab, shown - cited)  # drawn alone or inside a cluster disc
        click_in_sidebar(tab, "Show earlier events the articles cite")
        tab.page.wait_for_url(lambda url: "cited" not in query_of(url))
        assert events_become(tab, shown)
        assert tab.errors == []
