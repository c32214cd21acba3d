"""Prefect flows: they only orchestrate the library (budgetdq.pipeline), one task per stage.

run_once            `run`: one watch cycle and the processing of what is new (`budgetdq run`)
watch               `watch`: poll the sources, announce each new version with an event
process_disclosure  `process-disclosure`: process one version (triggered by that event)
backfill            `backfill`: a whole corpus in batches, parsed in parallel (`budgetdq.backfill`)

`flows.serve.serve()` serves `watch` and `process-disclosure` against a Prefect server.
"""

from flows.process import backfill, process_disclosure
from flows.run import run_once
from flows.watch import watch

__all__ = ["backfill", "process_disclosure", "run_once", "watch"]
