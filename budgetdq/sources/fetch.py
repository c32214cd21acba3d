"""Polite HTTP for one site: a delay between requests, retries with backoff, a size limit.

    with PoliteClient(same_site=lambda url: ..., timeout=30, retries=3, backoff=1, delay=1,
                      max_bytes=20_000_000, user_agent="budgetdq/0.1.0") as client:
        response = client.get(url, {"If-None-Match": '"abc"'})

- **Delay**: at least `delay` seconds pass between the end of one request and the start of the
  next (retries and redirects included), so a site never sees two requests of ours at once.
- **Retries**: a 5xx or 429 answer, a timeout or a connection error is retried up to `retries`
  times, waiting `backoff`, `2 × backoff`, `4 × backoff` … seconds (a 429's numeric `Retry-After`
  instead, up to a minute). Other answers are final: 200, 304 (returned) and 4xx (raised).
- **Size**: a body over `max_bytes` is refused by its Content-Length before it is read, or as soon
  as the bytes decoded pass the limit (`TooLarge`): a gzip body is inflated chunk by chunk within
  the limit (`BoundedDecoder`), so a small compressed body that inflates to gigabytes costs no more
  memory than `max_bytes`.
- **Redirects** are followed (at most 5) only to URLs `same_site` accepts; one that leads elsewhere
  is an error, so nothing is ever fetched off-site.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from urllib.parse import urljoin

import httpx

from budgetdq.sources.decode import ACCEPTED, BoundedDecoder, UnsupportedEncoding

__all__ = ["FetchError", "PoliteClient", "Response", "TooLarge"]

log = logging.getLogger(__name__)

MAX_REDIRECTS = 5
MAX_RETRY_AFTER = 60.0
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class Response:
    """A final answer: 200 with its body, or 304 Not Modified without one."""

    url: str  # the URL answered, after redirects
    status: int
    headers: httpx.Headers
    content: bytes | None = None


class FetchError(Exception):
    """A URL that could not be fetched; `reason` says why (retries are already used up)."""

    def __init__(self, url: str, reason: str, status: int | None = None) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.status = status  # the HTTP status when the site answered, else None


class TooLarge(FetchError):
    """A body over the size limit: refused, not retried."""

    def __init__(self, url: str, limit: int, size: int | None = None) -> None:
        announced = f" (Content-Length: {size:,})" if size is not None else ""
        super().__init__(url, f"document larger than {limit:,} bytes{announced}")
        self.limit = limit
        self.size = size


class _Retryable(Exception):
    def __init__(self, reason: str, wait: float | None = None, status: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.wait = wait
        self.status = status


class PoliteClient:
    """GET requests to one site, one at a time; see the module docstring for the rules."""

    def __init__(
        self,
        *,
        same_site: Callable[[str], bool],
        timeout: float,
        retries: int,
        backoff: float,
        delay: float,
        max_bytes: int,
        user_agent: str,
    ) -> None:
        self.same_site = same_site
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.delay = delay
        self.max_bytes = max_bytes
        self._client = httpx.Client(
            timeout=timeout,
            headers={"User-Agent": user_agent, "Accept-Encoding": ACCEPTED},
            follow_redirects=False,
        )
        self._last_request_end: float | None = None

    def __enter__(self) -> PoliteClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def get(self, url: str, headers: dict[str, str] | None = None) -> Response:
        """The 200 or 304 answer for `url`; raises `FetchError` (`TooLarge` over the size limit)."""
        attempt = 0
        while True:
            try:
                return self._follow(url, headers or {})
            except _Retryable as problem:
                attempt += 1
                if attempt > self.retries:
                    tries = f" ({attempt} attempts)" if attempt > 1 else ""
                    raise FetchError(url, problem.reason + tries, problem.status) from None
                wait = (
                    problem.wait if problem.wait is not None else self.backoff * 2 ** (attempt - 1)
                )
                log.debug("%s: %s; retrying in %.2f s", url, problem.reason, wait)
                time.sleep(wait)

    def _follow(self, url: str, headers: dict[str, str]) -> Response:
        """One attempt: the request and the redirects it leads to."""
        for _ in range(MAX_REDIRECTS + 1):
            response = self._once(url, headers)
            if isinstance(response, Response):
                return response
            target = urljoin(url, response)
            if not self.same_site(target):
                raise FetchError(url, f"redirected off-site to {target} (not followed)")
            url = target
        raise FetchError(url, f"more than {MAX_REDIRECTS} redirects")

    def _once(self, url: str, headers: dict[str, str]) -> Response | str:
        """One request: the answer, or the `Location` of a redirect."""
        self._wait_turn()
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                return self._read(url, response)
        except httpx.TimeoutException:
            raise _Retryable(f"timed out after {self.timeout:g} s") from None
        except httpx.TransportError as exc:
            raise _Retryable(f"connection failed: {str(exc) or type(exc).__name__}") from None
        except httpx.HTTPError as exc:  # e.g. a body that does not decode (bad gzip)
            raise FetchError(url, f"bad response: {exc}") from None
        finally:
            self._last_request_end = time.monotonic()

    def _read(self, url: str, response: httpx.Response) -> Response | str:
        status = response.status_code
        if status in _REDIRECTS and "location" in response.headers:
            return response.headers["location"]
        if status == 304:
            return Response(str(response.url), status, response.headers)
        if status == 429 or status >= 500:
            raise _Retryable(_status_text(response), _retry_after(response), status)
        if status != 200:
            raise FetchError(url, _status_text(response), status)
        announced = response.headers.get("content-length", "")
        if announced.isdigit() and int(announced) > self.max_bytes:
            raise TooLarge(url, self.max_bytes, int(announced))
        try:
            decoder = BoundedDecoder(response.headers.get("content-encoding", ""))
            body = bytearray()
            for raw in response.iter_raw():
                for piece in decoder.feed(raw, self.max_bytes - len(body)):
                    body += piece
                    if len(body) > self.max_bytes:
                        raise TooLarge(url, self.max_bytes)
            body += decoder.finish()
            if len(body) > self.max_bytes:
                raise TooLarge(url, self.max_bytes)
        except UnsupportedEncoding as exc:
            raise FetchError(url, f"bad response: {exc}") from None
        return Response(str(response.url), status, response.headers, bytes(body))

    def _wait_turn(self) -> None:
        if self._last_request_end is None:
            return
        remaining = self._last_request_end + self.delay - time.monotonic()
        if remaining > 0:
            time.sleep(remaining)


def _status_text(response: httpx.Response) -> str:
    return f"HTTP {response.status_code} {response.reason_phrase}".rstrip()


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "")
    return min(float(value), MAX_RETRY_AFTER) if value.isdigit() else None
