"""A small web server on 127.0.0.1 serving feeds and pages, for the feed tests and benchmark.

Each path answers with a `Reply` (status, body, content type, headers, a delay, a size to
stream, ETag handling). Every request is counted by path in `FeedServer.hits` and its
status kept in `FeedServer.statuses`. Nothing here reaches outside this machine.
"""

from __future__ import annotations

import email.utils
import hashlib
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    """How a path answers.

    `stream` sends that many bytes of filler (without Content-Length unless `declare`),
    `delay` waits before answering (cut short when the server stops), `validators` adds an
    ETag and Last-Modified and answers 304 to a matching conditional request.
    """

    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    stream: int = 0
    declare: bool = False
    validators: bool = True


def rss(items: list[dict[str, str]], *, title: str = "Harbour Gazette") -> bytes:
    """Return an RSS 2.0 feed of `items` (keys: title, link, date as an RFC 822 string)."""
    entries = "".join(
        "<item>"
        f"<title>{item['title']}</title><link>{item['link']}</link>"
        + (f"<pubDate>{item['date']}</pubDate>" if item.get("date") else "")
        + f"<guid>{item['link']}</guid></item>"
        for item in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>{title}</title><link>http://example.invalid/</link>"
        f"<description>News</description>{entries}</channel></rss>"
    ).encode()


def atom(items: list[dict[str, str]], *, title: str = "Strait Monitor") -> bytes:
    """Return an Atom 1.0 feed of `items` (keys: title, link, date as ISO 8601)."""
    entries = "".join(
        f'<entry><title>{item["title"]}</title><link href="{item["link"]}"/>'
        f"<id>{item['link']}</id><updated>{item.get('date', '2024-01-01T00:00:00Z')}</updated>"
        "</entry>"
        for item in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{title}</title><id>urn:feed</id><updated>2024-01-01T00:00:00Z</updated>"
        f"{entries}</feed>"
    ).encode()


def page(title: str, paragraphs: list[str], *, meta: str = "", site: str = "") -> bytes:
    """Return an article page: a title, the paragraphs, optional extra ``<head>`` markup."""
    body = "".join(f"<p>{text}</p>" for text in paragraphs)
    site_meta = f'<meta property="og:site_name" content="{site}">' if site else ""
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{title}</title>{site_meta}{meta}</head><body>"
        f"<nav><a href='/'>Home</a></nav><article><h1>{title}</h1>{body}</article>"
        "<footer>Contact us</footer></body></html>"
    ).encode()


class FeedServer:
    """Serve `routes` (path → `Reply` or a callable returning one) on a free 127.0.0.1 port."""

    def __init__(self) -> None:
        self.routes: dict[str, Reply | Callable[[], Reply]] = {}
        self.hits: Counter[str] = Counter()
        self.statuses: list[int] = []
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                server._answer(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # clients hang up on purpose (size caps, timeouts)

        self._httpd = Server(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self) -> FeedServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path
        with self._lock:
            self.hits[path] += 1
        route = self.routes.get(path) or self.routes.get(path.split("?", 1)[0])
        reply = (route() if callable(route) else route) or Reply(b"not here", status=404)
        if reply.delay and self.stopping.wait(reply.delay):
            return
        headers = dict(reply.headers)
        if reply.validators and reply.status == 200 and not reply.stream:
            etag = '"' + hashlib.sha256(reply.body).hexdigest()[:16] + '"'
            headers.setdefault("ETag", etag)
            headers.setdefault("Last-Modified", email.utils.formatdate(0, usegmt=True))
            if handler.headers.get("If-None-Match") == etag:
                self._send(handler, 304, headers, b"")
                return
        headers.setdefault("Content-Type", reply.content_type)
        if reply.stream:
            self._stream(handler, reply, headers)
            return
        self._send(handler, reply.status, headers, reply.body)

    def _send(
        self, handler: BaseHTTPRequestHandler, status: int, headers: dict[str, str], body: bytes
    ) -> None:
        with self._lock:
            self.statuses.append(status)
        handler.send_response(status)
        for name, value in headers.items():
            handler.send_header(name, value)
        if status != 304:
            handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        if status != 304:
            handler.wfile.write(body)

    def _stream(
        self, handler: BaseHTTPRequestHandler, reply: Reply, headers: dict[str, str]
    ) -> None:
        with self._lock:
            self.statuses.append(reply.status)
        handler.send_response(reply.status)
        for name, value in headers.items():
            handler.send_header(name, value)
        if reply.declare:
            handler.send_header("Content-Length", str(reply.stream))
        else:
            handler.send_header("Connection", "close")
            handler.close_connection = True
        handler.end_headers()
        chunk = b"<p>" + b"filler " * 9000 + b"</p>\n"
        sent = 0
        try:
            while sent < reply.stream and not self.stopping.is_set():
                piece = chunk[: reply.stream - sent]
                handler.wfile.write(piece)
                sent += len(piece)
        except OSError:  # the client hung up, as it should past its size cap
            pass


@contextmanager
def serving() -> Iterator[FeedServer]:
    """Run a `FeedServer` for the duration of the block."""
    server = FeedServer().start()
    try:
        yield server
    finally:
        server.stop()
