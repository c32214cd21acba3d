"""The test publication site answers as a real one does (checked with plain httpx)."""

from __future__ import annotations

import httpx
import pytest

from tests.sources.seeds import SEEDS
from tests.sources.site_server import PublicationSite


def get(site: PublicationSite, path: str, **headers: str) -> httpx.Response:
    return httpx.get(site.url(path), headers=headers, timeout=2)


def test_documents_carry_validators_and_answer_304(site: PublicationSite) -> None:
    first = get(site, SEEDS[0].path)
    etag, modified = first.headers["etag"], first.headers["last-modified"]

    assert first.content == SEEDS[0].content
    assert get(site, SEEDS[0].path, **{"If-None-Match": etag}).status_code == 304
    assert get(site, SEEDS[0].path, **{"If-Modified-Since": modified}).status_code == 304
    # If-None-Match decides when present (RFC 9110 §13.2.2), even with a fresh If-Modified-Since.
    stale = get(site, SEEDS[0].path, **{"If-None-Match": '"old"', "If-Modified-Since": modified})
    assert stale.status_code == 200


def test_a_changed_document_gets_new_validators(site: PublicationSite) -> None:
    before = get(site, SEEDS[0].path).headers
    site.document(SEEDS[0].path, b"changed")

    after = get(site, SEEDS[0].path, **{"If-None-Match": before["etag"]})

    assert (after.status_code, after.content) == (200, b"changed")
    assert after.headers["etag"] != before["etag"]
    assert after.headers["last-modified"] != before["last-modified"]


def test_failures_are_counted_and_requests_recorded(site: PublicationSite) -> None:
    site.fail(SEEDS[0].path, times=2, status=503)

    statuses = [get(site, SEEDS[0].path).status_code for _ in range(3)]

    assert statuses == [503, 503, 200]
    assert [r.status for r in site.requests_to(SEEDS[0].path)] == statuses
    assert get(site, "/nowhere.txt").status_code == 404


def test_a_slow_answer_outlasts_a_short_timeout(site: PublicationSite) -> None:
    site.slow(SEEDS[0].path, seconds=2, times=1)

    with pytest.raises(httpx.ReadTimeout):
        httpx.get(site.url(SEEDS[0].path), timeout=0.1)
    assert get(site, SEEDS[0].path).status_code == 200
