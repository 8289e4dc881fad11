#!/usr/bin/env bash
# Install unleash-server 7.5.1 from the pinned lock (test/servers/unleash/package-lock.json) into a cache
# outside the repo and print the directory (it holds node_modules/ and a copy of server.mjs):
#   $ROLLOUT_SERVERS_ROOT/unleash-modules/<sha256(lock + node major)[:16]>
# Reused when complete (marker file .complete); otherwise installed into a temp dir with `npm ci` and
# renamed into place, so an interrupted install never leaves a half-filled cache. Takes 35-75 s cold.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
SRC=$(cd "$HERE/../../test/servers/unleash" && pwd)
key=$( { cat "$SRC/package-lock.json"; node -p 'process.versions.node.split(".")[0]'; } | sha256sum | cut -c1-16)
DEST=$ROOT/unleash-modules/$key
mkdir -p "$ROOT/unleash-modules"
exec 8>"$ROOT/unleash-modules/.lock-$key"
flock -w 900 8 || { say "could not lock the Unleash module cache"; exit 1; }
if [ ! -f "$DEST/.complete" ]; then
  t=$(ms)
  say "installing unleash-server (npm ci) into $DEST"
  TMP=$(mktemp -d "$ROOT/unleash-modules/.tmp-$key.XXXXXX")
  cp "$SRC/package.json" "$SRC/package-lock.json" "$TMP/"
  if ! (cd "$TMP" && npm ci --no-audit --no-fund --prefer-offline --loglevel=error > "$TMP/npm-ci.log" 2>&1); then
    say "npm ci for unleash-server failed:"; tail -n 30 "$TMP/npm-ci.log" >&2; rm -rf "$TMP"; exit 1
  fi
  [ -f "$TMP/node_modules/unleash-server/package.json" ] || { say "npm ci did not install unleash-server"; rm -rf "$TMP"; exit 1; }
  touch "$TMP/.complete"
  rm -rf "$DEST"; mv "$TMP" "$DEST"
  say "unleash-server installed in $(( $(ms) - t )) ms"
fi
cp "$SRC/server.mjs" "$DEST/server.mjs"
echo "$DEST"
