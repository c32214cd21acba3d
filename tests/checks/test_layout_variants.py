"""Layout damage changes no finding: the four seeds retyped (trailing blanks, CRLF, BOM, full-width
digits, an extra page break inside a table) are checked, and every finding is the original's."""

from __future__ import annotations

from pathlib import Path

import pytest

from budgetdq.checks.engine import GxEngine
from budgetdq.checks.runner import CheckRun
from budgetdq.parse.document import read_document
from tests.checks.conftest import check_bytes, seed_id
from tests.conftest import SEEDS
from tests.parse.test_layout_variants import VARIANTS, break_line, with_page_break


def _findings(run: CheckRun, doc_id: str, moved_after: int | None = None) -> list[tuple]:
    def at(line: int | None) -> int | None:
        return line - 1 if moved_after is not None and line and line > moved_after else line

    return sorted(
        (f.suite, f.check, f.severity, at(f.line), f.observed, f.expected)
        for f in run.findings
        if f.doc_id == doc_id
    )


@pytest.mark.parametrize("variant", [*sorted(VARIANTS), "bom", "page_break"])
def test_a_retyped_seed_has_the_original_findings(
    engine: GxEngine, seeds_run: CheckRun, tmp_path: Path, variant: str
) -> None:
    texts = {seed: path.read_text(encoding="utf-8") for seed, path in SEEDS.items()}
    breaks = {seed: break_line(read_document(text.encode())) for seed, text in texts.items()}
    if variant == "bom":
        retyped = {seed: b"\xef\xbb\xbf" + text.encode() for seed, text in texts.items()}
    elif variant == "page_break":
        retyped = {s: with_page_break(t, breaks[s]).encode() for s, t in texts.items()}
    else:
        retyped = {seed: VARIANTS[variant](text).encode() for seed, text in texts.items()}
    run = check_bytes(engine, tmp_path, *retyped.values())
    for seed, doc_id in zip(retyped, run.doc_ids, strict=True):
        moved = breaks[seed] if variant == "page_break" else None
        assert _findings(run, doc_id, moved) == _findings(seeds_run, seed_id(seed)), seed
