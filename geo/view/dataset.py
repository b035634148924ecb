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
from typing import Any, Final, TypeVar, cast

import geopandas as gpd
import pandas as pd

from geo.layers.aggregates import severities_from_sums, zone_days, zone_sums
from geo.layers.frames import (
    ARTICLE_COLUMNS,
    articles_frame,
    count_places,
    events_frame,
    merge_place_frames,
    offices_frame,
    places_frame,
)
from geo.layers.near import near_box
from geo.layers.seeds import SEEDS_DIR, load_seeds
from geo.layers.zones import build_zones, drop_duplicate_zones, rescore_zones
from geo.places.gazetteer import Gazetteer
from geo.records import Zone
from geo.store.parts import bbox_filter
from geo.store.store import Layers, Store, StoreError, VersionNotFoundError
from geo.view.archive import Archive, countries_of_places, held_articles, summarise_archive
from geo.view.selection import filter_events
from geo.view.state import ViewState

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
    archive: Archive | None = None

    def events_by_id(self, ids: Iterable[str]) -> gpd.GeoDataFrame:
        """Return the events with these ids (seeds' and stored), their articles' columns too."""
        wanted = {str(i) for i in ids}
        held = self.events[self.events["id"].isin(sorted(wanted))]
        if self.archive is None or not wanted - set(held["id"]):
            return held
        stored = self.archive.read(ViewState(), ids=wanted - set(held["id"]))
        return cast("gpd.GeoDataFrame", _concat([held, stored]))

    def articles_of(self, ids: Iterable[str]) -> pd.DataFrame:
        """Return the rows of the articles with these ids (seeds' and stored)."""
        wanted = sorted({str(i) for i in ids})
        held = self.articles[self.articles["id"].isin(wanted)]
        if self.archive is None or not set(wanted) - set(held["id"]):
            return held
        return cast(
            "pd.DataFrame", _concat([held, self.archive.articles(set(wanted) - set(held["id"]))])
        )

    def zones(
        self,
        gazetteer: Gazetteer,
        *,
        events: gpd.GeoDataFrame | None = None,
        today: datetime.date | None = None,
        window: ViewState | None = None,
    ) -> gpd.GeoDataFrame:
        """Return the zones layer with severities from `events` (default: all events).

        `today` is the date severity is measured from, the end of the view's time window. With
        none, each zone is measured from its own newest event: an archive of 2023 news still
        shows its tensions as they stood then, and news elsewhere recolours no zone.

        With an :attr:`archive`, `events` are the seeds' and `window` (the view's types and
        time window) says which stored events count: the derived zones are measured from the
        store's per-zone, per-day sums (:func:`geo.layers.window.zone_severities`) with the
        seeds' events added, the curated ones from the stored events near them.
        """
        chosen = self.events if events is None else events
        reference = today
        if self.archive is not None:
            return self._archive_zones(gazetteer, chosen, window or ViewState(), reference)
        if self.stored_zones is None or len(self.stored_zones) == 0:
            return build_zones(self.curated_zones, chosen, gazetteer, today=reference)
        # the store derived its zones at ingest time: only measure them against these events
        curated = build_zones(self.curated_zones, chosen.iloc[0:0], gazetteer, today=reference)
        return rescore_zones(self._with_stored(curated, gazetteer), chosen, today=reference)

    def _with_stored(self, curated: gpd.GeoDataFrame, gazetteer: Gazetteer) -> Any:
        """Return the curated zones and the stored ones no curated zone already covers."""
        if self.stored_zones is None or len(self.stored_zones) == 0:
            return curated
        curated_ids = set(curated["id"])
        stored = self.stored_zones[~self.stored_zones["id"].isin(curated_ids)]
        stored = drop_duplicate_zones(
            stored[stored["origin"] != "curated"], self.curated_zones, gazetteer
        )
        return pd.concat([curated, stored], ignore_index=True)

    def _archive_zones(
        self,
        gazetteer: Gazetteer,
        seeds: gpd.GeoDataFrame,
        window: ViewState,
        today: datetime.date | None,
    ) -> gpd.GeoDataFrame:
        assert self.archive is not None
        plain = window.replace(actors=None, countries=None, cited=True)
        curated = build_zones(self.curated_zones, seeds.iloc[0:0], gazetteer, today=today)
        combined = self._with_stored(curated, gazetteer)
        seed_rows = zone_days(combined, seeds)
        if plain.date_from is not None or plain.date_to is not None:  # the window's rows
            severities = self.archive.zone_severities(plain, curated, seed_rows, today=today)
            if severities is not None:
                return cast("gpd.GeoDataFrame", _scored(combined, severities))
        table = self.archive.zone_days(plain, curated)
        if table is None:  # a store written before the sums: measure against its events
            every = _concat([seeds, self.archive.points(plain)])
            return rescore_zones(combined, every, today=today)
        # no window: the sums per zone and type
        sums = pd.concat([table, zone_sums(seed_rows)], ignore_index=True)
        scored = severities_from_sums(sums, types=plain.types)
        return cast("gpd.GeoDataFrame", _scored(combined, scored))

    def zone_events(
        self, zone: gpd.GeoDataFrame, window: ViewState, today: datetime.date | None
    ) -> list[str]:
        """Return the ids of the events behind one zone (a one-row layer) in `window`."""
        plain = window.replace(actors=None, countries=None, cited=True)
        seeds = filter_events(self.events, plain)
        nearby = seeds
        if self.archive is not None and len(zone):
            near = bbox_filter(near_box(zone.geometry.iloc[0]))
            nearby = _concat([seeds, self.archive.points(plain, near)])
        scored = rescore_zones(zone, nearby, today=today)
        return [str(i) for i in scored["event_ids"].iloc[0]] if len(scored) else []


#: The articles' columns a view shows (in the list, the popups and the panel): not their text.
VIEW_ARTICLE_COLUMNS: Final = tuple(c for c in ARTICLE_COLUMNS if c != "text")


def _read_for_view(store: Store, version: str | None, *, lazy: bool = False) -> Layers:
    """Read a store version for the map: every layer, the articles without their texts.

    With `lazy`, the events and articles are left in the store (empty frames here): the view
    asks for them per view (:class:`geo.view.archive.Archive`).
    """
    manifest = store.manifest(version)
    if manifest is None or not lazy:
        return store.read_all(version, columns={"articles": VIEW_ARTICLE_COLUMNS})
    pinned = manifest.version

    def read(layer: str) -> Any:
        return store.read_layer(layer, version=pinned, lenient=True)

    return Layers(
        events=events_frame([]),
        offices=read("offices"),
        zones=read("zones"),
        places=read("places"),
        articles=articles_frame([]),
        version=pinned,
    )


def _scored(zones: gpd.GeoDataFrame, scored: pd.DataFrame) -> Any:
    """Return `zones` with the severities of `scored` (0 where none); their events unlisted."""
    severities = scored.set_index("zone_id")["severity"]
    return zones.assign(
        severity=zones["id"].map(severities).fillna(0.0).to_numpy(dtype="float64"),
        # measured for a selected zone
        event_ids=pd.Series([[] for _ in range(len(zones))], index=zones.index, dtype=object),
    )


def _concat(frames: list[pd.DataFrame]) -> Any:
    kept = [f for f in frames if f is not None and len(f)]
    if not kept:
        return frames[0]
    if len(kept) == 1:
        return kept[0].reset_index(drop=True)
    return pd.concat(kept, ignore_index=True)


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
    lazy: bool = False,
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
    lazy
        Whether to leave the stored events and articles in the store: the dataset then holds
        the seeds' and an :class:`~geo.view.archive.Archive` that views ask (the dashboard);
        otherwise every layer is read (exports).
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
            stored = _read_for_view(store, wanted, lazy=lazy)
        except VersionNotFoundError:
            notice = (
                f"The link was made on data version {version!r}, which this installation no "
                "longer has; showing the current data instead."
            )
            stored = _read_for_view(store, None, lazy=lazy)
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
    archive = None
    if lazy and stored is not None and stored.version is not None and store_dir is not None:
        store = Store(store_dir)
        codes = countries_of_places(places)
        # the curated articles it holds: their stored events give way to the seed records
        hidden = frozenset(held_articles(store, stored.version, seed_articles))
        summary = summarise_archive(store, stored.version, codes, hidden_articles=hidden)
        archive = Archive(store, stored.version, summary, codes, hidden)
    return Dataset(
        events=with_countries(events, places),
        offices=offices,
        places=places,
        articles=articles,
        curated_zones=seeds.zones,
        stored_zones=None if stored is None else stored.zones,
        version=store_version or seeds_version,
        notice=notice,
        archive=archive,
    )


def load_dataset_for_view(
    gazetteer: Gazetteer, *, store_dir: Path | None = None, version: str | None = None
) -> Dataset:
    """Load the dataset for the dashboard: a store that cannot be read never stops the page.

    The bundled seeds are shown instead, with a notice that names the problem and the way out
    (``python -m geo store check|repair``).
    """
    try:
        return load_dataset(gazetteer, store_dir=store_dir, version=version, lazy=True)
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
