#!/usr/bin/env bash
# Start Prometheus Alertmanager (Debian `prometheus-alertmanager`, 0.25) on 127.0.0.1:PORT, fresh storage.
# Usage: start-alertmanager.sh [WORKDIR] [PORT]     (defaults: $ROOT/am-19095, 19095)
# Alerts are only stored and served by the API (receiver without integrations).
# --cluster.listen-address= (empty) disables HA gossip, which otherwise binds 0.0.0.0:9094.
# Writes WORKDIR/server.pid. Stop with SIGTERM.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
WORKDIR=${1:-$AM_DIR}
PORT=${2:-$AM_PORT}
command -v prometheus-alertmanager >/dev/null || { say "prometheus-alertmanager not installed (scripts/servers/install-packages.sh am)"; exit 1; }
rm -rf "$WORKDIR/data" "$WORKDIR/server.pid"
mkdir -p "$WORKDIR/data"
cat > "$WORKDIR/alertmanager.yml" <<'YAML'
route:
  receiver: blackhole
  group_by: ['alertname', 'service']
  group_wait: 1s
  group_interval: 5s
  repeat_interval: 1h
receivers:
  - name: blackhole
YAML
nohup prometheus-alertmanager \
  --config.file="$WORKDIR/alertmanager.yml" \
  --storage.path="$WORKDIR/data" \
  --web.listen-address="127.0.0.1:$PORT" \
  --cluster.listen-address= \
  > "$WORKDIR/alertmanager.log" 2>&1 < /dev/null &
pid=$!
echo "$pid" > "$WORKDIR/server.pid"
wait_ready alertmanager 60 "$pid" "$WORKDIR/alertmanager.log" http_ok "http://127.0.0.1:$PORT/-/ready" || exit 1
say "alertmanager ready on http://127.0.0.1:$PORT (pid $pid)"
