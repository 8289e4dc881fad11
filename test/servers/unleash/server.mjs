// Unleash 7.5.1 start module for the rollout test servers (scripts/servers/start-unleash.sh).
//
// It imports 'unleash-server', so it must run from a directory whose node_modules holds the pinned
// install: start-unleash.sh copies it next to the cached `npm ci` of ./package-lock.json
// (${ROLLOUT_SERVERS_ROOT:-${TMPDIR:-/tmp}/rollout-servers}/unleash-modules/<hash>/) and runs it there.
// Everything else comes from the environment, which Unleash reads itself: DATABASE_URL, HTTP_HOST,
// HTTP_PORT, INIT_ADMIN_API_TOKENS, INIT_BACKEND_API_TOKENS, SEND_TELEMETRY, CHECK_VERSION, LOG_LEVEL.
import { start } from 'unleash-server';

const host = process.env.HTTP_HOST ?? '127.0.0.1';
const port = Number(process.env.HTTP_PORT ?? 14242);
const unleash = await start({
  db: { ssl: false }, // DATABASE_URL supplies host/port/user/password/db
  server: { host, port },
  versionCheck: { enable: false }, // no outbound call to the version service
});
console.log(`unleash listening on http://${host}:${port} pid ${process.pid}`);

// Unleash 7.5.1 handles some events in listeners whose rejections are unhandled (e.g. the feature
// lifecycle insert after a flag was archived and deleted at once): Node would end the process and
// take every later test down with it. Log them and keep serving; the log shows what happened.
process.on('unhandledRejection', (e) => {
  console.error(
    `[unhandled rejection inside unleash-server, kept running] ${e instanceof Error ? e.stack : String(e)}`,
  );
});

let stopping = false;
for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, async () => {
    if (stopping) return;
    stopping = true;
    try {
      await unleash.stop();
    } finally {
      process.exit(0);
    }
  });
}
