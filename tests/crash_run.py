"""One cycle over a folder as `budgetdq run` makes it, without Prefect: the process the crash
tests kill (`BUDGETDQ_CRASH_AT`, see `budgetdq.faults`).

    python -m tests.crash_run SITE LAKE
"""

from __future__ import annotations

import sys
from pathlib import Path

from budgetdq.lake import Lake
from budgetdq.pipeline import process_versions, watch
from budgetdq.registry import Registry
from budgetdq.settings import Settings
from budgetdq.sources import FolderSource


def main(site: str, lake: str) -> None:
    with Lake(lake) as store:
        watch(store, [FolderSource(name="site", path=Path(site))])
        process_versions(store, Registry(store).pending(), Settings())


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
