#!/usr/bin/env bash
# Start Unleash OSS 7.5.1 (the last release whose engines allow Node 20) on 127.0.0.1:PORT.
# Usage: start-unleash.sh [WORKDIR] [PORT] [DATABASE_URL]
#   defaults: $ROOT/unleash-14242, 14242, postgres://unleash:unleash@127.0.0.1:15432/unleash
# Installs the pinned npm package first if needed (install-unleash.sh; cached outside the repo).
# Tokens come from the environment (INIT_*_API_TOKENS; only applied while the api_tokens table is empty):
#   admin  '*:*.unleash-insecure-admin-api-token'   (Authorization header as is, no "Bearer")
#   client 'default:development.unleash-insecure-client-api-token'
# Waits (bounded, 180 s) for GET /health {"health":"GOOD"}: a first start on an empty DB runs all
# migrations (4-11 s). Writes WORKDIR/server.pid; stop with SIGTERM (graceful).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
WORKDIR=${1:-$UNLEASH_DIR}
PORT=${2:-$UNLEASH_PORT}
DBURL=${3:-$PG_UNLEASH_URL}
MODS=$("$HERE/install-unleash.sh")
mkdir -p "$WORKDIR"
rm -f "$WORKDIR/server.pid"
export DATABASE_URL="$DBURL" DATABASE_SSL=false HTTP_HOST=127.0.0.1 HTTP_PORT="$PORT" \
  INIT_ADMIN_API_TOKENS="$UNLEASH_ADMIN_TOKEN" INIT_BACKEND_API_TOKENS="$UNLEASH_CLIENT_TOKEN" \
  SEND_TELEMETRY=false CHECK_VERSION=false SCARF_ANALYTICS=false DISABLE_TELEMETRY=true \
  LOG_LEVEL=${LOG_LEVEL:-warn} NODE_ENV=production
# the extra argument only labels the process so down.sh can recognise it by its command line
(cd "$MODS" && exec nohup node server.mjs "rollout-unleash-$PORT" > "$WORKDIR/unleash.log" 2>&1 < /dev/null) &
pid=$!
echo "$pid" > "$WORKDIR/server.pid"
health_good() { curl -fsS -m 2 "http://127.0.0.1:$PORT/health" 2>/dev/null | grep -q '"GOOD"'; }
wait_ready unleash 180 "$pid" "$WORKDIR/unleash.log" health_good || exit 1
say "unleash ready on http://127.0.0.1:$PORT (pid $pid)"
