"""What is new since a reader's last visit: the cookie read and written, the count, the shading."""

from __future__ import annotations

import datetime
import re

import geopandas as gpd
import pandas as pd  # type: ignore[import-untyped]  # no pandas-stubs in the environment
import pytest
from shapely.geometry import Point

from geo.places.gazetteer import Gazetteer
from geo.view import page as views
from geo.view.fresh import (
    VISIT_COOKIE,
    News,
    Visit,
    banner,
    begin_visit,
    news_since,
    remember_visit,
)
from geo.view.map import MapLayers
from geo.view.state import ViewState

UTC = datetime.UTC
NOW = datetime.datetime(2024, 5, 10, 12, 0, tzinfo=UTC)
YESTERDAY = NOW - datetime.timedelta(days=1)


def micros(moment: datetime.datetime) -> str:
    epoch = datetime.datetime(1970, 1, 1, tzinfo=UTC)
    return str((moment - epoch) // datetime.timedelta(microseconds=1))


ARTICLES = pd.DataFrame(
    {
        "id": ["art-seed", "art-old", "art-new-1", "art-new-2"],
        "ingested_at": pd.to_datetime(
            [None, "2024-05-01T08:00:00Z", "2024-05-10T09:00:00Z", "2024-05-10T10:00:00Z"],
            utc=True,
        ),
    }
)
EVENTS = pd.DataFrame(
    {
        "id": ["ev-seed", "ev-old", "ev-new-a", "ev-new-b", "ev-new-c"],
        "article_id": ["art-seed", "art-old", "art-new-1", "art-new-1", "art-new-2"],
    }
)


def test_a_first_visit_has_nothing_new() -> None:
    visit = begin_visit({}, now=NOW)
    assert visit == Visit(None, NOW)
    news = news_since(visit, EVENTS, ARTICLES)
    assert news.count == 0
    assert news.message() == ""


def test_the_last_visit_is_read_from_the_cookie_and_counts_what_came_after() -> None:
    visit = begin_visit({VISIT_COOKIE: micros(YESTERDAY)}, now=NOW)
    assert visit.previous == YESTERDAY
    news = news_since(visit, EVENTS, ARTICLES)
    assert news.event_ids == {"ev-new-a", "ev-new-b", "ev-new-c"}
    assert news.articles == 2
    assert news.message().startswith("3 new events since your last visit (2 articles)")
    one = News(YESTERDAY, frozenset({"ev-new-c"}), 1)
    assert one.message().startswith("1 new event since your last visit (1 article)")


@pytest.mark.parametrize(
    "value",
    [
        "",
        "yesterday",
        "-5",
        "1e9",
        "12 34",
        '1"; alert(1); "',
        "9" * 30,  # far too long
        "1000",  # 1970: not ours
        micros(NOW + datetime.timedelta(days=30)),  # from another clock
    ],
)
def test_a_cookie_that_is_not_ours_is_no_visit(value: str) -> None:
    assert begin_visit({VISIT_COOKIE: value}, now=NOW).previous is None


def test_the_cookie_keeps_the_later_of_the_visit_and_the_newest_article_on_the_page() -> None:
    script = remember_visit(Visit(None, NOW), ARTICLES)
    assert f'document.cookie = "{VISIT_COOKIE}={micros(NOW)}; Max-Age=' in script
    assert "Path=/" in script
    early = datetime.datetime(2024, 5, 10, 9, 30, tzinfo=UTC)
    newest = datetime.datetime(2024, 5, 10, 10, 0, tzinfo=UTC)
    assert f"{VISIT_COOKIE}={micros(newest)};" in remember_visit(Visit(None, early), ARTICLES)
    # only digits go into the script
    value = re.search(rf"{VISIT_COOKIE}=([^;]*);", script)
    assert value is not None
    assert value.group(1).isdigit()


def test_the_banner_says_the_count_and_always_keeps_the_visit() -> None:
    visit = begin_visit({VISIT_COOKIE: micros(YESTERDAY)}, now=NOW)
    shown = banner(news_since(visit, EVENTS, ARTICLES), visit, ARTICLES)
    assert "3 new events since your last visit" in shown
    assert "<script>" in shown
    quiet = banner(News(None), Visit(None, NOW), ARTICLES)
    assert "since your last visit" not in quiet
    assert quiet.startswith("<script>")


def test_new_events_are_shaded_green_in_the_list_and_the_selected_one_orange() -> None:
    table = pd.DataFrame({"id": ["ev-old", "ev-new-a", "ev-new-b"], "when": ["a", "b", "c"]})
    styled = views.highlighted(table, "ev-new-b", fresh={"ev-new-a", "ev-new-b"})
    cells = styled._compute().ctx  # (row, column) -> [(property, value)]
    assert ("background-color", "#dcefdc") not in cells[(0, 0)]
    assert ("background-color", "#dcefdc") in cells[(1, 0)]
    assert ("background-color", "#f6dccf") in cells[(2, 0)]  # the selection wins


def test_map_layers_carry_the_new_events_and_the_offline_page_drops_them(
    gazetteer: Gazetteer,
) -> None:
    events = gpd.GeoDataFrame(
        {"id": ["ev-new-a"], "type": ["exercise"], "date_start": [None], "date_end": [None]},
        geometry=[Point(130.0, 35.0)],
        crs="EPSG:4326",
    )
    layers = MapLayers(events=events, fresh=frozenset({"ev-new-a"}))
    page = views.offline_page(layers, ViewState(), gazetteer, views.Names({}, {}))
    assert "ev-new-a" in page
    assert "fl-type-exercise fl-new" not in page  # a file for others shows no one's visit
