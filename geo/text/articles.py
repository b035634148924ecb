r"""Read news articles from text, Markdown and HTML files into `Article` records.

An article file is one of:

* ``.txt`` or ``.md``: plain text, optionally opened by YAML front matter fenced with ``---``
  lines at the very top of the file (keys ``title``, ``outlet``, ``published``, ``url``,
  ``language``, ``author``; any other key is kept in `Article.extra`). The text is never
  interpreted: HTML or script tags in it stay verbatim text.
* ``.html`` or ``.htm``: a web page whose main text is extracted by trafilatura (navigation,
  comments, tables, scripts and boilerplate left out) and whose title, date, site name and
  canonical address come from the page's metadata.

Any other suffix (and standard input, ``"-"``) is read as text, unless it opens with an HTML
document type or ``<html>`` tag.

Offsets
-------
Mention offsets are character offsets into `Article.text`, the body. For text and Markdown,
the body is an exact slice of the file's decoded text (:func:`geo.text.decoding.decode_file`):
front matter removed, nothing else changed, so
``decode_file(path)[article.body_offset:] == article.text`` and an offset into the decoded file
is ``article.body_offset + start``. Extracted HTML text is not a
slice of the page, so for HTML articles `Article.body_offset` is ``None`` and offsets can only
refer to `Article.text`.

Bytes become text in :mod:`geo.text.decoding` (encodings, binary files, the size limit), front
matter becomes metadata in :mod:`geo.text.metadata`; files holding no text are rejected here.

Identity: `article_id` hashes the body after Unicode NFC normalisation and whitespace collapsing,
so the same story gives the same id whatever its front matter, line breaks or indentation.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePath
from typing import Final

import trafilatura
from trafilatura.utils import load_html

from geo.text.decoding import (
    STDIN_PATH,
    STDIN_SOURCE,
    ArticleError,
    check_article_size,
    decode_bytes,
    decode_file,
    looks_binary,
    normalise_newlines,
    source_name,
)
from geo.text.metadata import (
    ArticleMetadata,
    clean_language,
    clean_text,
    clean_url,
    read_front_matter,
)
from geo.text.published import parse_published

__all__ = [
    "ARTICLE_SUFFIXES",
    "PASTED_SOURCE",
    "Article",
    "article_from_bytes",
    "article_from_html",
    "article_from_text",
    "article_id",
    "iter_article_paths",
    "read_article",
    "read_articles",
    "with_metadata",
]

ARTICLE_SUFFIXES: Final = frozenset({".txt", ".md", ".html", ".htm"})
"""File suffixes picked up when a directory is expanded (`iter_article_paths`)."""

PASTED_SOURCE: Final = "<pasted>"
"""`Article.source` of text given as a string (`article_from_text`)."""

_HTML_SUFFIXES: Final = frozenset({".html", ".htm"})
_TEXT_SUFFIXES: Final = frozenset({".txt", ".md", ".markdown"})
_TITLE_MAX_CHARS: Final = 120
_PASTED_TITLE_CHARS: Final = 80
_MAX_ATTRIBUTES: Final = 100
"""Attributes an HTML tag keeps before parsing (libxml2 takes quadratic time over many)."""
_LONG_TAG: Final = re.compile(r"<[A-Za-z][^\s/>]*([^>]{1000,})")
_ATTRIBUTE: Final = re.compile(r"""\s*[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?""")

_WHITESPACE: Final = re.compile(r"\s+")
_SURROGATES: Final = re.compile("[\ud800-\udfff]")
_MARKDOWN_HEADING: Final = re.compile(r"#{1,6}\s+")


class _FrozenMapping(Mapping[str, str]):
    """An immutable, hashable, picklable mapping of strings."""

    __slots__ = ("_items",)

    def __init__(self, items: Mapping[str, str] | Iterable[tuple[str, str]] = ()) -> None:
        self._items: dict[str, str] = dict(items)

    def __getitem__(self, key: str) -> str:
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(frozenset(self._items.items()))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Mapping):
            return NotImplemented
        return self._items == dict(other.items())

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._items!r})"


@dataclass(frozen=True, slots=True)
class Article:
    """One news article: its body text and what is known about it.

    Attributes
    ----------
    id
        Content hash of the body, ``"art-"`` and 16 hex digits (see `article_id`).
    title
        From the front matter or the page; else the first line of the body when it is short;
        else the file stem (for pasted text or standard input, the shortened first line).
    text
        The body: mention offsets are character offsets into this string.
    source
        The path as given, or ``"<pasted>"`` / ``"<stdin>"``.
    outlet
        The publisher (front matter ``outlet``, or the page's site name).
    published
        Publication date, ``None`` when unknown or unreadable (then a warning says why).
    url
        The article's web address; only ``http`` and ``https`` addresses are kept.
    language
        Language tag, ``"en"`` unless stated.
    author
        Author name(s), comma-separated.
    body_offset
        Where `text` starts in the decoded file text (:func:`~geo.text.decoding.decode_file`);
        ``None`` for HTML, whose extracted text is not a slice of the page.
    warnings
        Problems that did not stop the article from being read (bad date, dropped address).
    extra
        Front matter keys not listed above, values as strings (lists and mappings as JSON).
    """

    id: str
    title: str
    text: str
    source: str
    outlet: str | None = None
    published: date | None = None
    url: str | None = None
    language: str = "en"
    author: str | None = None
    body_offset: int | None = 0
    warnings: tuple[str, ...] = ()
    extra: Mapping[str, str] = field(default_factory=_FrozenMapping)


# --- identity ------------------------------------------------------------------------------


def article_id(text: str) -> str:
    """Return the content id of an article body.

    The text is NFC-normalised, its whitespace runs collapsed to one space and stripped; the
    id is ``"art-"`` followed by the first 16 hex digits of the SHA-256 of that, in UTF-8.

    Parameters
    ----------
    text
        The article body.

    Returns
    -------
    str
        For example ``"art-3f9a0c2e5b7d1a44"``.
    """
    normal = _WHITESPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()
    return "art-" + hashlib.sha256(normal.encode("utf-8")).hexdigest()[:16]


# --- public readers ------------------------------------------------------------------------


def read_article(path: str | Path) -> Article:
    """Read one article file.

    Parameters
    ----------
    path
        A ``.txt``, ``.md``, ``.html`` or ``.htm`` file (other suffixes are read as text);
        ``"-"`` reads standard input.

    Returns
    -------
    Article
        The article; `Article.source` is the path as given (``"<stdin>"`` for ``"-"``).

    Raises
    ------
    ArticleError
        If the file is missing, unreadable, too large, binary, empty, has broken front matter
        or (for HTML) no extractable text.
    """
    source = source_name(path)
    text = decode_file(path)
    if source == STDIN_SOURCE:
        return _article_from_decoded(text, source=source, suffix="", stem=None)
    pure = PurePath(path)
    return _article_from_decoded(text, source=source, suffix=pure.suffix.lower(), stem=pure.stem)


def article_from_bytes(data: bytes, *, source: str) -> Article:
    """Read an article from a file's bytes, such as an upload.

    Parameters
    ----------
    data
        The file's bytes (at most :data:`geo.text.decoding.MAX_ARTICLE_BYTES`).
    source
        The file name; its suffix decides how the bytes are read, as in `read_article`.

    Returns
    -------
    Article
        The article; `Article.body_offset` refers to :func:`geo.text.decoding.decode_bytes`'s text.

    Raises
    ------
    ArticleError
        As `read_article`.
    """
    check_article_size(len(data), source)
    text = decode_bytes(data, source=source)
    pure = PurePath(source)
    return _article_from_decoded(text, source=source, suffix=pure.suffix.lower(), stem=pure.stem)


def article_from_text(
    text: str,
    *,
    title: str | None = None,
    outlet: str | None = None,
    published: date | str | None = None,
    url: str | None = None,
    language: str = "en",
    source: str = PASTED_SOURCE,
) -> Article:
    r"""Make an article from text given as a string, such as text pasted in the dashboard.

    The text is taken as it is (no front matter, no HTML extraction): only a leading byte
    order mark is dropped, newlines are normalised to ``"\n"`` and unpaired surrogates (which
    no file can hold) become U+FFFD with a warning, and `Article.text` is the result.

    Parameters
    ----------
    text
        The article body.
    title, outlet, url, language
        Metadata (pasted text has no author); an ``url`` that is not ``http``/``https`` is
        dropped with a warning, as is a malformed ``language`` (then ``"en"``).
    published
        A date, or a string such as ``"2023-05-10"``, ``"10 May 2023"`` or ``"May 10, 2023"``;
        one that cannot be read becomes ``None`` with a warning.
    source
        Recorded as `Article.source` and named in errors.

    Returns
    -------
    Article
        The article, with `Article.body_offset` 0.

    Raises
    ------
    ArticleError
        If the text is empty, only whitespace or binary.
    """
    body = normalise_newlines(text.removeprefix("\ufeff"))
    if looks_binary(body):
        raise ArticleError(source, "binary data, not an article")
    if not body.strip():
        raise ArticleError(source, "no article text")
    meta = ArticleMetadata()
    body, surrogates = _SURROGATES.subn("\ufffd", body)
    if surrogates:
        meta.warnings.append(f"{surrogates} unpaired surrogate(s) in the text replaced by U+FFFD")
    meta.title = clean_text("title", title, meta.warnings)
    meta.outlet = clean_text("outlet", outlet, meta.warnings)
    meta.published = parse_published(published, meta.warnings)
    meta.url = clean_url(url, meta.warnings)
    meta.language = clean_language(language, meta.warnings)
    return _make_article(body, meta, source=source, body_offset=0, stem=None)


def article_from_html(html: str, *, source: str) -> Article:
    """Read the article in a web page given as text, such as one fetched from its address.

    Parameters
    ----------
    html
        The page, decoded.
    source
        Recorded as `Article.source` and named in errors (the address, for a fetched page).

    Returns
    -------
    Article
        As `read_article` returns for an ``.html`` file.

    Raises
    ------
    ArticleError
        If the page is binary or holds no extractable text.
    """
    text = normalise_newlines(html.removeprefix("\ufeff"))
    if looks_binary(text):
        raise ArticleError(source, "binary data, not a web page")
    if not text.strip():
        raise ArticleError(source, "empty page, no article text")
    return _article_from_html(text, source=source, stem=None)


def with_metadata(
    article: Article,
    *,
    title: object = None,
    outlet: object = None,
    published: object = None,
    url: object = None,
    extra: Mapping[str, str] | None = None,
    warnings: Iterable[str] = (),
) -> Article:
    """Return `article` with metadata known from elsewhere (a feed item) in place of its own.

    Each value is cleaned as front matter is (a bad one is dropped with a warning); ``None``
    keeps the article's own value.

    Parameters
    ----------
    article
        The article read from its page.
    title, outlet, published, url
        The values that win over the article's (`published` as in `article_from_text`).
    extra
        Keys added to `Article.extra`.
    warnings
        Added to `Article.warnings`.
    """
    notes = [*article.warnings, *warnings]
    return Article(
        id=article.id,
        title=clean_text("title", title, notes) or article.title,
        text=article.text,
        source=article.source,
        outlet=clean_text("outlet", outlet, notes) or article.outlet,
        published=parse_published(published, notes) or article.published,
        url=clean_url(url, notes) or article.url,
        language=article.language,
        author=article.author,
        body_offset=article.body_offset,
        warnings=tuple(notes),
        extra=_FrozenMapping({**article.extra, **(extra or {})}),
    )


def iter_article_paths(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Expand directories into the article files they hold.

    Parameters
    ----------
    paths
        Files and directories. Files (and ``"-"``) are passed through whatever their suffix or
        existence, so reading them reports the problem; directories are walked recursively for
        ``.txt``, ``.md``, ``.html`` and ``.htm`` files (any case), skipping hidden files and
        directories and anything that is not a regular file (named pipes, sockets, devices:
        reading one could wait forever), in sorted order.

    Yields
    ------
    Path
        One path per article file.
    """
    for given in _iter_sources(paths):
        yield Path(given)


def read_articles(paths: Iterable[str | Path]) -> Iterator[Article | ArticleError]:
    """Read many article files, going on past bad ones.

    Parameters
    ----------
    paths
        Files and directories, expanded as by `iter_article_paths`.

    Yields
    ------
    Article or ArticleError
        The article read from each file, or the error that stopped it; never raises for one
        bad file.
    """
    for given in _iter_sources(paths):
        try:
            yield read_article(given)
        except ArticleError as err:
            yield err


def _iter_sources(paths: Iterable[str | Path]) -> Iterator[str | Path]:
    """Yield files as given and the article files inside directories."""
    for given in paths:
        path = Path(given)
        if str(given) == STDIN_PATH or not path.is_dir():
            yield given
            continue
        found: list[Path] = []
        for folder, dirnames, filenames in os.walk(path):
            dirnames[:] = [name for name in dirnames if not name.startswith(".")]
            found.extend(
                Path(folder, name)
                for name in filenames
                if not name.startswith(".")
                and Path(name).suffix.lower() in ARTICLE_SUFFIXES
                and Path(folder, name).is_file()  # a named pipe or a device would block a read
            )
        yield from sorted(found, key=lambda file: file.relative_to(path).parts)


# --- building articles ---------------------------------------------------------------------


def _article_from_decoded(text: str, *, source: str, suffix: str, stem: str | None) -> Article:
    if not text.strip():
        raise ArticleError(source, "empty file, no article text")
    if suffix in _HTML_SUFFIXES or (suffix not in _TEXT_SUFFIXES and _looks_like_html(text)):
        return _article_from_html(text, source=source, stem=stem)
    return _article_from_plain(text, source=source, stem=stem)


def _looks_like_html(text: str) -> bool:
    head = text.lstrip()[:64].lower()
    return head.startswith(("<!doctype html", "<html"))


def _article_from_plain(text: str, *, source: str, stem: str | None) -> Article:
    meta = ArticleMetadata()
    body_offset = read_front_matter(text, meta, source=source)
    body = text[body_offset:]
    if not body.strip():
        raise ArticleError(source, "no article text after the front matter")
    return _make_article(body, meta, source=source, body_offset=body_offset, stem=stem)


def _article_from_html(html: str, *, source: str, stem: str | None) -> Article:
    html, capped = _cap_attributes(html)
    try:
        tree = load_html(html)
        body = trafilatura.extract(
            html, include_comments=False, include_tables=False, favor_precision=True
        )
        document = trafilatura.extract_metadata(tree, extensive=False) if tree is not None else None
    except Exception as err:  # trafilatura and lxml raise many kinds of error on odd markup
        reason = f"HTML could not be read ({type(err).__name__}: {err})"
        raise ArticleError(source, " ".join(reason.split())) from err
    if not body or not body.strip():
        raise ArticleError(source, "no article text found in the HTML")
    meta = ArticleMetadata()
    if capped:
        meta.warnings.append(
            f"{capped:,} HTML tag(s) had more than {_MAX_ATTRIBUTES} attributes; the rest dropped"
        )
    if document is not None:
        meta.title = clean_text("title", document.title, meta.warnings)
        meta.outlet = clean_text("site name", document.sitename, meta.warnings)
        meta.author = clean_text("author", document.author, meta.warnings)
        meta.published = parse_published(document.date, meta.warnings)
        meta.url = clean_url(document.url, meta.warnings)
    if tree is not None:
        meta.language = clean_language(tree.get("lang"), meta.warnings)
    text = normalise_newlines(body)
    return _make_article(text, meta, source=source, body_offset=None, stem=stem)


def _cap_attributes(html: str) -> tuple[str, int]:
    """Return `html` with tags cut to their first `_MAX_ATTRIBUTES` attributes, and the count.

    Only tags over 1,000 characters are looked at, each scanned once: this is linear, where
    libxml2's check of attribute names is quadratic in their number.
    """
    pieces: list[str] = []
    done = capped = 0
    for tag in _LONG_TAG.finditer(html):
        position, end = tag.start(1), tag.end(1)
        count = 0
        while count < _MAX_ATTRIBUTES:
            attribute = _ATTRIBUTE.match(html, position, end)
            if attribute is None or attribute.end() == position:
                break
            position, count = attribute.end(), count + 1
        if count == _MAX_ATTRIBUTES and html[position:end].strip():
            pieces += [html[done:position]]
            done, capped = end, capped + 1
    return ("".join([*pieces, html[done:]]) if capped else html), capped


def _make_article(
    body: str, meta: ArticleMetadata, *, source: str, body_offset: int | None, stem: str | None
) -> Article:
    title = meta.title or _title_from_text(body)
    if title is None:
        title = stem if stem else _shorten(body, _PASTED_TITLE_CHARS)
    return Article(
        id=article_id(body),
        title=title,
        text=body,
        source=source,
        outlet=meta.outlet,
        published=meta.published,
        url=meta.url,
        language=meta.language,
        author=meta.author,
        body_offset=body_offset,
        warnings=tuple(meta.warnings),
        extra=_FrozenMapping(meta.extra),
    )


def _title_from_text(text: str) -> str | None:
    """Return the first non-blank line (without a Markdown heading mark) if it is short."""
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            heading = _MARKDOWN_HEADING.sub("", stripped, count=1)
            title = " ".join(heading.split())
            return title if 0 < len(title) <= _TITLE_MAX_CHARS else None
    return None


def _shorten(text: str, limit: int) -> str:
    first = " ".join(text.split())
    if len(first) <= limit:
        return first
    cut = first[: limit + 1].rsplit(" ", 1)[0] if " " in first[:limit] else first[:limit]
    return cut.rstrip(" ,;:.–-") + "…"
