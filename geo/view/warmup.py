"""Warm the browser up while the dashboard's first script run imports its modules and data.

On a cold start the browser waits, idle, for the server's first script run (its imports and
the gazetteer take seconds), then gets the whole page at once: the map's frame has to fetch
Leaflet and our scripts one after another while Streamlit evaluates the large modules of the
event list, the timeline and the share link on the same thread. :func:`warm_up_html` is a
script the dashboard puts on the page before it imports anything heavy, so that the browser
spends that wait on work it would do later anyway:

- it fetches the map's scripts and stylesheets into the browser's cache (the map's frame then
  reads them from there);
- it imports Streamlit's own modules for the elements the dashboard draws (the map's frame,
  the widgets, the table, the chart, the code block), so they are evaluated before the map
  arrives; Streamlit imports each module later from the same address and gets the one
  already evaluated.

Modules are found by name in Streamlit's frontend build (:func:`frontend_modules`); a version of
Streamlit that names them otherwise is simply not warmed up. Only this package's imports are
the standard library's: the dashboard imports it first of all.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Final

__all__ = [
    "MAP_ASSET_FOLDERS",
    "STREAMLIT_MODULES",
    "frontend_modules",
    "map_assets",
    "warm_up_html",
]

#: Streamlit's frontend modules for the elements the dashboard draws, by the start of their
#: file names, in the order they are imported: the map's frame first, the largest last.
STREAMLIT_MODULES: Final = (
    "ComponentInstance",
    "Checkbox",
    "Slider",
    "ButtonGroup",
    "Multiselect",
    "TextInput",
    "Selectbox",
    "Html",
    "DownloadButton",
    "DataFrame",
    "ArrowVegaLiteChart",
    "embed",
    "StreamlitSyntaxHighlighter",
)

#: Folders of the app's static folder whose scripts and stylesheets the map's frame loads.
MAP_ASSET_FOLDERS: Final = ("leaflet", "markercluster", "faultlines")

#: Marks the element that carries the script; the style rule keeps its container from taking
#: room before the page's own stylesheet (:mod:`geo.view.client`) has arrived.
_CARRIER: Final = (
    '<span class="fl-client" hidden></span>'
    "<style>.stElementContainer:has(.fl-client) { display: none; }</style>"
)


@functools.cache  # the installed Streamlit does not change while the server runs
def frontend_modules(
    streamlit_dir: Path, stems: tuple[str, ...] = STREAMLIT_MODULES
) -> tuple[str, ...]:
    """Return the file names of Streamlit's frontend modules named by `stems`, in that order.

    `streamlit_dir` is the folder of the ``streamlit`` package; its frontend build keeps each
    module as ``static/static/js/<stem>.<hash>.js``. A stem with no such file is left out.
    """
    folder = streamlit_dir / "static" / "static" / "js"
    names: list[str] = []
    for stem in stems:
        names += sorted(p.name for p in folder.glob(f"{stem}.*.js") if p.name.count(".") == 2)
    return tuple(names)


def map_assets(static_dir: Path, asset_base: str) -> list[str]:
    """Return the addresses of the map's scripts and stylesheets under `static_dir`.

    Those directly inside the :data:`MAP_ASSET_FOLDERS` of `static_dir` (the app's static
    folder, served at `asset_base`), scripts first; none when the folder is not made yet.
    """
    base = asset_base.rstrip("/")
    found = [
        path.relative_to(static_dir).as_posix()
        for folder in MAP_ASSET_FOLDERS
        for path in sorted((static_dir / folder).glob("*.*"))
        if path.suffix in {".js", ".css"}
    ]
    return [f"{base}/{name}" for name in sorted(found, key=lambda name: not name.endswith(".js"))]


def warm_up_html(streamlit_dir: Path, static_dir: Path, *, asset_base: str) -> str:
    """Return the HTML (for ``st.html`` with scripts allowed) that warms the browser up.

    The map's files under `static_dir` (:func:`map_assets`) are fetched at once, into the
    browser's cache; Streamlit's modules (:func:`frontend_modules` of `streamlit_dir`) are
    imported one after another from Streamlit's ``static/js`` folder. The script runs once per
    page, however often a script run puts it there.
    """

    def listed(names: Sequence[str]) -> str:
        return json.dumps(list(names)).replace("<", "\\u003c")  # nothing can end the script

    assets, modules = map_assets(static_dir, asset_base), frontend_modules(streamlit_dir)
    script = (
        "(() => {"
        "if (window.flWarmedUp) return; window.flWarmedUp = true;"
        f"for (const url of {listed(assets)}) fetch(url).catch(() => {{}});"
        "(async () => {"
        f"for (const name of {listed(modules)}) {{"
        'try { await import(new URL("static/js/" + name, document.baseURI).href); }'
        "catch (error) { /* Streamlit imports it again when it needs it */ }"
        "}"
        "})();"
        "})();"
    )
    return f"{_CARRIER}<script>{script}</script>"
