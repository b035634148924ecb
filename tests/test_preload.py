"""What the dashboard's server prepares before the first browser connects (geo.view.preload)."""

from __future__ import annotations

import datetime
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

from geo import cli, settings
from geo.store.store import default_store_dir
from geo.view import first_view, preload, session
from geo.view.dataset import current_version

ROOT = Path(__file__).resolve().parents[1]
DASHBOARD = ROOT / "dashboard.py"
STATIC = ROOT / "static"
LOADERS = ("shared_resources", "dataset_for_view", "zones_in_window")
"""What the first script run would load (geo.view.session) but the server prepares."""


@pytest.fixture(autouse=True)
def nothing_prepared(monkeypatch: pytest.MonkeyPatch) -> None:
    """Start every test with nothing prepared and no visitor yet (restored after it)."""
    monkeypatch.setattr(preload, "_prepared", {})
    monkeypatch.setattr(preload, "_visited", threading.Event())
    monkeypatch.setattr(preload, "_page_begun", threading.Event())


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty store (the bundled seeds), as the dashboard finds it."""
    directory = tmp_path / "store"
    monkeypatch.setenv("FAULTLINES_STORE", str(directory))
    monkeypatch.delenv("FAULTLINES_EDITOR_TOKEN", raising=False)
    return directory


class Counted:
    """Stands in for one of :mod:`geo.view.session`'s loaders and counts its calls."""

    def __init__(self, real: Any, *, delay_s: float = 0.0, failures: int = 0) -> None:
        self.real, self.delay_s, self.failures = real, delay_s, failures
        self.calls = 0
        self.started = threading.Event()

    def __call__(self, *args: Any) -> Any:
        self.calls += 1
        self.started.set()
        time.sleep(self.delay_s)
        if self.failures:
            self.failures -= 1
            msg = "the gazetteer is not there"
            raise OSError(msg)
        return self.real(*args)


def test_the_first_visit_after_the_server_prepared_loads_nothing_again(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    preload.prepare(DASHBOARD, STATIC, default_store_dir())
    st.cache_resource.clear()  # earlier tests' dashboards filled the shared caches
    st.cache_data.clear()
    loaders = {name: Counted(getattr(session, name)) for name in LOADERS}
    for name, loader in loaders.items():
        monkeypatch.setattr(session, name, loader)
    at = AppTest.from_file(str(DASHBOARD), default_timeout=120).run()
    assert not at.exception
    assert {name: loader.calls for name, loader in loaders.items()} == dict.fromkeys(LOADERS, 0)
    assert preload._prepared == {}  # all handed over, nothing kept beside Streamlit's caches


def test_a_visit_while_the_server_prepares_waits_for_it_rather_than_load_twice(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow = Counted(session.shared_resources, delay_s=0.5)
    monkeypatch.setattr(session, "shared_resources", slow)
    thread = preload.start_preload(DASHBOARD, STATIC, store)
    assert slow.started.wait(timeout=60)
    shared = preload.shared_resources(STATIC)  # the visitor's script run, meanwhile
    thread.join(timeout=60)
    assert slow.calls == 1
    assert shared[2].country("JP") == "Japan"


def test_what_was_prepared_for_other_arguments_is_dropped(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    preload.prepare(DASHBOARD, STATIC, store)
    shared = preload.shared_resources(STATIC)
    counted = Counted(session.dataset_for_view)
    monkeypatch.setattr(session, "dataset_for_view", counted)
    current = current_version(store)
    other = preload.dataset_for_view(shared, store, "a-later-version", "a-later-version")
    again = preload.dataset_for_view(shared, store, current, current)  # prepared, then dropped
    assert counted.calls == 2
    assert other.version == again.version  # a version the store lacks shows the current data
    assert preload.shared_resources(STATIC) is not shared  # handed over once


def test_a_failed_preparation_leaves_the_loading_to_the_visit(
    store: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    failing = Counted(session.shared_resources, failures=1)
    monkeypatch.setattr(session, "shared_resources", failing)
    preload.start_preload(DASHBOARD, STATIC, store).join(timeout=60)
    assert "not prepared" in caplog.text
    shared = preload.shared_resources(STATIC)
    assert failing.calls == 2
    assert shared[2].country("JP") == "Japan"


def test_the_thread_waits_for_the_server_before_it_starts() -> None:
    up = threading.Event()
    started = time.monotonic()
    thread = preload.start_preload(
        DASHBOARD, STATIC, Path("nowhere"), server_up=up.is_set, patience_s=0.3
    )
    thread.join(timeout=60)  # never up: it gives up waiting and prepares anyway
    assert time.monotonic() - started >= 0.3


def test_with_a_map_kept_for_the_first_visit_the_data_waits_for_the_page(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    counted = Counted(session.shared_resources)
    monkeypatch.setattr(session, "shared_resources", counted)
    thread = preload.start_preload(DASHBOARD, STATIC, store, page_first=lambda: True)
    time.sleep(0.5)
    assert counted.calls == 0  # the first imports are done; the data waits
    preload.page_begun()  # the first visitor's script run has sent the kept map
    thread.join(timeout=60)
    assert counted.calls == 1


def test_the_data_waits_for_the_page_only_so_long(store: Path) -> None:
    started = time.monotonic()
    preload.start_preload(
        DASHBOARD, STATIC, store, page_first=lambda: True, page_patience_s=0.3
    ).join(timeout=60)
    assert time.monotonic() - started >= 0.3
    assert preload._prepared["resources"][1].done()  # prepared though nobody came


def test_the_script_imports_are_prepared_but_streamlits_own() -> None:
    names = preload.script_imports(DASHBOARD)
    assert "geo.view.page" in names
    assert "geo.view.session" in names
    assert not [name for name in names if name.startswith("streamlit")]  # components register


@pytest.mark.parametrize("value", [None, "  ", "stores/here", "/srv/faultlines", "~/faultlines"])
def test_the_dashboard_command_finds_the_store_where_the_store_module_does(
    value: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    if value is None:
        monkeypatch.delenv("FAULTLINES_STORE", raising=False)
    else:
        monkeypatch.setenv("FAULTLINES_STORE", value)
    expected = Path((value or "").strip() or "data").expanduser().absolute()
    assert settings.default_store_dir() == default_store_dir() == expected


def test_the_dashboard_command_prepares_beside_streamlit_in_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAULTLINES_STORE", str(tmp_path / "store"))
    monkeypatch.chdir(tmp_path)
    seen: dict[str, Any] = {}

    def prepare_later(script: Path, static_dir: Path, store_dir: Path, **given: Any) -> None:
        seen["preload"] = (script, static_dir, store_dir)
        seen["page_first"] = given["page_first"]

    def run_module(name: str, **_: Any) -> None:
        import sys

        seen["module"], seen["argv"], seen["cwd"] = name, list(sys.argv), Path.cwd()

    monkeypatch.setattr(preload, "start_preload", prepare_later)
    monkeypatch.setattr("runpy.run_module", run_module)
    monkeypatch.setattr("sys.argv", ["geo"])
    result = CliRunner().invoke(cli.main, ["dashboard", "--port", "8600", "--theme.base", "dark"])
    assert result.exit_code == 0, result.output
    assert seen["preload"] == (DASHBOARD, STATIC, tmp_path / "store")
    assert seen["module"] == "streamlit"
    assert seen["argv"][:3] == ["streamlit", "run", str(DASHBOARD)]
    assert seen["argv"][-2:] == ["--theme.base", "dark"]
    assert "8600" in seen["argv"]
    assert seen["cwd"] == ROOT
    assert seen["page_first"]() == cli._first_view_kept(DASHBOARD, tmp_path / "store")


def test_the_dashboard_command_holds_the_data_back_when_a_first_map_is_kept(
    tmp_path: Path,
) -> None:
    script, store = tmp_path / "app" / "dashboard.py", tmp_path / "store"
    script.parent.mkdir()
    script.write_text("import streamlit\n", encoding="utf-8")
    assert not cli._first_view_kept(script, store)
    key = first_view.dashboard_key(script, store, datetime.date.today())
    first_view.write_arguments(script.parent / first_view.FOLDER, key, {"key": "k", "zoom": 4})
    assert cli._first_view_kept(script, store)
