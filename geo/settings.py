"""List every environment variable Faultlines reads, with its default and meaning.

One table, :data:`SETTINGS`, is the only place a setting is named: the code reads a setting
through :meth:`Setting.value`, the README's "Settings" table lists the same rows, and
``tests/test_settings.py`` fails when the two disagree or when the package reads an environment
variable that is not in the table.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Final


@dataclass(frozen=True)
class Setting:
    """One environment variable.

    Attributes
    ----------
    name : str
        The variable's name.
    default : str
        What applies when it is unset or blank, in words.
    meaning : str
        What it controls, in one sentence.
    """

    name: str
    default: str
    meaning: str

    def value(self) -> str | None:
        """Return the variable's value with surrounding blanks removed, or None when unset/blank."""
        return os.environ.get(self.name, "").strip() or None


STORE: Final = Setting(
    "FAULTLINES_STORE",
    "./data",
    "The store directory that `python -m geo` and the dashboard read and write.",
)
EDITOR_TOKEN: Final = Setting(
    "FAULTLINES_EDITOR_TOKEN",
    "none (adding articles and managing feeds from the dashboard are off)",
    "The token editors type in the dashboard to add articles and manage feeds; "
    "`editor_token` in `.streamlit/secrets.toml` is read when it is unset.",
)
GAZETTEER: Final = Setting(
    "FAULTLINES_GAZETTEER",
    "`geo/data/compiled` in the package, or `~/.cache/faultlines/gazetteer` when that is read-only",
    "The folder of the compiled gazetteer (`python -m geo gazetteer build` writes it).",
)
_GAZETTEER_IN_PACKAGE: Final = Path(__file__).resolve().parent / "data" / "compiled"
_GAZETTEER_CACHE: Final = Path.home() / ".cache" / "faultlines" / "gazetteer"


def default_store_dir() -> Path:
    """Return the store directory (:data:`STORE`): ``$FAULTLINES_STORE``, else ``./data``.

    Made absolute. Here rather than beside the store, so the dashboard's start reads it without
    importing the store's modules (geopandas among them).
    """
    return Path(STORE.value() or "data").expanduser().absolute()


def default_gazetteer_dir() -> Path:
    """Return where the compiled gazetteer lives (:data:`GAZETTEER`).

    ``$FAULTLINES_GAZETTEER`` when set; else ``geo/data/compiled`` inside the package when that
    is writable (a source checkout or editable install); else ``~/.cache/faultlines/gazetteer``.
    """
    configured = GAZETTEER.value()
    if configured:
        return Path(configured)
    parent = _GAZETTEER_IN_PACKAGE.parent
    if _GAZETTEER_IN_PACKAGE.exists() or os.access(parent, os.W_OK):
        return _GAZETTEER_IN_PACKAGE
    return _GAZETTEER_CACHE


REQUIRE_BROWSER: Final = Setting(
    "FAULTLINES_REQUIRE_BROWSER",
    "unset (browser tests are skipped when Chromium is missing)",
    "Tests only: when set, a missing Chromium fails the browser tests instead of skipping them.",
)

ARROW_POOL: Final = Setting(
    "ARROW_DEFAULT_MEMORY_POOL",
    "`jemalloc`, or `system` where Arrow lacks it",
    "Arrow's memory allocator (`system`, `jemalloc` or `mimalloc`): Arrow reads it; when it "
    "is unset, importing `geo.store` chooses `jemalloc` (`system` where Arrow lacks it).",
)

SETTINGS: Final[tuple[Setting, ...]] = (
    STORE,
    EDITOR_TOKEN,
    GAZETTEER,
    REQUIRE_BROWSER,
    ARROW_POOL,
)
"""Every environment variable Faultlines reads, in the order the README lists them."""
