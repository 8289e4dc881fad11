#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster (Debian postgresql-15) on 127.0.0.1:PORT, fresh every time.
# Usage: start-postgres.sh [WORKDIR] [PORT]      (defaults: $ROOT/pg-15432, 15432)
# - root cannot run initdb/postgres, so as root both run as the `postgres` OS user (runuser).
# - WORKDIR/data is wiped and re-initialised (initdb ~1 s); trust auth, fsync off: test use only.
# - creates role+db `unleash` (for Unleash) and role+db `rollout` (CREATEDB; for the project's tests).
# - writes WORKDIR/server.pid (postmaster pid). Stop: stop-postgres.sh WORKDIR.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
WORKDIR=${1:-$PG_DIR}
PORT=${2:-$PG_PORT}
PGBIN=${PGBIN:-$(pg_bin)}
[ -n "$PGBIN" ] && [ -x "$PGBIN/initdb" ] || { say "postgres not installed (scripts/servers/install-packages.sh pg)"; exit 1; }

if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
fi
mkdir -p "$WORKDIR"
rm -rf "$WORKDIR/data" "$WORKDIR/sock" "$WORKDIR/server.pid"
[ "$(id -u)" = 0 ] && chown postgres: "$WORKDIR"
cd "$WORKDIR"   # runuser keeps the cwd; the postgres user must be able to read it
as_pg mkdir -p "$WORKDIR/data" "$WORKDIR/sock"
as_pg "$PGBIN/initdb" -D "$WORKDIR/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 --no-sync \
  > "$WORKDIR/initdb.log" 2>&1 || { say "initdb failed:"; tail -n 30 "$WORKDIR/initdb.log" >&2; exit 1; }
# unix socket paths are limited to 107 bytes; with a long WORKDIR use TCP only
SOCK=$WORKDIR/sock
[ ${#SOCK} -le 90 ] || SOCK=
: > "$WORKDIR/postgres.log"; [ "$(id -u)" = 0 ] && chown postgres: "$WORKDIR/postgres.log"
if ! as_pg "$PGBIN/pg_ctl" -D "$WORKDIR/data" -l "$WORKDIR/postgres.log" -w -t 60 start \
  -o "-h 127.0.0.1 -p $PORT -c unix_socket_directories='$SOCK' -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null; then
  say "postgres did not start; last lines of $WORKDIR/postgres.log:"; tail -n 30 "$WORKDIR/postgres.log" >&2; exit 1
fi
head -1 "$WORKDIR/data/postmaster.pid" > "$WORKDIR/server.pid"
"$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -t 30 || { say "pg_isready failed"; tail -n 30 "$WORKDIR/postgres.log" >&2; exit 1; }

"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U postgres -d postgres \
  -c "create role unleash login password 'unleash'" -c "create database unleash owner unleash" \
  -c "create role rollout login createdb password 'rollout'" -c "create database rollout owner rollout" >/dev/null
say "postgres ready on 127.0.0.1:$PORT (pid $(cat "$WORKDIR/server.pid"))"
