"""Describe the feature a view has selected for the side panel, in escaped Markdown.

:func:`find_selection` finds the selected event, office, zone or place among the layers drawn;
:func:`describe` says what the panel shows about it (:class:`Details`): a title, lines of facts,
the event's sentence with its place marked, its source, a zone's severity and the events behind
it. Every string from an article or the gazetteer goes through :func:`escape_markdown` first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from geo.records import Layer
from geo.view.dataset import Dataset
from geo.view.map import MapLayers
from geo.view.page import TYPE_LABELS, Names, event_table, with_articles
from geo.view.popups import (
    Row,
    format_interval,
    name_span,
    office_since,
    published_provenance,
    read_number,
    read_strings,
    read_text,
)

__all__ = [
    "Details",
    "Selection",
    "article_titles",
    "describe",
    "escape_markdown",
    "escaped_lines",
    "find_selection",
    "marked_quote",
    "severity_label",
]

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")


def escape_markdown(text: object) -> str:
    """Return `text` with every Markdown and HTML special character backslash-escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", read_text(text))


def escaped_lines(lines: Iterable[object]) -> str:
    """Return lines as one Markdown text, each escaped (:func:`escape_markdown`), kept apart."""
    return "  \n".join(escape_markdown(line) for line in lines)


@dataclass(frozen=True, slots=True)
class Selection:
    """The feature a view has selected, described for the side panel."""

    id: str
    layer: str
    record: dict[str, object]


def find_selection(layers: MapLayers, selected: str | None) -> Selection | None:
    """Return the selected feature's record from whichever visible layer holds it."""
    if not selected:
        return None
    for name in Layer:
        frame = getattr(layers, name)
        if frame is not None and len(frame) and "id" in frame.columns:
            rows = frame[frame["id"] == selected]
            if len(rows):
                return Selection(selected, name, rows.iloc[0].to_dict())
    return None


@dataclass(frozen=True, slots=True)
class Details:
    """What the side panel says about the selected feature; Markdown already escaped."""

    title: str
    lines: tuple[str, ...]
    quote: str | None = None
    caption: str | None = None
    url: str | None = None
    severity: float | None = None
    behind: pd.DataFrame | None = None

    def markdown(self) -> str:
        """Return the lines and the quote as one Markdown text."""
        lines = "  \n".join(self.lines)
        return f"{lines}\n\n> {self.quote}" if self.quote else lines


def severity_label(severity: float) -> str:
    """Return what the severity bar says: the value, its scale and what it is measured from."""
    return (
        f"Severity {severity:.2f} (0 calm – 1 very tense; recent, heavy events in or near the "
        "zone, at the end of the time window), from these events:"
    )


def marked_quote(record: Row) -> str:
    """Return an event's sentence as escaped Markdown, its place name highlighted."""
    sentence = read_text(record.get("sentence"))
    names = read_strings(record.get("place_names"))
    span = name_span(sentence, names, record.get("span_start"), record.get("span_end"))
    if span is None:
        return escape_markdown(sentence)
    a, b = span
    marked = f":orange-background[{escape_markdown(sentence[a:b])}]"
    return f"{escape_markdown(sentence[:a])}{marked}{escape_markdown(sentence[b:])}"


def article_titles(dataset: Dataset, article_ids: object) -> str:
    """Return the titles of the articles with these ids ("—" for none), not their ids."""
    ids = read_strings(article_ids)
    if not ids:
        return "—"
    titles: dict[str, str] = {}
    articles = getattr(dataset, "articles", None)  # a panel may be drawn without a dataset
    if isinstance(dataset, Dataset):
        articles = dataset.articles_of(ids)
    if articles is not None and len(articles):
        known = articles[articles["id"].isin(ids)]
        titles = dict(zip(known["id"], known["title"].map(read_text), strict=True))
    return "; ".join(titles.get(i) or "an article" for i in ids)


def describe(selection: Selection, dataset: Dataset, names: Names | None = None) -> Details:
    """Describe a selected event, office, zone or place for the side panel.

    Actors are named with `names` when given ("China", not "CHN").
    """
    record, esc = selection.record, escape_markdown
    actor = names.actor if names is not None else str

    def joined(key: str) -> str:
        return esc(", ".join(read_strings(record.get(key))) or "—")

    if selection.layer == Layer.EVENTS:
        when = format_interval(
            record.get("date_start"), record.get("date_end"), record.get("date_precision")
        )
        source = [read_text(record.get(k)) for k in ("title", "outlet")]
        published = read_text(record.get("published"))[:10]
        if published and published != "NaT" and (provenance := published_provenance(record)):
            published += f" ({provenance})"
        url = read_text(record.get("url"))
        return Details(
            title=esc(
                TYPE_LABELS.get(read_text(record.get("type")), read_text(record.get("type")))
            ),
            lines=(
                f"**When:** {esc(when)} ({esc(record.get('date_precision'))} precision)",
                f"**Who:** {esc(', '.join(map(actor, read_strings(record.get('actors')))) or '—')}"
                f" · **Where:** {joined('place_names')}",
                f"**Confidence:** {read_number(record.get('confidence')) or 0.0:.0%} · "
                f"**Origin:** {esc(record.get('origin'))}",
            ),
            quote=marked_quote(record),
            caption=esc(" · ".join(p for p in [*source, published] if p and p != "NaT")),
            url=url if url.startswith(("http://", "https://")) else None,
        )
    if selection.layer == Layer.ZONES:
        behind = dataset.events_by_id(read_strings(record.get("event_ids")))
        return Details(
            title=esc(record.get("name")),
            lines=(
                f"**Kind:** {esc(read_text(record.get('kind')).replace('_', ' '))} · "
                f"**Parties:** {joined('parties')}",
            ),
            severity=read_number(record.get("severity")) or 0.0,
            behind=event_table(with_articles(behind, dataset.articles_of(behind["article_id"]))),
        )
    if selection.layer == Layer.OFFICES:
        where = read_text(record.get("city")) or read_text(record.get("host_name"))
        return Details(
            title=esc(f"{read_text(record.get('org'))} office, {where}"),
            lines=(
                f"**Status:** {esc(read_text(record.get('status')).replace('_', ' '))} · "
                f"**Since:** {esc(office_since(record) or 'unknown')}",
                f"**Host:** {esc(record.get('host_name'))} · "
                f"**Sources:** {esc(article_titles(dataset, record.get('article_ids')))}",
            ),
        )
    return Details(
        title=esc(record.get("name")),
        lines=(
            f"**Kind:** {esc(record.get('kind'))} · **Mentions:** {esc(record.get('mentions'))}",
        ),
    )
