/**
 * The metrics contract: the same assertions for every metrics adapter — the metrics file, the
 * command provider, a loopback JSON endpoint (http), the loopback Datadog fake and the real Prometheus (/tmp/servers.env). Each serves
 * exactly the data its source holds; no data and values that are not numbers are never a point, and
 * a gate judging them never passes; a provider that cannot answer fails naming itself, without secrets.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { evaluateMetric } from '../../src/gates/evaluate-metric.js';
import { metricSchema } from '../../src/plan/schema.js';
import type { MetricQuery, MetricsProvider, Series } from '../../src/providers/types.js';
import { type DatadogFake, startDatadogFake } from '../helpers/fakes/datadog.js';
import { type FakeServer, sendJson, startServer } from '../helpers/fakes/http.js';
import { CLOSED, contextFor, createAdapter, expectNamedFailure } from './harness.js';

const MIN = 60_000;
/** A minute boundary in the past (Prometheus answers for any time range; the others hold what we give them). */
const T0 = Math.floor((Date.now() - 3_600_000) / MIN) * MIN;
const WINDOW = { from: T0, to: T0 + 9 * MIN };
const VALUES = [100, 101, 102, 103, 104, 105, 106, 107, 108, 109];

interface MetricsHarness {
  provider: MetricsProvider;
  /** a query whose source holds `values`, one per minute from T0 */
  data: { query: string; values: number[] };
  /** a query for which the source holds nothing */
  none: string;
  /** a query whose source holds only values that are not numbers (NaN, null) */
  notANumber: string;
  broken(): Promise<MetricsProvider>;
  names: RegExp;
  secrets: string[];
  close(): Promise<void>;
}

const cases: Array<[string, () => Promise<MetricsHarness>]> = [
  [
    'file (CSV)',
    async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'rollout-metrics-contract-'));
      const rows = VALUES.map((v, i) => `${new Date(T0 + i * MIN).toISOString()},latency,canary,${v}`);
      const nan = VALUES.map((_, i) => `${new Date(T0 + i * MIN).toISOString()},broken,canary,NaN`);
      writeFileSync(path.join(dir, 'm.csv'), ['timestamp,metric,cohort,value', ...rows, ...nan, ''].join('\n'));
      const ctx = contextFor('local-metrics', dir);
      return {
        provider: await createAdapter('metrics', { type: 'file', path: 'm.csv' }, ctx),
        data: { query: 'latency', values: VALUES },
        none: 'absent',
        notANumber: 'broken',
        broken: () => createAdapter('metrics', { type: 'file', path: 'missing.csv' }, ctx),
        names: /metrics file/,
        secrets: [],
        close: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  ],
  [
    'command',
    async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'rollout-command-contract-'));
      const pairs = VALUES.map((v, i) => `[${(T0 + i * MIN) / 1000},${v}]`).join(',');
      const ctx = contextFor('cmd-metrics', dir);
      return {
        provider: await createAdapter('metrics', { type: 'command', timeout: '10s' }, ctx),
        data: { query: `echo '[${pairs}]'`, values: VALUES },
        none: `echo '[]'`,
        notANumber: 'echo NaN',
        broken: async () => createAdapter('metrics', { type: 'command', cwd: 'no-such-folder' }, ctx),
        names: /command for metric/,
        secrets: [],
        close: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  ],
  [
    'datadog (loopback fake)',
    async () => {
      const apiKey = 'dd-api-contract-0123456789abcdef01';
      const appKey = 'dd-app-contract-fedcba9876543210fedcba98';
      const fake: DatadogFake = await startDatadogFake({ apiKey, appKey });
      fake.setSeries('avg:latency{cohort:canary}', [{ points: VALUES.map((v, i) => [T0 + i * MIN, v]) }]);
      fake.setSeries('avg:broken{cohort:canary}', [{ points: VALUES.map((_, i) => [T0 + i * MIN, null]) }]);
      const settings = { type: 'datadog', url: fake.url, interval: '1m', timeout: '2s', retries: 0 };
      const ctx = contextFor('dd');
      return {
        provider: await createAdapter('metrics', { ...settings, apiKey, appKey }, ctx),
        data: { query: 'avg:latency{cohort:canary}', values: VALUES },
        none: 'avg:absent{cohort:canary}',
        notANumber: 'avg:broken{cohort:canary}',
        broken: () => createAdapter('metrics', { ...settings, apiKey: `${apiKey}x`, appKey: `${appKey}x` }, ctx),
        names: /Datadog/,
        secrets: [apiKey, appKey, `${apiKey}x`, `${appKey}x`],
        close: () => fake.close(),
      };
    },
  ],
  [
    'http (loopback JSON endpoint)',
    async () => {
      const token = 'Bearer http-contract-3c4d5e6f7a8b';
      const table: Record<string, unknown[]> = {
        latency: VALUES.map((v, i) => [(T0 + i * MIN) / 1000, v]),
        absent: [],
        broken: VALUES.map((_, i) => ({ timestamp: T0 + i * MIN, value: null })),
      };
      const server: FakeServer = await startServer((req, res) => {
        if (req.headers.authorization !== token) return sendJson(res, 401, { error: 'unauthorized' });
        sendJson(res, 200, { data: { points: table[req.query.get('q') ?? ''] ?? [] } });
      });
      const settings = { type: 'http', jsonPath: '$.data.points', timeout: '2s', retries: 0 };
      const ctx = contextFor('http-metrics');
      return {
        provider: await createAdapter(
          'metrics',
          { ...settings, url: `${server.url}/series?q={{query}}`, headers: { Authorization: token } },
          ctx,
        ),
        data: { query: 'latency', values: VALUES },
        none: 'absent',
        notANumber: 'broken',
        broken: () =>
          createAdapter(
            'metrics',
            { ...settings, url: `${server.url}/series?q={{query}}`, headers: { Authorization: `${token}-old` } },
            ctx,
          ),
        names: /^HTTP metrics/,
        secrets: [token, 'http-contract-3c4d5e6f7a8b'],
        close: () => server.close(),
      };
    },
  ],
  [
    'prometheus (real server)',
    async () => {
      const { prometheusUrl } = await import('../helpers/servers.js');
      const bearer = 'Bearer prom-contract-7c1d2e3f4a5b';
      const ctx = contextFor('prom');
      return {
        provider: await createAdapter('metrics', { type: 'prometheus', url: prometheusUrl(), step: '60s' }, ctx),
        // a constant series: one sample per step, as a scraped one would be
        data: { query: 'vector(104.5)', values: VALUES.map(() => 104.5) },
        none: 'rollout_contract_absent_metric{cohort="canary"}',
        notANumber: 'vector(NaN)',
        broken: () =>
          createAdapter(
            'metrics',
            { type: 'prometheus', url: CLOSED, headers: { Authorization: bearer }, retries: 0, timeout: '2s' },
            ctx,
          ),
        names: /Prometheus/,
        secrets: [bearer, 'prom-contract-7c1d2e3f4a5b'],
        close: async () => undefined,
      };
    },
  ],
];

const query = (q: string): MetricQuery => ({ metric: 'latency', query: q, cohort: 'canary', ...WINDOW });
const verdict = (series: Series) =>
  evaluateMetric({
    metric: metricSchema.parse({ name: 'latency', slo: { below: 1e9 }, interval: '1m' }),
    observation: { cohort: 'canary', ...WINDOW, series },
    windowLabel: '9m',
  }).verdict;

describe.each(cases)('metrics contract: %s', (_name, setup) => {
  let h: MetricsHarness;
  beforeAll(async () => {
    h = await setup();
  });
  afterAll(() => h?.close());

  test('serves exactly what its source holds: the values, in time order, inside the window', async () => {
    const s = await h.provider.query(query(h.data.query));
    expect(s.invalid).toBe(0);
    expect(s.points.map((p) => p.v)).toEqual(h.data.values);
    const times = s.points.map((p) => p.t);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    for (const t of times) expect(t >= WINDOW.from && t <= WINDOW.to).toBe(true);
    expect(verdict(s)).toBe('pass');
  });

  test('no data is an empty series, never zeros, and never passes a gate', async () => {
    const s = await h.provider.query(query(h.none));
    expect(s.points).toEqual([]);
    expect(verdict(s)).not.toBe('pass');
  });

  test('values that are not numbers are counted invalid, never points, and never pass a gate', async () => {
    const s = await h.provider.query(query(h.notANumber));
    expect(s.points).toEqual([]);
    expect(s.invalid).toBeGreaterThan(0);
    expect(verdict(s)).not.toBe('pass');
  });

  test('a provider that cannot answer fails, naming itself, with no secret in the message', async () => {
    await expectNamedFailure((await h.broken()).query(query(h.data.query)), { names: h.names, secrets: h.secrets });
  });
});
