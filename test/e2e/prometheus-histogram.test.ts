/**
 * Histogram metrics against the real Prometheus (issue 9, contract §4): the share of requests slower
 * than 0.5 s is counted from `http_request_duration_seconds_bucket` increases by `le` since the phase
 * was entered (`sum by (le) (increase(…))`), never from an interpolated quantile. The backfilled
 * history's canary is slow from END-30h to END-26h (scripts/servers/README.md): a phase entered in
 * that stretch fails; one entered after it passes the SLO and the comparison against the control.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { explain, rollout, type CliResult } from '../helpers/cli.js';
import { prometheusUrl, promEnd } from '../helpers/servers.js';

const PLAN = `version: 1
name: latency-histogram
flag: { key: recs-histogram }
providers:
  flags: { local: { type: file, path: .rollout/flags.json } }
  metrics: { prom: { type: prometheus, url: "\${PROMETHEUS_URL}" } }
metrics:
  - name: slow_requests
    kind: histogram
    query: 'http_request_duration_seconds_bucket{service="recommendations",cohort="{{cohort}}"}'
    threshold: 0.5
    slo: { below: 0.05 }
    compare: { better: lower, failThreshold: 0, passMargin: 0.01 }
phases:
  - { name: pre-deploy, traffic: 0 }
  - { name: canary, traffic: 5, minDuration: 1h, advance: { sloWindow: 1h } }
  - { name: full, traffic: 100 }
advance: { noOpenIncidents: false }
`;

let end: number;
const dirs: string[] = [];
const at = (hoursBeforeEnd: number) => new Date((end - hoursBeforeEnd * 3600) * 1000).toISOString();

function sandbox(): (args: string[], now: string) => Promise<CliResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rollout-hist-'));
  dirs.push(dir);
  writeFileSync(path.join(dir, 'plan.yaml'), PLAN);
  const env = { PROMETHEUS_URL: prometheusUrl(), ROLLOUT_NO_CACHE: '1' };
  return (args, now) => rollout([args[0]!, 'plan.yaml', ...args.slice(1)], { cwd: dir, now, env, timeoutMs: 60_000 });
}

const criterion = (r: CliResult, name: string) => {
  const c = r.json().criteria.find((x: { name: string }) => x.name === name);
  if (!c) throw new Error(`no criterion ${name}: ${explain(r)}`);
  return c;
};

beforeAll(() => {
  end = promEnd();
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('histogram metrics on Prometheus', () => {
  it('the canary slow in its phase fails the SLO and the comparison (exit 4), with the share slower than 0.5 s', async () => {
    const run = sandbox();
    const entered = await run(['advance', '--json'], at(30));
    expect(entered.code).toBe(0);
    const r = await run(['check', '--json'], at(27));
    expect(r.code).toBe(4);
    const slo = criterion(r, 'slow_requests (slo)');
    expect(slo.verdict).toBe('fail');
    expect(slo.estimate).toBeGreaterThan(0.05);
    expect(slo.samples.canary).toBeGreaterThan(10_000);
    const cmp = criterion(r, 'slow_requests');
    expect(cmp.verdict).toBe('fail');
    expect(cmp.interval[0]).toBeGreaterThan(0);
    expect(cmp.samples.control).toBeGreaterThan(cmp.samples.canary);
  });

  it('a phase entered after the regression passes: its evidence starts at its entry', async () => {
    const run = sandbox();
    expect((await run(['advance', '--json'], at(24))).code).toBe(0);
    const r = await run(['check', '--json'], at(20));
    expect(r.code).toBe(0);
    expect(criterion(r, 'slow_requests (slo)').verdict).toBe('pass');
    expect(criterion(r, 'slow_requests').verdict).toBe('pass');
    expect(criterion(r, 'slow_requests (slo)').estimate).toBeLessThan(0.05);
  });

  it('a query that matches no histogram holds (no data is never a pass)', async () => {
    const run = sandbox();
    expect((await run(['advance', '--json'], at(24))).code).toBe(0);
    const planFile = path.join(dirs[dirs.length - 1]!, 'plan.yaml');
    writeFileSync(planFile, PLAN.replace('service="recommendations"', 'service="no-such-service"'));
    const r = await run(['check', '--json'], at(20));
    expect(r.code).toBe(3);
    expect(criterion(r, 'slow_requests (slo)').verdict).toBe('hold');
    expect(criterion(r, 'slow_requests').verdict).toBe('hold');
  });
});
