"""What a store gives back besides frames: a version's summary, and all layers of one version."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import geopandas as gpd
import pandas as pd

from geo.store.format import Manifest

__all__ = ["Layers", "VersionInfo"]


@dataclass(frozen=True, slots=True)
class VersionInfo:
    """A summary of one version for listings.

    Attributes
    ----------
    id
        The version id.
    created_at
        When it was first written (UTC).
    message
        What the writer said it was.
    parent
        The version current before it, None for the first.
    counts
        Layer name → number of rows.
    """

    id: str
    created_at: datetime.datetime
    message: str
    parent: str | None
    counts: Mapping[str, int] = field(hash=False)

    @classmethod
    def of(cls, manifest: Manifest) -> VersionInfo:
        """Return the summary of the version `manifest` records."""
        return cls(
            id=manifest.version,
            created_at=manifest.created_at,
            message=manifest.message,
            parent=manifest.parent,
            counts=MappingProxyType({name: info.rows for name, info in manifest.layers.items()}),
        )


@dataclass(frozen=True, slots=True, eq=False)
class Layers:
    """All five layers of one version (empty frames for layers it does not hold).

    Attributes
    ----------
    events, offices, zones, places
        GeoDataFrames in EPSG:4326.
    articles
        A DataFrame.
    version
        The version they were read from, None when the store is empty.
    """

    events: gpd.GeoDataFrame
    offices: gpd.GeoDataFrame
    zones: gpd.GeoDataFrame
    places: gpd.GeoDataFrame
    articles: pd.DataFrame
    version: str | None
