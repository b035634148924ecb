"""Load the dashboard with many concurrent browser sessions and report errors, latency and memory.

Usage::

    python benchmarks/load.py                          # 20 sessions for 60 s
    python benchmarks/load.py --sessions 8 --seconds 30
    python benchmarks/load.py --quick                  # 5 sessions for 15 s, as in CI
    python benchmarks/load.py --json load.json

Everything stays on this machine: one ``python -m geo dashboard`` on a free ``127.0.0.1``
port with an empty temporary store (the bundled seeds), one headless Debian Chromium, and one
browser context per session (``tests/browser.py`` has the server and the browser's flags).
Chromium's proxy is a ``127.0.0.1`` port that refuses connections, with only ``127.0.0.1`` and
``localhost`` bypassing it, so every request to another host (other loopback addresses and
websockets included) is aborted by the browser; each one is counted. (Playwright's request
routing would do the same but turns the HTTP cache off, which makes every page load fetch and
compile Streamlit's scripts again: the browser, not the server, would be measured.)

The sessions run concurrently in one asyncio loop, starting one after the other (at most a
second apart, within the first third of the run); each repeats, until the time is up:

1. open the dashboard, every other time on the plain URL and otherwise on a snapshot link
   (layers, types, a date window, a zoom, a selected event) or, one round in ten, on a hostile
   link (``?lat=<script>…&z=999``, which must open with a warning and a map, and no dialog);
   each session starts at its own place in this cycle, so even a run of single rounds opens
   every kind of link;
2. wait for the map's markers and for the script to stop running (``first_map_ms`` is the time
   from asking for the page to the first marker);
3. untick a layer that shows features and tick it again, waiting each time for the map's
   features to change (off: that layer's features are gone; on: they are back, not
   necessarily the very features from before: the map may have reported a move in between,
   and the features drawn are the view's). ``rerun_latency_ms`` is measured in the browser,
   from the click on the checkbox to the DOM mutation that completes the change in the map's
   frame.

A session starts no new round after the deadline; the round under way finishes (every wait is
bounded, so the run ends at most one round late). Errors, counted by kind in ``error_kinds``,
are timeouts, console errors, uncaught exceptions, crashes and dialogs in the pages, a wrong
page (an exception shown by Streamlit, no warning on the hostile link, no selection on a ``sel``
link) and tracebacks in the server's log. ``cpu_s`` splits the CPU time used during the load
between the server and the browser (with Playwright's driver), to tell which one was the limit.
The server's resident memory is sampled every second (``psutil`` when installed, else
``/proc/<pid>/status``): ``cold`` before any visit, ``start`` after one warm-up visit (caches
filled), ``peak`` and ``end`` during the load, ``after_close`` a few seconds after every session
closed. Nothing passes or fails on time here; ``tests/test_load.py`` runs the short mode and
asserts that nothing went wrong.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import socket
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.view import page as views  # noqa: E402
from tests.browser import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    EVENT_MARKERS,
    MAP_IFRAME,
    MARKERS,
    SCRIPT_IDLE,
    VIEWPORT,
    Dashboard,
    is_local,
)

if TYPE_CHECKING:
    from playwright.async_api import Browser, BrowserContext, Frame, Page

NETWORK_SCHEMES = frozenset({"http", "https", "ws", "wss", "ftp"})
QUICK_SESSIONS = 5
QUICK_SECONDS = 15.0
#: Longest wait for any one thing (a page, a marker, a rerun), in milliseconds.
WAIT_MS = 60_000
#: Longest a whole round may take, in seconds (a backstop behind the waits above).
ROUND_S = 5 * WAIT_MS / 1000
#: Sessions start within this share of the run, at most a second apart.
RAMP_SHARE = 1 / 3
MAX_MESSAGES = 10
SAMPLE_S = 1.0
AFTER_CLOSE_S = 3.0

#: The sidebar's layer checkboxes, in the order the rounds pick them.
LAYER_LABELS = {key: views.LAYER_LABELS[key] for key in ("events", "zones", "offices", "places")}
HOSTILE_QUERY = {"lat": "<script>alert(1)</script>", "z": "999"}
SELECTED = {"sel": "?"}  # an event the warm-up visit's map showed
#: The links a session opens in turn, starting at its own number: the plain URL every other
#: time, snapshot links (or the hostile link) between.
LINKS: tuple[dict[str, str], ...] = (
    {},
    {"from": "2023-03-01", "to": "2023-03-31"},
    {},
    {"layers": "events,offices,places,zones", "types": "exercise,incursion,missile_launch,patrol"},
    {},
    HOSTILE_QUERY,
    {},
    {"layers": "events,zones", "from": "2022-06-01", "to": "2023-04-30", "z": "5"},
    {},
    SELECTED,
)
WARNING = '[data-testid="stAlertContentWarning"]'
EXCEPTION = '[data-testid="stException"]'

# records the first click of a toggle in the page (the checkbox's label, then its input)
_CLICK_CLOCK_JS = """
window.__flClicked = null;
document.addEventListener('click', () => {
    if (window.__flClicked === null) window.__flClicked = Date.now();
}, true);
"""
_LAYERS_JS = """
() => {
    const all = (s) => document.querySelectorAll(s);
    return {
        counts: {
            events: all('.leaflet-marker-pane .fl-event[data-fl-id]').length,
            offices: all('.leaflet-marker-pane .fl-office[data-fl-id]').length,
            zones: all('path.fl-zone').length,
            places: all('path.fl-place').length,
        },
    };
}
"""
# watches the map's frame until `layer` is gone (mode "off") or back ("on")
_WATCH_JS = (
    """
([layer, mode]) => {
    const shown = """
    + _LAYERS_JS
    + """;
    const done = () => {
        const now = shown();
        return mode === 'off' ? now.counts[layer] === 0 : now.counts[layer] > 0;
    };
    if (window.__flObserver) window.__flObserver.disconnect();
    window.__flChanged = null;
    const observer = new MutationObserver(() => {
        if (done()) {
            window.__flChanged = Date.now();
            observer.disconnect();
        }
    });
    observer.observe(document.body, {
        childList: true, subtree: true, attributes: true, attributeFilter: ['class'],
    });
    window.__flObserver = observer;
}
"""
)


class LoadError(RuntimeError):
    """A page that did not show what it should have."""


@dataclass
class Tally:
    """What all sessions saw, shared by them (one asyncio loop: no locks needed).

    `errors` holds (kind, message) pairs.
    """

    page_loads: int = 0
    hostile_loads: int = 0
    toggles: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    rerun_ms: list[float] = field(default_factory=list)
    first_map_ms: list[float] = field(default_factory=list)
    event_ids: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# the server's memory and CPU time


def rss_reader(pid: int) -> Callable[[], float]:
    """Return a function giving process `pid`'s resident memory in MiB."""
    try:
        import psutil  # type: ignore[import-untyped]
    except ImportError:
        status = Path(f"/proc/{pid}/status")

        def from_proc() -> float:
            for line in status.read_text(encoding="utf-8").splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
            msg = f"{status} has no VmRSS line"
            raise LookupError(msg)

        return from_proc
    process = psutil.Process(pid)
    return lambda: float(process.memory_info().rss) / 2**20


def cpu_seconds(pid: int) -> float:
    """Return the CPU time (user + system) process `pid` used so far, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8").rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def browser_cpu(server: int) -> dict[int, float]:
    """Return the CPU seconds of every process under this one but the server (the browser)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                stat = (entry / "stat").read_text(encoding="utf-8").rsplit(")", 1)[1].split()
                parents[int(entry.name)] = int(stat[1])
    ours, found = {os.getpid()}, True
    while found:
        found = False
        for pid, parent in parents.items():
            if parent in ours and pid not in ours and pid != server:
                ours.add(pid)
                found = True
    times = {}
    for pid in ours - {os.getpid()}:
        with contextlib.suppress(OSError, IndexError, ValueError):
            times[pid] = cpu_seconds(pid)
    return times


async def sample_memory(
    read: Callable[[], float], samples: list[float], stop: asyncio.Event
) -> None:
    """Append the server's memory to `samples` every second until `stop` is set."""
    while not stop.is_set():
        with contextlib.suppress(OSError, LookupError):  # the server may be gone at the end
            samples.append(read())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), SAMPLE_S)


# ---------------------------------------------------------------------------------------------
# one browser session


class Session:
    """One browser context that loads, toggles and follows links until the deadline."""

    def __init__(self, number: int, context: BrowserContext, base_url: str, tally: Tally) -> None:
        self.number = number
        self.context = context
        self.base_url = base_url
        self.tally = tally
        self.recording = True
        self.page: Page | None = None
        self.step = "start"

    @classmethod
    async def open(cls, number: int, browser: Browser, base_url: str, tally: Tally) -> Session:
        """Return a session in a new context whose requests leaving this machine are aborted."""
        context = await browser.new_context(viewport=VIEWPORT)
        session = cls(number, context, base_url, tally)
        context.on("request", lambda request: session.outgoing(request.url))
        await context.add_init_script(_CLICK_CLOCK_JS)
        return session

    def outgoing(self, url: str) -> None:
        """Count a request (or websocket) to another host; the browser's proxy aborts it."""
        if urlsplit(url).scheme in NETWORK_SCHEMES and not is_local(url):
            self.tally.external.append(url)

    def error(self, kind: str, message: str) -> None:
        if self.recording:
            first_line = (message.strip().splitlines() or [""])[0]
            who = f"session {self.number}" if self.number >= 0 else "warm-up"
            self.tally.errors.append((kind, f"{who}, {self.step}: {first_line}"))

    async def new_page(self) -> Page:
        """Replace the session's page (after an error, so the next round starts clean)."""
        if self.page is not None:
            with contextlib.suppress(Exception):  # a crashed page may refuse to close
                await self.page.close()
        page = await self.context.new_page()

        async def dialog(opened: Any) -> None:
            self.error("dialog", opened.message)
            await opened.dismiss()

        def console(message: Any) -> None:
            if message.type == "error":
                self.error("console", message.text)

        page.on("console", console)
        page.on("pageerror", lambda error: self.error("uncaught", str(error)))
        page.on("crash", lambda _: self.error("crash", "the page crashed"))
        page.on("dialog", dialog)
        page.on("websocket", lambda socket: self.outgoing(socket.url))
        self.page = page
        return page

    async def run(self, start: float, deadline: float) -> None:
        """Play rounds from `start` until `deadline` (``time.monotonic()``), then stop recording."""
        await asyncio.sleep(max(0.0, start - time.monotonic()))
        page = await self.new_page()
        round_number = 0
        try:
            while time.monotonic() < deadline:
                try:
                    await asyncio.wait_for(self.play(page, round_number), ROUND_S)
                except Exception as problem:  # every failure is counted, then the next round
                    name = type(problem).__name__
                    kind = {"TimeoutError": "timeout", "LoadError": "page"}.get(name, "other")
                    self.error(kind, f"{name}: {problem}")
                    page = await self.new_page()
                round_number += 1
        finally:
            self.recording = False

    async def close(self) -> None:
        """Close the context (and the Streamlit session behind it)."""
        with contextlib.suppress(Exception):  # a context whose browser is gone is closed
            await self.context.close()

    def link(self, round_number: int) -> dict[str, str]:
        """Return the query of the round's link (empty for the plain URL)."""
        query = LINKS[(self.number + round_number) % len(LINKS)]
        if query is SELECTED:
            ids = self.tally.event_ids
            return {"sel": ids[(self.number + round_number) % len(ids)]} if ids else {}
        return query

    async def play(self, page: Page, round_number: int) -> None:
        """Open this round's link, check the page, then untick and tick a layer."""
        query = self.link(round_number)
        url = f"{self.base_url}?{urlencode(query)}" if query else self.base_url
        self.step = f"round {round_number}, opening {url[len(self.base_url) - 1 :]}"
        frame = await self.load(page, url)
        if query is HOSTILE_QUERY:
            self.tally.hostile_loads += 1
            warnings = await page.locator(WARNING).all_inner_texts()
            if not any("lat" in w and "<script>" in w for w in warnings):
                msg = f"the hostile link showed no warning quoting it: {warnings!r}"
                raise LoadError(msg)
        if "sel" in query:
            await frame.wait_for_selector(".fl-selected", state="attached", timeout=WAIT_MS)
        shown = await frame.evaluate(_LAYERS_JS)
        layers = [key for key in LAYER_LABELS if shown["counts"][key]]
        if not layers:
            msg = f"the map shows no features: {shown['counts']!r}"
            raise LoadError(msg)
        layer = layers[(self.number + round_number) % len(layers)]
        self.step = f"round {round_number}, unticking {LAYER_LABELS[layer]!r}"
        await self.toggle(page, frame, layer, "off")
        self.step = f"round {round_number}, ticking {LAYER_LABELS[layer]!r}"
        await self.toggle(page, frame, layer, "on")

    async def load(self, page: Page, url: str) -> Frame:
        """Go to `url`; return the map's frame once it shows markers and the script is idle."""
        started = time.perf_counter()
        await page.goto(url, timeout=WAIT_MS)
        element = await page.wait_for_selector(MAP_IFRAME, state="attached", timeout=WAIT_MS)
        frame = await element.content_frame() if element else None
        if frame is None:
            msg = "the map's iframe has no document"
            raise LoadError(msg)
        await frame.wait_for_selector(MARKERS, state="attached", timeout=WAIT_MS)
        self.tally.first_map_ms.append((time.perf_counter() - started) * 1000)
        self.tally.page_loads += 1
        await self.settle(page)
        return frame

    async def settle(self, page: Page) -> None:
        """Wait until the script is not running; fail on an exception Streamlit shows."""
        await page.wait_for_selector(SCRIPT_IDLE, state="attached", timeout=WAIT_MS)
        shown = page.locator(EXCEPTION)
        if await shown.count():
            msg = f"the page shows an exception: {await shown.first.inner_text()}"
            raise LoadError(msg)

    async def toggle(self, page: Page, frame: Frame, layer: str, mode: str) -> None:
        """Click `layer`'s checkbox; wait until its features are gone (off) or back (on)."""
        await frame.evaluate(_WATCH_JS, [layer, mode])
        await page.evaluate("() => { window.__flClicked = null; }")
        checkbox = page.get_by_test_id("stSidebar").get_by_text(LAYER_LABELS[layer], exact=True)
        await checkbox.click(timeout=WAIT_MS)
        changed = await frame.wait_for_function("() => window.__flChanged", timeout=WAIT_MS)
        changed_at = await changed.json_value()
        clicked_at = await page.evaluate("() => window.__flClicked")
        if clicked_at is None:
            msg = "the click on the checkbox never reached the page"
            raise LoadError(msg)
        self.tally.rerun_ms.append(float(changed_at) - float(clicked_at))
        self.tally.toggles += 1
        await self.settle(page)


# ---------------------------------------------------------------------------------------------
# the run


@contextlib.contextmanager
def refused_port() -> Iterator[int]:
    """Hold a port of 127.0.0.1 bound but not listening, so that connecting to it is refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as held:
        held.bind(("127.0.0.1", 0))
        yield held.getsockname()[1]


def percentile(values: list[float], share: float) -> float | None:
    """Return the `share` quantile of `values` (linear between ranks), ``None`` when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = share * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def rounded(value: float | None, digits: int = 0) -> float | None:
    return None if value is None else round(value, digits)


def server_tracebacks(log: str) -> list[tuple[str, str]]:
    """Return the exception line of every traceback in the server's log, as errors."""
    found = []
    lines = log.splitlines()
    for number, line in enumerate(lines):
        if line.startswith("Traceback"):
            rest = [text for text in lines[number + 1 :] if text and not text.startswith(" ")]
            found.append(("server", f"server log: {rest[0] if rest else line}"))
    return found


async def drive(
    base_url: str, pid: int, sessions: int, seconds: float, proxy_args: list[str]
) -> dict[str, Any]:
    """Warm the server up, run `sessions` sessions for `seconds`, return the raw figures."""
    from playwright.async_api import async_playwright

    read_rss = rss_reader(pid)
    tally = Tally()
    memory: dict[str, Any] = {"cold": read_rss()}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, *proxy_args]
        )
        try:
            warm = Tally()
            warmup = await Session.open(-1, browser, base_url, warm)
            warmup.step = "opening /"
            try:  # the server's first visitor loads the gazetteer: not part of the load
                frame = await warmup.load(await warmup.new_page(), base_url)
                tally.event_ids += await frame.eval_on_selector_all(
                    EVENT_MARKERS, "els => els.map(e => e.dataset.flId)"
                )
            finally:
                warmup.recording = False
                await warmup.close()
            tally.errors += warm.errors
            tally.external += warm.external
            memory["start"] = read_rss()
            opened = await asyncio.gather(
                *(Session.open(n, browser, base_url, tally) for n in range(sessions))
            )
            samples: list[float] = []
            stop = asyncio.Event()
            sampler = asyncio.create_task(sample_memory(read_rss, samples, stop))
            started = time.monotonic()
            server_before, browser_before = cpu_seconds(pid), browser_cpu(pid)
            step = min(1.0, seconds * RAMP_SHARE / sessions)
            await asyncio.gather(
                *(s.run(started + n * step, started + seconds) for n, s in enumerate(opened))
            )
            elapsed = time.monotonic() - started
            browser_after = browser_cpu(pid)  # before the contexts close and renderers exit
            await asyncio.gather(*(s.close() for s in opened))
            cpu = {
                "server": cpu_seconds(pid) - server_before,
                "browser": sum(t - browser_before.get(p, 0.0) for p, t in browser_after.items()),
            }
            stop.set()
            await sampler
            memory["peak"] = max([memory["start"], *samples])
            memory["end"] = samples[-1] if samples else read_rss()
        finally:
            await browser.close()
    await asyncio.sleep(AFTER_CLOSE_S)  # let the server drop the closed sessions
    memory["after_close"] = read_rss()
    return {"tally": tally, "memory": memory, "elapsed": elapsed, "cpu": cpu}


def run_load(*, sessions: int = 20, seconds: float = 60.0, quick: bool = False) -> dict[str, Any]:
    """Load a local dashboard with `sessions` concurrent browser sessions for `seconds`.

    Parameters
    ----------
    sessions
        Browser contexts playing rounds at the same time.
    seconds
        How long sessions start new rounds.
    quick
        Run 5 sessions for 15 s instead (as in CI).

    Returns
    -------
    dict
        ``sessions``, ``seconds``, ``elapsed_s``, ``page_loads``, ``hostile_loads``,
        ``toggles``, ``errors`` with ``error_kinds`` (counts) and ``error_messages`` (the first
        few), ``external_requests`` and ``external_urls`` (the first few),
        ``rerun_latency_ms`` (``p50``, ``p95``, ``max``, ``n``), ``first_map_ms`` (``p50``,
        ``p95``, ``n``), ``server_rss_mb`` (``cold``, ``start``, ``peak``, ``end``,
        ``after_close``), ``cpu_s`` (``server``, ``browser``), ``cpus`` and
        ``load_average_1min``.

    Raises
    ------
    FileNotFoundError
        If Debian's Chromium is not installed.
    """
    if quick:
        sessions, seconds = QUICK_SESSIONS, QUICK_SECONDS
    if not CHROMIUM.is_file():
        msg = f"{str(CHROMIUM)!r} is missing (apt-get install chromium)"
        raise FileNotFoundError(msg)
    with tempfile.TemporaryDirectory(prefix="faultlines-load-") as directory:
        work = Path(directory)
        with Dashboard(work / "store", work / "streamlit.log") as server, refused_port() as dead:
            proxy_args = [  # "<-loopback>": other loopback addresses go to the proxy too
                f"--proxy-server=http://127.0.0.1:{dead}",
                "--proxy-bypass-list=<-loopback>;127.0.0.1;localhost",
            ]
            raw = asyncio.run(drive(server.url, server.pid, sessions, seconds, proxy_args))
            log = server.log()
    tally: Tally = raw["tally"]
    errors = tally.errors + server_tracebacks(log)
    kinds: dict[str, int] = {}
    for kind, _ in errors:
        kinds[kind] = kinds.get(kind, 0) + 1
    return {
        "sessions": sessions,
        "seconds": seconds,
        "elapsed_s": round(raw["elapsed"], 1),
        "page_loads": tally.page_loads,
        "hostile_loads": tally.hostile_loads,
        "toggles": tally.toggles,
        "errors": len(errors),
        "error_kinds": kinds,
        "error_messages": [message for _, message in errors[:MAX_MESSAGES]],
        "external_requests": len(tally.external),
        "external_urls": tally.external[:MAX_MESSAGES],
        "rerun_latency_ms": {
            "p50": rounded(percentile(tally.rerun_ms, 0.5)),
            "p95": rounded(percentile(tally.rerun_ms, 0.95)),
            "max": rounded(max(tally.rerun_ms, default=None)),
            "n": len(tally.rerun_ms),
        },
        "first_map_ms": {
            "p50": rounded(percentile(tally.first_map_ms, 0.5)),
            "p95": rounded(percentile(tally.first_map_ms, 0.95)),
            "n": len(tally.first_map_ms),
        },
        "server_rss_mb": {key: round(value, 1) for key, value in raw["memory"].items()},
        "cpu_s": {key: round(value, 1) for key, value in raw["cpu"].items()},
        "cpus": os.cpu_count(),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }


def table(figures: dict[str, Any], prefix: str = "") -> list[str]:
    rows = []
    for key, value in figures.items():
        if isinstance(value, dict) and value:
            rows += table(value, f"{prefix}{key}.")
        elif isinstance(value, list):
            rows.append(f"  {prefix + key:<32} {len(value)} shown")
            rows += [f"    {item}" for item in value]
        else:
            rows.append(f"  {prefix + key:<32} {value}")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20, help="concurrent browser sessions")
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to load")
    parser.add_argument("--quick", action="store_true", help="5 sessions for 15 s")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    figures = run_load(sessions=args.sessions, seconds=args.seconds, quick=args.quick)
    print("load")
    print("\n".join(table(figures)))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    if figures["errors"] or figures["external_requests"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
