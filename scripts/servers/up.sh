#!/usr/bin/env bash
# Bring up the rollout test servers on 127.0.0.1 and write a sourceable env file with their URLs.
# Usage: up.sh [ENV_FILE]      (default ${ROLLOUT_SERVERS_ENV:-$ROOT/servers.env})
#
#   PostgreSQL 15 :15432   Unleash 7.5.1 :14242 (on that PG)   Prometheus :19090 (72 h backfilled)
#   Alertmanager :19095    -- ports overridable, see lib.sh; state in ${TMPDIR:-/tmp}/rollout-servers
#
# Idempotent: a server that already answers on its port is reused (Prometheus only if it holds the
# rollout dataset; Unleash only if the admin token works). Missing Debian packages are installed with
# apt (install-packages.sh), Unleash's npm package into a cache outside the repo (install-unleash.sh).
# A server that cannot be installed or started is reported and left out of ENV_FILE; the others still
# start, and the exit status is 1.
#
# Sharing: every up.sh registers a lease (pid ${ROLLOUT_SERVERS_LEASE:-$PPID}, i.e. the calling shell or
# scripts/test.sh) on each server it uses; down.sh drops the lease and stops a server only when no live
# lease is left, so concurrent test runs on one machine can share the servers safely.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
ENV_FILE=${1:-${ROLLOUT_SERVERS_ENV:-$ROOT/servers.env}}
LEASE=${ROLLOUT_SERVERS_LEASE:-$PPID}
T0=$(ms)
step() { say "[$(( $(ms) - T0 )) ms] $*"; }
take_lock || exit 1
failed=()
declare -A STATE   # name -> started|reused|failed

pg_up() { "$(pg_bin)/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 1 2>/dev/null || { command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p "$PG_PORT" -t 1; }; }
unleash_up() { curl -fsS -m 2 "http://127.0.0.1:$UNLEASH_PORT/health" 2>/dev/null | grep -q '"GOOD"'; }
prom_up() { http_ok "http://127.0.0.1:$PROM_PORT/-/ready"; }
am_up() { http_ok "http://127.0.0.1:$AM_PORT/-/ready"; }
psql_su() { "$(pg_bin)/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres "$@"; }

# ---- what is already running
need=()
pg_up && STATE[pg]=reuse || need+=(pg)
unleash_up && STATE[unleash]=reuse
prom_up && STATE[prom]=reuse || need+=(prom)
am_up && STATE[am]=reuse || need+=(am)
# the report tests render HTML in headless Chromium and validate JUnit files with xmllint
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v xmllint >/dev/null 2>&1 || need+=(xmllint)
running="${!STATE[*]}"; step "already answering: ${running:-none}"

# ---- Unleash as a background job: npm install (35-75 s cold, overlapping apt and the other servers),
#      then wait for the PostgreSQL outcome, reset its database, start, wait for /health.
PG_STATE_FILE=$ROOT/.pg-state.$$
rm -f "$PG_STATE_FILE"
UNLEASH_JOB=
launch_unleash() {
  (
    "$HERE/install-unleash.sh" >/dev/null || { say "unleash-server npm install FAILED"; exit 1; }
    for _ in $(seq 1 6000); do [ -s "$PG_STATE_FILE" ] && break; sleep 0.1; done
    case "$(cat "$PG_STATE_FILE" 2>/dev/null)" in
      started) ;;
      reuse) psql_su -c "drop database if exists unleash with (force)" -c "create database unleash owner unleash" >/dev/null || exit 1 ;;
      *) say "unleash needs postgres, which is not available"; exit 1 ;;
    esac
    exec "$HERE/start-unleash.sh" "$UNLEASH_DIR" "$UNLEASH_PORT" "$PG_UNLEASH_URL"
  ) > "$ROOT/unleash-start.log" 2>&1 &
  UNLEASH_JOB=$!
}
[ -n "${STATE[unleash]:-}" ] || launch_unleash

# ---- Debian packages (guarded; apt-get update once, only when something is missing)
if [ ${#need[@]} -gt 0 ]; then
  "$HERE/install-packages.sh" "${need[@]}" || step "package installation failed; servers without their binaries will fail"
fi

# ---- PostgreSQL
if [ "${STATE[pg]:-}" = reuse ]; then
  # make sure the roles/databases exist (a PG we did not start may lack them)
  if [ "$(psql_su -tAc "select count(*) from pg_database where datname in ('unleash','rollout')" 2>/dev/null)" != 2 ]; then
    psql_su -c "create role unleash login password 'unleash'" -c "create database unleash owner unleash" \
            -c "create role rollout login createdb password 'rollout'" -c "create database rollout owner rollout" >/dev/null 2>&1
  fi
  if "$(pg_bin)/psql" -X -q "$PG_TEST_URL" -tAc 'select 1' >/dev/null 2>&1; then
    step "postgres: reusing 127.0.0.1:$PG_PORT"
  else
    step "postgres: something answers on 127.0.0.1:$PG_PORT but $PG_TEST_URL does not work"; STATE[pg]=failed
  fi
elif "$HERE/start-postgres.sh" "$PG_DIR" "$PG_PORT"; then
  STATE[pg]=started; step "postgres started"
else
  STATE[pg]=failed; step "postgres FAILED"
fi

echo "${STATE[pg]}" > "$PG_STATE_FILE"

# ---- Unleash already answering: reuse it if the admin token works; restart our own if it is broken or
#      lost its database with a fresh PostgreSQL; start one if it went away meanwhile.
token_ok() { curl -fsS -m 5 -o /dev/null -H "Authorization: $UNLEASH_ADMIN_TOKEN" "http://127.0.0.1:$UNLEASH_PORT/api/admin/projects" 2>/dev/null; }
gone() { local i; for i in $(seq 1 30); do unleash_up || return 0; sleep 0.1; done; return 1; }
if [ "${STATE[unleash]:-}" = reuse ]; then
  if [ "${STATE[pg]}" = started ] && pid=$(owned_pid "$UNLEASH_DIR"); then
    step "unleash: restarting ours (its database went away with the old PostgreSQL)"
    stop_pid unleash "$pid"; launch_unleash
  elif token_ok; then
    step "unleash: reusing 127.0.0.1:$UNLEASH_PORT"
  elif pid=$(owned_pid "$UNLEASH_DIR"); then
    step "unleash: ours answers but rejects the admin token; restarting it"
    stop_pid unleash "$pid"; launch_unleash
  elif gone; then
    step "unleash: the server on 127.0.0.1:$UNLEASH_PORT went away; starting one"
    launch_unleash
  else
    step "unleash: something answers on 127.0.0.1:$UNLEASH_PORT but rejects the admin token"; STATE[unleash]=failed
  fi
fi

# ---- Prometheus
PROM_END=
if [ "${STATE[prom]:-}" = reuse ]; then
  if owned_pid "$PROM_DIR" >/dev/null && [ -s "$PROM_DIR/end" ]; then
    PROM_END=$(cat "$PROM_DIR/end")
  else
    # not started by us: find where the rollout dataset ends (and whether it is there at all)
    PROM_END=$(curl -fsS -m 20 -G "http://127.0.0.1:$PROM_PORT/api/v1/query" \
      --data-urlencode 'query=max(max_over_time(timestamp(http_requests_total{service="checkout",cohort="canary",code="200"})[30d:1m]))' 2>/dev/null \
      | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{const r=JSON.parse(s).data.result;if(r.length)console.log(Math.round(Number(r[0].value[1])))}catch{}})')
  fi
  if [ -n "$PROM_END" ]; then
    step "prometheus: reusing 127.0.0.1:$PROM_PORT (history ends at $PROM_END)"
  else
    step "prometheus: something answers on 127.0.0.1:$PROM_PORT but it does not hold the rollout test dataset"; STATE[prom]=failed
  fi
elif "$HERE/start-prometheus.sh" "$PROM_DIR" "$PROM_PORT"; then
  STATE[prom]=started; PROM_END=$(cat "$PROM_DIR/end"); step "prometheus started"
else
  STATE[prom]=failed; step "prometheus FAILED"
fi

# ---- Alertmanager
if [ "${STATE[am]:-}" = reuse ]; then
  step "alertmanager: reusing 127.0.0.1:$AM_PORT"
elif "$HERE/start-alertmanager.sh" "$AM_DIR" "$AM_PORT"; then
  STATE[am]=started; step "alertmanager started"
else
  STATE[am]=failed; step "alertmanager FAILED"
fi

if [ -n "$UNLEASH_JOB" ]; then
  if wait "$UNLEASH_JOB"; then STATE[unleash]=started; else STATE[unleash]=failed; fi
  cat "$ROOT/unleash-start.log" >&2
  step "unleash ${STATE[unleash]}"
fi
rm -f "$PG_STATE_FILE"

# ---- leases, env file
dirs=()
for s in pg unleash prom am; do
  case $s in pg) d=$PG_DIR ;; unleash) d=$UNLEASH_DIR ;; prom) d=$PROM_DIR ;; am) d=$AM_DIR ;; esac
  if [ "${STATE[$s]}" = failed ]; then failed+=("$s"); continue; fi
  dirs+=("$d")
  mkdir -p "$d/leases" && echo "$ENV_FILE" > "$d/leases/$LEASE"
done
mkdir -p "$(dirname "$ENV_FILE")"
{
  echo "# written by scripts/servers/up.sh at $(date -u +%FT%TZ); servers that failed are absent"
  [ "${STATE[prom]}" != failed ] && printf "export ROLLOUT_TEST_PROMETHEUS_URL='http://127.0.0.1:%s'\nexport ROLLOUT_TEST_PROM_END='%s'\n" "$PROM_PORT" "$PROM_END"
  [ "${STATE[am]}" != failed ] && printf "export ROLLOUT_TEST_ALERTMANAGER_URL='http://127.0.0.1:%s'\n" "$AM_PORT"
  [ "${STATE[unleash]}" != failed ] && printf "export ROLLOUT_TEST_UNLEASH_URL='http://127.0.0.1:%s'\nexport ROLLOUT_TEST_UNLEASH_TOKEN='%s'\nexport ROLLOUT_TEST_UNLEASH_CLIENT_TOKEN='%s'\n" \
    "$UNLEASH_PORT" "$UNLEASH_ADMIN_TOKEN" "$UNLEASH_CLIENT_TOKEN"
  [ "${STATE[pg]}" != failed ] && printf "export ROLLOUT_TEST_PG_URL='%s'\n" "$PG_TEST_URL"
  printf "ROLLOUT_SERVERS_DIRS='%s'\n" "${dirs[*]}"
} > "$ENV_FILE.tmp" && mv "$ENV_FILE.tmp" "$ENV_FILE"

summary=""
for s in pg unleash prom am; do summary+=" $s=${STATE[$s]}"; done
step "done:$summary; env file $ENV_FILE"
if [ ${#failed[@]} -gt 0 ]; then say "FAILED: ${failed[*]}"; exit 1; fi
