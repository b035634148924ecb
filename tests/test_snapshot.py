from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

import geo.view.link as codec
import geo.view.state as snapshot
from geo.taxonomy import EVENT_TYPE_KEYS
from geo.view.link import (
    PARAM_NAMES,
    normalise,
    parse_state,
    share_address,
    state_from_query_string,
    to_query,
    to_query_string,
)
from geo.view.state import (
    BASEMAPS,
    DEFAULT_LAYERS,
    DEFAULT_VIEW,
    LAYER_KEYS,
    SnapshotError,
    StateWarning,
    ViewState,
)

D = datetime.date
RTL_OVERRIDE = "\u202e"
MEGABYTE = "x" * 1_000_000


def _params(warnings: list[StateWarning]) -> list[str]:
    return [w.param for w in warnings]


# query -> (fields differing from DEFAULT_VIEW, params named by the warnings, in order)
PARSE_CASES: list[tuple[dict[str, Any], dict[str, Any], list[str]]] = [
    ({}, {}, []),
    # layers
    ({"layers": "events,offices,zones"}, {}, []),
    ({"layers": "zones,events"}, {"layers": frozenset({"events", "zones"})}, []),
    ({"layers": " Events , ZONES ,events"}, {"layers": frozenset({"events", "zones"})}, []),
    ({"layers": "places"}, {"layers": frozenset({"places"})}, []),
    ({"layers": ""}, {"layers": frozenset()}, []),
    ({"layers": ",,"}, {"layers": frozenset()}, []),
    ({"layers": "events,bogus"}, {"layers": frozenset({"events"})}, ["layers"]),
    ({"layers": "bogus,<script>"}, {}, ["layers"]),
    # types
    (
        {"types": "missile_launch,exercise"},
        {"types": frozenset({"exercise", "missile_launch"})},
        [],
    ),
    ({"types": "EXERCISE"}, {"types": frozenset({"exercise"})}, []),
    ({"types": ""}, {"types": frozenset()}, []),
    ({"types": ",".join(EVENT_TYPE_KEYS)}, {}, []),
    ({"types": ",".join(reversed(EVENT_TYPE_KEYS))}, {}, []),
    ({"types": "exercise,nuke"}, {"types": frozenset({"exercise"})}, ["types"]),
    ({"types": "nuke"}, {}, ["types"]),
    # dates
    (
        {"from": "2023-03-01", "to": "2023-05-10"},
        {"date_from": D(2023, 3, 1), "date_to": D(2023, 5, 10)},
        [],
    ),
    ({"to": "2023-05-10"}, {"date_to": D(2023, 5, 10)}, []),
    ({"from": "2023-13-45"}, {}, ["from"]),
    ({"to": "2023-02-29"}, {}, ["to"]),
    ({"from": "20230301"}, {}, ["from"]),
    ({"from": "2023-03-01T00:00"}, {}, ["from"]),
    ({"from": "２０２３-03-01"}, {}, ["from"]),
    ({"from": "0000-01-01"}, {}, ["from"]),
    (
        {"from": "2023-05-10", "to": "2023-03-01"},
        {"date_from": D(2023, 3, 1), "date_to": D(2023, 5, 10)},
        ["from"],
    ),
    (
        {"from": "2023-05-10", "to": "nope"},
        {"date_from": D(2023, 5, 10)},
        ["to"],
    ),
    # centre
    ({"lat": "37.5", "lon": "134.0", "z": "5"}, {"lat": 37.5, "lon": 134.0, "zoom": 5}, []),
    ({"lat": "37.123456", "lon": "-0.00004"}, {"lat": 37.1235, "lon": 0.0}, []),
    ({"lat": "+37.50000", "lon": ".5"}, {"lat": 37.5, "lon": 0.5}, []),
    ({"lat": "90.00004"}, {"lat": 90.0}, []),
    ({"lat": "-90"}, {"lat": -90.0}, []),
    ({"lat": "91"}, {}, ["lat"]),
    ({"lat": "-90.0001", "lon": "10"}, {"lon": 10.0}, ["lat"]),
    ({"lat": "nan"}, {}, ["lat"]),
    ({"lat": "NaN", "lon": "inf"}, {}, ["lat", "lon"]),
    ({"lon": "-Infinity"}, {}, ["lon"]),
    ({"lat": "1e1"}, {}, ["lat"]),
    ({"lat": "0x10"}, {}, ["lat"]),
    ({"lat": "1_0"}, {}, ["lat"]),
    ({"lat": "٣٥"}, {}, ["lat"]),
    ({"lat": "9" * 400}, {}, ["lat"]),
    ({"lon": "190"}, {"lon": -170.0}, []),
    ({"lon": "540.5"}, {"lon": -179.5}, []),
    ({"lon": "180"}, {"lon": -180.0}, []),
    ({"lon": "-180"}, {"lon": -180.0}, []),
    ({"lon": "179.99999"}, {"lon": -180.0}, []),
    ({"lon": "-190.1234"}, {"lon": 169.8766}, []),
    # zoom
    ({"z": "5.7"}, {"zoom": 6}, []),
    ({"z": "5.5"}, {"zoom": 6}, []),
    ({"z": "5.49"}, {"zoom": 5}, []),
    ({"z": "4"}, {}, []),
    ({"z": "0"}, {"zoom": 1}, ["z"]),
    ({"z": "0.4"}, {"zoom": 1}, ["z"]),
    ({"z": "-3"}, {"zoom": 1}, ["z"]),
    ({"z": "40"}, {"zoom": 18}, ["z"]),
    ({"z": "99999999999999999999"}, {"zoom": 18}, ["z"]),
    ({"z": "five"}, {}, ["z"]),
    # selection
    ({"sel": "ne:country:JPN"}, {"selected": "ne:country:JPN"}, []),
    ({"sel": "ev-3f9a0c_1.2"}, {"selected": "ev-3f9a0c_1.2"}, []),
    ({"sel": " ev-1\n"}, {"selected": "ev-1"}, []),
    ({"sel": "a" * 128}, {"selected": "a" * 128}, []),
    ({"sel": "a" * 129}, {}, ["sel"]),
    ({"sel": "<script>alert(1)</script>"}, {}, ["sel"]),
    ({"sel": "javascript:alert(1)"}, {}, ["sel"]),
    ({"sel": "../../etc/passwd"}, {}, ["sel"]),
    ({"sel": "ev\x001"}, {}, ["sel"]),
    ({"sel": "ev-1\u202e"}, {}, ["sel"]),
    # search
    ({"q": "Senkaku Islands"}, {"query": "Senkaku Islands"}, []),
    ({"q": "  Senkaku \t\n Islands  "}, {"query": "Senkaku Islands"}, []),
    ({"q": "尖閣諸島"}, {"query": "尖閣諸島"}, []),
    ({"q": "Jeju-do\u0301"}, {"query": "Jeju-dó"}, []),
    ({"q": "<script>alert(1)</script>"}, {"query": "<script>alert(1)</script>"}, []),
    ({"q": "Sea\x00 of Japan"}, {"query": "Sea of Japan"}, ["q"]),
    ({"q": f"{RTL_OVERRIDE}napaJ fo aeS"}, {"query": "napaJ fo aeS"}, ["q"]),
    ({"q": "Sea\u200bof Japan"}, {"query": "Seaof Japan"}, ["q"]),
    ({"q": "\x00\x01"}, {}, ["q"]),
    ({"q": "x" * 250}, {"query": "x" * 200}, ["q"]),
    ({"q": "\x00" + "x" * 250}, {"query": "x" * 200}, ["q", "q"]),
    ({"q": "x" * 2_001}, {}, ["q"]),
    # basemap
    ({"basemap": "osm"}, {"basemap": "osm"}, []),
    ({"basemap": "Carto-Dark"}, {"basemap": "carto-dark"}, []),
    ({"basemap": "vector"}, {}, []),
    ({"basemap": "google"}, {}, ["basemap"]),
    ({"basemap": "javascript:alert(1)"}, {}, ["basemap"]),
    # version
    ({"v": "7c1e02"}, {"version": "7c1e02"}, []),
    ({"v": "7C1E02"}, {"version": "7c1e02"}, []),
    ({"v": "7c1e0"}, {}, ["v"]),
    ({"v": "f" * 65}, {}, ["v"]),
    ({"v": "zzzzzz"}, {}, ["v"]),
    ({"v": "../../etc/passwd"}, {}, ["v"]),
    # unknown, repeated, empty and oversized parameters
    ({"utm_source": "newsletter"}, {}, ["utm_source"]),
    ({"Lat": "10", "z": "5"}, {"zoom": 5}, ["Lat"]),
    ({"z": ["3", "5"]}, {"zoom": 5}, ["z"]),
    ({"z": ["3"]}, {"zoom": 3}, []),
    ({"z": []}, {}, []),
    ({"layers": ["events", ""]}, {"layers": frozenset()}, ["layers"]),
    (
        {"lat": "", "lon": " ", "z": "", "from": "", "to": "", "sel": "", "q": "", "v": ""},
        {},
        [],
    ),
    ({"basemap": ""}, {}, []),
    ({"lat": "1" * 2_001}, {}, ["lat"]),
    ({"layers": "events," * 400}, {}, ["layers"]),
    ({"sel": MEGABYTE, "z": "6"}, {"zoom": 6}, ["sel"]),
]


@pytest.mark.parametrize(("query", "fields", "warned"), PARSE_CASES)
def test_parse_state(query: dict[str, Any], fields: dict[str, Any], warned: list[str]) -> None:
    state, warnings = parse_state(query)
    assert state == DEFAULT_VIEW.replace(**fields)
    assert _params(warnings) == warned
    for warning in warnings:
        assert warning.message
        assert warning.value.isprintable()
        assert warning.param.isprintable()


def test_unknown_names_are_named_in_the_warning() -> None:
    _, warnings = parse_state({"layers": "events,bogus,volcanoes", "types": "nuke"})
    assert "'bogus'" in warnings[0].message
    assert "'volcanoes'" in warnings[0].message
    assert "'nuke'" in warnings[1].message


def test_warnings_escape_and_shorten_hostile_values() -> None:
    _, warnings = parse_state({f"evil{RTL_OVERRIDE}": "\x00", "sel": "\x00" * 1_000_000})
    assert _params(warnings) == ["evil\\u202e", "sel"]
    assert warnings[0].value == "\\u0000"
    assert len(warnings[1].value) <= 81
    assert warnings[1].value.startswith("\\u0000\\u0000")
    assert "1,000,000 characters" in warnings[1].message


def test_many_unknown_parameters_are_summarised() -> None:
    query = {f"p{i}": "x" for i in range(1_000)}
    state, warnings = parse_state(query)
    assert state == DEFAULT_VIEW
    assert len(warnings) == 11
    assert warnings[-1].param == "*"
    assert "990 more" in warnings[-1].message


@pytest.mark.parametrize(
    "query",
    [
        None,
        42,
        ["layers", "events"],
        {"z": 5},
        {"z": [5, "6"]},
        {"lat": b"12"},
        {"layers": None},
        {7: "x"},
    ],
)
def test_parse_state_is_total_on_mistyped_input(query: Any) -> None:
    state, warnings = parse_state(query)
    assert isinstance(state, ViewState)
    assert warnings
    assert parse_state(to_query(state)) == (state, [])


def test_mistyped_values_keep_the_text_ones() -> None:
    state, warnings = parse_state({"z": [5, "6"]})  # type: ignore[list-item]
    assert state.zoom == 6
    assert _params(warnings) == ["z"]


# --- writing ---------------------------------------------------------------------------------

FULL_VIEW = ViewState(
    layers=frozenset({"zones", "events"}),
    types=frozenset({"missile_launch", "exercise"}),
    date_from=D(2023, 3, 1),
    date_to=D(2023, 5, 10),
    lat=37.5,
    lon=134.0,
    zoom=5,
    selected="ev-3f9a0c",
    query="Senkaku Islands",
    basemap="carto-light",
    version="7c1e02",
    actors=frozenset({"NATO", "CHN"}),
    countries=frozenset({"JP"}),
    undated=True,
    cited=False,
)


def test_to_query_writes_every_parameter_in_design_order() -> None:
    assert to_query(FULL_VIEW) == {
        "layers": "events,zones",
        "types": "exercise,missile_launch",
        "actors": "CHN,NATO",
        "countries": "JP",
        "from": "2023-03-01",
        "to": "2023-05-10",
        "undated": "1",
        "cited": "0",
        "lat": "37.5",
        "lon": "134",
        "z": "5",
        "sel": "ev-3f9a0c",
        "q": "Senkaku Islands",
        "basemap": "carto-light",
        "v": "7c1e02",
    }
    assert tuple(to_query(FULL_VIEW)) == PARAM_NAMES


@pytest.mark.parametrize(
    ("query", "expected", "warned"),
    [
        ({"actors": "chn, nato,CHN"}, ViewState(actors=frozenset({"CHN", "NATO"})), []),
        ({"actors": ""}, DEFAULT_VIEW, []),
        ({"actors": "<b>,JPN"}, ViewState(actors=frozenset({"JPN"})), ["actors"]),
        ({"countries": "<script>"}, DEFAULT_VIEW, ["countries"]),
        ({"undated": "1"}, ViewState(undated=True), []),
        ({"undated": "0"}, DEFAULT_VIEW, []),
        ({"undated": "maybe"}, DEFAULT_VIEW, ["undated"]),
    ],
)
def test_actor_country_and_undated_parameters(
    query: dict[str, str], expected: ViewState, warned: list[str]
) -> None:
    state, warnings = parse_state(query)
    assert state == expected
    assert _params(warnings) == warned
    assert parse_state(to_query(state)) == (state, [])


def test_to_query_string_is_readable() -> None:
    assert to_query_string(FULL_VIEW) == (
        "layers=events,zones&types=exercise,missile_launch&actors=CHN,NATO&countries=JP"
        "&from=2023-03-01&to=2023-05-10&undated=1&cited=0&lat=37.5&lon=134&z=5&sel=ev-3f9a0c&q=Senkaku+Islands&basemap=carto-light&v=7c1e02"
    )


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        (DEFAULT_VIEW, ""),
        (ViewState(layers=frozenset()), "layers="),
        (ViewState(types=frozenset()), "types="),
        (ViewState(types=frozenset(EVENT_TYPE_KEYS)), ""),
        (ViewState(layers=frozenset(LAYER_KEYS)), "layers=events,offices,places,zones"),
        (ViewState(selected="ne:country:JPN"), "sel=ne:country:JPN"),
        (ViewState(query="A&B=C #1 / 50%"), "q=A%26B%3DC+%231+%2F+50%25"),
        (ViewState(query="東シナ海"), "q=%E6%9D%B1%E3%82%B7%E3%83%8A%E6%B5%B7"),
        (ViewState(query="<script>"), "q=%3Cscript%3E"),
        (ViewState(date_to=D(2023, 5, 10)), "to=2023-05-10"),
    ],
)
def test_to_query_string(state: ViewState, expected: str) -> None:
    assert to_query_string(state) == expected


@pytest.mark.parametrize(
    ("lat", "lon", "expected"),
    [
        (37.5, 134.0, {"lat": "37.5", "lon": "134"}),
        (35.0, 135.0, {}),
        (-33.86787, 151.20732, {"lat": "-33.8679", "lon": "151.2073"}),
        (0.0001, -0.0001, {"lat": "0.0001", "lon": "-0.0001"}),
        (-0.00004, 0.00004, {"lat": "0", "lon": "0"}),
        (90.0, -180.0, {"lat": "90", "lon": "-180"}),
        (10.10, 200.0, {"lat": "10.1", "lon": "-160"}),
    ],
)
def test_coordinates_are_written_with_at_most_four_decimals(
    lat: float, lon: float, expected: dict[str, str]
) -> None:
    assert to_query(ViewState(lat=lat, lon=lon)) == expected


@pytest.mark.parametrize(
    "qs",
    [
        "layers=events%2Czones&z=5",
        "?layers=events,zones&z=5",
        "z=3&layers=zones,events&z=5&utm=1",
        "layers=zones%2Cevents&lat=35&lon=135.0000&z=5.2",
    ],
)
def test_state_from_query_string(qs: str) -> None:
    state, _ = state_from_query_string(qs)
    assert state == ViewState(layers=frozenset({"events", "zones"}), zoom=5)


def test_state_from_query_string_keeps_blank_values() -> None:
    state, warnings = state_from_query_string("layers=&types=")
    assert state == ViewState(layers=frozenset(), types=frozenset())
    assert warnings == []


@pytest.mark.parametrize(
    ("qs", "query", "warned"),
    [
        ("q=%00Tokyo", "Tokyo", ["q"]),
        ("q=%E2%80%AETokyo", "Tokyo", ["q"]),
        ("q=%FF", "\ufffd", []),
        ("q=Sea%20of%20Japan", "Sea of Japan", []),
    ],
)
def test_state_from_query_string_decodes_percent_escapes(
    qs: str, query: str, warned: list[str]
) -> None:
    state, warnings = state_from_query_string(qs)
    assert state.query == query
    assert _params(warnings) == warned


def test_megabyte_query_string() -> None:
    state, warnings = state_from_query_string(f"layers={MEGABYTE}&q={MEGABYTE}&z=7")
    assert state == ViewState(zoom=7)
    assert _params(warnings) == ["layers", "q"]


# --- the record ------------------------------------------------------------------------------


def test_default_view() -> None:
    assert to_query(DEFAULT_VIEW) == {}
    assert DEFAULT_VIEW.layers == DEFAULT_LAYERS
    assert DEFAULT_VIEW.basemap == BASEMAPS[0] == "vector"
    assert (DEFAULT_VIEW.lat, DEFAULT_VIEW.lon) == (35.0, 135.0)


def test_view_state_puts_values_in_canonical_form() -> None:
    state = ViewState(
        layers={"zones"},  # type: ignore[arg-type]
        types=["exercise"],  # type: ignore[arg-type]
        date_from=datetime.datetime(2023, 3, 1, 12, 30),
        lat=37.123456,
        lon=190.0,
        query="  Sea \x00of   Japan ",
    )
    assert state.layers == frozenset({"zones"})
    assert state.types == frozenset({"exercise"})
    assert type(state.date_from) is datetime.date
    assert state.date_from == D(2023, 3, 1)
    assert (state.lat, state.lon) == (37.1235, -170.0)
    assert state.query == "Sea of Japan"
    assert ViewState(query=" \t ").query is None
    assert state == ViewState(
        layers=frozenset({"zones"}),
        types=frozenset({"exercise"}),
        date_from=D(2023, 3, 1),
        lat=37.1235,
        lon=-170.0,
        query="Sea of Japan",
    )


@pytest.mark.parametrize(
    "fields",
    [
        {"layers": frozenset({"volcanoes"})},
        {"layers": "events"},
        {"types": frozenset({"bad,key"})},
        {"types": frozenset({""})},
        {"date_from": D(2023, 5, 10), "date_to": D(2023, 3, 1)},
        {"date_from": "2023-03-01"},
        {"lat": float("nan")},
        {"lat": 90.01},
        {"lat": "35"},
        {"lon": float("inf")},
        {"lon": 10**400},
        {"zoom": 0},
        {"zoom": 19},
        {"zoom": 5.0},
        {"zoom": True},
        {"selected": "<script>"},
        {"selected": ""},
        {"query": 5},
        {"basemap": "google"},
        {"version": "7C1E02"},
        {"version": "abc"},
    ],
)
def test_view_state_rejects_values_no_url_could_carry(fields: dict[str, Any]) -> None:
    with pytest.raises(SnapshotError):
        ViewState(**fields)


def test_snapshot_error_is_a_value_error() -> None:
    assert issubclass(SnapshotError, ValueError)


def test_replace_changes_only_the_given_fields() -> None:
    moved = FULL_VIEW.replace(lat=10.123456, selected=None)
    assert (moved.lat, moved.selected) == (10.1235, None)
    assert moved.replace(lat=FULL_VIEW.lat, selected=FULL_VIEW.selected) == FULL_VIEW
    assert FULL_VIEW.replace() == FULL_VIEW
    with pytest.raises(SnapshotError):
        FULL_VIEW.replace(zoom=30)


@pytest.mark.parametrize(
    ("types", "expected"),
    [
        (None, None),
        (frozenset(), frozenset()),
        (frozenset({"exercise", "nuke"}), frozenset({"exercise"})),
        (frozenset({"nuke"}), None),
        (frozenset(EVENT_TYPE_KEYS), None),
        (frozenset({*EVENT_TYPE_KEYS, "nuke"}), None),
    ],
)
def test_normalise_types(types: frozenset[str] | None, expected: frozenset[str] | None) -> None:
    assert normalise(ViewState(types=types)).types == expected


def test_custom_event_types() -> None:
    kinds = ("flood", "quake")
    state, warnings = parse_state({"types": "quake,exercise"}, event_types=kinds)
    assert state.types == frozenset({"quake"})
    assert _params(warnings) == ["types"]
    assert parse_state(to_query(state, event_types=kinds), event_types=kinds) == (state, [])
    assert parse_state({"types": "quake,flood"}, event_types=kinds) == (DEFAULT_VIEW, [])


def test_every_parameter_is_documented() -> None:
    doc = codec.__doc__
    assert doc is not None
    for name in PARAM_NAMES:
        assert f"``{name}``" in doc, name


# --- properties ------------------------------------------------------------------------------

HOSTILE = [
    "",
    " ",
    ",",
    "<script>alert(1)</script>",
    "javascript:alert(1)",
    "../../etc/passwd",
    f"{RTL_OVERRIDE}gpj.exe",
    "\x00",
    "nan",
    "-inf",
    "1e308",
    "2023-13-45",
    "2023-02-28",
    "90.00005",
    "-180",
    "5.5",
    "events,places",
    "exercise,bogus",
    "carto-dark",
    "7c1e02",
    "\ud800",
    "a\u0301",
]

texts = st.one_of(st.text(max_size=30), st.sampled_from(HOSTILE))
values = st.one_of(texts, st.lists(texts, max_size=3))
keys = st.one_of(st.sampled_from(PARAM_NAMES), st.text(max_size=10))
queries = st.dictionaries(keys, values, max_size=12)


@given(queries)
def test_parse_state_is_total_and_its_output_canonical(query: dict[str, Any]) -> None:
    state, warnings = parse_state(query)
    assert isinstance(state, ViewState)
    assert all(isinstance(w, StateWarning) for w in warnings)
    canonical = to_query(state)
    assert parse_state(canonical) == (state, [])
    assert to_query(parse_state(canonical)[0]) == canonical
    assert state_from_query_string(to_query_string(state)) == (state, [])


@given(st.text(max_size=200))
def test_state_from_query_string_is_total(qs: str) -> None:
    state, _ = state_from_query_string(qs)
    again = to_query_string(state)
    assert state_from_query_string(again) == (state, [])


dates = st.dates(min_value=D(1, 1, 1), max_value=D(9999, 12, 31))
view_states = st.builds(
    ViewState,
    layers=st.frozensets(st.sampled_from(LAYER_KEYS)),
    types=st.none() | st.frozensets(st.sampled_from(EVENT_TYPE_KEYS)),
    date_from=st.none() | dates,
    lat=st.floats(min_value=-90, max_value=90),
    lon=st.floats(min_value=-1e6, max_value=1e6),
    zoom=st.integers(min_value=1, max_value=18),
    selected=st.none() | st.from_regex(snapshot.SELECTED_ID_PATTERN, fullmatch=True),
    query=st.none() | st.text(max_size=300),
    basemap=st.sampled_from(BASEMAPS),
    version=st.none() | st.from_regex(snapshot.VERSION_PATTERN, fullmatch=True),
)


@given(view_states, st.none() | dates)
def test_round_trip(state: ViewState, date_to: datetime.date | None) -> None:
    if date_to is not None and state.date_from is not None and date_to < state.date_from:
        date_to = state.date_from
    state = state.replace(date_to=date_to)
    assert parse_state(to_query(state)) == (normalise(state), [])
    assert state_from_query_string(to_query_string(state)) == (normalise(state), [])
    assert parse_state(parse_qs(to_query_string(state), keep_blank_values=True)) == (
        normalise(state),
        [],
    )


@given(view_states, view_states)
def test_equal_views_give_equal_urls(a: ViewState, b: ViewState) -> None:
    assert (to_query_string(a) == to_query_string(b)) == (normalise(a) == normalise(b))


@given(st.text())
def test_query_text_cleaning_is_idempotent(text: str) -> None:
    cleaned = ViewState(query=text).query
    assert ViewState(query=cleaned).query == cleaned
    if cleaned is not None:
        assert 0 < len(cleaned) <= snapshot.MAX_QUERY_LENGTH
        assert cleaned == cleaned.strip()
        assert cleaned.isprintable()


@pytest.mark.parametrize(
    ("query", "cited", "warned"),
    [
        ("", True, False),
        ("cited=1", True, False),
        ("cited=", True, False),
        ("cited=0", False, False),
        ("cited=no", False, False),
        ("cited=%3Cscript%3E", True, True),
    ],
)
def test_cited_hides_earlier_events_only_when_asked(query: str, cited: bool, warned: bool) -> None:
    state, warnings = state_from_query_string(query)
    assert state.cited is cited
    assert bool(warnings) is warned
    assert ("cited" in to_query(state)) is (not cited)


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("http://localhost:8501", "http://localhost:8501/?q=Vienna"),
        ("http://localhost:8501/?layers=zones&v=old", "http://localhost:8501/?q=Vienna"),
        (
            "https://maps.example.org/faultlines/#map",
            "https://maps.example.org/faultlines/?q=Vienna",
        ),
    ],
)
def test_the_share_address_is_the_page_with_the_views_query_alone(page: str, expected: str) -> None:
    assert share_address(page, ViewState(query="Vienna")) == expected
    assert state_from_query_string(urlsplit(expected).query)[0] == ViewState(query="Vienna")
