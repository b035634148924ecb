"""What a view can be downloaded as: its events (GeoJSON, CSV) and the map as an offline page.

Each download is made when its button is clicked, never when the page runs again: a
:class:`Download` holds what makes the file, not the file. Nothing here imports Streamlit.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from geo.layers.export import layer_to_csv, layer_to_geojson
from geo.places.gazetteer import Gazetteer
from geo.view.dataset import Dataset
from geo.view.map import MapLayers
from geo.view.page import Names, offline_page
from geo.view.scope import EventList, export_rows
from geo.view.state import ViewState

__all__ = ["Download", "downloads"]


@dataclass(frozen=True, slots=True)
class Download:
    """One file a person may download.

    Attributes
    ----------
    label
        The button's label.
    make
        Returns the file's text (called on a click).
    file_name
        The name the file is saved under.
    """

    label: str
    make: Callable[[], str]
    file_name: str


def downloads(
    dataset: Dataset,
    listed: EventList,
    layers: MapLayers,
    view: ViewState,
    gazetteer: Gazetteer,
    names: Names,
) -> tuple[Download, ...]:
    """Return the downloads of `view`: the events the list stands for, and the map offline.

    The events are every one the list stands for (:func:`geo.view.scope.export_rows`, read on
    a click); the map is the view's layers as one HTML page that opens offline, the land drawn
    on each click (:func:`geo.view.page.offline_page`).
    """
    rows = export_rows(dataset, listed, view)
    return (
        Download("Events (GeoJSON)", lambda: layer_to_geojson(rows()), "events.geojson"),
        Download("Events (CSV)", lambda: layer_to_csv(rows()), "events.csv"),
        Download(
            "Map (offline HTML)",
            functools.partial(offline_page, layers, view, gazetteer, names),
            "map.html",
        ),
    )
