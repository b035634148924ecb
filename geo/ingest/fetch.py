"""Fetch feeds and article pages politely: robots.txt, rate limits, caps, retries, 304s.

A :class:`Fetcher` makes ``GET`` requests for the feed reader and ``ingest URL``, and keeps to
these rules (each a field of :class:`FetchSettings`, with its default):

* **robots.txt** (RFC 9309): read once per site and kept for a day; an address it disallows
  for the ``Faultlines`` product token is not fetched. A robots.txt that answers 4xx allows
  everything; one that cannot be reached (5xx, timeout) disallows everything until it can.
  A ``Crawl-delay`` longer than the rate limit (up to a minute) is honoured.
* **rate limit and concurrency cap per host**: requests to one ``scheme://host:port`` start
  at least `FetchSettings.min_interval` seconds apart (1 s), at most
  `FetchSettings.per_host` at once (2).
* **conditional GET**: given the ``ETag`` and ``Last-Modified`` of the last response, the
  request carries ``If-None-Match`` / ``If-Modified-Since`` and a ``304 Not Modified`` comes
  back as a :class:`Fetched` whose `Fetched.not_modified` is true, with no body.
* **timeouts**: 10 s to connect, 20 s between bytes, 60 s for the whole response (a server
  that drips bytes cannot hold a poll).
* **redirects**: at most 5, only to ``http(s)``; a loop is reported as one.
* **size cap**: 10 MiB of (decompressed) body; a larger ``Content-Length`` is refused before
  reading, a longer body is cut off and refused.
* **content types**: web pages, feeds and plain text only (:data:`ACCEPTED_TYPES`).
* **private networks**: an address found in a feed (and each redirect it takes) is refused
  when its host is on a loopback, private or link-local network, unless the feed itself is
  (:func:`is_private`), so a public feed cannot make the reader fetch from inside its network.
* **retries**: a 5xx or 429 answer, a timeout or a dropped connection is tried again twice,
  1 s and then 2 s later (or after ``Retry-After``, up to 30 s).

Every failure raises :class:`FetchError`: one line naming the address, and whether it may
pass (`FetchError.transient`: 5xx, timeouts, connection errors) or will not (404, a loop, a
page too large, robots.txt).
"""

from __future__ import annotations

import datetime
import email.utils
import ipaddress
import socket
import threading
import time
import urllib.robotparser
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final
from urllib.parse import urljoin, urlsplit

import urllib3

from geo.errors import FaultlinesError
from geo.ingest.urls import is_web_url

__all__ = [
    "ACCEPTED_TYPES",
    "PRODUCT_TOKEN",
    "FetchError",
    "FetchSettings",
    "Fetched",
    "Fetcher",
    "is_private",
]

#: The name robots.txt rules are matched against.
PRODUCT_TOKEN: Final = "Faultlines"

#: Media types a response may have (others are refused): web pages, feeds, plain text.
ACCEPTED_TYPES: Final = frozenset(
    {
        "text/html",
        "application/xhtml+xml",
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
        "text/plain",
    }
)

_MIB: Final = 1024 * 1024
_ROBOTS_MAX_BYTES: Final = 512 * 1024  # RFC 9309: parse at least 500 KiB
_CRAWL_DELAY_CAP: Final = 60.0
_REDIRECTS: Final = frozenset({301, 302, 303, 307, 308})
_RETRY_STATUSES: Final = frozenset({429, 500, 502, 503, 504})
_CHUNK: Final = 64 * 1024


@dataclass(frozen=True, slots=True)
class FetchSettings:
    """How politely and how patiently a :class:`Fetcher` fetches (defaults in the module doc).

    Attributes
    ----------
    user_agent
        The ``User-Agent`` header.
    connect_timeout, read_timeout, total_timeout
        Seconds to connect, between bytes, and for the whole response.
    max_bytes
        Largest body read, after decompression.
    max_redirects
        Redirects followed before giving up.
    retries
        Further tries after a 5xx/429 answer, a timeout or a dropped connection.
    backoff
        Seconds before the first retry; doubled for each further one.
    max_retry_after
        Longest ``Retry-After`` waited for, in seconds.
    min_interval
        Seconds between the starts of two requests to one host.
    per_host
        Requests to one host at once.
    obey_robots
        Whether robots.txt is read and obeyed.
    robots_ttl
        Seconds a site's robots.txt is kept before it is read again.
    """

    user_agent: str = f"{PRODUCT_TOKEN}/0.1 (news map; feed reader)"
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0
    max_bytes: int = 10 * _MIB
    max_redirects: int = 5
    retries: int = 2
    backoff: float = 1.0
    max_retry_after: float = 30.0
    min_interval: float = 1.0
    per_host: int = 2
    obey_robots: bool = True
    robots_ttl: float = 86_400.0


class FetchError(FaultlinesError, RuntimeError):
    """An address that could not be fetched; ``str(error)`` is ``"<url>: <reason>"``.

    Parameters
    ----------
    url
        The address asked for.
    reason
        What went wrong, one line.
    transient
        Whether asking again later may succeed (5xx, timeouts, connection errors).
    status
        The HTTP status, when there was an answer.
    """

    def __init__(
        self, url: str, reason: str, *, transient: bool = False, status: int | None = None
    ) -> None:
        super().__init__(url, reason)
        self.url = url
        self.reason = reason
        self.transient = transient
        self.status = status

    def __str__(self) -> str:
        message = f"{self.url}: {self.reason}"
        return message


@dataclass(frozen=True, slots=True)
class Fetched:
    """One answer: a body (status 200) or "not modified" (status 304).

    Attributes
    ----------
    url
        The address asked for.
    final_url
        The address answered from, after redirects.
    status
        200 or 304.
    body
        The body, decompressed (empty for 304).
    media_type
        The ``Content-Type`` without parameters, lower case (``""`` when absent).
    charset
        The ``charset`` parameter of ``Content-Type``, when given.
    etag, last_modified
        Validators for the next conditional request.
    fetched_at
        When the answer came (UTC).
    """

    url: str
    final_url: str
    status: int
    body: bytes
    media_type: str
    charset: str | None
    etag: str | None
    last_modified: str | None
    fetched_at: datetime.datetime

    @property
    def not_modified(self) -> bool:
        """Whether the server said the resource has not changed (304)."""
        return self.status == 304


@dataclass(slots=True)
class _Host:
    """Rate limit and concurrency cap of one host."""

    slots: threading.Semaphore
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_start: float = 0.0
    robots: urllib.robotparser.RobotFileParser | None = None
    robots_error: str | None = None
    robots_expires: float = -1.0
    robots_lock: threading.Lock = field(default_factory=threading.Lock)


class Fetcher:
    """Fetch addresses politely (see the module docstring); safe to share between threads.

    Parameters
    ----------
    settings
        Limits and manners.
    sleep, clock
        Waiting and monotonic time (replaceable in tests).
    """

    def __init__(
        self,
        settings: FetchSettings | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings or FetchSettings()
        self._sleep = sleep
        self._clock = clock
        self._hosts: dict[str, _Host] = {}
        self._hosts_lock = threading.Lock()
        timeout = urllib3.Timeout(
            connect=self.settings.connect_timeout, read=self.settings.read_timeout
        )
        self._pool = urllib3.PoolManager(
            num_pools=64, maxsize=max(1, self.settings.per_host), timeout=timeout, retries=False
        )
        self._counts_lock = threading.Lock()
        self.requests = 0
        """Requests sent, robots.txt included."""
        self.not_modified = 0
        """Requests answered 304."""

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the open connections."""
        self._pool.clear()

    def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        private: bool = True,
    ) -> Fetched:
        """Fetch `url`, conditionally when validators of the last answer are given.

        Parameters
        ----------
        url
            An ``http`` or ``https`` address.
        etag, last_modified
            ``ETag`` and ``Last-Modified`` of the last answer from `url`.
        private
            Whether `url`, and the addresses it redirects to, may be on a loopback, private
            or link-local network. Addresses found in a public feed get False, so a feed
            cannot make the reader fetch from the network it runs in (see `is_private`).

        Returns
        -------
        Fetched
            The answer (status 200, or 304 when validators were given and nothing changed).

        Raises
        ------
        FetchError
            On any failure (see the module docstring).
        """
        if not is_web_url(url):
            raise FetchError(url, "not an http(s) address")
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        attempt = 0
        while True:
            try:
                return self._follow(url, headers, private=private)
            except _RetryableError as error:
                if attempt >= self.settings.retries:
                    raise FetchError(
                        url, error.reason, transient=True, status=error.status
                    ) from None
                wait = self.settings.backoff * 2**attempt
                if error.retry_after is not None:
                    wait = min(max(wait, error.retry_after), self.settings.max_retry_after)
                self._sleep(wait)
                attempt += 1

    # -- one request and its redirects ------------------------------------------------

    def _follow(self, url: str, headers: dict[str, str], *, private: bool) -> Fetched:
        seen = {url}
        current = url
        for _ in range(self.settings.max_redirects + 1):
            if not private and is_private(current):
                host = urlsplit(current).hostname
                raise FetchError(url, f"{host} is on a private network; not fetched for a feed")
            if self.settings.obey_robots:
                self._check_robots(url, current)
            response = self._request(current, headers, limit=self.settings.max_bytes, url=url)
            status, location, body, response_headers = response
            if status in _REDIRECTS:
                if not location:
                    raise FetchError(url, f"redirect ({status}) without a Location", status=status)
                target = urljoin(current, location)
                if not is_web_url(target):
                    raise FetchError(url, f"redirect to a non-http(s) address {target!r}")
                if target in seen:
                    raise FetchError(url, f"redirect loop ({target} again)", status=status)
                seen.add(target)
                current = target
                continue
            return self._answer(url, current, status, body, response_headers)
        limit = self.settings.max_redirects
        raise FetchError(url, f"more than {limit} redirects")

    def _answer(
        self,
        url: str,
        final: str,
        status: int,
        body: bytes,
        headers: urllib3.HTTPHeaderDict,
    ) -> Fetched:
        if status not in {200, 304}:
            raise FetchError(url, _status_reason(status), status=status)
        content_type = headers.get("Content-Type", "")
        media_type, _, parameters = content_type.partition(";")
        media_type = media_type.strip().lower()
        if status == 200 and media_type and media_type not in ACCEPTED_TYPES:
            raise FetchError(url, f"content type {media_type!r} is not a web page or a feed")
        charset = None
        for parameter in parameters.split(";"):
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "charset" and value.strip():
                charset = value.strip().strip("\"'").lower()
        if status == 304:
            with self._counts_lock:
                self.not_modified += 1
        return Fetched(
            url=url,
            final_url=final,
            status=status,
            body=body if status == 200 else b"",
            media_type=media_type,
            charset=charset,
            etag=headers.get("ETag"),
            last_modified=headers.get("Last-Modified"),
            fetched_at=datetime.datetime.now(datetime.UTC),
        )

    def _request(
        self, target: str, headers: dict[str, str], *, limit: int, url: str
    ) -> tuple[int, str | None, bytes, urllib3.HTTPHeaderDict]:
        """Send one GET within the host's limits; return status, Location, body and headers."""
        host = self._host(target)
        with host.slots:
            self._wait_turn(host)
            with self._counts_lock:
                self.requests += 1
            started = self._clock()
            try:
                response = self._pool.request(
                    "GET",
                    target,
                    headers={
                        "User-Agent": self.settings.user_agent,
                        "Accept": _ACCEPT,
                        "Accept-Encoding": "gzip, deflate",
                        **headers,
                    },
                    redirect=False,
                    preload_content=False,
                    decode_content=True,
                    retries=False,
                )
            except urllib3.exceptions.HTTPError as error:
                raise _RetryableError(_network_reason(error)) from None
            finished = False
            try:
                status = response.status
                if status in _RETRY_STATUSES:
                    after = _retry_after(response.headers.get("Retry-After"))
                    raise _RetryableError(_status_reason(status), status=status, retry_after=after)
                body = b""
                if status == 200:
                    body = self._read_body(response, url, limit=limit, started=started)
                    finished = True
                else:  # a 304 has no body; a redirect or an error one worth skipping
                    finished = status == 304 or _drain_small(response)
                return status, response.headers.get("Location"), body, response.headers
            finally:
                if not finished:
                    response.close()  # unread bytes would spoil the connection's next answer
                response.release_conn()

    def _read_body(
        self, response: urllib3.BaseHTTPResponse, url: str, *, limit: int, started: float
    ) -> bytes:
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            size = int(declared) / _MIB
            raise _TooLargeError(url, f"{size:.1f} MiB is over the {limit / _MIB:g} MiB limit")
        chunks: list[bytes] = []
        total = 0
        try:
            while True:
                chunk = response.read1(_CHUNK)
                if not chunk:
                    break
                total += len(chunk)
                if total > limit:
                    raise _TooLargeError(url, f"more than {limit / _MIB:g} MiB, over the limit")
                if self._clock() - started > self.settings.total_timeout:
                    seconds = self.settings.total_timeout
                    raise _RetryableError(f"no whole answer within {seconds:g} s")
                chunks.append(chunk)
        except urllib3.exceptions.HTTPError as error:
            raise _RetryableError(_network_reason(error)) from None
        return b"".join(chunks)

    # -- hosts: rate limit, concurrency, robots.txt -------------------------------------

    def _host(self, url: str) -> _Host:
        parts = urlsplit(url)
        key = f"{parts.scheme.lower()}://{parts.netloc.lower()}"
        with self._hosts_lock:
            host = self._hosts.get(key)
            if host is None:
                host = _Host(slots=threading.Semaphore(max(1, self.settings.per_host)))
                self._hosts[key] = host
            return host

    def _wait_turn(self, host: _Host) -> None:
        interval = self.settings.min_interval
        if host.robots is not None:
            delay = host.robots.crawl_delay(PRODUCT_TOKEN)
            if delay is not None:
                interval = max(interval, min(float(delay), _CRAWL_DELAY_CAP))
        with host.lock:
            now = self._clock()
            start = max(now, host.next_start)
            host.next_start = start + interval
        if start > now:
            self._sleep(start - now)

    def _check_robots(self, url: str, target: str) -> None:
        host = self._host(target)
        with host.robots_lock:
            if self._clock() >= host.robots_expires:
                host.robots, host.robots_error = self._read_robots(target)
                host.robots_expires = self._clock() + self.settings.robots_ttl
        if host.robots_error is not None:
            raise FetchError(url, host.robots_error, transient=True)
        if host.robots is not None and not host.robots.can_fetch(PRODUCT_TOKEN, target):
            raise FetchError(url, f"robots.txt of {_origin(target)} disallows {target}")

    def _read_robots(
        self, target: str
    ) -> tuple[urllib.robotparser.RobotFileParser | None, str | None]:
        """Return the site's rules (None: everything allowed) or why the site is off limits."""
        robots_url = f"{_origin(target)}/robots.txt"
        current = robots_url
        for _ in range(self.settings.max_redirects + 1):
            try:
                status, location, body, _ = self._request(
                    current, {}, limit=_ROBOTS_MAX_BYTES, url=robots_url
                )
            except _RetryableError as error:
                return None, f"robots.txt unreachable ({error.reason}); not fetching from the site"
            except _TooLargeError:
                return None, None  # an oversized robots.txt is not read; the site stays open
            if status in _REDIRECTS and location:
                current = urljoin(current, location)
                continue
            if status != 200:  # 4xx: no rules, everything is allowed
                return None, None
            parser = urllib.robotparser.RobotFileParser(robots_url)
            parser.parse(body.decode("utf-8", errors="replace").splitlines())
            return parser, None
        return None, None


class _TooLargeError(FetchError):
    """A body over the size cap."""


class _RetryableError(FaultlinesError):
    """A failure worth another try: 5xx or 429, a timeout, a dropped connection."""

    def __init__(
        self, reason: str, *, status: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.retry_after = retry_after


_ACCEPT: Final = (
    "text/html, application/xhtml+xml, application/rss+xml, application/atom+xml, "
    "application/rdf+xml, application/xml;q=0.9, text/xml;q=0.9, text/plain;q=0.8"
)

_STATUS_NAMES: Final = {
    400: "bad request",
    401: "login required",
    403: "forbidden",
    404: "not found",
    410: "gone",
    429: "too many requests",
    451: "unavailable for legal reasons",
    500: "server error",
    502: "bad gateway",
    503: "service unavailable",
    504: "gateway timeout",
}


def _drain_small(response: urllib3.BaseHTTPResponse) -> bool:
    """Read the short body of a redirect, 304 or error, so the connection can be reused."""
    declared = response.headers.get("Content-Length", "")
    if not declared.isdigit() or int(declared) > _CHUNK:
        return False
    try:
        response.read(int(declared))
    except urllib3.exceptions.HTTPError:
        return False
    return True


def _status_reason(status: int) -> str:
    name = _STATUS_NAMES.get(status)
    return f"HTTP {status} ({name})" if name else f"HTTP {status}"


def _network_reason(error: Exception) -> str:
    if isinstance(error, urllib3.exceptions.TimeoutError):
        return "timed out"
    if isinstance(error, urllib3.exceptions.NewConnectionError):
        return "connection refused or host unreachable"
    if isinstance(error, urllib3.exceptions.ProtocolError):
        return "connection dropped"
    return " ".join(f"{type(error).__name__}: {error}".split())[:200]


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.UTC)
    return max(0.0, (when - datetime.datetime.now(datetime.UTC)).total_seconds())


def is_private(url: str) -> bool:
    """Return whether the host of `url` is, or resolves to, a non-public address.

    Loopback, private, link-local, reserved and unspecified addresses count, as does a host
    that does not resolve (it is then refused rather than guessed at).
    """
    host = urlsplit(url).hostname or ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except (OSError, UnicodeError):
        return True
    for address in addresses:
        try:
            ip = ipaddress.ip_address(str(address).split("%", 1)[0])
        except ValueError:
            return True
        if not ip.is_global or ip.is_multicast:
            return True
    return False


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"
