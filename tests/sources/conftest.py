"""Tests of the sources talk to a local publication site serving the four real seeds."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.sources.seeds import LISTING, SEEDS, li, page, tr
from tests.sources.site_server import PublicationSite


@pytest.fixture
def site() -> Iterator[PublicationSite]:
    """A running site serving the four seeds (listing pages are up to each test)."""
    with PublicationSite() as running:
        for seed in SEEDS:
            running.document(seed.path, seed.content)
        yield running


@pytest.fixture
def paginated(site: PublicationSite) -> PublicationSite:
    """Two listing pages joined by a 下一页 link: a list, then a table; hrefs written four ways."""
    site.page(
        LISTING,
        page(
            '<ul class="list">'
            + li(SEEDS[0], f"docs/{SEEDS[0].file.name}")
            + li(SEEDS[1])
            + "</ul>"
            + '<div class="page"><a href="index.html">首页</a> <span>上一页</span>'
            '<a href="index_1.html">下一页</a> <a href="index_1.html">尾页</a></div>'
        ),
    )
    site.page(
        "/yjs/index_1.html",
        page(
            "<table><tbody>"
            + tr(SEEDS[2], site.url(SEEDS[2].path))
            + tr(SEEDS[3], f"./docs/{SEEDS[3].file.name}")
            + "</tbody></table>"
            + '<div class="page"><a href="index.html">上一页</a> <span>下一页</span></div>'
        ),
    )
    return site
