# The environment of budgetdq's Prefect workers and of `deploy/setup.sh`, on every machine:
# `. deploy/env.sh` from the repository root (systemd: the same variables in an EnvironmentFile).
# Set before sourcing to override the defaults below.

# The Prefect server (deploy/server.sh) every worker talks to.
: "${PREFECT_API_URL:=http://127.0.0.1:4200/api}"
# The lake: one directory on storage every worker mounts at this same path (NFS, CephFS, ...).
: "${BUDGETDQ_LAKE:=/srv/budgetdq/lake}"
# The Prefect global concurrency limit (of 1) that serialises the lake's writers across machines.
: "${BUDGETDQ_LAKE_LOCK:=budgetdq-lake}"
# How often a worker asks the server for runs (Prefect's default is 10 s).
: "${PREFECT_WORKER_QUERY_SECONDS:=2}"
export PREFECT_API_URL BUDGETDQ_LAKE BUDGETDQ_LAKE_LOCK PREFECT_WORKER_QUERY_SECONDS

# Contact nothing but the Prefect server.
export PREFECT_SERVER_ANALYTICS_ENABLED=false DO_NOT_TRACK=1 GX_ANALYTICS_ENABLED=false

# The project's environment (`make setup`), when sourced from the repository root.
if [ -x .venv/bin/prefect ]; then
    PATH="$PWD/.venv/bin:$PATH"
fi
