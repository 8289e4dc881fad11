/**
 * A large metrics file through the built binary: the reference data sampled ten times as often (every
 * 90 s instead of every 15 min, about 200,000 rows) gives `check` exactly the verdicts and details the
 * whole-file reader gave on the same files before the file was read in one streaming pass (the tables
 * below were recorded from it): with the data intact, and with a breach, a NaN, a missing count row
 * and a late duplicated row out of order.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { atStage, explain, removeSandboxes, type MetricRow, type Sandbox } from '../helpers/cli.js';

afterAll(removeSandboxes);

/** The sandbox's rows, each repeated at nine more times 90 s apart (or changed, or dropped by `edit`). */
function densify(sb: Sandbox, edit: (r: MetricRow, k: number) => string | null = (r) => r.value): number {
  const lines = ['timestamp,metric,cohort,value'];
  for (const r of sb.metrics()) {
    const t0 = Date.parse(r.timestamp);
    for (let k = 0; k < 10; k++) {
      const value = edit(r, k);
      if (value !== null) lines.push(`${new Date(t0 + k * 90_000).toISOString()},${r.metric},${r.cohort},${value}`);
    }
  }
  writeFileSync(sb.metricsFile, `${lines.join('\n')}\n`);
  return lines.length - 1;
}

async function check(sb: Sandbox, code: number): Promise<{ decision: string; criteria: [string, string, string][] }> {
  const r = await sb.cmd('check', ['--json']);
  if (r.code !== code) throw new Error(`expected exit ${code}, got ${explain(r)}`);
  const d = r.json<{ decision: string; criteria: { name: string; verdict: string; detail: string }[] }>();
  return { decision: d.decision, criteria: d.criteria.map((c) => [c.name, c.verdict, c.detail]) };
}

const INTACT: [string, string, string][] = [
  ['minDuration', 'pass', '2d in phase ≥ 48h'],
  ['latency_p95', 'pass', 'worst 376 ms within < 500 ms over 24h; 961 of 961 expected points (every 1m 30s)'],
  ['error_rate', 'pass', 'worst 0.279 % within < 0.5 % over 24h; 961 of 961 expected points (every 1m 30s)'],
  ['cpu_utilization', 'pass', 'worst 64.1 % within < 80 % over 24h; 961 of 961 expected points (every 1m 30s)'],
  ['memory_utilization', 'pass', 'worst 67.9 % within < 85 % over 24h; 961 of 961 expected points (every 1m 30s)'],
  ['db_response_time', 'pass', 'worst 54.1 ms within < 100 ms over 24h; 961 of 961 expected points (every 1m 30s)'],
  [
    'acceptance_vs_control',
    'hold',
    'no harm beyond the pass margin; canary − control 0.0113 (+9.48 %); always-valid interval [0.0106, 0.0119]; p = 0.00; samples canary 2849724, control 54750276; SRM mismatch (p = 2.10e-23)',
  ],
  [
    'conversion_vs_control',
    'hold',
    'no harm beyond the pass margin; canary − control 0.00234 (+7.51 %); always-valid interval [0.00176, 0.00292]; p = 4.72e-28; samples canary 949908, control 18250092; SRM mismatch (p = 2.10e-23)',
  ],
  [
    'sample-ratio',
    'hold',
    'sample ratio mismatch: sample-ratio mismatch: the sequential p 2.096e-23 is below 0.001; every comparison is suspect and the gate cannot pass',
  ],
  ['incidents', 'pass', 'no open incident at critical or worse (0 milder open)'],
  ['approvals', 'pass', '1/1 approvals (tech-lead)'],
];

const EDITED: [string, string, string][] = [
  ['minDuration', 'pass', '2d in phase ≥ 48h'],
  [
    'latency_p95',
    'fail',
    '950 ms at 2026-06-19T15:04:30.000Z breaks the SLO < 500 ms; 1 of 961 points outside over 24h (past the severe bound < 800 ms)',
  ],
  ['error_rate', 'hold', '1 point(s) were NaN or not numbers; 960 valid'],
  ['cpu_utilization', 'pass', 'worst 64.1 % within < 80 % over 24h; 963 of 961 expected points (every 1m 30s)'],
  ['memory_utilization', 'pass', 'worst 67.9 % within < 85 % over 24h; 961 of 961 expected points (every 1m 30s)'],
  ['db_response_time', 'pass', 'worst 54.1 ms within < 100 ms over 24h; 961 of 961 expected points (every 1m 30s)'],
  [
    'acceptance_vs_control',
    'hold',
    'no harm beyond the pass margin; canary − control 0.0113 (+9.48 %); always-valid interval [0.0106, 0.0119]; p = 0.00; samples canary 2849724, control 54750276; SRM mismatch (p = 2.09e-23)',
  ],
  [
    'conversion_vs_control',
    'hold',
    'no-data: no counts for the canary; samples canary —, control —; SRM mismatch (p = 2.09e-23)',
  ],
  [
    'sample-ratio',
    'hold',
    'sample ratio mismatch: sample-ratio mismatch: the sequential p 2.092e-23 is below 0.001; every comparison is suspect and the gate cannot pass',
  ],
  ['incidents', 'pass', 'no open incident at critical or worse (0 milder open)'],
  ['approvals', 'pass', '1/1 approvals (tech-lead)'],
];

describe('a metrics file of 200,000 rows', () => {
  it('intact: the verdicts and details of the whole-file reader', async () => {
    const sb = await atStage('canary-5-approved');
    expect(densify(sb)).toBe(199_860);
    expect(await check(sb, 3)).toEqual({ decision: 'held', criteria: INTACT });
  });

  it('a breach, a NaN, a missing count row and a late duplicated row: the verdicts and details of the whole-file reader', async () => {
    const sb = await atStage('canary-5-approved');
    densify(sb, (r, k) => {
      const at = (t: string) => r.cohort === 'canary' && r.timestamp === t;
      if (r.metric === 'latency_p95' && at('2026-06-19T15:00:00Z')) return k === 3 ? '950' : r.value;
      if (r.metric === 'error_rate' && at('2026-06-19T16:00:00Z')) return k === 5 ? 'NaN' : r.value;
      if (r.metric === 'users' && r.timestamp === '2026-06-19T12:00:00Z' && k === 2) return null;
      return r.value;
    });
    // written after the newest rows: counted as points, and the series' spacing unchanged
    const late = '2026-06-19T10:01:30.000Z,cpu_utilization,canary,41\n';
    writeFileSync(sb.metricsFile, late + late, { flag: 'a' });
    expect(await check(sb, 4)).toEqual({ decision: 'failed', criteria: EDITED });
  });
});
