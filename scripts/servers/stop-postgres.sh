#!/usr/bin/env bash
# Stop the cluster started by start-postgres.sh. Usage: stop-postgres.sh [WORKDIR]
# pg_ctl -m fast stop as the postgres user; falls back to SIGINT (fast shutdown) to the pid in WORKDIR/server.pid.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
WORKDIR=${1:-$PG_DIR}
PGBIN=${PGBIN:-$(pg_bin)}
pid=$(owned_pid "$WORKDIR") || { say "postgres in $WORKDIR is not running"; exit 0; }
cd "$WORKDIR"
if ! as_pg "$PGBIN/pg_ctl" -D "$WORKDIR/data" -m fast -w -t 30 stop >/dev/null 2>&1; then
  stop_pid postgres "$pid" INT
fi
rm -f "$WORKDIR/server.pid"
say "postgres stopped (pid $pid)"
