import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, test } from '@jest/globals';
import { addSecret, clearSecrets } from '../../../src/redact.js';
import { createCommandMetrics, parseOutput } from '../../../src/providers/metrics/command/index.js';
import { commandMetricsSettings } from '../../../src/providers/metrics/command/settings.js';
import type { MetricQuery, MetricsProvider } from '../../../src/providers/types.js';
import { adapterContext, expectProviderError } from '../../helpers/providers.js';

const T0 = 1796000000000;
const MIN = 60_000;
const SECRET = 'cmd-secret-3e8d1f0a9b7c';

let dir: string;
const ctx = () => adapterContext({ name: 'scripts', baseDir: dir, now: () => T0 }).ctx;
const provider = (over: Record<string, unknown> = {}): Promise<MetricsProvider> =>
  createCommandMetrics(commandMetricsSettings.parse({ type: 'command', timeout: '5s', ...over }), ctx());
const q = (query: string, over: Partial<MetricQuery> = {}): MetricQuery => ({
  metric: 'latency',
  query,
  cohort: 'canary',
  from: T0,
  to: T0 + 10 * MIN,
  ...over,
});

const caught = (p: Promise<unknown>) => expectProviderError(p, { secrets: [SECRET] });

/** Running, not merely a zombie waiting for an init that does not reap (as in some containers). */
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
};

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'rollout-command-'));
  mkdirSync(path.join(dir, 'scripts'));
  writeFileSync(path.join(dir, 'scripts', 'value.txt'), '0.42\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => clearSecrets());

describe('what the command prints', () => {
  it('a number is one point at `to`, with logs on stderr ignored', async () => {
    const series = await (await provider()).query(q('echo "querying..." >&2; echo 0.25'));
    // with the provider's sampling interval (the default 1m), which the gate counts points against
    expect(series).toEqual({ points: [{ t: T0 + 10 * MIN, v: 0.25 }], invalid: 0, stepMs: MIN });
  });

  it('states the interval it is configured with', async () => {
    expect((await (await provider({ interval: '15m' })).query(q('echo 1'))).stepMs).toBe(15 * MIN);
  });

  it('runs in the plan folder by default, or in cwd resolved against it', async () => {
    expect((await (await provider()).query(q('cat scripts/value.txt'))).points).toEqual([
      { t: T0 + 10 * MIN, v: 0.42 },
    ]);
    expect((await (await provider({ cwd: 'scripts' })).query(q('cat value.txt'))).points).toEqual([
      { t: T0 + 10 * MIN, v: 0.42 },
    ]);
  });

  it('passes the metric, cohort and window in the environment, on top of the process environment', async () => {
    process.env.ROLLOUT_TEST_INHERITED = 'yes';
    const out = path.join(dir, 'env.json');
    const cmd = `printf '{"m":"%s","c":"%s","f":"%s","t":"%s","p":"%s","i":"%s"}' "$ROLLOUT_METRIC" "$ROLLOUT_COHORT" "$ROLLOUT_FROM" "$ROLLOUT_TO" "$ROLLOUT_PLAN" "$ROLLOUT_TEST_INHERITED" > ${out}; echo 1`;
    await (await provider()).query(q(cmd, { cohort: 'control' }));
    delete process.env.ROLLOUT_TEST_INHERITED;
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual({
      m: 'latency',
      c: 'control',
      f: new Date(T0).toISOString(),
      t: new Date(T0 + 10 * MIN).toISOString(),
      p: 'checkout',
      i: 'yes',
    });
  });

  const W = { from: T0, to: T0 + 10 * MIN };
  test.each<[string, string, { points: Array<{ t: number; v: number }>; invalid: number }]>([
    ['a bare number', ' 42\n', { points: [{ t: W.to, v: 42 }], invalid: 0 }],
    ['a decimal without a leading zero', '.5', { points: [{ t: W.to, v: 0.5 }], invalid: 0 }],
    ['an exponent', '-1.5e-3', { points: [{ t: W.to, v: -0.0015 }], invalid: 0 }],
    ['nan (as awk prints it) is invalid', 'nan', { points: [], invalid: 1 }],
    ['-Infinity is invalid', '-Infinity', { points: [], invalid: 1 }],
    ['-1e999 (a number too large: -Infinity) is invalid', '-1e999', { points: [], invalid: 1 }],
    ['1e999 is invalid', '1e999', { points: [], invalid: 1 }],
    [
      '"1e999" in JSON is invalid',
      JSON.stringify([
        [T0 / 1000, '1e999'],
        [T0 / 1000 + 60, 2],
      ]),
      { points: [{ t: T0 + MIN, v: 2 }], invalid: 1 },
    ],
    ['JSON false is invalid, not zero', 'false', { points: [], invalid: 1 }],
    ['a JSON empty string is invalid, not zero', '""', { points: [], invalid: 1 }],
    ['JSON null is invalid', 'null', { points: [], invalid: 1 }],
    ['an empty JSON list is no data', '[]', { points: [], invalid: 0 }],
    ['{value}', '{"value": 3, "unit": "ms"}', { points: [{ t: W.to, v: 3 }], invalid: 0 }],
    [
      '{timestamp, value}',
      `{"timestamp": "${new Date(T0 + MIN).toISOString()}", "value": 3}`,
      { points: [{ t: T0 + MIN, v: 3 }], invalid: 0 },
    ],
    [
      'a list of [t, v] pairs in seconds, with a gap',
      JSON.stringify([
        [T0 / 1000, 1],
        [T0 / 1000 + 60, null],
        [T0 / 1000 + 120, '2'],
      ]),
      {
        points: [
          { t: T0, v: 1 },
          { t: T0 + 2 * MIN, v: 2 },
        ],
        invalid: 1,
      },
    ],
    [
      'a list of {timestamp, value} in ms, outside points dropped',
      JSON.stringify([
        { timestamp: T0 - MIN, value: 9 },
        { timestamp: T0 + MIN, value: 1 },
        { t: T0 + 20 * MIN, v: 9 },
      ]),
      { points: [{ t: T0 + MIN, v: 1 }], invalid: 0 },
    ],
  ])('%s', (_name, stdout, expected) => {
    expect(parseOutput(stdout, W)).toEqual(expected);
  });
});

describe('failures: never a value', () => {
  it('a non-zero exit gives the code and the last stderr line, redacted', async () => {
    addSecret(SECRET);
    const e = await caught(
      (await provider()).query(q(`echo 0.1; echo "connecting" >&2; echo "auth failed for ${SECRET}" >&2; exit 3`)),
    );
    expect(e.message).toBe(
      'command for metric "latency" (echo 0.1; echo "connecting" >&2; echo "auth failed for ***" >&2; exit 3) exited with code 3: auth failed for ***',
    );
    expect(e.provider).toBe('scripts');
  });

  it('a command killed by a signal fails', async () => {
    const e = await caught((await provider()).query(q('echo 1; kill -9 $$')));
    expect(e.message).toMatch(/was killed by SIGKILL$/);
  });

  it('a timeout kills the whole process group', async () => {
    const pidFile = path.join(dir, 'bg.pid');
    const started = Date.now();
    const e = await caught(
      (await provider({ timeout: '300ms' })).query(q(`sleep 30 & echo $! > ${pidFile}; echo "waiting" >&2; wait`)),
    );
    expect(Date.now() - started).toBeLessThan(3000);
    expect(e.message).toMatch(/\) did not finish within 300ms and was stopped: waiting$/);
    expect(e.hint).toBe('raise the provider timeout or make the command faster');
    const pid = Number(readFileSync(pidFile, 'utf8'));
    // SIGTERM reaches the background sleep too; allow it a moment to go
    for (let i = 0; i < 20 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50));
    expect(alive(pid)).toBe(false);
  });

  test.each([
    ['nothing printed', 'true', /printed output that is not a metric: nothing was printed; it printed ""$/],
    [
      'text',
      'echo "p95 is 0.25"',
      /printed output that is not a metric: neither a number nor JSON; it printed "p95 is 0.25"$/,
    ],
    ['several lines', 'echo 1; echo 2', /neither a number nor JSON; it printed "1 2"$/],
    [
      'bare numbers',
      'echo "[1, 2, 3]"',
      /found 3 bare values without timestamps; which is the metric's value is ambiguous; it printed "\[1, 2, 3\]"$/,
    ],
    ['an object without value', 'echo \'{"p95": 1}\'', /found an object without a "value" \(keys: p95\)/],
  ])('%s is a ProviderError', async (_name, cmd, message) => {
    const e = await caught((await provider()).query(q(cmd)));
    expect(e.message).toMatch(message);
    expect(e.hint).toBeTruthy();
  });

  it('output beyond 1 MB is refused', async () => {
    const e = await caught((await provider()).query(q('head -c 2000000 /dev/zero | tr "\\0" "1"')));
    expect(e.message).toMatch(/printed more than 1 MB and was stopped$/);
  });

  it('a missing cwd is a ProviderError', async () => {
    const e = await caught((await provider({ cwd: 'nowhere' })).query(q('echo 1')));
    expect(e.message).toBe(
      `command for metric "latency" (echo 1) could not be started in ${path.join(dir, 'nowhere')} (ENOENT)`,
    );
  });
});
