"""The dashboard, headless: widgets and URL state stay in step (Streamlit AppTest)."""

import datetime
import re
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from geo.ingest.pipeline import ingest
from geo.ingest.registry import load_feeds
from geo.store.store import Store
from geo.text.mentions import PlaceFinder
from geo.view import fresh, session
from geo.view.dataset import store_version
from tests.feedserver import Reply, page, rss, serving

DASHBOARD = str(Path(__file__).resolve().parents[1] / "dashboard.py")


@pytest.fixture(autouse=True)
def empty_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    store = tmp_path / "store"
    monkeypatch.setenv("FAULTLINES_STORE", str(store))
    monkeypatch.delenv("FAULTLINES_EDITOR_TOKEN", raising=False)
    return store


def test_a_browser_gets_the_map_before_the_rest_of_the_page_until_the_map_reports() -> None:
    browser = {"Host": "127.0.0.1", "User-Agent": "Mozilla/5.0"}
    assert session.map_comes_first({}, browser)
    assert session.map_comes_first({"view": object()}, browser)  # no report yet
    assert not session.map_comes_first({"map": {"zoom": 4}}, browser)  # it has reported
    assert not session.map_comes_first({"map": {}}, {"user-agent": "x"})
    assert not session.map_comes_first({}, {})  # no browser (AppTest): everything at once


def test_a_run_with_no_browser_draws_the_whole_page_at_once() -> None:
    at = AppTest.from_file(DASHBOARD, default_timeout=120).run()
    assert not at.exception
    assert [s.value for s in at.subheader][-1] == "Share this view"  # the side column is drawn
    assert at.code  # the share link


def param(at: AppTest, key: str) -> str:
    value = at.query_params[key]
    return value[-1] if isinstance(value, list) else value


def app(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(DASHBOARD, default_timeout=120)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def matching(at: AppTest) -> int:
    """Return how many events match the view's filters, from the list's heading."""
    heading = at.subheader[0].value
    found = re.search(r"of (\d+) that match", heading) or re.match(r"(\d+) events", heading)
    assert found, heading
    return int(found.group(1))


def test_the_list_holds_what_the_map_shows_unless_asked_for_every_match() -> None:
    at = app()
    in_view = int(at.subheader[0].value.split()[0])
    assert 0 < in_view < matching(at) == 14  # the default view shows East Asia, not Europe
    at.toggle(key="list_all").set_value(True).run()
    assert not at.exception
    first, last = at.slider(key="window").value
    assert at.subheader[0].value == f"14 events match the filters, {first} – {last}"


def test_default_view_shows_the_bundled_seeds_without_errors() -> None:
    at = app()
    assert not at.exception
    assert at.title[0].value == "Faultlines"
    assert matching(at) == 14
    labels = [c.label for c in at.checkbox]
    assert labels[:4] == ["Events", "Liaison offices", "Tension zones", "Places mentioned"]
    assert at.checkbox(key="layer_events").value
    assert not at.checkbox(key="layer_places").value
    assert set(at.query_params) == {"v"}


def test_toggling_a_layer_writes_the_url() -> None:
    at = app()
    at.checkbox(key="layer_zones").uncheck().run()
    assert not at.exception
    assert param(at, "layers") == "events,offices"


def test_unticking_an_event_type_filters_the_list_and_the_url() -> None:
    at = app()
    at.checkbox(key="type_exercise").uncheck().run()
    assert "types" in at.query_params
    assert "exercise" not in param(at, "types")
    assert matching(at) == 12  # two curated exercises hidden


def test_a_link_sets_the_widgets() -> None:
    at = app(
        {
            "layers": "events,places",
            "types": "exercise,missile_launch",
            "from": "2023-03-01",
            "to": "2023-04-30",
            "z": "6",
            "lat": "40",
            "lon": "135",
        }
    )
    assert not at.exception
    assert not at.warning
    assert at.checkbox(key="layer_places").value
    assert not at.checkbox(key="layer_zones").value
    assert at.checkbox(key="type_exercise").value
    assert not at.checkbox(key="type_visit").value
    assert matching(at) == 2
    assert param(at, "z") == "6"
    assert param(at, "from") == "2023-03-01"


def test_the_time_window_filters_events() -> None:
    at = app()
    at.slider(key="window").set_value((datetime.date(2023, 3, 1), datetime.date(2023, 3, 31))).run()
    assert not at.exception
    assert matching(at) == 3
    assert param(at, "from") == "2023-03-01"


@pytest.mark.parametrize(
    "query",
    [
        {"lat": "<script>alert(1)</script>", "z": "999"},
        {"layers": "nope", "types": "javascript:alert(1)"},
        {"from": "2023-13-45", "sel": "../../etc/passwd", "v": "zzz"},
        {"q": "\u202eevil\x00", "basemap": "http://evil.example/{z}/{x}/{y}.png"},
    ],
)
def test_hostile_links_open_with_defaults_and_a_warning(query: dict[str, str]) -> None:
    at = app(query)
    assert not at.exception
    assert at.warning, "a bad parameter must be named in a warning"
    assert "events in view" in at.subheader[0].value
    for warning in at.warning:
        assert "<script>" not in warning.value


def test_search_moves_to_the_place_and_typos_get_suggestions() -> None:
    at = app()
    at.text_input(key="query").input("East Sea").run()
    assert not at.exception
    assert param(at, "q") == "East Sea"
    assert float(param(at, "lat")) > 35
    at.text_input(key="query").input("Senkaku Iislands").run()
    assert any("Senkaku Iislands" in w.value for w in at.warning)
    near = [b for b in at.button if b.label == "Senkaku Islands"]
    assert near, "a close match is offered as a button"
    near[0].click().run()
    assert param(at, "q") == "Senkaku Islands"


def test_a_short_form_finds_the_one_place_it_begins() -> None:
    at = app()
    at.text_input(key="query").input("Senkaku").run()
    assert not at.exception
    assert not at.warning
    assert 25 < float(param(at, "lat")) < 27


def test_a_pinned_version_that_is_gone_shows_current_data_with_a_notice() -> None:
    at = app({"v": "abcdef123456"})
    assert not at.exception
    assert any("abcdef123456" in i.value for i in at.info)


def test_adding_articles_is_off_without_an_editor_token() -> None:
    at = app()
    assert any("turned off" in i.value for i in at.info)
    assert not at.get("file_uploader")


def test_a_damaged_store_shows_the_bundled_data_and_the_way_out(empty_store: Path) -> None:
    (empty_store / "commits").mkdir(parents=True)
    (empty_store / "tables").mkdir()
    (empty_store / "CURRENT").write_text("not-a-version\n", encoding="utf-8")
    (empty_store / "commits" / "abcdef123456.json").write_text("{broken", encoding="utf-8")
    at = app()
    assert not at.exception
    assert matching(at) == 14
    assert any("store repair" in i.value for i in at.info)


def test_a_store_of_the_older_layout_shows_the_bundled_data_and_the_migration(
    empty_store: Path,
) -> None:
    (empty_store / "versions").mkdir(parents=True)
    (empty_store / "objects").mkdir()
    (empty_store / "CURRENT").write_text("abcdef123456\n", encoding="utf-8")
    at = app()
    assert not at.exception
    assert matching(at) == 14
    assert any("python -m geo store migrate" in i.value for i in at.info)


def test_a_time_window_says_how_many_undated_events_it_hides_and_can_show_them() -> None:
    at = app({"from": "2023-03-01"})
    assert not at.exception
    hidden = [c.value for c in at.caption if "undated event" in c.value]
    assert hidden, [c.value for c in at.caption]
    count = int(re.search(r"(\d+) undated event", hidden[0]).group(1))  # type: ignore[union-attr]
    shown = matching(at)
    at.checkbox(key="undated").check().run()
    assert matching(at) == shown + count
    assert param(at, "undated") == "1"
    assert not any("undated event" in c.value for c in at.caption)


@pytest.mark.parametrize(
    ("query", "widget", "value"),
    [({"actors": "CHN"}, "actors", ["CHN"]), ({"countries": "jp"}, "countries", ["JP"])],
)
def test_actor_and_country_filters_come_from_the_link_and_go_back_to_it(
    query: dict[str, str], widget: str, value: list[str]
) -> None:
    at = app(query)
    assert not at.exception
    assert at.multiselect(key=widget).value == value
    assert 0 < matching(at) < 14
    assert param(at, widget) == value[0]
    at.multiselect(key=widget).set_value([]).run()
    assert matching(at) == 14
    assert widget not in at.query_params


def test_an_actor_unknown_to_the_data_is_kept_and_matches_nothing() -> None:
    at = app({"actors": "XYZ"})
    assert not at.exception
    assert matching(at) == 0


def test_the_panel_highlights_the_place_in_the_quote_and_names_an_offices_sources() -> None:
    from geo.places.gazetteer import load_gazetteer
    from geo.view.dataset import load_dataset

    data = load_dataset(load_gazetteer())
    event = data.events[data.events["place_names"].map(len) > 0].iloc[0]
    at = app({"sel": event["id"]})
    assert not at.exception
    assert any(":orange-background[" in m.value for m in at.markdown)
    office = data.offices[data.offices["article_ids"].map(len) > 0].iloc[0]
    at = app({"sel": office["id"]})
    assert not at.exception
    panel = " ".join(m.value for m in at.markdown)
    assert "Sources:" in panel
    assert not any(str(i) in panel for i in office["article_ids"])


def test_stepping_through_time_moves_the_window_into_the_link() -> None:
    at = app({"from": "2023-03-01", "to": "2023-03-31"})
    at.segmented_control(key="step").set_value("Later ▶").run()
    assert not at.exception
    assert (param(at, "from"), param(at, "to")) == ("2023-04-01", "2023-04-30")
    assert at.segmented_control(key="step").value is None  # ready for the next click
    at.segmented_control(key="step").set_value("◀ Earlier").run()
    at.segmented_control(key="step").set_value("◀ Earlier").run()
    assert (param(at, "from"), param(at, "to")) == ("2023-02-01", "2023-02-28")


def test_play_turns_to_pause_and_only_the_players_ticks_step() -> None:
    at = app({"from": "2023-03-01", "to": "2023-03-31"})
    step = at.segmented_control(key="step")
    assert step.options == ["Earlier", "Later ▶", "Play"]  # a leading symbol is an icon
    step.set_value("▶ Play").run()
    assert not at.exception
    assert at.session_state["playing"] is True
    assert at.segmented_control(key="step").options[-1] == "Pause"
    at.run()  # the page's own runs never step: only the player's ticks do
    assert (param(at, "from"), param(at, "to")) == ("2023-03-01", "2023-03-31")
    assert set(at.query_params) <= {"from", "to", "v", "lat", "lon", "z"}  # links open paused


def test_play_over_all_the_data_starts_at_its_first_month() -> None:
    at = app()
    at.segmented_control(key="step").set_value("▶ Play").run()
    assert not at.exception
    assert at.session_state["playing"] is True
    assert param(at, "to") == "2022-02-28"


# --- the Feeds panel, what is new since the last visit, new store versions -------------------

EDITOR_TOKEN = "feeds-editor-token"
BALTIC = "Russian warships conducted exercises in the Baltic Sea on 6 May 2024.\n"
EAST_CHINA = "Chinese warships conducted exercises in the East China Sea on 8 May 2024.\n"


def ingest_text(store: Path, name: str, text: str, finder: PlaceFinder) -> str:
    """Ingest one article file into `store` as another process would; return the version."""
    path = store.parent / name
    path.write_text(text, encoding="utf-8")
    report = ingest([path], Store.open(store), finder=finder)
    assert report.events == 1, report.summary()
    assert report.version is not None
    return report.version


def feeds_panel(at: AppTest) -> Any:
    (panel,) = [e for e in at.expander if e.label == "Feeds"]
    return panel


def unlock_feeds(at: AppTest, token: str = EDITOR_TOKEN) -> AppTest:
    at.text_input(key="feeds_token").input(token).run()
    assert not at.exception
    return at


def follow(at: AppTest, address: str, *, name: str = "", every: str = "30m") -> AppTest:
    panel = feeds_panel(at)
    panel.text_input[0].input(address)
    panel.text_input[1].input(name)
    panel.text_input[2].input(every)
    next(b for b in panel.button if b.label == "Follow this feed").click().run()
    assert not at.exception
    return at


def test_feeds_are_listed_read_only_without_an_editor_token() -> None:
    at = app()
    panel = feeds_panel(at)
    assert any("Managing feeds is turned off" in i.value for i in panel.info)
    assert list(panel.dataframe[0].value.columns)[:2] == ["name", "address"]
    assert not [b for b in panel.button if b.label == "Follow this feed"]


def test_a_wrong_token_is_refused_and_unlocks_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAULTLINES_EDITOR_TOKEN", EDITOR_TOKEN)
    at = unlock_feeds(app(), "not-the-token")
    panel = feeds_panel(at)
    assert any("not the editor token" in e.value for e in panel.error)
    assert not [b for b in panel.button if b.label == "Follow this feed"]
    assert not at.get("file_uploader")


def test_an_editor_adds_a_feed_with_clear_refusals_and_removes_it(
    monkeypatch: pytest.MonkeyPatch, empty_store: Path
) -> None:
    monkeypatch.setenv("FAULTLINES_EDITOR_TOKEN", EDITOR_TOKEN)
    at = unlock_feeds(app())
    assert at.get("file_uploader"), "one token unlocks both panels"
    follow(at, "example.org/world.rss")
    assert any("is not a web address" in e.value for e in feeds_panel(at).error)
    follow(at, "https://example.org/world.rss", every="10s")
    assert any("too often" in e.value for e in feeds_panel(at).error)
    follow(at, "https://example.org/world.rss", name="World desk", every="2h")
    panel = feeds_panel(at)
    assert any("Following 'World desk' every 2h" in s.value for s in panel.success)
    (row,) = panel.dataframe[0].value.to_dict("records")
    assert (row["name"], row["address"], row["every"]) == (
        "World desk",
        "https://example.org/world.rss",
        "2h",
    )
    follow(at, "https://example.org/world.rss")
    assert any("followed already" in e.value for e in feeds_panel(at).error)
    assert [f.url for f in load_feeds(empty_store)] == ["https://example.org/world.rss"]

    feeds_panel(at).selectbox[0].select("https://example.org/world.rss").run()
    next(b for b in feeds_panel(at).button if b.label == "Stop following it").click().run()
    assert not at.exception
    assert any("No longer following 'World desk'" in s.value for s in feeds_panel(at).success)
    assert load_feeds(empty_store) == []
    assert len(feeds_panel(at).dataframe[0].value) == 0


def test_poll_now_brings_a_feeds_articles_onto_the_map(
    monkeypatch: pytest.MonkeyPatch, empty_store: Path
) -> None:
    monkeypatch.setenv("FAULTLINES_EDITOR_TOKEN", EDITOR_TOKEN)
    with serving() as server:  # on 127.0.0.1 only
        when = "Wed, 08 May 2024 08:00:00 GMT"
        item = {"title": "Baltic drills", "link": server.url("/baltic"), "date": when}
        server.routes["/feed"] = Reply(rss([item]), content_type="application/rss+xml")
        server.routes["/baltic"] = Reply(page("Baltic drills", [BALTIC], site="Harbour Gazette"))
        at = unlock_feeds(app())
        follow(at, server.url("/feed"), name="Harbour", every="1h")
        feeds_panel(at).selectbox[0].select(server.url("/feed")).run()
        next(b for b in feeds_panel(at).button if b.label == "Poll now").click().run()
    assert not at.exception
    panel = feeds_panel(at)
    assert any("1 article\\(s\\) added" in s.value for s in panel.success), panel.success
    (feed,) = load_feeds(empty_store)
    assert feed.status == "ok"
    assert feed.articles_added == 1
    assert panel.dataframe[0].value.iloc[0]["status"] == "ok: 1 new article(s)"
    assert param(at, "v") == store_version(empty_store)  # the page shows what it brought
    assert matching(at) == 15


def test_new_events_since_the_last_visit_are_counted(
    empty_store: Path, finder: PlaceFinder
) -> None:
    ingest_text(empty_store, "baltic.txt", BALTIC, finder)
    at = app()
    assert not at.exception
    assert not any("since your last visit" in h.value for h in at.html)  # a first visit
    at.session_state["visit"] = fresh.Visit(
        previous=datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1),
        started=datetime.datetime.now(datetime.UTC),
    )
    at.run()
    assert any("1 new event since your last visit" in h.value for h in at.html)
    assert set(at.query_params) == {"v"}  # the link names the view, not the visit


def test_new_store_versions_show_without_a_restart_and_links_keep_theirs(
    empty_store: Path, finder: PlaceFinder
) -> None:
    first = ingest_text(empty_store, "baltic.txt", BALTIC, finder)
    at = app()
    assert param(at, "v") == first
    assert matching(at) == 15
    second = ingest_text(empty_store, "east-china.txt", EAST_CHINA, finder)  # another process
    at.run()  # an open page keeps its data and says there is newer
    assert matching(at) == 15
    assert any(first in i.value and second in i.value for i in at.info)
    next(b for b in at.button if b.label == "Show the latest data").click().run()
    assert matching(at) == 16
    assert param(at, "v") == second
    fresh_page = app()  # a new visit, the same server process: the new version at once
    assert param(fresh_page, "v") == second
    assert matching(fresh_page) == 16
    pinned = app({"v": first})  # a link made before keeps its data, and says so
    assert matching(pinned) == 15
    assert param(pinned, "v") == first
    assert any("newer data" in i.value for i in pinned.info)


def test_a_link_made_before_anything_was_stored_keeps_showing_the_bundled_data(
    empty_store: Path, finder: PlaceFinder
) -> None:
    at = app()
    bundled = param(at, "v")
    assert matching(at) == 14
    stored = ingest_text(empty_store, "baltic.txt", BALTIC, finder)
    at.run()  # the open page keeps what it opened on, and says there is newer
    assert matching(at) == 14
    assert param(at, "v") == bundled
    assert any(stored in i.value for i in at.info)
    pinned = app({"v": bundled})
    assert matching(pinned) == 14
    assert any("newer data" in i.value for i in pinned.info)
    assert matching(app()) == 15


CITING = (
    "---\ntitle: Baltic drills\npublished: 2024-05-15\n---\n"
    "Russian warships held live-fire drills in the Baltic Sea on Tuesday, the Russian defence "
    "ministry said.\n\nThe drills came two months after Russian bombers flew near the Estonian "
    "island of Saaremaa on 14 March, prompting Tallinn to summon the Russian ambassador.\n"
)


def test_earlier_events_the_articles_cite_can_be_hidden_and_the_link_says_so(
    empty_store: Path, finder: PlaceFinder
) -> None:
    path = empty_store.parent / "citing.md"
    path.write_text(CITING, encoding="utf-8")
    report = ingest([path], Store.open(empty_store), finder=finder)
    assert report.events == 3, report.summary()  # the drills, and two earlier events cited
    at = app()
    assert not at.exception
    shown = matching(at)
    at.checkbox(key="cited").uncheck().run()
    assert not at.exception
    assert matching(at) == shown - 2
    assert param(at, "cited") == "0"
    at.checkbox(key="cited").check().run()
    assert matching(at) == shown
    assert "cited" not in at.query_params
    again = app({"cited": "0"})  # the link reopens the same view
    assert matching(again) == shown - 2
    assert again.checkbox(key="cited").value is False
