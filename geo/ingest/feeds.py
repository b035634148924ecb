"""Read RSS and Atom feeds and article pages from the web into the store, each article once.

:func:`ingest_web` is what ``python -m geo ingest URL...`` runs: every address is fetched
politely (:mod:`geo.ingest.fetch`) and told apart **by its content**, not its name
(:func:`sniff`): a feed (RSS 0.9x, 1.0, 2.0 or Atom, parsed by feedparser) brings in the
article page of each of its items; a web page is an article itself. Each page's main text
comes from trafilatura (:func:`geo.text.articles.article_from_html`); the title, outlet,
publication date and address come from the feed item first, then from the page's own metadata
(Open Graph, JSON-LD, ``<meta>`` and ``<time>`` tags, read by trafilatura and htmldate), and
when neither has a date, from the time of the fetch: then ``Article.extra["published_from"]``
is ``"fetched"`` (else ``"feed"`` or ``"page"``) and a warning says so. Relative dates in the
text ("on Thursday") resolve against that publication date, as for files.

Deduplication, before anything is fetched and after: an item whose address has the same key
(:func:`geo.ingest.urls.url_key`: ``http``/``https``, ``www.``, tracking parameters, AMP forms
alike) as an article the store holds, or one read earlier in the run, is not fetched; a page
whose own canonical address has such a key, or whose text the store holds (the content hash,
`geo.text.articles.article_id`), is not stored again.

Failures are reported by address and skipped: an item page that fails (404, timeout, not an
article) leaves the other items; a feed that fails (5xx, timeout, malformed XML, HTML where a
feed was expected, too large, a redirect loop) leaves the other feeds. What was read goes
into the store through the one ingest path (:func:`geo.ingest.pipeline.ingest_articles`) as
one new version; a failure writes nothing and changes nothing stored.
"""

from __future__ import annotations

import codecs
import datetime
import re
import time
import xml.sax
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal

import feedparser

from geo.errors import FaultlinesError
from geo.ingest.fetch import Fetched, Fetcher, FetchError, is_private
from geo.ingest.pipeline import (
    IngestReport,
    ProgressCallback,
    ingest_articles,
    read_new_articles,
)
from geo.ingest.registry import MAX_ITEMS_PER_FEED
from geo.ingest.urls import clean_url, is_web_url, url_key
from geo.store.store import Store
from geo.text.articles import (
    Article,
    article_from_html,
    article_from_text,
    iter_article_paths,
    with_metadata,
)
from geo.text.decoding import ArticleError, decode_bytes
from geo.text.mentions import PlaceFinder

__all__ = [
    "MAX_ITEMS_PER_FEED",
    "FeedError",
    "FeedItem",
    "ItemReport",
    "ParsedFeed",
    "SourceReport",
    "SourceRequest",
    "WebIngestReport",
    "article_from_fetched",
    "gather",
    "ingest_web",
    "known_in_store",
    "parse_feed",
    "sniff",
]

#: Pages fetched at once (each host still gets at most `FetchSettings.per_host`).
FETCH_WORKERS: Final = 8

Kind = Literal["feed", "html", "xml", "text"]

_FEED_ROOTS: Final = frozenset({"rss", "feed", "rdf:rdf", "rdf"})
_PROLOG: Final = re.compile(
    rb"\s*(?:<\?.*?\?>|<!--.*?-->|<!doctype\s+(?!html)[^>]*>)", re.DOTALL | re.IGNORECASE
)
_DOCTYPE_HTML: Final = re.compile(rb"<!doctype\s+html", re.IGNORECASE)
_FIRST_TAG: Final = re.compile(rb"<([A-Za-z_][\w:.-]*)")
_META_CHARSET: Final = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)
_SNIFF_BYTES: Final = 4096
_TOLERATED_XML_ERRORS: Final = ("undefined entity",)


class FeedError(FaultlinesError, ValueError):
    """A feed that cannot be read; ``str(error)`` is ``"<url>: <reason>"``."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(url, reason)
        self.url = url
        self.reason = reason

    def __str__(self) -> str:
        message = f"{self.url}: {self.reason}"
        return message


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One entry of a feed: where its article is and what the feed says about it."""

    url: str
    title: str | None = None
    published: datetime.date | None = None
    outlet: str | None = None


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A feed's title, its kind (``rss20``, ``atom10``, …) and its items, in feed order."""

    title: str | None
    version: str
    items: tuple[FeedItem, ...]
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SourceRequest:
    """One address to read, with what is remembered of it.

    Attributes
    ----------
    url
        The address.
    feed_only
        Whether only a feed is expected there (a registered feed): a web page is a failure.
    etag, last_modified
        Validators of the last answer, for a conditional request.
    seen
        Item keys (`url_key`) already handled for this feed: not fetched again.
    retry
        Item addresses that failed for a passing reason last time: tried again.
    """

    url: str
    feed_only: bool = False
    etag: str | None = None
    last_modified: str | None = None
    seen: frozenset[str] = frozenset()
    retry: tuple[str, ...] = ()


ItemOutcome = Literal["added", "stored", "duplicate", "failed"]


@dataclass(frozen=True, slots=True)
class ItemReport:
    """What became of one article address.

    `outcome` is ``added`` (read; new to the store), ``stored`` (the store, or this feed,
    already had it: not fetched), ``duplicate`` (fetched, but the same article was stored or
    read already) or ``failed`` (`reason` says why; `transient` when trying later may help).
    """

    url: str
    outcome: ItemOutcome
    reason: str = ""
    transient: bool = False
    article_id: str | None = None

    @property
    def key(self) -> str:
        """The address's deduplication key."""
        return url_key(self.url)


@dataclass(frozen=True, slots=True)
class SourceReport:
    """What became of one address given: a feed (with its items) or an article page.

    Attributes
    ----------
    url
        The address.
    kind
        ``feed``, ``article`` or ``unknown`` (it failed before its content was seen).
    outcome
        ``read``, ``not_modified`` (a 304: nothing new) or ``failed``.
    reason
        Why it failed.
    transient
        Whether the failure may pass.
    items
        One report per item (for an article page, one for the page).
    etag, last_modified
        The answer's validators (for the next conditional request).
    title
        The feed's title.
    """

    url: str
    kind: Literal["feed", "article", "unknown"]
    outcome: Literal["read", "not_modified", "failed"]
    reason: str = ""
    transient: bool = False
    items: tuple[ItemReport, ...] = ()
    etag: str | None = None
    last_modified: str | None = None
    title: str | None = None

    def lines(self) -> list[str]:
        """Return the report as lines of text: the source, then its failed items."""
        if self.outcome == "failed":
            return [f"failed {self.url}: {self.reason}"]
        counts = {name: 0 for name in ("added", "stored", "duplicate", "failed")}
        for item in self.items:
            counts[item.outcome] += 1
        if self.outcome == "not_modified" and not self.items:
            head = f"{self.kind} {self.url}: not modified"
        else:
            parts = [f"{count} {name}" for name, count in counts.items() if count]
            head = f"{self.kind} {self.url}: " + (", ".join(parts) or "no items")
        failed = [f"  failed {i.url}: {i.reason}" for i in self.items if i.outcome == "failed"]
        return [head, *failed]


@dataclass(frozen=True, slots=True)
class WebIngestReport:
    """The outcome of reading addresses (and files) into the store."""

    ingest: IngestReport
    sources: tuple[SourceReport, ...] = ()
    requests: int = 0
    not_modified: int = 0

    def summary(self) -> str:
        """Return the per-source lines (failures by address), then the ingest summary."""
        lines = [line for source in self.sources for line in source.lines()]
        return "\n".join([*lines, self.ingest.summary()])

    @property
    def failures(self) -> int:
        """Sources and items that failed, and files skipped."""
        sources = sum(s.outcome == "failed" for s in self.sources)
        items = sum(i.outcome == "failed" for s in self.sources for i in s.items)
        return sources + items + len(self.ingest.skipped)


# --- telling and parsing ---------------------------------------------------------------


def sniff(body: bytes) -> Kind:
    """Return what a response body holds, from its first bytes.

    ``feed`` (an ``<rss>``, Atom ``<feed>`` or RDF root element), ``html`` (an HTML document
    type or any other markup without an XML declaration), ``xml`` (another XML document, such
    as a sitemap) or ``text``.
    """
    head = _head_as_ascii(body[:_SNIFF_BYTES])
    declared_xml = head.lstrip().startswith(b"<?xml")
    position = 0
    while match := _PROLOG.match(head, position):
        if match.end() == position:
            break
        position = match.end()
    rest = head[position:].lstrip()
    if _DOCTYPE_HTML.match(rest):
        return "html"
    tag = _FIRST_TAG.match(rest)
    if tag is None:
        return "text" if not rest.startswith(b"<") else "html"
    name = tag[1].decode("ascii", errors="replace").lower()
    if name in _FEED_ROOTS or name.endswith(":rdf"):
        return "feed"
    if name == "html" or not declared_xml:
        return "html"
    return "xml"


def _head_as_ascii(head: bytes) -> bytes:
    """Return the first bytes with a UTF-16/32 byte order mark decoded, BOMs dropped."""
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if head.startswith(bom):
            text = head.decode(codec, errors="ignore")
            return text.encode("ascii", errors="replace")
    return head.removeprefix(codecs.BOM_UTF8)


def parse_feed(body: bytes, *, url: str) -> ParsedFeed:
    """Parse an RSS or Atom feed's bytes.

    Item addresses are made absolute against the feed's address. An XML error fails the
    feed (a cut-off feed would lose items and dates silently), except an undefined entity
    (``&nbsp;`` in RSS is common) when the items could be read: then a warning says so.

    Raises
    ------
    FeedError
        If the body is not a well-formed feed.
    """
    parsed: Any = feedparser.parse(
        body, response_headers={"content-location": url}, sanitize_html=False
    )
    warnings: list[str] = []
    error = parsed.get("bozo_exception")
    if parsed.get("bozo") and isinstance(error, xml.sax.SAXParseException):
        message = " ".join(str(error.getMessage()).split())
        where = f"line {error.getLineNumber()}: {message}"
        if message not in _TOLERATED_XML_ERRORS or not parsed.entries:
            raise FeedError(url, f"malformed XML ({where})")
        warnings.append(f"XML error read past ({where})")
    if not parsed.get("version") and not parsed.entries:
        raise FeedError(url, "not an RSS or Atom feed")
    outlet = _one_line(parsed.feed.get("title"))
    items = []
    for entry in parsed.entries[:MAX_ITEMS_PER_FEED]:
        link = entry.get("link") or (entry.get("id") if is_web_url(entry.get("id", "")) else None)
        if not link:
            continue
        when = entry.get("published_parsed") or entry.get("updated_parsed")
        published = datetime.date(when.tm_year, when.tm_mon, when.tm_mday) if when else None
        items.append(
            FeedItem(
                url=str(link).strip(),
                title=_one_line(entry.get("title")),
                published=published,
                outlet=outlet,
            )
        )
    if len(parsed.entries) > MAX_ITEMS_PER_FEED:
        warnings.append(f"only the first {MAX_ITEMS_PER_FEED} of {len(parsed.entries)} items read")
    return ParsedFeed(
        title=outlet,
        version=str(parsed.get("version") or ""),
        items=tuple(items),
        warnings=tuple(warnings),
    )


def _one_line(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    return " ".join(value.split()) or None


def article_from_fetched(fetched: Fetched, item: FeedItem | None = None) -> Article:
    """Make an article from a fetched page, the feed item's metadata first.

    Raises
    ------
    ArticleError
        If the page holds no article (no text, binary, a feed or other XML).
    """
    source = item.url if item is not None else fetched.url
    kind = sniff(fetched.body)
    if kind in {"feed", "xml"}:
        what = "a feed" if kind == "feed" else "an XML document"
        raise ArticleError(source, f"{what}, not an article page")
    text = _decode(fetched)
    if kind == "html":
        article = article_from_html(text, source=source)
    else:
        article = article_from_text(text, source=source)
    published: datetime.date | None = None
    warnings: list[str] = []
    if item is not None and item.published is not None:
        published, origin = item.published, "feed"
    elif article.published is not None:
        origin = "page"
    else:
        published, origin = fetched.fetched_at.date(), "fetched"
        warnings.append("no publication date in the feed or the page; dated by the fetch")
    address = item.url if item is not None else article.url or fetched.final_url
    return with_metadata(
        article,
        title=item.title if item is not None else None,
        outlet=(item.outlet if item is not None else None) or article.outlet,
        published=published,
        url=clean_url(address),
        extra={"published_from": origin, "page_url": article.url or clean_url(fetched.final_url)},
        warnings=warnings,
    )


def _decode(fetched: Fetched) -> str:
    """Decode a page: the header's charset, else a ``<meta charset>``, else as files are."""
    declared = fetched.charset
    if declared is None:
        match = _META_CHARSET.search(fetched.body[:_SNIFF_BYTES])
        declared = match[1].decode("ascii").lower() if match else None
    if declared is not None:
        try:
            codecs.lookup(declared)
            return fetched.body.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_bytes(fetched.body, source=fetched.url)


# --- reading many addresses ----------------------------------------------------------------


def known_in_store(store: Store) -> tuple[set[str], set[str]]:
    """Return the address keys and the ids of the articles the store holds."""
    if store.current_version() is None:
        return set(), set()
    frame = store.read_layer("articles", columns=["id", "url"])
    if not len(frame):
        return set(), set()
    keys = {url_key(u) for u in frame["url"] if isinstance(u, str) and is_web_url(u)}
    return keys, set(frame["id"])


@dataclass(slots=True)
class _Run:
    """What a gathering run has read so far."""

    known_keys: set[str]
    known_ids: set[str]
    articles: list[Article] = field(default_factory=list)
    planned: set[str] = field(default_factory=set)


@dataclass(slots=True)
class _Job:
    """One article page to fetch, and the report it came from."""

    source: int
    url: str
    item: FeedItem | None
    private: bool = False
    fetched: Fetched | None = None
    result: Article | ItemReport | None = None


def gather(
    requests: Sequence[SourceRequest],
    fetcher: Fetcher,
    *,
    known: Callable[[], tuple[set[str], set[str]]],
    workers: int = FETCH_WORKERS,
) -> tuple[list[Article], list[SourceReport]]:
    """Fetch feeds and pages and read their articles, without touching the store.

    Parameters
    ----------
    requests
        The addresses to read.
    fetcher
        Fetches politely.
    known
        Returns the address keys and article ids already stored (such as
        :func:`known_in_store`); called only when some source has items to look at, so a
        poll whose feeds all answer 304 reads nothing from the store.
    workers
        Pages fetched at once.

    Returns
    -------
    list of Article, list of SourceReport
        The new articles (each once), and one report per request in order.
    """
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        firsts = list(pool.map(lambda r: _fetch_source(r, fetcher), requests))
        idle = all(
            isinstance(first, FetchError) or (first.not_modified and not request.retry)
            for request, first in zip(requests, firsts, strict=True)
        )
        known_keys, known_ids = (set(), set()) if idle else known()
        run = _Run(set(known_keys), set(known_ids))
        heads: list[SourceReport] = []
        items: list[list[ItemReport]] = []
        jobs: list[_Job] = []
        for index, (request, first) in enumerate(zip(requests, firsts, strict=True)):
            head, done, pending = _plan(index, request, first, run)
            heads.append(head)
            items.append(done)
            jobs.extend(pending)
        list(pool.map(lambda job: _run_job(job, fetcher), jobs))
    for job in jobs:
        items[job.source].append(_settle(job, run))
    reports = [
        SourceReport(
            url=head.url,
            kind=head.kind,
            outcome=head.outcome,
            reason=head.reason,
            transient=head.transient,
            items=tuple(found),
            etag=head.etag,
            last_modified=head.last_modified,
            title=head.title,
        )
        for head, found in zip(heads, items, strict=True)
    ]
    return run.articles, reports


def _fetch_source(request: SourceRequest, fetcher: Fetcher) -> Fetched | FetchError:
    try:
        return fetcher.fetch(
            request.url,
            etag=request.etag,
            last_modified=request.last_modified,
        )
    except FetchError as error:
        return error


def _plan(
    index: int, request: SourceRequest, first: Fetched | FetchError, run: _Run
) -> tuple[SourceReport, list[ItemReport], list[_Job]]:
    """Decide what to fetch for one source: its report, items settled already, jobs."""
    url = request.url
    if isinstance(first, FetchError):
        failed = SourceReport(url, "unknown", "failed", first.reason, transient=first.transient)
        return failed, [], []
    retries = [FeedItem(address) for address in request.retry]
    if first.not_modified:
        head = SourceReport(
            url, "feed", "not_modified", etag=first.etag, last_modified=first.last_modified
        )
        return head, *_jobs(index, retries, request, run)
    kind = sniff(first.body)
    if kind != "feed":
        if request.feed_only or kind == "xml":
            what = {"html": "an HTML page", "xml": "XML", "text": "plain text"}[kind]
            failed = SourceReport(url, "unknown", "failed", f"{what} where a feed was expected")
            return failed, [], []
        if url_key(url) in run.known_keys:
            stored = ItemReport(url, "stored", "already stored")
            return SourceReport(url, "article", "read"), [stored], []
        return SourceReport(url, "article", "read"), [], [_Job(index, url, None, fetched=first)]
    try:
        feed = parse_feed(first.body, url=first.final_url)
    except FeedError as error:
        return SourceReport(url, "feed", "failed", error.reason), [], []
    head = SourceReport(
        url, "feed", "read", etag=first.etag, last_modified=first.last_modified, title=feed.title
    )
    listed = {url_key(item.url) for item in feed.items}
    retries = [item for item in retries if url_key(item.url) not in listed]
    return head, *_jobs(index, [*feed.items, *retries], request, run)


def _jobs(
    index: int, items: Iterable[FeedItem], request: SourceRequest, run: _Run
) -> tuple[list[ItemReport], list[_Job]]:
    """Return the items already stored, and a job for each other item not seen before.

    Items may be on a private network only when the feed itself is.
    """
    done: list[ItemReport] = []
    jobs: list[_Job] = []
    private: bool | None = None  # looked up at the first item to fetch
    for item in items:
        key = url_key(item.url)
        if key in request.seen:
            continue
        if key in run.known_keys:
            done.append(ItemReport(item.url, "stored", "already stored"))
        elif key in run.planned:
            done.append(ItemReport(item.url, "duplicate", "listed twice in this run"))
        else:
            run.planned.add(key)
            private = is_private(request.url) if private is None else private
            jobs.append(_Job(index, item.url, item, private=private))
    return done, jobs


def _run_job(job: _Job, fetcher: Fetcher) -> None:
    """Fetch and read one article page (in a worker thread)."""
    try:
        fetched = job.fetched or fetcher.fetch(job.url, private=job.private)
        job.result = article_from_fetched(fetched, job.item)
    except FetchError as error:
        job.result = ItemReport(job.url, "failed", error.reason, transient=error.transient)
    except ArticleError as error:
        job.result = ItemReport(job.url, "failed", error.reason)


def _settle(job: _Job, run: _Run) -> ItemReport:
    """Turn a finished job into its item report, in order, dropping duplicates."""
    result = job.result
    if isinstance(result, ItemReport):
        return result
    assert result is not None  # every job ran
    keys = {url_key(job.url), *(url_key(u) for u in _page_urls(result))}
    if result.id in run.known_ids or keys & run.known_keys:
        return ItemReport(job.url, "duplicate", "same article stored or read", article_id=result.id)
    run.known_ids.add(result.id)
    run.known_keys |= keys
    run.articles.append(result)
    return ItemReport(job.url, "added", article_id=result.id)


def _page_urls(article: Article) -> list[str]:
    return [u for u in (article.url, article.extra.get("page_url")) if u and is_web_url(u)]


# --- the ingest command ----------------------------------------------------------------------


def ingest_web(
    sources: Iterable[str | Path],
    store: Store,
    *,
    fetcher: Fetcher | None = None,
    finder: PlaceFinder | None = None,
    progress: ProgressCallback | None = None,
) -> WebIngestReport:
    """Ingest web addresses (feeds or article pages) and article files into `store`.

    Addresses are read by :func:`gather`, files as :func:`geo.ingest.pipeline.ingest` reads
    them (folders expanded); everything new goes in as one store version.
    """
    started = time.perf_counter()
    given = list(sources)
    urls = [str(s) for s in given if is_web_url(str(s))]
    paths = [s for s in given if not is_web_url(str(s))]
    known_keys, known_ids = known_in_store(store)
    own = fetcher is None
    fetcher = fetcher or Fetcher()
    try:
        articles, reports = gather(
            [SourceRequest(u) for u in urls], fetcher, known=lambda: (known_keys, known_ids)
        )
    finally:
        if own:
            fetcher.close()
    expanded = [
        p for path in paths for p in ([path] if str(path) == "-" else iter_article_paths([path]))
    ]
    from_files, skipped, duplicates = read_new_articles(
        expanded, known_ids | {a.id for a in articles}
    )
    duplicates += sum(i.outcome in {"duplicate", "stored"} for r in reports for i in r.items)
    report = ingest_articles(
        [*articles, *from_files],
        store,
        finder=finder,
        progress=progress,
        skipped=skipped,
        duplicates=duplicates,
        started=started,
    )
    return WebIngestReport(
        report, tuple(reports), requests=fetcher.requests, not_modified=fetcher.not_modified
    )
