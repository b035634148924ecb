"""Give the dashboard's page the script and styles it runs in the browser.

Streamlit draws the page; a few things it cannot be asked for from Python are done by our
own script (``client.js``) and stylesheet (``client.css``), both in this folder:

- **History**: Streamlit pushes a history entry whenever the app writes the view into the
  address. The script turns the entries that only move the map (``lat``, ``lon``, ``z``) or
  name the data version (``v``) into replacements, so the browser's Back undoes the last
  change of layers, filters, time window, selection, search or basemap
  (``dashboard.py`` puts the view of the address back on the page).
- **The event list** scrolls to the selected event's row (:func:`show_row`).

Both arrive as HTML for ``st.html(..., unsafe_allow_javascript=True)``; only our own files
and numbers are put in it, never text from an article.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

from geo.view.assets import inline_script

__all__ = ["CLIENT_CSS", "CLIENT_JS", "page_head", "show_row"]

CLIENT_JS: Path = Path(__file__).with_name("client.js")
"""The page's script."""

CLIENT_CSS: Path = Path(__file__).with_name("client.css")
"""The page's stylesheet."""

#: Marks an element that only carries a script: the stylesheet hides its container.
_CARRIER = '<span class="fl-client" hidden></span>'


@functools.cache
def page_head() -> str:
    """Return the page's stylesheet and script, to be put in the page once, near its top."""
    css = CLIENT_CSS.read_text(encoding="utf-8")
    js = CLIENT_JS.read_text(encoding="utf-8")
    return f"{_CARRIER}<style>{css}</style><script>{inline_script(js)}</script>"


def show_row(list_key: str, row: int | None) -> str:
    """Return a script scrolling the event list (the widget keyed `list_key`) to `row`.

    `row` counts from 0 in the list's own order; None scrolls nothing. The HTML changes with
    the list and the row, so Streamlit runs it again only when either changes.
    """
    target = "null" if row is None else str(int(row))
    call = f"window.flPage && window.flPage.showRow({json.dumps(list_key)}, {target});"
    return f"{_CARRIER}<script>{inline_script(call)}</script>"
