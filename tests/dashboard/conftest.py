"""A lake built from the four seeds, as the pipeline builds it, for the dashboard's tests.

Two runs: the seeds, then a correction of 002 (its “三公” total fixed, a second version) and a
document carrying HTML and script, which the dashboard must show as text.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from budgetdq.checks.engine import GxEngine
from budgetdq.lake import Lake
from budgetdq.pipeline import process_versions, watch
from budgetdq.registry import Registry
from budgetdq.settings import Settings
from budgetdq.sources import FolderSource
from tests.conftest import SEEDS

SCRIPT_LINE = "<script>window.hacked = 1</script><b>加粗</b>"
HOSTILE_LINE = 181
"""Where the script goes: just above 003's line 181, the economic code 3021101 (a finding)."""


def build_lake(root: Path, site: Path, engine: GxEngine) -> Path:
    """Publish the seeds to `site`, run the pipeline, correct 002 and add a hostile document."""
    site.mkdir(parents=True)
    for path in SEEDS.values():
        shutil.copy(path, site / path.name)
    run_pipeline(root, site, engine)
    corrected = SEEDS["002"].read_text(encoding="utf-8").replace("895.389700", "679.389700", 1)
    (site / SEEDS["002"].name).write_text(corrected, encoding="utf-8")
    hostile = SEEDS["003"].read_text(encoding="utf-8").splitlines()
    hostile.insert(HOSTILE_LINE - 1, SCRIPT_LINE)
    (site / "hostile.txt").write_text("\n".join(hostile), encoding="utf-8")
    run_pipeline(root, site, engine)
    return root


def run_pipeline(root: Path, site: Path, engine: GxEngine) -> None:
    """Watch `site` once and process what is new into the lake at `root`."""
    with Lake(root) as lake:
        watch(lake, [FolderSource(name="site", path=site)])
        process_versions(lake, Registry(lake).pending(), Settings(), engine=engine)


def lake_of_s02_named(root: Path, department: str, engine: GxEngine) -> Path:
    """A lake at `root/lake` holding a real Shanghai budget (S02's text) whose publisher is
    `department` (a payload the dashboard must show as text)."""
    from budgetdq.parse.pdf import extract_pdf

    real = Path(__file__).resolve().parent.parent / "fixtures" / "real" / "S02.pdf"
    lines = extract_pdf(real.read_bytes()).text.split("\n")
    assert lines[1].startswith("预算主管部门：")
    lines[1] = f"预算主管部门：{department}"
    site = root / "site"
    site.mkdir()
    (site / "hostile.txt").write_text("\n".join(lines), encoding="utf-8")
    run_pipeline(root / "lake", site, engine)
    return root / "lake"


@pytest.fixture(scope="session")
def seeded_lake(tmp_path_factory: pytest.TempPathFactory, engine: GxEngine) -> Path:
    base = tmp_path_factory.mktemp("dashboard")
    return build_lake(base / "lake", base / "site", engine)
