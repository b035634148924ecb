"""Prepare the dashboard in its server's process before the first browser connects.

Streamlit runs ``dashboard.py`` only when a browser opens the page, so on a cold start the
first visitor waits for the script's imports (numpy, pandas, geopandas, folium), the gazetteer,
the dataset and the zones after the page itself has loaded. ``python -m geo dashboard`` calls
:func:`start_preload` before it starts Streamlit's server: a thread then does that work while
the server starts and the browser loads the page, and the script's first run finds it done.
When a map is kept for a first visit (:mod:`geo.view.first_view`), the page needs none of the
data to show it: the thread then imports what that map needs and leaves the data until the
first script run has sent it (:func:`page_begun`), so that its work does not slow the page.

The dashboard asks for the gazetteer and its companions (:func:`shared_resources`), the dataset
(:func:`dataset_for_view`) and the zones of a time window (:func:`zones_in_window`) through
this module. Each hands over what the thread prepared for the same arguments (waiting for it
when it is still being made), at most once, and otherwise computes it there and then as
:mod:`geo.view.session` does: under ``streamlit run dashboard.py``, or once the store has
changed since the server started, nothing is prepared and nothing differs. The dashboard's own
Streamlit caches keep what it was handed.
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import logging
import threading
import time
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TypeVar, cast

if TYPE_CHECKING:  # the thread imports them, not the server's start
    import geopandas as gpd

    from geo.places.gazetteer import Gazetteer
    from geo.places.geocode import Geocoder
    from geo.view.dataset import Dataset
    from geo.view.page import Names
    from geo.view.session import ZoneFilters
    from geo.view.state import ViewState

__all__ = [
    "ASSET_BASE",
    "FIRST_IMPORTS",
    "dataset_for_view",
    "page_begun",
    "prepare",
    "script_imports",
    "shared_resources",
    "start_preload",
    "zones_in_window",
]

_LOG: Final = logging.getLogger(__name__)

#: Where the dashboard serves its static folder (Streamlit's static serving).
ASSET_BASE: Final = "/app/static"

Shared = tuple["Geocoder", tuple[str, str], "Names"]
"""What every session shares: the geocoder, the land and labels files, readable names."""

T = TypeVar("T")

#: By kind (``resources``, ``dataset``, ``zones``): the arguments it is prepared for, and it.
_prepared: dict[str, tuple[Hashable, Future[Any]]] = {}
_lock = threading.Lock()
#: Set once a script run has asked for anything: a visitor has come.
_visited = threading.Event()
#: Set once a script run has sent what it shows before the data (:func:`page_begun`).
_page_begun = threading.Event()

#: What the dashboard imports before it loads anything (the map kept from the last first
#: visit goes out then, :mod:`geo.view.first_view`): imported first. ``folium.plugins`` is most
#: of what ``streamlit_folium``, left to the script, imports.
FIRST_IMPORTS: Final = ("folium.plugins", "geo.view.client", "geo.view.first_view")


def _handed_over(kind: str, arguments: Hashable, compute: Callable[[], T]) -> T:
    """Return the `kind` prepared for `arguments`, else ``compute()``.

    The first request for a kind takes what was prepared of it, whatever its arguments: it is
    handed over once or dropped, never kept beside the dashboard's own caches.
    """
    _visited.set()
    with _lock:
        prepared = _prepared.pop(kind, None)
    if prepared is not None and prepared[0] == arguments:
        try:
            return cast("T", prepared[1].result())
        except Exception:  # computed again below, where the error is shown
            _LOG.debug("preparing the %s failed; computing it again", kind, exc_info=True)
    return compute()


def _promise(kind: str, arguments: Hashable) -> Future[Any]:
    """Announce that `kind` is being prepared for `arguments`: a request meanwhile waits."""
    future: Future[Any] = Future()
    with _lock:
        _prepared[kind] = (arguments, future)
    return future


def _keep(future: Future[Any], compute: Callable[[], T]) -> T:
    """Compute a promised value, settle `future` with it (or its error), and return it."""
    try:
        value = compute()
    except BaseException as error:
        future.set_exception(error)
        raise
    future.set_result(value)
    return value


def shared_resources(static_dir: Path) -> Shared:
    """Return :func:`geo.view.session.shared_resources` for `static_dir` (prepared or not)."""
    from geo.view import session

    return _handed_over("resources", static_dir, lambda: session.shared_resources(static_dir))


def dataset_for_view(
    shared: Shared, store_dir: Path, current: str | None, version: str | None
) -> Dataset:
    """Return :func:`geo.view.session.dataset_for_view` for the store at `version`.

    `current` is the store's version now; what was prepared for another is not handed over.
    """
    from geo.view import session

    arguments = (store_dir, current, version)
    compute = lambda: session.dataset_for_view(shared, store_dir, version)  # noqa: E731
    return _handed_over("dataset", arguments, compute)


def zones_in_window(data: Dataset, window: ZoneFilters, gazetteer: Gazetteer) -> gpd.GeoDataFrame:
    """Return :func:`geo.view.session.zones_in_window` for the data's version and `window`."""
    from geo.view import session

    compute = lambda: session.zones_in_window(data, window, gazetteer)  # noqa: E731
    return _handed_over("zones", (data.version, window), compute)


def page_begun() -> None:
    """Say that a script run has sent what it shows before the data: the data may load now.

    :func:`start_preload` may hold the data back until then, so that the first visitor's page
    and the map kept for it do not wait behind the data's imports and loading.
    """
    _page_begun.set()


def script_imports(script: Path) -> list[str]:
    """Return the modules `script` imports at its top level, in its order, but Streamlit's.

    Streamlit's modules are left to the script: a component registers itself with the server
    only when its module is imported during a script run (``streamlit_folium`` among them).
    """
    names: list[str] = []
    for node in ast.parse(script.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.append(node.module)
            names += [f"{node.module}.{alias.name}" for alias in node.names]
    return [n for n in names if n != "__future__" and not n.split(".")[0].startswith("streamlit")]


def _import_quietly(name: str) -> None:
    """Import `name` if it is a module (``from package import name`` may name anything)."""
    with contextlib.suppress(ImportError):
        importlib.import_module(name)


def prepare(
    script: Path, static_dir: Path, store_dir: Path, *, before_data: Callable[[], object] = bool
) -> None:
    """Do now what the dashboard's first script run starts with, for a visitor with no link.

    Imports what `script` imports (:data:`FIRST_IMPORTS` first, then calls `before_data`);
    loads the shared resources (`static_dir`), the dataset of `store_dir` as it is now and the
    zones of the default time window, each kept for the script (:func:`shared_resources`,
    :func:`dataset_for_view`, :func:`zones_in_window`) and promised before it is made, so that
    a script run starting meanwhile waits for it rather than make it twice. Then, unless a
    visitor came meanwhile, draws the default map and timeline once: folium compiles its
    templates and Altair its schema on first use.
    """
    promised = [_promise("resources", static_dir)]
    try:
        for name in FIRST_IMPORTS:
            _import_quietly(name)
        before_data()
        from geo.view.dataset import current_version

        current = current_version(store_dir)
        promised.append(_promise("dataset", (store_dir, current, current)))
        for name in ["geo.view.session", *script_imports(script)]:
            _import_quietly(name)
        from geo.view import link, session
        from geo.view import page as views

        shared = _keep(promised[0], lambda: session.shared_resources(static_dir))
        data = session.dataset_for_view(shared, store_dir, current)
        view, _ = link.parse_state({})
        bounds = views.date_bounds(data)
        view = session.view_from_widgets(
            view, session.widget_state(view, bounds), bounds, version=data.version
        )
        window = (view.types, view.date_from, view.date_to, view.undated)
        promised.append(_promise("zones", (data.version, window)))
        _keep(promised[1], lambda: data)
        gazetteer = shared[0].gazetteer
        zones = _keep(promised[2], lambda: session.zones_in_window(data, window, gazetteer))
    finally:
        for future in promised:  # nobody waits for what was never made
            if not future.done():
                future.set_exception(RuntimeError("not prepared"))
    if not _visited.is_set():  # else the visitor's script run compiles them
        _draw_once(shared, data, view, zones)


def _draw_once(shared: Shared, data: Dataset, view: ViewState, zones: gpd.GeoDataFrame) -> None:
    """Draw `view`'s map and timeline as the dashboard does, and throw them away."""
    from geo.view import page as views
    from geo.view import session

    geocoder, (land, labels), _ = shared
    layers = views.map_layers(data, view, geocoder.gazetteer, zones=zones)
    here, files = (view.lat, view.lon, view.zoom), (land, labels)
    given = session.map_arguments(layers, view, None, base=view, target=here, files=files)
    drawn = given["fig"]
    for group in given["feature_group_to_add"]:
        group.add_to(drawn)
    drawn.get_root().render()
    chart = views.timeline_chart(views.timeline_rows(layers))
    if chart is not None:
        chart.to_dict()


def start_preload(
    script: Path,
    static_dir: Path,
    store_dir: Path,
    *,
    server_up: Callable[[], bool] = lambda: True,
    patience_s: float = 10.0,
    page_first: Callable[[], bool] = lambda: False,
    page_patience_s: float = 5.0,
) -> threading.Thread:
    """Start :func:`prepare` on a daemon thread and return the thread.

    The thread first waits until `server_up` says so (checked every few milliseconds, for at
    most `patience_s` seconds): the server's own start comes first, since the browser can load
    the page while the thread works but can do nothing before the server answers. When
    `page_first` says so once the first imports are done (a map is kept for the first visit),
    the data waits until a script run has begun the page (:func:`page_begun`), for at most
    `page_patience_s` seconds: the thread's work would otherwise slow the page's own load. A
    failure is logged and left for the script to meet again, where the visitor sees it.
    """

    def before_data() -> None:
        if page_first():
            _page_begun.wait(page_patience_s)

    def run() -> None:
        deadline = time.monotonic() + patience_s
        while not server_up() and time.monotonic() < deadline:
            time.sleep(0.01)
        try:
            prepare(script, static_dir, store_dir, before_data=before_data)
        except Exception:
            _LOG.warning("the dashboard was not prepared before its first visitor", exc_info=True)

    thread = threading.Thread(target=run, name="faultlines-preload", daemon=True)
    thread.start()
    return thread
