/**
 * Histogram metrics through the built binary (issue 9, contract §4, statistics.md §4): the share of
 * requests slower than the threshold, counted from cumulative `le` buckets (never an interpolated
 * quantile), judged against the SLO on the canary and against the control. A clear-cut latency
 * regression fails, healthy data passes, and buckets that are missing, partial, non-monotonic,
 * without +Inf or not numbers never pass.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from '@jest/globals';
import { after, atStage, explain, removeSandboxes, T, type Sandbox } from '../helpers/cli.js';

afterAll(removeSandboxes);

type Doc = { decision: string; criteria: Array<Record<string, any>> };
const criterion = (doc: Doc, name: string) => {
  const c = doc.criteria.find((x) => x.name === name);
  if (!c) throw new Error(`no criterion ${name} in ${JSON.stringify(doc.criteria.map((x) => x.name))}`);
  return c;
};

const METRIC = `  - name: latency_slow
    category: performance
    kind: histogram
    query: request_seconds
    threshold: 0.5
    slo: { below: 0.05 }
    compare: { better: lower, failThreshold: 0, passMargin: 0.01 }
`;

/** Bounds of the histogram, and the share of each cohort's requests up to each (cumulative). */
const LES = ['0.1', '0.25', '0.5', '1', '+Inf'];
type Shares = [number, number, number, number];

/**
 * Adds bucket rows `request_seconds{le="…"}` beside every `users` row of the bundled data: per
 * interval, requests = 4 × users, cumulative shares by `le` (the last is +Inf = every request).
 */
function addHistogram(sb: Sandbox, shares: { canary: Shares; control: Shares }, opts: { from?: string } = {}): void {
  const rows = sb.metrics();
  const extra: ReturnType<Sandbox['metrics']> = [];
  for (const r of rows) {
    if (r.metric !== 'users' || (r.cohort !== 'canary' && r.cohort !== 'control')) continue;
    if (opts.from && Date.parse(r.timestamp) < Date.parse(opts.from)) continue;
    const n = Number(r.value) * 4;
    const s = shares[r.cohort as 'canary' | 'control'];
    const counts = [...s.map((x) => Math.round(n * x)), n];
    LES.forEach((le, i) => {
      extra.push({
        timestamp: r.timestamp,
        metric: `request_seconds{le="${le}"}`,
        cohort: r.cohort,
        value: String(counts[i]),
      });
    });
  }
  sb.writeMetrics([...rows, ...extra]);
}

async function sandbox(): Promise<Sandbox> {
  const sb = await atStage('canary-5');
  sb.editPlan((y) => y.replace(/^metrics:\n/m, `metrics:\n${METRIC}`));
  return sb;
}

const HEALTHY: Shares = [0.5, 0.8, 0.98, 0.995];
const SLOW: Shares = [0.3, 0.6, 0.85, 0.95];

describe('histogram metrics', () => {
  it('a plan with a histogram metric validates without the "cannot judge yet" warning', async () => {
    const sb = await sandbox();
    const r = await sb.cmd('validate');
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).not.toMatch(/cannot judge/);
  });

  it.each([
    ['command', '{ type: command }'],
    ['datadog', '{ type: datadog, apiKey: "${DD_API_KEY}", appKey: "${DD_APP_KEY}" }'],
    ['http', '{ type: http, url: "http://127.0.0.1:9/q", jsonPath: "$.v" }'],
  ])(
    'a histogram read from a %s metrics provider (no bucket answer) is a plan error with file:line:column (exit 2)',
    async (type, spec) => {
      const sb = await sandbox();
      sb.editPlan((y) =>
        y
          .replace(
            /^( {4}local: \{ type: file, path: data\/recommendations-metrics.csv \}\n)/m,
            `$1    other: ${spec}\n`,
          )
          .replace('    threshold: 0.5\n', '    threshold: 0.5\n    provider: other\n'),
      );
      const r = await sb.cmd('validate');
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(
        new RegExp(`needs bucket counts, which the ${type} metrics provider "other" cannot answer`),
      );
      expect(r.stderr).toMatch(/recommendations\.yaml:\d+:\d+/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    },
  );

  it("a clear-cut latency regression fails (exit 4): the canary's share slower than 0.5 is above 5 % and above the control's", async () => {
    const sb = await sandbox();
    addHistogram(sb, { canary: SLOW, control: HEALTHY });
    sb.clock.set(after(T.canary5, '12h'));
    const d = await sb.json<Doc>('check', [], 4);
    const cmp = criterion(d, 'latency_slow');
    expect(cmp.verdict).toBe('fail');
    expect(cmp.estimate).toBeGreaterThan(0.1); // 15 % slow against 2 %
    expect(cmp.interval[0]).toBeGreaterThan(0);
    const slo = criterion(d, 'latency_slow (slo)');
    expect(slo.verdict).toBe('fail');
    expect(slo.estimate).toBeCloseTo(0.15, 2);
    expect(slo.samples.canary).toBeGreaterThan(100);
  });

  it('healthy latency passes both the SLO and the comparison', async () => {
    const sb = await sandbox();
    addHistogram(sb, { canary: HEALTHY, control: HEALTHY });
    sb.clock.set(after(T.canary5, '47h'));
    const d = await sb.json<Doc>('check', [], 3); // held by the soak, not by latency
    expect(criterion(d, 'latency_slow').verdict).toBe('pass');
    expect(criterion(d, 'latency_slow (slo)').verdict).toBe('pass');
    expect(criterion(d, 'latency_slow (slo)').estimate).toBeCloseTo(0.02, 3);
  });

  const broken: Array<[string, (sb: Sandbox) => void, RegExp]> = [
    ['no bucket rows at all', () => {}, /no valid|no-data|no data|no histogram/i],
    ['no +Inf bucket', (sb) => sb.editMetrics((r) => (r.metric === 'request_seconds{le="+Inf"}' ? null : r)), /\+Inf/],
    [
      'counts that decrease with le',
      (sb) =>
        sb.editMetrics((r) =>
          r.metric === 'request_seconds{le="1"}' && r.cohort === 'canary' ? { ...r, value: '1' } : r,
        ),
      /decrease/,
    ],
    [
      'a blank value',
      (sb) => {
        let once = false;
        sb.editMetrics((r) => {
          if (
            !once &&
            r.metric === 'request_seconds{le="0.5"}' &&
            r.cohort === 'canary' &&
            Date.parse(r.timestamp) > Date.parse(T.canary5)
          ) {
            once = true;
            return { ...r, value: '' };
          }
          return r;
        });
      },
      /invalid|not a number|NaN/i,
    ],
    [
      'a bucket row missing in one interval (partial data)',
      (sb) => {
        let once = false;
        sb.editMetrics((r) => {
          if (
            !once &&
            r.metric === 'request_seconds{le="0.25"}' &&
            r.cohort === 'canary' &&
            Date.parse(r.timestamp) > Date.parse(T.canary5)
          ) {
            once = true;
            return null;
          }
          return r;
        });
      },
      /invalid|not a number|NaN/i,
    ],
    [
      'a negative count',
      (sb) =>
        sb.editMetrics((r) =>
          r.metric === 'request_seconds{le="0.1"}' && r.cohort === 'canary' ? { ...r, value: '-3' } : r,
        ),
      /invalid|impossible|negative/i,
    ],
  ];
  it.each(broken)('%s never passes: the histogram criteria hold', async (_name, breakIt, why) => {
    const sb = await sandbox();
    if (_name !== 'no bucket rows at all') addHistogram(sb, { canary: HEALTHY, control: HEALTHY });
    breakIt(sb);
    sb.clock.set(after(T.canary5, '47h'));
    const d = await sb.json<Doc>('check', [], 3);
    for (const name of ['latency_slow', 'latency_slow (slo)']) {
      const c = criterion(d, name);
      expect(c.verdict).toBe('hold');
      expect(c.detail).toMatch(why);
    }
  });

  it("data from before the phase is not the phase's evidence: a slow baseline does not fail the canary", async () => {
    const sb = await sandbox();
    addHistogram(sb, { canary: HEALTHY, control: HEALTHY }, { from: T.canary5 });
    // before the phase: the canary cohort was terribly slow
    const early = sb.metrics().filter((r) => r.metric === 'users' && Date.parse(r.timestamp) <= Date.parse(T.canary5));
    const rows = sb.metrics();
    for (const r of early)
      for (const [i, le] of LES.entries())
        rows.push({
          timestamp: r.timestamp,
          metric: `request_seconds{le="${le}"}`,
          cohort: r.cohort,
          value: String(i === 4 ? 100 : 0),
        });
    sb.writeMetrics(rows);
    sb.clock.set(after(T.canary5, '47h'));
    const d = await sb.json<Doc>('check', [], 3);
    expect(criterion(d, 'latency_slow (slo)').verdict).toBe('pass');
  });

  it('backtest replays a histogram metric and says when it would first have failed', async () => {
    const sb = await sandbox();
    addHistogram(sb, { canary: SLOW, control: HEALTHY });
    sb.clock.set(after(T.canary5, '30h'));
    const r = await sb.cmd('backtest', [
      '--phase',
      'canary-5',
      '--from',
      T.canary5,
      '--to',
      after(T.canary5, '24h'),
      '--every',
      '2h',
      '--json',
    ]);
    if (r.code !== 0 && r.code !== 4) throw new Error(`backtest: ${r.code} ${r.stderr}`);
    const doc = JSON.parse(r.stdout);
    expect(doc.firstFailureAt).not.toBeNull();
    expect(doc.checks.some((c: { decision: string }) => c.decision === 'fail')).toBe(true);
  });
});

describe('the phase report', () => {
  it("the comparative analysis shows a Mann-Whitney test of each latency metric's phase values, labelled", async () => {
    const sb = await atStage('canary-25');
    sb.clock.set(after(T.canary25, '6h'));
    await sb.json<Doc>('advance', [], 3);
    const md = readFileSync(sb.reportFile('canary-25', 'md'), 'utf8').replace(/\s+/g, ' ');
    expect(md).toMatch(
      /Mann-Whitney U \| z \| p \(fixed-horizon: not valid under repeated looks; informational, never gates\)/,
    );
    // 15-minute values from 09:00 (exclusive) to 15:00: 24 intervals per cohort
    expect(md).toMatch(/\| latency_p95 \| 24 \/ 24 \| [\d.]+ \/ [\d.]+ \| [\d.]+ \| -?[\d.]+ \| [\d.e-]+ \|/);
    expect(md).toMatch(/\| db_response_time \| 24 \/ 24 \|/);
    expect(md).not.toMatch(/\| error_rate \| 24/);
  });
});

describe('the example plan plans/latency-histogram.yaml', () => {
  it('validates, enters canary-5 and passes its histogram checks a day later (--json)', async () => {
    const sb = await atStage('start');
    const plan = 'plans/latency-histogram.yaml';
    const v = await sb.run(['validate', plan]);
    if (v.code !== 0) throw new Error(explain(v));
    const a = await sb.run(['advance', plan], { now: '2026-06-18T00:00:00Z' });
    if (a.code !== 0) throw new Error(explain(a));
    expect(a.stdout).toMatch(/pre-deploy → canary-5/);
    const c = await sb.run(['check', plan, '--json'], { now: '2026-06-19T00:00:00Z' });
    if (c.code !== 0) throw new Error(explain(c));
    const d = c.json<Doc>();
    expect(d.decision).toBe('advanced');
    expect(criterion(d, 'request_latency')).toMatchObject({ verdict: 'pass' });
    expect(criterion(d, 'request_latency').samples.canary).toBeGreaterThan(10000);
    expect(criterion(d, 'request_latency (slo)').estimate).toBeLessThan(0.05);
  });
});
