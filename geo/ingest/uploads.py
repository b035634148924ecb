"""Turn files and text people add in the browser into articles, within documented limits.

Limits (also in the README): at most :data:`MAX_FILES` files of :data:`MAX_UPLOAD_BYTES` each,
with a suffix in :data:`UPLOAD_SUFFIXES`. A file's name is only ever shown, never used as a
path. Changing data needs the editor token when one is configured (``FAULTLINES_EDITOR_TOKEN``
or the ``editor_token`` Streamlit secret); without one, the dashboard is read-only. Wrong
tokens are throttled per address (`GuessThrottle`).
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import hmac
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Protocol
from urllib.parse import urlsplit

from geo import settings
from geo.store.format import StoreBusyError, StoreError, describe_os_error
from geo.store.store import Store
from geo.text.mentions import PlaceFinder

if TYPE_CHECKING:  # reading and ingesting load when articles are added, not with the page
    from geo.ingest.pipeline import IngestReport, ProgressCallback
    from geo.text.articles import Article

#: Environment variable holding the editor token.
#: Largest file accepted from the browser.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
#: Most files accepted at once.
MAX_FILES = 50
#: File types accepted from the browser.
UPLOAD_SUFFIXES = (".txt", ".md", ".html", ".htm")
#: The same, as a file picker names them (without the dot).
UPLOAD_TYPES = tuple(suffix[1:] for suffix in UPLOAD_SUFFIXES)
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


@dataclass(frozen=True, slots=True)
class GivenDetails:
    """What a person filled in for the articles of one upload (None or blank: the file's own).

    Attributes
    ----------
    title, outlet, url
        Replace each article's own when not blank (surrounding spaces are dropped).
    published
        Replaces each article's publication date; it anchors relative dates ("on Monday").
    """

    title: str | None = None
    outlet: str | None = None
    published: datetime.date | None = None
    url: str | None = None


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


def editor_token(secrets: object = None, secrets_file: Path | None = None) -> str | None:
    """Return the configured editor token: the environment first, then Streamlit secrets.

    With `secrets_file`, the secrets are read only when that file exists (Streamlit
    complains about secrets read without one).
    """
    token = settings.EDITOR_TOKEN.value()
    if token:
        return token
    if secrets_file is not None and not secrets_file.exists():
        return None
    try:
        value = secrets.get("editor_token") if secrets is not None else None  # type: ignore[attr-defined]
    except Exception:  # Streamlit raises when there is no secrets file at all
        value = None
    return str(value).strip() if value else None


def may_edit(
    given: str | None,
    configured: str | None,
    *,
    who: str | None = None,
    throttle: GuessThrottle | None = None,
) -> bool:
    """Return whether `given` unlocks editing (a constant-time comparison).

    With `who` (an address or a session), wrong guesses are throttled per `who` by
    `throttle` (default: `GUESSES`, shared by every session of the process): see
    `GuessThrottle`. While `who` must wait, no token is even compared.
    """
    if not configured or not given:
        return False
    if who is None:
        return hmac.compare_digest(given.strip().encode(), configured.encode())
    throttle = throttle or GUESSES
    if throttle.wait(who) > 0:
        return False
    right = hmac.compare_digest(given.strip().encode(), configured.encode())
    throttle.record(who, given, right=right)
    return right


class GuessThrottle:
    """Make guessing the editor token slow: after a few wrong tokens, each try must wait.

    After `FREE_GUESSES` wrong tokens from one key (an address or a session), the next try is
    refused unchecked until 2 s have passed since the last wrong one, then 4, 8 … up to
    `MAX_WAIT` seconds; a right token clears the key. The same wrong token again (a Streamlit
    rerun) counts once. Thread-safe; `clock` is for tests.
    """

    FREE_GUESSES = 5
    MAX_WAIT = 300.0
    _MAX_KEYS = 10_000

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._failures: dict[str, tuple[int, float, str]] = {}

    def wait(self, key: str) -> float:
        """Return the seconds `key` must still wait before its next try (0: none)."""
        with self._lock:
            failures, last, _ = self._failures.get(key, (0, 0.0, ""))
        if failures < self.FREE_GUESSES:
            return 0.0
        delay = min(self.MAX_WAIT, 2.0 ** (failures - self.FREE_GUESSES + 1))
        return max(0.0, last + delay - self._clock())

    def record(self, key: str, given: str, *, right: bool) -> None:
        """Note the outcome of one try of `given` by `key`."""
        digest = hashlib.sha256(given.encode("utf-8", "surrogatepass")).hexdigest()
        with self._lock:
            if right:
                self._failures.pop(key, None)
                return
            failures, _, previous = self._failures.get(key, (0, 0.0, ""))
            if previous == digest:  # the same wrong token again: a rerun, not a new guess
                return
            if key not in self._failures and len(self._failures) >= self._MAX_KEYS:
                self._failures.pop(next(iter(self._failures)))  # forget the oldest key
            self._failures[key] = (failures + 1, self._clock(), digest)


GUESSES = GuessThrottle()
"""The throttle the dashboard's editor-token field uses, shared by all its sessions."""


def articles_from_files(
    files: Iterable[tuple[object, bytes]],
) -> tuple[list[Article], list[UploadProblem]]:
    """Read uploaded ``(name, content)`` pairs into articles, within the limits."""
    from geo.ingest.pipeline import read_within_budget
    from geo.text.articles import article_from_bytes
    from geo.text.decoding import ArticleError

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
            source = f"upload:{name}"
            read = partial(article_from_bytes, data, source=source)
            articles.append(read_within_budget(read, source))
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
    from geo.text.articles import article_from_text
    from geo.text.decoding import ArticleError

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


def with_details(article: Article, details: GivenDetails) -> Article:
    """Return `article` with the title, outlet, publication date and URL a person gave.

    What is given replaces what the file says; what is left empty keeps the file's own. The
    publication date anchors relative dates ("on Monday") in the text.
    """
    changes: dict[str, object] = {}
    for name, given in (("title", details.title), ("outlet", details.outlet)):
        if given and given.strip():
            changes[name] = given.strip()
    if details.published is not None:
        changes["published"] = details.published
    if details.url and details.url.strip():
        changes["url"] = details.url.strip()
    return dataclasses.replace(article, **changes) if changes else article  # type: ignore[arg-type]


class ProgressBar(Protocol):
    """What shows an upload's progress: ``progress(fraction, text)`` (Streamlit's bar has it)."""

    def progress(self, value: float, text: str) -> object:
        """Show that `value` (0–1) of the work is done, with `text`."""


def progress_on(bar: ProgressBar) -> ProgressCallback:
    """Return a progress callback for :func:`add_to_store` that moves `bar` ("3/10")."""

    def show(done: int, total: int, _: str) -> None:
        bar.progress(done / total, f"{done}/{total}")

    return show


def report_lines(report: IngestReport, problems: Iterable[UploadProblem]) -> list[str]:
    """Return what the page says after an upload: the report's first line, then each problem."""
    return [report.summary().splitlines()[0], *(f"{p.name}: {p.reason}" for p in problems)]


class Uploaded(Protocol):
    """An uploaded file, as a page's file uploader gives it: a name and its bytes."""

    name: str

    def getvalue(self) -> bytes:
        """Return the file's bytes."""
        ...


def add_uploads(
    files: Iterable[Uploaded],
    pasted: str,
    store: Store | Path,
    *,
    finder: PlaceFinder | None = None,
    details: GivenDetails = GivenDetails(),
    progress: ProgressCallback | None = None,
) -> list[str]:
    """Add uploaded files and pasted text to `store` as :func:`add_to_store`; say how it went.

    Returns the lines the page shows after (:func:`report_lines`).
    """
    uploaded = [(file.name, file.getvalue()) for file in files]
    return report_lines(
        *add_to_store(uploaded, pasted, store, finder=finder, details=details, progress=progress)
    )


def add_to_store(
    files: Iterable[tuple[object, bytes]],
    pasted: str,
    store: Store | Path,
    *,
    finder: PlaceFinder | None = None,
    details: GivenDetails = GivenDetails(),
    progress: ProgressCallback | None = None,
) -> tuple[IngestReport, list[UploadProblem]]:
    """Read uploaded files and pasted text and ingest them; the problems are per file.

    `finder` finds the places (the default one, loaded with the first article, when None).

    `details` apply to every article added (see :func:`with_details`); a URL that is not
    ``http(s)`` is left out, as a problem.
    `store` is a `Store` or its directory (opened here, waiting `UPLOAD_LOCK_TIMEOUT` seconds
    for another writer). A store that cannot be written (busy, read-only, full disk, damaged)
    is one more problem with a one-line reason, never an exception: nothing is added then.
    """
    # the extractor loads only when needed
    from geo.ingest.pipeline import IngestReport, ingest_articles

    articles, problems = articles_from_files(files)
    url = (details.url or "").strip()
    if url and not _is_web_address(url):
        problems.append(UploadProblem("URL", f"{url[:80]!r} is not an http(s) address"))
        details = dataclasses.replace(details, url=None)
    if pasted.strip():
        made = article_from_paste(pasted)
        if isinstance(made, UploadProblem):
            problems.append(made)
        else:
            articles.append(made)
    articles = [with_details(article, details) for article in articles]
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
