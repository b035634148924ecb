"""The Feeds panel and "new since your last visit" in a real browser (Chromium, 127.0.0.1 only).

One dashboard server for the module, with an editor token and a store that holds one article
before it starts; the feed the editor follows is served by a local :class:`FeedServer`. A
second visit is a new page in the same browser context, so it carries the first visit's
cookie as a returning reader's browser would.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from geo.ingest.pipeline import ingest
from geo.ingest.registry import load_feeds
from geo.places.gazetteer import Gazetteer
from geo.store.store import Store
from geo.text.mentions import PlaceFinder
from geo.view.dataset import load_dataset
from geo.view.fresh import VISIT_COOKIE
from tests import browser
from tests.browser import Dashboard, Tab, map_frame, query_of, wait_idle
from tests.feedserver import FeedServer, serving

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator

pytestmark = pytest.mark.browser
chromium = browser.chromium
tab = browser.tab

EDITOR_TOKEN = "harbour-desk-token"
FIRST_ARTICLE = "Chinese warships conducted exercises in the East China Sea on 6 May 2024.\n"
LATER_ARTICLE = "Russian warships conducted exercises in the Baltic Sea on 8 May 2024.\n"


def ingest_text(store_dir: Path, name: str, text: str, finder: PlaceFinder) -> None:
    path = store_dir.parent / name
    path.write_text(text, encoding="utf-8")
    assert ingest([path], Store.open(store_dir), finder=finder).events == 1


@pytest.fixture(scope="module")
def editor_dashboard(
    chromium: Browser, tmp_path_factory: pytest.TempPathFactory, finder: PlaceFinder
) -> Iterator[Dashboard]:
    root = tmp_path_factory.mktemp("feeds")
    store_dir = root / "store"
    ingest_text(store_dir, "first.txt", FIRST_ARTICLE, finder)
    with Dashboard(store_dir, root / "streamlit.log", editor_token=EDITOR_TOKEN) as server:
        yield server


@pytest.fixture(scope="module")
def feed_server() -> Iterator[FeedServer]:
    with serving() as running:
        yield running


def feeds_panel(tab: Tab) -> Locator:
    """Open the "Feeds" expander and return it."""
    page = tab.page
    page.get_by_text("Feeds", exact=True).click()
    return page.get_by_test_id("stExpander").filter(has=page.get_by_text("Feeds", exact=True))


def give_token(panel: Locator, token: str) -> None:
    field = panel.get_by_label("Editor token", exact=True)
    field.fill(token)
    field.press("Enter")


def test_an_editor_follows_a_feed_with_the_token(
    tab: Tab, editor_dashboard: Dashboard, feed_server: FeedServer
) -> None:
    tab.open(editor_dashboard.url)
    panel = feeds_panel(tab)
    give_token(panel, EDITOR_TOKEN)
    panel.get_by_role("button", name="Follow this feed").wait_for()
    address = feed_server.url("/harbour.rss")
    panel.get_by_label("Feed address", exact=True).fill(address)
    panel.get_by_label("Name", exact=True).fill("Harbour desk")
    panel.get_by_label("Every", exact=True).fill("2h")
    panel.get_by_role("button", name="Follow this feed").click()
    panel.get_by_text("Following 'Harbour desk' every 2h").wait_for()
    (feed,) = load_feeds(editor_dashboard.store_dir)
    assert (feed.url, feed.name, feed.every) == (address, "Harbour desk", 7200)
    assert feed_server.hits == {}  # following fetches nothing; a poll does

    panel.get_by_label("Feed address", exact=True).fill("harbour.example/rss")
    panel.get_by_role("button", name="Follow this feed").click()
    panel.get_by_text("is not a web address").wait_for()
    assert len(load_feeds(editor_dashboard.store_dir)) == 1
    assert tab.blocked == []
    assert tab.errors == []


def test_a_wrong_token_is_refused_and_opens_nothing(tab: Tab, editor_dashboard: Dashboard) -> None:
    tab.open(editor_dashboard.url)
    panel = feeds_panel(tab)
    give_token(panel, "not-the-token")
    panel.get_by_text("That is not the editor token").wait_for()
    wait_idle(tab.page)
    assert panel.get_by_role("button", name="Follow this feed").count() == 0
    assert panel.get_by_role("button", name="Poll now").count() == 0
    assert tab.errors == []


def visit_cookie(tab: Tab) -> dict[str, Any] | None:
    return next((c for c in tab.context.cookies() if c["name"] == VISIT_COOKIE), None)


def test_a_second_visit_counts_and_rings_what_came_in_since_the_first(
    tab: Tab, editor_dashboard: Dashboard, finder: PlaceFinder, gazetteer: Gazetteer
) -> None:
    page = tab.page
    tab.open(editor_dashboard.url)
    page.wait_for_function(
        f"() => document.cookie.includes('{VISIT_COOKIE}=')", timeout=browser.WAIT_MS
    )
    first = visit_cookie(tab)
    assert first is not None
    assert page.get_by_text("since your last visit").count() == 0  # a first visit

    ingest_text(editor_dashboard.store_dir, "later.txt", LATER_ARTICLE, finder)
    data = load_dataset(gazetteer, store_dir=editor_dashboard.store_dir)
    newest = data.articles.set_index("id")["ingested_at"].idxmax()
    (new_event,) = data.events[data.events["article_id"] == newest].itertuples()
    where = f"?lat={new_event.geometry.y:.3f}&lon={new_event.geometry.x:.3f}&z=7"

    page.goto(editor_dashboard.url + where)  # the same browser comes back: a second visit
    frame = map_frame(page)
    page.get_by_text("1 new event since your last visit").wait_for()
    ringed = f".leaflet-marker-pane .fl-event.fl-new[data-fl-id='{new_event.id}']"
    frame.wait_for_selector(ringed, state="attached")
    assert frame.locator(".leaflet-marker-pane .fl-new").count() == 1
    assert set(query_of(page.url)) <= {"v", "lat", "lon", "z", "layers"}  # no visit in links
    assert query_of(page.url)["v"] == data.version
    later = visit_cookie(tab)
    assert later is not None
    assert int(later["value"]) > int(first["value"])

    page.goto(editor_dashboard.url)  # a third visit: nothing new since the second
    map_frame(page)
    wait_idle(page)
    assert page.get_by_text("since your last visit").count() == 0
    assert tab.blocked == []
    assert tab.errors == []
