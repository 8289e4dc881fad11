/**
 * Locations of the real test servers that `npm test` (scripts/test.sh → scripts/servers/up.sh) starts on
 * 127.0.0.1 before Jest runs. Each accessor throws when its variable is missing, so a test that needs a
 * server fails loudly instead of being skipped.
 *
 * Prometheus holds a synthetic 72 h history ending at promEnd(): services "recommendations" (canary p95
 * regression to ≈0.9 s from END-30h to END-26h, healthy otherwise) and "checkout" (healthy throughout).
 * See scripts/servers/README.md. The servers may be shared by concurrent runs and reused between runs:
 * use unique flag names, alert labels and database objects.
 */

const HOW = 'run the tests with `npm test`, which starts it';

function required(server: string, name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(`${server} test server not available: ${name} is not set; ${HOW}`);
  }
  return value;
}

function url(server: string, name: string): string {
  const value = required(server, name);
  try {
    new URL(value);
  } catch {
    throw new Error(`${server} test server: ${name} is not a URL: ${JSON.stringify(value)}`);
  }
  return value.replace(/\/+$/, '');
}

/** Base URL of Prometheus with the backfilled history, e.g. http://127.0.0.1:19090 (no trailing slash). */
export function prometheusUrl(): string {
  return url('Prometheus', 'ROLLOUT_TEST_PROMETHEUS_URL');
}

/** Unix time in seconds (a multiple of 60) of the last backfilled sample; the history starts 72 h earlier. */
export function promEnd(): number {
  const raw = required('Prometheus', 'ROLLOUT_TEST_PROM_END');
  const end = Number(raw);
  if (!Number.isInteger(end) || end <= 0) {
    throw new Error(
      `Prometheus test server: ROLLOUT_TEST_PROM_END is not a unix time in seconds: ${JSON.stringify(raw)}`,
    );
  }
  return end;
}

/** Base URL of Alertmanager (API v2 under /api/v2), e.g. http://127.0.0.1:19095. */
export function alertmanagerUrl(): string {
  return url('Alertmanager', 'ROLLOUT_TEST_ALERTMANAGER_URL');
}

/** Unleash base URL and an admin API token (send it as the Authorization header as is, no "Bearer"). */
export function unleash(): { url: string; token: string } {
  return {
    url: url('Unleash', 'ROLLOUT_TEST_UNLEASH_URL'),
    token: required('Unleash', 'ROLLOUT_TEST_UNLEASH_TOKEN'),
  };
}

/** PostgreSQL connection URL of a database the tests own (role may CREATEDB), e.g. postgres://rollout:rollout@127.0.0.1:15432/rollout. */
export function postgresUrl(): string {
  return url('PostgreSQL', 'ROLLOUT_TEST_PG_URL');
}
