"""Measure how fast the dashboard shows its map in a real browser, and how much it sends.

Usage::

    python benchmarks/dashboard.py            # 5 repeats of each figure
    python benchmarks/dashboard.py --quick    # 2 repeats, as in CI
    python benchmarks/dashboard.py --json dashboard.json
    python benchmarks/dashboard.py --cold-start 7   # only the cold starts, beside a one-line app
    python benchmarks/dashboard.py --cold-start 7 --beside ../main   # and another checkout's

``benchmarks/run.py`` calls :func:`measure_dashboard`. The server is ``python -m geo
dashboard``, as the README starts it, on a free 127.0.0.1 port with an empty store (the bundled
seeds), the browser Debian's Chromium (``tests/browser.py`` has both). Every timing is the
median over the repeats, with the repeats' range; nothing passes or fails on time. Figures:

- ``cold_start_to_first_map_s``: from starting the server to the first event marker visible in
  a new browser context (the first script run loads the gazetteer).
- ``cold_start_one_line_app_s``: the same for a one-line Streamlit app (``st.title``), to its
  title, run alternately with the dashboard's cold starts; ``cold_start_ratio`` divides the
  dashboard's median by the one-line app's. With ``--beside DIR``, ``cold_start_beside_s`` and
  ``cold_start_beside_ratio``: the same for the ``dashboard.py`` of another checkout (its own
  ``geo`` package, ``static`` folder and settings), in the same rotation, started as this one
  is. The maps kept for first visits (``.cache/`` beside each ``dashboard.py``) are removed
  before the first round, so that the first cold start draws its map with nothing kept:
  ``cold_start_first_s`` is that one (``cold_start_beside_first_s`` the other checkout's),
  the later ones get the map it kept.
- ``first_map_s_warm_server``: a new browser context (empty cache) on a server that has already
  served a page, to the first event marker.
- ``rerun_after_toggle_browser_ms``: from clicking the "Events" checkbox to the map's set of
  event markers changing (emptied or refilled), seen from the browser.
- ``rerun_after_toggle_server_ms``: the same toggle as a script run alone, timed with
  Streamlit's ``AppTest`` in this process (``.uncheck().run()`` / ``.check().run()``).
- ``first_map_cold_s_100k`` and ``first_map_warm_server_s_100k`` (with ``--scale-events
  100000``; the suffix follows N): the same two first maps with N synthetic events in the store
  (``benchmarks/scale.py`` makes them), where grid cells count as markers.
- ``map_payload_bytes``: the arguments ``dashboard.py`` hands ``st_folium`` for the default
  view, as JSON, recorded during the first ``AppTest`` run (split into the base map and the
  feature groups; ``basemap_file_bytes`` is the land file the map fetches once, when it has
  one); ``first_load_http_bytes`` and ``first_load_websocket_bytes``: what the browser
  received on a first visit with an empty cache (responses with headers; websocket frames
  until the page settled).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import table  # noqa: E402

from tests.browser import (  # noqa: E402
    CHROMIUM,
    DASHBOARD,
    EVENT_MARKERS,
    MAP_IFRAME,
    MARKERS,
    VIEWPORT,
    Dashboard,
    launch_chromium,
    wait_idle,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Frame, Page

TOGGLE_LABEL = "Events"
TOGGLE_KEY = "layer_events"
RETURNED_OBJECTS = ["center", "zoom", "last_object_clicked"]  # as dashboard.py asks
WAIT_MS = 120_000
STATIC = ROOT / "static"  # served at /app/static


def spread(values: list[float], digits: int) -> dict[str, Any]:
    """Return the median and [min, max] of `values`, rounded."""
    return {
        "median": round(statistics.median(values), digits),
        "range": [round(min(values), digits), round(max(values), digits)],
    }


@contextlib.contextmanager
def dashboard_env(store: Path) -> Iterator[None]:
    """Set the environment the dashboard runs with (its store, no editor token), then restore."""
    saved = {k: os.environ.get(k) for k in ("FAULTLINES_STORE", "FAULTLINES_EDITOR_TOKEN")}
    os.environ["FAULTLINES_STORE"] = str(store)
    os.environ.pop("FAULTLINES_EDITOR_TOKEN", None)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


# ---------------------------------------------------------------------------------------------
# in the browser


def first_marker(page: Page, url: str, selector: str = EVENT_MARKERS) -> Frame:
    """Open `url` and return the map's frame once a marker matching `selector` is visible."""
    page.goto(url)
    element = page.wait_for_selector(MAP_IFRAME, state="attached", timeout=WAIT_MS)
    assert element is not None
    frame = element.content_frame()
    assert frame is not None
    frame.wait_for_selector(selector, state="visible", timeout=WAIT_MS)
    return frame


def cold_start(
    browser: Browser,
    store: Path,
    log: Path,
    selector: str = EVENT_MARKERS,
    script: Path = DASHBOARD,
    *,
    in_map: bool = True,
) -> float:
    """Seconds from starting a new server for `script` to the first element matching
    `selector` visible in the map's frame (or, without `in_map`, in the page)."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        started = time.perf_counter()
        with Dashboard(store, log, script=script) as server:
            page = context.new_page()
            if in_map:
                first_marker(page, server.url, selector)
            else:
                page.goto(server.url)
                page.wait_for_selector(selector, state="visible", timeout=WAIT_MS)
            return time.perf_counter() - started
    finally:
        context.close()


def cold_starts(
    browser: Browser, store: Path, work: Path, repeats: int, selector: str = EVENT_MARKERS
) -> list[float]:
    """Seconds from starting a server to the first marker, one new server per repeat."""
    return [
        cold_start(browser, store, work / f"cold-{run}.log", selector) for run in range(repeats)
    ]


#: The app the dashboard's cold start is compared with: Streamlit and one line of it.
ONE_LINE_APP = 'import streamlit as st\n\nst.title("Faultlines")\n'


def cold_start_pairs(
    browser: Browser, store: Path, work: Path, repeats: int, beside: Path | None = None
) -> tuple[list[float], list[float], list[float]]:
    """Cold starts of the dashboard (to its first marker) and of :data:`ONE_LINE_APP` (to its
    title), alternating in one run so that both see the same machine; each a new server, with
    the same settings (``.streamlit/config.toml``), and a new browser context. With `beside`
    (another checkout), its dashboard's cold starts too, in the same rotation (third list)."""
    app = work / "one_line_app.py"
    app.write_text(ONE_LINE_APP, encoding="utf-8")
    for checkout in (ROOT, beside):  # the first round starts with no first view kept
        for kept in (checkout / ".cache").glob("first-view-*.json") if checkout else ():
            kept.unlink()
    dashboard, one_line, other = [], [], []
    for run in range(repeats):
        log = work / f"app-{run}.log"
        one_line.append(cold_start(browser, store, log, "h1", script=app, in_map=False))
        dashboard.append(cold_start(browser, store, work / f"cold-{run}.log"))
        if beside is not None:
            log = work / f"beside-{run}.log"
            other.append(cold_start(browser, store, log, script=beside / "dashboard.py"))
    return dashboard, one_line, other


def warm_first_maps(
    browser: Browser, store: Path, work: Path, repeats: int, selector: str = MARKERS
) -> list[float]:
    """Seconds to the first marker in new browser contexts, on one server already warmed up."""
    times = []
    with Dashboard(store, work / "warm-scale.log") as server:
        for run in range(repeats + 1):
            context = browser.new_context(viewport=VIEWPORT)
            try:
                started = time.perf_counter()
                first_marker(context.new_page(), server.url, selector)
                if run:  # the first visitor loads the gazetteer and the store
                    times.append(time.perf_counter() - started)
            finally:
                context.close()
    return times


def scale_browser_figures(browser: Browser, work: Path, count: int, repeats: int) -> dict[str, Any]:
    """First map in Chromium with `count` synthetic events in the store (``benchmarks/scale.py``).

    At that size the default view shows grid cells as well as single markers, so the first
    marker of any kind counts. Cold: a new server and a new browser context per repeat; warm: new
    contexts on a server whose first visitor has already loaded the store.
    """
    from scale import write_synthetic_store

    from geo.places.gazetteer import load_gazetteer
    from geo.store.store import Store

    store = Store.open(work / f"store-{count}")
    write_synthetic_store(store, load_gazetteer(), count)
    suffix = f"_{count // 1000}k"
    return {
        f"first_map_cold_s{suffix}": spread(
            cold_starts(browser, store.root, work, repeats, MARKERS), 2
        ),
        f"first_map_warm_server_s{suffix}": spread(
            warm_first_maps(browser, store.root, work, repeats), 2
        ),
    }


def first_load_bytes(browser: Browser, url: str) -> tuple[float, int, int]:
    """Open `url` in a new context; return seconds to the first marker, HTTP and ws bytes."""
    context = browser.new_context(viewport=VIEWPORT)
    requests: list[Any] = []
    frames: list[int] = []
    try:
        page = context.new_page()
        page.on("requestfinished", lambda request: requests.append(request))
        page.on(
            "websocket",
            lambda socket: socket.on(
                "framereceived",
                lambda payload: frames.append(
                    len(payload.encode() if isinstance(payload, str) else payload)
                ),
            ),
        )
        started = time.perf_counter()
        first_marker(page, url)
        seconds = time.perf_counter() - started
        wait_idle(page, timeout=WAIT_MS)
        http = 0
        for request in requests:
            sizes = request.sizes()
            http += max(sizes["responseBodySize"], 0) + max(sizes["responseHeadersSize"], 0)
        return seconds, http, sum(frames)
    finally:
        context.close()


def toggle_times(browser: Browser, url: str, repeats: int) -> list[float]:
    """Milliseconds from a click on the events checkbox to the event markers changing."""
    context = browser.new_context(viewport=VIEWPORT)
    times = []
    try:
        page = context.new_page()
        frame = first_marker(page, url)
        wait_idle(page, timeout=WAIT_MS)
        shown = frame.locator(EVENT_MARKERS).count()
        checkbox = page.get_by_test_id("stSidebar").get_by_text(TOGGLE_LABEL, exact=True)
        for _ in range(repeats):
            for wanted in (0, shown):
                started = time.perf_counter()
                checkbox.click()
                frame.wait_for_function(
                    f"() => document.querySelectorAll({EVENT_MARKERS!r}).length === {wanted}",
                    timeout=WAIT_MS,
                )
                times.append((time.perf_counter() - started) * 1000)
                wait_idle(page, timeout=WAIT_MS)  # the markers change while the script runs
    finally:
        context.close()
    return times


def browser_figures(browser: Browser, store: Path, work: Path, repeats: int) -> dict[str, Any]:
    """Cold start, warm first map, bytes of a first visit and the toggle, in Chromium."""
    cold, one_line, _ = cold_start_pairs(browser, store, work, repeats)
    with Dashboard(store, work / "warm.log") as server:
        warmup = browser.new_context(viewport=VIEWPORT)
        try:  # the server's first visitor loads the gazetteer; not counted as warm
            first_marker(warmup.new_page(), server.url)
        finally:
            warmup.close()
        loads = [first_load_bytes(browser, server.url) for _ in range(repeats)]
        toggles = toggle_times(browser, server.url, repeats)
    return {
        "cold_start_to_first_map_s": spread(cold, 2),
        "cold_start_one_line_app_s": spread(one_line, 2),
        "cold_start_ratio": round(statistics.median(cold) / statistics.median(one_line), 2),
        "first_map_s_warm_server": spread([seconds for seconds, _, _ in loads], 2),
        "first_load_http_bytes": loads[0][1],
        "first_load_websocket_bytes": loads[0][2],
        "rerun_after_toggle_browser_ms": spread(toggles, 0),
    }


# ---------------------------------------------------------------------------------------------
# in this process


@contextlib.contextmanager
def quiet_bare_mode() -> Iterator[None]:
    """Silence Streamlit's "missing ScriptRunContext" warnings, which AppTest's setup triggers."""
    log = logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context")
    muted = logging.Filter("nothing")  # Streamlit resets levels, so filter the records instead
    log.addFilter(muted)
    try:
        yield
    finally:
        log.removeFilter(muted)


@contextlib.contextmanager
def recorded_map_arguments() -> Iterator[list[dict[str, Any]]]:
    """Record the arguments of every ``st_folium`` call while inside (the real call still runs)."""
    import streamlit_folium

    calls: list[dict[str, Any]] = []
    original = streamlit_folium._component_func

    def recording(**arguments: Any) -> Any:
        calls.append(arguments)
        return original(**arguments)

    streamlit_folium._component_func = recording
    try:
        yield calls
    finally:
        streamlit_folium._component_func = original


def payload_sizes(arguments: dict[str, Any]) -> dict[str, int]:
    """Bytes of ``st_folium``'s arguments as JSON, in all and by part, and of the land file."""
    sent = {k: v for k, v in arguments.items() if k != "on_change"}

    def size(*keys: str) -> int:
        return sum(len(json.dumps(sent.get(k)).encode()) for k in keys)

    figures = {
        "map_payload_bytes": len(json.dumps(sent).encode()),
        "map_payload_base_map_bytes": size("script", "header", "html"),
        "map_payload_feature_groups_bytes": size("feature_group"),
    }
    land = re.search(r"faultlines/basemap-[0-9a-f]+\.geojson", str(sent.get("script", "")))
    if land and (STATIC / land.group()).is_file():  # fetched once, then cached by the browser
        figures["basemap_file_bytes"] = (STATIC / land.group()).stat().st_size
    return figures


def server_figures(store: Path, repeats: int) -> dict[str, Any]:
    """Time the toggle's script run with ``AppTest``; measure the default view's map payload."""
    from streamlit.testing.v1 import AppTest

    with dashboard_env(store), quiet_bare_mode(), recorded_map_arguments() as calls:
        app = AppTest.from_file(str(DASHBOARD), default_timeout=WAIT_MS / 1000).run()
        if app.exception or not calls:
            msg = f"the dashboard failed under AppTest: {app.exception}"
            raise RuntimeError(msg)
        default_view = calls[0]
        times = []
        steps: list[Callable[[], Any]] = [
            lambda: app.checkbox(key=TOGGLE_KEY).uncheck().run(),
            lambda: app.checkbox(key=TOGGLE_KEY).check().run(),
        ]
        for _ in range(repeats):
            for step in steps:
                started = time.perf_counter()
                step()
                times.append((time.perf_counter() - started) * 1000)
                if app.exception:
                    msg = f"the dashboard failed under AppTest: {app.exception}"
                    raise RuntimeError(msg)
    return {"rerun_after_toggle_server_ms": spread(times, 0), **payload_sizes(default_view)}


# ---------------------------------------------------------------------------------------------


def measure_cold_start(repeats: int, beside: Path | None = None) -> dict[str, Any]:
    """Return only the cold starts of the dashboard and of the one-line app, and their ratio
    (and those of the dashboard of the checkout `beside`, when given)."""
    figures: dict[str, Any] = {
        "repeats": repeats,
        "load_average_1min": round(os.getloadavg()[0], 2),
    }
    from playwright.sync_api import sync_playwright

    with (
        tempfile.TemporaryDirectory(prefix="faultlines-dashboard-") as directory,
        sync_playwright() as playwright,
    ):
        browser = launch_chromium(playwright)
        try:
            work = Path(directory)
            cold, one_line, other = cold_start_pairs(browser, work / "store", work, repeats, beside)
        finally:
            browser.close()
    figures.update(
        {
            "cold_start_to_first_map_s": spread(cold, 2),
            "cold_start_first_s": round(cold[0], 2),
            "cold_start_one_line_app_s": spread(one_line, 2),
            "cold_start_ratio": round(statistics.median(cold) / statistics.median(one_line), 2),
        }
    )
    if other:
        figures["cold_start_beside_s"] = spread(other, 2)
        figures["cold_start_beside_first_s"] = round(other[0], 2)
        ratio = statistics.median(other) / statistics.median(one_line)
        figures["cold_start_beside_ratio"] = round(ratio, 2)
    return figures


def measure_dashboard(*, quick: bool, scale_events: int = 0) -> dict[str, Any]:
    """Return the dashboard's figures (see the module docstring); medians over 2 or 5 repeats.

    With `scale_events`, also the first map in the browser with that many synthetic events in
    the store. Without Chromium or Playwright the browser figures are left out and ``skipped``
    says why.
    """
    repeats = 2 if quick else 5
    figures: dict[str, Any] = {
        "repeats": repeats,
        "load_average_1min": round(os.getloadavg()[0], 2),
    }
    with tempfile.TemporaryDirectory(prefix="faultlines-dashboard-") as directory:
        work = Path(directory)
        store = work / "store"  # empty: the dashboard shows the bundled seeds
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            figures["skipped"] = "browser figures: the playwright package is not installed"
        else:
            if CHROMIUM.is_file():
                with sync_playwright() as playwright:
                    browser = launch_chromium(playwright)
                    try:
                        figures.update(browser_figures(browser, store, work, repeats))
                        if scale_events:
                            figures.update(
                                scale_browser_figures(browser, work, scale_events, repeats)
                            )
                    finally:
                        browser.close()
            else:
                figures["skipped"] = f"browser figures: {CHROMIUM} is missing"
        figures.update(server_figures(store, repeats))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 repeats instead of 5")
    parser.add_argument(
        "--scale-events",
        type=int,
        default=0,
        metavar="N",
        help="also time the first map with N synthetic events in the store (e.g. 100000)",
    )
    parser.add_argument(
        "--cold-start",
        type=int,
        default=0,
        metavar="N",
        help="only the cold starts: N of the dashboard and N of a one-line app, alternating",
    )
    parser.add_argument(
        "--beside",
        type=Path,
        metavar="DIR",
        help="with --cold-start: also time DIR/dashboard.py (another checkout) in the rotation",
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    if args.cold_start:
        figures = measure_cold_start(args.cold_start, args.beside)
    else:
        figures = measure_dashboard(quick=args.quick, scale_events=args.scale_events)
    print("dashboard")
    print("\n".join(table(figures)))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
