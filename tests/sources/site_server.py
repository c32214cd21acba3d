"""A publication site for tests: pages and documents served on 127.0.0.1 by the standard library.

    with PublicationSite() as site:
        site.page("/yjs/index.html", '<li><a href="000.txt">2023年部门预算</a> 2023-02-10</li>')
        site.document("/yjs/000.txt", Path("tests/fixtures/000_586d32f094f53e44.txt").read_bytes())
        source = HttpSource(name="yjs", url=site.url("/yjs/index.html"), delay=0)
        assert [r.path for r in site.requests] == []

Documents are sent with an `ETag` (from their content) and a `Last-Modified` (a fake clock that
advances one minute each time a document is set), and answered `304 Not Modified` the way RFC 9110
says: a matching `If-None-Match`, or (only without `If-None-Match`) an `If-Modified-Since` not
older than the document. Pages are sent without validators, like most sites' listings. Unknown
paths are 404.

The site can be told to misbehave for a path: `fail(path, times, status)` answers with an error
status, `slow(path, seconds, times)` waits before answering (`times=None`: every request),
`redirect(path, location)` answers 302. `requests` records every request with its headers, the
status answered (0: the client was gone before the answer was sent), how many body bytes were sent
and when it arrived (`time.monotonic()`). A request is recorded before its answer is sent.
"""

from __future__ import annotations

import hashlib
import sys
import threading
import time
from dataclasses import dataclass, field, replace
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

FIRST_MODIFIED = 1_700_000_000.0  # the fake clock's first Last-Modified (2023-11-14 22:13:20 GMT)


@dataclass
class Resource:
    body: bytes
    content_type: str
    etag: str | None = None
    last_modified: str | None = None
    send_length: bool = True  # False: no Content-Length, the body ends when the connection closes
    location: str | None = None  # a redirect's target
    content_encoding: str | None = None  # the body as sent is encoded so (gzip)


@dataclass(frozen=True)
class Request:
    """A request as the site received it; header names are lower-case."""

    path: str
    headers: dict[str, str]
    status: int
    body_bytes: int
    at: float  # time.monotonic() when it arrived


@dataclass
class _Misbehaviour:
    remaining: int | None  # None: for ever
    status: int = 0  # answer this status …
    seconds: float = 0.0  # … or answer this late


@dataclass
class _State:
    resources: dict[str, Resource] = field(default_factory=dict)
    failures: dict[str, _Misbehaviour] = field(default_factory=dict)
    delays: dict[str, _Misbehaviour] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    modified: float = FIRST_MODIFIED


class PublicationSite:
    """A site on `127.0.0.1` (port chosen by the system) served from a background thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._state = _State()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._port = 0

    # -- life cycle ---------------------------------------------------------------------------

    def start(self) -> PublicationSite:
        server = _Server(("127.0.0.1", 0), self)
        self._server = server
        self._port = int(server.server_address[1])
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; a slow answer still waiting gives up at once."""
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join()
        self._server = self._thread = None

    def __enter__(self) -> PublicationSite:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The port of the last `start()` (kept after `stop()`, so URLs still name the site)."""
        if not self._port:
            raise RuntimeError("the site was never started")
        return self._port

    def url(self, path: str) -> str:
        """The absolute URL of a path on this site, e.g. `http://127.0.0.1:41234/yjs/index.html`."""
        return f"http://127.0.0.1:{self.port}{path}"

    # -- content ------------------------------------------------------------------------------

    def page(self, path: str, html: str, charset: str = "utf-8") -> None:
        """Serve an HTML page (without validators) at `path`."""
        body = html.encode(charset)
        with self._lock:
            self._state.resources[path] = Resource(body, f"text/html; charset={charset}")

    def document(
        self,
        path: str,
        content: bytes,
        content_type: str = "text/plain; charset=utf-8",
        *,
        validators: bool = True,
        send_length: bool = True,
        content_encoding: str | None = None,
    ) -> None:
        """Serve (or change) a document; with `validators`, a new ETag and Last-Modified;
        `content` is sent as it is, declared encoded by `content_encoding`."""
        with self._lock:
            self._state.modified += 60
            self._state.resources[path] = Resource(
                content,
                content_type,
                etag=f'"{hashlib.sha256(content).hexdigest()[:16]}"' if validators else None,
                last_modified=formatdate(self._state.modified, usegmt=True) if validators else None,
                send_length=send_length,
                content_encoding=content_encoding,
            )

    def redirect(self, path: str, location: str) -> None:
        """Answer `path` with 302 Found to `location` (a path or an absolute URL)."""
        with self._lock:
            self._state.resources[path] = Resource(b"", "text/plain", location=location)

    def remove(self, path: str) -> None:
        with self._lock:
            del self._state.resources[path]

    # -- misbehaviour -------------------------------------------------------------------------

    def fail(self, path: str, times: int = 1, status: int = 500) -> None:
        """Answer the next `times` requests of `path` with `status` and a short text."""
        with self._lock:
            self._state.failures[path] = _Misbehaviour(times, status=status)

    def slow(self, path: str, seconds: float, times: int | None = None) -> None:
        """Wait `seconds` before answering the next `times` requests of `path` (None: all)."""
        with self._lock:
            self._state.delays[path] = _Misbehaviour(times, seconds=seconds)

    # -- inspection ---------------------------------------------------------------------------

    @property
    def requests(self) -> list[Request]:
        with self._lock:
            return list(self._state.requests)

    def requests_to(self, path: str) -> list[Request]:
        return [request for request in self.requests if request.path == path]

    # -- serving (handler threads) --------------------------------------------------------------

    def _take(self, table: dict[str, _Misbehaviour], path: str) -> _Misbehaviour | None:
        with self._lock:
            misbehaviour = table.get(path)
            if misbehaviour is None:
                return None
            if misbehaviour.remaining is not None:
                misbehaviour.remaining -= 1
                if misbehaviour.remaining == 0:
                    del table[path]
            return misbehaviour

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        """Decide the answer, record the request, then send (so a client never sees an answer
        to a request not yet in `requests`)."""
        arrived = time.monotonic()
        path = urlsplit(handler.path).path
        headers = {name.lower(): value for name, value in handler.headers.items()}
        delay = self._take(self._state.delays, path)
        if delay is not None:
            self._stopping.wait(delay.seconds)
        failure = self._take(self._state.failures, path)
        with self._lock:
            answer = _answer(self._state.resources.get(path), failure, headers)
            request = Request(path, headers, answer.status, len(answer.body), arrived)
            self._state.requests.append(request)
        try:
            answer.send(handler)
        except ConnectionError:  # the client gave up (timed out, or over its size limit)
            with self._lock:
                index = self._state.requests.index(request)
                self._state.requests[index] = replace(request, status=0, body_bytes=0)


@dataclass(frozen=True)
class _Answer:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    send_length: bool = True

    def send(self, handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(self.status)
        for name, value in self.headers.items():
            handler.send_header(name, value)
        if self.send_length and self.status != 304:
            handler.send_header("Content-Length", str(len(self.body)))
        handler.end_headers()
        handler.wfile.write(self.body)


def _answer(
    resource: Resource | None, failure: _Misbehaviour | None, headers: dict[str, str]
) -> _Answer:
    plain = {"Content-Type": "text/plain"}
    if failure is not None:
        return _Answer(failure.status, b"failing on purpose", plain)
    if resource is None:
        return _Answer(404, b"not found", plain)
    if resource.location is not None:
        return _Answer(302, b"", {**plain, "Location": resource.location})
    validators = {
        name: value
        for name, value in (("ETag", resource.etag), ("Last-Modified", resource.last_modified))
        if value
    }
    if _not_modified(resource, headers):
        return _Answer(304, b"", validators)
    encoding = {"Content-Encoding": resource.content_encoding} if resource.content_encoding else {}
    return _Answer(
        200,
        resource.body,
        {"Content-Type": resource.content_type, **validators, **encoding},
        send_length=resource.send_length,
    )


def _not_modified(resource: Resource, headers: dict[str, str]) -> bool:
    """RFC 9110 §13.2.2: If-None-Match decides when present; else If-Modified-Since."""
    if "if-none-match" in headers:
        tags = [tag.strip().removeprefix("W/") for tag in headers["if-none-match"].split(",")]
        return resource.etag is not None and ("*" in tags or resource.etag in tags)
    if "if-modified-since" in headers and resource.last_modified:
        try:
            since = parsedate_to_datetime(headers["if-modified-since"])
        except (TypeError, ValueError):
            return False
        return parsedate_to_datetime(resource.last_modified) <= since
    return False


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.0"  # the connection closes after each answer

    def do_GET(self) -> None:
        self.server.site._answer(self)

    def log_message(self, format: str, *args: object) -> None:
        pass  # requests are recorded in `site.requests`, not printed


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], site: PublicationSite) -> None:
        self.site = site
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a client gone is expected
            super().handle_error(request, client_address)
