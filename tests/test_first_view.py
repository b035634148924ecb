"""The first visit's map, kept from the last first visit and sent before the data is loaded."""

from __future__ import annotations

import datetime
import threading
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from geo.view import first_view
from geo.view.first_view import (
    VISIT_COOKIE,
    FirstVisit,
    draw_map,
    first_view_key,
    is_first_visit,
    read_arguments,
    recorded,
    same_map,
    send,
    write_arguments,
)

DASHBOARD = str(Path(__file__).resolve().parents[1] / "dashboard.py")
DAY = datetime.date(2026, 12, 3)
MAP_ID = "map_" + "a" * 32
OTHER_ID = "map_" + "b" * 32


def arguments(map_id: str = MAP_ID, *, zoom: int = 4) -> dict[str, Any]:
    """Arguments as ``st_folium`` hands them to its component (random folium ids inside)."""
    return {
        "script": f"var {map_id} = L.map('{map_id}', {{zoom: {zoom}}});",
        "html": f'<div id="{map_id}"></div>',
        "id": map_id,
        "key": f"key-{map_id}",
        "feature_group": f"var feature_group_{map_id[4:]} = L.featureGroup();",
        "default": {"zoom": zoom},
        "on_change": lambda: None,
    }


class Component:
    """Stands in for ``streamlit_folium``: its component function records what it is sent."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []
        self._component_func = self.component

    def component(self, **kwargs: Any) -> str:
        self.sent.append(kwargs)
        return "sent"


def test_a_first_visit_is_a_new_session_with_no_link_and_no_visit_cookie() -> None:
    assert is_first_visit({}, {"_streamlit_xsrf": "x"}, [])
    assert not is_first_visit({"z": "5"}, {}, [])
    assert not is_first_visit({}, {VISIT_COOKIE: "1764720000000000"}, [])
    assert not is_first_visit({}, {}, ["view", "pinned"])


def _key_inputs(tmp_path: Path) -> dict[str, Any]:
    store, seeds, gazetteer = tmp_path / "store", tmp_path / "seeds", tmp_path / "gazetteer"
    for folder in (store, seeds, gazetteer):
        folder.mkdir(exist_ok=True)
    (seeds / "events.yaml").write_text("- id: a\n", encoding="utf-8")
    (gazetteer / "manifest.json").write_text('{"content_hash": "1"}', encoding="utf-8")
    return {
        "store_dir": store,
        "seeds_dir": seeds,
        "gazetteer_dir": gazetteer,
        "code": "c1",
        "today": DAY,
    }


def test_the_key_names_the_store_version_seeds_gazetteer_code_and_day(tmp_path: Path) -> None:
    given = _key_inputs(tmp_path)
    key = first_view_key(**given)
    assert key == first_view_key(**given)
    assert len(key) == 24
    keys = {key}
    (given["store_dir"] / "CURRENT").write_text("v1\n", encoding="ascii")
    keys.add(first_view_key(**given))
    (given["seeds_dir"] / "events.yaml").write_text("- id: b\n", encoding="utf-8")
    keys.add(first_view_key(**given))
    (given["gazetteer_dir"] / "manifest.json").write_text("{}", encoding="utf-8")
    keys.add(first_view_key(**given))
    keys.add(first_view_key(**{**given, "code": "c2"}))
    keys.add(first_view_key(**{**given, "today": DAY + datetime.timedelta(days=1)}))
    assert len(keys) == 6


def test_the_code_digest_follows_the_files_of_the_folders_and_files_given(tmp_path: Path) -> None:
    package, script = tmp_path / "pkg", tmp_path / "app.py"
    (package / "sub").mkdir(parents=True)
    (package / "sub" / "a.py").write_text("A = 1\n", encoding="utf-8")
    (package / "notes.txt").write_text("not code\n", encoding="utf-8")
    script.write_text("import pkg\n", encoding="utf-8")
    before = first_view.code_digest.__wrapped__(package, script)
    (package / "notes.txt").write_text("still not code\n", encoding="utf-8")
    assert first_view.code_digest.__wrapped__(package, script) == before
    (package / "sub" / "a.py").write_text("A = 2\n", encoding="utf-8")
    assert first_view.code_digest.__wrapped__(package, script) != before


def test_arguments_are_kept_whole_without_the_callback_and_replace_older_ones(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "cache"
    assert read_arguments(folder, "k1") is None
    assert write_arguments(folder, "k1", arguments())
    kept = read_arguments(folder, "k1")
    assert kept == {k: v for k, v in arguments().items() if k != "on_change"}
    assert write_arguments(folder, "k2", arguments(OTHER_ID))
    assert read_arguments(folder, "k1") is None  # another day, data or code
    assert [p.name for p in folder.iterdir()] == ["first-view-k2.json"]


def test_a_damaged_or_foreign_file_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "first-view-k.json").write_text('{"format": 1, "argu', encoding="utf-8")
    assert read_arguments(tmp_path, "k") is None
    (tmp_path / "first-view-k.json").write_text('{"format": 99, "arguments": {"key": "x"}}')
    assert read_arguments(tmp_path, "k") is None
    (tmp_path / "first-view-k.json").write_text('{"format": 1, "arguments": {"no": "key"}}')
    assert read_arguments(tmp_path, "k") is None


def test_a_folder_that_cannot_be_written_keeps_nothing(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("", encoding="utf-8")
    assert not write_arguments(blocked / "cache", "k", arguments())


def test_two_drawings_of_one_map_are_the_same_map_whatever_folium_named_them() -> None:
    assert same_map(arguments(MAP_ID), arguments(OTHER_ID))
    assert not same_map(arguments(MAP_ID, zoom=4), arguments(MAP_ID, zoom=5))


def test_recording_a_drawing_sends_nothing_and_returns_its_arguments() -> None:
    component = Component()
    module: Any = component

    def draw() -> object:
        return module._component_func(**arguments())

    drawn = recorded(module, draw)
    assert drawn == {k: v for k, v in arguments().items() if k != "on_change"}
    assert component.sent == []
    assert draw() == "sent"  # outside a recording the component is called as before
    assert len(component.sent) == 1


def test_a_drawing_on_another_thread_is_sent_while_one_is_recorded() -> None:
    component = Component()
    module: Any = component
    results: list[object] = []

    def draw() -> None:
        other = threading.Thread(target=lambda: results.append(module._component_func(a=1)))
        other.start()
        other.join()
        module._component_func(**arguments())

    recorded(module, draw)
    assert results == ["sent"]
    assert component.sent == [{"a": 1}]


def test_a_recording_that_draws_no_map_or_two_is_an_error() -> None:
    module: Any = Component()
    with pytest.raises(RuntimeError, match="0 times"):
        recorded(module, lambda: None)
    with pytest.raises(RuntimeError, match="2 times"):
        recorded(module, lambda: [module._component_func(a=i) for i in range(2)])


def test_sent_arguments_report_the_map_to_the_session_as_st_folium_does() -> None:
    component = Component()
    session: dict[str, Any] = {}
    kept = {k: v for k, v in arguments().items() if k != "on_change"}
    assert (
        send(SimpleNamespace(_component_func=component.component), kept, key="map", session=session)
        == "sent"
    )
    (call,) = component.sent
    assert {k: v for k, v in call.items() if k != "on_change"} == kept
    session[kept["key"]] = {"zoom": 6}  # what the component's frontend reported
    call["on_change"]()
    assert session["map"] == {"zoom": 6}


def test_the_map_is_drawn_sent_once_and_kept_as_the_first_view_needs(tmp_path: Path) -> None:
    component = Component()
    module: Any = component
    reruns: list[bool] = []
    session: dict[str, Any] = {}

    def draw(zoom: int = 4) -> None:
        module._component_func(**arguments(zoom=zoom))

    def drawn(visit: FirstVisit, zoom: int = 4) -> list[int]:
        component.sent.clear()
        draw_map(
            module,
            lambda: draw(zoom),
            visit,
            key="map",
            session=session,
            rerun=lambda: reruns.append(True),
        )
        return [call["default"]["zoom"] for call in component.sent]

    assert drawn(FirstVisit(None, folder=tmp_path)) == [
        4
    ]  # not the first view: drawn as always, nothing kept
    assert list(tmp_path.iterdir()) == []
    assert drawn(FirstVisit("k1", folder=tmp_path)) == [4]  # none kept: sent, and kept
    kept = read_arguments(tmp_path, "k1")
    assert kept is not None
    assert (
        drawn(FirstVisit("k1", kept, tmp_path)) == []
    )  # the same map went out early: nothing more
    assert not reruns
    assert drawn(FirstVisit("k1", kept, tmp_path), zoom=7) == [7]  # another map went out early
    assert reruns == [True]
    assert same_map(read_arguments(tmp_path, "k1") or {}, arguments(zoom=7))


def test_the_versions_of_the_map_libraries_name_the_first_view() -> None:
    versions = first_view.library_versions()
    assert [part.split("=")[0] for part in versions.split(";")] == list(first_view.MAP_LIBRARIES)
    assert first_view.library_versions(("no-such-library-here",)) == "no-such-library-here="


# ---------------------------------------------------------------------------------------------
# in the dashboard


@pytest.fixture
def kept_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep the dashboard's first views in a folder of this test (an empty store's data)."""
    folder = tmp_path / "first-views"
    monkeypatch.setenv("FAULTLINES_STORE", str(tmp_path / "store"))
    monkeypatch.delenv("FAULTLINES_EDITOR_TOKEN", raising=False)
    read, write = first_view.read_arguments, first_view.write_arguments
    monkeypatch.setattr(first_view, "read_arguments", lambda _, key: read(folder, key))
    monkeypatch.setattr(first_view, "write_arguments", lambda _, key, a: write(folder, key, a))
    return folder


@pytest.fixture
def maps_sent(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The arguments of every map the dashboard sends (the component still gets them)."""
    import streamlit_folium

    sent: list[dict[str, Any]] = []
    original = streamlit_folium._component_func

    def component(**kwargs: Any) -> Any:
        sent.append({k: v for k, v in kwargs.items() if k != "on_change"})
        return original(**kwargs)

    monkeypatch.setattr(streamlit_folium, "_component_func", component)
    return sent


def test_a_first_visit_gets_the_map_kept_by_the_last_one_and_nothing_more(
    kept_in: Path, maps_sent: list[dict[str, Any]]
) -> None:
    first = AppTest.from_file(DASHBOARD, default_timeout=120).run()
    assert not first.exception
    (drawn,) = maps_sent
    (kept,) = kept_in.iterdir()
    maps_sent.clear()
    second = AppTest.from_file(DASHBOARD, default_timeout=120).run()
    assert not second.exception
    assert maps_sent == [read_arguments(kept_in, kept.name[11:-5])]  # once, before the data
    assert same_map(maps_sent[0], drawn)
    assert [p.name for p in kept_in.iterdir()] == [kept.name]


def test_a_kept_map_that_is_not_the_one_drawn_now_is_replaced_at_once(
    kept_in: Path, maps_sent: list[dict[str, Any]]
) -> None:
    AppTest.from_file(DASHBOARD, default_timeout=120).run()
    (drawn,) = maps_sent
    (kept,) = kept_in.iterdir()
    key = kept.name[11:-5]
    write_arguments(kept_in, key, {**drawn, "zoom": 11})  # something the key does not name
    maps_sent.clear()
    at = AppTest.from_file(DASHBOARD, default_timeout=120).run()
    assert not at.exception
    assert [sent["zoom"] for sent in maps_sent] == [11, drawn["zoom"]]  # sent early, then redrawn
    assert same_map(maps_sent[-1], drawn)
    assert same_map(read_arguments(kept_in, key) or {}, drawn)
