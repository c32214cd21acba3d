"""Reading a listing page: its links, each with the date shown in the link's list item or row.

A publication site lists its documents one per `<li>` or table row `<tr>`::

    <li><a href="000.txt">北京市朝阳区应急管理局2023年部门预算</a> <span class="date">2023-02-10</span></li>
    <tr><td><a href="/a/000.pdf">部门预算</a></td><td>2023年02月10日</td></tr>

The date of a link is, in its innermost `<li>`/`<tr>`: the first date in an element marked as a
date (`<time>`, or a class containing `date` or `time`), else the first date in the row's text.
Dates are kept as the page shows them (`2023-02-10`, `2023/2/10`, `2023.02.10`, `2023年2月10日`).
The page is parsed with the standard library's `html.parser`, which tolerates the unclosed tags
of hand-made pages; an `<li>` or `<tr>` left open ends where the next one of its list or table
starts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

__all__ = ["DATE", "PageLink", "read_listing"]

DATE = re.compile(
    r"\d{4}(?:-\d{1,2}-\d{1,2}|/\d{1,2}/\d{1,2}|\.\d{1,2}\.\d{1,2}|年\d{1,2}月\d{1,2}日)"
)
"""A date as listing pages write it (matched on the text of the page, never on its markup)."""

_ROWS = frozenset({"li", "tr"})
_CONTAINERS = frozenset({"ul", "ol", "table", "thead", "tbody", "tfoot"})
_CUT_SHORT = ("...", "…", "..")  # a link text ending so was cut short; its `title` is the full one


@dataclass(frozen=True)
class PageLink:
    """A link on a listing page."""

    url: str  # absolute, without its #fragment
    text: str  # whitespace collapsed; the `title` attribute when the text is empty or cut short
    published: str | None  # the date shown in the link's list item or row, if any


def read_listing(html: str, page_url: str) -> list[PageLink]:
    """The http(s) links of a page in document order (a `<base href>` is honoured).

    `javascript:`, `mailto:` and in-page (`#…`) links are left out.
    """
    parser = _ListingParser()
    parser.feed(html)
    parser.close()
    base = urljoin(page_url, parser.base) if parser.base else page_url
    links = []
    for link in parser.links:
        href = link.href.strip()
        if not href or href.startswith("#"):
            continue
        url = urldefrag(urljoin(base, href)).url
        if urlsplit(url).scheme not in ("http", "https"):
            continue
        links.append(PageLink(url=url, text=link.label(), published=link.date()))
    return links


@dataclass(eq=False)
class _Row:
    """An `<li>` or `<tr>`: its own text (not that of rows nested in it) and its marked dates."""

    tag: str
    text: list[str] = field(default_factory=list)
    marked: list[str] = field(default_factory=list)


@dataclass(eq=False)
class _Link:
    href: str
    title: str | None
    row: _Row | None
    text: list[str] = field(default_factory=list)

    def label(self) -> str:
        text = _collapse("".join(self.text))
        title = _collapse(self.title or "")
        if title and (not text or text.endswith(_CUT_SHORT)):
            return title
        return text

    def date(self) -> str | None:
        if self.row is None:
            return None
        for candidate in [*self.row.marked, "".join(self.row.text)]:
            found = DATE.search(candidate)
            if found:
                return found.group()
        return None


@dataclass(eq=False)
class _Mark:
    """An element marked as a date, collecting its text until it ends."""

    tag: str
    row: _Row
    depth: int = 1
    text: list[str] = field(default_factory=list)


class _ListingParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.base: str | None = None
        self.links: list[_Link] = []
        self._open: list[str | _Row] = []  # containers (by tag name) and rows, outermost first
        self._link: _Link | None = None
        self._marks: list[_Mark] = []

    @property
    def _row(self) -> _Row | None:
        return next((item for item in reversed(self._open) if isinstance(item, _Row)), None)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        for mark in self._marks:
            if mark.tag == tag:
                mark.depth += 1
        if tag == "base" and self.base is None and values.get("href"):
            self.base = values["href"]
        elif tag == "a":  # an `<a>` left open ends where the next one starts
            self._link = None
            if "href" in values:
                self._link = _Link(values["href"], values.get("title"), self._row)
                self.links.append(self._link)
        elif tag in _ROWS or tag in ("thead", "tbody", "tfoot"):
            # An open row of the same kind (or a tr before a new table section) ends here.
            top = self._open[-1] if self._open else None
            if isinstance(top, _Row) and (top.tag == tag or top.tag == "tr" and tag != "li"):
                self._open.pop()
            self._open.append(_Row(tag) if tag in _ROWS else tag)
        elif tag in _CONTAINERS:
            self._open.append(tag)
        row = self._row
        if row is not None and _marks_a_date(tag, values):
            mark = _Mark(tag, row)
            if values.get("datetime"):
                row.marked.append(values["datetime"])
            self._marks.append(mark)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._link = None
        elif tag in _ROWS or tag in _CONTAINERS:
            self._close(tag)
        for mark in list(self._marks):
            if mark.tag == tag:
                mark.depth -= 1
                if mark.depth == 0:
                    mark.row.marked.append("".join(mark.text))
                    self._marks.remove(mark)

    def handle_data(self, data: str) -> None:
        row = self._row
        if row is not None:
            row.text.append(data)
        if self._link is not None:
            self._link.text.append(data)
        for mark in self._marks:
            mark.text.append(data)

    def _close(self, tag: str) -> None:
        """End the innermost open `tag` and whatever is still open inside it."""
        names = [item.tag if isinstance(item, _Row) else item for item in self._open]
        if tag in names:
            del self._open[len(names) - 1 - names[::-1].index(tag) :]


def _marks_a_date(tag: str, attrs: dict[str, str]) -> bool:
    if tag == "time":
        return True
    return any("date" in name or "time" in name for name in attrs.get("class", "").lower().split())


def _collapse(text: str) -> str:
    return " ".join(text.split())
