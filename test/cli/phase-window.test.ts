/**
 * Never advance wrongly, through the built binary: a phase is judged on data since it was entered and
 * holds until it has covered its sloWindow (the last phase included); a missing incidents source is
 * never "no open incident"; a comparison is never dropped without a word; plans sharing one flagd file
 * never lose each other's changes; reported-only metrics are `reported` in the documents.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { after, atStage, explain, removeSandboxes, Sandbox, T, type CliResult } from '../helpers/cli.js';

afterAll(removeSandboxes);

type Doc = { criteria: { name: string; verdict: string; detail: string; [k: string]: any }[]; [k: string]: any };
const criterion = (doc: Doc, name: string) => {
  const c = doc.criteria.find((x) => x.name === name);
  if (!c) throw new Error(`no criterion ${name} in ${JSON.stringify(doc.criteria.map((x) => x.name))}`);
  return c;
};
const GATING = ['latency_p95', 'error_rate', 'cpu_utilization', 'memory_utilization', 'db_response_time'];

function expectCode(r: CliResult, code: number): void {
  if (r.code !== code) throw new Error(`expected exit ${code}, got ${explain(r)}`);
}

describe('the judged window starts when the phase was entered', () => {
  it('100% reached ten minutes ago does not complete: held until a whole window at 100%, data from before ignored', async () => {
    const sb = await atStage('full');
    // a breach an hour before 100% was entered, at 25%: not this phase's data
    sb.setMetric(after(T.full, '-1h'), 'latency_p95', 'canary', 650);
    sb.clock.set(after(T.full, '10m'));
    expectCode(await sb.cmd('approve', ['--by', 'tech-lead']), 0);
    const r = await sb.cmd('advance', ['--json']);
    expectCode(r, 3);
    const d = r.json<Doc>();
    expect(d).toMatchObject({ decision: 'held', from: 'full', eligibleAt: T.done.replace('Z', '.000Z') });
    for (const m of GATING) {
      expect(criterion(d, m)).toMatchObject({
        verdict: 'hold',
        window: { from: '2026-06-23T09:00:00.000Z', label: '10m of 24h' },
        eligibleAt: '2026-06-24T09:00:00.000Z',
      });
      expect(criterion(d, m).detail).toContain(
        '10m of 24h at this traffic; the 24h window is covered at 2026-06-24T09:00:00.000Z',
      );
    }
    expect(JSON.stringify(d)).not.toContain('650');
    expect(sb.state()).toMatchObject({ status: 'in-progress', phase: 'full' });

    const s = await sb.json('status', [], 0);
    expect(s).toMatchObject({
      state: 'in-progress',
      eligibleAt: '2026-06-24T09:00:00.000Z',
      untilEligibleMs: 24 * 3600_000 - 10 * 60_000,
      earliestCompletion: '2026-06-24T09:00:00.000Z',
    });
    const text = await sb.cmd('status');
    expect(text.stdout).toContain('earliest completion: 2026-06-24T09:00:00.000Z');
    const held = await sb.cmd('advance');
    expectCode(held, 3);
    expect(held.stdout).toContain('run again after 2026-06-24T09:00:00.000Z');

    // a breach in this phase's own data fails at once, covered window or not
    sb.clock.set(after(T.full, '30m'));
    sb.setMetric(after(T.full, '15m'), 'latency_p95', 'canary', 650);
    const failed = await sb.json('check', [], 4);
    expect(criterion(failed, 'latency_p95')).toMatchObject({ verdict: 'fail', observed: 650 });
  });

  it('once the phase has covered its window at 100%, the rollout completes', async () => {
    const sb = await atStage('full');
    sb.clock.set(after(T.done, '-1s'));
    expectCode(await sb.cmd('approve', ['--by', 'tech-lead']), 0);
    expectCode(await sb.cmd('advance'), 3);
    sb.clock.set(T.done);
    const d = await sb.json('advance', [], 0);
    expect(d).toMatchObject({ decision: 'completed', state: 'completed' });
    for (const m of GATING)
      expect(criterion(d, m)).toMatchObject({
        verdict: 'pass',
        points: 97,
        window: { from: '2026-06-23T09:00:00.000Z', label: '24h' },
      });
  });

  it('a phase with a soak shorter than its window waits for the window (minDuration AND a whole window)', async () => {
    const sb = await atStage('canary-5');
    sb.editPlan((y) => y.replace('    minDuration: 48h\n', '    minDuration: 2h\n'));
    sb.clock.set(after(T.canary5, '3h'));
    expectCode(await sb.cmd('approve', ['--by', 'tech-lead']), 0);
    const d = await sb.json('advance', [], 3);
    expect(criterion(d, 'minDuration').verdict).toBe('pass');
    expect(criterion(d, 'latency_p95')).toMatchObject({ verdict: 'hold', eligibleAt: '2026-06-19T09:00:00.000Z' });
    expect(d.eligibleAt).toBe('2026-06-19T09:00:00.000Z');
    sb.clock.set(after(T.canary5, '24h'));
    expect((await sb.json('advance', [], 0)).decision).toBe('advanced');
  });

  it('pre-deploy (traffic 0) judges the baseline over a whole window before the rollout started', async () => {
    const sb = Sandbox.create({ now: T.canary5 });
    const d = await sb.json('check', [], 3);
    expect(criterion(d, 'latency_p95')).toMatchObject({
      verdict: 'pass',
      cohort: 'control',
      points: 97,
      window: { from: '2026-06-17T09:00:00.000Z', label: '24h' },
    });
  });
});

describe('a missing incidents source is never "no open incident"', () => {
  it('the incidents file removed mid-rollout → held (exit 3); doctor says unreachable (exit 1); never recreated', async () => {
    const sb = await atStage('canary-5-approved');
    const file = sb.path('plans', '.rollout', 'incidents.json');
    expect(readFileSync(file, 'utf8').trim()).toBe('[]');
    rmSync(file);
    const d = await sb.json('advance', [], 3);
    expect(criterion(d, 'incidents')).toMatchObject({ verdict: 'hold' });
    expect(criterion(d, 'incidents').detail).toMatch(/incidents file .*incidents\.json does not exist/);
    const doc = await sb.cmd('doctor', ['--json']);
    expectCode(doc, 1);
    const finding = doc.json().findings.find((f: { role: string }) => f.role === 'incidents');
    expect(finding).toMatchObject({ ok: false });
    expect(finding.detail).toMatch(/^unreachable: .*does not exist/);
    expect(existsSync(file)).toBe(false);
  });

  it("an incidents file outside the state folder is the team's: missing → held, never created", async () => {
    const sb = Sandbox.create({
      now: T.canary5,
      editPlan: (y) => y.replace('path: .rollout/incidents.json', 'path: ops/incidents.json'),
    });
    const d = await sb.json('check', [], 3);
    expect(criterion(d, 'incidents').verdict).toBe('hold');
    expect(existsSync(sb.path('plans', 'ops', 'incidents.json'))).toBe(false);
  });

  it('on a fresh clone the tool writes its own state-folder incidents file as [] and says so: the quick start holds only on the checklist and approval', async () => {
    const sb = Sandbox.create({ now: T.canary5 });
    const r = await sb.cmd('advance', ['--json']);
    expectCode(r, 3);
    expect(r.stderr).toMatch(/created .*incidents\.json with \[\]/);
    expect(
      r
        .json<Doc>()
        .criteria.filter((c) => c.verdict === 'hold')
        .map((c) => c.name)
        .sort(),
    ).toEqual(['approvals', 'checklist']);
    expect(JSON.parse(readFileSync(sb.path('plans', '.rollout', 'incidents.json'), 'utf8'))).toEqual([]);
  });
});

describe('a missing flag file mid-rollout', () => {
  it('status reports it as a mismatch and doctor as unreachable (exit 1)', async () => {
    const sb = await atStage('canary-5');
    rmSync(sb.flagFile);
    const s = await sb.json('status', [], 0);
    expect(s.flagMatchesState).toBe(false);
    expect(s.flagMismatch.join('\n')).toContain('the flag file does not exist');
    const doc = await sb.cmd('doctor', ['--json']);
    expectCode(doc, 1);
    expect(doc.json().findings.find((f: { role: string }) => f.role === 'flags')).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/^unreachable: the flag file does not exist/),
    });
  });
});

describe('a comparison is never dropped without a word', () => {
  const withCompare = (y: string) =>
    y
      .replace(
        '    slo: { below: 0.5 }\n    severe: { below: 2 }\n',
        '    slo: { below: 0.5 }\n    severe: { below: 2 }\n    compare: { better: lower, failThreshold: "5%" }\n',
      )
      .replace(
        '    query: nps\n    unit: points\n',
        '    query: nps\n    unit: points\n    compare: { better: higher, passMargin: 1 }\n',
      );

  it('a comparison that could never be judged is an error that says why (exit 2), for every command', async () => {
    const sb = await atStage('canary-5-approved');
    sb.editPlan(withCompare);
    const v = await sb.cmd('validate');
    expectCode(v, 2);
    expect(v.stderr).toMatch(
      /recommendations\.yaml:\d+:\d+ metrics\[1\]\.compare: comparison "error_rate" has no passMargin/,
    );
    expect(v.stderr).toMatch(/comparison "nps" needs counts, but the metric is a series of values/);
    for (const cmd of ['status', 'check', 'advance']) expectCode(await sb.cmd(cmd), 2);
    expect(sb.state()).toMatchObject({ phase: 'canary-5', traffic: 5 });
  });

  it('a ratio metric with an slo and a compare has both judged: the SLO check fails while the comparison passes', async () => {
    const sb = await atStage('canary-5-approved');
    sb.editPlan((y) =>
      y.replace(
        '    denominator: users\n',
        '    denominator: users\n    slo: { above: 0.05 }               # conversion above 5 %: the canary converts at about 3.4 %\n',
      ),
    );
    const d = await sb.json('check', [], 4);
    expect(criterion(d, 'conversion_vs_control')).toMatchObject({ verdict: 'pass' });
    expect(criterion(d, 'conversion_vs_control (slo)')).toMatchObject({ verdict: 'fail', status: 'fail' });
    expect(criterion(d, 'conversion_vs_control (slo)').interval[1]).toBeLessThan(0.05);
  });
});

describe('plans sharing one flagd file', () => {
  it("advancing at the same time, each keeps the other's flag (the file is locked, re-read and replaced atomically)", async () => {
    const sb = Sandbox.create({ now: T.canary5 });
    const base = readFileSync(sb.path('plans', 'recommendations.yaml'), 'utf8');
    // the plans' incidents file is outside their own state folders: the team keeps it
    sb.writeIncidents([]);
    // a file other teams use too: large enough that reading and writing it takes a while
    const others = Object.fromEntries(
      Array.from({ length: 20_000 }, (_, i) => [
        `other-${i}`,
        { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'off' },
      ]),
    );
    sb.writeFile('plans/.rollout/flags.json', JSON.stringify({ flags: others }));
    const N = 6;
    const plans = Array.from({ length: N }, (_, i) => `plans/shared-${i}.yaml`);
    plans.forEach((p, i) => {
      sb.writeFile(
        p,
        base
          .replace('name: recommendations-v2', `name: shared-${i}`)
          .replace('  key: recommendations-v2', `  key: feature-${i}`)
          .replace('  dir: .rollout ', `  dir: .rollout-${i} `),
      );
    });
    await Promise.all(
      plans.map(async (p) => {
        expectCode(await sb.run(['checklist', p, '--yes']), 0);
        expectCode(await sb.run(['approve', p, '--by', 'tech-lead']), 0);
      }),
    );
    const runs = await Promise.all(plans.map((p) => sb.run(['advance', p, '--json'])));
    for (const r of runs) expectCode(r, 0);
    const doc = JSON.parse(readFileSync(sb.flagFile, 'utf8'));
    expect(
      Object.keys(doc.flags)
        .filter((k) => k.startsWith('feature-'))
        .sort(),
    ).toEqual(Array.from({ length: N }, (_, i) => `feature-${i}`).sort());
    expect(Object.keys(doc.flags)).toHaveLength(20_000 + N);
    expect(existsSync(`${sb.flagFile}.lock`)).toBe(false);
  });
});

describe('report documents', () => {
  it('reported-only metrics are `reported` in the initial-metrics table, never `pass`', async () => {
    const sb = await atStage('canary-25');
    const doc = sb.report('canary-5', 'json').documents.find((d: { kind: string }) => d.kind === 'initial-metrics');
    const rows: string[][] = doc.blocks[1].rows;
    const verdictOf = (m: string) => rows.find((r) => r[0] === m)?.[7];
    for (const m of ['throughput', 'acceptance_rate', 'conversion_rate', 'nps']) expect(verdictOf(m)).toBe('reported');
    for (const m of GATING) expect(verdictOf(m)).toBe('pass');
    expect(sb.report('canary-5', 'md')).toMatch(/^\| throughput \| canary \| - \| .* \| no SLO \| 97 \| reported \|$/m);
  });
});
