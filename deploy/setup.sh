#!/bin/sh
# Once per Prefect server, again after changing deploy/prefect.yaml (it is idempotent): the work
# pool `budgetdq`, the lake's lock (a global concurrency limit of 1) and the two deployments.
set -eu
cd -- "$(dirname -- "$0")/.."
. deploy/env.sh
prefect work-pool inspect budgetdq >/dev/null 2>&1 ||
    prefect work-pool create budgetdq --type process
prefect global-concurrency-limit inspect "$BUDGETDQ_LAKE_LOCK" >/dev/null 2>&1 ||
    prefect global-concurrency-limit create "$BUDGETDQ_LAKE_LOCK" --limit 1
# Run from the repository root: the runs' working directory, where every worker has the code.
prefect --no-prompt deploy --prefect-file deploy/prefect.yaml --all
