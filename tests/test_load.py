"""A short load run of the dashboard: concurrent browser sessions, nothing wrong, nothing sent out.

``benchmarks/load.py`` in its quick mode (5 sessions for 15 s, each loading the dashboard, plain
and from snapshot links, and unticking and ticking a layer). Latency and memory are reported by
the benchmark, never asserted here.
"""

from __future__ import annotations

import os

import pytest

from benchmarks.load import QUICK_SESSIONS, run_load
from tests.browser import REQUIRE_BROWSER_ENV, chromium_executable

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def test_a_short_load_run_has_no_errors_and_sends_nothing_elsewhere() -> None:
    chromium_executable()
    if os.environ.get(REQUIRE_BROWSER_ENV) != "1":  # required: a missing package fails below
        pytest.importorskip("playwright.async_api")
    figures = run_load(quick=True)
    assert figures["errors"] == 0, figures["error_messages"]
    assert figures["external_requests"] == 0, figures["external_urls"]
    assert figures["sessions"] == QUICK_SESSIONS
    # every session finishes at least its first round (a load, then a layer off and on again)
    assert figures["page_loads"] >= QUICK_SESSIONS
    assert figures["toggles"] >= 2 * QUICK_SESSIONS
    assert figures["rerun_latency_ms"]["n"] == figures["toggles"]
    assert figures["server_rss_mb"]["peak"] >= figures["server_rss_mb"]["start"] > 0
