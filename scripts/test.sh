#!/usr/bin/env bash
# `npm test`: build, start the real test servers, run Jest, stop the servers, summarise.
#
#   bash scripts/test.sh [jest args...]        e.g. bash scripts/test.sh test/servers
#
# 1. npm run build, npm run typecheck (Jest's swc transform does not type-check), npm run lint (Biome)
# 2. scripts/servers/up.sh (PostgreSQL, Unleash, Prometheus with backfilled history, Alertmanager;
#    installs what is missing, reuses servers that already answer) and exports
#    ROLLOUT_TEST_PROMETHEUS_URL, ROLLOUT_TEST_PROM_END, ROLLOUT_TEST_ALERTMANAGER_URL,
#    ROLLOUT_TEST_UNLEASH_URL, ROLLOUT_TEST_UNLEASH_TOKEN, ROLLOUT_TEST_PG_URL.
#    There is no switch to skip them: if one cannot start, Jest still runs, the tests that need it fail
#    (test/helpers/servers.ts throws), and this script exits non-zero.
# 3. Jest (native ESM) with --json --outputFile in addition to the normal output.
# 4. Last line: "N passed, N failed" (tests; a suite that failed without a failing test, e.g. one that
#    does not compile, counts as 1 failed; so does a failed build or a Jest run that failed without a
#    failing test). Exit status non-zero if anything failed.
# The servers this run started are stopped on exit (scripts/servers/down.sh; servers still used by
# another concurrent run are left to that run).
set -uo pipefail
cd "$(dirname "$0")/.."
TMP=$(mktemp -d "${TMPDIR:-/tmp}/rollout-test.XXXXXX")
export ROLLOUT_SERVERS_LEASE=$$
ENV_FILE=$TMP/servers.env
stopped=0
stop_servers() {
  [ "$stopped" = 1 ] && return 0
  stopped=1
  echo "== stopping test servers (scripts/servers/down.sh)"
  bash scripts/servers/down.sh "$ENV_FILE" || true
}
trap 'stop_servers; rm -rf "$TMP"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

problems=()
echo "== npm run build"
npm run build || problems+=("npm run build failed")
echo "== npm run typecheck (src and tests)"
npm run typecheck || problems+=("npm run typecheck failed")
echo "== npm run lint (Biome: format and lint)"
npm run lint || problems+=("npm run lint failed (npm run format fixes the formatting)")

echo "== test servers (scripts/servers/up.sh)"
bash scripts/servers/up.sh "$ENV_FILE" || problems+=("some test servers could not be started (see above); the tests that need them fail")
unset ROLLOUT_TEST_PROMETHEUS_URL ROLLOUT_TEST_PROM_END ROLLOUT_TEST_ALERTMANAGER_URL ROLLOUT_TEST_UNLEASH_URL \
  ROLLOUT_TEST_UNLEASH_TOKEN ROLLOUT_TEST_UNLEASH_CLIENT_TOKEN ROLLOUT_TEST_PG_URL
if [ -f "$ENV_FILE" ]; then
  # shellcheck disable=SC1090
  . "$ENV_FILE"
fi
for v in ROLLOUT_TEST_PROMETHEUS_URL ROLLOUT_TEST_PROM_END ROLLOUT_TEST_ALERTMANAGER_URL ROLLOUT_TEST_UNLEASH_URL ROLLOUT_TEST_UNLEASH_TOKEN ROLLOUT_TEST_PG_URL; do
  if [ -n "${!v:-}" ]; then echo "   $v=${!v}"; else echo "   $v is NOT set"; fi
done

echo "== jest"
JSON=$TMP/jest.json
node --experimental-vm-modules --disable-warning=ExperimentalWarning node_modules/jest/bin/jest.js "$@" --json --outputFile="$JSON"
jest_rc=$?

summary=$(node -e '
const fs = require("node:fs");
let r;
try { r = JSON.parse(fs.readFileSync(process.argv[1], "utf8")); } catch { console.log("0 0 0"); process.exit(0); }
const silent = (r.testResults || []).filter((t) => t.status === "failed" && !(t.assertionResults || []).some((a) => a.status === "failed"));
console.log(`${r.numPassedTests || 0} ${(r.numFailedTests || 0) + silent.length} 1`);
for (const t of silent) console.error(`suite failed without a failing test: ${t.name}`);
' "$JSON")
read -r passed failed have_json <<< "$summary"
[ "$have_json" = 1 ] || problems+=("jest wrote no JSON result")
[ "$jest_rc" = 0 ] || problems+=("jest exited with status $jest_rc")
# stop the servers now, so that the summary really is the last line
stop_servers
for p in "${problems[@]}"; do echo "NOTE: $p"; done
# anything wrong counts as at least one failure, so the summary never says "0 failed" on a failed run
if [ ${#problems[@]} -gt 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ ${#problems[@]} -eq 0 ]
