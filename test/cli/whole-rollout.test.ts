/**
 * The reference plan end to end through the built binary: pre-deploy → canary-5 → canary-25 → full →
 * completed, with ROLLOUT_NOW stepped past each soak time. Asserts what users and scripts rely on:
 * decisions and exit codes, `status --json`, the flag file at every step, the journal's effects and
 * the reports of every phase left.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { after, explain, removeSandboxes, Sandbox, T, type FlagdFlag } from '../helpers/cli.js';
import type { JournalEntry } from '../../src/state/types.js';

afterAll(removeSandboxes);

const DOCUMENTS: Record<string, { kind: string; title: string }[]> = {
  'pre-deploy': [
    { kind: 'rollout-plan', title: 'Rollout plan' },
    { kind: 'test-cases', title: 'Test cases' },
    // the plan names stakeholders: the first phase's report carries the communication plan
    { kind: 'communication-plan', title: 'Communication plan' },
  ],
  'canary-5': [{ kind: 'initial-metrics', title: 'Initial metrics report' }],
  'canary-25': [{ kind: 'comparative-analysis', title: 'Comparative analysis' }],
  full: [
    { kind: 'final-report', title: 'Final report' },
    { kind: 'lessons-learned', title: 'Lessons learned' },
  ],
};
const GATING = ['latency_p95', 'error_rate', 'cpu_utilization', 'memory_utilization', 'db_response_time'];

/** The fractional split inside a flagd targeting rule: { on: weight, off: weight } */
/** The phase's own split: the last `fractional` in the targeting (earlier phases' kept splits come first). */
function split(flag: FlagdFlag): Record<string, number> {
  const find = (node: unknown): unknown[] | undefined => {
    if (!node || typeof node !== 'object') return undefined;
    if (Array.isArray(node)) {
      for (const n of [...node].reverse()) {
        const f = find(n);
        if (f) return f;
      }
      return undefined;
    }
    const o = node as Record<string, unknown>;
    if (Array.isArray(o['fractional'])) return o['fractional'];
    for (const v of Object.values(o)) {
      const f = find(v);
      if (f) return f;
    }
    return undefined;
  };
  const fr = find(flag.targeting);
  if (!fr) return {};
  return Object.fromEntries(
    fr.filter((x): x is [string, number] => Array.isArray(x) && typeof x[0] === 'string').map(([v, w]) => [v, w]),
  );
}

async function expectStatus(sb: Sandbox, want: { state: string; phase: string; traffic: number }) {
  const s = await sb.json('status', [], 0);
  expect({ plan: s.plan, state: s.state, phase: s.phase, traffic: s.traffic }).toEqual({
    plan: 'recommendations-v2',
    ...want,
  });
  return s;
}

async function approveAndAdvance(sb: Sandbox, by = 'tech-lead') {
  const a = await sb.json('approve', ['--by', by], 0);
  expect(a.recorded).toBe(true);
  const r = await sb.cmd('advance', ['--json']);
  expect({ code: r.code, why: r.code === 0 ? '' : explain(r) }).toEqual({ code: 0, why: '' });
  return r.json();
}

describe('the reference rollout, start to finish', () => {
  it('walks pre-deploy → canary-5 → canary-25 → full → completed with checklist --yes and one approval per phase', async () => {
    const sb = Sandbox.create({ now: T.canary5 });

    // A plan with no state is at its first phase.
    const s0 = await expectStatus(sb, { state: 'not-started', phase: 'pre-deploy', traffic: 0 });
    // now + 48h + 72h, then a whole 24h SLO window at 100%
    expect(s0.earliestCompletion).toBe('2026-06-24T09:00:00.000Z');

    // pre-deploy: the checklist and the approval are missing → held, nothing changes in the flag file.
    const held = await sb.cmd('advance', ['--json']);
    expect(held.code).toBe(3);
    const h = held.json();
    expect(h.decision).toBe('held');
    expect(
      h.criteria
        .filter((c: any) => c.verdict === 'hold')
        .map((c: any) => c.name)
        .sort(),
    ).toEqual(['approvals', 'checklist']);
    // traffic 0: the gate judges the baseline
    expect(h.criteria.find((c: any) => c.name === 'latency_p95')).toMatchObject({ verdict: 'pass', cohort: 'control' });
    expect(sb.flag()).toBeUndefined();

    const cl = await sb.json('checklist', ['--yes'], 0);
    expect(cl.complete).toBe(true);
    expect(cl.items).toHaveLength(7);
    expect(cl.items.every((i: any) => i.status === 'done' && i.by === 'cli-test')).toBe(true);

    // pre-deploy → canary-5
    const a1 = await approveAndAdvance(sb);
    expect(a1).toMatchObject({
      decision: 'advanced',
      from: 'pre-deploy',
      to: 'canary-5',
      phase: 'canary-5',
      traffic: 5,
      verdict: 'pass',
    });
    expect(a1.criteria.map((c: any) => c.name)).toEqual(
      expect.arrayContaining(['checklist', ...GATING, 'incidents', 'approvals']),
    );
    expect(a1.flag.after).toMatchObject({ enabled: true, traffic: 5, audience: 'technical-users' });
    await expectStatus(sb, { state: 'in-progress', phase: 'canary-5', traffic: 5 });
    let f = sb.flag()!;
    expect(f).toMatchObject({
      state: 'ENABLED',
      variants: { on: true, off: false },
      defaultVariant: 'off',
      metadata: { traffic: 5, audience: 'technical-users', managedBy: 'rollout' },
    });
    expect(JSON.stringify(f.targeting)).toContain('"var":"profile"');
    expect(JSON.stringify(f.targeting)).toContain('["technical"]');
    expect(split(f)).toEqual({ on: 5000, off: 95000 });

    // canary-5 → canary-25 once its 48h soak is over
    sb.clock.set(T.canary25);
    const a2 = await approveAndAdvance(sb);
    expect(a2).toMatchObject({ decision: 'advanced', from: 'canary-5', to: 'canary-25', traffic: 25 });
    // from traffic 5 on, the gate judges the canary
    expect(a2.criteria.find((c: any) => c.name === 'latency_p95')).toMatchObject({ verdict: 'pass', cohort: 'canary' });
    await expectStatus(sb, { state: 'in-progress', phase: 'canary-25', traffic: 25 });
    f = sb.flag()!;
    expect(f.metadata).toMatchObject({ traffic: 25, audience: 'active-users' });
    expect(JSON.stringify(f.targeting)).toContain('"var":"activity"');
    expect(split(f)).toEqual({ on: 25000, off: 75000 });
    // canary-5's technical-users keep their 5 %: exposure only grows
    expect(f.metadata).toMatchObject({ kept: '5% of technical-users' });

    // canary-25 → full once its 72h soak is over
    sb.clock.set(T.full);
    const a3 = await approveAndAdvance(sb);
    expect(a3).toMatchObject({ decision: 'advanced', from: 'canary-25', to: 'full', traffic: 100 });
    f = sb.flag()!;
    expect(f.metadata).toMatchObject({ traffic: 100 });
    // 100% of everyone: served by default, no targeting left to exclude anyone
    expect(f.defaultVariant).toBe('on');
    expect(f.targeting === undefined || Object.keys(f.targeting).length === 0).toBe(true);

    // the last phase completes only once 100% has held its SLOs for a whole window since it was entered
    const early = await sb.json('approve', ['--by', 'tech-lead'], 0);
    expect(early.recorded).toBe(true);
    sb.clock.set(after(T.full, '10m'));
    const soon = await sb.cmd('advance', ['--json']);
    expect(soon.code).toBe(3);
    const lat = soon.json().criteria.find((c: any) => c.name === 'latency_p95');
    expect(lat).toMatchObject({
      verdict: 'hold',
      eligibleAt: '2026-06-24T09:00:00.000Z',
      window: { from: '2026-06-23T09:00:00.000Z', label: '10m of 24h' },
    });
    expect(lat.detail).toContain('covered at 2026-06-24T09:00:00.000Z');
    expect((await sb.json('status', [], 0)).earliestCompletion).toBe('2026-06-24T09:00:00.000Z');
    expect(sb.state()!.status).toBe('in-progress');

    // advance from the last phase completes the rollout
    sb.clock.set(T.done);
    const a4 = await sb.cmd('advance', ['--json']);
    expect({ code: a4.code, why: a4.code === 0 ? '' : explain(a4) }).toEqual({ code: 0, why: '' });
    expect(a4.json()).toMatchObject({
      decision: 'completed',
      from: 'full',
      to: null,
      state: 'completed',
      traffic: 100,
    });
    await expectStatus(sb, { state: 'completed', phase: 'full', traffic: 100 });
    expect(sb.flagTraffic()).toBe(100);

    // the state file tells the story
    const state = sb.state()!;
    expect(state).toMatchObject({
      plan: 'recommendations-v2',
      status: 'completed',
      phase: 'full',
      traffic: 100,
      completedAt: '2026-06-24T09:00:00.000Z',
      simulatedClock: true,
    });
    expect(state.phases['pre-deploy']).toMatchObject({ leftAt: '2026-06-18T09:00:00.000Z' });
    expect(state.phases['canary-5']).toMatchObject({
      enteredAt: '2026-06-18T09:00:00.000Z',
      leftAt: '2026-06-20T09:00:00.000Z',
    });
    expect(state.phases['canary-25']).toMatchObject({
      enteredAt: '2026-06-20T09:00:00.000Z',
      leftAt: '2026-06-23T09:00:00.000Z',
    });
    expect(state.phases['full']).toMatchObject({ enteredAt: '2026-06-23T09:00:00.000Z' });

    // the journal: every flag change sits between its effect.start and effect.done, in order
    const journal = sb.journal();
    expect(journal.map((e) => e.seq)).toEqual(journal.map((_, i) => i + 1));
    expect(journal.every((e) => e.clock === 'ROLLOUT_NOW')).toBe(true);
    const starts = journal.filter((e) => e.type === 'effect.start' && e.data['action'] === 'flag.set-traffic');
    expect(starts.map((e) => (e.data['target'] as { traffic: number }).traffic)).toEqual([5, 25, 100]);
    expect(starts.map((e) => (e.data['before'] as { traffic: number }).traffic)).toEqual([0, 5, 25]);
    for (const start of starts) {
      const i = journal.indexOf(start);
      const done = journal[i + 1] as JournalEntry;
      expect(done).toMatchObject({ type: 'effect.done', effect: start.effect, data: { action: 'flag.set-traffic' } });
      expect((done.data['after'] as { traffic: number }).traffic).toBe(
        (start.data['target'] as { traffic: number }).traffic,
      );
      // the gate was judged before the flag moved, and the decision recorded after it landed
      expect(
        journal
          .slice(0, i)
          .reverse()
          .find((e) => e.type.startsWith('gate.') || e.type.startsWith('rollout.'))?.type,
      ).toBe('gate.evaluated');
      expect(journal[i + 2]?.type).toBe('rollout.advanced');
    }
    expect(journal.filter((e) => e.type === 'effect.failed')).toEqual([]);
    expect(journal.filter((e) => e.type === 'rollout.advanced')).toHaveLength(3);
    expect(journal.filter((e) => e.type === 'rollout.completed')).toHaveLength(1);
    expect(journal.filter((e) => e.type === 'approval.recorded').map((e) => e.phase)).toEqual([
      'pre-deploy',
      'canary-5',
      'canary-25',
      'full',
    ]);

    // a report for each phase left, in each format, with the gate table and the documents it names
    for (const [phase, docs] of Object.entries(DOCUMENTS)) {
      const md = sb.report(phase, 'md');
      expect(md).toContain('Simulated clock');
      expect(md).toContain('ROLLOUT_NOW');
      expect(md).toMatch(/^## Gate$/m);
      expect(md).toMatch(/^\| criterion \| verdict \| observed \| SLO \| window \| points \| detail \|$/m);
      for (const m of GATING) expect(md).toMatch(new RegExp(`^\\| ${m} \\| ✅ pass \\| .*\\| 24h \\| 97 \\|`, 'm'));
      expect(md).toMatch(/^## Decision$/m);
      expect(md).toContain(phase === 'full' ? '**completed**' : '**advanced**');
      for (const d of docs) expect(md).toMatch(new RegExp(`^## ${d.title}$`, 'm'));
      const others = Object.values(DOCUMENTS)
        .flat()
        .filter((d) => !docs.includes(d));
      for (const d of others) expect(md).not.toMatch(new RegExp(`^## ${d.title}$`, 'm'));

      const json = sb.report(phase, 'json');
      expect(json.simulatedClock).toBe(true);
      expect(json.phase).toMatchObject({ name: phase, status: 'left' });
      expect(json.documents.map((d: { kind: string }) => d.kind)).toEqual(docs.map((d) => d.kind));
      expect(json.gate.verdict).toBe('pass');
      expect(json.gate.criteria.map((c: { name: string }) => c.name)).toEqual(expect.arrayContaining(GATING));
      expect(json.decision.decision).toBe(phase === 'full' ? 'completed' : 'advanced');
    }
    // the pre-deploy report shows the checklist as done, the final report the whole timeline
    expect(sb.report('pre-deploy', 'json').checklist.every((c: { status: string }) => c.status === 'done')).toBe(true);
    expect(sb.report('canary-5', 'json').flag).toMatchObject({ before: { traffic: 5 }, after: { traffic: 25 } });
    const final = sb.report('full', 'md');
    expect(final).toContain('The rollout is completed.');
    expect(final).toMatch(
      /^\| canary-25 \| 25% \| 2026-06-20T09:00:00.000Z \| 2026-06-23T09:00:00.000Z \| 3d \| advanced \|$/m,
    );
  });

  it('takes checklist answers from --answers FILE (by id or text, done or skipped with a reason)', async () => {
    const sb = Sandbox.create({ now: T.canary5 });
    const partial = sb.writeFile(
      'answers-partial.yaml',
      `${[
        'validate-baseline-metrics: done',
        '"Configure feature flags": true',
        'prepare-a-staging-environment-identical-to-production: "skip: staging shares the production config"',
      ].join('\n')}\n`,
    );
    // an answers file that leaves an item open fails at once (it never falls back to asking), naming the item
    const r1 = await sb.cmd('checklist', ['--answers', partial]);
    expect(r1.code).toBe(2);
    expect(r1.stderr).toContain('load-tests-completed');
    expect(r1.timedOut).toBe(false);
    // what was answered is kept
    const kept = sb.state()!.phases['pre-deploy']!.checklist;
    expect(Object.keys(kept).sort()).toEqual([
      'configure-feature-flags',
      'prepare-a-staging-environment-identical-to-production',
      'validate-baseline-metrics',
    ]);

    const full = sb.writeFile(
      'answers.json',
      JSON.stringify({
        'load-tests-completed': { skip: 'ran in the last sprint, same build' },
        'Database backups taken': 'done',
        'monitoring-active': 'yes',
        'on-call-team-notified': true,
      }),
    );
    const r2 = await sb.cmd('checklist', ['--answers', full, '--json']);
    expect(r2.code).toBe(0);
    const cl = r2.json();
    expect(cl.complete).toBe(true);
    const byId = Object.fromEntries(cl.items.map((i: any) => [i.id, i]));
    expect(byId['prepare-a-staging-environment-identical-to-production']).toMatchObject({
      status: 'skipped',
      reason: 'staging shares the production config',
    });
    expect(byId['load-tests-completed']).toMatchObject({
      status: 'skipped',
      reason: 'ran in the last sprint, same build',
    });
    expect(byId['monitoring-active']).toMatchObject({ status: 'done' });

    // skipped items with a reason count as answered: the gate passes and the report keeps the reasons
    const adv = await approveAndAdvance(sb);
    expect(adv).toMatchObject({ decision: 'advanced', to: 'canary-5' });
    expect(adv.criteria.find((c: any) => c.name === 'checklist')).toMatchObject({ verdict: 'pass' });
    const md = sb.report('pre-deploy', 'md');
    expect(md).toMatch(
      /^\| Load tests completed \| skipped \| cli-test \| .* \| ran in the last sprint, same build \|$/m,
    );
    expect(sb.report('pre-deploy', 'json').documents.find((d: any) => d.kind === 'test-cases').blocks[1].rows).toEqual(
      expect.arrayContaining([['Load tests completed', 'manual', 'skipped', 'cli-test', expect.any(String)]]),
    );
    expect(sb.flag()?.metadata?.['traffic']).toBe(5);
    expect(sb.flag()?.metadata?.['audience']).toBe('technical-users');
  });
});
