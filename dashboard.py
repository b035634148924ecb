"""Faultlines dashboard: the Streamlit shell. URL → view state → widgets → layers → map."""

from __future__ import annotations

import datetime
import functools
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit_folium import st_folium

from geo.ingest import uploads
from geo.layers.export import layer_to_csv, layer_to_geojson
from geo.places.geocode import Geocoder, default_geocoder
from geo.store.store import default_store_dir
from geo.taxonomy import EVENT_TYPES
from geo.text.actors import load_actor_vocabulary
from geo.text.mentions import default_finder
from geo.view import client, link
from geo.view import page as views
from geo.view.assets import ensure_static_assets, labels_file
from geo.view.dataset import Dataset, load_dataset_for_view, store_version
from geo.view.map import base_map, feature_groups
from geo.view.state import BASEMAPS, ViewState
from geo.view.styles import legend_html

ROOT = Path(__file__).parent
st.set_page_config(page_title="Faultlines", page_icon="🗺️", layout="wide")


@st.cache_resource(show_spinner="Loading the gazetteer…")
def resources() -> tuple[Geocoder, tuple[str, str], views.Names]:
    """Load what every session shares: static files (land, labels), gazetteer, geocoder, names."""
    static = ensure_static_assets(ROOT / "static")
    geocoder = default_geocoder()
    organisations = load_actor_vocabulary().organisations.values()
    names = views.code_names(geocoder.gazetteer, organisations)
    files = views.basemap_file(static, geocoder.gazetteer), labels_file(static, geocoder.gazetteer)
    return geocoder, files, names


@st.cache_resource(show_spinner="Loading the data…", max_entries=4)  # read-only: no copies
def dataset(store_dir: str, current: str | None, pinned: str | None) -> Dataset:
    """Load seeds + store; `current` is only a cache key (it changes when the store does)."""
    geocoder, _, names = resources()  # popups name actors ("China", not "CHN")
    loaded = load_dataset_for_view(geocoder.gazetteer, store_dir=Path(store_dir), version=pinned)
    return views.with_actor_names(loaded, names)


@st.cache_data(show_spinner=False, max_entries=64)
def zones(_data: Dataset, version: str, window: tuple[Any, ...]) -> Any:
    """Zones measured for the view's events: recomputed only when data, types or dates change."""
    types, date_from, date_to, undated = window
    view = ViewState(types=types, date_from=date_from, date_to=date_to, undated=undated)
    return views.view_zones(_data, view, resources()[0].gazetteer)


@st.cache_resource(show_spinner=False, max_entries=32)  # read-only chart objects
def timeline(_events: Any, version: str, filters: tuple[Any, ...]) -> Any:
    """Return the timeline chart, built again only when the data or the filters change."""
    return views.timeline_chart(_events)


geocoder, (land, labels), names = resources()
store_dir = default_store_dir()
url_view, warnings = link.parse_state(st.query_params.to_dict())
current = store_version(store_dir)
state = st.session_state
if "pinned" not in state:  # a session keeps the data it opened on (the link's version)
    state.pinned = url_view.version or current
data = dataset(str(store_dir), current, state.pinned)
first_day, last_day = bounds = views.date_bounds(data)
back = getattr(get_script_run_ctx(), "is_history_navigation", False)  # Back or Forward
if "view" not in state or (back and link.to_query(url_view) != link.to_query(state.view)):
    moved = state.get("target")  # a new session, or an earlier address: show the link's view
    state.update(views.state_from_link(url_view, bounds, warnings, target=moved))
    state.setdefault("base", url_view)  # the base map is drawn once, and again per basemap

brushed = views.brushed_window(state.get("timeline"), bounds)
if brushed and brushed != state.get("brushed"):  # a new brush on the timeline sets the window
    state.brushed = state.window = brushed

script = functools.partial(st.html, unsafe_allow_javascript=True)  # geo/view/client.py only
script(client.page_head())  # Back and Forward, the list's scrolling
st.title("Faultlines")
st.caption("News on a map: events, liaison offices and tension zones, each traced to its source.")
with st.container():  # one slot, so the map below keeps its place (and stays mounted)
    for line in state.link_warnings:
        st.warning(views.escape_markdown(line))
    if notice := views.version_notice(data, current):
        st.info(notice)
        if data.notice is None and st.button("Show the latest data"):
            state.pinned = current
            st.rerun()

with st.sidebar:
    st.header("Layers")
    for key, label in views.LAYER_LABELS.items():
        st.checkbox(label, key=f"layer_{key}")
    with st.expander("Event types"):
        for kind in EVENT_TYPES:
            st.checkbox(kind.label, key=f"type_{kind.key}")
    st.slider(
        "Time window", min_value=first_day, max_value=last_day, key="window", format="YYYY-MM-DD"
    )
    steps = {"key": "step", "on_change": views.step_window, "args": (state, bounds)}
    st.segmented_control("Step through time", views.STEPS, **steps)  # by the window's length
    st.checkbox("Include undated events", key="undated", help="Shown in any time window.")
    for key, name in (("actors", names.actor), ("countries", names.country)):
        options = views.codes_in(data.events, key, also=state.get(key, ()))
        st.multiselect(key.title(), options, key=key, format_func=name, placeholder="All")
    st.text_input("Find a place", key="query", placeholder="Senkaku, East Sea, Vienna…")
    help_text = "“vector” works offline; tiles need internet."
    st.selectbox("Basemap", BASEMAPS, key="basemap", help=help_text)

view = views.view_from_widgets(state.view, state, bounds, version=data.version)
found = views.search_place(view.query, geocoder)
if found and found.place and view.query != state.view.query:  # a new search: go there
    view = view.replace(lat=found.place.lat, lon=found.place.lon, zoom=views.zoom_for(found.place))
    state.target = (view.lat, view.lon, view.zoom)
window = (view.types, view.date_from, view.date_to, view.undated)
layers = views.map_layers(data, view, geocoder.gazetteer, zones=zones(data, data.version, window))

# What the map and the event list sent back since the last run: apply it before drawing, so
# the map, the panel and the link all show the same view.
returned = state.get("map")
if returned and returned != state.get("map_applied"):
    view = views.view_after_map(view, returned, layers, previous=state.get("map_applied"))
    state.map_applied = returned
# "in view" is what the map shows; the switch widens the list and exports to every match
listed = views.events_in_scope(layers.events, view, returned, everything=state.get("list_all"))
table = views.event_table(listed, names=names)
view, chosen = views.list_choice(view, layers, table, state)  # a row picked in the list
state.update(chosen)

map_column, side = st.columns([2, 1], gap="medium")
with map_column:
    if state.base.basemap != view.basemap:  # only a new basemap rebuilds the base map...
        state.base, state.target = view, (view.lat, view.lon, view.zoom)  # ...where it was
    st_folium(
        base_map(state.base, asset_base="/app/static", basemap_file=land, labels_file=labels),
        key="map",
        # only the app's own moves are sent: the user's pans are already on the map, and
        # echoing them back would race the next pan
        center=state.target[:2],
        zoom=state.target[2],
        feature_group_to_add=feature_groups(
            layers, view, highlight=found.place.geometry if found and found.place else None
        ),
        returned_objects=["center", "zoom", "bounds", "last_object_clicked"],
        height=640,
        use_container_width=True,
    )
    chart = timeline(layers.events, data.version, (*window, view.actors, view.countries))
    if chart is not None:  # drag across it to set the time window
        st.altair_chart(chart, on_select="rerun", key="timeline", use_container_width=True)

with side:
    if found and not found.place:
        close = " Did you mean:" if found.suggestions else ""
        st.warning(views.escape_markdown(f"No place called “{view.query}”.{close}"))
        for near in found.suggestions:  # one click searches for it
            label, key = views.escape_markdown(near.name), f"near_{near.place_id}"
            st.button(label, key=key, on_click=state.__setitem__, args=("query", near.name))
    every, days = state.get("list_all"), state.window  # the slider's first and last day
    st.subheader(views.list_heading(listed, layers.events, everything=every, window=days))
    st.toggle("All that match the filters", key="list_all", help="Off: only what the map shows.")
    st.caption(views.type_counts(listed) + views.undated_note(data.events, view))
    st.dataframe(
        views.highlighted(table, view.selected),
        hide_index=True,
        height=250,
        on_select="rerun",
        key=state.list_key,
        selection_mode="single-row",
        column_config=views.HIDDEN_COLUMNS,
    )
    script(client.show_row(state.list_key, views.row_of(table, view.selected)))
    selection = views.find_selection(layers, view.selected)
    if selection:
        details = views.describe(selection, data, names)
        st.subheader(details.title)
        st.markdown(details.markdown())
        if details.caption:
            st.caption(details.caption)
        if details.url:
            st.link_button("Open the article", details.url)
        if details.severity is not None:
            st.progress(details.severity, views.severity_label(details.severity))
            st.dataframe(details.behind, hide_index=True, column_config=views.HIDDEN_COLUMNS)
    with st.expander("Legend", expanded=not selection):
        st.html(legend_html(view))
    st.subheader("Share this view")
    address = f"{str(st.context.url).split('?')[0].rstrip('/')}/?{link.to_query_string(view)}"
    st.code(address, language=None, wrap_lines=True)
    # the files are made only when a button is clicked (on another thread), never per rerun
    shown, frozen = listed if listed is not None else data.events.iloc[0:0], view
    st.download_button("Events (GeoJSON)", lambda: layer_to_geojson(shown), "events.geojson")
    st.download_button("Events (CSV)", lambda: layer_to_csv(shown), "events.csv")
    page = functools.partial(views.offline_page, layers, frozen, geocoder.gazetteer, names)
    st.download_button("Map (offline HTML)", page, "map.html")  # the land drawn on each click

state.view = view
if link.to_query(view) != link.to_query(url_view):
    st.query_params.from_dict(link.to_query(view))

with st.expander("Add articles"):
    configured = uploads.editor_token(
        st.secrets if (ROOT / ".streamlit" / "secrets.toml").exists() else None
    )
    if not configured:
        st.info("Adding articles is turned off here: set FAULTLINES_EDITOR_TOKEN to allow it.")
    elif not uploads.may_edit(
        token := st.text_input("Editor token", type="password"),
        configured,
        who=st.context.ip_address or "local",
    ):
        if token:
            st.error("That is not the editor token (after several wrong ones, wait a little).")
    else:
        kinds = [s[1:] for s in uploads.UPLOAD_SUFFIXES]
        files = st.file_uploader("Article files", type=kinds, accept_multiple_files=True)
        pasted = st.text_area("…or paste an article")
        st.caption("What you fill in below applies to every article added now.")
        title_column, outlet_column, date_column = st.columns(3)
        title, outlet = title_column.text_input("Title"), outlet_column.text_input("Outlet")
        published = date_column.date_input("Published", value=None, max_value=datetime.date.today())
        url = st.text_input("URL", placeholder="https://…")
        if st.button("Add to the map", type="primary"):
            bar = st.progress(0.0, text="Reading articles…")
            report, problems = uploads.add_to_store(
                [(f.name, f.getvalue()) for f in files or []],
                pasted,
                store_dir,
                finder=default_finder(),
                title=title,
                outlet=outlet,
                published=published,
                url=url,
                progress=lambda done, total, _: bar.progress(done / total, f"{done}/{total}"),
            )
            state.pinned = store_version(store_dir)  # show what was just added
            state.added = [report.summary().splitlines()[0]]
            state.added += [f"{p.name}: {p.reason}" for p in problems]
            st.rerun()  # show the new articles on the map
    for line in state.pop("added", []):
        st.info(views.escape_markdown(line))
