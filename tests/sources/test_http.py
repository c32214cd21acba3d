"""HttpSource against a real local publication site serving the four seeds."""

from __future__ import annotations

import gzip
import hashlib
import logging
import time
import tracemalloc
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from budgetdq import __version__
from budgetdq.sources import Fetched, HttpSource, Known, SourceError, document_suffix
from tests.sources.seeds import LISTING, SEEDS, http_source, li, page
from tests.sources.site_server import PublicationSite


def poll(source: HttpSource, known: dict[str, Known] | None = None) -> dict[str, Fetched]:
    """One poll, by URL."""
    return {fetched.listed.url: fetched for fetched in source.poll((known or {}).get)}


def known_after(results: dict[str, Fetched]) -> dict[str, Known]:
    """What a registry knows after storing the documents fetched."""
    return {
        url: Known(hashlib.sha256(f.content).hexdigest(), f.etag, f.last_modified)
        for url, f in results.items()
        if f.content is not None
    }


# -- listing --------------------------------------------------------------------------------------


def test_next_link_pagination_finds_every_document_with_title_and_date(
    paginated: PublicationSite,
) -> None:
    results = poll(http_source(paginated))

    assert [(f.listed.url, f.listed.title, f.listed.published) for f in results.values()] == [
        (paginated.url(seed.path), seed.title, seed.date) for seed in SEEDS
    ]
    for seed in SEEDS:
        fetched = results[paginated.url(seed.path)]
        assert (fetched.status, fetched.content, fetched.suffix) == (
            "fetched",
            seed.content,
            ".txt",
        )
        assert fetched.listed.source == "yjs"
        assert fetched.etag and fetched.last_modified
    pages = [r.path for r in paginated.requests if not r.path.startswith("/yjs/docs/")]
    assert pages == [LISTING, "/yjs/index_1.html"]  # 首页/上一页/尾页 lead to pages already read


def test_page_template_pagination_reads_pages_until_one_is_missing(site: PublicationSite) -> None:
    pager = '<script>createPageHTML(3, {}, "index", "html");</script>'
    site.page(LISTING, page(f"<ul>{li(SEEDS[0])}{li(SEEDS[1])}</ul>{pager.format(0)}"))
    site.page("/yjs/index_1.html", page(f"<ul>{li(SEEDS[2])}</ul>{pager.format(1)}"))
    site.page("/yjs/index_2.html", page(f"<ul>{li(SEEDS[3])}</ul>{pager.format(2)}"))

    results = poll(http_source(site, page_template="index_{page}.html", next_text=""))

    assert [(f.listed.title, f.listed.published, f.status) for f in results.values()] == [
        (seed.title, seed.date, "fetched") for seed in SEEDS
    ]
    pages = [r.path for r in site.requests if not r.path.startswith("/yjs/docs/")]
    assert pages == [LISTING, "/yjs/index_1.html", "/yjs/index_2.html", "/yjs/index_3.html"]
    assert site.requests_to("/yjs/index_3.html")[0].status == 404


def test_max_pages_bounds_the_listing(site: PublicationSite) -> None:
    for number, seed in enumerate(SEEDS):
        name = "index.html" if number == 0 else f"index_{number}.html"
        site.page(
            f"/yjs/{name}", page(f'<ul>{li(seed)}</ul><a href="index_{number + 1}.html">下一页</a>')
        )

    listed = http_source(site, max_pages=2).list_documents()

    assert [item.title for item in listed] == [SEEDS[0].title, SEEDS[1].title]


def test_link_patterns_choose_the_documents(site: PublicationSite) -> None:
    site.document("/yjs/docs/notice.txt", "关于公开的说明".encode())
    site.page(
        LISTING,
        page(
            f"<ul>{li(SEEDS[0])}{li(SEEDS[1])}"
            '<li><a href="docs/notice.txt">公开说明</a> 2023-01-05</li>'
            '<li><a href="photo.jpg">预算图片</a></li></ul>'
        ),
    )

    only_budgets = http_source(site, link_text="预算").list_documents()
    every_txt = http_source(site).list_documents()

    assert [item.title for item in only_budgets] == [SEEDS[0].title, SEEDS[1].title]
    assert [item.title for item in every_txt] == [SEEDS[0].title, SEEDS[1].title, "公开说明"]


def test_a_listing_that_cannot_be_fetched_raises_and_fetches_nothing(
    site: PublicationSite,
) -> None:
    site.page(LISTING, page(f"<ul>{li(SEEDS[0])}</ul>"))
    site.fail(LISTING, times=3, status=503)

    with pytest.raises(SourceError) as raised:
        poll(http_source(site, retries=2))

    error = raised.value
    assert (error.source, error.location) == ("yjs", site.url(LISTING))
    assert error.reason == "HTTP 503 Service Unavailable (3 attempts)"
    assert "source 'yjs': cannot list" in str(error)
    assert [r.path for r in site.requests] == [LISTING] * 3


def test_an_unreachable_site_raises(site: PublicationSite) -> None:
    source = http_source(site, retries=1)
    site.stop()

    with pytest.raises(SourceError, match="connection failed"):
        poll(source)


# -- conditional GET and changes ------------------------------------------------------------------


def test_second_poll_is_conditional_and_downloads_nothing(paginated: PublicationSite) -> None:
    source = http_source(paginated)
    first = poll(source)
    before = len(paginated.requests)

    second = poll(source, known_after(first))

    assert {f.status for f in second.values()} == {"unchanged"}
    assert all(f.content is None for f in second.values())
    for seed in SEEDS:
        (request,) = [r for r in paginated.requests[before:] if r.path == seed.path]
        assert request.headers["if-none-match"] == first[paginated.url(seed.path)].etag
        assert request.headers["if-modified-since"] == first[paginated.url(seed.path)].last_modified
        assert (request.status, request.body_bytes) == (304, 0)
        assert second[paginated.url(seed.path)].etag == first[paginated.url(seed.path)].etag


def test_last_modified_alone_makes_the_request_conditional(paginated: PublicationSite) -> None:
    source = http_source(paginated)
    first = poll(source)
    known = {
        url: Known(k.sha256, etag=None, last_modified=k.last_modified)
        for url, k in known_after(first).items()
    }

    second = poll(source, known)

    assert {f.status for f in second.values()} == {"unchanged"}
    request = paginated.requests_to(SEEDS[0].path)[-1]
    assert "if-none-match" not in request.headers
    assert request.status == 304


def test_same_content_from_a_site_without_validators_is_unchanged(
    paginated: PublicationSite,
) -> None:
    for seed in SEEDS:
        paginated.document(seed.path, seed.content, validators=False)
    source = http_source(paginated)
    first = poll(source)

    second = poll(source, known_after(first))

    assert {f.status for f in second.values()} == {"unchanged"}
    assert paginated.requests_to(SEEDS[0].path)[-1].status == 200


def test_a_changed_document_is_fetched_again(paginated: PublicationSite) -> None:
    source = http_source(paginated)
    first = poll(source)
    corrected = SEEDS[1].content.replace(b"9,751.39", b"9,752.39")  # a figure corrected
    assert corrected != SEEDS[1].content
    paginated.document(SEEDS[1].path, corrected)

    second = poll(source, known_after(first))

    changed = second[paginated.url(SEEDS[1].path)]
    assert (changed.status, changed.content) == ("fetched", corrected)
    assert changed.etag != first[paginated.url(SEEDS[1].path)].etag
    assert [f.status for f in second.values()].count("unchanged") == 3


# -- failures -------------------------------------------------------------------------------------


def test_a_server_error_is_retried(paginated: PublicationSite) -> None:
    paginated.fail(SEEDS[0].path, times=2, status=500)

    results = poll(http_source(paginated, retries=2))

    assert results[paginated.url(SEEDS[0].path)].status == "fetched"
    assert [r.status for r in paginated.requests_to(SEEDS[0].path)] == [500, 500, 200]


def test_a_document_failing_after_the_retries_fails_alone(paginated: PublicationSite) -> None:
    paginated.fail(SEEDS[0].path, times=5, status=500)

    results = poll(http_source(paginated, retries=2))

    failed = results[paginated.url(SEEDS[0].path)]
    assert (failed.status, failed.content) == ("failed", None)
    assert failed.error == "HTTP 500 Internal Server Error (3 attempts)"
    assert [f.status for f in results.values()] == ["failed", "fetched", "fetched", "fetched"]


def test_a_missing_document_is_not_retried(paginated: PublicationSite) -> None:
    paginated.remove(SEEDS[2].path)

    results = poll(http_source(paginated, retries=2))

    assert results[paginated.url(SEEDS[2].path)].error == "HTTP 404 Not Found"
    assert len(paginated.requests_to(SEEDS[2].path)) == 1


def test_a_document_slower_than_the_timeout_fails_and_the_others_go_on(
    paginated: PublicationSite,
) -> None:
    paginated.slow(SEEDS[1].path, seconds=5)
    started = time.monotonic()

    results = poll(http_source(paginated, timeout=0.2, retries=1))

    slow = results[paginated.url(SEEDS[1].path)]
    assert (slow.status, slow.error) == ("failed", "timed out after 0.2 s (2 attempts)")
    assert [f.status for f in results.values()] == ["fetched", "failed", "fetched", "fetched"]
    assert time.monotonic() - started < 3


def test_an_oversized_document_is_refused_by_its_content_length(
    paginated: PublicationSite,
) -> None:
    results = poll(http_source(paginated, max_bytes=80_000))

    # 000 (77,186 bytes) and 003 (65,397) fit; 001 (86,037) and 002 (104,960) do not.
    assert [f.status for f in results.values()] == ["fetched", "refused", "refused", "fetched"]
    refused = results[paginated.url(SEEDS[1].path)]
    assert refused.error == "document larger than 80,000 bytes (Content-Length: 86,037)"
    assert refused.content is None


def test_an_oversized_document_without_length_is_refused_while_reading(
    paginated: PublicationSite,
) -> None:
    paginated.document(SEEDS[2].path, SEEDS[2].content, send_length=False)

    results = poll(http_source(paginated, max_bytes=100_000))

    refused = results[paginated.url(SEEDS[2].path)]
    assert (refused.status, refused.error) == ("refused", "document larger than 100,000 bytes")
    assert len(paginated.requests_to(SEEDS[2].path)) == 1  # refused, not retried


def _gzip_bomb(inflated: int) -> bytes:
    """`inflated` zero bytes, gzip-compressed (about a thousandth of the size)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = bytes(1 << 20)
    parts = [packer.compress(chunk) for _ in range(inflated >> 20)]
    return b"".join(parts) + packer.flush()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return _gzip_bomb(1 << 30)  # 1 GiB inflated


def _peak_during(action: Callable[[], object]) -> tuple[object, int]:
    """What `action` returns and the peak of Python memory it allocated, in bytes."""
    tracemalloc.start()
    try:
        baseline = tracemalloc.get_traced_memory()[0]
        result = action()
        return result, tracemalloc.get_traced_memory()[1] - baseline
    finally:
        tracemalloc.stop()


def test_a_gzip_encoded_document_is_stored_as_its_decoded_bytes(paginated: PublicationSite) -> None:
    paginated.document(SEEDS[1].path, gzip.compress(SEEDS[1].content), content_encoding="gzip")
    fetched = poll(http_source(paginated))[paginated.url(SEEDS[1].path)]
    assert fetched.content == SEEDS[1].content
    assert paginated.requests_to(SEEDS[1].path)[0].headers["accept-encoding"] == "gzip, deflate"


def test_a_gzip_bomb_document_is_refused_within_twice_the_limit(
    paginated: PublicationSite, bomb: bytes
) -> None:
    paginated.document(SEEDS[1].path, bomb, content_encoding="gzip")
    max_bytes = 2_000_000
    results, peak = _peak_during(lambda: poll(http_source(paginated, max_bytes=max_bytes)))
    refused = results[paginated.url(SEEDS[1].path)]  # type: ignore[index]
    assert (refused.status, refused.error) == ("refused", "document larger than 2,000,000 bytes")
    assert peak < 2 * max_bytes + 2_000_000, f"peak {peak:,} bytes"
    assert [f.status for f in results.values()].count("fetched") == 3  # type: ignore[attr-defined]


def test_a_gzip_bomb_listing_page_is_refused_within_twice_the_limit(
    paginated: PublicationSite, bomb: bytes
) -> None:
    paginated.document(LISTING, bomb, "text/html; charset=utf-8", content_encoding="gzip")
    max_bytes = 2_000_000
    source = http_source(paginated, max_bytes=max_bytes)
    raised, peak = _peak_during(lambda: pytest.raises(SourceError, poll, source))
    assert "2,000,000 bytes" in str(raised.value)  # type: ignore[attr-defined]
    assert peak < 2 * max_bytes + 2_000_000, f"peak {peak:,} bytes"


# -- staying on the site, politely ----------------------------------------------------------------


def test_off_site_links_are_neither_followed_nor_fetched(
    site: PublicationSite, caplog: pytest.LogCaptureFixture
) -> None:
    with PublicationSite() as elsewhere:
        elsewhere.document("/docs/other.txt", b"not ours")
        elsewhere.page("/index_1.html", page(f"<ul>{li(SEEDS[3], '/docs/other.txt')}</ul>"))
        site.page(
            LISTING,
            page(
                f"<ul>{li(SEEDS[0])}"
                f'<li><a href="{elsewhere.url("/docs/other.txt")}">他站预算</a> 2023-03-01</li></ul>'
                f'<a href="{elsewhere.url("/index_1.html")}">下一页</a>'
            ),
        )
        caplog.set_level(logging.DEBUG, logger="budgetdq.sources")

        results = poll(http_source(site))

        assert list(results) == [site.url(SEEDS[0].path)]
        assert elsewhere.requests == []
    skipped = [r.getMessage() for r in caplog.records if "off-site" in r.getMessage()]
    assert len(skipped) == 2
    assert elsewhere.url("/docs/other.txt") in skipped[0]
    assert "off-site next link" in skipped[1]


def test_redirects_are_followed_on_the_site_only(site: PublicationSite) -> None:
    with PublicationSite() as elsewhere:
        elsewhere.document("/moved.txt", SEEDS[1].content)
        site.redirect("/yjs/docs/old.txt", SEEDS[0].path)
        site.redirect("/yjs/docs/away.txt", elsewhere.url("/moved.txt"))
        site.page(
            LISTING,
            page(
                '<ul><li><a href="docs/old.txt">旧址</a></li><li><a href="docs/away.txt">外链</a></li></ul>'
            ),
        )

        results = poll(http_source(site))

        old, away = results.values()
        assert (old.status, old.content) == ("fetched", SEEDS[0].content)
        assert away.status == "failed"
        assert away.error == f"redirected off-site to {elsewhere.url('/moved.txt')} (not followed)"
        assert elsewhere.requests == []


def test_the_polite_delay_separates_every_request(paginated: PublicationSite) -> None:
    poll(http_source(paginated, delay=0.1))

    arrivals = [r.at for r in paginated.requests]
    gaps = [later - earlier for earlier, later in zip(arrivals, arrivals[1:], strict=False)]
    assert len(arrivals) == 6  # two listing pages, four documents
    assert min(gaps) >= 0.1


def test_requests_name_budgetdq_as_user_agent(paginated: PublicationSite) -> None:
    poll(http_source(paginated))

    assert {r.headers["user-agent"] for r in paginated.requests} == {f"budgetdq/{__version__}"}


def test_a_gbk_listing_page_is_read(site: PublicationSite) -> None:
    site.page(LISTING, page(f"<ul>{li(SEEDS[0])}</ul>"), charset="gbk")

    (listed,) = http_source(site).list_documents()

    assert listed.title == SEEDS[0].title


@pytest.mark.parametrize(
    ("url", "headers", "suffix"),
    [
        ("http://x.gov.cn/a/000.txt", {}, ".txt"),
        ("http://x.gov.cn/a/000.PDF", {"content-type": "application/octet-stream"}, ".pdf"),
        ("http://x.gov.cn/download.jsp?id=7", {"content-type": "application/pdf"}, ".pdf"),
        ("http://x.gov.cn/get?id=7", {"content-type": "text/plain; charset=gbk"}, ".txt"),
        (
            "http://x.gov.cn/get?id=7",
            {
                "content-disposition": 'attachment; filename="budget.pdf"',
                "content-type": "application/octet-stream",
            },
            ".pdf",
        ),
        ("http://x.gov.cn/get?id=7", {"content-type": "application/octet-stream"}, ".bin"),
    ],
)
def test_document_suffix(url: str, headers: dict[str, str], suffix: str) -> None:
    assert document_suffix(url, headers) == suffix


def test_the_sample_site_listing_is_read(site: PublicationSite) -> None:
    sample = Path(__file__).parents[2] / "examples" / "site"
    site.page("/sample/index.html", (sample / "index.html").read_text(encoding="utf-8"))
    for seed in SEEDS:
        site.document(f"/sample/{seed.file.name}", (sample / seed.file.name).read_bytes())

    results = poll(http_source(site, url=site.url("/sample/index.html")))

    assert [(f.listed.title, f.listed.published, f.status) for f in results.values()] == [
        (seed.title, seed.date, "fetched") for seed in SEEDS
    ]
