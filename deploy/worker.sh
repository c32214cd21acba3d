#!/bin/sh
# A process worker of the pool `budgetdq`: one per machine, each running at most LIMIT flow runs.
#
#   deploy/worker.sh [NAME] [LIMIT]       (defaults: budgetdq-<hostname>, 2)
#
# Stop it with SIGINT (systemd: KillSignal=SIGINT): it lets its runs finish.
set -eu
cd -- "$(dirname -- "$0")/.."
. deploy/env.sh
exec prefect worker start --pool budgetdq --name "${1:-budgetdq-$(hostname)}" \
    --limit "${2:-2}"
