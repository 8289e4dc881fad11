#!/usr/bin/env bash
# Install the Debian packages the test servers need, only when missing.
# Usage: install-packages.sh [pg] [prom] [am] [chromium] [xmllint]   (no arguments = all five)
# Guards (same as the validated recipe):
#   pg   -> `ls /usr/lib/postgresql/*/bin/initdb` (a plain `apt-get install postgresql-15` would upgrade a
#           preinstalled 15.x), package postgresql-15
#   prom -> `prometheus` and `promtool` on PATH, package prometheus
#   am   -> `prometheus-alertmanager` on PATH, package prometheus-alertmanager
#   chromium -> `chromium` on PATH, package chromium (the HTML report tests render pages headless)
#   xmllint  -> `xmllint` on PATH, package libxml2-utils (the JUnit files are validated against an XSD)
# `apt-get update` runs once, only when something is missing; always --no-install-recommends
# (without it `prometheus` pulls 39 packages). Needs root when something is missing.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
[ $# -gt 0 ] || set -- pg prom am chromium xmllint
need=()
for s in "$@"; do
  case "$s" in
    pg) ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql-15) ;;
    prom) { command -v prometheus && command -v promtool; } >/dev/null 2>&1 || need+=(prometheus) ;;
    am) command -v prometheus-alertmanager >/dev/null 2>&1 || need+=(prometheus-alertmanager) ;;
    chromium) command -v chromium >/dev/null 2>&1 || need+=(chromium) ;;
    xmllint) command -v xmllint >/dev/null 2>&1 || need+=(libxml2-utils) ;;
    *) say "install-packages.sh: unknown server '$s'"; exit 2 ;;
  esac
done
[ ${#need[@]} -gt 0 ] || exit 0
if [ "$(id -u)" != 0 ]; then
  say "missing packages: ${need[*]}; not root, so cannot run: apt-get install -y --no-install-recommends ${need[*]}"
  exit 1
fi
command -v apt-get >/dev/null || { say "missing packages ${need[*]} and no apt-get"; exit 1; }
export DEBIAN_FRONTEND=noninteractive
t=$(ms)
say "apt-get update + install --no-install-recommends ${need[*]}"
# DPkg::Lock::Timeout: wait for a concurrent apt/dpkg instead of failing at once
apt-get -o DPkg::Lock::Timeout=300 update -qq
apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${need[@]}" >/dev/null
say "installed ${need[*]} in $(( $(ms) - t )) ms"
