"""Turn files and text people add in the browser into articles, within documented limits.

Limits (also in the README): at most :data:`MAX_FILES` files of :data:`MAX_UPLOAD_BYTES` each,
with a suffix in :data:`UPLOAD_SUFFIXES`. A file's name is only ever shown, never used as a
path. Changing data needs the editor token when one is configured (``FAULTLINES_EDITOR_TOKEN``
or the ``editor_token`` Streamlit secret); without one, the dashboard is read-only.
"""

from __future__ import annotations

import dataclasses
import datetime
import hmac
import os
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from geo.store.store import Store
from geo.text.mentions import PlaceFinder

if TYPE_CHECKING:  # reading and ingesting load when articles are added, not with the page
    from geo.ingest.pipeline import IngestReport, ProgressCallback
    from geo.text.articles import Article

#: Environment variable holding the editor token.
EDITOR_TOKEN_ENV = "FAULTLINES_EDITOR_TOKEN"
#: Largest file accepted from the browser.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
#: Most files accepted at once.
MAX_FILES = 50
#: File types accepted from the browser.
UPLOAD_SUFFIXES = (".txt", ".md", ".html", ".htm")
#: Longest pasted text accepted, in characters.
MAX_PASTED_CHARS = 2_000_000
_NAME_CHARS = 80
_SUFFIX_CHARS = 10


@dataclass(frozen=True, slots=True)
class UploadProblem:
    """A file or paste that was not accepted, with the reason to show."""

    name: str
    reason: str


def safe_name(name: object) -> str:
    """Return a file name fit for display: its last path part, printable, at most 80 chars.

    A longer name is cut in the middle and keeps its suffix (``"long…name.md"``), which says
    how the file is read.
    """
    text = str(name).replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] not in "CZ" or ch == " ")
    if len(text) > _NAME_CHARS:
        stem, dot, suffix = text.rpartition(".")
        tail = dot + suffix if stem and len(suffix) <= _SUFFIX_CHARS else ""
        text = text[: _NAME_CHARS - 1 - len(tail)] + "…" + tail
    return text or "unnamed file"


def editor_token(secrets: object = None) -> str | None:
    """Return the configured editor token: the environment first, then Streamlit secrets."""
    token = os.environ.get(EDITOR_TOKEN_ENV, "").strip()
    if token:
        return token
    try:
        value = secrets.get("editor_token") if secrets is not None else None  # type: ignore[attr-defined]
    except Exception:  # Streamlit raises when there is no secrets file at all
        value = None
    return str(value).strip() if value else None


def may_edit(given: str | None, configured: str | None) -> bool:
    """Return whether `given` unlocks editing (a constant-time comparison)."""
    if not configured or not given:
        return False
    return hmac.compare_digest(given.strip().encode(), configured.encode())


def articles_from_files(
    files: Iterable[tuple[object, bytes]],
) -> tuple[list[Article], list[UploadProblem]]:
    """Read uploaded ``(name, content)`` pairs into articles, within the limits."""
    from geo.text.articles import ArticleError, article_from_bytes

    articles: list[Article] = []
    problems: list[UploadProblem] = []
    for index, (raw_name, data) in enumerate(files):
        name = safe_name(raw_name)
        if index >= MAX_FILES:
            problems.append(UploadProblem(name, f"more than {MAX_FILES} files at once"))
            continue
        suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if suffix not in UPLOAD_SUFFIXES:
            allowed = ", ".join(UPLOAD_SUFFIXES)
            problems.append(UploadProblem(name, f"not an article file (allowed: {allowed})"))
            continue
        if len(data) > MAX_UPLOAD_BYTES:
            size = len(data) / 1024 / 1024
            limit = MAX_UPLOAD_BYTES // 1024 // 1024
            problems.append(UploadProblem(name, f"{size:.1f} MB is over the {limit} MB limit"))
            continue
        try:
            articles.append(article_from_bytes(data, source=f"upload:{name}"))
        except ArticleError as error:
            problems.append(UploadProblem(name, error.reason))
    return articles, problems


def article_from_paste(
    text: str,
    *,
    title: str | None = None,
    outlet: str | None = None,
    published: datetime.date | None = None,
) -> Article | UploadProblem:
    """Make an article from pasted text, or say why not."""
    from geo.text.articles import ArticleError, article_from_text

    if len(text) > MAX_PASTED_CHARS:
        return UploadProblem("pasted text", f"longer than {MAX_PASTED_CHARS:,} characters")
    try:
        return article_from_text(
            text, title=title or None, outlet=outlet or None, published=published, source="<pasted>"
        )
    except ArticleError as error:
        return UploadProblem("pasted text", error.reason)


def _is_web_address(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in {"http", "https"} and bool(parts.netloc)


def with_details(
    article: Article,
    *,
    title: str | None = None,
    outlet: str | None = None,
    published: datetime.date | None = None,
    url: str | None = None,
) -> Article:
    """Return `article` with the title, outlet, publication date and URL a person gave.

    What is given replaces what the file says; what is left empty keeps the file's own. The
    publication date anchors relative dates ("on Monday") in the text.
    """
    changes: dict[str, object] = {}
    if title and title.strip():
        changes["title"] = title.strip()
    if outlet and outlet.strip():
        changes["outlet"] = outlet.strip()
    if published is not None:
        changes["published"] = published
    if url and url.strip():
        changes["url"] = url.strip()
    return dataclasses.replace(article, **changes) if changes else article  # type: ignore[arg-type]


def add_to_store(
    files: Iterable[tuple[object, bytes]],
    pasted: str,
    store: Store,
    *,
    finder: PlaceFinder,
    title: str | None = None,
    outlet: str | None = None,
    published: datetime.date | None = None,
    url: str | None = None,
    progress: ProgressCallback | None = None,
) -> tuple[IngestReport, list[UploadProblem]]:
    """Read uploaded files and pasted text and ingest them; the problems are per file.

    `title`, `outlet`, `published` and `url`, when given, apply to every article added (see
    :func:`with_details`); a `url` that is not ``http(s)`` is left out, as a problem.
    """
    from geo.ingest.pipeline import ingest_articles  # the extractor loads only when needed

    articles, problems = articles_from_files(files)
    if url and url.strip() and not _is_web_address(url.strip()):
        problems.append(UploadProblem("URL", f"{url.strip()[:80]!r} is not an http(s) address"))
        url = None
    if pasted.strip():
        made = article_from_paste(pasted)
        if isinstance(made, UploadProblem):
            problems.append(made)
        else:
            articles.append(made)
    details = {"title": title, "outlet": outlet, "published": published, "url": url}
    articles = [with_details(article, **details) for article in articles]  # type: ignore[arg-type]
    report = ingest_articles(articles, store, finder=finder, progress=progress)
    return report, problems
