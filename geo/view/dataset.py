"""Combine the bundled seed records with the store into the dataset a view shows.

The dashboard and ``python -m geo export`` both see the same thing: the project's curated
records of the founding articles (``seeds/``) plus whatever the store holds. Curated records
take precedence over what the pipeline extracted from the same article, so ingesting a founding
article does not show its events twice. A snapshot link can pin a store version; when that
version is gone the current data is shown and :attr:`Dataset.notice` says so.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Final, TypeVar

import geopandas as gpd
import pandas as pd

from geo.layers.frames import (
    ARTICLE_COLUMNS,
    articles_frame,
    count_places,
    events_frame,
    merge_place_frames,
    offices_frame,
    places_frame,
)
from geo.layers.seeds import SEEDS_DIR, load_seeds
from geo.layers.zones import build_zones, drop_duplicate_zones, rescore_zones
from geo.places.gazetteer import Gazetteer
from geo.records import Zone
from geo.store.store import Layers, Store, StoreError, VersionNotFoundError

_Frame = TypeVar("_Frame", bound=pd.DataFrame)


@dataclass(frozen=True)
class Dataset:
    """Every layer a view can show, from seeds and store together.

    Attributes
    ----------
    events, offices, places
        GeoDataFrames (see :mod:`geo.layers.zones` for the columns).
    articles
        The articles table.
    curated_zones
        Known zones whose severity is computed for the view's time window.
    stored_zones
        Zones the store derived at ingest time (exports use them; views recompute); None
        when there is no store.
    version
        What a snapshot link pins: the store version, or a hash of the seeds when the store is
        empty.
    notice
        A message for the user when the asked-for version could not be shown.
    """

    events: gpd.GeoDataFrame
    offices: gpd.GeoDataFrame
    places: gpd.GeoDataFrame
    articles: pd.DataFrame
    curated_zones: tuple[Zone, ...]
    stored_zones: gpd.GeoDataFrame | None
    version: str
    notice: str | None = None

    def zones(
        self,
        gazetteer: Gazetteer,
        *,
        events: gpd.GeoDataFrame | None = None,
        today: datetime.date | None = None,
    ) -> gpd.GeoDataFrame:
        """Return the zones layer with severities from `events` (default: all events).

        `today` is the date severity is measured from, the end of the view's time window. With
        none, each zone is measured from its own newest event: an archive of 2023 news still
        shows its tensions as they stood then, and news elsewhere recolours no zone.
        """
        chosen = self.events if events is None else events
        reference = today
        if self.stored_zones is None or len(self.stored_zones) == 0:
            return build_zones(self.curated_zones, chosen, gazetteer, today=reference)
        # the store derived its zones at ingest time: only measure them against these events
        curated = build_zones(self.curated_zones, chosen.iloc[0:0], gazetteer, today=reference)
        curated_ids = set(curated["id"])
        stored = self.stored_zones[~self.stored_zones["id"].isin(curated_ids)]
        stored = drop_duplicate_zones(
            stored[stored["origin"] != "curated"], self.curated_zones, gazetteer
        )
        combined = pd.concat([curated, stored], ignore_index=True)
        return rescore_zones(combined, chosen, today=reference)


#: The articles' columns a view shows (in the list, the popups and the panel): not their text.
VIEW_ARTICLE_COLUMNS: Final = tuple(c for c in ARTICLE_COLUMNS if c != "text")


def _read_for_view(store: Store, version: str | None) -> Layers:
    """Read a store version for the map: every layer, the articles without their texts."""
    return store.read_all(version, columns={"articles": VIEW_ARTICLE_COLUMNS})


def _codes(cell: object) -> list[str]:
    if cell is None or isinstance(cell, str | float) or not isinstance(cell, Iterable):
        return []
    return [str(code) for code in cell]


def with_countries(events: gpd.GeoDataFrame, places: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return `events` with a ``countries`` column: the country codes of the places of each.

    A place's codes are the countries it is or lies in (``country_codes`` in the places
    layer); the view's country filter reads this column.
    """
    if events is None or len(events) == 0 or places is None or len(places) == 0:
        empty: pd.Series = pd.Series(
            [[] for _ in range(len(events))], index=events.index, dtype=object
        )
        return events.assign(countries=empty)
    codes = {
        pid: _codes(cell) for pid, cell in zip(places["id"], places["country_codes"], strict=True)
    }
    countries = [
        sorted({code for pid in _codes(ids) for code in codes.get(pid, ())})
        for ids in events["place_ids"]
    ]
    return events.assign(countries=pd.Series(countries, index=events.index, dtype=object))


def _seeds_hash(directory: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(directory.glob("*.yaml")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _combine(
    seed: _Frame, stored: _Frame | None, *, drop_articles: set[str] | None = None
) -> _Frame:
    if stored is None or len(stored) == 0:
        return seed
    if drop_articles and "article_id" in stored.columns:
        stored = stored[~stored["article_id"].isin(drop_articles)]
    if len(seed) == 0:
        return stored.reset_index(drop=True)
    combined = pd.concat([seed, stored], ignore_index=True)  # a GeoDataFrame stays one
    return combined.drop_duplicates("id", keep="first").reset_index(drop=True)


def load_dataset(
    gazetteer: Gazetteer,
    *,
    store_dir: Path | None = None,
    version: str | None = None,
    seeds_dir: Path = SEEDS_DIR,
) -> Dataset:
    """Load seeds and store into one :class:`Dataset`.

    Parameters
    ----------
    gazetteer
        Gives seed records their shapes.
    store_dir
        The store to read; seeds only when None or when it holds nothing yet.
    version
        A store version to show (from a snapshot link); the current one when None.
    seeds_dir
        The seed records.
    """
    seeds = load_seeds(seeds_dir, gazetteer=gazetteer)
    seed_articles = {a.id: a for a in seeds.articles}
    events = events_frame(seeds.events, seed_articles)
    offices = offices_frame(seeds.offices, gazetteer)
    places = places_frame(count_places(seeds.events), gazetteer)
    articles = articles_frame(list(seeds.articles))
    seeds_version = _seeds_hash(seeds_dir)
    notice = None
    stored = None
    store_version = None
    # a link made before anything was stored names the seeds' version: it shows them alone
    bundled_only = version is not None and version == seeds_version
    if store_dir is not None and (store_dir / "CURRENT").exists() and not bundled_only:
        store = Store(store_dir)
        wanted = version or None
        try:
            stored = _read_for_view(store, wanted)
        except VersionNotFoundError:
            notice = (
                f"The link was made on data version {version!r}, which this installation no "
                "longer has; showing the current data instead."
            )
            stored = _read_for_view(store, None)
        store_version = stored.version
    elif version and version != seeds_version:
        notice = (
            f"The link was made on data version {version!r}, which this installation does "
            "not have; showing the bundled data instead."
        )
    if store_dir is not None and not store_dir.exists():
        missing = (
            f"There is no data store at {str(store_dir)!r} (FAULTLINES_STORE or --store): "
            "showing the bundled data only."
        )
        notice = f"{missing} {notice}" if notice else missing
    if stored is not None:
        curated_articles = set(seed_articles)
        events = _combine(events, stored.events, drop_articles=curated_articles)
        offices = _combine(offices, stored.offices)
        places = merge_place_frames(places, stored.places)
        articles = _combine(articles, stored.articles)
    return Dataset(
        events=with_countries(events, places),
        offices=offices,
        places=places,
        articles=articles,
        curated_zones=seeds.zones,
        stored_zones=None if stored is None else stored.zones,
        version=store_version or seeds_version,
        notice=notice,
    )


def load_dataset_for_view(
    gazetteer: Gazetteer, *, store_dir: Path | None = None, version: str | None = None
) -> Dataset:
    """Load the dataset for the dashboard: a store that cannot be read never stops the page.

    The bundled seeds are shown instead, with a notice that names the problem and the way out
    (``python -m geo store check|repair``).
    """
    try:
        return load_dataset(gazetteer, store_dir=store_dir, version=version)
    except (StoreError, OSError) as error:
        dataset = load_dataset(gazetteer)
        where = f" --store {store_dir}" if store_dir is not None else ""
        notice = (
            f"The data store could not be read ({error}); showing the bundled data only. "
            f"To look into it: python -m geo store check{where}; to fix it: python -m geo "
            f"store repair{where}."
        )
        return replace(dataset, notice=notice)


def current_version(store_dir: Path, seeds_dir: Path = SEEDS_DIR) -> str | None:
    """Return the version a page opened now shows: the store's, or the seeds' when it has none.

    A page keeps that version (its link names it) while the store moves on, so a link made
    before anything was stored keeps showing the bundled data alone. None when the store
    cannot be read (the page then says why).
    """
    if not (store_dir / "CURRENT").exists():
        return _seeds_hash(seeds_dir)
    return store_version(store_dir)


def store_version(store_dir: Path) -> str | None:
    """Return the store's current version, or None when there is none or it cannot be read."""
    if not (store_dir / "CURRENT").exists():
        return None
    try:
        return Store(store_dir).current_version()
    except (StoreError, OSError):
        return None
