#!/bin/sh
# The Prefect server: API, schedules, event triggers and the lake's lock. One per installation.
#
#   deploy/server.sh                      SQLite in $PREFECT_HOME: one machine
#   PREFECT_API_DATABASE_CONNECTION_URL=postgresql+asyncpg://budgetdq:PASSWORD@db:5432/prefect \
#   PREFECT_SERVER_API_HOST=0.0.0.0 deploy/server.sh     Postgres: workers on several machines
set -eu
export PREFECT_SERVER_ANALYTICS_ENABLED=false DO_NOT_TRACK=1
root="$(cd -- "$(dirname -- "$0")/.." && pwd)"
[ -x "$root/.venv/bin/prefect" ] && PATH="$root/.venv/bin:$PATH"
exec prefect server start --host "${PREFECT_SERVER_API_HOST:-127.0.0.1}" \
    --port "${PREFECT_SERVER_API_PORT:-4200}"
