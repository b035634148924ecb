"""Tell web addresses from paths and reduce an article's addresses to one key for deduplication.

The same article reaches a reader under many addresses: ``http`` and ``https``, with and
without ``www.``, with tracking parameters (``utm_source``, ``fbclid``, ``ref``, …), with a
trailing slash or a fragment, and as its AMP page (``/amp``, ``.amp.html``, ``?amp=1``,
``?outputType=amp``, ``amp.`` hosts, the Google AMP cache). :func:`clean_url` keeps the
address a person would cite (tracking parameters and AMP markers dropped, scheme kept);
:func:`url_key` reduces it further to the key two addresses of one article share (no scheme,
no ``www.``, no trailing slash, no fragment). Query parameters other than trackers are kept:
``story?id=1`` and ``story?id=2`` are two articles. Cleaning is courlan's (``normalize_url``
with its list of tracking parameters), plus the AMP rules here.
"""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from courlan import normalize_url, scrub_url

__all__ = ["clean_url", "is_web_url", "url_key"]

_WEB_SCHEMES: Final = ("http", "https")
#: Query parameters that only ask for the AMP form of a page.
_AMP_PARAMS: Final = {("amp", None), ("outputtype", "amp"), ("output", "amp"), ("view", "amp")}
_AMP_SUFFIX: Final = re.compile(r"/amp(?:/|\.html?)?$|\.amp(?=\.html?$)", re.IGNORECASE)
_AMP_CACHE_HOST: Final = re.compile(r"\.cdn\.ampproject\.org$", re.IGNORECASE)
_AMP_CACHE_PATH: Final = re.compile(r"^/[a-z]/(s/)?(.+)$", re.IGNORECASE)


def is_web_url(text: str) -> bool:
    """Return whether `text` is an ``http`` or ``https`` address with a host."""
    try:
        parts = urlsplit(text.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in _WEB_SCHEMES and bool(parts.hostname)


def clean_url(url: str) -> str:
    """Return `url` without tracking parameters, AMP markers, default port and fragment.

    Parameters
    ----------
    url
        An ``http`` or ``https`` address.

    Returns
    -------
    str
        The address to cite; `url` itself (stripped) when it cannot be parsed.
    """
    url = _from_amp_cache(url.strip())
    try:
        normal = normalize_url(scrub_url(url), strict=False, trailing_slash=True)
    except ValueError:
        return url
    parts = urlsplit(normal)
    host = parts.netloc
    if host.startswith("amp.") and host.count(".") >= 2:
        host = host.removeprefix("amp.")
    path = _AMP_SUFFIX.sub("", parts.path) or "/"
    query = [
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if (name.lower(), None) not in _AMP_PARAMS
        and (name.lower(), value.lower()) not in _AMP_PARAMS
    ]
    return urlunsplit((parts.scheme, host, path, urlencode(query), ""))


def url_key(url: str) -> str:
    """Return the key that every address of one article shares.

    ``http://www.example.com/news/story/amp/?utm_source=rss`` and
    ``https://example.com/news/story`` both give ``"example.com/news/story"``.

    Parameters
    ----------
    url
        An ``http`` or ``https`` address.

    Returns
    -------
    str
        Host (lower case, without ``www.``), path without a trailing slash, and the query.
    """
    parts = urlsplit(clean_url(url))
    host = (parts.hostname or "").removeprefix("www.")
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    path = parts.path.rstrip("/")
    return f"{host}{path}?{parts.query}" if parts.query else f"{host}{path}"


def _from_amp_cache(url: str) -> str:
    """Return the publisher's address inside a Google AMP cache address, else `url`."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if not _AMP_CACHE_HOST.search(parts.hostname or ""):
        return url
    match = _AMP_CACHE_PATH.match(parts.path)
    if match is None:
        return url
    scheme = "https" if match[1] else "http"
    inner = f"{scheme}://{match[2]}"
    return f"{inner}?{parts.query}" if parts.query else inner
