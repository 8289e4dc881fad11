#!/usr/bin/env bash
# Stop the test servers that up.sh started, by their pid files.
# Usage: down.sh [--force] [ENV_FILE]      (default ${ROLLOUT_SERVERS_ENV:-$ROOT/servers.env})
# Drops this caller's lease (pid ${ROLLOUT_SERVERS_LEASE:-$PPID}) on every server listed in ENV_FILE
# (all four default server dirs if ENV_FILE is missing), then stops each server that has no live lease
# left. --force stops them regardless of leases. Servers up.sh merely reused (started by someone else,
# no pid file of ours) are never touched; a pid is only signalled if its command line still matches.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
FORCE=0
[ "${1:-}" = --force ] && { FORCE=1; shift; }
ENV_FILE=${1:-${ROLLOUT_SERVERS_ENV:-$ROOT/servers.env}}
LEASE=${ROLLOUT_SERVERS_LEASE:-$PPID}
take_lock || exit 1
ROLLOUT_SERVERS_DIRS="$PG_DIR $UNLEASH_DIR $PROM_DIR $AM_DIR"
# shellcheck disable=SC1090
[ -f "$ENV_FILE" ] && . "$ENV_FILE"
rc=0
ordered=()   # Unleash first: stop it before its database
for d in $ROLLOUT_SERVERS_DIRS; do case "$d" in */unleash-*) ordered=("$d" "${ordered[@]}") ;; *) ordered+=("$d") ;; esac; done
for d in "${ordered[@]}"; do
  [ -d "$d" ] || continue
  name=$(basename "$d")
  rm -f "$d/leases/$LEASE"
  live=()
  for l in "$d"/leases/*; do
    [ -e "$l" ] || continue
    if kill -0 "$(basename "$l")" 2>/dev/null; then live+=("$(basename "$l")"); else rm -f "$l"; fi
  done
  if [ ${#live[@]} -gt 0 ] && [ $FORCE = 0 ]; then say "$name: still in use by pid ${live[*]}; leaving it running"; continue; fi
  pid=$(owned_pid "$d") || continue      # not started by up.sh, or already gone
  case "$name" in
    pg-*) "$HERE/stop-postgres.sh" "$d" || rc=1 ;;
    *) stop_pid "$name" "$pid"; rm -f "$d/server.pid"; say "$name stopped (pid $pid)" ;;
  esac
done
rm -f "$ENV_FILE"
exit $rc
