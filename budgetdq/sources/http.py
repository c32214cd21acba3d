"""A publication site: a listing page (and the pages after it) linking to the documents.

    HttpSource(name="chaoyang", url="https://www.example.gov.cn/zwgk/czyjs/index.html",
               link_href=r"\\.(txt|pdf)$", link_text="预算", page_template="index_{page}.html")

A poll first reads the whole listing, then fetches each document:

1. **Listing.** The page at `url`, then the pages its "下一页"/"next" link leads to (`next_text`)
   and/or the pages of `page_template` (`index_1.html`, `index_2.html` … until one is missing or
   lists no document), at most `max_pages` pages in all. A document is a link whose absolute URL
   matches `link_href` and whose text matches `link_text` (regular expressions searched
   case-insensitively; empty matches anything). Its title is the link text, its date the one shown
   in its list item or row (see `listing.py`). Only links to the listing's own host and port are
   followed or fetched; any other is skipped (logged at debug level).
2. **Documents**, one at a time, politely (see `fetch.py`): conditional GET with the `ETag` and
   `Last-Modified` the registry knows; 304, or the same sha256 as known, is `unchanged`. A document
   that cannot be fetched is `failed` with the reason and the others go on; one over `max_bytes` is
   `refused`.

A listing page that cannot be fetched (after the retries) raises `SourceError` before any document
is fetched: the source is reported as failed and nothing of it is taken as gone. A page after the
first that answers 404 ends the listing there.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from email.message import Message
from pathlib import PurePosixPath
from typing import Literal
from urllib.parse import unquote, urljoin, urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

from budgetdq import __version__
from budgetdq.sources.errors import SourceError
from budgetdq.sources.fetch import FetchError, PoliteClient, Response, TooLarge
from budgetdq.sources.listing import PageLink, read_listing
from budgetdq.sources.model import Fetched, Known, Listed

__all__ = ["CONTENT_TYPE_SUFFIXES", "USER_AGENT", "HttpSource", "document_suffix"]

log = logging.getLogger(__name__)

USER_AGENT = f"budgetdq/{__version__}"
CONTENT_TYPE_SUFFIXES = {
    "text/plain": ".txt",
    "application/pdf": ".pdf",
    "text/html": ".html",
    "text/csv": ".csv",
    "application/msword": ".doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.ms-excel": ".xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
}
"""The document types a site may publish, by Content-Type; the suffix of anything else is `.bin`."""
UNKNOWN_SUFFIX = ".bin"


class HttpSource(BaseModel):
    """Documents linked from a listing page of a publication site (see the module docstring)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(description="the source's name, unique among the sources")
    type: Literal["http"] = Field(default="http", description="a publication site: `http`")
    url: str = Field(
        description="the listing page, e.g. https://www.example.gov.cn/czyjs/index.html"
    )
    link_href: str = Field(
        default=r"\.(txt|pdf)$",
        description="regex searched in a link's absolute URL to take it as a document; empty: any",
    )
    link_text: str = Field(
        default="",
        description="regex searched in a link's text to take it as a document; empty: any",
    )
    next_text: str = Field(
        default=r"(下一页|下页|后一页|next( page)?)\s*[>›»]*|[>›]",
        description="regex the whole text of a next-page link matches; empty: no next links",
    )
    page_template: str = Field(
        default="",
        description="the listing's further pages, relative to url, e.g. index_{page}.html; "
        "empty: none",
    )
    first_page: int = Field(
        default=1, ge=0, description="the {page} number of the second listing page"
    )
    max_pages: int = Field(default=20, ge=1, description="the most listing pages read in one poll")
    timeout: float = Field(
        default=30.0, gt=0, description="seconds to wait to connect and for each read"
    )
    retries: int = Field(
        default=3,
        ge=0,
        description="retries of a request after a 5xx or 429, a timeout or a lost connection",
    )
    backoff: float = Field(
        default=1.0,
        ge=0,
        description="seconds before the first retry; doubled before each further one",
    )
    delay: float = Field(default=1.0, ge=0, description="seconds between two requests to the site")
    max_bytes: int = Field(
        default=20_000_000,
        ge=1,
        description="larger documents are refused (not downloaded further)",
    )
    user_agent: str = Field(default=USER_AGENT, description="the User-Agent header sent")

    @field_validator("url")
    @classmethod
    def _absolute_http(cls, url: str) -> str:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an absolute http(s) URL: {url!r}")
        return url

    @field_validator("link_href", "link_text", "next_text")
    @classmethod
    def _regex(cls, pattern: str) -> str:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"not a regular expression: {pattern!r} ({exc})") from None
        return pattern

    @field_validator("page_template")
    @classmethod
    def _template(cls, template: str) -> str:
        if not template:
            return template
        try:
            page = template.format(page=2)
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(f"not a page template: {template!r} ({exc!r})") from None
        if page == template:
            raise ValueError(f"page template without {{page}}: {template!r}")
        return template

    def poll(self, known: Callable[[str], Known | None]) -> Iterator[Fetched]:
        """Every document listed, fetched unless unchanged; raises `SourceError` (see above)."""
        with self._client() as client:
            for listed in self.list_documents(client):
                yield self._fetch(client, listed, known(listed.url))

    def list_documents(self, client: PoliteClient | None = None) -> list[Listed]:
        """The documents the listing shows, each once, in the order listed."""
        if client is None:
            with self._client() as own:
                return self.list_documents(own)
        documents: dict[str, Listed] = {}
        pages: deque[str] = deque([self.url])
        template_pages = (
            _TemplatePages(self.url, self.page_template, self.first_page)
            if self.page_template
            else None
        )
        visited: set[str] = set()
        while pages and len(visited) < self.max_pages:
            url = pages.popleft()
            if url in visited:
                continue
            visited.add(url)
            try:
                response = client.get(url)
            except FetchError as exc:
                if exc.status == 404 and url != self.url:
                    expected = template_pages is not None and url in template_pages.seen
                    log.log(
                        logging.DEBUG if expected else logging.WARNING,
                        "source %s: listing page %s is missing (404); not read",
                        self.name,
                        url,
                    )
                    continue
                raise SourceError(self.name, url, exc.reason) from exc
            found = 0
            for link in read_listing(_decode(response), response.url):
                kind = self._kind(link)
                if kind is None:
                    continue
                if not self._same_site(link.url):
                    log.debug(
                        "source %s: skipping off-site %s link %s (only %s is fetched)",
                        self.name,
                        kind,
                        link.url,
                        urlsplit(self.url).netloc,
                    )
                elif kind == "next":
                    pages.append(link.url)
                else:
                    found += 1
                    documents.setdefault(
                        link.url, Listed(self.name, link.url, link.text or None, link.published)
                    )
            if found and template_pages and (url == self.url or url in template_pages.seen):
                pages.append(template_pages.next())
        return list(documents.values())

    def _fetch(self, client: PoliteClient, listed: Listed, known: Known | None) -> Fetched:
        headers = {}
        if known is not None and known.etag:
            headers["If-None-Match"] = known.etag
        if known is not None and known.last_modified:
            headers["If-Modified-Since"] = known.last_modified
        try:
            response = client.get(listed.url, headers)
        except TooLarge as exc:
            return Fetched(listed, "refused", error=exc.reason)
        except FetchError as exc:
            return Fetched(listed, "failed", error=exc.reason)
        suffix = document_suffix(listed.url, response.headers)
        etag = response.headers.get("etag")
        last_modified = response.headers.get("last-modified")
        if response.status == 304:
            if known is None:
                return Fetched(listed, "failed", error="HTTP 304 to a request without validators")
            return Fetched(
                listed,
                "unchanged",
                suffix=suffix,
                etag=etag or known.etag,
                last_modified=last_modified or known.last_modified,
            )
        content = response.content or b""
        if known is not None and hashlib.sha256(content).hexdigest() == known.sha256:
            return Fetched(
                listed, "unchanged", suffix=suffix, etag=etag, last_modified=last_modified
            )
        return Fetched(listed, "fetched", content, suffix, etag, last_modified)

    def _kind(self, link: PageLink) -> Literal["next", "document"] | None:
        if self.next_text and re.fullmatch(self.next_text, link.text, re.IGNORECASE):
            return "next"
        if re.search(self.link_href, link.url, re.IGNORECASE) and re.search(
            self.link_text, link.text, re.IGNORECASE
        ):
            return "document"
        return None

    def _same_site(self, url: str) -> bool:
        return _host_and_port(url) == _host_and_port(self.url)

    def _client(self) -> PoliteClient:
        return PoliteClient(
            same_site=self._same_site,
            timeout=self.timeout,
            retries=self.retries,
            backoff=self.backoff,
            delay=self.delay,
            max_bytes=self.max_bytes,
            user_agent=self.user_agent,
        )


class _TemplatePages:
    """The URLs of `page_template`, page after page; `seen` holds those handed out."""

    def __init__(self, url: str, template: str, first: int) -> None:
        self.url, self.template, self.page = url, template, first
        self.seen: set[str] = set()

    def next(self) -> str:
        page = urljoin(self.url, self.template.format(page=self.page))
        self.page += 1
        self.seen.add(page)
        return page


def document_suffix(url: str, headers: Mapping[str, str]) -> str:
    """The document's type as a suffix: from its URL path, else its file name, else Content-Type.

    `.txt` for `…/000.txt`; `.pdf` for `download.jsp?id=7` sent as `application/pdf` or with
    `Content-Disposition: attachment; filename="预算.pdf"`; `.bin` when nothing tells.
    `headers` is looked up by lower-case name (`httpx.Headers` ignores case).
    """
    known = set(CONTENT_TYPE_SUFFIXES.values())
    suffix = PurePosixPath(unquote(urlsplit(url).path)).suffix.lower()
    if suffix in known:
        return suffix
    disposition = headers.get("content-disposition")
    if disposition:
        message = Message()
        message["content-disposition"] = disposition
        filename = message.get_filename()
        suffix = PurePosixPath(filename).suffix.lower() if filename else ""
        if suffix in known:
            return suffix
    content_type = headers.get("content-type", "")
    return CONTENT_TYPE_SUFFIXES.get(content_type.split(";")[0].strip().lower(), UNKNOWN_SUFFIX)


def _host_and_port(url: str) -> tuple[str, int | None]:
    parts = urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme)
    return (parts.hostname or "", parts.port or default)


def _decode(response: Response) -> str:
    """A listing page's text: its declared charset, else UTF-8, else GB18030 (GBK, GB2312)."""
    content = response.content or b""
    for param in response.headers.get("content-type", "").split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            try:
                return content.decode(value.strip().strip('"'))
            except (LookupError, UnicodeDecodeError):
                break
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("gb18030", errors="replace")
