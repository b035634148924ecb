"""Run the dashboard on a local port and drive it with Debian's Chromium through Playwright.

Shared by ``tests/test_browser.py`` (which takes the fixtures below by assigning them to
names of its own) and ``benchmarks/dashboard.py``:

- :class:`Dashboard` runs the dashboard as the README starts it (``python -m geo dashboard``)
  in a subprocess on a free ``127.0.0.1`` port, with its own store (``FAULTLINES_STORE``) and
  no editor token unless given, and waits for ``/_stcore/health``.
- :func:`launch_chromium` starts ``/usr/bin/chromium`` with flags that keep it from calling
  home; :func:`chromium_executable` skips the test when it is missing, or fails it when
  ``FAULTLINES_REQUIRE_BROWSER=1``.
- :func:`open_tab` gives a fresh browser context whose every request to a host other than
  ``127.0.0.1``/``localhost`` is recorded and aborted, with console errors, page errors and
  dialogs recorded too.
- :func:`map_frame` finds streamlit-folium's iframe and waits for Leaflet's markers; the other
  helpers read what the map shows (feature ids, centre, zoom) and wait for Streamlit's reruns.

Fixtures: ``chromium`` (one browser per module), ``dashboard_store`` (an empty store; a test
module defines its own to put articles in before the server starts), ``dashboard`` (one server
per module, reading ``dashboard_store``) and ``tab`` (a fresh context per test).
"""

from __future__ import annotations

import contextlib
import math
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import (
        Browser,
        BrowserContext,
        Frame,
        Page,
        Playwright,
        Route,
        ViewportSize,
    )

ROOT = Path(__file__).resolve().parents[1]
DASHBOARD = ROOT / "dashboard.py"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
REQUIRE_BROWSER_ENV = "FAULTLINES_REQUIRE_BROWSER"
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost"})
VIEWPORT: ViewportSize = {"width": 1400, "height": 1000}

MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
MARKERS = ".leaflet-marker-pane [data-fl-id]"
EVENT_MARKERS = ".leaflet-marker-pane .fl-event[data-fl-id]"
ZONE_PATHS = "path.fl-zone"
SCRIPT_IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
START_TIMEOUT_S = 90.0
WAIT_MS = 60_000

_STYLED_JS = """
() => [...document.querySelectorAll("link[rel='stylesheet']")].every(link => link.sheet)
"""

_FEATURE_IDS_JS = """
() => {
    const ids = [...document.querySelectorAll('.leaflet-marker-pane [data-fl-id]')]
        .map(e => e.dataset.flId);
    for (const path of document.querySelectorAll('.leaflet-overlay-pane path')) {
        for (const name of path.classList) {
            if (name.startsWith('fl-id-')) ids.push(name);
        }
    }
    return ids;
}
"""


# ---------------------------------------------------------------------------------------------
# the server


def free_port() -> int:
    """Return a TCP port nobody listens on at 127.0.0.1 (free when asked)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _local_opener() -> urllib.request.OpenerDirector:
    """Return a URL opener that never goes through a proxy (only 127.0.0.1 is asked)."""
    return urllib.request.build_opener(urllib.request.ProxyHandler({}))


class Dashboard:
    """``python -m geo dashboard`` in a subprocess, on a free port of 127.0.0.1.

    Parameters
    ----------
    store_dir
        The store the dashboard reads (``FAULTLINES_STORE``).
    log_path
        Where the server's output goes.
    editor_token
        The editor token the server asks for before articles are added; none (read-only) by
        default.
    script
        The Streamlit script to run: ``dashboard.py``, this checkout's or another's (started
        as the README says, ``python -m geo dashboard`` in its folder), or another app to
        compare with it (``benchmarks/dashboard.py`` times a one-line app, with ``streamlit
        run``).
    """

    def __init__(
        self,
        store_dir: Path,
        log_path: Path,
        *,
        editor_token: str | None = None,
        script: Path = DASHBOARD,
    ) -> None:
        self.store_dir = store_dir
        self.editor_token = editor_token
        self.script = script
        self.log_path = log_path
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def start(self, *, timeout: float = START_TIMEOUT_S) -> Dashboard:
        """Start the server and wait until ``/_stcore/health`` answers ``ok``."""
        env = dict(os.environ)
        env["FAULTLINES_STORE"] = str(self.store_dir)
        env.pop("FAULTLINES_EDITOR_TOKEN", None)
        if self.editor_token:
            env["FAULTLINES_EDITOR_TOKEN"] = self.editor_token
        self._log = self.log_path.open("wb")
        checkout = self.script.parent  # this project's, or another checkout of it
        if self.script.name == DASHBOARD.name and (checkout / "geo" / "cli.py").is_file():
            # as the README starts it, with the checkout's own package (-m imports from cwd)
            command = [sys.executable, "-m", "geo", "dashboard", "--port", str(self.port)]
        else:
            checkout = ROOT
            command = [sys.executable, "-m", "streamlit", "run", str(self.script)]
            command += ["--server.port", str(self.port), "--server.headless", "true"]
        command += ["--server.fileWatcherType", "none"]
        # the working directory is the project root so Streamlit reads .streamlit/config.toml
        self._process = subprocess.Popen(
            command, cwd=checkout, env=env, stdout=self._log, stderr=subprocess.STDOUT
        )
        opener = _local_opener()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                msg = f"the dashboard exited with {self._process.returncode}:\n{self.log()}"
                self.stop()
                raise RuntimeError(msg)
            with (
                contextlib.suppress(OSError, urllib.error.URLError),
                opener.open(f"{self.url}_stcore/health", timeout=2) as answer,
            ):
                if answer.read().strip() == b"ok":
                    return self
            time.sleep(0.1)
        msg = f"the dashboard did not answer on {self.url} within {timeout} s:\n{self.log()}"
        self.stop()
        raise TimeoutError(msg)

    def stop(self) -> None:
        """Stop the server (terminate, then kill after 10 s) and close its log."""
        if self._process is not None:
            if self._process.poll() is None:
                self._process.terminate()
                try:
                    self._process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self._process.kill()
                    self._process.wait(timeout=10)
            self._process = None
        if self._log is not None:
            self._log.close()
            self._log = None

    @property
    def pid(self) -> int:
        """Return the server's process id (the server runs in the process started)."""
        if self._process is None:
            msg = "the dashboard is not running"
            raise RuntimeError(msg)
        return self._process.pid

    def log(self) -> str:
        """Return the server's output so far."""
        if not self.log_path.exists():
            return ""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def __enter__(self) -> Dashboard:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()


# ---------------------------------------------------------------------------------------------
# the browser


def _missing(reason: str) -> None:
    if os.environ.get(REQUIRE_BROWSER_ENV) == "1":
        pytest.fail(f"{reason} ({REQUIRE_BROWSER_ENV}=1)")
    pytest.skip(reason)


def chromium_executable() -> Path:
    """Return Debian's Chromium; skip the test when it is missing (fail when it is required)."""
    if not CHROMIUM.is_file():
        _missing(f"{CHROMIUM} is missing (apt-get install chromium)")
    return CHROMIUM


def launch_chromium(playwright: Playwright) -> Browser:
    """Start Debian's Chromium, headless, with the flags that keep it off the network."""
    return playwright.chromium.launch(
        executable_path=str(chromium_executable()), args=list(CHROMIUM_ARGS)
    )


def is_local(url: str) -> bool:
    """Return whether `url` names this machine (``127.0.0.1`` or ``localhost``)."""
    return urlsplit(url).hostname in LOCAL_HOSTS


@dataclass
class Tab:
    """A fresh browser context with one page, and what happened in it.

    Attributes
    ----------
    blocked
        Requests (and websockets) to other hosts, all aborted; must stay empty.
    errors
        Console errors and uncaught exceptions, from the page and its iframes.
    dialogs
        Messages of ``alert``/``confirm``/``prompt`` dialogs (dismissed).
    """

    context: BrowserContext
    page: Page
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def open(self, url: str, *, settle: bool = True, timeout: float = WAIT_MS) -> Frame:
        """Go to `url` and return the map's frame once Leaflet drew its markers.

        With `settle`, also wait for the rerun the map's first report of its centre causes.
        """
        self.page.goto(url)
        return map_frame(self.page, settle=settle, timeout=timeout)

    def close(self) -> None:
        """Close the context (and the Streamlit session behind it)."""
        with contextlib.suppress(Exception):  # a context whose browser is gone is closed
            self.context.close()


def open_tab(browser: Browser, *, viewport: ViewportSize | None = None) -> Tab:
    """Return a :class:`Tab` in a new context whose requests leaving this machine are aborted.

    The page is :data:`VIEWPORT` large unless `viewport` says otherwise (a phone's screen).
    """
    context = browser.new_context(viewport=viewport or VIEWPORT)
    page = context.new_page()
    tab = Tab(context, page)

    def guard(route: Route) -> None:
        url = route.request.url
        if is_local(url):
            route.continue_()
        else:
            tab.blocked.append(url)
            route.abort("blockedbyclient")

    context.route("**/*", guard)
    page.on(
        "websocket", lambda socket: None if is_local(socket.url) else tab.blocked.append(socket.url)
    )
    page.on(
        "console",
        lambda message: tab.errors.append(message.text) if message.type == "error" else None,
    )
    page.on("pageerror", lambda error: tab.errors.append(f"uncaught: {error}"))

    def dialog(opened: Any) -> None:
        tab.dialogs.append(opened.message)
        opened.dismiss()

    page.on("dialog", dialog)
    return tab


# ---------------------------------------------------------------------------------------------
# reading the page


def wait_idle(page: Page, *, timeout: float = WAIT_MS) -> None:
    """Wait until the script is not running (pair it with a wait for the rerun's effect)."""
    page.wait_for_selector(SCRIPT_IDLE, state="attached", timeout=timeout)


def settles(page: Page, *, timeout: float) -> bool:
    """Return whether the script stops running within `timeout` milliseconds."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    try:
        wait_idle(page, timeout=timeout)
    except PlaywrightTimeoutError:
        return False
    return True


def map_frame(page: Page, *, settle: bool = True, timeout: float = WAIT_MS) -> Frame:
    """Return streamlit-folium's iframe once Leaflet drew markers with its styles (and, with
    `settle`, once the script is not running).
    """
    element = page.wait_for_selector(MAP_IFRAME, state="attached", timeout=timeout)
    assert element is not None
    frame = element.content_frame()
    assert frame is not None, "the map iframe has no document"
    frame.wait_for_selector(".leaflet-container", state="attached", timeout=timeout)
    frame.wait_for_selector(MARKERS, state="attached", timeout=timeout)
    # streamlit-folium adds the stylesheets without waiting for them: until Leaflet's has
    # arrived, markers are not in place, and clicks land elsewhere
    frame.wait_for_function(_STYLED_JS, timeout=timeout)
    if settle:
        wait_idle(page, timeout=timeout)
    return frame


def marker_ids(frame: Frame, selector: str = MARKERS) -> set[str]:
    """Return the ``data-fl-id`` of every marker matching `selector`."""
    ids: list[str] = frame.eval_on_selector_all(selector, "els => els.map(e => e.dataset.flId)")
    return set(ids)


_CLUSTERED_IDS_JS = """
() => {
    const ids = [];
    map.eachLayer(layer => {
        if (window.L && L.MarkerClusterGroup && layer instanceof L.MarkerClusterGroup) {
            layer.getLayers().forEach(marker => ids.push(marker.options.flId));
        }
    });
    return ids;
}
"""


def event_ids(frame: Frame) -> set[str]:
    """Return the id of every event on the map, drawn alone or inside a cluster disc."""
    return marker_ids(frame, EVENT_MARKERS) | set(frame.evaluate(_CLUSTERED_IDS_JS))


def feature_ids(frame: Frame) -> set[str]:
    """Return every feature on the map: marker ids (clustered too) and the ``fl-id-*`` classes
    of polygons."""
    return set(frame.evaluate(_FEATURE_IDS_JS)) | set(frame.evaluate(_CLUSTERED_IDS_JS))


def map_view(frame: Frame) -> tuple[float, float, int]:
    """Return Leaflet's centre latitude, longitude (wrapped) and zoom."""
    lat, lon, zoom = frame.evaluate(
        "() => { const c = map.wrapLatLng(map.getCenter()); return [c.lat, c.lng, map.getZoom()]; }"
    )
    return float(lat), float(lon), int(zoom)


def degrees_per_pixel(zoom: int) -> float:
    """Return how many degrees of longitude one screen pixel spans at `zoom`."""
    return 360.0 / (256.0 * 2.0**zoom)


def query_of(url: str) -> dict[str, str]:
    """Return a URL's query parameters (last value wins)."""
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


def count_everywhere(page: Page, selector: str) -> int:
    """Return how many elements match `selector` in the page and all its frames."""
    return sum(frame.locator(selector).count() for frame in page.frames)


def free_point(frame: Frame) -> tuple[float, float]:
    """Return a point of the map (in the frame) with no marker or control under it."""
    found = frame.evaluate(
        """
        () => {
            const box = map.getContainer().getBoundingClientRect();
            for (let fy = 0.3; fy < 0.9; fy += 0.1) {
                for (let fx = 0.2; fx < 0.9; fx += 0.1) {
                    const x = box.left + fx * box.width, y = box.top + fy * box.height;
                    const hit = document.elementFromPoint(x, y);
                    if (hit && !hit.closest('.leaflet-marker-pane, .leaflet-control,'
                            + ' .leaflet-popup-pane, .leaflet-interactive')) {
                        return [x, y];
                    }
                }
            }
            return null;
        }
        """
    )
    assert found is not None, "no free spot on the map to drag from"
    return float(found[0]), float(found[1])


def drag_map(page: Page, frame: Frame, dx: float, dy: float) -> None:
    """Drag the map by (`dx`, `dy`) screen pixels, starting where nothing is drawn."""
    element = page.query_selector(MAP_IFRAME)
    assert element is not None
    box = element.bounding_box()
    assert box is not None
    x, y = free_point(frame)
    page.mouse.move(box["x"] + x, box["y"] + y)
    page.mouse.down()
    page.mouse.move(box["x"] + x + dx, box["y"] + y + dy, steps=10)
    page.wait_for_timeout(300)  # hold still before letting go: no inertia, a definite drop
    page.mouse.up()


def nearest_clickable_marker(frame: Frame, selector: str = EVENT_MARKERS) -> str:
    """Return the id of the marker closest to the map's centre that a click would hit."""
    found = frame.evaluate(
        """
        (selector) => {
            const box = map.getContainer().getBoundingClientRect();
            const cx = box.left + box.width / 2, cy = box.top + box.height / 2;
            const hits = [];
            for (const el of document.querySelectorAll(selector)) {
                const r = el.getBoundingClientRect();
                const x = r.left + r.width / 2, y = r.top + r.height / 2;
                if (x < box.left + 20 || x > box.right - 20 || y < box.top + 20
                        || y > box.bottom - 20) continue;
                const top = document.elementFromPoint(x, y);
                if (top && (top === el || el.contains(top) || top.contains(el))) {
                    hits.push([Math.hypot(x - cx, y - cy), el.dataset.flId]);
                }
            }
            hits.sort((a, b) => a[0] - b[0]);
            return hits.length ? hits[0][1] : null;
        }
        """,
        selector,
    )
    assert found, f"no marker matching {selector!r} can be clicked"
    return str(found)


def round_trip_centre(query: dict[str, str], default: tuple[float, float]) -> tuple[float, float]:
    """Return the centre a snapshot query asks for (`default` for a side it leaves out)."""
    lat = float(query["lat"]) if "lat" in query else default[0]
    lon = float(query["lon"]) if "lon" in query else default[1]
    return lat, lon


def same_place(a: float, b: float, tolerance: float) -> bool:
    """Return whether two coordinates are within `tolerance` degrees."""
    return math.isclose(a, b, abs_tol=tolerance)


# ---------------------------------------------------------------------------------------------
# fixtures


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """One headless Chromium for the module (skipped, or failed when required, without it)."""
    chromium_executable()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright package is not installed")
        raise
    playwright = sync_playwright().start()
    try:
        browser = launch_chromium(playwright)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


@pytest.fixture(scope="module")
def dashboard_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The store the module's dashboard reads: empty (seeds only) unless a module overrides it."""
    return tmp_path_factory.mktemp("store") / "store"


@pytest.fixture(scope="module")
def dashboard(
    chromium: Browser, dashboard_store: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Dashboard]:
    """One dashboard server for the module, on a free port of 127.0.0.1."""
    log = tmp_path_factory.mktemp("server") / "streamlit.log"
    with Dashboard(dashboard_store, log) as server:
        yield server


@pytest.fixture
def tab(chromium: Browser) -> Iterator[Tab]:
    """A fresh browser context and page for one test, network beyond 127.0.0.1 cut off."""
    opened = open_tab(chromium)
    try:
        yield opened
    finally:
        opened.close()
