#!/usr/bin/env bash
# Generate the synthetic 72 h history (gen-openmetrics.mjs, see the scenario there), backfill it with
# promtool into a fresh TSDB and start Prometheus (Debian `prometheus`, 2.42) on 127.0.0.1:PORT.
# Usage: start-prometheus.sh [WORKDIR] [PORT] [END]
#   defaults: $ROOT/prom-19090, 19090, END = now rounded down to the minute minus 60 s
# Writes WORKDIR/end (the END used, unix seconds) and WORKDIR/server.pid. Stop with SIGTERM.
# Retention is 30d (must exceed the backfilled span; retention counts from the newest block, not now).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
WORKDIR=${1:-$PROM_DIR}
PORT=${2:-$PROM_PORT}
END=${3:-$(( $(date +%s) / 60 * 60 - 60 ))}
for b in prometheus promtool; do command -v $b >/dev/null || { say "$b not installed (scripts/servers/install-packages.sh prom)"; exit 1; }; done
rm -rf "$WORKDIR/data" "$WORKDIR/server.pid" "$WORKDIR/end" "$WORKDIR/synthetic.om"
mkdir -p "$WORKDIR/data"
t=$(ms)
node "$HERE/gen-openmetrics.mjs" --hours 72 --step 60 --end "$END" --out "$WORKDIR/synthetic.om"
# 24h blocks: 4 blocks instead of 37 and ~4x faster than the 2h default (flag is hidden from --help in 2.42)
promtool tsdb create-blocks-from openmetrics --max-block-duration=24h -q "$WORKDIR/synthetic.om" "$WORKDIR/data" \
  > "$WORKDIR/backfill.log" 2>&1 || { say "promtool backfill failed:"; tail -n 30 "$WORKDIR/backfill.log" >&2; exit 1; }
rm -f "$WORKDIR/synthetic.om"
say "generated + backfilled 72 h in $(( $(ms) - t )) ms"
cat > "$WORKDIR/prometheus.yml" <<'YAML'
global:
  scrape_interval: 15s
  evaluation_interval: 15s
scrape_configs: []
YAML
promtool check config "$WORKDIR/prometheus.yml" >/dev/null
nohup prometheus \
  --config.file="$WORKDIR/prometheus.yml" \
  --storage.tsdb.path="$WORKDIR/data" \
  --storage.tsdb.retention.time=30d \
  --web.listen-address="127.0.0.1:$PORT" \
  --web.enable-lifecycle --web.enable-admin-api \
  > "$WORKDIR/prometheus.log" 2>&1 < /dev/null &
pid=$!
echo "$pid" > "$WORKDIR/server.pid"
echo "$END" > "$WORKDIR/end"
# /-/ready is 200 once the TSDB, including the backfilled blocks, has loaded
wait_ready prometheus 60 "$pid" "$WORKDIR/prometheus.log" http_ok "http://127.0.0.1:$PORT/-/ready" || exit 1
say "prometheus ready on http://127.0.0.1:$PORT (pid $pid, history ends at $END)"
