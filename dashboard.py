"""Faultlines dashboard: the Streamlit shell. URL → view state → widgets → layers → map."""

from __future__ import annotations

import datetime
import functools
from pathlib import Path
from typing import Any

import streamlit as st

from geo.view import warmup

ROOT = Path(__file__).parent
script = functools.partial(st.html, unsafe_allow_javascript=True)  # geo/view/ only
st.set_page_config(page_title="Faultlines", page_icon="🗺️", layout="wide")
script(warmup.warm_up_html(Path(st.__file__).parent, ROOT / "static", asset_base="/app/static"))
st.title("Faultlines")
st.caption("News on a map: events, liaison offices and tension zones, each traced to its source.")
import streamlit_folium
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit_folium import st_folium

from geo import settings
from geo.view import client, first_view, preload

# A new visitor with no link gets the map kept from the last first visit at once, before the
# data is loaded (geo/view/first_view.py); the map is drawn below as always and compared.
store_dir = settings.default_store_dir()  # without importing the store
first = first_view.first_visit(
    Path(__file__),
    store_dir,
    query=st.query_params,
    cookies=st.context.cookies,
    session=st.session_state.keys(),
    today=datetime.date.today(),
)
script(client.page_head())  # Back and Forward, the list's scrolling
st.sidebar.header("Layers")  # the sidebar is there from the start: the map does not shift
notices = st.container()  # one slot, so the map below keeps its place (and stays mounted)
map_column, side = st.columns([2, 1], gap="medium")
if first.kept:  # the map column's first element, as the map is in every run (it stays mounted)
    with map_column:
        first_view.send(streamlit_folium, first.kept, key="map", session=st.session_state)
preload.page_begun()  # the server loads the data now, if it waited for this

from geo.ingest import feed_panel, uploads
from geo.places.geocode import Geocoder
from geo.taxonomy import EVENT_TYPES
from geo.view import fresh, link, panel, session
from geo.view import page as views
from geo.view.dataset import Dataset, current_version
from geo.view.downloads import downloads
from geo.view.state import BASEMAPS
from geo.view.styles import legend_html


@st.cache_resource(show_spinner="Loading the gazetteer…")
def resources() -> tuple[Geocoder, tuple[str, str], views.Names]:
    """Load what every session shares: static files (land, labels), gazetteer, geocoder, names."""
    return preload.shared_resources(ROOT / "static")  # prepared when the server started


@st.cache_resource(show_spinner="Loading the data…", max_entries=4)  # read-only: no copies
def dataset(store_dir: str, current: str | None, pinned: str | None) -> Dataset:
    """Load seeds + store, actors named; `current`, the store's version, changes when it does."""
    return preload.dataset_for_view(resources(), Path(store_dir), current, pinned)


@st.cache_data(show_spinner=False, max_entries=64)
def zones(_data: Dataset, version: str, window: tuple[Any, ...]) -> Any:
    """Zones measured for the view's events: recomputed only when data, types or dates change."""
    return preload.zones_in_window(_data, window, resources()[0].gazetteer)


@st.cache_resource(show_spinner=False, max_entries=32)  # read-only chart objects
def timeline(_layers: Any, version: str, filters: tuple[Any, ...]) -> Any:
    """Return the timeline chart, built again only when the data or the filters change."""
    return views.timeline_chart(views.timeline_rows(_layers))


def unlocked(key: str, off: str) -> bool:
    """Return whether this session may edit: the editor token, asked once for both panels."""
    if not configured:
        st.info(f"{off} is turned off here: set FAULTLINES_EDITOR_TOKEN to allow it.")
    elif not state.get("editor"):
        token = st.text_input("Editor token", type="password", key=key)
        state.editor = uploads.may_edit(token, configured, who=st.context.ip_address or "local")
        if token and not state.editor:
            st.error("That is not the editor token (after several wrong ones, wait a little).")
        elif state.editor:
            st.rerun()  # both panels open at once
    return bool(configured and state.get("editor"))


geocoder, (land, labels), names = resources()
url_view, warnings = link.parse_state(st.query_params.to_dict())
current = current_version(store_dir)
state = st.session_state
configured = uploads.editor_token(st.secrets, ROOT / ".streamlit" / "secrets.toml")
if "pinned" not in state:  # a session keeps the data it opened on (the link's version)
    state.pinned = url_view.version or current
data = dataset(str(store_dir), current, state.pinned)
first_day, last_day = bounds = views.date_bounds(data)
back = getattr(get_script_run_ctx(), "is_history_navigation", False)  # Back or Forward
if "view" not in state:  # a new session: the link's view, the last visit from a cookie
    state.update(session.session_start(url_view, warnings, bounds, st.context.cookies))
elif back and link.to_query(url_view) != link.to_query(state.view):  # an earlier address
    state.update(session.state_from_link(url_view, bounds, warnings, target=state.get("target")))
news = views.news_since(data, state.visit)
state.update(session.brushed(state, bounds))  # a new brush on the timeline sets the window

with notices:
    for line in state.link_warnings:
        st.warning(panel.escape_markdown(line))
    if notice := views.version_notice(data, current):
        st.info(notice)
        if data.notice is None and st.button("Show the latest data"):
            state.pinned = current
            st.rerun()
    script(fresh.banner(news, state.visit, views.visit_articles(data)))

with st.sidebar:
    for key, label in views.LAYER_LABELS.items():
        st.checkbox(label, key=f"layer_{key}")
    with st.expander("Event types"):
        for kind in EVENT_TYPES:
            st.checkbox(kind.label, key=f"type_{kind.key}")
    st.slider(
        "Time window", min_value=first_day, max_value=last_day, key="window", format="YYYY-MM-DD"
    )
    st.segmented_control("Step through time", **session.step_control(state, bounds))
    st.fragment(**session.player(state, bounds, st.rerun, get_script_run_ctx))()  # ▶ Play
    st.checkbox("Include undated events", key="undated", help="Shown in any time window.")
    st.checkbox(
        "Show earlier events the articles cite",
        key="cited",
        help="Events an article recalls as background to its news, marked as such in popups.",
    )
    for key, name in (("actors", names.actor), ("countries", names.country)):
        options = views.filter_codes(data, key, also=state.get(key, ()))
        st.multiselect(key.title(), options, key=key, format_func=name, placeholder="All")
    st.text_input("Find a place", key="query", placeholder="Senkaku, East Sea, Vienna…")
    st.selectbox("Basemap", BASEMAPS, key="basemap", help="“vector” is offline; tiles go online.")

# widgets, search, the map's report and the list's choice, applied before drawing: the map,
# the panel and the link agree
shaded = functools.partial(zones, data, data.version)
run = session.page_run(data, state, bounds, geocoder, names, zones=shaded, fresh=news.event_ids)
state.update(run.updates)
view, found, layers, listed, table = run.view, run.found, run.layers, run.listed, run.table

with map_column:
    if state.base.basemap != view.basemap:  # only a new basemap rebuilds the base map...
        state.base, state.target = view, (view.lat, view.lon, view.zoom)  # ...where it was
    arguments = session.map_arguments(
        layers, view, found, base=state.base, target=state.target, files=(land, labels)
    )
    draw = functools.partial(st_folium, key="map", **arguments)
    first_view.draw_map(streamlit_folium, draw, first, key="map", session=state, rerun=st.rerun)
    if session.map_comes_first(state, st.context.headers):  # the rest once it has reported
        st.stop()
    chart = timeline(layers, data.version, (*run.window, view.actors, view.countries))
    if chart is not None:  # drag across it to set the time window
        st.altair_chart(chart, on_select="rerun", key="timeline", use_container_width=True)

with side:
    if found and not found.place:
        st.warning(panel.escape_markdown(views.not_found_message(found, view.query)))
        for near in found.suggestions:  # one click searches for it
            label, key = panel.escape_markdown(near.name), f"near_{near.place_id}"
            st.button(label, key=key, on_click=state.__setitem__, args=("query", near.name))
    every, days = state.get("list_all"), state.window  # the slider's first and last day
    st.subheader(views.list_heading(listed, layers, everything=every, window=days))
    st.toggle("All that match the filters", key="list_all", help="Off: only what the map shows.")
    st.caption(views.type_counts(listed) + views.undated_note(data, view))
    st.dataframe(
        views.highlighted(table, view.selected, fresh=layers.fresh),
        hide_index=True,
        height=250,
        on_select="rerun",
        key=state.list_key,
        selection_mode="single-row",
        column_config=views.HIDDEN_COLUMNS,
    )
    script(client.show_row(state.list_key, views.row_of(table, view.selected)))
    if selection := panel.find_selection(layers, view.selected):
        details = panel.describe(selection, data, names)
        st.subheader(details.title)
        st.markdown(details.markdown())
        if details.caption:
            st.caption(details.caption)
        if details.url:
            st.link_button("Open the article", details.url)
        if details.severity is not None:
            st.progress(details.severity, panel.severity_label(details.severity))
            st.dataframe(details.behind, hide_index=True, column_config=views.HIDDEN_COLUMNS)
    with st.expander("Legend", expanded=not selection):
        st.html(legend_html(view))
    st.subheader("Share this view")
    st.code(link.share_address(str(st.context.url), view), language=None, wrap_lines=True)
    # the files are made only when a button is clicked (on another thread), never per rerun
    for file in downloads(data, listed, layers, view, geocoder.gazetteer, names):
        st.download_button(file.label, file.make, file.file_name)

state.view = view
if link.to_query(view) != link.to_query(url_view):
    st.query_params.from_dict(link.to_query(view))

with st.expander("Add articles"):
    if unlocked("upload_token", "Adding articles"):
        files = st.file_uploader("Article files", uploads.UPLOAD_TYPES, accept_multiple_files=True)
        pasted = st.text_area("…or paste an article")
        st.caption("What you fill in below applies to every article added now.")
        title_column, outlet_column, date_column = st.columns(3)
        title, outlet = title_column.text_input("Title"), outlet_column.text_input("Outlet")
        published = date_column.date_input("Published", value=None, max_value=datetime.date.today())
        url = st.text_input("URL", placeholder="https://…")
        if st.button("Add to the map", type="primary"):
            given = {"details": uploads.GivenDetails(title, outlet, published, url)}
            given["progress"] = uploads.progress_on(st.progress(0.0, text="Reading articles…"))
            state.added = uploads.add_uploads(files or [], pasted, store_dir, **given)
            state.pinned = current_version(store_dir)  # show what was just added
            st.rerun()  # show the new articles on the map
    for line in state.pop("added", []):
        st.info(panel.escape_markdown(line))

with st.expander("Feeds"):  # what the store follows; editors add, remove and poll feeds
    st.dataframe((feeds := feed_panel.feed_list(store_dir)).table, hide_index=True)
    if note := state.pop("feed_note", None) or feeds.problem:
        (st.error if note.failed else st.success)(panel.escaped_lines(note.lines))
    if unlocked("feeds_token", "Managing feeds"):
        with st.form("add_feed", clear_on_submit=True, border=False):
            address_column, name_column, every_column = st.columns([3, 2, 1])
            address = address_column.text_input("Feed address", placeholder="https://…")
            name, every = name_column.text_input("Name"), every_column.text_input("Every", "30m")
            if st.form_submit_button("Follow this feed"):
                state.feed_note = feed_panel.add_from_form(store_dir, address, name, every)
        chosen = st.selectbox("Feed", list(feeds.names), index=None, format_func=feeds.names.get)
        remove_column, poll_column = st.columns(2)
        if remove_column.button("Stop following it", disabled=not chosen) and chosen:
            state.feed_note = feed_panel.remove(store_dir, chosen)
        if poll_column.button("Poll now", disabled=not chosen) and chosen:  # as watch --once
            with st.spinner("Polling the feed…"):
                state.feed_note = feed_panel.poll_now(store_dir, chosen)
            state.pinned = current_version(store_dir)  # the map shows what it brought
        if "feed_note" in state:  # an action just ran: the map, list and table show it
            st.rerun()
