// Smoke tests for the real test servers started by scripts/servers/up.sh (via `npm test`).
// They check the servers themselves and the Prometheus scenario that other tests rely on
// (documented in scripts/servers/README.md and scripts/servers/gen-openmetrics.mjs).
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import { alertmanagerUrl, postgresUrl, promEnd, prometheusUrl, unleash } from '../helpers/servers.js';

const execFileAsync = promisify(execFile);
const H = 3600;

async function getJson(url: string | URL, init?: RequestInit): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(20_000) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    /* keep text */
  }
  return { status: res.status, body };
}

type Series = { metric: Record<string, string>; values: [number, string][] };

async function queryRange(query: string, start: number, end: number, step: number): Promise<Series[]> {
  const u = new URL('/api/v1/query_range', prometheusUrl());
  u.search = new URLSearchParams({ query, start: String(start), end: String(end), step: String(step) }).toString();
  const { status, body } = await getJson(u);
  expect({ status, s: body?.status }).toEqual({ status: 200, s: 'success' });
  return body.data.result as Series[];
}

async function queryInstant(
  query: string,
  time: number,
): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const u = new URL('/api/v1/query', prometheusUrl());
  u.search = new URLSearchParams({ query, time: String(time) }).toString();
  const { status, body } = await getJson(u);
  expect({ status, s: body?.status }).toEqual({ status: 200, s: 'success' });
  return body.data.result;
}

function byCohort(result: { metric: Record<string, string> }[]): Record<string, any> {
  return Object.fromEntries(result.map((r) => [r.metric.cohort, r]));
}

describe('Prometheus test server', () => {
  it('is ready and holds 72 h of canary and control history at 60 s resolution', async () => {
    expect((await fetch(new URL('/-/ready', prometheusUrl()))).status).toBe(200);
    const end = promEnd();
    expect(end % 60).toBe(0);
    const start = end - 72 * H;

    for (const service of ['recommendations', 'checkout']) {
      // raw counter samples: 72 h / 60 s + 1 per series
      const raw = byCohort(await queryRange(`http_requests_total{service="${service}",code="200"}`, start, end, 60));
      expect(Object.keys(raw).sort()).toEqual(['canary', 'control']);
      for (const cohort of ['canary', 'control']) {
        const values = raw[cohort].values as [number, string][];
        expect(values).toHaveLength(4321);
        expect(values[0]![0]).toBe(start);
        expect(values.at(-1)![0]).toBe(end);
        expect(Number(values.at(-1)![1])).toBeGreaterThan(Number(values[1]![1]));
      }
      // the same count straight from the TSDB, for every series of the family
      const counts = await queryInstant(`count_over_time(http_requests_total{service="${service}"}[73h])`, end);
      expect(counts).toHaveLength(4); // 2 cohorts x 2 codes
      for (const c of counts) expect(Number(c.value[1])).toBe(4321);
      // rate() needs two samples, so a range query has one point less
      const rates = await queryRange(
        `sum by (cohort) (rate(http_requests_total{service="${service}"}[5m]))`,
        start,
        end,
        60,
      );
      expect(rates.map((r) => r.values.length)).toEqual([4320, 4320]);
    }
    const recs = await queryInstant('count_over_time(recs_accepted_total{service="recommendations"}[73h])', end);
    expect(recs.map((r) => Number(r.value[1]))).toEqual([4321, 4321]);
  });

  it('has the documented scenario: recommendations canary p95 regression END-30h..END-26h, healthy otherwise', async () => {
    const end = promEnd();
    const start = end - 72 * H;
    const p95 = (service: string) =>
      queryRange(
        `histogram_quantile(0.95, sum by (le, cohort) (rate(http_request_duration_seconds_bucket{service="${service}"}[5m])))`,
        start,
        end,
        60,
      );

    const recs = byCohort(await p95('recommendations'));
    const inWindow = (t: number) => t >= end - 30 * H + 300 && t <= end - 26 * H;
    const clear = (t: number) => t <= end - 30 * H || t >= end - 26 * H + 300;
    const canary = recs.canary.values as [number, string][];
    const slow = canary.filter(([t]) => inWindow(t)).map(([, v]) => Number(v));
    const fast = canary.filter(([t]) => clear(t)).map(([, v]) => Number(v));
    expect(slow).toHaveLength(4 * 60 - 4);
    expect(Math.min(...slow)).toBeGreaterThan(0.8);
    expect(Math.max(...slow)).toBeLessThan(1.0);
    expect(Math.min(...fast)).toBeGreaterThan(0.2);
    expect(Math.max(...fast)).toBeLessThan(0.3);
    for (const [, v] of recs.control.values as [number, string][])
      expect(Math.abs(Number(v) - 0.24)).toBeLessThan(0.02);

    const checkout = byCohort(await p95('checkout'));
    for (const cohort of ['canary', 'control']) {
      const vs = (checkout[cohort].values as [number, string][]).map(([, v]) => Number(v));
      expect(Math.max(...vs)).toBeLessThan(0.3);
      expect(Math.min(...vs)).toBeGreaterThan(0.2);
    }

    // error ratio ≈ 0.3 % for both cohorts of both services over the last 24 h
    const ratios = await queryInstant(
      'sum by (service, cohort) (increase(http_requests_total{code="500"}[24h])) / sum by (service, cohort) (increase(http_requests_total[24h]))',
      end,
    );
    expect(ratios).toHaveLength(4);
    for (const r of ratios) expect(Math.abs(Number(r.value[1]) - 0.003)).toBeLessThan(0.0003);
  });
});

describe('Alertmanager test server', () => {
  it('accepts an alert and returns it', async () => {
    const base = alertmanagerUrl();
    expect((await fetch(new URL('/-/ready', base))).status).toBe(200);
    const run = randomUUID();
    const now = Date.now();
    const post = await getJson(new URL('/api/v2/alerts', base), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        {
          labels: { alertname: 'RolloutSmokeTest', severity: 'critical', service: 'recommendations', run },
          annotations: { summary: 'smoke test alert' },
          startsAt: new Date(now - 60_000).toISOString(),
          endsAt: new Date(now + 10 * 60_000).toISOString(),
        },
      ]),
    });
    expect(post.status).toBe(200);

    const u = new URL('/api/v2/alerts', base);
    u.searchParams.append('filter', `run="${run}"`);
    const got = await getJson(u);
    expect(got.status).toBe(200);
    expect(got.body).toHaveLength(1);
    expect(got.body[0]).toMatchObject({
      labels: { alertname: 'RolloutSmokeTest', severity: 'critical', service: 'recommendations', run },
      annotations: { summary: 'smoke test alert' },
      status: { state: 'active' },
    });
  });
});

describe('Unleash test server', () => {
  it('is healthy and accepts the admin token', async () => {
    const { url, token } = unleash();
    const health = await getJson(new URL('/health', url));
    expect(health).toEqual({ status: 200, body: { health: 'GOOD' } });

    const projects = await getJson(new URL('/api/admin/projects', url), { headers: { authorization: token } });
    expect(projects.status).toBe(200);
    expect(projects.body.projects.map((p: { id: string }) => p.id)).toContain('default');

    const envs = await getJson(new URL('/api/admin/environments', url), { headers: { authorization: token } });
    expect(envs.status).toBe(200);
    expect(envs.body.environments.map((e: { name: string }) => e.name)).toEqual(
      expect.arrayContaining(['development', 'production']),
    );

    const anonymous = await getJson(new URL('/api/admin/projects', url));
    expect(anonymous.status).toBe(401);
  });
});

describe('PostgreSQL test server', () => {
  it('accepts a connection', async () => {
    const { stdout } = await execFileAsync(
      'psql',
      [
        '-X',
        '-A',
        '-t',
        '-v',
        'ON_ERROR_STOP=1',
        '-c',
        'select current_user, current_database(), 40 + 2',
        postgresUrl(),
      ],
      {
        timeout: 20_000,
      },
    );
    expect(stdout.trim()).toBe('rollout|rollout|42');
  });
});
