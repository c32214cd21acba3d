"""The four real seeds as a site publishes them, and listing pages laid out as such sites do."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from budgetdq.sources import HttpSource
from tests.sources.site_server import PublicationSite

FIXTURES = Path(__file__).parents[1] / "fixtures"


@dataclass(frozen=True)
class Seed:
    """A seed document as the sample site lists it."""

    file: Path
    title: str
    date: str

    @property
    def content(self) -> bytes:
        return self.file.read_bytes()

    @property
    def path(self) -> str:
        """Where the test site serves it."""
        return f"/yjs/docs/{self.file.name}"


SEEDS = [
    Seed(
        FIXTURES / "000_586d32f094f53e44.txt", "北京市朝阳区应急管理局2023年部门预算", "2023-02-10"
    ),
    Seed(
        FIXTURES / "001_395d94a6e4d5ecf0.txt", "北京市朝阳区应急管理局2024年部门预算", "2024-02-08"
    ),
    Seed(FIXTURES / "002_971a74661f5f646e.txt", "北京市朝阳区人民政府2026年部门预算", "2026-02-12"),
    Seed(
        FIXTURES / "003_1e24ecc40e022084.txt",
        "北京市应急管理科学技术研究院2022年部门预算",
        "2022-02-11",
    ),
]
LISTING = "/yjs/index.html"


def li(seed: Seed, href: str | None = None) -> str:
    """A list item as CMS listing pages write it: link, then the date in a span."""
    return (
        f'<li><a href="{href or seed.path}" target="_blank">{seed.title}</a>'
        f' <span class="date">{seed.date}</span></li>'
    )


def tr(seed: Seed, href: str | None = None) -> str:
    """A table row: the link in one cell, the date in another."""
    return f'<tr><td><a href="{href or seed.path}">{seed.title}</a></td><td>{seed.date}</td></tr>'


def page(body: str, title: str = "部门预算") -> str:
    """A whole listing page around `body`, with the navigation links every page has."""
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title></head>
<body>
<div class="nav"><a href="/">首页</a> <a href="/yjs/about.html">机构概况</a>
<a href="http://www.gov.cn/">中国政府网</a></div>
{body}
</body></html>"""


def http_source(site: PublicationSite, **options: Any) -> HttpSource:
    """A source of the test site's listing with the small timings of tests."""
    values: dict[str, Any] = {
        "name": "yjs",
        "url": site.url(LISTING),
        "delay": 0,
        "timeout": 0.5,
        "retries": 2,
        "backoff": 0.01,
    }
    return HttpSource(**{**values, **options})
