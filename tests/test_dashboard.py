"""The dashboard, headless: widgets and URL state stay in step (Streamlit AppTest)."""

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

DASHBOARD = str(Path(__file__).resolve().parents[1] / "dashboard.py")


@pytest.fixture(autouse=True)
def empty_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    store = tmp_path / "store"
    monkeypatch.setenv("FAULTLINES_STORE", str(store))
    monkeypatch.delenv("FAULTLINES_EDITOR_TOKEN", raising=False)
    return store


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
    import datetime

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
    (empty_store / "versions").mkdir(parents=True)
    (empty_store / "objects").mkdir()
    (empty_store / "CURRENT").write_text("not-a-version\n", encoding="utf-8")
    (empty_store / "versions" / "abcdef123456.json").write_text("{broken", encoding="utf-8")
    at = app()
    assert not at.exception
    assert matching(at) == 14
    assert any("store repair" in i.value for i in at.info)


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
