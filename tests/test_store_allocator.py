"""Arrow allocates through jemalloc (else the C library's allocator) once the store is imported."""

from __future__ import annotations

import os
import subprocess
import sys

import pyarrow as pa
import pytest

from geo import settings
from geo.store import choose_arrow_allocator


def _chosen() -> str:
    try:
        pa.jemalloc_memory_pool()
    except NotImplementedError:
        return "system"
    return "jemalloc"


def test_importing_the_store_chooses_arrows_allocator() -> None:
    assert pa.default_memory_pool().backend_name == _chosen()


def test_a_pool_the_environment_names_is_left_alone() -> None:
    try:
        pa.mimalloc_memory_pool()
    except NotImplementedError:
        pytest.skip("this build of Arrow has no mimalloc")
    code = "import pyarrow as pa, geo.store; print(pa.default_memory_pool().backend_name)"
    env = {**os.environ, settings.ARROW_POOL.name: "mimalloc"}
    shown = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert shown.stdout.strip() == "mimalloc"


def test_a_blank_choice_counts_as_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(settings.ARROW_POOL.name, "  ")
    assert choose_arrow_allocator() == _chosen()
