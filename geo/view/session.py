"""The dashboard's session: what a browser session starts from and how its widgets make the view.

A new session starts from a link (:func:`session_start`, :func:`state_from_link`); Back and
Forward bring an earlier address back the same way. The sidebar's widgets are written from a
view (:func:`widget_state`) and read back into one (:func:`view_from_widgets`); the time
window steps through time (:func:`step_window`) and plays (:func:`play_step`); a row chosen
in the event list selects its event (:func:`list_choice`); a brush on the timeline sets the
window (:func:`brushed`). One script run turns all of it, a search and the map's latest
report into the view, its layers and the event list (:func:`page_run`), and the map is given
:func:`map_arguments`. A browser's first script run of a session draws the page up to the map
and no further (:func:`map_comes_first`). Shared resources and the dataset a session shows
are loaded here too. Nothing here imports Streamlit: the dashboard passes its session state
in.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point

from geo.intervals import period_end, period_start
from geo.places.gazetteer import Gazetteer
from geo.places.geocode import Geocoder, default_geocoder
from geo.taxonomy import EVENT_TYPES
from geo.text.actors import load_actor_vocabulary
from geo.view.assets import (
    ensure_static_assets,
    labels_file,
)
from geo.view.dataset import Dataset, load_dataset_for_view
from geo.view.fresh import begin_visit
from geo.view.map import MapLayers, base_map, feature_groups
from geo.view.page import (
    LAYER_LABELS,
    Names,
    SearchResult,
    after_search,
    apply_map_report,
    basemap_file,
    brushed_window,
    code_names,
    event_table,
    list_key,
    map_layers,
    search_place,
    view_zones,
    with_actor_names,
)
from geo.view.popups import (
    read_strings,
    read_text,
)
from geo.view.preload import ASSET_BASE
from geo.view.scope import EventList, listed_events
from geo.view.state import StateWarning, ViewState

ZoneFilters = tuple[frozenset[str] | None, datetime.date | None, datetime.date | None, bool]
"""What the zones of a view depend on: ``(types, date_from, date_to, undated)``."""


def shared_resources(static_dir: Path) -> tuple[Geocoder, tuple[str, str], Names]:
    """Load what every dashboard session shares: geocoder, static files and readable names.

    Returns the geocoder (and its gazetteer), the names of the basemap's land and labels
    files under `static_dir` (written there when missing), and :func:`code_names`.
    """
    static = ensure_static_assets(static_dir)
    geocoder = default_geocoder()
    organisations = load_actor_vocabulary().organisations.values()
    names = code_names(geocoder.gazetteer, organisations)
    files = basemap_file(static, geocoder.gazetteer), labels_file(static, geocoder.gazetteer)
    return geocoder, files, names


def session_start(
    view: ViewState,
    warnings: Iterable[StateWarning],
    bounds: tuple[datetime.date, datetime.date],
    cookies: Mapping[str, str],
) -> dict[str, Any]:
    """Return what a new browser session starts from (by session key): the link's view.

    :func:`state_from_link`'s values, the base map's view, and the ``visit``: when this
    browser last came, from its `cookies` (:func:`geo.view.fresh.begin_visit`).
    """
    return {"visit": begin_visit(cookies), "base": view, **state_from_link(view, bounds, warnings)}


def dataset_for_view(
    resources: tuple[Geocoder, tuple[str, str], Names], store_dir: Path, version: str | None
) -> Dataset:
    """Return the dataset the dashboard shows, its events' actors named for the popups.

    The data is :func:`geo.view.dataset.load_dataset_for_view`'s; actors read "China", not
    "CHN" (:func:`with_actor_names`).
    """
    geocoder, _, names = resources
    loaded = load_dataset_for_view(geocoder.gazetteer, store_dir=store_dir, version=version)
    return with_actor_names(loaded, names)


def zones_in_window(
    dataset: Dataset, window: ZoneFilters, gazetteer: Gazetteer
) -> gpd.GeoDataFrame:
    """Return the zones measured for a time window: ``(types, date_from, date_to, undated)``."""
    types, date_from, date_to, undated = window
    view = ViewState(types=types, date_from=date_from, date_to=date_to, undated=undated)
    return view_zones(dataset, view, gazetteer)


def widget_state(view: ViewState, bounds: tuple[datetime.date, datetime.date]) -> dict[str, object]:
    """Return the sidebar widgets' values (by widget key) that show `view`.

    A link's time window is clamped to the data's date range, since a slider cannot go beyond.
    """
    first_day, last_day = bounds
    values: dict[str, object] = {f"layer_{key}": key in view.layers for key in LAYER_LABELS}
    for kind in EVENT_TYPES:
        values[f"type_{kind.key}"] = view.types is None or kind.key in view.types
    start = min(max(view.date_from or first_day, first_day), last_day)
    values["window"] = (start, max(min(view.date_to or last_day, last_day), start))
    values["actors"] = sorted(view.actors or ())
    values["countries"] = sorted(view.countries or ())
    values["undated"] = view.undated
    values["cited"] = view.cited
    values["basemap"] = view.basemap
    values["query"] = view.query or ""
    return values


def state_from_link(
    view: ViewState,
    bounds: tuple[datetime.date, datetime.date],
    warnings: Iterable[StateWarning] = (),
    *,
    target: tuple[float, float, int] | None = None,
) -> dict[str, Any]:
    """Return the session values (by key) that put the page on a link's `view`.

    Used when a browser opens a link, and when Back or Forward brings an earlier address
    back: ``view``, the widgets' values (:func:`widget_state`), ``target`` (where the app
    moves the map) and ``link_warnings`` (one sentence per parameter dropped, from
    `warnings` of :func:`geo.view.link.parse_state`). The map moves only when its target
    changes, so a target equal to `target`, the one sent before (the map may have been
    panned away since), is nudged by a ten-millionth of a degree.
    """
    moved_to = (view.lat, view.lon, view.zoom)
    if target is not None and tuple(target) == moved_to:
        moved_to = (view.lat + 1e-7 if view.lat < 0 else view.lat - 1e-7, view.lon, view.zoom)
    return {
        "view": view,
        "target": moved_to,
        "link_warnings": [f"Ignored {w.param!r} in the link: {w.message}" for w in warnings],
        **widget_state(view, bounds),
    }


#: The time window's step buttons: earlier and later.
STEPS = ("◀ Earlier", "Later ▶")
#: The button after them that plays the time window (and, while it plays, pauses it).
PLAY = "▶ Play"
#: The step control's options, in their order.
STEP_CONTROL = (*STEPS, PLAY)
#: Seconds between two steps of the time window while it plays: time for the map, the list
#: and the heading to draw the step and for a reader to take it in.
PLAY_SECONDS = 2.0


def stepped_window(
    window: tuple[datetime.date, datetime.date],
    bounds: tuple[datetime.date, datetime.date],
    direction: int,
) -> tuple[datetime.date, datetime.date]:
    """Return the time window one step later (`direction` 1) or earlier (-1), within `bounds`.

    A window of whole months (the data's first and last day count as a month's edges) moves
    by as many months as it spans, any other window by as many days, so stepping walks
    through time like a player. A window over all the data first narrows to its first (or,
    stepping back, its last) month. A step never leaves the data's dates: a window of days
    stops at the end keeping its length, a window of months stays on the last months.
    """
    first_day, last_day = bounds
    start, end = window
    if (start, end) == (first_day, last_day):
        day = first_day if direction > 0 else last_day
        return max(period_start(day, "month"), first_day), min(period_end(day, "month"), last_day)
    month_edges = start in (period_start(start, "month"), first_day) and end in (
        period_end(end, "month"),
        last_day,
    )
    if month_edges:
        first, last = period_start(start, "month"), period_start(end, "month")
        months = direction * ((last.year - first.year) * 12 + last.month - first.month + 1)
        moved = _add_months(first, months), period_end(_add_months(last, months), "month")
        if moved[0] > last_day or moved[1] < first_day:
            return start, end  # no months left that way
        return max(moved[0], first_day), min(moved[1], last_day)
    length = (end - start + datetime.timedelta(days=1)) * direction
    start, end = start + length, end + length
    if end > last_day:
        start, end = max(first_day, start - (end - last_day)), last_day
    if start < first_day:
        start, end = first_day, min(last_day, end + (first_day - start))
    return start, end


def _add_months(day: datetime.date, months: int) -> datetime.date:
    """Return the first day of the month `months` after `day`'s (`day` is a first day)."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def step_window(
    session: MutableMapping[str, Any], bounds: tuple[datetime.date, datetime.date]
) -> None:
    """Move the time window one step as the step control (``session["step"]``) asks.

    Called by the control when it is clicked, before the page runs again: the slider's value
    (``session["window"]``) moves, and the control is left unselected for the next click.
    """
    chosen = session.get("step")
    if chosen == PLAY:
        session["playing"] = not session.get("playing")
        if session["playing"]:
            session["window"] = first_frame(tuple(session["window"]), bounds)
    elif chosen in STEPS:
        session.pop("playing", None)  # a step by hand pauses
        direction = 1 if chosen == STEPS[1] else -1
        session["window"] = stepped_window(tuple(session["window"]), bounds, direction)
    session["step"] = None


def step_control(
    session: MutableMapping[str, Any], bounds: tuple[datetime.date, datetime.date]
) -> dict[str, Any]:
    """Return the step control's arguments: its options, key, labels and what a click does.

    The last option, :data:`PLAY`, reads "⏸ Pause" while the time window plays
    (``session["playing"]``), and a click on it then pauses.
    """

    def label(option: str) -> str:
        return "⏸ Pause" if option == PLAY and session.get("playing") else option

    return {
        "options": STEP_CONTROL,
        "key": "step",
        "format_func": label,
        "on_change": step_window,
        "args": (session, bounds),
    }


def first_frame(
    window: tuple[datetime.date, datetime.date], bounds: tuple[datetime.date, datetime.date]
) -> tuple[datetime.date, datetime.date]:
    """Return the window playback starts from when asked to play `window`.

    A window over all the data starts at its first month, a window already at the data's
    last day starts again at its first day with the same length (whole months stay whole
    months), and any other window plays on from where it is.
    """
    first_day, last_day = bounds
    start, end = window
    if (start, end) == bounds:
        return stepped_window(window, bounds, 1)
    if end < last_day:
        return window
    if start in (period_start(start, "month"), first_day) and end == last_day:
        first, last = period_start(start, "month"), period_start(end, "month")
        months = (last.year - first.year) * 12 + last.month - first.month
        begin = period_start(first_day, "month")
        return first_day, min(period_end(_add_months(begin, months), "month"), last_day)
    return first_day, min(last_day, first_day + (end - start))


def play_every(session: Mapping[str, Any]) -> float | None:
    """Return how often (seconds) the player ticks: :data:`PLAY_SECONDS` while playing, else None.

    The ticks are timed by the browser (a fragment's ``run_every``): paused, or with the page
    closed, nothing runs.
    """
    return PLAY_SECONDS if session.get("playing") else None


def player(
    session: MutableMapping[str, Any],
    bounds: tuple[datetime.date, datetime.date],
    rerun: Callable[[], object],
    context: Callable[[], object],
) -> dict[str, Any]:
    """Return the player as a fragment's arguments (``st.fragment``): its tick and how often.

    While the time window plays, the browser runs the fragment every :data:`PLAY_SECONDS`
    (``run_every``); each such run is a tick (`context` returns the script run's context,
    see :func:`play_step`) that steps the window and calls `rerun`, so that the whole page
    (map, list, heading, link) follows. Paused, ``run_every`` is None: the browser keeps no
    timer, and nothing runs on the server until someone clicks; a closed page ticks no more.
    """

    def play() -> None:
        """Step the playing time window once, then run the whole page again to show it."""
        if play_step(session, bounds, run=context()):
            rerun()

    return {"func": play, "run_every": play_every(session)}


def play_step(
    session: MutableMapping[str, Any],
    bounds: tuple[datetime.date, datetime.date],
    run: object,
) -> bool:
    """Step the playing time window once; return whether the page must run again to show it.

    `run` is the script run's context: only a tick of the player (a run of its fragment
    alone, which the context lists in ``fragment_ids_this_run``) steps, never the page's own
    run. The window moves as "Later ▶" moves it (:func:`stepped_window`); the step that
    reaches the data's last day pauses, so the last view stays, and its address reopens
    exactly that step.
    """
    if not (getattr(run, "fragment_ids_this_run", None) and session.get("playing")):
        return False
    window = tuple(session["window"])
    moved = stepped_window((window[0], window[1]), bounds, 1)
    session["window"] = moved
    if moved[1] >= bounds[1]:
        session["playing"] = False
    return True


def brushed(
    session: Mapping[str, Any], bounds: tuple[datetime.date, datetime.date]
) -> dict[str, Any]:
    """Return the session values a new brush on the timeline sets: its window (else none).

    `session` holds the chart's selection (``timeline``) and the window last brushed
    (``brushed``): a brush sets the time window once, and the slider may move it after.
    """
    window = brushed_window(session.get("timeline") or {}, bounds)
    if window is None or window == session.get("brushed"):
        return {}
    return {"brushed": window, "window": window}


def view_from_widgets(
    base: ViewState,
    widgets: Mapping[str, object],
    bounds: tuple[datetime.date, datetime.date],
    *,
    version: str,
) -> ViewState:
    """Return `base` with what the sidebar widgets (a mapping by widget key) now say."""
    first_day, last_day = bounds
    types = frozenset(k.key for k in EVENT_TYPES if widgets[f"type_{k.key}"])
    start, end = _window(widgets["window"], bounds)
    return base.replace(
        layers=frozenset(k for k in LAYER_LABELS if widgets[f"layer_{k}"]),
        types=None if len(types) == len(EVENT_TYPES) else types,
        date_from=None if start <= first_day else start,
        date_to=None if end >= last_day else end,
        actors=frozenset(read_strings(widgets["actors"])) or None,
        countries=frozenset(read_strings(widgets["countries"])) or None,
        undated=bool(widgets["undated"]),
        cited=bool(widgets.get("cited", True)),
        basemap=read_text(widgets["basemap"]),
        query=str(widgets["query"]).strip()[:200] or None,
        version=version,
    )


def _window(
    value: object, bounds: tuple[datetime.date, datetime.date]
) -> tuple[datetime.date, datetime.date]:
    """Return the time slider's ``(start, end)``, or `bounds` when it holds something else."""
    if isinstance(value, tuple | list) and len(value) == 2:
        start, end = value
        if isinstance(start, datetime.date) and isinstance(end, datetime.date):
            return start, end
    return bounds


def select_event(view: ViewState, layers: MapLayers, event_id: str) -> ViewState:
    """Return `view` with `event_id` selected and, when it is on the map, centred on it."""
    chosen = view.replace(selected=event_id)
    events = layers.events
    if events is None or len(events) == 0:
        return chosen
    rows = events[events["id"] == event_id]
    point = rows.geometry.iloc[0] if len(rows) else None
    if not isinstance(point, Point) or point.is_empty:  # events sit at points
        return chosen
    return chosen.replace(lat=point.y, lon=point.x, zoom=max(view.zoom, 5))


def list_choice(
    view: ViewState, layers: MapLayers, table: pd.DataFrame, session: Mapping[str, Any]
) -> tuple[ViewState, dict[str, Any]]:
    """Apply the row chosen in the event list; return the view and the session values to set.

    `session` holds the list's widget state (under its key), ``picked`` (the event last chosen
    in the list) and ``list_round``. A row newly chosen selects its event and moves the map
    there (``target``). When the selection changed elsewhere (the map, a link) while a row is
    still ticked, the list lets go: a new round gives it a new key, unticked, so the old row
    cannot select again. The values returned always hold ``list_key``, the widget's key: the
    rows' digest (:func:`list_key`) and the round.
    """
    picked, rounds = session.get("picked"), int(session.get("list_round", 0))
    key = f"event_list_{list_key(table)}_{rounds}"
    rows = (session.get(key) or {}).get("selection", {}).get("rows", [])
    if rows and rows[0] < len(table) and table.iloc[rows[0]]["id"] != picked:
        picked = str(table.iloc[rows[0]]["id"])
        view = select_event(view, layers, picked)
        return view, {
            "picked": picked,
            "target": (view.lat, view.lon, view.zoom),
            "list_round": rounds,
            "list_key": key,
        }
    if rows and view.selected != picked:
        rounds, picked = rounds + 1, None
        key = f"event_list_{list_key(table)}_{rounds}"
    return view, {"picked": picked, "list_round": rounds, "list_key": key}


@dataclass(frozen=True, slots=True, eq=False)
class PageRun:
    """What one run of the page shows: the view, the map's layers and the event list.

    Attributes
    ----------
    view
        The view after the sidebar's widgets, a search, the map's latest report and a row
        chosen in the list.
    found
        What the search found (None: no search).
    window
        What the view's zones depend on (`ZoneFilters`).
    layers
        What the map draws.
    listed
        The events the list shows.
    table
        The list's rows.
    updates
        The session values to set: ``target`` (where the app moves the map),
        ``map_applied`` (the map's report now applied) and what :func:`list_choice` returns.
    """

    view: ViewState
    found: SearchResult | None
    window: ZoneFilters
    layers: MapLayers
    listed: EventList
    table: pd.DataFrame
    updates: dict[str, Any]


def page_run(
    dataset: Dataset,
    session: Mapping[str, Any],
    bounds: tuple[datetime.date, datetime.date],
    geocoder: Geocoder,
    names: Names,
    *,
    zones: Callable[[ZoneFilters], gpd.GeoDataFrame],
    fresh: Iterable[str] = (),
) -> PageRun:
    """Return what the page shows for the session's widgets, search, map report and list.

    `session` holds the widgets' values, the last ``view``, ``target`` and what
    :func:`list_choice` reads; `zones` returns the zones for a `ZoneFilters` (a caller may
    cache them); `fresh` are the ids of events new since the last visit. Nothing is set
    here: the caller sets `PageRun.updates`.
    """
    previous = session["view"]
    view = view_from_widgets(previous, session, bounds, version=dataset.version)
    found = search_place(view.query, geocoder)
    view, target = after_search(view, found, previous=previous, target=session["target"])
    window = (view.types, view.date_from, view.date_to, view.undated)
    layers = map_layers(dataset, view, geocoder.gazetteer, zones=zones(window), fresh=fresh)
    returned = session.get("map")  # what the map sent back since the last run
    view, applied = apply_map_report(view, returned, layers, session.get("map_applied"))
    # "in view" is what the map shows; the switch widens the list to every match
    listed = listed_events(dataset, layers, view, returned, everything=session.get("list_all"))
    table = event_table(listed.rows, names=names)
    view, chosen = list_choice(view, layers, table, session)  # a row picked in the list
    updates = {"target": target, "map_applied": applied, **chosen}
    return PageRun(view, found, window, layers, listed, table, updates)


#: What the map reports back to the page (``st_folium``'s ``returned_objects``).
MAP_REPORTS: Final = ("center", "zoom", "bounds", "last_object_clicked")


def map_arguments(
    layers: MapLayers,
    view: ViewState,
    found: SearchResult | None,
    *,
    base: ViewState,
    target: tuple[float, float, int],
    files: tuple[str, str],
    asset_base: str = ASSET_BASE,
) -> dict[str, Any]:
    """Return what the page's map (``st_folium``) is given, but its key.

    The base map is `base`'s (the view the map was last built for: its basemap and where it
    was), drawn from the land and labels `files` served under `asset_base`; the feature groups
    are `view`'s layers and the outline of the place `found`. Only the app's own moves
    (`target`: centre and zoom) are sent: the user's pans are already on the map, and echoing
    them back would race the next pan.
    """
    land, labels = files
    highlight = found.place.geometry if found and found.place else None
    return {
        "fig": base_map(base, asset_base=asset_base, basemap_file=land, labels_file=labels),
        "center": target[:2],
        "zoom": target[2],
        "feature_group_to_add": feature_groups(layers, view, highlight=highlight),
        "returned_objects": list(MAP_REPORTS),
        "height": 640,
        "use_container_width": True,
    }


def map_comes_first(session: Mapping[str, Any], headers: Mapping[str, str]) -> bool:
    """Return whether this script run stops once the map is on the page.

    True until the map has first reported to the session (``map`` in `session`: it reports as
    soon as the browser has drawn it), for a run a browser asked for (a ``User-Agent`` among
    the request's `headers`). The rest of the page (the timeline, the event list, the
    selection's details, the share link and the panels below) then comes with the run that
    report starts, a moment later: on a cold start the browser draws the map first instead of
    building all of the page's elements beside it. A run with no browser behind it (Streamlit's
    ``AppTest``) draws everything at once: no map would ever report.
    """
    return session.get("map") is None and any(k.lower() == "user-agent" for k in headers)
