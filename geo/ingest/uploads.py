"""Turn files and text people add in the browser into articles, within documented limits.

Limits (also in the README): at most :data:`MAX_FILES` files of :data:`MAX_UPLOAD_BYTES` each,
with a suffix in :data:`UPLOAD_SUFFIXES`. A file's name is only ever shown, never used as a
path. Changing data needs the editor token when one is configured (``FAULTLINES_EDITOR_TOKEN``
or the ``editor_token`` Streamlit secret); without one, the dashboard is read-only.
"""

from __future__ import annotations

import datetime
import hmac
import os
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from geo.ingest.pipeline import IngestReport, ProgressCallback, ingest_articles
from geo.store.format import StoreBusyError, StoreError, describe_os_error
from geo.store.store import Store
from geo.text.articles import Article, ArticleError, article_from_bytes, article_from_text
from geo.text.mentions import PlaceFinder

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
#: Seconds an upload waits for another writer before it gives up (the page waits meanwhile).
UPLOAD_LOCK_TIMEOUT = 10.0
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
    if len(text) > MAX_PASTED_CHARS:
        return UploadProblem("pasted text", f"longer than {MAX_PASTED_CHARS:,} characters")
    try:
        return article_from_text(
            text, title=title or None, outlet=outlet or None, published=published, source="<pasted>"
        )
    except ArticleError as error:
        return UploadProblem("pasted text", error.reason)


def add_to_store(
    files: Iterable[tuple[object, bytes]],
    pasted: str,
    store: Store | Path,
    *,
    finder: PlaceFinder,
    title: str | None = None,
    outlet: str | None = None,
    published: datetime.date | None = None,
    progress: ProgressCallback | None = None,
) -> tuple[IngestReport, list[UploadProblem]]:
    """Read uploaded files and pasted text and ingest them; the problems are per file.

    `store` is a `Store` or its directory (opened here, waiting `UPLOAD_LOCK_TIMEOUT` seconds
    for another writer). A store that cannot be written (busy, read-only, full disk, damaged)
    is one more problem with a one-line reason, never an exception: nothing is added then.
    """
    articles, problems = articles_from_files(files)
    if pasted.strip():
        made = article_from_paste(pasted, title=title, outlet=outlet, published=published)
        if isinstance(made, UploadProblem):
            problems.append(made)
        else:
            articles.append(made)
    failed = IngestReport(articles=0, duplicates=0, places=0, events=0, offices=0)
    try:
        if not isinstance(store, Store):
            store = Store.open(store, lock_timeout=UPLOAD_LOCK_TIMEOUT)
        report = ingest_articles(articles, store, finder=finder, progress=progress)
    except StoreBusyError:
        reason = "another editor is adding articles right now; nothing was added, try again soon"
        return failed, [*problems, UploadProblem("the data store", reason)]
    except StoreError as error:
        return failed, [*problems, UploadProblem("the data store", " ".join(str(error).split()))]
    except OSError as error:
        return failed, [*problems, UploadProblem("the data store", describe_os_error(error))]
    return report, problems
