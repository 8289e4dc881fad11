/** `rollout status` through the binary: a sparkline per metric with its SLO mark, gaps where data is missing, and the countdown. */
import { afterAll, describe, expect, it } from '@jest/globals';
import { ANSI, atStage, removeSandboxes } from '../helpers/cli.js';

afterAll(removeSandboxes);

const row = (out: string, metric: string) =>
  out.split('\n').find((l) => l.startsWith(`${metric} `) && /[▁▂▃▄▅▆▇█·]{8}/.test(l));

describe('status sparklines and countdown', () => {
  it('draws each metric with its SLO mark; missing points are gaps, never low bars; no escape codes without a TTY', async () => {
    const sb = await atStage('canary-5');
    // two hours of latency missing on the canary
    sb.editMetrics((r) =>
      r.metric === 'latency_p95' &&
      r.cohort === 'canary' &&
      r.timestamp >= '2026-06-18T20:00' &&
      r.timestamp < '2026-06-18T22:00'
        ? null
        : r,
    );
    sb.clock.set('2026-06-19T09:00:00Z');
    const r = await sb.cmd('status');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(ANSI);
    const lat = row(r.stdout, 'latency_p95');
    expect(lat).toMatch(/SLO < 500 ms at [▁▂▃▄▅▆▇█]/);
    expect(lat).toMatch(/·/);
    expect(lat).toMatch(/\d+ without data \(·\)/);
    const err = row(r.stdout, 'error_rate');
    expect(err).toMatch(/SLO < 0.5 % at [▁▂▃▄▅▆▇█]/);
    expect(err).not.toMatch(/·/);
    expect(r.stdout).toContain('eligible in 1d (soak)');
    // the gap holds latency_p95 (its window is not covered), and the countdown says so
    expect((await sb.json('status', [], 0)).countdown).toBe(
      'eligible in 1d (soak); also waiting for latency_p95, approvals',
    );
  }, 60_000);

  it('counts the slots that break the SLO', async () => {
    const sb = await atStage('canary-5');
    sb.setMetric('2026-06-18T20:00:00Z', 'latency_p95', 'canary', 650);
    sb.clock.set('2026-06-19T09:00:00Z');
    const r = await sb.cmd('status');
    expect(row(r.stdout, 'latency_p95')).toMatch(/1 slot breaking it/);
    expect(row(r.stdout, 'latency_p95')).toContain('█');
  }, 60_000);
});
