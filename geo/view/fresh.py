"""Count the articles that entered the store since a moment or a version: what is new to a reader.

The dashboard keeps when a reader last looked (a time, or the store version they saw, such
as a link's ``v``) and asks :func:`new_since` what came in after: a count to show, and the
article ids to highlight. A version the store no longer holds (pruned) falls back to the
time given beside it, if any; articles without an ``ingested_at`` (the bundled seeds) are
never new.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pandas as pd  # type: ignore[import-untyped]  # no pandas-stubs in the environment

from geo.store.store import Store

__all__ = ["NewArticles", "new_since"]


@dataclass(frozen=True, slots=True)
class NewArticles:
    """Articles that entered the store after `since` (None: nothing to compare with)."""

    since: datetime.datetime | None
    article_ids: tuple[str, ...] = ()

    @property
    def count(self) -> int:
        """How many articles are new."""
        return len(self.article_ids)


def new_since(
    store: Store,
    *,
    since: datetime.datetime | None = None,
    version: str | None = None,
) -> NewArticles:
    """Return the articles of the current version that entered the store after a moment.

    Parameters
    ----------
    store
        The store.
    since
        The moment (naive times are taken as UTC).
    version
        A version the reader saw: its creation time is the moment (wins over `since` when the
        store still holds it).

    Returns
    -------
    NewArticles
        The ids of the new articles, oldest first; none when neither moment is known.
    """
    if version is not None and store.has_version(version):
        manifest = store.manifest(version)
        if manifest is not None:
            since = manifest.created_at
    if since is None or store.current_version() is None:
        return NewArticles(since)
    moment = pd.Timestamp(since)
    moment = moment.tz_localize("UTC") if moment.tzinfo is None else moment.tz_convert("UTC")
    frame = store.read_layer("articles", columns=["id", "ingested_at"])
    if not len(frame):
        return NewArticles(since)
    stamps = pd.to_datetime(frame["ingested_at"], utc=True)
    fresh = frame.assign(stamp=stamps)[stamps > moment].sort_values(["stamp", "id"])
    return NewArticles(since, tuple(str(i) for i in fresh["id"]))
