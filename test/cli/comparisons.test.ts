/**
 * Canary-vs-control comparisons through the built binary (issue 9, contract §4): a clear-cut
 * regression fails and stays failed for the phase, A/A data does not fail, a sample-ratio mismatch
 * holds, missing/negative/partial/invalid counts never pass, and `rollout backtest` says where the
 * gate would have held, failed or passed (text and --json).
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { after, atStage, explain, removeSandboxes, T, type CliResult, type Sandbox } from '../helpers/cli.js';

afterAll(removeSandboxes);

type Doc = { decision: string; criteria: Array<Record<string, any>> };
const criterion = (doc: Doc, name: string) => {
  const c = doc.criteria.find((x) => x.name === name);
  if (!c) throw new Error(`no criterion ${name} in ${JSON.stringify(doc.criteria.map((x) => x.name))}`);
  return c;
};
function expectCode(r: CliResult, code: number): void {
  if (r.code !== code) throw new Error(`expected exit ${code}, got ${explain(r)}`);
}

/** A seeded generator, so A/A data has noise and every run sees the same. */
function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (s + 0.5) / 2147483648;
  };
}
function binomial(n: number, p: number, r: () => number): number {
  const g = Math.sqrt(-2 * Math.log(r())) * Math.cos(2 * Math.PI * r());
  return Math.max(0, Math.min(n, Math.round(n * p + Math.sqrt(n * p * (1 - p)) * g)));
}

const inPhase = (at: string) => Date.parse(at) > Date.parse(T.canary5);

/** Sets the canary's conversions after canary-5 was entered to `rate` of its users (seeded noise). */
function canaryConversions(sb: Sandbox, rate: number, seed = 1): void {
  const users = new Map<string, number>();
  for (const r of sb.metrics())
    if (r.metric === 'users' && r.cohort === 'canary') users.set(r.timestamp, Number(r.value));
  const rand = rng(seed);
  sb.editMetrics((r) =>
    r.metric === 'conversions' && r.cohort === 'canary' && inPhase(r.timestamp)
      ? { ...r, value: String(binomial(users.get(r.timestamp)!, rate, rand)) }
      : r,
  );
}

describe('comparisons in the gate', () => {
  it('a clear-cut regression fails (exit 4) with the interval below zero, and the FAIL stays for the phase', async () => {
    const sb = await atStage('canary-5');
    sb.editPlan((y) =>
      y.replace(
        '    denominator: users\n    compare: { better: higher, failThreshold: 0, passMargin: "5%" }\n',
        '    denominator: users\n    compare: { better: higher, failThreshold: 0, passMargin: "5%" }\n    onBreach: light\n',
      ),
    );
    canaryConversions(sb, 0.02); // control converts at 3.1 %
    sb.clock.set(after(T.canary5, '12h'));
    const d = await sb.json<Doc>('advance', [], 4);
    const c = criterion(d, 'conversion_vs_control');
    expect(c.verdict).toBe('fail');
    expect(c.level).toBe('light');
    expect(c.estimate).toBeLessThan(0);
    expect(c.interval[1]).toBeLessThan(0);
    expect(c.pValue).toBeLessThan(0.05);
    expect(c.samples.canary).toBeGreaterThan(0);
    expect(c.samples.control).toBeGreaterThan(c.samples.canary);
    // the light contingency holds the traffic: still in canary-5
    expect(sb.state()).toMatchObject({ phase: 'canary-5', traffic: 5 });
    // the data turn healthy again: the comparison stays failed for the rest of the phase
    canaryConversions(sb, 0.031);
    sb.clock.set(after(T.canary5, '13h'));
    const again = await sb.json<Doc>('check', [], 4);
    expect(criterion(again, 'conversion_vs_control').verdict).toBe('fail');
    expect(criterion(again, 'conversion_vs_control').detail).toMatch(/proven harm/);
  });

  it('A/A data never fails over 48 hours of checks every 10 minutes (backtest --json)', async () => {
    const sb = await atStage('canary-5');
    canaryConversions(sb, 0.031, 5);
    // acceptance A/A too: the canary accepts at the control's 11.9 %
    const shown = new Map<string, number>();
    for (const r of sb.metrics())
      if (r.metric === 'recommendations_shown' && r.cohort === 'canary') shown.set(r.timestamp, Number(r.value));
    const rand = rng(9);
    sb.editMetrics((r) =>
      r.metric === 'recommendations_accepted' && r.cohort === 'canary' && inPhase(r.timestamp)
        ? { ...r, value: String(binomial(shown.get(r.timestamp)!, 0.119, rand)) }
        : r,
    );
    sb.clock.set(T.full);
    const d = await sb.json<any>(
      'backtest',
      ['--phase', 'canary-5', '--from', T.canary5, '--to', T.canary25, '--every', '10m'],
      0,
    );
    expect(d.checks).toHaveLength(288);
    expect(d.firstFailureAt).toBeNull();
    expect(d.checks.every((c: { decision: string }) => c.decision !== 'fail')).toBe(true);
    expect(d.checks[0]).toMatchObject({ at: '2026-06-18T09:10:00.000Z', decision: 'hold' });
  });

  it('a sample-ratio mismatch holds the gate even when every comparison would pass (exit 3)', async () => {
    const sb = await atStage('canary-5-approved');
    // 20 % more canary users than a 5 % split gives, in every count series alike
    sb.editMetrics((r) =>
      r.cohort === 'canary' &&
      inPhase(r.timestamp) &&
      ['users', 'conversions', 'recommendations_shown', 'recommendations_accepted'].includes(r.metric)
        ? { ...r, value: String(Math.round(Number(r.value) * 1.2)) }
        : r,
    );
    const d = await sb.json<Doc>('advance', [], 3);
    expect(d.decision).toBe('held');
    expect(criterion(d, 'sample-ratio')).toMatchObject({ verdict: 'hold' });
    expect(criterion(d, 'sample-ratio').detail).toMatch(/mismatch/);
    expect(criterion(d, 'conversion_vs_control').srm.status).toBe('mismatch');
    expect(sb.state()).toMatchObject({ phase: 'canary-5', traffic: 5 });
  });

  it('without the edits the same stage advances: the comparisons pass once proven', async () => {
    const sb = await atStage('canary-5-approved');
    const d = await sb.json<Doc>('advance', [], 0);
    expect(d.decision).toBe('advanced');
    expect(criterion(d, 'conversion_vs_control')).toMatchObject({ verdict: 'pass' });
    expect(criterion(d, 'acceptance_vs_control')).toMatchObject({ verdict: 'pass' });
  });

  const broken: Array<[string, (sb: Sandbox) => void]> = [
    [
      'missing canary numerator',
      (sb) => sb.editMetrics((r) => (r.metric === 'conversions' && r.cohort === 'canary' ? null : r)),
    ],
    ['a negative count', (sb) => sb.setMetric('2026-06-19T12:00:00Z', 'conversions', 'control', -5)],
    [
      'partial counts (the control numerator stops half-way)',
      (sb) =>
        sb.editMetrics((r) =>
          r.metric === 'conversions' &&
          r.cohort === 'control' &&
          Date.parse(r.timestamp) > Date.parse('2026-06-19T09:00:00Z')
            ? null
            : r,
        ),
    ],
    [
      'counts at other times (the control numerator one minute late, as many rows)',
      (sb) =>
        sb.editMetrics((r) =>
          r.metric === 'conversions' && r.cohort === 'control'
            ? { ...r, timestamp: new Date(Date.parse(r.timestamp) + 60_000).toISOString() }
            : r,
        ),
    ],
    ['a NaN count', (sb) => sb.setMetric('2026-06-19T12:00:00Z', 'users', 'canary', 'NaN')],
    [
      'no exposure counts for the canary',
      (sb) =>
        sb.editMetrics((r) =>
          r.metric === 'users' && r.cohort === 'canary' && inPhase(r.timestamp) ? { ...r, cohort: '' } : r,
        ),
    ],
  ];
  it.each(broken)('%s never passes: the gate holds (exit 3) and the flag stays', async (_what, edit) => {
    const sb = await atStage('canary-5-approved');
    edit(sb);
    const d = await sb.json<Doc>('advance', [], 3);
    expect(d.decision).toBe('held');
    const compared = d.criteria.filter((c) => c.name.endsWith('_vs_control') || c.name === 'sample-ratio');
    expect(compared.some((c) => c.verdict === 'hold')).toBe(true);
    expect(compared.every((c) => c.verdict !== 'fail')).toBe(true);
    expect(sb.state()).toMatchObject({ phase: 'canary-5', traffic: 5 });
  });

  it('an inconclusive comparison says what it needs, in the text output and in --json', async () => {
    const sb = await atStage('canary-5');
    sb.clock.set(after(T.canary5, '1h'));
    const r = await sb.cmd('check');
    expectCode(r, 3);
    const flat = r.stdout.replace(/\s+/g, ' ');
    expect(flat).toMatch(
      /conversion_vs_control hold not proven either way; canary − control [-\d.]+ \([-+][\d.]+ %\); always-valid interval \[/,
    );
    expect(flat).toMatch(/p = [\d.]+; samples canary \d+, control \d+; SRM ok/);
    expect(flat).toMatch(/need about \d+ more canary samples .* about [\d.]+ h at the current rate/);
    const d = await sb.json<Doc>('check', [], 3);
    const c = criterion(d, 'conversion_vs_control');
    expect(c.needed.canary).toBeGreaterThan(0);
    expect(c.needed.hours).toBeGreaterThan(0);
    expect(c.interval[0]).toBeLessThan(c.estimate);
    expect(c.interval[1]).toBeGreaterThan(c.estimate);
    expect(c.fixedHorizon.validUnderRepeatedLooks).toBe(false);
  });
});

describe('the phase report', () => {
  it('the comparative analysis is canary against control within the phase, the fixed-horizon test labelled', async () => {
    const sb = await atStage('canary-25');
    sb.clock.set(after(T.canary25, '6h'));
    await sb.json<Doc>('advance', [], 3);
    const md = readFileSync(sb.reportFile('canary-25', 'md'), 'utf8').replace(/\s+/g, ' ');
    expect(md).toMatch(/Canary against control within the phase, on the counts since the phase was entered/);
    expect(md).toMatch(/\| conversion_vs_control \| (pass|inconclusive) \| [\d.]+ \| [\d.]+ % \| \[/);
    expect(md).toMatch(/z-test p \(fixed-horizon: not valid under repeated looks\)/);
  });
});

describe('rollout backtest', () => {
  it('says where a regression would first have failed (text), and the JSON agrees', async () => {
    const sb = await atStage('canary-5');
    canaryConversions(sb, 0.02);
    sb.clock.set(T.full);
    const args = ['--phase', 'canary-5', '--from', T.canary5, '--to', T.canary25, '--every', '1h'];
    const text = await sb.cmd('backtest', args);
    expectCode(text, 0);
    expect(text.stdout).toMatch(/backtest of recommendations-v2, phase canary-5: 48 checks every 1h/);
    const first = /first failure: (\S+)/.exec(text.stdout)?.[1];
    expect(first).toMatch(/^2026-06-18T/);
    expect(text.stdout).toMatch(/^fail {2}/m);
    expect(text.stdout).toMatch(/conversion_vs_control fail: proven harm/);
    const d = await sb.json<any>('backtest', args, 0);
    expect(d.firstFailureAt).toBe(first);
    expect(d.checks).toHaveLength(48);
    // sticky: every check from the first failure on fails
    const i = d.checks.findIndex((c: { at: string }) => c.at === first);
    expect(d.checks.slice(i).every((c: { decision: string }) => c.decision === 'fail')).toBe(true);
    expect(d.checks.slice(0, i).every((c: { decision: string }) => c.decision === 'hold')).toBe(true);
  });

  it('refuses an unknown phase, a range in the future or backwards, with exit 2 and no stack trace', async () => {
    const sb = await atStage('canary-5');
    sb.clock.set(T.canary25);
    for (const [args, msg] of [
      [['--phase', 'nope', '--from', T.canary5, '--to', T.canary25], /no phase named "nope"/],
      [['--phase', 'canary-5', '--from', T.canary5, '--to', T.full], /in the future/],
      [['--phase', 'canary-5', '--from', T.canary25, '--to', T.canary5], /must be after --from/],
      [['--phase', 'canary-5', '--from', 'yesterday', '--to', T.canary5], /--from yesterday/],
    ] as const) {
      const r = await sb.cmd('backtest', [...args]);
      expectCode(r, 2);
      expect(r.stderr).toMatch(msg);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

describe('plan validation of comparisons', () => {
  it('a compare without a passMargin is an error that says why, at file:line:column (exit 2)', async () => {
    const sb = await atStage('start');
    sb.editPlan((y) =>
      y.replace('compare: { better: higher, failThreshold: 0, passMargin: "5%" }', 'compare: { better: higher }'),
    );
    const r = await sb.cmd('validate');
    expectCode(r, 2);
    expect(r.stderr).toMatch(
      /recommendations\.yaml:\d+:\d+ metrics\[\d+\]\.compare: comparison "acceptance_vs_control" has no passMargin: .*could never pass/,
    );
  });
});
