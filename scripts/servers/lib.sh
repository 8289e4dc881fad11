# shellcheck shell=bash
# Common settings and helpers for scripts/servers/*.sh (sourced, not run).
#
# Environment (all optional):
#   ROLLOUT_SERVERS_ROOT   state root, default ${TMPDIR:-/tmp}/rollout-servers. Per-server dirs are
#                          $ROOT/<name>-<port> (pid file, log, data); Unleash's npm install is cached in
#                          $ROOT/unleash-modules/<hash of lock + node major>.
#   ROLLOUT_SERVERS_PG_PORT (15432)  ROLLOUT_SERVERS_UNLEASH_PORT (14242)
#   ROLLOUT_SERVERS_PROM_PORT (19090)  ROLLOUT_SERVERS_AM_PORT (19095)
ROOT=${ROLLOUT_SERVERS_ROOT:-${TMPDIR:-/tmp}/rollout-servers}
PG_PORT=${ROLLOUT_SERVERS_PG_PORT:-15432}
UNLEASH_PORT=${ROLLOUT_SERVERS_UNLEASH_PORT:-14242}
PROM_PORT=${ROLLOUT_SERVERS_PROM_PORT:-19090}
AM_PORT=${ROLLOUT_SERVERS_AM_PORT:-19095}
PG_DIR=$ROOT/pg-$PG_PORT
UNLEASH_DIR=$ROOT/unleash-$UNLEASH_PORT
PROM_DIR=$ROOT/prom-$PROM_PORT
AM_DIR=$ROOT/am-$AM_PORT

UNLEASH_ADMIN_TOKEN='*:*.unleash-insecure-admin-api-token'
UNLEASH_CLIENT_TOKEN='default:development.unleash-insecure-client-api-token'
# role/db for Unleash, and a separate role/db for the project's own tests
PG_UNLEASH_URL="postgres://unleash:unleash@127.0.0.1:$PG_PORT/unleash"
PG_TEST_URL="postgres://rollout:rollout@127.0.0.1:$PG_PORT/rollout"

# Lock fds (8: Unleash module cache, 9: $ROOT/.lock) must not leak into long-running servers, or the
# servers would hold the lock for their lifetime: every script closes inherited copies on start.
exec 8>&- 9>&-

ms() { date +%s%3N; }
say() { echo "[servers] $*" >&2; }

# pg binaries dir (newest installed major), empty if none
pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

# as_pg CMD...: run as the postgres OS user when we are root (root may not run initdb/postgres)
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# http_ok URL [curl args...]: 2xx within 2 s
http_ok() { curl -fsS -m 2 -o /dev/null "$@" 2>/dev/null; }

# pid_matches PID PATTERN: process alive and its command line contains PATTERN (guards against pid reuse)
pid_matches() {
  local pid=$1 pat=$2
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$pat"
}

# server_pattern DIR: the command-line pattern of the server kept in DIR
server_pattern() {
  case "$(basename "$1")" in
    pg-*) echo "$1/data" ;;
    unleash-*) echo "rollout-unleash-${1##*-}" ;;
    prom-*) echo "--storage.tsdb.path=$1/data" ;;
    am-*) echo "--storage.path=$1/data" ;;
    *) echo "__no_such_server__" ;;
  esac
}

# owned_pid DIR: prints the pid of the server that up.sh started in DIR if it still runs
owned_pid() {
  local dir=$1 pid
  [ -s "$dir/server.pid" ] || return 1
  pid=$(head -1 "$dir/server.pid")
  pid_matches "$pid" "$(server_pattern "$dir")" && echo "$pid"
}

# wait_ready NAME TIMEOUT_S PID LOG CHECK-CMD...: poll CHECK-CMD every 0.1 s; fail fast if PID exits
wait_ready() {
  local name=$1 timeout=$2 pid=$3 log=$4; shift 4
  local deadline=$(( $(ms) + timeout * 1000 ))
  while [ "$(ms)" -lt "$deadline" ]; do
    if "$@"; then return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then
      say "$name exited before it was ready; last lines of $log:"; tail -n 30 "$log" >&2; return 1
    fi
    sleep 0.1
  done
  say "$name not ready after ${timeout}s; last lines of $log:"; tail -n 30 "$log" >&2
  return 1
}

# stop_pid NAME PID [SIGNAL]: signal and wait up to 15 s, then SIGKILL
stop_pid() {
  local name=$1 pid=$2 sig=${3:-TERM} i
  kill "-$sig" "$pid" 2>/dev/null || return 0
  for i in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  say "$name (pid $pid) did not exit after 15 s; sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
}

# lock: serialise up.sh/down.sh/install runs that share $ROOT (fd 9)
take_lock() {
  mkdir -p "$ROOT"
  exec 9>"$ROOT/.lock"
  flock -w "${1:-1200}" 9 || { say "could not lock $ROOT/.lock"; return 1; }
}
