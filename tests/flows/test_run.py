"""The `run` flow over a folder of the seeds: findings and alerts once, then only what changes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from budgetdq.lake import Lake
from budgetdq.pipeline import Processed, Watched
from flows import run_once
from tests.conftest import FIXTURES

PROSE = (
    "关于本目录\n\n这里存放从政府网站下载的部门预算公开文件，供质量检查程序读取。请勿手工修改。\n"
)
COUNTED = ("disclosures", "documents", "findings", "outbox", "alert_threads")


@dataclass
class Scene:
    """A lake after one run over `site` (the four seeds and a README.txt of prose)."""

    site: Path
    lake: Path
    watched: Watched
    processed: Processed


def query(lake: Path, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with Lake(lake) as store:
        return store.query(sql, params)


def counts(lake: Path) -> dict[str, int]:
    return {table: query(lake, f"SELECT count(*) FROM {table}")[0][0] for table in COUNTED}


@pytest.fixture(scope="module")
def scene(prefect_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Scene:
    root = tmp_path_factory.mktemp("run")
    site = root / "site"
    site.mkdir()
    for seed in sorted(FIXTURES.glob("*.txt")):
        (site / seed.name).write_bytes(seed.read_bytes())
    (site / "README.txt").write_text(PROSE, encoding="utf-8")
    watched, processed = run_once(folder=str(site), lake=str(root / "lake"))
    return Scene(site, root / "lake", watched, processed)


def test_first_run_checks_the_seeds_and_queues_their_alerts(scene: Scene) -> None:
    assert isinstance(scene.watched, Watched) and isinstance(scene.processed, Processed)
    assert (scene.watched.found, len(scene.watched.new)) == (5, 5)
    assert len(scene.processed.checked) == 4
    for doc_id in scene.processed.checked:
        assert query(scene.lake, "SELECT count(*) FROM findings WHERE doc_id = ?", [doc_id])[0][0]
    roots = query(scene.lake, "SELECT thread_key FROM outbox WHERE kind = 'root'")
    assert len([key for (key,) in roots if not key.startswith("quarantine:")]) == 4
    assert list((scene.lake / "alerts").glob("*_root_*.txt"))


def test_prose_is_quarantined_and_reported(scene: Scene) -> None:
    [(version, reason)] = scene.processed.quarantined
    assert version.url.endswith("README.txt") and reason
    sha = version.sha256
    assert query(scene.lake, "SELECT status FROM disclosures WHERE sha256 = ?", [sha]) == [
        ("quarantined",)
    ]
    assert query(scene.lake, 'SELECT suite, "check" FROM findings WHERE doc_id = ?', [sha]) == [
        ("parse", "quarantined")
    ]
    [(kind,)] = query(
        scene.lake, "SELECT kind FROM outbox WHERE thread_key LIKE ?", [f"quarantine:{sha}@%"]
    )
    assert kind == "root"


def test_a_second_run_changes_nothing(scene: Scene) -> None:
    before = counts(scene.lake)
    watched, processed = run_once(folder=str(scene.site), lake=str(scene.lake))
    assert (watched.found, watched.new, watched.unchanged) == (5, [], 5)
    assert processed.run is None and not processed.checked and not processed.planned.keys
    assert counts(scene.lake) == before


def test_a_corrected_document_is_followed_up_in_its_thread(scene: Scene) -> None:
    seed = scene.site / "000_586d32f094f53e44.txt"
    text = seed.read_text(encoding="utf-8")
    seed.write_text(text.replace("8,827.585913", "8,827.585914", 1), encoding="utf-8")
    [(previous_doc,)] = query(
        scene.lake, "SELECT sha256 FROM disclosures WHERE url = ? AND version = 1", [str(seed)]
    )
    [(thread,)] = query(
        scene.lake, "SELECT thread_key FROM alert_threads WHERE doc_id = ?", [previous_doc]
    )
    already = {key for (key,) in query(scene.lake, "SELECT delivery_key FROM outbox")}

    watched, processed = run_once(folder=str(scene.site), lake=str(scene.lake))

    [version] = watched.new
    assert version.changed and version.url == str(seed) and version.version == 2
    assert processed.checked == [version.sha256]
    new = [
        (kind, key)
        for delivery, kind, key in query(
            scene.lake, "SELECT delivery_key, kind, thread_key FROM outbox ORDER BY created_at"
        )
        if delivery not in already
    ]
    assert sorted(new) == [("reply", thread), ("update", thread)]
    assert query(scene.lake, "SELECT doc_id FROM alert_threads WHERE thread_key = ?", [thread]) == [
        (version.sha256,)
    ]
