"""The GX engine runs SQL rules on the connection it is given: inside `Lake.scoped` they see the
scoped documents only, not the whole lake (a batch must cost the same however large the lake is)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from budgetdq.checks.engine import GxEngine
from budgetdq.lake import Lake
from tests.conftest import seed_document

PROBE = {
    "type": "unexpected_rows_expectation",
    "kwargs": {"unexpected_rows_query": "SELECT DISTINCT doc_id FROM summary"},
    "meta": {"check": "probe"},
}


def test_sql_rules_see_only_the_scoped_documents(engine: GxEngine, tmp_path: Path) -> None:
    scoped, other = seed_document("000"), seed_document("001")
    with Lake(tmp_path) as lake:
        lake.ingest_many([scoped, other])
        with lake.scoped([scoped.doc_id]):
            frame = pd.DataFrame({"doc_id": [scoped.doc_id], "seq": [0]})
            result = engine.validate("summary", frame, engine.suite("probe", [PROBE]), lake.db)
    [outcome] = result.results
    assert outcome.result["details"]["unexpected_rows"] == [{"doc_id": scoped.doc_id}]
