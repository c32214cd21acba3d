"""`watch` over a local publication site (a document over the size limit is reported, not lost);
`backfill` and `process-disclosure` on what it stored."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from prefect.blocks.system import Secret
from pydantic import SecretStr

from budgetdq.lake import Lake
from flows import backfill, process_disclosure, run_once, watch
from flows.process import UnknownVersion
from tests.alerts.slack_server import FakeSlack
from tests.sources.seeds import LISTING, SEEDS, li, page
from tests.sources.site_server import PublicationSite

LARGE, SMALL = SEEDS[0], SEEDS[3]  # 77,186 and 65,397 bytes
MAX_BYTES = 70_000


@pytest.fixture
def published() -> Iterator[PublicationSite]:
    """A site listing the largest and the smallest seed."""
    with PublicationSite() as site:
        for seed in (LARGE, SMALL):
            site.document(seed.path, seed.content)
        site.page(LISTING, page(f'<ul class="list">{li(LARGE)}{li(SMALL)}</ul>'))
        yield site


def config_for(site: PublicationSite, folder: Path) -> Path:
    """A config file whose one source is the site, with a size limit between the two seeds."""
    path = folder / "budgetdq.toml"
    path.write_text(
        f'[[sources]]\nname = "yjs"\ntype = "http"\nurl = "{site.url(LISTING)}"\n'
        f"delay = 0\nmax_bytes = {MAX_BYTES}\n",
        encoding="utf-8",
    )
    return path


def query(lake: Path, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with Lake(lake) as store:
        return store.query(sql, params)


def test_watch_stores_announces_and_reports_refused(
    prefect_env: dict[str, str], published: PublicationSite, tmp_path: Path
) -> None:
    config, lake = config_for(published, tmp_path), tmp_path / "lake"

    summary = watch(config=str(config), lake=str(lake))

    large_url = published.url(LARGE.path)
    assert summary["refused"] == [large_url]
    [sha256] = summary["new"]
    assert summary["announced"] == [sha256]
    assert query(lake, "SELECT url, status FROM disclosures") == [
        (published.url(SMALL.path), "new")
    ]
    assert query(lake, 'SELECT "check" FROM findings WHERE doc_id = ?', [large_url]) == [
        ("quarantined",)
    ]
    [(text,)] = query(lake, "SELECT text FROM outbox WHERE thread_key LIKE 'quarantine:%'")
    assert large_url in text

    again = watch(config=str(config), lake=str(lake))
    assert again["new"] == [] and again["announced"] == [sha256]  # not processed yet: again
    assert len(query(lake, "SELECT * FROM outbox")) == 1  # the refusal is announced once


def test_backfill_then_process_disclosure_is_a_no_op(
    prefect_env: dict[str, str], published: PublicationSite, tmp_path: Path
) -> None:
    config, lake = config_for(published, tmp_path), tmp_path / "lake"
    [sha256] = watch(config=str(config), lake=str(lake))["new"]

    done = backfill(config=str(config), lake=str(lake), workers=1)

    assert done["documents"] == done["checked"] == done["batches"] == 1
    assert done["findings"] > 0 and done["quarantined"] == 0
    assert query(lake, "SELECT status FROM disclosures WHERE sha256 = ?", [sha256]) == [
        ("checked",)
    ]
    assert len(query(lake, "SELECT * FROM outbox WHERE thread_key NOT LIKE 'quarantine:%'")) == 1
    before = query(lake, "SELECT count(*) FROM findings")

    again = process_disclosure(sha256, config=str(config), lake=str(lake))

    assert again == {"versions": [sha256], "processed": False}
    assert query(lake, "SELECT count(*) FROM findings") == before
    with pytest.raises(UnknownVersion, match="no stored version with sha256 0{64}"):
        process_disclosure("0" * 64, config=str(config), lake=str(lake))


def test_slack_token_from_a_secret_block(
    prefect_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Without SLACK_BOT_TOKEN the token is read from the Secret block and the alert delivered."""
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / SMALL.file.name).write_bytes(SMALL.content)
    block = "budgetdq-test-slack-token"
    Secret(value=SecretStr("xoxb-from-block")).save(block)
    try:
        with FakeSlack(token="xoxb-from-block") as slack:
            monkeypatch.setenv("SLACK_API_URL", slack.base_url)
            run_once(folder=str(folder), lake=str(tmp_path / "lake"), slack_secret_block=block)
            [root] = slack.roots("#budget-quality")
    finally:
        Secret.delete(block)
    assert "（042）2022年部门预算" in root["text"]
    assert query(tmp_path / "lake", "SELECT status, slack_ts FROM outbox") == [("sent", root["ts"])]
