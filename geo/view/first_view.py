"""Send a new visitor's first map before the data is loaded: the map drawn last time, kept on disk.

On a cold start the first visitor waits for the script's imports (pandas, geopandas, the
store), the gazetteer, the dataset and the zones before the map leaves the server, although a
visitor who opens the page without a link and without a visit cookie always gets the same map
for the same data and code. The dashboard keeps that map's component arguments (what
``st_folium`` hands its frontend) in a file named by :func:`first_view_key`: the store's
version, the bundled seeds, the gazetteer, the code and the day. The next first visit sends
them as soon as the page's layout is on it, before anything heavy is imported; the script then
draws the map as always and compares (:func:`same_map`, folium's random element ids aside):

- the same map: nothing more is sent;
- another map (something the key does not name changed): the file is written again and the
  script runs once more, which puts the real map in the early one's place.

Only the standard library is imported here; ``streamlit_folium`` is reached through the
module the dashboard passes in.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import hashlib
import importlib.metadata
import json
import re
import tempfile
import threading
from collections.abc import Callable, Iterable, Mapping, MutableMapping
from pathlib import Path
from types import ModuleType
from typing import Any, Final

from geo import settings
from geo.bundled import bundled_dir

__all__ = [
    "FIRST_VIEW_FORMAT",
    "FOLDER",
    "MAP_LIBRARIES",
    "VISIT_COOKIE",
    "FirstVisit",
    "MapArguments",
    "code_digest",
    "dashboard_key",
    "draw_map",
    "first_view_key",
    "first_visit",
    "is_first_visit",
    "library_versions",
    "read_arguments",
    "recorded",
    "same_map",
    "send",
    "write_arguments",
]

FIRST_VIEW_FORMAT: Final = 1
"""Version of the file :func:`write_arguments` writes; raise it when its content changes."""

#: The cookie that keeps when this browser last looked at the map (microseconds since 1970, UTC),
#: read and written by :mod:`geo.view.fresh`: a reader who has it may see news ringed on the map.
VISIT_COOKIE: Final = "faultlines_last_visit"

MapArguments = dict[str, Any]
"""The keyword arguments ``st_folium`` hands its component (JSON values), ``on_change`` aside."""

#: The libraries whose versions name the first view beside the code: they make the map's HTML.
MAP_LIBRARIES: Final = ("streamlit", "streamlit-folium", "folium", "branca")

#: The folder, beside the dashboard's script, that keeps the first view.
FOLDER: Final = ".cache"
#: What names a file of first-view arguments in its folder.
_PREFIX: Final = "first-view-"
#: folium's element ids: 32 random hexadecimal digits after the element's name.
_FOLIUM_ID: Final = re.compile(r"_[0-9a-f]{32}\b")
#: The argument that carries the map's report back to the session state: never kept.
_CALLBACK: Final = "on_change"


def is_first_visit(
    query: Mapping[str, object], cookies: Mapping[str, object], session: Iterable[str]
) -> bool:
    """Return whether a script run draws the default first view.

    True for a new session (no ``view`` in its state keys, `session`) that opened the page
    without a link's parameters (`query`) and without the :data:`VISIT_COOKIE` (a returning
    reader may see what is new since the last visit ringed on the map).
    """
    return not query and VISIT_COOKIE not in set(cookies) and "view" not in set(session)


@functools.cache
def code_digest(*paths: Path) -> str:
    """Return a digest of the code that draws the map: `paths`, files or folders of ``*.py``.

    Computed once per process: the server does not change its code while it runs.
    """
    digest = hashlib.sha256()
    for path in paths:
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        for file in files:
            digest.update(str(file.relative_to(path) if path.is_dir() else file.name).encode())
            digest.update(file.read_bytes() if file.is_file() else b"")
    return digest.hexdigest()


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def first_view_key(
    *,
    store_dir: Path,
    seeds_dir: Path,
    gazetteer_dir: Path,
    code: str,
    today: datetime.date,
) -> str:
    """Return the name of the first view drawn for this data, code and day (24 hex digits).

    Parameters
    ----------
    store_dir
        The store: its ``CURRENT`` pointer names the version shown (none when empty).
    seeds_dir
        The bundled seeds (``*.yaml``), shown with the store.
    gazetteer_dir
        The compiled gazetteer: its ``manifest.json`` names its content.
    code
        :func:`code_digest` of the code that draws the map, and the versions of the libraries.
    today
        The day: a time window open at its end ends today.
    """
    digest = hashlib.sha256(f"{FIRST_VIEW_FORMAT}|{today.isoformat()}|{code}|".encode())
    digest.update(_read(store_dir / "CURRENT").strip() + b"|")
    for path in sorted(seeds_dir.glob("*.yaml")):
        digest.update(path.name.encode() + b"|" + _read(path))
    digest.update(b"|" + _read(gazetteer_dir / "manifest.json"))
    return digest.hexdigest()[:24]


def dashboard_key(script: Path, store_dir: Path, today: datetime.date) -> str:
    """Return :func:`first_view_key` for the dashboard `script` showing the store `store_dir`.

    The bundled seeds and the gazetteer are the package's (:mod:`geo.bundled`,
    :func:`geo.settings.default_gazetteer_dir`); the code is this package's and `script`, with
    the versions of the libraries that draw the map (:data:`MAP_LIBRARIES`).
    """
    return first_view_key(
        store_dir=store_dir,
        seeds_dir=bundled_dir("seeds"),
        gazetteer_dir=settings.default_gazetteer_dir(),
        code=code_digest(Path(__file__).resolve().parents[1], script) + library_versions(),
        today=today,
    )


@functools.cache
def library_versions(names: tuple[str, ...] = MAP_LIBRARIES) -> str:
    """Return the installed versions of the libraries `names`, as ``name=version;…``."""
    found = []
    for name in names:
        try:
            found.append(f"{name}={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            found.append(f"{name}=")
    return ";".join(found)


def _file(folder: Path, key: str) -> Path:
    return folder / f"{_PREFIX}{key}.json"


def read_arguments(folder: Path, key: str) -> MapArguments | None:
    """Return the arguments kept in `folder` for `key`, or None (none kept, or unreadable)."""
    try:
        kept = json.loads(_file(folder, key).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(kept, dict) or kept.get("format") != FIRST_VIEW_FORMAT:
        return None
    arguments = kept.get("arguments")
    return arguments if isinstance(arguments, dict) and "key" in arguments else None


def write_arguments(folder: Path, key: str, arguments: Mapping[str, Any]) -> bool:
    """Keep `arguments` in `folder` under `key`, in place of any kept before; False on failure.

    The file is written whole before it takes its name, so a reader never sees half of it; a
    folder that cannot be written to keeps nothing (the next first visit waits as before).
    """
    kept = {k: v for k, v in arguments.items() if k != _CALLBACK}
    target = _file(folder, key)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=folder, prefix=".tmp-", suffix=".json", delete=False
        ) as handle:
            json.dump({"format": FIRST_VIEW_FORMAT, "arguments": kept}, handle)
        Path(handle.name).replace(target)
    except (OSError, TypeError, ValueError):
        return False
    for older in folder.glob(f"{_PREFIX}*.json"):  # other days, data or code
        if older != target:
            older.unlink(missing_ok=True)
    return True


def _normalized(arguments: Mapping[str, Any]) -> str:
    kept = {k: v for k, v in arguments.items() if k not in {_CALLBACK, "key"}}
    return _FOLIUM_ID.sub("", json.dumps(kept, sort_keys=True, default=str))


def same_map(drawn: Mapping[str, Any], kept: Mapping[str, Any]) -> bool:
    """Return whether two sets of ``st_folium`` arguments draw the same map.

    folium names each element with 32 random hexadecimal digits, new for every drawing; they
    are left out of the comparison (and so is the component's key, made from them).
    """
    return _normalized(drawn) == _normalized(kept)


class _Recorder:
    """Stands in for ``streamlit_folium``'s component function: records on request."""

    def __init__(self, send: Callable[..., Any]) -> None:
        self.send = send
        self.local = threading.local()

    def __call__(self, **arguments: Any) -> Any:
        sink: list[MapArguments] | None = getattr(self.local, "sink", None)
        if sink is None:
            return self.send(**arguments)
        sink.append(arguments)
        return arguments.get("default")


def _recorder(component_module: ModuleType) -> _Recorder:
    """Return the recorder in place of `component_module`'s component function (put there once)."""
    current = getattr(component_module, "_component_func")  # noqa: B009 (not typed)
    if not isinstance(current, _Recorder):
        current = _Recorder(current)
        setattr(component_module, "_component_func", current)  # noqa: B010
    return current


def recorded(component_module: ModuleType, draw: Callable[[], object]) -> MapArguments:
    """Return the arguments `draw` (an ``st_folium`` call) hands the component, sending nothing.

    `component_module` is ``streamlit_folium``. Only calls on this thread are held back:
    another session's script run draws its map meanwhile.

    Raises
    ------
    RuntimeError
        If `draw` did not call the component exactly once.
    """
    recorder = _recorder(component_module)
    sink: list[MapArguments] = []
    recorder.local.sink = sink
    try:
        draw()
    finally:
        recorder.local.sink = None
    if len(sink) != 1:
        msg = f"the map was drawn {len(sink)} times, not once"
        raise RuntimeError(msg)
    return {k: v for k, v in sink[0].items() if k != _CALLBACK}


def send(
    component_module: ModuleType,
    arguments: Mapping[str, Any],
    *,
    key: str,
    session: MutableMapping[str, Any],
) -> object:
    """Hand `arguments` to ``streamlit_folium``'s component, as ``st_folium(..., key=key)`` does.

    The map's reports reach ``session[key]`` the same way: ``st_folium`` keys its component by
    the map's script and copies the component's value to its own key on every change.
    """
    component_key = str(arguments["key"])

    def on_change() -> None:
        session[key] = session.get(component_key, {})

    sent = {k: v for k, v in arguments.items() if k != _CALLBACK}
    return _recorder(component_module)(**sent, on_change=on_change)


@dataclasses.dataclass(frozen=True)
class FirstVisit:
    """What a script run knows of the first view before it loads anything.

    Attributes
    ----------
    key
        The name the first view is kept under (:func:`dashboard_key`), or None when this run
        does not draw the first view (a link, a visit cookie or a running session).
    kept
        The map kept under `key` (``st_folium``'s arguments), or None when none is kept.
    folder
        Where the first view is kept (:data:`FOLDER` beside the dashboard's script).
    """

    key: str | None
    kept: MapArguments | None = None
    folder: Path = Path(FOLDER)


def first_visit(
    script: Path,
    store_dir: Path,
    *,
    query: Mapping[str, object],
    cookies: Mapping[str, object],
    session: Iterable[str],
    today: datetime.date,
) -> FirstVisit:
    """Return whether this script run draws the first view, and the map kept for it.

    `script` is the dashboard; the map is kept in :data:`FOLDER` beside it. `query`,
    `cookies` and `session` (the session state's keys) are as :func:`is_first_visit` takes them.
    """
    folder = script.parent / FOLDER
    if not is_first_visit(query, cookies, session):
        return FirstVisit(None, folder=folder)
    key = dashboard_key(script, store_dir, today)
    return FirstVisit(key, read_arguments(folder, key), folder)


def draw_map(
    component_module: ModuleType,
    draw: Callable[[], object],
    visit: FirstVisit,
    *,
    key: str,
    session: MutableMapping[str, Any],
    rerun: Callable[[], object],
) -> None:
    """Draw the map (`draw`, an ``st_folium`` call), keeping it when it is the first view.

    `key` is the map's key in `session`, as `draw` gives it. Not the first view: `draw` is
    called. The first view: its arguments are recorded and kept
    in the visit's folder under its key, and sent unless the same map was sent early (the kept
    one, :func:`same_map`); when another map was sent early, `rerun` is called (Streamlit's
    ``st.rerun``: the next run draws this map in the early one's place).
    """
    if visit.key is None:
        draw()
        return
    drawn = recorded(component_module, draw)
    if visit.kept is not None and same_map(drawn, visit.kept):
        return
    write_arguments(visit.folder, visit.key, drawn)
    if visit.kept is not None:
        rerun()
    send(component_module, drawn, key=key, session=session)
