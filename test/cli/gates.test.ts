/**
 * The gate through the built binary: soak time, SLO breaches and their contingency, missing data,
 * incidents and approvals. Each test starts from a stage of the reference rollout prepared once per
 * file (see atStage) and changes the metrics CSV, the incidents file or the plan.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { readFileSync, rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { after, atStage, removeSandboxes, T, type Sandbox, expectCode } from '../helpers/cli.js';

afterAll(removeSandboxes);

type Doc = {
  criteria: { name: string; verdict: string; detail: string; level?: string; [k: string]: unknown }[];
  [k: string]: any;
};
const criterion = (doc: Doc, name: string) => {
  const c = doc.criteria.find((x) => x.name === name);
  if (!c) throw new Error(`no criterion ${name} in ${JSON.stringify(doc.criteria.map((x) => x.name))}`);
  return c;
};
const verdicts = (doc: Doc, verdict: string) =>
  doc.criteria
    .filter((c) => c.verdict === verdict)
    .map((c) => c.name)
    .sort();

/** advance --json (plus args), asserting the exit code and that the flag file did not move unless allowed */
async function advance(sb: Sandbox, code: number, args: string[] = [], flagMayChange = false): Promise<Doc> {
  const before = readFileSync(sb.flagFile, 'utf8');
  const r = await sb.cmd('advance', [...args, '--json']);
  expectCode(r, code);
  if (!flagMayChange) expect(readFileSync(sb.flagFile, 'utf8')).toBe(before);
  return r.json<Doc>();
}

describe('soak time', () => {
  it('holds before minDuration has elapsed (exit 3), says when it becomes eligible, and leaves the flag alone', async () => {
    const sb = await atStage('canary-5');
    sb.clock.set(after(T.canary5, '24h'));
    expectCode(await sb.cmd('approve', ['--by', 'tech-lead']), 0);
    const d = await advance(sb, 3);
    expect(d).toMatchObject({
      decision: 'held',
      from: 'canary-5',
      to: 'canary-25',
      phase: 'canary-5',
      traffic: 5,
      eligibleAt: '2026-06-20T09:00:00.000Z',
    });
    expect(verdicts(d, 'hold')).toEqual(['minDuration']);
    expect(criterion(d, 'minDuration')).toMatchObject({ verdict: 'hold', eligibleAt: '2026-06-20T09:00:00.000Z' });
    expect(criterion(d, 'minDuration').detail).toContain('48h');
    expect(sb.flagTraffic()).toBe(5);

    const s = await sb.json('status', [], 0);
    expect(s).toMatchObject({
      state: 'in-progress',
      phase: 'canary-5',
      traffic: 5,
      eligibleAt: '2026-06-20T09:00:00.000Z',
      untilEligibleMs: 24 * 3600_000,
      decision: 'held',
    });

    // one second before the end of the soak it still holds; at the end it advances
    sb.clock.set('2026-06-20T08:59:59Z');
    expect((await advance(sb, 3)).decision).toBe('held');
    sb.clock.set(T.canary25);
    expect((await advance(sb, 0, [], true)).decision).toBe('advanced');
  });
});

describe('an SLO breach on the canary', () => {
  it('fails the gate (exit 4) even while the soak time still holds, naming the metric with its numbers and the contingency', async () => {
    const sb = await atStage('canary-5');
    sb.setMetric('2026-06-18T20:00:00Z', 'latency_p95', 'canary', 650);
    sb.clock.set('2026-06-19T09:00:00Z'); // 24h into a 48h soak
    const d = await advance(sb, 4);
    expect(d).toMatchObject({
      decision: 'failed',
      from: 'canary-5',
      to: null,
      verdict: 'fail',
      phase: 'canary-5',
      traffic: 5,
    });
    // the breach is not hidden behind the soak time
    expect(criterion(d, 'minDuration').verdict).toBe('hold');
    const lat = criterion(d, 'latency_p95');
    expect(lat).toMatchObject({
      verdict: 'fail',
      level: 'moderate',
      cohort: 'canary',
      observed: 650,
      breaches: 1,
      points: 97,
      slo: '< 500 ms',
    });
    expect(lat.detail).toContain('650 ms at 2026-06-18T20:00:00.000Z');
    expect(lat.detail).toContain('< 500 ms');
    expect(lat.detail).toContain('1 of 97 points');
    expect(verdicts(d, 'fail')).toEqual(['latency_p95']);
    expect(d.contingency).toMatchObject({ level: 'moderate', action: 'reduce-traffic', applied: false });
    expect(d.reasons.join('\n')).toContain('latency_p95');
    expect(sb.state()).toMatchObject({ status: 'in-progress', phase: 'canary-5', traffic: 5 });
    expect(sb.journal().at(-1)?.type).toBe('rollout.failed');

    // the human output carries the contingency too
    const text = await sb.cmd('advance');
    expectCode(text, 4);
    expect(text.stdout).toContain('gate failed in canary-5');
    expect(text.stdout).toMatch(/contingency \(moderate\): reduce-traffic/);
    expect(text.stdout).toContain('650 ms');
  });

  it('a breach with missing data elsewhere is still a failure, never a hold', async () => {
    const sb = await atStage('canary-5-approved');
    sb.setMetric('2026-06-20T03:00:00Z', 'error_rate', 'canary', 0.9);
    sb.editMetrics((r) =>
      r.metric === 'db_response_time' &&
      r.cohort === 'canary' &&
      r.timestamp >= '2026-06-19T12' &&
      r.timestamp < '2026-06-19T18'
        ? null
        : r,
    );
    const d = await advance(sb, 4);
    expect(d.decision).toBe('failed');
    expect(criterion(d, 'error_rate')).toMatchObject({ verdict: 'fail', observed: 0.9 });
    expect(criterion(d, 'error_rate').detail).toContain('0.9 %');
    expect(criterion(d, 'db_response_time').verdict).toBe('hold');
  });

  it('classifies a breach past `severe` as severe: the contingency is the rollback, reported and not applied', async () => {
    const sb = await atStage('canary-5-approved');
    sb.setMetric('2026-06-19T20:00:00Z', 'latency_p95', 'canary', 900);
    const d = await advance(sb, 4);
    expect(d.decision).toBe('failed');
    expect(criterion(d, 'latency_p95')).toMatchObject({ verdict: 'fail', level: 'severe', observed: 900 });
    expect(criterion(d, 'latency_p95').detail).toContain('< 800 ms'); // the severe bound it went past
    expect(d.contingency).toMatchObject({ level: 'severe', action: 'rollback', applied: false });
    expect(d.rollback).toBeNull();
    expect(sb.state()).toMatchObject({ status: 'in-progress', traffic: 5 });
  });

  it('--apply-contingency on a moderate breach reduces to the previous phase: the flag goes back to its traffic and audience', async () => {
    const sb = await atStage('canary-25');
    sb.setMetric('2026-06-21T03:00:00Z', 'latency_p95', 'canary', 650);
    sb.clock.set('2026-06-21T09:00:00Z');
    const d = await advance(sb, 4, ['--apply-contingency'], true);
    expect(d).toMatchObject({ decision: 'reduced', from: 'canary-25', to: 'canary-5', phase: 'canary-5', traffic: 5 });
    expect(d.contingency).toMatchObject({ level: 'moderate', action: 'reduce-traffic', applied: true });
    expect(d.flag).toMatchObject({
      before: { traffic: 25, audience: 'active-users' },
      after: { traffic: 5, audience: 'technical-users' },
    });
    const f = sb.flag()!;
    expect(f.metadata).toMatchObject({ traffic: 5, audience: 'technical-users' });
    expect(JSON.stringify(f.targeting)).toContain('"var":"profile"');
    expect(JSON.stringify(f.targeting)).toContain('["on",5000]');
    expect(await sb.json('status', [], 0)).toMatchObject({ state: 'in-progress', phase: 'canary-5', traffic: 5 });
    // the flag change is journaled as an effect, with the reason
    const starts = sb.journal().filter((e) => e.type === 'effect.start' && e.data['action'] === 'flag.set-traffic');
    expect(starts.at(-1)?.data['reason']).toMatch(/contingency/);
    expect(sb.journal().some((e) => e.type === 'effect.done' && e.effect === starts.at(-1)?.effect)).toBe(true);
    // the report of the phase left says what happened
    const md = sb.report('canary-25', 'md');
    expect(md).toContain('**reduced** → canary-5');
    expect(md).toMatch(/\*\*Contingency\*\* \(moderate\): reduce-traffic — applied/);
    expect(md).toContain('650 ms');
  });

  it('--apply-contingency on a severe breach rolls back: flag off, state rolled-back, steps timed, run: output kept, manual step pending', async () => {
    const sb = await atStage('canary-5-approved');
    sb.setMetric('2026-06-19T20:00:00Z', 'latency_p95', 'canary', 900);
    const d = await advance(sb, 4, ['--apply-contingency', '--yes'], true);
    expect(d).toMatchObject({ decision: 'rolled-back', from: 'canary-5', state: 'rolled-back', traffic: 0 });
    expect(d.contingency).toMatchObject({ level: 'severe', action: 'rollback', applied: true });
    const steps = d.rollback as any[];
    expect(steps.map((s) => [s.component, s.kind, s.status])).toEqual([
      ['Recommendation service', 'flag', 'done'],
      ['ML models', 'run', 'done'],
      ['Database', 'manual', 'pending'],
      ['API', 'run', 'done'],
    ]);
    for (const s of steps) {
      expect(typeof s.durationMs).toBe('number');
      expect(s.durationMs).toBeGreaterThanOrEqual(0);
      expect(s.overEstimate).toBe(false);
    }
    expect(steps.map((s) => s.estimate)).toEqual(['2m', '5m', '15m-30m', '5m']);
    expect(steps[1]).toMatchObject({ exitCode: 0, output: 'restore previous model version' });
    expect(steps[3]).toMatchObject({ exitCode: 0, output: 'roll back the API deployment' });

    // flag off: nobody is served "on"
    const f = sb.flag()!;
    expect(f.defaultVariant).toBe('off');
    expect(f.targeting === undefined || Object.keys(f.targeting).length === 0).toBe(true);
    expect(f.metadata?.['traffic']).toBe(0);
    expect(sb.state()).toMatchObject({ status: 'rolled-back', traffic: 0, rolledBackAt: '2026-06-20T09:00:00.000Z' });
    expect(await sb.json('status', [], 0)).toMatchObject({ state: 'rolled-back', traffic: 0 });

    // every step is an effect in the journal; the commands' output is recorded
    const j = sb.journal();
    const runs = j.filter((e) => e.type === 'effect.done' && e.data['action'] === 'command.run');
    expect(runs.map((e) => e.data['output'])).toEqual([
      'restore previous model version',
      'roll back the API deployment',
    ]);
    expect(j.filter((e) => e.type === 'effect.start').map((e) => e.data['action'])).toEqual(
      expect.arrayContaining(['flag.disable', 'command.run', 'manual.pending']),
    );
    expect(j.some((e) => e.type === 'rollback.finished')).toBe(true);
    const md = sb.report('canary-5', 'md');
    expect(md).toMatch(/^## Rollback$/m);
    expect(md).toMatch(/^\| Database \| Restore the snapshot if needed \| manual \| pending \|/m);

    // a rolled-back rollout does not advance
    const again = await sb.cmd('advance');
    expectCode(again, 2);
    expect(again.stderr).toContain('rolled back');
  });

  it('a rollback with a failed step is not reported as rolled back: the gate failed (exit 4) and `rollout rollback` can finish it', async () => {
    const sb = await atStage('canary-5-approved');
    sb.editPlan((y) =>
      y.replace(
        `run: "echo 'restore previous model version' "`,
        () => 'run: "echo s3 access denied; test -f s3.fixed"',
      ),
    );
    sb.setMetric('2026-06-19T20:00:00Z', 'latency_p95', 'canary', 900);
    const d = await advance(sb, 4, ['--apply-contingency', '--yes'], true);
    expect(d.decision).toBe('failed');
    expect(d.contingency).toMatchObject({ level: 'severe', action: 'rollback', applied: true });
    expect(d.rollback.map((s: { status: string }) => s.status)).toEqual(['done', 'failed', 'pending', 'done']);
    expect(d.rollback[1]).toMatchObject({ exitCode: 1, output: 's3 access denied' });
    expect(d.reasons.join('\n')).toMatch(/rollback incomplete: ML models \(exit 1\)/);
    expect(sb.state()!.status).toBe('rolling-back'); // it never advances until a person finishes, resumes or resets it
    expect(sb.flag()?.defaultVariant).toBe('off'); // the steps that could run did
    const types = sb.journal().map((e) => e.type);
    expect(types).not.toContain('rollout.rolled-back');
    expect(types.at(-1)).toBe('rollout.failed');

    // fixed by hand, the rollback command completes it
    sb.writeFile('plans/s3.fixed', '');
    const rb = await sb.json('rollback', ['--yes'], 0);
    expect(rb).toMatchObject({ decision: 'rolled-back', state: 'rolled-back', traffic: 0 });
    expect(await sb.json('status', [], 0)).toMatchObject({ state: 'rolled-back', traffic: 0 });
  });

  it('a light breach is reported with its `hold` contingency; --apply-contingency changes nothing', async () => {
    const sb = await atStage('canary-5-approved');
    sb.setMetric('2026-06-19T22:00:00Z', 'cpu_utilization', 'canary', 85);
    const d = await advance(sb, 4, ['--apply-contingency']);
    expect(d.decision).toBe('failed');
    expect(criterion(d, 'cpu_utilization')).toMatchObject({ verdict: 'fail', level: 'light', observed: 85 });
    expect(d.contingency).toMatchObject({ level: 'light', action: 'hold', applied: false });
    expect(sb.state()).toMatchObject({ status: 'in-progress', phase: 'canary-5', traffic: 5 });
  });
});

describe('missing data is never a pass (exit 3)', () => {
  const cases: [string, string, (sb: Sandbox) => void, RegExp][] = [
    [
      'the series is absent',
      'latency_p95',
      (sb) => sb.editMetrics((r) => (r.metric === 'latency_p95' && r.cohort === 'canary' ? null : r)),
      /no data in the last 24h \(canary\)/,
    ],
    [
      'a value is NaN',
      'error_rate',
      (sb) => sb.setMetric('2026-06-19T15:00:00Z', 'error_rate', 'canary', 'NaN'),
      /1 point\(s\) were NaN/,
    ],
    [
      'a value is empty',
      'cpu_utilization',
      (sb) => sb.setMetric('2026-06-19T16:00:00Z', 'cpu_utilization', 'canary', ''),
      /NaN or not numbers/,
    ],
    [
      'two hours of rows are missing',
      'latency_p95',
      (sb) =>
        sb.editMetrics((r) =>
          r.timestamp >= '2026-06-19T12:00:00Z' && r.timestamp < '2026-06-19T14:00:00Z' ? null : r,
        ),
      /gap in the data after 2026-06-19T11:45:00.000Z/,
    ],
    [
      'the data is stale (last point hours before now)',
      'memory_utilization',
      (sb) => sb.editMetrics((r) => (r.timestamp > '2026-06-20T06:00:00Z' ? null : r)),
      /data is stale/,
    ],
    [
      'the data starts late in the window',
      'db_response_time',
      (sb) => sb.editMetrics((r) => (r.metric === 'db_response_time' && r.timestamp < '2026-06-19T20' ? null : r)),
      /not covered/,
    ],
    [
      'the metrics file is missing',
      'latency_p95',
      (sb) => rmSync(sb.metricsFile),
      /cannot read the metrics file .*ENOENT/,
    ],
    [
      'the metrics file is unreadable (a folder)',
      'latency_p95',
      (sb) => {
        rmSync(sb.metricsFile);
        mkdirSync(sb.metricsFile);
      },
      /cannot read the metrics file .*EISDIR/,
    ],
    [
      'the metrics file is malformed',
      'latency_p95',
      (sb) => writeFileSync(sb.metricsFile, 'time;name;value\n1;2;3\n'),
      /header must be/,
    ],
  ];

  it.each(cases)('%s → held on %s', async (_label, metric, mutate, detail) => {
    const sb = await atStage('canary-5-approved');
    mutate(sb);
    const d = await advance(sb, 3);
    expect(d.decision).toBe('held');
    expect(d.verdict).toBe('hold');
    expect(criterion(d, metric).verdict).toBe('hold');
    expect(criterion(d, metric).detail).toMatch(detail);
    expect(verdicts(d, 'pass')).not.toContain(metric);
    expect(verdicts(d, 'fail')).toEqual([]);
    expect(sb.state()).toMatchObject({ phase: 'canary-5', traffic: 5 });
  });

  it('the same stage with the data intact advances (the cases above differ only by their data)', async () => {
    const sb = await atStage('canary-5-approved');
    const d = await advance(sb, 0, [], true);
    expect(d.decision).toBe('advanced');
  });

  it('onNoData: fail turns missing data into a failed gate (exit 4)', async () => {
    const sb = await atStage('canary-5-approved');
    sb.editPlan((y) => y.replace(/(slo: \{ below: 500 \}\n\s+severe: \{ below: 800 \}.*\n)/, '$1    onNoData: fail\n'));
    sb.editMetrics((r) => (r.metric === 'latency_p95' && r.cohort === 'canary' ? null : r));
    const d = await advance(sb, 4);
    expect(d.decision).toBe('failed');
    expect(criterion(d, 'latency_p95')).toMatchObject({ verdict: 'fail', level: 'moderate' });
    expect(criterion(d, 'latency_p95').detail).toContain('onNoData: fail');
  });
});

describe('incidents', () => {
  it('an open critical incident fails the gate as severe (exit 4)', async () => {
    const sb = await atStage('canary-5-approved');
    sb.writeIncidents([
      {
        id: 'INC-1',
        severity: 'critical',
        status: 'open',
        title: 'recommendations timing out',
        openedAt: '2026-06-20T08:00:00Z',
      },
      { id: 'INC-0', severity: 'critical', status: 'resolved', title: 'old one' },
    ]);
    const d = await advance(sb, 4);
    expect(d.decision).toBe('failed');
    expect(criterion(d, 'incidents')).toMatchObject({ verdict: 'fail', level: 'severe' });
    expect(criterion(d, 'incidents').detail).toContain('INC-1');
    expect(criterion(d, 'incidents').detail).not.toContain('INC-0');
    expect(d.contingency).toMatchObject({ level: 'severe', action: 'rollback', applied: false });
  });

  it('an open medium incident passes `noOpenIncidents: critical`', async () => {
    const sb = await atStage('canary-5-approved');
    sb.writeIncidents([
      { id: 'INC-2', severity: 'medium', status: 'open', title: 'slow admin page', openedAt: '2026-06-20T08:00:00Z' },
    ]);
    const d = await advance(sb, 0, [], true);
    expect(d.decision).toBe('advanced');
    expect(criterion(d, 'incidents')).toMatchObject({ verdict: 'pass' });
    expect(criterion(d, 'incidents').detail).toContain('1 milder open');
  });

  it('an unreadable incidents file holds (exit 3): it is never read as "no incidents"', async () => {
    const sb = await atStage('canary-5-approved');
    sb.writeFile('plans/.rollout/incidents.json', '{ not json');
    const d = await advance(sb, 3);
    expect(criterion(d, 'incidents')).toMatchObject({ verdict: 'hold' });
    expect(criterion(d, 'incidents').detail).toContain('not valid JSON');
  });
});

describe('approvals', () => {
  it('a missing approval holds (exit 3) and says who can approve', async () => {
    const sb = await atStage('canary-5');
    sb.clock.set(T.canary25);
    const d = await advance(sb, 3);
    expect(verdicts(d, 'hold')).toEqual(['approvals']);
    expect(criterion(d, 'approvals').detail).toMatch(/0\/1 approvals.*tech-lead, head-of-engineering, product-manager/);
  });

  it('an approval by someone who is not an approver is refused (exit 2) and recorded nowhere', async () => {
    const sb = await atStage('canary-5');
    const before = sb.snapshot();
    const r = await sb.cmd('approve', ['--by', 'tech-led']);
    expectCode(r, 2);
    expect(r.stderr).toContain('"tech-led" is not an approver of phase "canary-5"');
    expect(r.stderr).toContain('tech-lead');
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(sb.snapshot()).toEqual(before);
  });

  it('the same approver twice counts once', async () => {
    const sb = await atStage('canary-5');
    sb.editPlan((y) => y.replace('required: 1', 'required: 2'));
    sb.clock.set(T.canary25);
    const a1 = await sb.json('approve', ['--by', 'tech-lead'], 0);
    expect(a1).toMatchObject({ recorded: true, approvals: ['tech-lead'], required: 2 });
    const a2 = await sb.json('approve', ['--by', 'tech-lead'], 0);
    expect(a2).toMatchObject({ recorded: false, approvals: ['tech-lead'], required: 2 });
    const d = await advance(sb, 3);
    expect(criterion(d, 'approvals')).toMatchObject({ verdict: 'hold' });
    expect(criterion(d, 'approvals').detail).toMatch(/^1\/2 approvals \(tech-lead\)/);
    expect(await sb.json('approve', ['--by', 'head-of-engineering'], 0)).toMatchObject({
      recorded: true,
      approvals: ['tech-lead', 'head-of-engineering'],
    });
    const ok = await advance(sb, 0, [], true);
    expect(ok.decision).toBe('advanced');
    expect(criterion(ok, 'approvals').detail).toMatch(/^2\/2 approvals/);
    expect(
      sb
        .journal()
        .filter((e) => e.type === 'approval.recorded' && e.phase === 'canary-5')
        .map((e) => e.data['by']),
    ).toEqual(['tech-lead', 'head-of-engineering']);
  });
});

describe('metrics file formats (contract §7)', () => {
  it('unix-second timestamps and JSON rows give the same verdicts as the ISO CSV', async () => {
    const sb = await atStage('canary-5-approved');
    const iso = await sb.json('check', [], 0);
    const numbers = (d: Doc) => d.criteria.map((c) => [c.name, c.verdict, c['points'] ?? null, c['observed'] ?? null]);

    sb.editMetrics((r) => ({ ...r, timestamp: String(Date.parse(r.timestamp) / 1000) }));
    const unix = await sb.json('check', [], 0);
    expect(numbers(unix)).toEqual(numbers(iso));

    const rows = sb
      .metrics()
      .map((r) => ({ timestamp: Number(r.timestamp), metric: r.metric, cohort: r.cohort, value: Number(r.value) }));
    sb.writeFile('plans/data/metrics.json', JSON.stringify(rows));
    sb.editPlan((y) => y.replace('path: data/recommendations-metrics.csv', 'path: data/metrics.json'));
    const json = await sb.json('check', [], 0);
    expect(numbers(json)).toEqual(numbers(iso));
    expect(json.decision).toBe('advanced');
  });

  it('in a phase with traffic 0, rows with an empty cohort (the whole service) are the baseline when there is no control', async () => {
    const sb = await atStage('start');
    sb.writeIncidents([]); // no rollout has started, so no command has created it yet
    sb.editMetrics((r) => (r.cohort === 'canary' ? null : { ...r, cohort: '' }));
    const d = await sb.json('check', [], 3); // held on the checklist and the approval only
    expect(verdicts(d, 'hold')).toEqual(['approvals', 'checklist']);
    expect(criterion(d, 'latency_p95')).toMatchObject({ verdict: 'pass', cohort: 'control', points: 97 });
  });
});
